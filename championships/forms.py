"""Result entry: the one validation path for the admin, the pair entry screen and `enter_result`."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction

from . import scoring
from .display import result_text
from .models import Result, Start
from .times import TimeFormatError, format_time, parse_time


class RaceTimeField(forms.CharField):
    """A time as officials write it: 37.07, 37,07, 1:13.32 or 1.13,32."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "e.g. 37.07, 37,07, 1:13.32 or 1.13,32")
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if value is None or isinstance(value, str):
            return value
        return format_time(value)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return parse_time(value)
        except TimeFormatError as error:
            raise ValidationError(str(error), code="invalid_time")


class SplitsField(forms.CharField):
    """Passing times in order, separated by spaces or semicolons: "17.85 44.20 1:11.04"."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "passing times in order, separated by spaces, e.g. 17.85 44.20")
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return " ".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        value = super().to_python(value) or ""
        splits = []
        for word in value.replace(";", " ").split():
            try:
                splits.append(format_time(parse_time(word)))
            except TimeFormatError as error:
                raise ValidationError(str(error), code="invalid_time")
        if [parse_time(t) for t in splits] != sorted(parse_time(t) for t in splits):
            raise ValidationError("Passing times must grow from one split to the next.", code="order")
        return splits


class ResultForm(forms.ModelForm):
    time = RaceTimeField(required=False)
    splits = SplitsField(required=False)

    class Meta:
        model = Result
        fields = ["distance", "skater", "time", "status", "splits", "note"]

    def clean(self):
        cleaned = super().clean()
        distance, skater = cleaned.get("distance"), cleaned.get("skater")
        if not cleaned.get("time") and not cleaned.get("status") and "time" not in self.errors:
            raise ValidationError("Enter a time or a status (DQ, DNS, DNF, WDR).", code="empty")
        splits, time = cleaned.get("splits"), cleaned.get("time")
        raw_time = self.instance.raw_time
        if raw_time is not None and "time" not in self.errors and scoring.official_time(raw_time) != time:
            self.instance.raw_time = None  # an official's time replaces the measured one
        if splits and time and parse_time(splits[-1]) >= time:
            self.add_error("splits", "The last passing time must be below the finish time.")
        if distance and skater:
            if skater.championship_id != distance.championship_id:
                raise ValidationError(
                    f"{skater.name} does not skate in {distance.championship}.", code="wrong_championship"
                )
            starts = Start.objects.filter(distance=distance)
            if starts.exists() and not starts.filter(skater=skater).exists():
                raise ValidationError(
                    f"{skater.name} is not in the start list of distance {distance.order} ({distance.meters} m).",
                    code="not_in_start_list",
                )
            duplicate = (
                Result.objects.for_distance(distance).filter(skater=skater).exclude(pk=self.instance.pk)
            )
            if duplicate.exists():
                raise ValidationError(
                    f"{skater.name} already has a result on distance {distance.order} "
                    f"({distance.meters} m): correct that one instead of adding a second.",
                    code="duplicate",
                )
        return cleaned

    def validate_unique(self):
        """Checked in clean() with an official's wording."""


def parse_entry(text):
    """A pair entry field: a time, a status, or both ("1:13.57", "DQ", "dq 1:15.28"). Returns (time, status)."""
    time = status = None
    for word in text.split():
        try:
            code = scoring.normalise_status(word)
        except ValueError:
            if time is not None:
                raise ValidationError(f"{text!r}: give one time, and a status if needed.", code="invalid")
            try:
                time = parse_time(word)
            except TimeFormatError as error:
                raise ValidationError(str(error), code="invalid_time")
        else:
            if status is not None:
                raise ValidationError(f"{text!r}: give one status at most.", code="invalid")
            status = code
    return time, status


def result_form(distance, skater, time=None, status=None, note=None):
    """A bound ResultForm entering or correcting the skater's result on the distance."""
    instance = Result.objects.for_distance(distance).filter(skater=skater).first()
    data = {
        "distance": distance.pk,
        "skater": skater.pk,
        "time": format_time(time) if time is not None else "",
        "status": status or "",
        "splits": " ".join(instance.splits) if instance else "",
        "note": note if note is not None else (instance.note if instance else ""),
    }
    return ResultForm(data=data, instance=instance)


class PairEntryForm(forms.Form):
    """Both skaters of a pair on one screen: each field takes a time and/or a status."""

    def __init__(self, *args, distance, starts, **kwargs):
        super().__init__(*args, **kwargs)
        self.distance = distance
        self.starts = starts
        results = {
            r.skater_id: r
            for r in Result.objects.for_distance(distance).filter(skater__in=[s.skater for s in starts])
        }
        for index, start in enumerate(starts):
            existing = results.get(start.skater_id)
            initial = ""
            if existing:
                initial = result_text(existing.time, existing.status)
            self.fields[start.lane] = forms.CharField(
                label=f"{start.get_lane_display()}: {start.skater.name} ({start.skater.country})",
                required=False,
                initial=initial,
                help_text="time (37.07, 1:13.32, 1.13,32) and/or DQ, DNS, DNF, WDR; blank leaves it as it is",
                widget=forms.TextInput(attrs={"autofocus": index == 0, "autocomplete": "off", "size": 14}),
            )
        self.result_forms = []

    def clean(self):
        cleaned = super().clean()
        self.result_forms = []
        for start in self.starts:
            text = (cleaned.get(start.lane) or "").strip()
            if not text:
                continue
            try:
                time, status = parse_entry(text)
            except ValidationError as error:
                self.add_error(start.lane, error)
                continue
            form = result_form(self.distance, start.skater, time, status)
            if form.is_valid():
                self.result_forms.append(form)
            else:
                for error in form.errors.values():
                    self.add_error(start.lane, error)
        return cleaned

    def save(self):
        """Save both results or neither."""
        with transaction.atomic():
            return [form.save() for form in self.result_forms]

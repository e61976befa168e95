"""Result entry: the one validation path (ResultForm) and the forms of the doors that save
through results.save_result (the pair entry, the Result and start list admin)."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction

from . import history, results, scoring
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


class ResultChangeForm(ResultForm):
    """The Result admin's form: saved by results.save_result, and checked by it (under the
    admin's transaction) before the admin saves, so its refusals show on the form."""

    # The result's version when the form was opened: a save over a newer value is caught.
    opened_version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        required=False, help_text="Tick to save a time outside what is plausible for the distance."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opened_version"].initial = results.version_of(
            self.instance if self.instance.pk else None
        )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            results.check_result(self.distance, self.skater, **self.entry())
        except results.StaleResult as stale:
            reopen_on(self, "opened_version", stale)
            raise ValidationError(f"{stale} Save again to replace it with yours.", code="stale")
        except ValidationError as error:
            raise how_to_confirm(error)
        return cleaned

    @property
    def distance(self):
        return self.cleaned_data.get("distance") or self.instance.distance

    @property
    def skater(self):
        return self.cleaned_data.get("skater") or self.instance.skater

    def entry(self):
        """The arguments of results.save_result for what was entered."""
        cleaned = self.cleaned_data
        version = cleaned.get("opened_version")
        return {
            "time": cleaned["time"],
            "status": cleaned["status"],
            "splits": cleaned["splits"],
            "note": cleaned["note"],
            "expected": results.UNCHANGED_CHECK_OFF if version is None else version,
            "confirmed": cleaned["confirm"],
        }


def reopen_on(form, field, stale):
    """The form as if opened now (its version field on what was saved meanwhile): saving it
    again, once its official has seen both values, replaces what was saved."""
    form.data = form.data.copy()
    form.data[form.add_prefix(field)] = str(results.version_of(stale.current))


def how_to_confirm(error, how="tick confirm to save it"):
    """A refusal of results.save_result, saying how to confirm a doubtful time at this door."""
    if getattr(error, "code", None) != "implausible":
        return error
    joined = f" {how[0].upper()}{how[1:]}." if error.message.endswith("?") else f" — {how}."
    return ValidationError(error.message + joined, code="implausible")


class StartForm(forms.ModelForm):
    """A place in a start list, refused while its distance is official (results.lock_distance)."""

    class Meta:
        model = Start
        fields = ["distance", "pair", "lane", "skater"]

    def clean(self):
        cleaned = super().clean()
        if self.has_changed():
            for distance in {cleaned.get("distance"), self.instance.distance if self.instance.pk else None}:
                if distance is not None:
                    results.lock_distance(distance)
        return cleaned


class StartFormSet(forms.BaseInlineFormSet):
    """A distance's start list in its admin page: no change while the distance is official."""

    def clean(self):
        super().clean()
        # A ticked "delete" is a change of its form too.
        if self.instance.pk and any(form.has_changed() for form in self.forms):
            results.lock_distance(self.instance)


class PairEntryForm(forms.Form):
    """Both skaters of a pair on one screen: each field takes a time and/or a status.

    Per lane: the entry, the version of the result it was opened on (hidden) and, once a time
    needs it, a confirm tick."""

    def __init__(self, *args, distance, starts, **kwargs):
        super().__init__(*args, **kwargs)
        self.distance = distance
        self.starts = starts
        existing = {
            r.skater_id: r
            for r in Result.objects.for_distance(distance).filter(skater__in=[s.skater for s in starts])
        }
        for index, start in enumerate(starts):
            result = existing.get(start.skater_id)
            self.fields[start.lane] = forms.CharField(
                label=f"{start.get_lane_display()}: {start.skater.name} ({start.skater.country})",
                required=False,
                initial=result_text(result.time, result.status) if result else "",
                help_text="time (37.07, 1:13.32, 1.13,32) and/or DQ, DNS, DNF, WDR; blank leaves it as it is",
                widget=forms.TextInput(attrs={"autofocus": index == 0, "autocomplete": "off", "size": 14}),
            )
            # Blank (a script posting without it): saved over whatever is there.
            self.fields[f"{start.lane}_version"] = forms.IntegerField(
                required=False, widget=forms.HiddenInput, initial=results.version_of(result)
            )
            self.fields[f"{start.lane}_confirm"] = forms.BooleanField(required=False, label="confirm")
        self.entries = []

    def lanes(self):
        """Per skater: (entry field, version field, confirm field or None when not asked for)."""
        for start in self.starts:
            confirm = self[f"{start.lane}_confirm"]
            errors = self.errors.as_data().get(start.lane, []) if self.is_bound else []
            asked = confirm.value() or any(error.code == "implausible" for error in errors)
            yield self[start.lane], self[f"{start.lane}_version"], confirm if asked else None

    def clean(self):
        cleaned = super().clean()
        self.entries = []
        for start in self.starts:
            text = (cleaned.get(start.lane) or "").strip()
            if not text:
                continue
            try:
                time, status = parse_entry(text)
            except ValidationError as error:
                self.add_error(start.lane, error)
                continue
            version = cleaned.get(f"{start.lane}_version")
            self.entries.append(
                (
                    start,
                    {
                        "time": time,
                        "status": status,
                        "expected": results.UNCHANGED_CHECK_OFF if version is None else version,
                        "confirmed": cleaned.get(f"{start.lane}_confirm", False),
                    },
                )
            )
        return cleaned

    def save(self, user=None):
        """Save both results or neither: [(result, changed)], or None with the refusals on the form."""
        with transaction.atomic(), history.door("pair entry"):
            saved = []
            for start, entry in self.entries:
                try:
                    saved.append(results.save_result(self.distance, start.skater, user=user, **entry))
                except results.StaleResult as stale:
                    reopen_on(self, f"{start.lane}_version", stale)
                    self.add_error(
                        start.lane,
                        ValidationError(
                            f"{stale} Save again to replace it with yours, or leave the field blank "
                            "to keep it.",
                            code="stale",
                        ),
                    )
                except ValidationError as error:
                    if getattr(error, "code", None) == "official":
                        self.add_error(None, error)
                        break
                    self.add_error(start.lane, how_to_confirm(error))
            if self.errors:
                transaction.set_rollback(True)
                return None
        return saved

"""Result entry: the one validation path (ResultForm) and the forms of the doors that save
through results.save_result (the pair entry, the Result and start list admin)."""

from dataclasses import dataclass
from functools import cached_property

from django import forms
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import ValidationError
from django.db import transaction

from . import history, results, scoring
from .display import result_text
from .models import Result, Start
from .plausibility import implausible
from .times import TimeFormatError, format_time, parse_time
from .timing.models import Race, hundredths


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


# A lane's confirm field holds the entry its official was asked about (as result_text writes it),
# or this for a lane left empty: the same entry sent again is confirmed, anything else is asked anew.
LEFT_EMPTY = "empty"
SOURCE_NAMES = {
    "photofinish": "photo-finish",
    "optical": "optical",
    "transponder": "transponder",
    "manual": "manual",
}


@dataclass
class Saved:
    """A lane the pair entry saved: what the result was before (None: none), and what it is now."""

    skater: object
    before: object
    result: object
    changed: bool
    feed_confirmed: str = ""  # the feed's source, when the official confirmed the feed's time

    def message(self):
        now = result_text(self.result.time, self.result.status)
        if self.feed_confirmed:
            return f"{self.skater.name}: {now} (timing feed, {self.feed_confirmed}) confirmed"
        if not self.changed:
            return f"{self.skater.name}: {now} (unchanged)"
        if self.before is None:
            return f"{self.skater.name}: {now}"
        return f"{self.skater.name}: {result_text(self.before.time, self.before.status)} → {now}"


@dataclass
class FeedLane:
    """What the timing feed delivered for a lane's skater (championships/timing)."""

    race: object
    result: object  # the skater's result now, or None

    @property
    def finish(self):
        return self.race.finish_time()

    @property
    def finish_text(self):
        return format_time(self.finish) if self.finish is not None else ""

    @property
    def source(self):
        return (
            SOURCE_NAMES.get(self.race.finish["source"], self.race.finish["source"])
            if self.race.finish
            else ""
        )

    def passings(self):
        """[(metres, time as shown)] in the order skated."""
        return [(meters, format_time(hundredths(time))) for meters, time in self.race.passing_times()]

    @cached_property
    def implausible(self):
        """Why the feed's finish is doubtful (plausibility.py), or None."""
        if self.finish is None:
            return None
        return implausible(self.finish, self.race.distance.meters, self.race.skater)

    @property
    def taken(self):
        """The result is still as the feed wrote it: the official has not confirmed or corrected it."""
        return self.result is not None and not self.race.by_official(self.result)

    @property
    def overruled(self):
        """An official's result stands with another time than the feed's finish."""
        return (
            self.finish is not None
            and self.result is not None
            and self.race.by_official(self.result)
            and self.result.time != self.finish
        )


class PairEntryForm(forms.Form):
    """Both skaters of a pair on one screen: each field takes a time and/or a status.

    Per lane: the entry, the version of the result it was opened on (hidden) and the entry its
    official confirmed (hidden, see LEFT_EMPTY). Whatever needs a second look (a doubtful time, a
    lane left empty, the feed's doubtful time) is asked on the lane and the pair is saved once the
    official presses Save again with the same entries; a refused lane keeps the other's entry in
    the form and nothing of the pair is saved."""

    def __init__(self, *args, distance, starts, **kwargs):
        super().__init__(*args, **kwargs)
        self.distance = distance
        self.starts = starts
        skaters = [s.skater for s in starts]
        self.existing = {
            r.skater_id: r for r in Result.objects.for_distance(distance).filter(skater__in=skaters)
        }
        self.feed = {
            race.skater_id: FeedLane(race, self.existing.get(race.skater_id))
            for race in Race.objects.filter(distance=distance, skater__in=skaters).select_related(
                "distance", "skater"
            )
            if race.finish or race.passings
        }
        for start in starts:
            result = self.existing.get(start.skater_id)
            feed = self.feed.get(start.skater_id)
            # What is saved, else the feed's finish: Save confirms it as it stands.
            initial = result_text(result.time, result.status) if result else feed.finish_text if feed else ""
            self.fields[start.lane] = forms.CharField(
                label=f"{lane_name(start)} — {start.skater.name}: time or status",
                label_suffix="",
                required=False,
                initial=initial,
                help_text="37.07, 1:13.32 or 1.13,32; DQ, DNS, DNF, WDR",
                widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "size": 12}),
            )
            # Blank (a script posting without it): saved over whatever is there.
            self.fields[f"{start.lane}_version"] = forms.IntegerField(
                required=False, widget=forms.HiddenInput, initial=results.version_of(result)
            )
            self.fields[f"{start.lane}_confirm"] = forms.CharField(required=False, widget=forms.HiddenInput)
        self.entries = []

    def lanes(self):
        """Per skater, in lane order, what the template shows of it (PairLane)."""
        for start in self.starts:
            yield PairLane(
                start=start,
                field=self[start.lane],
                hidden=[self[f"{start.lane}_version"], self[f"{start.lane}_confirm"]],
                result=self.existing.get(start.skater_id),
                feed=self.feed.get(start.skater_id),
            )

    def first_to_look_at(self):
        """The lane the cursor goes to: the first with a problem, else the first still without a
        result (a pair entered partly), else the first."""
        with_errors = [s.lane for s in self.starts if self.is_bound and s.lane in self.errors]
        empty = [s.lane for s in self.starts if s.skater_id not in self.existing]
        return next(iter(with_errors or empty), self.starts[0].lane)

    def problems(self):
        """[(field id or None, message)]: everything that stopped the save, in lane order."""
        listed = [(None, message) for message in self.non_field_errors()]
        for start in self.starts:
            listed += [(self[start.lane].auto_id, message) for message in self.errors.get(start.lane, [])]
        return listed

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
                self._refuse(start, error)
                continue
            version = cleaned.get(f"{start.lane}_version")
            self.entries.append(
                (
                    start,
                    {
                        "time": time,
                        "status": status,
                        "expected": results.UNCHANGED_CHECK_OFF if version is None else version,
                        "confirmed": self._confirmed(start, result_text(time, status)),
                    },
                )
            )
        return cleaned

    def save(self, user=None):
        """Save the pair's entries or none: [Saved], or None with the refusals and questions on the form."""
        with transaction.atomic(), history.door("pair entry"):
            saved = [lane for start, entry in self.entries if (lane := self._save_lane(start, entry, user))]
            self._ask_about_empty_lanes()
            if self.errors:
                transaction.set_rollback(True)
                return None
        return saved

    def _save_lane(self, start, entry, user):
        skater = start.skater
        before = Result.objects.for_distance(self.distance).filter(skater=skater).first()
        feed = self.feed.get(skater.pk)
        shown = result_text(entry["time"], entry["status"])
        # The feed's finish, taken as it is: the official's Save confirms it (once checked if doubtful).
        confirms_feed = (
            feed is not None
            and feed.finish == entry["time"]
            and not entry["status"]
            and (before is None or not feed.race.by_official(before))
        )
        if confirms_feed and feed.implausible and not entry["confirmed"]:
            self._ask(
                start,
                shown,
                f"the timing feed's {shown} is implausible ({feed.implausible}): "
                "check it, then press Save again to confirm it",
                "implausible",
            )
            return None
        try:
            result, changed = results.save_result(
                self.distance,
                skater,
                user=user,
                **{**entry, "confirmed": entry["confirmed"] or confirms_feed},
            )
        except results.StaleResult as stale:
            reopen_on(self, f"{start.lane}_version", stale)
            self._refuse(
                start,
                ValidationError(
                    f"{stale} Save again to replace it with yours, or leave the field blank to keep it.",
                    code="stale",
                ),
            )
            return None
        except ValidationError as error:
            if getattr(error, "code", None) == "official":
                self.add_error(None, error)
            elif getattr(error, "code", None) == "implausible":
                asked = how_to_confirm(error, how="press Save again to save it")
                self._ask(start, shown, asked.message, "implausible")
            else:
                self._refuse(start, error)
            return None
        if feed is not None and feed.race.written is not None:
            # Whatever an official saved on this lane is the official's now: the feed keeps off it.
            Race.objects.filter(pk=feed.race.pk).update(written=None)
            if confirms_feed and not changed and user is not None:
                LogEntry.objects.log_actions(
                    user.pk, [result], CHANGE, f"Confirmed the timing feed's {shown} ({feed.source})."
                )
        return Saved(skater, before, result, changed, feed.source if confirms_feed else "")

    def _ask_about_empty_lanes(self):
        """A skater of the pair with no entry and no result: saved only once the official confirms."""
        entered = {start.lane for start, _ in self.entries}
        have_results = set(
            Result.objects.for_distance(self.distance)
            .filter(skater__in=[s.skater for s in self.starts])
            .values_list("skater_id", flat=True)
        )
        for start in self.starts:
            if start.lane in entered or start.skater_id in have_results or start.lane in self.errors:
                continue
            if self._confirmed(start, LEFT_EMPTY):
                continue
            if entered:
                rest = " and ".join(f"{lane} lane" for lane in sorted(entered))
                then = f"save the {rest} only"
            else:
                then = "go on without a result for this lane"
            message = f"{lane_name(start)} ({start.skater.name}) is empty: press Save again to {then}"
            self._ask(start, LEFT_EMPTY, message, "empty", named=False)

    def _confirmed(self, start, entry):
        return (self.cleaned_data.get(f"{start.lane}_confirm") or "") == entry

    def _ask(self, start, entry, message, code, named=True):
        """A question on the lane: sending `entry` again (its confirm field now holds it) confirms it."""
        self.data = self.data.copy()
        self.data[self.add_prefix(f"{start.lane}_confirm")] = entry
        self._refuse(start, ValidationError(message, code=code), named)

    def _refuse(self, start, error, named=True):
        """The lane's error, saying which lane and skater it is about (unless it already `named` them)."""
        about = f"{lane_name(start)} — {start.skater.name}: " if named else ""
        for each in error.error_list:
            text = " ".join(each.messages).removeprefix(f"{start.skater.name}: ")
            self.add_error(start.lane, ValidationError(about + text, code=each.code))


@dataclass
class PairLane:
    start: object
    field: object
    hidden: list
    result: object
    feed: object


def lane_name(start):
    """ "Inner lane", "Outer lane"."""
    return f"{start.lane.capitalize()} lane"

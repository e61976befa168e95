"""The one path every result takes, whatever the door: the pair entry, the Result admin,
`manage.py enter_result` and the timing feed.

A save is one transaction that re-reads the distance and the skater's result under a lock
(`select_for_update`; SQLite's IMMEDIATE transactions, as the settings open them, take the
database's write lock from the start), so two saves at the same moment never collide: one wins,
the other is told (`StaleResult`) or, where it changed nothing, lands quietly.

`expected` is the `Result.version` the caller's form was opened with (0: the skater had no result
then); `UNCHANGED_CHECK_OFF`, the default, saves over whatever is there. `version_of()` gives it.

Every save and removal leaves a row in the result's history (history.py) with `user` and the
door it came through (`history.door`). A change of a time or status already saved marks the
result corrected for the public pages (`Result.correct`).
"""

import copy

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.core.exceptions import ValidationError
from django.db import transaction

from . import forms, scoring
from .display import result_text
from .models import Distance, Result
from .plausibility import implausible

UNCHANGED_CHECK_OFF = object()


class StaleResult(Exception):
    """Someone changed the result since the caller's form was opened; nothing was written.
    `current` is the result as it is now (None: removed meanwhile), `yours` what the caller gave."""

    def __init__(self, skater, current, yours):
        self.skater, self.current, self.yours = skater, current, yours
        meanwhile = (
            f"{result_text(current.time, current.status)} was saved" if current else "the result was removed"
        )
        super().__init__(
            f"{skater.name}: {meanwhile} by someone else meanwhile (yours: {yours}). Nothing was overwritten."
        )


def version_of(result):
    """What a form opened on `result` (a Result or None) passes as `expected`."""
    return result.version if result else 0


def save_result(distance, skater, *, user=None, **entry):
    """Enter or correct the skater's result on the distance; returns (result, changed).

    The keywords of `entry` (those of _checked): `time` (a Decimal, or text as officials write
    it) and `status` ("DQ", "dnf"...) replace the result's; None is none. `splits` (passing times) and `note` stay as they are when None.
    `raw_time` is the time as measured (the timing feed's thousandths), kept while `time` is its truncation.
    A time outside what is plausible (plausibility.py) needs `confirmed`. Raises ValidationError
    (code "official" for a distance marked official, "implausible" for a time to confirm) or
    StaleResult; `user` goes with the change into the history (history.py).
    """
    with transaction.atomic():
        form, current, changed = _checked(distance, skater, **entry)
        if not changed:
            return current, False
        result = form.save(commit=False)
        result.version = version_of(current) + 1
        if current:
            result.correct(current)
        _for_history(result, user)
        result.save()
        if user is not None:
            message = [{"changed": {"fields": form.changed_data}}] if current else [{"added": {}}]
            LogEntry.objects.log_actions(user.pk, [result], CHANGE if current else ADDITION, message)
        return result, True


def check_result(distance, skater, **entry):
    """What save_result would do, without writing: raises as it does, else returns whether it
    would change anything. Inside a caller's transaction the locks it takes hold until that
    commits (the admin's change form validates with it, then saves with save_result)."""
    with transaction.atomic():
        return _checked(distance, skater, **entry)[2]


def clear_result(distance, skater, *, expected=UNCHANGED_CHECK_OFF, user=None):
    """Remove the skater's result on the distance; False if there was none. Raises as save_result."""
    with transaction.atomic():
        locked = _locked(distance)
        current = Result.objects.filter(distance=locked, skater=skater).first()
        if current is None:
            return False  # removed meanwhile: what the caller wanted
        _refuse_if_official(locked)
        if expected is not UNCHANGED_CHECK_OFF and expected != current.version:
            raise StaleResult(skater, current, "no result")
        if user is not None:
            LogEntry.objects.log_actions(user.pk, [current], DELETION)
        _for_history(current, user)
        current.delete()
        return True


def _for_history(result, user):
    """The user simple-history writes into the row of this save or delete (else the request's)."""
    if user is not None:
        result._history_user = user


def lock_distance(distance):
    """The distance as stored, locked until the transaction ends; refused if it is official."""
    locked = _locked(distance)
    _refuse_if_official(locked)
    return locked


def _locked(distance):
    """Every write of a distance's results or start list takes this lock first, so that the
    re-read of its current result sees what a save that ran at the same moment committed."""
    locked = Distance.objects.select_for_update().filter(pk=distance.pk).first()
    if locked is None:
        raise ValidationError(f"Distance {distance} no longer exists.", code="deleted")
    return locked


def _refuse_if_official(distance):
    if distance.official:
        raise ValidationError(
            f"Distance {distance.order} ({distance.meters} m) is official: its results and start list "
            "cannot be changed until an official marks it provisional again.",
            code="official",
        )


def _checked(
    distance,
    skater,
    *,
    time=None,
    status=None,
    splits=None,
    note=None,
    expected=UNCHANGED_CHECK_OFF,
    confirmed=False,
    raw_time=None,
):
    """(the bound, valid ResultForm, the current result, whether it changes it); raises."""
    try:
        status = scoring.normalise_status(status) if status else ""
    except ValueError as error:
        raise ValidationError(str(error), code="invalid_status")
    locked = _locked(distance)
    current = Result.objects.filter(distance=locked, skater=skater).first()
    if splits is None:
        splits = current.splits if current else []
    if note is None:
        note = current.note if current else ""
    data = {
        "distance": distance.pk,
        "skater": skater.pk,
        "time": "" if time is None else time if isinstance(time, str) else format(time, "f"),
        "status": status,
        "splits": " ".join(str(split) for split in splits),
        "note": note,
    }
    # Validating writes the entry onto the form's instance: `current` stays as stored.
    instance = copy.copy(current) if current else Result()
    if raw_time is not None:
        instance.raw_time = raw_time  # the model checks that it truncates to the time
    form = forms.ResultForm(data=data, instance=instance)
    if not form.is_valid():
        raise ValidationError([error for errors in form.errors.as_data().values() for error in errors])
    new = form.cleaned_data
    if current and (current.time, current.status, current.splits, current.note, current.raw_time) == (
        new["time"],
        new["status"],
        new["splits"],
        new["note"],
        instance.raw_time,
    ):
        return form, current, False
    _refuse_if_official(locked)
    if expected is not UNCHANGED_CHECK_OFF and expected != version_of(current):
        raise StaleResult(skater, current, result_text(new["time"], new["status"]))
    # A time already saved (and so confirmed) is not questioned again when its note is corrected.
    new_time = new["time"] is not None and not new["status"] and (not current or current.time != new["time"])
    if new_time and not confirmed and (reason := implausible(new["time"], locked.meters, skater)):
        raise ValidationError(reason, code="implausible")
    return form, current, True

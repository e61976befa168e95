"""The one path every result takes (stand-in for the timing branch: replaced at merge).

`save_result` and `clear_result` validate through `forms.result_form` and write in one
transaction; saving a Result pushes it live (signals.py).
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from .forms import result_form
from .models import Result

NO_CHECK = object()


class StaleResult(Exception):
    """The result changed since the caller read it."""


def _check(distance, skater, expected):
    current = Result.objects.select_for_update().filter(distance=distance, skater=skater).first()
    if distance.official:
        raise ValidationError(f"Distance {distance} is official: mark it provisional to change it.")
    if expected is not NO_CHECK:
        seen = None if expected is None else (expected.time, expected.status)
        if seen != (None if current is None else (current.time, current.status)):
            raise StaleResult(f"The result of {skater.name} on {distance} changed meanwhile.")
    return current


def save_result(
    distance,
    skater,
    *,
    time=None,
    status=None,
    splits=None,
    note=None,
    expected=NO_CHECK,
    user=None,
    confirmed=False,
):
    """Enter or correct the skater's result; returns (result, changed)."""
    with transaction.atomic():
        current = _check(distance, skater, expected)
        form = result_form(distance, skater, time, status, note)
        if splits is not None:
            form.data = {**form.data, "splits": " ".join(splits)}
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        before = None if current is None else (current.time, current.status, current.splits, current.note)
        data = form.cleaned_data
        if before == (data["time"], data["status"], data["splits"], data["note"]):
            return current, False
        return form.save(), True


def clear_result(distance, skater, *, expected=NO_CHECK, user=None):
    """Remove the skater's result; returns whether there was one."""
    with transaction.atomic():
        current = _check(distance, skater, expected)
        if current is None:
            return False
        current.delete()
        return True

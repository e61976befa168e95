"""The changes of a distance, for officials (docs/officials.md, "History and corrections"): every
change of its results and its start list on one read-only page, newest first, each with who made
it, when, through which door and from what to what (history.py keeps them). DistanceAdmin serves
it (admin.py); the History pages of single objects format their values the same way."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from simple_history.models import ModelChange
from simple_history.template_utils import HistoricalRecordContextHelper

from .admin_pages import distance_title, page_context
from .models import Distance, Result, Skater, Start
from .times import format_time
from .validators import validate_race_time

# What of a history row an official reads as the change: the rest (ids, `extra`) is bookkeeping.
SHOWN_FIELDS = {
    Result: ["time", "status", "raw_time", "splits", "note"],
    Start: ["pair", "lane", "skater"],
}
# Named in the row's "what" already ("Start list: pair 5, inner lane"): told only when they change.
IN_WHAT = {Result: [], Start: ["pair", "lane"]}
KINDS = {"+": "Created", "~": "Changed", "-": "Deleted"}


class HistoryChanges(HistoricalRecordContextHelper):
    """A change's values as officials write them: race times as "1:13.57", a skater by name,
    nothing as "–". `names`: {pk: name} of the related rows, where the caller has them already."""

    def __init__(self, model, historical_record, names=None):
        super().__init__(model, historical_record)
        self.names = names or {}

    def prepare_delta_change_value(self, change, value):
        if value is None or value == "":
            return "–"
        field = self.model._meta.get_field(change.field)
        if validate_race_time in field.validators:
            return format_time(value)
        if field.many_to_one:
            if value in self.names:
                return self.names[value]
            return str(field.related_model._base_manager.filter(pk=value).first() or value)
        return super().prepare_delta_change_value(change, value)


@dataclass
class Change:
    """One saved change of a result or a start: a row of the changes page."""

    when: object
    who: object  # the user signed in, or None (a command, the timing feed)
    door: str
    kind: str  # Created, Changed, Deleted
    what: str  # "Result: Femke Kok", "Start list: pair 5, inner lane"
    changes: list  # [ModelChange(field label, old, new)], the values as officials write them
    order: tuple  # (date, history id): newest first, the later of two rows saved at once first


def changes_of(distance):
    """Every change of the distance's results and start list, newest first."""
    names = dict(
        Skater._base_manager.filter(championship_id=distance.championship_id).values_list("pk", "name")
    )
    found = []
    for model, fields in SHOWN_FIELDS.items():
        records = (
            model.history.filter(distance_id=distance.pk)
            .select_related("history_user")
            .order_by("id", "history_date", "history_id")
        )
        before = {}
        for record in records:
            changes = _changed(record, before.get(record.id), fields, IN_WHAT[model])
            before[record.id] = record
            if not changes:
                continue  # saved again as it was, or only bookkeeping changed
            helper = HistoryChanges(model, record, names)
            found.append(
                Change(
                    when=record.history_date,
                    who=record.history_user,
                    door=record.history_change_reason or "",
                    kind=KINDS[record.history_type],
                    what=_what(model, record, names),
                    changes=[helper.format_delta_change(change) for change in changes],
                    order=(record.history_date, record.history_id),
                )
            )
    return sorted(found, key=lambda change: change.order, reverse=True)


def _changed(record, before, fields, in_what):
    """[ModelChange] of the shown fields: from nothing for a creation, to nothing for a deletion."""
    if record.history_type == "~" and before is not None:
        return [
            ModelChange(f, _value(before, f), _value(record, f))
            for f in fields
            if _value(before, f) != _value(record, f)
        ]
    held = [f for f in fields if f not in in_what and _value(record, f) not in (None, "", [])]
    if record.history_type == "-":
        return [ModelChange(f, _value(record, f), None) for f in held]
    return [ModelChange(f, None, _value(record, f)) for f in held]


def _value(record, field):
    return getattr(record, f"{field}_id" if field == "skater" else field)


def _what(model, record, names):
    if model is Start:
        return f"Start list: pair {record.pair}, {record.lane} lane"
    return f"Result: {names.get(record.skater_id, f'skater {record.skater_id}')}"


def changes_view(model_admin, request, distance_id):
    """The distance's changes, read only: who, when, door, old → new."""
    if not request.user.has_perms(["championships.view_result", "championships.view_start"]):
        raise PermissionDenied
    distance = get_object_or_404(Distance.objects.select_related("championship"), pk=distance_id)
    context = page_context(
        model_admin,
        request,
        distance_title(distance, "changes"),
        distance=distance,
        changes=changes_of(distance),
    )
    return TemplateResponse(request, "admin/championships/distance_changes.html", context)

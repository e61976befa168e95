"""Who changed what, when, and through which door (docs/officials.md, "History and corrections").

The models officials change keep their history with django-simple-history: a row per save or
delete with the user, the date, every value, and the door it came through in
`history_change_reason`: "admin", "pair entry", "command enter_result", "timing feed: <device>,
<source>", "championship file". A door names itself with `door(...)` around what it writes; a
signed-in request without one is "admin".
"""

import contextlib
import contextvars

from django.apps import apps
from django.db import models
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_create_with_history

_door = contextvars.ContextVar("history_door", default=None)


@contextlib.contextmanager
def door(name):
    """History rows written inside have `name` as their source. The outermost door names
    them: `manage.py replay` entering pairs through the pair entry's form is the command."""
    token = _door.set(_door.get() or name)
    try:
        yield
    finally:
        _door.reset(token)


def current_door():
    """The source of a change written now: the door's name, "admin" for a signed-in request
    (simple-history's HistoryRequestMiddleware keeps it), else None (a shell)."""
    if name := _door.get():
        return name
    user = getattr(getattr(HistoricalRecords.context, "request", None), "user", None)
    return "admin" if user is not None and user.is_authenticated else None


class History(HistoricalRecords):
    """simple-history's records with the door as the change reason (any length: device names)."""

    def __init__(self, **options):
        options.setdefault("history_change_reason_field", models.TextField(null=True))
        super().__init__(**options)

    def get_change_reason_for_object(self, instance, history_type, using):
        return getattr(instance, "_change_reason", None) or current_door()

    def post_delete(self, instance, using=None, origin=None, **kwargs):
        # Rows deleted along with their championship (replaced by a file, deleted in the admin) get
        # no row each: the championship's own says it, and a replace stays as fast as a load.
        along_with = origin.model if isinstance(origin, models.QuerySet) else type(origin)
        championship = apps.get_model("championships", "Championship")
        if along_with is championship and type(instance) is not championship:
            return
        super().post_delete(instance, using=using, **kwargs)


def bulk_create(model, rows):
    """`model.objects.bulk_create(rows)` with a history row for each, from the current door: two
    inserts in all, where saving one by one would take two per row (the loader's bulk writes)."""
    return bulk_create_with_history(list(rows), model, default_change_reason=current_door())

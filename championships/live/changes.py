"""Every change of what a championship's pages show goes live, whatever door it came through
(admin, pair entry, commands, the loader, the shell): saved or deleted rows of the models in
`TRACKED` raise the championship's `revision` in the same transaction, and each commit pushes the
new state once (render once per followed language, then group_send).

A model that pages show is tracked with one line below: `track(Model, where)`, `where(instance)`
giving the (championship id, distance order or None for every distance) it changes. The timing
feed's races are tracked as a change of the race panel alone (`race_changed`): a passing pushes
the panel, not the revision nor the whole classification; a finish pushes both, as it also
saves a Result. Bulk
writes (`bulk_create`, `QuerySet.update`) send no signals: the doors that change shown rows save
them one by one, or create the championship they belong to (the loader).
"""

import functools
import logging
import threading

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.db.models import F, QuerySet
from django.db.models.signals import post_delete, post_save, pre_save

from ..models import Championship, Distance, Record, Result, Skater, Start, Venue
from ..standings import Standings
from ..timing.models import Race
from .layers import followed
from .rendering import LANGUAGES, group_name, render_fragments, render_race

logger = logging.getLogger(__name__)

TRACKED = {}  # model -> (where(instance): [(championship id, distance order or None)], changed)
RACE = "race"  # in a commit's changes: the race panel changed


def track(model, where, changed=None):
    """`changed(championship id, distance order or None)` records the change: by default
    `championship_changed`."""
    TRACKED[model] = (where, changed or championship_changed)
    post_save.connect(_saved, sender=model, dispatch_uid=f"live-{model._meta.label}")
    post_delete.connect(_deleted, sender=model, dispatch_uid=f"live-{model._meta.label}")


def _saved(sender, instance, **kwargs):
    where, changed = TRACKED[sender]
    for championship_id, order in where(instance):
        changed(championship_id, order)
    if sender is Championship and not kwargs.get("created"):
        instance.refresh_from_db(fields=["revision"])  # it was written as F("revision") (below)


def _deleted(sender, instance, origin=None, **kwargs):
    deleted_from = origin.model if isinstance(origin, QuerySet) else type(origin)
    if origin is not None and deleted_from is not sender and deleted_from in TRACKED:
        return  # deleted along with a tracked row (a skater's results): that row tells
    where, changed = TRACKED[sender]
    for championship_id, order in where(instance):
        changed(championship_id, order)


def _keep_revision(sender, instance, **kwargs):
    """A championship saved from a form opened earlier must not write back the revision it read
    (the revision would go back, and a connect frame of that older revision would come back)."""
    if not instance._state.adding:
        instance.revision = F("revision")


pre_save.connect(_keep_revision, sender=Championship, dispatch_uid="live-keep-revision")


def championship_changed(championship_id, distance_order=None):
    """Record that what the championship's pages show changed (one distance, or any: None);
    push the new state once the change is committed."""
    Championship.objects.filter(pk=championship_id).update(revision=F("revision") + 1)
    _changed(championship_id, distance_order)


def race_changed(championship_id, distance_order=None):
    """Record that the race panel changed (the timing feed's passings, a start, a clear): pushed
    alone on commit, unless the same commit changed more. The revision stays (TIMING.md)."""
    _changed(championship_id, RACE)


def _changed(championship_id, change):
    # Per thread, as transactions are: each commit pushes exactly the distances it changed.
    changes = _pending.__dict__.setdefault("changes", {})
    changes.setdefault(championship_id, set()).add(change)
    transaction.on_commit(lambda: broadcast(championship_id))


def _in_distance(row):
    return Distance.objects.filter(pk=row.distance_id).values_list("championship_id", "order")


track(Championship, lambda championship: [(championship.pk, None)])
track(Venue, lambda venue: [(pk, None) for pk in venue.championships.values_list("pk", flat=True)])
track(Distance, lambda distance: [(distance.championship_id, None)])  # metres, order: all of it
track(Skater, lambda skater: [(skater.championship_id, None)])
track(Record, lambda record: [(record.championship_id, None)])
track(Start, _in_distance)
track(Result, _in_distance)
track(Race, _in_distance, race_changed)  # the race panel alone (above)


def broadcast(championship_id):
    """Render and send what a commit changed. A failure here never undoes the save: it is
    logged, and browsers get the current state again when they reconnect."""
    changed = getattr(_pending, "changes", {}).pop(championship_id, None)
    if changed is None:
        return  # several saves in one transaction: the first callback pushed them all
    race_only = changed == {RACE}
    distances = None if None in changed else changed - {RACE}
    try:
        # One push at a time per process: a frame sent later always shows a later state.
        with _pushing:
            championship = Championship.objects.filter(pk=championship_id).first()
            if championship is None:
                return  # deleted: nothing left to show
            layer = get_channel_layer()
            groups = {group_name(championship.slug, language): language for language in LANGUAGES}
            # Every frame is rendered before any is sent: rendering in this thread while the
            # event loop fans a frame out would hold the GIL against it (bench/: the fan-out doubles).
            standings = Standings(championship)
            render = render_race if race_only else functools.partial(render_fragments, distances=distances)
            frames = [(group, render(standings, groups[group])) for group in followed(layer, list(groups))]
            if frames:
                async_to_sync(_send)(layer, frames)
    except Exception:
        logger.exception("live update of championship %s failed; the save stands", championship_id)


async def _send(layer, frames):
    for group, html in frames:
        await layer.group_send(group, {"type": "championship.update", "html": html})


# Changes committed or about to be, per thread: {championship id: {distance order or None}}.
_pending = threading.local()
_pushing = threading.Lock()

"""Live updates, one way: save -> on_commit -> recompute -> render once -> group_send.

Browsers following a championship are in one group per page language; a change is rendered
once per language whatever the number of browsers (only the languages someone follows, when the
channel layer can tell), and consumers only forward the HTML (consumers.py: one `Feed` per group
and process hands each frame to them).
"""

import logging
import threading

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import translation

from .models import Championship
from .standings import Standings

logger = logging.getLogger(__name__)


LANGUAGES = [code for code, _ in settings.LANGUAGES]


def group_name(slug, language):
    return f"championship.{slug}.{language}"


def page_language(code):
    """The feed's language for a page's `lang`: one of LANGUAGES, else the site's."""
    return code if code in LANGUAGES else settings.LANGUAGE_CODE


def render_fragments(standings, language=settings.LANGUAGE_CODE, distances=None):
    """A `Standings`' live fragments as one HTML frame of `hx-swap-oob` elements: the
    classification, the distances of `distances` (orders; None: every distance) and the time
    of the update. Rendered in the page's language, never in the language of whoever saved;
    the standings themselves are the same in every language (read and scored once).
    """
    with translation.override(language):
        parts = [render_to_string("championships/standings.html#classification", {"standings": standings})]
        parts += [
            render_to_string(
                "championships/distance.html#distance",
                {"standings": standings, "sheet": standings.sheet(distance.order)},
            )
            for distance in standings.distances
            if distances is None or distance.order in distances
        ]
        parts.append(render_to_string("championships/_updated.html", {"standings": standings}))
        return "\n".join(parts)


def current_fragments(slug, language=settings.LANGUAGE_CODE):
    """The frame a newly connected browser gets: rendered once per revision, so reconnect storms
    are cheap. Only the latest revision is kept (a browser never asks for an older one)."""
    championship = Championship.objects.filter(slug=slug).first()
    if championship is None:
        return None
    key = f"sprintboard:fragments:{championship.pk}:{language}"
    revision, html = cache.get(key, (None, None))
    if revision != championship.revision:
        html = render_fragments(Standings(championship), language)
        cache.set(key, (championship.revision, html), timeout=3600)
    return html


def championship_changed(championship_id, distance_order=None):
    """Record that results or start lists changed (of one distance, or of any: None); push the
    new state once the change is committed."""
    Championship.objects.filter(pk=championship_id).update(revision=F("revision") + 1)
    # Per thread, as transactions are: each commit pushes exactly the distances it changed.
    changes = _pending.__dict__.setdefault("changes", {})
    changes.setdefault(championship_id, set()).add(distance_order)
    transaction.on_commit(lambda: broadcast(championship_id))


def broadcast(championship_id):
    """Render and send what a commit changed. A failure here never undoes the save: it is
    logged, and browsers get the current state again when they reconnect."""
    changed = getattr(_pending, "changes", {}).pop(championship_id, None)
    if changed is None:
        return  # several saves in one transaction: the first callback pushed them all
    distances = None if None in changed else changed
    try:
        # One push at a time per process: a frame sent later always shows a later state.
        with _pushing:
            championship = Championship.objects.filter(pk=championship_id).first()
            if championship is None:
                return  # deleted since
            layer = get_channel_layer()
            groups = {group_name(championship.slug, language): language for language in LANGUAGES}
            followed = _followed(layer, list(groups))
            # Every frame is rendered before any is sent: rendering in this thread while the
            # event loop fans a frame out would hold the GIL against it (bench/: the fan-out doubles).
            standings = Standings(championship)
            frames = [(group, render_fragments(standings, groups[group], distances)) for group in followed]
            if frames:
                async_to_sync(_send)(layer, frames)
    except Exception:
        logger.exception("live update of championship %s failed; the save stands", championship_id)


def _followed(layer, groups):
    """The groups someone may follow: a language nobody reads is not rendered (a page that opens
    later gets it rendered on connect). The in-process layer holds every follower; a layer with
    `groups_followed` (layers.py, Redis) is asked; with any other, all of them."""
    if isinstance(layer, InMemoryChannelLayer):
        return [group for group in groups if layer.groups.get(group)]
    if hasattr(layer, "groups_followed"):
        return async_to_sync(layer.groups_followed)(groups)
    return groups


async def _send(layer, frames):
    for group, html in frames:
        await layer.group_send(group, {"type": "championship.update", "html": html})


# Changes committed or about to be, per thread: {championship id: {distance order or None}}.
_pending = threading.local()
_pushing = threading.Lock()

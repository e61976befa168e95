"""Live updates, one way: save -> on_commit -> recompute -> render once -> group_send.

Browsers following a championship are in one group per page language; a change is rendered
once per language whatever the number of browsers, and consumers only forward the HTML.
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
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


def render_fragments(championship, language=settings.LANGUAGE_CODE):
    """Every live fragment of the championship as one HTML frame of `hx-swap-oob` elements.

    Rendered in the page's language, never in the language of whoever saved.
    """
    with translation.override(language):
        return _render_fragments(championship)


def _render_fragments(championship):
    standings = Standings(championship)
    parts = [render_to_string("championships/standings.html#classification", {"standings": standings})]
    parts += [
        render_to_string(
            "championships/distance.html#distance",
            {"standings": standings, "sheet": standings.sheet(distance.order)},
        )
        for distance in standings.distances
    ]
    parts.append(render_to_string("championships/_updated.html", {"standings": standings}))
    return "\n".join(parts)


def current_fragments(slug, language=settings.LANGUAGE_CODE):
    """The frame a newly connected browser gets: cached per revision, so reconnect storms are cheap."""
    championship = Championship.objects.filter(slug=slug).first()
    if championship is None:
        return None
    key = f"sprintboard:fragments:{championship.pk}:{championship.revision}:{language}"
    html = cache.get(key)
    if html is None:
        html = render_fragments(championship, language)
        cache.set(key, html, timeout=3600)
    return html


def championship_changed(championship_id):
    """Record that results or start lists changed; push the new state once the change is committed."""
    Championship.objects.filter(pk=championship_id).update(revision=F("revision") + 1)
    transaction.on_commit(lambda: broadcast(championship_id))


def broadcast(championship_id):
    """Render and send the championship's fragments. A failure here never undoes the save:
    it is logged, and browsers get the current state again when they reconnect."""
    try:
        championship = Championship.objects.filter(pk=championship_id).first()
        if championship is None:
            return  # deleted since
        if _last_broadcast.get(championship_id) == championship.revision:
            return  # several saves in one transaction: one push is enough
        for language in LANGUAGES:
            html = current_fragments(championship.slug, language)
            async_to_sync(get_channel_layer().group_send)(
                group_name(championship.slug, language), {"type": "championship.update", "html": html}
            )
        _last_broadcast[championship_id] = championship.revision
    except Exception:
        logger.exception("live update of championship %s failed; the save stands", championship_id)


# Revision last pushed per championship by this process.
_last_broadcast = {}

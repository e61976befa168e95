"""What a page follows and the HTML it gets: one group per championship and page language, the
live fragments rendered once per change and language, and the frame a connecting page gets
(rendered once per revision)."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import translation

from ..models import Championship
from ..standings import Standings
from ..timing.models import Race
from .diff import collapse

LANGUAGES = [code for code, _ in settings.LANGUAGES]
GROUP_NAME_LIMIT = 100  # channels' limit on group names (any layer may check it)


def group_name(slug, language):
    """The channel-layer group of a championship's pages in one language. Readable when it fits;
    a long slug (up to 100 characters) is cut and told apart by its hash: a slug has no dots, so
    the two shapes never meet."""
    name = f"championship.{slug}.{language}"
    if len(name) <= GROUP_NAME_LIMIT:
        return name
    digest = hashlib.sha256(slug.encode()).hexdigest()[:16]
    return f"championship.{slug[:60]}.{digest}.{language}"


def page_language(code):
    """The feed's language for a page's `lang`: one of LANGUAGES, else the site's."""
    return code if code in LANGUAGES else settings.LANGUAGE_CODE


def render_race(standings, language=settings.LANGUAGE_CODE):
    """The race panel alone (the pair on the ice): what a passing pushes."""
    with translation.override(language):
        return collapse(render_to_string("championships/_race.html#race", {"standings": standings}))


def render_fragments(standings, language=settings.LANGUAGE_CODE, distances=None):
    """A `Standings`' live fragments as one HTML frame of `hx-swap-oob` elements: the race panel,
    the classification, the distances of `distances` (orders; None: every distance) and the time
    of the update. Rendered in the page's language, never in the language of whoever saved;
    the standings themselves are the same in every language (read and scored once).
    """
    with translation.override(language):
        parts = [
            render_to_string("championships/_race.html#race", {"standings": standings}),
            render_to_string("championships/standings.html#classification", {"standings": standings}),
        ]
        parts += [
            render_to_string(
                "championships/distance.html#distance",
                {"standings": standings, "sheet": standings.sheet(distance.order)},
            )
            for distance in standings.distances
            if distances is None or distance.order in distances
        ]
        parts.append(render_to_string("championships/_updated.html", {"standings": standings}))
        return collapse("\n".join(parts))


def current_fragments(slug, language=settings.LANGUAGE_CODE):
    """The frame a newly connected browser gets, or None for an unknown championship: rendered
    once per revision (every change of what the pages show increases it: changes.py), so
    reconnect storms are cheap. Only the latest revision is kept (nobody asks for an older one).
    The revision is read before the standings: a change committed in between is at most newer
    than its key, and its own push follows."""
    championship = Championship.objects.filter(slug=slug).first()
    if championship is None:
        return None
    # Passings change the race panel but not the revision: the state is also keyed on the races.
    version = (championship.revision, race_version(championship))
    key = f"sprintboard:fragments:{championship.pk}:{language}"
    cached, html = cache.get(key, (None, None))
    if cached != version:
        html = render_fragments(Standings(championship), language)
        cache.set(key, (version, html), timeout=3600)
    return html


def race_version(championship):
    """When the timing feed last changed a race of the championship (None: never)."""
    latest = Race.objects.filter(distance__championship=championship).aggregate(latest=Max("updated"))
    return latest["latest"]

"""Template filters writing times in the page's language (1:13.32 / 1.13,32), the record badges,
the places gained, and the classification's charts. Points and seconds are Django's own
`floatformat` (3 and 2 decimals, with the page language's decimal mark)."""

import threading
from dataclasses import dataclass

from django import template
from django.template.loader import render_to_string
from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .. import charts, display
from ..times import TimeFormatError, parse_time
from . import once

register = template.Library()
register.tag("once_for", once.once_for)


def _mark():
    return formats.get_format("DECIMAL_SEPARATOR")


@register.filter
def racetime(value):
    return display.time_text(value, _mark()) or ""


@register.filter
def splittime(value):
    """A passing time as stored ("17.85", "1:05.32") in the page's language."""
    if not value:
        return "–"
    try:
        return display.time_text(parse_time(str(value)), _mark())
    except TimeFormatError:
        return str(value)


@register.filter
def change_arrow(change):
    """Places gained since the previous distance, as text a screen reader can say too."""
    if change is None:
        return ""
    if change > 0:
        return f"▲{change}"
    if change < 0:
        return f"▼{-change}"
    return "="


@register.simple_tag
def drawn_charts(standings):
    """The classification's charts as HTML, drawn once per language and what they are drawn
    from: the classifications after the complete distances (`charts.py`), the skaters and the
    distances as they are. They change only when a distance is complete; computing and drawing
    them took a third of a live frame."""
    charted = charts.charted_distances(standings)
    key = (
        get_language(),
        once.key_of((standings.distances, list(standings.skaters.values()))),
        tuple(d.order for d in charted),
        standings.classification_inputs(charted[-1].order) if charted else None,
    )
    html = _drawings.get(key)
    if html is None:
        gap, bump = charts.gap_chart(standings), charts.bump_chart(standings)
        html = render_to_string("championships/_charts.html", {"gap": gap, "bump": bump})
        with _drawings_lock:  # pages and pushes render in several threads
            if len(_drawings) >= DRAWINGS_KEPT:
                del _drawings[next(iter(_drawings))]  # the oldest
            _drawings[key] = html
    return html


DRAWINGS_KEPT = 64
_drawings = {}
_drawings_lock = threading.Lock()


BADGE_TITLES = {
    "TR": _("track record"),
    "=TR": _("equals the track record"),
    "PB": _("personal best"),
    "WR": _("world record"),
    "NR": _("national record"),
    "CR": _("championship record"),
}


@register.filter
def badges(labels):
    """Record badges as text with a title (never colour alone). A filter, not an include: it
    runs for every cell of every live frame."""
    if not labels:
        return ""  # most cells: spare format_html_join's work
    return format_html_join(
        "",
        '<span class="badge badge-{}" title="{}">{}</span>',
        ((slugify(label.replace("=", "eq-")), BADGE_TITLES.get(label, ""), label) for label in labels),
    )


register.filter("isolated", display.isolated)


@register.filter
def bdi(name):
    """A name as HTML: its text direction its own, so that a right-to-left mark or override in it
    cannot reorder the row around it; long names wrap or are cut (the CSS of `.name`)."""
    return format_html('<bdi class="name">{}</bdi>', name)


@dataclass(frozen=True)
class EarlierPlaces:
    """During a distance: the distance before it (None during the first) and the places after it."""

    distance: object
    places: dict

    def __bool__(self):
        return True


@register.simple_tag
def earlier_places(standings):
    """The places after the previous distance while one is under way, else None: the skaters
    still to skate it are shown at those places, apart from those who have skated it."""
    if not (standings.after and standings.in_progress):
        return None
    order = standings.after - 1
    return (
        EarlierPlaces(standings.distance(order), standings.ranks_after(order))
        if order
        else EarlierPlaces(None, {})
    )


@register.filter
def place_of(places, skater):
    """A skater's place in `earlier_places`' places (none before any distance is complete)."""
    return places.get(skater.pk) if places else None


@register.filter
def column_count(standings):
    """The classification's columns: place, change, name, points, behind, [seconds], distances, gap."""
    return 6 + len(standings.skated_distances) + (1 if standings.next_distance else 0)


@register.filter
def is_complete(standings):
    """Every distance skated by all who skate it: the classification is final."""
    return (
        bool(standings.distances)
        and standings.after == len(standings.distances)
        and not standings.in_progress
    )

"""The panels a page may follow besides the live regions: the head-to-head of two skaters, the
commentators' talking points, a what-if, a skater's card and a broadcaster's overlay. The page and
the feed build them alike (their contexts below); the feed renders each panel its pages show once
per change and language for all of them (feed.py `Panels`), never per browser
(docs/interfaces.md, WebSocket).

A panel is named by a key: `("head-to-head", a, b)` (skater ids), `("talking-points",)`,
`("what-if", (what-if, ...))` (as `standings.json` takes them), `("skater-card", skater id)`,
`("overlay", show, *numbers)` (overlays.py `OPTIONS`: its top, or its skater ids). Only the
head-to-head follows the timing feed (a skater on the ice is compared by her passings so far): its
`marks` are its skaters' races as last changed, and a passing re-renders the head-to-heads whose
marks changed.
"""

from urllib.parse import urlencode

from django.template.loader import render_to_string
from django.utils import translation

from ..head_to_head import HeadToHead
from ..models import Championship
from ..overlays import OPTIONS, Overlay, OverlayError
from ..skater_card import SkaterCard
from ..standings import Standings, WhatIfError, what_if_result, what_if_results, what_if_text
from ..talking_points import TalkingPoints
from ..timing.models import Race
from .diff import collapse

HEAD_TO_HEAD, TALKING_POINTS, WHAT_IF = "head-to-head", "talking-points", "what-if"
SKATER_CARD, OVERLAY = "skater-card", "overlay"
WHAT_IFS = 12  # what-ifs one panel stacks at most (a bound on what a connect may ask to render)
DIGITS = 10  # of a skater id or an overlay's top


def panel_of(query):
    """The panel a connecting page follows, from its connect parameters (`parse_qs`); None when
    it follows none or they name none."""
    name = query.get("panel", [""])[0]
    if name == HEAD_TO_HEAD:
        ids = _numbers(query, "ab")
        if ids is not None:
            return (HEAD_TO_HEAD, *ids)
    elif name == TALKING_POINTS:
        return (TALKING_POINTS,)
    elif name == WHAT_IF:
        texts = tuple(query.get("what_if", ()))
        if 0 < len(texts) <= WHAT_IFS and all(len(text) <= 40 for text in texts):
            return (WHAT_IF, texts)
    elif name == SKATER_CARD:
        ids = _numbers(query, ["skater"])
        if ids is not None:
            return (SKATER_CARD, *ids)
    elif name == OVERLAY:
        show = query.get("overlay", [""])[0]
        numbers = _numbers(query, OPTIONS[show]) if show in OPTIONS else None
        if numbers is not None:
            return (OVERLAY, show, *numbers)
    return None


def _numbers(query, names):
    """The parameters `names` as whole numbers (ASCII digits), or None."""
    values = [query.get(name, [""])[0] for name in names]
    if all(value.isascii() and value.isdigit() and len(value) <= DIGITS for value in values):
        return tuple(map(int, values))
    return None


def head_to_head_context(standings, a, b):
    """What the head-to-head of skater ids `a`, `b` shows (None: not two skaters of it)."""
    skaters = [standings.skaters.get(pk) for pk in (a, b)]
    h2h = HeadToHead(standings, *skaters) if all(skaters) and skaters[0] != skaters[1] else None
    return {"standings": standings, "h2h": h2h}


def talking_points_context(standings):
    return {"standings": standings, "points": TalkingPoints(standings)}


def what_if_context(standings, kept, choice=None):
    """The what-if panel of the standings page: the what-ifs in force (`kept`, as `standings.json`
    takes them) and the one its form adds (`choice`: skater, distance, time), which stands in for
    a kept one of the same skater and distance; the classification they give."""
    choice = {key: (choice or {}).get(key, "") for key in ("skater", "distance", "time")}
    if not choice["distance"] and standings.current_distance:
        choice["distance"] = str(standings.current_distance.order)
    panel = {"choice": choice, "skaters": standings.skaters.values(), "kept": list(kept)}
    try:
        results = list(what_if_results(panel["kept"], standings))
        if choice["time"]:
            added = what_if_result(":".join(choice.values()), standings)
            results = [r for r in results if (r.skater, r.distance) != (added.skater, added.distance)]
            results.append(added)
    except WhatIfError as error:
        return {"standings": standings, "what_if": {**panel, "error": str(error)}}
    if not results:
        return {"standings": standings, "what_if": panel}
    imagined = Standings(standings.championship, after=standings.requested_after, what_if=results)
    texts = [what_if_text(r) for r in results]
    return {
        "standings": standings,
        "what_if": {
            **panel,
            "kept": texts,
            "standings": imagined,
            # What the page says it follows when it connects (the panel with these what-ifs).
            "panel": urlencode([("panel", WHAT_IF), *(("what_if", text) for text in texts)]),
            "skater_ids": {r.skater for r in results},
            "lines": [(standings.skaters[r.skater], standings.distance(r.distance), r) for r in results],
        },
    }


def skater_card_context(standings, skater_id):
    """What the card of skater id `skater_id` shows (`card` None: not a skater of it)."""
    chosen = standings.skaters.get(skater_id)
    return {"standings": standings, "card": chosen and SkaterCard(standings, chosen)}


def overlay_context(standings, show, *numbers):
    """What the overlay `show` with its `numbers` (overlays.py `OPTIONS`) shows in the current
    language, as its page asked for it (`overlay` None: its skaters are no longer of it)."""
    query = {"show": show, "lang": translation.get_language(), **dict(zip(OPTIONS[show], map(str, numbers)))}
    try:
        overlay = Overlay.from_query(query, standings)
    except OverlayError:
        overlay = None
    return {"standings": standings, "overlay": overlay}


PANELS = {  # name: (template, context)
    HEAD_TO_HEAD: ("championships/head_to_head.html#head-to-head", head_to_head_context),
    TALKING_POINTS: ("championships/commentary.html#talking-points", talking_points_context),
    WHAT_IF: ("championships/_what_if.html#what-if", what_if_context),
    SKATER_CARD: ("championships/skater.html#skater-card", skater_card_context),
    OVERLAY: ("championships/overlay.html#overlay", overlay_context),
}


def _render(standings, panel):
    template, context = PANELS[panel[0]]
    return collapse(render_to_string(template, context(standings, *panel[1:])))


def rendered(slug, language, panels):
    """{panel: (HTML, marks)} of `panels` as they stand, in `language`; None for a championship
    that is gone. The standings are read and scored once for all of them."""
    championship = Championship.objects.filter(slug=slug).first()
    if championship is None:
        return None
    standings = Standings(championship)
    marks = _marks(championship, panels)
    with translation.override(language):
        return {panel: (_render(standings, panel), marks.get(panel)) for panel in panels}


def race_marks(slug, panels):
    """{head-to-head panel: its skaters' races as the timing feed last changed them}, of those
    among `panels`."""
    championship = Championship.objects.filter(slug=slug).first()
    return {} if championship is None else _marks(championship, panels)


def _marks(championship, panels):
    duels = [panel for panel in panels if panel[0] == HEAD_TO_HEAD]
    if not duels:
        return {}
    races = Race.objects.filter(
        distance__championship=championship, skater_id__in={pk for _, *pks in duels for pk in pks}
    )
    by_skater = {}
    for skater, distance, updated in races.values_list("skater_id", "distance_id", "updated"):
        by_skater.setdefault(skater, set()).add((distance, updated))
    return {
        (name, a, b): (frozenset(by_skater.get(a, ())), frozenset(by_skater.get(b, ())))
        for name, a, b in duels
    }


def whole(html):
    """A panel's render as an out-of-band swap of the panel (the page's own has no `hx-swap-oob`:
    the page's script reads its live regions from that attribute)."""
    end = html.index(" ")
    return f'{html[:end]} hx-swap-oob="true"{html[end:]}'

from functools import wraps
from urllib.parse import urlencode

from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_safe

from . import exports
from .live.panels import head_to_head_context, talking_points_context, what_if_context
from .models import Championship
from .overlays import Overlay, OverlayError
from .skater_card import SkaterCard
from .standings import Standings, WhatIfError, what_if_results


def open_to_other_sites(view):
    """Any site may read this answer (docs/interfaces.md), also a client that sends no Origin, which
    corsheaders leaves alone; corsheaders (settings.CORS_URLS_REGEX) answers the browsers' preflight."""

    @wraps(view)
    def with_header(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return with_header


@require_safe
def championship_list(request):
    return render(
        request,
        "championships/championship_list.html",
        {"championships": Championship.objects.newest_first().select_related("venue")},
    )


def _is_number(value):
    """Plain ASCII digits: str.isdigit() also accepts "²", which int() refuses."""
    return value.isascii() and value.isdigit()


def _after(request, standings):
    """The `after` query parameter: a distance order of this championship, or None."""
    value = request.GET.get("after")
    if value in (None, ""):
        return None
    if not _is_number(value) or not 1 <= int(value) <= len(standings.distances):
        raise Http404(f"This championship has no distance {value!r}.")
    return int(value)


def _championship_standings(slug):
    return Standings(get_object_or_404(Championship, slug=slug))


def _standings(request, slug):
    standings = _championship_standings(slug)
    standings.requested_after = _after(request, standings)
    return standings


def _distance_standings(slug, order):
    standings = _championship_standings(slug)
    if not 1 <= order <= len(standings.distances):
        raise Http404("This championship has no such distance.")
    return standings


def _page(request, template, fragment, context):
    """The whole page, or for an htmx request only its live fragment: the partial the push sends."""
    return render(request, f"{template}#{fragment}" if request.htmx else template, context)


@require_safe
def standings(request, slug):
    if request.GET.get("tv"):
        return tv(request, slug)
    standings = _standings(request, slug)
    choice = {key: request.GET.get(key, "").strip() for key in ("skater", "distance", "time")}
    context = what_if_context(standings, request.GET.getlist("what_if"), choice)
    if request.htmx and request.GET.get("panel") == "what-if":
        return render(request, "championships/_what_if.html#what-if", context)
    return _page(
        request,
        "championships/standings.html",
        "classification",
        {**context, "live": standings.requested_after is None},
    )


@require_safe
def tv(request, slug):
    """For a screen or projector: large type, no controls, the classification and the distance on
    the ice in turn (static/sprintboard.js), live through the same fragments as the other pages."""
    standings = _championship_standings(slug)
    sheets = [standings.sheet(d.order) for d in standings.distances]
    return render(
        request, "championships/tv.html", {"standings": standings, "sheets": sheets, "live": True, "tv": True}
    )


@require_safe
@open_to_other_sites
def standings_json(request, slug):
    standings = _standings(request, slug)
    try:
        standings.what_if = what_if_results(request.GET.getlist("what_if"), standings)
    except WhatIfError as error:
        return JsonResponse({"error": str(error)}, status=400)
    return JsonResponse(exports.standings_json(standings), json_dumps_params={"ensure_ascii": False})


@require_safe
def distance(request, slug, order):
    standings = _distance_standings(slug, order)
    return _page(
        request,
        "championships/distance.html",
        "distance",
        {"standings": standings, "sheet": standings.sheet(order), "live": True},
    )


@require_safe
def head_to_head(request, slug):
    standings = _championship_standings(slug)
    chosen = [request.GET.get(key, "") for key in ("a", "b")]
    if not chosen[0] and standings.rows:
        # The classification links a skater as b alone: against whoever leads when the page is
        # opened, so a new leader does not change every row of the classification's frame.
        chosen[0] = str(standings.rows[0].skater.pk)
    ids = [int(pk) if _is_number(pk) else None for pk in chosen]
    return _page(
        request,
        "championships/head_to_head.html",
        "head-to-head",
        {**head_to_head_context(standings, *ids), "chosen": chosen, "picks": zip("ab", chosen), "live": True},
    )


# --- CSV: the pages' tables for spreadsheets (exports.py) ------------------------------------------


def _csv_response(filename, rows):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    exports.write_csv(response, rows)
    return response


@require_safe
@open_to_other_sites
def standings_csv(request, slug):
    return _csv_response(*exports.standings_csv(_standings(request, slug)))


@require_safe
@open_to_other_sites
def distance_csv(request, slug, order):
    return _csv_response(*exports.distance_csv(_distance_standings(slug, order), order))


# --- The commentators' desk and broadcast ---------------------------------------------------------


@require_safe
def commentary(request, slug):
    """Talking points about the skaters on the ice and in the next pairs, live."""
    standings = _championship_standings(slug)
    return _page(
        request,
        "championships/commentary.html",
        "talking-points",
        {**talking_points_context(standings), "live": True},
    )


@require_safe
def overlay(request, slug):
    """For a video mixer's browser source: transparent, large type, live; what it shows and its
    language from the query (overlays.py), a bad option answered 400 with the reason."""
    standings = _championship_standings(slug)
    try:
        chosen = Overlay.from_query(request.GET, standings)
    except OverlayError as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    with translation.override(chosen.language):
        response = _page(
            request,
            "championships/overlay.html",
            "overlay",
            {"standings": standings, "overlay": chosen, "live": True},
        )
        response["Content-Language"] = chosen.language
        return response


@require_safe
def overlay_help(request, slug):
    """The overlays' options, each with a preview."""
    standings = _championship_standings(slug)
    ranked = [row.skater.pk for row in standings.rows if row.rank is not None]
    queries = [{"show": "classification", "top": "5"}, {"show": "pair"}]
    if len(ranked) >= 2:
        queries.append({"show": "h2h", "a": str(ranked[0]), "b": str(ranked[1])})
    page = reverse("championships:overlay", args=[slug])
    examples = [
        {"url": f"{page}?{urlencode(query)}", "overlay": Overlay.from_query(query, standings)}
        for query in queries
    ]
    return render(request, "championships/overlay_help.html", {"standings": standings, "examples": examples})


@require_safe
def skater(request, slug, skater_id):
    """A skater's card: her results, personal bests, places and pair-mates; live."""
    standings = _championship_standings(slug)
    chosen = standings.skaters.get(skater_id)
    if chosen is None:
        raise Http404("This championship has no such skater.")
    return _page(
        request,
        "championships/skater.html",
        "skater-card",
        {"standings": standings, "card": SkaterCard(standings, chosen), "live": True},
    )

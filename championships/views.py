from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render

from .head_to_head import HeadToHead
from .models import Championship
from .standings import Standings


def championship_list(request):
    return render(
        request,
        "championships/championship_list.html",
        {"championships": Championship.objects.newest_first().select_related("venue")},
    )


def _after(request, standings):
    """The `after` query parameter: a distance order of this championship, or None."""
    value = request.GET.get("after")
    if value in (None, ""):
        return None
    if not value.isdigit() or not 1 <= int(value) <= len(standings.distances):
        raise Http404(f"This championship has no distance {value!r}.")
    return int(value)


def _standings(request, slug):
    standings = Standings(get_object_or_404(Championship, slug=slug))
    standings.requested_after = _after(request, standings)
    return standings


def standings(request, slug):
    standings = _standings(request, slug)
    template = "championships/standings.html"
    if request.htmx:
        template += "#classification"
    return render(request, template, {"standings": standings, "live": standings.requested_after is None})


def standings_json(request, slug):
    response = JsonResponse(_standings(request, slug).as_json(), json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def distance(request, slug, order):
    standings = Standings(get_object_or_404(Championship, slug=slug))
    if not 1 <= order <= len(standings.distances):
        raise Http404("This championship has no such distance.")
    template = "championships/distance.html"
    if request.htmx:
        template += "#distance"
    return render(request, template, {"standings": standings, "sheet": standings.sheet(order), "live": True})


def head_to_head(request, slug):
    standings = Standings(get_object_or_404(Championship, slug=slug))
    chosen = [request.GET.get(key, "") for key in ("a", "b")]
    skaters = [standings.skaters.get(int(pk)) if pk.isdigit() else None for pk in chosen]
    h2h = HeadToHead(standings, *skaters) if all(skaters) and skaters[0] != skaters[1] else None
    template = "championships/head_to_head.html"
    if request.htmx:
        template += "#head-to-head"
    return render(request, template, {"standings": standings, "h2h": h2h, "chosen": chosen, "live": True})

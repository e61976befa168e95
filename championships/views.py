import csv

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render

from .display import points_text, seconds_text, time_text
from .head_to_head import HeadToHead
from .models import Championship, Start
from .standings import Standings


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


def standings(request, slug):
    if request.GET.get("tv"):
        return tv(request, slug)
    standings = _standings(request, slug)
    return _page(
        request,
        "championships/standings.html",
        "classification",
        {"standings": standings, "live": standings.requested_after is None},
    )


def tv(request, slug):
    """For a screen or projector: large type, no controls, the classification and the distance on
    the ice in turn (static/sprintboard.js), live through the same fragments as the other pages."""
    standings = _championship_standings(slug)
    sheets = [standings.sheet(d.order) for d in standings.distances]
    return render(
        request, "championships/tv.html", {"standings": standings, "sheets": sheets, "live": True, "tv": True}
    )


def standings_json(request, slug):
    response = JsonResponse(_standings(request, slug).as_json(), json_dumps_params={"ensure_ascii": False})
    return response


def distance(request, slug, order):
    standings = _distance_standings(slug, order)
    return _page(
        request,
        "championships/distance.html",
        "distance",
        {"standings": standings, "sheet": standings.sheet(order), "live": True},
    )


def head_to_head(request, slug):
    standings = _championship_standings(slug)
    chosen = [request.GET.get(key, "") for key in ("a", "b")]
    skaters = [standings.skaters.get(int(pk)) if _is_number(pk) else None for pk in chosen]
    h2h = HeadToHead(standings, *skaters) if all(skaters) and skaters[0] != skaters[1] else None
    return _page(
        request,
        "championships/head_to_head.html",
        "head-to-head",
        {"standings": standings, "h2h": h2h, "chosen": chosen, "live": True},
    )


# --- CSV: the pages' tables for spreadsheets, always in the English number format ---------------


def _csv_response(filename):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _blank(value):
    return "" if value is None else value


def standings_csv(request, slug):
    """The classification (`?after=N` as the page and the JSON feed), one row per skater."""
    standings = _standings(request, slug)
    after = standings.after
    suffix = f"-after-{after}" if standings.requested_after else ""
    response = _csv_response(f"{standings.championship.slug}-standings{suffix}.csv")
    next_distance = standings.next_distance
    distances = standings.skated_distances
    writer = csv.writer(response)
    header = ["rank", "status", "skater", "country"]
    for d in distances:
        name = f"{d.meters} m #{d.order}"
        header += [f"{name} time", f"{name} status", f"{name} rank", f"{name} points", f"{name} badges"]
    header += ["points", "behind leader"]
    if next_distance:
        header.append(f"behind leader s on {next_distance.meters} m")
    header += ["behind previous", "change", "qualification"]
    writer.writerow(header)
    for row in standings.rows:
        line = [
            _blank(row.rank),
            row.status or ("to skate" if row.still_to_skate else ""),
            row.skater.name,
            row.skater.country,
        ]
        cells = {cell.distance.order: cell for cell in row.cells}
        for d in distances:
            cell = cells.get(d.order)
            if cell is None:
                line += [""] * 5
                continue
            line += [
                _blank(time_text(cell.time)),
                cell.status or "",
                _blank(cell.rank),
                _blank(points_text(cell.points)),
                " ".join(cell.badges),
            ]
        line += [_blank(points_text(row.points)), _blank(points_text(row.behind_leader))]
        if next_distance:
            line.append(_blank(seconds_text(row.behind_leader_seconds)))
        line += [_blank(points_text(row.behind_previous)), _blank(row.change), row.qualification or ""]
        writer.writerow(line)
    return response


def distance_csv(request, slug, order):
    """A distance's results, then those of its start list without a result yet, with pair and lane."""
    standings = _distance_standings(slug, order)
    sheet = standings.sheet(order)
    response = _csv_response(f"{standings.championship.slug}-distance-{order}-{sheet.distance.meters}m.csv")
    lanes = {}
    for pair in sheet.pairs:
        for lane, skater in ((Start.Lane.INNER, pair.inner), (Start.Lane.OUTER, pair.outer)):
            if skater is not None:
                lanes[skater.pk] = (pair.number, lane.value)
    writer = csv.writer(response)
    writer.writerow(
        [
            "rank",
            "skater",
            "country",
            "time",
            "status",
            "behind",
            "points",
            "badges",
            "pair",
            "lane",
            "splits",
        ]
    )
    listed = set()
    for placing in sheet.placings:
        listed.add(placing.skater.pk)
        pair, lane = lanes.get(placing.skater.pk, ("", ""))
        writer.writerow(
            [
                _blank(placing.rank),
                placing.skater.name,
                placing.skater.country,
                _blank(time_text(placing.time)),
                placing.status or "",
                _blank(seconds_text(placing.behind_winner)),
                _blank(points_text(placing.points)),
                " ".join(placing.badges),
                pair,
                lane,
                " ".join(split or "-" for split in placing.splits or ()),
            ]
        )
    for pair in sheet.pairs:
        for lane, skater in ((Start.Lane.INNER, pair.inner), (Start.Lane.OUTER, pair.outer)):
            if skater is not None and skater.pk not in listed:
                writer.writerow(
                    ["", skater.name, skater.country, "", "", "", "", "", pair.number, lane.value, ""]
                )
    return response

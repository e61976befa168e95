"""Paper: the start lists, result lists and classification as the board at a rink shows them, for
A4 portrait (static/paper.css), without navigation or live script. Everything on them comes from
a `Standings`, as on the pages: nothing is ranked or scored here."""

from dataclasses import dataclass

from django.shortcuts import render
from django.views.decorators.http import require_safe

from . import scoring
from .models import Record, Start
from .views import _distance_standings, _standings

# The records a start list names above its pairs; a national record is only one country's.
START_LIST_RECORDS = ("WR", "CR", "TR")


@dataclass(frozen=True)
class Lane:
    """A skater in a pair of a start list, with her personal best on the distance's metres."""

    lane: str  # Start.Lane
    skater: object
    personal_best: object


@dataclass(frozen=True)
class StandingRecord:
    """A record as it stands before a distance: its kind, time and who set it (when known)."""

    kind: str
    time: object
    holder: str


def day_of(standings, distance):
    """The distance's day of the championship (1, 2, ...), or None without a date."""
    return standings.days.index(distance.date) + 1 if distance.date else None


def records_before(standings, distance):
    """The world, championship and track records on the distance's metres as they stand before it:
    those known before the championship, beaten by earlier distances' times (scoring's record
    book), with the holder's name where it is known."""
    earlier = [r for r in standings.scoring_results if r.distance < distance.order]
    countries = {skater.pk: skater.country for skater in standings.skaters.values()}
    known = list(Record.objects.filter(championship=standings.championship, meters=distance.meters))
    book = scoring.record_badges(
        standings.scoring_distances,
        earlier,
        [scoring.Record(kind=r.kind, meters=r.meters, time=r.time, country=r.country or None) for r in known],
        countries=countries,
    )
    holders = {(r.kind, r.time): r.holder for r in known}
    for result in earlier:  # in entry order; whoever set a time first holds it, not who equalled it
        for kind in book.badges.get((result.skater, result.distance), ()):
            holders.setdefault((kind.lstrip("="), result.time), standings.skaters[result.skater].name)
    return [
        StandingRecord(kind, time, holders.get((kind, time), ""))
        for kind in START_LIST_RECORDS
        if (time := book.records.get((kind, distance.meters, None))) is not None
    ]


def _distance_context(standings, order):
    sheet = standings.sheet(order)
    return {
        "standings": standings,
        "sheet": sheet,
        "distance": sheet.distance,
        "day": day_of(standings, sheet.distance),
        "official": sheet.distance.official,
    }


@require_safe
def start_list(request, slug, order):
    standings = _distance_standings(slug, order)
    context = _distance_context(standings, order)
    meters = context["distance"].meters
    bests = standings.personal_bests
    context["pairs"] = [
        (
            pair.number,
            [
                Lane(lane, skater, bests.get((skater.pk, meters)) if skater else None)
                for lane, (skater, _result) in zip((Start.Lane.INNER, Start.Lane.OUTER), pair.lanes)
            ],
        )
        for pair in context["sheet"].pairs
    ]
    context["records"] = records_before(standings, context["distance"])
    return render(request, "championships/print/start_list.html", context)


@require_safe
def results(request, slug, order):
    standings = _distance_standings(slug, order)
    return render(request, "championships/print/results.html", _distance_context(standings, order))


@require_safe
def classification(request, slug):
    standings = _standings(request, slug)
    after = standings.after_distance
    context = {
        "standings": standings,
        "day": day_of(standings, after) if after else None,
        "official": standings.is_official,
    }
    return render(request, "championships/print/classification.html", context)

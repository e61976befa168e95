"""The pair on the ice as the race panel shows it (templates/championships/_race.html): the pair the
timing feed reported last, each skater's passings with their place and gap among the skaters of
the distance so far, lap times, and until the finish the projection (championships/projection.py).

A pair whose races the feed knows but that has not started (a false start cleared) is "next"; one
whose skaters all have a finish or a status is "finished". The start list's pair after it is named
in every state (the TV board shows the pair on the ice and the next pair).

Without the feed on the distance under way or next (none at all, or only on earlier distances) the
pair is the start list's first without all its results, "next", from the start list
(`from_start_list`): the TV board shows it, the other pages leave it to the classification.
"""

import weakref
from dataclasses import dataclass, replace
from decimal import Decimal

from .. import projection, scoring
from ..times import parse_time
from .models import Race, hundredths

PASSINGS_SHOWN = 3  # the latest passings the panel shows (a 5000 m has twelve): its frames stay small


@dataclass(frozen=True)
class Passing:
    meters: int
    time: Decimal
    lap: Decimal
    place: int  # among the skaters of the distance who passed here so far
    behind: Decimal  # behind the fastest of them here


@dataclass(frozen=True)
class Lane:
    lane: str
    skater: object
    passings: list  # [Passing], in order; the finish is the last when it is in
    finished: bool
    placing: object  # the distance's Placing once she has a result
    projected: Decimal | None = None
    projected_points: Decimal | None = None
    projected_place: int | None = None
    to_lead: Decimal | None = None  # the slowest time on this distance that leads the classification
    cells: tuple = ()  # her Passing (or None) at each of the panel's metres


@dataclass(frozen=True)
class PairOnIce:
    distance: object
    number: int
    state: str  # "next", "skating" or "finished"
    lanes: list  # [Lane], inner first
    meters: tuple = ()  # the panel's columns: the latest passings' metres, then the finish
    next_pair: object = None  # the start list's standings.Pair after this one not yet complete
    from_start_list: bool = False  # no feed for this distance: the start list's first pair to skate


def pair_on_ice(standings):
    """The race panel's pair of `standings`' championship, or None: read once per `Standings`
    (a push renders the panel in every followed language from one reading, as the rest)."""
    if standings not in _read:
        _read[standings] = _pair_on_ice(standings)
    return _read[standings]


_read = weakref.WeakKeyDictionary()  # Standings -> its PairOnIce or None


def _pair_on_ice(standings):
    # Every race of the championship in one query (the latest first): its distances are read.
    read = list(
        Race.objects.filter(distance__championship_id=standings.championship.pk).order_by("-updated", "-pk")
    )
    order_of = {d.pk: d.order for d in standings.distances}
    latest = read[0] if read else None
    if latest is None or order_of[latest.distance_id] < (standings.after or 0):
        return _from_start_list(standings)
    distance = standings.distance(order_of[latest.distance_id])
    sheet = standings.sheet(distance.order)
    pair = next((p for p in sheet.pairs if p.number == latest.pair), None)
    if pair is None:
        return None  # the start list changed since
    same_meters = [d for d in standings.distances if d.meters == distance.meters]
    same_ids = {d.pk for d in same_meters}
    races = {(r.distance_id, r.skater_id): r for r in read if r.distance_id in same_ids}
    passings = {d.pk: _passings(standings, d, races) for d in same_meters}
    here = passings[distance.pk]
    lanes = []
    for lane, (skater, placing) in zip(("inner", "outer"), pair.lanes):
        if skater is None:
            continue
        race = races.get((distance.pk, skater.pk))
        lanes.append(_lane(lane, skater, placing, race, here, sheet))
    state = "finished" if all(lane.finished for lane in lanes) else "next"
    if state == "next" and any(
        lane.passings or lane.finished or _started(races, distance, lane) for lane in lanes
    ):
        state = "skating"
    if state == "skating":
        lanes = _projected(standings, distance, lanes, passings)
    passed = sorted({p.meters for lane in lanes for p in lane.passings if p.meters < distance.meters})
    meters = (*passed[-PASSINGS_SHOWN:], distance.meters)
    lanes = [replace(lane, cells=tuple(_at(lane, m) for m in meters)) for lane in lanes]
    return PairOnIce(
        distance=distance,
        number=pair.number,
        state=state,
        lanes=lanes,
        meters=meters,
        next_pair=_following(sheet, pair),
    )


def _from_start_list(standings):
    """The distance under way or next: its first pair without all its results, as "next"."""
    distance = standings.current_distance
    if distance is None:
        return None
    sheet = standings.sheet(distance.order)
    pair = next((p for p in sheet.pairs if not p.complete), None)
    if pair is None:
        return None
    lanes = [
        Lane(lane=lane, skater=skater, passings=[], finished=placing is not None, placing=placing)
        for lane, (skater, placing) in zip(("inner", "outer"), pair.lanes)
        if skater is not None
    ]
    return PairOnIce(
        distance=distance,
        number=pair.number,
        state="next",
        lanes=lanes,
        meters=(distance.meters,),
        next_pair=_following(sheet, pair),
        from_start_list=True,
    )


def _following(sheet, pair):
    """The start list's first pair after `pair` not yet complete."""
    return next((p for p in sheet.pairs if p.number > pair.number and not p.complete), None)


def _at(lane, meters):
    return next((p for p in lane.passings if p.meters == meters), None)


def _started(races, distance, lane):
    race = races.get((distance.pk, lane.skater.pk))
    return race is not None and race.started is not None


def _passings(standings, distance, races):
    """{skater id: {metres: time}} of a distance: the feed's passings where it has them (exact
    metres), else the result's splits (a lap apart, back from the finish)."""
    known = {}
    for placing in standings.placings(distance.order):
        splits = [parse_time(s) for s in placing.splits if s]
        if len(splits) == len(placing.splits) and splits:
            known[placing.skater.pk] = dict(
                zip(projection.split_meters(distance.meters, len(splits)), splits)
            )
    for (distance_id, skater_id), race in races.items():
        if distance_id == distance.pk and race.passings:
            known[skater_id] = {m: hundredths(t) for m, t in race.passing_times()}
    return known


def _lane(lane, skater, placing, race, here, sheet):
    finished = placing is not None or (race is not None and bool(race.finish or race.status))
    if race is None:
        return Lane(lane=lane, skater=skater, passings=[], finished=finished, placing=placing)
    passings = []
    previous = Decimal(0)
    for meters, raw in race.passing_times():
        time = hundredths(raw)
        at = {s: times[meters] for s, times in here.items() if meters in times}
        place, behind = projection.standing_at({**at, skater.pk: time}, skater.pk)
        passings.append(Passing(meters=meters, time=time, lap=time - previous, place=place, behind=behind))
        previous = time
    if placing is not None and placing.time is not None:
        # The finish as the results have it (an official's correction included), placed as they are.
        behind = placing.behind_winner if placing.rank is not None else None
        passings.append(
            Passing(
                meters=sheet.distance.meters,
                time=placing.time,
                lap=placing.time - previous,
                place=placing.rank,
                behind=behind,
            )
        )
    return Lane(lane=lane, skater=skater, passings=passings, finished=finished, placing=placing)


def _finishes(standings, distance):
    return {p.skater.pk: p.time for p in standings.placings(distance.order) if p.points is not None}


def _projected(standings, distance, lanes, passings):
    """The lanes still skating with their projection from their latest passing: scaled by the
    fastest finisher of this distance with a time at that passing, else of another distance of
    the same metres in the championship; none without one."""
    others = [d for d in standings.distances if d.meters == distance.meters and d.pk != distance.pk]
    projected = {}
    for lane in lanes:
        if lane.finished or not lane.passings:
            continue
        last = lane.passings[-1]
        for d in [distance, *others]:
            finishes = {s: t for s, t in _finishes(standings, d).items() if s != lane.skater.pk}
            found = projection.reference(passings[d.pk], finishes, last.meters)
            if found:
                projected[lane.skater.pk] = projection.projected_finish(last.time, *found)
                break
    if not projected:
        return lanes
    places = projection.projected_places(
        standings.scoring_distances,
        list(standings.skaters),
        standings.scoring_results,
        projected,
        distance.order,
        **standings.scoring_options,
    )
    leader = _leader(standings, distance, set(projected))
    result = []
    for lane in lanes:
        time = projected.get(lane.skater.pk)
        if time is None:
            result.append(lane)
            continue
        to_lead = None
        before = _points_before(standings, lane.skater.pk, distance.order)
        if leader is not None and before is not None:
            to_lead = scoring.time_to_beat(before, leader, distance.meters)
        result.append(
            replace(
                lane,
                projected=time,
                projected_points=scoring.points(time, distance.meters),
                projected_place=places.get(lane.skater.pk),
                to_lead=to_lead,
            )
        )
    return result


def _leader(standings, distance, skating):
    """The points of the classification's leader after `distance` among those who skated it."""
    rows = standings.classification_after(distance.order).rows
    return next((r.points for r in rows if r.classified and not r.status and r.skater not in skating), None)


def _points_before(standings, skater, order):
    """The skater's points over the distances before `order`, None when one of them does not count."""
    earlier = [d.order for d in standings.distances if d.order < order]
    counting = {r.distance: r for r in standings.scoring_results if r.skater == skater and r.counts}
    if any(o not in counting for o in earlier):
        return None
    meters = {d.order: d.meters for d in standings.distances}
    return sum((scoring.points(counting[o].time, meters[o]) for o in earlier), Decimal("0.000"))

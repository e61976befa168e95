"""The scoring rules of a long-track championship (docs/rules.md), on plain values.

Skaters are opaque ids, distances are known by their order (the same metres can be skated twice),
times and points are Decimals: nothing here touches the database, so every page, feed and command
scores the same way.
"""

import itertools
import operator
from collections import defaultdict
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_DOWN, ROUND_UP, Decimal

STATUSES = ("DQ", "DNS", "DNF", "WDR")
STATUS_ALIASES = {"DSQ": "DQ", "NS": "DNS", "NF": "DNF", "RET": "WDR", "WD": "WDR"}

THOUSANDTH = Decimal("0.001")
HUNDREDTH = Decimal("0.01")


def normalise_status(code: str) -> str:
    """The status for a code as officials and imports write it ("dsq" is DQ)."""
    cleaned = code.strip().upper()
    if cleaned in STATUSES:
        return cleaned
    try:
        return STATUS_ALIASES[cleaned]
    except KeyError:
        raise ValueError(f"unknown status {code!r}: use DQ, DNS, DNF or WDR") from None


@dataclass(frozen=True)
class Distance:
    order: int
    meters: int


@dataclass(frozen=True)
class Result:
    """A skater's time or status on one distance (by order); `pair` gives the skating order.

    `time` is the official time in hundredths; `raw_time`, where known, the time as measured
    (thousandths or finer), which truncates to it.
    """

    skater: Hashable
    distance: int
    time: Decimal | None
    status: str | None = None
    pair: int | None = None
    raw_time: Decimal | None = None

    def __post_init__(self):
        if self.status is not None and self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}: use DQ, DNS, DNF or WDR")
        if self.time is None and self.status is None:
            raise ValueError("a result needs a time or a status")
        if self.raw_time is not None and (self.time is None or official_time(self.raw_time) != self.time):
            raise ValueError(f"the measured time {self.raw_time} does not truncate to the time {self.time}")

    @property
    def counts(self):
        """A time with a status (a DQ after the line) is shown but never counted."""
        return self.time is not None and self.status is None


def official_time(measured: Decimal) -> Decimal:
    """The official time of a measured one: truncated to hundredths (78.508 is 78.50)."""
    return measured.quantize(HUNDREDTH, rounding=ROUND_DOWN)


def points(time: Decimal, meters: int) -> Decimal:
    """Samalog points: the time per 500 m, truncated (not rounded) to 3 decimals."""
    return (time * 500 / meters).quantize(THOUSANDTH, rounding=ROUND_DOWN)


def seconds_on(points: Decimal, meters: int) -> Decimal:
    """A points deficit as seconds on a distance: what the chaser must be faster by.

    Rounded up to hundredths, as a chaser a fraction of a hundredth short has not made it up.
    """
    return (points * meters / 500).quantize(HUNDREDTH, rounding=ROUND_UP)


def shared_ranks(standing: Sequence[tuple[Hashable, Decimal]]) -> list[tuple[Hashable, int]]:
    """Rank (entry, value) pairs sorted best first: equal values share a rank, the next is skipped.

    This is the classification's default tie-break. A replacement gets the same argument, the
    classified skaters with their totals (equal totals in the order of the skaters) and returns
    (skater, rank) pairs in the order to list them, so it may reorder equal totals; a rule that
    needs the distances' times can close over the results.
    """
    ranks = []
    for position, (entry, value) in enumerate(standing, start=1):
        tied = ranks and value == standing[position - 2][1]
        ranks.append((entry, ranks[-1][1] if tied else position))
    return ranks


@dataclass(frozen=True)
class Placing:
    """One line of one distance's result list."""

    skater: Hashable
    time: Decimal | None
    status: str | None
    points: Decimal | None
    rank: int | None
    behind_winner: Decimal | None


def rank_distance(results: Iterable[Result], meters: int, by_thousandths: bool = False) -> list[Placing]:
    """One distance's result list: counting times fastest first, then statuses, unranked.

    Equal hundredths share a rank. With `by_thousandths` (the Dutch federation's way) skaters on
    equal hundredths are ranked by their measured times when each of them has one; when one of
    them has none, they all share the rank. Points and margins always come from the hundredths.
    """
    results = list(results)
    counting = sorted((r for r in results if r.counts), key=operator.attrgetter("time"))
    ranked = _by_measured_times(counting) if by_thousandths else [(r, r.time) for r in counting]
    placings = [
        Placing(
            skater=result.skater,
            time=result.time,
            status=None,
            points=points(result.time, meters),
            rank=rank,
            behind_winner=result.time - counting[0].time,
        )
        for result, rank in shared_ranks(ranked)
    ]
    placings.extend(
        Placing(skater=r.skater, time=r.time, status=r.status, points=None, rank=None, behind_winner=None)
        for r in results
        if not r.counts
    )
    return placings


def _by_measured_times(counting):
    """(result, value to rank on) for results sorted by time: equal hundredths that all have a
    measured time are told apart by it."""
    ranked = []
    for time, equal in itertools.groupby(counting, key=operator.attrgetter("time")):
        equal = list(equal)
        if len(equal) > 1 and all(r.raw_time is not None for r in equal):
            ranked.extend((r, (time, r.raw_time)) for r in sorted(equal, key=operator.attrgetter("raw_time")))
        else:
            ranked.extend((r, (time, None)) for r in equal)
    return ranked


@dataclass(frozen=True)
class Cell:
    """A skater's result on one distance inside the classification."""

    distance: int
    time: Decimal | None
    status: str | None
    points: Decimal | None
    rank: int | None


@dataclass(frozen=True)
class Row:
    """One skater's line in the classification.

    `status` is "NC" for a skater with a status on a skated distance, "NQ" for one ranked on her
    points before the final distance as she did not qualify for it. `change` is places gained
    since the classification after the previous distance (positive = up). `qualification` is "Q"
    or "NQ" for the final distance where a cut applies (see `classify`), None otherwise.
    """

    skater: Hashable
    rank: int | None
    classified: bool
    status: str | None
    points: Decimal | None
    behind_leader: Decimal | None
    behind_leader_seconds: Decimal | None
    behind_previous: Decimal | None
    change: int | None
    cells: tuple[Cell, ...]
    qualification: str | None = None


@dataclass(frozen=True)
class Classification:
    """The classification after a distance: classified rows, then still to skate, then NC.

    `qualified`: the skaters of the final distance in classification order, where a cut applies.
    """

    after: int | None
    next_distance: Distance | None
    rows: tuple[Row, ...]
    qualified: tuple[Hashable, ...] = ()


def classify(
    distances: Sequence[Distance],
    skaters: Sequence[Hashable],
    results: Iterable[Result],
    after: int | None = None,
    tie_break: Callable[[Sequence[tuple[Hashable, Decimal]]], list[tuple[Hashable, int]]] = shared_ranks,
    *,
    final_places: int | None = None,
    final_start_list: Collection[Hashable] | None = None,
    by_thousandths: bool = False,
) -> Classification:
    """The classification after distance `after` (default: the last distance with any result).

    A skater is classified with a counting time on every distance up to `after`; one without a
    result on some of them is still to skate, one with a status is NC. `by_thousandths` ranks
    equal hundredths on a distance by the measured times (`rank_distance`).

    `final_places` (None: no cut) limits the last distance to that many skaters, chosen by
    `qualify_for_final` from the classification before it and the longest distance before it,
    with withdrawals and the drawn start list of the last distance (`final_start_list`, None
    while it is not drawn) as `_qualify` describes. From the classification before the last
    distance on, `qualified` names the finalists (before it is skated a proposal). After the last
    distance only they are ranked on their totals; the skaters classified before it who did not
    qualify or did not start it follow as NQ, ranked on their points before it after every place
    a finalist can still take, without deficits: points over fewer distances are not comparable.
    A finalist still to skate is listed after them, one with DQ or DNF on it as NC.
    """
    distances = sorted(distances, key=operator.attrgetter("order"))
    results = _by_skater_and_distance(distances, skaters, results)
    if after is None:
        after = max((order for _, order in results), default=None)
    if after is None:
        rows = tuple(_unranked_row(skater, None, ()) for skater in skaters)
        return Classification(after=None, next_distance=distances[0] if distances else None, rows=rows)
    orders = [d.order for d in distances]
    if after not in orders:
        raise ValueError(f"there is no distance {after}")
    position = orders.index(after) + 1
    skated, following = distances[:position], distances[position:]
    next_distance = following[0] if following else None
    cells, standing = _standing(skated, skaters, results, by_thousandths)
    standing_before = _standing(skated[:-1], skaters, results, by_thousandths)[1] if position > 1 else []
    ranks_before = dict(tie_break(standing_before)) if position > 1 else {}
    qualifying = final_places is not None and 1 < len(distances) <= position + 1
    if qualifying:
        before_final = standing if following else standing_before
        qualified = _qualify(
            distances, results, tie_break(before_final), final_places, final_start_list, by_thousandths
        )
        not_qualified = [(s, total) for s, total in before_final if s not in qualified]
        if not following:
            standing = [(s, total) for s, total in standing if s in qualified]
    totals, rows = dict(standing), []
    for skater, rank in tie_break(standing):
        total = totals[skater]
        behind_leader = total - rows[0].points if rows else None
        rows.append(
            Row(
                skater=skater,
                rank=rank,
                classified=True,
                status=None,
                points=total,
                behind_leader=behind_leader,
                behind_leader_seconds=(
                    seconds_on(behind_leader, next_distance.meters) if rows and next_distance else None
                ),
                behind_previous=total - rows[-1].points if rows else None,
                change=ranks_before[skater] - rank if skater in ranks_before else None,
                cells=cells[skater],
            )
        )
    if qualifying and not following:
        # Behind every place a finalist takes or can still take (one with a status on it is NC),
        # so that a finalist skating the last distance never moves them.
        places_taken = sum(1 for s in qualified if not _has_status(cells[s]))
        points_before = dict(not_qualified)
        rows.extend(
            _not_qualified_row(s, places_taken + rank, points_before[s], ranks_before[s], cells[s])
            for s, rank in tie_break(not_qualified)
        )
    listed = {row.skater for row in rows}
    still_to_skate = sorted(
        (s for s in skaters if s not in listed and not _has_status(cells[s])),
        key=lambda s: sum(c.points for c in cells[s] if c.points is not None),
    )
    not_classified = [s for s in skaters if s not in listed and _has_status(cells[s])]
    rows.extend(_unranked_row(s, None, cells[s]) for s in still_to_skate)
    rows.extend(_unranked_row(s, "NC", cells[s]) for s in not_classified)
    if not qualifying:
        return Classification(after=after, next_distance=next_distance, rows=tuple(rows))
    candidates = {s for s, _ in before_final}
    marks = {s: "Q" if s in qualified else "NQ" for s in candidates}
    rows = [replace(row, qualification=marks.get(row.skater)) for row in rows]
    return Classification(
        after=after, next_distance=next_distance, rows=tuple(rows), qualified=tuple(qualified)
    )


def _qualify(distances, results, ranked_before_final, places, start_list, by_thousandths):
    """The finalists, from the ranked classification before the last distance.

    The other list is the result list of the longest distance before it (of equal metres the later
    one) as published: a skater who is not classified still holds her place on it.

    The computed qualification is a proposal; the start list and the results are the truth. A
    skater with WDR or DNS on the last distance has withdrawn, and so has one the proposal named
    who is left out of its start list once that is drawn: `qualify_for_final` passes them over
    for the next eligible. Everyone in the drawn start list skates, and whoever has a counting
    time on the last distance is a finalist, named by the proposal or not (a reserve let in).
    """
    before_final, final = distances[:-1], distances[-1]
    longest = max(before_final, key=operator.attrgetter("meters", "order"))
    placings = rank_distance(_results_on(results, longest.order), longest.meters, by_thousandths)
    on_longest = [p for p in placings if p.rank is not None]
    lists = {
        "classification": [s for s, _ in ranked_before_final],
        "longest": [p.skater for p in on_longest],
        "places": places,
        "classification_ranks": dict(ranked_before_final),
        "longest_ranks": {p.skater: p.rank for p in on_longest},
    }
    on_final = _results_on(results, final.order)
    withdrawn = {r.skater for r in on_final if r.status in ("WDR", "DNS")}
    starting = set(start_list or ())
    if starting:
        # Against the proposal the start list was drawn from, not one with its reserves in it.
        withdrawn |= set(qualify_for_final(**lists)) - starting
    qualified = set(qualify_for_final(**lists, withdrawn=withdrawn, starting=starting))
    qualified |= {r.skater for r in on_final if r.counts}
    return [s for s in lists["classification"] if s in qualified]


def _results_on(results, order):
    return [r for (_, on), r in results.items() if on == order]


def _by_skater_and_distance(distances, skaters, results):
    orders, known = {d.order for d in distances}, set(skaters)
    by_key = {}
    for result in results:
        if result.skater not in known or result.distance not in orders:
            raise ValueError(f"result of unknown skater or distance: {result}")
        if (result.skater, result.distance) in by_key:
            raise ValueError(f"two results of {result.skater!r} on distance {result.distance}")
        by_key[result.skater, result.distance] = result
    return by_key


def _standing(skated, skaters, results, by_thousandths):
    """Every skater's cells on the skated distances, and the classified skaters by total."""
    placings = {}
    for distance in skated:
        on_distance = _results_on(results, distance.order)
        ranked = rank_distance(on_distance, distance.meters, by_thousandths)
        placings.update(((p.skater, distance.order), p) for p in ranked)
    cells, totals = {}, []
    for skater in skaters:
        cells[skater] = tuple(_cell(d.order, placings.get((skater, d.order))) for d in skated)
        if all(c.points is not None for c in cells[skater]):
            totals.append((skater, sum(c.points for c in cells[skater])))
    return cells, sorted(totals, key=operator.itemgetter(1))


def _cell(order, placing):
    if placing is None:
        return Cell(distance=order, time=None, status=None, points=None, rank=None)
    return Cell(
        distance=order, time=placing.time, status=placing.status, points=placing.points, rank=placing.rank
    )


def _has_status(cells):
    return any(c.status for c in cells)


def _not_qualified_row(skater, rank, points_before_final, rank_before, cells):
    return Row(
        skater=skater,
        rank=rank,
        classified=True,
        status="NQ",
        points=points_before_final,
        behind_leader=None,
        behind_leader_seconds=None,
        behind_previous=None,
        change=rank_before - rank,
        cells=cells,
    )


def _unranked_row(skater, status, cells):
    return Row(
        skater=skater,
        rank=None,
        classified=False,
        status=status,
        points=None,
        behind_leader=None,
        behind_leader_seconds=None,
        behind_previous=None,
        change=None,
        cells=cells,
    )


RECORD_KINDS = ("WR", "NR", "CR", "TR")  # also the order of the badges, then PB


@dataclass(frozen=True)
class Record:
    """A record as it stood before the championship; a national record (NR) names its country."""

    kind: str
    meters: int
    time: Decimal
    country: str | None = None

    def __post_init__(self):
        if self.kind not in RECORD_KINDS:
            raise ValueError(f"unknown record kind {self.kind!r}: use WR, NR, CR or TR")
        if (self.kind == "NR") != (self.country is not None):
            raise ValueError("a national record (NR), and only a national record, names its country")


@dataclass(frozen=True)
class RecordBook:
    """Badges per (skater, distance order), and the records after them: the time per
    (kind, metres, country), the country None but for national records."""

    badges: dict[tuple[Hashable, int], tuple[str, ...]]
    records: dict[tuple[str, int, str | None], Decimal]


def record_badges(
    distances: Sequence[Distance],
    results: Iterable[Result],
    records: Iterable[Record],
    personal_bests: Mapping[tuple[Hashable, int], Decimal] = {},
    countries: Mapping[Hashable, str] = {},
) -> RecordBook:
    """WR, NR, CR, TR and PB badges, following the results in skating order so records fall live.

    Every record counts on its own: a time that breaks the world record breaks the national,
    championship and track records that are known too, and gets each badge (in the order WR, NR,
    CR, TR, PB). A skater is measured against her own country's national record.

    The two skaters of a pair race side by side, so both are measured against the record as it
    stood before their pair, and the badge names the record standing after it: the faster one takes
    "TR" (both on an equal time); a pair-mate who also beat the old record but is slower gets no TR
    badge, and neither does one who equalled the old record while her pair-mate broke it. A time
    that equals the record and is the pair's fastest is "=TR" (so for "WR", "NR", "CR"). Records
    that are not known, and skaters without a known PB on those metres, give no badge: there is
    nothing to beat. PB: faster than the known PB, which then moves on, so a second 500 m can be a
    PB again.
    """
    meters = {d.order: d.meters for d in distances}
    standing = {}
    for record in records:
        key = (record.kind, record.meters, record.country)
        standing[key] = min(record.time, standing.get(key, record.time))
    bests = dict(personal_bests)
    badges = defaultdict(list)
    for pair in _pairs_in_skating_order(results):
        length = meters[pair[0].distance]
        for kind in RECORD_KINDS:
            contenders = defaultdict(list)  # a pair's skaters may hold different national records
            for result in pair:
                key = (kind, length, countries.get(result.skater) if kind == "NR" else None)
                if key in standing:
                    contenders[key].append(result)
            for key, group in contenders.items():
                old = standing[key]
                record = min(old, min(r.time for r in group))
                for result in group:
                    if result.time == record:
                        badges[result.skater, result.distance].append(kind if record < old else f"={kind}")
                standing[key] = record
        for result in pair:
            best = bests.get((result.skater, length))
            if best is not None and result.time < best:
                badges[result.skater, result.distance].append("PB")
                bests[result.skater, length] = result.time
    return RecordBook(badges={key: tuple(labels) for key, labels in badges.items()}, records=standing)


def _pairs_in_skating_order(results):
    """Counting results grouped by pair, in skating order; one without a pair races alone, last."""
    pairs = defaultdict(list)
    for index, result in enumerate(results):
        if result.counts:
            without_pair = result.pair is None
            pairs[result.distance, without_pair, index if without_pair else result.pair].append(result)
    return [pairs[key] for key in sorted(pairs)]


def time_to_beat(chaser_total: Decimal, target_total: Decimal, meters: int) -> Decimal | None:
    """The slowest time on `meters` that takes the chaser's total below the target's, or None.

    `target_total` includes the distance when the target has already skated it. Equal totals tie
    and do not pass.
    """
    return _slowest_time(target_total - chaser_total, meters, operator.lt)


def time_to_tie(chaser_total: Decimal, target_total: Decimal, meters: int) -> Decimal | None:
    """The slowest time on `meters` that brings the chaser level with the target or better, or None."""
    return _slowest_time(target_total - chaser_total, meters, operator.le)


def _slowest_time(margin, meters, within):
    """The slowest hundredths whose points are `within` the margin.

    Truncated points do not invert exactly, so start at the estimate and step to the exact answer:
    a few hundredths at most.
    """
    if margin <= 0:
        return None
    time = seconds_on(margin, meters)
    while time > 0 and not within(points(time, meters), margin):
        time -= HUNDREDTH
    while within(points(time + HUNDREDTH, meters), margin):
        time += HUNDREDTH
    return time if time > 0 else None


def qualify_for_final(
    classification: Sequence[Hashable],
    longest: Sequence[Hashable],
    places: int = 8,
    withdrawn: Collection[Hashable] = (),
    classification_ranks: Mapping[Hashable, int] | None = None,
    longest_ranks: Mapping[Hashable, int] | None = None,
    starting: Collection[Hashable] = (),
) -> list[Hashable]:
    """The skaters who skate the final distance, in classification order.

    `classification` is the classification before the final distance, `longest` the result list of
    the longest distance so far; ranks default to positions in them (pass them when shared). Only
    classified skaters can qualify. Those in the top `places` of both lists qualify; the remaining
    places go by each skater's better rank on either list, on equal better rank the better
    classification rank first (then the better rank on the longest distance, then classification
    order). A withdrawn skater is passed over, so the next eligible one takes her place (the
    reserve). `starting`: the drawn start list of the final distance, whose skaters skate whatever
    the lists say; only the places they leave open go by the lists.
    """
    if classification_ranks is None:
        classification_ranks = {s: rank for rank, s in enumerate(classification, start=1)}
    if longest_ranks is None:
        longest_ranks = {s: rank for rank, s in enumerate(longest, start=1)}
    eligible = [s for s in classification if s not in withdrawn]

    def ranks(skater):
        """(better rank, classification rank, longest rank): the order of the remaining places."""
        in_classification = classification_ranks[skater]
        on_longest = longest_ranks.get(skater, in_classification)
        return min(in_classification, on_longest), in_classification, on_longest

    chosen = {s for s in eligible if s in starting}
    chosen |= {s for s in eligible if s in longest_ranks and max(ranks(s)) <= places}
    rest = sorted((s for s in eligible if s not in chosen), key=ranks)
    chosen |= set(rest[: max(places - len(chosen), 0)])
    return [s for s in classification if s in chosen]


OTHER_LANE = {"inner": "outer", "outer": "inner"}


def propose_pairs(
    classification_order: Sequence[Hashable],
    previous_lanes: Mapping[Hashable, str] | None = None,
) -> list[tuple[int, Hashable | None, Hashable | None]]:
    """A proposed start list drawn on the classification: (pair, inner, outer), pair 1 first.

    Leaders skate last: the pairs are formed from the top of the classification and numbered
    from the back; with an odd number the last classified skates alone in pair 1. The ISU draw
    is not known here (docs/rules.md), so this only proposes what an official enters or corrects.

    `previous_lanes` (skater -> "inner" or "outer" on the same metres earlier) makes each skater
    start in the other lane: the best skater still to pair skates with the next best who started
    in the other lane (or whose lane is unknown), else with the next best. Lanes then stay the
    same only when the field started unevenly; in such a pair the better classified skater
    changes lanes and her pair-mate keeps hers. A skater without a known lane takes the lane her
    pair-mate leaves; when neither lane is known the better classified skater takes the outer
    lane (a default).
    """
    lanes = dict(previous_lanes or {})
    if unknown := set(lanes.values()) - set(OTHER_LANE):
        raise ValueError(f"unknown lanes {sorted(unknown)}: use inner or outer")
    waiting = list(classification_order)
    alone = [waiting.pop()] if len(waiting) % 2 else []
    drawn = []  # best pair first
    while waiting:
        better = waiting.pop(0)
        mate = next((s for s in waiting if _can_swap(lanes.get(better), lanes.get(s))), waiting[0])
        waiting.remove(mate)
        drawn.append(_in_lanes(better, mate, lanes))
    if alone:
        drawn.append(_in_lanes(alone[0], None, lanes))
    return [(number, inner, outer) for number, (inner, outer) in enumerate(reversed(drawn), start=1)]


def _can_swap(lane, mate_lane):
    """Whether two skaters can both change lanes: not when they started in the same one."""
    return lane is None or lane != mate_lane


def _in_lanes(better, mate, lanes):
    """(inner, outer) of a pair, as `propose_pairs` describes."""
    if better in lanes:
        lane = OTHER_LANE[lanes[better]]
    elif mate in lanes:
        lane = lanes[mate]
    else:
        lane = "outer"
    return (better, mate) if lane == "inner" else (mate, better)


# --- For commentators: margins between two skaters and the places still open --------------------

# Points are truncated per time, so what a margin in seconds is worth in points depends on the
# times themselves, repeating every few hundredths (3 at most: 1500 m and 3000 m). These times
# cover every case.
_SAMPLE_TIMES = [Decimal(6000 + h) * HUNDREDTH for h in range(6)]


def _points_lost(margin, meters):
    """(least, most) points a skater loses to one `margin` seconds faster on `meters`."""
    lost = [points(t, meters) - points(t - margin, meters) for t in _SAMPLE_TIMES]
    return min(lost), max(lost)


def margin_to_pass(gap: Decimal, meters: int) -> Decimal | None:
    """How much faster than the skater ahead (by `gap` points, > 0) a chaser must be on `meters`
    to pass her whatever their times: the least such hundredths. Equal points tie."""
    if gap <= 0:
        return None
    margin = seconds_on(gap, meters)
    while _points_lost(margin - HUNDREDTH, meters)[0] > gap:
        margin -= HUNDREDTH
    while _points_lost(margin, meters)[0] <= gap:
        margin += HUNDREDTH
    return margin


def margin_to_keep(gap: Decimal, meters: int) -> Decimal | None:
    """How much a skater ahead by `gap` points (> 0) can lose on `meters` to the one behind and stay
    ahead whatever their times: the most such hundredths (0.00 when a hundredth may already tie)."""
    if gap <= 0:
        return None
    margin = seconds_on(gap, meters)
    while margin >= 0 and _points_lost(margin, meters)[1] >= gap:
        margin -= HUNDREDTH
    while _points_lost(margin + HUNDREDTH, meters)[1] < gap:
        margin += HUNDREDTH
    return margin if margin >= 0 else None


def place_among(total: Decimal, others: Iterable[Decimal]) -> int:
    """The place a total takes among other skaters' totals: equal totals share it."""
    return 1 + sum(1 for other in others if other < total)


@dataclass(frozen=True)
class Prospect:
    """A skater still in the classification, for the places still open: her points so far and
    the metres of the distances she has still to skate."""

    skater: Hashable
    points: Decimal
    to_skate: tuple[int, ...]


def place_range(
    prospects: Sequence[Prospect], plausible: Mapping[int, tuple[Decimal, Decimal]]
) -> dict[Hashable, tuple[int, int]]:
    """Each skater's (best, worst) final place when every time still to skate is plausible
    (`plausible`: metres -> (fastest, slowest) time): her best is all her times the fastest and
    everyone else's the slowest, her worst the other way round. Equal totals share a place."""

    def total(prospect, end):
        return prospect.points + sum(points(plausible[m][end], m) for m in prospect.to_skate)

    fastest = {p.skater: total(p, 0) for p in prospects}
    slowest = {p.skater: total(p, 1) for p in prospects}
    return {
        p.skater: (
            place_among(fastest[p.skater], (slowest[o.skater] for o in prospects if o is not p)),
            place_among(slowest[p.skater], (fastest[o.skater] for o in prospects if o is not p)),
        )
        for p in prospects
    }

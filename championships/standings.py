"""A championship's state read from the database in a fixed number of queries, scored by `scoring`.

Pages, `standings.json` and the live push all read from a `Standings`; none computes on its own.
"""

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from . import scoring
from .display import points_text, seconds_text, time_text
from .models import Distance, PersonalBest, Record, Result, Skater, Start


@dataclass(frozen=True)
class Cell:
    """A skater's result on one distance, with what the page shows beside it."""

    distance: Distance
    time: Decimal | None
    status: str | None
    points: Decimal | None
    rank: int | None
    badges: tuple[str, ...]


@dataclass(frozen=True)
class Row:
    """A classification row with its skater and cells."""

    skater: Skater
    rank: int | None
    classified: bool
    status: str | None
    points: Decimal | None
    behind_leader: Decimal | None
    behind_leader_seconds: Decimal | None
    behind_previous: Decimal | None
    change: int | None
    cells: tuple[Cell, ...]
    qualification: str | None = None  # "Q" / "NQ" for the last distance, where there is a cut
    # For a skater still to skate the distance under way: the slowest times that take the lead
    # and a podium place from those who have skated it.
    to_lead: Decimal | None = None
    to_podium: Decimal | None = None

    @property
    def still_to_skate(self):
        return not self.classified and self.status is None


@dataclass(frozen=True)
class Placing:
    """One line of a distance's results."""

    skater: Skater
    time: Decimal | None
    status: str | None
    points: Decimal | None
    rank: int | None
    behind_winner: Decimal | None
    badges: tuple[str, ...]
    splits: list


@dataclass(frozen=True)
class Pair:
    """One pair of a distance's start list, with both skaters' results when they have them."""

    number: int
    inner: Skater | None
    outer: Skater | None
    inner_result: Placing | None
    outer_result: Placing | None

    @property
    def complete(self):
        """Every skater of the pair has a time or a status."""
        return all(
            result is not None
            for skater, result in ((self.inner, self.inner_result), (self.outer, self.outer_result))
            if skater is not None
        )

    @property
    def direct_race(self):
        """(winner, margin) when both skaters have a counting time."""
        a, b = self.inner_result, self.outer_result
        if not (a and b and a.points is not None and b.points is not None):
            return None
        if a.time == b.time:
            return None, Decimal("0.00")
        winner, loser = (a, b) if a.time < b.time else (b, a)
        return winner.skater, loser.time - winner.time


@dataclass(frozen=True)
class DistanceSheet:
    """What a distance page shows: the start list pair by pair and the ranked results."""

    distance: Distance
    pairs: list[Pair]
    placings: list[Placing]

    @cached_property
    def current_pair(self):
        """The first pair not yet skated: the one on the ice or next up."""
        return next((pair for pair in self.pairs if not pair.complete), None)


class Standings:
    """Everything the pages show of one championship, after `after` (default: the latest distance)."""

    def __init__(self, championship, after=None):
        self.championship = championship
        self.requested_after = after

    @cached_property
    def distances(self):
        return list(Distance.objects.filter(championship=self.championship).order_by("order"))

    @cached_property
    def skaters(self):
        return {s.pk: s for s in Skater.objects.filter(championship=self.championship).order_by("pk")}

    @cached_property
    def _results(self):
        return list(Result.objects.for_championship(self.championship).order_by("pk"))

    @cached_property
    def _starts(self):
        return list(Start.objects.filter(distance__championship=self.championship))

    @cached_property
    def _order_of(self):
        return {d.pk: d.order for d in self.distances}

    @cached_property
    def _pair_of(self):
        return {(s.distance_id, s.skater_id): s.pair for s in self._starts}

    @cached_property
    def scoring_distances(self):
        return [scoring.Distance(order=d.order, meters=d.meters) for d in self.distances]

    @cached_property
    def scoring_results(self):
        return [
            scoring.Result(
                skater=r.skater_id,
                distance=self._order_of[r.distance_id],
                time=r.time,
                status=r.status or None,
                pair=self._pair_of.get((r.distance_id, r.skater_id)),
            )
            for r in self._results
        ]

    @cached_property
    def records(self):
        track_records = {}
        for record in Record.objects.filter(championship=self.championship, kind=Record.Kind.TR):
            track_records[record.meters] = min(record.time, track_records.get(record.meters, record.time))
        personal_bests = PersonalBest.objects.for_championship(self.championship).by_skater_and_meters()
        return scoring.record_badges(
            self.scoring_distances, self.scoring_results, track_records, personal_bests
        )

    @cached_property
    def classification(self):
        return scoring.classify(
            self.scoring_distances,
            list(self.skaters),
            self.scoring_results,
            after=self.requested_after,
            final_places=self.championship.final_places,
        )

    def distance(self, order):
        return self.distances[order - 1]

    def ranks_after(self, order):
        """Each classified skater's place after distance `order`."""
        classification = scoring.classify(
            self.scoring_distances,
            list(self.skaters),
            self.scoring_results,
            after=order,
            final_places=self.championship.final_places,
        )
        return {row.skater: row.rank for row in classification.rows if row.rank is not None}

    @cached_property
    def rows(self):
        # Targets are those who skated the distance: not the NQ rows ranked on fewer distances.
        classified = [row for row in self.classification.rows if row.classified and not row.status]
        targets = {"to_lead": classified[:1], "to_podium": classified[2:3]}
        return [self._row(row, targets) for row in self.classification.rows]

    def _chase(self, row, targets):
        """Times to beat for a skater who has skated every distance but the one under way."""
        if row.classified or row.status or not row.cells:
            return {}
        earlier = [cell.points for cell in row.cells[:-1]]
        if None in earlier or row.cells[-1].time is not None:
            return {}
        meters = self.distance(self.after).meters
        return {
            name: scoring.time_to_beat(sum(earlier, Decimal("0.000")), target[0].points, meters)
            for name, target in targets.items()
            if target
        }

    def _row(self, row, targets):
        cells = tuple(
            Cell(
                distance=self.distance(cell.distance),
                time=cell.time,
                status=cell.status,
                points=cell.points,
                rank=cell.rank,
                badges=self.records.badges.get((row.skater, cell.distance), ()),
            )
            for cell in row.cells
        )
        return Row(
            skater=self.skaters[row.skater],
            rank=row.rank,
            classified=row.classified,
            status=row.status,
            points=row.points,
            behind_leader=row.behind_leader,
            behind_leader_seconds=row.behind_leader_seconds,
            behind_previous=row.behind_previous,
            change=row.change,
            cells=cells,
            qualification=row.qualification,
            **self._chase(row, targets),
        )

    @property
    def in_progress(self):
        """Some skaters have skated the latest distance and others have not yet."""
        return any(row.still_to_skate for row in self.rows)

    @property
    def after(self):
        return self.classification.after

    @property
    def after_distance(self):
        return self.distance(self.after) if self.after else None

    @property
    def next_distance(self):
        next_distance = self.classification.next_distance
        return self.distance(next_distance.order) if next_distance else None

    @property
    def skated_distances(self):
        return self.distances[: self.after or 0]

    def placings(self, order):
        """A distance's results, ranked, with badges and splits."""
        distance = self.distance(order)
        by_skater = {r.skater_id: r for r in self._results if r.distance_id == distance.pk}
        return [
            Placing(
                skater=self.skaters[p.skater],
                time=p.time,
                status=p.status,
                points=p.points,
                rank=p.rank,
                behind_winner=p.behind_winner,
                badges=self.records.badges.get((p.skater, order), ()),
                splits=by_skater[p.skater].splits,
            )
            for p in scoring.rank_distance(
                [r for r in self.scoring_results if r.distance == order], distance.meters
            )
        ]

    def sheet(self, order):
        distance = self.distance(order)
        placings = self.placings(order)
        return DistanceSheet(distance=distance, pairs=self.pairs(distance, placings), placings=placings)

    def pairs(self, distance, placings):
        """A distance's start list, pair by pair, with results where skated."""
        placing_of = {p.skater.pk: p for p in placings}
        pairs = {}
        for start in self._starts:
            if start.distance_id == distance.pk:
                pairs.setdefault(start.pair, {})[start.lane] = start.skater_id
        result = []
        for number, lanes in sorted(pairs.items()):
            inner, outer = lanes.get(Start.Lane.INNER), lanes.get(Start.Lane.OUTER)
            result.append(
                Pair(
                    number=number,
                    inner=self.skaters.get(inner),
                    outer=self.skaters.get(outer),
                    inner_result=placing_of.get(inner),
                    outer_result=placing_of.get(outer),
                )
            )
        return result

    def as_json(self):
        """`standings.json` (CONTRACT.md)."""
        next_distance = self.next_distance
        return {
            "championship": {
                "slug": self.championship.slug,
                "name": self.championship.name,
                "kind": self.championship.kind,
                "distances": [{"order": d.order, "meters": d.meters} for d in self.distances],
            },
            "after_distance": self.after,
            "next_distance": (
                {"order": next_distance.order, "meters": next_distance.meters} if next_distance else None
            ),
            "revision": self.championship.revision,
            "rows": [
                {
                    "rank": row.rank,
                    "skater": {"id": row.skater.pk, "name": row.skater.name, "country": row.skater.country},
                    "classified": row.classified,
                    "status": row.status,
                    "points": points_text(row.points),
                    "behind_leader": points_text(row.behind_leader),
                    "behind_leader_seconds": seconds_text(row.behind_leader_seconds),
                    "behind_previous": points_text(row.behind_previous),
                    "change": row.change,
                    "distances": [
                        {
                            "order": cell.distance.order,
                            "time": time_text(cell.time),
                            "points": points_text(cell.points),
                            "rank": cell.rank,
                            "status": cell.status,
                            "badges": list(cell.badges),
                        }
                        for cell in row.cells
                    ],
                }
                for row in self.rows
            ],
        }

"""A championship's state read from the database in a fixed number of queries, scored by `scoring`.

Pages, the files of `exports.py` (JSON, CSV) and the live push all read from a `Standings`; none
computes on its own. Its rows, cells and placings are scoring's, with the model objects in place of
scoring's ids and what the pages add (badges, passing times, times to beat).
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cached_property
from typing import NamedTuple

from . import scoring
from .models import Correction, Distance, PersonalBest, Record, Result, Skater, Start
from .times import TimeFormatError, format_time, parse_time


class WhatIfError(ValueError):
    """A what-if that cannot be read, with the reason for whoever typed it."""


def what_if_result(text, standings):
    """A what-if as `standings.json?what_if=` writes it, "<skater id>:<order>:<time or status>"
    ("7:4:1:12.45", "7:4:DQ"), as the scoring result it stands for."""
    parts = text.split(":", 2)
    if len(parts) != 3 or not all(part.strip() for part in parts):
        raise WhatIfError(f"what_if={text!r}: write it as <skater id>:<distance order>:<time or status>")
    skater, order, outcome = (part.strip() for part in parts)
    if not (skater.isascii() and skater.isdigit()) or int(skater) not in standings.skaters:
        raise WhatIfError(f"what_if={text!r}: this championship has no skater {skater!r}")
    if not (order.isascii() and order.isdigit()) or not 1 <= int(order) <= len(standings.distances):
        raise WhatIfError(f"what_if={text!r}: this championship has no distance {order!r}")
    time, status = None, None
    try:
        if outcome[0].isalpha():
            status = scoring.normalise_status(outcome)
        else:
            time = parse_time(outcome)
    except (TimeFormatError, ValueError) as error:
        raise WhatIfError(f"what_if={text!r}: {error}") from None
    return scoring.Result(skater=int(skater), distance=int(order), time=time, status=status)


def what_if_text(result):
    """A what-if as `what_if_result` reads it: "7:4:1:12.45", "7:4:DQ"."""
    outcome = result.status or format_time(result.time)
    return f"{result.skater}:{result.distance}:{outcome}"


def what_if_results(texts, standings):
    """The what-ifs of a request (`what_if_result` each); one skater and distance at most once."""
    results = [what_if_result(text, standings) for text in texts]
    keys = [(r.skater, r.distance) for r in results]
    if len(set(keys)) != len(keys):
        raise WhatIfError("two what-ifs for the same skater and distance: give one")
    return tuple(results)


def _page_view(cls, scored, **changes):
    """`scored`, a scoring dataclass, as its page type `cls` (a subclass): the same values, with the
    model objects in place of scoring's ids and what the page adds (`changes`)."""
    return cls(**{**vars(scored), **changes})


class SavedResult(NamedTuple):
    """A saved `Result` as a `Standings` reads it: the fields the pages show."""

    distance_id: int
    skater_id: int
    time: Decimal | None
    status: str
    raw_time: Decimal | None
    splits: list
    corrected_at: object
    corrected_from_time: Decimal | None
    corrected_from_status: str

    # The model's own (it reads these fields only): one rule for what a correction is.
    correction = property(Result.correction.fget)


def _as_saved(result):
    """What a placing shows of its saved result (none for a what-if): passing times, correction."""
    if result is None:
        return {}
    return {"splits": result.splits, "correction": result.correction}


@dataclass(frozen=True)
class Cell(scoring.Cell):
    """scoring's cell with its `Distance` (not its order) and its record badges."""

    badges: tuple[str, ...] = ()


@dataclass(frozen=True)
class Row(scoring.Row):
    """scoring's classification row with its `Skater` (not its id) and page cells.

    For a skater still to skate the distance under way: the slowest times that take the lead and a
    podium place from those who have skated it.
    """

    to_lead: Decimal | None = None
    to_podium: Decimal | None = None

    @property
    def still_to_skate(self):
        return not self.classified and self.status is None


@dataclass(frozen=True)
class Placing(scoring.Placing):
    """scoring's line of a distance's results with its `Skater`, badges and passing times."""

    badges: tuple[str, ...] = ()
    splits: Sequence[str] = ()  # as stored: "17.85", in order
    correction: Correction | None = None  # the time or status shown before was changed


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
        return all(result is not None for skater, result in self.lanes if skater is not None)

    @property
    def lanes(self):
        """(skater, result) in the inner lane, then in the outer one."""
        return (self.inner, self.inner_result), (self.outer, self.outer_result)

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
    """Everything the pages show of one championship, after `after` (default: the latest distance).

    `what_if`: scoring results (`what_if_result`) that stand in for the saved ones of their skater
    and distance, or are added: the classification as it would be, nothing saved. The default
    `after` is then the latest distance a what-if names.
    """

    def __init__(self, championship, after=None, what_if=()):
        self.championship = championship
        self.requested_after = after
        self.what_if = tuple(what_if)

    # Read once per `Standings`, as plain rows where the pages need no model instances: a push
    # reads and scores the championship once after every save, before any browser has the frame.
    @cached_property
    def distances(self):
        return list(Distance.objects.filter(championship_id=self.championship.pk).order_by("order"))

    @cached_property
    def skaters(self):
        return {s.pk: s for s in Skater.objects.filter(championship_id=self.championship.pk).order_by("pk")}

    @cached_property
    def _results(self):
        saved = Result.objects.filter(distance__championship_id=self.championship.pk).order_by("pk")
        return list(map(SavedResult._make, saved.values_list(*SavedResult._fields)))

    @cached_property
    def _starts(self):
        return list(
            Start.objects.filter(distance__championship_id=self.championship.pk)
            .order_by()
            .values_list("distance_id", "skater_id", "pair", "lane", named=True)
        )

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
        if not self.what_if:
            return self.saved_results
        replaced = {(r.skater, r.distance) for r in self.what_if}
        distance_id = {d.order: d.pk for d in self.distances}
        kept = [r for r in self.saved_results if (r.skater, r.distance) not in replaced]
        return kept + [
            replace(r, pair=self._pair_of.get((distance_id[r.distance], r.skater))) for r in self.what_if
        ]

    @cached_property
    def saved_results(self):
        return [
            scoring.Result(
                skater=r.skater_id,
                distance=self._order_of[r.distance_id],
                time=r.time,
                status=r.status or None,
                pair=self._pair_of.get((r.distance_id, r.skater_id)),
                raw_time=r.raw_time,
            )
            for r in self._results
        ]

    @cached_property
    def personal_bests(self):
        """{(skater id, metres): time}: the skaters' personal bests before the championship."""
        return PersonalBest.objects.for_championship(self.championship).order_by().by_skater_and_meters()

    @cached_property
    def records(self):
        records = [
            scoring.Record(kind=kind, meters=meters, time=time, country=country or None)
            for kind, meters, time, country in Record.objects.filter(
                championship_id=self.championship.pk
            ).values_list("kind", "meters", "time", "country")
        ]
        countries = {skater.pk: skater.country for skater in self.skaters.values()}
        return scoring.record_badges(
            self.scoring_distances, self.scoring_results, records, self.personal_bests, countries
        )

    @cached_property
    def scoring_options(self):
        """What `scoring.classify` needs of the championship besides its results."""
        last = self.distances[-1].pk if self.distances else None
        start_list = {s.skater_id for s in self._starts if s.distance_id == last}
        return {
            "final_places": self.championship.final_places,
            "final_start_list": start_list or None,
            "by_thousandths": self.championship.rank_by_thousandths,
        }

    @cached_property
    def _classifications(self):
        return {}

    def classification_after(self, order):
        """scoring's classification after distance `order` (None: the latest with any result).

        Each is computed once per `Standings`: the page, its charts, the head-to-head and the draw
        all ask for the same ones.
        """
        known = self._classifications
        if order not in known:
            classification = scoring.classify(
                self.scoring_distances,
                list(self.skaters),
                self.scoring_results,
                after=order,
                **self.scoring_options,
            )
            known[order] = known[classification.after] = classification
        return known[order]

    def classification_inputs(self, order):
        """What scoring's classification after distance `order` is computed from, as plain
        values: equal for equal classifications, so that what is drawn from one can be kept.
        The distances and skaters, the scoring options and the results up to `order`: those of
        later distances count only where a final cut (`final_places`) chooses the finalists from
        every result and the last start list (`scoring.classify`).
        """
        options = self.scoring_options
        cut = options["final_places"] is not None
        return (
            tuple(self.scoring_distances),
            tuple(self.skaters),
            options["final_places"],
            options["by_thousandths"],
            frozenset(options["final_start_list"] or ()) if cut else None,
            tuple(r for r in self.scoring_results if cut or r.distance <= order),
        )

    @cached_property
    def classification(self):
        after = self.requested_after
        if after is None and self.what_if:
            after = max(r.distance for r in self.what_if)
        return self.classification_after(after)

    def distance(self, order):
        return self.distances[order - 1]

    def ranks_after(self, order):
        """Each classified skater's place after distance `order`."""
        return {row.skater: row.rank for row in self.classification_after(order).rows if row.rank is not None}

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
            _page_view(
                Cell,
                cell,
                distance=self.distance(cell.distance),
                badges=self.records.badges.get((row.skater, cell.distance), ()),
            )
            for cell in row.cells
        )
        return _page_view(Row, row, skater=self.skaters[row.skater], cells=cells, **self._chase(row, targets))

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

    @property
    def is_official(self):
        """The classification is official when every distance it is made of has official results."""
        skated = self.skated_distances
        return bool(skated) and all(d.official for d in skated)

    @property
    def current_distance(self):
        """The distance on the ice, else the next one, else the last one skated (None before any)."""
        if self.after and self.in_progress:
            return self.after_distance
        return self.next_distance or self.after_distance

    @cached_property
    def days(self):
        """The days of the championship's distances, in order, each once."""
        return sorted({d.date for d in self.distances if d.date})

    def placings(self, order):
        """A distance's results, ranked, with badges and splits (computed once per `Standings`:
        the distance page, the race panel and the head-to-head ask for the same ones)."""
        if order not in self._placings:
            self._placings[order] = self._ranked(order)
        return self._placings[order]

    @cached_property
    def _placings(self):
        return {}

    def _ranked(self, order):
        distance = self.distance(order)
        # A what-if has no passing times, and hides the saved ones it stands in for.
        imagined = {r.skater for r in self.what_if if r.distance == order}
        by_skater = {
            r.skater_id: r
            for r in self._results
            if r.distance_id == distance.pk and r.skater_id not in imagined
        }
        return [
            _page_view(
                Placing,
                p,
                skater=self.skaters[p.skater],
                badges=self.records.badges.get((p.skater, order), ()),
                **_as_saved(by_skater.get(p.skater)),
            )
            for p in scoring.rank_distance(
                [r for r in self.scoring_results if r.distance == order],
                distance.meters,
                self.championship.rank_by_thousandths,
            )
        ]

    def sheet(self, order):
        """A distance's page: its start list and results (once per `Standings`, as `placings`)."""
        if order not in self._sheets:
            distance, placings = self.distance(order), self.placings(order)
            self._sheets[order] = DistanceSheet(
                distance=distance, pairs=self.pairs(distance, placings), placings=placings
            )
        return self._sheets[order]

    @cached_property
    def _sheets(self):
        return {}

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

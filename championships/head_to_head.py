"""Two skaters side by side, for commentators: totals, gaps, direct races and the time to beat."""

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from . import scoring
from .models import Distance, Skater
from .standings import Standings
from .times import parse_time
from .timing.models import Race, hundredths


def passing_meters(meters):
    """Where a distance's passing times are taken: every lap of 400 m, the first after the part
    lap the start lies back (1000 m: 200, 600; 1500 m: 300, 700, 1100)."""
    return range(meters % 400 or 400, meters, 400)


@dataclass(frozen=True)
class DirectRace:
    distance: Distance
    winner: Skater | None  # None on a dead heat
    margin: Decimal


@dataclass(frozen=True)
class Passing:
    """Both skaters at one passing (a split or the finish): the gap, and what the lap changed."""

    label: str  # "1", "2", … or "finish"
    meters: int
    time_a: Decimal
    time_b: Decimal
    gap: Decimal  # time_b - time_a: positive when a is ahead
    lap_change: Decimal  # how much a gained on b since the previous passing (negative: lost)

    @property
    def lap_gain(self):
        """What the one who gained on this lap gained, whoever it was."""
        return abs(self.lap_change)


@dataclass(frozen=True)
class SplitDuel:
    distance: Distance
    passings: list[Passing]


@dataclass(frozen=True)
class Chase:
    """What `chaser` must skate on `distance` to get ahead of `target`.

    `time` when the target has skated it (the slowest time that still passes; equal points tie),
    else `faster_by`: how much faster than the target the chaser must be.
    """

    chaser: Skater
    target: Skater
    distance: Distance
    time: Decimal | None = None
    faster_by: Decimal | None = None


class HeadToHead:
    def __init__(self, standings: Standings, a: Skater, b: Skater):
        self.standings, self.a, self.b = standings, a, b

    @cached_property
    def rows(self):
        by_skater = {row.skater.pk: row for row in self.standings.rows}
        return by_skater[self.a.pk], by_skater[self.b.pk]

    @cached_property
    def common(self):
        """The last distance both have skated with counting times on every distance up to it."""
        cells_a, cells_b = (row.cells for row in self.rows)
        common = 0
        for cell_a, cell_b in zip(cells_a, cells_b):
            if cell_a.points is None or cell_b.points is None:
                break
            common = cell_a.distance.order
        return common

    @cached_property
    def totals(self):
        return tuple(sum((c.points for c in row.cells[: self.common]), Decimal("0.000")) for row in self.rows)

    @property
    def leader(self):
        total_a, total_b = self.totals
        if not self.common or total_a == total_b:
            return None
        return self.a if total_a < total_b else self.b

    @property
    def gap(self):
        total_a, total_b = self.totals
        return abs(total_a - total_b) if self.common else None

    @cached_property
    def next_distance(self):
        if self.common >= len(self.standings.distances):
            return None
        return self.standings.distance(self.common + 1)

    @property
    def gap_seconds(self):
        if self.gap is None or self.next_distance is None:
            return None
        return scoring.seconds_on(self.gap, self.next_distance.meters)

    @cached_property
    def chase(self):
        """The time to beat on the next distance, for the one who must beat it."""
        distance = self.next_distance
        if distance is None or not self.common:
            return None
        (row_a, row_b), (total_a, total_b) = self.rows, self.totals
        skated = {
            skater.pk: row.cells[distance.order - 1].points if len(row.cells) >= distance.order else None
            for skater, row in ((self.a, row_a), (self.b, row_b))
        }
        sides = [(self.a, total_a), (self.b, total_b)]
        for (chaser, chaser_total), (target, target_total) in (sides, sides[::-1]):
            target_points = skated[target.pk]
            if target_points is not None and skated[chaser.pk] is None:
                # The target has skated: the chaser needs a time, exactly, truncation included.
                time = scoring.time_to_beat(chaser_total, target_total + target_points, distance.meters)
                return Chase(chaser=chaser, target=target, distance=distance, time=time)
        if any(points is not None for points in skated.values()) or total_a == total_b:
            return None
        (chaser, _), (target, _) = sorted(sides, key=lambda side: side[1], reverse=True)
        return Chase(chaser=chaser, target=target, distance=distance, faster_by=self.gap_seconds)

    @cached_property
    def direct_races(self):
        races = []
        for distance in self.standings.distances[: self.standings.after or 0]:
            for pair in self.standings.sheet(distance.order).pairs:
                if {self.a, self.b} == {pair.inner, pair.outer} and pair.direct_race:
                    winner, margin = pair.direct_race
                    races.append(DirectRace(distance=distance, winner=winner, margin=margin))
        return races

    @cached_property
    def split_duels(self):
        """Distances where both have passing times, lap by lap: who gained where. A skater on
        the ice (no result yet) is compared by the timing feed's passings so far, so the duel
        grows passing by passing; a DNF's passings count up to where she stopped."""
        current = self.standings.current_distance
        last = max(self.standings.after or 0, current.order if current else 0)
        duels = []
        for distance in self.standings.distances[:last]:
            placing = {p.skater.pk: p for p in self.standings.placings(distance.order)}
            times_a = self._passing_times(distance, placing.get(self.a.pk), self.a)
            times_b = self._passing_times(distance, placing.get(self.b.pk), self.b)
            common = sorted(set(times_a) & set(times_b))
            if not any(meters < distance.meters for meters in common):
                continue  # no passing time in common: the finish alone is in the side-by-side table
            passings, previous = [], Decimal("0.00")
            for number, meters in enumerate(common, start=1):
                gap = times_b[meters] - times_a[meters]
                label = "finish" if meters == distance.meters else str(number)
                passings.append(Passing(label, meters, times_a[meters], times_b[meters], gap, gap - previous))
                previous = gap
            duels.append(SplitDuel(distance=distance, passings=passings))
        return duels

    @cached_property
    def _races(self):
        """The timing feed's races of both skaters, by (distance, skater)."""
        races = Race.objects.filter(
            skater__in=[self.a, self.b], distance__championship=self.standings.championship
        )
        return {(race.distance_id, race.skater_id): race for race in races}

    def _passing_times(self, distance, placing, skater):
        """metres -> passing time (the finish at the distance's metres): the result's splits, or
        without a result the live passings of the timing feed."""
        if placing is not None:
            times = dict(zip(passing_meters(distance.meters), (parse_time(t) for t in placing.splits if t)))
            if placing.time is not None and placing.status is None:
                times[distance.meters] = placing.time
            return times
        race = self._races.get((distance.pk, skater.pk))
        if race is None:
            return {}
        return {meters: hundredths(time) for meters, time in race.passing_times()}

    @cached_property
    def places(self):
        """(distance, place of a, place of b) after each distance skated."""
        places = []
        for distance in self.standings.distances[: self.standings.after or 0]:
            ranks = self.standings.ranks_after(distance.order)
            places.append((distance, ranks.get(self.a.pk), ranks.get(self.b.pk)))
        return places

    @property
    def sides(self):
        """Per distance: (distance, (cell of a, cell of b)), for the side-by-side table."""
        row_a, row_b = self.rows
        return list(zip(self.standings.distances, zip(row_a.cells, row_b.cells)))

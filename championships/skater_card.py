"""A skater's card: her results here, her personal bests per distance, her place after each
distance and whom she skated with (for the head-to-head)."""

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from .models import Distance, Skater


@dataclass(frozen=True)
class Outing:
    """One distance of hers: the result (a page cell, None before she skated it), the place in
    the classification after it, and her pair-mate."""

    distance: Distance
    cell: object
    place: int | None
    pair: int | None
    mate: Skater | None


@dataclass(frozen=True)
class Best:
    """Her personal best on some metres as known before, and her best time here."""

    meters: int
    before: Decimal | None
    here: Decimal | None

    @property
    def now(self):
        return min(t for t in (self.before, self.here) if t is not None)

    @property
    def improved(self):
        return self.here is not None and (self.before is None or self.here < self.before)


class SkaterCard:
    def __init__(self, standings, skater):
        self.standings, self.skater = standings, skater

    @cached_property
    def row(self):
        return next(row for row in self.standings.rows if row.skater.pk == self.skater.pk)

    @cached_property
    def outings(self):
        cells = {cell.distance.order: cell for cell in self.row.cells}
        outings = []
        for distance in self.standings.distances:
            pair, mate = self._pair(distance)
            skated = distance.order <= (self.standings.after or 0)
            place = self.standings.ranks_after(distance.order).get(self.skater.pk) if skated else None
            outings.append(Outing(distance, cells.get(distance.order), place, pair, mate))
        return outings

    def _pair(self, distance):
        for pair in self.standings.sheet(distance.order).pairs:
            if self.skater in (pair.inner, pair.outer):
                return pair.number, pair.outer if pair.inner == self.skater else pair.inner
        return None, None

    @cached_property
    def mates(self):
        """Everyone she skated or skates with, once each, in skating order."""
        seen = []
        for outing in self.outings:
            if outing.mate is not None and outing.mate not in seen:
                seen.append(outing.mate)
        return seen

    @cached_property
    def bests(self):
        known = {m: t for (s, m), t in self.standings.personal_bests.items() if s == self.skater.pk}
        here = {}
        for outing in self.outings:
            cell = outing.cell
            if cell is not None and cell.points is not None:
                meters = outing.distance.meters
                here[meters] = min(cell.time, here.get(meters, cell.time))
        return [Best(m, known.get(m), here.get(m)) for m in sorted(set(known) | set(here))]

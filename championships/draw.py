"""Start lists proposed where a rule says how (docs/officials.md, "Start lists"), and the random
draw of a first distance. A proposal is only shown: start_lists.save_start_list saves it once
the official confirms it."""

import random
import secrets
from dataclasses import dataclass

from . import scoring
from .models import Start
from .standings import Standings
from .start_lists import LANE_NAMES, ListedPair, withdrawn

MAX_SEED = 999_999_999  # typed by officials, kept in a PositiveIntegerField


class DrawError(Exception):
    pass


@dataclass(frozen=True)
class Proposal:
    """Proposed pairs, pair 1 first, how they were made (`how`, for the official), what the
    official should know of single pairs (`notes`) and the seed of a random draw."""

    pairs: list[ListedPair]
    how: str
    notes: tuple[str, ...] = ()
    seed: int | None = None
    places: dict | None = None  # skater id -> place in the classification drawn on
    lanes_before: dict | None = None  # skater id -> lane on the same metres before
    lanes_from: int | None = None  # the order of that distance


def new_seed():
    return secrets.randbelow(MAX_SEED) + 1


def random_draw(distance, seed):
    """The championship's skaters (without those who withdrew) in pairs drawn at random: sorted
    by name, shuffled by Python's random.Random(seed), then two by two from pair 1, the first of
    each two in the inner lane; with an odd number the last pair holds one skater. The same
    seed and skaters give the same pairs."""
    if not 0 <= seed <= MAX_SEED:
        raise DrawError(f"The seed must be a whole number from 0 to {MAX_SEED:,}.")
    out = withdrawn(distance)
    skaters = sorted(
        (s for s in distance.championship.skaters.all() if s.pk not in out), key=lambda s: (s.name, s.pk)
    )
    if not skaters:
        raise DrawError("This championship has no skaters to draw: enter its skaters first.")
    random.Random(seed).shuffle(skaters)
    pairs = [
        ListedPair(number, *[*skaters[i : i + 2], None][:2])
        for number, i in enumerate(range(0, len(skaters), 2), start=1)
    ]
    return Proposal(
        pairs=pairs,
        seed=seed,
        how=f"Drawn at random with seed {seed}: the same seed draws the same pairs again.",
    )


def propose_start_list(distance):
    """Pairs by the classification after the previous distance, leaders in the last pair
    (scoring.propose_pairs). On metres skated before (a sprint's second 500 m and 1000 m) each
    skater starts in the other lane than the last time; a skater is paired with the next best
    from the other lane where the two next to each other started in the same lane, and where
    even that cannot be (the field started unevenly) the better classified skater of the pair
    changes lanes and her pair-mate keeps hers (a note says so). The final distance of a
    championship with a cut (allround: 8) takes the qualified skaters, withdrawals replaced by
    the reserves; skaters with WDR on the distance are left out."""
    if distance.order == 1:
        raise DrawError(
            "The first distance has no classification to draw on: paste its start list or draw it at random."
        )
    standings = Standings(distance.championship)
    before = distance.order - 1
    # The qualification as proposed, not as a start list of this distance already drawn reads it.
    classification = scoring.classify(
        standings.scoring_distances,
        list(standings.skaters),
        standings.scoring_results,
        after=before,
        **{**standings.scoring_options, "final_start_list": None},
    )
    if not any(row.classified for row in classification.rows):
        raise DrawError(f"Distance {before} has no results yet: nothing to draw on.")
    skaters = standings.skaters
    if waiting := [
        skaters[row.skater].name for row in classification.rows if not row.classified and not row.status
    ]:
        raise DrawError(
            f"Distance {before} is not complete: no result yet for {', '.join(waiting)}. "
            "Enter them (or WDR, DNS) first: the classification after it decides the pairs."
        )
    out = withdrawn(distance)
    final = distance.order == len(standings.distances) and distance.championship.final_places
    if final:
        skating = [s for s in classification.qualified if s not in out]
        how = f"The {len(skating)} qualified skaters (reserves for those who withdrew) by the classification"
    else:
        skating = [row.skater for row in classification.rows if row.classified and not row.status]
        skating = [s for s in skating if s not in out]
        how = "Pairs by the classification"
    how += f" after distance {before}, leaders in the last pair"
    earlier = [d for d in standings.distances[:before] if d.meters == distance.meters]
    lanes_before = {}
    if earlier:
        lanes_before = dict(
            Start.objects.filter(distance=earlier[-1], skater__in=skating).values_list("skater_id", "lane")
        )
        how += f"; each skater in the other lane than on distance {earlier[-1].order} ({distance.meters} m)"
    proposed = scoring.propose_pairs(skating, lanes_before)
    pairs = [ListedPair(number, skaters.get(inner), skaters.get(outer)) for number, inner, outer in proposed]
    places = {row.skater: row.rank for row in classification.rows if row.rank is not None}
    return Proposal(
        pairs=pairs,
        how=how + ".",
        notes=tuple(_lanes_kept(pairs, lanes_before, earlier[-1] if earlier else None)),
        places=places,
        lanes_before=lanes_before,
        lanes_from=earlier[-1].order if earlier else None,
    )


def _lanes_kept(pairs, lanes_before, earlier):
    """A note for each skater who keeps her lane, as the rule could not be kept for both."""
    for pair in pairs:
        for lane, skater in pair.lanes:
            mate = pair.outer if lane == Start.Lane.INNER else pair.inner
            if skater is not None and lanes_before.get(skater.pk) == lane:
                changes = f"{mate.name} (better classified) changes lanes, " if mate else ""
                yield (
                    f"Pair {pair.number}: both skaters started in the {LANE_NAMES[lane]} lane on distance "
                    f"{earlier.order}; {changes}{skater.name} keeps the {LANE_NAMES[lane]} lane."
                )

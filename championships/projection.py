"""The pair on the ice while it skates (docs/timing.md, "The pair on the ice"): each passing's place
and gap among the skaters of the distance so far, and the projected finish with its place in the
classification. Plain values, as in `scoring`: nothing here touches the database.
"""

from collections.abc import Hashable, Iterable, Mapping, Sequence
from decimal import Decimal

from . import scoring

LAP = 400  # metres of a lap of the long track: passings are a lap apart, counted back from the finish


def split_meters(meters: int, count: int) -> list[int]:
    """The metres of a result's `count` passing times (its splits, in order): a lap apart, the last
    a lap before the finish (1000 m, two splits: 200 and 600 m; 1500 m, three: 300, 700, 1100 m)."""
    return [meters - LAP * (count - i) for i in range(count) if meters - LAP * (count - i) > 0]


def standing_at(times: Mapping[Hashable, Decimal], skater: Hashable) -> tuple[int, Decimal]:
    """(place, behind the fastest) of `skater` among `times`, every skater's time at one passing
    (hers included): equal times share a place."""
    own = times[skater]
    return 1 + sum(1 for time in times.values() if time < own), own - min(times.values())


def reference(
    passings: Mapping[Hashable, Mapping[int, Decimal]], finishes: Mapping[Hashable, Decimal], meters: int
) -> tuple[Decimal, Decimal] | None:
    """(time at `meters`, finish) of the fastest finisher who has a passing time at `meters`
    (equal finishes: the faster at the passing), or None."""
    known = [(finish, passings[s][meters]) for s, finish in finishes.items() if meters in passings.get(s, {})]
    if not known:
        return None
    finish, at = min(known)
    return at, finish


def projected_finish(time_at: Decimal, reference_at: Decimal, reference_finish: Decimal) -> Decimal:
    """The finish of a skater who passed in `time_at` if she skates the rest as the reference did:
    her time scaled by the reference's finish over its time at the same passing, in hundredths
    (truncated, as every time)."""
    return scoring.official_time(time_at * reference_finish / reference_at)


def projected_places(
    distances: Sequence[scoring.Distance],
    skaters: Sequence[Hashable],
    results: Iterable[scoring.Result],
    projected: Mapping[Hashable, Decimal],
    order: int,
    **options,
) -> dict[Hashable, int]:
    """Each skater's place in the classification after distance `order` if the skaters of
    `projected` finish it in those times (the others' results as they are); `options` as for
    `scoring.classify`. Skaters without a place (still to skate, NC) are left out."""
    kept = [r for r in results if not (r.distance == order and r.skater in projected)]
    added = [scoring.Result(skater=s, distance=order, time=time) for s, time in projected.items()]
    classification = scoring.classify(distances, skaters, kept + added, after=order, **options)
    return {row.skater: row.rank for row in classification.rows if row.rank is not None}

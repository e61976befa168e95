"""The kinds of championship an official can start from, and the distances each skates
(docs/rules.md, "Championships and their distances"): the one table the admin's new
championship and anything else that sets up a programme read.

A kind here is a programme; the championship stores the broader `Championship.Kind` (sprint,
allround, custom) the scoring and the championship file know.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction

from .models import Championship, Distance


@dataclass(frozen=True)
class Programme:
    label: str
    kind: str  # the Championship.Kind it is stored as
    days: tuple  # the distances skated each day, in order: ((500, 1000), (500, 1000))
    final_places: int | None = None  # the final-distance cut

    def distances(self):
        """[(order, metres, day number)], in skating order."""
        skated = [(meters, day) for day, distances in enumerate(self.days, start=1) for meters in distances]
        return [(order, meters, day) for order, (meters, day) in enumerate(skated, start=1)]

    def shown(self):
        """The label with the distances, as "Sprint (500, 1000 | 500, 1000)"."""
        if not self.days:
            return f"{self.label} (add the distances yourself)"
        return f"{self.label} ({' | '.join(', '.join(map(str, day)) for day in self.days)})"


PROGRAMMES = {
    "sprint": Programme("Sprint", Championship.Kind.SPRINT, ((500, 1000), (500, 1000))),
    "allround-women": Programme(
        "Allround, women", Championship.Kind.ALLROUND, ((500, 3000), (1500, 5000)), 8
    ),
    "allround-men": Programme("Allround, men", Championship.Kind.ALLROUND, ((500, 5000), (1500, 10000)), 8),
    "mini-women": Programme("Mini combination, women", Championship.Kind.CUSTOM, ((500, 1500), (1000, 3000))),
    "mini-men": Programme("Mini combination, men", Championship.Kind.CUSTOM, ((500, 1500), (1000, 5000))),
    "custom": Programme("Custom", Championship.Kind.CUSTOM, ()),
}
CHOICES = [(key, programme.shown()) for key, programme in PROGRAMMES.items()]


def set_up(championship, programme, first_day=None):
    """Give a new championship the programme's kind, cut and distances (dated from `first_day`,
    one day per day of the programme; undated without it). Saves one by one: it goes live."""
    championship.kind = programme.kind
    championship.final_places = programme.final_places
    with transaction.atomic():
        championship.save()
        return [
            Distance.objects.create(
                championship=championship,
                order=order,
                meters=meters,
                date=first_day + datetime.timedelta(days=day - 1) if first_day else None,
            )
            for order, meters, day in programme.distances()
        ]

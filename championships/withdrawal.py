"""A skater withdraws from a distance onward: WDR on that distance (through results.save_result,
the one path of results) and out of the start lists of the distances after it, except those
already official, which stay as they are (results.lock_distance refuses them)."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from . import results
from .display import result_text
from .models import Result, Start


@dataclass
class Withdrawal:
    result: Result
    left: list = field(default_factory=list)  # the later distances whose start list they left
    official: list = field(default_factory=list)  # the later distances left alone, being official

    def message(self):
        skater, distance = self.result.skater, self.result.distance
        said = [f"{skater.name} withdrawn from distance {distance.order} ({distance.meters} m) onward: WDR."]
        if self.left:
            said.append(f"Taken out of the start list of {_listed(self.left)}.")
        if self.official:
            one = len(self.official) == 1
            listed = _listed(self.official)
            said.append(
                f"{listed[0].upper()}{listed[1:]} {'is' if one else 'are'} official: "
                f"{'its start list was' if one else 'their start lists were'} not changed."
            )
        return " ".join(said)


def withdraw(skater, distance, *, user=None):
    """Withdraw the skater from `distance` onward; returns the Withdrawal. Raises ValidationError
    (nothing changed) when the distance is official or a result stands at or after it."""
    if skater.championship_id != distance.championship_id:
        raise ValidationError(f"{skater.name} does not skate in {distance.championship}.", code="other")
    with transaction.atomic():
        standing = (
            Result.objects.filter(skater=skater, distance__order__gte=distance.order)
            .exclude(distance=distance, status="WDR")
            .select_related("distance")
            .order_by("distance__order")
            .first()
        )
        if standing is not None:
            raise ValidationError(
                f"{skater.name} already has {result_text(standing.time, standing.status)} on distance "
                f"{standing.distance.order} ({standing.distance.meters} m): withdraw from the distance after "
                "it, or correct that result first.",
                code="result_stands",
            )
        result, _ = results.save_result(distance, skater, status="WDR", user=user)
        withdrawal = Withdrawal(result)
        later = distance.championship.distances.filter(order__gt=distance.order).order_by("order")
        for later_distance in later:
            if later_distance.official:
                withdrawal.official.append(later_distance)
                continue
            results.lock_distance(later_distance)
            start = Start.objects.filter(distance=later_distance, skater=skater).first()
            if start is not None:
                start.delete()  # one by one: it goes live (live/changes.py)
                withdrawal.left.append(later_distance)
        return withdrawal


def _listed(distances):
    names = [f"distance {d.order} ({d.meters} m)" for d in distances]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"

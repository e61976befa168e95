"""A proposed start list for a distance, drawn on the classification before it (docs/rules.md)."""

from django.db import transaction

from . import scoring
from .models import Start
from .standings import Standings


class DrawError(Exception):
    pass


def propose_start_list(distance):
    """Create the distance's pairs from the classification: leaders last, lanes swapped on the
    second 500/1000 of a sprint. Only a proposal: the official edits it like any start list."""
    if distance.starts.exists():
        raise DrawError(f"{distance} already has a start list: edit it, or delete it to draw again.")
    if distance.order == 1:
        raise DrawError("The first distance has no classification to draw on: enter its start list.")
    standings = Standings(distance.championship, after=distance.order - 1)
    classification = standings.classification
    if classification.after != distance.order - 1:
        raise DrawError(f"Distance {distance.order - 1} has no results yet: nothing to draw on.")
    skating = [
        row.skater
        for row in classification.rows
        if row.classified and not row.status and row.qualification != "NQ"
    ]
    earlier = [d for d in standings.distances[: distance.order - 1] if d.meters == distance.meters]
    previous_lanes = {}
    if earlier:
        previous_lanes = dict(
            Start.objects.filter(distance=earlier[-1], skater__in=skating).values_list("skater_id", "lane")
        )
    pairs = scoring.propose_pairs(skating, previous_lanes)
    with transaction.atomic():  # one by one, so that the start list goes live (live/changes.py)
        return [
            Start.objects.create(distance=distance, pair=number, lane=lane, skater_id=skater)
            for number, inner, outer in pairs
            for lane, skater in ((Start.Lane.INNER, inner), (Start.Lane.OUTER, outer))
            if skater is not None
        ]

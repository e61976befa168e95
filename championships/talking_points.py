"""Talking points for commentators: one short sentence each, about the skaters on the ice and in
the next pairs of the distance under way (or the next one), and about who can still win.

The numbers are scoring's (`time_to_beat`, `margin_to_pass`, `margin_to_keep`, `place_range`);
this module only picks the rivals and words the sentences, in the page's language.
"""

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _

from . import display, scoring
from .times import parse_time


def plausible_times():
    """metres -> (fastest, slowest) plausible time, as Decimals (settings.PLAUSIBLE_TIMES, the same
    ranges that make the pair entry ask for confirmation)."""
    return {int(m): tuple(parse_time(str(t)) for t in times) for m, times in settings.PLAUSIBLE_TIMES.items()}


def _name(skater):
    return display.isolated(skater.name)


def _time(value):
    return display.time_text(value, formats.get_format("DECIMAL_SEPARATOR"))


def _seconds(value):
    return formats.number_format(value, 2)


def _points(value):
    return formats.number_format(value, 3)


@dataclass(frozen=True)
class SkaterPoints:
    """The talking points about one skater about to skate."""

    skater: object
    pair: int
    on_ice: bool
    sentences: tuple[str, ...]


class TalkingPoints:
    """What the commentators can say before the pairs on the ice and the next `pairs_ahead`."""

    def __init__(self, standings, pairs_ahead=2):
        self.standings, self.pairs_ahead = standings, pairs_ahead

    @cached_property
    def distance(self):
        return self.standings.current_distance

    @cached_property
    def _before(self):
        """skater id -> points before the distance, classified skaters best first."""
        order = self.distance.order
        if order == 1:
            return {pk: Decimal("0.000") for pk in self.standings.skaters}
        rows = self.standings.classification_after(order - 1).rows
        return {row.skater: row.points for row in rows if row.classified and not row.status}

    @cached_property
    def _sheet(self):
        return self.standings.sheet(self.distance.order)

    @cached_property
    def _on_distance(self):
        """skater id -> points on the distance, for those who have a counting time on it."""
        return {p.skater.pk: p.points for p in self._sheet.placings if p.points is not None}

    @cached_property
    def _with_status(self):
        return {p.skater.pk for p in self._sheet.placings if p.points is None}

    @cached_property
    def _ranges(self):
        return plausible_times()

    @cached_property
    def places(self):
        """skater id -> (best, worst) final place with plausible times from here on."""
        later = [d.meters for d in self.standings.distances if d.order > self.distance.order]
        prospects = []
        for pk, points in self._before.items():
            if pk in self._with_status:
                continue
            if pk in self._on_distance:
                prospects.append(scoring.Prospect(pk, points + self._on_distance[pk], tuple(later)))
            else:
                prospects.append(scoring.Prospect(pk, points, (self.distance.meters, *later)))
        return scoring.place_range(prospects, self._ranges)

    @cached_property
    def championship(self):
        """Sentences about the whole field: who can still win, who is sure of a place."""
        if self.distance is None or not self.places:
            return ()
        skaters = self.standings.skaters
        winners = [skaters[pk] for pk, (best, _worst) in self.places.items() if best == 1]
        sentences = [
            _("Can still win with plausible times: %(names)s.")
            % {"names": ", ".join(_name(s) for s in winners)}
        ]
        field = len(self.places)
        certain = [(pk, worst) for pk, (_best, worst) in self.places.items() if worst < field]
        sentences += [
            _("%(skater)s is certain of place %(place)s or better.")
            % {"skater": _name(skaters[pk]), "place": worst}
            for pk, worst in certain
        ]
        if not certain:
            sentences.append(_("Nobody is certain of her place yet, whatever the rest skate."))
        return tuple(sentences)

    @cached_property
    def skaters(self):
        """The talking points per skater of the pair on the ice and the next pairs, in skating order."""
        if self.distance is None:
            return []
        pairs = self._sheet.pairs
        current = self._sheet.current_pair
        if current is None:
            return []
        start = pairs.index(current)
        about = []
        for pair in pairs[start : start + 1 + self.pairs_ahead]:
            for skater, result in pair.lanes:
                if skater is not None and result is None and skater.pk in self._before:
                    about.append(
                        SkaterPoints(skater, pair.number, pair is current, tuple(self._about(skater)))
                    )
        return about

    def _about(self, skater):
        ranked = list(self._before)  # best first
        own = self._before[skater.pk]
        rivals = [pk for pk in ranked if pk != skater.pk and pk not in self._with_status]
        ahead = [pk for pk in rivals if self._before[pk] < own]
        behind = [pk for pk in rivals if self._before[pk] > own]  # level on points: neither
        if ahead:
            yield self._chase(skater, ahead[0], "lead")
        if len(ahead) >= 3:
            yield self._chase(skater, ahead[2], "podium")
        if behind:
            yield self._keep(skater, behind[0])
        yield from self._would_give(skater)
        best = self.places.get(skater.pk, (None, None))[0]
        if best is not None and best > 1:
            fastest = self._ranges[self.distance.meters][0]
            yield _("%(skater)s can no longer win, not even with %(time)s.") % {
                "skater": _name(skater),
                "time": _time(fastest),
            }

    def _chase(self, skater, target_pk, aim):
        target = self.standings.skaters[target_pk]
        meters, own, theirs = self.distance.meters, self._before[skater.pk], self._before[target_pk]
        values = {"skater": _name(skater), "target": _name(target)}
        if target_pk in self._on_distance:
            total = theirs + self._on_distance[target_pk]
            beat, tie = scoring.time_to_beat(own, total, meters), scoring.time_to_tie(own, total, meters)
            if beat is None:
                return _("%(skater)s can no longer pass %(target)s on this distance.") % values
            values |= {"time": _time(beat), "tie": _time(tie)}
            if aim == "lead":
                if tie != beat:
                    return (
                        _("%(skater)s needs %(time)s to pass %(target)s for the lead (%(tie)s ties).")
                        % values
                    )
                return _("%(skater)s needs %(time)s to pass %(target)s for the lead.") % values
            return _("%(skater)s needs %(time)s to pass %(target)s for the podium.") % values
        values["margin"] = _seconds(scoring.margin_to_pass(own - theirs, meters))
        if aim == "lead":
            return _("%(skater)s must be %(margin)s s faster than %(target)s to take the lead.") % values
        return _("%(skater)s must be %(margin)s s faster than %(target)s to reach the podium.") % values

    def _keep(self, skater, target_pk):
        target = self.standings.skaters[target_pk]
        meters, own, theirs = self.distance.meters, self._before[skater.pk], self._before[target_pk]
        values = {"skater": _name(skater), "target": _name(target)}
        if target_pk in self._on_distance:
            beat = scoring.time_to_beat(own, theirs + self._on_distance[target_pk], meters)
            if beat is None:
                return _("%(skater)s has already dropped behind %(target)s.") % values
            return _("%(skater)s stays ahead of %(target)s with %(time)s or faster.") % {
                **values,
                "time": _time(beat),
            }
        margin = scoring.margin_to_keep(theirs - own, meters)
        if margin is None or margin == 0:
            return _("%(skater)s must not lose to %(target)s to stay ahead of her.") % values
        return _("%(skater)s can lose %(margin)s s to %(target)s and stay ahead of her.") % {
            **values,
            "margin": _seconds(margin),
        }

    def _would_give(self, skater):
        meters = self.distance.meters
        pb = self.standings.personal_bests.get((skater.pk, meters))
        if pb:
            yield self._give(_("Her personal best, %(time)s, gives %(points)s points"), skater, pb)
        record = self.standings.records.records.get(("TR", meters, None))
        if record is not None:
            yield self._give(
                _("The track record, %(time)s, would give her %(points)s points"), skater, record
            )

    def _give(self, start, skater, time):
        total = self._before[skater.pk] + scoring.points(time, self.distance.meters)
        values = {"time": _time(time), "points": _points(total)}
        skated = [self._before[pk] + p for pk, p in self._on_distance.items() if pk in self._before]
        if not skated:
            return start % values + "."
        place = scoring.place_among(total, skated)
        return start % values + _(": place %(place)s so far.") % {"place": place}

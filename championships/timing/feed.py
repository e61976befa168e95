"""Applying a batch of timing events (docs/timing.md): checked and applied in order, whole or not at all.

A finish, a status or a clear writes the skater's result through `results`, the one path every
result takes (validation, records, history, live push); passings are kept per race and become
the result's splits. What an official entered or corrected by hand is never overwritten.
"""

import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from .. import history, results
from ..models import Championship, Result, Start
from ..times import SLOWEST
from .models import Race, TimingEvent, hundredths

TYPES = ("start", "passing", "finish", "status", "clear")
# Lowest first: a finish (or passing) replaces the race's earlier one from an equal or higher source.
SOURCES = ("manual", "transponder", "optical", "photofinish")
LANES = tuple(Start.Lane.values)
STATUSES = tuple(Result.Status.values)
TIME = re.compile(r"[0-9]{1,5}(?:\.[0-9]{1,4})?")
MAX_ID_LENGTH = 100
ATTEMPTS = 3  # a batch that met a concurrent save is tried again from the start, then refused

logger = logging.getLogger(__name__)


class EventError(Exception):
    """What is wrong with the event at `index` of the batch (None: with the batch itself)."""

    def __init__(self, index, field, message):
        super().__init__(message)
        self.index, self.field, self.message = index, field, message

    def as_dict(self):
        return {"index": self.index, "field": self.field, "message": self.message}


class BatchRefused(Exception):
    """Events that cannot be applied: nothing of the batch was."""

    def __init__(self, errors):
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors


class Conflict(Exception):
    """The results kept changing under the batch: nothing was applied; sending it again is safe."""


@dataclass
class Event:
    index: int
    id: object  # as sent: answered back in `kept`
    type: str
    distance: object
    pair: int
    payload: dict
    start: Start | None = None  # the lane's start; None for a `start` (the whole pair)
    meters: int | None = None
    time: Decimal | None = None  # as received, up to 4 decimals
    source: str = "transponder"
    status: str = ""


@dataclass
class Outcome:
    accepted: int = 0
    duplicates: int = 0
    kept: list = field(default_factory=list)
    revision: int = 0

    def as_dict(self):
        return {
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "kept": self.kept,
            "revision": self.revision,
        }


def apply_batch(token, events):
    """Apply `events` (the body's list) for `token`; returns an Outcome. Raises BatchRefused
    (nothing applied) or Conflict."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with transaction.atomic():
                return _apply(token, events)
        except (results.StaleResult, IntegrityError, OperationalError) as error:
            # A concurrent save of the same result or event id, a deadlock or a busy database.
            logger.warning(
                "timing batch of %s met a concurrent change (attempt %s): %s", token, attempt, error
            )
    raise Conflict("The results changed while the batch was applied: send it again (retries are safe).")


def _apply(token, raw_events):
    championship = token.championship
    distances = {d.order: d for d in championship.distances.all()}
    starts = {
        (s.distance_id, s.pair, s.lane): s
        for s in Start.objects.filter(distance__championship=championship).select_related("skater")
    }
    ids = [_event_id(e) for e in raw_events]
    seen = _already_taken(token, [i for i in ids if i is not None])
    outcome, events, errors = Outcome(), [], []
    for index, (event_id, raw) in enumerate(zip(ids, raw_events)):
        try:
            if not isinstance(raw, dict):
                raise EventError(index, "event", "An event must be a JSON object.")
            if event_id is None:
                raise EventError(
                    index,
                    "id",
                    f"Every event needs an `id`: a string or a whole number, {MAX_ID_LENGTH} characters at most.",
                )
            if event_id in seen:
                outcome.duplicates += 1
                continue
            seen.add(event_id)
            events.append((event_id, _parse(index, raw, distances, starts)))
        except EventError as error:
            errors.append(error)
    if errors:
        raise BatchRefused(errors)
    races = Races()
    for event_id, event in events:
        # The history names the device and, for a time, the system that measured it.
        how = event.source if event.type in ("passing", "finish") else event.type
        with history.door(f"timing feed: {token.name}, {how}"):
            race, done = _APPLY[event.type](event, races)
        if done == TimingEvent.Outcome.KEPT:
            outcome.kept.append(event.id)
        TimingEvent.objects.create(
            token=token, event_id=event_id, race=race, payload=event.payload, outcome=done
        )
        outcome.accepted += 1
    outcome.revision = Championship.objects.values_list("revision", flat=True).get(pk=championship.pk)
    return outcome


def _event_id(raw):
    """The event's id as stored (a string), or None when it has none that can be used."""
    if not isinstance(raw, dict):
        return None
    value = raw.get("id")
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value)
    return text if 0 < len(text) <= MAX_ID_LENGTH else None


def _already_taken(token, ids):
    taken = set()
    for i in range(0, len(ids), 5000):  # within every database's limit of query parameters
        chunk = ids[i : i + 5000]
        taken.update(
            TimingEvent.objects.filter(token=token, event_id__in=chunk).values_list("event_id", flat=True)
        )
    return taken


def _whole(index, raw, name, required=True):
    value = raw.get(name)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise EventError(index, name, f"`{name}` must be a whole number.")
    return value


def _shown(value):
    """A value sent, quoted in a message (a long one cut short)."""
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:37]}..."


def _parse(index, raw, distances, starts):
    """The event checked on its own (its order against the race is checked when applied)."""
    kind = raw.get("type")
    if kind not in TYPES:
        raise EventError(index, "type", f"`type` must be one of {', '.join(TYPES)}; got {_shown(kind)}.")
    order = _whole(index, raw, "distance")
    distance = distances.get(order)
    if distance is None:
        raise EventError(index, "distance", f"There is no distance {order} in this championship.")
    pair = _whole(index, raw, "pair")
    if not any((distance.pk, pair, lane) in starts for lane in LANES):
        raise EventError(index, "pair", f"Distance {order} has no pair {pair} in its start list.")
    event = Event(index=index, id=raw["id"], type=kind, distance=distance, pair=pair, payload=raw)
    if kind == "start":
        return event
    lane = raw.get("lane")
    if lane not in LANES:
        raise EventError(index, "lane", f"`lane` must be inner or outer; got {_shown(lane)}.")
    event.start = starts.get((distance.pk, pair, lane))
    if event.start is None:
        raise EventError(index, "lane", f"Pair {pair} of distance {order} has no skater in the {lane} lane.")
    if kind in ("passing", "finish"):
        event.meters = _meters(index, raw, kind, distance)
        event.time = _time(index, raw)
        event.source = raw.get("source", "transponder")
        if event.source not in SOURCES:
            raise EventError(index, "source", f"`source` must be one of {', '.join(SOURCES)}.")
        if event.meters == distance.meters:
            event.type = "finish"  # a passing at the distance's full metres is its finish
    if kind == "status":
        event.status = raw.get("status")
        if event.status not in STATUSES:
            raise EventError(index, "status", f"`status` must be one of {', '.join(STATUSES)}.")
    return event


def _meters(index, raw, kind, distance):
    meters = _whole(index, raw, "meters", required=kind == "passing")
    if meters is None:
        return distance.meters
    if meters < 1:
        raise EventError(index, "meters", "`meters` must be above 0.")
    if meters > distance.meters:
        raise EventError(
            index, "meters", f"A passing at {meters} m is beyond the distance ({distance.meters} m)."
        )
    if kind == "finish" and meters != distance.meters:
        raise EventError(index, "meters", f"A finish is at the distance's {distance.meters} m.")
    return meters


def _time(index, raw):
    text = raw.get("time")
    if not isinstance(text, str) or not TIME.fullmatch(text):
        raise EventError(
            index,
            "time",
            f'`time` must be seconds as a string, up to 4 decimals ("47.8787"); got {_shown(text)}.',
        )
    time = Decimal(text)
    if not 0 < time <= SLOWEST:
        raise EventError(index, "time", f"{text} s is no time of a race.")
    return time


class Races:
    """The batch's races, each read (and locked) once."""

    def __init__(self):
        self.races = {}

    def get(self, start, distance):
        race = self.races.get(start.pk)
        if race is None:
            race, _ = Race.objects.select_for_update().get_or_create(
                distance=distance, skater=start.skater, defaults={"pair": start.pair, "lane": start.lane}
            )
            race.pair, race.lane = start.pair, start.lane  # the start list may have changed since
            race.distance, race.skater = distance, start.skater
            self.races[start.pk] = race
        return race


def _result(race):
    return Result.objects.select_for_update().filter(distance=race.distance, skater=race.skater).first()


def _write(event, race, time, status, raw_time=None):
    """Write the race's result as the feed has it, unless an official's stands there; `raw_time`:
    the finish as measured (the result keeps it beside its hundredths)."""
    result = _result(race)
    if race.by_official(result):
        return TimingEvent.Outcome.KEPT
    try:
        saved, _ = results.save_result(
            race.distance,
            race.skater,
            time=time,
            status=status or None,
            splits=race.splits(),
            raw_time=raw_time,
            confirmed=True,  # nobody is at the feed to confirm an implausible time
        )
    except ValidationError as error:
        raise BatchRefused([_refusal(event, error)])
    race.written = Race.snapshot(saved)
    return TimingEvent.Outcome.APPLIED


def _refusal(event, error):
    fields = {"time": "time", "splits": "time", "status": "status"}
    if hasattr(error, "error_dict"):
        name, errors = next(iter(error.error_dict.items()))
        return EventError(event.index, fields.get(name, "distance"), " ".join(e.messages[0] for e in errors))
    return EventError(event.index, "distance", " ".join(error.messages))


def _out_of_order(event, race):
    """The passing or finish breaks the race's order: a message, else None."""
    earlier = [(m, t) for m, t in race.passing_times() if m < event.meters]
    later = [(m, t) for m, t in race.passing_times() if m > event.meters]
    if earlier and event.time <= earlier[-1][1]:
        return (
            f"{event.time} s at {event.meters} m is not later than {earlier[-1][1]} s at {earlier[-1][0]} m."
        )
    if later and event.time >= later[0][1]:
        return f"{event.time} s at {event.meters} m is not earlier than {later[0][1]} s at {later[0][0]} m."
    if race.finish and event.type == "passing" and event.time >= Decimal(race.finish["time"]):
        return f"{event.time} s at {event.meters} m is not earlier than the finish, {race.finish['time']} s."
    return None


def _replaces(event, earlier):
    """A time from this event's source replaces `earlier` ({"source"}): equal or higher ranks."""
    return earlier is None or SOURCES.index(event.source) >= SOURCES.index(earlier["source"])


def _checked(event, race):
    if message := _out_of_order(event, race):
        raise BatchRefused([EventError(event.index, "time", message)])


def apply_start(event, races):
    now = timezone.now()
    for start in Start.objects.filter(distance=event.distance, pair=event.pair).select_related("skater"):
        race = races.get(start, event.distance)
        race.started = now
        race.save()
    return None, TimingEvent.Outcome.APPLIED


def apply_passing(event, races):
    race = races.get(event.start, event.distance)
    earlier = race.passings.get(str(event.meters))
    if not _replaces(event, earlier):
        return race, TimingEvent.Outcome.IGNORED
    _checked(event, race)
    race.passings[str(event.meters)] = {"time": str(event.time), "source": event.source}
    result = _result(race)
    outcome = TimingEvent.Outcome.APPLIED
    if result is not None:  # else the splits go in with the finish
        outcome = _write(event, race, result.time, result.status)
    race.save()
    return race, outcome


def apply_finish(event, races):
    race = races.get(event.start, event.distance)
    if not _replaces(event, race.finish):
        return race, TimingEvent.Outcome.IGNORED
    _checked(event, race)
    race.finish = {"time": str(event.time), "source": event.source}
    result = _result(race)
    status = result.status if result else race.status
    outcome = _write(event, race, hundredths(event.time), status, raw_time=event.time)
    race.save()
    return race, outcome


def apply_status(event, races):
    race = races.get(event.start, event.distance)
    race.status = event.status
    result = _result(race)
    time = result.time if result is not None else race.finish_time()
    outcome = _write(event, race, time, event.status)
    race.save()
    return race, outcome


def apply_clear(event, races):
    """Withdraw what the feed had for the race (a false start): never an official's result."""
    race = races.get(event.start, event.distance)
    race.passings, race.finish, race.status, race.started = {}, None, "", None
    result = _result(race)
    outcome = TimingEvent.Outcome.APPLIED
    if race.by_official(result):
        outcome = TimingEvent.Outcome.KEPT
    elif result is not None:
        try:
            results.clear_result(race.distance, race.skater)
        except ValidationError as error:
            raise BatchRefused([_refusal(event, error)])
        race.written = None
    race.save()
    return race, outcome


_APPLY = {
    "start": apply_start,
    "passing": apply_passing,
    "finish": apply_finish,
    "status": apply_status,
    "clear": apply_clear,
}

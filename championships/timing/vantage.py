"""Emando Vantage's event stream (one JSON event per line, as its recorder writes them) read as
the feed's events for one distance.

Taken: the distance's activation (individual pairs of the distance's metres only), each pair's
activation (its skaters checked against the start list), its start, the presented laps (passings
and the finish; a later one at the same metres is a correction), the raw passings (only for the
source of a presented lap) and the committed heat (the finish and its source). Everything else
is ignored. Times are .NET ticks: 10,000,000 to the second.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_DOWN, Decimal

from .recordings import Recorded, RecordingError, check_skater, starts_by_place

INDIVIDUAL = "SpeedSkating.LongTrack.PairsDistance.Individual"
TICKS_PER_SECOND = Decimal(10_000_000)
LANES = {0: "inner", 1: "outer"}
SOURCES = ("manual", "transponder", "optical", "photofinish")


def seconds(ticks, where):
    """Ticks as the feed's time: seconds with up to 4 decimals (finer is cut: the sport truncates)."""
    if isinstance(ticks, bool) or not isinstance(ticks, int) or ticks <= 0:
        raise RecordingError(f"{where}: {ticks!r} is not a time in ticks")
    value = (Decimal(ticks) / TICKS_PER_SECOND).quantize(Decimal("0.0001"), rounding=ROUND_DOWN)
    return format(value.normalize(), "f")


def source(how):
    """The feed's source for Vantage's `how` (Transponder, Optical, Photofinish)."""
    how = str(how or "").lower()
    return how if how in SOURCES else "transponder"


def competitor_name(competitor):
    if competitor.get("fullName"):
        return competitor["fullName"]
    name = competitor.get("name") or {}
    return " ".join(p for p in (name.get("firstName"), name.get("surnamePrefix"), name.get("surname")) if p)


@dataclass
class Line:
    number: int
    where: str  # "line 12", for messages
    at: float  # seconds since the recording began
    id: str  # from the line's content


class Reader:
    def __init__(self, distance):
        self.distance = distance
        self.starts = starts_by_place(distance)
        self.distance_id = None  # Vantage's id of the activated distance
        self.races = {}  # raceId: (pair, lane)
        self.sources = {}  # (raceId, ticks): source of a raw passing
        self.began = None
        self.events = []

    def add(self, line, event, suffix=""):
        # The id comes from the line's content: the same recording sent again is recognised.
        event = {"id": f"vantage-{line.id}{suffix}", "distance": self.distance.order, **event}
        self.events.append(Recorded(at=line.at, event=event, line=line.number))

    def at(self, number, data):
        try:
            moment = datetime.fromisoformat(data["_time"])
        except (KeyError, TypeError, ValueError):
            raise RecordingError(f"line {number}: `_time` must be an ISO 8601 time")
        self.began = self.began or moment
        return max((moment - self.began).total_seconds(), 0.0)

    def read(self, number, data):
        where = f"line {number}"
        at = self.at(number, data)
        kind = data.get("typeName")
        handler = HANDLERS.get(kind) if isinstance(kind, str) else None
        if handler is None:
            return  # a kind Sprintboard does not take
        if kind != "DistanceActivatedEvent":
            if self.distance_id is None:
                raise RecordingError(
                    f"{where}: {kind} before any DistanceActivatedEvent: the recording lacks the distance's activation"
                )
            if data.get("distanceId", self.distance_id) != self.distance_id:
                raise RecordingError(f"{where}: {kind} of another distance ({data.get('distanceId')})")
        line = Line(
            number, where, at, hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]
        )
        try:
            handler(self, line, data)
        except (KeyError, TypeError, AttributeError) as error:
            raise RecordingError(f"{where}: {kind} without the field {error}")

    def distance_activated(self, line, data):
        distance = data["distance"]
        if self.distance_id is not None:
            raise RecordingError(f"{line.where}: a second distance activated; a recording holds one distance")
        name = distance.get("name") or distance.get("discipline")
        if distance.get("discipline") != INDIVIDUAL:
            raise RecordingError(
                f"{line.where}: the recording is of {name} ({distance.get('discipline')}), not individual pairs: "
                "Sprintboard takes individual distances only"
            )
        meters = distance.get("value")
        if distance.get("valueQuantity", 0) != 0 or meters != self.distance.meters:
            raise RecordingError(
                f"{line.where}: the recording is of {name} ({meters} m), distance {self.distance.order} "
                f"is {self.distance.meters} m"
            )
        self.distance_id = data.get("distanceId") or line.id

    def heat_activated(self, line, data):
        pair = data["heat"]["number"]
        for entry in data["races"]:
            race = entry["race"]
            lane = LANES.get(race["lane"])
            if lane is None:
                raise RecordingError(
                    f"{line.where}: lane {race['lane']!r} is neither 0 (inner) nor 1 (outer)"
                )
            check_skater(
                self.starts, self.distance, pair, lane, competitor_name(race["competitor"]), line.where
            )
            self.races[race["id"]] = (pair, lane)

    def heat_started(self, line, data):
        self.add(line, {"type": "start", "pair": data["heat"]["number"]})

    def passing_added(self, line, data):
        passing = data["passing"]
        self.sources[(data["raceId"], passing["time"])] = source(passing["presentationSource"]["how"])

    def race(self, where, race_id):
        if race_id not in self.races:
            raise RecordingError(f"{where}: race {race_id} was never activated in a pair")
        return self.races[race_id]

    def lap_presented(self, line, data):
        pair, lane = self.race(line.where, data["raceId"])
        lap = data["lap"]
        meters, ticks = lap["passedLength"], lap["time"]
        event = {
            "type": "finish" if meters == self.distance.meters else "passing",
            "pair": pair,
            "lane": lane,
            "time": seconds(ticks, line.where),
            "source": self.sources.get((data["raceId"], ticks), "transponder"),
        }
        if event["type"] == "passing":
            event["meters"] = meters
        self.add(line, event)

    def heat_committed(self, line, data):
        for entry in data["races"]:
            race = entry["race"]
            time = race.get("time") or {}
            if not time.get("time"):
                continue  # no finish (a fall, a disqualification): statuses come from officials
            pair, lane = self.race(line.where, race["id"])
            finish = {"type": "finish", "pair": pair, "lane": lane, "time": seconds(time["time"], line.where)}
            self.add(line, {**finish, "source": source(time.get("how"))}, suffix=f"-{lane}")


HANDLERS = {
    "DistanceActivatedEvent": Reader.distance_activated,
    "HeatActivatedEvent": Reader.heat_activated,
    "HeatStartedEvent": Reader.heat_started,
    "RacePassingAddedEvent": Reader.passing_added,
    "LastPresentedRaceLapChangedEvent": Reader.lap_presented,
    "HeatCommittedEvent": Reader.heat_committed,
}


def events(parsed, distance):
    """A Vantage recording (`recordings.lines()` of it) as [Recorded] feed events for `distance`."""
    reader = Reader(distance)
    for number, data in parsed:
        reader.read(number, data)
    if reader.distance_id is None:
        raise RecordingError(f"the recording has no DistanceActivatedEvent of distance {distance.order}")
    return reader.events

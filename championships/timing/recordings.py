"""Recordings of a timing system, one JSON event per line, read into the feed's events.

`sprintboard`: the feed's own events, each with an optional `"at"` (seconds since the recording
began) and an optional `"skater"` (checked against the start list). `vantage`: Emando Vantage's
event stream (vantage.py). A recording that does not fit the distance is refused whole, before
anything is sent.
"""

import json
import unicodedata
from dataclasses import dataclass

FORMATS = ("sprintboard", "vantage")

# Letters that do not decompose into a plain letter and a mark (Unicode NFKD).
PLAIN = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "æ": "ae", "ß": "ss", "ı": "i", "œ": "oe"})


class RecordingError(Exception):
    """Why a recording does not fit the distance; nothing of it is sent."""


@dataclass
class Recorded:
    at: float  # seconds since the recording began
    event: dict  # as the feed takes it
    line: int


def folded(name):
    """A name compared without case and accents: "Andżelika Wójcik" is "andzelika wojcik"."""
    decomposed = unicodedata.normalize("NFKD", name.casefold().translate(PLAIN))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def starts_by_place(distance):
    """{(pair, lane): skater} of the distance's start list."""
    return {(s.pair, s.lane): s.skater for s in distance.starts.select_related("skater")}


def check_skater(starts, distance, pair, lane, name, where):
    """Refuse a recording's skater who is not the start list's in that place."""
    skater = starts.get((pair, lane))
    if skater is None:
        raise RecordingError(f"{where}: distance {distance.order} has no skater in pair {pair}, {lane} lane")
    if folded(name) != folded(skater.name):
        raise RecordingError(
            f"{where}: pair {pair} {lane} is {name!r} in the recording but {skater.name!r} in the start list"
        )


def lines(path):
    """[(line number, parsed JSON object)] of a recording, blank lines skipped."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as error:
        raise RecordingError(f"cannot read {path}: {error}")
    parsed = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except ValueError as error:
            raise RecordingError(f"line {number}: not JSON ({error})")
        if not isinstance(data, dict):
            raise RecordingError(f"line {number}: an event must be a JSON object")
        parsed.append((number, data))
    if not parsed:
        raise RecordingError(f"{path} holds no events")
    return parsed


def own_events(parsed, distance):
    """A recording in the feed's own format (`lines()` of it) as [Recorded]."""
    starts = starts_by_place(distance)
    recorded = []
    for number, data in parsed:
        where = f"line {number}"
        if data.get("distance") != distance.order:
            raise RecordingError(
                f"{where}: an event of distance {data.get('distance')!r}; this is a recording of distance {distance.order}"
            )
        at = data.pop("at", recorded[-1].at if recorded else 0)
        if isinstance(at, bool) or not isinstance(at, int | float) or at < 0:
            raise RecordingError(f"{where}: `at` must be seconds since the recording began")
        pair, lane = data.get("pair"), data.get("lane")
        if "skater" in data and isinstance(pair, int) and isinstance(lane, str):
            # optional: the skater the recording expects in that place (a bad place: the feed says so)
            check_skater(starts, distance, pair, lane, str(data.pop("skater")), where)
        recorded.append(Recorded(at=float(at), event=data, line=number))
    return recorded


def batches(recorded, pace):
    """[(seconds to wait, [events])]: the recorded spacing divided by `pace` (0: no waiting);
    events recorded at the same moment go in one batch."""
    grouped = []
    previous = None
    for item in recorded:
        wait = 0 if previous is None or pace == 0 else max(item.at - previous, 0) / pace
        if grouped and (wait == 0 or previous == item.at):
            grouped[-1][1].append(item.event)
        else:
            grouped.append((wait, [item.event]))
        previous = item.at
    return grouped

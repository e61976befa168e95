"""Read and write championship files (docs/championship-file.md, `sprintboard-championship` version 1).

A file is checked whole before anything is written: every problem is reported with its JSON
path, and a file with any problem writes nothing.
"""

import datetime
import json
import math
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import slug_re
from django.db import transaction
from django.utils.text import slugify

from . import history, scoring
from .models import METERS, Championship, Distance, PersonalBest, Record, Result, Skater, Start, Venue
from .scoring import official_time
from .times import TimeFormatError, format_time, parse_time
from .validators import distance_order_problem

FORMAT = "sprintboard-championship"
VERSION = 1
KINDS = set(Championship.Kind.values)
RECORD_KINDS = set(Record.Kind.values)
COUNTRY = re.compile(r"^[A-Z]{3}$")
# "pb" is keyed by the metres as written: "500", not "0500" or "²".
PB_KEYS = {str(meters): meters for meters in METERS}
# Deeper than any championship needs; much deeper and storing the carried-along fields fails.
MAX_DEPTH = 32
# Whole numbers beyond 64 bits fit no database column and no JSON reader elsewhere.
MAX_NUMBER = 2**63 - 1

# Fields this version understands; anything else is carried along in `extra`.
TOP_FIELDS = {
    "format",
    "version",
    "name",
    "slug",
    "kind",
    "venue",
    "distances",
    "skaters",
    "pairs",
    "results",
    "records",
    "final_places",
    "rank_by_thousandths",
}
# Skaters in the last distance when the file does not say (docs/rules.md: allround best 8, sprint all).
DEFAULT_FINAL_PLACES = {"allround": 8}
SKATER_FIELDS = {"name", "country", "pb"}
RESULT_FIELDS = {"distance", "skater", "time", "status", "splits", "note", "raw_time"}
VENUE_FIELDS = {"name", "city", "country"}
DISTANCE_FIELDS = {"order", "meters", "date"}
PAIR_FIELDS = {"distance", "pair", "inner", "outer"}
RECORD_FIELDS = {"kind", "meters", "time", "holder"}  # and an NR's country, read on its own


class ChampionshipFileError(Exception):
    """The file was refused; `problems` lists each one as 'path: what is wrong'."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__("\n".join(problems))


def parse(text):
    """A championship file's JSON text as Python data; ChampionshipFileError when it is no JSON."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ChampionshipFileError([f"$: not valid JSON: {error}"])
    except RecursionError:
        raise ChampionshipFileError([f"$: nested too deeply (at most {MAX_DEPTH} levels)"])
    except ValueError:  # a number of more than 4300 digits
        raise ChampionshipFileError(["$: a number has too many digits to be read"])


def shown(value, limit=60):
    """A value for a message: repr, cut short, and never too big to write (Python refuses 4300+ digits)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**40:
        return f"a number of about {int(value.bit_length() * math.log10(2)) + 1} digits"
    if isinstance(value, (dict, list)):
        return f"a {'list' if isinstance(value, list) else 'JSON object'}"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def key_path(path, key):
    """The JSON path of `key` under `path`: $.venue.city, $.skaters[0].pb["²"]."""
    if isinstance(key, str) and re.fullmatch(r"[A-Za-z0-9_]+", key):
        return f"{path}.{key}"
    return (
        f"{path}[{json.dumps(key, ensure_ascii=False)}]" if isinstance(key, str) else f"{path}[{shown(key)}]"
    )


@dataclass
class _Checked:
    """A file's content, checked and converted, ready to be written."""

    data: dict
    slug: str = ""
    distances: dict = field(default_factory=dict)  # order -> {"meters", "date"}
    skaters: dict = field(default_factory=dict)  # name -> {"country", "pb", "extra"}
    starts: list = field(default_factory=list)  # (order, pair, lane, name)
    pair_extra: dict = field(default_factory=dict)  # order -> {pair number as text: extra fields}
    results: list = field(default_factory=list)  # (order, name, time, status, splits, note, extra, raw_time)
    records: list = field(default_factory=list)  # (kind, meters, time, holder, country, extra)


class _Checker:
    def __init__(self, data, slug=None):
        self.problems = []
        self.paths = set()  # where a problem was found: the model's own check adds no second one
        self.checked = _Checked(data=data)
        self.slug = slug

    def problem(self, path, message):
        self.paths.add(path)
        self.problems.append(f"{path}: {message}")

    def model_rules(self, instance, path, fields):
        """The model's own validation (validators.py) on the values given, reported at their paths.

        `fields` maps model field names to the file's keys. Values the model would refuse in the
        admin are refused here too, on SQLite (which stores any length) as on PostgreSQL.
        """
        others = [f.name for f in instance._meta.fields if f.name not in fields]
        try:
            instance.clean_fields(exclude=others)
            instance.clean()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                where = key_path(path, fields[name]) if fields.get(name) else path
                if where not in self.paths:
                    self.problem(where, " ".join(messages))

    def values_fit(self, value, path="$", depth=0):
        """Every value anywhere in the file, carried-along fields too, fits what can be stored."""
        if depth > MAX_DEPTH:
            self.problem(path, f"nested too deeply (at most {MAX_DEPTH} levels)")
            return
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str) and self.text_fits(key_path(path, key), key):
                    self.values_fit(item, key_path(path, key), depth + 1)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                self.values_fit(item, f"{path}[{i}]", depth + 1)
        elif isinstance(value, str):
            self.text_fits(path, value)
        elif isinstance(value, float) and not math.isfinite(value):
            self.problem(path, f"{value!r} is not a number a championship can hold")
        elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_NUMBER:
            self.problem(path, f"{shown(value)} is beyond what a championship can hold")

    def text_fits(self, path, text):
        """No NUL and no lone surrogate: no database stores them in text."""
        for character in text:
            if character == "\x00" or "\ud800" <= character <= "\udfff":
                self.problem(
                    path, f"the character U+{ord(character):04X} does not belong in a championship file"
                )
                return False
        return True

    def items(self, data, key, required):
        """The list under `key`, or [] after reporting why it is unusable."""
        if key not in data:
            if required:
                self.problem(f"$.{key}", "required field is missing")
            return []
        value = data[key]
        if not isinstance(value, list):
            self.problem(f"$.{key}", "must be a list")
            return []
        return value

    def require(self, obj, path, key, kind=str):
        if not isinstance(obj, dict):
            self.problem(path, "must be an object")
            return None
        if key not in obj or obj[key] in (None, ""):
            self.problem(f"{path}.{key}", "required field is missing")
            return None
        value = obj[key]
        if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
            self.problem(f"{path}.{key}", f"must be a whole number, not {shown(value)}")
            return None
        if kind is str and not isinstance(value, str):
            self.problem(f"{path}.{key}", f"must be text, not {shown(value)}")
            return None
        return value

    def optional_text(self, obj, path, key):
        """Text under `key`, "" when absent; None (and a problem) when it is there but no text."""
        value = obj.get(key, "")
        if not isinstance(value, str):
            self.problem(f"{path}.{key}", f"must be text, not {shown(value)}")
            return None
        return value

    def time(self, path, value):
        if not isinstance(value, str):
            self.problem(path, f'a time must be written as text such as "1:13.32", not {shown(value)}')
            return None
        try:
            return parse_time(value)
        except TimeFormatError as error:
            self.problem(path, str(error)[:200])
            return None

    def raw_time(self, path, value, time):
        """A result's measured time ("78.508"), which must truncate to its official time."""
        if value in (None, ""):
            return None
        if not isinstance(value, str):
            self.problem(path, f'a measured time must be written as text such as "78.508", not {value!r}')
            return None
        try:
            raw_time = parse_time(value, decimals=4)
        except TimeFormatError as error:
            self.problem(path, str(error))
            return None
        if time is not None and official_time(raw_time) != time:
            self.problem(path, f"{value} does not truncate to the time {format_time(time)}")
        elif time is None:
            self.problem(path, "a measured time needs the time it truncates to")
        return raw_time

    def distance_order(self, path, value):
        if value not in self.checked.distances:
            self.problem(path, f"unknown distance {shown(value)}")
            return None
        return value

    def skater_name(self, path, value):
        if not isinstance(value, str) or value not in self.checked.skaters:
            self.problem(path, f"unknown skater {shown(value)}")
            return None
        return value

    def check(self):
        data = self.checked.data
        if not isinstance(data, dict):
            self.problem("$", "a championship file is a JSON object")
            return
        self.values_fit(data)
        if data.get("format") != FORMAT:
            self.problem("$.format", f"must be {FORMAT!r}, not {shown(data.get('format'))}")
        if data.get("version") != VERSION or isinstance(data.get("version"), bool):
            self.problem("$.version", f"must be {VERSION}, not {shown(data.get('version'))}")
        name = self.require(data, "$", "name")
        self.check_slug(self.slug or data.get("slug"), name)
        kind = self.require(data, "$", "kind")
        if kind is not None and kind not in KINDS:
            self.problem("$.kind", f"unknown kind {shown(kind)}: use sprint, allround or custom")
        places = data.get("final_places")
        if places is not None and (isinstance(places, bool) or not isinstance(places, int) or places < 1):
            self.problem(
                "$.final_places", f"must be a whole number of skaters (such as 8), not {shown(places)}"
            )
            places = None
        self.model_rules(
            Championship(name=name or "", final_places=places),
            "$",
            {"name": "name", "final_places": "final_places"},
        )
        if not isinstance(data.get("rank_by_thousandths", False), bool):
            self.problem(
                "$.rank_by_thousandths", f"must be true or false, not {data['rank_by_thousandths']!r}"
            )
        self.check_venue(data.get("venue"))
        self.check_distances(self.items(data, "distances", required=True))
        self.check_skaters(self.items(data, "skaters", required=True))
        self.check_pairs(self.items(data, "pairs", required=False))
        self.check_results(self.items(data, "results", required=False))
        self.check_records(self.items(data, "records", required=False))

    def check_slug(self, slug, name):
        """The URL name: given (--slug or the file's), or derived from the name."""
        if slug is None:
            if name is not None and not slugify(name):
                self.problem("$.slug", f"no URL name can be made of the name {shown(name)}: give a slug")
            self.checked.slug = slugify(name or "")[:100]
            return
        if not isinstance(slug, str) or not slug_re.fullmatch(slug) or len(slug) > 100:
            example = slugify(slug if isinstance(slug, str) else "")[:100] or "wk-sprint-2024"
            self.problem(
                "$.slug",
                f"{shown(slug)} is not a URL name: use up to 100 letters, digits, - and _ (such as {example!r})",
            )
        self.checked.slug = slug

    def check_venue(self, venue):
        if venue is None:
            return
        if not isinstance(venue, dict):
            self.problem("$.venue", "must be an object with name, city and country")
            return
        name = self.require(venue, "$.venue", "name")
        city = self.optional_text(venue, "$.venue", "city")
        country = self.optional_text(venue, "$.venue", "country")
        self.model_rules(
            Venue(name=name or "", city=city or "", country=country or ""),
            "$.venue",
            {"name": "name", "city": "city", "country": "country"},
        )

    def check_distances(self, distances):
        for i, item in enumerate(distances):
            path = f"$.distances[{i}]"
            order = self.require(item, path, "order", int)
            meters = self.require(item, path, "meters", int)
            if meters is not None and meters not in METERS:
                self.problem(f"{path}.meters", f"{shown(meters)} is not a championship distance")
            date = item.get("date") if isinstance(item, dict) else None
            if date is not None:
                try:
                    date = datetime.date.fromisoformat(date)
                except (TypeError, ValueError):
                    self.problem(f"{path}.date", f"not a date (YYYY-MM-DD): {shown(date)}")
                    date = None
            if order is None:
                continue
            if order in self.checked.distances:
                self.problem(f"{path}.order", f"distance order {order} is repeated")
            else:
                extra = {k: v for k, v in item.items() if k not in DISTANCE_FIELDS}
                self.checked.distances[order] = {"meters": meters, "date": date, "extra": extra}
        # Repeats are reported at their own paths above.
        if problem := distance_order_problem(self.checked.distances):
            self.problem("$.distances", problem)

    def check_skaters(self, skaters):
        for i, item in enumerate(skaters):
            path = f"$.skaters[{i}]"
            name = self.require(item, path, "name")
            country = self.require(item, path, "country")
            self.model_rules(
                Skater(name=name or "", country=country or ""), path, {"name": "name", "country": "country"}
            )
            pbs = {}
            raw_pbs = item.get("pb", {}) if isinstance(item, dict) else {}
            if not isinstance(raw_pbs, dict):
                self.problem(f"{path}.pb", 'must be an object such as {"500": "36.81"}')
                raw_pbs = {}
            for key, text in raw_pbs.items():
                where = key_path(f"{path}.pb", key)
                if key not in PB_KEYS:
                    self.problem(where, 'not a championship distance: write the metres, such as "500"')
                    continue
                time = self.time(where, text)
                if time is not None:
                    pbs[PB_KEYS[key]] = time
                    self.model_rules(PersonalBest(meters=PB_KEYS[key], time=time), where, {"time": None})
            if name is None:
                continue
            if name in self.checked.skaters:
                self.problem(f"{path}.name", f"skater {shown(name)} is listed twice")
                continue
            extra = {k: v for k, v in item.items() if k not in SKATER_FIELDS}
            self.checked.skaters[name] = {"country": country, "pb": pbs, "extra": extra}

    def check_pairs(self, pairs):
        placed = {}  # (order, name) -> path
        lanes = set()
        for i, item in enumerate(pairs):
            path = f"$.pairs[{i}]"
            order = self.require(item, path, "distance", int)
            if order is not None:
                order = self.distance_order(f"{path}.distance", order)
            number = self.require(item, path, "pair", int)
            if number is not None and number < 1:
                self.problem(f"{path}.pair", "pair numbers start at 1")
                number = None
            if number is not None:
                self.model_rules(Start(pair=number), path, {"pair": "pair"})
                number = None if f"{path}.pair" in self.paths else number
            if not isinstance(item, dict):
                continue
            if not item.get("inner") and not item.get("outer"):
                self.problem(path, "a pair needs an inner or an outer skater")
            extra = {k: v for k, v in item.items() if k not in PAIR_FIELDS}
            if extra and order is not None and number is not None:
                self.checked.pair_extra.setdefault(order, {})[str(number)] = extra
            for lane in (Start.Lane.INNER, Start.Lane.OUTER):
                name = item.get(lane)
                if not name:
                    continue
                name = self.skater_name(f"{path}.{lane}", name)
                if None in (order, number, name):
                    continue
                if (order, name) in placed:
                    self.problem(
                        f"{path}.{lane}",
                        f"{name} already has a place in distance {order}'s start list ({placed[order, name]})",
                    )
                    continue
                if (order, number, lane) in lanes:
                    self.problem(
                        f"{path}.{lane}", f"pair {number} of distance {order} already has an {lane} lane"
                    )
                    continue
                placed[order, name] = path
                lanes.add((order, number, lane))
                self.checked.starts.append((order, number, lane, name))

    def check_results(self, results):
        seen = {}
        for i, item in enumerate(results):
            path = f"$.results[{i}]"
            order = self.require(item, path, "distance", int)
            if order is not None:
                order = self.distance_order(f"{path}.distance", order)
            name = self.require(item, path, "skater")
            if name is not None:
                name = self.skater_name(f"{path}.skater", name)
            if not isinstance(item, dict):
                continue
            status = None
            if item.get("status") not in (None, ""):
                try:
                    status = scoring.normalise_status(str(item["status"]))
                except ValueError as error:
                    self.problem(f"{path}.status", str(error))
            time = None
            if item.get("time") not in (None, ""):
                time = self.time(f"{path}.time", item["time"])
            elif item.get("status") in (None, ""):
                self.problem(f"{path}.time", "required field is missing (or give a status)")
            raw_time = self.raw_time(f"{path}.raw_time", item.get("raw_time"), time)
            splits = []
            raw_splits = item.get("splits", [])
            if not isinstance(raw_splits, list):
                self.problem(f"{path}.splits", "must be a list of passing times")
                raw_splits = []
            for j, text in enumerate(raw_splits):
                split = self.time(f"{path}.splits[{j}]", text)
                if split is not None:
                    splits.append(format_time(split))
            note = self.optional_text(item, path, "note")
            if len(splits) == len(raw_splits):  # each passing time read: now their order and the finish
                self.model_rules(
                    Result(time=time, splits=splits, note=note or ""),
                    path,
                    {"splits": "splits", "note": "note"},
                )
            if order is None or name is None:
                continue
            if (order, name) in seen:
                self.problem(path, f"{name} already has a result on distance {order} ({seen[order, name]})")
                continue
            seen[order, name] = path
            extra = {k: v for k, v in item.items() if k not in RESULT_FIELDS}
            self.checked.results.append((order, name, time, status, splits, note or "", extra, raw_time))

    def check_records(self, records):
        for i, item in enumerate(records):
            path = f"$.records[{i}]"
            kind = self.require(item, path, "kind")
            if kind is not None and kind not in RECORD_KINDS:
                self.problem(f"{path}.kind", f"unknown record kind {shown(kind)}: use TR, WR, NR or CR")
            meters = self.require(item, path, "meters", int)
            if meters is not None and meters not in METERS:
                self.problem(f"{path}.meters", f"{shown(meters)} is not a championship distance")
            time = None
            if self.require(item, path, "time") is not None:
                time = self.time(f"{path}.time", item["time"])
            if isinstance(item, dict):
                holder = self.optional_text(item, path, "holder") or ""
                self.model_rules(Record(holder=holder), path, {"holder": "holder"})
                # Another record's country (its holder's) is carried along, as any other field.
                extra = {k: v for k, v in item.items() if k not in RECORD_FIELDS}
                country = ""
                if kind == "NR":
                    country = extra.pop("country", None)
                    if not (isinstance(country, str) and COUNTRY.match(country)):
                        self.problem(
                            f"{path}.country",
                            f"a national record names its country, a 3-letter code such as NED, not {country!r}",
                        )
                self.checked.records.append((kind, meters, time, holder, country, extra))


def check(data, slug=None):
    """Check a parsed championship file; raise ChampionshipFileError listing every problem."""
    checker = _Checker(data, slug)
    checker.check()
    if checker.problems:
        raise ChampionshipFileError(checker.problems)
    return checker.checked


def load(data, slug=None, replace=False, results_until=None):
    """Write a championship file's content to the database, all or nothing; return the Championship.

    `results_until` keeps back the results of later distances (the demo replays them live).
    """
    checked = check(data, slug)
    slug = checked.slug
    with transaction.atomic(), history.door("championship file"):
        existing = Championship.objects.filter(slug=slug)
        if existing.exists():
            if not replace:
                raise ChampionshipFileError(
                    [f"$.slug: a championship {slug!r} already exists (use --replace to overwrite it)"]
                )
            existing = existing.get()
            existing.delete()
        else:
            existing = None
        venue = _venue(data["venue"], existing) if data.get("venue") else None
        championship = Championship.objects.create(
            name=data["name"],
            slug=slug,
            kind=data["kind"],
            venue=venue,
            final_places=data.get("final_places", DEFAULT_FINAL_PLACES.get(data["kind"])),
            rank_by_thousandths=data.get("rank_by_thousandths", False),
            extra={k: v for k, v in data.items() if k not in TOP_FIELDS},
        )
        # In bulk, with their history: the championship's own creation pushes it live (live/changes.py).
        distances = {
            order: Distance(
                championship=championship,
                order=order,
                meters=d["meters"],
                date=d["date"],
                extra=d["extra"],
                pair_extra=checked.pair_extra.get(order, {}),
            )
            for order, d in sorted(checked.distances.items())
        }
        history.bulk_create(Distance, distances.values())
        skaters = {
            name: Skater(championship=championship, name=name, country=s["country"], extra=s["extra"])
            for name, s in checked.skaters.items()
        }
        history.bulk_create(Skater, skaters.values())
        history.bulk_create(
            PersonalBest,
            [
                PersonalBest(skater=skaters[name], meters=meters, time=time)
                for name, s in checked.skaters.items()
                for meters, time in s["pb"].items()
            ],
        )
        history.bulk_create(
            Start,
            [
                Start(distance=distances[order], pair=pair, lane=lane, skater=skaters[name])
                for order, pair, lane, name in checked.starts
            ],
        )
        history.bulk_create(
            Result,
            [
                Result(
                    distance=distances[order],
                    skater=skaters[name],
                    time=time,
                    status=status or "",
                    splits=splits,
                    note=note,
                    extra=extra,
                    raw_time=raw_time,
                )
                for order, name, time, status, splits, note, extra, raw_time in checked.results
                if results_until is None or order <= results_until
            ],
        )
        history.bulk_create(
            Record,
            [
                Record(
                    championship=championship,
                    kind=kind,
                    meters=meters,
                    time=time,
                    holder=holder,
                    country=country,
                    extra=extra,
                )
                for kind, meters, time, holder, country, extra in checked.records
            ],
        )
    return championship


def raw_time_text(raw_time):
    """A measured time in seconds with three decimals, or four where it has them ("78.508")."""
    text = f"{raw_time:.4f}"
    return text[:-1] if text.endswith("0") else text


def _venue(facts, replaced):
    """The venue the file names: the same one when it holds the same facts, else a new one.

    A venue is shared: loading a file never changes one that another championship uses. One that
    only the replaced championship (or none) used is brought up to date instead.
    """
    wanted = {
        "country": facts.get("country", ""),
        "extra": {k: v for k, v in facts.items() if k not in VENUE_FIELDS},
    }
    venue, created = Venue.objects.get_or_create(
        name=facts["name"], city=facts.get("city", ""), defaults=wanted
    )
    if created or all(getattr(venue, k) == v for k, v in wanted.items()):
        return venue
    if venue.championships.exclude(pk=getattr(replaced, "pk", None)).exists():
        raise ChampionshipFileError(
            [
                f"$.venue: {venue} is already used by other championships with country {venue.country!r}"
                f"{' and other details' if venue.extra != wanted['extra'] else ''}: write the venue as "
                "they have it, or change it in the admin"
            ]
        )
    venue.country, venue.extra = wanted["country"], wanted["extra"]
    venue.save(update_fields=["country", "extra"])
    return venue


def dump(championship):
    """The championship as a championship file (a dict ready for json.dump)."""
    data = {
        "format": FORMAT,
        "version": VERSION,
        "name": championship.name,
        "slug": championship.slug,
        "kind": championship.kind,
    }
    if championship.final_places != DEFAULT_FINAL_PLACES.get(championship.kind):
        data["final_places"] = championship.final_places
    if championship.rank_by_thousandths:
        data["rank_by_thousandths"] = True
    if championship.venue:
        v = championship.venue
        data["venue"] = {"name": v.name, "city": v.city, "country": v.country} | v.extra
    distances = list(championship.distances.order_by("order"))
    data["distances"] = [
        {"order": d.order, "meters": d.meters} | ({"date": d.date.isoformat()} if d.date else {}) | d.extra
        for d in distances
    ]
    data["skaters"] = [
        {"name": s.name, "country": s.country}
        | (
            {"pb": {str(b.meters): format_time(b.time) for b in bests}}
            if (bests := s.personal_bests.all())
            else {}
        )
        | s.extra
        for s in championship.skaters.order_by("pk").prefetch_related("personal_bests")
    ]
    pairs = {}
    for start in (
        Start.objects.filter(distance__championship=championship)
        .select_related("distance", "skater")
        .order_by("distance__order", "pair")
    ):
        pair = pairs.setdefault(
            (start.distance.order, start.pair), {"distance": start.distance.order, "pair": start.pair}
        )
        pair[start.lane] = start.skater.name
    pair_extra = {d.order: d.pair_extra for d in distances}
    data["pairs"] = [
        {k: pair[k] for k in ("distance", "pair", "inner", "outer") if k in pair}
        | pair_extra[order].get(str(number), {})
        for (order, number), pair in pairs.items()
    ]
    data["results"] = []
    for result in (
        Result.objects.for_championship(championship).select_related("distance", "skater").order_by("pk")
    ):
        item = {"distance": result.distance.order, "skater": result.skater.name}
        if result.time is not None:
            item["time"] = format_time(result.time)
        if result.raw_time is not None:
            item["raw_time"] = raw_time_text(result.raw_time)
        if result.status:
            item["status"] = result.status
        if result.splits:
            item["splits"] = result.splits
        if result.note:
            item["note"] = result.note
        data["results"].append(item | result.extra)
    data["records"] = [
        {"kind": r.kind, "meters": r.meters, "time": format_time(r.time)}
        | ({"holder": r.holder} if r.holder else {})
        | ({"country": r.country} if r.country else {})
        | r.extra
        for r in championship.records.order_by("pk")
    ]
    # Carried-along fields, `published` among them: kept for cross-checks, never computed with.
    return data | championship.extra

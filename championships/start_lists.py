"""A distance's start list as officials paste it (pair, inner skater, outer skater, from a
spreadsheet or a CSV file), checked line by line, and the one way a whole start list is saved."""

import csv
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from . import results
from .models import Result, Skater, Start
from .validators import SMALL_INTEGER_MAX

LANE_WORDS = {
    "inner": Start.Lane.INNER,
    "white": Start.Lane.INNER,
    "binnen": Start.Lane.INNER,
    "wit": Start.Lane.INNER,
    "outer": Start.Lane.OUTER,
    "red": Start.Lane.OUTER,
    "buiten": Start.Lane.OUTER,
    "rood": Start.Lane.OUTER,
}
LANE_NAMES = {Start.Lane.INNER: "inner", Start.Lane.OUTER: "outer"}
MAX_UPLOAD_BYTES = 200_000  # a start list is a few kB


@dataclass(frozen=True)
class ListedPair:
    """One pair of a start list: its number and the skater in each lane (None: empty lane)."""

    number: int
    inner: Skater | None
    outer: Skater | None

    @property
    def lanes(self):
        return ((Start.Lane.INNER, self.inner), (Start.Lane.OUTER, self.outer))


class StartListProblems(Exception):
    """The pasted start list has bad lines: `problems`, each "Line 3: ..." for the official."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__(" ".join(problems))


def as_lines(pairs):
    """A start list as it is pasted: "1<tab>inner<tab>outer" per pair, full names."""
    return "\n".join(
        "\t".join([str(pair.number), *(skater.name if skater else "" for _, skater in pair.lanes)])
        for pair in pairs
    )


def current_pairs(distance):
    """The distance's saved start list, pair by pair."""
    pairs = {}
    for start in distance.starts.select_related("skater").order_by("pair", "lane"):
        pairs.setdefault(start.pair, {})[start.lane] = start.skater
    return [
        ListedPair(number, lanes.get(Start.Lane.INNER), lanes.get(Start.Lane.OUTER))
        for number, lanes in sorted(pairs.items())
    ]


WITHDRAWN = ("WDR", "DNS")  # entered before the start list is drawn: she will not skate it


def withdrawn(distance):
    """{skater id: "WDR on distance 2"} of the skaters who will not skate the distance: WDR on it
    or an earlier one, DNS on it."""
    return {
        skater: f"{status} on distance {order}"
        for skater, status, order in Result.objects.filter(
            Q(distance__order__lte=distance.order, status="WDR") | Q(distance=distance, status__in=WITHDRAWN),
            distance__championship_id=distance.championship_id,
        )
        .order_by("distance__order")
        .values_list("skater_id", "status", "distance__order")
    }


def read_start_list(text, distance):
    """The pairs of a pasted start list, pair 1 first; raises StartListProblems naming every
    bad line (nothing is read from a list with one bad line)."""
    reader = _Reader(SkaterFinder(distance.championship.skaters.all()), withdrawn(distance))
    rows = _rows(text)
    if rows and _is_header(rows[0][1], reader.finder):
        rows = rows[1:]
    for line, fields in rows:
        reader.read(line, fields)
    if not rows and not reader.problems:
        reader.problems.append(
            "The start list is empty: give one line per pair (pair number, inner skater, outer skater)."
        )
    if reader.problems:
        raise StartListProblems(reader.problems)
    return [
        ListedPair(number, lanes.get(Start.Lane.INNER), lanes.get(Start.Lane.OUTER))
        for number, lanes in sorted(reader.pairs.items())
    ]


class _Reader:
    """The lines read so far: where each pair, lane and skater was given, and the problems."""

    def __init__(self, finder, out):
        self.finder, self.out = finder, out
        self.problems = []
        self.pairs = {}  # number -> {lane: skater}
        self.given = {}  # number -> line of a line giving the whole pair
        self.lane_line = {}  # (number, lane) -> line
        self.skater_line = {}  # skater id -> (line, pair)

    def read(self, line, fields):
        found = []

        def problem(message):
            found.append(f"Line {line}: {message}")

        placed = _fields(fields, problem)
        if placed is None:
            self.problems.extend(found)
            return
        number, whole, named = placed
        if number in self.given or (whole and number in self.pairs):
            first = self.given.get(number) or min(at for (n, _), at in self.lane_line.items() if n == number)
            problem(f"pair {number} is repeated (also on line {first}).")
        lanes = {}
        for lane, name in named:
            if not whole and (number, lane) in self.lane_line:
                problem(
                    f"the {LANE_NAMES[lane]} lane of pair {number} is taken twice "
                    f"(also on line {self.lane_line[number, lane]})."
                )
            skater = self.finder.find(name, problem)
            if skater is None:
                continue
            if skater.pk in self.out:
                problem(f"{skater.name} has withdrawn ({self.out[skater.pk]}).")
            elif skater.pk in self.skater_line:
                earlier, pair = self.skater_line[skater.pk]
                where = (
                    "twice on this line" if earlier == line else f"already in pair {pair} (line {earlier})"
                )
                problem(f"{skater.name} is {where}.")
            else:
                self.skater_line[skater.pk] = (line, number)
            lanes[lane] = skater
        if found:
            self.problems.extend(found)
            return
        if whole:
            self.given[number] = line
        for lane, skater in lanes.items():
            self.lane_line[number, lane] = line
            self.pairs.setdefault(number, {})[lane] = skater


def _rows(text):
    """(line number, fields) of the non-empty lines; the separator is the text's: a tab (pasted
    from a spreadsheet), else a semicolon (a European CSV), else a comma."""
    separator = "\t" if "\t" in text else ";" if ";" in text else ","
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    rows = []
    for number, line in enumerate(lines, start=1):
        fields = next(csv.reader([line], delimiter=separator, skipinitialspace=True), [])
        fields = [field.strip() for field in fields]
        while fields and not fields[-1]:  # a spreadsheet's empty columns on the right
            fields.pop()
        if fields:
            rows.append((number, fields))
    return rows


def _is_header(fields, finder):
    """A first line such as "Pair, Inner, Outer": no pair number and no skater's name."""
    return not fields[0].isdigit() and not any(finder.matches(name) for name in fields[1:] if name)


def _fields(fields, problem):
    """(pair number, whether the line gives the whole pair, [(lane, name)]) of a line, or None
    after telling `problem` what is wrong with it. A line is "pair, inner, outer" or
    "pair, lane, skater" (lane: inner/outer, white/red)."""
    raw = fields[0]
    if not (raw.isascii() and raw.isdigit()):
        problem(f"the pair number {raw!r} is not a number: start each line with the pair number.")
        return None
    number = int(raw)
    if not 1 <= number <= SMALL_INTEGER_MAX:
        problem(f"the pair number {number} is out of range (1 to {SMALL_INTEGER_MAX}).")
        return None
    rest = fields[1:]
    if len(rest) == 2 and rest[0].casefold() in LANE_WORDS:
        if not rest[1]:
            problem(f"no skater in the {rest[0]} lane of pair {number}.")
            return None
        return number, False, [(LANE_WORDS[rest[0].casefold()], rest[1])]
    if len(rest) > 2:
        problem(f"{len(fields)} columns: write pair number, inner skater, outer skater (3 columns).")
        return None
    inner, outer = [*rest, "", ""][:2]
    if not inner and not outer:
        problem(f"pair {number} has no skater.")
        return None
    return (
        number,
        True,
        [(lane, name) for lane, name in ((Start.Lane.INNER, inner), (Start.Lane.OUTER, outer)) if name],
    )


def folded(name):
    """A name as it is compared: without accents, case or a country in brackets ("Kok (NED)")."""
    name = re.sub(r"\s*\([A-Za-z]{3}\)\s*$", "", name)
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().replace(",", " ").split())


class SkaterFinder:
    """A championship's skaters found by their names as officials write them: the full name, or
    enough of it to be only hers ("Kok", "F. Kok", "kok femke"), accents and case aside."""

    def __init__(self, skaters):
        self.skaters = list(skaters)
        self.words = {skater.pk: folded(skater.name).split() for skater in self.skaters}

    def matches(self, name):
        key = folded(name)
        exact = [s for s in self.skaters if " ".join(self.words[s.pk]) == key]
        if exact or not key:
            return exact
        written = key.replace(".", " ").split()
        return [s for s in self.skaters if all(self._has_word(self.words[s.pk], w, key) for w in written)]

    @staticmethod
    def _has_word(words, written, key):
        # "F." is an initial; "F" alone is not (it would match half the field).
        initial = len(written) == 1 and f"{written}." in key
        return written in words or (initial and any(word.startswith(written) for word in words))

    def find(self, name, problem):
        """The skater named `name`, or None after telling `problem` why not."""
        found = self.matches(name)
        if len(found) == 1:
            return found[0]
        if not found:
            problem(f"no skater {name!r} in this championship.")
        else:
            names = ", ".join(s.name for s in found[:-1]) + f" or {found[-1].name}"
            problem(f"{name!r} could be {names}: write the full name.")
        return None


def refuse_replacing(distance):
    """The distance as stored, locked; raises the ValidationError that save_start_list would:
    while it is official (results.lock_distance), and once it has results other than
    withdrawals (WDR, DNS): a start list that was skated is corrected pair by pair."""
    with transaction.atomic():
        locked = results.lock_distance(distance)
        if Result.objects.for_distance(locked).exclude(status__in=WITHDRAWN).exists():
            raise ValidationError(
                f"Distance {locked.order} ({locked.meters} m) already has results: its start list is not "
                "replaced as a whole. Correct single pairs in the start list on the distance's page.",
                code="has_results",
            )
        return locked


def save_start_list(distance, pairs, seed=None):
    """Replace the distance's start list by `pairs` in one transaction (refused as
    refuse_replacing says); returns the new Starts. `seed`: that of the random draw the pairs
    come from (None: not drawn at random)."""
    with transaction.atomic():
        locked = refuse_replacing(distance)
        # One by one, so that every change goes live (live/changes.py); one transaction, one push.
        for start in locked.starts.all():
            start.delete()
        starts = [
            Start.objects.create(distance=locked, pair=pair.number, lane=lane, skater=skater)
            for pair in pairs
            for lane, skater in pair.lanes
            if skater is not None
        ]
        if locked.draw_seed != seed:
            locked.draw_seed = seed
            locked.save(update_fields=["draw_seed"])
        distance.draw_seed = seed
        return starts

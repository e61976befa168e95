"""Skaters entered in one go: lines pasted from a spreadsheet, or a CSV file (docs/officials.md).

    Femke Kok, NED, 500=37.07, 1000=1:13.32      name, country, then personal bests metres=time
    name;country;pb_500;pb_1000                   or a header naming the columns,
    Femke Kok;NED;37,07;1.13,32                   then a line per skater

Fields are separated by tabs (as a spreadsheet pastes them), semicolons or commas: on each line the
first of these it holds; a time with a decimal comma needs tabs, semicolons or quotes.
Each line is checked by the models' own validation, and nothing is saved unless every line is right.
"""

import csv
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import METERS, PersonalBest, Skater
from .times import TimeFormatError, parse_time

HEADER_DISTANCE = re.compile(r"(?:pb)?[ _]?(?P<meters>[0-9]+) ?m?")
SEPARATORS = ("\t", ";", ",")


@dataclass
class Entry:
    line: int
    skater: Skater
    personal_bests: list = field(default_factory=list)


class EntryProblems(Exception):
    """Lines that cannot be entered: [(line number, what is wrong)], in line order."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__("; ".join(f"line {line}: {problem}" for line, problem in problems))


def enter_skaters(championship, text):
    """Enter every skater the lines give, with their personal bests; returns the new skaters.
    Raises EntryProblems, and saves nothing, when any line is wrong. The skaters are saved one
    by one (live/changes.py pushes them), in one transaction."""
    with transaction.atomic():
        entries = read_entries(championship, text)
        for entry in entries:
            entry.skater.save()
            for best in entry.personal_bests:
                best.skater = entry.skater
                best.save()
        return [entry.skater for entry in entries]


def read_entries(championship, text):
    """The entries of the lines, checked (nothing saved); raises EntryProblems."""
    lines = [(number, line.rstrip("\r")) for number, line in enumerate(text.split("\n"), start=1)]
    lines = [(number, line) for number, line in lines if line.strip()]
    problems, entries, columns = [], [], None
    if lines and _fields(lines[0][1])[0].strip().lower() == "name":
        columns, problem = _columns(_fields(lines[0][1]))
        if problem:
            raise EntryProblems([(lines[0][0], problem)])
        lines = lines[1:]
    if not lines:
        raise EntryProblems([(1, "there are no skaters to enter: give a line per skater")])
    entered = {name.casefold() for name in championship.skaters.values_list("name", flat=True)}
    seen = {}
    for number, line in lines:
        try:
            entry, line_problems = _entry(championship, number, _fields(line), columns)
        except csv.Error as error:
            entry, line_problems = None, [f"the line cannot be read ({error})"]
        if entry is not None:
            name = entry.skater.name.casefold()
            if name in entered:
                line_problems.insert(
                    0,
                    f"{entry.skater.name} is already entered in this championship "
                    "(leave the line out; change the skater on their own page)",
                )
            elif name in seen:
                line_problems.insert(0, f"{entry.skater.name} is on line {seen[name]} already")
            seen.setdefault(name, number)
        if line_problems:
            problems.append((number, "; ".join(line_problems)))
        else:
            entries.append(entry)
    if problems:
        raise EntryProblems(problems)
    return entries


def _fields(line):
    # One line at a time, so that a stray quote never swallows the lines after it.
    separator = next((s for s in SEPARATORS if s in line), ",")
    fields = next(csv.reader([line], delimiter=separator, skipinitialspace=True), [""])
    while len(fields) > 1 and not fields[-1].strip():
        fields.pop()  # a spreadsheet's empty cells at the end
    return fields or [""]


def _columns(header):
    """What each column of a header holds ("name", "country" or metres), or a problem."""
    columns = []
    for text in header:
        word = text.strip().lower()
        match = HEADER_DISTANCE.fullmatch(word)
        if word in ("name", "country"):
            columns.append(word)
        elif match and int(match["meters"]) in METERS:
            columns.append(int(match["meters"]))
        else:
            return None, (
                f"column {text.strip()!r} of the header is not name, country or a distance's "
                f"personal best such as pb_500 (distances: {', '.join(map(str, METERS))})"
            )
    repeated = sorted({str(c) for c in columns if columns.count(c) > 1})
    if repeated:
        return None, f"the header names {', '.join(repeated)} more than once"
    if "name" not in columns or "country" not in columns:
        return None, "the header needs a name and a country column"
    return columns, None


def _entry(championship, number, fields, columns):
    """(the line's Entry, its problems): the Entry is None when the line has no name at all."""
    problems = []
    if columns is None:
        if len(fields) < 2:
            return None, ["give the name and the country, separated by a comma, a semicolon or a tab"]
        name, country, *pairs = fields
        bests = []
        for text in pairs:
            meters, equals, time = text.partition("=")
            if not equals:
                problems.append(
                    f"{_shown(text)} is not a personal best written as metres=time (500=37.07); "
                    "a time with a decimal comma needs tabs or semicolons between the fields"
                )
            else:
                bests.append((meters.strip().removesuffix("m").strip(), time))
    else:
        if len(fields) > len(columns):
            return None, [f"the line has {len(fields)} fields, the header {len(columns)} columns"]
        cells = dict(zip(columns, fields))
        name, country = cells.get("name", ""), cells.get("country", "")
        bests = [(str(c), cells[c]) for c in columns if isinstance(c, int) and cells.get(c, "").strip()]
    skater = Skater(championship=championship, name=name.strip(), country=country.strip())
    try:
        # The constraints stand behind these; the duplicates are told above in the sport's words.
        skater.full_clean(exclude=["championship"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        problems[:0] = _messages(error, {"name": skater.name, "country": skater.country})
    entry = Entry(number, skater)
    met = set()
    for meters, time in bests:
        if not meters.isdigit() or int(meters) not in METERS:
            problems.append(f"{_shown(meters)} is not a distance ({', '.join(map(str, METERS))})")
            continue
        if int(meters) in met:
            problems.append(f"two personal bests on the {meters} m")
            continue
        met.add(int(meters))
        try:
            best = PersonalBest(meters=int(meters), time=parse_time(time))
            best.full_clean(exclude=["skater"], validate_unique=False, validate_constraints=False)
        except TimeFormatError as error:
            problems.append(f"{meters} m: {error}")
        except ValidationError as error:
            problems.extend(f"{meters} m: {message}" for message in error.messages)
        else:
            entry.personal_bests.append(best)
    return (entry if skater.name else None), problems


def _messages(error, values):
    """The model's messages, each saying which field and value it is about."""
    return [
        f"{field} {_shown(values.get(field, ''))}: {message}"
        for field, messages in error.message_dict.items()
        for message in messages
    ]


def _shown(text, longest=40):
    return repr(text if len(text) <= longest else f"{text[:longest]}…")

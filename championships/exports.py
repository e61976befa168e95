"""A `Standings` as files for other programs: `standings.json` and the CSV tables
(docs/interfaces.md). Always in the English number form, whatever the page language: points with
3 decimals ("111.315"), seconds with 2 ("0.67"), times as "1:13.32".
"""

import csv
import re
from decimal import Decimal

from .display import points_text, seconds_text, time_text
from .models import Start

# --- standings.json -----------------------------------------------------------------------------


def standings_json(standings):
    """The classification as `standings.json` gives it; a what-if's says so (`"what_if": true`)."""
    next_distance = standings.next_distance
    answer = {
        "championship": {
            "slug": standings.championship.slug,
            "name": standings.championship.name,
            "kind": standings.championship.kind,
            "distances": [{"order": d.order, "meters": d.meters} for d in standings.distances],
        },
        "after_distance": standings.after,
        "next_distance": (
            {"order": next_distance.order, "meters": next_distance.meters} if next_distance else None
        ),
        "revision": standings.championship.revision,
        "rows": [
            {
                "rank": row.rank,
                "skater": {"id": row.skater.pk, "name": row.skater.name, "country": row.skater.country},
                "classified": row.classified,
                "status": row.status,
                "points": points_text(row.points),
                "behind_leader": points_text(row.behind_leader),
                "behind_leader_seconds": seconds_text(row.behind_leader_seconds),
                "behind_previous": points_text(row.behind_previous),
                "change": row.change,
                "distances": [
                    {
                        "order": cell.distance.order,
                        "time": time_text(cell.time),
                        "points": points_text(cell.points),
                        "rank": cell.rank,
                        "status": cell.status,
                        "badges": list(cell.badges),
                    }
                    for cell in row.cells
                ],
            }
            for row in standings.rows
        ],
    }
    if standings.what_if:
        answer["what_if"] = True
    return answer


# --- CSV ----------------------------------------------------------------------------------------

# A spreadsheet runs a cell that starts with one of these as a formula ("=HYPERLINK(...)" in a
# name, or the badge "=TR"); a leading apostrophe makes it text. Numbers ("-2", "-0.5") are left.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


def spreadsheet_cell(value):
    """A CSV cell that a spreadsheet shows as it is: empty for None, numbers as numbers, text
    that would be a formula prefixed with "'"."""
    if value is None:
        return ""
    if isinstance(value, int | Decimal):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(text):
        return f"'{text}"
    return text


def write_csv(out, rows):
    """`rows` (the header first) to the file-like `out`, every cell made safe for spreadsheets."""
    writer = csv.writer(out)
    writer.writerows([spreadsheet_cell(value) for value in row] for row in rows)


def standings_csv(standings):
    """(file name, rows): the classification (`?after=N` as the page), one row per skater."""
    suffix = f"-after-{standings.after}" if standings.requested_after else ""
    filename = f"{standings.championship.slug}-standings{suffix}.csv"
    next_distance = standings.next_distance
    distances = standings.skated_distances
    header = ["rank", "status", "skater", "country"]
    for d in distances:
        name = f"{d.meters} m #{d.order}"
        header += [f"{name} time", f"{name} status", f"{name} rank", f"{name} points", f"{name} badges"]
    header += ["points", "behind leader"]
    if next_distance:
        header.append(f"behind leader s on {next_distance.meters} m")
    header += ["behind previous", "change", "qualification"]
    rows = [header]
    for row in standings.rows:
        status = row.status or ("to skate" if row.still_to_skate else None)
        line = [row.rank, status, row.skater.name, row.skater.country]
        cells = {cell.distance.order: cell for cell in row.cells}
        for d in distances:
            cell = cells.get(d.order)
            if cell is None:
                line += [None] * 5
                continue
            line += [
                time_text(cell.time),
                cell.status,
                cell.rank,
                points_text(cell.points),
                " ".join(cell.badges),
            ]
        line += [points_text(row.points), points_text(row.behind_leader)]
        if next_distance:
            line.append(seconds_text(row.behind_leader_seconds))
        line += [points_text(row.behind_previous), row.change, row.qualification]
        rows.append(line)
    return filename, rows


DISTANCE_HEADER = [
    "rank",
    "skater",
    "country",
    "time",
    "status",
    "behind",
    "points",
    "badges",
    "pair",
    "lane",
    "splits",
]


def distance_csv(standings, order):
    """(file name, rows): a distance's results, then those of its start list without a result
    yet, with pair and lane."""
    sheet = standings.sheet(order)
    filename = f"{standings.championship.slug}-distance-{order}-{sheet.distance.meters}m.csv"
    lanes = {}
    for pair in sheet.pairs:
        for lane, skater in ((Start.Lane.INNER, pair.inner), (Start.Lane.OUTER, pair.outer)):
            if skater is not None:
                lanes[skater.pk] = (pair.number, lane.value)
    rows = [DISTANCE_HEADER]
    for placing in sheet.placings:
        pair, lane = lanes.get(placing.skater.pk, (None, None))
        rows.append(
            [
                placing.rank,
                placing.skater.name,
                placing.skater.country,
                time_text(placing.time),
                placing.status,
                seconds_text(placing.behind_winner),
                points_text(placing.points),
                " ".join(placing.badges),
                pair,
                lane,
                " ".join(split or "-" for split in placing.splits or ()),
            ]
        )
    listed = {placing.skater.pk for placing in sheet.placings}
    for skater_id, (pair, lane) in lanes.items():
        if skater_id not in listed:
            skater = standings.skaters[skater_id]
            rows.append([None, skater.name, skater.country, *[None] * 5, pair, lane, None])
    return filename, rows

"""Save-to-render: what a push renders after one save, for the seed as the fan-out saves it and
for generated fields of N skaters."""

import json
import random
import statistics
import time

from bench.official import SLUG
from bench.supervisor import BASE

SEED_COPY = "bench-render"  # a copy of the demo championship: the fan-out's stays as it is


def current_frame():
    from django.core.cache import cache

    from championships.live import rendering as live

    cache.clear()
    return live.current_fragments(SLUG)


COUNTRIES = ["NED", "NOR", "JPN", "USA", "CAN", "GER", "ITA", "CHN", "KOR", "POL", "BEL", "AUT"]


def make_field(n, seed=0):
    """A sprint championship file (500/1000/500/1000) with n skaters: three distances skated,
    the last one half skated (the most a save recomputes: classification, chases, four sheets)."""
    rng = random.Random(seed + n)
    meters = [500, 1000, 500, 1000]
    skaters = [
        {
            "name": f"Skater {i:03d}",
            "country": COUNTRIES[i % len(COUNTRIES)],
            "pb": {"500": f"{rng.uniform(36.5, 39.5):.2f}", "1000": f"1:{rng.uniform(13.5, 19.5):05.2f}"},
        }
        for i in range(n)
    ]
    pairs, results = [], []
    for order, m in enumerate(meters, start=1):
        names = [s["name"] for s in skaters]
        rng.shuffle(names)
        for p in range(0, n, 2):
            pair = {"distance": order, "pair": p // 2 + 1, "inner": names[p]}
            if p + 1 < n:
                pair["outer"] = names[p + 1]
            pairs.append(pair)
        skated = names if order < 4 else names[: n // 2]
        for name in skated:
            if rng.random() < 0.01:
                results.append({"distance": order, "skater": name, "status": "DQ"})
                continue
            t = rng.uniform(37.0, 40.5) if m == 500 else rng.uniform(73.0, 80.0)
            text = f"{t:.2f}" if t < 60 else f"1:{t - 60:05.2f}"
            results.append({"distance": order, "skater": name, "time": text})
    return {
        "format": "sprintboard-championship",
        "version": 1,
        "name": f"Benchmark sprint, {n} skaters",
        "slug": f"bench-field-{n}",
        "kind": "sprint",
        "venue": {"name": "Benchmark Oval", "city": "Loopback", "country": "NED"},
        "distances": [
            {"order": i, "meters": m, "date": f"2026-01-{10 + (i - 1) // 2:02d}"}
            for i, m in enumerate(meters, 1)
        ],
        "skaters": skaters,
        "pairs": pairs,
        "results": results,
        "records": [
            {"kind": "TR", "meters": 500, "time": "36.90"},
            {"kind": "TR", "meters": 1000, "time": "1:12.80"},
        ],
    }


def run_render(fields, repeats, log):
    from decimal import Decimal

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from championships.championship_file import load
    from championships.forms import result_form
    from championships.live import rendering as live
    from championships.models import Start
    from championships.standings import Standings

    rows = []
    for n in fields:
        championship = load(make_field(n), replace=True)
        distance = championship.distances.get(order=4)
        done = set(distance.results.values_list("skater_id", flat=True))
        waiting = [
            s.skater
            for s in Start.objects.filter(distance=distance).select_related("skater").order_by("pair", "lane")
            if s.skater_id not in done
        ]
        times, queries = [], []
        html = ""
        for i in range(repeats):
            # One save, as an official's (its push renders nothing: nobody follows here); then
            # what a push renders, timed.
            form = result_form(distance, waiting[i % len(waiting)], time=Decimal("74.00") + i)
            assert form.is_valid(), form.errors
            with transaction.atomic():
                form.save()
            championship.refresh_from_db()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                html = live.render_fragments(Standings(championship))
                times.append(time.perf_counter() - started)
            queries.append(len(captured))
        row = {
            "skaters": n,
            "render_ms": 1000 * statistics.median(times),
            "queries": max(queries),
            "frame_kb": len(html.encode()) / 1024,
        }
        log(
            f"  field of {n:>3}: {row['render_ms']:.1f} ms, {row['queries']} queries, {row['frame_kb']:.0f} KB frame"
        )
        rows.append(row)
    return rows


def run_seed_render(repeats, log):
    """The seed before its final 1000 m, pair 1 saved again and again with another time (as the
    fan-out's official does); after each save, what `live.changes.broadcast` does before its first
    `group_send`: the championship read, the standings read and scored once, the frame of the
    changed distance rendered in English (the bench's spectators follow in English), and the
    same in English and Dutch (both followed). Median and fastest of `repeats` saves."""
    from decimal import Decimal

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from championships.championship_file import load
    from championships.forms import result_form
    from championships.live import rendering as live
    from championships.models import Championship, Start
    from championships.standings import Standings

    with open(BASE / "data" / f"{SLUG}.json", encoding="utf-8") as f:
        championship = load({**json.load(f), "slug": SEED_COPY}, replace=True, results_until=3)
    distance = championship.distances.get(order=4)
    pair = list(Start.objects.filter(distance=distance, pair=1).select_related("skater").order_by("lane"))

    def push(languages):
        fresh = Championship.objects.filter(pk=championship.pk).first()
        standings = Standings(fresh)
        return [live.render_fragments(standings, language, distances={4}) for language in languages]

    rows = []
    for languages in (["en"], ["en", "nl"]):
        times, queries = [], []
        for i in range(repeats):
            hundredths = 7357 + (len(rows) * repeats + i) % 90
            with transaction.atomic():
                for start, time_ in zip(pair, (Decimal(hundredths) / 100, Decimal("74.02"))):
                    form = result_form(distance, start.skater, time=time_)
                    assert form.is_valid(), form.errors
                    form.save()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                push(languages)
                times.append(time.perf_counter() - started)
            queries.append(len(captured))
        row = {
            "languages": "+".join(languages),
            "render_ms": 1000 * statistics.median(times),
            "fastest_ms": 1000 * min(times),
            "queries": max(queries),
        }
        log(
            f"  the seed, a save of pair 1 in {row['languages']}: {row['render_ms']:.1f} ms"
            f" (fastest {row['fastest_ms']:.1f}), {row['queries']} queries"
        )
        rows.append(row)
    championship.delete()
    return rows

"""Bytes on the wire: the seed's frames, as a page connecting and each kind of push get them, raw
and as permessage-deflate would send them (without context takeover: the only way one compressed
frame could serve every spectator; bench/README.md says why it is not negotiated)."""

import json
import zlib
from decimal import Decimal

from bench.official import SLUG
from bench.supervisor import BASE

COPY = "bench-frames"  # a copy of the demo championship: the fan-out's stays as it is

# A page kind and the live regions it shows (static/sprintboard.js sends them on connecting).
PAGES = {
    "standings": frozenset({"race", "classification"}),
    "distance 4": frozenset({"race", "distance-4"}),
    "head-to-head": frozenset({"race"}),
    "TV": None,
}


def deflated(frame):
    compressor = zlib.compressobj(wbits=-15)
    return len(compressor.compress(frame.encode()) + compressor.flush(zlib.Z_SYNC_FLUSH)) - 4


def run_frames(log):
    from championships.championship_file import load
    from championships.forms import result_form
    from championships.live.rendering import render_fragments, render_race
    from championships.live.shown import Shown
    from championships.models import Start
    from championships.standings import Standings

    with open(BASE / "data" / f"{SLUG}.json", encoding="utf-8") as f:
        seed = json.load(f)
    championship = load({**seed, "slug": COPY}, replace=True, results_until=3)
    shown = Shown(render_fragments(Standings(championship)))
    rows = []
    for page, regions in PAGES.items():
        rows.append((f"connect: {page}, no state held", shown.connect_frame(regions)))
    rows.append(
        ("connect: standings just loaded", shown.connect_frame(PAGES["standings"], f"r{shown.revision}"))
    )
    distance = championship.distances.get(order=4)
    starts = list(Start.objects.filter(distance=distance).select_related("skater").order_by("pair", "lane"))
    pushes = []
    for i, start in enumerate(starts):
        form = result_form(distance, start.skater, time=Decimal("74.40") - Decimal(i) / 10)
        assert form.is_valid(), form.errors
        form.save()
        championship.refresh_from_db()
        pushes.append(shown.update(render_fragments(Standings(championship), distances={4})))
    rows.append(("push: first result of the last distance", pushes[0]))
    middle = sorted(pushes[1:-1], key=len)
    rows.append(("push: a saved result (median of the others)", middle[len(middle) // 2]))
    rows.append(("push: a saved result (largest of the others)", middle[-1]))
    rows.append(("push: the last result (podium, charts)", pushes[-1]))
    form = result_form(distance, starts[3].skater, time=Decimal("74.45"))
    assert form.is_valid(), form.errors
    form.save()
    championship.refresh_from_db()
    rows.append(
        ("push: a correction", shown.update(render_fragments(Standings(championship), distances={4})))
    )
    rows.append(("push: a passing (the race panel)", render_race(Standings(championship))))
    championship.delete()
    rows += seed_final_pushes(seed)
    out = [{"frame": what, "bytes": len(html.encode()), "deflated": deflated(html)} for what, html in rows]
    for row in out:
        log(f"  {row['frame']:<46} {row['bytes']:>7} B raw, {row['deflated']:>6} B deflated")
    return out


def seed_final_pushes(seed):
    """The final 1000 m as it was skated, pair by pair with its published times (above, every save
    is a new leader: the worst case)."""
    from championships.championship_file import load
    from championships.forms import result_form
    from championships.live.rendering import render_fragments
    from championships.live.shown import Shown
    from championships.models import Start
    from championships.standings import Standings
    from championships.times import parse_time

    championship = load({**seed, "slug": COPY}, replace=True, results_until=3)
    times = {r["skater"]: r for r in seed["results"] if r["distance"] == 4}
    shown = Shown(render_fragments(Standings(championship)))
    distance = championship.distances.get(order=4)
    pushes = []
    for start in Start.objects.filter(distance=distance).select_related("skater").order_by("pair", "lane"):
        published = times[start.skater.name]
        time = parse_time(published["time"]) if published.get("time") else None
        form = result_form(distance, start.skater, time=time, status=published.get("status"))
        assert form.is_valid(), form.errors
        form.save()
        championship.refresh_from_db()
        pushes.append(shown.update(render_fragments(Standings(championship), distances={4})))
    championship.delete()
    middle = sorted(pushes[1:-1], key=len)
    return [
        ("push: the seed's final 1000 m, median", middle[len(middle) // 2]),
        ("push: the seed's final 1000 m, largest", middle[-1]),
    ]

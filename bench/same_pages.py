"""Every page and live frame of the seed at every step of its final 1000 m, in English and Dutch,
written to a directory or compared with one: a change meant to make rendering faster must leave
every byte as it was.

    .venv/bin/python bench/same_pages.py --write /tmp/before      # on the code as it was
    .venv/bin/python bench/same_pages.py --compare /tmp/before    # on the code as it is: exit 1 on a difference

The seed is loaded up to distance 3; the timing feed's recording of the final 1000 m
(data/wk-sprint-2024-women-1000m-2.jsonl) is sent event by event (starts, passings, finishes:
the race panel in each state, results saved by the feed), then an official corrects a time,
disqualifies a skater and marks the distance official. After each step: the live frames
(`render_fragments` whole and of distance 4, `render_race`, `current_fragments`) and the pages
(standings, TV, distances, head-to-head, overlay, commentary, a skater, print, CSV, JSON; some
with `?after=`). The clocks (`#updated`, a correction's, a print's) and the CSRF tokens are masked. Its own SQLite database
in a temporary directory, or --database-url (PostgreSQL: a database of its own, dropped after).
"""

import argparse
import json
import os
import re
import sys
import tempfile
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
SLUG = "wk-sprint-2024-women"
RECORDING = BASE / "data" / "wk-sprint-2024-women-1000m-2.jsonl"
LANGUAGES = ("en", "nl")
# What varies from one run to the next: the clock of the update, CSRF tokens, CSP nonces.
MASKS = [
    (re.compile(r"\b\d\d:\d\d(:\d\d)? (CET|CEST|UTC)\b"), "HH:MM TZ"),  # updated, corrected at
    (re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+'), r"\1CSRF"),
    (re.compile(r'(nonce=")[^"]+'), r"\1NONCE"),
    (re.compile(r'(<footer class="sheet-foot">)[^<]*'), r"\1PRINTED"),
]


def masked(text):
    for pattern, replacement in MASKS:
        text = pattern.sub(replacement, text)
    return text


def setup(database_url):
    os.environ.setdefault("SECRET_KEY", "django-insecure-sprintboard-same-pages-only")
    os.environ["DJANGO_SETTINGS_MODULE"] = "sprintboard.settings"
    os.environ.pop("REDIS_URL", None)
    workdir = tempfile.mkdtemp(prefix="same-pages-")
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{Path(workdir) / 'same.sqlite3'}"
    sys.path.insert(0, str(BASE))
    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    if database_url:
        from django.db import connection

        # A database of its own, as the tests make theirs.
        connection.creation.create_test_db(verbosity=0, autoclobber=True)
    else:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)


def steps():
    """(name, action) for every step: the feed's events, then an official's changes."""
    from decimal import Decimal

    from championships.forms import result_form
    from championships.models import Distance, Start

    def official(skater_index, **outcome):
        def act(championship, client, secret):
            distance = Distance.objects.get(championship=championship, order=4)
            start = Start.objects.filter(distance=distance).order_by("pair", "lane")[skater_index]
            form = result_form(distance, start.skater, **outcome)
            assert form.is_valid(), form.errors
            form.save()

        return act

    def send(event):
        def act(championship, client, secret):
            answer = client.post(
                f"/api/timing/{SLUG}/events",
                json.dumps({"events": [event]}),
                content_type="application/json",
                headers={"Authorization": f"Bearer {secret}"},
            )
            assert answer.status_code == 200, answer.content

        return act

    def mark_official(championship, client, secret):
        distance = Distance.objects.get(championship=championship, order=4)
        distance.official = True
        distance.save()

    out = [("loaded", lambda *args: None)]
    for line in RECORDING.read_text().splitlines():
        event = json.loads(line)
        event.pop("at")
        out.append((event["id"], send(event)))
    out += [
        ("corrected", official(2, time=Decimal("75.31"))),
        ("disqualified", official(5, status="DQ")),
        ("official", mark_official),
    ]
    return out


def pages(championship, step):
    """The URLs of the pages rendered after `step` (the quick ones every step, the rest every few)."""
    skaters = list(championship.skaters.order_by("pk").values_list("pk", flat=True))
    slug = championship.slug
    every = [
        f"/{slug}/",
        f"/{slug}/tv/",
        f"/{slug}/distances/4/",
        f"/{slug}/h2h/",
        f"/{slug}/overlay/",
        f"/{slug}/standings.json",
    ]
    some = [
        f"/{slug}/?after=2",
        f"/{slug}/?what_if={skaters[3]}:4:1:12.80",
        *(f"/{slug}/distances/{order}/" for order in (1, 2, 3)),
        f"/{slug}/h2h/?a={skaters[0]}&b={skaters[1]}",
        f"/{slug}/commentary/",
        f"/{slug}/skaters/{skaters[2]}/",
        f"/{slug}/standings.csv",
        f"/{slug}/distances/4/results.csv",
        f"/{slug}/print/classification/",
        f"/{slug}/print/results/4/",
        f"/{slug}/print/start-list/4/",
        "/",
    ]
    return every + (some if step % 5 == 0 else [])


def render_all():
    """{name: text} of every frame and page at every step."""
    from django.core.cache import cache
    from django.test import Client

    from championships.championship_file import load
    from championships.live import rendering as live
    from championships.standings import Standings
    from championships.timing.models import TimingToken

    with open(BASE / "data" / f"{SLUG}.json", encoding="utf-8") as f:
        championship = load(json.load(f), replace=True, results_until=3)
    secret = TimingToken.issue(championship, "Vantage main")[1]
    client = Client()
    out = {}
    for number, (name, act) in enumerate(steps()):
        act(championship, client, secret)
        championship.refresh_from_db()
        step = f"{number:02d}-{name}"
        for language in LANGUAGES:
            standings = Standings(championship)
            out[f"{step}/{language}/frame"] = live.render_fragments(standings, language)
            out[f"{step}/{language}/frame-4"] = live.render_fragments(standings, language, distances={4})
            out[f"{step}/{language}/race"] = live.render_race(standings, language)
            cache.clear()
            out[f"{step}/{language}/connect"] = live.current_fragments(championship.slug, language)
            for url in pages(championship, number):
                answer = client.get(url, headers={"accept-language": language})
                assert answer.status_code == 200, (url, answer.status_code)
                out[f"{step}/{language}/{url}"] = answer.content.decode()
    return {key: masked(text) for key, text in out.items()}


def file_name(key):
    return re.sub(r"[^A-Za-z0-9.=-]+", "_", key).strip("_") + ".html"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", help="write every page and frame to this directory")
    action.add_argument("--compare", help="compare every page and frame with this directory's")
    parser.add_argument("--database-url", help="e.g. postgres://...: a test database made from it")
    args = parser.parse_args()
    setup(args.database_url)
    rendered = render_all()
    if args.write:
        directory = Path(args.write)
        directory.mkdir(parents=True, exist_ok=True)
        for key, text in rendered.items():
            (directory / file_name(key)).write_bytes(text.encode())
        print(f"{len(rendered)} pages and frames written to {directory}")
        return 0
    directory = Path(args.compare)
    differ = []
    for key, text in rendered.items():
        path = directory / file_name(key)
        if not path.exists() or path.read_bytes() != text.encode():
            differ.append(key)
    expected = {p.name for p in directory.glob("*.html")}
    missing = expected - {file_name(key) for key in rendered}
    print(f"{len(rendered)} pages and frames compared: {len(differ)} differ, {len(missing)} missing")
    for key in differ[:20]:
        print(f"  differs: {key}")
    for name in sorted(missing)[:20]:
        print(f"  missing: {name}")
    return 1 if differ or missing else 0


if __name__ == "__main__":
    sys.exit(main())

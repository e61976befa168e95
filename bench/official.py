"""The benchmark's Django (its own SQLite database), the demo championship and an official who
saves pair 1 of the final 1000 m through a server's admin over HTTP, reading the server's marks
(bench/marks.py) for when the save committed and was sent."""

import json
import os
import sys
import time
import urllib.parse
from http.client import HTTPConnection
from pathlib import Path

from bench.supervisor import BASE

SLUG = "wk-sprint-2024-women"


def setup_django(workdir):
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(workdir) / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.pop("REDIS_URL", None)  # this process never publishes: the servers do
    sys.path.insert(0, str(BASE))
    import django

    django.setup()
    import logging

    logging.getLogger("championships").setLevel(logging.WARNING)


def seed_demo():
    """The demo championship before the final 1000 m, an official and a session for them."""
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from championships.championship_file import load
    from championships.officials import ensure_official, session_key_for

    call_command("migrate", verbosity=0, interactive=False)
    with open(BASE / "data" / f"{SLUG}.json", encoding="utf-8") as f:
        championship = load(json.load(f), replace=True, results_until=3)
    username, _ = ensure_official()
    session_key = session_key_for(User.objects.get(username=username))
    csrf = "b" * 32  # an unmasked 32-character secret, sent as cookie and form field
    cookie = f"{settings.SESSION_COOKIE_NAME}={session_key}; {settings.CSRF_COOKIE_NAME}={csrf}"
    distance = championship.distances.get(order=4)
    return {"distance": distance.pk, "cookie": cookie, "csrf": csrf}


class Official:
    """Saves pair 1 of the final 1000 m through a server's admin, a different time each save."""

    def __init__(self, seed, marks):
        self.seed = seed
        self.marks = Path(marks)
        self.count = 0

    def save(self, port):
        from django.urls import reverse

        self.count += 1
        hundredths = 7357 + self.count % 90  # 1:13.57, 1:13.58, ...: every save changes the standings
        inner = f"1:{hundredths // 100 - 60}.{hundredths % 100:02d}"
        url = reverse("admin:championships_distance_pair", args=[self.seed["distance"], 1])
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": self.seed["csrf"], "inner": inner, "outer": "1:14.02"}
        )
        seen = self.marks.stat().st_size if self.marks.exists() else 0
        connection = HTTPConnection("127.0.0.1", port, timeout=30)
        started = time.monotonic()
        connection.request(
            "POST",
            url,
            body,
            {
                "Cookie": self.seed["cookie"],
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://127.0.0.1:{port}{url}",
            },
        )
        response = connection.getresponse()
        response.read()
        answered = time.monotonic()
        connection.close()
        if response.status != 302:
            raise RuntimeError(f"the pair entry refused the save: HTTP {response.status}")
        with open(self.marks, encoding="ascii") as f:
            f.seek(seen)
            events = [line.split() for line in f.read().splitlines()]
        commits = [float(t) for e, t in events if e == "commit"]
        sent = [float(t) for e, t in events if e.startswith("sent:")]
        sends = [float(t) for e, t in events if e.startswith("send:")]
        if not commits:
            raise RuntimeError("the server recorded no commit for the save (BENCH_MARKS)")
        if os.environ.get("BENCH_TRACE"):
            print(
                "    trace:",
                ", ".join(f"{e} +{1000 * (float(t) - commits[0]):.0f}" for e, t in events),
                f"answered +{1000 * (answered - commits[0]):.0f}",
            )
        return {
            "posted": started,
            "t0": commits[0],
            "pushed": sent[-1] if sent else None,  # the last frame with the layer
            "rendered": sends[0] if sends else None,
            "answered": answered,
        }

"""Replay a timing system's recording through the feed, at a pace (docs/timing.md)."""

import json
import time
import urllib.error
import urllib.request

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from championships.models import Championship
from championships.timing import feed, vantage
from championships.timing.models import TimingToken
from championships.timing.recordings import FORMATS, RecordingError, batches, lines, own_events

# The token the in-process replays write their events under (never shown: nothing sends it).
IN_PROCESS = "replay_timing (in process)"


class Command(BaseCommand):
    help = (
        "Replay a recording (one JSON event per line: the feed's own events or Emando Vantage's) "
        "with its recorded spacing divided by --pace. With --server and --token, through that "
        "running server's feed, as a timing system would; without, in this process."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("file")
        parser.add_argument("--distance", type=int, required=True, help="the distance's order (1..n)")
        parser.add_argument("--format", choices=FORMATS, default="sprintboard")
        parser.add_argument("--pace", type=float, default=1.0, help="speed-up (0: as fast as possible)")
        parser.add_argument("--server", help="base URL of the running site, e.g. http://127.0.0.1:8000")
        parser.add_argument("--token", help="the feed token (manage.py timing_token) for --server")

    def handle(self, slug, file, distance, format, pace, server=None, token=None, **options):
        if server and not token:
            raise CommandError(
                "--server needs --token: make one with `manage.py timing_token SLUG --name NAME`"
            )
        if token and not server:
            raise CommandError("--token is for --server; without it the replay runs in this process")
        if pace < 0:
            raise CommandError("--pace must be 0 (as fast as possible) or more")
        championship = Championship.objects.filter(slug=slug).first()
        if championship is None:
            raise CommandError(f"no championship {slug!r}")
        distance_obj = championship.distances.filter(order=distance).first()
        if distance_obj is None:
            raise CommandError(f"{championship} has no distance {distance}")
        read = vantage.events if format == "vantage" else own_events
        try:
            recorded = read(lines(file), distance_obj)
        except RecordingError as error:
            raise CommandError(f"{file} is refused, nothing was sent: {error}")
        send = self.through_server(server, slug, token) if server else self.in_process(championship)
        totals = feed.Outcome()
        for wait, events in batches(recorded, pace):
            time.sleep(wait)
            answer = send(events)
            totals.accepted += answer["accepted"]
            totals.duplicates += answer["duplicates"]
            totals.kept += answer["kept"]
            for event in events:
                self.stdout.write(describe(event))
        self.stdout.write(
            f"{totals.accepted} events accepted, {totals.duplicates} already taken"
            + (f", official results kept for {', '.join(map(str, totals.kept))}" if totals.kept else "")
        )

    def in_process(self, championship):
        token = championship.timing_tokens.active().filter(name=IN_PROCESS).first()
        if token is None:
            token, _ = TimingToken.issue(championship, IN_PROCESS)

        def send(events):
            try:
                return feed.apply_batch(token, events).as_dict()
            except feed.BatchRefused as refused:
                raise CommandError("the feed refused the events: " + "; ".join(map(str, refused.errors)))
            except feed.Conflict as conflict:
                raise CommandError(str(conflict))

        return send

    def through_server(self, server, slug, token):
        url = server.rstrip("/") + reverse("timing:events", args=[slug])

        def send(events):
            body = json.dumps({"events": events}).encode()
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            while True:
                request = urllib.request.Request(url, data=body, headers=headers, method="POST")
                try:
                    with urllib.request.urlopen(request, timeout=30) as response:
                        return json.load(response)
                except urllib.error.HTTPError as error:
                    if error.code == 429:  # the same ids again are safe: retried after the wait
                        time.sleep(float(error.headers.get("Retry-After") or 1))
                        continue
                    raise CommandError(f"{url} answered {error.code}: {server_says(error)}")
                except urllib.error.URLError as error:
                    raise CommandError(f"cannot reach {server}: {error.reason}")

        return send


def server_says(error):
    try:
        return "; ".join(e["message"] for e in json.load(error)["errors"])
    except (ValueError, KeyError, TypeError):
        return error.reason


def describe(event):
    where = f"pair {event['pair']}" + (f" {event['lane']}" if "lane" in event else "")
    what = {
        "passing": lambda: f"{event.get('meters')} m {event.get('time')}",
        "finish": lambda: f"finish {event.get('time')} ({event.get('source', 'transponder')})",
        "status": lambda: f"status {event.get('status')}",
    }.get(event["type"], lambda: event["type"])()
    return f"{where}: {what}"

"""Enter a distance's results from a championship file pair by pair, as an official would."""

import json
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from championships.championship_file import check
from championships.display import result_text
from championships.forms import PairEntryForm
from championships.history import door
from championships.models import Championship
from championships.officials import OFFICIALS_GROUP, session_cookies, session_key_for


class Command(BaseCommand):
    help = (
        "Replay a distance from a championship file: enter each pair's results at a chosen pace "
        "through the officials' pair entry. With --server, through that running server's admin "
        "(so its browsers update whatever the channel layer); without, in this process."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--distance", type=int, required=True)
        parser.add_argument("--source", required=True, help="championship file holding the results")
        parser.add_argument("--pace", type=float, default=5.0, help="seconds between pairs")
        parser.add_argument("--server", help="base URL of the running site, e.g. http://127.0.0.1:8000")

    @door("command replay")
    def handle(self, slug, distance, source, pace, server=None, **options):
        try:
            championship = Championship.objects.get(slug=slug)
            distance_obj = championship.distances.get(order=distance)
        except Championship.DoesNotExist:
            raise CommandError(f"no championship {slug!r}")
        except championship.distances.model.DoesNotExist:
            raise CommandError(f"{championship} has no distance {distance}")
        with open(source, encoding="utf-8") as f:
            checked = check(json.load(f))
        entries = {
            name: (time, status) for order, name, time, status, *_ in checked.results if order == distance
        }
        starts = list(distance_obj.starts.select_related("skater").order_by("pair", "lane"))
        if not starts:
            raise CommandError(f"{distance_obj} has no start list to replay")
        enter = self.through_server(server, distance_obj) if server else self.in_process(distance_obj)
        for number in sorted({s.pair for s in starts}):
            pair = [s for s in starts if s.pair == number]
            data = {}
            for start in pair:
                time_, status = entries.get(start.skater.name, (None, None))
                data[start.lane] = result_text(time_, status)
            enter(number, pair, data)
            self.stdout.write(
                f"pair {number}: " + ", ".join(f"{s.skater.name} {data[s.lane] or '-'}" for s in pair)
            )
            if number != starts[-1].pair:
                time.sleep(pace)

    def in_process(self, distance):
        def enter(number, pair, data):
            form = PairEntryForm(data, distance=distance, starts=pair)
            if not form.is_valid() or form.save() is None:
                raise CommandError(f"pair {number}: {form.errors.as_text()}")

        return enter

    def through_server(self, server, distance):
        """Post to the admin's pair entry as an official, with a session made in the shared database."""
        official = User.objects.filter(groups__name=OFFICIALS_GROUP, is_active=True).first()
        if official is None:
            raise CommandError("no official login: run `manage.py demo` or create one in the Officials group")
        session_key = session_key_for(official)
        csrf = secrets.token_hex(16)  # a 32-character secret: Django accepts it unmasked
        host = urllib.parse.urlsplit(server).hostname
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(session_cookies(host, session_key, csrf))
        )

        def enter(number, pair, data):
            url = server.rstrip("/") + reverse(
                "admin:championships_distance_pair", args=[distance.pk, number]
            )
            body = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, **data}).encode()
            request = urllib.request.Request(url, data=body, headers={"Referer": url})
            try:
                with opener.open(request) as response:
                    page = response.read().decode()
                    landed = urllib.parse.urlsplit(response.geturl()).path
            except urllib.error.URLError as error:
                raise CommandError(f"cannot reach {server}: {error.reason}")
            if landed == reverse("admin:login"):
                raise CommandError(
                    f"{server} did not take the official's session: is it using this database and SECRET_KEY?"
                )
            if 'class="errorlist' in page:
                raise CommandError(f"pair {number} was refused by the server")

        return enter

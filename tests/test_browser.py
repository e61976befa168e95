"""A real browser: a spectator's standings page updates live, without a reload, when an official
enters a time in the admin's pair entry screen.

`ChannelsLiveServerTestCase` serves the whole ASGI application with daphne in a subprocess (the
test database is a file, see settings), so this goes through daphne, htmx 4 with hx-ws, the
origin validator, the admin, `on_commit` and the in-process channel layer of that one server
process. The save is made through the browser, not from the test process: with the in-process
layer, only a save in the server process reaches its WebSocket consumers.

Playwright drives Debian's Chromium (`/usr/bin/chromium`); `playwright install` is not needed.
"""

from urllib.parse import urlsplit

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from championships.models import Result, Start
from championships.officials import ensure_official
from tests.support.browser import BrowserTestCase
from tests.support.seed import SEED_SLUG as SLUG

LIVE_TIMEOUT_MS = 5_000  # "within a few seconds"
PAGE_TIMEOUT_MS = 15_000


@pytest.mark.slow
class LiveStandingsInTheBrowserTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        self.final_1000 = self.championship.distances.get(order=4)
        self.kok = self.championship.skaters.get(name="Femke Kok")
        self.username, self.password = ensure_official()
        # Kok skates pair 5 of the final 1000 m: her lane decides which field is hers.
        self.kok_start = Start.objects.get(distance=self.final_1000, skater=self.kok)
        self.assertEqual(self.kok_start.pair, 5)

    def new_page(self):
        context = self.browser.new_context(locale="en-US")
        self.addCleanup(context.close)
        page = context.new_page()
        page.set_default_timeout(PAGE_TIMEOUT_MS)
        return page

    def test_an_official_s_time_reaches_the_open_standings_page(self):
        from playwright.sync_api import expect

        # The spectator opens the standings and waits until the page says it is live.
        spectator = self.new_page()
        with spectator.expect_websocket() as socket_info:
            spectator.goto(f"{self.live_server_url}/{SLUG}/")
        socket = socket_info.value
        self.assertEqual(urlsplit(socket.url).path, f"/ws/{SLUG}/")
        expect(spectator.locator(".connection")).to_have_attribute("data-state", "live")
        kok_total = spectator.locator(f'#classification tr[data-skater="{self.kok.pk}"] td.total')
        expect(kok_total).to_have_text("111.315")
        spectator.evaluate("window.__notReloaded = true")
        frames = []
        socket.on("framereceived", lambda payload: frames.append(payload))

        # The official logs in and enters Kok's time in her lane of pair 5.
        official = self.new_page()
        official.goto(f"{self.live_server_url}/admin/login/")
        official.fill("#id_username", self.username)
        official.fill("#id_password", self.password)
        with official.expect_navigation():
            official.click("input[type=submit]")
        expect(official.locator("#user-tools")).to_contain_text(self.username)

        entry_url = reverse("admin:championships_distance_pair", args=[self.final_1000.pk, 5])
        official.goto(f"{self.live_server_url}{entry_url}")
        lane = official.locator(f'#pair-entry input[name="{self.kok_start.lane}"]')
        expect(official.locator(f'label[for="id_{self.kok_start.lane}"]')).to_contain_text("Femke Kok")
        lane.fill("1:13.57")
        with official.expect_navigation():
            official.click('#pair-entry input[type="submit"]')
        # Takagi's lane is left empty: the entry asks, and one more Save confirms.
        expect(official.locator("#problems")).to_contain_text("Outer lane (Miho Takagi) is empty")
        with official.expect_navigation():
            official.click('#pair-entry input[type="submit"]')

        # Pair 5 is the last pair: the entry goes to the first pair still to enter and says what was saved.
        self.assertTrue(official.url.endswith(entry_url.replace("/pairs/5/", "/pairs/1/")), official.url)
        messages = official.locator("ul.messagelist")
        expect(messages.locator("li.success")).to_contain_text("Femke Kok: 1:13.57")
        expect(messages).to_contain_text("That was the last pair")

        # The spectator's page changes in place, without a reload, within a few seconds.
        expect(kok_total).to_have_text("148.100", timeout=LIVE_TIMEOUT_MS)
        self.assertTrue(spectator.evaluate("window.__notReloaded === true"), "the page was reloaded")
        expect(spectator.locator(".connection")).to_have_attribute("data-state", "live")
        self.assertTrue(any("148.100" in str(frame) for frame in frames), "no frame carried 148.100")

        # The result is stored, and the admin history says who entered it.
        result = Result.objects.get(distance=self.final_1000, skater=self.kok)
        self.assertEqual(str(result.time), "73.57")
        entry = LogEntry.objects.get(
            content_type=ContentType.objects.get_for_model(Result), object_id=str(result.pk)
        )
        self.assertEqual(entry.user.username, self.username)
        self.assertEqual(entry.action_flag, ADDITION)  # she had no time on distance 4 before
        self.assertIn("1:13.57", entry.object_repr)

"""A real browser: the demo's recording replayed through the timing feed of a daphne server makes
an open standings page show the pair on the ice, 200 m then 600 m, then its result and the new
classification, without a reload.

The replay posts to the feed over HTTP (`replay_timing --server`), as a timing system would: the
feed's writes happen in the server process, whose in-process channel layer reaches its pages.
Browser set-up in tests/support/browser.py.
"""

import io
import json
import shutil
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command

from championships.timing.models import TimingToken
from tests.support.browser import BrowserTestCase
from tests.support.seed import SEED_SLUG as SLUG

RECORDING = Path(__file__).resolve().parents[1] / "data" / "wk-sprint-2024-women-1000m-2.jsonl"
LIVE_TIMEOUT_MS = 5_000


@pytest.mark.slow
class PairOnTheIceInTheBrowserTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        self.secret = TimingToken.issue(self.championship, "Vantage main")[1]
        self.grevelt = self.championship.skaters.get(name="Isabel Grevelt")

    def replay(self, *ids):
        """Replay these events of the recording through the server's feed."""
        lines = [line for line in RECORDING.read_text().splitlines() if json.loads(line)["id"] in ids]
        directory = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, directory, True)
        recording = Path(directory) / "part.jsonl"
        recording.write_text("\n".join(lines) + "\n")
        call_command(
            "replay_timing",
            SLUG,
            str(recording),
            distance=4,
            pace=0,
            server=self.live_server_url,
            token=self.secret,
            stdout=io.StringIO(),
        )

    def test_a_replay_through_the_feed_shows_the_pair_passing_by_passing_then_its_result(self):
        from playwright.sync_api import expect

        page = self.browser.new_context(locale="en-US").new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{self.live_server_url}/{SLUG}/")
        expect(page.locator(".connection")).to_have_attribute("data-state", "live")
        page.evaluate("window.__notReloaded = true")
        race = page.locator("#race")
        expect(race).to_be_hidden()
        grevelt = race.locator('tr[data-lane="outer"]')

        self.replay("wk24-d4-p1-start", "wk24-d4-p1-outer-200", "wk24-d4-p1-inner-200")
        expect(race).to_contain_text("1000 m, pair 1", timeout=LIVE_TIMEOUT_MS)
        expect(grevelt.locator("td").nth(0)).to_contain_text("18.57 (1)", timeout=LIVE_TIMEOUT_MS)

        self.replay("wk24-d4-p1-outer-600", "wk24-d4-p1-inner-600")
        expect(grevelt.locator("td").nth(1)).to_contain_text("46.13 (1)", timeout=LIVE_TIMEOUT_MS)
        expect(grevelt.locator("td").nth(1)).to_contain_text("27.56")

        self.replay("wk24-d4-p1-outer-finish-optical", "wk24-d4-p1-inner-finish-optical")
        expect(race).to_contain_text("finished", timeout=LIVE_TIMEOUT_MS)
        expect(grevelt.locator("td").nth(2)).to_contain_text("1:15.29 (1)")
        # The result and the classification as for a saved result: Grevelt classified over four distances.
        row = page.locator(f'#classification tr[data-skater="{self.grevelt.pk}"]')
        expect(row).to_contain_text("1:15.29", timeout=LIVE_TIMEOUT_MS)
        expect(page.locator("#classification h2")).to_contain_text("during the 1000 m")
        self.assertTrue(page.evaluate("window.__notReloaded === true"), "the page was reloaded")

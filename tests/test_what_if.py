"""What-if: the classification as it would be with a time nobody skated, through
`standings.json?what_if=` and the what-if panel of the standings page. Nothing is ever saved.

The seed's question (the final 1000 m of the World Sprint 2024, women): with Takagi's 1:13.13,
Kok on 1:12.45 leads (147.540 against 147.545) and on 1:12.46 ties (147.545).
"""

import os
from pathlib import Path
from unittest import mock

import pytest
from channels.testing import ChannelsLiveServerTestCase
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from championships.championship_file import load
from championships.models import Championship, Result, Skater, Start
from championships.officials import ensure_official
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, BrowserTestCase, DaphneProcessWithFreshThreads
from tests.support.pages import text
from tests.support.seed import seed_data

SLUG = "wk-sprint-2024-women"
FEED = f"/{SLUG}/standings.json"


@pytest.fixture
def takagi_skated(wk_sprint_after_3):
    """The seed after three distances, and Takagi's 1:13.13 on the final 1000 m."""
    call_command("enter_result", SLUG, distance=4, skater="Miho Takagi", time="1:13.13")
    return Championship.objects.get(slug=SLUG)


def skater(name):
    return Skater.objects.get(championship__slug=SLUG, name=name).pk


def what_if(client, *values):
    return client.get(FEED, [("what_if", value) for value in values])


def table(answer):
    return [(row["rank"], row["skater"]["name"], row["points"]) for row in answer["rows"]]


def test_kok_on_1_12_45_leads_the_final_classification(client, takagi_skated):
    revision = takagi_skated.revision
    response = what_if(client, f"{skater('Femke Kok')}:4:1:12.45")
    assert response.status_code == 200
    answer = response.json()
    assert answer["what_if"] is True
    assert answer["revision"] == revision
    assert answer["after_distance"] == 4
    assert table(answer)[:2] == [(1, "Femke Kok", "147.540"), (2, "Miho Takagi", "147.545")]
    kok = answer["rows"][0]
    assert kok["distances"][3] == {
        "order": 4,
        "time": "1:12.45",
        "points": "36.225",
        "rank": 1,
        "status": None,
        "badges": ["TR"],
    }
    assert answer["rows"][1]["behind_leader"] == "0.005"
    # Nothing saved: the real answer has no time for Kok, and the revision is the same.
    assert not Result.objects.filter(skater__name="Femke Kok", distance__order=4).exists()
    real = client.get(FEED).json()
    assert "what_if" not in real
    assert real["revision"] == revision
    assert table(real)[0] == (1, "Miho Takagi", "147.545")


def test_kok_on_1_12_46_ties_with_takagi(client, takagi_skated):
    answer = what_if(client, f"{skater('Femke Kok')}:4:1:12.46").json()
    assert table(answer)[:2] == [(1, "Miho Takagi", "147.545"), (1, "Femke Kok", "147.545")]


def test_several_what_ifs_and_a_status(client, takagi_skated):
    kok, leerdam = skater("Femke Kok"), skater("Jutta Leerdam")
    answer = what_if(client, f"{kok}:4:DQ", f"{leerdam}:4:1:12.86").json()
    assert table(answer)[:2] == [(1, "Miho Takagi", "147.545"), (2, "Jutta Leerdam", "148.265")]
    kok_row = next(row for row in answer["rows"] if row["skater"]["name"] == "Femke Kok")
    assert (kok_row["rank"], kok_row["status"], kok_row["distances"][3]["status"]) == (None, "NC", "DQ")


def test_a_what_if_replaces_a_saved_result_what_if_the_dq_is_overturned(client, wk_sprint):
    grevelt = skater("Isabel Grevelt")
    real = client.get(FEED).json()
    assert next(r for r in real["rows"] if r["skater"]["id"] == grevelt)["status"] == "NC"
    answer = what_if(client, f"{grevelt}:4:1:15.28").json()
    row = next(r for r in answer["rows"] if r["skater"]["id"] == grevelt)
    assert (row["rank"], row["points"], row["distances"][3]["time"]) == (8, "151.230", "1:15.28")


def test_after_distance_defaults_to_the_latest_a_what_if_names(client, wk_sprint):
    kok = skater("Femke Kok")
    answer = what_if(client, f"{kok}:1:36.50").json()
    assert answer["after_distance"] == 1
    assert table(answer)[0] == (1, "Femke Kok", "36.500")
    assert what_if(client, f"{kok}:1:36.50").json()["rows"][0]["distances"][0]["badges"] == ["TR"]
    after_2 = client.get(FEED, {"what_if": f"{kok}:1:36.50", "after": "2"}).json()
    assert after_2["after_distance"] == 2


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("999:4:1:12.45", "this championship has no skater '999'"),
        ("{kok}:9:1:12.45", "this championship has no distance '9'"),
        ("{kok}:0:1:12.45", "this championship has no distance '0'"),
        ("{kok}:4:1:12.455", "times are in hundredths, give at most two decimals"),
        ("{kok}:4:-72.45", "a time cannot be negative"),
        ("{kok}:4:0", "a time must be more than zero"),
        ("{kok}:4:fast", "unknown status 'fast'"),
        ("{kok}:4", "write it as <skater id>:<distance order>:<time or status>"),
        ("{kok}:4:", "write it as <skater id>:<distance order>:<time or status>"),
        ("kok:4:1:12.45", "this championship has no skater 'kok'"),
    ],
)
def test_bad_what_ifs_answer_400_with_a_message(client, takagi_skated, value, message):
    response = what_if(client, value.format(kok=skater("Femke Kok")))
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_two_what_ifs_for_one_skater_and_distance_are_refused(client, takagi_skated):
    kok = skater("Femke Kok")
    response = what_if(client, f"{kok}:4:1:12.45", f"{kok}:4:1:12.46")
    assert response.status_code == 400
    assert response.json() == {"error": "two what-ifs for the same skater and distance: give one"}


# --- the what-if panel of the standings page -------------------------------------------------------


def panel(client, **query):
    return client.get(f"/{SLUG}/", {"panel": "what-if", **query}, headers={"HX-Request": "true"})


def test_the_panel_shows_the_classification_as_it_would_be_marked_not_real(client, takagi_skated):
    response = panel(client, skater=skater("Femke Kok"), distance="4", time="1:12.45")
    html = response.content.decode()
    assert html.startswith('\n<section id="what-if"') or html.lstrip().startswith('<section id="what-if"')
    assert 'id="classification"' not in html  # the live classification stays the real one
    words = text(html)
    assert "What if — not a real result : Femke Kok 1:12.45 (1000 m #4)" in words
    assert "1 Femke Kok NED 147.540 2 Miho Takagi JPN 147.545 0.005 … Jutta Leerdam NED …" in words
    # The page follows this what-if on the live feed (a change pushes it recomputed), and never
    # fetches it again by itself.
    assert f'data-panel="panel=what-if&amp;what_if={skater("Femke Kok")}%3A4%3A1%3A12.45"' in html
    assert "hx-trigger" not in html
    assert not Result.objects.filter(skater__name="Femke Kok", distance__order=4).exists()


def test_the_panel_stacks_what_ifs_and_a_new_time_replaces_the_old(client, takagi_skated):
    kok, leerdam = skater("Femke Kok"), skater("Jutta Leerdam")
    html = panel(
        client, what_if=[f"{kok}:4:1:12.45", f"{leerdam}:4:1:12.00"], skater=kok, distance=4, time="DQ"
    )
    words = text(html.content.decode())
    assert "Jutta Leerdam 1:12.00 (1000 m #4), Femke Kok DQ (1000 m #4)" in words
    assert "1 Jutta Leerdam NED 147.835 2 Miho Takagi JPN 147.545" not in words
    assert "1 Miho Takagi JPN 147.545 2 Jutta Leerdam NED 147.835 0.290" in words
    assert "NC Femke Kok NED" in words


def test_a_what_if_panel_with_a_bad_time_says_why(client, takagi_skated):
    html = panel(client, skater=skater("Femke Kok"), distance="4", time="1:12.455").content.decode()
    assert "times are in hundredths, give at most two decimals" in text(html)
    assert "not a real result" not in html


def test_the_page_without_a_what_if_has_an_empty_panel_under_the_real_classification(client, takagi_skated):
    html = client.get(f"/{SLUG}/").content.decode()
    assert html.index('id="classification"') < html.index('id="what-if"')
    assert "not a real result" not in html
    full = client.get(f"/{SLUG}/", {"skater": skater("Femke Kok"), "distance": "4", "time": "1:12.46"})
    words = text(full.content.decode())
    assert "1 Miho Takagi JPN 147.545 1 Femke Kok NED 147.545" in words


# --- in Chromium ------------------------------------------------------------------------------------

SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"


@pytest.mark.slow
class CommentatorInChromiumTests(BrowserTestCase):
    """On daphne, so that the screenshots (`make screenshots`) show the live dot on."""

    def test_a_commentator_tries_a_time_without_leaving_the_page(self):
        from playwright.sync_api import expect

        call_command("enter_result", SLUG, distance=4, skater="Miho Takagi", time="1:13.13")
        for name, (width, height) in [("laptop", (1366, 768)), ("phone", (390, 844))]:
            context = self.browser.new_context(viewport={"width": width, "height": height}, locale="en-US")
            page = context.new_page()
            page.goto(f"{self.live_server_url}/{SLUG}/")
            page.wait_for_selector('.connection[data-state="live"]')
            page.evaluate("window.__notReloaded = true")
            page.select_option("#what-if-skater", value=str(skater("Femke Kok")))
            page.select_option("#what-if-distance", value="4")
            page.fill("#what-if-time", "1:12.45")
            page.click("#what-if button[type=submit]")
            panel = page.locator("#what-if")
            expect(panel.locator(".not-real")).to_contain_text("What if — not a real result")
            expect(panel.locator("tbody tr").nth(0)).to_contain_text("Femke Kok")
            expect(panel.locator("tbody tr").nth(0)).to_contain_text("147.540")
            expect(panel.locator("tbody tr").nth(1)).to_contain_text("147.545")
            assert page.evaluate("window.__notReloaded") is True
            # The real classification is untouched: Takagi leads, Kok still to skate.
            expect(page.locator("#classification tbody tr[data-skater]").nth(0)).to_contain_text(
                "Miho Takagi"
            )
            if os.environ.get("SPRINTBOARD_SCREENSHOTS"):  # make screenshots
                panel.scroll_into_view_if_needed()
                page.screenshot(path=SCREENSHOTS / f"desk-what-if-{name}.png")
            overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
            assert overflow <= 0, name
            context.close()


@pytest.mark.slow
class WhatIfUnderTheLiveFeedTests(ChannelsLiveServerTestCase):
    """Through daphne and the WebSocket: a real result that arrives while a what-if is shown is
    shown at once, and the what-if is recomputed on top of it. The official saves through the
    admin in the browser, as only a save in the server process reaches its pages (in-process layer)."""

    host = "127.0.0.1"
    serve_static = True
    ProtocolServerProcess = DaphneProcessWithFreshThreads

    @classmethod
    def setUpClass(cls):
        cache.clear()  # the daphne process is forked from this one: no stale live state
        super().setUpClass()

    def setUp(self):
        self.enterContext(mock.patch.dict(os.environ, {"DJANGO_ALLOW_ASYNC_UNSAFE": "true"}))
        self.championship = load(seed_data(), results_until=3)
        self.username, self.password = ensure_official()
        from playwright.sync_api import sync_playwright

        self.playwright = sync_playwright().start()
        self.addCleanup(self.playwright.stop)
        self.browser = self.playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        self.addCleanup(self.browser.close)

    def test_a_real_result_recomputes_the_what_if(self):
        from playwright.sync_api import expect

        final_1000 = self.championship.distances.get(order=4)
        takagi = Start.objects.get(distance=final_1000, skater__name="Miho Takagi")
        commentator = self.browser.new_context(locale="en-US").new_page()
        commentator.goto(f"{self.live_server_url}/{SLUG}/")
        expect(commentator.locator(".connection")).to_have_attribute("data-state", "live")
        commentator.evaluate("window.__notReloaded = true")
        commentator.select_option("#what-if-skater", value=str(skater("Femke Kok")))
        commentator.select_option("#what-if-distance", value="4")
        commentator.fill("#what-if-time", "1:12.45")
        commentator.click("#what-if button[type=submit]")
        rows = commentator.locator("#what-if tbody tr")
        expect(rows.nth(0)).to_contain_text("Femke Kok")
        expect(rows.nth(1)).to_contain_text("…")  # nobody else has skated the 1000 m

        official = self.browser.new_context(locale="en-US").new_page()
        official.goto(f"{self.live_server_url}/admin/login/")
        official.fill("#id_username", self.username)
        official.fill("#id_password", self.password)
        with official.expect_navigation():
            official.click("input[type=submit]")
        official.goto(
            self.live_server_url + reverse("admin:championships_distance_pair", args=[final_1000.pk, 5])
        )
        official.locator(f'#pair-entry input[name="{takagi.lane}"]').fill("1:13.13")
        with official.expect_navigation():
            official.click('#pair-entry input[type="submit"]')
        with official.expect_navigation():  # Kok's lane left empty: one more Save confirms
            official.click('#pair-entry input[type="submit"]')

        # The real classification has Takagi's time; the what-if has it too, under Kok's 1:12.45.
        real_takagi = commentator.locator(f'#classification tr[data-skater="{takagi.skater_id}"] td.total')
        expect(real_takagi).to_have_text("147.545", timeout=5_000)
        expect(rows.nth(1)).to_contain_text("Miho Takagi", timeout=5_000)
        expect(rows.nth(1)).to_contain_text("147.545")
        expect(rows.nth(0)).to_contain_text("147.540")
        expect(commentator.locator("#what-if .not-real")).to_contain_text("What if — not a real result")
        self.assertTrue(commentator.evaluate("window.__notReloaded === true"), "the page was reloaded")
        self.assertFalse(Result.objects.filter(distance=final_1000, skater__name="Femke Kok").exists())

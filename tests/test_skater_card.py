"""A skater's card (`/<slug>/skaters/<id>/`): her results here, personal bests per distance, her
place after each distance and the head-to-head against whoever she skated with."""

import json
import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from championships.championship_file import load
from championships.models import Skater
from tests.support.browser import BrowserTestCase
from tests.support.pages import text

SLUG = "wk-sprint-2024-women"
SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"


def pk(name):
    return Skater.objects.get(championship__slug=SLUG, name=name).pk


def card(client, name):
    return client.get(f"/{SLUG}/skaters/{pk(name)}/")


def test_kok_s_card_after_the_championship(client, wk_sprint):
    kok = Skater.objects.get(name="Femke Kok")
    kok.personal_bests.create(meters=500, time=Decimal("37.10"))
    kok.personal_bests.create(meters=1000, time=Decimal("72.09"))
    response = card(client, "Femke Kok")
    assert response.status_code == 200
    words = text(response.content.decode())
    assert f"Femke Kok NED id {pk('Femke Kok')} Place 2, 148.100 points" in words
    assert (
        "500 m #1 37.07 TR PB 1 37.070 1 pair 4: Tian Ruining "
        "1000 m #2 1:14.35 3 37.175 2 pair 5: Miho Takagi "
        "500 m #3 37.07 =TR 1 37.070 2 pair 5: Miho Takagi "
        "1000 m #4 1:13.57 3 36.785 2 pair 5: Miho Takagi"
    ) in words
    assert "Personal bests Distance before here 500 m 37.10 37.07 PB 1000 m 1:12.09 1:13.57" in words
    html = response.content.decode()
    for mate in ("Tian Ruining", "Miho Takagi"):
        assert f'href="/{SLUG}/h2h/?a={pk("Femke Kok")}&amp;b={pk(mate)}"' in html
    assert html.count(f"/h2h/?a={pk('Femke Kok')}&amp;b={pk('Miho Takagi')}") == 1  # once per pair-mate


def test_a_disqualified_skater_s_card(client, wk_sprint):
    words = text(card(client, "Isabel Grevelt").content.decode())
    assert "Isabel Grevelt NED" in words and " NC " in f" {words} "
    assert "1000 m #4 1:15.28 DQ" in words


def test_the_card_during_the_final_distance(client, wk_sprint_after_3):
    call_command("enter_result", SLUG, distance=4, skater="Ellia Smeding", time="1:15.60")
    words = text(card(client, "Femke Kok").content.decode())
    assert "Place 2, 111.315 points" not in words  # during the 1000 m she is still to skate it
    assert "still to skate" in words
    assert "500 m #3 37.07 =TR 1 37.070 2 pair 5: Miho Takagi 1000 m #4 pair 5: Miho Takagi" in words
    fragment = client.get(
        f"/{SLUG}/skaters/{pk('Femke Kok')}/", headers={"HX-Request": "true"}
    ).content.decode()
    assert fragment.lstrip().startswith('<section id="skater-card"')


def test_an_unknown_skater_is_a_404(client, wk_sprint):
    assert client.get(f"/{SLUG}/skaters/99999/").status_code == 404
    # A skater of another championship is not one of this one.
    other = load(json.loads((Path(__file__).parent / "data" / "ek-allround-2016-men.json").read_text()))
    assert client.get(f"/{SLUG}/skaters/{other.skaters.first().pk}/").status_code == 404
    assert client.get(f"/{other.slug}/skaters/{other.skaters.first().pk}/").status_code == 200


def test_the_commentary_links_to_the_cards(client, wk_sprint_after_3):
    html = client.get(f"/{SLUG}/commentary/").content.decode()
    assert f'href="/{SLUG}/skaters/{pk("Ellia Smeding")}/"' in html


# --- in Chromium: the desk's new pages on a laptop and a phone ----------------------------------------


@pytest.mark.slow
class DeskPagesInChromiumTests(BrowserTestCase):
    """On daphne, so that the screenshots (`make screenshots`) show the live dot on."""

    def test_the_desk_s_pages_fit_laptops_and_phones(self):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for device, (width, height) in [("laptop", (1366, 768)), ("phone", (390, 844))]:
            context = self.browser.new_context(viewport={"width": width, "height": height}, locale="en-US")
            page = context.new_page()
            for name, path, selector in [
                ("skater-card", f"/{SLUG}/skaters/{pk('Femke Kok')}/", '.connection[data-state="live"]'),
                ("commentary", f"/{SLUG}/commentary/", '.connection[data-state="live"]'),
                ("overlay-help", f"/{SLUG}/overlay/help/", ".overlay-preview"),
            ]:
                page.goto(self.live_server_url + path)
                page.wait_for_selector(selector)
                if os.environ.get("SPRINTBOARD_SCREENSHOTS"):  # make screenshots
                    page.screenshot(path=SCREENSHOTS / f"desk-{name}-{device}.png", full_page=True)
                overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
                assert overflow <= 0, (device, name, overflow)
            context.close()

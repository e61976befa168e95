"""The seed's table on a phone and on a TV, in a real browser: the names stay readable.

Layout needs no WebSocket, so pytest-django's live server is enough here. The screenshots are
the README's pictures (docs/): `make screenshots` refreshes them.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS

DOCS = Path(settings.BASE_DIR) / "docs"


@pytest.fixture
def browser(monkeypatch):
    # Playwright's sync API runs a loop in this thread; the ORM calls beside it are safe here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def names_fit(page):
    """Every skater's name is fully inside the viewport and not clipped by its cell."""
    return page.evaluate(
        """() => [...document.querySelectorAll('#classification tr[data-skater] .skater a')].map(a => {
            const r = a.getBoundingClientRect();
            return {name: a.textContent.trim(), left: r.left, right: r.right, width: innerWidth,
                    clipped: a.scrollWidth > a.clientWidth + 1};
        })"""
    )


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "name, viewport, path",
    [
        ("phone", {"width": 375, "height": 740}, "/{slug}/"),
        ("tv", {"width": 1920, "height": 1080}, "/{slug}/tv/"),
    ],
)
def test_the_seed_table_fits_phones_and_tvs(live_server, browser, wk_sprint_after_3, name, viewport, path):
    context = browser.new_context(viewport=viewport, device_scale_factor=1, locale="en-US")
    page = context.new_page()
    page.goto(live_server.url + path.format(slug=wk_sprint_after_3.slug))
    page.wait_for_selector("#classification tr[data-skater]")
    names = names_fit(page)
    assert len(names) == 10
    for shown in names:
        assert shown["left"] >= 0 and shown["right"] <= shown["width"], shown
        assert not shown["clipped"], shown
    # The names column stays in view when a phone scrolls the table sideways.
    page.evaluate("document.querySelector('#classification .scroll').scrollLeft = 10000")
    for shown in names_fit(page):
        assert shown["left"] >= 0 and shown["right"] <= shown["width"], shown
    page.evaluate("document.querySelector('#classification .scroll').scrollLeft = 0")
    if os.environ.get("SPRINTBOARD_SCREENSHOTS"):
        page.screenshot(path=DOCS / f"standings-{name}.png", full_page=name == "phone")
    context.close()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_head_to_head_screenshot(live_server, browser, wk_sprint_after_3):
    takagi = wk_sprint_after_3.skaters.get(name="Miho Takagi").pk
    kok = wk_sprint_after_3.skaters.get(name="Femke Kok").pk
    context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="en-US")
    page = context.new_page()
    page.goto(f"{live_server.url}/{wk_sprint_after_3.slug}/h2h/?a={takagi}&b={kok}")
    assert "0.67 s" in page.locator("#head-to-head").inner_text()
    if os.environ.get("SPRINTBOARD_SCREENSHOTS"):
        page.screenshot(path=DOCS / "head-to-head.png", full_page=True)
    context.close()


LONG_NAME = "W" * 5000  # no space to break at
RLO = "\u202e"  # right-to-left override, never closed


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "viewport, path",
    [
        ({"width": 1920, "height": 1080}, "/{slug}/tv/"),
        ({"width": 1280, "height": 900}, "/{slug}/"),
        ({"width": 375, "height": 740}, "/{slug}/"),
        ({"width": 1280, "height": 900}, "/{slug}/distances/3/"),
        ({"width": 1280, "height": 900}, "/{slug}/h2h/?a={a}&b={b}"),
        ({"width": 1280, "height": 900}, "/"),
    ],
)
def test_a_5000_character_name_does_not_widen_the_page(
    live_server, browser, wk_sprint_after_3, viewport, path
):
    skaters = wk_sprint_after_3.skaters
    skaters.filter(name="Femke Kok").update(name=LONG_NAME)
    type(wk_sprint_after_3).objects.filter(pk=wk_sprint_after_3.pk).update(name="C" * 5000)
    a, b = skaters.get(name="Miho Takagi").pk, skaters.get(name=LONG_NAME).pk
    context = browser.new_context(viewport=viewport, device_scale_factor=1, locale="en-US")
    page = context.new_page()
    page.goto(live_server.url + path.format(slug=wk_sprint_after_3.slug, a=a, b=b))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"the page is {width} px wide"
    names = page.evaluate(
        "() => [...document.querySelectorAll('bdi.name')].map(n => n.getBoundingClientRect().width)"
    )
    assert path == "/" or max(names) < viewport["width"] / 2
    context.close()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_right_to_left_override_in_a_name_stays_in_the_name(live_server, browser, wk_sprint_after_3):
    wk_sprint_after_3.skaters.filter(name="Femke Kok").update(name=f"{RLO}Femke Kok")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    page.goto(f"{live_server.url}/{wk_sprint_after_3.slug}/")
    kok = page.locator("#classification tr[data-skater]").nth(1)
    name, country = kok.locator("th.skater a"), kok.locator(".country")
    # The country still follows the name (an override leaking out would put it before), and
    # the total is still the number it is, not "513.111".
    assert country.bounding_box()["x"] > name.bounding_box()["x"] + name.bounding_box()["width"] - 1
    assert kok.locator("td.total").inner_text() == "111.315"
    context.close()

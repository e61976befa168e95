"""The pages in a real browser: the names stay readable on a phone and a TV, long names and
overrides stay inside them, and the matrix of screens, languages and states fits.

Most need no WebSocket (pytest-django's live server); the matrix runs on daphne, so that its
screenshots show the live dot: `make screenshots` saves every case in screenshots/ and the
README's pictures and the laptop, phone and full HD cases in docs/.
"""

import os
from pathlib import Path
from unittest import mock

import pytest
from channels.testing import ChannelsLiveServerTestCase
from django.conf import settings
from django.core.cache import cache

from championships.championship_file import load
from championships.models import Result, Skater, Start
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, DaphneProcessWithFreshThreads
from tests.support.seed import seed_data

DOCS = Path(settings.BASE_DIR) / "docs"
SCREENS = Path(settings.BASE_DIR) / "screenshots"  # every case of the matrix (not in git)


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
def test_the_seed_table_fits_phones_and_tvs(live_server, chromium, wk_sprint_after_3, name, viewport, path):
    context = chromium.new_context(viewport=viewport, device_scale_factor=1, locale="en-US")
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
    context.close()


def countries_over_times(page):
    """The distance's result rows whose country reaches past its cell or into the time."""
    return page.evaluate(
        """() => [...document.querySelectorAll('table.results tr[data-skater]')].map(row => {
            const country = row.querySelector('.country').getBoundingClientRect();
            const cell = row.querySelector('th.skater').getBoundingClientRect();
            const time = row.querySelector('.time').getBoundingClientRect();
            return {name: row.querySelector('.name').textContent, country: country.right,
                    cell: cell.right, time: time.left};
        })"""
    )


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width, height", [(360, 800), (390, 844), (768, 1024), (1366, 768)])
def test_the_country_stays_left_of_the_time(live_server, chromium, wk_sprint_after_3, width, height):
    """On a phone "Miho Takagi JPN" no longer runs into her 1:13.32 ("JPN1:13.32")."""
    context = chromium.new_context(viewport={"width": width, "height": height}, locale="en-US")
    page = context.new_page()
    for order in (1, 2, 3):
        page.goto(f"{live_server.url}/{wk_sprint_after_3.slug}/distances/{order}/")
        rows = countries_over_times(page)
        assert len(rows) == 10
        assert [row for row in rows if not row["country"] <= row["cell"] <= row["time"]] == []
    context.close()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_head_to_head_in_the_browser(live_server, chromium, wk_sprint_after_3):
    takagi = wk_sprint_after_3.skaters.get(name="Miho Takagi").pk
    kok = wk_sprint_after_3.skaters.get(name="Femke Kok").pk
    context = chromium.new_context(viewport={"width": 1100, "height": 900}, locale="en-US")
    page = context.new_page()
    page.goto(f"{live_server.url}/{wk_sprint_after_3.slug}/h2h/?a={takagi}&b={kok}")
    assert "0.67 s" in page.locator("#head-to-head").inner_text()
    context.close()


# The longest name the data rules allow, with no space to break at (a 5000-character one is
# refused at every door and by the database).
LONG_NAME = "W" * 200
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
def test_the_longest_name_without_spaces_does_not_widen_the_page(
    live_server, chromium, wk_sprint_after_3, viewport, path
):
    skaters = wk_sprint_after_3.skaters
    skaters.filter(name="Femke Kok").update(name=LONG_NAME)
    type(wk_sprint_after_3).objects.filter(pk=wk_sprint_after_3.pk).update(name="C" * 200)
    a, b = skaters.get(name="Miho Takagi").pk, skaters.get(name=LONG_NAME).pk
    context = chromium.new_context(viewport=viewport, device_scale_factor=1, locale="en-US")
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
def test_a_right_to_left_override_in_a_name_stays_in_the_name(live_server, chromium, wk_sprint_after_3):
    wk_sprint_after_3.skaters.filter(name="Femke Kok").update(name=f"{RLO}Femke Kok")
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    page.goto(f"{live_server.url}/{wk_sprint_after_3.slug}/")
    kok = page.locator("#classification tr[data-skater]").nth(1)
    name, country = kok.locator("th.skater a"), kok.locator(".country")
    # The country still follows the name (an override leaking out would put it before), and
    # the total is still the number it is, not "513.111".
    assert country.bounding_box()["x"] > name.bounding_box()["x"] + name.bounding_box()["width"] - 1
    assert kok.locator("td.total").inner_text() == "111.315"
    context.close()


VIEWPORTS = [(360, 800), (390, 844), (768, 1024), (1280, 720), (1366, 768), (1920, 1080), (3840, 2160)]
DOCS_VIEWPORTS = {(1366, 768), (390, 844), (1920, 1080)}
DOCS_PAGES = {("during", "distance"), ("before", "head-to-head")}
README_PICTURES = {
    "standings-tv.png": ("before", "tv", 1920, 1080),
    "standings-phone.png": ("before", "standings", 390, 844),
    "head-to-head.png": ("before", "head-to-head", 1366, 768),
}
# The seed before the last distance, during it (two pairs skated) and after it.
STATES = ("before", "during", "after")

SMALLEST_LABEL = 10.9  # CSS px: a chart label read on a phone (11 px, less rounding)
TV_FILLED = 0.03  # the TV's table ends within 3 % of the screen's height above its bottom edge
NEXT_FRAME = "new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"

# What a spectator would call broken, measured in the page.
MEASURE = """() => {
  const inside = (r, box) => r.left >= box.left - 1 && r.right <= box.right + 1;
  const view = {left: 0, right: innerWidth};
  const shown = el => el.getClientRects().length > 0;
  const headers = [...document.querySelectorAll('#classification thead th')].filter(shown)
    .filter(th => !inside(th.getBoundingClientRect(), view)).map(th => th.textContent.trim());
  const charts = [...document.querySelectorAll('figure.chart')].filter(shown)
    .filter(f => !inside(f.querySelector('svg').getBoundingClientRect(), f.getBoundingClientRect()))
    .map(f => f.className.baseVal || f.className);
  const overlaps = [];
  document.querySelectorAll('figure.chart svg').forEach(svg => {
    const labels = [...svg.querySelectorAll('.series text')].map(t => [t.textContent.trim(), t.getBoundingClientRect()]);
    labels.forEach(([a, r], i) => labels.slice(i + 1).forEach(([b, q]) => {
      if (r.left < q.right && q.left < r.right && r.top < q.bottom - 1 && q.top < r.bottom - 1) overlaps.push([a, b]);
    }));
  });
  const cut = [...document.querySelectorAll('main *')].filter(shown).filter(el => {
    if (el.closest('.sr, .scroll, .chart-scroll')) return false;
    const style = getComputedStyle(el);
    if (!['hidden', 'clip'].includes(style.overflowX)) return false;
    const over = el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
    return over && style.textOverflow !== 'ellipsis' && style.webkitLineClamp === 'none';
  }).map(el => el.outerHTML.slice(0, 80));
  const first = document.querySelector('#classification tbody tr[data-skater]');
  const key = first ? ['.rank', '.skater a', '.total', '.behind'].map(s => first.querySelector(s))
    .filter(el => el && !inside(el.getBoundingClientRect(), view)).map(el => el.className) : [];
  // Chart labels in CSS px (their font size times the drawing's scale): readable on a phone too.
  const labels = [...document.querySelectorAll('figure.chart svg')].filter(shown).flatMap(svg => {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    return [...svg.querySelectorAll('.series text')].map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
  });
  // The TV board: the shown panel's table reaches the bottom of the screen, and no further.
  const table = document.querySelector('.tv-panel:not([hidden]) table');
  const tv = table && {bottom: table.getBoundingClientRect().bottom, height: innerHeight,
                       page: document.documentElement.scrollHeight};
  return {width: document.documentElement.scrollWidth, headers, charts, overlaps, cut, key,
          smallest_label: labels.length ? Math.min(...labels) : null, tv};
}"""


@pytest.mark.slow
class ScreensMatrixTests(ChannelsLiveServerTestCase):
    """Every page in every state, language and viewport: nothing wider than the screen, every
    column of the classification in view from 1280 px, charts in their boxes, labels apart, no
    text cut without an ellipsis; on phones place, name, points and deficit in view. Served by
    daphne so that the live dot is on in the screenshots (`make screenshots`)."""

    host = "127.0.0.1"
    serve_static = True
    ProtocolServerProcess = DaphneProcessWithFreshThreads

    @classmethod
    def setUpClass(cls):
        cache.clear()
        super().setUpClass()

    def setUp(self):
        self.enterContext(mock.patch.dict(os.environ, {"DJANGO_ALLOW_ASYNC_UNSAFE": "true"}))
        for state in STATES:
            data = seed_data()
            data["slug"] = state
            championship = load(data, results_until=3 if state == "before" else None)
            if state == "during":
                later = Start.objects.filter(
                    distance__championship=championship, distance__order=4, pair__gt=2
                )
                Result.objects.filter(distance__order=4, skater__in=later.values("skater")).delete()
        from playwright.sync_api import sync_playwright

        self.playwright = sync_playwright().start()
        self.addCleanup(self.playwright.stop)
        self.browser = self.playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        self.addCleanup(self.browser.close)

    def paths(self, state):
        skaters = Skater.objects.filter(championship__slug=state)
        a, b = (skaters.get(name=n).pk for n in ("Miho Takagi", "Femke Kok"))
        return {
            "standings": f"/{state}/",
            "tv": f"/{state}/?tv=1",
            "distance": f"/{state}/distances/4/",
            "head-to-head": f"/{state}/h2h/?a={a}&b={b}",
        }

    @staticmethod
    def screenshot(page, state, name, language, width, height):
        """Every case into screenshots/; some into docs/, with the README's three pictures."""
        case = f"{state}-{name}-{language}-{width}x{height}.png"
        SCREENS.mkdir(exist_ok=True)
        page.screenshot(path=SCREENS / case)
        if language != "en" or (width, height) not in DOCS_VIEWPORTS:
            return
        if name == "standings" or (state, name) in DOCS_PAGES or (name == "tv" and width == 1920):
            page.screenshot(path=DOCS / case, full_page=name != "tv")
        for picture, shown in README_PICTURES.items():
            if shown == (state, name, width, height):
                page.screenshot(path=DOCS / picture, full_page=name != "tv")

    def test_every_page_fits_every_screen(self):
        shots = os.environ.get("SPRINTBOARD_SCREENSHOTS")
        context = self.browser.new_context(device_scale_factor=1)
        self.addCleanup(context.close)
        page = context.new_page()
        page.set_default_timeout(15_000)
        problems = []
        for language in ("en", "nl"):
            page.set_extra_http_headers({"Accept-Language": language})
            for state in STATES:
                for name, path in self.paths(state).items():
                    for width, height in VIEWPORTS:
                        page.set_viewport_size({"width": width, "height": height})
                        page.goto(self.live_server_url + path)
                        page.wait_for_selector('.connection[data-state="live"]')
                        page.evaluate(NEXT_FRAME)  # the TV board refits after the live fragments
                        found = page.evaluate(MEASURE)
                        case = f"{state} {name} {language} {width}x{height}"
                        if found["width"] > width:
                            problems.append(f"{case}: the page is {found['width']} px wide")
                        if width >= 1280 and found["headers"]:
                            problems.append(f"{case}: headers out of view: {found['headers']}")
                        for key in ("charts", "overlaps", "cut"):
                            if found[key]:
                                problems.append(f"{case}: {key}: {found[key]}")
                        if found["smallest_label"] is not None and found["smallest_label"] < SMALLEST_LABEL:
                            problems.append(f"{case}: a chart label of {found['smallest_label']:.1f} px")
                        tv = found["tv"]
                        if (
                            name == "tv"
                            and width >= 1280
                            and not (
                                tv["height"] * (1 - TV_FILLED) <= tv["bottom"] <= tv["height"] + 1
                                and tv["page"] <= tv["height"]
                            )
                        ):
                            problems.append(
                                f"{case}: the table ends at {tv['bottom']:.0f} of {tv['height']} px"
                            )
                        if name == "standings" and found["key"]:
                            problems.append(f"{case}: out of view: {found['key']}")
                        if shots:
                            self.screenshot(page, state, name, language, width, height)
        self.maxDiff = None
        self.assertEqual(problems, [])

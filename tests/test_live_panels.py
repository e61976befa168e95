"""The panels that follow the live feed (championships/live/panels.py, feed.py `Panels`): the
head-to-head, the talking points, a what-if, a skater's card and a broadcaster's overlay are
rendered once per change for every page that shows them and pushed over the WebSocket; a passing
that does not change them costs nothing.

Seed: World Sprint 2024 women before the final 1000 m (as tests/test_live.py). Renders are
counted with Django's test signal `template_rendered` (the partials' names).
"""

import contextlib
import re
from collections import Counter
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.test.signals import template_rendered

from championships.championship_file import load
from championships.forms import result_form
from championships.live import panels
from championships.timing.models import Race
from sprintboard.asgi import application
from tests.support.live_page import applied, same_page
from tests.support.pages import section, text
from tests.support.seed import seed_data

SLUG = "wk-sprint-2024-women"
ORIGIN = [(b"origin", b"http://127.0.0.1")]
TIMEOUT = 5
QUIET = 0.5

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_live_state"),
]


@pytest.fixture
def championship(transactional_db):
    return load(seed_data(), results_until=3)


@pytest.fixture
def renders():
    """How often each panel was rendered (by the partial's name), from here on."""
    counted = Counter()

    def count(sender, template, **kwargs):
        counted[template.name] += 1

    template_rendered.connect(count)
    yield counted
    template_rendered.disconnect(count)


@pytest.fixture
def ids(championship):
    """Skater ids by name (read before the tests' event loop runs)."""
    return dict(championship.skaters.values_list("name", "pk"))


def skater(championship, name):
    return championship.skaters.get(name=name)


def save_result(championship, name, time, splits=""):
    form = result_form(championship.distances.get(order=4), skater(championship, name), time=time)
    form.data["splits"] = splits
    assert form.is_valid(), form.errors
    form.save()


def passing(championship, name, meters, time, pair, lane):
    """What the timing feed writes at a passing: the skater's race on the final 1000 m."""
    distance, who = championship.distances.get(order=4), skater(championship, name)
    race = Race.objects.filter(distance=distance, skater=who).first() or Race(
        distance=distance, skater=who, pair=pair, lane=lane, passings={}
    )
    race.passings[str(meters)] = {"time": time, "source": "transponder"}
    race.save()  # one commit: one push, as the timing feed's


class Page:
    """A browser's WebSocket following a panel: the panel as it holds it, frames applied."""

    def __init__(self, query):
        self.query = query
        self.communicator = WebsocketCommunicator(application, f"/ws/{SLUG}/?lang=en&{query}", headers=ORIGIN)
        self.panel = None

    async def connect(self):
        ok, code = await self.communicator.connect(timeout=TIMEOUT)
        assert ok, code
        self.state = await self.communicator.receive_from(timeout=TIMEOUT)
        self.panel = await self.communicator.receive_from(timeout=TIMEOUT)
        assert re.match(r'<section hx-swap-oob="true" id="[\w-]+"', self.panel), self.panel[:80]
        return self

    async def frame(self):
        return await self.communicator.receive_from(timeout=TIMEOUT)

    def apply(self, frame):
        self.panel = applied(self.panel, frame)


@contextlib.asynccontextmanager
async def pages(*queries):
    opened = []
    try:
        for query in queries:
            opened.append(await Page(query).connect())
        yield opened
    finally:
        for page in opened:
            await page.communicator.disconnect()


def fresh(*panel):
    """The panel rendered afresh, as a page connecting now gets it."""
    ((html, _),) = panels.rendered(SLUG, "en", [panel]).values()
    return panels.whole(html)


async def test_three_head_to_head_pages_cost_one_render_per_save_and_none_per_passing(
    championship, ids, renders
):
    kok, takagi = ids["Femke Kok"], ids["Miho Takagi"]
    query = urlencode({"panel": "head-to-head", "a": kok, "b": takagi})
    key = ("head-to-head", kok, takagi)
    async with pages(query, query, query) as opened:
        assert renders["head-to-head"] == 1  # the first page's connect; the others get that render
        assert len({page.panel for page in opened}) == 1
        assert "After 3 distances: Miho Takagi leads by 0.335 points" in text(opened[0].panel)

        # A passing of two other skaters: the race panel, and nothing for the head-to-heads.
        await database_sync_to_async(passing)(championship, "Isabel Grevelt", 200, "18.5763", 1, "outer")
        for page in opened:
            assert 'id="race"' in await page.frame()
            assert await page.communicator.receive_nothing(timeout=QUIET)
        assert renders["head-to-head"] == 1

        # Takagi's result: the pages get the new state, then what changed in the panel, rendered once.
        await database_sync_to_async(save_result)(
            championship, "Miho Takagi", Decimal("73.13"), "17.95 45.10"
        )
        frames = []
        for page in opened:
            assert 'id="updated"' in await page.frame()
            frames.append(await page.frame())
            page.apply(frames[-1])
            assert await page.communicator.receive_nothing(timeout=QUIET)
        assert renders["head-to-head"] == 2
        assert len(set(frames)) == 1
        assert 'id="head-to-head"' not in frames[0]  # what changed, not the panel
        expected = await database_sync_to_async(fresh)(*key)
        assert all(same_page(page.panel, expected) for page in opened)
        assert "Femke Kok needs 1:12.45 or faster on the 1000 m to pass Miho Takagi" in text(expected)

        # Kok at 200 m: her passings are compared with Takagi's splits, in the panel at once.
        rendered = renders["head-to-head"]
        await database_sync_to_async(passing)(championship, "Femke Kok", 200, "17.857", 5, "inner")
        for page in opened:
            assert 'id="race"' in await page.frame()
            page.apply(await page.frame())
        assert renders["head-to-head"] == rendered + 1
        expected = await database_sync_to_async(fresh)(*key)
        assert all(same_page(page.panel, expected) for page in opened)
        assert (
            "Passing Femke Kok Miho Takagi Gap Gained on this lap 200 m 17.85 17.95 0.10 Femke Kok +0.10"
            in text(expected)
        )

        # The page as loaded afresh shows the same panel.
        page = await database_sync_to_async(Client().get)(f"/{SLUG}/h2h/?a={kok}&b={takagi}")
        assert text(section(page.content.decode(), "head-to-head")) == text(expected)


async def test_the_talking_points_are_rendered_once_for_every_page_and_followed(championship, renders):
    async with pages("panel=talking-points", "panel=talking-points") as opened:
        assert renders["talking-points"] == 1
        await database_sync_to_async(passing)(championship, "Isabel Grevelt", 200, "18.5763", 1, "outer")
        for page in opened:
            assert 'id="race"' in await page.frame()
            assert await page.communicator.receive_nothing(timeout=QUIET)
        await database_sync_to_async(save_result)(championship, "Miho Takagi", Decimal("73.13"))
        for page in opened:
            assert 'id="updated"' in await page.frame()
            page.apply(await page.frame())
        assert renders["talking-points"] == 2
        expected = await database_sync_to_async(fresh)("talking-points")
        assert all(same_page(page.panel, expected) for page in opened)
        page = await database_sync_to_async(Client().get)(f"/{SLUG}/commentary/")
        assert text(section(page.content.decode(), "talking-points")) == text(expected)


async def test_a_what_if_is_recomputed_on_top_of_a_real_result(championship, ids, renders):
    kok = ids["Femke Kok"]
    query = urlencode({"panel": "what-if", "what_if": f"{kok}:4:1:12.45"})
    async with pages(query, query, "panel=talking-points") as opened:
        assert (renders["what-if"], renders["talking-points"]) == (1, 1)
        before = opened[0].panel
        assert "1 Femke Kok NED 147.540 … Miho Takagi JPN … Jutta Leerdam NED" in text(before)
        await database_sync_to_async(save_result)(championship, "Miho Takagi", Decimal("73.13"))
        for page in opened:
            assert 'id="updated"' in await page.frame()
            page.apply(await page.frame())
            assert await page.communicator.receive_nothing(timeout=QUIET)
        assert (renders["what-if"], renders["talking-points"]) == (2, 2)
        expected = await database_sync_to_async(fresh)("what-if", (f"{kok}:4:1:12.45",))
        assert same_page(opened[0].panel, expected) and same_page(opened[1].panel, expected)
        assert "1 Femke Kok NED 147.540 2 Miho Takagi JPN 147.545 0.005" in text(expected)
        page = await database_sync_to_async(Client().get)(f"/{SLUG}/", {"what_if": f"{kok}:4:1:12.45"})
        assert text(section(page.content.decode(), "what-if")) == text(expected)


async def test_two_skater_cards_cost_one_render_per_save_and_none_per_passing(championship, ids, renders):
    takagi = ids["Miho Takagi"]
    query = urlencode({"panel": "skater-card", "skater": takagi})
    async with pages(query, query) as opened:
        assert renders["skater-card"] == 1
        assert "Miho Takagi JPN id" in text(opened[0].panel)
        # Her own passing: the card shows results, not passings, so it is not rendered again.
        await database_sync_to_async(passing)(championship, "Miho Takagi", 200, "17.95", 5, "outer")
        for page in opened:
            assert 'id="race"' in await page.frame()
            assert await page.communicator.receive_nothing(timeout=QUIET)
        assert renders["skater-card"] == 1
        await database_sync_to_async(save_result)(championship, "Miho Takagi", Decimal("73.13"))
        frames = []
        for page in opened:
            assert 'id="updated"' in await page.frame()
            frames.append(await page.frame())
            page.apply(frames[-1])
            assert await page.communicator.receive_nothing(timeout=QUIET)
        assert renders["skater-card"] == 2
        assert len(set(frames)) == 1 and 'id="skater-card"' not in frames[0]  # what changed, not the card
        expected = await database_sync_to_async(fresh)("skater-card", takagi)
        assert all(same_page(page.panel, expected) for page in opened)
        assert "Place 1, 147.545 points" in text(expected)
        assert "1000 m #4 1:13.13 TR 1 36.565 1 pair 5: Femke Kok" in text(expected)
        page = await database_sync_to_async(Client().get)(f"/{SLUG}/skaters/{takagi}/")
        assert text(section(page.content.decode(), "skater-card")) == text(expected)


async def test_overlays_cost_one_render_per_save_and_none_per_passing(championship, ids, renders):
    kok, takagi = ids["Femke Kok"], ids["Miho Takagi"]
    classification = urlencode({"panel": "overlay", "overlay": "classification", "top": 3})
    h2h = urlencode({"panel": "overlay", "overlay": "h2h", "a": takagi, "b": kok})
    async with pages(classification, classification, h2h, "panel=overlay&overlay=pair") as opened:
        assert renders["overlay"] == 3  # one per overlay shown, not per page
        assert "1 Miho Takagi JPN 110.980 2 Femke Kok NED 111.315 +0.335" in text(opened[0].panel)
        await database_sync_to_async(passing)(championship, "Femke Kok", 200, "17.857", 5, "inner")
        for page in opened:
            assert 'id="race"' in await page.frame()
            assert await page.communicator.receive_nothing(timeout=QUIET)
        assert renders["overlay"] == 3
        await database_sync_to_async(save_result)(championship, "Miho Takagi", Decimal("73.13"))
        for page in opened:
            assert 'id="updated"' in await page.frame()
            frame = await page.frame()
            assert 'id="overlay"' not in frame  # what changed, not the overlay
            page.apply(frame)
            assert await page.communicator.receive_nothing(timeout=QUIET)
        assert renders["overlay"] == 6
        keys = [
            ("overlay", "classification", 3),
            ("overlay", "classification", 3),
            ("overlay", "h2h", takagi, kok),
            ("overlay", "pair"),
        ]
        expected = [await database_sync_to_async(fresh)(*key) for key in keys]
        assert all(same_page(page.panel, html) for page, html in zip(opened, expected))
        # During the 1000 m the classification holds those who skated it.
        assert text(expected[0]) == (
            "World Sprint Championships 2024 — Women during the 1000 m Classification 1 Miho Takagi JPN 147.545"
        )
        assert text(expected[2]) == (
            "Miho Takagi – Femke Kok Head-to-head 500 m 37.13 37.07 1000 m 1:13.32 1:14.35 500 m 37.19 37.07 "
            "1000 m 1:13.13 Points 110.980 111.315 Miho Takagi leads by 0.335 points · 0.67 s on the 1000 m"
        )
        # Pair 1 still to skate: the times to lead are now Takagi's to beat.
        assert text(expected[3]) == (
            "1000 m · pair 1 The pair on the ice inner Ellia Smeding GBR lead: 1:07.09 outer Isabel Grevelt NED lead: 1:07.90"
        )
        page = await database_sync_to_async(Client().get)(
            f"/{SLUG}/overlay/", {"show": "h2h", "a": takagi, "b": kok}
        )
        assert text(section(page.content.decode(), "overlay")) == text(expected[2])


async def test_a_page_without_a_panel_gets_none(championship, renders):
    communicator = WebsocketCommunicator(
        application, f"/ws/{SLUG}/?lang=en&panel=head-to-head&a=x", headers=ORIGIN
    )
    assert (await communicator.connect(timeout=TIMEOUT))[0]
    try:
        assert 'id="updated"' in await communicator.receive_from(timeout=TIMEOUT)
        assert await communicator.receive_nothing(timeout=QUIET)
        await database_sync_to_async(save_result)(championship, "Miho Takagi", Decimal("73.13"))
        assert 'id="updated"' in await communicator.receive_from(timeout=TIMEOUT)
        assert await communicator.receive_nothing(timeout=QUIET)
    finally:
        await communicator.disconnect()
    assert not {"head-to-head", "talking-points", "what-if", "skater-card", "overlay"} & set(renders)


@pytest.mark.parametrize(
    "query, panel",
    [
        ({"panel": ["head-to-head"], "a": ["7"], "b": ["9"]}, ("head-to-head", 7, 9)),
        ({"panel": ["head-to-head"], "a": ["7"]}, None),
        ({"panel": ["head-to-head"], "a": ["7"], "b": ["-9"]}, None),
        ({"panel": ["head-to-head"], "a": ["7"], "b": ["²"]}, None),
        ({"panel": ["talking-points"]}, ("talking-points",)),
        (
            {"panel": ["what-if"], "what_if": ["7:4:DQ", "8:4:1:12.45"]},
            ("what-if", ("7:4:DQ", "8:4:1:12.45")),
        ),
        ({"panel": ["what-if"]}, None),
        ({"panel": ["what-if"], "what_if": ["7:4:DQ"] * 13}, None),
        ({"panel": ["skater-card"], "skater": ["7"]}, ("skater-card", 7)),
        ({"panel": ["skater-card"], "skater": ["Kok"]}, None),
        (
            {"panel": ["overlay"], "overlay": ["classification"], "top": ["3"]},
            ("overlay", "classification", 3),
        ),
        ({"panel": ["overlay"], "overlay": ["classification"]}, None),
        ({"panel": ["overlay"], "overlay": ["pair"]}, ("overlay", "pair")),
        ({"panel": ["overlay"], "overlay": ["h2h"], "a": ["7"], "b": ["9"]}, ("overlay", "h2h", 7, 9)),
        ({"panel": ["overlay"], "overlay": ["podium"]}, None),
        ({"panel": ["classification"]}, None),
        ({}, None),
    ],
)
async def test_the_panel_a_page_names_when_it_connects(query, panel):
    assert panels.panel_of(query) == panel

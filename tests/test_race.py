"""The pair on the ice (docs/timing.md, "The pair on the ice"): the projection with exact values,
the race panel on the pages, and the frames a passing and a finish push through the feed.

Seed: World Sprint 2024 women before the final 1000 m (distance 4), replayed from the demo's
recording (data/wk-sprint-2024-women-1000m-2.jsonl). Pair 1: Ellia Smeding (inner) and Isabel
Grevelt (outer); pair 2: Tian Ruining (inner) and Kim Min-sun (outer).
"""

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from channels.db import database_sync_to_async
from django.core.cache import cache
from django.test import Client

from championships import projection, scoring
from championships.timing.models import TimingToken
from tests.support.listener import timed_championship
from tests.support.pages import text

SLUG = "wk-sprint-2024-women"
URL = f"/api/timing/{SLUG}/events"
RECORDING = Path(__file__).resolve().parents[1] / "data" / "wk-sprint-2024-women-1000m-2.jsonl"
EVENTS = {e["id"]: e for e in map(json.loads, RECORDING.read_text().splitlines())}
D = Decimal


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # the feed's request counts and the connect frames
    yield
    cache.clear()


def event(event_id):
    fields = dict(EVENTS[event_id])
    fields.pop("at")
    return fields


def send(client, secret, *ids):
    answer = client.post(
        URL,
        json.dumps({"events": [event(i) for i in ids]}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert answer.status_code == 200, answer.content
    return answer


def panel(html):
    """The race panel's text, or None when the page has none."""
    found = re.search(r'<section id="race".*?</section>', html, re.S)
    return found and text(found.group(0))


PAIR_1 = [
    "wk24-d4-p1-start",
    "wk24-d4-p1-outer-200",
    "wk24-d4-p1-inner-200",
    "wk24-d4-p1-outer-600",
    "wk24-d4-p1-inner-600",
    "wk24-d4-p1-outer-finish-photo",
    "wk24-d4-p1-inner-finish-photo",
]


# --- the projection, pure -------------------------------------------------------------------------


def test_the_splits_of_a_result_are_a_lap_apart_back_from_the_finish():
    assert projection.split_meters(1000, 2) == [200, 600]
    assert projection.split_meters(500, 1) == [100]
    assert projection.split_meters(1500, 3) == [300, 700, 1100]
    assert projection.split_meters(5000, 12)[:2] == [200, 600]


def test_a_passing_is_placed_among_the_skaters_so_far_equal_times_sharing():
    times = {"a": D("18.57"), "b": D("18.64"), "c": D("18.57"), "d": D("19.01")}
    assert projection.standing_at(times, "b") == (3, D("0.07"))
    assert projection.standing_at(times, "c") == (1, D("0.00"))
    assert projection.standing_at(times, "d") == (4, D("0.44"))


def test_the_projection_scales_the_fastest_finish_so_far_at_that_passing():
    passings = {"smeding": {200: D("18.64"), 600: D("46.32")}, "tian": {200: D("18.59"), 600: D("46.19")}}
    finishes = {"smeding": D("75.60"), "tian": D("75.40")}
    assert projection.reference(passings, finishes, 600) == (D("46.19"), D("75.40"))
    assert projection.reference(passings, finishes, 1400) is None
    # Kim Min-sun at 600 m in 47.15, skating the rest as Tian: 47.15 x 75.40 / 46.19 = 76.9669...
    assert projection.projected_finish(D("47.15"), D("46.19"), D("75.40")) == D("76.96")
    assert projection.projected_finish(D("18.98"), D("18.59"), D("75.40")) == D("76.98")


def test_projected_places_put_the_skaters_in_the_classification_as_if_finished():
    distances = [scoring.Distance(1, 500), scoring.Distance(2, 1000)]
    results = [
        scoring.Result("a", 1, D("37.00")),
        scoring.Result("b", 1, D("37.50")),
        scoring.Result("c", 1, D("38.00")),
        scoring.Result("b", 2, D("74.00")),  # b: 37.500 + 37.000 = 74.500
    ]
    # a on 75.20 (37.600: 74.600) stays behind b; c on 73.00 (36.500: 74.500) ties b.
    places = projection.projected_places(
        distances, ["a", "b", "c"], results, {"a": D("75.20"), "c": D("73.00")}, 2
    )
    assert places == {"b": 1, "c": 1, "a": 3}


# --- the panel on the pages ----------------------------------------------------------------------


@pytest.fixture
def secret(wk_sprint_after_3):
    return TimingToken.issue(wk_sprint_after_3, "Vantage main")[1]


PAGES = [f"/{SLUG}/", f"/{SLUG}/distances/4/", f"/{SLUG}/h2h/", f"/{SLUG}/tv/"]


def test_without_the_feed_the_panel_names_the_start_lists_pairs_for_the_tv_board(wk_sprint_after_3, client):
    html = client.get(f"/{SLUG}/").content.decode()
    # data-source="start-list": shown by the TV board only (sprintboard.css).
    assert (
        '<section id="race" class="race" hx-swap-oob="true" aria-live="polite" data-state="next" data-source="start-list">'
        in html
    )
    assert (
        panel(html)
        == "1000 m, pair 1 next Ellia Smeding – Isabel Grevelt Then: pair 2 Tian Ruining – Kim Min-sun"
    )


def test_the_pair_on_the_ice_on_every_live_page(secret, client):
    send(client, secret, *PAIR_1[:5])
    for page in PAGES:
        shown = panel(client.get(page).content.decode())
        assert shown.startswith("1000 m, pair 1 on the ice Skater 200 m 600 m 1000 m"), page
        # Nobody has finished a 1000 m with passing times: no projection yet.
        assert "Ellia Smeding 18.64 (2) 18.64 +0.07 46.32 (2) 27.68 +0.19" in shown, page
        assert "Isabel Grevelt 18.57 (1) 18.57 46.13 (1) 27.56 ≈" not in shown, page
        assert "Isabel Grevelt 18.57 (1) 18.57 46.13 (1) 27.56" in shown, page


def test_from_the_second_pair_on_the_projection_place_points_and_time_to_lead(secret, client):
    send(client, secret, *PAIR_1, "wk24-d4-p2-start")
    shown = panel(client.get(f"/{SLUG}/").content.decode())
    assert shown.startswith("1000 m, pair 2 on the ice")
    send(client, secret, "wk24-d4-p2-inner-200", "wk24-d4-p2-outer-200")
    shown = panel(client.get(f"/{SLUG}/").content.decode())
    # Tian at 200 m in 18.59 behind Grevelt's 18.57, scaled by Grevelt's 1:15.28 at 18.57:
    # 18.59 x 75.28 / 18.57 = 75.361...: 1:15.36, 37.680 points.
    assert "Tian Ruining 18.59 (2) 18.59 +0.02 ≈1:15.36 (" in shown
    tian = shown[shown.index("Tian Ruining") : shown.index("Kim Min-sun")]
    assert "37.680" in tian
    # Kim: 18.98 x 75.28 / 18.57 = 76.941...
    assert "Kim Min-sun 18.98 (4) 18.98 +0.41 ≈1:16.94" in shown


def test_a_false_start_clears_the_pair_which_shows_as_next(secret, client):
    send(client, secret, "wk24-d4-p1-start", "wk24-d4-p1-outer-200", "wk24-d4-p1-inner-200")
    clear = [
        {"id": f"clear-{lane}", "type": "clear", "distance": 4, "pair": 1, "lane": lane}
        for lane in ("inner", "outer")
    ]
    answer = client.post(
        URL,
        json.dumps({"events": clear}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert answer.status_code == 200
    shown = panel(client.get(f"/{SLUG}/").content.decode())
    assert shown == "1000 m, pair 1 next Skater 1000 m Ellia Smeding Isabel Grevelt " + LEGEND + THEN_PAIR_2


THEN_PAIR_2 = " Then: pair 2 Tian Ruining – Kim Min-sun"
LEGEND = "time (place) · lap, behind the fastest; ≈ projected finish (place in the classification) · points, time to lead"


def test_a_finished_pair_shows_its_result_and_names_the_next_pair(secret, client):
    send(client, secret, *PAIR_1)
    shown = panel(client.get(f"/{SLUG}/").content.decode())
    assert "1000 m, pair 1 finished" in shown
    assert "Isabel Grevelt 18.57 (1) 18.57 46.13 (1) 27.56 1:15.28 (1) 29.15" in shown
    assert "Ellia Smeding 18.64 (2) 18.64 +0.07 46.32 (2) 27.68 +0.19 1:15.60 (2) 29.28 +0.32" in shown
    assert shown.endswith("Next: pair 2 Tian Ruining – Kim Min-sun")


# --- the frames a passing and a finish push -----------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_passing_pushes_the_race_panel_alone_and_a_finish_the_classification(seed_data):
    async with timed_championship(seed_data, SLUG) as (secret, communicator):
        client = Client()
        connect_frame = await communicator.receive_from(timeout=5)
        assert 'id="classification"' in connect_frame and 'id="race"' in connect_frame
        await database_sync_to_async(send)(client, secret, "wk24-d4-p1-start")
        frame = await communicator.receive_from(timeout=5)
        assert (
            text(frame)
            == "1000 m, pair 1 on the ice Skater 1000 m Ellia Smeding Isabel Grevelt " + LEGEND + THEN_PAIR_2
        )
        await database_sync_to_async(send)(client, secret, "wk24-d4-p1-outer-200")
        frame = await communicator.receive_from(timeout=5)
        assert len(frame.encode()) < 2048
        assert frame.startswith('<section id="race"') and 'id="classification"' not in frame
        assert "Isabel Grevelt 18.57 (1) 18.57 " in text(frame)
        await database_sync_to_async(send)(client, secret, "wk24-d4-p1-inner-200", "wk24-d4-p1-outer-600")
        frame = await communicator.receive_from(timeout=5)  # one batch, one frame
        assert len(frame.encode()) < 2048 and 'id="classification"' not in frame
        assert "Ellia Smeding 18.64 (2) 18.64 +0.07 " in text(frame)
        assert "Isabel Grevelt 18.57 (1) 18.57 46.13 (1) 27.56 " in text(frame)
        await database_sync_to_async(send)(client, secret, "wk24-d4-p1-outer-finish-optical")
        frame = await communicator.receive_from(timeout=5)
        # A finish pushes what a saved result pushes: the classification and the distance, and the panel.
        assert 'id="classification' in frame and 'id="distance-4-' in frame and 'id="updated"' in frame
        assert "Isabel Grevelt 18.57 (1) 18.57 46.13 (1) 27.56 1:15.29 (1) 29.16" in panel(frame)
        assert await communicator.receive_nothing(timeout=0.3)

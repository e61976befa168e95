"""Every page in English and Dutch, numbers in the page's language; the JSON feed and the push.

Seed: World Sprint 2024 women. After three distances Takagi leads on 110.980 and Kok is second on
111.315, 0.335 points = 0.67 s on the final 1000 m; Takagi skated the first 1000 m in 1:13.32.
"""

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from championships.championship_file import load
from championships.display import points_text, seconds_text, time_text
from championships.live import changes as live
from championships.models import Result, Start
from championships.standings import Standings
from championships.timing.models import TimingToken
from tests.support.listener import Listener
from tests.support.pages import classification_row, text
from tests.support.seed import SEED_SLUG as SLUG

PAGE = f"/{SLUG}/"
FEED = f"/{SLUG}/standings.json"

pytestmark = pytest.mark.django_db


def row(html, name):
    return text(classification_row(html, name))


def test_display_writes_dutch_and_english_times_and_english_numbers():
    assert time_text(Decimal("73.32")) == "1:13.32"
    assert time_text(Decimal("73.32"), ",") == "1.13,32"
    assert time_text(Decimal("37.07"), ",") == "37,07"
    assert time_text(Decimal("784.76"), ",") == "13.04,76"
    assert points_text(Decimal("111.315")) == "111.315"
    assert seconds_text(Decimal("0.67")) == "0.67"
    assert time_text(None) is None


def test_standings_page_in_dutch_from_the_browser_language(wk_sprint_after_3, client):
    html = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="nl,en;q=0.5").content.decode()
    assert '<html lang="nl">' in html
    kok = row(html, "Femke Kok")
    assert "111,315" in kok and "0,67" in kok and "0,335" in kok
    assert "111.315" not in kok and "0.67" not in kok
    takagi = row(html, "Miho Takagi")
    assert "1.13,32" in takagi and "110,980" in takagi
    assert "Klassement na de 500 m" in html
    assert "Volgende afstand: 1000 m" in html
    assert "voorlopig" in html
    assert "7–8 maart 2024" in html
    # The live feed of a Dutch page is the Dutch one.
    assert f'hx-ws:connect="/ws/{SLUG}/?lang=nl"' in html


def test_standings_page_in_dutch_from_the_language_cookie(wk_sprint_after_3, client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    html = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    kok = row(html, "Femke Kok")
    assert "0,67" in kok and "111,315" in kok
    assert "1.13,32" in row(html, "Miho Takagi")


def test_standings_page_in_english(wk_sprint_after_3, client):
    html = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in html
    kok = row(html, "Femke Kok")
    assert "0.67" in kok and "111.315" in kok
    assert "0,67" not in kok
    assert "1:13.32" in row(html, "Miho Takagi")
    assert "Classification after the 500 m" in html
    assert "provisional" in html


def test_the_json_feed_is_the_same_in_every_language(wk_sprint_after_3, client):
    english = client.get(FEED, HTTP_ACCEPT_LANGUAGE="en")
    dutch = client.get(FEED, HTTP_ACCEPT_LANGUAGE="nl")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    cookie = client.get(FEED)
    assert english.content == dutch.content == cookie.content
    kok = next(r for r in dutch.json()["rows"] if r["skater"]["name"] == "Femke Kok")
    assert (kok["points"], kok["behind_leader_seconds"]) == ("111.315", "0.67")
    assert re.fullmatch(r"1:\d\d\.\d\d", kok["distances"][1]["time"])


def test_distance_page_in_dutch(wk_sprint_after_3, client):
    html = client.get(f"/{SLUG}/distances/2/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "1.13,32" in html and "1:13.32" not in html
    assert "Ritindeling" in html and "binnenbaan" in html and "buitenbaan" in html
    assert 'title="baanrecord"' in html


def test_head_to_head_in_dutch(wk_sprint_after_3, client):
    a = wk_sprint_after_3.skaters.get(name="Miho Takagi").pk
    b = wk_sprint_after_3.skaters.get(name="Femke Kok").pk
    html = text(client.get(f"/{SLUG}/h2h/?a={a}&b={b}", HTTP_ACCEPT_LANGUAGE="nl").content.decode())
    assert "Na 3 afstanden: Miho Takagi staat 0,335 punten voor, 0,67 s op de 1000 m." in html


def test_set_language_switches_the_pages(wk_sprint_after_3, client):
    html = client.get(PAGE).content.decode()
    # The switch in the header: a form posting to set_language, with its CSRF token.
    form = re.search(r'<form class="language" action="([^"]+)" method="post">(.*?)</form>', html, re.S)
    assert form and form.group(1) == reverse("set_language")
    assert 'name="csrfmiddlewaretoken"' in form.group(2)
    assert 'name="language" value="nl"' in form.group(2)
    assert f'name="next" value="{PAGE}"' in form.group(2)

    response = client.post(reverse("set_language"), {"language": "nl", "next": PAGE})
    assert response.status_code == 302 and response.url == PAGE
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "nl"
    assert "0,67" in row(client.get(PAGE).content.decode(), "Femke Kok")

    client.post(reverse("set_language"), {"language": "en", "next": PAGE})
    assert "0.67" in row(client.get(PAGE).content.decode(), "Femke Kok")


def test_set_language_needs_the_csrf_token(wk_sprint_after_3):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(reverse("set_language"), {"language": "nl", "next": PAGE}).status_code == 403


def test_a_push_reads_the_standings_once_whatever_the_languages_followed(
    wk_sprint_after_3, django_capture_on_commit_callbacks
):
    """Each followed language gets a frame in its own words, from one reading of the database."""
    layer = get_channel_layer()

    def push_and_count(*followed):
        async_to_sync(layer.flush)()
        listener = Listener(SLUG, followed)
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=True),
            transaction.atomic(),
        ):
            live.championship_changed(wk_sprint_after_3.pk, 4)
        return len(queries), listener.frames(len(followed))

    try:
        both, frames = push_and_count("en", "nl")
        assert sorted("111,315" in frame for frame in frames) == [False, True]  # one Dutch, one English
        english_only, _ = push_and_count("en")
        assert both == english_only
    finally:
        async_to_sync(layer.flush)()


# A number written the English way: a digit, a point, digits not followed by the decimal comma of
# a Dutch time (1.13,32 has a point between minutes and seconds, and is Dutch).
ENGLISH_NUMBER = re.compile(r"\d\.\d+(?![\d,])")


def dutch_pages(championship):
    """Every public page of `championship` a spectator, commentator or mixer can open."""
    slug = championship.slug
    skaters = [row.skater.pk for row in Standings(championship).rows]
    a, b = skaters[0], skaters[1]
    pages = [
        "/",
        f"/{slug}/",
        f"/{slug}/tv/",
        f"/{slug}/h2h/?a={a}&b={b}",
        f"/{slug}/h2h/?a={b}&b={skaters[-1]}",
        f"/{slug}/commentary/",
        f"/{slug}/overlay/help/",
        f"/{slug}/?skater={b}&distance=4&time=1:12.50",
        *(f"/{slug}/overlay/?show={show}&lang=nl&a={a}&b={b}" for show in ("classification", "pair", "h2h")),
        *(f"/{slug}/distances/{order}/" for order in (1, 2, 3, 4)),
        *(f"/{slug}/skaters/{pk}/" for pk in skaters),
    ]
    return pages


RECORDING = Path(settings.BASE_DIR) / "data" / "wk-sprint-2024-women-1000m-2.jsonl"


def race_on_the_ice(client, championship):
    """The final 1000 m's first pair finished and the second past 200 m, from the timing feed."""
    secret = TimingToken.issue(championship, "Vantage main")[1]
    events = [json.loads(line) for line in RECORDING.read_text().splitlines()]
    sent = [
        {k: v for k, v in e.items() if k != "at"}
        for e in events
        if e["id"].startswith("wk24-d4-p1-") or e["id"] in {"wk24-d4-p2-start", "wk24-d4-p2-inner-200"}
    ]
    answer = client.post(
        f"/api/timing/{championship.slug}/events",
        json.dumps({"events": sent}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert answer.status_code == 200, answer.content


@pytest.mark.parametrize("state", ["before", "during", "after", "on the ice"])
def test_dutch_pages_write_every_number_with_the_decimal_comma(client, seed_data, state):
    championship = load(seed_data, results_until=3 if state in ("before", "on the ice") else None)
    if state == "during":
        later = Start.objects.filter(distance__championship=championship, distance__order=4, pair__gt=2)
        Result.objects.filter(distance__order=4, skater__in=later.values("skater")).delete()
    if state == "on the ice":
        race_on_the_ice(client, championship)
    found = {}
    for url in dutch_pages(championship):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="nl")
        assert response.status_code == 200, url
        shown = text(re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S))
        english = ENGLISH_NUMBER.findall(shown)
        if english:
            found[url] = english
    assert found == {}


def test_the_race_panel_in_dutch(wk_sprint_after_3, client):
    race_on_the_ice(client, wk_sprint_after_3)
    html = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    shown = text(re.search(r'<section id="race".*?</section>', html, re.S).group(0))
    assert shown == (
        "1000 m, rit 2 op het ijs Schaatser 200 m 1000 m Tian Ruining 18,59 (2) 18,59 +0,02 ≈1.15,39 (1) "
        "37,695 · heeft 1.16,90 nodig voor de leiding Kim Min-sun tijd (positie) · rondetijd, achter de "
        "snelste; ≈ verwachte eindtijd (positie in het klassement) · punten, tijd voor de leiding "
        "Daarna: rit 3 Vanessa Herzog – Erin Jackson"
    )

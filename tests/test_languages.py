"""Every page in English and Dutch, numbers in the page's language; the JSON feed and the push.

Seed: World Sprint 2024 women. After three distances Takagi leads on 110.980 and Kok is second on
111.315, 0.335 points = 0.67 s on the final 1000 m; Takagi skated the first 1000 m in 1:13.32.
"""

import re
from decimal import Decimal

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from championships.display import points_text, seconds_text, time_text
from championships.live import changes as live
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

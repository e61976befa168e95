"""What the timing feed delivered, in the officials' pair entry: shown per lane, confirmed with one
Save, corrected by typing; the measured time kept; a doubtful feed time marked and asked about.

Seed: World Sprint 2024 women before the final 1000 m (distance 4); pair 4 is Kimi Goetz (inner)
and Jutta Leerdam (outer).
"""

from decimal import Decimal
from html import unescape

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.urls import reverse

from championships.models import Result
from championships.timing.models import Race, TimingToken
from tests.support.pages import form_fields, opened, pair_overview, text
from tests.support.timing import post_events

SLUG = "wk-sprint-2024-women"


@pytest.fixture
def secret(wk_sprint_after_3):
    return TimingToken.issue(wk_sprint_after_3, "photo-finish")[1]


@pytest.fixture
def url(wk_sprint_after_3):
    return reverse("admin:championships_distance_pair", args=[wk_sprint_after_3.distances.get(order=4).pk, 4])


def send(client, secret, *events):
    return post_events(secret, events, SLUG, client)


def finish(id, lane, time, source="photofinish"):
    return {
        "id": id,
        "type": "finish",
        "distance": 4,
        "pair": 4,
        "lane": lane,
        "time": time,
        "source": source,
    }


def passing(id, lane, meters, time):
    return {
        "id": id,
        "type": "passing",
        "distance": 4,
        "pair": 4,
        "lane": lane,
        "meters": meters,
        "time": time,
    }


def result_of(name):
    return Result.objects.get(distance__order=4, skater__name=name)


@pytest.fixture
def skated(client, secret):
    """Pair 4 skated: Goetz with two passings and a photo-finish, Leerdam with an optical finish."""
    send(
        client,
        secret,
        passing("g200", "inner", 200, "19.2512"),
        passing("g600", "inner", 600, "47.8787"),
        finish("g-fin", "inner", "74.2577"),
        finish("l-fin", "outer", "72.8612", source="optical"),
    )


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def test_the_feed_keeps_the_measured_time_in_the_result(skated):
    assert (result_of("Kimi Goetz").time, result_of("Kimi Goetz").raw_time) == (
        Decimal("74.25"),
        Decimal("74.2577"),
    )
    assert result_of("Jutta Leerdam").raw_time == Decimal("72.8612")


def test_a_photo_finish_with_the_same_hundredths_replaces_the_measured_time(client, secret, skated):
    send(client, secret, finish("l-photo", "outer", "72.8688"))
    assert (result_of("Jutta Leerdam").time, result_of("Jutta Leerdam").raw_time) == (
        Decimal("72.86"),
        Decimal("72.8688"),
    )


def test_the_entry_shows_what_the_feed_delivered_per_lane(official_client, url, skated):
    page = unescape(official_client.get(url).content.decode())
    assert "feed: 1:14.25 (photo-finish) · Save confirms it passings: 200 m 19.25 · 600 m 47.87" in text(page)
    assert "feed: 1:12.86 (optical) · Save confirms it" in text(page)
    fields = form_fields(page, "pair-entry")
    assert (fields["inner"], fields["outer"]) == ("1:14.25", "1:12.86")


def test_one_save_confirms_the_feed_times_and_the_feed_then_keeps_off(
    client, official_client, official, secret, url, skated
):
    response = official_client.post(url, opened(official_client, url, "pair-entry"), follow=True)
    assert messages_of(response) == [
        "Kimi Goetz: 1:14.25 (timing feed, photo-finish) confirmed",
        "Jutta Leerdam: 1:12.86 (timing feed, optical) confirmed",
    ]
    assert response.redirect_chain[-1][0] == url.replace("/pairs/4/", "/pairs/5/")
    goetz = result_of("Kimi Goetz")
    assert LogEntry.objects.get(
        object_id=str(goetz.pk), user=official, action_flag=CHANGE
    ).change_message == ("Confirmed the timing feed's 1:14.25 (photo-finish).")
    # The official's confirmed time stands: a later photo-finish does not overwrite it.
    answer = send(client, secret, finish("l-photo", "outer", "72.9011"))
    assert answer["kept"] == ["l-photo"]
    assert result_of("Jutta Leerdam").time == Decimal("72.86")
    page = unescape(official_client.get(url).content.decode())
    assert "feed: 1:12.90 (photo-finish) · not taken: the saved time stands" in text(page)


def test_a_time_typed_over_the_feeds_is_a_correction_the_feed_keeps_off(
    client, official_client, secret, url, skated
):
    form = {**opened(official_client, url, "pair-entry"), "outer": "1:12.96"}
    response = official_client.post(url, form, follow=True)
    assert messages_of(response)[:2] == [
        "Kimi Goetz: 1:14.25 (timing feed, photo-finish) confirmed",
        "Jutta Leerdam: 1:12.86 → 1:12.96",
    ]
    leerdam = result_of("Jutta Leerdam")
    assert (leerdam.time, leerdam.raw_time) == (Decimal("72.96"), None)  # not the measured one any more
    assert send(client, secret, finish("l-photo", "outer", "72.8611"))["kept"] == ["l-photo"]
    assert result_of("Jutta Leerdam").time == Decimal("72.96")


def test_a_doubtful_feed_time_is_marked_and_confirmed_with_one_more_save(
    client, official_client, secret, url
):
    send(
        client,
        secret,
        finish("g-fin", "inner", "74.2577"),
        finish("l-fin", "outer", "112.8612", source="optical"),
    )
    page = unescape(official_client.get(url).content.decode())
    assert "feed: 1:52.86 (optical) — implausible for 1000 m, check · Save confirms it" in text(page)
    assert (
        "1:52.86 is slower than any 1000 m in a senior championship (1:04-1:40) — did you mean 1:12.86?"
        in page
    )
    response = official_client.post(url, form_fields(page, "pair-entry"))
    assert response.status_code == 200
    asked = unescape(response.content.decode())
    assert (
        "Outer lane — Jutta Leerdam: the timing feed's 1:52.86 is implausible (1:52.86 is slower than any "
        "1000 m in a senior championship (1:04-1:40) — did you mean 1:12.86?): check it, then press Save "
        "again to confirm it"
    ) in asked
    assert Race.objects.get(skater__name="Jutta Leerdam").written is not None  # not confirmed yet
    response = official_client.post(url, form_fields(asked, "pair-entry"), follow=True)
    assert messages_of(response)[1] == "Jutta Leerdam: 1:52.86 (timing feed, optical) confirmed"
    assert Race.objects.get(skater__name="Jutta Leerdam").written is None


def test_a_feed_finish_without_a_result_fills_the_lane(client, official_client, secret, url, skated):
    """A result the feed wrote and an official cleared: the feed's finish stands in the field."""
    Result.objects.filter(skater__name="Kimi Goetz", distance__order=4).delete()
    page = official_client.get(url).content.decode()
    assert form_fields(page, "pair-entry")["inner"] == "1:14.25"
    response = official_client.post(url, form_fields(page, "pair-entry"), follow=True)
    assert messages_of(response)[0] == "Kimi Goetz: 1:14.25 (timing feed, photo-finish) confirmed"
    assert result_of("Kimi Goetz").time == Decimal("74.25")


def test_the_overview_marks_the_pairs_the_feed_wrote_and_no_official_confirmed(
    client, official_client, secret, url, skated
):
    send(client, secret, {**finish("s-fin", "inner", "75.1012"), "pair": 3})  # Herzog; Jackson not in yet
    page = official_client.get(url).content.decode()
    assert pair_overview(page)[2:4] == [
        ["3", "Vanessa Herzog 1:15.10", "Erin Jackson", "partly · feed, to confirm"],
        ["4", "Kimi Goetz 1:14.25", "Jutta Leerdam 1:12.86", "feed, to confirm"],
    ]
    assert '<tr class="pair-done pair-from-feed pair-current">' in page
    official_client.post(url, opened(official_client, url, "pair-entry"))  # Save confirms pair 4
    page = official_client.get(url).content.decode()
    assert pair_overview(page)[2:4] == [
        ["3", "Vanessa Herzog 1:15.10", "Erin Jackson", "partly · feed, to confirm"],
        ["4", "Kimi Goetz 1:14.25", "Jutta Leerdam 1:12.86", "✓ done"],
    ]

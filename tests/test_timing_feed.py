"""The timing feed, `POST /api/timing/<slug>/events` (docs/timing.md), and its tokens.

Seed: World Sprint 2024 women before the final 1000 m (distance 4), whose pair 4 is Kimi Goetz
(inner) and Jutta Leerdam (outer), and pair 5 Femke Kok (inner) and Miho Takagi (outer).
"""

import hashlib
import json
import threading
from decimal import Decimal
from io import StringIO

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from championships.championship_file import load
from championships.forms import result_form
from championships.models import Championship, Distance, Result, Start
from championships.timing.models import Race, TimingEvent, TimingToken
from championships.timing.views import MAX_BODY, REQUESTS_PER_WINDOW, WINDOW_SECONDS
from tests.support.listener import timed_championship

SLUG = "wk-sprint-2024-women"
URL = f"/api/timing/{SLUG}/events"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # the request counts per token
    yield
    cache.clear()


@pytest.fixture
def secret(wk_sprint_after_3):
    return TimingToken.issue(wk_sprint_after_3, "Vantage main")[1]


@pytest.fixture
def leerdam(wk_sprint_after_3):
    return wk_sprint_after_3.skaters.get(name="Jutta Leerdam")


@pytest.fixture
def final_1000(wk_sprint_after_3):
    return wk_sprint_after_3.distances.get(order=4)


def post(client, body, secret, url=URL, content_type="application/json"):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    return client.post(url, data, content_type=content_type, headers=headers)


def send(client, secret, *events):
    return post(client, {"events": list(events)}, secret)


def ev(id, type="passing", lane="outer", pair=4, distance=4, **fields):
    event = {"id": id, "type": type, "distance": distance, "pair": pair, **fields}
    if type != "start":
        event["lane"] = lane
    return event


def leerdam_result(final_1000, leerdam):
    return Result.objects.filter(distance=final_1000, skater=leerdam).first()


def revision():
    return Championship.objects.get(slug=SLUG).revision


def enter_by_hand(distance, skater, time):
    """What an official's save through the admin, pair entry or enter_result does."""
    form = result_form(distance, skater, time=Decimal(time))
    assert form.is_valid(), form.errors
    return form.save()


# --- a pair through the feed ----------------------------------------------------------------


def test_a_pair_skated_through_the_feed(client, secret, final_1000, leerdam):
    before = revision()
    answer = send(
        client,
        secret,
        ev("p4-start", type="start"),
        ev("p4-o-200", meters=200, time="17.9812"),
        ev("p4-o-600", meters=600, time="44.6587"),
    )
    assert answer.status_code == 200
    # Passings do not change what the JSON feed carries: the revision stays.
    assert answer.json() == {"accepted": 3, "duplicates": 0, "kept": [], "revision": before}
    assert leerdam_result(final_1000, leerdam) is None

    answer = send(client, secret, ev("p4-o-fin", type="finish", time="72.8745", source="optical"))
    result = leerdam_result(final_1000, leerdam)
    assert (result.time, result.status, result.splits) == (Decimal("72.87"), "", ["17.98", "44.65"])
    assert answer.json() == {"accepted": 1, "duplicates": 0, "kept": [], "revision": revision()}
    assert revision() > before

    # The photo-finish a few seconds later corrects it.
    send(client, secret, ev("p4-o-photo", type="finish", time="72.8611", source="photofinish"))
    result.refresh_from_db()
    assert result.time == Decimal("72.86")
    race = Race.objects.get(distance=final_1000, skater=leerdam)
    assert race.finish == {"time": "72.8611", "source": "photofinish"}  # the raw time is kept
    assert race.started is not None
    rows = client.get(f"/{SLUG}/standings.json").json()["rows"]
    row = next(r for r in rows if r["skater"]["name"] == "Jutta Leerdam")
    assert row["distances"][3]["time"] == "1:12.86"


@pytest.mark.parametrize(
    ("raw", "shown"), [("78.5077", "78.50"), ("78.508", "78.50"), ("78.5", "78.50"), ("78", "78.00")]
)
def test_times_are_truncated_to_hundredths(client, secret, final_1000, leerdam, raw, shown):
    send(client, secret, ev("fin", type="finish", time=raw))
    assert leerdam_result(final_1000, leerdam).time == Decimal(shown)
    assert Race.objects.get(skater=leerdam).finish["time"] == raw


def test_lap_times_are_differences_of_truncated_passings(client, secret, leerdam):
    # Raw: 47.8712 - 19.2591 = 28.6121 (28.61 truncated); the rule: 47.87 - 19.25 = 28.62.
    send(
        client,
        secret,
        ev("200", meters=200, time="19.2591"),
        ev("600", meters=600, time="47.8712"),
        ev("fin", type="finish", time="78.5077"),
    )
    race = Race.objects.get(skater=leerdam)
    assert race.lap_times() == [(200, Decimal("19.25")), (600, Decimal("28.62")), (1000, Decimal("30.63"))]
    assert race.splits() == ["19.25", "47.87"]


def test_a_passing_at_the_full_distance_is_a_finish(client, secret, final_1000, leerdam):
    send(client, secret, ev("200", meters=200, time="17.9812"), ev("1000", meters=1000, time="72.8611"))
    result = leerdam_result(final_1000, leerdam)
    assert (result.time, result.splits) == (Decimal("72.86"), ["17.98"])


def test_a_passing_after_the_finish_corrects_the_splits(client, secret, final_1000, leerdam):
    send(client, secret, ev("200", meters=200, time="17.9812"), ev("fin", type="finish", time="72.8611"))
    send(client, secret, ev("200-optical", meters=200, time="17.9955", source="optical"))
    assert leerdam_result(final_1000, leerdam).splits == ["17.99"]


def test_one_batch_for_two_distances_keeps_their_races_apart(client, secret, final_1000, leerdam):
    # Leerdam skates pair 4 outer on both 500 m #2 (distance 3, result loaded from the file) and here.
    answer = send(
        client,
        secret,
        ev("d4-fin", type="finish", time="72.8611"),
        ev("d3-100", distance=3, meters=100, time="10.4512"),
    )
    assert answer.json()["kept"] == ["d3-100"]  # the 500 m result is the file's, not the feed's
    races = {r.distance.order: r.passings for r in Race.objects.filter(skater=leerdam)}
    assert races == {3: {"100": {"time": "10.4512", "source": "transponder"}}, 4: {}}
    assert (leerdam_result(final_1000, leerdam).time, leerdam_result(final_1000, leerdam).splits) == (
        Decimal("72.86"),
        [],
    )
    assert Result.objects.get(distance__order=3, skater=leerdam).time == Decimal("37.57")


# --- retries and batches ----------------------------------------------------------------------


def test_an_event_sent_again_is_accepted_and_ignored(client, secret, final_1000, leerdam):
    batch = [ev("a", meters=200, time="17.9812"), ev("b", type="finish", time="72.8611")]
    first = send(client, secret, *batch).json()
    second = send(client, secret, *batch).json()
    assert second == {"accepted": 0, "duplicates": 2, "kept": [], "revision": first["revision"]}
    # The same id again even with other content: the first stands.
    third = send(client, secret, ev("b", type="finish", time="75.00", source="photofinish")).json()
    assert (third["accepted"], third["duplicates"]) == (0, 1)
    assert leerdam_result(final_1000, leerdam).time == Decimal("72.86")
    assert TimingEvent.objects.count() == 2


def test_the_same_id_twice_in_one_batch_counts_once(client, secret):
    answer = send(client, secret, ev("a", meters=200, time="17.98"), ev("a", meters=200, time="17.98"))
    assert (answer.json()["accepted"], answer.json()["duplicates"]) == (1, 1)


def test_ids_are_per_token(client, secret, wk_sprint_after_3, final_1000, leerdam):
    other = TimingToken.issue(wk_sprint_after_3, "photo-finish")[1]
    send(client, secret, ev("fin", type="finish", time="72.8745", source="optical"))
    answer = send(client, other, ev("fin", type="finish", time="72.8611", source="photofinish"))
    assert (answer.json()["accepted"], answer.json()["duplicates"]) == (1, 0)
    assert leerdam_result(final_1000, leerdam).time == Decimal("72.86")


def test_a_batch_with_one_bad_event_writes_nothing(client, secret, final_1000, leerdam):
    before = revision()
    answer = send(
        client,
        secret,
        ev("ok-200", meters=200, time="17.9812"),
        ev("ok-fin", type="finish", time="72.8611"),
        ev("bad", lane="outer", pair=9, type="finish", time="74.25"),
    )
    assert answer.status_code == 400
    assert answer.json() == {
        "errors": [{"index": 2, "field": "pair", "message": "Distance 4 has no pair 9 in its start list."}]
    }
    assert leerdam_result(final_1000, leerdam) is None
    assert (Race.objects.count(), TimingEvent.objects.count(), revision()) == (0, 0, before)
    # Nothing was taken: the corrected batch goes in whole, ids and all.
    answer = send(
        client, secret, ev("ok-200", meters=200, time="17.9812"), ev("ok-fin", type="finish", time="72.8611")
    )
    assert (answer.json()["accepted"], answer.json()["duplicates"]) == (2, 0)


def test_an_order_broken_later_in_the_batch_undoes_the_batch(client, secret, final_1000, leerdam):
    answer = send(
        client,
        secret,
        ev("fin", type="finish", time="72.8611"),
        ev("600", meters=600, time="73.00"),  # after the finish just sent
    )
    assert answer.json() == {
        "errors": [
            {
                "index": 1,
                "field": "time",
                "message": "73.00 s at 600 m is not earlier than the finish, 72.8611 s.",
            }
        ]
    }
    assert leerdam_result(final_1000, leerdam) is None
    assert not Race.objects.exists()


# --- the 400 answers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "field"),
    [
        (
            {"type": "passing", "distance": 4, "pair": 4, "lane": "outer", "meters": 200, "time": "17.98"},
            "id",
        ),
        (ev("", meters=200, time="17.98"), "id"),
        (ev(["a"], meters=200, time="17.98"), "id"),
        (ev("x" * 101, meters=200, time="17.98"), "id"),
        ("not an object", "event"),
        (ev("t", type="lap", meters=200, time="17.98"), "type"),
        (ev("t", type=None), "type"),
        (ev("d", distance=9, meters=200, time="17.98"), "distance"),
        (ev("d", distance="4", meters=200, time="17.98"), "distance"),
        (ev("d", distance=True, meters=200, time="17.98"), "distance"),
        (ev("p", pair=9, meters=200, time="17.98"), "pair"),
        (ev("p", pair=4.0, meters=200, time="17.98"), "pair"),
        (ev("s", type="start", pair=0), "pair"),
        (ev("l", lane="middle", meters=200, time="17.98"), "lane"),
        (ev("l", lane=None, meters=200, time="17.98"), "lane"),
        (ev("m", meters=1200, time="17.98"), "meters"),
        (ev("m", meters=0, time="17.98"), "meters"),
        (ev("m", time="17.98"), "meters"),
        (ev("m", type="finish", meters=600, time="72.86"), "meters"),
        (ev("t", meters=200, time=17.98), "time"),
        (ev("t", meters=200, time="1:12.86"), "time"),
        (ev("t", meters=200, time="17,98"), "time"),
        (ev("t", meters=200, time="17.98765"), "time"),
        (ev("t", meters=200, time="-17.98"), "time"),
        (ev("t", meters=200, time="0"), "time"),
        (ev("t", meters=200), "time"),
        (ev("t", type="finish", time="abc"), "time"),
        (ev("t", type="finish", time="99999"), "time"),
        (ev("src", meters=200, time="17.98", source="stopwatch"), "source"),
        (ev("st", type="status", status="DSQX"), "status"),
        (ev("st", type="status"), "status"),
    ],
)
def test_each_bad_event_is_refused_with_its_index_and_field(client, secret, event, field):
    answer = send(client, secret, ev("good", meters=200, time="17.50"), event)
    assert answer.status_code == 400
    [error] = answer.json()["errors"]
    assert (error["index"], error["field"]) == (1, field)
    assert error["message"]
    assert not TimingEvent.objects.exists()


def test_a_lane_with_no_skater_is_refused(client, secret, final_1000):
    Start.objects.filter(distance=final_1000, pair=4, lane="outer").delete()
    answer = send(client, secret, ev("x", meters=200, time="17.98"))
    assert answer.json() == {
        "errors": [
            {"index": 0, "field": "lane", "message": "Pair 4 of distance 4 has no skater in the outer lane."}
        ]
    }


def test_every_bad_event_of_a_batch_is_listed(client, secret):
    answer = send(
        client, secret, ev("a", pair=9, meters=200, time="1"), ev("b", meters=200, time="17.98"), {}
    )
    assert [(e["index"], e["field"]) for e in answer.json()["errors"]] == [(0, "pair"), (2, "id")]


@pytest.mark.parametrize(
    ("earlier", "event", "message"),
    [
        (
            [ev("200", meters=200, time="19.25")],
            ev("600", meters=600, time="19.00"),
            "not later than 19.25 s at 200 m",
        ),
        (
            [ev("600", meters=600, time="47.87")],
            ev("200", meters=200, time="48.00"),
            "not earlier than 47.87 s at 600 m",
        ),
        (
            [ev("600", meters=600, time="47.87")],
            ev("fin", type="finish", time="47.80"),
            "not later than 47.87 s at 600 m",
        ),
        (
            [ev("fin", type="finish", time="72.86")],
            ev("600", meters=600, time="72.90"),
            "not earlier than the finish",
        ),
    ],
)
def test_times_out_of_order_are_refused(client, secret, earlier, event, message):
    send(client, secret, *earlier)
    answer = send(client, secret, event)
    [error] = answer.json()["errors"]
    assert (answer.status_code, error["index"], error["field"]) == (400, 0, "time")
    assert message in error["message"]


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b'{"events": [',
        b"\xff\xfe",
        b"[]",
        b'{"event": []}',
        b'{"events": {}}',
        b"null",
        b"[" * 100_000,
    ],
)
def test_a_body_that_is_not_a_batch_is_refused(client, secret, body):
    answer = post(client, body, secret)
    assert answer.status_code == 400
    [error] = answer.json()["errors"]
    assert (error["index"], error["field"]) == (None, "events")


def test_an_empty_batch_is_fine(client, secret):
    assert send(client, secret).json() == {"accepted": 0, "duplicates": 0, "kept": [], "revision": revision()}


def test_a_result_on_an_official_distance_is_refused(client, secret, final_1000, leerdam):
    Distance.objects.filter(pk=final_1000.pk).update(official=True)
    answer = send(client, secret, ev("fin", type="finish", time="72.86"))
    [error] = answer.json()["errors"]
    assert (answer.status_code, error["index"], error["field"]) == (400, 0, "distance")
    assert "official" in error["message"]
    assert leerdam_result(final_1000, leerdam) is None


# --- the other answers, in their order ----------------------------------------------------------


def test_an_unknown_championship_is_404_before_anything_else(client, secret):
    answer = post(client, b"x", None, url="/api/timing/no-such/events", content_type="text/plain")
    assert answer.status_code == 404
    assert answer.json() == {
        "errors": [{"index": None, "field": None, "message": "There is no championship 'no-such'."}]
    }


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}])
def test_no_or_an_unknown_token_is_401(client, secret, headers):
    answer = client.post(URL, b"x" * (MAX_BODY + 1), content_type="text/plain", headers=headers)
    assert answer.status_code == 401
    assert answer["WWW-Authenticate"] == "Bearer"
    assert "Bearer" in answer.json()["errors"][0]["message"]


def test_a_token_of_another_championship_is_403(client, secret, seed_data):
    seed_data["slug"] = "another"
    other = TimingToken.issue(load(seed_data), "Vantage main")[1]
    answer = post(client, b"x" * (MAX_BODY + 1), other, content_type="text/plain")
    assert answer.status_code == 403
    assert (
        answer.json()["errors"][0]["message"]
        == "This token is not for World Sprint Championships 2024 — Women."
    )


def test_a_revoked_token_is_403(client, secret, wk_sprint_after_3):
    out = StringIO()
    call_command("timing_token", SLUG, "--name", "Vantage main", "--revoke", stdout=out)
    answer = post(client, b"x" * (MAX_BODY + 1), secret, content_type="text/plain")
    assert answer.status_code == 403
    assert answer.json()["errors"][0]["message"] == "The token 'Vantage main' was revoked."


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_a_body_that_is_not_json_is_415_before_its_size(client, secret, content_type):
    answer = post(client, b"x" * (MAX_BODY + 1), secret, content_type=content_type)
    assert answer.status_code == 415


def test_json_with_a_charset_is_json(client, secret):
    answer = post(client, {"events": []}, secret, content_type="application/json; charset=utf-8")
    assert answer.status_code == 200


def test_a_body_over_1_mib_is_413(client, secret):
    padding = " " * (MAX_BODY - len('{"events": []}') + 1)
    answer = post(client, '{"events": []}' + padding, secret)
    assert answer.status_code == 413
    assert not TimingEvent.objects.exists()
    assert post(client, '{"events": []}' + padding[:-1], secret).status_code == 200  # exactly 1 MiB


def test_get_is_405(client, secret):
    answer = client.get(URL, headers={"Authorization": f"Bearer {secret}"})
    assert (answer.status_code, answer["Allow"]) == (405, "POST")


def test_a_flood_from_one_token_is_429(client, secret, wk_sprint_after_3):
    for _ in range(REQUESTS_PER_WINDOW):
        assert send(client, secret).status_code == 200
    answer = send(client, secret)
    assert (answer.status_code, answer["Retry-After"]) == (429, str(WINDOW_SECONDS))
    # Another device of the championship is not held back.
    other = TimingToken.issue(wk_sprint_after_3, "photo-finish")[1]
    assert send(client, other).status_code == 200


# --- officials' hand times, sources, status, clear ---------------------------------------------


def test_an_officials_time_is_kept(client, secret, final_1000, leerdam):
    enter_by_hand(final_1000, leerdam, "72.90")
    answer = send(
        client,
        secret,
        ev("200", meters=200, time="17.9812"),
        ev("fin", type="finish", time="72.8611", source="photofinish"),
        ev("dq", type="status", status="DQ"),
    )
    assert answer.json()["kept"] == ["200", "fin", "dq"]
    result = leerdam_result(final_1000, leerdam)
    assert (result.time, result.status, result.splits) == (Decimal("72.90"), "", [])
    # What the feed delivered is kept for the officials to see.
    assert Race.objects.get(skater=leerdam).finish == {"time": "72.8611", "source": "photofinish"}


def test_a_feed_time_corrected_by_an_official_is_kept(client, secret, final_1000, leerdam):
    send(client, secret, ev("opt", type="finish", time="72.8745", source="optical"))
    enter_by_hand(final_1000, leerdam, "72.95")
    answer = send(client, secret, ev("photo", type="finish", time="72.8611", source="photofinish"))
    assert answer.json()["kept"] == ["photo"]
    assert leerdam_result(final_1000, leerdam).time == Decimal("72.95")
    answer = send(client, secret, ev("false-start", type="clear"))
    assert answer.json()["kept"] == ["false-start"]
    assert leerdam_result(final_1000, leerdam).time == Decimal("72.95")


def test_the_feeds_own_manual_time_is_not_an_officials(client, secret, final_1000, leerdam):
    send(client, secret, ev("hand", type="finish", time="72.91", source="manual"))
    answer = send(client, secret, ev("tr", type="finish", time="72.8745"))
    assert answer.json()["kept"] == []
    assert leerdam_result(final_1000, leerdam).time == Decimal("72.87")


@pytest.mark.parametrize(
    ("first", "then", "stands"),
    [
        ("photofinish", "optical", "72.86"),
        ("photofinish", "transponder", "72.86"),
        ("optical", "transponder", "72.86"),
        ("transponder", "manual", "72.86"),
        ("transponder", "optical", "72.99"),
        ("optical", "photofinish", "72.99"),
        ("manual", "transponder", "72.99"),
        ("photofinish", "photofinish", "72.99"),  # equal: the later one stands
        ("transponder", "transponder", "72.99"),
    ],
)
def test_a_finish_replaces_one_from_an_equal_or_lower_source(
    client, secret, final_1000, leerdam, first, then, stands
):
    send(client, secret, ev("1", type="finish", time="72.8611", source=first))
    answer = send(client, secret, ev("2", type="finish", time="72.9999", source=then))
    assert (answer.status_code, answer.json()["accepted"]) == (200, 1)
    assert leerdam_result(final_1000, leerdam).time == Decimal(stands)


def test_a_passing_is_corrected_by_the_same_rule(client, secret, leerdam):
    send(client, secret, ev("a", meters=200, time="17.9812", source="optical"))
    send(client, secret, ev("b", meters=200, time="17.9001"))  # transponder: lower, ignored
    assert Race.objects.get(skater=leerdam).splits() == ["17.98"]
    send(client, secret, ev("c", meters=200, time="17.9501", source="photofinish"))
    assert Race.objects.get(skater=leerdam).splits() == ["17.95"]
    assert list(TimingEvent.objects.values_list("event_id", "outcome")) == [
        ("a", "applied"),
        ("b", "ignored"),
        ("c", "applied"),
    ]


def test_a_status_keeps_the_finish_time(client, secret, final_1000, leerdam):
    send(client, secret, ev("fin", type="finish", time="75.2844"), ev("dq", type="status", status="DQ"))
    result = leerdam_result(final_1000, leerdam)
    assert (result.time, result.status) == (Decimal("75.28"), "DQ")
    rows = client.get(f"/{SLUG}/standings.json").json()["rows"]
    row = next(r for r in rows if r["skater"]["name"] == "Jutta Leerdam")
    assert (row["status"], row["distances"][3]["status"], row["distances"][3]["points"]) == ("NC", "DQ", None)


def test_a_status_before_the_finish(client, secret, final_1000, leerdam):
    send(client, secret, ev("200", meters=200, time="17.98"), ev("dnf", type="status", status="DNF"))
    result = leerdam_result(final_1000, leerdam)
    assert (result.time, result.status, result.splits) == (None, "DNF", ["17.98"])


def test_clear_withdraws_what_the_feed_sent(client, secret, final_1000, leerdam):
    send(
        client,
        secret,
        ev("start", type="start"),
        ev("200", meters=200, time="17.98"),
        ev("fin", type="finish", time="72.86"),
    )
    written = revision()
    answer = send(client, secret, ev("false-start", type="clear"))
    assert answer.json()["kept"] == []
    assert answer.json()["revision"] > written
    assert leerdam_result(final_1000, leerdam) is None
    race = Race.objects.get(skater=leerdam)
    assert (race.passings, race.finish, race.started, race.written) == ({}, None, None, None)
    # The restart: a fresh race.
    send(client, secret, ev("restart", type="start"), ev("200b", meters=200, time="18.01"))
    assert Race.objects.get(skater=leerdam).splits() == ["18.01"]


# --- tokens -----------------------------------------------------------------------------------------


def test_timing_token_prints_a_token_once_and_keeps_its_hash(wk_sprint_after_3, client):
    out = StringIO()
    call_command("timing_token", SLUG, "--name", "photo-finish", stdout=out)
    secret = out.getvalue().splitlines()[-1]
    token = TimingToken.objects.get(name="photo-finish")
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in json.dumps(list(TimingToken.objects.values()), default=str)
    assert token.last_used is None
    assert send(client, secret).status_code == 200
    token.refresh_from_db()
    assert token.last_used is not None


def test_timing_token_refuses_a_second_token_of_one_name_and_revokes(wk_sprint_after_3):
    call_command("timing_token", SLUG, "--name", "photo-finish", stdout=StringIO())
    with pytest.raises(CommandError, match="already has a token named 'photo-finish'"):
        call_command("timing_token", SLUG, "--name", "photo-finish", stdout=StringIO())
    out = StringIO()
    call_command("timing_token", SLUG, "--name", "photo-finish", "--revoke", stdout=out)
    assert "Revoked" in out.getvalue()
    with pytest.raises(CommandError, match="no token named 'photo-finish'"):
        call_command("timing_token", SLUG, "--name", "photo-finish", "--revoke", stdout=StringIO())
    call_command("timing_token", SLUG, "--name", "photo-finish", stdout=StringIO())  # a new one after
    with pytest.raises(CommandError, match="no championship 'nope'"):
        call_command("timing_token", "nope", "--name", "x", stdout=StringIO())


def test_the_admin_lists_tokens_with_last_use_never_the_token(client, secret, wk_sprint_after_3):
    send(client, secret)
    admin = Client()
    admin.force_login(User.objects.create_superuser("admin", password="x"))
    token = TimingToken.objects.get()
    page = admin.get("/admin/championships/timingtoken/").content.decode()
    assert "Vantage main" in page
    assert secret not in page and token.token_hash not in page
    detail = admin.get(f"/admin/championships/timingtoken/{token.pk}/change/").content.decode()
    assert secret not in detail and token.token_hash not in detail
    assert admin.get("/admin/championships/timingtoken/add/").status_code == 403
    admin.post(
        "/admin/championships/timingtoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert send(client, secret).status_code == 403


def test_officials_see_the_tokens_and_revoke_them(client, secret):
    from championships.officials import ensure_official

    username, _ = ensure_official()
    official = Client()
    official.force_login(User.objects.get(username=username))
    page = official.get("/admin/championships/timingtoken/")
    assert page.status_code == 200 and "Vantage main" in page.content.decode()
    token = TimingToken.objects.get()
    official.post("/admin/championships/timingtoken/", {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked is not None


# --- the feed's writes reach open pages -----------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_finish_from_the_feed_reaches_open_pages(seed_data):
    async with timed_championship(seed_data, SLUG) as (secret, communicator):
        await communicator.receive_from(timeout=5)
        answer = await database_sync_to_async(send)(
            Client(), secret, ev("fin", type="finish", time="72.8611", source="photofinish")
        )
        assert answer.status_code == 200
        frame = await communicator.receive_from(timeout=5)
        assert "1:12.86" in frame and "Jutta Leerdam" in frame


# --- at the same moment -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_same_batch_sent_at_once_by_retrying_devices_is_taken_once(seed_data):
    championship = load(seed_data, results_until=3)
    secret = TimingToken.issue(championship, "Vantage main")[1]
    batch = [ev("200", meters=200, time="17.9812"), ev("fin", type="finish", time="72.8611")]
    barrier, answers = threading.Barrier(4), []

    def device():
        try:
            barrier.wait(timeout=10)
            answers.append(send(Client(), secret, *batch))
        finally:
            connection.close()

    threads = [threading.Thread(target=device) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(a.status_code for a in answers) == [200, 200, 200, 200]
    assert sum(a.json()["accepted"] for a in answers) == 2
    assert sum(a.json()["duplicates"] for a in answers) == 6
    result = Result.objects.get(
        distance__championship=championship, distance__order=4, skater__name="Jutta Leerdam"
    )
    assert (result.time, result.splits) == (Decimal("72.86"), ["17.98"])

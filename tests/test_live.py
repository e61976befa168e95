"""The live feed at /ws/<slug>/ (docs/interfaces.md, WebSocket), tested against the whole ASGI application.

`sprintboard.asgi.application` includes the origin validator and the URL router, so these tests
see what a browser sees: the state on connect, one frame per committed change, nothing in reply
to what the client sends. The in-process channel layer is used (REDIS_URL unset in tests);
`tests/test_multiprocess.py` covers the Redis layer.

Seed: World Sprint 2024 women with the final 1000 m (distance 4) held back. Before it Takagi
leads on 110.980 and Kok is 2nd on 111.315; Kok's final 1000 m of 1:13.57 (36.785 points) gives
148.100.
"""

import json
import logging
import re
from decimal import Decimal

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.db import transaction
from django.utils import translation

from championships.championship_file import load
from championships.forms import result_form
from championships.models import Championship, Result
from sprintboard.asgi import application
from tests.support.live_page import applied
from tests.support.pages import classification, classification_row, section, total
from tests.support.seed import seed_data

SLUG = "wk-sprint-2024-women"
PATH = f"/ws/{SLUG}/"
ORIGIN = [(b"origin", b"http://127.0.0.1")]
TIMEOUT = 5  # seconds for a frame that must come (rendering the whole championship takes a moment)
QUIET = 0.5  # seconds of silence that count as "nothing was sent"

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_live_state"),
]


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def championship(transactional_db):
    """The seed as it stood before the final 1000 m (results of distances 1-3 only), committed."""
    return load(seed_data(), results_until=3)


@pytest.fixture
def final_1000(championship):
    return championship.distances.get(order=4)


@pytest.fixture
def kok(championship):
    return championship.skaters.get(name="Femke Kok")


@pytest.fixture
def takagi(championship):
    return championship.skaters.get(name="Miho Takagi")


# --- helpers ----------------------------------------------------------------------------------


def save_result(distance, skater, time):
    """Enter or correct a result through the one validation path (as the admin and enter_result do)."""
    form = result_form(distance, skater, time=time)
    assert form.is_valid(), form.errors
    return form.save()


async def connected(path=PATH, headers=ORIGIN):
    """A communicator that has connected and consumed the state sent on connect."""
    communicator = WebsocketCommunicator(application, path, headers=headers)
    ok, code = await communicator.connect(timeout=TIMEOUT)
    assert ok, f"connection refused with close code {code}"
    state = await communicator.receive_from(timeout=TIMEOUT)
    return communicator, state


async def state_on_connect(path=PATH, headers=ORIGIN):
    """The state a browser gets on connecting (it leaves at once)."""
    communicator, state = await connected(path, headers)
    await communicator.disconnect()
    return state


# --- tests ------------------------------------------------------------------------------------


async def test_connect_sends_the_current_state(championship, kok, takagi):
    communicator = WebsocketCommunicator(application, PATH, headers=ORIGIN)
    ok, _ = await communicator.connect(timeout=TIMEOUT)
    assert ok
    try:
        html = await communicator.receive_from(timeout=TIMEOUT)
        section = classification(html)
        assert 'id="classification"' in section and "hx-swap-oob" in section
        assert total(html, takagi) == "110.980"
        assert total(html, kok) == "111.315"
        # Every fragment of the frame is an out-of-band swap (the connecting element is left alone).
        ids = re.findall(r'<(?:section|span)\s+id="([^"]+)"\s+hx-swap-oob=', html)
        assert {"classification", "distance-1", "distance-4", "updated"} <= set(ids)
        assert await communicator.receive_nothing(timeout=QUIET)
    finally:
        await communicator.disconnect()


async def test_a_saved_result_is_pushed(final_1000, kok):
    communicator, state = await connected()
    try:
        assert total(state, kok) == "111.315"
        await database_sync_to_async(save_result)(final_1000, kok, Decimal("73.57"))
        frame = await communicator.receive_from(timeout=TIMEOUT)
        assert "148.100" in frame
        html = applied(state, frame)
        # Alone on distance 4, Kok is classified on her four-distance total.
        assert total(html, kok) == "148.100"
        assert "1:13.57" in classification_row(html, kok)
    finally:
        await communicator.disconnect()


async def test_a_correction_is_pushed(final_1000, kok):
    communicator, html = await connected()
    try:
        await database_sync_to_async(save_result)(final_1000, kok, Decimal("73.57"))
        html = applied(html, await communicator.receive_from(timeout=TIMEOUT))
        assert total(html, kok) == "148.100"

        await database_sync_to_async(save_result)(final_1000, kok, Decimal("73.67"))
        html = applied(html, await communicator.receive_from(timeout=TIMEOUT))
        # 111.315 + 73.67 / 2 = 111.315 + 36.835
        assert total(html, kok) == "148.150"
        assert "148.100" not in classification(html)
        assert "1:13.67" in classification_row(html, kok)
        assert await database_sync_to_async(Result.objects.filter(distance=final_1000).count)() == 1
    finally:
        await communicator.disconnect()


async def test_a_foreign_origin_is_refused(championship):
    communicator = WebsocketCommunicator(application, PATH, headers=[(b"origin", b"http://evil.example")])
    ok, _ = await communicator.connect(timeout=TIMEOUT)
    assert not ok
    await communicator.disconnect()  # what the server does after refusing the handshake


async def test_a_missing_origin_is_refused(championship):
    """Browsers always send Origin; a handshake without one is not a browser on an allowed host."""
    communicator = WebsocketCommunicator(application, PATH, headers=[])
    ok, _ = await communicator.connect(timeout=TIMEOUT)
    assert not ok
    await communicator.disconnect()


async def test_an_origin_that_cannot_be_read_is_refused(championship):
    communicator = WebsocketCommunicator(application, PATH, headers=[(b"origin", b"http://[::1")])
    ok, _ = await communicator.connect(timeout=TIMEOUT)
    assert not ok
    await communicator.disconnect()


async def test_the_other_allowed_host_is_accepted(championship):
    state = await state_on_connect(headers=[(b"origin", b"http://localhost:8000")])
    assert "111.315" in state


async def test_frames_from_the_client_are_ignored(final_1000, kok):
    communicator, state = await connected()
    try:
        await communicator.send_to(text_data="junk <div id=classification>hacked</div>")
        await communicator.send_to(text_data='{"type": "championship.update", "html": "hacked"}')
        await communicator.send_to(bytes_data=b"\x00\xffbinary junk")
        # No reply, and no close (receive_nothing is False on any output, a close included).
        assert await communicator.receive_nothing(timeout=QUIET)
        # Still subscribed: the next change arrives.
        await database_sync_to_async(save_result)(final_1000, kok, Decimal("73.57"))
        html = await communicator.receive_from(timeout=TIMEOUT)
        assert total(applied(state, html), kok) == "148.100"
        assert "hacked" not in html
    finally:
        await communicator.disconnect()


async def test_an_unknown_championship_is_closed(championship):
    communicator = WebsocketCommunicator(application, "/ws/no-such-championship/", headers=ORIGIN)
    ok, code = await communicator.connect(timeout=TIMEOUT)
    assert not ok
    assert code == 4404
    # It left the group it joined to read the state: nothing is kept for it.
    groups = get_channel_layer().groups
    assert not any(members for name, members in groups.items() if "no-such-championship" in name)
    await communicator.disconnect()


async def test_one_transaction_gives_one_frame(final_1000, kok, takagi):
    communicator, state = await connected()

    def save_pair():
        with transaction.atomic():
            save_result(final_1000, kok, Decimal("73.57"))
            save_result(final_1000, takagi, Decimal("73.13"))

    try:
        await database_sync_to_async(save_pair)()
        html = applied(state, await communicator.receive_from(timeout=TIMEOUT))
        # The one frame holds the committed state of both results ...
        assert total(html, kok) == "148.100"
        assert total(html, takagi) == "147.545"  # 110.980 + 36.565
        # ... and it is the only one.
        assert await communicator.receive_nothing(timeout=QUIET)
    finally:
        await communicator.disconnect()


async def test_a_rolled_back_save_sends_nothing(final_1000, kok):
    communicator, _ = await connected()

    class Abandoned(Exception):
        pass

    def save_and_roll_back():
        with pytest.raises(Abandoned), transaction.atomic():
            save_result(final_1000, kok, Decimal("73.57"))
            raise Abandoned

    try:
        await database_sync_to_async(save_and_roll_back)()
        assert await communicator.receive_nothing(timeout=QUIET)
        assert not await database_sync_to_async(Result.objects.filter(distance=final_1000).exists)()
    finally:
        await communicator.disconnect()


async def test_a_failed_broadcast_never_fails_the_save(final_1000, kok, monkeypatch, caplog):
    communicator, _ = await connected()
    layer = get_channel_layer()
    calls = []

    async def broken_group_send(group, message):
        calls.append(group)
        raise ConnectionError("channel layer unreachable")

    try:
        revision_before = (await database_sync_to_async(Championship.objects.get)(slug=SLUG)).revision
        with monkeypatch.context() as patched:
            patched.setattr(layer, "group_send", broken_group_send)
            with caplog.at_level(logging.ERROR, logger="championships.live.changes"):
                result = await database_sync_to_async(save_result)(final_1000, kok, Decimal("73.57"))

        assert calls and all(SLUG in group for group in calls), "the broadcast was not attempted"
        # The save stands ...
        stored = await database_sync_to_async(Result.objects.get)(distance=final_1000, skater=kok)
        assert stored.pk == result.pk and stored.time == Decimal("73.57")
        championship = await database_sync_to_async(Championship.objects.get)(slug=SLUG)
        assert championship.revision > revision_before
        # ... the failure is logged with its traceback ...
        failures = [
            r for r in caplog.records if r.name == "championships.live.changes" and r.levelno >= logging.ERROR
        ]
        assert failures, "the failed broadcast was not logged"
        assert failures[0].exc_info and isinstance(failures[0].exc_info[1], ConnectionError)
        # ... nothing reached the open connection ...
        assert await communicator.receive_nothing(timeout=QUIET)
    finally:
        await communicator.disconnect()

    # ... and a browser (re)connecting gets the saved state.
    state = await state_on_connect()
    assert total(state, kok) == "148.100"


async def test_the_saving_officials_language_does_not_leak_into_the_feed(final_1000, kok):
    """An official working in Dutch (LocaleMiddleware activates nl for their admin request, where
    the save and its on_commit push run) must not turn the English pages' numbers into Dutch ones
    (148,100), neither in the pushed frame nor in the cached state later connections get; a page
    in Dutch (?lang=nl, as the page's hx-ws URL says) gets its own."""
    english, state = await connected()
    dutch, dutch_state = await connected(path=f"{PATH}?lang=nl")
    try:
        assert total(state, kok) == "111.315"
        assert total(dutch_state, kok) == "111,315"

        def save_in_dutch():
            with translation.override("nl"):
                save_result(final_1000, kok, Decimal("73.57"))

        await database_sync_to_async(save_in_dutch)()
        assert total(applied(state, await english.receive_from(timeout=TIMEOUT)), kok) == "148.100"
        assert total(applied(dutch_state, await dutch.receive_from(timeout=TIMEOUT)), kok) == "148,100"
    finally:
        await english.disconnect()
        await dutch.disconnect()

    state = await state_on_connect()
    assert total(state, kok) == "148.100"


async def test_an_unknown_language_gets_the_sites_language(championship, kok):
    state = await state_on_connect(path=f"{PATH}?lang=xx-evil")
    assert total(state, kok) == "111.315"


async def test_a_save_pushes_the_classification_and_only_its_own_distance(final_1000, kok, takagi):
    communicator, state = await connected()
    try:
        assert all(f'id="distance-{order}"' in state for order in (1, 2, 3, 4))  # the whole state
        await database_sync_to_async(save_result)(final_1000, kok, Decimal("73.57"))
        frame = first = await communicator.receive_from(timeout=TIMEOUT)
        assert total(applied(state, frame), kok) == "148.100"
        # What changed, not the whole state: the classification's changed rows, distance 4's lines.
        assert 'id="distance-4-' in frame and "1:13.57" in section(applied(state, frame), "distance-4")
        assert not any(f'id="distance-{order}' in frame for order in (1, 2, 3))
        # The next result changes a few rows and lines: a fraction of the state.
        await database_sync_to_async(save_result)(final_1000, takagi, Decimal("73.13"))
        frame = await communicator.receive_from(timeout=TIMEOUT)
        assert total(applied(applied(state, first), frame), takagi) == "147.545"
        assert len(frame.encode()) < len(state.encode()) / 5
    finally:
        await communicator.disconnect()


async def test_a_storm_of_connects_all_end_on_the_latest_state(final_1000, kok):
    """Browsers reconnecting at once (a restarted server) share their reads of the state; a save
    landing in the middle of the storm still reaches every one of them, in the state sent on
    connect or in a frame after it."""
    import asyncio

    communicators = [WebsocketCommunicator(application, PATH, headers=ORIGIN) for _ in range(40)]
    connects = asyncio.gather(*(communicator.connect(timeout=TIMEOUT) for communicator in communicators))
    await asyncio.sleep(0)  # the first connects are under way
    await database_sync_to_async(save_result)(final_1000, kok, Decimal("73.57"))
    assert all(ok for ok, _ in await connects)
    try:
        for communicator in communicators:
            html = await communicator.receive_from(timeout=TIMEOUT)
            if total(html, kok) != "148.100":  # connected before the save: the push follows
                html = applied(html, await communicator.receive_from(timeout=TIMEOUT))
            assert total(html, kok) == "148.100"
    finally:
        for communicator in communicators:
            await communicator.disconnect()


# --- every change of what the pages show goes live (docs/interfaces.md: revision) -------------------


def revision():
    return Championship.objects.get(slug=SLUG).revision


def saving(instance, **fields):
    """A change that sets `fields` on the model instance and saves it."""

    def save():
        for name, value in fields.items():
            setattr(instance, name, value)
        instance.save()

    return save


async def goes_live(change, *args, **kwargs):
    """Make a change (in a thread, as a request or command would) while a page is open: the
    revision rises, the open page gets exactly one frame, and a page connecting afterwards gets
    what that frame shows. Returns the page with the frame applied and the state of the later
    connection."""
    communicator, state = await connected()
    try:
        before = await database_sync_to_async(revision)()
        await database_sync_to_async(change)(*args, **kwargs)
        assert await database_sync_to_async(revision)() > before
        frame = await communicator.receive_from(timeout=TIMEOUT)
        assert await communicator.receive_nothing(timeout=QUIET), "more than one frame for one commit"
    finally:
        await communicator.disconnect()
    return applied(state, frame), await state_on_connect()


@pytest.fixture
def admin_client(transactional_db):
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client()
    client.force_login(User.objects.create_superuser("referee", password="unused-here"))
    return client


async def test_a_renamed_skater_goes_live(kok):
    frame, later = await goes_live(saving(kok, name="Femke de Kok"))
    for html in (frame, later):
        assert "Femke de Kok" in classification_row(html, kok)
        assert "Femke Kok" not in html


async def test_a_skater_deleted_with_her_results_goes_live_and_never_comes_back(kok, takagi, admin_client):
    def delete_in_the_admin():
        response = admin_client.post(f"/admin/championships/skater/{kok.pk}/delete/", {"post": "yes"})
        assert response.status_code == 302
        assert not Result.objects.filter(skater_id=kok.pk).exists()

    frame, later = await goes_live(delete_in_the_admin)
    for html in (frame, later):
        assert f'data-skater="{kok.pk}"' not in html and "Femke Kok" not in html
        assert total(html, takagi) == "110.980"


async def test_final_places_go_live(championship):
    frame, later = await goes_live(saving(championship, final_places=8))
    for html in (frame, later):
        assert "The best 8 skate the last distance (Q)" in classification(html)


async def test_a_distances_metres_go_live(final_1000):
    frame, later = await goes_live(saving(final_1000, meters=500))
    for html in (frame, later):
        assert re.search(r"<h2[^>]*>500 m\s*<small>distance 4", section(html, "distance-4"))


async def test_an_added_record_goes_live(championship):
    """A track record of 36.00 on the 500 m, faster than anything skated: no 500 m is a TR now."""
    from championships.models import Record

    state = await state_on_connect()
    assert '<span class="badge badge-tr"' in section(state, "distance-1")  # Kok's 37.07 beat 37.12
    assert '<span class="badge badge-eq-tr"' in section(state, "distance-3")  # and equalled it
    frame, later = await goes_live(
        Record.objects.create, championship=championship, kind="TR", meters=500, time=Decimal("36.00")
    )
    for html in (frame, later):
        assert "badge-tr" not in section(html, "distance-1") + section(html, "distance-3")


async def test_marked_official_in_the_admin_goes_live(championship, admin_client):
    distance = await database_sync_to_async(championship.distances.get)(order=3)
    assert "result-status-provisional" in section(await state_on_connect(), "distance-3")

    def mark_official():
        response = admin_client.post(
            "/admin/championships/distance/", {"action": "mark_official", "_selected_action": [distance.pk]}
        )
        assert response.status_code == 302

    frame, later = await goes_live(mark_official)
    for html in (frame, later):
        assert "result-status-official" in section(html, "distance-3")


async def test_a_start_list_change_goes_live(final_1000):
    from championships.models import Start

    assert "Ellia Smeding" in section(await state_on_connect(), "distance-4")
    frame, later = await goes_live(
        Start.objects.filter(distance=final_1000, skater__name="Ellia Smeding").delete
    )
    for html in (frame, later):
        assert "Ellia Smeding" not in section(html, "distance-4")


async def test_a_drawn_start_list_is_one_frame(championship, final_1000):
    """The draw creates the whole start list in one transaction: one push, with every pair."""
    from championships.draw import propose_start_list
    from championships.start_lists import save_start_list

    await database_sync_to_async(final_1000.starts.all().delete)()

    def draw():
        return save_start_list(final_1000, propose_start_list(final_1000).pairs)

    frame, later = await goes_live(draw)
    for html in (frame, later):
        assert "No start list yet." not in section(html, "distance-4")
        assert "Femke Kok" in section(html, "distance-4")


async def test_several_changes_in_one_transaction_are_one_frame(kok, championship):
    def rename_and_cut():
        with transaction.atomic():
            kok.name = "Femke de Kok"
            kok.save()
            championship.final_places = 8
            championship.save()

    frame, later = await goes_live(rename_and_cut)
    for html in (frame, later):
        assert "Femke de Kok" in html and "The best 8 skate" in html


async def test_a_venue_change_reaches_every_championship_using_it(seed_data):
    def rename_the_shared_venue():
        first = load(seed_data)
        second = load({**json.loads(json.dumps(seed_data)), "slug": "another-championship"})
        assert first.venue_id == second.venue_id
        before = {c.pk: c.revision for c in Championship.objects.all()}
        first.venue.name = "Thialf, renamed"
        first.venue.save()
        return before, {c.pk: c.revision for c in Championship.objects.all()}

    before, after = await database_sync_to_async(rename_the_shared_venue)()
    assert len(after) == 2 and all(after[pk] > before[pk] for pk in after)


async def test_a_championship_saved_from_an_older_form_keeps_raising_its_revision(championship, kok):
    def save_from_an_older_form():
        opened = Championship.objects.get(pk=championship.pk)  # a form opened before the save below
        save_result(championship.distances.get(order=4), kok, Decimal("73.57"))
        saved = revision()
        opened.name = "World Sprint, renamed"
        opened.save()
        return saved, opened.revision

    saved, now = await database_sync_to_async(save_from_an_older_form)()
    assert now == await database_sync_to_async(revision)() > saved
    assert total(await state_on_connect(), kok) == "148.100"  # not the frame of an older revision


async def test_a_deleted_championship_is_gone_for_new_pages(championship, caplog):
    communicator, _ = await connected()
    try:
        with caplog.at_level(logging.WARNING):
            await database_sync_to_async(championship.delete)()
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    finally:
        await communicator.disconnect()
    later = WebsocketCommunicator(application, PATH, headers=ORIGIN)
    assert await later.connect(timeout=TIMEOUT) == (False, 4404)
    await later.disconnect()


# --- paths ------------------------------------------------------------------------------------


async def test_a_long_slug_is_live(seed_data, kok):
    slug = "w" * 50 + "-" + "x" * 49  # 100 characters, as long as the model allows
    long_one = await database_sync_to_async(load)({**seed_data, "slug": slug}, results_until=3)
    skater = await database_sync_to_async(long_one.skaters.get)(name="Femke Kok")
    communicator, state = await connected(path=f"/ws/{slug}/")
    try:
        assert total(state, skater) == "111.315"
        distance = await database_sync_to_async(long_one.distances.get)(order=4)
        await database_sync_to_async(save_result)(distance, skater, Decimal("73.57"))
        assert total(applied(state, await communicator.receive_from(timeout=TIMEOUT)), skater) == "148.100"
    finally:
        await communicator.disconnect()


@pytest.mark.parametrize("path", ["/ws/../", "/ws/x%00y/", "/ws/", "/ws/a/b/", "/ws/%ff/"])
async def test_an_odd_path_is_closed_without_a_traceback(championship, path, caplog):
    communicator = WebsocketCommunicator(application, path, headers=ORIGIN)
    with caplog.at_level(logging.WARNING):
        assert await communicator.connect(timeout=TIMEOUT) == (False, 4404)
        await communicator.disconnect()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]

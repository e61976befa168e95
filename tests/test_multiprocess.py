"""Several processes sharing one live feed through Redis (docs/interfaces.md: REDIS_URL).

Real processes only, as in production: redis-server, daphne serving `sprintboard.asgi:application`,
and `manage.py enter_result` as a separate process, all on 127.0.0.1 with ports chosen at run
time, a temporary SQLite file and a throwaway Redis (no persistence). A `websockets` client is the
spectator. It stays idle longer than redis-py's default 5 s `socket_timeout`, which would silently
drop the server's subscription (redis-py 8 with channels-redis 4.3): the settings must lift it.

No pytest-django database is used; everything goes through subprocesses.
"""

import asyncio
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import websockets
from channels_redis.pubsub import RedisPubSubChannelLayer

from championships.live.rendering import group_name
from tests.support.pages import classification_row
from tests.support.servers import BASE_DIR, REDIS_SERVER, SLUG, Daphne, RedisServer, environment, manage, read

IDLE_SECONDS = 7  # longer than redis-py's default socket_timeout of 5 s
PUSH_TIMEOUT = 10  # from starting enter_result to the frame at the spectator


def kok_row(html):
    """Femke Kok's row in a frame's classification, or where a diff frame moves it."""
    if '<section id="classification"' in html:
        return classification_row(html, "Femke Kok")
    # Her cells that did not change are the page's (hx-preserve), her name among them: her id is
    # in the line of her new result on the distance.
    skater = re.search(r'data-skater="(\d+)"(?:(?!</tr>).)*?Femke Kok', html, re.S)
    moved = skater and re.search(rf'<tr id="classification-{skater.group(1)}".*?</tr>', html, re.S)
    assert moved, f"no row of Femke Kok in {html[:300]!r}"
    return moved.group(0)


@pytest.fixture
def redis_server(tmp_path):
    assert os.path.exists(REDIS_SERVER), f"{REDIS_SERVER} is missing: install the redis-server package"
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_port(redis_server):
    return redis_server.port


@pytest.fixture
def env(tmp_path, redis_port):
    """The environment of every Sprintboard process of this test: its own database and Redis."""
    variables = environment(tmp_path / "sprintboard.sqlite3", f"redis://127.0.0.1:{redis_port}/0")
    manage(variables, "migrate", "--no-input")
    return variables


def daphne(env, directory):
    """daphne serving `sprintboard.asgi:application` on a free port (a `Daphne` to run `with`),
    with the demo championship (the seed with the final 1000 m held back) loaded."""
    demo = manage(env, "demo")
    assert "up to distance 3" in demo.stdout, demo.stdout
    return Daphne(env, directory)


@pytest.fixture
def daphne_server(env, tmp_path):
    with daphne(env, tmp_path) as server:
        yield server


@pytest.fixture
def feed(daphne_server):
    """The championship's WebSocket URL on that daphne, and the Origin a page there sends."""
    return f"ws://127.0.0.1:{daphne_server.port}/ws/{SLUG}/", f"http://127.0.0.1:{daphne_server.port}"


def replay_through(origin):
    """`manage.py replay`'s arguments for the final 1000 m of the demo's file, through the server at `origin`."""
    source = ("--source", "data/wk-sprint-2024-women.json")
    return ("replay", SLUG, "--distance", "4", *source, "--pace", "0", "--server", origin)


def enter_time(env, skater="Femke Kok", time="1:13.57"):
    """The skater's time on the final 1000 m, entered by `manage.py enter_result` (its own process)."""
    return manage(env, "enter_result", SLUG, "--distance", "4", "--skater", skater, "--time", time)


@pytest.mark.slow
def test_a_result_entered_by_another_process_reaches_an_idle_spectator(env, feed):
    url, origin = feed

    async def spectate():
        async with websockets.connect(url, origin=origin, open_timeout=10) as client:
            state = await asyncio.wait_for(client.recv(), timeout=10)
            assert "hx-swap-oob" in state
            assert "111.315" in kok_row(state)

            # Idle: no frames either way (websockets' own keep-alive pings aside).
            await asyncio.sleep(IDLE_SECONDS)

            started = time.monotonic()
            command = asyncio.create_task(asyncio.to_thread(enter_time, env))
            received = []
            try:
                while True:
                    left = PUSH_TIMEOUT - (time.monotonic() - started)
                    try:
                        frame = await asyncio.wait_for(client.recv(), timeout=max(left, 0.01))
                    except TimeoutError:
                        pytest.fail(
                            f"no frame with Kok's 148.100 within {PUSH_TIMEOUT} s of enter_result "
                            f"({len(received)} other frame(s) received)"
                        )
                    except (websockets.ConnectionClosed, OSError) as error:
                        pytest.fail(f"the server dropped the idle spectator: {error!r}")
                    received.append(frame)
                    if "148.100" in frame:
                        assert "148.100" in kok_row(frame)
                        return time.monotonic() - started, (await command).stdout
            finally:
                if not command.done():
                    await asyncio.wait_for(command, timeout=60)

    elapsed, output = asyncio.run(spectate())
    assert "Femke Kok, distance 4 (1000 m): 1:13.57" in output
    print(f"pushed {elapsed:.2f} s after enter_result started")


async def frame_with(client, text, timeout):
    deadline = time.monotonic() + timeout
    while True:
        frame = await asyncio.wait_for(client.recv(), timeout=max(deadline - time.monotonic(), 0.01))
        if text in frame:
            return frame


@pytest.mark.slow
def test_saves_stand_while_redis_is_down_and_pushes_resume_when_it_is_back(env, feed, redis_server):
    url, origin = feed

    redis_server.stop()
    saved = enter_time(env)
    assert "the save stands" in saved.stderr  # the failed push is logged, the save is not undone

    redis_server.start()

    async def spectate():
        # A browser that (re)connects gets the current state, the save made during the outage included.
        async with websockets.connect(url, origin=origin, open_timeout=10) as client:
            state = await asyncio.wait_for(client.recv(), timeout=10)
            assert "148.100" in kok_row(state)
            # And pushes flow again: the layer found its way back to Redis.
            deadline = time.monotonic() + 20
            while True:
                await asyncio.to_thread(enter_time, env, "Miho Takagi", "1:13.13")
                try:
                    return await frame_with(client, "147.545", timeout=3)
                except TimeoutError:
                    assert time.monotonic() < deadline, "pushes did not resume after Redis came back"

    asyncio.run(spectate())


OUTAGE_SECONDS = 7
REMINDER_SECONDS = 2  # tests/live_outage_settings.py


@pytest.mark.slow
def test_a_page_that_stayed_open_through_a_redis_outage_gets_the_state_and_the_log_stays_short(
    env, redis_server, tmp_path
):
    """A result saved while Redis is down reaches the page that stayed open once Redis is back,
    without another save; a page that leaves meanwhile and one that tries to connect (refused)
    add no traceback; daphne says once that Redis went, reminds every few seconds, says once
    that it is back."""
    with daphne({**env, "DJANGO_SETTINGS_MODULE": "tests.live_outage_settings"}, tmp_path) as server:
        port, log = server.port, server.log

        async def spectate():
            url, origin = f"ws://127.0.0.1:{port}/ws/{SLUG}/", f"http://127.0.0.1:{port}"
            async with websockets.connect(url, origin=origin, open_timeout=10) as client:
                assert "111.315" in kok_row(await asyncio.wait_for(client.recv(), timeout=10))
                leaving = await websockets.connect(f"{url}?lang=nl", origin=origin, open_timeout=10)
                await asyncio.wait_for(leaving.recv(), timeout=10)
                redis_server.stop()
                down = time.monotonic()
                await asyncio.sleep(1.5)
                await leaving.close()  # its feed stops while Redis is away
                with pytest.raises(websockets.InvalidStatus):  # refused, it tries again later
                    async with websockets.connect(f"{url}?lang=nl", origin=origin, open_timeout=10):
                        pass
                saved = await asyncio.to_thread(enter_time, env)
                assert "the save stands" in saved.stderr
                await asyncio.sleep(OUTAGE_SECONDS - (time.monotonic() - down))
                redis_server.start()
                frame = await frame_with(client, "148.100", timeout=15)
                return frame, time.monotonic() - down

        frame, outage = asyncio.run(spectate())
        assert "148.100" in kok_row(frame)
        text = read(log)
    # Each record once (the championships logger's own handler and daphne's root handler may
    # both print it: the same text, with or without a time stamp).
    lines = Path(log).read_text(errors="replace").splitlines()  # all of it: `text` may start mid-line
    events = {re.sub(r"^\d{4}-\d\d-\d\d [\d:,]+ +[A-Z]+ +", "", line) for line in lines}
    assert sum("lost Redis at" in event for event in events) == 1, text
    assert sum("is back after" in event for event in events) == 1, text
    reminders = sum("still unreachable" in event for event in events)
    assert OUTAGE_SECONDS // REMINDER_SECONDS - 1 <= reminders <= outage // REMINDER_SECONDS + 1, text
    assert "Traceback" not in text and "Unexpected exception" not in text, text
    # Nothing else: daphne's and axes' start, daphne's stop, the pages' connections, the three kinds above.
    daphne_own = (
        "Starting server",
        "HTTP/2 support",
        "Configuring endpoint",
        "Listening on",
        "Killed 0",
        "AXES: BEGIN",
        "live frames:",  # the path live frames take, said once (live/wire.py)
        "live connections:",  # what connections let go of their handshake, said once (live/wire.py)
    )
    others = [
        event
        for event in events - {""}
        if not event.startswith(daphne_own)
        and '"WS' not in event
        and not any(kind in event for kind in ("lost Redis at", "still unreachable", "is back after"))
    ]
    assert not others, text


@pytest.mark.slow
def test_odd_websocket_paths_are_refused_without_a_traceback(feed, daphne_server):
    url, origin = feed
    base = url.split("/ws/")[0]

    async def knock(path):
        with pytest.raises(websockets.InvalidStatus) as refused:
            async with websockets.connect(f"{base}{path}", origin=origin, open_timeout=10):
                pass
        return refused.value.response.status_code

    for path in [
        "/ws/../",
        "/ws/x%00y/",
        "/ws/%ff/",
        "/ws/",
        "/ws/no-such-championship/",
        "/ws/" + "x" * 100 + "/",
    ]:
        assert asyncio.run(knock(path)) == 403, path  # daphne's answer to a close before accept
    assert "Traceback" not in read(daphne_server.log)


@pytest.mark.slow
def test_what_spectators_send_is_bounded_and_ignored(env, feed):
    url, origin = feed

    async def spectate():
        # Many small frames: ignored, no answer, the connection stays and still gets pushes.
        async with websockets.connect(url, origin=origin, open_timeout=10) as chatty:
            await asyncio.wait_for(chatty.recv(), timeout=10)
            for _ in range(2000):
                await chatty.send("x" * 10_000)
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(chatty.recv(), timeout=1)
            await asyncio.to_thread(enter_time, env)
            assert "148.100" in kok_row(await frame_with(chatty, "148.100", timeout=10))
        # One huge frame (daphne's bound is 1 MB): daphne drops that connection and serves on.
        async with websockets.connect(url, origin=origin, open_timeout=10, max_size=None) as greedy:
            await asyncio.wait_for(greedy.recv(), timeout=10)
            with pytest.raises(websockets.ConnectionClosed) as closed:
                # daphne may drop the connection while the rest of the frame is still being sent
                await greedy.send("x" * (2 * 1024 * 1024))
                await asyncio.wait_for(greedy.recv(), timeout=10)
            assert closed.value.rcvd is None or closed.value.rcvd.code == 1009  # dropped or "too big"
        async with websockets.connect(url, origin=origin, open_timeout=10) as next_one:
            assert "148.100" in kok_row(await asyncio.wait_for(next_one.recv(), timeout=10))

    asyncio.run(spectate())


def connect_without_reading(port, origin):
    """A spectator that opens the feed and then stops reading: a tiny receive window, and the
    handshake's answer is the last thing it reads."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.settimeout(10)
    sock.connect(("127.0.0.1", port))
    sock.sendall(
        f"GET /ws/{SLUG}/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: {origin}\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n".encode()
    )
    answer = b""
    while b"\r\n\r\n" not in answer:
        answer += sock.recv(1)
    assert answer.startswith(b"HTTP/1.1 101"), answer
    return sock


def closed_by_server(sock, timeout=10):
    """True when the server has closed (or reset) the connection: reading it to the end ends."""
    sock.settimeout(timeout)
    try:
        while sock.recv(1 << 20):
            pass
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False
    return True


@pytest.mark.slow
def test_a_spectator_that_stops_reading_is_dropped_and_heals_on_reconnect(
    env, feed, redis_port, daphne_server
):
    url, origin = feed
    log = daphne_server.log
    stalled = connect_without_reading(int(url.split(":")[2].split("/")[0]), origin)
    # Frames of 512 KB published to the feed's group as a save's are: the kernel takes the first
    # few MB of them (loopback send buffers grow to 4 MB), the server holds at most 1 MB more.
    layer = RedisPubSubChannelLayer(hosts=[f"redis://127.0.0.1:{redis_port}/0"])
    frame = "<p>" + "x" * (512 * 1024) + "</p>"

    async def spectate():
        async with websockets.connect(url, origin=origin, open_timeout=10, max_size=None) as reader:
            await asyncio.wait_for(reader.recv(), timeout=10)
            for count in range(1, 41):  # noqa: B007 (returned: how many frames until the drop)
                await layer.group_send(group_name(SLUG, "en"), {"type": "championship.update", "html": frame})
                assert await asyncio.wait_for(reader.recv(), timeout=10) == frame  # the reader keeps up
                if "dropped a spectator that stopped reading" in read(log):
                    break
            else:
                pytest.fail(f"the stalled spectator was never dropped:\n{read(log)}")
            await layer.flush()
            assert closed_by_server(stalled)

            # The reader gets the next save's push as before.
            await asyncio.to_thread(enter_time, env)
            assert "148.100" in kok_row(await frame_with(reader, "148.100", timeout=10))
            # Heals: reconnecting, the dropped spectator gets the current state.
        async with websockets.connect(url, origin=origin, open_timeout=10) as again:
            assert "148.100" in kok_row(await asyncio.wait_for(again.recv(), timeout=10))
        return count

    try:
        print(f"dropped after {asyncio.run(spectate()) * 512} KB of frames")
    finally:
        stalled.close()


@pytest.mark.slow
def test_replay_through_the_running_servers_admin_reaches_its_spectators(env, feed):
    """`make replay`: the final 1000 m entered as an official through the server's pair entry
    (a session made in the shared database), pushed by the server to its spectators."""
    url, origin = feed

    async def spectate():
        async with websockets.connect(url, origin=origin, open_timeout=10) as client:
            assert "111.315" in kok_row(await asyncio.wait_for(client.recv(), timeout=10))
            replay = await asyncio.to_thread(manage, env, *replay_through(origin))
            assert "Femke Kok 1:13.57" in replay.stdout
            return await frame_with(client, "148.100", timeout=10)

    assert "148.100" in kok_row(asyncio.run(spectate()))


@pytest.mark.slow
def test_replay_refused_by_the_server_says_so(env, feed):
    """A replay whose session the server does not take (another SECRET_KEY) must not pass for done."""
    _, origin = feed
    replay = subprocess.run(
        [sys.executable, "manage.py", *replay_through(origin)],
        cwd=BASE_DIR,
        env={**env, "SECRET_KEY": "another-key"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert replay.returncode != 0
    assert "did not take the official's session" in replay.stderr

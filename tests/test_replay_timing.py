"""`manage.py replay_timing` (docs/timing.md): recordings in Sprintboard's own format and in Emando
Vantage's event stream, in process and through the feed of a real daphne.

The recordings in tests/data/ are pair 4 of the seed's final 1000 m (Kimi Goetz inner, Jutta
Leerdam outer): passings at 200 m and 600 m, an optical finish corrected by the photo-finish a few
seconds later, and (Vantage) pair 5 activated after it.
"""

import asyncio
import http.client
import subprocess
import sys
import time
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
import websockets
from django.conf import settings
from django.core.management import CommandError, call_command

from championships.models import Result, Skater
from championships.timing.models import Race, TimingEvent
from championships.timing.recordings import Recorded, batches, folded
from tests.support.servers import (
    BASE_DIR,
    SLUG,
    Daphne,
    environment,
    manage,
)

DATA = Path(__file__).parent / "data"
VANTAGE = DATA / "vantage-1000m-pair4.jsonl"
OWN = DATA / "sprintboard-1000m-pair4.jsonl"
TEAM_PURSUIT = DATA / "vantage-team-pursuit.jsonl"
DEMO = Path(settings.BASE_DIR) / "data" / "wk-sprint-2024-women-1000m-2.jsonl"


def replay(*args):
    out = StringIO()
    call_command("replay_timing", SLUG, *map(str, args), stdout=out)
    return out.getvalue()


def results_of_pair_4():
    return {
        r.skater.name: (str(r.time), r.status, r.splits)
        for r in Result.objects.filter(distance__order=4).select_related("skater")
    }


PAIR_4 = {
    "Jutta Leerdam": ("72.86", "", ["17.98", "44.65"]),
    "Kimi Goetz": ("74.25", "", ["18.27", "45.30"]),
}


@pytest.mark.parametrize(("path", "format"), [(VANTAGE, "vantage"), (OWN, "sprintboard")])
def test_a_recorded_pair_is_replayed_in_process(wk_sprint_after_3, path, format):
    out = replay(path, "--distance", 4, "--format", format, "--pace", 0)
    assert results_of_pair_4() == PAIR_4
    lines = out.splitlines()
    assert lines[0] == "pair 4: start"
    assert "pair 4 outer: 200 m 17.9812" in lines
    assert "pair 4 outer: finish 72.8745 (optical)" in lines
    assert "pair 4 outer: finish 72.8611 (photofinish)" in lines
    race = Race.objects.get(skater__name="Jutta Leerdam")
    assert race.finish == {"time": "72.8611", "source": "photofinish"}
    assert race.lap_times()[-1] == (1000, Decimal("28.21"))
    accepted = {"vantage": 11, "sprintboard": 9}[format]
    assert lines[-1] == f"{accepted} events accepted, 0 already taken"


def test_vantage_takes_each_passings_source_from_the_raw_passing(wk_sprint_after_3):
    replay(VANTAGE, "--distance", 4, "--format", "vantage", "--pace", 0)
    race = Race.objects.get(skater__name="Kimi Goetz")
    assert race.passings == {
        "200": {"time": "18.2745", "source": "transponder"},
        "600": {"time": "45.3012", "source": "transponder"},
    }
    sources = [e.payload.get("source") for e in TimingEvent.objects.filter(race=race)]
    assert sources == ["transponder", "transponder", "optical", "photofinish", "photofinish"]


def test_a_recording_replayed_again_changes_nothing(wk_sprint_after_3):
    replay(VANTAGE, "--distance", 4, "--format", "vantage", "--pace", 0)
    again = replay(VANTAGE, "--distance", 4, "--format", "vantage", "--pace", 0)
    assert again.splitlines()[-1] == "0 events accepted, 11 already taken"
    assert results_of_pair_4() == PAIR_4


def test_the_pace_divides_the_recorded_spacing():
    recorded = [Recorded(at, {"id": str(at)}, 1) for at in (0, 0, 18.0, 45.0, 45.0)]
    assert batches(recorded, 3) == [
        (0, [{"id": "0"}, {"id": "0"}]),
        (6.0, [{"id": "18.0"}]),
        (9.0, [{"id": "45.0"}, {"id": "45.0"}]),
    ]
    assert batches(recorded, 0) == [(0, [{"id": str(at)} for at in (0, 0, 18.0, 45.0, 45.0)])]


def test_a_replay_takes_its_time(wk_sprint_after_3):
    started = time.monotonic()
    replay(OWN, "--distance", 4, "--pace", 100)  # 77.97 s recorded: 0.78 s
    assert 0.7 < time.monotonic() - started < 5


# --- refused recordings: nothing is written ---------------------------------------------------------


def refused(*args):
    with pytest.raises(CommandError) as error:
        replay(*args)
    assert not Result.objects.filter(distance__order=4).exists()
    assert not TimingEvent.objects.exists()
    return str(error.value)


def test_a_team_pursuit_is_refused(wk_sprint_after_3):
    message = refused(TEAM_PURSUIT, "--distance", 4, "--format", "vantage")
    assert message == (
        f"{TEAM_PURSUIT} is refused, nothing was sent: line 2: the recording is of Team pursuit Ladies "
        "(SpeedSkating.LongTrack.PairsDistance.TeamPursuit), not individual pairs: Sprintboard takes "
        "individual distances only"
    )


def test_a_recording_of_another_distance_is_refused(wk_sprint_after_3):
    assert "the recording is of 1000m Ladies (2) (1000 m), distance 3 is 500 m" in refused(
        VANTAGE, "--distance", 3, "--format", "vantage"
    )
    assert "line 1: an event of distance 4; this is a recording of distance 3" in refused(
        OWN, "--distance", 3
    )


def test_a_recording_without_the_distances_activation_is_refused(wk_sprint_after_3, tmp_path):
    lines = VANTAGE.read_text().splitlines()
    path = tmp_path / "no-activation.jsonl"
    path.write_text("\n".join(line for line in lines if "DistanceActivatedEvent" not in line))
    message = refused(path, "--distance", 4, "--format", "vantage")
    assert "line 2: HeatActivatedEvent before any DistanceActivatedEvent" in message


def rename(old, new):
    Skater.objects.filter(name=old).update(name=new)


def test_names_that_differ_in_accents_only_are_matched(wk_sprint_after_3):
    rename("Kimi Goetz", "Kîmi Gøetz")
    rename("Miho Takagi", "MIHO TAKÁGI")
    replay(VANTAGE, "--distance", 4, "--format", "vantage", "--pace", 0)
    assert Result.objects.get(distance__order=4, skater__name="Kîmi Gøetz").time == Decimal("74.25")
    assert folded("Andżelika Wójcik") == folded("Andzelika Wojcik") == "andzelika wojcik"
    assert folded("Łukasz Æsir Straße Đorđe") == "lukasz aesir strasse dorde"


def test_names_that_differ_are_refused(wk_sprint_after_3):
    rename("Kimi Goetz", "Kimi Götze")
    message = refused(VANTAGE, "--distance", 4, "--format", "vantage")
    assert message.endswith(
        "line 3: pair 4 inner is 'Kimi Goetz' in the recording but 'Kimi Götze' in the start list"
    )


def test_the_next_pair_activated_is_checked_too(wk_sprint_after_3):
    rename("Femke Kok", "Femke Kok-Smit")
    assert "pair 5 inner is 'Femke Kok' in the recording but 'Femke Kok-Smit'" in refused(
        VANTAGE, "--distance", 4, "--format", "vantage"
    )


def test_a_skater_named_in_our_own_format_is_checked(wk_sprint_after_3):
    rename("Jutta Leerdam", "Jutta Leerdam-Wit")
    assert "line 2: pair 4 outer is 'Jutta Leerdam' in the recording" in refused(OWN, "--distance", 4)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--server", "http://127.0.0.1:1"], "--server needs --token"),
        (["--token", "abc"], "--token is for --server"),
        (["--pace", "-1"], "--pace must be 0"),
    ],
)
def test_bad_options_are_refused(wk_sprint_after_3, args, message):
    assert message in refused(OWN, "--distance", 4, *args)


def test_an_unreadable_recording_is_refused(wk_sprint_after_3, tmp_path):
    path = tmp_path / "broken.jsonl"
    path.write_text('{"typeName": "DistanceActivatedEvent"\n')
    assert "line 1: not JSON" in refused(path, "--distance", 4, "--format", "vantage")
    assert "cannot read" in refused(tmp_path / "missing.jsonl", "--distance", 4)


def test_the_demo_recording_skates_the_final_1000m(wk_sprint_after_3, client):
    out = replay(DEMO, "--distance", 4, "--pace", 0)
    assert out.splitlines()[-1] == "46 events accepted, 0 already taken"
    rows = client.get(f"/{SLUG}/standings.json").json()["rows"]
    assert [(r["skater"]["name"], r["points"]) for r in rows[:3]] == [
        ("Miho Takagi", "147.545"),
        ("Femke Kok", "148.100"),
        ("Jutta Leerdam", "148.265"),
    ]
    grevelt = Result.objects.get(distance__order=4, skater__name="Isabel Grevelt")
    assert (str(grevelt.time), grevelt.status) == ("75.28", "DQ")
    assert Result.objects.filter(distance__order=4).count() == 10


# --- through the feed of a running daphne ---------------------------------------------------------


@pytest.fixture
def daphne(tmp_path):
    """daphne on the demo championship (the final 1000 m to skate), its environment and port."""
    env = environment(tmp_path / "sprintboard.sqlite3")
    manage(env, "migrate", "--no-input")
    manage(env, "demo")
    with Daphne(env, tmp_path) as server:
        yield env, server.port


@pytest.mark.slow
def test_a_vantage_recording_through_a_running_servers_feed_reaches_a_spectator(daphne):
    env, port = daphne
    token = manage(env, "timing_token", SLUG, "--name", "Vantage main").stdout.splitlines()[-1]

    def replay_vantage(pace):
        """The Vantage recording sent to the server's feed with the device's token, `pace` seconds apart."""
        return manage(
            *(env, "replay_timing", SLUG, str(VANTAGE), "--distance", "4", "--format", "vantage"),
            *("--pace", pace, "--server", f"http://127.0.0.1:{port}", "--token", token),
        )

    async def spectate():
        url, origin = f"ws://127.0.0.1:{port}/ws/{SLUG}/", f"http://127.0.0.1:{port}"
        async with websockets.connect(url, origin=origin, open_timeout=10) as client:
            await asyncio.wait_for(client.recv(), timeout=10)
            replaying = asyncio.create_task(asyncio.to_thread(replay_vantage, "40"))
            frames = []
            while not any("1:12.86" in f for f in frames):
                frames.append(await asyncio.wait_for(client.recv(), timeout=20))
            return frames, (await asyncio.wait_for(replaying, timeout=60)).stdout

    frames, output = asyncio.run(spectate())
    assert output.splitlines()[-1] == "11 events accepted, 0 already taken"
    # The optical finish (1:12.87) went out before the photo-finish corrected it.
    assert any("1:12.87" in f for f in frames[:-1])
    # Sent again through the server: every event is recognised.
    again = replay_vantage("0")
    assert again.stdout.splitlines()[-1] == "0 events accepted, 11 already taken"
    refused = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "replay_timing",
            SLUG,
            str(OWN),
            "--distance",
            "4",
            "--server",
            f"http://127.0.0.1:{port}",
            "--token",
            "wrong",
        ],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode != 0
    assert "answered 401: Send a timing token" in refused.stderr
    # A body sent in chunks, without a Content-Length, is bounded too.
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    chunks = (b" " * 65536 for _ in range(17))  # 1,114,112 bytes
    connection.request(
        "POST",
        f"/api/timing/{SLUG}/events",
        body=chunks,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        encode_chunked=True,
    )
    assert connection.getresponse().status == 413

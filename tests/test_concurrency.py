"""Two officials saving the same pair at the same moment: never a 500, never a silent overwrite.

One save wins; the other official, whose form was opened on the same value, is told what was
saved meanwhile (both values shown) and nothing of the winner's is overwritten. Rounds alternate
between both saving a first result (the unique result per distance) and both correcting one.
In threads of this process (on the suite's database: SQLite, or PostgreSQL with DATABASE_URL), and
through two daphne processes sharing the database and Redis, as in production.
"""

import os
import secrets
import threading
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal

import psycopg
import pytest
from django.contrib.auth.models import User
from django.db import close_old_connections, connection
from django.test import Client

from championships.championship_file import load
from championships.forms import LEFT_EMPTY
from championships.models import Result
from championships.officials import ensure_official, session_cookies
from championships.results import StaleResult, save_result
from championships.times import format_time
from tests.support.pages import form_fields
from tests.support.servers import SLUG, Daphne, RedisServer, environment, manage, read

ROUNDS = 20
TOLD = "was saved by someone else meanwhile"
DATABASE_URL = os.environ.get("DATABASE_URL", "")


def times_of_round(number):
    """Official A's and B's time for Femke Kok in a round: different, plausible, new each round."""
    return format_time(Decimal("73.00") + number / Decimal(100)), format_time(
        Decimal("74.00") + number / Decimal(100)
    )


def at_once(*calls):
    """Run the calls in threads released together; their results in order (an exception, raised)."""
    barrier, answers = threading.Barrier(len(calls)), [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            answers[index] = call()
        except Exception as error:  # reported to the test's thread
            answers[index] = error
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


def judge(number, answers, saved):
    """The round's two (status, page) answers and the time saved afterwards: one wins, the other
    is told with both values; the saved time is the winner's."""
    statuses = [status for status, _ in answers]
    assert 500 not in statuses, f"round {number}: a 500:\n{answers}"
    assert sorted(statuses) == [200, 302], f"round {number}: {statuses}"
    mine = times_of_round(number)
    winner = statuses.index(302)
    loser_page = answers[1 - winner][1]
    assert f"Femke Kok: {mine[winner]} {TOLD} (yours: {mine[1 - winner]})" in loser_page, (
        f"round {number}: the other official was not told:\n{loser_page[-3000:]}"
    )
    assert saved == mine[winner], f"round {number}: saved {saved}, the winner sent {mine[winner]}"


# --- threads in this process --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_officials_in_threads_saving_the_same_pair_at_the_same_moment(seed_data):
    championship = load(seed_data, results_until=3)
    distance = championship.distances.get(order=4)
    url = f"/admin/championships/distance/{distance.pk}/pairs/5/"
    clients = []
    for name in ("official-a", "official-b"):
        client = Client(raise_request_exception=False)
        client.force_login(User.objects.get(username=ensure_official(name)[0]))
        clients.append(client)
    kok = Result.objects.filter(distance=distance, skater__name="Femke Kok")

    for number in range(ROUNDS):
        if number % 2 == 0:
            kok.delete()  # both save her first result
        forms = [form_fields(client.get(url).content.decode(), "pair-entry") for client in clients]
        answers = at_once(
            *(
                lambda client=client, form=form, time=time: client.post(
                    url, {**form, "inner": time, "outer_confirm": LEFT_EMPTY}
                )
                for client, form, time in zip(clients, forms, times_of_round(number))
            )
        )
        judge(number, [(a.status_code, a.content.decode()) for a in answers], format_time(kok.get().time))


@pytest.mark.django_db(transaction=True)
def test_saves_of_the_same_result_at_the_same_moment_one_wins_the_others_are_told(seed_data):
    championship = load(seed_data, results_until=3)
    distance = championship.distances.get(order=4)
    kok = championship.skaters.get(name="Femke Kok")
    for number in range(ROUNDS):
        Result.objects.filter(distance=distance, skater=kok).delete()
        sent = [Decimal("73.00") + i for i in range(4)]
        answers = at_once(
            *(lambda time=time: save_result(distance, kok, time=time, expected=0) for time in sent)
        )
        won = [answer for answer in answers if isinstance(answer, tuple)]
        assert len(won) == 1 and won[0][1] is True, f"round {number}: {answers}"
        told = [answer for answer in answers if isinstance(answer, StaleResult)]
        assert len(told) == 3, f"round {number}: {answers}"
        assert {stale.current.time for stale in told} == {won[0][0].time}
        assert Result.objects.get(distance=distance, skater=kok).time == won[0][0].time
        # The same time twice (a timing feed sending again): one saves it, the other lands quietly.
        changed = at_once(
            *(lambda: save_result(distance, kok, time=Decimal("72.50"), expected=1) for _ in range(2))
        )
        assert not any(isinstance(answer, Exception) for answer in changed), changed
        assert sorted(answer[1] for answer in changed) == [False, True]


# --- two daphne processes -----------------------------------------------------------------------------------


def official_sessions(env):
    """Two officials' sessions made in the database the servers use, and the final 1000 m's id."""
    script = (
        "from championships.models import Distance\n"
        "from championships.officials import ensure_official, session_cookies, session_key_for\n"
        "from django.contrib.auth.models import User\n"
        f"print(Distance.objects.get(championship__slug='{SLUG}', order=4).pk)\n"
        "for name in ('official-a', 'official-b'):\n"
        "    print(session_key_for(User.objects.get(username=ensure_official(name)[0])))\n"
    )
    distance, *sessions = manage(env, "shell", "--no-imports", "-c", script).stdout.split()
    return int(distance), sessions


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is the answer: the save was taken


class Official:
    """A browser of an official logged in to one server."""

    def __init__(self, port, session_key):
        self.base, self.csrf = f"http://127.0.0.1:{port}", secrets.token_hex(16)
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(session_cookies("127.0.0.1", session_key, self.csrf)),
            NoRedirect,
        )

    def open(self, path, data=None):
        """(status, page) of a GET, or of a POST of `data`."""
        url = self.base + path
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf}).encode() if data else None
        try:
            with self.opener.open(
                urllib.request.Request(url, data=body, headers={"Referer": url}), timeout=60
            ) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", "") + error.read().decode(errors="replace")


def two_servers_race(env, tmp_path):
    """20 rounds of officials A (through server 1) and B (server 2) saving pair 5 at once."""
    manage(env, "migrate", "--no-input")
    manage(env, "demo")
    distance, sessions = official_sessions(env)
    servers = [Daphne(env, tmp_path, name=f"daphne-{number}") for number in (1, 2)]
    try:
        for server in servers:
            server.start()
        officials = [Official(server.port, session) for server, session in zip(servers, sessions)]
        url = f"/admin/championships/distance/{distance}/pairs/5/"
        for number in range(ROUNDS):
            if number % 2 == 0:
                clear = ("enter_result", SLUG, "--distance", "4", "--skater", "Femke Kok", "--clear")
                manage(env, *clear)
            forms = []
            for official in officials:
                status, page = official.open(url)
                assert status == 200, page[-2000:]
                forms.append(form_fields(page, "pair-entry"))
            answers = at_once(
                *(
                    lambda official=official, form=form, time=time: official.open(
                        url, {**form, "inner": time, "outer_confirm": LEFT_EMPTY}
                    )
                    for official, form, time in zip(officials, forms, times_of_round(number))
                )
            )
            judge(number, answers, form_fields(officials[0].open(url)[1], "pair-entry")["inner"])
    finally:
        for server in servers:
            server.stop()
    for server in servers:
        assert "Traceback" not in read(server.log), read(server.log)


@pytest.fixture
def redis_url(tmp_path):
    """A throwaway Redis for the servers' channel layer, as in production."""
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield f"redis://127.0.0.1:{server.port}/0"
    finally:
        server.stop()


@pytest.mark.slow
def test_two_servers_saving_the_same_pair_at_the_same_moment_on_sqlite(tmp_path, redis_url):
    env = environment(tmp_path / "sprintboard.sqlite3", redis_url)
    two_servers_race(env, tmp_path)


@pytest.fixture
def postgres_database():
    """A database of its own on the PostgreSQL of DATABASE_URL, dropped afterwards."""
    url = urllib.parse.urlsplit(DATABASE_URL)
    name = f"{url.path.lstrip('/') or 'sprintboard'}_two_servers"
    server = url._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.skipif(not DATABASE_URL.startswith("postgres"), reason="needs PostgreSQL in DATABASE_URL")
def test_two_servers_saving_the_same_pair_at_the_same_moment_on_postgresql(
    tmp_path, redis_url, postgres_database
):
    env = {**environment(tmp_path / "unused.sqlite3", redis_url), "DATABASE_URL": postgres_database}
    two_servers_race(env, tmp_path)

"""Nobody writes who should not; production settings pass Django's deployment checks."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from championships.models import Result
from sprintboard.settings import env_flag, env_int
from tests.support import servers
from tests.support.logins import log_in as log_in_over_http
from tests.support.servers import Daphne, environment

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "url_name, args",
    [
        ("admin:championships_result_add", []),
        ("admin:championships_result_changelist", []),
        ("admin:championships_start_add", []),
        ("admin:championships_distance_current_pair", ["distance"]),
        ("admin:championships_distance_pair", ["distance", 5]),
    ],
)
def test_anonymous_visitors_cannot_reach_any_write_path(client, wk_sprint_after_3, url_name, args):
    distance = wk_sprint_after_3.distances.get(order=4)
    url = reverse(url_name, args=[distance.pk if a == "distance" else a for a in args])
    response = client.post(url, {"inner": "1:13.57", "outer": "1:13.13"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert not Result.objects.filter(distance=distance).exists()


def test_staff_without_the_officials_group_cannot_enter_times(client, wk_sprint_after_3):
    user = User.objects.create_user("volunteer", password="x", is_staff=True)
    client.force_login(user)
    distance = wk_sprint_after_3.distances.get(order=4)
    response = client.post(
        reverse("admin:championships_distance_pair", args=[distance.pk, 5]), {"inner": "1:13.57"}
    )
    assert response.status_code == 403
    assert not Result.objects.filter(distance=distance).exists()


PUBLIC_PAGES = [
    "/",
    "/{slug}/",
    "/{slug}/?tv=1",
    "/{slug}/tv/",
    "/{slug}/standings.json",
    "/{slug}/standings.csv",
    "/{slug}/distances/4/",
    "/{slug}/distances/4/results.csv",
    "/{slug}/h2h/?a=1&b=2",
]


@pytest.mark.parametrize("page", PUBLIC_PAGES)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_public_pages_do_not_accept_writes(client, wk_sprint_after_3, page, method):
    url = page.format(slug=wk_sprint_after_3.slug)
    response = getattr(client, method)(url, {"time": "1:00.00"})
    assert response.status_code == 405, url
    assert response["Allow"] == "GET, HEAD"
    assert Result.objects.count() == 30


LOGIN = "/admin/login/"
ATTACKER, OFFICIAL, PROXY = "203.0.113.9", "198.51.100.7", "127.0.0.1"


def log_in(client, username, password, address, forwarded=None):
    """A login POST from `address` (with an X-Forwarded-For header when `forwarded`)."""
    headers = {"REMOTE_ADDR": address}
    if forwarded:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(LOGIN, {"username": username, "password": password}, **headers)


@pytest.fixture
def official(db):
    return User.objects.create_user("official", password="right-password-123", is_staff=True)


def test_login_attempts_are_throttled(client, official):
    for _ in range(4):
        assert log_in(client, "official", "wrong", ATTACKER).status_code == 200
    fifth = log_in(client, "official", "wrong", ATTACKER)
    assert fifth.status_code == 429
    assert fifth.content.decode() == (
        "Too many failed logins for this username from this address: try again in 15 minutes."
    )
    # Locked out: even the right password is refused from there.
    assert log_in(client, "official", "right-password-123", ATTACKER).status_code == 429


def test_an_attackers_guesses_do_not_lock_out_the_official_at_another_address(client, official, settings):
    # Behind the README's proxy: every login comes from the proxy's address.
    settings.BEHIND_PROXY = True
    for _ in range(10):
        log_in(client, "official", "wrong", PROXY, forwarded=ATTACKER)
    assert log_in(client, "official", "wrong", PROXY, forwarded=ATTACKER).status_code == 429
    assert log_in(client, "official", "right-password-123", PROXY, forwarded=OFFICIAL).status_code == 302


def test_another_users_login_does_not_reset_the_count(client, official):
    User.objects.create_user("referee", password="referee-password-123", is_staff=True)
    for _ in range(4):
        log_in(client, "official", "wrong", ATTACKER)
    assert log_in(client, "referee", "referee-password-123", ATTACKER).status_code == 302
    client.logout()
    assert log_in(client, "official", "wrong", ATTACKER).status_code == 429


def test_the_forwarded_address_is_ignored_unless_behind_a_proxy(client, official, settings):
    # Without BEHIND_PROXY a client's own X-Forwarded-For does not get it a fresh count.
    for number in range(5):
        log_in(client, "official", "wrong", ATTACKER, forwarded=f"192.0.2.{number}")
    assert log_in(client, "official", "wrong", ATTACKER, forwarded="192.0.2.99").status_code == 429


def test_behind_a_proxy_the_address_the_proxy_saw_counts(client, official, settings):
    settings.BEHIND_PROXY = True
    # The attacker claims to be the official (a header of its own); the proxy appends what it saw.
    for _ in range(5):
        log_in(client, "official", "wrong", PROXY, forwarded=f"{OFFICIAL}, {ATTACKER}")
    assert log_in(client, "official", "wrong", PROXY, forwarded=ATTACKER).status_code == 429
    assert log_in(client, "official", "right-password-123", PROXY, forwarded=OFFICIAL).status_code == 302


def test_pages_carry_a_content_security_policy(client, wk_sprint_after_3):
    policy = client.get(f"/{wk_sprint_after_3.slug}/")["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "default-src 'self'" in policy


def settings_env(**variables):
    """The environment of a process with production settings (no DEBUG, no key) plus `variables`."""
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "HTTPS", "BEHIND_PROXY"}}
    env["DJANGO_SETTINGS_MODULE"] = "sprintboard.settings"
    env.update(variables)
    return env


def run(env, *argv):
    return subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def manage(env, *args):
    return run(env, sys.executable, "manage.py", *args)


PRODUCTION = {
    "SECRET_KEY": "x" * 20 + "production-secret-key-that-is-long-enough-and-random",
    "HTTPS": "on",
    "ALLOWED_HOSTS": "results.example.org",
}


def test_production_settings_pass_the_deployment_checks():
    checked = manage(settings_env(**PRODUCTION), "check", "--deploy", "--fail-level", "WARNING")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "no issues" in checked.stdout


@pytest.mark.parametrize("command", [["check"], ["migrate", "--check"]])
def test_without_a_secret_key_every_command_refuses_to_start(command):
    refused = manage(settings_env(), *command)
    assert refused.returncode == 1
    assert refused.stderr.startswith("Sprintboard cannot start: SECRET_KEY is not set.")
    assert "Traceback" not in refused.stderr


def test_without_a_secret_key_the_server_refuses_to_start():
    refused = run(settings_env(), sys.executable, "-m", "daphne", "-p", "0", "sprintboard.asgi:application")
    assert refused.returncode == 1
    assert "Sprintboard cannot start: SECRET_KEY is not set." in refused.stderr
    assert "Traceback" not in refused.stderr


def test_development_runs_without_a_key_and_the_deployment_check_flags_it():
    checked = manage(settings_env(DEBUG="on"), "check", "--deploy")
    assert checked.returncode == 0, checked.stderr
    assert "security.W009" in checked.stderr  # Django's warning for a weak or insecure key


def test_the_deployment_check_flags_the_demo_key():
    demo_key = re.search(r"^DEMO_SECRET_KEY := (\S+)$", (ROOT / "Makefile").read_text(), re.M).group(1)
    checked = manage(settings_env(**{**PRODUCTION, "SECRET_KEY": demo_key}), "check", "--deploy")
    assert "security.W009" in checked.stderr


def test_a_flag_with_an_unknown_value_stops_the_start():
    refused = manage(settings_env(**{**PRODUCTION, "DEBUG": "ture"}), "check")
    assert refused.returncode == 1
    assert refused.stderr == (
        "Sprintboard cannot start: DEBUG='ture' is not a flag: use on or off (or true/false, yes/no, 1/0).\n"
    )


@pytest.mark.parametrize("variable", ["DEBUG", "HTTPS", "BEHIND_PROXY"])
@pytest.mark.parametrize("value", ["ture", "enabled", "2"])
def test_a_flag_with_an_unknown_value_is_an_error(monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    with pytest.raises(SystemExit) as refused:
        env_flag(variable)
    assert str(refused.value) == (
        f"Sprintboard cannot start: {variable}={value!r} is not a flag: use on or off (or true/false, yes/no, 1/0)."
    )


@pytest.mark.parametrize(
    "value, expected",
    [
        ("on", True),
        ("TRUE", True),
        ("yes", True),
        ("1", True),
        ("off", False),
        ("no", False),
        ("0", False),
        ("", False),
    ],
)
def test_flags_take_the_usual_spellings(monkeypatch, value, expected):
    monkeypatch.setenv("HTTPS", value)
    assert env_flag("HTTPS") is expected


@pytest.mark.parametrize("value", ["1MB", "0", "-5", "1e6", "lots", "²"])
def test_a_number_with_an_unknown_value_is_an_error(monkeypatch, value):
    monkeypatch.setenv("LIVE_SEND_BUFFER_LIMIT", value)
    with pytest.raises(SystemExit) as refused:
        env_int("LIVE_SEND_BUFFER_LIMIT", 1024)
    assert str(refused.value) == (
        f"Sprintboard cannot start: LIVE_SEND_BUFFER_LIMIT={value!r} is not a whole number of at least 1."
    )


def test_a_number_from_the_environment(monkeypatch):
    monkeypatch.setenv("LIVE_SEND_BUFFER_LIMIT", " 65536 ")
    assert env_int("LIVE_SEND_BUFFER_LIMIT", 1024) == 65536
    monkeypatch.delenv("LIVE_SEND_BUFFER_LIMIT")
    assert env_int("LIVE_SEND_BUFFER_LIMIT", 1024) == 1024


ORIGIN = {"Origin": "https://other.example"}


def test_other_sites_may_read_the_feed_and_the_exports(client, wk_sprint_after_3):
    slug = wk_sprint_after_3.slug
    for url in (f"/{slug}/standings.json", f"/{slug}/standings.csv", f"/{slug}/distances/1/results.csv"):
        assert client.get(url, headers=ORIGIN)["Access-Control-Allow-Origin"] == "*", url
        assert client.get(url)["Access-Control-Allow-Origin"] == "*", url  # a script or curl sends no Origin
    refused = client.get(f"/{slug}/standings.json?what_if=nobody")
    assert (refused.status_code, refused["Access-Control-Allow-Origin"]) == (400, "*")
    preflight = client.options(
        f"/{slug}/standings.json", headers={**ORIGIN, "Access-Control-Request-Method": "GET"}
    )
    assert preflight.status_code == 200
    assert preflight["Access-Control-Allow-Origin"] == "*"


def test_pages_and_the_admin_are_not_open_to_other_sites(client, wk_sprint_after_3):
    for url in (f"/{wk_sprint_after_3.slug}/", "/admin/login/", f"/{wk_sprint_after_3.slug}/tv/"):
        assert "Access-Control-Allow-Origin" not in client.get(url, headers=ORIGIN), url


@pytest.mark.slow
def test_failed_logins_count_across_server_processes_and_restarts(tmp_path):
    """Two daphne processes on one database: guesses at either count together, and a restart
    forgets none of them."""
    env = environment(tmp_path / "sprintboard.sqlite3")
    servers.manage(env, "migrate", "--no-input")
    servers.manage(
        env,
        "shell",
        "-c",
        "from django.contrib.auth.models import User; "
        "User.objects.create_user('official', password='right-password-123', is_staff=True)",
    )
    first, second = Daphne(env, tmp_path), Daphne(env, tmp_path)
    try:
        first.start()
        second.start()
        for port in (first.port, second.port, first.port, second.port):
            assert log_in_over_http(port, "official", "wrong")[0] == 200
        first.stop()
        first.start()  # the same port, a new process
        status, body = log_in_over_http(first.port, "official", "wrong")
        assert (status, body) == (
            429,
            "Too many failed logins for this username from this address: try again in 15 minutes.",
        )
        assert log_in_over_http(second.port, "official", "right-password-123")[0] == 429
        # From another address the official logs in.
        assert log_in_over_http(second.port, "official", "right-password-123", source="127.0.0.2")[0] == 302
    finally:
        first.stop()
        second.stop()

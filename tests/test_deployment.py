"""The README's production setup, for real: Debian's nginx on 127.0.0.1 with the README's own
`http` block (plain HTTP instead of TLS), in front of two daphne processes sharing Redis and a
database (PostgreSQL when DATABASE_URL names one, and SQLite).

A spectator's page served through nginx (Chromium) gets the live push of a save made through
the other daphne process than the one holding its WebSocket; logins through nginx are counted
under the client's own address with BEHIND_PROXY on, under nginx's without. The clients connect
from other loopback addresses (127.0.0.2, ...) than nginx's 127.0.0.1, so the two differ.
"""

import re

import pytest

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS
from tests.support.logins import log_in
from tests.support.servers import (
    BASE_DIR,
    SLUG,
    Daphne,
    Nginx,
    RedisServer,
    environment,
    free_port,
    manage,
    postgres_database,
    postgres_url,
    read,
)

PAGE_TIMEOUT_MS = 15_000
LOCKED = "Too many failed logins for this username from this address: try again in 15 minutes."


def readme_nginx_block(upstreams, port):
    """The README's nginx `http` block, on 127.0.0.1:`port` in plain HTTP, in front of `upstreams`."""
    block = re.search(r"```nginx\n(.*?)```", (BASE_DIR / "README.md").read_text(), re.S).group(1)
    assert "server 127.0.0.1:8001;" in block and "listen 443 ssl;" in block, block
    block = block.replace("server 127.0.0.1:8001;", f"server 127.0.0.1:{upstreams[0]};")
    block = block.replace("server 127.0.0.1:8002;", f"server 127.0.0.1:{upstreams[1]};")
    block = block.replace("listen 443 ssl;", f"listen 127.0.0.1:{port};")
    return re.sub(r"^\s*ssl_certificate.*\n", "", block, flags=re.M)


@pytest.fixture(
    params=[
        pytest.param("sqlite", marks=pytest.mark.slow),
        pytest.param("postgres", marks=[pytest.mark.slow, pytest.mark.postgres]),
    ]
)
def database(request, tmp_path):
    if request.param == "sqlite":
        yield tmp_path / "sprintboard.sqlite3"
        return
    server = postgres_url()
    if server is None:
        pytest.skip("no PostgreSQL: set DATABASE_URL=postgres://... (make test-postgres)")
    with postgres_database(server) as url:
        yield url


@pytest.fixture
def redis(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def site(database, redis, tmp_path):
    """The demo championship (three distances skated) behind nginx; yields (nginx, daphnes, env)."""
    env = environment(database, redis.url, BEHIND_PROXY="on")
    manage(env, "migrate", "--no-input")
    manage(env, "demo")
    manage(
        env,
        "shell",
        "-c",
        "from django.contrib.auth.models import User; "
        "User.objects.create_user('referee', password='referee-password-123', is_staff=True)",
    )
    daphnes = [Daphne(env, tmp_path), Daphne(env, tmp_path)]
    port = free_port()
    nginx = Nginx(tmp_path, readme_nginx_block([d.port for d in daphnes], port), port)
    try:
        for daphne in daphnes:
            daphne.start()
        nginx.start()
        yield nginx, daphnes, env
    finally:
        nginx.stop()
        for daphne in daphnes:
            daphne.stop()
        for log in [nginx.log, *(d.log for d in daphnes)]:
            print(f"--- {log.name} ---\n{read(log)}")  # shown by pytest when the test failed


def established(port):
    """How many established TCP connections 127.0.0.1:`port` has accepted (/proc/net/tcp)."""
    local = f"0100007F:{port:04X}"
    with open("/proc/net/tcp") as table:
        return sum(
            1 for line in table.readlines()[1:] if line.split()[1] == local and line.split()[3] == "01"
        )


def attempts(env):
    """The client addresses of the failed logins recorded (django-axes), sorted."""
    shown = manage(
        env,
        "shell",
        "-v",
        "0",
        "-c",
        "from axes.models import AccessAttempt; "
        "print(sorted(AccessAttempt.objects.values_list('ip_address', flat=True)))",
    )
    return shown.stdout.strip()


def test_the_readme_deployment_pushes_across_processes_through_nginx(site):
    from playwright.sync_api import expect, sync_playwright

    nginx, daphnes, env = site
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(locale="en-US").new_page()
            page.set_default_timeout(PAGE_TIMEOUT_MS)
            page.goto(f"http://127.0.0.1:{nginx.port}/{SLUG}/")
            kok_total = (
                page.locator("#classification tr[data-skater]")
                .filter(has_text="Femke Kok")
                .locator("td.total")
            )
            expect(page.locator(".connection")).to_have_attribute("data-state", "live")
            expect(kok_total).to_have_text("111.315")

            # nginx keeps no idle upstream connections: the page's WebSocket is the only one left.
            holding = [d for d in daphnes if established(d.port)]
            assert len(holding) == 1, [established(d.port) for d in daphnes]
            other = next(d for d in daphnes if d is not holding[0])
            replay = manage(
                env,
                *("replay", SLUG, "--distance", "4", "--source", "data/wk-sprint-2024-women.json"),
                *("--pace", "0", "--server", f"http://127.0.0.1:{other.port}"),
            )
            assert "Femke Kok 1:13.57" in replay.stdout
            expect(kok_total).to_have_text("148.100")
        finally:
            browser.close()


def test_behind_nginx_logins_count_per_client_address_only_with_behind_proxy(site):
    nginx, daphnes, env = site

    # BEHIND_PROXY on: the address nginx saw counts, not what the client claims to be.
    for _ in range(4):
        assert log_in(nginx.port, "referee", "wrong", source="127.0.0.2", forwarded="127.0.0.3")[0] == 200
    assert log_in(nginx.port, "referee", "wrong", source="127.0.0.2") == (429, LOCKED)
    assert log_in(nginx.port, "referee", "referee-password-123", source="127.0.0.3")[0] == 302
    assert attempts(env) == "['127.0.0.2']"

    # BEHIND_PROXY off: every client has nginx's address, so one attacker locks out everyone.
    for daphne in daphnes:
        daphne.stop()
        daphne.env = {**env, "BEHIND_PROXY": "off"}
        daphne.start()
    for _ in range(5):
        log_in(nginx.port, "referee", "wrong", source="127.0.0.4")
    assert log_in(nginx.port, "referee", "referee-password-123", source="127.0.0.5") == (429, LOCKED)
    assert attempts(env) == "['127.0.0.1', '127.0.0.2']"

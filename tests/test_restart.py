"""Daphne restarted or crashed: open browsers reconnect by themselves and show the current state.

Real processes on 127.0.0.1, as in production: daphne serving `sprintboard.asgi:application` with
its own temporary SQLite file and the in-process channel layer, `manage.py` commands as separate
processes, and Chromium (Playwright) showing the standings page live.

While daphne is down (stopped with SIGTERM, or killed with SIGKILL as in a crash), the page must
say it is reconnecting, and a result entered meanwhile (`manage.py enter_result`) is saved but
reaches no browser. When daphne is back on the same port, hx-ws reconnects on its own (with its
back-off) and the server sends the current state on connect (docs/interfaces.md, WebSocket): the page
shows the result entered during the outage and is live again, without a reload.
"""

import shutil
import signal
import time

import pytest

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS
from tests.support.servers import SLUG, Daphne, environment, manage

PAGE_TIMEOUT_MS = 10_000


def reconnect_timeout_ms(outage):
    """How long a page may take to be live again once daphne is back after `outage` seconds.

    hx-ws retries after 0.5 s, then doubling (the pages cap it at 10 s), each delay +-30 % at random: the wait
    for the retry after the one that just missed the server is at most about 1.9 times the time
    since the connection dropped. Plus a margin for connecting and swapping the state in.
    """
    return round(1000 * max(10, 2 * outage + 3))


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory):
    """A database with the demo loaded (three distances skated), made once: tests use copies."""
    database = tmp_path_factory.mktemp("demo") / "sprintboard.sqlite3"
    manage(environment(database), "migrate", "--no-input")
    demo = manage(environment(database), "demo")
    assert "up to distance 3" in demo.stdout, demo.stdout
    return database


@pytest.fixture
def env(demo_database, tmp_path):
    """The environment of every Sprintboard process of a test: its own copy of the demo database."""
    database = tmp_path / "sprintboard.sqlite3"
    shutil.copyfile(demo_database, database)
    return environment(database)


@pytest.fixture
def daphne(env, tmp_path):
    with Daphne(env, tmp_path) as server:
        yield server


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-US")
    try:
        page = context.new_page()
        page.set_default_timeout(PAGE_TIMEOUT_MS)
        yield page
    finally:
        context.close()


@pytest.mark.slow
@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["stopped", "crashed"])
def test_the_open_page_reconnects_by_itself_and_shows_what_was_saved_meanwhile(env, daphne, page, how):
    from playwright.sync_api import expect

    frames = []  # what every WebSocket of the page received, reconnections included
    page.on(
        "websocket", lambda socket: socket.on("framereceived", lambda payload: frames.append(str(payload)))
    )
    page.goto(f"http://127.0.0.1:{daphne.port}/{SLUG}/")
    connection = page.locator(".connection")
    kok_total = (
        page.locator("#classification tr[data-skater]").filter(has_text="Femke Kok").locator("td.total")
    )
    expect(connection).to_have_attribute("data-state", "live")
    expect(kok_total).to_have_text("111.315")
    page.evaluate("window.__notReloaded = true")

    daphne.halt(how)
    down = time.monotonic()
    expect(connection).to_have_attribute("data-state", "reconnecting")
    expect(connection).to_have_text("reconnecting…")

    # Entered while the server is down: saved, pushed to nobody (no server, in-process layer).
    saved = manage(env, "enter_result", SLUG, "--distance", "4", "--skater", "Femke Kok", "--time", "1:13.57")
    assert "Femke Kok, distance 4 (1000 m): 1:13.57" in saved.stdout
    expect(kok_total).to_have_text("111.315")  # the page cannot know yet

    daphne.start()  # the same port
    back = time.monotonic()
    timeout = reconnect_timeout_ms(back - down)
    expect(connection).to_have_attribute("data-state", "live", timeout=timeout)
    expect(kok_total).to_have_text("148.100", timeout=timeout)
    live = time.monotonic()

    assert page.evaluate("window.__notReloaded === true"), "the page was reloaded"
    assert any("148.100" in frame for frame in frames), "no WebSocket frame carried the new state"
    log = daphne.log.read_text(errors="replace")  # all of it, both runs
    assert "Traceback" not in log, log
    print(f"down {back - down:.1f} s, live again {live - back:.1f} s after daphne listened")

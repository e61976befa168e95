"""The browser of the browser tests: Debian's Chromium driven by Playwright (no `playwright install`),
against daphne serving the whole application (ChannelsLiveServerTestCase)."""

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from unittest import mock

from asgiref.sync import SyncToAsync
from channels.testing import ChannelsLiveServerTestCase
from daphne.testing import DaphneProcess
from django.core.cache import cache

from championships.championship_file import load
from tests.support.seed import seed_data

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]


class DaphneProcessWithFreshThreads(DaphneProcess):
    """ChannelsLiveServerTestCase forks daphne from the test process. Threads do not survive a
    fork, but thread pools do: after any earlier async test (database_sync_to_async), asgiref's
    one-thread executor for thread-sensitive calls is copied into the child without its worker
    thread, so the child's WebSocket consumers wait forever for their database calls (and the
    page shows "reconnecting"). Give the child a pool of its own before it serves."""

    def run(self):
        SyncToAsync.single_thread_executor = ThreadPoolExecutor(max_workers=1)
        super().run()


class BrowserTestCase(ChannelsLiveServerTestCase):
    """Chromium (`self.browser`) and daphne serving the application, with the seed loaded up to
    distance 3 (`self.championship`)."""

    host = "127.0.0.1"  # all traffic on 127.0.0.1 (the default, localhost, may resolve to ::1 first)
    serve_static = True
    ProtocolServerProcess = DaphneProcessWithFreshThreads

    @classmethod
    def setUpClass(cls):
        assert shutil.which(CHROMIUM), f"{CHROMIUM} is missing: install Debian's chromium package"
        # The daphne process is forked from this one: hand it no stale live state.
        cache.clear()
        super().setUpClass()  # forks daphne; Playwright (threads, its own loop) only starts after

    def setUp(self):
        # Playwright's sync API runs an event loop in this thread; Django refuses ORM calls next to
        # a running loop unless told it is safe (it is: nothing else runs on that loop here).
        self.enterContext(mock.patch.dict(os.environ, {"DJANGO_ALLOW_ASYNC_UNSAFE": "true"}))
        self.championship = load(seed_data(), results_until=3)

        from playwright.sync_api import sync_playwright

        self.playwright = sync_playwright().start()
        self.addCleanup(self.playwright.stop)
        self.browser = self.playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        self.addCleanup(self.browser.close)

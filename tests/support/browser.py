"""The browser of the browser tests: Debian's Chromium driven by Playwright (no `playwright install`),
and the daphne process that serves them."""

from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import SyncToAsync
from daphne.testing import DaphneProcess

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

"""Listening on the channel layer as a browser's feed would: what a push sends to a group."""

import asyncio
import contextlib

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator

from championships.championship_file import load
from championships.live import rendering as live
from championships.timing.models import TimingToken

TIMEOUT = 5  # seconds: a frame that has not come by then is not coming


class Listener:
    """A channel in a championship's groups for `languages`: the frames a browser would get."""

    def __init__(self, slug, languages=("en", "nl")):
        self.layer = get_channel_layer()
        self.channel = async_to_sync(self.layer.new_channel)()
        for language in languages:
            async_to_sync(self.layer.group_add)(live.group_name(slug, language), self.channel)

    def frame(self, timeout=TIMEOUT):
        """The HTML of the next frame; fails (never hangs) when none comes within `timeout`."""

        async def receive():
            return await asyncio.wait_for(self.layer.receive(self.channel), timeout)

        try:
            return async_to_sync(receive)()["html"]
        except TimeoutError:
            raise AssertionError(f"no frame within {timeout} s") from None

    def frames(self, count, timeout=TIMEOUT):
        return [self.frame(timeout) for _ in range(count)]


@contextlib.asynccontextmanager
async def timed_championship(seed_data, slug):
    """The seed loaded up to distance 3, a timing device's token and a spectator connected to the
    championship's socket: yields (the token's secret, the spectator's WebsocketCommunicator)."""
    from sprintboard.asgi import application

    await get_channel_layer().flush()

    def prepare():
        championship = load(seed_data, results_until=3)
        return TimingToken.issue(championship, "Vantage main")[1]

    secret = await database_sync_to_async(prepare)()
    communicator = WebsocketCommunicator(
        application, f"/ws/{slug}/", headers=[(b"origin", b"http://127.0.0.1")]
    )
    assert (await communicator.connect(timeout=5))[0]
    try:
        yield secret, communicator
    finally:
        await communicator.disconnect()
        await get_channel_layer().flush()

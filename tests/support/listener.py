"""Listening on the channel layer as a browser's feed would: what a push sends to a group."""

import asyncio

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from championships.live import rendering as live

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

"""Sprintboard's feed consumer as first shipped, on stock Channels (for `bench/run.py --stock` only).

The consumer joins the group with a channel-layer channel of its own and Channels dispatches each
frame to it (task wake-up, `aclose_old_connections` thread hop). `StockConsumerNoHop` is the same
without the thread hop, to measure it. The push is the app's own (rendered once per followed
language).
"""

from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from championships.live import rendering as live


class StockConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        slug = self.scope["url_route"]["kwargs"]["slug"]
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        language = live.page_language(query.get("lang", [""])[0])
        self.group = live.group_name(slug, language)
        await self.channel_layer.group_add(self.group, self.channel_name)
        html = await database_sync_to_async(live.current_fragments)(slug, language)
        if html is None:
            await self.channel_layer.group_discard(self.group, self.channel_name)
            await self.close(code=4404)
            return
        await self.accept()
        await self.send(text_data=html)

    async def disconnect(self, code):
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        pass

    async def championship_update(self, event):
        await self.send(text_data=event["html"])


class StockConsumerNoHop(StockConsumer):
    """The same, minus channels' `aclose_old_connections` thread hop before each handler."""

    async def dispatch(self, message):
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

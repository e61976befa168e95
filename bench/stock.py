"""The consumer as Sprintboard first shipped it (for the benchmark's `stock` variants only)."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.consumer import get_handler_name

from championships import live


class StockConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        self.group = live.group_name(self.scope["url_route"]["kwargs"]["slug"])
        await self.channel_layer.group_add(self.group, self.channel_name)
        html = await database_sync_to_async(live.current_fragments)(
            self.scope["url_route"]["kwargs"]["slug"]
        )
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

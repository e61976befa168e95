from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from . import live


class ChampionshipConsumer(AsyncWebsocketConsumer):
    """Forwards a championship's rendered fragments to one browser; never renders per message."""

    async def connect(self):
        self.group = live.group_name(self.scope["url_route"]["kwargs"]["slug"])
        # Join before reading the state: an update racing the connect is then sent after it.
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
        """Spectators have nothing to say: frames from the browser are ignored."""

    async def championship_update(self, event):
        await self.send(text_data=event["html"])

from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from . import live


class ChampionshipConsumer(AsyncWebsocketConsumer):
    """Forwards a championship's rendered fragments to one browser; never renders per message."""

    async def connect(self):
        slug = self.scope["url_route"]["kwargs"]["slug"]
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        language = live.page_language(query.get("lang", [""])[0])
        self.group = live.group_name(slug, language)
        # Join before reading the state: an update racing the connect is then sent after it.
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
        """Spectators have nothing to say: frames from the browser are ignored."""

    async def championship_update(self, event):
        await self.send(text_data=event["html"])

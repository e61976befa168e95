"""The live feed at /ws/<slug>/: the current state on connect, then every pushed frame.

Fan-out is the hot path: one save goes to every open browser (`make bench` measures it against a
bare `websockets` server). Out of the box, Channels costs per browser and per frame a channel-
layer channel of its own, a queue wake-up, a task and a thread hop (`aclose_old_connections`,
channels 4.2+), and with the in-process layer a sweep over every channel (O(N^2) per frame).
Here a consumer has no channel of its own: the process's `Feed` (feed.py) hands it its group's
frames, `DaphneWire` (wire.py) frames them once for all browsers, and it awaits its browser in
its own task (less memory per idle connection).
"""

import functools
import logging
from urllib.parse import parse_qs

from channels import DEFAULT_CHANNEL_LAYER
from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer

from .feed import Feed, SharedRead
from .panels import panel_of
from .rendering import current_fragments, group_name, page_language
from .wire import DaphneWire

logger = logging.getLogger(__name__)


class ChampionshipConsumer(AsyncWebsocketConsumer):
    """Forwards a championship's rendered fragments to one browser; never renders per message.

    It has no channel-layer channel of its own (channel_layer_alias = None): it receives its
    group's frames through the process's `Feed`.
    """

    channel_layer_alias = None
    feed_layer_alias = DEFAULT_CHANNEL_LAYER
    groups = ()  # not a list per consumer: the feed holds the group

    feed = None
    pending = None  # frames that came while connecting, sent after the state

    async def __call__(self, scope, receive, send):
        """As channels' AsyncConsumer, less what a consumer without a channel of its own does
        not need: the browser's messages are awaited in this task, not in a task per message
        raced against a channel-layer receive (each idle connection holds less memory)."""
        self.scope = scope
        del scope  # the consumer holds it alone, and lets go of it once connected
        self.channel_layer = None  # no channel of its own: frames come through the feed
        self.base_send = send
        self.wire = DaphneWire.of(send)
        try:
            while True:
                await self.dispatch(await receive())
        except StopConsumer:
            pass
        finally:
            # However the connection ended (even cancelled by the server): leave the feed.
            if self.feed is not None:
                stop = self.feed.discard(self)
                self.feed = None
                if stop is not None:
                    Feed.stop_later(stop)

    async def dispatch(self, message):
        """As channels' own, without the `aclose_old_connections` thread hop before each handler:
        no handler here touches the database but through `database_sync_to_async`, which closes
        stale connections itself."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def websocket_connect(self, message):
        """As channels' own; then the scope is let go (all the connection needs of it is read by
        then), and under daphne the connection's handshake (`DaphneWire.let_go_of_handshake`)."""
        try:
            await super().websocket_connect(message)
        finally:
            self.scope = None
        if self.wire is not None:
            self.wire.let_go_of_handshake()

    async def connect(self):
        slug = self.scope["url_route"]["kwargs"]["slug"]
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        language = page_language(query.get("lang", [""])[0])
        # What the page shows and holds (static/sprintboard.js): its frame on connect.
        show = frozenset(query["show"][0].split(",")) - {""} if "show" in query else None
        have = query.get("have", [""])[0][:40]
        panel = panel_of(query)  # and the panel it follows, if any (panels.py)
        # Join before reading the state: an update racing the connect is then sent after it.
        self.pending = []
        try:
            self.feed = await Feed.join(group_name(slug, language), self, alias=self.feed_layer_alias)
        except Exception:
            # The channel layer is unreachable (layers.py logs an outage once, not per page):
            # refused, the page tries again, and once it is back gets the state.
            await self.close(code=1011)
            return
        self.group = self.feed.group  # one string for every consumer of the feed
        if self.feed.state is None:
            read = database_sync_to_async(functools.partial(current_fragments, slug, language))
            self.feed.state = SharedRead(read)
        shown = await self.feed.showing()
        if shown is None:
            feed, self.feed = self.feed, None
            await feed.leave(self)
            await self.close(code=4404)
            return
        panels = self.feed.followed_panels(slug, language) if panel is not None else None
        if panels is not None:
            await panels.follow(self, panel)
        await self.accept()
        # The frames that came meanwhile are in the state sent now; those from here on follow it.
        self.pending = []
        frames = [self.feed.shown.connect_frame(show, have), panels and panels.connect_frame(self)]
        for frame in filter(None, frames):
            await self.send_frame(frame)
        while self.pending:
            message, handler_name = self.pending.pop(0)
            await self.group_message(message, handler_name, connecting=True)
        self.pending = None

    async def group_message(self, message, handler_name, connecting=False):
        """A frame of the group, from the feed: held while connecting, else handled by type."""
        if self.pending is not None and not connecting:
            self.pending.append((message, handler_name))
            return
        handler = getattr(self, handler_name, None)
        if handler is None:
            logger.warning("no handler for group message type %r", message.get("type"))
            return
        await handler(message)

    async def websocket_disconnect(self, message):
        # As channels' own, without its thread hop (no database here).
        await self.disconnect(message["code"])
        raise StopConsumer()

    async def disconnect(self, code):
        if self.feed is not None:
            feed, self.feed = self.feed, None
            await feed.leave(self)

    async def receive(self, text_data=None, bytes_data=None):
        """Spectators have nothing to say: frames from the browser are ignored."""

    async def championship_update(self, event):
        await self.send_frame(event["html"])

    async def send_frame(self, html):
        """A text frame to the browser: prepared once for all of them under daphne, else ASGI."""
        if self.wire is None or not self.wire.send_text(html):
            await self.send(text_data=html)


class NoSuchFeed(AsyncWebsocketConsumer):
    """Any path but a championship's (`/ws/../`, `/ws/x%00y/`; championships/routing.py): closed
    as an unknown championship is (4404), not an error with a traceback."""

    async def connect(self):
        await self.close(code=4404)

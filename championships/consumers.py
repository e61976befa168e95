"""The live feed at /ws/<slug>/: the current state on connect, then every pushed frame.

Fan-out is the hot path: one save goes to every open browser (`make bench` measures it against a
bare `websockets` server). Out of the box, Channels costs per browser and per frame a channel-
layer channel of its own, a queue wake-up, a task and a thread hop (`aclose_old_connections`,
channels 4.2+), and with the in-process layer a sweep over every channel (O(N^2) per frame). Here:

- the browsers of a process share a `Feed`: one channel-layer member per (championship, language)
  and process, handing each frame to the consumers' handlers (no hop, no task per browser);
- under daphne, a frame is framed once for all browsers (`DaphneWire`), not once per browser;
- a consumer has no channel of its own and awaits its browser in its own task: less memory per
  idle connection;
- a browser that stops reading is dropped once more than `LIVE_SEND_BUFFER_LIMIT` bytes wait for
  it (beyond what the kernel holds), instead of being buffered for without bound.
"""

import asyncio
import contextlib
import contextvars
import functools
import logging
import weakref
from urllib.parse import parse_qs

from channels import DEFAULT_CHANNEL_LAYER
from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer
from django.conf import settings

from . import live

logger = logging.getLogger(__name__)


class Feed:
    """One group of the channel layer, received once per process and handed to its consumers.

    The first consumer of a group in this event loop starts the feed (a channel of its own, joined
    to the group); the last one to leave stops it (leaves the group). Frames go to the consumers
    in the order received, each frame to every consumer before the next frame.
    """

    _feeds = weakref.WeakKeyDictionary()  # event loop -> {(alias, group): Feed}
    _stopping = set()  # feeds stopping in the background (a strong reference until done)
    BATCH = 32  # consumers served between two yields to the event loop (a save's HTTP answer, connects)
    REFRESH = 3600  # seconds between renewals of the group membership (layers expire it: 1 day)

    def __init__(self, alias, group):
        self.alias = alias
        self.group = group
        self.layer = get_channel_layer(alias)
        self.consumers = {}  # an insertion-ordered set
        self.state = None  # the consumers' `SharedRead` of the current state
        self.channel = None
        self.tasks = []
        self.started = asyncio.ensure_future(self._start())

    @classmethod
    async def join(cls, group, consumer, alias=DEFAULT_CHANNEL_LAYER):
        feeds = cls._feeds.setdefault(asyncio.get_running_loop(), {})
        feed = feeds.get((alias, group))
        if feed is None:
            feed = feeds[alias, group] = cls(alias, group)
        feed.consumers[consumer] = None
        try:
            # Shielded: a browser leaving during the start does not cancel it for the others.
            await asyncio.shield(feed.started)
        except BaseException:
            await feed.leave(consumer)
            raise
        return feed

    async def leave(self, consumer):
        stop = self.discard(consumer)
        if stop is not None:
            await stop

    def discard(self, consumer):
        """Forget the consumer; the feed's stop (to await) when it was the last one."""
        self.consumers.pop(consumer, None)
        feeds = self._feeds.get(asyncio.get_running_loop(), {})
        if self.consumers or feeds.get((self.alias, self.group)) is not self:
            return None
        del feeds[self.alias, self.group]  # a consumer arriving from now on starts a new feed
        return self._stop()

    async def _start(self):
        try:
            self.channel = await self.layer.new_channel()
            await self.layer.group_add(self.group, self.channel)
        except BaseException:
            feeds = self._feeds.get(asyncio.get_running_loop(), {})
            if feeds.get((self.alias, self.group)) is self:
                del feeds[self.alias, self.group]
            raise
        self.tasks = [asyncio.ensure_future(self._forward()), asyncio.ensure_future(self._refresh())]

    async def _stop(self):
        try:
            await asyncio.shield(self.started)
        except BaseException:
            return  # never joined
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(BaseException):
                await task
        await self.layer.group_discard(self.group, self.channel)

    async def _forward(self):
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("receiving %s failed; retrying", self.group)
                await asyncio.sleep(1)
                continue
            try:
                handler_name = get_handler_name(message)
            except (KeyError, TypeError, ValueError):
                logger.warning("ignoring a malformed message on %s: %r", self.group, message)
                continue
            for count, consumer in enumerate(list(self.consumers), start=1):
                try:
                    await consumer.group_message(message, handler_name)
                except asyncio.CancelledError:
                    raise
                except Exception:
                    logger.exception("forwarding %s to a consumer failed", message.get("type"))
                if count % self.BATCH == 0:
                    await asyncio.sleep(0)

    async def _refresh(self):
        while True:
            await asyncio.sleep(self.REFRESH)
            try:
                await self.layer.group_add(self.group, self.channel)
            except Exception:
                logger.exception("renewing %s failed", self.group)

    @classmethod
    def stop_later(cls, stop):
        task = asyncio.ensure_future(stop)
        cls._stopping.add(task)
        task.add_done_callback(cls._stopping.discard)


class SharedRead:
    """A read of the current state for callers that each need one started after they asked
    (they have joined the feed: what was saved before is in it, what is saved after comes as a
    frame), shared by all that ask while another read is under way. A storm of reconnecting
    browsers (a restarted server) then costs a few database reads, not one connection each.
    """

    def __init__(self, read):
        self.read = read  # a coroutine function
        self.running = None  # the read under way
        self.next = None  # the read that starts when it ends, for those who asked meanwhile

    async def __call__(self):
        if self.next is None:
            # In a context of its own: what Django keeps per async context (its cache handler,
            # asgiref's markers) would otherwise stay with a connection as long as it is open.
            self.next = asyncio.get_running_loop().create_task(
                self._after(self.running), context=contextvars.Context()
            )
            self.next.add_done_callback(_retrieve)
        # Shielded: a browser leaving does not cancel the read for the others.
        return await asyncio.shield(self.next)

    async def _after(self, previous):
        if previous is not None:
            await asyncio.wait([previous])  # one read at a time
        # From here on, whoever asks waits for the next read.
        self.running, self.next = self.next, None
        return await self.read()


def _retrieve(task):
    """Mark a shared read's failure as seen: each caller gets it; with none left, it is dropped."""
    if not task.cancelled():
        task.exception()


class DaphneWire:
    """The daphne connection behind an ASGI `send`, to send one prepared frame to many browsers.

    Through ASGI, each browser costs its frame's encoding and framing (two copies of the frame)
    and five calls deep of Python; autobahn, which daphne is built on, frames a message once for
    any number of connections (`prepareMessage` / `sendPreparedMessage`). Used only when `send` is
    exactly daphne's, `functools.partial(Server.handle_reply, protocol)`, and the connection is
    open; anywhere else (tests, another server, a daphne that changed) frames go through ASGI.
    """

    __slots__ = ("protocol", "server")
    # The frame being fanned out: (text, factory, prepared frame, send-buffer limit).
    _last = (None, None, None, None)

    def __init__(self, server, protocol):
        self.server = server
        self.protocol = protocol

    @classmethod
    def of(cls, send):
        try:
            from daphne.server import Server
            from daphne.ws_protocol import WebSocketProtocol
        except ImportError:
            return None
        func = getattr(send, "func", None)
        if (
            isinstance(send, functools.partial)
            and len(send.args) == 1
            and not send.keywords
            and isinstance(getattr(func, "__self__", None), Server)
            and getattr(func, "__func__", None) is Server.handle_reply
            and isinstance(send.args[0], WebSocketProtocol)
            and hasattr(send.args[0], "sendPreparedMessage")
        ):
            return cls(func.__self__, send.args[0])
        return None

    @staticmethod
    def waiting(transport):
        """Bytes written to a Twisted TCP transport and not yet handed to the kernel."""
        try:
            return len(transport.dataBuffer) - transport.offset + transport._tempDataLen
        except AttributeError:  # not a Twisted FileDescriptor (or one that changed): no bound
            return 0

    def send_text(self, text):
        """Send `text` as daphne's handle_reply would; False: not open yet, use ASGI."""
        details = self.server.connections.get(self.protocol)
        if details is None or details.get("disconnected"):
            return True  # as daphne: nothing is sent on a closed connection
        protocol = self.protocol
        if protocol.state != protocol.STATE_OPEN:
            # Closing (the browser left while a frame went out): nothing to send, as daphne
            # would have it, without autobahn's "send on a closed protocol" error.
            return protocol.state in (protocol.STATE_CLOSING, protocol.STATE_CLOSED)
        last_text, factory, prepared, limit = DaphneWire._last
        if factory is not protocol.factory or not (last_text is text or last_text == text):
            factory = protocol.factory
            prepared = factory.prepareMessage(text.encode("utf8"), isBinary=False)
            limit = settings.LIVE_SEND_BUFFER_LIMIT
            DaphneWire._last = (text, factory, prepared, limit)
        transport = protocol.transport
        waiting = self.waiting(transport)
        if waiting > limit:
            # A browser that stopped reading: drop it rather than hold its frames without bound.
            # It gets the current state when it reconnects.
            logger.warning("dropped a spectator that stopped reading (%d bytes waiting)", waiting)
            protocol.dropConnection(abort=True)
        elif waiting or not self.direct(protocol, transport, prepared):
            protocol.sendPreparedMessage(prepared)
        return True

    @staticmethod
    def direct(protocol, transport, prepared):
        """Hand the frame to the kernel at once, as asyncio's transports do; False: not possible
        here. Twisted's own `write` always buffers and asks the event loop to watch the socket
        for writing, then stops watching once sent: two changes of the loop's selector (each an
        epoll_ctl and Python bookkeeping) per browser and frame, half of the fan-out's time."""
        if (
            getattr(protocol, "_perMessageCompress", True) is not None  # daphne does not compress
            or protocol.send_queue
            or getattr(transport, "TLS", True)
            or not hasattr(transport, "writeSomeData")
        ):
            return False
        payload = prepared.payloadHybi
        written = transport.writeSomeData(payload)
        if not isinstance(written, int):  # the connection is lost: Twisted's write finds out
            written = 0
        if written < len(payload):
            transport.write(payload[written:])  # the rest when the socket can take it
        return True


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

    async def connect(self):
        slug = self.scope["url_route"]["kwargs"]["slug"]
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        language = live.page_language(query.get("lang", [""])[0])
        # Join before reading the state: an update racing the connect is then sent after it.
        self.pending = []
        self.feed = await Feed.join(live.group_name(slug, language), self, alias=self.feed_layer_alias)
        self.group = self.feed.group  # one string for every consumer of the feed
        if self.feed.state is None:
            read = database_sync_to_async(functools.partial(live.current_fragments, slug, language))
            self.feed.state = SharedRead(read)
        html = await self.feed.state()
        if html is None:
            feed, self.feed = self.feed, None
            await feed.leave(self)
            await self.close(code=4404)
            return
        await self.accept()
        await self.send_frame(html)
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

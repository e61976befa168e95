"""The browsers of a process that follow one group share a `Feed`: one channel-layer member per
(championship, language) and process, handing each frame to the consumers' handlers (no thread
hop, no task per browser). It holds what its pages are shown (`Shown`): each push (the regions a
change re-rendered) becomes one diff frame for all of them, and a page connecting gets its frame
from there; the first read of the state is a `SharedRead`.

After an outage of the channel layer (Redis: layers.py), frames published meanwhile are lost:
the feed then reads the current state and sends what changed.
"""

import asyncio
import contextlib
import contextvars
import logging
import weakref

from channels import DEFAULT_CHANNEL_LAYER
from channels.consumer import get_handler_name
from channels.layers import get_channel_layer

from .layers import RECONNECTED
from .shown import Shown, revision_of

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
        self.state = None  # the consumers' `SharedRead` of the current state (HTML)
        self.shown = None  # what the pages are shown (`Shown`), once the state is read
        self.early = []  # pushes received before that (the HTML), applied on top of the read
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
            if message == RECONNECTED:
                message = await self._current_state()
                if message is None:
                    continue
            if message.get("type") == "championship.update" and "html" in message:
                message = self._diffed(message)
                if message is None:
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

    async def _current_state(self):
        """The current state as a push (None: nothing to send)."""
        try:
            html = await self.state() if self.state is not None else None
        except Exception:
            logger.exception("reading the state of %s after an outage failed", self.group)
            return None
        return None if html is None else {"type": "championship.update", "html": html}

    def _diffed(self, message):
        """A push as the frame pages get (what changed), or None (nothing to send)."""
        if self.shown is None:
            # No page has its state yet (they connect once it is read): kept for the read.
            self.early.append(message["html"])
            return None
        frame = self.shown.update(message["html"])
        return None if frame is None else {**message, "html": frame}

    async def showing(self):
        """What the pages are shown, read first if need be; None for an unknown championship."""
        if self.shown is None:
            html = await self.state()
            if html is None:
                return None
            if self.shown is None:
                shown = Shown(html)
                for pushed in self.early:
                    # Pushed while the state was read: newer, unless of an earlier revision.
                    revision = revision_of({"updated": pushed})
                    if revision is None or shown.revision is None or revision >= shown.revision:
                        shown.update(pushed)
                self.shown, self.early = shown, []
        return self.shown

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

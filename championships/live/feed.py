"""The browsers of a process that follow one group share a `Feed`: one channel-layer member per
(championship, language) and process, handing each frame to the consumers' handlers (no thread
hop, no task per browser). It holds what its pages are shown (`Shown`): each push (the regions a
change re-rendered) becomes one diff frame for all of them, and a page connecting gets its frame
from there; the first read of the state is a `SharedRead`.

After an outage of the channel layer (Redis: layers.py), frames published meanwhile are lost:
the feed then reads the current state and sends what changed.

Pages may also follow a panel (panels.py: a head-to-head, the talking points, a what-if, a
skater's card, an overlay): the feed's `Panels` renders each panel its pages show once per
change, in a task of its own (the frames of the live regions do not wait for it), and sends each
page what changed in its panel.
"""

import asyncio
import contextlib
import contextvars
import functools
import logging
import weakref

from channels import DEFAULT_CHANNEL_LAYER
from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from . import diff, panels
from .layers import RECONNECTED
from .shown import UPDATED, Shown, revision_of

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
        self.panels = None  # the panels its pages follow (`Panels`), once one follows one
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
        if self.panels is not None:
            self.panels.forget(consumer)
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
                if self.panels is not None:
                    # A push without the time of the update is the race panel's alone (a passing).
                    self.panels.changed(state=f'id="{UPDATED}"' in message["html"])
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

    def followed_panels(self, slug, language):
        """The feed's `Panels`, started if need be."""
        if self.panels is None:
            self.panels = Panels(self, slug, language)
        return self.panels

    @classmethod
    def stop_later(cls, stop):
        task = asyncio.ensure_future(stop)
        cls._stopping.add(task)
        task.add_done_callback(cls._stopping.discard)


class Panels:
    """The panels the pages of a feed follow: each rendered once per change for all of them.

    A change of the state re-renders every panel followed, a passing only the head-to-heads whose
    skaters' races it changed (panels.py `race_marks`); renders are one at a time, in the order
    of the changes. Each page is sent what changed in its panel since the render it holds: the
    render it got on connecting, then each frame it was sent (`held`).
    """

    LIMIT = 100  # panels followed per feed: each costs a render per change (a what-if: a scoring)

    def __init__(self, feed, slug, language):
        self.feed = feed
        self.render = database_sync_to_async(functools.partial(panels.rendered, slug, language))
        self.marks = database_sync_to_async(functools.partial(panels.race_marks, slug))
        self.following = {}  # consumer -> its panel
        self.held = {}  # consumer -> the render (HTML) its page holds
        self.shown = {}  # panel -> (HTML, marks) as last rendered
        self.lock = asyncio.Lock()
        self.pending = None  # a change not yet rendered: True (the state) or False (a passing)
        self.task = None

    async def follow(self, consumer, panel):
        """`consumer`'s page follows `panel`, rendered now if no page of the feed did already."""
        if panel not in self.shown and len(self.shown) >= self.LIMIT:
            logger.warning(
                "%s: more than %d panels followed, this page's is not", self.feed.group, self.LIMIT
            )
            return
        self.following[consumer] = panel
        async with self.lock:
            if panel not in self.shown and consumer in self.following:
                try:
                    fresh = await self.render([panel])
                except Exception:
                    # The page keeps its panel as loaded: the live regions still follow.
                    logger.exception("rendering a panel of %s failed", self.feed.group)
                    return
                if fresh is not None:
                    self.shown.update(fresh)

    def connect_frame(self, consumer):
        """The panel whole, for a page connecting (None: it follows none); from here on it is sent
        what changes. Called at once with the state's connect frame (no frame comes between)."""
        shown = self.shown.get(self.following.get(consumer))
        if shown is None:
            return None
        self.held[consumer] = shown[0]
        return panels.whole(shown[0])

    def forget(self, consumer):
        panel = self.following.pop(consumer, None)
        self.held.pop(consumer, None)
        if panel is not None and panel not in self.following.values():
            self.shown.pop(panel, None)

    def changed(self, state):
        self.pending = bool(self.pending) or state
        if self.task is None or self.task.done():
            self.task = asyncio.ensure_future(self._update())

    async def _update(self):
        while self.pending is not None:
            state, self.pending = self.pending, None
            try:
                async with self.lock:
                    await self._render(state)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("rendering the panels of %s failed", self.feed.group)

    async def _render(self, state):
        followed = set(self.shown)
        if not state:
            # A passing changes only the head-to-heads of skaters whose races it changed.
            marks = await self.marks(list(followed)) if followed else {}
            followed = {
                panel for panel, mark in marks.items() if self.shown.get(panel, (None, mark))[1] != mark
            }
        if not followed:
            return
        fresh = await self.render(list(followed))
        if fresh is None:
            return  # the championship is gone
        # The renders and what each page holds change at once (no await): a page that connects
        # from here on gets the new renders whole, one that holds an older render what changed.
        sends = []
        for panel, (html, marks) in fresh.items():
            if panel not in self.shown:
                continue  # its last page left while it was rendered
            old = self.shown[panel][0]
            self.shown[panel] = (html, marks)
            if html == old:
                continue
            frames = {}
            for consumer, followed_panel in self.following.items():
                held = self.held.get(consumer)
                if followed_panel != panel or held is None:
                    continue  # another panel, or not yet sent its own (it gets the new render)
                if held not in frames:
                    frames[held] = diff.frame(diff.changes(held, html))
                self.held[consumer] = html
                sends.append((consumer, frames[held]))
        for count, (consumer, frame) in enumerate(sends, start=1):
            if count % Feed.BATCH == 0:
                await asyncio.sleep(0)
            try:
                await consumer.group_message(
                    {"type": "championship.update", "html": frame}, "championship_update"
                )
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("sending a panel to a consumer failed")


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

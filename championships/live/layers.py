"""Channel layers as channels-redis ships them, plus two things the live feed needs.

- `groups_followed(groups)`: which of these groups anyone follows. A change is rendered once per
  page language before it is sent (changes.broadcast); a language nobody reads need not be
  rendered (one render of the demo championship takes about as long as fanning a frame out to a
  thousand browsers): a page that opens later gets it rendered on connect.
- Outages of Redis: frames published while a process is cut off are lost to it, so once it is
  back every channel of the process gets a `layer.reconnected` message (the feeds then send
  their pages the current state: feed.py). The log says when Redis goes, reminds every
  `outage_reminder` seconds (CONFIG, default 60) and says when it is back: a few lines per
  outage, not a traceback per second.
"""

import asyncio
import logging
import time

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer
from channels_redis.pubsub import RedisPubSubChannelLayer as _RedisPubSubChannelLayer
from channels_redis.pubsub import RedisPubSubLoopLayer, RedisSingleShardConnection
from channels_redis.utils import _wrap_close

logger = logging.getLogger(__name__)

RECONNECTED = {"type": "layer.reconnected"}


def followed(layer, groups):
    """The groups someone may follow. The in-process layer holds every follower; a layer with
    `groups_followed` (Redis, below) is asked; with any other, all of them."""
    if isinstance(layer, InMemoryChannelLayer):
        return [group for group in groups if layer.groups.get(group)]
    if hasattr(layer, "groups_followed"):
        return async_to_sync(layer.groups_followed)(groups)
    return groups


class RedisPubSubChannelLayer(_RedisPubSubChannelLayer):
    """channels-redis' pub/sub layer (one PUBLISH per group_send), telling followed groups apart:
    a group's Redis channel has a subscriber for each process with a browser in it
    (PUBSUB NUMSUB). When Redis cannot say, every group counts as followed."""

    def _get_layer(self):
        # As channels-redis' own, with the shards below.
        loop = asyncio.get_running_loop()
        if loop not in self._layers:
            self._layers[loop] = _LoopLayer(*self._args, **self._kwargs, channel_layer=self)
            _wrap_close(self, loop)
        return self._layers[loop]

    async def groups_followed(self, groups):
        try:
            layer = self._get_layer()
            followed = []
            for group in groups:
                # The layer's own naming and sharding: the channel it subscribes for the group.
                channel = layer._get_group_channel_name(group)
                shard = layer._get_shard(channel)
                shard._ensure_redis()
                [(_, subscribers)] = await shard._redis.pubsub_numsub(channel)
                if subscribers:
                    followed.append(group)
            return followed
        except Exception as error:
            logger.warning("could not tell which of %s are followed (%s): all are", groups, error)
            return list(groups)


class _LoopLayer(RedisPubSubLoopLayer):
    def __init__(self, *args, outage_reminder=60, **kwargs):
        super().__init__(*args, **kwargs)
        self._shards = [_Shard(shard.host, self, outage_reminder) for shard in self._shards]


class _Shard(RedisSingleShardConnection):
    """A shard whose receive loop tells outages and recoveries (see the module's docstring)."""

    def __init__(self, host, channel_layer, outage_reminder):
        super().__init__(host, channel_layer)
        self.outage_reminder = outage_reminder
        self.down_since = None
        self.reminded = None

    async def _do_receiving(self):
        # As channels-redis' own, but one log line per outage and a message when it ends.
        while True:
            try:
                if self._pubsub and self._pubsub.subscribed:
                    message = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=0.1)
                    if self.down_since is not None:
                        self._back()
                    self._receive_message(message)
                else:
                    await asyncio.sleep(0.1)
            except Exception as error:
                self._down(error)
                await asyncio.sleep(1)

    async def subscribe(self, channel):
        try:
            await super().subscribe(channel)
        except Exception as error:
            self._down(error)
            # Not subscribed: forget it, or frames of a later subscription would pile up for it.
            self.channel_layer.channels.pop(channel, None)
            self.channel_layer.groups.pop(channel, None)
            raise

    async def unsubscribe(self, channel):
        """Never fails: a page leaving during an outage has nothing to undo but our own record
        (its feed stopping would otherwise log a traceback per page)."""
        try:
            await super().unsubscribe(channel)
        except Exception as error:
            self._down(error)
            self._subscribed_to.discard(channel)

    @property
    def address(self):
        return self.host.get("address", self.host) if isinstance(self.host, dict) else self.host

    def _down(self, error):
        now = time.monotonic()
        if self.down_since is None:
            self.down_since = self.reminded = now
            logger.warning("lost Redis at %s (%s); live updates wait until it is back", self.address, error)
        elif now - self.reminded >= self.outage_reminder:
            self.reminded = now
            logger.warning(
                "Redis at %s still unreachable after %d s (%s)", self.address, now - self.down_since, error
            )

    def _back(self):
        logger.warning(
            "Redis at %s is back after %d s; open pages get the current state",
            self.address,
            time.monotonic() - self.down_since,
        )
        self.down_since = None
        # Subscribed again (redis-py resubscribes on reconnecting): what is published from now
        # on arrives, and whoever reads the state now sees what was saved during the outage.
        reconnected = self.channel_layer.channel_layer.serialize(RECONNECTED)
        for queue in self.channel_layer.channels.values():
            queue.put_nowait(reconnected)

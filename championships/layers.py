"""Channel layers as channels-redis ships them, plus one question the live feed asks.

`groups_followed(groups)`: which of these groups anyone follows. A save renders its frame once per
page language before sending it (live.broadcast); a language nobody reads need not be rendered
(one render of the demo championship is ~50 ms, as long as fanning a frame out to a thousand
browsers): a browser that opens such a page later gets it rendered on connect.
"""

import logging

from channels_redis.pubsub import RedisPubSubChannelLayer as _RedisPubSubChannelLayer

logger = logging.getLogger(__name__)


class RedisPubSubChannelLayer(_RedisPubSubChannelLayer):
    """channels-redis' pub/sub layer (one PUBLISH per group_send), telling followed groups apart:
    a group's Redis channel has a subscriber for each process with a browser in it
    (PUBSUB NUMSUB). When Redis cannot say, every group counts as followed."""

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
        except Exception:
            logger.warning("could not tell which of %s are followed: all are", groups, exc_info=True)
            return list(groups)

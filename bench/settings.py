"""Benchmark settings: Sprintboard's own; BENCH_VARIANT=stock* swaps in the stock channel layers.

The stock variants (bench/stock.py) measure the live feed as first shipped: channels' own
InMemoryChannelLayer, or channels-redis' RedisPubSubChannelLayer when REDIS_URL is set.
"""

import os

from sprintboard.settings import *  # noqa: F403
from sprintboard.settings import CHANNEL_LAYERS, REDIS_URL

if os.environ.get("BENCH_VARIANT", "app").startswith("stock"):
    stock_backend = (
        "channels_redis.pubsub.RedisPubSubChannelLayer"
        if REDIS_URL
        else "channels.layers.InMemoryChannelLayer"
    )
    CHANNEL_LAYERS = {"default": {**CHANNEL_LAYERS["default"], "BACKEND": stock_backend}}

"""Benchmark settings: Sprintboard's own, with the channel layer optionally swapped for the stock one.

BENCH_VARIANT=stock (or stock-nohop) measures what Channels does out of the box: the stock
InMemoryChannelLayer when REDIS_URL is unset (RedisPubSubChannelLayer is already stock).
"""

import os

from sprintboard.settings import *  # noqa: F403
from sprintboard.settings import CHANNEL_LAYERS, REDIS_URL

if os.environ.get("BENCH_VARIANT", "app").startswith("stock") and not REDIS_URL:
    CHANNEL_LAYERS = {**CHANNEL_LAYERS, "default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

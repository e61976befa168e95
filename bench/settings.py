"""Benchmark settings: Sprintboard's own, with a key of its own, commits and group_sends marked
(bench/marks.py); BENCH_VARIANT=stock* configures the stock channel layers instead of the app's.

The stock variants (bench/stock.py) measure the live feed as first shipped: channels' own
InMemoryChannelLayer, or channels-redis' RedisPubSubChannelLayer when REDIS_URL is set.
"""

import os

os.environ.setdefault("SECRET_KEY", "django-insecure-sprintboard-bench-only")

from sprintboard.settings import *  # noqa: F403
from sprintboard.settings import CHANNEL_LAYERS, DATABASES, REDIS_URL

if os.environ.get("BENCH_VARIANT", "app").startswith("stock"):
    BENCH_LAYER = (
        "channels_redis.pubsub.RedisPubSubChannelLayer"
        if REDIS_URL
        else "channels.layers.InMemoryChannelLayer"
    )
else:
    BENCH_LAYER = CHANNEL_LAYERS["default"]["BACKEND"]
CHANNEL_LAYERS = {"default": {**CHANNEL_LAYERS["default"], "BACKEND": "bench.layers.MarkedLayer"}}
DATABASES["default"]["ENGINE"] = "bench.sqlite_marks"

"""Sprintboard's settings with a Redis outage reminder every 2 s instead of every minute, for the
outage test of test_multiprocess.py (the layer's `outage_reminder` option)."""

from sprintboard.settings import *  # noqa: F403
from sprintboard.settings import CHANNEL_LAYERS

CHANNEL_LAYERS["default"]["CONFIG"]["outage_reminder"] = 2

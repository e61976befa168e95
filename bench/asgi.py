"""The application the benchmark serves with daphne: Sprintboard's, plus timestamps.

BENCH_MARKS names a file that gets one line per event, stamped with time.monotonic() (one clock
for every process on the machine):

    commit <t>   a transaction saving a Result committed (first on_commit callback of the save)
    pushed <t>   the save's broadcast (render + group_send) has returned

BENCH_VARIANT selects the consumer: `app` (default, championships.consumers as it is now),
`stock` (the consumer as first written, on stock Channels: thread hop before every handler) or
`stock-nohop` (the same without the hop), so the known costs can be measured one by one.
"""

import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

from sprintboard.asgi import application as app_application  # noqa: E402  (sets Django up)

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.db import transaction  # noqa: E402
from django.db.models.signals import post_save, pre_save  # noqa: E402
from django.urls import path  # noqa: E402

from championships.models import Result  # noqa: E402

MARKS = os.environ.get("BENCH_MARKS")
VARIANT = os.environ.get("BENCH_VARIANT", "app")


def _mark(event):
    def write():
        stamp = time.monotonic()
        with open(MARKS, "a", encoding="ascii") as f:
            f.write(f"{event} {stamp:.6f}\n")

    return write


def _before_save(sender, **kwargs):
    # Registered before the app's own on_commit (post_save): runs first once the save commits.
    transaction.on_commit(_mark("commit"))


def _after_save(sender, **kwargs):
    # Connected after the app's receiver: its on_commit runs after the broadcast returned.
    transaction.on_commit(_mark("pushed"))


if MARKS:
    pre_save.connect(_before_save, sender=Result, dispatch_uid="bench-commit")
    post_save.connect(_after_save, sender=Result, dispatch_uid="bench-pushed")

if VARIANT == "app":
    application = app_application
else:
    from bench.stock import StockConsumer, StockConsumerNoHop

    consumer = StockConsumer if VARIANT == "stock" else StockConsumerNoHop
    application = ProtocolTypeRouter(
        {
            "http": app_application.application_mapping["http"],
            "websocket": AllowedHostsOriginValidator(
                URLRouter([path("ws/<slug:slug>/", consumer.as_asgi())])
            ),
        }
    )

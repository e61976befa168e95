"""The application the benchmark serves with daphne: Sprintboard's, plus timestamps.

BENCH_MARKS names a file that gets one line per event, stamped with time.monotonic() (one clock
for every process on the machine):

    commit <t>       a transaction saving a Result committed (first on_commit callback of the save)
    send:<lang> <t>  a group_send of the channel layer starts (the frame is rendered)
    pushed <t>       the save's broadcast has returned

BENCH_TRACE=1 adds `sent:<lang>` (group_send returned), `fwd<n>` (every 1000th frame handed to a
consumer) and `http-answer` (the save's HTTP response starts); bench/run.py prints them per save.

BENCH_VARIANT selects the live feed: `app` (default: championships.live as it is
now), `stock` (as first shipped, on stock Channels: a channel per browser, a thread hop before
every handler, the stock in-process layer, every language rendered and sent in turn) or
`stock-nohop` (the same without the hop), so that the known costs can be measured one by one.
"""

import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

from channels.layers import get_channel_layer
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.urls import path

from championships.live import changes as live
from championships.live import consumer as consumers
from championships.models import Result
from sprintboard.asgi import application as app_application

MARKS = os.environ.get("BENCH_MARKS")
TRACE = bool(os.environ.get("BENCH_TRACE"))
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


if VARIANT == "app":
    application = app_application
else:
    from bench import stock

    live.broadcast = stock.broadcast  # championship_changed looks it up at each commit
    consumer = stock.StockConsumer if VARIANT == "stock" else stock.StockConsumerNoHop
    application = ProtocolTypeRouter(
        {
            "http": app_application.application_mapping["http"],
            "websocket": AllowedHostsOriginValidator(
                URLRouter([path("ws/<slug:slug>/", consumer.as_asgi())])
            ),
        }
    )

if MARKS:
    pre_save.connect(_before_save, sender=Result, dispatch_uid="bench-commit")
    post_save.connect(_after_save, sender=Result, dispatch_uid="bench-pushed")

    layer = get_channel_layer()

    async def marked_group_send(group, message, _send=layer.group_send):
        language = group.rsplit(".", 1)[-1]
        _mark(f"send:{language}")()
        try:
            return await _send(group, message)
        finally:
            if TRACE:
                _mark(f"sent:{language}")()

    layer.group_send = marked_group_send  # an instance attribute: live and stock both go through it

if MARKS and TRACE:
    original_update = consumers.ChampionshipConsumer.championship_update
    forwarded = {"n": 0}

    async def traced_update(self, event):
        forwarded["n"] += 1
        if forwarded["n"] % 1000 == 1:
            _mark(f"fwd{forwarded['n']}")()
        return await original_update(self, event)

    consumers.ChampionshipConsumer.championship_update = traced_update
    untraced_application = application

    async def application(scope, receive, send):
        if scope["type"] != "http" or scope.get("method") != "POST":
            return await untraced_application(scope, receive, send)

        async def traced_send(message):
            if message["type"] == "http.response.start":
                _mark("http-answer")()
            return await send(message)

        return await untraced_application(scope, receive, traced_send)

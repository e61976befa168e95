"""The application the benchmark serves with daphne: Sprintboard's (its settings mark commits and
group_sends, bench/marks.py), or with BENCH_VARIANT=stock|stock-nohop the feed's consumer as
first shipped on stock Channels (bench/stock.py) in its place.

BENCH_TRACE=1 also marks when a POST's HTTP answer starts (`http-answer`); bench/run.py prints
every mark per save.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

if os.environ.get("BENCH_MEMORY_DIR"):  # bench/memory.py: what the process holds, on SIGUSR1
    from bench import memory_probe

    memory_probe.install(os.environ["BENCH_MEMORY_DIR"])

from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import path

from bench.marks import mark
from sprintboard.asgi import application as app_application
from sprintboard.asgi import django_asgi_app

VARIANT = os.environ.get("BENCH_VARIANT", "app")

if VARIANT == "app":
    served = app_application
else:
    from bench import stock

    consumer = stock.StockConsumer if VARIANT == "stock" else stock.StockConsumerNoHop
    served = ProtocolTypeRouter(
        {
            "http": django_asgi_app,
            "websocket": AllowedHostsOriginValidator(
                URLRouter([path("ws/<slug:slug>/", consumer.as_asgi())])
            ),
        }
    )

if os.environ.get("BENCH_TRACE"):

    async def application(scope, receive, send):
        if scope["type"] != "http" or scope.get("method") != "POST":
            return await served(scope, receive, send)

        async def traced_send(message):
            if message["type"] == "http.response.start":
                mark("http-answer")
            return await send(message)

        return await served(scope, receive, traced_send)

else:
    application = served

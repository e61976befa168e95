"""The channel layer the servers under test are configured with (settings.BENCH_LAYER: the
app's, or a stock one), marking each group_send (bench/marks.py): when a frame is rendered, and
when it is with the layer."""

from django.conf import settings
from django.utils.module_loading import import_string

from bench.marks import mark

Layer = import_string(settings.BENCH_LAYER)


class MarkedLayer(Layer):
    async def group_send(self, group, message):
        language = group.rsplit(".", 1)[-1]
        # channels-redis' pub/sub layer has no group_send of its own: it hands it to the layer of
        # the running event loop (__getattr__).
        send = getattr(super(), "group_send", None) or Layer.__getattr__(self, "group_send")
        mark(f"send:{language}")
        try:
            return await send(group, message)
        finally:
            mark(f"sent:{language}")

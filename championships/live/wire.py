"""Under daphne, a frame is framed once for all browsers of a process (`DaphneWire`), not once
per browser, and a browser that stops reading is dropped once more than `LIVE_SEND_BUFFER_LIMIT`
bytes wait for it (beyond what the kernel holds), instead of being buffered for without bound.
"""

import functools
import logging

from django.conf import settings

logger = logging.getLogger(__name__)


class DaphneWire:
    """The daphne connection behind an ASGI `send`, to send one prepared frame to many browsers.

    Through ASGI, each browser costs its frame's encoding and framing (two copies of the frame)
    and five calls deep of Python; autobahn, which daphne is built on, frames a message once for
    any number of connections (`prepareMessage` / `sendPreparedMessage`). Used only when `send` is
    exactly daphne's, `functools.partial(Server.handle_reply, protocol)`, and the connection is
    open; anywhere else (tests, another server, a daphne that changed) frames go through ASGI.
    """

    __slots__ = ("protocol", "server")
    # The frame being fanned out: (text, factory, prepared frame, send-buffer limit).
    _last = (None, None, None, None)

    def __init__(self, server, protocol):
        self.server = server
        self.protocol = protocol

    @classmethod
    def of(cls, send):
        try:
            from daphne.server import Server
            from daphne.ws_protocol import WebSocketProtocol
        except ImportError:
            return None
        func = getattr(send, "func", None)
        if (
            isinstance(send, functools.partial)
            and len(send.args) == 1
            and not send.keywords
            and isinstance(getattr(func, "__self__", None), Server)
            and getattr(func, "__func__", None) is Server.handle_reply
            and isinstance(send.args[0], WebSocketProtocol)
            and hasattr(send.args[0], "sendPreparedMessage")
        ):
            return cls(func.__self__, send.args[0])
        return None

    @staticmethod
    def waiting(transport):
        """Bytes written to a Twisted TCP transport and not yet handed to the kernel."""
        try:
            return len(transport.dataBuffer) - transport.offset + transport._tempDataLen
        except AttributeError:  # not a Twisted FileDescriptor (or one that changed): no bound
            return 0

    def send_text(self, text):
        """Send `text` as daphne's handle_reply would; False: not open yet, use ASGI."""
        details = self.server.connections.get(self.protocol)
        if details is None or details.get("disconnected"):
            return True  # as daphne: nothing is sent on a closed connection
        protocol = self.protocol
        if protocol.state != protocol.STATE_OPEN:
            # Closing (the browser left while a frame went out): nothing to send, as daphne
            # would have it, without autobahn's "send on a closed protocol" error.
            return protocol.state in (protocol.STATE_CLOSING, protocol.STATE_CLOSED)
        last_text, factory, prepared, limit = DaphneWire._last
        if factory is not protocol.factory or not (last_text is text or last_text == text):
            factory = protocol.factory
            prepared = factory.prepareMessage(text.encode("utf8"), isBinary=False)
            limit = settings.LIVE_SEND_BUFFER_LIMIT
            DaphneWire._last = (text, factory, prepared, limit)
        transport = protocol.transport
        waiting = self.waiting(transport)
        if waiting > limit:
            # A browser that stopped reading: drop it rather than hold its frames without bound.
            # It gets the current state when it reconnects.
            logger.warning("dropped a spectator that stopped reading (%d bytes waiting)", waiting)
            protocol.dropConnection(abort=True)
        elif waiting or not self.direct(protocol, transport, prepared):
            protocol.sendPreparedMessage(prepared)
        return True

    @staticmethod
    def direct(protocol, transport, prepared):
        """Hand the frame to the kernel at once, as asyncio's transports do; False: not possible
        here. Twisted's own `write` always buffers and asks the event loop to watch the socket
        for writing, then stops watching once sent: two changes of the loop's selector (each an
        epoll_ctl and Python bookkeeping) per browser and frame, half of the fan-out's time."""
        if (
            getattr(protocol, "_perMessageCompress", True) is not None  # daphne does not compress
            or protocol.send_queue
            or getattr(transport, "TLS", True)
            or not hasattr(transport, "writeSomeData")
        ):
            return False
        payload = prepared.payloadHybi
        written = transport.writeSomeData(payload)
        if not isinstance(written, int):  # the connection is lost: Twisted's write finds out
            written = 0
        if written < len(payload):
            transport.write(payload[written:])  # the rest when the socket can take it
        return True

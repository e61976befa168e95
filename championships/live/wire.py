"""Under daphne, a frame is framed once for all browsers of a process (`DaphneWire`), not once
per browser, and a browser that stops reading is dropped once more than `LIVE_SEND_BUFFER_LIMIT`
bytes wait for it (beyond what the kernel holds), instead of being buffered for without bound.

The direct writes rely on private attributes of daphne, autobahn and Twisted (`DIRECT_NEEDS`).
They are checked once, at the first frame of the process (`direct_path`): when one is missing,
every frame goes through ASGI, still bounded (`SlowReader`, on Twisted's public producer API).

Each connection also lets go of its HTTP handshake (`let_go_of_handshake`): daphne leaves the
upgraded request's Twisted `HTTPChannel` registered as the producer of the connection's transport,
which keeps the channel, its request and their headers and buffers alive for the life of the
WebSocket (about 5 KB per spectator, bench/README.md). Only where the transport's producer is
exactly that channel, handed over to the WebSocket protocol, is it unregistered (Twisted's public
`IConsumer.unregisterProducer`); anywhere else it is kept, at no cost but the memory. Once the
connection is open, the attributes of autobahn's and daphne's protocol that only the handshake
reads go as well (`HANDSHAKE_LEFTOVERS`: the request, its headers, handshake-only options), all
of them or, should one be missing (another version), none.
"""

import functools
import logging

from django.conf import settings

logger = logging.getLogger(__name__)

# What the direct writes read or call, by the object it belongs to.
DIRECT_NEEDS = {
    "server": ("connections",),
    "protocol": (
        "state",
        "STATE_OPEN",
        "STATE_CLOSING",
        "STATE_CLOSED",
        "send_queue",
        "_perMessageCompress",
        "sendPreparedMessage",
        "dropConnection",
    ),
    "factory": ("prepareMessage",),
    "transport": ("dataBuffer", "offset", "_tempDataLen", "TLS", "writeSomeData", "write"),
    "prepared frame": ("payloadHybi",),
}

# What letting go of the handshake reads or calls, on the connection's transport.
HANDSHAKE_NEEDS = ("producer", "protocol", "unregisterProducer")

# The attributes of daphne's WebSocketProtocol that nothing reads once it is open: autobahn's
# handshake (processHandshake, succeedHandshake) and daphne's onConnect are the only readers,
# checked in their code for the versions requirements.txt allows. Fewer than 86 attributes left
# also halve the instance dict (3.3 -> 1.6 KB).
HANDSHAKE_LEFTOVERS = (
    # autobahn: the request and response, and options only the handshake reads
    "http_request_data",
    "http_headers",
    "http_status_line",
    "http_request_uri",
    "http_request_path",
    "http_request_params",
    "http_request_host",
    "http_response_data",
    "websocket_origin",
    "websocket_protocols",
    "websocket_extensions",
    "websocket_extensions_in_use",
    "_wskey",
    "flashSocketPolicy",
    "allowedOrigins",
    "allowedOriginsPatterns",
    "versions",
    "perMessageCompressionAccept",
    "webStatus",
    "serveFlashSocketPolicy",
    "trustXForwardedFor",
    "allowNullOrigin",
    "maxConnections",
    "openHandshakeTimeout",
    # daphne's onConnect: the headers (the scope's), the query string, the addresses
    "clean_headers",
    "_raw_query_string",
    "server_addr",
    "root_path",
    "protocol_to_accept",
    "application_deferred",
)


def direct_path(server, protocol):
    """(True, why) when every attribute the direct writes need is there, else (False, why)."""
    try:
        owners = {
            "server": server,
            "protocol": protocol,
            "factory": protocol.factory,
            "transport": protocol.transport,
        }
        owners["prepared frame"] = owners["factory"].prepareMessage(b"", isBinary=False)
    except AttributeError as missing:
        return False, f"daphne's {missing.name} missing"
    for owner, names in DIRECT_NEEDS.items():
        for name in names:
            if not hasattr(owners[owner], name):
                return False, f"daphne's {owner} {name} missing"
    try:
        waiting = DaphneWire.waiting(owners["transport"])
    except TypeError:
        waiting = None
    if not isinstance(waiting, int):
        return False, "daphne's transport send buffer unknown"
    return True, "daphne direct writes"


def handshake_channel(protocol):
    """(the handshake's HTTPChannel the transport still holds, or None; why)."""
    try:
        from twisted.web.http import HTTPChannel
    except ImportError:
        return None, "Twisted's HTTPChannel missing"
    transport = getattr(protocol, "transport", None)
    for name in HANDSHAKE_NEEDS:
        if not hasattr(transport, name):
            return None, f"daphne's transport {name} missing"
    if transport.protocol is not protocol:
        return None, "the transport is not the WebSocket's"
    if not isinstance(transport.producer, HTTPChannel):
        return None, "the transport's producer is not the handshake's HTTP channel"
    return transport.producer, "the handshake's HTTP channel let go"


def handshake_leftovers(protocol):
    """(True, why) when the open protocol has every one of `HANDSHAKE_LEFTOVERS`, else (False, why)."""
    try:
        from daphne.ws_protocol import WebSocketProtocol
    except ImportError:
        return False, "daphne's WebSocketProtocol missing"
    if not isinstance(protocol, WebSocketProtocol):
        return False, "not daphne's WebSocketProtocol"
    held = vars(protocol)
    for name in HANDSHAKE_LEFTOVERS:
        if name not in held:
            return False, f"daphne's protocol {name} missing"
    return True, f"{len(HANDSHAKE_LEFTOVERS)} handshake attributes let go"


class SlowReader:
    """The slow-reader bound through ASGI: a push producer on the connection's transport
    (Twisted's public `IPushProducer`), paused by Twisted while its send buffer is full; the
    frames sent meanwhile are counted, and the browser dropped past `LIVE_SEND_BUFFER_LIMIT`.
    A producer the transport had (one `let_go_of_handshake` did not know) is told the same."""

    __slots__ = ("dropped", "held", "previous")

    def __init__(self, previous):
        self.held = None  # bytes sent since Twisted paused us; None: not paused
        self.dropped = False
        self.previous = previous

    def pauseProducing(self):
        if self.held is None:  # Twisted says it again at each write while the buffer is full
            self.held = 0
        if self.previous is not None:
            self.previous.pauseProducing()

    def resumeProducing(self):
        self.held = None
        if self.previous is not None:
            self.previous.resumeProducing()

    def stopProducing(self):
        self.dropped = True
        if self.previous is not None:
            self.previous.stopProducing()


class DaphneWire:
    """The daphne connection behind an ASGI `send`, to send one prepared frame to many browsers.

    Through ASGI, each browser costs its frame's encoding and framing (two copies of the frame)
    and five calls deep of Python; autobahn, which daphne is built on, frames a message once for
    any number of connections (`prepareMessage` / `sendPreparedMessage`). Used only when `send` is
    exactly daphne's, `functools.partial(Server.handle_reply, protocol)`, and the connection is
    open; anywhere else (tests, another server) frames go through ASGI.
    """

    __slots__ = ("bound", "protocol", "server")
    # The frame being fanned out: (text, factory, prepared frame, send-buffer limit).
    _last = (None, None, None, None)
    # (direct writes possible, why), found at the process's first frame.
    path = None
    # Whether the process's first connection let go of its handshake (said once: `handshake`).
    handshake = None

    def __init__(self, server, protocol):
        self.server = server
        self.protocol = protocol
        self.bound = None

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
        ):
            return cls(func.__self__, send.args[0])
        return None

    def let_go_of_handshake(self):
        """Once the connection is open: unregister the upgraded HTTP request's channel from the
        transport, where it is exactly that (`handshake_channel`), and drop the protocol's
        `HANDSHAKE_LEFTOVERS` (`handshake_leftovers`); nothing else holds them."""
        protocol = self.protocol
        if getattr(protocol, "state", None) != getattr(protocol, "STATE_OPEN", None):
            return  # refused or already closing: it goes soon anyway
        channel, channel_why = handshake_channel(protocol)
        leftovers, leftovers_why = handshake_leftovers(protocol)
        if DaphneWire.handshake is None:
            DaphneWire.handshake = (channel is not None, leftovers)
            logger.warning(
                "live connections: %s; %s",
                channel_why if channel is not None else f"the HTTP channel kept ({channel_why})",
                leftovers_why if leftovers else f"the handshake attributes kept ({leftovers_why})",
            )
        if channel is not None:
            protocol.transport.unregisterProducer()
        if leftovers:
            held = vars(protocol)
            # A new dict, not deletions: a dict does not shrink.
            protocol.__dict__ = {
                name: value for name, value in held.items() if name not in HANDSHAKE_LEFTOVERS
            }

    @staticmethod
    def waiting(transport):
        """Bytes written to a Twisted TCP transport and not yet handed to the kernel."""
        return len(transport.dataBuffer) - transport.offset + transport._tempDataLen

    def send_text(self, text):
        """Send `text` as daphne's handle_reply would; False: send it through ASGI."""
        if DaphneWire.path is None:
            DaphneWire.path = direct_path(self.server, self.protocol)
            direct, why = DaphneWire.path
            logger.warning("live frames: %s", why if direct else f"through ASGI ({why})")
        if not DaphneWire.path[0]:
            return self.bounded(text)
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
            self.log_drop(waiting)
            protocol.dropConnection(abort=True)
        elif waiting or not self.direct(protocol, transport, prepared):
            protocol.sendPreparedMessage(prepared)
        return True

    def bounded(self, text):
        """The ASGI path: False (send `text` through ASGI) unless the browser stopped reading."""
        bound = self.bound
        if bound is None:
            transport = self.protocol.transport  # Twisted's public IConsumer, from here on
            bound = self.bound = SlowReader(getattr(transport, "producer", None))
            if bound.previous is not None:
                transport.unregisterProducer()  # a transport takes one producer: ours tells it
            transport.registerProducer(bound, True)
        if bound.dropped:
            return True
        if bound.held is not None:
            bound.held += len(text.encode("utf8"))
            if bound.held > settings.LIVE_SEND_BUFFER_LIMIT:
                bound.dropped = True
                self.log_drop(bound.held)
                self.protocol.transport.abortConnection()  # Twisted's public ITCPTransport
                return True
        return False

    @staticmethod
    def log_drop(waiting):
        # A browser that stopped reading is dropped rather than its frames held without bound.
        # It gets the current state when it reconnects.
        logger.warning("dropped a spectator that stopped reading (%d bytes waiting)", waiting)

    @staticmethod
    def direct(protocol, transport, prepared):
        """Hand the frame to the kernel at once, as asyncio's transports do; False: not possible
        here. Twisted's own `write` always buffers and asks the event loop to watch the socket
        for writing, then stops watching once sent: two changes of the loop's selector (each an
        epoll_ctl and Python bookkeeping) per browser and frame, half of the fan-out's time."""
        if protocol._perMessageCompress is not None or protocol.send_queue or transport.TLS:
            return False  # daphne does not compress; autobahn's queue and TLS go first
        payload = prepared.payloadHybi
        written = transport.writeSomeData(payload)
        if not isinstance(written, int):  # the connection is lost: Twisted's write finds out
            written = 0
        if written < len(payload):
            transport.write(payload[written:])  # the rest when the socket can take it
        return True

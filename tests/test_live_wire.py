"""Live frames under daphne: the direct writes engage only where daphne, autobahn and Twisted
have all they need, else frames go through ASGI; on both paths a browser that stops reading is
dropped once more than LIVE_SEND_BUFFER_LIMIT bytes wait for it. A real daphne server and
protocol on Twisted's buffering transport, whose socket takes only what the test lets it (no
reactor runs)."""

import ast
import asyncio
import functools
import gc
import logging
import weakref
from pathlib import Path

import autobahn.twisted.websocket
import autobahn.websocket.protocol
import daphne.ws_protocol
import pytest
from daphne.server import Server
from daphne.ws_protocol import WebSocketFactory
from twisted.internet.abstract import FileDescriptor
from twisted.internet.error import ConnectionDone
from twisted.internet.testing import MemoryReactor
from twisted.python.failure import Failure
from twisted.web.http import HTTPChannel

from championships.live.wire import HANDSHAKE_LEFTOVERS, DaphneWire


class Socket(FileDescriptor):
    """Twisted's buffering transport over a kernel socket that takes `room` bytes more."""

    TLS = False

    def __init__(self, room):
        super().__init__(MemoryReactor())
        self.connected = 1
        self.room = room
        self.sent = b""
        self.aborted = False

    def writeSomeData(self, data):
        taken = min(self.room, len(data))
        self.sent += bytes(data[:taken])
        self.room -= taken
        return taken

    def abortConnection(self):
        self.aborted = True

    def getPeer(self):
        return None

    def getHost(self):
        return None


@pytest.fixture(autouse=True)
def first_frame(monkeypatch):
    """Each test is a fresh process: its first frame chooses the path."""
    monkeypatch.setattr(DaphneWire, "path", None)
    monkeypatch.setattr(DaphneWire, "_last", (None, None, None, None))
    monkeypatch.setattr(DaphneWire, "handshake", None)


def open_connection(room=10**9, handshake=None):
    """A daphne connection past its handshake, and the ASGI `send` daphne gives its consumer,
    with its wire (as the consumer's, one per connection). `handshake`: the producer the upgraded
    HTTP request leaves on the transport (daphne's, an `HTTPChannel`), None: none."""
    server = Server(application=None, endpoints=["tcp:port=0"])
    server.connections = {}
    socket = Socket(room)
    if handshake is not None:
        socket.registerProducer(handshake, True)  # as the HTTP channel's connectionMade
    protocol = WebSocketFactory(server, server="Daphne").buildProtocol(None)
    socket.protocol = protocol  # as daphne hands the transport over to the WebSocket
    protocol.makeConnection(socket)
    protocol.state = protocol.STATE_OPEN  # as autobahn's handshake leaves it
    protocol.client_addr = None  # as daphne's onConnect
    server.connections[protocol] = {}  # as daphne's protocol_connected
    send = functools.partial(server.handle_reply, protocol)
    send.wire = DaphneWire.of(send)
    return protocol, send


HANDSHAKE = (
    b"GET /ws/x/ HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
    b"Origin: http://127.0.0.1\r\n\r\n"
)


@pytest.fixture
def loop():
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)  # daphne starts the application on the current loop
    yield loop
    asyncio.set_event_loop(None)
    loop.close()


def handshaken_connection(loop):
    """A daphne connection through its whole handshake, as the consumer has it once it has
    accepted: daphne's HTTP side left its channel on the transport, autobahn read the request,
    daphne made the application, the application accepted."""
    server = Server(application=lambda **_: loop.create_future(), endpoints=["tcp:port=0"])
    server.connections = {}
    socket = Socket(10**9)
    socket.registerProducer(http_channel(), True)  # as the HTTP channel's connectionMade
    protocol = WebSocketFactory(server, server="Daphne").buildProtocol(None)
    socket.protocol = protocol  # as daphne hands the transport over to the WebSocket
    protocol._raw_query_string = b""  # as daphne's HTTP side passes it on
    protocol.makeConnection(socket)
    protocol.dataReceived(HANDSHAKE)
    protocol.handle_reply({"type": "websocket.accept"})  # the consumer's accept, through daphne
    socket.doWrite()  # as the reactor, once the socket can take the answer
    assert protocol.state == protocol.STATE_OPEN and socket.sent.startswith(b"HTTP/1.1 101 ")
    send = functools.partial(server.handle_reply, protocol)
    send.wire = DaphneWire.of(send)
    return protocol, send


def send_frame(send, text):
    """As the consumer: through the wire, else through ASGI."""
    if not send.wire.send_text(text):
        asyncio.run(send({"type": "websocket.send", "text": text}))


def missing(monkeypatch, obj, name):
    """Take away one of daphne's, autobahn's or Twisted's attributes, as a new version might."""
    for owner in (obj, *type(obj).__mro__):
        if name in vars(owner):
            monkeypatch.delattr(owner, name)
            return


def path_warnings(caplog, said="live frames:"):
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith(said)]


def http_channel():
    """The Twisted channel of an HTTP request, as daphne's HTTP side makes one per connection."""
    channel = HTTPChannel()
    channel.timeOut = None  # no idle timeout scheduled on the reactor
    return channel


class Producer:
    """A producer the transport holds that is not daphne's HTTP channel: it hears what Twisted says."""

    def __init__(self):
        self.heard = []

    def pauseProducing(self):
        self.heard.append("pause")

    def resumeProducing(self):
        self.heard.append("resume")

    def stopProducing(self):
        self.heard.append("stop")


def test_the_direct_writes_engage_when_all_is_there_and_say_so_once(caplog):
    protocol, send = open_connection()
    other, other_send = open_connection()
    with caplog.at_level(logging.WARNING, "championships.live.wire"):
        send_frame(send, "<p>1</p>")
        send_frame(other_send, "<p>1</p>")
        send_frame(send, "<p>2</p>")
    # Straight to the socket: nothing left in Twisted's buffer, no writer for the event loop.
    assert protocol.transport.sent == b"\x81\x08<p>1</p>\x81\x08<p>2</p>"
    assert other.transport.sent == b"\x81\x08<p>1</p>"
    assert protocol.transport.dataBuffer == b"" and protocol.transport._tempDataLen == 0
    assert protocol.transport.reactor.getWriters() == []
    assert path_warnings(caplog) == ["live frames: daphne direct writes"]


@pytest.mark.parametrize(
    "owner, name",
    [
        ("transport", "offset"),
        ("transport", "_tempDataLen"),
        ("transport", "TLS"),
        ("protocol", "send_queue"),
        ("protocol", "_perMessageCompress"),
    ],
)
def test_a_missing_attribute_sends_through_asgi_and_says_which(monkeypatch, caplog, owner, name):
    protocol, send = open_connection()
    missing(monkeypatch, protocol.transport if owner == "transport" else protocol, name)
    with caplog.at_level(logging.WARNING, "championships.live.wire"):
        assert send.wire.send_text("<p>1</p>") is False
        assert send.wire.send_text("<p>2</p>") is False
    assert path_warnings(caplog) == [f"live frames: through ASGI (daphne's {owner} {name} missing)"]


def test_a_missing_server_attribute_sends_through_asgi(monkeypatch, caplog):
    _, send = open_connection()
    missing(monkeypatch, send.func.__self__, "connections")
    with caplog.at_level(logging.WARNING, "championships.live.wire"):
        assert send.wire.send_text("<p>1</p>") is False
    assert path_warnings(caplog) == ["live frames: through ASGI (daphne's server connections missing)"]


FRAME = "x" * 20_000


def test_a_slow_reader_is_dropped_on_the_direct_path(settings):
    settings.LIVE_SEND_BUFFER_LIMIT = 50_000
    protocol, send = open_connection(room=0)  # a browser that reads nothing
    for _ in range(3):
        send_frame(send, FRAME)
    assert not protocol.transport.aborted  # 60 KB waiting: more than the limit, not yet dropped
    send_frame(send, FRAME)
    assert protocol.transport.aborted
    assert len(protocol.transport.dataBuffer) + protocol.transport._tempDataLen == 3 * 20_004


def test_a_slow_reader_is_dropped_on_the_asgi_path(monkeypatch, settings, caplog):
    settings.LIVE_SEND_BUFFER_LIMIT = 50_000
    protocol, send = open_connection(room=0)
    missing(monkeypatch, protocol.transport, "offset")  # the direct writes cannot know the buffer
    # Twisted pauses the connection's producer past its 64 KB buffer; from then on 50 KB more.
    for _ in range(6):
        send_frame(send, FRAME)
    assert not protocol.transport.aborted
    send_frame(send, FRAME)
    assert protocol.transport.aborted
    assert path_warnings(caplog) == ["live frames: through ASGI (daphne's transport offset missing)"]
    assert len(protocol.transport.dataBuffer) + protocol.transport._tempDataLen == 6 * 20_004
    send_frame(send, FRAME)  # dropped: nothing more is held for it
    assert len(protocol.transport.dataBuffer) + protocol.transport._tempDataLen == 6 * 20_004


def test_an_open_connection_lets_go_of_its_handshake_and_says_so_once(loop, caplog):
    connections = [handshaken_connection(loop) for _ in range(2)]
    channels = [weakref.ref(protocol.transport.producer) for protocol, _ in connections]
    with caplog.at_level(logging.WARNING, "championships.live.wire"):
        for protocol, send in connections:
            send.wire.let_go_of_handshake()
            assert protocol.transport.producer is None
            assert set(HANDSHAKE_LEFTOVERS) & set(vars(protocol)) == set()
    gc.collect()
    assert [ref() for ref in channels] == [None, None]  # nothing else held them: their memory is free
    assert path_warnings(caplog, "live connections:") == [
        "live connections: the handshake's HTTP channel let go; 30 handshake attributes let go"
    ]
    # The connection goes on as before: a frame, the server's close, the browser gone.
    protocol, send = connections[0]
    send_frame(send, "<p>1</p>")
    assert protocol.transport.sent.endswith(b"\x81\x08<p>1</p>")
    protocol.handle_reply({"type": "websocket.close", "code": 4404})
    protocol.transport.doWrite()
    assert protocol.transport.sent.endswith(b"\x88\x02\x11\x34")  # close, 4404
    protocol.connectionLost(Failure(ConnectionDone()))
    assert "disconnected" in send.func.__self__.connections[protocol]
    queue = protocol.application_queue
    assert [queue.get_nowait() for _ in range(queue.qsize())] == [
        {"type": "websocket.connect"},
        {"type": "websocket.disconnect", "code": 1006},
    ]


def test_a_protocol_without_one_of_the_handshake_attributes_keeps_them_all(loop, caplog):
    protocol, send = handshaken_connection(loop)
    del protocol._wskey  # as another autobahn might not have it
    with caplog.at_level(logging.WARNING, "championships.live.wire"):
        send.wire.let_go_of_handshake()
    assert set(HANDSHAKE_LEFTOVERS) - {"_wskey"} <= set(vars(protocol))
    assert path_warnings(caplog, "live connections:") == [
        "live connections: the handshake's HTTP channel let go; "
        "the handshake attributes kept (daphne's protocol _wskey missing)"
    ]


def test_a_producer_that_is_not_the_handshake_is_kept_and_said(caplog):
    producer = Producer()
    protocol, send = open_connection(handshake=producer)
    with caplog.at_level(logging.WARNING, "championships.live.wire"):
        send.wire.let_go_of_handshake()
    assert protocol.transport.producer is producer
    assert path_warnings(caplog, "live connections:") == [
        "live connections: the HTTP channel kept (the transport's producer is not the handshake's HTTP "
        "channel); the handshake attributes kept (daphne's protocol http_request_data missing)"
    ]


def test_a_transport_handed_to_another_protocol_keeps_its_handshake(caplog):
    channel = http_channel()
    protocol, send = open_connection(handshake=channel)
    protocol.transport.protocol = channel
    with caplog.at_level(logging.WARNING, "championships.live.wire"):
        send.wire.let_go_of_handshake()
    assert protocol.transport.producer is channel
    assert path_warnings(caplog, "live connections:") == [
        "live connections: the HTTP channel kept (the transport is not the WebSocket's); "
        "the handshake attributes kept (daphne's protocol http_request_data missing)"
    ]


def test_a_slow_reader_is_dropped_on_the_asgi_path_with_the_handshake_kept(monkeypatch, settings):
    """The transport still has a producer (the handshake kept): the bound takes its place and
    tells it what Twisted says."""
    settings.LIVE_SEND_BUFFER_LIMIT = 50_000
    producer = Producer()
    protocol, send = open_connection(room=0, handshake=producer)
    missing(monkeypatch, protocol.transport, "offset")
    for _ in range(6):
        send_frame(send, FRAME)
    assert not protocol.transport.aborted
    send_frame(send, FRAME)
    assert protocol.transport.aborted
    assert len(protocol.transport.dataBuffer) + protocol.transport._tempDataLen == 6 * 20_004
    assert producer.heard[0] == "pause"


def test_only_the_handshake_reads_the_attributes_let_go():
    """Read in the installed daphne and autobahn: a version that reads one of them once the
    connection is open (anywhere but the server's handshake, or a client's or factory's code)
    fails here, not in a browser's connection."""
    handshake = {"processHandshake", "succeedHandshake", "_connectionMade", "onConnect"}
    readers = set()
    for module in (autobahn.websocket.protocol, autobahn.twisted.websocket, daphne.ws_protocol):
        tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
        for cls in (node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)):
            if "Client" in cls.name or "Factory" in cls.name:
                continue
            for function in cls.body:
                if not isinstance(function, ast.FunctionDef) or function.name in handshake:
                    continue
                for node in ast.walk(function):
                    if (
                        isinstance(node, ast.Attribute)
                        and isinstance(node.value, ast.Name)
                        and node.value.id == "self"
                        and node.attr in HANDSHAKE_LEFTOVERS
                        and not isinstance(node.ctx, ast.Store)
                    ):
                        readers.add(f"{cls.name}.{function.name} reads {node.attr}")
    assert readers == set()

"""Load generator: many WebSocket spectators in one asyncio process, driven over stdin/stdout.

A minimal client on raw asyncio transports (handshake, unmasked server frames, pong, nothing
else), so that the time spent in the clients is small next to the servers measured. Each command
is one JSON line on stdin, each answer one JSON line on stdout:

    {"cmd": "connect", "urls": [...], "n": 1000, "origin": "http://127.0.0.1", "timeout": 60, "tag": "bare"}
    {"cmd": "arm", "tag": "bare"}       the tag's next frame with a higher data-revision counts
    {"cmd": "wait", "timeout": 10, "tag": "bare"}  first and last arrival (time.monotonic) since "arm"
    {"cmd": "close"}                    drop every connection (of one tag with "tag")

Spectators are grouped by tag (one tag per server under test), so that several servers can be
measured in turn, save after save, under the same conditions.
    {"cmd": "exit"}

For a soak (bench/soak.py), spectators that leave and come back while saves go on:

    {"cmd": "churn", "tag": "t", "n": 100, "within": 3, "away": [0.5, 3], "timeout": 30}
        n random spectators each leave at a random moment within `within` seconds (every other
        one with a close frame, as a page closed; the rest cut off, as a network lost) and
        reconnect `away` seconds later (hx-ws backs off from 0.5 s); answers at once
    {"cmd": "settle", "timeout": 60}    until every churn so far has reconnected (or failed)
    {"cmd": "status", "tag": "t"}       open spectators, their revisions, churn counts

Bounded: connections only to 127.0.0.1, at most MAX_CLIENTS, and the process exits on its own
after --deadline seconds or when stdin closes (the benchmark died).
"""

import argparse
import asyncio
import base64
import contextlib
import gc
import json
import os
import random
import re
import resource
import struct
import sys
import time
import urllib.parse
from collections import Counter

MAX_CLIENTS = 10_000
REVISION = re.compile(rb'data-revision="(\d+)"')


# Every spectator reads into this one buffer: callbacks run one at a time, and each one
# consumes what was read before returning, so nothing is copied but a frame's last bytes.
_SHARED = bytearray(256 * 1024)
_VIEW = memoryview(_SHARED)
TAIL = 512  # the data-revision attribute sits in the frame's last fragment, within these bytes


class Spectator(asyncio.BufferedProtocol):
    """One browser: handshake, then a streaming frame parser that keeps only each message's tail."""

    def __init__(self, pool, host, port, path, origin):
        self.pool = pool  # the Group (one server under test) this spectator belongs to
        self.address = (host, port, path)  # where to reconnect (churn)
        self.request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}\r\n"
            f"Sec-WebSocket-Version: 13\r\nOrigin: {origin}\r\n\r\n"
        ).encode()
        self.transport = None
        self.handshake = bytearray()  # until the 101 response is complete; then None
        self.head = bytearray()  # the frame header being read
        self.remaining = None  # payload bytes still to come of the current frame (None: in a header)
        self.opcode = 0
        self.fin = True
        self.tail = b""  # last TAIL bytes of the current data message
        self.control = b""  # payload of the current control frame
        self.size = 0  # bytes of the current data message
        self.first_frame = asyncio.get_running_loop().create_future()
        self.revision = -1
        self.arrived = None  # time of the first frame newer than pool.armed_revision
        self.armed = False  # counted by the pool's current "arm" (not one that connected since)
        self.leaving = False  # picked by a churn
        self.closed = False
        self.frame_bytes = 0

    def connection_made(self, transport):
        self.transport = transport
        transport.write(self.request)

    def connection_lost(self, exc):
        self.closed = True
        if not self.first_frame.done():
            self.first_frame.set_exception(ConnectionError(f"closed before the first frame ({exc})"))
        self.pool.lost(self)

    def get_buffer(self, sizehint):
        return _SHARED

    def buffer_updated(self, nbytes):
        now = time.monotonic()
        data = _VIEW[:nbytes]
        if self.handshake is not None:
            self.handshake += data
            end = self.handshake.find(b"\r\n\r\n")
            if end < 0:
                return
            status = bytes(self.handshake[: self.handshake.find(b"\r\n")])
            if b" 101 " not in status:
                if not self.first_frame.done():
                    self.first_frame.set_exception(ConnectionError(status.decode(errors="replace")))
                self.transport.abort()
                return
            data = memoryview(bytes(self.handshake[end + 4 :]))
            self.handshake = None
        self.feed(data, now)

    def feed(self, data, now):
        pos, n = 0, len(data)
        while pos < n or (self.remaining == 0):
            if self.remaining is None:  # header
                need = 2
                if len(self.head) >= 2:
                    short = self.head[1] & 0x7F
                    need = 4 if short == 126 else 10 if short == 127 else 2
                if len(self.head) < need:
                    take = min(need - len(self.head), n - pos)
                    self.head += data[pos : pos + take]
                    pos += take
                    continue
                short = self.head[1] & 0x7F
                length = (
                    struct.unpack_from("!H", self.head, 2)[0]
                    if short == 126
                    else struct.unpack_from("!Q", self.head, 2)[0]
                    if short == 127
                    else short
                )
                self.opcode, self.fin = self.head[0] & 0x0F, bool(self.head[0] & 0x80)
                self.head = bytearray()
                self.remaining = length
                if self.opcode >= 0x8:
                    self.control = b""
                elif self.opcode != 0x0:  # a new data message
                    self.tail, self.size = b"", 0
            elif self.remaining > 0:  # payload
                take = min(self.remaining, n - pos)
                chunk = data[pos : pos + take]
                if self.opcode >= 0x8:
                    self.control += chunk
                else:
                    self.size += take
                    self.tail = bytes(chunk[-TAIL:]) if take >= TAIL else (self.tail + chunk)[-TAIL:]
                self.remaining -= take
                pos += take
            else:  # a frame is complete
                self.remaining = None
                if self.opcode == 0x9:  # ping: answer with a masked pong
                    self.send(0xA, self.control)
                elif self.opcode == 0x8:
                    self.transport.close()
                    return
                elif self.opcode < 0x8 and self.fin:
                    self.message(self.tail, self.size, now)

    def message(self, tail, size, now):
        match = REVISION.search(tail)
        revision = int(match.group(1)) if match else -1
        self.revision = max(self.revision, revision)
        self.frame_bytes = size
        if not self.first_frame.done():
            self.first_frame.set_result(revision)
        elif self.armed and self.arrived is None and revision > self.pool.armed_revision:
            self.arrived = now
            self.pool.arrival()

    def leave(self, clean):
        """Go away: a close frame (an answer is waited for at most 5 s), else cut the connection."""
        if clean and self.transport is not None and not self.transport.is_closing():
            self.send(0x8, struct.pack("!H", 1001))  # 1001: going away
            asyncio.get_running_loop().call_later(5, self.transport.abort)
        elif self.transport is not None:
            self.transport.abort()

    def send(self, opcode, payload):
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.transport.write(bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + masked)


class Group:
    """The spectators of one server under test (a tag), armed and waited for together."""

    def __init__(self):
        self.spectators = []
        self.armed_revision = 1 << 62
        self.pending = 0
        self.all_arrived = asyncio.Event()
        self.churning = set()  # churn tasks not done yet
        self.churned = {"dropped": 0, "reconnected": 0, "failed": 0}
        self.churn_errors = Counter()
        self.reconnect_seconds = []  # from a reconnect's start to its first frame

    def lost(self, spectator):
        if (
            spectator.armed
            and spectator.arrived is None
            and self.pending > 0
            and spectator.first_frame.done()
        ):
            self.arrival()  # nothing more will come on it: do not wait for it

    def arrival(self):
        self.pending -= 1
        if self.pending <= 0:
            self.all_arrived.set()

    def live(self):
        return [
            s
            for s in self.spectators
            if not s.closed
            and s.first_frame.done()
            and not s.first_frame.cancelled()
            and not s.first_frame.exception()
        ]


class Pool:
    def __init__(self):
        self.groups = {}

    def group(self, tag):
        return self.groups.setdefault(tag, Group())

    def count(self):
        return sum(len(g.spectators) for g in self.groups.values())

    @staticmethod
    async def open(group, host, port, path, origin, deadline):
        """One more spectator of `group`, once it holds its first frame (the current state)."""
        loop = asyncio.get_running_loop()
        _, spectator = await asyncio.wait_for(
            loop.create_connection(lambda: Spectator(group, host, port, path, origin), host, port),
            max(0.01, deadline - time.monotonic()),
        )
        group.spectators.append(spectator)
        await asyncio.wait_for(spectator.first_frame, max(0.01, deadline - time.monotonic()))
        return spectator

    async def connect(self, urls, n, origin, timeout, tag="default", concurrency=64):
        group = self.group(tag)
        n = max(0, min(n, MAX_CLIENTS - self.count()))
        started = time.monotonic()
        deadline = started + timeout
        gate = asyncio.Semaphore(concurrency)
        failures = []

        async def one(i):
            url = urllib.parse.urlsplit(urls[i % len(urls)])
            if url.hostname != "127.0.0.1":
                raise ValueError("the load generator only connects to 127.0.0.1")
            async with gate:
                if deadline - time.monotonic() <= 0:
                    failures.append("timeout")
                    return
                try:
                    path = f"{url.path}?{url.query}" if url.query else url.path
                    await self.open(group, url.hostname, url.port, path, origin, deadline)
                except Exception as error:
                    failures.append(repr(error)[:200])

        await asyncio.gather(*(one(i) for i in range(n)))
        live = group.live()
        return {
            "connected": len(live),
            "failed": len(failures),
            "errors": sorted(set(failures))[:3],
            "seconds": round(time.monotonic() - started, 3),
            "frame_bytes": max((s.frame_bytes for s in live), default=0),
            "revision": max((s.revision for s in live), default=-1),
        }

    def arm(self, tag="default"):
        group = self.group(tag)
        live = group.live()
        group.armed_revision = max((s.revision for s in live), default=-1)
        for s in group.spectators:
            s.armed = False
        for s in live:
            s.arrived, s.armed = None, True
        group.pending = len(live)
        group.all_arrived = asyncio.Event()
        if not live:
            group.all_arrived.set()
        return {"armed": len(live), "revision": group.armed_revision}

    async def wait(self, timeout, tag="default"):
        group = self.group(tag)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(group.all_arrived.wait(), timeout)
        times = sorted(s.arrived for s in group.spectators if s.arrived is not None)
        return {
            "received": len(times),
            "missed": sum(1 for s in group.spectators if s.armed and s.arrived is None and not s.closed),
            "first": times[0] if times else None,
            "median": times[len(times) // 2] if times else None,
            "last": times[-1] if times else None,
            "frame_bytes": max((s.frame_bytes for s in group.spectators), default=0),
        }

    def churn(self, n, within, away, origin, timeout, tag="default"):
        """n random open spectators leave within `within` seconds and come back `away` later."""
        group = self.group(tag)
        group.spectators = [s for s in group.spectators if not s.closed]  # churn would pile them up
        staying = [s for s in group.live() if not s.leaving]
        picked = random.sample(staying, min(n, len(staying)))

        async def one(spectator, clean):
            await asyncio.sleep(random.uniform(0, within))
            spectator.leave(clean)
            group.churned["dropped"] += 1
            await asyncio.sleep(random.uniform(*away))
            started = time.monotonic()
            try:
                await self.open(group, *spectator.address, origin, started + timeout)
            except Exception as error:
                group.churned["failed"] += 1
                group.churn_errors[repr(error)[:200]] += 1
            else:
                group.churned["reconnected"] += 1
                group.reconnect_seconds.append(time.monotonic() - started)

        for i, spectator in enumerate(picked):
            spectator.leaving = True
            task = asyncio.ensure_future(one(spectator, clean=i % 2 == 0))
            group.churning.add(task)
            task.add_done_callback(group.churning.discard)
        return {"churning": len(picked)}

    async def settle(self, timeout):
        tasks = [t for g in self.groups.values() for t in g.churning]
        if tasks:
            await asyncio.wait(tasks, timeout=timeout)
        return {"churning": sum(len(g.churning) for g in self.groups.values())}

    def status(self, tag="default"):
        group = self.group(tag)
        live = group.live()
        seconds = sorted(group.reconnect_seconds)
        return {
            "open": len(live),
            "revisions": {str(r): c for r, c in Counter(s.revision for s in live).items()},
            **group.churned,
            "churning": len(group.churning),
            "errors": [f"{error} (x{count})" for error, count in group.churn_errors.most_common(3)],
            "reconnect_median": seconds[len(seconds) // 2] if seconds else None,
            "reconnect_max": seconds[-1] if seconds else None,
        }

    async def close(self, tag=None):
        for name, group in list(self.groups.items()):
            if tag is not None and name != tag:
                continue
            for task in group.churning:
                task.cancel()
            for s in group.spectators:
                if s.transport is not None:
                    s.transport.abort()
            del self.groups[name]
        await asyncio.sleep(0.05)
        return {"closed": True}


async def main(deadline):
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    loop = asyncio.get_running_loop()
    pool = Pool()
    ends = time.monotonic() + deadline

    def reply(obj):
        sys.stdout.write(json.dumps(obj) + "\n")
        sys.stdout.flush()

    reply({"ready": True, "pid": os.getpid()})
    while True:
        left = ends - time.monotonic()
        if left <= 0:
            break
        try:
            line = await asyncio.wait_for(loop.run_in_executor(None, sys.stdin.readline), left)
        except TimeoutError:
            break
        if not line:
            break  # the benchmark is gone
        command = json.loads(line)
        cmd = command.pop("cmd")
        if cmd == "connect":
            answer = await pool.connect(**command)
            gc.collect()
            gc.freeze()  # the long-lived spectators: no collector pauses over them while measuring
            reply(answer)
        elif cmd == "arm":
            reply(pool.arm(**command))
        elif cmd == "wait":
            reply(await pool.wait(**command))
        elif cmd == "close":
            reply(await pool.close(**command))
        elif cmd == "churn":
            reply(pool.churn(**command))
        elif cmd == "settle":
            reply(await pool.settle(**command))
        elif cmd == "status":
            reply(pool.status(**command))
        elif cmd == "exit":
            break
        else:
            reply({"error": f"unknown command {cmd!r}"})
    await pool.close()
    os._exit(0)  # the stdin reader thread may still be blocked in readline


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--deadline", type=float, default=600, help="exit after this many seconds whatever happens"
    )
    asyncio.run(main(parser.parse_args().deadline))

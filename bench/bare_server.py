"""The yardstick: a bare `websockets` server broadcasting one prepared frame to every client.

Sends the frame on connect (as the Channels consumer sends the current state), ignores what
clients send, and on "go" (a line on stdin) bumps the frame's data-revision and broadcasts it
with `websockets.broadcast`, answering {"t0": <time.monotonic() before the broadcast>}.
"size N" makes the broadcast frame N characters long (the size the server under test pushes).
Exits when stdin closes or after --deadline seconds.
"""

import argparse
import asyncio
import json
import os
import re
import resource
import sys
import time

from websockets.asyncio.server import broadcast, serve

REVISION = re.compile(r'data-revision="(\d+)"')


async def main(port, frame_file, deadline):
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    with open(frame_file, encoding="utf-8") as f:
        frame = f.read()
    state = {"frame": frame, "revision": int((REVISION.search(frame) or [0, 0])[1])}
    updated = frame.rfind("<span")  # the last fragment, holding data-revision: kept whole

    def resize(size):
        """The state frame cut or padded to `size` characters, its last fragment kept."""
        body, tail = frame[:updated], frame[updated:]
        if size >= len(frame):
            return body + " " * (size - len(frame)) + tail
        return body[: max(0, size - len(tail))] + tail

    clients = set()

    async def handler(connection):
        clients.add(connection)
        try:
            await connection.send(state["frame"])
            async for _ in connection:
                pass  # spectators have nothing to say
        finally:
            clients.discard(connection)

    def reply(obj):
        sys.stdout.write(json.dumps(obj) + "\n")
        sys.stdout.flush()

    loop = asyncio.get_running_loop()
    async with serve(handler, "127.0.0.1", port, ping_interval=None, compression=None, max_size=2**16):
        reply({"ready": True, "pid": os.getpid()})
        ends = time.monotonic() + deadline
        while (left := ends - time.monotonic()) > 0:
            try:
                line = await asyncio.wait_for(loop.run_in_executor(None, sys.stdin.readline), left)
            except TimeoutError:
                break
            if not line or line.strip() == "exit":
                break
            if line.strip() == "go":
                state["revision"] += 1
                state["frame"] = REVISION.sub(f'data-revision="{state["revision"]}"', state["frame"])
                t0 = time.monotonic()
                broadcast(clients, state["frame"])
                reply({"t0": t0, "t_sent": time.monotonic(), "clients": len(clients)})
            elif line.startswith("size "):
                state["frame"] = resize(int(line.split()[1]))
                reply({"size": len(state["frame"])})
            elif line.strip() == "count":
                reply({"clients": len(clients)})
    os._exit(0)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--frame", required=True, help="file holding the frame to broadcast")
    parser.add_argument("--deadline", type=float, default=600)
    args = parser.parse_args()
    asyncio.run(main(args.port, args.frame, args.deadline))

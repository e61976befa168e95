"""The pair on the ice: from a timing feed POST to the last of N spectators, and the frame sizes.

    .venv/bin/python bench/race.py [--sizes 1000 3000] [--deadline 600]

One daphne (the in-process channel layer) serves the demo championship before the final 1000 m,
in a temporary directory with its own SQLite database; N spectators (clients.py, counting any
frame after "arm": a passing's frame carries no revision) follow it. Pair 1 of the recording
(data/wk-sprint-2024-women-1000m-2.jsonl) is posted event by event to the feed; for each, the
time from just before the POST to the first and the last spectator holding its frame (one
monotonic clock for all processes), and the frame's bytes. A passing pushes the race panel
alone; a finish what a saved result pushes. Every child dies with the benchmark.
"""

import argparse
import ctypes
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BASE = Path(__file__).resolve().parents[1]
PY = sys.executable
SLUG = "wk-sprint-2024-women"
RECORDING = BASE / "data" / "wk-sprint-2024-women-1000m-2.jsonl"
PAIR = [
    "wk24-d4-p1-start",
    "wk24-d4-p1-outer-200",
    "wk24-d4-p1-inner-200",
    "wk24-d4-p1-outer-600",
    "wk24-d4-p1-inner-600",
    "wk24-d4-p1-outer-finish-optical",
    "wk24-d4-p1-inner-finish-optical",
    "wk24-d4-p1-outer-finish-photo",
    "wk24-d4-p1-inner-finish-photo",
]


def _die_with_parent():
    ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def start(argv, env, log, pipes=False):
    return subprocess.Popen(
        argv,
        cwd=BASE,
        env={**os.environ, **env},
        stdin=subprocess.PIPE if pipes else subprocess.DEVNULL,
        stdout=subprocess.PIPE if pipes else log,
        stderr=log,
        preexec_fn=_die_with_parent,
    )


class Clients:
    def __init__(self, env, log, deadline):
        self.proc = start([PY, __file__, "--clients", "--deadline", str(deadline)], env, log, pipes=True)
        self.read()

    def ask(self, command):
        self.proc.stdin.write(json.dumps(command).encode() + b"\n")
        self.proc.stdin.flush()
        return self.read()

    def read(self):
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the load generator exited: see its log")
        return json.loads(line)


def prepare():
    """The demo before the final 1000 m (replacing any earlier load) and a feed token."""
    from championships.championship_file import load
    from championships.timing.models import TimingToken

    with open(BASE / "data" / f"{SLUG}.json", encoding="utf-8") as f:
        championship = load(json.load(f), replace=True, results_until=3)
    return TimingToken.issue(championship, "bench")[1]


def post(port, secret, event):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/timing/{SLUG}/events",
        data=json.dumps({"events": [event]}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {secret}"},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        answer.read()


def measure(args):
    workdir = tempfile.mkdtemp(prefix="sprintboard-race-")
    env = {
        "DATABASE_URL": f"sqlite:///{workdir}/bench.sqlite3",
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "PYTHONPATH": str(BASE),
    }
    os.environ.update(env)
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(BASE))
    import django

    django.setup()
    from django.core.management import call_command

    from tests.support.servers import free_port, wait_for_port

    call_command("migrate", verbosity=0, interactive=False)
    events = {e["id"]: e for e in map(json.loads, RECORDING.read_text().splitlines())}
    for event in events.values():
        event.pop("at", None)
    port = free_port()
    with open(Path(workdir) / "servers.log", "ab") as log:
        server = start(
            [PY, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "sprintboard.asgi:application"], env, log
        )
        clients = Clients(env, log, args.deadline)
    try:
        wait_for_port(port, server, "daphne", Path(workdir) / "servers.log")
        print(f"{'spectators':>10} {'event':<34} {'first ms':>9} {'last ms':>9} {'bytes':>7}")
        for n in args.sizes:
            secret = prepare()
            clients.ask({"cmd": "close"})
            connected = clients.ask(
                {
                    "cmd": "connect",
                    "urls": [f"ws://127.0.0.1:{port}/ws/{SLUG}/"],
                    "n": n,
                    "origin": "http://127.0.0.1",
                    "timeout": 120,
                }
            )
            if connected["connected"] != n:
                raise RuntimeError(
                    f"{connected['connected']} of {n} spectators connected: {connected['errors']}"
                )
            rows = {"start, passing": [], "finish": []}
            for event_id in PAIR:
                clients.ask({"cmd": "arm"})
                began = time.monotonic()
                post(port, secret, events[event_id])
                arrived = clients.ask({"cmd": "wait", "timeout": 30})
                if arrived["missed"]:
                    raise RuntimeError(f"{arrived['missed']} spectators missed {event_id}")
                first, last = (arrived["first"] - began) * 1000, (arrived["last"] - began) * 1000
                kind = "finish" if events[event_id]["type"] == "finish" else "start, passing"
                rows[kind].append((last, arrived["frame_bytes"]))
                print(f"{n:>10} {event_id:<34} {first:>9.1f} {last:>9.1f} {arrived['frame_bytes']:>7}")
            for kind, values in rows.items():
                lasts = [v[0] for v in values]
                print(
                    f"{n:>10} {kind + ' (median, max bytes)':<34} {'':>9} {statistics.median(lasts):>9.1f} "
                    f"{max(v[1] for v in values):>7}"
                )
    finally:
        for proc in (clients.proc, server):
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()


def run_clients(deadline):
    """clients.py, counting any frame after "arm" (a passing's frame carries no revision)."""
    import asyncio

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import clients

    def message(self, tail, size, now):
        self.frame_bytes = size
        if not self.first_frame.done():
            self.first_frame.set_result(0)
        elif self.armed and self.arrived is None:
            self.arrived = now
            self.pool.arrival()

    clients.Spectator.message = message
    asyncio.run(clients.main(deadline))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 3000])
    parser.add_argument("--deadline", type=float, default=600, help="the load generator exits after this")
    parser.add_argument("--clients", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.clients:
        run_clients(options.deadline)
    else:
        measure(options)

"""The setups under test (a bare websockets server; daphne with the in-process layer or Redis, one
or two processes) and the spectators that follow them (the load generator, clients.py)."""

import os
from dataclasses import dataclass, field
from pathlib import Path

from bench.official import SLUG
from bench.supervisor import BASE, PY, LineChild
from tests.support.servers import REDIS_SERVER, free_port, wait_for_port

ORIGIN = "http://127.0.0.1"
PROFILE_DIR = os.environ.get("BENCH_PROFILE_DIR")  # profile the daphne processes (cProfile) into here
WAIT_TIMEOUT = 20  # seconds for every spectator to get one save


class Spectators:
    """The load generator (clients.py): spectators grouped by tag, one tag per server under test."""

    def __init__(self, children, deadline):
        self.child = LineChild(
            children.start("clients", [PY, "bench/clients.py", "--deadline", str(deadline)], pipes=True)
        )

    def connect(self, tag, urls, n, timeout):
        return self.child.ask(
            {"cmd": "connect", "tag": tag, "urls": urls, "n": n, "origin": ORIGIN, "timeout": timeout},
            timeout + 30,
        )

    def arm(self, tag):
        return self.child.ask({"cmd": "arm", "tag": tag})["armed"]

    def wait(self, tag, timeout=WAIT_TIMEOUT):
        return self.child.ask({"cmd": "wait", "tag": tag, "timeout": timeout}, timeout + 30)

    def close(self, tag=None):
        self.child.ask({"cmd": "close", "tag": tag})


@dataclass
class Target:
    """One server setup under test: its spectators' tag, URLs, processes and how to make it push."""

    name: str
    tag: str
    urls: list
    pids: list
    trigger: object  # () -> {"t0": ..., "answered": ..., "pushed": ...}
    bare: bool = False
    redis: object = None  # a redis client, to count PUBLISH per save
    publishes: list = field(default_factory=list)

    def push(self):
        if self.redis is not None:
            self.redis.config_resetstat()
        t = self.trigger()
        if self.redis is not None:
            self.publishes.append(self.redis.info("commandstats").get("cmdstat_publish", {}).get("calls", 0))
        return t


def start_bare(children, workdir, frame):
    frame_file = Path(workdir) / "frame.html"
    frame_file.write_text(frame, encoding="utf-8")
    port = free_port()
    proc = children.start(
        f"bare-{port}",
        [PY, "bench/bare_server.py", "--port", str(port), "--frame", str(frame_file)],
        pipes=True,
    )
    server = LineChild(proc)

    def trigger():
        return {"t0": server.ask("go")["t0"]}

    target = Target(
        "bare websockets", "bare", [f"ws://127.0.0.1:{port}/ws/{SLUG}/"], [proc.pid], trigger, bare=True
    )
    target.server = server
    return target, [proc]


def start_channels(children, workdir, official, name, processes=1, redis=False, variant="app"):
    procs = []
    env = {
        "BENCH_MARKS": str(Path(workdir) / "marks.txt"),
        "BENCH_VARIANT": variant,
        "PYTHONPATH": str(BASE),
        "DJANGO_SETTINGS_MODULE": "bench.settings",
    }
    if os.environ.get("BENCH_PERF"):
        env["PYTHONPERFSUPPORT"] = "1"  # Python frames visible to `perf record`
    redis_client = None
    if redis:  # a Redis of its own: pub/sub ignores database numbers, setups must not hear each other
        import redis as redis_py

        redis_port = free_port()
        proc = children.start(
            f"redis-{redis_port}",
            [
                REDIS_SERVER,
                "--bind",
                "127.0.0.1",
                "--port",
                str(redis_port),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
        )
        wait_for_port(redis_port, proc, proc.bench_name, proc.bench_log)
        procs.append(proc)
        env["REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"
        redis_client = redis_py.Redis(host="127.0.0.1", port=redis_port)
    ports = [free_port() for _ in range(processes)]
    servers = []
    for port in ports:
        label = f"daphne-{port}"
        profile = ["-m", "cProfile", "-o", f"{PROFILE_DIR}/{label}.prof"] if PROFILE_DIR else []
        proc = children.start(
            label,
            [PY, *profile, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "bench.asgi:application"],
            env=env,
        )
        servers.append(proc)
    for port, proc in zip(ports, servers):
        wait_for_port(port, proc, proc.bench_name, proc.bench_log)

    def trigger():
        return official.save(ports[0])

    target = Target(
        name,
        name,
        # A standings page that holds no state yet (a reconnect after a lost connection): it gets
        # its own regions whole on connect, then what each save changes.
        [f"ws://127.0.0.1:{port}/ws/{SLUG}/?lang=en&show=race,classification" for port in ports],
        [p.pid for p in servers],
        trigger,
        redis=redis_client,
    )
    return target, procs + servers

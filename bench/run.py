"""Sprintboard's live-standings benchmark: `make bench` (about 2.5 minutes; BENCH_ARGS=--quick: 1).

    .venv/bin/python bench/run.py [--quick] [--parts fanout,redis,render] [--stock] [--repeats N]

1. Fan-out: N spectators on one championship feed; an official saves a pair through the admin
   (an HTTP POST to the server's pair entry, as `manage.py replay --server` does); the time from
   the save's commit until the first and the last spectator hold the new standings (median of
   repeated saves). In the same run, save after save in turn, the same number of spectators of a
   bare `websockets` server broadcasting a frame of the same size: "x bare" is the median of the
   per-save ratios of the last arrivals, the headline.
2. The same with REDIS_URL (channels-redis pub/sub): one daphne process, then two sharing the
   spectators.
3. Save-to-render: `live.render_fragments` for generated fields of 24, 100 and 500 skaters over
   4 distances, with its number of queries.
4. Memory: server RSS growth per connected idle spectator, at each N.

Everything runs on 127.0.0.1 in a temporary directory (its own SQLite database and Redis), every
child process is killed in `finally` (and by the kernel should this process die), every wait has
a timeout, and the whole run is bounded by --budget seconds. --stock adds the live feed as first
shipped (stock Channels; with and without the thread hop on Redis), to verify the known costs
(slow: seconds per save at 3000). bench/README.md says more.
"""

import argparse
import contextlib
import ctypes
import json
import os
import random
import resource
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from http.client import HTTPConnection
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
PY = sys.executable
SLUG = "wk-sprint-2024-women"
ORIGIN = "http://127.0.0.1"
PROFILE_DIR = os.environ.get("BENCH_PROFILE_DIR")  # profile the daphne processes (cProfile) into here
WAIT_TIMEOUT = 20  # seconds for every spectator to get one save


class BenchTimeout(Exception):
    pass


# --- child processes ----------------------------------------------------------------------------

_libc = ctypes.CDLL(None, use_errno=True)


def _die_with_parent():
    _libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: killed if the benchmark dies


class Children:
    """Every process the benchmark starts; all are killed in `stop_all`."""

    def __init__(self, workdir):
        self.workdir = Path(workdir)
        self.procs = []

    def start(self, name, argv, env=None, pipes=False):
        log = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115 (open while the process runs)
        proc = subprocess.Popen(
            argv,
            cwd=BASE,
            env={**os.environ, **(env or {})},
            stdin=subprocess.PIPE if pipes else subprocess.DEVNULL,
            stdout=subprocess.PIPE if pipes else log,
            stderr=log,
            preexec_fn=_die_with_parent,
        )
        log.close()
        proc.bench_name = name
        self.procs.append(proc)
        return proc

    def stop(self, proc):
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        if proc in self.procs:
            self.procs.remove(proc)

    def stop_all(self):
        for proc in list(self.procs):
            try:
                self.stop(proc)
            except Exception:
                proc.kill()

    def pids(self):
        return [p.pid for p in self.procs if p.poll() is None]


class LineChild:
    """A child answering one JSON line per line it is sent (clients.py, bare_server.py)."""

    def __init__(self, proc):
        self.proc = proc
        self.buffer = b""
        self.ready = self.read(30)

    def read(self, timeout):
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BenchTimeout(f"{self.proc.bench_name}: no answer within {timeout:.0f} s")
            ready, _, _ = select.select([self.proc.stdout], [], [], left)
            if ready:
                chunk = os.read(self.proc.stdout.fileno(), 65536)
                if not chunk:
                    raise RuntimeError(
                        f"{self.proc.bench_name} exited (code {self.proc.poll()}): see its log"
                    )
                self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return json.loads(line)

    def send(self, obj):
        data = obj if isinstance(obj, str) else json.dumps(obj)
        self.proc.stdin.write(data.encode() + b"\n")
        self.proc.stdin.flush()

    def ask(self, obj, timeout=30):
        self.send(obj)
        return self.read(timeout)


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


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, proc, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.bench_name} exited (code {proc.returncode}): see its log")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise BenchTimeout(f"{proc.bench_name} did not listen on {port} within {timeout} s")


def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class CpuMeter:
    """How busy the machine was with processes that are not this benchmark's (other jobs)."""

    TICK = os.sysconf("SC_CLK_TCK")

    def __init__(self, children):
        self.children = children
        self.t0, self.busy0, self.ours0 = time.monotonic(), self.busy(), self.ours()

    @staticmethod
    def busy():
        with open("/proc/stat") as f:
            values = [int(v) for v in f.readline().split()[1:]]
        return sum(values) - values[3] - values[4]  # all but idle and iowait

    def ours(self):
        total = 0
        for pid in [os.getpid(), *self.children.pids()]:
            try:
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime + stime
            except OSError:
                pass
        return total

    def foreign_share(self):
        """Share of all CPUs used by other processes since this meter started (0..1); call it
        before stopping this phase's children (their ticks are counted while they live)."""
        wall = time.monotonic() - self.t0
        foreign = (self.busy() - self.busy0) - (self.ours() - self.ours0)
        return max(0.0, foreign / (wall * self.TICK * os.cpu_count())) if wall > 0 else 0.0


# --- the database, the official ---------------------------------------------------------------


def setup_django(workdir):
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(workdir) / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.pop("REDIS_URL", None)  # this process never publishes: the servers do
    sys.path.insert(0, str(BASE))
    import django

    django.setup()
    import logging

    logging.getLogger("championships").setLevel(logging.WARNING)


def seed_demo():
    """The demo championship before the final 1000 m, an official and a session for them."""
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from championships.championship_file import load
    from championships.officials import ensure_official, session_key_for

    call_command("migrate", verbosity=0, interactive=False)
    with open(BASE / "data" / f"{SLUG}.json", encoding="utf-8") as f:
        championship = load(json.load(f), replace=True, results_until=3)
    username, _ = ensure_official()
    session_key = session_key_for(User.objects.get(username=username))
    csrf = "b" * 32  # an unmasked 32-character secret, sent as cookie and form field
    cookie = f"{settings.SESSION_COOKIE_NAME}={session_key}; {settings.CSRF_COOKIE_NAME}={csrf}"
    distance = championship.distances.get(order=4)
    return {"distance": distance.pk, "cookie": cookie, "csrf": csrf}


class Official:
    """Saves pair 1 of the final 1000 m through a server's admin, a different time each save."""

    def __init__(self, seed, marks):
        self.seed = seed
        self.marks = Path(marks)
        self.count = 0

    def save(self, port):
        from django.urls import reverse

        self.count += 1
        hundredths = 7357 + self.count % 90  # 1:13.57, 1:13.58, ...: every save changes the standings
        inner = f"1:{hundredths // 100 - 60}.{hundredths % 100:02d}"
        url = reverse("admin:championships_distance_pair", args=[self.seed["distance"], 1])
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": self.seed["csrf"], "inner": inner, "outer": "1:14.02"}
        )
        seen = self.marks.stat().st_size if self.marks.exists() else 0
        connection = HTTPConnection("127.0.0.1", port, timeout=30)
        started = time.monotonic()
        connection.request(
            "POST",
            url,
            body,
            {
                "Cookie": self.seed["cookie"],
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://127.0.0.1:{port}{url}",
            },
        )
        response = connection.getresponse()
        response.read()
        answered = time.monotonic()
        connection.close()
        if response.status != 302:
            raise RuntimeError(f"the pair entry refused the save: HTTP {response.status}")
        with open(self.marks, encoding="ascii") as f:
            f.seek(seen)
            events = [line.split() for line in f.read().splitlines()]
        commits = [float(t) for e, t in events if e == "commit"]
        pushed = [float(t) for e, t in events if e == "pushed"]
        sends = [float(t) for e, t in events if e.startswith("send:")]
        if not commits:
            raise RuntimeError("the server recorded no commit for the save (BENCH_MARKS)")
        if os.environ.get("BENCH_TRACE"):
            print(
                "    trace:",
                ", ".join(f"{e} +{1000 * (float(t) - commits[0]):.0f}" for e, t in events),
                f"answered +{1000 * (answered - commits[0]):.0f}",
            )
        return {
            "posted": started,
            "t0": commits[0],
            "pushed": pushed[0] if pushed else None,
            "rendered": sends[0] if sends else None,
            "answered": answered,
        }


# --- servers under test -------------------------------------------------------------------------


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
                "/usr/bin/redis-server",
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
        wait_for_port(redis_port, proc)
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
        wait_for_port(port, proc)

    def trigger():
        return official.save(ports[0])

    target = Target(
        name,
        name,
        [f"ws://127.0.0.1:{port}/ws/{SLUG}/" for port in ports],
        [p.pid for p in servers],
        trigger,
        redis=redis_client,
    )
    return target, procs + servers


def fmt(value, digits=1):
    if value is None:
        return "-"
    return f"{value:.{digits}f}" if value < 100 else f"{value:.0f}"


def run_phase(phase, children, spectators, targets, sizes, repeats, log):
    """Every target gets the same spectators count, then saves in turn: bare, target, bare, ..."""
    meter = CpuMeter(children)
    # Warm up (imports, templates, caches) before the memory baselines; learn the pushed size.
    pushed_bytes = 0
    for target in targets:
        spectators.connect(target.tag, target.urls, 5, 30)
        for _ in range(2):
            spectators.arm(target.tag)
            target.push()
            got = spectators.wait(target.tag)
            if not target.bare:
                pushed_bytes = max(pushed_bytes, got["frame_bytes"])
        spectators.close(target.tag)
    for target in targets:
        if target.bare and pushed_bytes:
            target.server.ask(f"size {pushed_bytes}")
    time.sleep(0.5)
    baselines = {t.tag: sum(rss_kb(pid) for pid in t.pids) for t in targets}
    rows = []
    connected = {t.tag: 0 for t in targets}
    for n in sizes:
        memory = {}
        for target in targets:
            result = spectators.connect(
                target.tag, target.urls, n - connected[target.tag], timeout=max(60, n / 20)
            )
            connected[target.tag] = result["connected"]
            if result["failed"]:
                log(f"  {target.name}: {result['failed']} connections failed ({', '.join(result['errors'])})")
        time.sleep(1.0)
        for target in targets:
            memory[target.tag] = (sum(rss_kb(pid) for pid in target.pids) - baselines[target.tag]) / max(
                connected[target.tag], 1
            )
        samples = {t.tag: [] for t in targets}
        all_pids = [pid for t in targets for pid in t.pids]
        for _ in range(repeats):
            for target in targets:
                wait_quiet(all_pids)  # the stock layer keeps sweeping for seconds after a frame
                armed = spectators.arm(target.tag)
                t = target.push()
                got = spectators.wait(target.tag)
                samples[target.tag].append(
                    {
                        "first": got["first"] - t["t0"] if got["first"] else None,
                        "last": got["last"] - t["t0"] if got["last"] else None,
                        "answered": t["answered"] - t["t0"] if t.get("answered") else None,
                        "pushed": t["pushed"] - t["t0"] if t.get("pushed") else None,
                        "rendered": t["rendered"] - t["t0"] if t.get("rendered") else None,
                        "delivered": got["received"] / max(armed, 1),
                        "frame_bytes": got["frame_bytes"],
                    }
                )
        bare = next((t for t in targets if t.bare), None)
        for target in targets:
            s = samples[target.tag]

            def median(key, s=s):
                values = [x[key] for x in s if x[key] is not None]
                return 1000 * statistics.median(values) if values else None

            ratios = []
            if bare is not None and not target.bare:
                ratios = [
                    x["last"] / b["last"] for x, b in zip(s, samples[bare.tag]) if x["last"] and b["last"]
                ]
            row = {
                "phase": phase,
                "setup": target.name,
                "bare": target.bare,
                "clients": connected[target.tag],
                "first_ms": median("first"),
                "last_ms": median("last"),
                "answered_ms": median("answered"),
                "pushed_ms": median("pushed"),
                "render_ms": median("rendered"),
                "bare_last_ms": median_of(samples[bare.tag], "last") if bare is not None else None,
                "x_bare": statistics.median(ratios) if ratios else None,
                "delivered": min(x["delivered"] for x in s),
                "kb_per_client": memory[target.tag],
                "frame_bytes": max(x["frame_bytes"] for x in s),
                "publishes": max(target.publishes) if target.publishes else None,
            }
            rows.append(row)
            log(
                f"  {target.name:<30} {row['clients']:>5} clients: first {fmt(row['first_ms'])} ms, last "
                f"{fmt(row['last_ms'])} ms (x bare {fmt(row['x_bare'])}), render {fmt(row['render_ms'])} ms, "
                f"save answered {fmt(row['answered_ms'])} ms, {row['kb_per_client']:.1f} KB/client, "
                f"{row['frame_bytes'] / 1024:.1f} KB frames, delivered {100 * row['delivered']:.0f}%"
            )
    spectators.close()
    foreign = meter.foreign_share()
    for row in rows:
        row["foreign_cpu"] = foreign
    log(f"  other processes used {100 * foreign:.0f}% of the machine's CPU during this phase")
    return rows


def cpu_ticks(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            pass
    return total


def wait_quiet(pids, timeout=20):
    """Until the servers under test are idle (at most 1 tick in 100 ms), so that no server is
    still busy with the previous save while the next is measured; at least 100 ms."""
    deadline = time.monotonic() + timeout
    before = cpu_ticks(pids)
    while True:
        time.sleep(0.1)
        now = cpu_ticks(pids)
        if now - before <= 1 or time.monotonic() > deadline:
            return
        before = now


def median_of(samples, key):
    values = [x[key] for x in samples if x[key] is not None]
    return 1000 * statistics.median(values) if values else None


def current_frame():
    from django.core.cache import cache

    from championships.live import rendering as live

    cache.clear()
    return live.current_fragments(SLUG)


# --- save-to-render -----------------------------------------------------------------------------


COUNTRIES = ["NED", "NOR", "JPN", "USA", "CAN", "GER", "ITA", "CHN", "KOR", "POL", "BEL", "AUT"]


def make_field(n, seed=0):
    """A sprint championship file (500/1000/500/1000) with n skaters: three distances skated,
    the last one half skated (the most a save recomputes: classification, chases, four sheets)."""
    rng = random.Random(seed + n)
    meters = [500, 1000, 500, 1000]
    skaters = [
        {
            "name": f"Skater {i:03d}",
            "country": COUNTRIES[i % len(COUNTRIES)],
            "pb": {"500": f"{rng.uniform(36.5, 39.5):.2f}", "1000": f"1:{rng.uniform(13.5, 19.5):05.2f}"},
        }
        for i in range(n)
    ]
    pairs, results = [], []
    for order, m in enumerate(meters, start=1):
        names = [s["name"] for s in skaters]
        rng.shuffle(names)
        for p in range(0, n, 2):
            pair = {"distance": order, "pair": p // 2 + 1, "inner": names[p]}
            if p + 1 < n:
                pair["outer"] = names[p + 1]
            pairs.append(pair)
        skated = names if order < 4 else names[: n // 2]
        for name in skated:
            if rng.random() < 0.01:
                results.append({"distance": order, "skater": name, "status": "DQ"})
                continue
            t = rng.uniform(37.0, 40.5) if m == 500 else rng.uniform(73.0, 80.0)
            text = f"{t:.2f}" if t < 60 else f"1:{t - 60:05.2f}"
            results.append({"distance": order, "skater": name, "time": text})
    return {
        "format": "sprintboard-championship",
        "version": 1,
        "name": f"Benchmark sprint, {n} skaters",
        "slug": f"bench-field-{n}",
        "kind": "sprint",
        "venue": {"name": "Benchmark Oval", "city": "Loopback", "country": "NED"},
        "distances": [
            {"order": i, "meters": m, "date": f"2026-01-{10 + (i - 1) // 2:02d}"}
            for i, m in enumerate(meters, 1)
        ],
        "skaters": skaters,
        "pairs": pairs,
        "results": results,
        "records": [
            {"kind": "TR", "meters": 500, "time": "36.90"},
            {"kind": "TR", "meters": 1000, "time": "1:12.80"},
        ],
    }


def run_render(fields, repeats, log):
    from decimal import Decimal

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from championships.championship_file import load
    from championships.forms import result_form
    from championships.live import changes as live
    from championships.models import Start
    from championships.standings import Standings

    rows = []
    broadcast = live.broadcast
    live.broadcast = lambda championship_id: None  # nobody listens here: time only the render below
    try:
        for n in fields:
            championship = load(make_field(n), replace=True)
            distance = championship.distances.get(order=4)
            done = set(distance.results.values_list("skater_id", flat=True))
            waiting = [
                s.skater
                for s in Start.objects.filter(distance=distance)
                .select_related("skater")
                .order_by("pair", "lane")
                if s.skater_id not in done
            ]
            times, queries = [], []
            html = ""
            for i in range(repeats):
                # One save, as an official's; then what its broadcast does, timed.
                form = result_form(distance, waiting[i % len(waiting)], time=Decimal("74.00") + i)
                assert form.is_valid(), form.errors
                with transaction.atomic():
                    form.save()
                championship.refresh_from_db()
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    html = live.render_fragments(Standings(championship))
                    times.append(time.perf_counter() - started)
                queries.append(len(captured))
            row = {
                "skaters": n,
                "render_ms": 1000 * statistics.median(times),
                "queries": max(queries),
                "frame_kb": len(html.encode()) / 1024,
            }
            log(
                f"  field of {n:>3}: {row['render_ms']:.1f} ms, {row['queries']} queries, {row['frame_kb']:.0f} KB frame"
            )
            rows.append(row)
    finally:
        live.broadcast = broadcast
    return rows


# --- report -------------------------------------------------------------------------------------


def report(fan_rows, render_rows, args):
    out = []
    if fan_rows:
        out.append("")
        frame_kb = max(r["frame_bytes"] for r in fan_rows) / 1024
        out.append(
            f"Fan-out: ms from the commit of an official's save (admin POST) to the new standings at the first/"
            f"last spectator, median of {args.repeats} saves, {frame_kb:.0f} KB frames. 'bare': a bare websockets"
            f" server, same spectators and frame size, saves in turn; 'x bare': median per-save ratio of the"
            f" last arrivals. 'render': commit -> first group_send (rendering)."
        )
        head = (
            f"{'setup':<30}{'clients':>8}{'render':>8}{'first ms':>10}{'last ms':>10}{'bare ms':>9}{'x bare':>8}"
            f"{'answered':>10}{'KB/client':>11}{'bare KB':>9}"
        )
        out.append(head)
        out.append("-" * len(head))
        phases = []
        for r in fan_rows:
            if r["phase"] not in phases:
                phases.append(r["phase"])
        for phase in phases:
            rows = [r for r in fan_rows if r["phase"] == phase]
            bare = {r["clients"]: r for r in rows if r["bare"]}
            for r in rows:
                if r["bare"]:
                    continue
                b = bare.get(r["clients"], {})
                answered = fmt(r["answered_ms"])
                if r["answered_ms"] is not None and r["last_ms"] is not None:
                    answered += "<" if r["answered_ms"] < r["last_ms"] else ">"
                miss = "" if r["delivered"] >= 1 else f"  only {100 * r['delivered']:.0f}% delivered"
                out.append(
                    f"{r['setup']:<30}{r['clients']:>8}{fmt(r.get('render_ms')):>8}{fmt(r['first_ms']):>10}"
                    f"{fmt(r['last_ms']):>10}{fmt(b.get('last_ms')):>9}{fmt(r['x_bare']):>8}{answered:>10}"
                    f"{r['kb_per_client']:>11.1f}{b.get('kb_per_client', 0):>9.1f}{miss}"
                )
            foreign = rows[0].get("foreign_cpu", 0)
            if foreign > 0.05:
                out.append(
                    f"{'':<4}(other processes used {100 * foreign:.0f}% of the CPU during '{phase}': noisy)"
                )
        publishes = {r["publishes"] for r in fan_rows if r.get("publishes") is not None}
        if publishes:
            out.append(
                f"Redis PUBLISH commands per save, whatever N: {', '.join(map(str, sorted(publishes)))}"
            )
        out.append(
            "answered: the save's HTTP answer, ms after its commit; '<' before the last spectator had the frame."
        )
        out.append(
            "Goals: x bare <= 3 at 1000 and 3000 (one process, in-process layer and Redis); 5000 over two"
            " processes: last < 1000 ms; 25 KB/client or less."
        )
    if render_rows:
        out.append("")
        out.append("Save-to-render: live.render_fragments (recompute + every fragment), 4 distances, median")
        head = f"{'skaters':>8}{'ms':>10}{'queries':>9}{'frame KB':>10}"
        out.append(head)
        out.append("-" * len(head))
        for r in render_rows:
            out.append(f"{r['skaters']:>8}{r['render_ms']:>10.1f}{r['queries']:>9}{r['frame_kb']:>10.0f}")
    return "\n".join(out)


@contextlib.contextmanager
def bounded_run(name, budget):
    """What every run of bench/ starts with: as many open files as allowed (children inherit
    it), an alarm that aborts the run after `budget` seconds, a log with the seconds elapsed,
    and a work directory with the child processes, both gone when the run ends however it ends.
    Yields (workdir, children, log)."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    started = time.monotonic()

    def on_alarm(signum, frame):
        raise BenchTimeout(f"the {name} ran over its budget of {budget} s")

    def log(text):
        print(f"[{time.monotonic() - started:6.1f}s] {text}", flush=True)

    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(budget)
    workdir = tempfile.mkdtemp(prefix=f"sprintboard-{name}-")
    children = Children(workdir)
    try:
        yield workdir, children, log
    finally:
        signal.alarm(0)
        children.stop_all()
        shutil.rmtree(workdir, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer spectators and saves (about a minute)")
    parser.add_argument("--parts", default="fanout,redis,render", help="any of fanout,redis,render")
    parser.add_argument(
        "--stock",
        action="store_true",
        help="also measure the consumer and layer as first shipped (stock Channels; slow)",
    )
    parser.add_argument("--sizes", help="spectator counts on one process, e.g. 100,1000,3000")
    parser.add_argument(
        "--two-process-sizes", help="spectator counts over two daphne processes, e.g. 1000,5000"
    )
    parser.add_argument("--repeats", type=int, help="saves per size (median)")
    parser.add_argument("--budget", type=int, default=900, help="abort the whole run after this many seconds")
    parser.add_argument("--json", help="also write the rows to this file")
    args = parser.parse_args()
    sizes = [int(s) for s in (args.sizes or ("100,1000" if args.quick else "100,1000,3000")).split(",")]
    two_sizes = [
        int(s) for s in (args.two_process_sizes or ("1000" if args.quick else "1000,3000,5000")).split(",")
    ]
    args.repeats = args.repeats or (3 if args.quick else 7)
    fields = [24, 100] if args.quick else [24, 100, 500]
    parts = set(args.parts.split(","))

    fan_rows, render_rows = [], []
    with bounded_run("benchmark", args.budget) as (workdir, children, log):
        try:
            setup_django(workdir)
            seed = seed_demo()
            official = Official(seed, Path(workdir) / "marks.txt")
            frame = current_frame()
            if parts & {"fanout", "redis"}:
                spectators = Spectators(children, args.budget)
                # Each phase: a bare server and the setups under test, the same spectators for each
                # (at most 10,000 in all). --stock measures the feed as first shipped in phases of
                # its own, just before the same setup as it is now.
                phases = []
                if "fanout" in parts:
                    if args.stock:
                        phases.append(
                            ("stock, in-process layer", sizes, [("stock, in-process", {"variant": "stock"})])
                        )
                    phases.append(("one daphne, in-process layer", sizes, [("channels in-process", {})]))
                if "redis" in parts:
                    if args.stock:
                        phases.append(
                            (
                                "stock, Redis",
                                sizes,
                                [
                                    ("stock, redis", {"variant": "stock", "redis": True}),
                                    ("stock-nohop, redis", {"variant": "stock-nohop", "redis": True}),
                                ],
                            )
                        )
                    phases.append(
                        ("one daphne, Redis", sizes, [("channels redis, 1 process", {"redis": True})])
                    )
                    if args.stock:
                        phases.append(
                            (
                                "stock, two daphne, Redis",
                                two_sizes,
                                [
                                    (
                                        "stock, redis, 2 processes",
                                        {"variant": "stock", "redis": True, "processes": 2},
                                    )
                                ],
                            )
                        )
                    phases.append(
                        (
                            "two daphne, Redis",
                            two_sizes,
                            [("channels redis, 2 processes", {"redis": True, "processes": 2})],
                        )
                    )
                for phase, phase_sizes, setups in phases:
                    log(f"{phase}: {phase_sizes} spectators")
                    procs = []
                    try:
                        bare, started_procs = start_bare(children, workdir, frame)
                        procs += started_procs
                        targets = [bare]
                        for name, options in setups:
                            target, started_procs = start_channels(
                                children, workdir, official, name, **options
                            )
                            procs += started_procs
                            targets.append(target)
                        fan_rows += run_phase(
                            phase, children, spectators, targets, phase_sizes, args.repeats, log
                        )
                    finally:
                        for proc in procs:
                            children.stop(proc)
            if "render" in parts:
                log(f"save-to-render, fields of {fields}")
                render_rows = run_render(fields, 3, log)
        finally:
            print(report(fan_rows, render_rows, args))
            if args.json:
                Path(args.json).write_text(json.dumps({"fanout": fan_rows, "render": render_rows}, indent=1))
        log("done")


if __name__ == "__main__":
    main()

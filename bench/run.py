"""Sprintboard's live-standings benchmark (`make bench`; `make bench BENCH_ARGS=--quick`).

    .venv/bin/python bench/run.py [--quick] [--parts fanout,redis,render] [--stock] [--repeats N]

1. Fan-out: N spectators on one championship feed; an official saves a pair through the admin
   (an HTTP POST to the server's pair entry, as `manage.py replay --server` does); the time from
   the save's commit until the first and the last spectator hold the new standings (median of
   repeated saves). The same spectators against a bare `websockets` server broadcasting a frame
   of the same size give the yardstick: "x bare" is the ratio of the last arrivals.
2. The same with REDIS_URL (channels-redis pub/sub): one daphne process, then two sharing the
   spectators.
3. Save-to-render: `live.render_fragments` for generated fields of 24, 100 and 500 skaters over
   4 distances, with its number of queries.
4. Memory: server RSS growth per connected idle spectator, at each N.

Everything runs on 127.0.0.1 in a temporary directory (its own SQLite database and Redis), every
child process is killed in `finally` (and by the kernel should this process die), and the whole
run is bounded by --budget seconds.
"""

import argparse
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
from http.client import HTTPConnection
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
PY = sys.executable
SLUG = "wk-sprint-2024-women"
ORIGIN = "http://127.0.0.1"


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
        log = open(self.workdir / f"{name}.log", "ab")
        proc = subprocess.Popen(
            argv,
            cwd=BASE,
            env={**os.environ, **(env or {})},
            stdin=subprocess.PIPE if pipes else subprocess.DEVNULL,
            stdout=subprocess.PIPE if pipes else log,
            stderr=log,
            preexec_fn=_die_with_parent,
        )
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
            except Exception:  # noqa: BLE001 - keep killing the others
                proc.kill()


class LineChild:
    """A child answering one JSON line per JSON line it is sent (clients.py, bare_server.py)."""

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
                    raise RuntimeError(f"{self.proc.bench_name} exited (code {self.proc.poll()}): see its log")
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
    """The load generator: clients.py processes sharing the spectators."""

    def __init__(self, children, processes, deadline):
        self.children = [
            LineChild(children.start(f"clients-{i}", [PY, "bench/clients.py", "--deadline", str(deadline)], pipes=True))
            for i in range(processes)
        ]

    def connect(self, urls, n, timeout):
        # Spread over the processes; each process spreads its share over the URLs.
        shares = [n // len(self.children) + (i < n % len(self.children)) for i in range(len(self.children))]
        for child, share in zip(self.children, shares):
            child.send({"cmd": "connect", "urls": urls, "n": share, "origin": ORIGIN, "timeout": timeout})
        answers = [child.read(timeout + 30) for child in self.children]
        return {
            "connected": sum(a["connected"] for a in answers),
            "failed": sum(a["failed"] for a in answers),
            "errors": sum((a["errors"] for a in answers), []),
            "seconds": max(a["seconds"] for a in answers),
            "frame_bytes": max(a["frame_bytes"] for a in answers),
        }

    def arm(self):
        return sum(child.ask({"cmd": "arm"})["armed"] for child in self.children)

    def wait(self, timeout):
        for child in self.children:
            child.send({"cmd": "wait", "timeout": timeout})
        answers = [child.read(timeout + 30) for child in self.children]
        got = [a for a in answers if a["first"] is not None]
        return {
            "received": sum(a["received"] for a in answers),
            "first": min((a["first"] for a in got), default=None),
            "last": max((a["last"] for a in got), default=None),
            "frame_bytes": max(a["frame_bytes"] for a in answers),
        }

    def close(self):
        for child in self.children:
            child.ask({"cmd": "close"})


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
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


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
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from championships.championship_file import load
    from championships.officials import ensure_official

    call_command("migrate", verbosity=0, interactive=False)
    with open(BASE / "data" / f"{SLUG}.json", encoding="utf-8") as f:
        championship = load(json.load(f), replace=True, results_until=3)
    username, _ = ensure_official()
    official = User.objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(official.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = official.get_session_auth_hash()
    session.create()
    csrf = "b" * 32  # an unmasked 32-character secret, sent as cookie and form field
    cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}"
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
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": self.seed["csrf"], "inner": inner, "outer": "1:14.02"})
        seen = self.marks.stat().st_size if self.marks.exists() else 0
        connection = HTTPConnection("127.0.0.1", port, timeout=30)
        started = time.monotonic()
        connection.request("POST", url, body, {
            "Cookie": self.seed["cookie"], "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"http://127.0.0.1:{port}{url}",
        })
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
        if not commits:
            raise RuntimeError("the server recorded no commit for the save (BENCH_MARKS)")
        return {"posted": started, "commit": commits[0], "pushed": pushed[0] if pushed else None, "answered": answered}


# --- fan-out ------------------------------------------------------------------------------------


def daphne(children, workdir, name, port, redis_url=None, variant="app"):
    env = {
        "BENCH_MARKS": str(Path(workdir) / "marks.txt"),
        "BENCH_VARIANT": variant,
        "PYTHONPATH": str(BASE),
        "DJANGO_SETTINGS_MODULE": "bench.settings",
    }
    if redis_url:
        env["REDIS_URL"] = redis_url
    proc = children.start(name, [PY, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "bench.asgi:application"], env=env)
    wait_for_port(port, proc)
    return proc


def fanout(setup, spectators, sizes, repeats, trigger, urls, pids, wait_timeout, log):
    """Connect the spectators in steps up to each size; at each, memory then `repeats` saves."""
    rows = []
    # Warm up (imports, templates, caches) before the memory baseline.
    spectators.connect(urls, 10, 30)
    for _ in range(2):
        spectators.arm()
        trigger()
        spectators.wait(wait_timeout)
    spectators.close()
    time.sleep(0.5)
    baseline = sum(rss_kb(pid) for pid in pids)
    connected = 0
    for n in sizes:
        result = spectators.connect(urls, n - connected, timeout=max(60, n / 20))
        connected = result["connected"]  # every live spectator of the pool
        if result["failed"]:
            log(f"  {setup}: {result['failed']} connections failed ({', '.join(result['errors'])})")
        time.sleep(1.0)
        per_client = (sum(rss_kb(pid) for pid in pids) - baseline) / max(connected, 1)
        firsts, lasts, answers, pushes, received = [], [], [], [], []
        for _ in range(repeats):
            armed = spectators.arm()
            t = trigger()
            got = spectators.wait(wait_timeout)
            received.append(got["received"] / max(armed, 1))
            if got["first"] is not None:
                firsts.append(got["first"] - t["t0"])
                lasts.append(got["last"] - t["t0"])
            if t.get("answered"):
                answers.append(t["answered"] - t["t0"])
            if t.get("pushed"):
                pushes.append(t["pushed"] - t["t0"])
            time.sleep(0.15)
        row = {
            "setup": setup,
            "clients": connected,
            "first_ms": 1000 * statistics.median(firsts) if firsts else None,
            "last_ms": 1000 * statistics.median(lasts) if lasts else None,
            "last_min_ms": 1000 * min(lasts) if lasts else None,
            "last_max_ms": 1000 * max(lasts) if lasts else None,
            "answered_ms": 1000 * statistics.median(answers) if answers else None,
            "pushed_ms": 1000 * statistics.median(pushes) if pushes else None,
            "delivered": min(received) if received else 0,
            "kb_per_client": per_client,
            "frame_bytes": got["frame_bytes"],
            "connect_s": result["seconds"],
        }
        log(
            f"  {setup:<28} {connected:>5} clients: first {fmt(row['first_ms'])} ms, last {fmt(row['last_ms'])} ms"
            f" (min {fmt(row['last_min_ms'])}, max {fmt(row['last_max_ms'])}), pushed {fmt(row['pushed_ms'])} ms, save answered {fmt(row['answered_ms'])} ms,"
            f" {per_client:.1f} KB/client, delivered {100 * row['delivered']:.0f}%, connect {result['seconds']:.1f} s"
        )
        rows.append(row)
    spectators.close()
    return rows


def fmt(value, digits=1):
    if value is None:
        return "-"
    return f"{value:.{digits}f}" if value < 100 else f"{value:.0f}"


def run_bare(children, workdir, spectators, sizes, repeats, frame, wait_timeout, log):
    frame_file = Path(workdir) / "frame.html"
    frame_file.write_text(frame, encoding="utf-8")
    port = free_port()
    proc = children.start("bare", [PY, "bench/bare_server.py", "--port", str(port), "--frame", str(frame_file)], pipes=True)
    server = LineChild(proc)
    try:
        def trigger():
            answer = server.ask("go")
            return {"t0": answer["t0"]}

        return fanout("bare websockets", spectators, sizes, repeats, trigger,
                      [f"ws://127.0.0.1:{port}/ws/{SLUG}/"], [proc.pid], wait_timeout, log)
    finally:
        children.stop(proc)


def run_channels(children, workdir, spectators, official, setup, sizes, repeats, wait_timeout, log,
                 processes=1, redis_url=None, variant="app", redis_client=None):
    ports = [free_port() for _ in range(processes)]
    procs = [daphne(children, workdir, f"daphne-{setup.replace(' ', '-')}-{i}", port, redis_url, variant)
             for i, port in enumerate(ports)]
    publishes = []
    try:
        def trigger():
            if redis_client is not None:
                redis_client.config_resetstat()
            t = official.save(ports[0])
            if redis_client is not None:
                stats = redis_client.info("commandstats")
                publishes.append(stats.get("cmdstat_publish", {}).get("calls", 0))
            return {"t0": t["commit"], "answered": t["answered"], "pushed": t["pushed"]}

        rows = fanout(setup, spectators, sizes, repeats, trigger,
                      [f"ws://127.0.0.1:{port}/ws/{SLUG}/" for port in ports], [p.pid for p in procs], wait_timeout, log)
        if publishes:
            for row in rows:
                row["publishes"] = max(publishes)
        return rows
    finally:
        for proc in procs:
            children.stop(proc)


def start_redis(children):
    port = free_port()
    proc = children.start("redis", ["/usr/bin/redis-server", "--bind", "127.0.0.1", "--port", str(port),
                                    "--save", "", "--appendonly", "no", "--protected-mode", "yes"])
    wait_for_port(port, proc)
    return port


def current_frame():
    from championships import live

    from django.core.cache import cache

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
        {"name": f"Skater {i:03d}", "country": COUNTRIES[i % len(COUNTRIES)],
         # 500 m only: a 1000 m best ("1:14.50") breaks Standings.records (Decimal of a formatted time)
         "pb": {"500": f"{rng.uniform(36.5, 39.5):.2f}"}}
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
        "format": "sprintboard-championship", "version": 1,
        "name": f"Benchmark sprint, {n} skaters", "slug": f"bench-field-{n}", "kind": "sprint",
        "venue": {"name": "Benchmark Oval", "city": "Loopback", "country": "NED"},
        "distances": [{"order": i, "meters": m, "date": f"2026-01-{10 + (i - 1) // 2:02d}"} for i, m in enumerate(meters, 1)],
        "skaters": skaters, "pairs": pairs, "results": results,
        "records": [{"kind": "TR", "meters": 500, "time": "36.90"}, {"kind": "TR", "meters": 1000, "time": "1:12.80"}],
    }


def run_render(fields, repeats, log):
    from decimal import Decimal

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from championships import live
    from championships.championship_file import load
    from championships.forms import result_form
    from championships.models import Start

    rows = []
    for n in fields:
        championship = load(make_field(n), replace=True)
        distance = championship.distances.get(order=4)
        done = set(distance.results.values_list("skater_id", flat=True))
        waiting = [s.skater for s in Start.objects.filter(distance=distance).select_related("skater").order_by("pair", "lane")
                   if s.skater_id not in done]
        times, queries = [], []
        html = ""
        for i in range(repeats):
            # One save, as an official's: then what the broadcast does, timed.
            form = result_form(distance, waiting[i % len(waiting)], time=Decimal("74.00") + i)
            assert form.is_valid(), form.errors
            with transaction.atomic():
                form.save()
            championship.refresh_from_db()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                html = live.render_fragments(championship)
                times.append(time.perf_counter() - started)
            queries.append(len(captured))
        row = {"skaters": n, "render_ms": 1000 * statistics.median(times), "queries": max(queries),
               "frame_kb": len(html.encode()) / 1024}
        log(f"  field of {n:>3}: {row['render_ms']:.1f} ms, {row['queries']} queries, {row['frame_kb']:.0f} KB frame")
        rows.append(row)
    return rows


# --- report -------------------------------------------------------------------------------------


def report(fan_rows, render_rows, args, frame_bytes):
    out = []
    if fan_rows:
        bare = {r["clients"]: r["last_ms"] for r in fan_rows if r["setup"] == "bare websockets"}
        out.append("")
        out.append(f"Fan-out: commit of an official's save -> new standings in the first/last spectator "
                   f"(median of {args.repeats} saves; {frame_bytes / 1024:.1f} KB frame; 127.0.0.1)")
        head = f"{'setup':<30}{'clients':>8}{'first ms':>10}{'last ms':>10}{'x bare':>8}{'save answered ms':>18}{'KB/client':>11}"
        out.append(head)
        out.append("-" * len(head))
        for r in fan_rows:
            ratio = r["last_ms"] / bare[r["clients"]] if r["last_ms"] and bare.get(r["clients"]) else None
            answered = fmt(r["answered_ms"])
            if r["answered_ms"] is not None and r["last_ms"] is not None:
                answered += " (before)" if r["answered_ms"] < r["last_ms"] else " (after)"
            miss = "" if r["delivered"] >= 1 else f"  only {100 * r['delivered']:.0f}% delivered"
            out.append(
                f"{r['setup']:<30}{r['clients']:>8}{fmt(r['first_ms']):>10}{fmt(r['last_ms']):>10}"
                f"{(f'{ratio:.1f}' if ratio else '-'):>8}{answered:>18}{r['kb_per_client']:>11.1f}{miss}"
            )
        publishes = {r.get("publishes") for r in fan_rows if r.get("publishes") is not None}
        if publishes:
            out.append(f"Redis PUBLISH commands per save (any N): {', '.join(map(str, sorted(publishes)))}")
        out.append("Goals: last spectator within 3x bare at 1000 and 3000 (in-process and Redis, one process);"
                   " 5000 over two processes under 1000 ms; memory 25 KB/client or less.")
    if render_rows:
        out.append("")
        out.append("Save-to-render: live.render_fragments (recompute + every fragment), 4 distances, median")
        head = f"{'skaters':>8}{'ms':>10}{'queries':>9}{'frame KB':>10}"
        out.append(head)
        out.append("-" * len(head))
        for r in render_rows:
            out.append(f"{r['skaters']:>8}{r['render_ms']:>10.1f}{r['queries']:>9}{r['frame_kb']:>10.0f}")
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer clients and saves (about a minute)")
    parser.add_argument("--parts", default="fanout,redis,render", help="any of fanout,redis,render")
    parser.add_argument("--stock", action="store_true",
                        help="also measure the consumer as first shipped on stock Channels (slow at 3000)")
    parser.add_argument("--sizes", help="client counts, e.g. 100,1000,3000")
    parser.add_argument("--two-process-sizes", help="client counts over two daphne processes, e.g. 1000,5000")
    parser.add_argument("--repeats", type=int, help="saves per size (median)")
    parser.add_argument("--client-processes", type=int, default=1)
    parser.add_argument("--budget", type=int, default=600, help="abort the whole run after this many seconds")
    parser.add_argument("--json", help="also write the rows to this file")
    args = parser.parse_args()
    sizes = [int(s) for s in (args.sizes or ("100,1000" if args.quick else "100,1000,3000")).split(",")]
    two_sizes = [int(s) for s in (args.two_process_sizes or ("1000,3000" if args.quick else "1000,3000,5000")).split(",")]
    args.repeats = args.repeats or (3 if args.quick else 7)
    fields = [24, 100] if args.quick else [24, 100, 500]
    parts = set(args.parts.split(","))

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    started = time.monotonic()

    def on_alarm(signum, frame):
        raise BenchTimeout(f"the benchmark ran over its budget of {args.budget} s")

    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(args.budget)

    def log(text):
        print(f"[{time.monotonic() - started:6.1f}s] {text}", flush=True)

    workdir = tempfile.mkdtemp(prefix="sprintboard-bench-")
    children = Children(workdir)
    fan_rows, render_rows = [], []
    frame_bytes = 0
    try:
        setup_django(workdir)
        seed = seed_demo()
        official = Official(seed, Path(workdir) / "marks.txt")
        frame = current_frame()
        frame_bytes = len(frame.encode())
        wait_timeout = 20
        if parts & {"fanout", "redis"}:
            spectators = Spectators(children, args.client_processes, args.budget)
            all_sizes = sorted(set(sizes) | (set(two_sizes) if "redis" in parts else set()))
            log(f"bare websockets, {all_sizes} clients")
            fan_rows += run_bare(children, workdir, spectators, all_sizes, args.repeats, frame, wait_timeout, log)
            if "fanout" in parts:
                if args.stock:
                    log("stock Channels (consumer as first shipped, stock in-memory layer)")
                    fan_rows += run_channels(children, workdir, spectators, official, "stock, in-memory", sizes,
                                             args.repeats, wait_timeout, log, variant="stock")
                    fan_rows += run_channels(children, workdir, spectators, official, "stock-nohop, in-memory", sizes,
                                             args.repeats, wait_timeout, log, variant="stock-nohop")
                log("Channels, in-process layer, one daphne")
                fan_rows += run_channels(children, workdir, spectators, official, "channels in-process", sizes,
                                         args.repeats, wait_timeout, log)
            if "redis" in parts:
                import redis

                redis_port = start_redis(children)
                redis_url = f"redis://127.0.0.1:{redis_port}/0"
                redis_client = redis.Redis(host="127.0.0.1", port=redis_port)
                if args.stock:
                    log("stock Channels, Redis pub/sub")
                    fan_rows += run_channels(children, workdir, spectators, official, "stock, redis", sizes,
                                             args.repeats, wait_timeout, log, redis_url=redis_url,
                                             variant="stock", redis_client=redis_client)
                log("Channels, Redis pub/sub, one daphne")
                fan_rows += run_channels(children, workdir, spectators, official, "channels redis, 1 process", sizes,
                                         args.repeats, wait_timeout, log, redis_url=redis_url, redis_client=redis_client)
                log("Channels, Redis pub/sub, two daphne processes")
                fan_rows += run_channels(children, workdir, spectators, official, "channels redis, 2 processes",
                                         two_sizes, args.repeats, wait_timeout, log, processes=2,
                                         redis_url=redis_url, redis_client=redis_client)
        if "render" in parts:
            log(f"save-to-render, fields of {fields}")
            render_rows = run_render(fields, 3 if args.quick else 5, log)
    finally:
        signal.alarm(0)
        children.stop_all()
        shutil.rmtree(workdir, ignore_errors=True)
        print(report(fan_rows, render_rows, args, frame_bytes))
        if args.json:
            Path(args.json).write_text(json.dumps({"fanout": fan_rows, "render": render_rows}, indent=1))
    log("done")


if __name__ == "__main__":
    main()

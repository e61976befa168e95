"""Sprintboard's soak: `make soak` (about 6 minutes).

    .venv/bin/python bench/soak.py [--clients 1000] [--minutes 5] [--save-every 3]
                                   [--reconnect-fraction 0.1] [--redis] [--json FILE]

1,000 spectators follow the demo championship on one daphne process for several minutes. Every
--save-every seconds (a round) an official saves pair 1 of the final 1000 m through the admin,
a different time at each save (bench/run.py's `Official`), so every save is a new revision; in
the same round a --reconnect-fraction of the spectators leave at random moments (half with a
close frame, half cut off) and reconnect 0.5 s to --save-every seconds later, so reconnects
cross saves and fan-outs. At the end, once every reconnect is done: how many spectators hold
the latest revision (the database's), errors in the server log, the server's RSS sampled every
10 s (flat: its least-squares growth after --warmup, over the rest of the run, within
--memory-tolerance percent), and per save the time from its commit to the last spectator.
Exits non-zero when a spectator is not on the latest revision, the log has an error, a save or a
reconnect failed, or memory grew.

Bounded as bench/run.py: 127.0.0.1 only, a temporary directory with its own SQLite (and Redis
with --redis), children killed in `finally` and by the kernel should this process die, a timeout
on every wait and --budget for the whole run.
"""

import argparse
import json
import re
import statistics
import sys
import time
import urllib.parse
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.cpu import CpuMeter, rss_kb
from bench.official import SLUG, Official, seed_demo, setup_django
from bench.report import fmt
from bench.setups import ORIGIN, WAIT_TIMEOUT, Spectators, start_channels
from bench.supervisor import bounded_run

TAG = "soak"
RSS_EVERY = 10  # seconds between samples of the server's memory
# daphne's log format ("<date> <time> <LEVEL> <message>"), and Python's tracebacks
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d [\d:,]+ +(?P<level>[A-Z]+) +(?P<message>.*)")
TRACEBACK = "Traceback (most recent call last):"


class SoakSpectators(Spectators):
    """The load generator, with the soak's commands: spectators leaving and coming back."""

    def churn(self, n, within, away, timeout=30):
        return self.child.ask(
            {
                "cmd": "churn",
                "tag": TAG,
                "n": n,
                "within": within,
                "away": away,
                "origin": ORIGIN,
                "timeout": timeout,
            }
        )

    def settle(self, timeout):
        return self.child.ask({"cmd": "settle", "timeout": timeout}, timeout + 30)

    def status(self):
        return self.child.ask({"cmd": "status", "tag": TAG})


def latest_revision():
    from championships.models import Championship

    return Championship.objects.values_list("revision", flat=True).get(slug=SLUG)


def log_findings(path):
    """A server log's errors (each with what follows it: its traceback), warnings and tracebacks.

    An exception logged by `championships` is there twice: bare from its own handler, and as
    an ERROR line from the root handler daphne installs; a traceback without an ERROR line
    comes from a logger that does not reach the root: both are counted.
    """
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines() if path.exists() else []
    errors, warnings = [], []
    for i, line in enumerate(lines):
        match = LOG_LINE.match(line)
        if match and match["level"] in ("ERROR", "CRITICAL"):
            entry = [line]
            if lines[i + 1 : i + 2] == [TRACEBACK]:  # up to the exception, its last line
                for follow in lines[i + 1 : i + 100]:
                    entry.append(follow)
                    if follow != TRACEBACK and not follow[:1].isspace():
                        break
            errors.append(entry)
        elif match and match["level"] == "WARNING":
            warnings.append(line)
    return {"errors": errors, "warnings": warnings, "tracebacks": sum(line == TRACEBACK for line in lines)}


def error_kinds(errors):
    """Each error's message and exception (the last line of its traceback), with their counts."""
    kinds = Counter()
    for entry in errors:
        message = LOG_LINE.match(entry[0])["message"]
        raised = [line for line in entry[1:] if line and not line[0].isspace() and line != TRACEBACK]
        kinds[f"{message}: {raised[0]}" if raised else message] += 1
    return kinds


def memory_verdict(samples, warmup, tolerance):
    """RSS after warm-up: least-squares slope (KB/min), the growth it implies over that span,
    that growth per reconnect made meanwhile, and whether it is within `tolerance` percent."""
    after = [(t, kb, reconnects) for t, kb, reconnects in samples if t >= warmup]
    if len(after) < 3:
        return {"slope_kb_min": None, "growth_kb": None, "kb_per_reconnect": None, "flat": None}
    minutes = [t / 60 for t, _, _ in after]
    slope = statistics.linear_regression(minutes, [kb for _, kb, _ in after]).slope
    growth = slope * (minutes[-1] - minutes[0])
    return {
        "slope_kb_min": slope,
        "growth_kb": growth,
        "kb_per_reconnect": growth / max(1, after[-1][2] - after[0][2]),
        "flat": growth <= after[0][1] * tolerance / 100,
    }


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else None


def soak(args, workdir, children, log):
    """Run the soak; its figures (a dict for the report and --json)."""
    setup_django(workdir)
    seed = seed_demo()
    official = Official(seed, Path(workdir) / "marks.txt")
    name = "channels redis" if args.redis else "channels in-process"
    target, _ = start_channels(children, workdir, official, name, redis=args.redis)
    server_log = Path(workdir) / f"daphne-{urllib.parse.urlsplit(target.urls[0]).port}.log"
    spectators = SoakSpectators(children, args.budget)
    meter = CpuMeter(children)

    log(f"{name}: connecting {args.clients} spectators")
    connected = spectators.connect(TAG, target.urls, args.clients, timeout=max(60, args.clients / 20))
    log(
        f"  {connected['connected']} connected in {connected['seconds']:.1f} s"
        + (f", {connected['failed']} failed: {connected['errors']}" if connected["failed"] else "")
    )

    started = time.monotonic()
    rss = [(0.0, sum(rss_kb(pid) for pid in target.pids), 0)]  # (seconds, KB, reconnects made)
    saves, save_errors = [], []
    churn = max(0, round(args.reconnect_fraction * args.clients))
    away = [0.5, max(0.5, args.save_every)]
    ends = started + 60 * args.minutes
    next_round = started
    log(
        f"soak: {args.minutes} min, a save every {args.save_every} s, {churn} spectators reconnecting per round"
    )
    while next_round < ends:
        spectators.churn(churn, args.save_every, away)
        armed = spectators.arm(TAG)
        try:
            t = target.push()  # the official's save through the admin
        except (RuntimeError, OSError) as error:
            save_errors.append(repr(error)[:300])
            t = None
        if t is not None:
            got = spectators.wait(TAG, timeout=WAIT_TIMEOUT)
            saves.append(
                {
                    "first": got["first"] - t["t0"] if got["first"] else None,
                    "last": got["last"] - t["t0"] if got["last"] else None,
                    "answered": t["answered"] - t["t0"],
                    "armed": armed,
                    "received": got["received"],
                    "missed": got["missed"],
                }
            )
        now = time.monotonic()
        if now - started >= len(rss) * RSS_EVERY:  # on a 10 s grid, whatever the rounds
            status = spectators.status()
            rss.append((now - started, sum(rss_kb(pid) for pid in target.pids), status["reconnected"]))
            if len(rss) % 3 == 1:
                last = saves[-1]["last"] if saves else None
                log(
                    f"  {now - started:5.0f} s: {len(saves)} saves, {status['reconnected']} reconnects, "
                    f"RSS {rss[-1][1] / 1024:.1f} MB, last spectator {fmt(last and 1000 * last)} ms"
                )
        next_round += args.save_every
        time.sleep(max(0.0, next_round - time.monotonic()))
    duration = time.monotonic() - started

    log("settling: every reconnect done, then every spectator on the latest revision")
    settled = spectators.settle(timeout=60)
    latest = latest_revision()
    deadline = time.monotonic() + WAIT_TIMEOUT
    while True:
        status = spectators.status()
        on_latest = status["revisions"].get(str(latest), 0)
        if on_latest >= status["open"] or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    rss.append((time.monotonic() - started, sum(rss_kb(pid) for pid in target.pids), status["reconnected"]))
    foreign = meter.foreign_share()
    server = log_findings(server_log)
    clients_log = Path(workdir) / "clients.log"
    client_errors = (
        clients_log.read_text(errors="replace").strip().splitlines() if clients_log.exists() else []
    )
    return {
        "setup": name,
        "clients": args.clients,
        "connected": connected["connected"],
        "connect_seconds": connected["seconds"],
        "minutes": duration / 60,
        "save_every": args.save_every,
        "saves": len(saves),
        "save_errors": save_errors,
        "per_save": saves,
        "reconnect_fraction": args.reconnect_fraction,
        "reconnects": status["reconnected"],
        "dropped": status["dropped"],
        "reconnect_failed": status["failed"],
        "reconnect_errors": status["errors"],
        "reconnect_median_ms": 1000 * status["reconnect_median"] if status["reconnect_median"] else None,
        "reconnect_max_ms": 1000 * status["reconnect_max"] if status["reconnect_max"] else None,
        "unsettled": settled["churning"],
        "latest_revision": latest,
        "open": status["open"],
        "on_latest": on_latest,
        "revisions": status["revisions"],
        "log_errors": server["errors"],
        "log_warnings": server["warnings"],
        "log_tracebacks": server["tracebacks"],
        "client_errors": client_errors,
        "rss": rss,
        "memory": memory_verdict(rss, args.warmup, args.memory_tolerance),
        "warmup": args.warmup,
        "memory_tolerance": args.memory_tolerance,
        "foreign_cpu": foreign,
    }


def failures(r):
    """What makes the soak fail, one line each."""
    out = []
    if r["on_latest"] < r["clients"]:
        out.append(f"only {r['on_latest']}/{r['clients']} spectators hold the latest revision")
    if r["log_errors"] or r["log_tracebacks"]:
        out.append(f"{len(r['log_errors'])} errors ({r['log_tracebacks']} tracebacks) in the server log")
    if r["client_errors"]:
        out.append("the load generator wrote to its log")
    if r["save_errors"]:
        out.append(f"{len(r['save_errors'])} saves failed")
    if r["reconnect_failed"] or r["unsettled"]:
        out.append(f"{r['reconnect_failed']} reconnects failed, {r['unsettled']} unfinished")
    missed = sum(s["missed"] for s in r["per_save"])
    if missed:
        out.append(f"{missed} frames missed by spectators that stayed connected")
    if r["memory"]["flat"] is False:
        out.append("memory grew")
    return out


def report(r):
    out = [""]
    out.append(
        f"Soak, {r['setup']}: {r['clients']} spectators ({r['connected']} connected in "
        f"{r['connect_seconds']:.1f} s), {r['minutes']:.1f} min, a save every {r['save_every']:g} s"
    )
    out.append(
        f"  saves made          {r['saves']}"
        + (f" ({len(r['save_errors'])} failed: {r['save_errors'][0]})" if r["save_errors"] else "")
    )
    out.append(
        f"  reconnects made     {r['reconnects']} of {r['dropped']} dropped ({r['reconnect_fraction']:g} of the "
        f"spectators per round; {r['reconnect_failed']} failed, {r['unsettled']} unfinished); "
        f"to the state: median {fmt(r['reconnect_median_ms'])} ms, max {fmt(r['reconnect_max_ms'])} ms"
    )
    for error in r["reconnect_errors"]:
        out.append(f"      {error}")
    out.append(
        f"  latest revision     {r['on_latest']}/{r['clients']} spectators hold revision {r['latest_revision']}"
        f" ({r['open']} open; revisions held: {r['revisions']})"
    )
    lasts = [1000 * s["last"] for s in r["per_save"] if s["last"] is not None]
    firsts = [1000 * s["first"] for s in r["per_save"] if s["first"] is not None]
    answered = [1000 * s["answered"] for s in r["per_save"]]
    missed = sum(s["missed"] for s in r["per_save"])
    if lasts:
        out.append(
            f"  commit -> last      median {fmt(statistics.median(lasts))} ms, p95 {fmt(percentile(lasts, 95))} ms,"
            f" max {fmt(max(lasts))} ms (first: median {fmt(statistics.median(firsts))} ms; save answered:"
            f" median {fmt(statistics.median(answered))} ms); frames missed by staying spectators: {missed}"
        )
    out.append(
        f"  server log          {len(r['log_errors'])} errors ({r['log_tracebacks']} tracebacks), "
        f"{len(r['log_warnings'])} warnings"
    )
    for kind, count in error_kinds(r["log_errors"]).most_common(5):
        out.append(f"      x{count} {kind}")
    if r["log_errors"]:
        out.append("      the first one:")
        out.extend(f"        {line}" for line in r["log_errors"][0])
    for line in r["log_warnings"][:3]:
        out.append(f"      {line}")
    for line in r["client_errors"][:10]:
        out.append(f"      load generator: {line}")
    rss = r["rss"]
    m = r["memory"]
    out.append(
        f"  server RSS (MB)     every {RSS_EVERY} s: " + " ".join(f"{kb / 1024:.1f}" for _, kb, _ in rss)
    )
    kbs = [kb for _, kb, _ in rss]
    out.append(
        f"      first {kbs[0] / 1024:.1f}, min {min(kbs) / 1024:.1f}, max {max(kbs) / 1024:.1f}, "
        f"last {kbs[-1] / 1024:.1f} MB; after the first {r['warmup']:g} s: slope {fmt(m['slope_kb_min'])} KB/min,"
        f" growth {fmt(m['growth_kb'])} KB ({fmt(m['kb_per_reconnect'], 2)} KB per reconnect) -> "
        + (
            "not enough samples"
            if m["flat"] is None
            else f"{'flat' if m['flat'] else 'GROWING'} (tolerance {r['memory_tolerance']:g}%)"
        )
    )
    if r["foreign_cpu"] > 0.05:
        out.append(
            f"  (other processes used {100 * r['foreign_cpu']:.0f}% of the CPU meanwhile: latencies noisy)"
        )
    problems = failures(r)
    out.append("FAILED: " + "; ".join(problems) if problems else "PASSED")
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="A round is one save interval: one save, and a fraction of the spectators "
        "leaving and coming back at random moments.",
    )
    parser.add_argument("--clients", type=int, default=1000, help="spectators (default 1000)")
    parser.add_argument("--minutes", type=float, default=5, help="length of the soak (default 5)")
    parser.add_argument(
        "--save-every", type=float, default=3, help="seconds between saves: a round (default 3)"
    )
    parser.add_argument(
        "--reconnect-fraction",
        type=float,
        default=0.1,
        help="share of the spectators that leave and reconnect each round (default 0.1)",
    )
    parser.add_argument("--redis", action="store_true", help="channels-redis pub/sub on a Redis of its own")
    parser.add_argument(
        "--warmup",
        type=float,
        default=120,
        help="seconds before memory must stay flat (default 120: RSS climbs to its plateau in about 90)",
    )
    parser.add_argument(
        "--memory-tolerance",
        type=float,
        default=5,
        help="RSS growth after warm-up allowed, percent (default 5)",
    )
    parser.add_argument(
        "--budget", type=int, help="abort after this many seconds (default: the soak plus 5 minutes)"
    )
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    args.budget = args.budget or int(60 * args.minutes) + 300

    with bounded_run("soak", args.budget) as (workdir, children, log):
        result = soak(args, workdir, children, log)
    print(report(result))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1))
    sys.exit(1 if failures(result) else 0)


if __name__ == "__main__":
    main()

"""Where a daphne process's memory per idle spectator goes (bench/README.md, "Memory per spectator").

    .venv/bin/python bench/memory.py [--clients 1000] [--top 25]

One daphne process serving the benchmark's application (bench/asgi.py) with tracemalloc on
(bench/memory_probe.py); after a warm-up, a dump of what it holds, then --clients idle spectators
(bench/clients.py, each with the standings page's whole state on connect), then another dump.
Printed per spectator: RSS growth (with tracemalloc's own overhead: bench/run.py gives the real
figure), the traced allocations grouped by traceback (the frames in this project, daphne,
autobahn, Twisted, Channels, asyncio), and the gc-tracked objects by type (count, shallow
bytes, the bytes of their instance `__dict__`s).
"""

import argparse
import json
import os
import signal
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.cpu import rss_kb
from bench.official import seed_demo, setup_django
from bench.setups import Spectators, start_channels
from bench.supervisor import bounded_run

# Frames worth showing in a traceback: the packages a connection goes through.
SHOWN = ("championships", "sprintboard", "daphne", "autobahn", "twisted", "channels", "asyncio", "txaio")


def dump(pid, directory, number):
    os.kill(pid, signal.SIGUSR1)
    deadline = time.monotonic() + 120
    while not (directory / f"{number}.done").exists():
        if time.monotonic() > deadline:
            raise RuntimeError("the daphne process did not dump its memory within 120 s")
        time.sleep(0.2)
    snapshot = tracemalloc.Snapshot.load(str(directory / f"{number}.tracemalloc"))
    types = json.loads((directory / f"{number}.types.json").read_text())
    return snapshot, types


def where(traceback):
    """The traceback's frames in the packages a connection goes through, innermost first."""
    frames = []
    for frame in reversed(traceback):  # tracemalloc: oldest first
        parts = Path(frame.filename).parts
        package = next((p for p in parts[::-1] if p in SHOWN), None)
        if package is not None:
            tail = "/".join(parts[parts.index(package) :]) if package in parts else frame.filename
            frames.append(f"{tail}:{frame.lineno}")
    return " < ".join(frames[:4]) or traceback[-1].filename


def report(before, after, clients, rss_before, rss_after, top):
    # Not the probe's own (its list of every object, taken at the dump).
    probe = [tracemalloc.Filter(False, str(Path(__file__).with_name("memory_probe.py")))]
    old_snapshot, old_types = before[0].filter_traces(probe), before[1]
    new_snapshot, new_types = after[0].filter_traces(probe), after[1]
    traced = sum(s.size_diff for s in new_snapshot.compare_to(old_snapshot, "filename"))
    print(
        f"\n{clients} idle spectators: RSS +{(rss_after - rss_before) / clients:.1f} KB each "
        f"(with tracemalloc's overhead), traced +{traced / clients / 1024:.1f} KB each\n"
    )
    print(f"Traced allocations per spectator, by traceback (the top {top}):")
    print(f"{'bytes':>8} {'blocks':>7}  where (innermost first)")
    for stat in new_snapshot.compare_to(old_snapshot, "traceback")[:top]:
        print(f"{stat.size_diff / clients:8.0f} {stat.count_diff / clients:7.2f}  {where(stat.traceback)}")
    print(f"\nTraced allocations per spectator, by file (the top {top}):")
    for stat in new_snapshot.compare_to(old_snapshot, "filename")[:top]:
        print(
            f"{stat.size_diff / clients:8.0f} {stat.count_diff / clients:7.2f}  {stat.traceback[0].filename}"
        )
    print("\ngc-tracked objects per spectator, by type (at least 0.5 per spectator):")
    print(f"{'count':>6} {'shallow':>8} {'__dict__':>8}  type")
    rows = []
    for name, (count, shallow, dict_bytes) in new_types.items():
        old = old_types.get(name, [0, 0, 0])
        delta = [(count - old[0]) / clients, (shallow - old[1]) / clients, (dict_bytes - old[2]) / clients]
        if delta[0] >= 0.5:
            rows.append((delta[1] + delta[2], name, delta))
    for _total, name, (count, shallow, dict_bytes) in sorted(rows, reverse=True):
        print(f"{count:6.2f} {shallow:8.0f} {dict_bytes:8.0f}  {name}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=1000, help="idle spectators to connect")
    parser.add_argument("--top", type=int, default=25, help="lines per table")
    parser.add_argument("--budget", type=int, default=600, help="abort after this many seconds")
    args = parser.parse_args()
    with bounded_run("memory", args.budget) as (workdir, children, log):
        directory = Path(workdir) / "memory"
        directory.mkdir()
        os.environ["BENCH_MEMORY_DIR"] = str(directory)
        try:
            measure(workdir, children, log, directory, args)
        except Exception:
            for child_log in sorted(Path(workdir).glob("*.log")):  # gone with the work directory
                print(f"--- {child_log.name}:\n" + child_log.read_text(errors="replace")[-3000:])
            raise


def measure(workdir, children, log, directory, args):
    """The dumps before and after the spectators connect, then the report."""
    setup_django(workdir)
    seed_demo()
    spectators = Spectators(children, args.budget)
    target, _procs = start_channels(children, workdir, None, "channels in-process")
    pid = target.pids[0]
    # Warm up (imports, templates, the feed's state), as bench/fanout.py does.
    spectators.connect(target.tag, target.urls, 5, 30)
    spectators.close(target.tag)
    time.sleep(0.5)
    rss_before = rss_kb(pid)
    before = dump(pid, directory, 0)
    log(f"connecting {args.clients} spectators")
    # Slow under tracemalloc, and slower on a busy machine: connections may time out (reported).
    result = spectators.connect(target.tag, target.urls, args.clients, timeout=max(240, args.clients / 5))
    if result["failed"]:
        log(f"{result['failed']} connections failed ({', '.join(result['errors'])})")
    time.sleep(1.0)
    rss_after = rss_kb(pid)
    after = dump(pid, directory, 1)
    report(before, after, result["connected"], rss_before, rss_after, args.top)
    spectators.close()


if __name__ == "__main__":
    main()

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
shipped (its consumer on stock Channels; with and without the thread hop on Redis), to verify the known costs
(slow: seconds per save at 3000). bench/README.md says more.
"""

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.fanout import run_phase
from bench.frames import run_frames
from bench.official import Official, seed_demo, setup_django
from bench.render import current_frame, run_render, run_seed_render
from bench.report import report
from bench.setups import Spectators, start_bare, start_channels
from bench.supervisor import bounded_run

# Per run size: spectators on one process, over two, saves per size, fields rendered.
SIZES = {"smoke": "10", "quick": "100,1000", "full": "100,1000,3000"}
TWO_PROCESS_SIZES = {"smoke": "10", "quick": "1000", "full": "1000,3000,5000"}
REPEATS = {"smoke": 2, "quick": 3, "full": 7}
FIELDS = {"smoke": [24], "quick": [24, 100], "full": [24, 100, 500]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer spectators and saves (about a minute)")
    parser.add_argument(
        "--smoke", action="store_true", help="10 spectators, 2 saves, one small field: does every part run"
    )
    parser.add_argument(
        "--parts", default="fanout,redis,frames,render", help="any of fanout,redis,frames,render"
    )
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
    size = "smoke" if args.smoke else "quick" if args.quick else "full"
    sizes = [int(s) for s in (args.sizes or SIZES[size]).split(",")]
    two_sizes = [int(s) for s in (args.two_process_sizes or TWO_PROCESS_SIZES[size]).split(",")]
    args.repeats = args.repeats or REPEATS[size]
    fields = FIELDS[size]
    parts = set(args.parts.split(","))

    fan_rows, render_rows, frame_rows, seed_rows = [], [], [], []
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
                    if not args.smoke:  # the smoke's two processes run Redis as well
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
            if "frames" in parts:
                log("the seed's frames, bytes per spectator")
                frame_rows = run_frames(log)
            if "render" in parts:
                log("save-to-render, the seed's save")
                seed_rows = run_seed_render(REPEATS[size] * 3, log)
                log(f"save-to-render, fields of {fields}")
                render_rows = run_render(fields, 3, log)
        finally:
            print(report(fan_rows, render_rows, args, frame_rows, seed_rows))
            if args.json:
                rows = {"fanout": fan_rows, "render": render_rows, "seed_render": seed_rows}
                Path(args.json).write_text(json.dumps(rows, indent=1))
        log("done")


if __name__ == "__main__":
    main()

"""The fan-out phase: every setup gets the same number of spectators, then saves in turn (bare,
setup, bare, ...); per size, the first and last arrival after the commit, the save's answer,
memory per spectator."""

import statistics
import time

from bench.cpu import CpuMeter, rss_kb, wait_quiet
from bench.report import fmt


def run_phase(phase, children, spectators, targets, sizes, repeats, log):
    """Every target gets the same spectators count, then saves in turn: bare, target, bare, ..."""
    meter = CpuMeter(children)
    # Warm up (imports, templates, caches) before the memory baselines; learn the pushed size.
    pushed_bytes, connect_bytes = 0, {}
    for target in targets:
        connect_bytes[target.tag] = spectators.connect(target.tag, target.urls, 5, 30)["frame_bytes"]
        for _ in range(2):
            spectators.arm(target.tag)
            target.push()
            got = spectators.wait(target.tag)
            if not target.bare:
                # The second save's: the first of a distance also sends its new columns.
                pushed_bytes = got["frame_bytes"]
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
                "connect_bytes": connect_bytes[target.tag],
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


def median_of(samples, key):
    values = [x[key] for x in samples if x[key] is not None]
    return 1000 * statistics.median(values) if values else None

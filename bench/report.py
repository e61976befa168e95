"""The benchmark's report: the fan-out table per phase, the save-to-render table, the goals."""


def fmt(value, digits=1):
    if value is None:
        return "-"
    return f"{value:.{digits}f}" if value < 100 else f"{value:.0f}"


def on_the_wire(row, bits_per_second):
    """ms for one save's frames to every spectator of the row on an uplink of that speed: the
    payload plus its WebSocket header (4 bytes) and TCP/IP headers (52 bytes per 1448-byte segment)."""
    payload = row["frame_bytes"] + 4
    wire = payload + 52 * -(-payload // 1448)
    return 1000 * row["clients"] * wire * 8 / bits_per_second


def report(fan_rows, render_rows, args, frame_rows=(), seed_rows=()):
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
            f"{'answered':>10}{'KB/client':>11}{'bare KB':>9}{'push B':>8}{'connect B':>10}"
            f"{'100M ms':>9}{'1G ms':>7}"
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
                    f"{r['kb_per_client']:>11.1f}{b.get('kb_per_client', 0):>9.1f}{r['frame_bytes']:>8}"
                    f"{r.get('connect_bytes', 0):>10}{fmt(on_the_wire(r, 100e6)):>9}{fmt(on_the_wire(r, 1e9)):>7}{miss}"
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
            "push B / connect B: a save's frame and a connecting standings page's (no state held), bytes per"
            " spectator; 100M / 1G ms: the time the frames of one save take on a 100 Mbit/s or 1 Gbit/s"
            " uplink for these spectators (payload, WebSocket and TCP/IP framing)."
        )
        out.append(
            "Goals: x bare <= 1.5 at 1000 and 3000 (one process, in-process layer and Redis); 5000 over two"
            " processes: last < 200 ms; 16 KB/client or less; a save <= 4 KB, a passing <= 2 KB and a"
            " connect <= 20 KB per spectator."
        )
    if frame_rows:
        out.append("")
        out.append("The seed's frames per spectator (bench/frames.py), raw and deflated (permessage-deflate")
        out.append("without context takeover; not negotiated: bench/README.md)")
        head = f"{'frame':<48}{'bytes':>8}{'deflated':>10}"
        out.append(head)
        out.append("-" * len(head))
        for r in frame_rows:
            out.append(f"{r['frame']:<48}{r['bytes']:>8}{r['deflated']:>10}")
    if seed_rows:
        out.append("")
        out.append("Save-to-render, the seed: a save of pair 1 of the final 1000 m, then what the push does")
        out.append("before its first group_send (read, score, render the frame of distance 4), median")
        head = f"{'languages':>10}{'ms':>10}{'fastest':>9}{'queries':>9}"
        out.append(head)
        out.append("-" * len(head))
        for r in seed_rows:
            out.append(f"{r['languages']:>10}{r['render_ms']:>10.1f}{r['fastest_ms']:>9.1f}{r['queries']:>9}")
    if render_rows:
        out.append("")
        out.append("Save-to-render: live.render_fragments (recompute + every fragment), 4 distances, median")
        head = f"{'skaters':>8}{'ms':>10}{'queries':>9}{'frame KB':>10}"
        out.append(head)
        out.append("-" * len(head))
        for r in render_rows:
            out.append(f"{r['skaters']:>8}{r['render_ms']:>10.1f}{r['queries']:>9}{r['frame_kb']:>10.0f}")
    return "\n".join(out)

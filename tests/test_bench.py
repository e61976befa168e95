"""`bench/run.py --smoke`: every part of the benchmark runs and measures what it says (10
spectators per setup, 2 saves, one small field), in a process of its own as `make bench` runs it."""

import json
import subprocess
import sys

from tests.support.servers import BASE_DIR


def test_the_benchmark_runs_every_part(tmp_path):
    rows = tmp_path / "rows.json"
    env = {"PATH": "/usr/bin:/bin", "PYTHONUNBUFFERED": "1"}  # nothing of the test run's own settings
    run = subprocess.run(
        [sys.executable, "bench/run.py", "--smoke", "--budget", "150", "--json", str(rows)],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    measured = json.loads(rows.read_text())
    fanout = {(r["phase"], r["setup"]): r for r in measured["fanout"]}
    assert sorted(fanout) == [
        ("one daphne, in-process layer", "bare websockets"),
        ("one daphne, in-process layer", "channels in-process"),
        ("two daphne, Redis", "bare websockets"),
        ("two daphne, Redis", "channels redis, 2 processes"),
    ]
    for row in fanout.values():
        assert row["clients"] == 10 and row["delivered"] == 1, row
        assert row["last_ms"] >= row["first_ms"] > 0, row
        if not row["bare"]:
            # The servers' marks arrived: the commit, the rendered frame, the save's answer.
            assert 0 < row["render_ms"] <= row["first_ms"], row
            assert row["answered_ms"] > 0 and row["x_bare"] > 0, row
    assert {r["publishes"] for r in measured["fanout"] if r["publishes"] is not None} == {1}
    [render] = measured["render"]
    assert render["skaters"] == 24 and render["render_ms"] > 0 and render["queries"] > 0
    assert "Save-to-render" in run.stdout and run.stdout.rstrip().endswith("done")

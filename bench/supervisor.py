"""The benchmark's child processes: started with a log each, killed with the benchmark (and by
the kernel should it die), line-protocol children (clients.py, bare_server.py), and the bounded
run every bench/ script starts with."""

import contextlib
import ctypes
import json
import os
import resource
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.support.servers import BASE_DIR as BASE

PY = sys.executable


class BenchTimeout(Exception):
    pass


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
        proc.bench_name, proc.bench_log = name, self.workdir / f"{name}.log"
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

"""What the processes under test use: memory (RSS), CPU ticks, and how busy other processes made
the machine meanwhile."""

import os
import time


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

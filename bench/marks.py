"""Timestamps from inside the servers under test, through hooks Django and Channels offer (no
patching of Sprintboard): BENCH_MARKS names a file that gets one line per event, stamped with
time.monotonic() (one clock for every process on the machine):

    commit <t>       a transaction committed (the database backend, bench/sqlite_marks/)
    send:<lang> <t>  a group_send of the channel layer starts: the frame is rendered (layers.py)
    sent:<lang> <t>  that group_send returned: the frame is with the layer
    http-answer <t>  a POST's HTTP response starts (asgi.py; with BENCH_TRACE=1 only)
"""

import os
import time

MARKS = os.environ.get("BENCH_MARKS")


def mark(event):
    if MARKS:
        stamp = time.monotonic()
        with open(MARKS, "a", encoding="ascii") as f:
            f.write(f"{event} {stamp:.6f}\n")

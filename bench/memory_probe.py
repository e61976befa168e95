"""In a daphne process of bench/memory.py (BENCH_MEMORY_DIR set): on SIGUSR1 a dump into that
directory of what the process holds: the allocations traced since the first dump (tracemalloc,
12 frames deep, started then: from start-up it slows daphne too much) and the gc-tracked objects
counted by type, with their shallow sizes and those of their instance `__dict__`s.
bench/memory.py compares two dumps."""

import gc
import json
import os
import signal
import sys
import tracemalloc
from collections import defaultdict
from pathlib import Path

FRAMES = 12


def install(directory):
    directory = Path(directory)
    dumps = iter(range(1_000_000))

    def dump(_signum, _frame):
        if not tracemalloc.is_tracing():
            tracemalloc.start(FRAMES)
        gc.collect()
        number = next(dumps)
        tracemalloc.take_snapshot().dump(str(directory / f"{number}.tracemalloc"))
        counts = defaultdict(lambda: [0, 0, 0])  # type -> [objects, shallow bytes, __dict__ bytes]
        for obj in gc.get_objects():
            kind = type(obj)
            entry = counts[f"{kind.__module__}.{kind.__qualname__}"]
            entry[0] += 1
            entry[1] += sys.getsizeof(obj)
            if kind.__dictoffset__ and not issubclass(kind, type):  # not isinstance: lazy objects
                # Past any __getattr__/__getattribute__ of the object's own (lazy objects).
                try:
                    instance_dict = object.__getattribute__(obj, "__dict__")
                except AttributeError:  # a few built-in types (typing.TypeVar)
                    instance_dict = None
                if type(instance_dict) is dict:
                    entry[2] += sys.getsizeof(instance_dict)
        (directory / f"{number}.types.json").write_text(json.dumps(counts))
        (directory / f"{number}.done").write_text(str(os.getpid()))

    signal.signal(signal.SIGUSR1, dump)

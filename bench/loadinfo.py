"""What every benchmark prints about the machine it ran on: load average and CPU time (issue 17).

The machine is shared (2 cores, several people's builds and test suites), so a wall-clock number
alone says as much about the neighbours as about OccuGraph. ``start()`` prints the load average
and registers a line at exit with the load average again and the CPU seconds this process and its
finished children used, so a reader can tell a slow run on a busy machine from a regression.

>>> "load average" in line("x")
True
"""

from __future__ import annotations

import atexit
import os
import resource
import sys
import time

_T0 = time.perf_counter()


def cpu_seconds() -> float:
    """User + system CPU seconds of this process and of its children that have finished."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def line(label: str) -> str:
    la = os.getloadavg()
    return (
        f"[{label}] load average {la[0]:.2f} {la[1]:.2f} {la[2]:.2f} on {os.cpu_count()} CPUs; "
        f"CPU {cpu_seconds():.1f} s in {time.perf_counter() - _T0:.0f} s wall"
    )


def start(name: str) -> None:
    """Print the machine line now (stderr, so tables on stdout stay clean) and again at exit."""
    print(line(f"{name} start"), file=sys.stderr, flush=True)
    atexit.register(lambda: print(line(f"{name} end"), file=sys.stderr, flush=True))

"""SHACL on the real data, every triple against only those a shape can read (issue 17).

graph/build/shape_reach.py hands the engine only the data lines whose predicate a shape names;
this runs ``shacl_results`` both ways on this checkout's dist/occugraph.nt (build first),
alternating, three times each, and prints the medians of wall and CPU seconds and the number of
results (tests/test_shape_reach.py shows they are the same results on faulty data).

    nice .venv/bin/python bench/bench_shacl_reach.py
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
import time
from pathlib import Path

from rdflib import Graph

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from graph.build.pipeline import shacl_results  # noqa: E402


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main() -> int:
    shapes, tbox = Graph(), Graph()
    for ttl in sorted((ROOT / "ontology" / "shapes").glob("*.ttl")):
        shapes.parse(ttl)
    for ttl in sorted((ROOT / "ontology").glob("*.ttl")):
        tbox.parse(ttl)
    data = (ROOT / "dist" / "occugraph.nt").read_bytes()
    runs: dict[bool, list[tuple[float, float, int]]] = {False: [], True: []}
    print("load average at start", [round(x, 2) for x in os.getloadavg()])
    for _rep in range(3):
        for only in (False, True):
            c, t = cpu(), time.perf_counter()
            out = shacl_results(data, shapes, tbox, reachable_only=only)
            runs[only].append((time.perf_counter() - t, cpu() - c, len(out)))
    for only, rs in runs.items():
        wall = statistics.median(r[0] for r in rs)
        used = statistics.median(r[1] for r in rs)
        each = " / ".join(f"{r[1]:.2f}" for r in rs)
        name = "reachable only" if only else "every triple"
        print(f"{name}: wall median {wall:.2f} s, CPU median {used:.2f} s (each {each}), results {rs[0][2]}")
    print("load average at end", [round(x, 2) for x in os.getloadavg()])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

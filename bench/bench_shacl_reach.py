"""SHACL on the real data, every triple against only those a shape can read (issue 17).

graph/build/shape_reach.py hands the engine only the data lines whose predicate a shape names;
this runs ``shacl_results`` both ways on this checkout's dist/occugraph.nt (build first),
alternating, three times each, and prints the medians of wall and CPU seconds and the number of
results (tests/test_shape_reach.py shows they are the same results on faulty data).

    nice .venv/bin/python bench/bench_shacl_reach.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import loadinfo  # noqa: E402

from graph.build.pipeline import read_ontology, shacl_results  # noqa: E402


def main() -> int:
    loadinfo.start("bench_shacl_reach")
    tbox, shapes = read_ontology(ROOT)
    data = (ROOT / "dist" / "occugraph.nt").read_bytes()
    runs: dict[bool, list[tuple[float, float, int]]] = {False: [], True: []}
    for _rep in range(3):
        for only in (False, True):
            c, t = loadinfo.cpu_seconds(), time.perf_counter()
            out = shacl_results(data, shapes, tbox, reachable_only=only)
            runs[only].append((time.perf_counter() - t, loadinfo.cpu_seconds() - c, len(out)))
    for only, rs in runs.items():
        wall = statistics.median(r[0] for r in rs)
        used = statistics.median(r[1] for r in rs)
        each = " / ".join(f"{r[1]:.2f}" for r in rs)
        name = "reachable only" if only else "every triple"
        print(f"{name}: wall median {wall:.2f} s, CPU median {used:.2f} s (each {each}), results {rs[0][2]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Search alone at 1x and 10x: the label queries of bench_classify_scale.py on a process that holds
only the search indexes (before and now), no classifier.

    .venv/bin/python bench/bench_search_alone.py STORE [--before REV]

bench_classify_scale.py times search in a process that also holds two classifiers (about 1.5 GB
at 10x), where the median search at 10x is dominated by memory the classifiers' data pushed out
of the caches; this times the same 200 names and 40 fixed texts (without the 60 recruiting
titles, which the classifier answers) on the search index alone, best of 3 in thread CPU time,
before and now in turn, and checks that the answers are the same. One store per process.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_classify_scale import RECRUITING_TEXTS, modules_at, workload  # noqa: E402

from graph.classification.queries import Kinds, Q, SearchIndex  # noqa: E402
from graph.store.embedded import EmbeddedStore  # noqa: E402
from graph.store.sparql import select  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("store", type=Path)
    ap.add_argument("--names-from", type=Path, default=ROOT / "var" / "store")
    ap.add_argument("--before", metavar="REV")
    args = ap.parse_args(argv)
    try:
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    except (AttributeError, OSError):
        pass
    _titles, _sample, queries = workload(EmbeddedStore(args.names_from), random.Random(17))
    queries = queries[:-RECRUITING_TEXTS]
    store = EmbeddedStore(args.store)
    rows, kinds = select(store, Q.search_index), Kinds.load(store)
    indexes = {"now": SearchIndex(rows, kinds)}
    if args.before:
        indexes = {"before": modules_at(args.before)[0].SearchIndex(rows, kinds), **indexes}  # type: ignore[attr-defined]
    times: dict[str, list[float]] = {k: [] for k in indexes}
    for q in queries:
        for k, ix in indexes.items():
            best = float("inf")
            for _ in range(3):
                t0 = time.thread_time()
                ix.search(q, limit=20)
                best = min(best, time.thread_time() - t0)
            times[k].append(best * 1000)
    report: dict[str, object] = {
        "store": str(args.store),
        "queries": len(queries),
        "fields": len(indexes["now"].fields),
    }
    for k, ms in times.items():
        ms.sort()
        report[k] = {"median_ms": round(statistics.median(ms), 4), "p95_ms": round(ms[int(0.95 * (len(ms) - 1))], 4)}
    if args.before:
        report["answers_differing"] = sum(indexes["before"].search(q) != indexes["now"].search(q) for q in queries)
    report["load_average_1"] = round(os.getloadavg()[0], 2)
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

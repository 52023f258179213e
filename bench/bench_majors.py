"""The majors list (issue 18's paged /majors): the catalogue query per request against the list kept
per store generation and narrowed per request (server/resources.get_majors, schools.filter_majors).

Not part of the test suite. Run from the checkout, after a build (``make build``):

    .venv/bin/python bench/bench_majors.py [--store var/store] [--runs 7]

Both sides in one run, one after the other, medians of ``--runs`` (after one warm-up each).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from graph.schools import majors as schools
from graph.store.embedded import EmbeddedStore
from server import create_app


def median_ms(f: Callable[[], object], runs: int) -> float:
    f()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return round(statistics.median(times) * 1000, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=Path("var/store"))
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    store = EmbeddedStore(args.store)
    client = create_app({"TESTING": True, "STORE": store, "QUERY_WORKERS": 0}).test_client()
    rows = [
        ("queries per request (catalogue + tiers), as before", lambda: (schools.majors(store), schools.tiers(store))),
        ("GET /majors (first page of 100)", lambda: client.get("/majors")),
        ("GET /majors?q=人工智能", lambda: client.get("/majors?q=人工智能")),
        ("GET /api/majors (all, JSON)", lambda: client.get("/api/majors")),
    ]
    print("| what | median ms |\n|---|---:|")
    for name, f in rows:
        print(f"| {name} | {median_ms(f, args.runs)} |")


if __name__ == "__main__":
    main()

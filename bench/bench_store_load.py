"""What loading the built N-Triples into a pyoxigraph store costs on its own (issue 17's build floor).

    .venv/bin/python bench/bench_store_load.py [--nt dist/occugraph.nt] [--reps 3]

The build's store step (graph/store/embedded.py, ``load_new_store``) bulk-loads the sorted
N-Triples into a fresh on-disk store and compacts it. This runs that step alone, in this
process, against the same triples loaded in parts (20,000 lines each, as a build that loads
reader by reader while it reads would hand them over) and into an in-memory store (which the
build cannot use: the server reads the store from disk). Wall and CPU seconds (the process's,
which counts pyoxigraph's own threads), medians of ``--reps`` runs, alternated.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))
import loadinfo  # noqa: E402

from graph.store.embedded import load_new_store  # noqa: E402

GRAPH = ox.NamedNode("https://example.org/bench-graph")
PART_LINES = 20_000


def on_disk(data: bytes, folder: Path) -> int:
    """The build's own step (graph/store/embedded.py), into ``folder``/stores/bench."""
    return len(ox.Store.read_only(str(load_new_store(folder, "bench", [(GRAPH.value, data)]))))


def on_disk_in_parts(data: bytes, folder: Path) -> int:
    lines = data.splitlines(keepends=True)
    store = ox.Store(str(folder))
    for i in range(0, len(lines), PART_LINES):
        store.bulk_load(b"".join(lines[i : i + PART_LINES]), format=ox.RdfFormat.N_TRIPLES, to_graph=GRAPH)
    store.optimize()
    store.flush()
    return len(store)


def in_memory(data: bytes, _folder: Path) -> int:
    store = ox.Store()
    store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=GRAPH)
    return len(store)


WAYS: dict[str, Callable[[bytes, Path], int]] = {
    "on disk, one bulk load (the build)": on_disk,
    f"on disk, in parts of {PART_LINES:,} lines": on_disk_in_parts,
    "in memory (not usable by the build)": in_memory,
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nt", type=Path, default=ROOT / "dist" / "occugraph.nt")
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args(argv)
    if not args.nt.is_file():
        print(f"bench_store_load: {args.nt} not found; run `occugraph build` first", file=sys.stderr)
        return 2
    data = args.nt.read_bytes()
    loadinfo.start("bench_store_load")
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in WAYS}
    triples = 0
    for rep in range(args.reps):
        for name, way in WAYS.items():
            folder = Path(tempfile.mkdtemp(prefix="bench-store-load-"))
            try:
                wall, cpu = time.perf_counter(), time.process_time()
                triples = way(data, folder / "store")
                times[name].append((time.perf_counter() - wall, time.process_time() - cpu))
            finally:
                shutil.rmtree(folder, ignore_errors=True)
            wall, cpu = times[name][-1]
            print(f"{name}, run {rep + 1}: {wall:.2f} s wall, {cpu:.2f} s CPU", file=sys.stderr)
    print(f"\n{triples:,} triples ({len(data) / 2**20:.1f} MiB of N-Triples), {args.reps} runs each, alternated\n")
    print("| load | wall s (median) | CPU s (median) | CPU s (each) |")
    print("|---|---:|---:|---|")
    for name, runs in times.items():
        print(
            f"| {name} | {statistics.median(w for w, _ in runs):.2f} | {statistics.median(c for _, c in runs):.2f} "
            f"| {' / '.join(f'{c:.2f}' for _, c in runs)} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

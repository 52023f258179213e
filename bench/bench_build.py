"""Build time before and after, alternating in one run (issue 17): wall and CPU seconds, medians.

Each build is a fresh process running ``graph.build.pipeline.build`` on a copy of a checkout's
``ontology/`` and ``standards/`` (so both read the same sources when they are the same) into a
temporary folder, with that checkout first on PYTHONPATH. Builds alternate (before, now, before,
now, ...) so that a change in the machine's load hits both. CPU seconds (user + system of the
build process) is the number to compare on a shared machine; wall seconds are reported with the
load average at each build's start.

    .venv/bin/python bench/bench_build.py --before /tmp/before --reps 3
    .venv/bin/python bench/bench_build.py --reps 3               # this checkout only
    .venv/bin/python bench/bench_build.py --before /tmp/before --no-change   # rebuilds of unchanged sources
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
import loadinfo  # noqa: E402

CODE = (
    "import inspect, sys; from pathlib import Path; from graph.build.pipeline import build; "
    "cache = {'reuse': True, 'keep': True} if sys.argv[3] == 'reuse' "
    "and 'keep' in inspect.signature(build).parameters else {}; "
    "r = build(root=Path(sys.argv[1]), var_dir=Path(sys.argv[2]) / 'var', dist=Path(sys.argv[2]) / 'dist', **cache); "
    "print('TRIPLES', r.triples)"
)


def one_build(tree: Path, sources: Path, no_change: bool = False) -> tuple[float, float, int, str]:
    """(wall s, CPU s, triples, step lines) of one build of ``sources`` by the code in ``tree``;
    with ``no_change``, of a second build of the same sources into the same folder as a first
    one, both as ``occugraph build`` runs them (reusing a kept build where the code can)."""
    out = Path(tempfile.mkdtemp(prefix="occugraph-bench-build-"))
    mode = "reuse" if no_change else "cold"

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", CODE, str(sources), str(out), mode],
            cwd=tree,
            env={**os.environ, "PYTHONPATH": str(tree)},
            capture_output=True,
            text=True,
        )

    if no_change:
        first = run()
        if first.returncode != 0:
            raise SystemExit(f"build in {tree} failed:\n{first.stderr[-2000:]}")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = run()
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    shutil.rmtree(out, ignore_errors=True)
    if proc.returncode != 0:
        raise SystemExit(f"build in {tree} failed:\n{proc.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    triples = int(proc.stdout.split("TRIPLES", 1)[1].split()[0])
    return wall, cpu, triples, proc.stderr


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--before", type=Path, help="an older checkout to build alternately with this one")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument(
        "--no-change",
        action="store_true",
        help="time a rebuild of unchanged sources (after a first build into the same folder) instead of a cold build",
    )
    args = ap.parse_args(argv)
    loadinfo.start("bench_build")
    trees = {"now": ROOT} | ({"before": args.before.resolve()} if args.before else {})
    copies = {}
    for name, tree in trees.items():  # each checkout builds its own sources (ontology and all)
        src = Path(tempfile.mkdtemp(prefix=f"occugraph-src-{name}-"))
        shutil.copytree(tree / "ontology", src / "ontology")
        shutil.copytree(tree / "standards", src / "standards")
        copies[name] = src
    runs: dict[str, list[tuple[float, float, int, float]]] = {n: [] for n in trees}
    last_steps = {}
    for rep in range(args.reps):
        for name in sorted(trees, reverse=rep % 2 == 1):
            la = os.getloadavg()[0]
            wall, cpu, triples, steps = one_build(trees[name], copies[name], args.no_change)
            runs[name].append((wall, cpu, triples, la))
            last_steps[name] = steps
            print(f"{name}: wall {wall:.1f} s, CPU {cpu:.1f} s, {triples} triples, load {la:.1f}", flush=True)
    print("\n| build | triples | wall s (median) | CPU s (median) | CPU s (each) | load at start |")
    print("|---|---:|---:|---:|---|---|")
    for name, rs in runs.items():
        print(
            f"| {name} | {rs[0][2]:,} | {statistics.median(r[0] for r in rs):.1f} | "
            f"{statistics.median(r[1] for r in rs):.1f} | {' / '.join(f'{r[1]:.1f}' for r in rs)} | "
            f"{' / '.join(f'{r[3]:.1f}' for r in rs)} |"
        )
    for name, steps in last_steps.items():
        print(f"\nsteps of the last '{name}' build:\n```\n{steps.strip()}\n```")
    for src in copies.values():
        shutil.rmtree(src, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmarks of the editing workflow (issue 8): validate, diff between two full releases, reasoning.

Works on a temporary copy of this checkout's ontology/ and standards/, so the checkout's
releases/ are not touched. Prints a Markdown table for docs/benchmarks.md.

    .venv/bin/python bench/bench_workflow.py            # everything
    .venv/bin/python bench/bench_workflow.py --skip-reason
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
import loadinfo  # noqa: E402

sys.path.insert(0, str(ROOT))


def copy_project(dest: Path) -> Path:
    shutil.copytree(ROOT / "ontology", dest / "ontology")
    shutil.copytree(ROOT / "standards", dest / "standards", ignore=shutil.ignore_patterns("upstream"))
    return dest


def edit_for_second_release(project: Path) -> str:
    """Rename 20 occupations, change 50 definitions, deprecate 5 (replaced by a sibling)."""
    entries = project / "standards/classification/entries.tsv"
    lines = entries.read_text(encoding="utf-8").splitlines(keepends=True)
    occupations = [i for i, line in enumerate(lines) if "\toccupation\t" in line]
    for i in occupations[:20]:
        cells = lines[i].rstrip("\n").split("\t")
        cells[2] += "（更名）"
        lines[i] = "\t".join(cells) + "\n"
    for i in occupations[20:70]:
        cells = lines[i].rstrip("\n").split("\t")
        cells[4] = (cells[4] or "定义") + "（修订）"
        lines[i] = "\t".join(cells) + "\n"
    entries.write_text("".join(lines), encoding="utf-8")
    deps = project / "standards/deprecations/deprecations.tsv"
    codes = [lines[i].split("\t")[0] for i in occupations[100:110]]
    rows = [f"{codes[k]}\t{codes[k + 1]}\tbenchmark: merged\t2026-06-01\tbenchmark\n" for k in range(0, 10, 2)]
    deps.write_text(deps.read_text(encoding="utf-8") + "".join(rows), encoding="utf-8")
    return "20 renamed, 50 definitions changed, 5 deprecated"


def timed(label: str, results: list[tuple[str, str, float, str]], command: str, fn):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    value = fn()
    seconds = time.perf_counter() - started
    results.append((label, command, seconds, ""))
    print(f"{label}: {seconds:.1f}s", file=sys.stderr, flush=True)
    return value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-reason", action="store_true")
    args = parser.parse_args()
    loadinfo.start("bench_workflow")  # load average and CPU time, start and end (shared machine)

    from graph.build.pipeline import compile_sources
    from graph.workflow.diff import compute
    from graph.workflow.reason import reason
    from graph.workflow.release import cut_release
    from graph.workflow.snapshot import find_release, release_snapshot
    from graph.workflow.validate import validate

    results: list[tuple[str, str, float, str]] = []
    with tempfile.TemporaryDirectory(prefix="occugraph-bench-") as tmp:
        project = copy_project(Path(tmp) / "project")
        v = timed(
            "validate (sources, SHACL, QC rules, identifiers)", results, "occugraph validate", lambda: validate(project)
        )
        triples = v.report.triples
        for name, seconds in v.report.timings.items():
            results.append((f"  of which {name}", "", seconds, ""))

        timed(
            "release v1 without reasoning",
            results,
            "occugraph release v1 --date 2026-01-01 --no-reason",
            lambda: cut_release("v1", "2026-01-01", root=project, reason=False),
        )
        changes = edit_for_second_release(project)
        timed(
            f"release v2 without reasoning ({changes})",
            results,
            "occugraph release v2 --date 2026-06-01 --no-reason",
            lambda: cut_release("v2", "2026-06-01", root=project, reason=False),
        )
        releases = project / "releases"
        old = timed("diff: read release v1", results, "", lambda: release_snapshot(find_release(releases, "v1")))
        new = timed("diff: read release v2", results, "", lambda: release_snapshot(find_release(releases, "v2")))
        diff = timed("diff: compare v1 and v2", results, "", lambda: compute(old, new))
        timed("diff: render Markdown and JSON", results, "", lambda: (diff.to_markdown(), diff.to_json()))
        started = time.perf_counter()
        compute(release_snapshot(find_release(releases, "v1")), release_snapshot(find_release(releases, "v2")))
        results.append(
            (
                "diff v1 v2, end to end (in process)",
                "occugraph diff v1 v2",
                time.perf_counter() - started,
                f"{len(diff.entities)} entities changed",
            )
        )

        if not args.skip_reason:
            compiled = compile_sources(project)
            r = timed(
                "reasoning: HermiT + OWL 2 DL profile, full graph",
                results,
                "occugraph reason",
                lambda: reason(compiled, project),
            )
            for name, seconds in r.timings.items():
                results.append((f"  of which {name}", "", seconds, ""))
            assert r.outcome is not None
            results.append(
                ("  (HermiT input)", "", 0.0, f"{r.outcome.input_triples} triples, {len(r.inferred)} inferred")
            )
            timed(
                "reasoning: HermiT over the TBox only",
                results,
                "occugraph reason --tbox-only --no-profile",
                lambda: reason(compiled, project, abox="none", profile=False),
            )

    print(
        f"\nGraph: {triples} triples. Machine: {platform.machine()}, {os.cpu_count()} cores "
        f"(shared), Python {platform.python_version()}.\n"
    )
    print("| what | command | seconds | note |")
    print("|---|---|---:|---|")
    for label, command, seconds, note in results:
        shown = f"{seconds:.2f}" if seconds else ""
        print(f"| {label} | {f'`{command}`' if command else ''} | {shown} | {note} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

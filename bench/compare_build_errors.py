"""Build every invalid fixture (and the valid fixture project) with two checkouts and compare how
each build ends: exit code and error text with file:line (issue 17: a faster build must fail
exactly as before).

    .venv/bin/python bench/compare_build_errors.py /tmp/build-before .

Each build runs ``tests/fixture_project.py PROJECT build --quiet`` of its checkout in a fresh copy
of the fixture project (tests/fixture_project.py's ``make_project`` and ``apply_invalid``), from
the project's parent folder so that paths in messages read the same for both.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from fixture_project import Invalid, apply_invalid, invalid_fixtures, make_project  # noqa: E402


def ending(tree: Path, case: Invalid | None) -> tuple[int, str]:
    tmp = Path(tempfile.mkdtemp(prefix="occugraph-errors-"))
    try:
        project = make_project(tmp / "project")
        if case is not None:
            apply_invalid(project, case)
        proc = subprocess.run(
            [sys.executable, str(tree / "tests/fixture_project.py"), str(project), "build", "--quiet"],
            capture_output=True,
            text=True,
            cwd=tmp,
            env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        )
        return proc.returncode, proc.stderr.replace(str(project), "PROJECT")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str]) -> int:
    before, now = (Path(a).resolve() for a in argv[:2])
    cases: list[Invalid | None] = [None, *invalid_fixtures()]
    different = 0
    for case in cases:
        name = "valid project" if case is None else str(case.fixture.relative_to(case.fixture.parents[1]))
        a, b = ending(before, case), ending(now, case)
        last = (a[1].strip().splitlines() or [""])[-1][:140]
        if a == b:
            print(f"same      {name}: exit {a[0]} {last}", flush=True)
        else:
            different += 1
            print(f"DIFFERENT {name}:\n--- before (exit {a[0]})\n{a[1]}\n--- now (exit {b[0]})\n{b[1]}", flush=True)
    print(f"{len(cases) - different} same, {different} different")
    return 1 if different else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

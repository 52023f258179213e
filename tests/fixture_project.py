"""A small, complete OccuGraph project for the workflow tests, made from tests/data/valid/.

The project uses the real ``ontology/`` (TBox, shapes, QC rules) and the real column
dictionaries (``standards/<set>/columns.tsv``), with the small data files of
``tests/data/valid/standards/<set>/``. Only the readers of the file sets present there run, so
the project stays valid when other file sets are added to the repository.

``tests/data/invalid/<path>/<stem>--<fault>.<ext>`` replaces ``<path>/<stem>.<ext>`` (or is added
when there is no such file); ``tests/data/invalid/expected.tsv`` says where the error must be
reported and what it must say.

Run as a script to use the CLI on such a project in a subprocess (the kill tests)::

    python tests/fixture_project.py PROJECT build --quiet
"""

from __future__ import annotations

import csv
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
VALID = DATA / "valid"
INVALID = DATA / "invalid"


def make_project(dest: Path) -> Path:
    """Copy the valid fixture project to ``dest`` (real ontology/ and column dictionaries)."""
    shutil.copytree(ROOT / "ontology", dest / "ontology")
    for folder in sorted((VALID / "standards").iterdir()):
        shutil.copytree(folder, dest / "standards" / folder.name)
        shutil.copy(ROOT / "standards" / folder.name / "columns.tsv", dest / "standards" / folder.name)
    return dest


def fixture_readers(root: Path):  # type: ignore[no-untyped-def]
    """The registered readers whose file set the project has, in build order."""
    from graph.build.sources import readers

    return [(name, reader) for name, reader in readers() if (root / "standards" / name).is_dir()]


def only_project_readers(monkeypatch, project: Path) -> None:  # type: ignore[no-untyped-def]
    """Make every build, validation, release and approval in this test read only the file sets
    the project has (as the subprocess runner below does)."""
    import graph.build.pipeline

    original = graph.build.pipeline.readers
    monkeypatch.setattr(
        graph.build.pipeline, "readers", lambda: [(n, r) for n, r in original() if (project / "standards" / n).is_dir()]
    )


@dataclass(frozen=True)
class Invalid:
    fixture: Path  # the file under tests/data/invalid/
    target: str  # the project file it replaces or adds, relative to the project
    location: str  # where the error must be reported (file:line, or file)
    message: str  # a piece of the expected message


def invalid_fixtures() -> list[Invalid]:
    out = []
    with (INVALID / "expected.tsv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            rel = Path(row["fixture"])
            stem, _, _fault = rel.stem.partition("--")
            target = str(rel.with_name(stem + rel.suffix))
            if rel.parts[0] != "ontology":
                target = str(Path("standards") / target)
            out.append(Invalid(INVALID / rel, target, row["location"], row["message"]))
    return out


def apply_invalid(project: Path, case: Invalid) -> None:
    target = project / case.target
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(case.fixture, target)


def main(argv: list[str]) -> int:
    """``fixture_project.py PROJECT COMMAND ...``: the CLI with only the project's readers."""
    import os

    project = Path(argv[0]).resolve()
    os.environ["OCCUGRAPH_ROOT"] = str(project)
    import graph.build.pipeline

    original = graph.build.pipeline.readers
    graph.build.pipeline.readers = lambda: [(n, r) for n, r in original() if (project / "standards" / n).is_dir()]
    from graph.cli.main import main as cli_main

    return cli_main(argv[1:])


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main(sys.argv[1:]))

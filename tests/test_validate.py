"""occugraph validate: valid and invalid fixtures per source file kind, file:line locations,
the identifier-persistence check, and the command's exit codes.

Each invalid fixture (tests/data/invalid/, named after its fault) replaces one file of the valid
fixture project; tests/data/invalid/expected.tsv says at which file:line the error must appear
and what it must say.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fixture_project import (
    INVALID,
    ROOT,
    VALID,
    Invalid,
    apply_invalid,
    fixture_readers,
    invalid_fixtures,
    make_project,
    only_project_readers,
)

from graph.workflow.validate import Report, validate

CASES = invalid_fixtures()


def run(project: Path, **kwargs: object) -> Report:
    return validate(project, reader_list=fixture_readers(project), **kwargs).report  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_project(tmp_path_factory.mktemp("valid") / "project")


def test_valid_fixture_project_has_no_errors(project: Path):
    report = run(project)
    assert report.ok, report.render_text()
    assert report.triples > 100


@pytest.mark.parametrize("case", CASES, ids=lambda c: str(c.fixture.relative_to(INVALID)))
def test_invalid_fixture_is_reported_at_its_row(case: Invalid, tmp_path: Path):
    project = make_project(tmp_path / "project")
    apply_invalid(project, case)
    report = run(project)
    assert not report.ok
    hits = [f for f in report.errors if f.location == case.location and re.search(case.message, f.line())]
    assert hits, f"expected {case.location}: /{case.message}/ in\n{report.render_text()}"


def test_every_invalid_fixture_is_named_after_its_fault_and_expected():
    listed = {str(c.fixture.relative_to(INVALID)) for c in CASES}
    on_disk = {str(p.relative_to(INVALID)) for p in INVALID.rglob("*") if p.is_file() and p.name != "expected.tsv"}
    assert listed == on_disk
    assert all("--" in Path(name).stem for name in on_disk)


def test_every_source_file_kind_has_valid_and_invalid_fixtures():
    kinds = {str(p.relative_to(VALID / "standards").with_suffix("")) for p in (VALID / "standards").rglob("*.tsv")}
    covered = {
        str(Path(c.target).relative_to("standards").with_suffix("")) for c in CASES if c.target.startswith("standards/")
    }
    # header-only files (work types) and data files are all covered; so is the column dictionary
    assert kinds - covered == set(), f"no invalid fixture for {sorted(kinds - covered)}"
    assert any(c.target.endswith("columns.tsv") for c in CASES)
    assert {Path(c.target).parent.as_posix() for c in CASES if c.target.startswith("ontology")} >= {
        "ontology",
        "ontology/shapes",
        "ontology/qc",
    }


def test_source_problems_are_all_reported_in_one_run(tmp_path: Path):
    project = make_project(tmp_path / "project")
    labels = project / "standards/classification/labels.tsv"
    labels.write_text(
        labels.read_text(encoding="utf-8") + "2-02-38-01\t\tbogus\teditor\n9-99-99-99\tx\talt\teditor\n",
        encoding="utf-8",
    )
    report = run(project)
    where = sorted(f.location for f in report.errors)
    assert "standards/classification/labels.tsv:5" in where  # empty label and bad type on the same row
    assert len([w for w in where if w.startswith("standards/classification/labels.tsv:5")]) == 2


def test_qc_warnings_point_at_the_entity_row(project: Path, tmp_path: Path):
    copy = shutil.copytree(project, tmp_path / "p")
    tasks = copy / "standards/classification/tasks.tsv"
    tasks.write_text(
        "".join(
            line
            for line in tasks.read_text(encoding="utf-8").splitlines(keepends=True)
            if not line.startswith("2-02-38-02\t")
        ),
        encoding="utf-8",
    )
    report = run(copy)
    assert report.ok
    found = [f for f in report.findings if f.check == "qc:occupation-without-tasks"]
    assert [(f.severity, f.location) for f in found] == [("WARN", "standards/classification/entries.tsv:6")]
    assert "2-02-38-02 物联网工程技术人员" in found[0].message


def test_a_disappeared_identifier_is_an_error_and_deprecation_is_the_way_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from graph.workflow.release import cut_release

    project = make_project(tmp_path / "project")
    only_project_readers(monkeypatch, project)
    cut_release("v1", "2026-01-01", root=project, reason=False)
    entries = project / "standards/classification/entries.tsv"
    original = entries.read_text(encoding="utf-8")
    entries.write_text(
        "".join(line for line in original.splitlines(keepends=True) if not line.startswith("2-02-38-02\t")),
        encoding="utf-8",
    )
    for name in ("tasks.tsv", "labels.tsv"):
        f = project / "standards/classification" / name
        f.write_text(
            "".join(
                line
                for line in f.read_text(encoding="utf-8").splitlines(keepends=True)
                if not line.startswith("2-02-38-02\t")
            ),
            encoding="utf-8",
        )
    deps = project / "standards/deprecations/deprecations.tsv"
    deps.write_text(deps.read_text(encoding="utf-8").replace("\t2-02-38-02\t", "\t2-02-38-01\t"), encoding="utf-8")
    report = run(project)
    gone = [f for f in report.errors if f.check == "identity"]
    assert len(gone) == 1, report.render_text()
    assert "2-02-38-02 物联网工程技术人员" in gone[0].message and "release v1" in gone[0].message
    assert "deprecations.tsv" in gone[0].message

    # keeping the row and deprecating it instead passes
    entries.write_text(original, encoding="utf-8")
    deps.write_text(
        deps.read_text(encoding="utf-8") + "2-02-38-02\t2-02-38-01\tmerged (test)\t2026-02-01\t\n", encoding="utf-8"
    )
    report = run(project)
    assert report.ok, report.render_text()


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "tests/fixture_project.py"), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


def test_cli_validate_exit_codes_and_formats(tmp_path: Path):
    project = make_project(tmp_path / "project")
    ok = _cli(str(project), "validate", "--quiet")
    assert ok.returncode == 0, ok.stderr + ok.stdout
    assert "validation passed: 0 error(s)" in ok.stdout

    case = next(c for c in CASES if c.fixture.name == "tasks--unknown-code.tsv")
    apply_invalid(project, case)
    bad = _cli(str(project), "validate", "--quiet")
    assert bad.returncode == 1
    assert "standards/classification/tasks.tsv:7: ERROR [source] unknown code 9-99-99-99" in bad.stdout

    as_json = _cli(str(project), "validate", "--quiet", "--format", "json")
    data = json.loads(as_json.stdout)
    assert data["ok"] is False and data["counts"]["ERROR"] >= 1
    assert {"severity", "check", "message", "location", "entity"} <= set(data["findings"][0])

    out = tmp_path / "report.md"
    md = _cli(str(project), "validate", "--quiet", "--format", "markdown", "--output", str(out))
    assert md.returncode == 1
    assert out.read_text(encoding="utf-8").startswith("# OccuGraph validation report")


ONTOLOGY_CASES = [c for c in CASES if c.target.startswith("ontology")]


@pytest.mark.parametrize("case", ONTOLOGY_CASES, ids=lambda c: str(c.fixture.relative_to(INVALID)))
def test_cli_build_reports_a_bad_ontology_file_without_a_traceback(case: Invalid, tmp_path: Path):
    """`occugraph build` reports where validate does, as a message: a bad QC profile was a Python
    traceback (the build reads the profile only when it runs the rules)."""
    project = make_project(tmp_path / "project")
    apply_invalid(project, case)
    r = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "fixture_project.py"), str(project), "build", "--quiet"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert "build failed" in r.stderr and case.location in r.stderr, r.stderr  # at the file:line validate names
    assert not (project / "var" / "store").exists()  # nothing swapped in

"""One broken row is reported once, at its file:line, with what fails because of it summarised.

On the real sources (issue 19): a bad code and an empty name in entries.tsv used to give 4,732
errors in nine files; deleting one occupation's row gave hundreds, and the "[identity]" error
appeared only once every row referring to it was gone too.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from graph.workflow.validate import validate

ROOT = Path(__file__).resolve().parents[1]
ENTRIES = "standards/classification/entries.tsv"
AI_LINE = 303  # 2-02-38-01 人工智能工程技术人员 in the real entries.tsv


def project_with_entries(tmp: Path, edit) -> Path:  # type: ignore[no-untyped-def]
    """The real project with its own copy of standards/classification (the rest linked)."""
    project = tmp / "project"
    (project / "standards").mkdir(parents=True)
    (project / "ontology").symlink_to(ROOT / "ontology", target_is_directory=True)
    for folder in (ROOT / "standards").iterdir():
        if folder.name == "classification":
            shutil.copytree(folder, project / "standards" / folder.name)
        elif folder.is_dir():
            (project / "standards" / folder.name).symlink_to(folder, target_is_directory=True)
    path = project / ENTRIES
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[AI_LINE - 1].startswith("2-02-38-01\t")
    edit(lines)
    path.write_text("\n".join(lines), encoding="utf-8")
    return project


def test_bad_code_and_empty_name_are_two_errors_with_their_consequences(tmp_path: Path):
    def edit(lines: list[str]) -> None:
        lines[AI_LINE - 1] = lines[AI_LINE - 1].replace("2-02-38-01", "2-02-38-1x", 1)
        cells = lines[9].split("\t")  # line 10, whichever entry sits there
        cells[2] = ""
        lines[9] = "\t".join(cells)

    project = project_with_entries(tmp_path, edit)
    report = validate(project, releases_dir=ROOT / "releases").report
    errors = report.errors
    assert [f.location for f in errors] == [f"{ENTRIES}:10", f"{ENTRIES}:{AI_LINE}"], report.render_text()
    bad_code = errors[1]
    assert "'2-02-38-1x' does not match" in bad_code.message
    files = {c.split(":", 1)[0] for c in bad_code.consequences}
    # the rows that refer to 2-02-38-01, and the work requirements of its standard, transitively
    assert {
        "standards/classification/tasks.tsv",
        "standards/classification/labels.tsv",
        "standards/skill-standards/standards.tsv",
        "standards/work-requirements/requirements.tsv",
    } <= files
    # each names the code or the one standard for it (2-02-10-09-2021, its 2015-edition code)
    assert all("2-02-38-01" in c or "2-02-10-09-2021" in c for c in bad_code.consequences)
    rows = len(bad_code.consequences)
    assert f"(and {rows:,} rows in {len(files)} files that refer to it)" in bad_code.line()
    text = report.render_text(limit=10)
    assert len(text.splitlines()) == 4  # two errors, the hint for --consequences, the verdict
    listed = report.render_text(limit=10, consequences=True)
    assert len(listed.splitlines()) == 3 + rows + len(errors[0].consequences)  # no hint when listed


def test_a_deleted_occupation_is_one_identity_error_where_its_row_was(tmp_path: Path):
    """Through the command line, with the full list of consequences asked for."""
    project = project_with_entries(tmp_path, lambda lines: lines.pop(AI_LINE - 1))
    run = [sys.executable, "-m", "graph.cli.main", "validate", "--root", str(project), "--quiet"]
    run += ["--releases", str(ROOT / "releases"), "--consequences"]
    full = subprocess.run(run, capture_output=True, text=True, timeout=300, cwd=project)
    assert full.returncode == 1
    first, *listed, verdict = full.stdout.splitlines()
    assert first.startswith(f"{ENTRIES}:{AI_LINE}: ERROR [identity] 2-02-38-01 人工智能工程技术人员"), first
    assert "was in release v1" in first and f"(and {len(listed):,} rows in " in first
    assert all(line.startswith("    because of it: standards/") for line in listed)
    assert any("classification/tasks.tsv:" in line for line in listed)
    assert verdict.startswith("validation FAILED: 1 error(s)")

"""docs/editing.md section 0 works when pasted: its shell block is run as it is, on a copy of the
small fixture project with release v1 cut, with `occugraph` meaning the CLI on that project.

The block covers edit -> validate -> diff -> propose -> approve -> release -> published (issue 19);
the test checks that each step did what the guide says.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fixture_project import ROOT, make_project, only_project_readers

GUIDE = ROOT / "docs" / "editing.md"
MARK = "<!-- walkthrough: tested by tests/test_editing_guide.py -->"


def walkthrough() -> str:
    text = GUIDE.read_text(encoding="utf-8")
    m = re.search(re.escape(MARK) + r"\n```sh\n(.*?)\n```", text, re.S)
    assert m, f"{GUIDE} has no walkthrough block after {MARK}"
    return m.group(1)


def test_the_walkthrough_parses_into_the_full_loop():
    commands = [line.split()[1] for line in walkthrough().splitlines() if line.startswith("occugraph ")]
    assert commands == ["validate", "diff", "proposals", "proposals", "proposals", "release", "version"]


def test_the_walkthrough_runs_as_pasted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from graph.workflow.release import cut_release

    project = make_project(tmp_path / "project")
    only_project_readers(monkeypatch, project)
    cut_release("v1", "2026-01-01", root=project, reason=False)
    shim = tmp_path / "bin"
    shim.mkdir()
    (shim / "occugraph").write_text(
        f'#!/bin/sh\nexec "{sys.executable}" "{ROOT / "tests/fixture_project.py"}" "{project}" "$@"\n', encoding="utf-8"
    )
    (shim / "occugraph").chmod(0o755)
    env = dict(os.environ, PATH=f"{shim}:{os.environ['PATH']}")
    env.pop("OCCUGRAPH_KILL_AT", None)
    run = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", walkthrough()],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    out = run.stdout
    assert "validation passed" in out
    assert "大模型应用工程师" in out  # the diff names the new job title
    assert "proposal 1 is proposed" in out
    assert "proposal 1 approved by 王编辑" in out
    assert "released v2" in out and "published v2" in out
    assert "served: release v2 of 2026-06-01, https://w3id.org/occugraph/releases/v2/occugraph.ttl" in out
    assert json.loads((project / "proposals/000001.json").read_text(encoding="utf-8"))["state"] == "approved"
    served = (project / "dist/occugraph.nt").read_bytes()
    assert served == (project / "releases/v2/occugraph.nt").read_bytes()
    assert "物联网平台运维工程师".encode() in served and "大模型应用工程师".encode() in served

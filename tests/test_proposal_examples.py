"""The proposal examples of docs/editing.md section 7 work when pasted: each curl command is
parsed out of the guide and sent, in order, to the app serving a copy of the fixture project
with the guide's editor token (issue 19: every operation documented with a working example)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest
from fixture_project import ROOT, make_project, only_project_readers

from graph.store.embedded import EmbeddedStore

MARK = "<!-- proposal examples: tested by tests/test_proposal_examples.py -->"


# the review queue reads and writes files only: an empty in-memory store is enough to serve it
EMPTY = EmbeddedStore(store=ox.Store())


def guide_blocks() -> list[str]:
    text = (ROOT / "docs/editing.md").read_text(encoding="utf-8")
    after = text.split(MARK, 1)[1]
    return re.findall(r"```sh\n(.*?)\n```", after, re.S)[:2]


def curl_requests() -> list[tuple[str, str, dict[str, str], str]]:
    """(method, path?query, headers, body) for each curl command of the examples block."""
    script = guide_blocks()[1].replace("\\\n", " ")
    commands, buffer = [], ""
    for line in script.splitlines():  # a quoted JSON body may span lines, as in a shell
        if not buffer and not line.startswith("curl "):
            continue
        buffer = f"{buffer}\n{line}" if buffer else line
        try:
            commands.append(shlex.split(buffer))
        except ValueError:  # the quote is not closed yet
            continue
        buffer = ""
    assert not buffer, f"unterminated command in the guide: {buffer[:80]}"
    out = []
    for args in commands:
        method, headers, body, url = "GET", {}, "", ""
        i = 1
        while i < len(args):
            a = args[i]
            if a == "-X":
                method, i = args[i + 1], i + 2
            elif a == "-H":
                name, _, value = args[i + 1].partition(": ")
                headers[name] = value
                i += 2
            elif a == "-d":
                body, i = args[i + 1], i + 2
            elif a == "-s":
                i += 1
            else:
                url, i = a, i + 1
        parts = urlsplit(url)
        out.append((method, parts.path + (f"?{parts.query}" if parts.query else ""), headers, body))
    return out


def test_every_operation_has_a_pasteable_example():
    requests = curl_requests()
    ops = set(re.findall(r'"op": "(\w+)"', guide_blocks()[1]))
    assert ops == {"add", "update", "delete"}
    paths = {(m, re.sub(r"/\d+", "/<n>", p.split("?")[0])) for m, p, _h, _b in requests}
    assert paths == {
        ("POST", "/api/proposals"),
        ("POST", "/api/proposals/<n>/submit"),
        ("GET", "/api/proposals"),
        ("GET", "/api/proposals/<n>"),
        ("POST", "/api/proposals/<n>/approve"),
        ("POST", "/api/proposals/<n>/reject"),
    }
    assert "OCCUGRAPH_EDITOR_TOKENS='王编辑:change-me-secret'" in guide_blocks()[0]


def test_the_examples_work_when_pasted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from server import create_app

    project = make_project(tmp_path / "project")
    only_project_readers(monkeypatch, project)
    token = re.search(r"OCCUGRAPH_EDITOR_TOKENS='([^']+)'", guide_blocks()[0]).group(1)  # type: ignore[union-attr]
    monkeypatch.setenv("OCCUGRAPH_EDITOR_TOKENS", token)
    client = create_app({"TESTING": True, "STORE": EMPTY, "PROJECT_ROOT": str(project)}).test_client()
    answers = []
    for method, path, headers, body in curl_requests():
        resp = client.open(path, method=method, headers=headers, data=body.encode("utf-8") if body else None)
        assert resp.status_code in (200, 201), (method, path, resp.get_json())
        answers.append(resp.get_json())
    created = [a for a in answers if "history" in a and len(a["history"]) <= 2]
    assert [a["id"] for a in created][:4] == [1, 2, 3, 4]
    assert answers[4]["state"] == "proposed"  # the draft, submitted
    assert answers[5]["count"] == 4
    assert answers[-2]["state"] == "approved" and answers[-2]["history"][-1]["by"] == "王编辑"
    assert answers[-1]["state"] == "rejected"
    assert "大模型算法工程师" in (project / "standards/classification/labels.tsv").read_text(encoding="utf-8")

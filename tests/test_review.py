"""The review queue page (/review): behind the editor token, a diff view of each proposal,
approve or reject with a comment, and an audit log that survives restarts and kill -9."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from fixture_project import make_project, only_project_readers

from graph.store.embedded import EmbeddedStore
from graph.workflow.proposals import ProposalStore

TOKENS = "王编辑:s3cret-token"
ADD_LABEL = {
    "title": "A job title for 2-02-38-01",
    "author": "Li Wei <li@example.org>",
    "changes": [
        {
            "op": "add",
            "file": "classification/labels.tsv",
            "row": {"code": "2-02-38-01", "label": "大模型算法工程师", "type": "hidden", "source": "editor"},
        }
    ],
}


# the review queue reads and writes files only: an empty in-memory store is enough to serve it
EMPTY = EmbeddedStore(store=ox.Store())


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    p = make_project(tmp_path / "project")
    only_project_readers(monkeypatch, p)
    ProposalStore(p / "proposals", p).create(ADD_LABEL)
    ProposalStore(p / "proposals", p).create(ADD_LABEL | {"title": "a second one"})
    return p


def make_client(project: Path):
    from server import create_app

    app = create_app({"TESTING": True, "STORE": EMPTY, "PROJECT_ROOT": str(project), "EDITOR_TOKENS": TOKENS})
    return app.test_client()


def test_review_page_is_behind_the_editor_token(project: Path):
    client = make_client(project)
    first = client.get("/review")
    assert first.status_code == 401 and 'name="token"' in first.text
    assert client.get("/review/1").status_code == 401
    assert client.post("/review/1", data={"decision": "approve"}).status_code == 401
    assert client.post("/review/login", data={"token": "guess"}).status_code == 403
    login = client.post("/review/login", data={"token": "s3cret-token"})
    assert login.status_code == 303 and "HttpOnly" in login.headers["Set-Cookie"]
    assert "SameSite=Strict" in login.headers["Set-Cookie"]
    queue = client.get("/review")
    assert queue.status_code == 200 and "A job title for 2-02-38-01" in queue.text and "待审" in queue.text


def test_review_diff_approve_reject_and_the_audit_log_survives_a_restart(project: Path):
    client = make_client(project)
    client.post("/review/login", data={"token": "s3cret-token"})
    one = client.get("/review/1")
    assert one.status_code == 200
    assert "standards/classification/labels.tsv" in one.text
    assert (
        '<tr class="added"><td>新增</td><td class="mono">2-02-38-01 │ 大模型算法工程师 │ hidden │ editor</td></tr>'
        in one.text
    )
    no_reason = client.post("/review/2", data={"decision": "reject", "comment": ""})
    assert no_reason.status_code == 400 and "say why" in no_reason.text
    assert client.post("/review/2", data={"decision": "reject", "comment": "重复"}).status_code == 303
    approved = client.post("/review/1", data={"decision": "approve", "comment": "核对过招聘广告"})
    assert approved.status_code == 303 and approved.headers["Location"].endswith("/review/1")
    assert "大模型算法工程师" in (project / "standards/classification/labels.tsv").read_text(encoding="utf-8")

    restarted = make_client(project)  # a new server process reads the same files
    restarted.post("/review/login", data={"token": "s3cret-token"})
    page = restarted.get("/review/1").text
    assert "已批准" in page and "approval started" in page and "核对过招聘广告" in page
    events = [(e["event"], e["proposal"], e["by"]) for e in ProposalStore(project / "proposals", project).audit_log()]
    assert events == [
        ("created", 1, "Li Wei <li@example.org>"),
        ("created", 2, "Li Wei <li@example.org>"),
        ("rejected", 2, "王编辑"),
        ("approval started", 1, "王编辑"),
        ("approved", 1, "王编辑"),
    ]

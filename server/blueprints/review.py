"""Pages for editors: /changes (what changed since a release, grouped by kind of change, with
links to the pages) and /review (the proposals review queue: list, diff view, approve or reject
with a comment, the audit log).

The review pages are behind the editor token (the server's EDITOR_TOKENS, as for the API): an
editor enters it once at /review, the server keeps it in an HttpOnly, SameSite=Strict cookie (so
another site cannot make the browser approve anything), and every decision is recorded with the
editor's name in the proposal and in the audit log (proposals/audit.jsonl), which survives
restarts and crashes (graph/build/journal.py).
"""

from __future__ import annotations

import difflib
import json
from typing import Any

from flask import Blueprint, Response, make_response, redirect, render_template, request

from graph.core.namespaces import BASE
from graph.workflow.diff import CHANGE_KINDS, EntityChange
from graph.workflow.proposals import ProposalError
from graph.workflow.snapshot import list_releases
from server.blueprints import workflow

bp = Blueprint("review", __name__)

COOKIE = "occugraph_editor"
PAGE_ROWS = 200  # rows listed per kind of change on /changes; the rest are in /api/changes
CHANGE_NAMES = {
    "new": "新增",
    "changed label": "名称变更",
    "changed definition": "定义变更",
    "moved": "层级移动",
    "deprecated": "弃用",
    "removed": "删除（标识符丢失）",
    "other": "其他变更",
}
STATE_NAMES = {"prepared": "草稿", "proposed": "待审", "approved": "已批准", "rejected": "已驳回"}
OP_NAMES = {"add": "新增一行", "update": "修改一行", "delete": "删除一行"}
assert set(CHANGE_NAMES) == set(CHANGE_KINDS)


def page_link(iri: str) -> str:
    """The page for an entity: its linked-data address on this server (/id/...)."""
    return "/" + iri[len(BASE) :] if iri.startswith(BASE) else iri


@bp.get("/changes")
def changes_page() -> Response:
    releases = [r.version for r in list_releases(workflow._releases_dir())]
    since = request.args.get("since") or (releases[-1] if releases else "")
    if not since:
        return make_response(render_template("changes.html", error="还没有发布版本，无从比较。", releases=[]), 404)
    diff = workflow.changes_diff(request.args.to_dict() | {"since": since})
    if isinstance(diff, Response):
        html = render_template("changes.html", error=diff.get_json()["error"], releases=releases, since=since)
        return make_response(html, diff.status_code)
    groups = [
        (key, CHANGE_NAMES[key], len(items), [_row(e) for e in items[:PAGE_ROWS]])
        for key, items in diff.by_change().items()
    ]
    return make_response(
        render_template(
            "changes.html",
            diff=diff,
            groups=groups,
            page_rows=PAGE_ROWS,
            releases=releases,
            since=since,
            until=request.args.get("until"),
        )
    )


def _row(e: EntityChange) -> dict[str, str]:
    return {"code": e.code, "label": e.label, "kind": e.kind_label, "link": page_link(e.iri)}


# --- the review queue --------------------------------------------------------------------------


def _editor_from_cookie() -> str | None:
    token = request.cookies.get(COOKIE, "")
    return workflow.editor_for(token) if token else None


def _login_page(status: int, message: str) -> Response:
    resp = make_response(render_template("review_login.html", message=message), status)
    if status == 401:
        resp.headers["WWW-Authenticate"] = 'Bearer realm="occugraph-editors"'
    return resp


@bp.get("/review")
def review_index() -> Response:
    editor = _editor_from_cookie()
    if editor is None:
        return _login_page(401, "审核队列只对编辑开放：请输入编辑令牌。")
    store = workflow._proposals()
    store.recover()
    proposals = store.list()
    audit = list(reversed(store.audit_log()))[:50]
    return make_response(
        render_template("review.html", editor=editor, proposals=proposals, states=STATE_NAMES, audit=audit)
    )


@bp.post("/review/login")
def review_login() -> Response:
    token = request.form.get("token", "").strip()
    if not token:
        return _login_page(401, "请输入编辑令牌。")
    if workflow.editor_for(token) is None:
        return _login_page(403, "这个令牌不是编辑令牌。")
    resp = redirect("/review", 303)
    resp.set_cookie(COOKIE, token, httponly=True, samesite="Strict", secure=request.is_secure, path="/review")
    return resp


def _diff_view(store: Any, proposal: dict[str, Any]) -> list[dict[str, Any]]:
    """Per changed file: the lines the proposal removes and adds (against the tables as they are
    now; a decided proposal is shown as it was proposed)."""
    if proposal["state"] not in ("prepared", "proposed"):
        return []
    try:
        new_files = store._apply(proposal["changes"])
    except ProposalError as exc:
        return [{"file": "", "error": str(exc), "lines": []}]
    out = []
    for file, content in sorted(new_files.items()):
        old = (store.root / "standards" / file).read_text(encoding="utf-8").splitlines()
        new = content.decode("utf-8").splitlines()
        lines = [
            (line[0], line[1:].replace("\t", " │ "))
            for line in difflib.unified_diff(old, new, lineterm="", n=1)
            if line[:1] in "+- @" and not line.startswith(("+++", "---"))
        ]
        out.append({"file": f"standards/{file}", "error": "", "lines": lines})
    return out


@bp.get("/review/<pid>")
def review_proposal(pid: str) -> Response:
    editor = _editor_from_cookie()
    if editor is None:
        return _login_page(401, "审核队列只对编辑开放：请输入编辑令牌。")
    store = workflow._proposals()
    try:
        proposal = store.get(pid)
    except ProposalError as exc:
        return make_response(render_template("review.html", editor=editor, error=str(exc), proposals=None), exc.status)
    return _proposal_page(store, proposal, editor)


def _proposal_page(store: Any, proposal: dict[str, Any], editor: str, message: str = "", status: int = 200) -> Response:
    audit = [e for e in store.audit_log() if e.get("proposal") == proposal["id"]]
    html = render_template(
        "review_proposal.html",
        p=proposal,
        editor=editor,
        states=STATE_NAMES,
        ops=OP_NAMES,
        diff=_diff_view(store, proposal),
        audit=audit,
        message=message,
        changes_json=json.dumps(proposal["changes"], ensure_ascii=False, indent=1),
    )
    return make_response(html, status)


@bp.post("/review/<pid>")
def review_decide(pid: str) -> Response:
    editor = _editor_from_cookie()
    if editor is None:
        return _login_page(401, "审核队列只对编辑开放：请输入编辑令牌。")
    decision = request.form.get("decision", "")
    comment = request.form.get("comment", "").strip()[:2000]
    store = workflow._proposals()
    try:
        if decision == "approve":
            store.approve(pid, editor, comment)
        elif decision == "reject":
            store.reject(pid, editor, comment)
        else:
            raise ProposalError("请选择批准或驳回", 400)
    except ProposalError as exc:
        try:
            proposal = store.get(pid)
        except ProposalError:
            return make_response(render_template("review.html", editor=editor, error=str(exc), proposals=None), 404)
        problems = [f.line() for f in exc.report.errors[:20]] if exc.report is not None else []
        message = str(exc) + ("\n" + "\n".join(problems) if problems else "")
        return _proposal_page(store, proposal, editor, message, exc.status)
    return redirect(f"/review/{int(pid)}", 303)

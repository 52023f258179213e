"""/api/changes and /api/proposals: what changed since a release, and the edit review queue.

Configuration (``create_app(test_config)`` or the environment as ``OCCUGRAPH_<KEY>``):

- ``PROJECT_ROOT`` — the checkout whose ``standards/`` approvals change (default: this one);
- ``RELEASES_DIR`` — released versions (default ``<root>/releases``);
- ``PROPOSALS_DIR`` — the queue, one JSON file per proposal (default ``<root>/proposals``);
- ``EDITOR_TOKENS`` — ``"name:token,name2:token2"``: who may approve or reject, sent as
  ``Authorization: Bearer <token>``; the name is recorded with the decision. Without tokens
  nobody can approve (403), but proposals can still be made and read.

Errors are JSON ``{"error": ..., "status": ...}``; a refused approval carries the validation
findings (``findings``) with their file:line.
"""

from __future__ import annotations

import hmac
import os
import threading
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from graph.core.namespaces import DATA_GRAPH, ONTOLOGY_GRAPH
from graph.core.paths import project_root
from graph.store.generation import Generation
from graph.workflow.diff import Diff, compute
from graph.workflow.proposals import ProposalError, ProposalStore
from graph.workflow.snapshot import Snapshot, SnapshotError, find_release, list_releases, release_snapshot
from server.api_errors import error
from server.resources import generation, get_store

bp = Blueprint("workflow", __name__, url_prefix="/api")

MAX_PROPOSAL_BYTES = 256 * 1024
_cache_lock = threading.Lock()


def _diff_cache(gen: Generation) -> dict[tuple[str, str], Any]:
    """Release diffs computed for one store generation (a few, bounded below)."""
    return {}


def _config(key: str, default: str = "") -> str:
    value = current_app.config.get(key)
    if value is None or value == "":
        value = os.environ.get(f"OCCUGRAPH_{key}", default)
    return str(value) if value is not None else default


def _root() -> Path:
    return Path(_config("PROJECT_ROOT") or project_root()).resolve()


def _releases_dir() -> Path:
    return Path(_config("RELEASES_DIR") or _root() / "releases")


def _proposals() -> ProposalStore:
    folder = Path(_config("PROPOSALS_DIR") or _root() / "proposals")
    return ProposalStore(folder, _root(), releases_dir=_releases_dir())


# --- changes ---------------------------------------------------------------------------------


def _current_snapshot() -> Snapshot:
    """The graph this server serves (its ontology and data graphs), as a snapshot."""
    store = get_store()
    raw = getattr(store, "raw", None)
    if raw is None:
        raise SnapshotError("this store cannot export its triples; /api/changes needs the embedded store")
    import pyoxigraph as ox

    quads = []
    for g in (ONTOLOGY_GRAPH, DATA_GRAPH):
        quads += [
            ox.Triple(q.subject, q.predicate, q.object)
            for q in raw.quads_for_pattern(None, None, None, ox.NamedNode(g))
        ]
    return Snapshot("current", quads)


@bp.get("/changes")
def changes() -> Response:
    """Changes since a release: ``?since=v1`` (required), ``&until=v2`` (default: the graph this
    server serves), ``&kind=og:Occupation``, ``&format=json|markdown``."""
    return changes_answer(request.args)


def changes_answer(args: Any) -> Response:
    """The /api/changes answer for these query parameters."""
    fmt = args.get("format") or "json"  # empty: not given (allowEmptyValue in the API document)
    if fmt not in ("json", "markdown"):
        return error(400, "format must be json or markdown")
    diff = changes_diff(args)
    if isinstance(diff, Response):
        return diff
    if fmt == "markdown":
        return Response(diff.to_markdown(), mimetype="text/markdown")
    return jsonify(diff.to_dict())


def changes_diff(args: Any) -> Diff | Response:
    """The diff for ``since`` (a release) and ``until`` (a release, else the served data), filtered
    by ``kind``; or the error to answer. Shared by /api/changes and the /changes page, which renders
    the Diff itself (the whole JSON of a large diff is megabytes it would only parse back)."""
    since = args.get("since", "").strip()
    until = args.get("until", "").strip()
    known = [r.version for r in list_releases(_releases_dir())]
    if not since:
        return error(400, "give the release to compare with as ?since=<version>", releases=known)
    try:
        old_info = find_release(_releases_dir(), since)
        new_info = find_release(_releases_dir(), until) if until else None
    except SnapshotError:
        missing = until if since in known else since
        return error(404, f"no release {missing!r}", releases=known)
    cache = generation().derive(_diff_cache)  # the current data's diffs go with its generation
    key = (since, until)
    with _cache_lock:
        diff = cache.get(key)
    if diff is None:
        try:
            new = release_snapshot(new_info) if new_info else _current_snapshot()
            diff = compute(release_snapshot(old_info), new)
        except SnapshotError as exc:
            return error(501, str(exc))
        with _cache_lock:
            if len(cache) > 16:
                cache.clear()
            cache[key] = diff
    kind = args.get("kind")
    return diff.filtered(kind) if kind else diff


# --- the served version ----------------------------------------------------------------------


@bp.get("/version")
def version() -> Response:
    """What this server serves: the software version and the data's version (a published
    release's name, version IRI, date and release notes, or a working-tree build's version)."""
    from graph.core.version import VERSION, release_name
    from server.blueprints.downloads import served_version

    data = served_version()
    return jsonify(
        software=VERSION,
        release=release_name(VERSION),
        data=data,
        published=bool(data and data.get("version")),
    )


# --- proposals -------------------------------------------------------------------------------


def editor_for(given: str) -> str | None:
    """The editor whose token this is (EDITOR_TOKENS: ``name:token,...``), else None."""
    found = None
    for pair in _config("EDITOR_TOKENS").split(","):
        name, sep, token = pair.strip().partition(":")
        if sep and token and hmac.compare_digest(token.strip().encode(), given.strip().encode()):
            found = name.strip()
    return found


def _editor() -> str | Response:
    """The editor named by the request's bearer token, or the error to answer: 401 when no token
    was sent (say how to send one), 403 when the token is not an editor's."""
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        resp = error(
            401, "approving or rejecting needs an editor token: send the header 'Authorization: Bearer <token>'"
        )
        resp.headers["WWW-Authenticate"] = 'Bearer realm="occugraph-editors"'
        return resp
    found = editor_for(given)
    if found is None:
        resp = error(403, "this token is not an editor's token (the server's EDITOR_TOKENS setting lists them)")
        resp.headers["WWW-Authenticate"] = 'Bearer realm="occugraph-editors", error="invalid_token"'
        return resp
    return found


def _proposal_error(exc: ProposalError) -> Response:
    extra: dict[str, Any] = {}
    if exc.errors:
        extra["errors"] = exc.errors
    if exc.report is not None:
        extra["findings"] = [f.line() for f in exc.report.errors[:50]]
    return error(exc.status, str(exc), **extra)


@bp.post("/proposals")
def create_proposal() -> Response:
    if (request.content_length or 0) > MAX_PROPOSAL_BYTES:
        return error(413, f"a proposal may be at most {MAX_PROPOSAL_BYTES // 1024} KiB")
    payload = request.get_json(silent=True)
    if payload is None:
        return error(400, "send the proposal as JSON (Content-Type: application/json); see docs/editing.md")
    try:
        proposal = _proposals().create(payload)
    except ProposalError as exc:
        return _proposal_error(exc)
    resp = jsonify(proposal)
    resp.status_code = 201
    resp.headers["Location"] = f"/api/proposals/{proposal['id']}"
    return resp


@bp.get("/proposals")
def list_proposals() -> Response:
    state = request.args.get("state") or None
    try:
        items = _proposals().list(state=state)
    except ProposalError as exc:
        return _proposal_error(exc)
    return jsonify(count=len(items), state=state, proposals=items)


@bp.get("/proposals/<pid>")
def show_proposal(pid: str) -> Response:
    try:
        return jsonify(_proposals().get(pid))
    except ProposalError as exc:
        return _proposal_error(exc)


@bp.post("/proposals/<pid>/submit")
def submit_proposal(pid: str) -> Response:
    body = request.get_json(silent=True) or {}
    if not isinstance(body, dict):
        return error(400, 'the body must be a JSON object such as {"by": "李老师"}, or empty')
    try:
        return jsonify(_proposals().submit(pid, str(body.get("by", ""))[:200]))
    except ProposalError as exc:
        return _proposal_error(exc)


def _decide(pid: str, approve: bool) -> Response:
    editor = _editor()
    if not isinstance(editor, str):
        return editor
    body = request.get_json(silent=True) or {}
    comment = body.get("comment", "") if isinstance(body, dict) else ""
    if not isinstance(comment, str):
        return error(400, "comment must be text")
    store = _proposals()
    try:
        if approve:
            return jsonify(store.approve(pid, editor, comment[:2000]))
        return jsonify(store.reject(pid, editor, comment[:2000]))
    except ProposalError as exc:
        return _proposal_error(exc)


@bp.post("/proposals/<pid>/approve")
def approve_proposal(pid: str) -> Response:
    return _decide(pid, approve=True)


@bp.post("/proposals/<pid>/reject")
def reject_proposal(pid: str) -> Response:
    return _decide(pid, approve=False)

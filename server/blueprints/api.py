"""/api: JSON for people who do not write SPARQL. Bad input gets 400/404 with a message."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, request
from werkzeug.wrappers import Response

from graph.classification import queries
from graph.core.codes import CODE_RE
from graph.store.documents import API_OCCUPATION
from server.api_errors import error
from server.resources import get_codes, get_documents, get_search_index, get_store

bp = Blueprint("api", __name__, url_prefix="/api")


def int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        abort(400, f"{name} must be an integer, got {raw!r}")
    if not low <= value <= high:
        abort(400, f"{name} must be between {low} and {high}, got {value}")
    return value


@bp.get("/occupations/<code>")
def occupation(code: str) -> Response:
    if not CODE_RE.fullmatch(code):
        return error(400, f"{code!r} is not a classification code (expected N-NN-NN-NN, e.g. 2-02-38-01)")
    docs = get_documents()
    if docs is not None:  # precomputed by the build (graph/build/documents.py): no SPARQL per request
        body = docs.get(API_OCCUPATION, code)
        if body is not None:
            return Response(body, 200, mimetype="application/json")
    found = queries.occupation(get_store(), code)
    if found is None:
        near = queries.nearest_codes(code, get_codes())
        return error(404, f"no classification entry has code {code}", nearest_codes=near)
    return jsonify(found)


@bp.get("/occupations")
def search() -> Response:
    q = request.args.get("q", "")
    if not q.strip():
        return error(400, "give the text to search for as ?q=, e.g. /api/occupations?q=电子商务")
    limit = int_arg("limit", 20, 1, 200)
    kind = request.args.get("kind") or None
    try:
        hits = get_search_index().search(q, limit=limit, kind=kind)
    except ValueError as exc:
        return error(400, str(exc))
    return jsonify(query=q, count=len(hits), results=hits)

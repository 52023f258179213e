"""/api: JSON for people who do not write SPARQL. Bad input gets 400/404 with a message."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from werkzeug.wrappers import Response

from graph.classification import queries
from graph.classification.queries import MAX_SEARCH_CHARS
from graph.store.documents import API_OCCUPATION
from server.api_errors import ApiError, int_arg
from server.resources import get_documents, get_kinds, get_search_index, get_store

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/occupations/<code:code>")
def occupation(code: str) -> Response:
    docs = get_documents()
    if docs is not None:  # precomputed by the build (graph/build/documents.py): no SPARQL per request
        body = docs.get(API_OCCUPATION, code)
        if body is not None:
            return Response(body, 200, mimetype="application/json")
    found = queries.occupation(get_store(), code, get_kinds())
    if found is None:  # the code is in the classification but the entry has no name: not shown
        raise ApiError(404, f"no classification entry has code {code}")
    return jsonify(found)


@bp.get("/occupations")
def search() -> Response:
    q = request.args.get("q", "")
    if not q.strip():
        raise ApiError(400, "give the text to search for as ?q=, e.g. /api/occupations?q=电子商务")
    if len(q) > MAX_SEARCH_CHARS:  # the text as sent, spaces included (what the API document's maxLength says)
        raise ApiError(400, f"q is {len(q)} characters; the limit is {MAX_SEARCH_CHARS}")
    limit = int_arg("limit", 20, 1, 200) or 20
    kind = request.args.get("kind") or None
    try:
        hits = get_search_index().search(q, limit=limit, kind=kind)
    except ValueError as exc:
        raise ApiError(400, str(exc)) from None
    return jsonify(query=q, count=len(hits), results=hits)

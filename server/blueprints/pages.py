"""HTML pages for people: home with search, and an occupation page."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from graph.classification import queries
from graph.core.codes import CODE_RE
from server.resources import get_codes, get_search_index, get_store

bp = Blueprint("pages", __name__)


@bp.get("/")
def home() -> str:
    q = request.args.get("q", "").strip()
    hits = []
    message = None
    converted = None
    if q:
        from graph.text.chinese import search_both  # Traditional input is also searched in Simplified

        try:
            hits, converted = search_both(get_search_index(), q, limit=50)
        except ValueError as exc:
            message = str(exc)
    return render_template("home.html", q=q, hits=hits, message=message, converted=converted)


@bp.get("/occupation/<code>")
def occupation_page(code: str) -> str:
    if not CODE_RE.fullmatch(code):
        abort(400, f"{code!r} is not a classification code")
    found = queries.occupation(get_store(), code)
    if found is None:
        near = queries.nearest_codes(code, get_codes())
        return render_template("not_found.html", code=code, near=near), 404  # type: ignore[return-value]
    from server.linked_data import occupation_extras

    return render_template("occupation.html", o=found, extra=occupation_extras(get_store(), str(found["iri"])))

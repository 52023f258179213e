"""HTML pages for people: home, the search of every page, and the occupation page.

The occupation page gathers what each area knows about one occupation (classification, standards
with their levels in ladder order, 工种, new-occupation batch, majors, related occupations) and
offers the next questions as actions: 规划路径, 查看标准, 对应专业.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from flask import Blueprint, render_template, request

from graph.store.sparql import select
from server.api_errors import ApiError
from server.queries import Q
from server.resources import (
    get_classifier,
    get_rulebook,
    get_search_index,
    get_store,
    occupation_document,
    occupation_majors,
)
from server.ui import kept_page, level_rank, per_store

bp = Blueprint("pages", __name__)


@bp.get("/")
def home() -> Any:
    if request.args.get("q", "").strip():  # the home page's search, as it was: the same results as /search
        return search()
    return render_template("home.html")


def _site_index() -> Any:
    from server.site_search import SiteIndex

    book = get_rulebook()
    return per_store("site-index", lambda store: SiteIndex.load(store, book))


@bp.get("/search")
def search() -> Any:
    from server import site_search

    q = request.args.get("q", "").strip()
    found, message, classified = None, None, None
    if q:
        try:
            found = site_search.search(_site_index(), get_search_index(), q)
        except ValueError as exc:
            message = str(exc)
        if found is not None and not found["results"]["occupation"]:
            classified = _classify(q)
    status = 400 if message else 200
    return render_template("search.html", q=q, found=found, message=message, classified=classified), status


def _classify(title: str) -> dict[str, Any] | None:
    """The job-title classifier's answer (candidates with reasons), or None when it refuses the text."""
    from graph.classification.classifier import TitleError

    try:
        return get_classifier().classify(title)
    except (TitleError, ValueError):
        return None


def _work_types_by_code(store: Any) -> dict[str, list[dict[str, str]]]:
    out: dict[str, dict[str, dict[str, str]]] = {}
    for r in select(store, Q.occupation_work_types):
        out.setdefault(r["code"], {})[r["name"]] = {"name": r["name"], "batch": r.get("batch")}
    return {code: sorted(found.values(), key=lambda w: w["name"]) for code, found in out.items()}


def _work_types(code: str) -> list[dict[str, str]]:
    """工种 of an occupation: work-type resources of the graph and the work types standards name."""
    return per_store("work-types", _work_types_by_code).get(code, [])


def _standards(code: str) -> list[dict[str, Any]]:
    book = get_rulebook()
    out = []
    for s in book.standards_for(code):
        d = s.as_dict()
        d["levels"] = sorted(s.levels, key=level_rank)
        out.append(d)
    return out


def _batch(code: str) -> dict[str, Any] | None:
    from graph.classification import new_occupations as nq

    found = per_store("new-occupations", nq.new_occupations)
    return next((o for o in found if o["code"] == code), None)


RELATED_SHOWN = 60


def _related_by_entry(store: Any) -> dict[str, list[tuple[str, str, str]]]:
    """Entry IRI -> (code, name, why) of its related occupations, related first, at most 60. Tuples
    of interned strings: a name recurs once for each sibling of its group (5.0 MiB as dicts)."""
    out: dict[str, dict[str, tuple[str, str, str]]] = {}
    for r in select(store, Q.related_occupations):
        found = out.setdefault(r["entry"], {})
        if r["code"] not in found or r["why"] == "related":  # an occupation marked related and a sibling: related
            found[r["code"]] = (sys.intern(r["code"]), sys.intern(r["name"]), sys.intern(r["why"]))
    return {
        entry: sorted(found.values(), key=lambda r: (r[2] != "related", r[0]))[:RELATED_SHOWN]
        for entry, found in out.items()
    }


def _related(iri: str) -> list[dict[str, str]]:
    """Occupations an editor marked related, then the others of the same group; at most 60."""
    found = per_store("related", _related_by_entry).get(iri, [])
    return [{"code": code, "name": name, "why": why} for code, name, why in found]


@bp.get("/occupation/<code:code>")
def occupation_page(code: str) -> Any:
    body = occupation_document(code)  # the API's document, precomputed by the build
    if body is None:
        page = ("not_found.html", {"code": code, "near": []})
        raise ApiError(404, f"no classification entry has code {code}", page=page)
    return kept_page(("occupation", code), lambda: _render_occupation(code, json.loads(body)))


def _render_occupation(code: str, found: dict[str, Any]) -> str:
    return render_template(
        "occupation.html",
        o=found,
        standards=_standards(code),
        work_types=_work_types(code),
        batch=_batch(code),
        majors=occupation_majors(code),
        related=_related(str(found["iri"])),
    )


# ---------------------------------------------------------------- skill standards

STANDARDS_PER_PAGE = 50


def _bad_request(message: str) -> Any:
    """A page's answer to a bad parameter: the site's layout with the message, status 400."""
    return render_template("error.html", status=400, message=message), 400


@bp.get("/standards")
def standards_page() -> Any:
    from graph.standards.queries import filter_standards

    book = get_rulebook()
    year_raw = request.args.get("year", "")
    if year_raw and not (year_raw.isdigit() and len(year_raw) == 4):
        return _bad_request(f"发布年份应为四位数字，如 2024；收到“{year_raw}”")
    year = int(year_raw) if year_raw else None
    page_raw = request.args.get("page", "1")
    if not page_raw.isdigit() or int(page_raw) < 1:
        return _bad_request(f"页码应为正整数；收到“{page_raw}”")
    page = int(page_raw)
    q = request.args.get("q", "").strip()
    found = filter_standards(book, year=year)
    if q:
        found = [s for s in found if q in s.title or q in (s.doc_number or "") or q == s.occupation]
    pages = max(1, (len(found) + STANDARDS_PER_PAGE - 1) // STANDARDS_PER_PAGE)
    shown = found[(page - 1) * STANDARDS_PER_PAGE : page * STANDARDS_PER_PAGE]
    years = sorted({s.issued[:4] for s in book.standards}, reverse=True)
    return render_template(
        "standards.html",
        standards=[{**s.as_dict(), "levels": sorted(s.levels, key=level_rank)} for s in shown],
        total=len(found),
        page=page,
        pages=pages,
        years=years,
        year=year_raw,
        q=q,
    )


@bp.get("/standards/<sid>")
def standard_page(sid: str) -> Any:
    from graph.standards.queries import standard_detail

    book = get_rulebook()
    found = standard_detail(get_store(), book, sid)
    if found is None:
        near = [s for s in book.standards if s.id.startswith(sid.split("-")[0] + "-")][:5]
        return render_template("standard_not_found.html", sid=sid, near=near), 404
    found["eligibility"].sort(key=lambda e: level_rank(e["level"]["id"]))
    found["work_requirements"].sort(key=lambda w: level_rank(w["level"]["id"]))
    work_types = _work_types(found["occupation"]["code"]) if found.get("occupation") else []
    return render_template("standard.html", s=found, work_types=work_types)

"""/api for skill standards, levels and eligibility (docs/standards.md).

- GET  /api/standards?year=&occupation=&level=&tier=&page=&per_page=   paginated, with the total
- GET  /api/standards/<id>                                              detail, rules, work requirements
- GET  /api/levels                                                      the ladders and diploma kinds
- GET  /api/occupations/<code>/standards
- GET  /api/occupations/<code>/levels                                   levels with their routes
- GET  /api/occupations/<code>/levels/<level>/eligibility               the routes, structured
- POST /api/occupations/<code>/levels/<level>/eligibility               evaluate a JSON profile

Bad input gets 4xx with a message; an unknown code gets 404 with the nearest valid codes.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from werkzeug.wrappers import Response

from graph.standards.eligibility import CERTIFICATE_KINDS, ProfileError, profile_from_json
from graph.standards.queries import (
    TIERS,
    RuleBook,
    UnknownLevel,
    filter_standards,
    rule_set_dict,
    standard_detail,
)
from server.api_errors import ApiError, check_code, int_arg
from server.openapi import CODE_SCHEMA, DATE_SCHEMA, enum_schema, int_schema
from server.resources import code_set, get_rulebook, get_store

bp = Blueprint("standards", __name__, url_prefix="/api")

MAX_PROFILE_BYTES = 64 * 1024


def _level(book: RuleBook, text: str, ladder: str | None = None) -> str:
    try:
        return book.parse_level(text, ladder).id
    except UnknownLevel as exc:
        raise ApiError(404, str(exc.args[0]), levels=[lv.id for lv in book.ladder.ordered()]) from None


@bp.get("/standards")
def list_standards() -> Response:
    book = get_rulebook()
    year = int_arg("year", None, 1949, 2100)
    occupation = request.args.get("occupation") or None
    if occupation is not None:
        check_code(occupation)
    level = _level(book, request.args["level"]) if request.args.get("level") else None
    tier = request.args.get("tier") or None
    if tier is not None and tier not in TIERS:
        raise ApiError(400, f"tier must be one of {', '.join(TIERS)}; got {tier!r}")
    page = int_arg("page", 1, 1, 100000) or 1
    per_page = int_arg("per_page", 50, 1, 200) or 50
    found = filter_standards(book, year, occupation, level, tier)
    start = (page - 1) * per_page
    return jsonify(
        filters={"year": year, "occupation": occupation, "level": level, "tier": tier},
        total=len(found),
        page=page,
        per_page=per_page,
        pages=(len(found) + per_page - 1) // per_page,
        results=[s.as_dict() for s in found[start : start + per_page]],
    )


@bp.get("/standards/<sid>")
def get_standard(sid: str) -> Response:
    book = get_rulebook()
    found = standard_detail(get_store(), book, sid)
    if found is None:
        prefix = sid.split("-")[0]
        near = [s.id for s in book.standards if s.id.startswith(sid[:10]) or s.id.startswith(prefix + "-")][:5]
        raise ApiError(404, f"no standard has id {sid!r} (ids look like 4-04-05-05-2021)", nearest_ids=near)
    return jsonify(found)


@bp.get("/levels")
def levels() -> Response:
    book = get_rulebook()
    title_routes: dict[str, list[str]] = {}
    for rs in book.rule_sets.values():
        for rule in rs.rules:
            for c in rule.conditions:
                if c.kind == "title" and c.level:
                    title_routes.setdefault(c.level, [])
                    if rule.level not in title_routes[c.level]:
                        title_routes[c.level].append(rule.level)
    out = []
    for lv in book.ladder.ordered():
        d = lv.as_dict()
        if lv.ladder == "professional":
            d["title_counts_toward"] = title_routes.get(lv.id, [])
        out.append(d)
    return jsonify(
        levels=out,
        diploma_kinds=list(book.diploma_kinds.values()),
        rule_sets=[rule_set_dict(rs) for rs in book.rule_sets.values()],
    )


@bp.get("/occupations/<code:code>/standards")
def occupation_standards(code: str) -> Response:
    book = get_rulebook()
    found = book.standards_for(code)
    current = book.current_standard(code)
    return jsonify(
        code=code, count=len(found), current=current.id if current else None, results=[s.as_dict() for s in found]
    )


@bp.get("/occupations/<code:code>/levels")
def occupation_levels(code: str) -> Response:
    book = get_rulebook()
    std = book.current_standard(code)
    if std is None:
        return jsonify(
            code=code,
            standard=None,
            levels=[],
            notes=[f"{code} has no national skill standard in the data; no levels or rules are known"],
        )
    rs = book.rule_sets.get(std.rule_set) if std.rule_set else None
    ids = list(std.levels)
    if rs is not None:
        ids += [lv for lv in rs.levels() if lv not in ids]
    levels = sorted((book.ladder[i] for i in ids if i in book.ladder), key=lambda lv: lv.rank)
    out = []
    for lv in levels:
        _s, _r, _l, rules, notes = book.routes(code, lv.id)
        out.append(
            {
                "level": lv.as_dict(),
                "covered": lv.id in std.levels,
                "routes": [r.as_dict(book.ladder) for r in rules],
                "notes": notes,
            }
        )
    return jsonify(
        code=code,
        standard=std.as_dict(),
        rule_set=rule_set_dict(rs, std) if rs else None,
        levels=out,
        all_standards=[s.id for s in book.standards_for(code)],
    )


@bp.route("/occupations/<code:code>/levels/<level>/eligibility", methods=["GET", "POST"])
def eligibility(code: str, level: str) -> Response:
    book = get_rulebook()
    std = book.current_standard(code)
    level_id = _level(book, level, std.ladder if std else "skill")
    if request.method == "GET":
        std, rs, lv, rules, notes = book.routes(code, level_id)
        return jsonify(
            code=code,
            level=lv.as_dict(),
            standard=std.as_dict() if std else None,
            rule_set=rule_set_dict(rs, std) if rs else None,
            notes=notes,
            routes=[r.as_dict(book.ladder) for r in rules],
            how_to_evaluate="POST a JSON profile to this URL (docs/standards.md)",
        )
    if request.content_length and request.content_length > MAX_PROFILE_BYTES:
        raise ApiError(413, f"the profile is larger than {MAX_PROFILE_BYTES} bytes")
    data: Any = request.get_json(silent=True)
    if data is None:
        raise ApiError(
            400,
            "send the profile as a JSON object with Content-Type: application/json "
            "(fields: as_of, birth_date or age, certificates, work or years_worked, diplomas, "
            "titles, trainings, apprenticeships)",
        )
    codes = code_set()
    try:
        profile = profile_from_json(
            data, book.ladder, is_code=codes.__contains__, diploma_kinds=book.diploma_kinds.keys()
        )
    except ProfileError as exc:
        raise ApiError(422, f"malformed profile: {exc}") from None
    result = book.check(profile, code, level_id)
    return jsonify(result.as_dict(book.ladder))


_ERR = {
    "description": "bad input; the message says what is wrong",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}
_OBJ: dict[str, Any] = {"type": "object"}


def _ok(description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema or _OBJ}}}


def _param(
    name: str, where: str, description: str, example: str | None = None, schema: dict[str, Any] | None = None
) -> dict[str, Any]:
    p: dict[str, Any] = {
        "name": name,
        "in": where,
        "required": where == "path",
        "schema": schema or {"type": "string"},
        "description": description,
    }
    if example:
        p["example"] = example
    return p


def _record(required: list[str], **properties: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "additionalProperties": False, "properties": properties}


# graph/standards/eligibility.py: profile_from_json. The document cannot say that a code must be one
# of the classification or a level one of the ladder: those answers are 422 with the field named.
_LEVEL_VALUE: dict[str, Any] = {"type": ["string", "integer"], "description": 'id, number or name ("4", "四级")'}
_CODES = {"type": "array", "items": CODE_SCHEMA}
# a field given as null is a field not given (profile_from_json reads it so)
_DATE_OR_NULL: dict[str, Any] = {**DATE_SCHEMA, "type": ["string", "null"]}
_YEARS: dict[str, Any] = {"type": "number", "minimum": 0, "maximum": 80}
_PROFILE: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "as_of": _DATE_OR_NULL,
        "birth_date": _DATE_OR_NULL,
        "age": {"type": ["number", "null"], "minimum": 0, "maximum": 120},
        "certificates": {
            "type": "array",
            "items": _record(
                ["occupation", "level", "date"],
                occupation=CODE_SCHEMA,
                level=_LEVEL_VALUE,
                date=DATE_SCHEMA,
                kind=enum_schema(CERTIFICATE_KINDS),
            ),
        },
        "work": {
            "type": "array",
            "items": _record(
                ["occupation"],
                occupation=CODE_SCHEMA,
                start=_DATE_OR_NULL,
                end=_DATE_OR_NULL,
                years={**_YEARS, "type": ["number", "null"]},
            ),
        },
        "years_worked": {"type": "object", "additionalProperties": _YEARS},
        "diplomas": {
            "type": "array",
            "items": _record(
                ["kind"],
                kind={"type": "string"},
                graduation={"anyOf": [DATE_SCHEMA, {"type": "string", "enum": ["graduating"]}, {"type": "null"}]},
                major={"type": ["string", "null"]},
                major_relation={"enum": ["same", "related", "unrelated", None]},
                major_occupations=_CODES,
                assessed={"type": "boolean"},
            ),
        },
        "titles": {
            "type": "array",
            "items": _record(
                ["level", "date"],
                level=_LEVEL_VALUE,
                date=DATE_SCHEMA,
                corresponds={"type": ["boolean", "null"]},
                occupations=_CODES,
            ),
        },
        "trainings": {
            "type": "array",
            "items": _record(
                ["occupation", "level", "completed"], occupation=CODE_SCHEMA, level=_LEVEL_VALUE, completed=DATE_SCHEMA
            ),
        },
        "apprenticeships": {
            "type": "array",
            "items": _record(["occupation", "completed"], occupation=CODE_SCHEMA, completed=DATE_SCHEMA),
        },
    },
}
_CODE = _param(
    "code", "path", "occupation code N-NN-NN-NN; unknown codes get 404 with nearest_codes", "4-04-05-05", CODE_SCHEMA
)
_LEVEL = _param("level", "path", "level id (5..1, apprentice, ...), number or name (三级, 高级工)", "3")
_TAGS = ["standards"]
OPENAPI_PATHS: dict[str, Any] = {
    "/api/standards": {
        "get": {
            "summary": "National skill standards (and specifications), filtered and paginated, newest first",
            "tags": _TAGS,
            "parameters": [
                _param("year", "query", "issue year", "2024", int_schema(1949, 2100)),
                _param("occupation", "query", "current occupation code", "4-04-05-05", CODE_SCHEMA),
                _param("level", "query", "a covered level (id, number or name); unknown: 404", "3"),
                _param("tier", "query", "national, evaluation or special-ability", None, enum_schema(TIERS)),
                _param("page", "query", "page number, from 1", None, int_schema(1, 100000, 1)),
                _param("per_page", "query", "1-200, default 50", None, int_schema(1, 200, 50)),
            ],
            "responses": {
                "200": _ok(
                    "total, page, per_page, pages and results",
                    {
                        "type": "object",
                        "required": ["total", "page", "per_page", "results"],
                        "properties": {
                            "total": {"type": "integer"},
                            "page": {"type": "integer"},
                            "per_page": {"type": "integer"},
                            "pages": {"type": "integer"},
                            "results": {"type": "array", "items": _OBJ},
                        },
                    },
                ),
                "400": _ERR,
                "404": _ERR,
            },
        }
    },
    "/api/standards/{sid}": {
        "get": {
            "summary": "One standard: document number, date, occupation and how it was resolved, levels covered "
            "(with provenance), eligibility rules per level and work requirements per level",
            "tags": _TAGS,
            "parameters": [_param("sid", "path", "standard id", "4-04-05-05-2021")],
            "responses": {"200": _ok("the standard"), "404": _ERR},
        }
    },
    "/api/levels": {
        "get": {
            "summary": "The skill-level and professional-technical ladders, diploma kinds and rule sets",
            "tags": _TAGS,
            "parameters": [],
            "responses": {"200": _ok("levels, diploma_kinds, rule_sets")},
        }
    },
    "/api/occupations/{code}/standards": {
        "get": {
            "summary": "Standards of an occupation, newest first, with the one whose rules apply",
            "tags": _TAGS,
            "parameters": [_CODE],
            "responses": {"200": _ok("the standards"), "400": _ERR, "404": _ERR},
        }
    },
    "/api/occupations/{code}/levels": {
        "get": {
            "summary": "Levels of an occupation's current standard, each with its eligibility routes",
            "tags": _TAGS,
            "parameters": [_CODE],
            "responses": {"200": _ok("levels and routes"), "400": _ERR, "404": _ERR},
        }
    },
    "/api/occupations/{code}/levels/{level}/eligibility": {
        "get": {
            "summary": "Every route (申报条件) to the level: original text, source, structured conditions",
            "tags": _TAGS,
            "parameters": [_CODE, _LEVEL],
            "responses": {"200": _ok("the routes"), "400": _ERR, "404": _ERR},
        },
        "post": {
            "summary": "Evaluate a person's profile: which routes are open, the closest, what is missing and "
            "the earliest date each could open",
            "tags": _TAGS,
            "parameters": [_CODE, _LEVEL],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": _PROFILE,
                        "example": {
                            "as_of": "2025-06-01",
                            "birth_date": "1995-03-01",
                            "certificates": [{"occupation": "4-04-05-05", "level": "4", "date": "2021-09-01"}],
                            "work": [{"occupation": "4-04-05-05", "start": "2019-07-01"}],
                        },
                    }
                },
            },
            "responses": {"200": _ok("the evaluation"), "400": _ERR, "404": _ERR, "413": _ERR, "422": _ERR},
        },
    },
}

"""Career pathways over HTTP (issue 4; docs/pathways.md): JSON under /api, a page for people.

- GET  /api/pathways?from=CODE&from_level=L&to=CODE&to_level=L[&years_worked=&level_since=&diploma=&title=&as_of=]
- POST /api/pathways                 the same, with a full profile as JSON ({"to": ..., "profile": {...}})
- GET|POST /api/pathways/reachable   what can be reached within=N years
- GET  /api/pathways/next-steps?from=CODE   natural horizontal moves, with reasons
- GET  /pathways                     a form, the routes and the drawn route graph (inline SVG, no scripts)

Every answer comes from ``graph.pathways.engine.PathwayEngine``, built once per store generation from the
same RuleBook as /api/standards (server/resources.py). Bad input is a 400 (unknown codes come with the nearest
valid ones), never a 500.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, render_template, request
from werkzeug.wrappers import Response

from graph.pathways.engine import (
    BOOLEAN_WORDS,
    CERTIFICATE_KINDS_ZH,
    MAX_ROUTES,
    MAX_YEARS,
    Describer,
    PathwayEngine,
    PathwayError,
    PathwayQuery,
    QueryParser,
    bad,
)
from graph.pathways.render import route_graph, to_svg
from server.openapi import DATE_SCHEMA, enum_schema
from server.openapi import query_param as _param
from server.resources import get_engine

bp = Blueprint("pathways", __name__)

MAX_BODY_BYTES = 64 * 1024


def _args() -> dict[str, str]:
    out = {}
    for key in request.args:
        values = request.args.getlist(key)
        if len(values) > 1:
            raise bad(key, "given-twice", f"{key}：只能给一次")
        out[key] = values[0]
    return out


def _body() -> dict[str, Any]:
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise bad("body", "body-too-large", f"请求内容超过 {MAX_BODY_BYTES // 1024} KiB", status=413)
    data = request.get_json(silent=True, force=True)
    if not isinstance(data, dict):
        raise bad(
            "body",
            "body-not-object",
            '请求内容应为 JSON 对象，例如 {"to": "6-31-01-04", "to_level": "2", '
            '"profile": {"certificates": [...]}}（格式见 docs/pathways.md）',
        )
    return data


def _parse(params: dict[str, Any], need_target: bool, json_body: bool) -> tuple[PathwayEngine, PathwayQuery]:
    engine = get_engine()
    return engine, QueryParser(engine).parse(params, need_target=need_target, json_body=json_body)


def _routes(params: dict[str, Any], json_body: bool) -> Response:
    engine, q = _parse(params, need_target=True, json_body=json_body)
    result = engine.find_routes(
        q.profile, q.target or "", q.target_level or "", q.max_routes, origin=q.origin, moves=q.moves
    )
    return jsonify(Describer(engine).result(result, q))


@bp.get("/api/pathways")
def api_pathways() -> Response:
    return _routes(_args(), json_body=False)


@bp.post("/api/pathways")
def api_pathways_post() -> Response:
    return _routes(_body(), json_body=True)


def _reachable(params: dict[str, Any], json_body: bool) -> Response:
    engine, q = _parse(params, need_target=False, json_body=json_body)
    if q.within_years is None:
        raise bad("within", "missing-within", "请填写 within：在多少年内（0～40）")
    if not (q.profile.certificates or q.profile.work or q.origin):
        raise bad("from", "missing-start", "请填写出发点：职业（from），以及所持等级、工作年限等")
    items = engine.reachable(q.profile, q.within_years, origin=q.origin)
    return jsonify(Describer(engine).reachable(items, q.within_years, q))


@bp.get("/api/pathways/reachable")
def api_reachable() -> Response:
    return _reachable(_args(), json_body=False)


@bp.post("/api/pathways/reachable")
def api_reachable_post() -> Response:
    return _reachable(_body(), json_body=True)


@bp.get("/api/pathways/next-steps")
def api_next_steps() -> Response:
    engine, q = _parse(_args(), need_target=False, json_body=False)
    if not q.origin:
        raise bad("from", "missing-from", "请填写出发的职业（from）")
    has_profile = bool(q.profile.certificates or q.profile.work or q.profile.diplomas or q.profile.titles)
    steps = engine.next_steps(q.origin, q.profile if has_profile else None, limit=q.limit)
    return jsonify(Describer(engine).next_steps(q.origin, steps))


@bp.get("/pathways")
def page() -> tuple[str, int]:
    """The page for people: a form, and the answer (routes, what is reachable, next steps). Bad
    input is answered with the form, a Chinese message and status 400."""
    engine = get_engine()
    d = Describer(engine)
    status = 200
    ctx: dict[str, Any] = {
        "args": {},
        "names": {},
        "levels": engine.ladder.ordered("skill"),
        "max_routes": MAX_ROUTES,
        # professional levels with their engineering-series name (工程师 …) from the ladder's names
        "titles": [
            (lv, next((alt for alt in lv.alt_zh if alt.endswith("工程师") and alt != "正高级工程师"), ""))
            for lv in engine.ladder.ordered("professional")
        ],
        "diplomas": list(engine.diploma_zh.items()),
        "result": None,
        "svg": None,
        "message": None,
        "reach": None,
        "next": None,
    }
    try:
        args = {k: v for k, v in _args().items() if v != ""}
        ctx["args"] = args
        ctx["names"] = {k: engine.names.get(args[k], "") for k in ("from", "to") if args.get(k)}
        if args.get("to") or args.get("to_level"):
            q = QueryParser(engine).parse(args)
            result = engine.find_routes(
                q.profile, q.target or "", q.target_level or "", q.max_routes, origin=q.origin, moves=q.moves
            )
            ctx["result"] = d.result(result, q)
            g = route_graph(result, engine)
            if g.number_of_edges():
                title = f"{engine.names.get(q.target or '', q.target)} {engine.level_words(q.target_level)}"
                ctx["svg"] = to_svg(g, title, fit=True)
        elif args.get("within"):
            q = QueryParser(engine).parse(args, need_target=False)
            if not (q.profile.certificates or q.profile.work or q.origin):
                raise bad("from", "missing-start", "请填写出发点：职业（from），以及所持等级、工作年限等")
            ctx["reach"] = d.reachable(
                engine.reachable(q.profile, q.within_years or 0.0, origin=q.origin), q.within_years or 0.0, q
            )
        elif args:
            q = QueryParser(engine).parse(args, need_target=False)
            if not q.origin:
                raise bad("from", "missing-from", "请填写出发的职业（from）或目标（to）")
            has_profile = bool(q.profile.certificates or q.profile.work)
            ctx["next"] = d.next_steps(
                q.origin, engine.next_steps(q.origin, q.profile if has_profile else None, limit=q.limit)
            )
    except PathwayError as exc:
        status = 400
        ctx["message"] = exc.message
        ctx["bad_param"] = exc.extra.get("param")
        if exc.extra.get("nearest_codes"):
            near = [f"{c} {engine.names.get(c, '')}".strip() for c in exc.extra["nearest_codes"]]
            ctx["message"] += f"（相近的职业：{'；'.join(near)}）"
    return render_template("pathways.html", **ctx), status


_Q = {"type": "string"}
_DATE = DATE_SCHEMA


def _number(low: float, high: float) -> dict[str, Any]:
    """A number the parser reads with float() (so 2.5 is read; counts are then cut to whole numbers)."""
    return {"type": "number", "minimum": low, "maximum": high}


# a number written as text, as float() reads it (the JSON body takes "6" as well as 6)
_NUMBER_TEXT = {"type": "string", "pattern": "^\\s*[+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?\\s*$"}


def _in_body(schema: dict[str, Any]) -> dict[str, Any]:
    """What a JSON body takes for a parameter whose query form is ``schema``: the parser reads a
    number as a number or as its text, a yes/no as true/false or as one of its words, and a free
    text given as a number as that number's text (``"from_level": 4``)."""
    if schema.get("type") == "number":
        return {"anyOf": [schema, _NUMBER_TEXT]}
    if schema.get("enum") == list(BOOLEAN_WORDS):
        return {"anyOf": [{"type": "boolean"}, schema, {"enum": [0, 1]}]}
    if schema == _Q:
        return {"type": ["string", "number"]}
    return schema


_PROFILE_PARAMS = [
    _param("from", "occupation you are in: code N-NN-NN-NN, exact name or 'code name'", "6-31-01-03"),
    _param("from_level", "level of the certificate you hold there: 5..1 or a name (学徒工, 技师, 特级技师)", "4"),
    _param("level_since", "date of that certificate (YYYY-MM-DD)", "2021-05-01", schema=_DATE),
    _param(
        "certificate_kind",
        "skill-level (default), vocational-qualification or special-ability",
        schema=enum_schema(CERTIFICATE_KINDS_ZH),
    ),
    _param(
        "years_worked",
        "years worked in that occupation up to as_of (0-60); default with level_since: worked there since that date",
        "6",
        schema=_number(0, 60),
    ),
    _param("birth_date", "date of birth (YYYY-MM-DD); without it or age the person is taken as an adult", schema=_DATE),
    _param("age", "age in years (0-120), if birth_date is not given", schema=_number(0, 120)),
    _param("diploma", "diploma held: id or name (技工院校, 高级工班, 技师班, 中职, 高职, 本科, 研究生)", "高职"),
    _param(
        "diploma_graduation",
        "graduation date (YYYY-MM-DD) or 'graduating'",
        schema={"anyOf": [_DATE, {"type": "string", "enum": ["graduating"]}]},
    ),
    _param("diploma_assessed", "true if the programme is assessed (经评估论证)", schema=enum_schema(BOOLEAN_WORDS)),
    _param("title", "professional title held: 初级, 中级 or 高级"),
    _param("title_since", "date of that title (YYYY-MM-DD)", schema=_DATE),
    _param("as_of", "date to reason from (YYYY-MM-DD, 1950-2100, default today)", "2026-01-01", schema=_DATE),
]
_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "description": "the query parameters as JSON keys, plus 'profile': the full profile (certificates with "
                "dates, work spells, diplomas, titles, trainings, birth_date; docs/pathways.md)",
                "properties": {
                    **{p["name"]: _in_body(p["schema"]) for p in _PROFILE_PARAMS},
                    "to": _in_body(_Q),
                    "to_level": _in_body(_Q),
                    "max_routes": _in_body(_number(1, MAX_ROUTES)),
                    "moves": enum_schema(("allow", "none", "允许", "不转换")),
                    "within": _in_body(_number(0, MAX_YEARS)),
                    "limit": _in_body(_number(1, 50)),
                    "profile": {"type": "object"},
                },
                "additionalProperties": False,
            }
        }
    },
}
_ERRORS = {"400": {"$ref": "#/components/responses/BadRequest"}, "429": {"$ref": "#/components/responses/TooMany"}}
_POST_ERRORS = {
    **_ERRORS,
    "413": {"$ref": "#/components/responses/BadRequest"},
    "422": {"$ref": "#/components/responses/BadRequest"},
}  # 422: the profile is invalid (names the field)


def _ok(description: str, schema: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


OPENAPI_SCHEMAS = {
    "PathwayRoutes": {
        "type": "object",
        "required": ["as_of", "from", "to", "routes", "reason", "nearest", "notes"],
        "properties": {
            "as_of": {"type": "string"},
            "from": {"type": "object"},
            "to": {"type": "object"},
            "already_holds": {"type": "boolean"},
            "already_qualifies": {"type": "boolean"},
            "routes": {
                "type": "array",
                "description": "best first",
                "items": {
                    "type": "object",
                    "required": ["total_years", "steps"],
                    "properties": {
                        "total_years": {"type": "number"},
                        "reached_on": {"type": "string"},
                        "summary": {"type": "string"},
                        "steps": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["from", "to", "years", "rule"],
                                "properties": {
                                    "from": {"type": "object"},
                                    "to": {"type": "object"},
                                    "kind": {"type": "string"},
                                    "years": {"type": "number"},
                                    "date": {"type": "string"},
                                    "rule": {"type": "object"},
                                },
                            },
                        },
                    },
                },
            },
            "reason": {"type": ["string", "null"]},
            "nearest": {"type": ["object", "null"]},
            "notes": {"type": "array", "items": {"type": "string"}},
            "assumptions": {"type": "array", "items": {"type": "string"}},
        },
    },
    "PathwayReachable": {
        "type": "object",
        "required": ["within_years", "count", "reachable"],
        "properties": {
            "within_years": {"type": "number"},
            "count": {"type": "integer"},
            "reachable": {"type": "array", "items": {"type": "object"}},
        },
    },
    "PathwayNextSteps": {
        "type": "object",
        "required": ["from", "count", "next_steps"],
        "properties": {
            "from": {"type": "object"},
            "count": {"type": "integer"},
            "next_steps": {"type": "array", "items": {"type": "object"}},
            "definition": {"type": "string"},
        },
    },
}
OPENAPI_PATHS = {
    "/api/pathways": {
        "get": {
            "summary": "Fastest routes from where you are to a level in an occupation, with time and rules",
            "tags": ["pathways"],
            "parameters": [
                _param("to", "target occupation: code, exact name or 'code name'", "6-31-01-04", True),
                _param("to_level", "target level: 5..1 or a name, or a title (助理工程师, 工程师)", "2", True),
                _param(
                    "max_routes", f"alternatives to return (1-{MAX_ROUTES}, default 3)", schema=_number(1, MAX_ROUTES)
                ),
                _param(
                    "moves",
                    "allow (default) or none: may a route move into another occupation on the way",
                    schema=enum_schema(("allow", "none", "允许", "不转换")),
                ),
                *_PROFILE_PARAMS,
            ],
            "responses": {
                "200": _ok("routes best first; empty routes with the reason and the nearest target", "PathwayRoutes"),
                **_ERRORS,
            },
        },
        "post": {
            "summary": "Routes for a full profile given as JSON",
            "tags": ["pathways"],
            "requestBody": _BODY,
            "responses": {"200": _ok("routes best first", "PathwayRoutes"), **_POST_ERRORS},
        },
    },
    "/api/pathways/reachable": {
        "get": {
            "summary": "What can be reached within N years (levels in your and related occupations)",
            "tags": ["pathways"],
            "parameters": [
                _param("within", "horizon in years (0-40)", "3", True, _number(0, MAX_YEARS)),
                *_PROFILE_PARAMS,
            ],
            "responses": {"200": _ok("reachable targets, fastest first", "PathwayReachable"), **_ERRORS},
        },
        "post": {
            "summary": "What can be reached within N years, for a full profile as JSON",
            "tags": ["pathways"],
            "requestBody": _BODY,
            "responses": {"200": _ok("reachable targets", "PathwayReachable"), **_POST_ERRORS},
        },
    },
    "/api/pathways/next-steps": {
        "get": {
            "summary": "Natural next steps (horizontal moves) from an occupation, with reasons",
            "tags": ["pathways"],
            "parameters": [_param("limit", "how many (1-50, default 10)", schema=_number(1, 50)), *_PROFILE_PARAMS],
            "responses": {"200": _ok("related and similar occupations", "PathwayNextSteps"), **_ERRORS},
        },
    },
}

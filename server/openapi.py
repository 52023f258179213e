"""The OpenAPI 3 document (/api/openapi.json) and a page to read it (/api/docs).

The document is assembled from the blueprint modules in ``server.BLUEPRINT_MODULES``: a module
contributes its own paths by defining ``OPENAPI_PATHS`` (and optionally ``OPENAPI_SCHEMAS``,
merged into components/schemas). Modules that do not (the foundation's /api) are described in
``DESCRIBED_ELSEWHERE`` below. tests/test_openapi.py fails when a JSON route under /api is
described nowhere, so a new endpoint cannot go undocumented.

>>> spec = {"paths": {"/api/x/{code}": {}}}
>>> flask_rule_to_path("/api/x/<code>")
'/api/x/{code}'
"""

from __future__ import annotations

import importlib
import re
from typing import Any

from flask import Blueprint, Flask, current_app, jsonify, render_template
from werkzeug.wrappers import Response

from graph import __version__

bp = Blueprint("openapi", __name__)


def _err(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


ERRORS = {
    "400": _err("bad input (the message says what is wrong)"),
    "404": _err("no such entry"),
    "429": {
        **_err("too many requests from this client; see Retry-After"),
        "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds"}},
    },
}


def json_ok(description: str, schema_ref: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}},
    }


def code_param(example: str = "2-02-38-01") -> dict[str, Any]:
    return {
        "name": "code",
        "in": "path",
        "required": True,
        "example": example,
        "description": "classification code as printed, N-NN-NN-NN (groups end in -00)",
        "schema": {"type": "string"},
    }


ENTRY = {
    "type": "object",
    "required": ["code", "name", "kinds"],
    "properties": {
        "code": {"type": "string", "example": "2-02-38-01"},
        "name": {"type": "string", "example": "人工智能工程技术人员"},
        "kinds": {"type": "array", "items": {"type": "string", "enum": ["major", "medium", "minor", "occupation"]}},
    },
}

BASE_SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error", "status"],
        "properties": {
            "error": {"type": "string", "description": "what went wrong, in words"},
            "status": {"type": "integer"},
        },
    },
    "Entry": ENTRY,
}

# descriptions of modules that do not carry their own OPENAPI_PATHS
DESCRIBED_ELSEWHERE: dict[str, dict[str, Any]] = {
    "server.blueprints.api": {
        "schemas": {
            "Occupation": {
                "type": "object",
                "required": ["code", "iri", "name", "kinds", "flags", "tasks", "parents", "children", "aliases"],
                "properties": {
                    "code": {"type": "string"},
                    "iri": {"type": "string", "format": "uri"},
                    "name": {"type": "string"},
                    "kinds": ENTRY["properties"]["kinds"],
                    "definition": {"type": ["string", "null"]},
                    "flags": {
                        "type": "object",
                        "properties": {
                            "digital": {"type": "boolean"},
                            "green": {"type": "boolean"},
                            "marker": {"type": "string"},
                        },
                    },
                    "tasks": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {"number": {"type": "integer"}, "text": {"type": "string"}},
                        },
                    },
                    "parents": {"type": "array", "items": {"$ref": "#/components/schemas/Entry"}},
                    "children": {"type": "array", "items": {"$ref": "#/components/schemas/Entry"}},
                    "aliases": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "label": {"type": "string"},
                                "type": {"type": "string", "enum": ["alt", "job-title"]},
                            },
                        },
                    },
                    "former_codes": {"type": "array", "items": {"type": "string"}},
                    "editions": {"type": "array", "items": {"type": "string"}},
                },
            },
            "NotFoundWithSuggestions": {
                "allOf": [
                    {"$ref": "#/components/schemas/Error"},
                    {"type": "object", "properties": {"nearest_codes": {"type": "array", "items": {"type": "string"}}}},
                ]
            },
            "SearchResults": {
                "type": "object",
                "required": ["query", "count", "results"],
                "properties": {
                    "query": {"type": "string"},
                    "count": {"type": "integer"},
                    "results": {
                        "type": "array",
                        "items": {
                            "allOf": [
                                {"$ref": "#/components/schemas/Entry"},
                                {
                                    "type": "object",
                                    "properties": {
                                        "score": {"type": "number"},
                                        "matched": {
                                            "type": "object",
                                            "properties": {
                                                "field": {"type": "string"},
                                                "text": {"type": ["string", "null"]},
                                            },
                                        },
                                    },
                                },
                            ]
                        },
                    },
                },
            },
        },
        "paths": {
            "/api/occupations/{code}": {
                "get": {
                    "summary": "One classification entry by its code",
                    "description": "Definition, main tasks, digital/green flags, parents up to the major group, "
                    "children, aliases and former codes.",
                    "tags": ["classification"],
                    "parameters": [code_param()],
                    "responses": {
                        "200": json_ok("the entry", "Occupation"),
                        "400": ERRORS["400"],
                        "404": json_ok(
                            "no entry has this code; the nearest codes are suggested", "NotFoundWithSuggestions"
                        ),
                        "429": ERRORS["429"],
                    },
                }
            },
            "/api/occupations": {
                "get": {
                    "summary": "Search entries by Chinese text",
                    "description": "Matches names, aliases, recruiting titles and definitions; ranked.",
                    "tags": ["classification"],
                    "parameters": [
                        {
                            "name": "q",
                            "in": "query",
                            "required": True,
                            "example": "电子商务",
                            "schema": {"type": "string"},
                            "description": "text to look for (up to 100 characters)",
                        },
                        {
                            "name": "limit",
                            "in": "query",
                            "schema": {"type": "integer", "default": 20},
                            "description": "1-200",
                        },
                        {
                            "name": "kind",
                            "in": "query",
                            "schema": {"type": "string"},
                            "description": "major, medium, minor or occupation",
                        },
                    ],
                    "responses": {
                        "200": json_ok("ranked matches", "SearchResults"),
                        "400": ERRORS["400"],
                        "429": ERRORS["429"],
                    },
                }
            },
        },
    },
}

_OBJ = {"type": "object"}


def _get(
    summary: str,
    tags: list[str],
    params: list[dict[str, Any]],
    ok: dict[str, Any],
    errors: tuple[str, ...] = ("400", "429"),
    **extra_responses: Any,
) -> dict[str, Any]:
    responses = {"200": ok, **{code: SHARED_RESPONSE_REFS[code] for code in errors}, **extra_responses}
    return {"get": {"summary": summary, "tags": tags, "parameters": params, "responses": responses}}


def _q(name: str, description: str, example: str | None = None, required: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": name,
        "in": "query",
        "required": required,
        "schema": {"type": "string"},
        "description": description,
    }
    if example is not None:
        out["example"] = example
    return out


def _json(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


SHARED_RESPONSE_REFS = {
    "400": {"$ref": "#/components/responses/BadRequest"},
    "404": {"$ref": "#/components/responses/NotFound"},
    "429": {"$ref": "#/components/responses/TooMany"},
}
_NEW_OCC_LIST = {
    "type": "object",
    "required": ["filters", "count", "results"],
    "properties": {"filters": _OBJ, "count": {"type": "integer"}, "results": {"type": "array", "items": _OBJ}},
}
_PROPOSAL_ERR = {
    "description": "refused; the message (and findings, for a failed validation) says why",
    "content": {
        "application/json": {
            "schema": {
                "allOf": [
                    {"$ref": "#/components/schemas/Error"},
                    {"type": "object", "properties": {"findings": {"type": "array", "items": {"type": "string"}}}},
                ]
            }
        }
    },
}
_PID = {"name": "pid", "in": "path", "required": True, "schema": {"type": "string"}, "description": "proposal id"}


def _post(summary: str, params: list[dict[str, Any]], ok_status: str, codes: tuple[str, ...]) -> dict[str, Any]:
    body = {"required": False, "content": {"application/json": {"schema": _OBJ}}}
    responses: dict[str, Any] = {ok_status: _json("the proposal", _OBJ), "429": SHARED_RESPONSE_REFS["429"]}
    responses.update({code: _PROPOSAL_ERR for code in codes})
    return {
        "post": {
            "summary": summary,
            "tags": ["editing"],
            "parameters": params,
            "requestBody": body,
            "responses": responses,
        }
    }


# issue 5 (new occupations, job-title classifier) and issue 8 (changes, edit proposals)
DESCRIBED_ELSEWHERE["server.blueprints.new_occupations"] = {
    "paths": {
        "/api/new-occupations": _get(
            "New occupations (新职业) announced in batches, filtered",
            ["new occupations"],
            [
                _q("since", "announced on or after this date, YYYY-MM-DD", "2022-01-01"),
                _q("batch", "batch number or YYYY-MM", "2024-07"),
                _q("flag", "digital or green", "digital"),
            ],
            _json("matching new occupations", _NEW_OCC_LIST),
        ),
        "/api/new-occupations/batches": _get(
            "The release batches with their occupations and new work types",
            ["new occupations"],
            [],
            _json(
                "batches",
                {
                    "type": "object",
                    "properties": {
                        "batches": {"type": "array", "items": _OBJ},
                        "work_types": {"type": "array", "items": _OBJ},
                    },
                },
            ),
            errors=("429",),
        ),
        "/api/new-occupations/coverage": {
            "get": {
                "summary": "Which new occupations have a standard (coverage per batch)",
                "tags": ["new occupations"],
                "parameters": [
                    _q("as_of", "coverage on this date, YYYY-MM-DD", "2025-01-01"),
                    _q("format", "json (default) or csv", "json"),
                ],
                "responses": {
                    "200": {
                        "description": "coverage",
                        "content": {"application/json": {"schema": _OBJ}, "text/csv": {"schema": {"type": "string"}}},
                    },
                    "400": SHARED_RESPONSE_REFS["400"],
                    "429": SHARED_RESPONSE_REFS["429"],
                },
            }
        },
        "/api/new-occupations/coverage.csv": {
            "get": {
                "summary": "Coverage as CSV (UTF-8 with BOM)",
                "tags": ["new occupations"],
                "parameters": [_q("as_of", "coverage on this date, YYYY-MM-DD")],
                "responses": {
                    "200": {"description": "CSV", "content": {"text/csv": {"schema": {"type": "string"}}}},
                    "400": SHARED_RESPONSE_REFS["400"],
                    "429": SHARED_RESPONSE_REFS["429"],
                },
            }
        },
        "/api/classify": _get(
            "Which occupation does a job title belong to? (Traditional input accepted)",
            ["classification"],
            [
                _q("title", "the job title, e.g. SLAM算法工程师", "SLAM算法工程师", required=True),
                _q("top", "how many candidates, 1-20 (default 5)", "5"),
            ],
            _json(
                "candidates, best first, with reasons and a new-occupation signal",
                {
                    "type": "object",
                    "required": ["title", "status", "candidates"],
                    "properties": {
                        "title": {"type": "string"},
                        "status": {"type": "string"},
                        "candidates": {"type": "array", "items": _OBJ},
                        "new_occupation_signal": _OBJ,
                    },
                },
            ),
        ),
    }
}
DESCRIBED_ELSEWHERE["server.blueprints.workflow"] = {
    "paths": {
        "/api/changes": {
            "get": {
                "summary": "What changed since a release (label-aware diff)",
                "tags": ["editing"],
                "parameters": [
                    _q("since", "the release to compare with", "v1", required=True),
                    _q("until", "a later release (default: the graph this server serves)"),
                    _q("kind", "only entries of this class, e.g. og:Occupation"),
                    _q("format", "json (default) or markdown"),
                ],
                "responses": {
                    "200": {
                        "description": "the changes",
                        "content": {
                            "application/json": {"schema": _OBJ},
                            "text/markdown": {"schema": {"type": "string"}},
                        },
                    },
                    "400": SHARED_RESPONSE_REFS["400"],
                    "404": SHARED_RESPONSE_REFS["404"],
                    "429": SHARED_RESPONSE_REFS["429"],
                    "501": _err("this store cannot export its triples"),
                },
            }
        },
        "/api/proposals": {
            **_get(
                "The edit proposals in the review queue",
                ["editing"],
                [_q("state", "only proposals in this state")],
                _json(
                    "proposals",
                    {
                        "type": "object",
                        "required": ["count", "proposals"],
                        "properties": {
                            "count": {"type": "integer"},
                            "state": {"type": ["string", "null"]},
                            "proposals": {"type": "array", "items": _OBJ},
                        },
                    },
                ),
                errors=("429",),
                **{code: _PROPOSAL_ERR for code in ("400", "404")},
            ),
            **_post(
                "Propose an edit to standards/ (JSON; see docs/editing.md)", [], "201", ("400", "409", "413", "422")
            ),
        },
        "/api/proposals/{pid}": _get(
            "One proposal",
            ["editing"],
            [_PID],
            _json("the proposal", _OBJ),
            errors=("429",),
            **{code: _PROPOSAL_ERR for code in ("400", "404")},
        ),
        "/api/proposals/{pid}/submit": _post(
            "Submit a proposal for review", [_PID], "200", ("400", "404", "409", "422")
        ),
        "/api/proposals/{pid}/approve": _post(
            "Approve a proposal (editor token; 401 without one, 403 for a wrong one)",
            [_PID],
            "200",
            ("400", "401", "403", "404", "409", "422"),
        ),
        "/api/proposals/{pid}/reject": _post(
            "Reject a proposal (editor token; 401 without one, 403 for a wrong one)",
            [_PID],
            "200",
            ("400", "401", "403", "404", "409", "422"),
        ),
        "/api/version": _get(
            "The served version: software, and the data's release name, version IRI, date and release notes",
            ["editing"],
            [],
            _json("the versions", _OBJ),
            errors=("429",),
        ),
    }
}

# /sparql is a protocol endpoint rather than a JSON API, but its JSON results are described too
SPARQL_PATHS = {
    "/sparql": {
        "get": {
            "summary": "SPARQL 1.1 query (read-only)",
            "description": "The SPARQL 1.1 Protocol query operation. Results by Accept: SPARQL JSON/XML/CSV/TSV, "
            "or Turtle/N-Triples/RDF-XML/JSON-LD for CONSTRUCT and DESCRIBE. Without a query and "
            "asked for RDF, it returns the SPARQL 1.1 Service Description. Queries have a time "
            "limit (503) and a row cap (header OccuGraph-Results-Truncated). SERVICE, LOAD and "
            "dataset IRIs outside the store are refused (400).",
            "tags": ["sparql"],
            "parameters": [
                {
                    "name": "query",
                    "in": "query",
                    "required": True,
                    "schema": {"type": "string"},
                    "example": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                }
            ],
            "responses": {
                "200": {
                    "description": "query results",
                    "headers": {
                        "OccuGraph-Results-Truncated": {
                            "schema": {"type": "string"},
                            "description": "present when rows were cut",
                        }
                    },
                    "content": {
                        "application/sparql-results+json": {"schema": {"type": "object"}},
                        "application/sparql-results+xml": {"schema": {"type": "string"}},
                        "text/csv": {"schema": {"type": "string"}},
                        "text/turtle": {"schema": {"type": "string"}},
                    },
                },
                "400": {
                    "description": "malformed or refused query",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}},
                        "text/plain": {"schema": {"type": "string"}},
                    },
                },
                "406": _err("no acceptable result format"),
                "429": ERRORS["429"],
                "503": {
                    **_err("the query hit the time limit, or every worker is busy"),
                    "headers": {"Retry-After": {"schema": {"type": "integer"}}},
                },
            },
        },
    },
}
# POST /sparql: the same query operation, with the query in a form body or as the body itself
SPARQL_PATHS["/sparql"]["post"] = {
    **{k: v for k, v in SPARQL_PATHS["/sparql"]["get"].items() if k not in ("parameters", "summary")},
    "summary": "SPARQL 1.1 query by POST (form or application/sparql-query)",
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "required": ["query"],
                    "properties": {"query": {"type": "string"}},
                },
                "example": {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
            },
            "application/sparql-query": {
                "schema": {"type": "string"},
                "example": "ASK { ?s ?p ?o }",
            },
        },
    },
    "responses": {
        **SPARQL_PATHS["/sparql"]["get"]["responses"],
        "403": _err("SPARQL Update sent to the read-only query endpoint"),
        "413": _err("the body is larger than the server accepts"),
        "415": _err("the body is neither a form nor application/sparql-query"),
    },
}

OWN_PATHS = {
    "/api/openapi.json": {
        "get": {
            "summary": "This document",
            "tags": ["meta"],
            "responses": {
                "200": {
                    "description": "OpenAPI 3.1 document",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                }
            },
        }
    },
}


# shared responses that contributed paths may point to with {"$ref": "#/components/responses/<name>"}
SHARED_RESPONSES = {"BadRequest": ERRORS["400"], "NotFound": ERRORS["404"], "TooMany": ERRORS["429"]}


def flask_rule_to_path(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def build_spec(app: Flask | None = None) -> dict[str, Any]:
    from server import BLUEPRINT_MODULES

    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = dict(BASE_SCHEMAS)
    for name in BLUEPRINT_MODULES:
        module = importlib.import_module(name)
        own = getattr(module, "OPENAPI_PATHS", None)
        extra = DESCRIBED_ELSEWHERE.get(name, {})
        paths.update(extra.get("paths", {}))
        schemas.update(extra.get("schemas", {}))
        if own:
            paths.update(own)
            schemas.update(getattr(module, "OPENAPI_SCHEMAS", {}) or {})
    paths.update(SPARQL_PATHS)
    paths.update(OWN_PATHS)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "OccuGraph API",
            "version": __version__,
            "description": "China's occupational classification (职业分类大典) and skill standards as a "
            'knowledge graph. JSON errors are {"error": message, "status": code}. Every '
            "client has a request budget per minute (429 with Retry-After beyond it). "
            "Linked data: every https://w3id.org/occugraph/id/... IRI dereferences under /id/; "
            "the ontology is at /ontology, VoID at /.well-known/void, dumps at /downloads.",
            "license": {"name": "CC BY 4.0 (data), MIT (code)"},
        },
        "servers": [{"url": "/"}],
        "paths": dict(sorted(paths.items())),
        "components": {"schemas": dict(sorted(schemas.items())), "responses": SHARED_RESPONSES},
    }


def undocumented_json_routes(app: Flask) -> list[str]:
    """Routes under /api that the document does not describe (a test keeps this empty)."""
    spec = build_spec(app)
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.rule == "/api/docs":
            continue
        path = flask_rule_to_path(rule.rule)
        methods = {m.lower() for m in (rule.methods or set())} - {"head", "options"}
        described = spec["paths"].get(path, {})
        for m in sorted(methods):
            if m not in described:
                missing.append(f"{m.upper()} {path}")
    return missing


@bp.get("/api/openapi.json")
def openapi_json() -> Response:
    # built per request (0.7 ms measured): it describes the app's routes, not the store's data,
    # and a cache would be one more thing to keep in step
    return jsonify(build_spec(current_app))  # type: ignore[arg-type]


@bp.get("/api/docs")
def openapi_page() -> str:
    return render_template("api_docs.html", spec=build_spec(current_app))  # type: ignore[arg-type]

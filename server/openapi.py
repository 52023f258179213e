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

import copy
import importlib
import re
from typing import Any

from flask import Blueprint, Flask, current_app, jsonify, render_template
from werkzeug.wrappers import Response

from graph import __version__
from graph.classification.classifier import HAS_TEXT, MAX_TITLE_CHARS
from graph.classification.new_occupations import FLAGS as NEW_OCCUPATION_FLAGS
from graph.classification.queries import MAX_SEARCH_CHARS
from graph.workflow.proposals import STATES as PROPOSAL_STATES

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


# The values the server checks, written once as JSON Schema so that every blueprint's description
# says exactly what a request may carry: schemathesis (tests/test_openapi.py, bench/api_fuzz.py)
# sends values inside these schemas and expects them accepted, and values outside them and expects
# them refused, so a schema wider or narrower than the server's check fails the run.
CODE_SCHEMA: dict[str, Any] = {"type": "string", "pattern": "^[0-9]-[0-9]{2}-[0-9]{2}-[0-9]{2}$"}
DATE_SCHEMA: dict[str, Any] = {"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}


def enum_schema(values: Any) -> dict[str, Any]:
    return {"type": "string", "enum": list(values)}


def int_schema(low: int, high: int, default: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "integer", "minimum": low, "maximum": high}
    if default is not None:
        out["default"] = default
    return out


def text_schema(max_length: int, *, required_text: bool = False) -> dict[str, Any]:
    """A free text of at most ``max_length`` characters; ``required_text``: not only white space."""
    out: dict[str, Any] = {"type": "string", "maxLength": max_length}
    if required_text:
        out["pattern"] = "\\S"
    return out


# a job title the classifier takes (graph/classification/classifier.py: check_title): no control
# characters, at least one letter, digit or CJK character. The classifier's CONTROL also names lone
# surrogates (\ud800-\udfff); a query string cannot carry one (the server decodes bytes that are not
# UTF-8 to \ufffd, refused here) and JSON Schema validators refuse such a range, so it is left out.
_CONTROL = "\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f\\ufffd"
TITLE_SCHEMA: dict[str, Any] = {
    "type": "string",
    "maxLength": MAX_TITLE_CHARS,
    "pattern": f"^[^{_CONTROL}]*[{HAS_TEXT.pattern[1:-1]}][^{_CONTROL}]*$",
}
# a new-occupation batch: its number or its month (graph/classification/new_occupations.py: parse_batch_filter)
BATCH_SCHEMA: dict[str, Any] = {"type": "string", "pattern": "^\\s*(?:[1-9][0-9]{0,2}|[0-9]{4}-(?:0[1-9]|1[0-2]))\\s*$"}


def code_param(example: str = "2-02-38-01") -> dict[str, Any]:
    return {
        "name": "code",
        "in": "path",
        "required": True,
        "example": example,
        "description": "classification code as printed, N-NN-NN-NN (groups end in -00)",
        "schema": CODE_SCHEMA,
    }


ENTRY_KINDS = ("major", "medium", "minor", "occupation")
ENTRY = {
    "type": "object",
    "required": ["code", "name", "kinds"],
    "properties": {
        "code": {"type": "string", "example": "2-02-38-01"},
        "name": {"type": "string", "example": "人工智能工程技术人员"},
        "kinds": {"type": "array", "items": enum_schema(ENTRY_KINDS)},
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
                            "schema": text_schema(MAX_SEARCH_CHARS, required_text=True),
                            "description": f"text to look for (up to {MAX_SEARCH_CHARS} characters)",
                        },
                        {
                            "name": "limit",
                            "in": "query",
                            "schema": int_schema(1, 200, 20),
                            "description": "1-200",
                        },
                        {
                            "name": "kind",
                            "in": "query",
                            "schema": enum_schema(ENTRY_KINDS),
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


def query_param(
    name: str,
    description: str,
    example: str | None = None,
    required: bool = False,
    schema: dict[str, Any] | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": name,
        "in": "query",
        "required": required,
        "schema": schema or {"type": "string"},
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
_PID = {
    "name": "pid",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": "^[0-9]{1,9}$"},
    "description": "proposal number; anything else is no proposal (404)",
}


def _post(
    summary: str,
    params: list[dict[str, Any]],
    ok_status: str,
    codes: tuple[str, ...],
    body: dict[str, Any],
    required: bool = False,
    editor: bool = False,
) -> dict[str, Any]:
    responses: dict[str, Any] = {ok_status: _json("the proposal", _OBJ), "429": SHARED_RESPONSE_REFS["429"]}
    responses.update({code: _PROPOSAL_ERR for code in codes})
    op: dict[str, Any] = {
        "summary": summary,
        "tags": ["editing"],
        "parameters": params,
        "requestBody": {"required": required, "content": {"application/json": {"schema": body}}},
        "responses": responses,
    }
    if editor:
        op["security"] = [{"editorToken": []}]
    return {"post": op}


def _short_text(limit: int = 200) -> dict[str, Any]:
    return {"type": "string", "maxLength": limit}


# graph/workflow/proposals.py: ProposalStore.create (the changes are checked against the sources)
_PROPOSAL_BODY = {
    "type": "object",
    "required": ["title", "author", "changes"],
    "additionalProperties": False,
    "properties": {
        "title": {**_short_text(), "pattern": "\\S"},
        "author": {**_short_text(), "pattern": "\\S"},
        "rationale": _short_text(5000),
        "changes": {"type": "array", "minItems": 1, "maxItems": 200, "items": _OBJ},
        "submit": {"type": "boolean", "default": True},
    },
}
_SUBMIT_BODY = {"type": "object", "properties": {"by": {"description": "who submits (cut to 200 characters)"}}}
_DECISION_BODY = {
    "type": "object",
    "properties": {"comment": {"type": "string", "description": "cut to 2,000 characters"}},
}


# issue 5 (new occupations, job-title classifier) and issue 8 (changes, edit proposals)
DESCRIBED_ELSEWHERE["server.blueprints.new_occupations"] = {
    "paths": {
        "/api/new-occupations": _get(
            "New occupations (新职业) announced in batches, filtered",
            ["new occupations"],
            [
                query_param("since", "announced on or after this date, YYYY-MM-DD", "2022-01-01", schema=DATE_SCHEMA),
                query_param("batch", "batch number or YYYY-MM", "2024-07", schema=BATCH_SCHEMA),
                query_param("flag", "digital or green", "digital", schema=enum_schema(NEW_OCCUPATION_FLAGS)),
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
                    query_param("as_of", "coverage on this date, YYYY-MM-DD", "2025-01-01", schema=DATE_SCHEMA),
                    query_param("format", "json (default) or csv", "json", schema=enum_schema(("json", "csv"))),
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
                "parameters": [query_param("as_of", "coverage on this date, YYYY-MM-DD", schema=DATE_SCHEMA)],
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
                query_param(
                    "title",
                    f"the job title, e.g. SLAM算法工程师: up to {MAX_TITLE_CHARS} characters, with a letter, digit or "
                    "Chinese character, no control characters",
                    "SLAM算法工程师",
                    required=True,
                    schema=TITLE_SCHEMA,
                ),
                query_param("top", "how many candidates, 1-20 (default 5)", "5", schema=int_schema(1, 20, 5)),
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
                    query_param(
                        "since",
                        "the release to compare with",
                        "v1",
                        required=True,
                        schema=text_schema(200, required_text=True),
                    ),
                    query_param("until", "a later release (default: the graph this server serves)"),
                    query_param("kind", "only entries of this class, e.g. og:Occupation"),
                    query_param("format", "json (default) or markdown", schema=enum_schema(("json", "markdown"))),
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
                [query_param("state", "only proposals in this state", schema=enum_schema(PROPOSAL_STATES))],
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
                "Propose an edit to standards/ (JSON; see docs/editing.md)",
                [],
                "201",
                ("400", "409", "413", "422"),
                _PROPOSAL_BODY,
                required=True,
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
            "Submit a proposal for review", [_PID], "200", ("400", "404", "409", "422"), _SUBMIT_BODY
        ),
        "/api/proposals/{pid}/approve": _post(
            "Approve a proposal (editor token; 401 without one, 403 for a wrong one)",
            [_PID],
            "200",
            ("400", "401", "403", "404", "409", "422"),
            _DECISION_BODY,
            editor=True,
        ),
        "/api/proposals/{pid}/reject": _post(
            "Reject a proposal (editor token; 401 without one, 403 for a wrong one)",
            [_PID],
            "200",
            ("400", "401", "403", "404", "409", "422"),
            {**_DECISION_BODY, "required": ["comment"]},
            editor=True,
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
                        **{
                            media: {"schema": {"type": "string"}}
                            for media in (
                                "application/sparql-results+xml",
                                "text/csv",
                                "text/tab-separated-values",
                                "text/turtle",
                                "application/n-triples",
                                "application/rdf+xml",
                            )
                        },
                        "application/ld+json": {"schema": {"type": ["object", "array"]}},
                        "text/html": {"schema": {"type": "string"}, "description": "the query page, for browsers"},
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
SHARED_RESPONSES = {
    "BadRequest": ERRORS["400"],
    "NotFound": ERRORS["404"],
    "TooMany": ERRORS["429"],
    "TooLarge": _err(
        "the request body is larger than the server accepts (MAX_CONTENT_LENGTH, or the endpoint's own limit)"
    ),
    "BadGateway": _err("the SPARQL server this server answers from (--endpoint) failed the query"),
    "Unavailable": {
        **_err(
            "the graph store is not available (a SPARQL server behind --endpoint that does not answer), or the "
            "store lacks what this answer is made from (a build without the matching settings); try later"
        ),
        "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds"}},
    },
}
SECURITY_SCHEMES = {
    "editorToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "an editor's token (the server's EDITOR_TOKENS); 401 without one, 403 for another",
    }
}


def _answers_everywhere(paths: dict[str, Any]) -> None:
    """The answers any operation can give, whatever its own description says: 429 (every client has
    a request budget), 413 for a body (Flask refuses one over MAX_CONTENT_LENGTH before a view runs),
    and 502/503 for an operation that reads the store (a SPARQL server behind --endpoint can fail)."""
    for path, ops in paths.items():
        for op in ops.values():
            responses = op["responses"]
            responses.setdefault("429", {"$ref": "#/components/responses/TooMany"})
            if "requestBody" in op:
                responses.setdefault("413", {"$ref": "#/components/responses/TooLarge"})
            if path not in OWN_PATHS:
                responses.setdefault("502", {"$ref": "#/components/responses/BadGateway"})
                responses.setdefault("503", {"$ref": "#/components/responses/Unavailable"})


def _empty_means_absent(paths: dict[str, Any]) -> None:
    """An optional query parameter sent empty (``?status=``, as an HTML form sends an unfilled field)
    is read as not given: every view reads its optional arguments with ``request.args.get(name) or
    None`` (or int_arg, which does the same). The document says so with ``allowEmptyValue``, so that
    its value schemas (an enum, a date pattern, an integer range) hold for the values that are given."""
    for ops in paths.values():
        for op in ops.values():
            for param in op.get("parameters", ()):
                if param.get("in") == "query" and not param.get("required"):
                    param["allowEmptyValue"] = True


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
    paths = copy.deepcopy(paths)  # the module-level descriptions stay as written
    _answers_everywhere(paths)
    _empty_means_absent(paths)
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
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "responses": SHARED_RESPONSES,
            "securitySchemes": SECURITY_SCHEMES,
        },
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

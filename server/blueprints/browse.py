"""The hierarchy browser: major > medium > minor group > occupation, as pages and as JSON.

The tree (graph/classification/hierarchy.py) is built once per store generation (server/resources.py).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, render_template

from server.openapi import CODE_SCHEMA
from server.resources import get_hierarchy

bp = Blueprint("browse", __name__)


@bp.get("/browse")
def browse_root() -> str:
    h = get_hierarchy()
    return render_template("browse.html", node=None, path=[], children=[h.brief(c) for c in h.roots], totals=h.totals())


@bp.get("/browse/<code:code>")
def browse(code: str) -> Any:
    h = get_hierarchy()
    return render_template(
        "browse.html",
        node=h.brief(code),
        path=[h.brief(c) for c in h.path(code)],
        children=[h.brief(c) for c in h.nodes[code].children],
        totals=None,
        tree=h,
    )


@bp.get("/api/hierarchy")
def api_root() -> Response:
    h = get_hierarchy()
    return jsonify(totals=h.totals(), children=[h.brief(c) for c in h.roots])


@bp.get("/api/hierarchy/<code:code>")
def api_node(code: str) -> Response:
    h = get_hierarchy()
    return jsonify(
        **h.brief(code), path=[h.brief(c) for c in h.path(code)], children=[h.brief(c) for c in h.nodes[code].children]
    )


_NODE = {
    "allOf": [
        {"$ref": "#/components/schemas/Entry"},
        {
            "type": "object",
            "properties": {
                "flags": {
                    "type": "object",
                    "properties": {"digital": {"type": "boolean"}, "green": {"type": "boolean"}},
                },
                "child_count": {"type": "integer"},
                "occupation_count": {"type": "integer"},
            },
        },
    ]
}
OPENAPI_SCHEMAS = {
    "HierarchyNode": _NODE,
    "HierarchyRoot": {
        "type": "object",
        "required": ["totals", "children"],
        "properties": {
            "totals": {"type": "object", "additionalProperties": {"type": "integer"}},
            "children": {"type": "array", "items": {"$ref": "#/components/schemas/HierarchyNode"}},
        },
    },
    "HierarchyDetail": {
        "allOf": [
            {"$ref": "#/components/schemas/HierarchyNode"},
            {
                "type": "object",
                "properties": {
                    "path": {"type": "array", "items": {"$ref": "#/components/schemas/HierarchyNode"}},
                    "children": {"type": "array", "items": {"$ref": "#/components/schemas/HierarchyNode"}},
                },
            },
        ]
    },
}
OPENAPI_PATHS = {
    "/api/hierarchy": {
        "get": {
            "summary": "The major groups (大类), with entry counts per level",
            "tags": ["classification"],
            "responses": {
                "200": {
                    "description": "top of the hierarchy",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HierarchyRoot"}}},
                },
                "429": {"$ref": "#/components/responses/TooMany"},
            },
        }
    },
    "/api/hierarchy/{code}": {
        "get": {
            "summary": "One entry of the hierarchy with its path from the major group and its children",
            "tags": ["classification"],
            "parameters": [
                {"name": "code", "in": "path", "required": True, "example": "2-02-38-00", "schema": CODE_SCHEMA}
            ],
            "responses": {
                "200": {
                    "description": "the entry",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HierarchyDetail"}}},
                },
                "400": {"$ref": "#/components/responses/BadRequest"},
                "404": {"$ref": "#/components/responses/NotFound"},
                "429": {"$ref": "#/components/responses/TooMany"},
            },
        }
    },
}

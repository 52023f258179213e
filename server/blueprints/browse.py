"""The hierarchy browser: major > medium > minor group > occupation, as pages and as JSON.

The whole tree (about 2,100 entries) is read with one SPARQL query and kept per process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template

from graph.classification.queries import KIND_ORDER, PREFIXES, _kinds
from graph.core.codes import CODE_RE
from server.limits import error_json
from server.resources import get_store

bp = Blueprint("browse", __name__)


@dataclass
class Node:
    code: str
    name: str
    kinds: list[str]
    digital: bool = False
    green: bool = False
    parent: str | None = None
    children: list[str] = field(default_factory=list)


class Hierarchy:
    def __init__(self, rows: list[dict[str, str]]) -> None:
        self.nodes: dict[str, Node] = {}
        for r in rows:
            types = r.get("types", "")
            self.nodes[r["code"]] = Node(
                r["code"],
                r["name"],
                _kinds(types),
                "DigitalOccupation" in types,
                "GreenOccupation" in types,
                r.get("parent"),
            )
        for node in self.nodes.values():
            if node.parent and node.parent in self.nodes:
                self.nodes[node.parent].children.append(node.code)
        for node in self.nodes.values():
            node.children.sort()
        self.roots = sorted(c for c, n in self.nodes.items() if not n.parent or n.parent not in self.nodes)
        self._counts: dict[str, int] = {}

    @classmethod
    def load(cls, store: Any) -> Hierarchy:
        rows = store.select(
            PREFIXES
            + """
SELECT ?code ?name ?parent (GROUP_CONCAT(DISTINCT STR(?type); separator=" ") AS ?types) WHERE {
  ?e skos:inScheme ?scheme ; skos:notation ?code ; skos:prefLabel ?name ; rdf:type ?type .
  FILTER(LANG(?name) = "zh")
  OPTIONAL { ?e skos:broader ?p . ?p skos:notation ?parent }
} GROUP BY ?code ?name ?parent"""
        )
        return cls(rows)

    def occupation_count(self, code: str) -> int:
        """Occupations at or below an entry."""
        if code not in self._counts:
            node = self.nodes[code]
            own = 1 if "occupation" in node.kinds else 0
            self._counts[code] = own + sum(self.occupation_count(c) for c in node.children)
        return self._counts[code]

    def brief(self, code: str) -> dict[str, Any]:
        n = self.nodes[code]
        return {
            "code": n.code,
            "name": n.name,
            "kinds": n.kinds,
            "flags": {"digital": n.digital, "green": n.green},
            "child_count": len(n.children),
            "occupation_count": self.occupation_count(code),
        }

    def path(self, code: str) -> list[str]:
        out = []
        seen = set()
        cur = self.nodes[code].parent
        while cur and cur in self.nodes and cur not in seen:
            seen.add(cur)
            out.append(cur)
            cur = self.nodes[cur].parent
        return list(reversed(out))

    def totals(self) -> dict[str, int]:
        return {k: sum(1 for n in self.nodes.values() if k in n.kinds) for k in KIND_ORDER}


def get_hierarchy() -> Hierarchy:
    store = get_store()
    cache = current_app.extensions.setdefault("occugraph-browse-cache", {})
    if cache.get("store") is not store:
        cache.clear()
        cache["store"] = store
        cache["tree"] = Hierarchy.load(store)
    return cache["tree"]


@bp.get("/browse")
def browse_root() -> str:
    h = get_hierarchy()
    return render_template("browse.html", node=None, path=[], children=[h.brief(c) for c in h.roots], totals=h.totals())


@bp.get("/browse/<code>")
def browse(code: str) -> Any:
    h = get_hierarchy()
    if not CODE_RE.fullmatch(code) or code not in h.nodes:
        return render_template("not_found.html", code=code, near=[]), 404
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


@bp.get("/api/hierarchy/<code>")
def api_node(code: str) -> Response:
    if not CODE_RE.fullmatch(code):
        return error_json(400, f"{code!r} is not a classification code (expected N-NN-NN-NN, e.g. 2-02-38-00)")
    h = get_hierarchy()
    if code not in h.nodes:
        return error_json(404, f"no classification entry has code {code}")
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
                {"name": "code", "in": "path", "required": True, "example": "2-02-38-00", "schema": {"type": "string"}}
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

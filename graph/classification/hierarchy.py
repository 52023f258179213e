"""The classification as a tree: major > medium > minor group > occupation.

The whole tree (about 2,100 entries) is read with one SPARQL query; a server keeps one per store
generation (graph/store/generation.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graph.classification.queries import Kinds, Q, SelectStore
from graph.store.sparql import select


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
    def __init__(self, rows: list[dict[str, str]], kinds: Kinds) -> None:
        self.kinds = kinds
        self.nodes: dict[str, Node] = {}
        for r in _one_row_per_code(rows, kinds):
            types = r.get("types", "")
            self.nodes[r["code"]] = Node(
                r["code"],
                r["name"],
                kinds.of(types),
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
    def load(cls, store: SelectStore, kinds: Kinds | None = None) -> Hierarchy:
        rows = select(store, Q.hierarchy)
        return cls(rows, kinds or Kinds.load(store))

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
        return {k: sum(1 for n in self.nodes.values() if k in n.kinds) for k in self.kinds.order}


def _one_row_per_code(rows: list[dict[str, str]], kinds: Kinds) -> list[dict[str, str]]:
    """One row per code, whatever order the backend returns rows in.

    A minor group with a single occupation shares its code with that occupation (2-10-05-00 is the
    group 翻译人员 and the occupation 翻译, two entries). The tree is addressed by code, so the pair is
    one node: the group's name and parent, the kinds of both; the occupation's broader link to its
    own code is dropped. Without this the last row read won, so the counts depended on the backend
    (embedded and Virtuoso disagreed by six) and an occupation could be its own parent.
    """
    by_code: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        by_code.setdefault(r["code"], []).append(r)
    merged = []
    for code, same in by_code.items():
        if len(same) == 1:
            merged.append(same[0])
            continue
        same.sort(key=lambda r: (kinds.occupation_only(r.get("types", "")), r["name"]))
        first = same[0]
        parents = sorted({r["parent"] for r in same if r.get("parent") and r["parent"] != code})
        types = " ".join(sorted({t for r in same for t in r.get("types", "").split()}))
        row = {"code": code, "name": first["name"], "types": types}
        if parents:
            row["parent"] = parents[0]
        merged.append(row)
    return merged

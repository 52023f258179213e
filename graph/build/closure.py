"""Transitive closures materialised at build time, so hierarchy queries need no property path.

pyoxigraph evaluates ``skos:broader+`` tuple by tuple: occupations per major group took 84 ms
against 8 ms on Virtuoso (issue 17). With the closure stored as plain triples the same question
is an index join. Each closure property holds every (x, y) that the direct property links by a
chain of one or more steps, so it includes the direct links themselves (as SKOS defines
skos:broaderTransitive), and the direct property is an rdfs:subPropertyOf it in the TBox:

| direct (edited) | closure (generated, never edit) |
|---|---|
| skos:broader (entry -> parent group) | skos:broaderTransitive |
| og:nextHigherLevel (level -> next level up) | og:nextHigherLevelTransitive |
| og:includesRequirementsOf (standard level -> next lower one) | og:includesRequirementsOfTransitive |

og:leadsTo is left alone on purpose: each link is one application (docs/pathways.md), and the
pathway engine answers reachability with the rules that a closure would lose.

A cycle (which the QC rule broader-cycle reports) does not stop the walk: a node reached twice
is not expanded again, so a node on a cycle is linked to itself, as ``skos:broader+`` would be.

>>> from rdflib import Graph, URIRef
>>> from rdflib.namespace import SKOS
>>> g = Graph()
>>> a, b, c = (URIRef(f"https://w3id.org/occugraph/id/x/{n}") for n in "abc")
>>> _ = g.add((a, SKOS.broader, b)).add((b, SKOS.broader, c))
>>> materialise(g)
{'http://www.w3.org/2004/02/skos/core#broaderTransitive': 3}
>>> sorted((str(s)[-1], str(o)[-1]) for s, o in g.subject_objects(SKOS.broaderTransitive))
[('a', 'b'), ('a', 'c'), ('b', 'c')]
"""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS
from rdflib.term import Node

from graph.core.namespaces import OG

CLOSURES: tuple[tuple[URIRef, URIRef], ...] = (
    (SKOS.broader, SKOS.broaderTransitive),
    (OG.nextHigherLevel, OG.nextHigherLevelTransitive),
    (OG.includesRequirementsOf, OG.includesRequirementsOfTransitive),
)


def closure_pairs(edges: dict[Node, list[Node]]) -> list[tuple[Node, Node]]:
    """Every (x, y) with a path of one or more edges from x to y."""
    pairs = []
    for start in edges:
        seen: set[Node] = set()
        stack = list(edges[start])
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            pairs.append((start, node))
            stack.extend(edges.get(node, ()))
    return pairs


def materialise(g: Graph) -> dict[str, int]:
    """Add the closure triples of every property in CLOSURES to ``g``; count per closure property."""
    counts = {}
    for direct, closure in CLOSURES:
        edges: dict[Node, list[Node]] = {}
        for s, o in g.subject_objects(direct):
            edges.setdefault(s, []).append(o)
        pairs = closure_pairs(edges)
        for s, o in pairs:
            g.add((s, closure, o))
        if pairs:
            counts[str(closure)] = len(pairs)
    return counts

"""The dumps people download besides N-Triples: Turtle, JSON-LD and the occupations CSV.

Written by the build into dist/ with the other dumps (and into SHA256SUMS), so the server only
sends files: nothing is derived from dist/ at request time, and a download always matches the
store it was built with.
"""

from __future__ import annotations

import functools
import io
import json
from typing import Any

import pyoxigraph as ox
from rdflib.namespace import XSD

from graph.core.namespaces import BASE
from graph.core.namespaces import PREFIXES as NAMESPACE_PREFIXES
from graph.core.tabular import csv_writer
from graph.store.sparql import Queries, select

Q = Queries(__file__)  # graph/build/sparql/*.rq

# the dumps' prefixes (Turtle, JSON-LD): the one table's, plus short names for occupations and groups
PREFIXES = {
    "og": NAMESPACE_PREFIXES["og"],
    "occ": BASE + "id/occupation/",
    "grp": BASE + "id/group/",
    **{p: NAMESPACE_PREFIXES[p] for p in ("skos", "rdf", "rdfs", "owl", "xsd", "dcterms", "prov")},
}

CSV_COLUMNS = [
    "code",
    "name",
    "major_group",
    "medium_group",
    "minor_group",
    "digital",
    "green",
    "marker",
    "task_count",
    "definition",
    "iri",
]


# longest namespace first, so occ: wins over og:'s base; sorted once, not per IRI (it was the
# larger part of the JSON-LD dump's CPU, issue 17)
_BY_LENGTH = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


def _compact(iri: str) -> str:
    for prefix, ns in _BY_LENGTH:
        if iri.startswith(ns) and not iri[len(ns) :].startswith("/"):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def turtle(ntriples: bytes) -> bytes:
    """Turtle from sorted N-Triples: subjects grouped in sorted order, with prefixes."""
    triples = ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)


def jsonld(ntriples: bytes) -> bytes:
    """JSON-LD with the project's prefixes as @context and one node per line, in subject order.

    Deterministic (sorted input, sorted keys) and diff-friendly; pyoxigraph parses it back to
    exactly the same triples (tests/test_diff_release.py checks the round trip).
    """
    nodes: list[dict[str, object]] = []
    current: dict[str, object] | None = None
    subject = None
    _compact_cached = functools.cache(_compact)  # predicates, classes and datatypes recur on every node

    xsd_string = str(XSD.string)
    for t in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES):
        if t.subject != subject:
            subject = t.subject
            current = {"@id": _compact_cached(t.subject.value)}
            nodes.append(current)
        assert current is not None
        p, o = t.predicate.value, t.object
        if p == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type" and isinstance(o, ox.NamedNode):
            current.setdefault("@type", []).append(_compact_cached(o.value))  # type: ignore[union-attr]
            continue
        if isinstance(o, ox.NamedNode):
            value: object = {"@id": _compact_cached(o.value)}
        elif o.language:
            value = {"@value": o.value, "@language": o.language}
        elif o.datatype.value == xsd_string:
            value = o.value
        else:
            value = {"@value": o.value, "@type": _compact_cached(o.datatype.value)}
        current.setdefault(_compact_cached(p), []).append(value)  # type: ignore[union-attr]
    context = json.dumps(dict(sorted(PREFIXES.items())), ensure_ascii=False, sort_keys=True)
    body = ",\n".join("  " + json.dumps(n, ensure_ascii=False, sort_keys=True) for n in nodes)
    return f'{{\n "@context": {context},\n "@graph": [\n{body}\n ]\n}}\n'.encode()


def occupations_csv(store: Any) -> bytes:
    """One row per occupation (细类), with its groups, flags and the number of main tasks."""
    out = io.StringIO()
    writer = csv_writer(out)  # spreadsheet-safe cells (graph/core/tabular.py)
    writer.writerow(CSV_COLUMNS)
    for r in select(store, Q.occupations_csv):
        code = r["code"]
        major, medium = code.split("-")[0] + "-00-00-00", "-".join(code.split("-")[:2]) + "-00-00"
        writer.writerow(
            [
                code,
                r.get("name", ""),
                major,
                medium,
                r.get("minor", ""),
                r.get("digital", ""),
                r.get("green", ""),
                r.get("marker", ""),
                r.get("tasks", ""),
                r.get("definition", ""),
                r.get("iri", ""),
            ]
        )
    return out.getvalue().encode("utf-8")

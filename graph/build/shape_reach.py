"""Which triples SHACL can read: the data lines whose predicate a shape names (issue 17).

A SHACL Core constraint reads the triples along its shape's paths (from the focus node, or from
the value nodes of a nested shape), the rdf:type triples of ``sh:targetClass`` and ``sh:class``
and, for those, rdfs:subClassOf. A SPARQL constraint reads what its query's triple patterns
name. A triple whose predicate none of them names cannot change a validation result, so the
build hands the engine only the others: half the lines of the real graph, and 29 % less of
SHACL's CPU (5.51 -> 3.90 s, bench/bench_shacl_reach.py; docs/benchmarks.md, "SHACL reads only
what the shapes name").

When that cannot be decided from the shapes, everything is kept (``reach`` returns None): a
SPARQL constraint with a variable, a negated property set or an unreadable query in predicate
position could read any triple.

>>> from rdflib import Graph
>>> shapes = Graph().parse(format="turtle", data='''
... @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://e/> .
... ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:name ; sh:minCount 1 ] .''')
>>> data = b'<http://e/a> <http://e/name> "x" .\\n<http://e/a> <http://e/note> "y" .\\n'
>>> data += b'<http://e/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://e/C> .\\n'
>>> print(keep_reachable(data, reach(shapes)).decode(), end="")
<http://e/a> <http://e/name> "x" .
<http://e/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://e/C> .
>>> wild = Graph().parse(format="turtle", data='''
... @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://e/> .
... ex:S a sh:NodeShape ; sh:targetClass ex:C ;
...   sh:sparql [ sh:select "SELECT $this WHERE { $this ?p ?o }" ] .''')
>>> reach(wild) is None
True
>>> odd = b'<http://e/a>  <http://e/note> "two spaces" .\\n<http://e/a> <http://e/note> "y" .\\n'
>>> print(keep_reachable(odd, reach(shapes)).decode(), end="")
<http://e/a>  <http://e/note> "two spaces" .
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import RDF, RDFS, SH, Graph, URIRef, Variable
from rdflib.paths import NegatedPath, Path
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue


class _AnyPredicate(Exception):
    """A query pattern whose predicate is not a fixed IRI: it may read any triple."""


def reach(shapes: Graph) -> frozenset[bytes] | None:
    """The predicates (as N-Triples ``<iri>`` bytes) that the shapes can read, or None for all."""
    names = {o for o in shapes.objects() if isinstance(o, URIRef)}
    names |= {RDF.type, RDFS.subClassOf}
    for query in (*shapes.objects(None, SH.select), *shapes.objects(None, SH.ask)):
        try:
            names |= set(_query_predicates(str(query)))
        except _AnyPredicate:
            return None
        except Exception:  # noqa: BLE001 - a query rdflib cannot read: do not guess what it reads
            return None
    return frozenset(f"<{iri}>".encode() for iri in names)


def keep_reachable(data_nt: bytes, predicates: frozenset[bytes] | None) -> bytes:
    """The N-Triples lines of ``data_nt`` whose predicate is in ``predicates`` (all when None).

    The build's lines are ``<s> <p> o .``, one space apart; a line not of that shape is kept, so
    that nothing a shape could read is ever left out."""
    if predicates is None:
        return data_nt
    return b"".join(line for line in data_nt.splitlines(keepends=True) if _kept(line, predicates))


def _kept(line: bytes, predicates: frozenset[bytes]) -> bool:
    parts = line.split(b" ", 2)
    return len(parts) < 3 or parts[1] in predicates or not (parts[1].startswith(b"<") and parts[1].endswith(b">"))


def _query_predicates(text: str) -> Iterator[URIRef]:
    """Every IRI in predicate position of a SPARQL query's patterns; _AnyPredicate if one is not."""
    yield from _walk(prepareQuery(text).algebra)


def _walk(node: object) -> Iterator[URIRef]:
    if isinstance(node, CompValue):
        for key, value in dict.items(node):  # not CompValue.get, which evaluates what it returns
            if key == "triples":
                for triple in value:
                    yield from _predicate(triple[1])
            else:
                yield from _walk(value)
    elif isinstance(node, list | tuple):
        for value in node:
            yield from _walk(value)


def _predicate(p: object) -> Iterator[URIRef]:
    if isinstance(p, URIRef):
        yield p
    elif isinstance(p, Variable | NegatedPath):
        raise _AnyPredicate(str(p))
    elif isinstance(p, Path):  # sequence and alternative (args), inverse (arg), repetition (path)
        parts = getattr(p, "args", None) or [getattr(p, "arg", None) or getattr(p, "path", None)]
        for part in parts:
            yield from _predicate(part)
    else:
        raise _AnyPredicate(repr(p))

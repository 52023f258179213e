"""The build's in-memory graph and its N-Triples writer, kept cheap because every triple passes here.

Readers fill an rdflib ``Graph`` (they use its API: ``add``, ``value``, ``objects``, ``subjects``,
``in``), but rdflib's default ``Memory`` store keeps three context-aware indexes and fires an event
per ``add``: on 140k triples that was a third of the build (issue 17). ``TripleStore`` is the same
``Store`` interface with two plain-dict indexes (subject -> predicate -> objects and predicate ->
object -> subjects), no contexts and no events; a pattern with only the object bound scans the
predicate index (no reader asks one). ``ntriples`` writes canonical sorted N-Triples through
plain string formatting with pyoxigraph's escaping (rdflib's serialiser costs twice as much).

>>> from rdflib import Graph, Literal, URIRef
>>> g = Graph(store=TripleStore())
>>> x, label, kind = URIRef("http://e/x"), URIRef("http://e/label"), URIRef("http://e/Kind")
>>> a = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
>>> _ = g.add((x, a, kind)).add((x, label, Literal("电子商务师", lang="zh")))
>>> _ = g.add((x, a, kind))  # a triple is kept once
>>> len(g), str(g.value(x, label)), list(g.subjects(a, kind)) == [x]
(2, '电子商务师', True)
>>> print(ntriples(g).decode())
<http://e/x> <http://e/label> "电子商务师"@zh .
<http://e/x> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://e/Kind> .
<BLANKLINE>
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.plugins.stores.memory import SimpleMemory
from rdflib.term import Node

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

Triple = tuple[Any, Any, Any]


def _no_contexts() -> Iterator[Any]:
    return iter(())


class TripleStore(SimpleMemory):
    """An rdflib store for one graph: dict indexes, a triple count, no contexts, no events.

    Subclasses ``SimpleMemory`` only for its namespace bindings; the triples live here.
    """

    def __init__(self) -> None:
        super().__init__()
        self._spo: dict[Node, dict[Node, dict[Node, None]]] = {}
        self._pos: dict[Node, dict[Node, dict[Node, None]]] = {}
        self._count = 0

    def add(self, triple: Triple, context: Any = None, quoted: bool = False) -> None:
        self.add_new(triple)

    def add_new(self, triple: Triple) -> bool:
        """Add a triple; True if it was not there yet. Each object is hashed as few times as the
        indexes allow: an rdflib Literal's hash is computed in Python on every call."""
        s, p, o = triple
        po = self._spo.get(s)
        if po is None:
            po = self._spo[s] = {}
        objects = po.get(p)
        if objects is None:
            objects = po[p] = {}
        known = len(objects)
        objects[o] = None  # keeps the key already there, if any
        if len(objects) == known:
            return False
        os_ = self._pos.get(p)
        if os_ is None:
            os_ = self._pos[p] = {}
        os_.setdefault(o, {})[s] = None
        self._count += 1
        return True

    def remove(self, triple_pattern: Triple, context: Any = None) -> None:
        for (s, p, o), _ in list(self.triples(triple_pattern)):
            po = self._spo[s]
            del po[p][o]
            if not po[p]:
                del po[p]
                if not po:
                    del self._spo[s]
            os_ = self._pos[p]
            del os_[o][s]
            if not os_[o]:
                del os_[o]
                if not os_:
                    del self._pos[p]
            self._count -= 1

    def triples(self, triple_pattern: Triple, context: Any = None) -> Iterator[tuple[Triple, Iterator[Any]]]:
        s, p, o = triple_pattern
        if s is not None:
            po = self._spo.get(s)
            if not po:
                return
            for pred in (p,) if p is not None else list(po):
                objects = po.get(pred)
                if not objects:
                    continue
                if o is not None:
                    if o in objects:
                        yield (s, pred, o), _no_contexts()
                else:
                    for obj in list(objects):
                        yield (s, pred, obj), _no_contexts()
            return
        for pred in (p,) if p is not None else list(self._pos):
            os_ = self._pos.get(pred)
            if not os_:
                continue
            for obj in (o,) if o is not None else list(os_):
                subjects = os_.get(obj)
                if subjects:
                    for subj in list(subjects):
                        yield (subj, pred, obj), _no_contexts()

    def __len__(self, context: Any = None) -> int:
        return self._count


def fast_graph() -> Graph:
    """An rdflib Graph on a :class:`TripleStore` (what the build reads sources into)."""
    return Graph(store=TripleStore())


_ESCAPES = {i: f"\\u{i:04X}" for i in [*range(0x20), 0x7F]} | {
    ord("\b"): "\\b",
    ord("\t"): "\\t",
    ord("\n"): "\\n",
    ord("\f"): "\\f",
    ord("\r"): "\\r",
    ord('"'): '\\"',
    ord("\\"): "\\\\",
}
_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f"\\\x7f]')


def nt_term(term: Node) -> str:
    """One term as N-Triples, escaped exactly as pyoxigraph (oxrdf) writes it (doctested below),
    so our text and a pyoxigraph dump are the same bytes.

    >>> nt_term(Literal('a "b"\\n\\tc\\x01'))
    '"a \\\\"b\\\\"\\\\n\\\\tc\\\\u0001"'
    >>> nt_term(Literal("1", datatype=URIRef("http://www.w3.org/2001/XMLSchema#integer")))
    '"1"^^<http://www.w3.org/2001/XMLSchema#integer>'
    """
    kind = type(term)  # exact types first: every object of the ABox passes here (issue 17)
    if kind is URIRef or (kind is not Literal and isinstance(term, URIRef)):
        return f"<{term}>"
    if kind is Literal or isinstance(term, Literal):
        lex = str(term)
        if _NEEDS_ESCAPE.search(lex):
            lex = lex.translate(_ESCAPES)
        if term.language:
            return f'"{lex}"@{term.language}'
        dt = term.datatype
        if dt is not None and dt != XSD_STRING:
            return f'"{lex}"^^<{dt}>'
        return f'"{lex}"'
    if isinstance(term, BNode):
        return f"_:{term}"
    raise TypeError(f"not an RDF term: {term!r}")


def ntriples(g: Iterable[Triple]) -> bytes:
    """Canonical N-Triples of a graph: one triple per line, sorted; no blank nodes in our data,
    so the same input always gives the same bytes (the same bytes pyoxigraph would write)."""
    return b"".join(ntriple_lines(g))


def ntriple_lines(g: Iterable[Triple]) -> list[bytes]:
    """The lines of :func:`ntriples`, sorted, each once.

    A graph on a :class:`TripleStore` is read from its subject index, writing each subject and
    predicate once rather than once per triple (the build's whole ABox passes here). Lines are
    sorted as UTF-8 bytes, whose order is that of the code points (the order ``str`` sorts in):
    long shared prefixes compare with memcmp (with nt_term's exact-type checks, 1.61-1.74 ->
    1.35-1.39 s CPU for the ABox, docs/benchmarks.md). They are sorted in the order the index
    gives them, each subject's lines together, which the sort finds runs in, and only then made
    unique (two distinct rdflib terms may write the same text): a set first scrambled them, and
    sorting its order took 0.43 s of the ABox's 1.4 s, sorting the index's 0.06 s (issue 17)."""
    store = getattr(g, "store", None)
    if isinstance(store, TripleStore):
        found: list[bytes] = []
        add = found.append
        for s, po in store._spo.items():
            subject = nt_term(s)
            for p, objects in po.items():
                head = f"{subject} {nt_term(p)} "
                for o in objects:
                    add(f"{head}{nt_term(o)} .\n".encode())
    else:
        found = [f"{nt_term(s)} {nt_term(p)} {nt_term(o)} .\n".encode() for s, p, o in g]
    found.sort()
    return list(dict.fromkeys(found))

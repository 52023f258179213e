"""Where each triple came from: a map from triples and entities back to ``file:line``.

Readers do not have to say where a triple comes from. While a reader runs, every triple it adds
to a :class:`LocatingGraph` is attributed to the source row whose cells it read last
(``graph.build.tsv.CURRENT_ROW``), or to the folder when it read none. Validation then reports a SHACL
result or a QC row as ``standards/classification/labels.tsv:812`` instead of an IRI.

A reader that reads one row while adding triples for another can say so with
``ctx.locations.use(row)``.

>>> from rdflib import URIRef, Literal
>>> from rdflib.namespace import RDF, SKOS
>>> from graph.build.tsv import Row
>>> sm = SourceMap()
>>> g = LocatingGraph(sm)
>>> x = URIRef("https://w3id.org/occugraph/id/occupation/1-01-01-01")
>>> with sm.reading("standards/classification"):
...     row = Row("standards/classification/entries.tsv", 7, {"code": "1-01-01-01"})
...     _ = row["code"]
...     _ = g.add((x, RDF.type, SKOS.Concept))
...     _ = g.add((x, SKOS.prefLabel, Literal("x", lang="zh")))
>>> str(sm.locate(x))
'standards/classification/entries.tsv:7'
>>> str(sm.locate(x, SKOS.prefLabel, Literal("x", lang="zh")))
'standards/classification/entries.tsv:7'
>>> sm.locate(URIRef("https://example.org/elsewhere")) is None
True
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from graph.build.triples import TripleStore
from graph.build.tsv import CURRENT_ROW, Row

Triple = tuple[Node, Node, Node]
_TERMS = frozenset({URIRef, Literal, BNode})  # the terms readers make; any other Node subclass passes too


@dataclass(frozen=True, order=True)
class Location:
    """A place in a source file; line 0 means the file (or folder) as a whole."""

    path: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def relative_to(self, root: Path) -> Location:
        """The same place with its path relative to the project folder (as editors see it)."""
        absolute = os.path.abspath(self.path)
        try:
            rel = os.path.relpath(absolute, root)
        except ValueError:  # another drive (Windows)
            return self
        return self if rel.startswith("..") else Location(rel, self.line)


class SourceMap:
    """Triple -> location, (subject, predicate) -> location and entity -> defining location."""

    def __init__(self) -> None:
        # what the readers recorded, in order: made into ``triples`` only when something asks
        # (a SHACL violation, validate, reason); a build that passes never hashes its 380k triples
        # a second time for it (1.5 s of the read's CPU, issue 17)
        self._log: list[tuple[Triple, Location]] = []
        self._triples: dict[Triple, Location] = {}
        self._logged = 0
        self._folder: str | None = None
        self._cache: dict[tuple[str, int], Location] = {}
        self._last: tuple[Row | None, Location | None] = (None, None)
        self._indexed = -1
        self._by_property: dict[tuple[Node, Node], Location] = {}
        self._defined: dict[Node, Location] = {}
        self._mentioned: dict[Node, Location] = {}

    def _index(self) -> None:
        """The per-property and per-entity maps, derived from ``triples`` when first asked (only
        when something is reported): recording one map per triple keeps the read cheap, and the
        first-seen order of ``triples`` gives the same answers as recording all four."""
        if self._indexed == len(self.triples):
            return
        by_property: dict[tuple[Node, Node], Location] = {}
        defined: dict[Node, Location] = {}
        mentioned: dict[Node, Location] = {}
        for (s, p, _o), loc in self.triples.items():
            by_property.setdefault((s, p), loc)
            mentioned.setdefault(s, loc)
            if p == RDF.type:
                defined.setdefault(s, loc)
        self._by_property, self._defined, self._mentioned = by_property, defined, mentioned
        self._indexed = len(self.triples)

    @property
    def triples(self) -> dict[Triple, Location]:
        """Triple -> where it was first recorded, in the order triples were first recorded."""
        if self._logged != len(self._log):
            triples = self._triples
            for triple, loc in self._log[self._logged :]:
                triples.setdefault(triple, loc)  # the first place wins
            self._logged = len(self._log)
        return self._triples

    @property
    def by_property(self) -> dict[tuple[Node, Node], Location]:
        self._index()
        return self._by_property

    @property
    def defined(self) -> dict[Node, Location]:
        """Where each entity got its rdf:type."""
        self._index()
        return self._defined

    @property
    def mentioned(self) -> dict[Node, Location]:
        """Where each entity first appeared as a subject."""
        self._index()
        return self._mentioned

    @contextmanager
    def reading(self, folder: str | Path) -> Iterator[None]:
        """Attribute the triples added while a reader of ``folder`` runs."""
        self._folder = str(folder)
        self._last = (None, None)  # no row read yet means this folder, not the last one
        token = CURRENT_ROW.set(None)
        try:
            yield
        finally:
            CURRENT_ROW.reset(token)
            self._folder = None
            self._last = (None, None)

    def use(self, row: Row) -> None:
        """Attribute the next triples to ``row`` (for readers that read other rows meanwhile)."""
        CURRENT_ROW.set(row)

    def record(self, triple: Triple) -> None:
        if self._folder is None:
            return
        row = CURRENT_ROW.get()
        last_row, loc = self._last
        if row is not last_row or loc is None:  # a reader adds a row's triples one after another
            key = (row.path, row.line) if row is not None else (self._folder, 0)
            loc = self._cache.get(key)
            if loc is None:
                loc = self._cache[key] = Location(*key)
            self._last = (row, loc)
        self._log.append((triple, loc))

    def locate(self, subject: Node, predicate: Node | None = None, value: Node | None = None) -> Location | None:
        """The most precise known place: the triple, else the property, else the entity."""
        if predicate is not None and value is not None:
            loc = self.triples.get((subject, predicate, value))
            if loc is not None:
                return loc
        if predicate is not None:
            loc = self.by_property.get((subject, predicate))
            if loc is not None:
                return loc
        return self.defined.get(subject) or self.mentioned.get(subject)


class LocatingGraph(Graph):
    """An rdflib graph (on the build's cheap :class:`TripleStore`) that tells its :class:`SourceMap`
    about every triple added to it."""

    def __init__(self, source_map: SourceMap, **kwargs: object) -> None:
        kwargs.setdefault("store", TripleStore())
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.source_map = source_map
        self._record = source_map.record
        store = self.store
        self._add_new = (
            store.add_new if isinstance(store, TripleStore) else lambda t: store.add(t, self, quoted=False)  # type: ignore[func-returns-value]
        )

    def add(self, triple: Triple) -> LocatingGraph:  # type: ignore[override]
        # rdflib's Graph.add, with its checks, straight to the store: every triple of the
        # sources passes here (issue 17; measured alone the read's CPU was within the noise,
        # rdflib's terms cost more than the call layers: docs/benchmarks.md)
        s, p, o = triple
        # rdflib's checks; Node is an ABC, so the usual exact types are tried first (issue 17)
        assert type(s) in _TERMS or isinstance(s, Node), f"Subject {s} must be an rdflib term"
        assert type(p) in _TERMS or isinstance(p, Node), f"Predicate {p} must be an rdflib term"
        assert type(o) in _TERMS or isinstance(o, Node), f"Object {o} must be an rdflib term"
        if self._add_new((s, p, o)) is not False:  # a triple added again keeps its first place
            self._record(triple)
        return self

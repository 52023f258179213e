"""The OccuGraph data in an rdflib in-memory Dataset, behind the store interface the app uses.

For the benchmark only (bench/bench_foundation.py): it answers ``select`` / ``query`` /
``graph_names`` like ``graph.store.embedded.EmbeddedStore``, so the same Flask app, API and SPARQL
protocol code run on it unchanged, and the two backends can be timed side by side.

Same dataset semantics as the embedded store: each graph of the built store becomes a named
graph, and a query without a dataset of its own sees their union as the default graph
(``Dataset(default_union=True)``). ``query`` returns pyoxigraph result objects, because
``server.sparql_protocol`` serialises those: solutions and booleans go through SPARQL JSON,
graphs through a throwaway in-memory pyoxigraph store. That conversion is part of what this
backend costs per request and is included in its timings.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox
import rdflib.plugins.sparql
from pyparsing import ParseException
from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.sparql import aggregates
from rdflib.plugins.sparql.sparql import FrozenBindings, NotBoundError

from graph.store.embedded import EmbeddedStore
from graph.store.guard import dataset_iris

# never let a FROM clause make rdflib fetch a graph from the network or a file
rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False

_use_row = aggregates.Accumulator.use_row


def _use_row_skipping_unbound(self: aggregates.Accumulator, row: FrozenBindings) -> bool:
    """rdflib 7.6 raises NotBoundError for ``GROUP_CONCAT(DISTINCT ?x)`` when ?x is unbound in a
    row (graph/classification/queries.py's SearchIndex query does this for entries without aliases); SPARQL
    skips such values, as rdflib's own non-DISTINCT aggregates do."""
    try:
        return _use_row(self, row)
    except NotBoundError:
        return False


aggregates.Accumulator.use_row = _use_row_skipping_unbound  # type: ignore[method-assign]

Result = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


class RdflibStore:
    """An rdflib Dataset with the query interface of ``graph.store.embedded.EmbeddedStore``."""

    def __init__(self, graphs: dict[str, bytes]) -> None:
        """``graphs``: named graph IRI -> its triples as N-Triples."""
        self.dataset = Dataset(default_union=True)
        for iri, ntriples in sorted(graphs.items()):
            self.dataset.graph(URIRef(iri)).parse(data=ntriples, format="nt")

    @classmethod
    def from_embedded(cls, store: EmbeddedStore) -> RdflibStore:
        """The same graphs as a built pyoxigraph store."""
        raw = store.raw
        return cls(
            {
                name: raw.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(name)) or b""
                for name in store.graph_names()
            }
        )

    def __len__(self) -> int:
        return sum(len(g) for g in self._named())

    def _named(self) -> list[Graph]:
        return [g for g in self.dataset.graphs() if g.identifier != DATASET_DEFAULT_GRAPH_ID]

    def graph_names(self) -> set[str]:
        return {str(g.identifier) for g in self._named() if isinstance(g.identifier, URIRef)}

    def _restricted(self, default_graphs: Sequence[str], named_graphs: Sequence[str]) -> Dataset:
        """A dataset made of the protocol's default-graph-uri / named-graph-uri graphs (copied)."""
        ds = Dataset(default_union=False)
        for iri in default_graphs:
            ds.default_context += self.dataset.graph(URIRef(iri))
        for iri in named_graphs:
            ds.graph(URIRef(iri)).__iadd__(self.dataset.graph(URIRef(iri)))
        return ds

    def _run(
        self,
        sparql: str,
        default_graphs: Sequence[str] | None,
        named_graphs: Sequence[str] | None,
        base_iri: str | None,
    ):  # type: ignore[no-untyped-def]
        own_from, own_named = dataset_iris(sparql)
        if (default_graphs or named_graphs) and not (own_from or own_named):
            target = self._restricted(default_graphs or [], named_graphs or [])
        else:
            target = self.dataset  # rdflib applies the query's own FROM against the graphs it holds
        try:
            return target.query(sparql, base=base_iri) if base_iri else target.query(sparql)
        except ParseException as exc:  # the protocol code answers SyntaxError with a 400
            raise SyntaxError(str(exc)) from None

    def query(
        self,
        sparql: str,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
    ) -> Result:
        result = self._run(sparql, default_graphs, named_graphs, base_iri)
        if result.type in ("CONSTRUCT", "DESCRIBE"):
            scratch = ox.Store()
            nt = result.graph.serialize(format="nt", encoding="utf-8")
            if nt.strip():
                scratch.load(nt, format=ox.RdfFormat.N_TRIPLES)
            return scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")
        return ox.parse_query_results(result.serialize(format="json"), format=ox.QueryResultsFormat.JSON)

    def select(self, sparql: str) -> list[dict[str, str]]:
        """SELECT rows as plain strings (IRIs and lexical forms); unbound variables are absent."""
        result = self._run(sparql, None, None, None)
        names = list(result.vars or [])
        rows = []
        for solution in result:
            rows.append({str(v): str(solution[v]) for v in names if solution[v] is not None})  # type: ignore[index]
        return rows

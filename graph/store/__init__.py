"""The one store layer: what every area reads the graph through.

Two implementations answer the same ``Store`` protocol: ``EmbeddedStore`` (pyoxigraph on disk,
graph/store/embedded.py) and ``RemoteStore`` (any SPARQL 1.1 endpoint through SPARQLWrapper,
graph/store/remote.py). ``open_store`` picks one from a path or an endpoint URL; callers never
construct them by hand. ``guard`` decides which SPARQL requests may run at all. ``sparql`` runs
the areas' query files (``.rq``, bound parameters); ``generation`` holds one opened store with
everything derived from it, for long-lived callers such as the server.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

ENDPOINT_ENV = "OCCUGRAPH_ENDPOINT"


class Store(Protocol):
    """What the areas need from a store: SELECT rows as plain strings, any query as a pyoxigraph
    result (the default graph is the union of the OccuGraph graphs), and the graph names."""

    def select(self, sparql: str) -> list[dict[str, str]]: ...

    def query(
        self,
        sparql: str,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
    ) -> Any: ...

    def graph_names(self) -> set[str]: ...


class EmptyEndpoint(Exception):
    """The endpoint answers but holds no OccuGraph graph."""


def open_store(path: Path | None = None, endpoint: str | None = None) -> Any:
    """A RemoteStore for ``endpoint`` (or $OCCUGRAPH_ENDPOINT), else the embedded store at ``path``.

    Raises StoreMissing (no built store), StoreUnavailable (endpoint down or refusing),
    EmptyEndpoint (endpoint up, nothing loaded) or ValueError (not an http(s) URL).
    """
    endpoint = endpoint or os.environ.get(ENDPOINT_ENV) or None
    if endpoint:
        from graph.store.remote import RemoteStore

        store = RemoteStore(endpoint)
        if not store.graph_names():
            raise EmptyEndpoint(f"{endpoint} holds no OccuGraph graphs; push one with `occugraph load --endpoint ...`")
        return store
    from graph.store.embedded import EmbeddedStore

    return EmbeddedStore(path)

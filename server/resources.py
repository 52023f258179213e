"""Per-process resources on the app: the store and the search index, opened once and shared.

pyoxigraph stores are safe for concurrent reads, so one read-only handle serves all threads.
The store is the embedded one (STORE_PATH, default var/store) or, when ENDPOINT (or the
environment's OCCUGRAPH_ENDPOINT) names a SPARQL endpoint, a ``graph.store.remote.RemoteStore``.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, current_app, jsonify

from graph.classification.queries import SearchIndex, all_codes
from graph.store.documents import Documents
from graph.store.embedded import EmbeddedStore

KEY = "occugraph"


def init_app(app: Flask) -> None:
    store = app.config.get("STORE")
    if store is None:
        endpoint = app.config.get("ENDPOINT") or os.environ.get("OCCUGRAPH_ENDPOINT")
        if endpoint:
            from graph.store.remote import RemoteStore

            store = RemoteStore(endpoint, timeout=float(app.config.get("ENDPOINT_TIMEOUT") or 30))
        else:
            path = app.config.get("STORE_PATH")
            store = EmbeddedStore(Path(path) if path else None)
    app.extensions[KEY] = {"store": store}
    _register_backend_errors(app)


def _register_backend_errors(app: Flask) -> None:
    """A remote store that is down or fails is the server's problem, not the client's: 503/502."""
    from graph.store.remote import RemoteQueryError, StoreUnavailable

    @app.errorhandler(StoreUnavailable)
    def unavailable(exc: StoreUnavailable):  # type: ignore[no-untyped-def]
        app.logger.error("SPARQL backend unavailable: %s", exc)
        resp = jsonify(error=f"the graph store is not available: {exc}", status=503)
        resp.headers["Retry-After"] = "10"
        return resp, 503

    @app.errorhandler(RemoteQueryError)
    def backend_failed(exc: RemoteQueryError):  # type: ignore[no-untyped-def]
        app.logger.error("SPARQL backend failed a query: %s", exc)
        return jsonify(error=f"the graph store could not answer: {exc}", status=502), 502


def get_store() -> EmbeddedStore:
    return current_app.extensions[KEY]["store"]


def _cached(name: str, make):  # type: ignore[no-untyped-def]
    res = current_app.extensions[KEY]
    if name not in res:
        res[name] = make(res["store"])
    return res[name]


def get_search_index() -> SearchIndex:
    return _cached("search_index", SearchIndex.load)


def get_codes() -> list[str]:
    return _cached("codes", all_codes)


def get_documents() -> Documents | None:
    """The build's precomputed documents of the open store, or None (an older build, a remote store)."""
    return _cached("documents", lambda store: Documents.open(getattr(store, "folder", None)))

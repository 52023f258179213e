"""Per-process resources on the app: the store and the search index, opened once and shared.

pyoxigraph stores are safe for concurrent reads, so one read-only handle serves all threads.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from graph.queries import SearchIndex, all_codes
from graph.store import EmbeddedStore

KEY = "occugraph"


def init_app(app: Flask) -> None:
    store = app.config.get("STORE")
    if store is None:
        path = app.config.get("STORE_PATH")
        store = EmbeddedStore(Path(path) if path else None)
    app.extensions[KEY] = {"store": store}


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

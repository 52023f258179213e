"""The server's store generation: the store and everything derived from it, one object per request.

The app holds a ``graph.store.generation.Generations``; a request takes the current generation the
first time it needs the store (``generation()``) and keeps it to the end, so every part of one
answer comes from the same data even if an update replaces the generation meanwhile. The derived
objects (search index, rule book, pathway engine, classifier, hierarchy tree, curriculum index,
dataset statistics) are built on first use by the functions below, once per generation, and go
away with it: after /sparql/update (``reopen``), or when a build has swapped ``var/store`` to a
new folder, the next request starts on a new, empty generation.

The store is the embedded one (STORE_PATH, default var/store) or, when ENDPOINT (or the
environment's OCCUGRAPH_ENDPOINT) names a SPARQL endpoint, a ``graph.store.remote.RemoteStore``.
pyoxigraph stores are safe for concurrent reads, so one read-only handle serves all threads.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from flask import Flask, current_app, g

from graph.classification.classifier import Classifier
from graph.classification.hierarchy import Hierarchy
from graph.classification.queries import Kinds, SearchIndex, all_codes, occupation
from graph.pathways.engine import PathwayEngine
from graph.schools import majors as schools
from graph.schools.curriculum import CurriculumIndex
from graph.standards.queries import RuleBook
from graph.store.documents import API_OCCUPATION, Documents, api_json
from graph.store.embedded import EmbeddedStore
from graph.store.generation import Generation, Generations
from server.answer_cache import AnswerCache

KEY = "occugraph"
_G_KEY = "occugraph_generation"


def init_app(app: Flask) -> None:
    configured = app.config.get("STORE")
    app.extensions[KEY] = Generations(lambda: _open_store(app, configured), configured)


def _open_store(app: Flask, configured: Any) -> Any:
    """Open the app's store afresh: the configured object's folder again, the endpoint, or the path."""
    if configured is not None:
        path = getattr(configured, "path", None)
        return EmbeddedStore(Path(path)) if path else configured
    endpoint = app.config.get("ENDPOINT") or os.environ.get("OCCUGRAPH_ENDPOINT")
    if endpoint:
        from graph.store.remote import RemoteStore

        return RemoteStore(endpoint, timeout=float(app.config.get("ENDPOINT_TIMEOUT") or 30))
    path = app.config.get("STORE_PATH")
    return EmbeddedStore(Path(path) if path else None)


def generations(app: Flask | None = None) -> Generations:
    return (app or current_app).extensions[KEY]  # type: ignore[no-any-return]


def generation() -> Generation:
    """The generation this request answers from, fixed at its first use for the rest of the request."""
    gen = g.get(_G_KEY)
    if gen is None:
        gen = generations().current()
        setattr(g, _G_KEY, gen)
    return gen  # type: ignore[no-any-return]


def reopen(store: Any | None = None) -> Generation:
    """Start a new generation (after an update changed the store); this request moves to it too."""
    gen = generations().replace(store)
    setattr(g, _G_KEY, gen)
    return gen


def get_store() -> Any:
    return generation().store


# ---------------------------------------------------------------- derived objects, one per generation
# Each builder takes the generation and is passed to Generation.derive, which keys on the function.


def _codes(gen: Generation) -> list[str]:
    return all_codes(gen.store)


def _code_set(gen: Generation) -> frozenset[str]:
    return frozenset(gen.derive(_codes))


def _kinds(gen: Generation) -> Kinds:
    """The classification's levels as the ontology in the store names them."""
    return Kinds.load(gen.store)


def _search_index(gen: Generation) -> SearchIndex:
    """Search over labels; a query that names no label falls back to this generation's classifier."""
    return SearchIndex.load(gen.store, lambda: gen.derive(_classifier), gen.derive(_kinds))


def _rulebook(gen: Generation) -> RuleBook:
    return RuleBook.load(gen.store)


def _pathway_engine(gen: Generation) -> PathwayEngine:
    return PathwayEngine.from_store(gen.store, gen.derive(_rulebook))


def _classifier(gen: Generation) -> Classifier:
    return Classifier.from_store(gen.store, kinds=gen.derive(_kinds))


def _hierarchy(gen: Generation) -> Hierarchy:
    return Hierarchy.load(gen.store, gen.derive(_kinds))


def _majors(gen: Generation) -> list[dict[str, object]]:
    """Every major of the catalogue (about 1,850): the list pages and the API narrow it per request."""
    return schools.all_majors(gen.store)


def _tiers(gen: Generation) -> list[dict[str, object]]:
    return schools.tiers(gen.store)


def _curriculum_index(gen: Generation) -> CurriculumIndex:
    return CurriculumIndex.load(gen.store)


def _documents(gen: Generation) -> Documents | None:
    """The build's precomputed API documents (graph/build/documents.py) while the store is as built;
    None once a SPARQL Update changed it (the documents would show the old data) or for a remote store."""
    raw = getattr(gen.store, "raw", None)
    if raw is not None:
        from graph.store.mark import MARK_GRAPH

        if any(True for _ in raw.quads_for_pattern(None, None, None, ox.NamedNode(MARK_GRAPH))):
            return None
    return Documents.open(getattr(gen.store, "folder", None))


def _dataset_statistics(gen: Generation) -> dict[str, Any]:
    from server.linked_data import dataset_statistics

    return dataset_statistics(gen.store)


def get_codes() -> list[str]:
    """Every classification code in the store, sorted."""
    return generation().derive(_codes)


def code_set() -> frozenset[str]:
    return generation().derive(_code_set)


def get_kinds() -> Kinds:
    return generation().derive(_kinds)


def get_search_index() -> SearchIndex:
    return generation().derive(_search_index)


def get_rulebook() -> RuleBook:
    return generation().derive(_rulebook)


def get_engine() -> PathwayEngine:
    return generation().derive(_pathway_engine)


def get_classifier() -> Classifier:
    return generation().derive(_classifier)


def get_hierarchy() -> Hierarchy:
    return generation().derive(_hierarchy)


def get_majors() -> list[dict[str, object]]:
    """Every major, built once per store generation (shared: callers must not change the dicts)."""
    return generation().derive(_majors)


def get_tiers() -> list[dict[str, object]]:
    return generation().derive(_tiers)


def get_curriculum_index() -> CurriculumIndex:
    return generation().derive(_curriculum_index)


def get_documents() -> Documents | None:
    return generation().derive(_documents)


def _majors_by_occupation(gen: Generation) -> dict[str, list[schools.Link]]:
    return schools.majors_by_occupation(gen.store)


def occupation_majors(code: str) -> list[dict[str, object]]:
    """The majors that prepare for an occupation (read once per store generation)."""
    return schools.with_basis(generation().derive(_majors_by_occupation).get(code, []))


def occupation_document(code: str) -> bytes | None:
    """The JSON of /api/occupations/<code> (None: no entry with a name has that code): the build's
    precomputed document while the store is as built, else asked of the store. The API sends the
    bytes; the occupation page reads the same document instead of asking the same six queries."""
    docs = get_documents()
    if docs is not None:
        body = docs.get(API_OCCUPATION, code)
        if body is not None:
            return body
    found = occupation(get_store(), code, get_kinds())
    return None if found is None else api_json(found)


def _kept(gen: Generation) -> AnswerCache:
    return AnswerCache(current_app.config["PAGE_CACHE_BYTES"])


def kept(key: Hashable, make: Callable[[], bytes]) -> bytes:
    """``make()``, made once per store generation and ``key`` and kept while it fits the budget
    (``PAGE_CACHE_BYTES`` per app worker, least recently used out first; server/answer_cache.py):
    for responses that are a function of the generation and of what the key says, and cost more to
    make than to keep (a rendered page, a document converted to JSON-LD or RDF/XML). Issue 17."""
    cache = generation().derive(_kept)
    body = cache.get(key)
    if body is None:
        body = make()
        cache.put(key, body, len(body))
    return body  # type: ignore[no-any-return]


def get_dataset_statistics() -> dict[str, Any]:
    return generation().derive(_dataset_statistics)

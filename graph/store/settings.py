"""Matching settings carried by the store: what the build read from standards/ for the job-title
classifier and the curriculum mapping, so that nothing is read from standards/ at serve time.

The lists an editor keeps in standards/job-titles/ (noise words, synonyms, how titles are built)
and standards/curriculum-matching/ (stop words, synonyms) are checked by the build's readers
(graph/build/sources/job_titles.py, curriculum_matching.py; a broken row is a build and
``occugraph validate`` error at file:line) and written, as one JSON document per file set, into
the store's own named graph ``SETTINGS_GRAPH``::

    <https://w3id.org/occugraph/graph/settings#job-titles> rdf:value "{...}"^^rdf:JSON .

Why triples in the store rather than a file beside it (like the precomputed documents,
graph/store/documents.py): the settings are needed for a right answer, not only a fast one. A
file beside the embedded store is absent on a remote endpoint and is discarded after a SPARQL
Update, and the only fallback would be standards/ again. A named graph travels with the store:
``occugraph load`` copies every graph of a built store into Virtuoso, a SPARQL Update keeps it,
and the store generation that answers a request also holds the settings its classifier was made
from. It is kept out of the data graph, so the published dumps stay the dataset alone.

>>> from graph.store.embedded import EmbeddedStore
>>> mem = ox.Store()
>>> doc = {"synonyms": [{"term": "ai", "expansion": "人工智能"}]}
>>> mem.bulk_load(triples({"job-titles": doc}), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(SETTINGS_GRAPH))
>>> read(EmbeddedStore(store=mem), "job-titles") == doc
True
>>> read(EmbeddedStore(store=ox.Store()), "job-titles")  # doctest: +ELLIPSIS
Traceback (most recent call last):
graph.store.settings.SettingsMissing: the graph store holds no job-titles settings ...
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox

from graph.core.namespaces import PREFIXES, SETTINGS_GRAPH
from graph.store.sparql import Iri, Queries, StoreIncomplete, select

Q = Queries(__file__)
JSON_DATATYPE = PREFIXES["rdf"] + "JSON"
VALUE = PREFIXES["rdf"] + "value"


class SettingsMissing(StoreIncomplete):
    """The store has no (readable) settings for a file set: a store built before they were stored,
    or a remote endpoint loaded from a dump file instead of a built store. The server's problem,
    not the client's (503); the message says how to fix it."""


def subject(name: str) -> str:
    """The IRI that holds one file set's settings (``name`` is its folder under standards/)."""
    return f"{SETTINGS_GRAPH}#{name}"


def triples(settings: Mapping[str, Any]) -> bytes:
    """N-Triples for the settings graph, one triple per file set, in a stable order (the JSON is
    written with sorted keys, so the same sources give the same bytes)."""
    lines = []
    for name in sorted(settings):
        text = json.dumps(settings[name], ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        triple = ox.Triple(
            ox.NamedNode(subject(name)), ox.NamedNode(VALUE), ox.Literal(text, datatype=ox.NamedNode(JSON_DATATYPE))
        )
        lines.append(f"{triple} .\n")
    return "".join(lines).encode("utf-8")


def read(store: Any, name: str) -> dict[str, Any]:
    """One file set's settings from the store (embedded or remote), as the build wrote them."""
    rows = select(store, Q.setting, graph=Iri(SETTINGS_GRAPH), subject=Iri(subject(name)))
    if not rows:
        raise SettingsMissing(
            f"the graph store holds no {name} settings (graph <{SETTINGS_GRAPH}>): rebuild it with "
            "`occugraph build`, or load a built store into a remote endpoint with `occugraph load --store`"
        )
    try:
        data = json.loads(rows[0]["value"])
    except ValueError as exc:
        raise SettingsMissing(f"the {name} settings in the graph store are not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise SettingsMissing(f"the {name} settings in the graph store are not a JSON object")
    return data

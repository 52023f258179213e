"""Every entry's /api/occupations/<code> document at once, for the build's precomputed documents.

``queries.occupation`` answers one code with six SPARQL queries; asked for all 2,100 entries that
is 12,600 queries (about 6 s of CPU), too slow for a build that should take seconds. Here the same
six questions are asked once over the whole graph (the hierarchy through the materialised
skos:broaderTransitive) and the rows are grouped by entry. The document is built by the same
function (``queries.entry_document``), and tests/test_documents.py checks that both give equal
documents on the real data.
"""

from __future__ import annotations

from collections import defaultdict

from graph.classification.queries import Kinds, Q, SelectStore, entry_document
from graph.store.sparql import Query, select


def _by_entry(store: SelectStore, query: Query) -> defaultdict[str, list[dict[str, str]]]:
    """The rows of a whole-graph query, grouped by their ?e (and without it)."""
    grouped: defaultdict[str, list[dict[str, str]]] = defaultdict(list)
    for r in select(store, query):
        grouped[r.pop("e")].append(r)
    return grouped


def occupation_documents(store: SelectStore) -> dict[str, dict[str, object]]:
    """code -> the document ``queries.occupation(store, code)`` returns, for every entry."""
    by_iri: defaultdict[str, list[dict[str, str]]] = defaultdict(list)
    for r in select(store, Q.documents_entries):
        by_iri[r["e"]].append(r)  # the head row keeps ?e: entry_document reads the same row shape as entry.rq
    tasks = _by_entry(store, Q.documents_tasks)
    parents = _by_entry(store, Q.documents_parents)
    children = _by_entry(store, Q.documents_children)
    labels = _by_entry(store, Q.documents_labels)
    extra = _by_entry(store, Q.documents_history)
    kinds = Kinds.load(store)
    docs = {}
    # a single-occupation minor group shares its occupation's code: the code names the occupation
    for iri, rows in sorted(by_iri.items(), key=lambda kv: kinds.occupation_only(kv[1][0].get("types", ""))):
        head = rows[0]
        docs[head["code"]] = entry_document(
            head["code"], head, tasks[iri], parents[iri], children[iri], labels[iri], extra[iri], kinds
        )
    return docs

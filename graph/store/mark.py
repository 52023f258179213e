"""The mark an update leaves in the store it changed: the id of the last update applied.

A SPARQL Update through /sparql/update is sent together with two more operations, in the same
request and so in the same transaction, that record its id in one quad (graph ``MARK_GRAPH``).
The audit log's "pending" line is written before the update runs; after a crash the server looks
at the mark to tell whether that update was committed. The embedded store (pyoxigraph) and a
SPARQL server that runs one update request as one transaction (Virtuoso does) both work this
way, so the same write-ahead recovery covers both.
"""

from __future__ import annotations

import re
from typing import Any

import pyoxigraph as ox

from graph.store.sparql import STORE_QUERIES, Iri

MARK_GRAPH = "https://w3id.org/occugraph/graph/audit"
MARK_SUBJECT = "https://w3id.org/occugraph/audit/last-update"
MARK_PREDICATE = "https://w3id.org/occugraph/audit/id"
MARK_QUERY = STORE_QUERIES.last_update.bind(
    graph=Iri(MARK_GRAPH), subject=Iri(MARK_SUBJECT), predicate=Iri(MARK_PREDICATE)
)
"""The mark as a query, for a store read over SPARQL (any dataset: it names its graph)."""

_TRAILING = re.compile(r"(?:\s|#[^\n\r]*)*\Z")


def with_mark(update: str, update_id: str) -> str:
    """The update followed, in the same request (one transaction), by the operations that record
    ``update_id`` as the last applied update.

    >>> with_mark("INSERT DATA { <http://e/a> <http://e/p> 1 } # done", "0123abcd").splitlines()[:2]
    ['INSERT DATA { <http://e/a> <http://e/p> 1 } # done', ';']
    >>> with_mark("DELETE WHERE { ?s <http://e/p> ?o } ;  ", "0123abcd").splitlines()[1].startswith("DELETE WHERE")
    True
    """
    if not re.fullmatch(r"[0-9a-f]{8,64}", update_id):
        raise ValueError("an update id is hexadecimal")
    ends_with_separator = _TRAILING.sub("", update).endswith(";")
    mark = (
        f"DELETE WHERE {{ GRAPH <{MARK_GRAPH}> {{ <{MARK_SUBJECT}> <{MARK_PREDICATE}> ?id }} }} ;\n"
        f'INSERT DATA {{ GRAPH <{MARK_GRAPH}> {{ <{MARK_SUBJECT}> <{MARK_PREDICATE}> "{update_id}" }} }}'
    )
    return f"{update}\n{mark}" if ends_with_separator else f"{update}\n;\n{mark}"


def last_update_id(store: Any) -> str | None:
    """The id recorded by the last update applied to an ox.Store (None if none ever was)."""
    for quad in store.quads_for_pattern(
        ox.NamedNode(MARK_SUBJECT), ox.NamedNode(MARK_PREDICATE), None, ox.NamedNode(MARK_GRAPH)
    ):
        return quad.object.value
    return None

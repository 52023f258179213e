"""The build's precomputed read-only documents (graph/store/documents.py), made from the new store.

Three kinds, each exactly what the server would otherwise compute per request:

- ``api/occupation`` / code: the JSON of /api/occupations/<code> (graph/classification/documents.py),
  written as Flask writes it (sorted keys, compact);
- ``ld/resource`` / IRI: the statements of every resource under https://w3id.org/occugraph/id/ as
  sorted N-Triples, which is what the linked-data view's DESCRIBE returns (our data has no blank
  nodes): cut from the sorted dump, where each subject's lines are already together;
- ``ld/turtle`` / IRI: the same in Turtle, the format linked-data clients ask for most: converting
  per request held those requests at a quarter of a bare route (issue 17); +2.6 s of CPU in the
  build's document step, measured at load 3-4 (docs/benchmarks.md).
"""

from __future__ import annotations

from collections.abc import Iterator

from graph.classification.documents import occupation_documents
from graph.core.media import TURTLE
from graph.core.namespaces import ID
from graph.store.documents import API_OCCUPATION, LD_RESOURCE, LD_TURTLE, api_json, convert
from graph.store.embedded import EmbeddedStore


def subject_chunks(sorted_nt: bytes, prefix: str) -> Iterator[tuple[str, bytes]]:
    """(subject IRI, its lines) for every subject starting with ``prefix`` in sorted N-Triples.

    >>> nt = b'<http://e/a> <http://e/p> "1" .\\n<http://e/a> <http://e/q> "2" .\\n<http://e/b> <http://e/p> "3" .\\n'
    >>> [(s, body.count(b"\\n")) for s, body in subject_chunks(nt, "http://e/")]
    [('http://e/a', 2), ('http://e/b', 1)]
    """
    start = b"<" + prefix.encode()
    current: bytes | None = None
    lines: list[bytes] = []
    for line in sorted_nt.splitlines(keepends=True):
        if not line.startswith(start):
            continue
        subject = line[1 : line.index(b">")]
        if subject != current:
            if current is not None:
                yield current.decode(), b"".join(dict.fromkeys(lines))
            current, lines = subject, []
        lines.append(line)
    if current is not None:
        yield current.decode(), b"".join(dict.fromkeys(lines))


def linked_data_documents(sorted_nt: bytes) -> dict[tuple[str, str], bytes]:
    """The statements of every resource under /id/, as N-Triples and Turtle: from the dump alone,
    so the build makes them while the store loads."""
    docs: dict[tuple[str, str], bytes] = {}
    for iri, body in subject_chunks(sorted_nt, ID):
        docs[(LD_RESOURCE, iri)] = body
        docs[(LD_TURTLE, iri)] = convert(body, TURTLE)
    return docs


def api_documents(store: EmbeddedStore) -> dict[tuple[str, str], bytes]:
    """The JSON of /api/occupations/<code> for every occupation, from the new store."""
    return {(API_OCCUPATION, code): api_json(doc) for code, doc in occupation_documents(store).items()}


def build_documents(store: EmbeddedStore, sorted_nt: bytes) -> dict[tuple[str, str], bytes]:
    return api_documents(store) | linked_data_documents(sorted_nt)

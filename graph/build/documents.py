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
from graph.store.documents import API_OCCUPATION, LD_RESOURCE, LD_TURTLE, api_json, convert, used_prefixes
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
    chunks = list(subject_chunks(sorted_nt, ID))
    docs: dict[tuple[str, str], bytes] = {}
    for (iri, body), ttl in zip(chunks, turtle_documents(chunks), strict=True):
        docs[(LD_RESOURCE, iri)] = body
        docs[(LD_TURTLE, iri)] = ttl
    return docs


def turtle_documents(chunks: list[tuple[str, bytes]]) -> list[bytes]:
    """``convert(body, TURTLE)`` of every (subject, sorted N-Triples) chunk, byte for byte, from one
    Turtle serialisation of them all instead of one per resource (57k parser and serialiser calls
    were most of the documents' CPU, issue 17).

    Each resource's Turtle is its ``@prefix`` lines (those whose namespace occurs in its text, as
    ``convert`` chooses them) and then its subject's block. A block does not depend on which other
    prefixes are declared: an IRI a prefix could shorten contains that prefix's namespace, so the
    prefix is declared in both. The ``@prefix`` lines of each set of prefixes are taken from
    ``convert`` itself, once per set, whose block is also compared with the shared one; any
    mismatch, and the build falls back to converting each resource on its own.

    >>> nt = (b'<https://w3id.org/occugraph/id/a> <http://www.w3.org/2004/02/skos/core#note> "x\\\\ny \\\\"z\\\\"" .\\n'
    ...       b'<https://w3id.org/occugraph/id/b> <http://e/p> <https://w3id.org/occugraph/id/a> .\\n')
    >>> chunks = list(subject_chunks(nt, ID))
    >>> turtle_documents(chunks) == [convert(body, TURTLE) for _iri, body in chunks]
    True
    """
    if not chunks:
        return []
    every = b"".join(body for _iri, body in chunks)
    whole = convert(every, TURTLE)
    start = whole.find(b"\n<")  # the @prefix lines end where the first subject starts
    blocks = whole[start + 1 :].replace(b"\n<", b"\n\0<").split(b"\0") if start >= 0 else []
    if len(blocks) != len(chunks):
        return [convert(body, TURTLE) for _iri, body in chunks]
    headers: dict[tuple[str, ...], bytes] = {}
    out = []
    for (iri, body), block in zip(chunks, blocks, strict=True):
        if not block.startswith(b"<" + iri.encode() + b">"):
            return [convert(body, TURTLE) for _iri, body in chunks]
        used = tuple(used_prefixes(body))
        header = headers.get(used)
        if header is None:
            alone = convert(body, TURTLE)
            if not alone.endswith(block):
                return [convert(body, TURTLE) for _iri, body in chunks]
            header = headers[used] = alone[: len(alone) - len(block)]
        out.append(header + block)
    return out


def api_documents(store: EmbeddedStore) -> dict[tuple[str, str], bytes]:
    """The JSON of /api/occupations/<code> for every occupation, from the new store."""
    return {(API_OCCUPATION, code): api_json(doc) for code, doc in occupation_documents(store).items()}

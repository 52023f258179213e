"""Read-only documents precomputed by the build, kept beside the store they were made from.

What users ask for most never changes between builds: the JSON of /api/occupations/<code> and the
statements of a resource under /id/... Answering them with six SPARQL queries and Python row
conversion per request held the API at a tenth of a bare Flask route's throughput (issue 17). The
build writes them once, after the store is loaded and checked, into ``documents.sqlite`` inside the
store's own folder (var/stores/<build-id>/): one file per store, so the documents always describe
the store next to them and go away with it; a server finds them through the store it opened (the
store generation), never through a cache of its own.

A store without the file (built by an older version, in memory, or a remote SPARQL endpoint) has
no documents: callers then ask the store as before (``Documents.open`` returns None).

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write(folder, {("api/occupation", "2-02-38-01"): b'{"code":"2-02-38-01"}'})
1
>>> docs = Documents.open(folder)
>>> docs.get("api/occupation", "2-02-38-01"), docs.get("api/occupation", "9-99-99-99")
(b'{"code":"2-02-38-01"}', None)
>>> Documents.open(pathlib.Path(tempfile.mkdtemp())) is None
True
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Mapping
from pathlib import Path

import pyoxigraph as ox

from graph.core import media
from graph.core.namespaces import PREFIXES

FILE_NAME = "documents.sqlite"
API_OCCUPATION = "api/occupation"  # code -> the JSON of /api/occupations/<code>
LD_RESOURCE = "ld/resource"  # IRI under /id/ -> its statements, sorted N-Triples
LD_TURTLE = "ld/turtle"  # IRI under /id/ -> the same statements in Turtle (linked data's usual format)


def api_json(doc: object) -> bytes:
    """JSON as the app's jsonify writes it (sorted keys, no spaces, UTF-8 as is: create_app sets
    ensure_ascii off), ending in a newline."""
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode() + b"\n"


_PREFIX_BYTES = [(p, ns, ns.encode()) for p, ns in PREFIXES.items()]


def used_prefixes(sorted_ntriples: bytes) -> dict[str, str]:
    """The prefixes ``convert`` declares for these statements: those whose namespace occurs in them."""
    return {p: ns for p, ns, ns_bytes in _PREFIX_BYTES if ns_bytes in sorted_ntriples}


def convert(sorted_ntriples: bytes, media_type: str) -> bytes:
    """A resource's statements (sorted N-Triples, as stored) in another RDF format, with the usual
    prefixes: those whose namespace occurs in the text.

    The lines are already in the order the linked-data view sorts a DESCRIBE answer into, so nothing
    is sorted again; that sorting and a per-triple namespace scan were half the CPU of converting a
    document (issue 17, bench/bench_documents.py).

    >>> nt = b'<https://w3id.org/occugraph/id/x> <http://www.w3.org/2004/02/skos/core#notation> "1" .\\n'
    >>> print(convert(nt, "text/turtle").decode().strip())
    @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    <https://w3id.org/occugraph/id/x> skos:notation "1" .
    """
    prefixes = used_prefixes(sorted_ntriples)
    triples = ox.parse(sorted_ntriples, format=ox.RdfFormat.N_TRIPLES)
    return ox.serialize(triples, format=media.rdf_format(media_type), prefixes=prefixes) or b""


def write(store_folder: Path, documents: Mapping[tuple[str, str], bytes], written: Path | None = None) -> int:
    """Write the documents (kind, key) -> bytes into the store folder, atomically (temp + rename);
    the number of documents in the file.

    ``written`` is a documents file made by an earlier ``write`` elsewhere (the build's dump
    process writes the linked-data documents on its own core, graph/build/dump_process.py): it
    is moved in and ``documents`` are added to it, so it must hold none of their keys."""
    target = Path(store_folder) / FILE_NAME
    tmp = target.with_name(f".{FILE_NAME}.{os.getpid()}")
    if tmp.exists():
        tmp.unlink()
    if written is not None:
        os.replace(written / FILE_NAME, tmp)
    con = sqlite3.connect(tmp)
    try:
        # a file no reader sees until the rename below: a crash leaves only a temporary file, so
        # no rollback journal and no syncs; 16 KiB pages hold a Turtle document or two each, where
        # 4 KiB pages put most of them in overflow pages (232 against 153 MiB at 381k triples:
        # bench/bench_documents_file.py)
        con.execute("PRAGMA journal_mode=OFF")
        con.execute("PRAGMA synchronous=OFF")
        if written is None:
            con.execute("PRAGMA page_size=16384")
            con.execute(
                "CREATE TABLE documents (kind TEXT, key TEXT, body BLOB, PRIMARY KEY (kind, key)) WITHOUT ROWID"
            )
        con.executemany(
            "INSERT INTO documents VALUES (?, ?, ?)", ((k, key, body) for (k, key), body in sorted(documents.items()))
        )
        con.commit()
        (count,) = con.execute("SELECT count(*) FROM documents").fetchone()
    finally:
        con.close()
    os.replace(tmp, target)
    return int(count)


def discard(store_folder: Path | str) -> None:
    """Remove a store's documents before the store is changed in place (SPARQL Update): they would
    no longer describe it, and the server then answers from the store itself."""
    path = Path(os.path.realpath(store_folder)) / FILE_NAME
    if path.exists():
        path.unlink()


class Documents:
    """The precomputed documents of one store folder; safe to share between threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()

    @classmethod
    def open(cls, store_folder: Path | None) -> Documents | None:
        if store_folder is None:
            return None
        path = Path(store_folder) / FILE_NAME
        return cls(path) if path.is_file() else None

    def _con(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None:  # one read-only connection per thread (sqlite3 connections are per thread)
            con = self._local.con = sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True)
        return con

    def get(self, kind: str, key: str) -> bytes | None:
        row = self._con().execute("SELECT body FROM documents WHERE kind = ? AND key = ?", (kind, key)).fetchone()
        return None if row is None else bytes(row[0])

    def count(self, kind: str) -> int:
        return int(self._con().execute("SELECT COUNT(*) FROM documents WHERE kind = ?", (kind,)).fetchone()[0])

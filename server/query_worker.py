"""SPARQL queries in worker processes that can be killed: the endpoint's time limit.

pyoxigraph has no query timeout and a running query cannot be interrupted from another thread,
so /sparql queries run in a small pool of worker processes, each holding its own read-only
handle on the store. A query that outlives ``QUERY_TIMEOUT`` has its worker killed (SIGKILL) and
replaced; the client gets 503 with a message, and every other request goes on being answered
by the request threads and the remaining workers.

The worker caps the result at ``max_rows`` before anything crosses the pipe. For /sparql it
writes the answer itself with pyoxigraph's serialiser, in the format the client's Accept header
chose (``answer``), and the parent sends those bytes as they are: the whole answer is written
before the first byte goes out, so a query that fails or is stopped half-way gives an error
status, never a 200 with half a document. The HTML page, which shows rows, gets the result in a
transfer format (SPARQL JSON for solutions, N-Triples for graphs) that the parent parses back
into a pyoxigraph result (``capture``/``revive``).

>>> import pyoxigraph as ox
>>> s = ox.Store()
>>> s.add(ox.Quad(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"), ox.Literal("x", language="zh")))
>>> s.add(ox.Quad(ox.NamedNode("http://e/b"), ox.NamedNode("http://e/p"), ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))))
>>> kind, payload, cut = capture(s.query("SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s"), 1)
>>> kind, cut, [str(r["o"]) for r in revive(kind, payload)]
('solutions', True, ['"x"@zh'])
>>> kind, payload, cut = capture(s.query("CONSTRUCT WHERE { ?s ?p ?o }"), 5)
>>> kind, cut, len(list(revive(kind, payload)))
('triples', False, 2)
"""

from __future__ import annotations

import atexit
import functools
import itertools
import json
import logging
import math
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, overload

import pyoxigraph as ox

from graph.core import media
from graph.core.faults import checkpoint
from graph.core.paths import PACKAGE_ROOT
from graph.store import documents, guard
from graph.store.guard import (
    Refused,
    SparqlSyntaxError,
    admit_query,
    check_update,
    reading_error,
)
from graph.store.mark import last_update_id, with_mark
from graph.store.sparql import triples_result
from server import zygote
from server.answer_cache import AnswerCache
from server.fairness import FairGate, NoWorker
from server.sandbox import SandboxUnavailable, deny_network

log = logging.getLogger(__name__)

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_PACKAGE_ROOT = str(PACKAGE_ROOT)
STARTUP_TIMEOUT = 60.0  # a worker opening the store; not counted against a query's limit

Result = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


class QueryTimeout(Exception):
    """The query ran past the time limit and was stopped (HTTP 503)."""


class ServerBusy(Exception):
    """No worker became free in time (HTTP 503 with Retry-After)."""


class WorkerFailed(Exception):
    """A worker died or could not open the store (HTTP 503)."""


# ---------------------------------------------------------------- transfer format


def _term_json(term: Any) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value not in (XSD_STRING, RDF_LANG_STRING):
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _term_json(term.subject),
                "predicate": _term_json(term.predicate),
                "object": _term_json(term.object),
            },
        }
    raise TypeError(f"unexpected term {term!r}")


def capture(result: Result, max_rows: int) -> tuple[str, bytes, bool]:
    """(kind, payload, truncated): the result cut to ``max_rows``, in the transfer format."""
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        bindings = []
        truncated = False
        for solution in result:
            if len(bindings) >= max_rows:
                truncated = True
                break
            row = {}
            for name in names:
                term = solution[name]
                if term is not None:
                    row[name] = _term_json(term)
            bindings.append(row)
        doc = {"head": {"vars": names}, "results": {"bindings": bindings}}
        return "solutions", json.dumps(doc, ensure_ascii=False).encode(), truncated
    if isinstance(result, ox.QueryTriples):
        triples = []
        truncated = False
        for triple in result:
            if len(triples) >= max_rows:
                truncated = True
                break
            triples.append(triple)
        return "triples", ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"", truncated
    return "boolean", b"true" if bool(result) else b"false", False


def revive(kind: str, payload: bytes) -> Result:
    """A pyoxigraph result again, from ``capture``'s output."""
    if kind == "solutions":
        return ox.parse_query_results(payload, format=ox.QueryResultsFormat.JSON)  # type: ignore[return-value]
    if kind == "boolean":
        return ox.parse_query_results(b'{"head":{},"boolean":%s}' % payload, format=ox.QueryResultsFormat.JSON)  # type: ignore[return-value]
    scratch = ox.Store()
    scratch.load(payload, format=ox.RdfFormat.N_TRIPLES)
    return triples_result(scratch)


def run_query(
    store: Any,
    sparql: str,
    default_graphs: Sequence[str] | None,
    named_graphs: Sequence[str] | None,
    base_iri: str | None,
) -> Result:
    """Run on an ox.Store with the dataset rules of graph.store.embedded.EmbeddedStore.query."""
    kwargs: dict[str, Any] = {"base_iri": base_iri} if base_iri else {}
    if default_graphs or named_graphs:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs or []] or [ox.DefaultGraph()]
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs or []]
    else:
        kwargs["use_default_graph_as_union"] = True
    return store.query(sparql, **kwargs)


# ---------------------------------------------------------------- answers in the client's format
#
# /sparql asks the worker for the answer itself, written by pyoxigraph's serialiser in the format
# the client's Accept header chose: nothing is converted row by row in Python and the bytes are
# sent as they are. Re-encoding each row as a Python dict before json.dumps cost more than the
# query on large results (issue 17: +53 % on a 2,506-row join).

# (SPARQL results media type, RDF media type): what the client accepts for each query form, each
# None when Accept allows none; chosen by the protocol layer (graph.core.media) before the query
# runs, since which of the two applies is known only once the query is parsed.
Wanted = tuple[str | None, str | None]
# (kind, media, body, truncated): kind "solutions", "boolean" or "triples"; media None when the
# client accepts no format for the query's form (the protocol answers 406)
Answer = tuple[str, str | None, bytes, bool]

# What marks a row in each results format, and how many marks the rows are fewer than: JSON puts
# "},{" between two rows, XML opens each row with <result>, CSV and TSV end each line (header
# included) with a line break. Exact for XML (``<`` is escaped in text) and TSV (line breaks are
# escaped); a "},{" inside a JSON string or a line break inside a quoted CSV value only makes
# the count too high, which costs a second run (answer_query) but never lets a result pass the cap.
_ROW_MARKS: dict[ox.QueryResultsFormat, tuple[bytes, int]] = {
    ox.QueryResultsFormat.JSON: (b"},{", -1),
    ox.QueryResultsFormat.XML: (b"<result>", 0),
    ox.QueryResultsFormat.CSV: (b"\n", 1),
    ox.QueryResultsFormat.TSV: (b"\n", 1),
}


class _TooMany(Exception):
    """Raised by _CappedWriter inside pyoxigraph's serialiser, which passes it through as it is."""


class _CappedWriter:
    """The file pyoxigraph's serialiser writes a SELECT result to (in chunks of 8 KiB, as the
    result is evaluated): it keeps the bytes and stops the serialiser, by raising _TooMany, as
    soon as the rows written may be more than ``max_rows``, so that a huge result is not
    evaluated to its end before being cut.

    >>> w = _CappedWriter(ox.QueryResultsFormat.TSV, 2)
    >>> w.write(b"?a\\n1\\n"), w.write(b"2\\n")
    (5, 2)
    >>> w.write(b"3\\n")
    Traceback (most recent call last):
    ...
    server.query_worker._TooMany
    """

    def __init__(self, fmt: ox.QueryResultsFormat, max_rows: int) -> None:
        self.mark, self.fewer = _ROW_MARKS[fmt]
        self.max_rows = max_rows
        self.parts: list[bytes] = []
        self._marks = 0
        self._tail = b""  # the last bytes written, in case a mark is split between two chunks

    def write(self, data: bytes) -> int:
        data = bytes(data)
        self.parts.append(data)
        joined = self._tail + data
        self._marks += joined.count(self.mark) - self._tail.count(self.mark)
        self._tail = joined[-(len(self.mark) - 1) :] if len(self.mark) > 1 else b""
        if self._marks - self.fewer > self.max_rows:
            raise _TooMany()
        return len(data)

    def flush(self) -> None:
        pass


@overload
def answer(result: Result, wanted: Wanted, max_rows: None = None) -> Answer: ...
@overload
def answer(result: Result, wanted: Wanted, max_rows: int) -> Answer | None: ...
def answer(result: Result, wanted: Wanted, max_rows: int | None = None) -> Answer | None:
    """A result written by pyoxigraph's own serialiser in the format the client asked for, cut
    at ``max_rows`` (None: not cut); None when a SELECT result may have more rows than that.

    A SELECT result is serialised as it is evaluated and its rows are counted on the bytes
    (_CappedWriter). When they may pass the cap the serialiser is stopped and None says "run it
    again and cut exactly" (``answer_query``); rare, and a result that large is slow anyway.

    >>> s = ox.Store()
    >>> s.add(ox.Quad(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"), ox.Literal("x")))
    >>> answer(s.query("SELECT ?s WHERE { ?s ?p ?o }"), ("text/csv", None), 5)
    ('solutions', 'text/csv', b's\\r\\nhttp://e/a\\r\\n', False)
    >>> answer(s.query("SELECT ?s WHERE { ?s ?p ?o }"), ("text/csv", None), 0) is None
    True
    >>> answer(s.query("ASK { ?s ?p ?o }"), ("text/tab-separated-values", None))
    ('boolean', 'text/tab-separated-values', b'true', False)
    >>> answer(s.query("CONSTRUCT WHERE { ?s ?p ?o }"), ("text/csv", None))
    ('triples', None, b'', False)
    >>> answer(s.query("CONSTRUCT WHERE { ?s ?p ?o }"), (None, "application/n-triples"), 0)
    ('triples', 'application/n-triples', b'', True)
    """
    results_media, graph_media = wanted
    if isinstance(result, ox.QueryTriples):
        if graph_media is None:
            return "triples", None, b"", False
        fmt = media.rdf_format(graph_media)
        if max_rows is None:
            return "triples", graph_media, result.serialize(format=fmt) or b"", False
        triples = list(itertools.islice(result, max_rows + 1))
        return "triples", graph_media, ox.serialize(triples[:max_rows], format=fmt) or b"", len(triples) > max_rows
    kind = "solutions" if isinstance(result, ox.QuerySolutions) else "boolean"
    if results_media is None:
        return kind, None, b"", False
    results_fmt = media.results_format(results_media)
    if kind == "boolean" and results_fmt in (ox.QueryResultsFormat.CSV, ox.QueryResultsFormat.TSV):
        return kind, results_media, b"true" if bool(result) else b"false", False  # CSV/TSV have no boolean form
    if kind == "boolean" or max_rows is None:
        return kind, results_media, result.serialize(format=results_fmt) or b"", False
    writer = _CappedWriter(results_fmt, max_rows)
    try:
        result.serialize(writer, format=results_fmt)
    except _TooMany:
        return None
    return kind, results_media, b"".join(writer.parts), False


def answer_query(run: Callable[[], Result], wanted: Wanted, max_rows: int) -> Answer:
    """``answer`` of the result of ``run()``, cut at exactly ``max_rows``: when the rows may pass
    the cap, the query is run again and cut in Python (``answer_cut``)."""
    out = answer(run(), wanted, max_rows)
    return out if out is not None else answer_cut(run(), wanted, max_rows)


def answer_cut(result: Result, wanted: Wanted, max_rows: int) -> Answer:
    """``answer`` of the first ``max_rows`` rows, taken in Python (``capture``) before they are
    serialised: exact whatever the format, at the cost of a Python object per row."""
    kind, payload, truncated = capture(result, max_rows)
    return (*answer(revive(kind, payload), wanted)[:3], truncated)


# exceptions a query may raise that are the query's fault (400), passed back by type name
_PASSED: dict[str, type[Exception]] = {
    "SyntaxError": SyntaxError,
    "ValueError": ValueError,
    "OSError": OSError,
    "RuntimeError": RuntimeError,
    "TypeError": ValueError,
    "Refused": Refused,
}


def _error_reply(exc: Exception) -> tuple[Any, ...]:
    if isinstance(exc, SparqlSyntaxError):
        return ("error", "SparqlSyntaxError", str(exc), exc.update)
    return ("error", type(exc).__name__, str(exc))


def _raise_reply(reply: tuple[Any, ...]) -> None:
    if reply[1] == "SparqlSyntaxError":
        raise SparqlSyntaxError(reply[2], update=bool(reply[3]))
    raise _PASSED.get(reply[1], RuntimeError)(reply[2])


def _sandbox(conn: Connection) -> bool:
    """Cut this worker off the network before it touches a query; tell the parent if it cannot."""
    try:
        deny_network()
    except SandboxUnavailable as exc:
        conn.send(("fatal", "SandboxUnavailable", str(exc)))
        return False
    return True


def _graphs_of(store: ox.Store) -> frozenset[str]:
    return frozenset(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))


def _load_parser(graphs: frozenset[str]) -> None:
    """Build the guard's parser now (pyparsing's grammar), not in the time of the first query."""
    guard.check_query("ASK { ?s ?p ?o }", graphs)


def _worker_main(conn: Connection, store_path: str) -> None:
    """The worker process: no network, open the store read-only, then answer queries until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when a worker stops
    if not _sandbox(conn):
        return
    try:
        store = ox.Store.read_only(os.path.realpath(store_path))
        graphs = _graphs_of(store)
        _load_parser(graphs)
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which logs it
        conn.send(("fatal", type(exc).__name__, str(exc)))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        _op, sparql, defaults, named, base_iri, max_rows, check, wanted = message
        try:
            repeatable = False  # only a query the guard read may be answered again from memory
            if check:  # the parser only when the text spells a word it must read (admit_query)
                checked = admit_query(sparql, graphs)
                defaults, named = checked.dataset(defaults, named)
                repeatable = checked.repeatable
            run = functools.partial(run_query, store, sparql, defaults, named, base_iri)
            if wanted is not None:  # /sparql: the answer in the client's format, written here
                reply: tuple[Any, ...] = ("answer", *answer_query(run, wanted, max_rows), repeatable)
            else:
                reply = ("ok", *capture(run(), max_rows))
        except SyntaxError as exc:  # the engine could not read it: the parser's words, as before
            unread = check and not isinstance(exc, SparqlSyntaxError)
            reply = _error_reply(reading_error(sparql, graphs, exc) if unread else exc)
        except Exception as exc:  # noqa: BLE001 - every query error goes back as a message
            reply = _error_reply(exc)
        conn.send(reply)


# Which update was applied last, written in the same transaction as the update itself: after a
# crash, the audit log's write-ahead "pending" line is resolved against it (server/blueprints/update.py).
def _update_main(conn: Connection, store_path: str) -> None:
    """A one-off process for SPARQL Update: no network, open writable, apply in one transaction, report."""
    if not _sandbox(conn):
        return
    update, check, update_id = conn.recv()
    path = os.path.realpath(store_path)
    try:
        # decided on a read-only handle: an update the guard refuses never opens the store writable
        # (opening it so lets RocksDB rewrite and delete files that the server's read handle uses)
        if check:
            check_update(update, _graphs_of(ox.Store.read_only(path)))
    except Exception as exc:  # noqa: BLE001 - reported to the parent
        conn.send(("unopened", *_error_reply(exc)[1:]))
        return
    try:
        documents.discard(path)  # the build's precomputed documents would describe the old data
        store = ox.Store(path)
        marked = last_update_id(store) is not None
        before = len(store) - marked
        store.update(with_mark(update, update_id))
        store.flush()
        checkpoint("update:store-committed")
        conn.send(("ok", before, len(store) - 1))
    except Exception as exc:  # noqa: BLE001 - reported to the parent
        conn.send(_error_reply(exc))


# ---------------------------------------------------------------- the parent side


def _start(mode: str, *args: str) -> tuple[subprocess.Popen[bytes], Connection]:
    """Start ``python -m server.query_worker MODE FD ARGS`` with one end of a socket pair as FD.

    A plain subprocess (not multiprocessing's spawn) so that the parent's __main__ is never
    re-imported: any script or server that builds the app can run queries.
    """
    parent_sock, child_sock = socket.socketpair()
    fd = child_sock.fileno()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "server.query_worker", mode, str(fd), *args],
        pass_fds=[fd],
        env=env,
        cwd=_PACKAGE_ROOT,
        stdin=subprocess.DEVNULL,
    )
    child_sock.close()
    conn = Connection(parent_sock.detach())
    return process, conn


@dataclass(eq=False)  # identity: workers live in a set
class _Worker:
    process: subprocess.Popen[bytes] | zygote.ForkedWorker
    conn: Connection
    generation: int
    ready: bool = False

    def kill(self) -> None:
        try:
            if self.process.poll() is None:
                self.process.kill()
            self.process.wait(timeout=5)
        finally:
            self.conn.close()


def _query_message(
    sparql: str,
    default_graphs: Sequence[str] | None,
    named_graphs: Sequence[str] | None,
    base_iri: str | None,
    max_rows: int,
) -> tuple[Any, ...]:
    """What a query worker is sent for one query (the pool adds the guard switch and the format);
    hashable, so that with the format it is also the key of a kept answer (server/answer_cache.py)."""
    return ("query", sparql, tuple(default_graphs or ()), tuple(named_graphs or ()), base_iri, max_rows)


class WorkerPool:
    """A fixed number of query worker processes; a killed or stale worker is replaced."""

    def __init__(self, store_path: str, size: int, gate: FairGate | None = None, answer_bytes: int = 0) -> None:
        self.store_path = store_path
        self.size = size
        # answers to repeatable queries of the current generation (server/answer_cache.py); a new
        # cache with each generation
        self.answer_bytes = answer_bytes
        self.answers = AnswerCache(answer_bytes)
        # who gets a free worker (server/fairness.py); without one, first come first served
        self.gate = gate or FairGate(
            workers=size, per_client=size, reserve=0, heavy_seconds=math.inf, seconds_per_minute=0
        )
        # the worker that finished last is taken first: its caches are still warm (a query in a
        # worker idle since the one before costs 0.21-0.27 ms of its CPU, against 0.18-0.19 ms
        # in the last one used: issue 17, docs/benchmarks.md); any worker serves any client
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._generation = 0
        self._lock = threading.Lock()
        self._all: set[_Worker] = set()
        for _ in range(size):
            self._idle.put(self._spawn())
        atexit.register(self.close)

    def _spawn(self) -> _Worker:
        # forked by the server's zygote when there is one (server/zygote.py: shared pages), else a
        # fresh interpreter; either way the worker denies itself the network before anything else
        forked = zygote.fork_worker(self.store_path)
        process, conn = forked if forked is not None else _start("query", self.store_path)
        worker = _Worker(process, conn, self._generation)
        with self._lock:
            self._all.add(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.kill()

    def _replace(self, worker: _Worker) -> None:
        self._retire(worker)
        self._idle.put(self._spawn())

    def recycle(self) -> None:
        """Replace every worker as it next comes free (after an update changed the store); the
        answers kept from the old store are dropped."""
        self._generation += 1
        self.answers = AnswerCache(self.answer_bytes)

    def _wait_ready(self, worker: _Worker) -> None:
        if worker.ready:
            return
        if not worker.conn.poll(STARTUP_TIMEOUT):
            self._replace(worker)
            raise WorkerFailed("a query worker did not start in time; try again")
        message = worker.conn.recv()
        if message[0] != "ready":
            log.error("query worker could not open the store: %s: %s", message[1], message[2])
            self._replace(worker)
            raise WorkerFailed("a query worker could not open the store; the server log has the details")
        worker.ready = True

    def run(
        self,
        sparql: str,
        default_graphs: Sequence[str] | None,
        named_graphs: Sequence[str] | None,
        base_iri: str | None,
        max_rows: int,
        timeout: float,
        queue_timeout: float,
        client: str = "",
    ) -> tuple[Result, bool]:
        """(result, truncated): the result, cut at ``max_rows``, as a pyoxigraph result again."""
        message = _query_message(sparql, default_graphs, named_graphs, base_iri, max_rows)
        _ok, kind, payload, truncated = self._ask(message, None, timeout, queue_timeout, client)
        return revive(kind, payload), truncated

    def answer(
        self,
        sparql: str,
        default_graphs: Sequence[str] | None,
        named_graphs: Sequence[str] | None,
        base_iri: str | None,
        wanted: Wanted,
        max_rows: int,
        timeout: float,
        queue_timeout: float,
        client: str = "",
    ) -> Answer:
        """The result written by pyoxigraph's serialiser in the worker, in the format the client
        wants, cut at ``max_rows`` (``answer_query``): bytes to send as they are."""
        message = _query_message(sparql, default_graphs, named_graphs, base_iri, max_rows)
        answers = self.answers  # this generation's: a query that outlives it is not kept
        kept = answers.get((message, wanted))
        if kept is not None:  # asked before of this store: no worker, no query time spent
            return kept  # type: ignore[no-any-return]
        _answer, kind, chosen, body, truncated, repeatable = self._ask(message, wanted, timeout, queue_timeout, client)
        out: Answer = (kind, chosen, body, truncated)
        if repeatable and chosen is not None and answers is self.answers:
            answers.put((message, wanted), out, len(body))
        return out

    def _ask(
        self, message: tuple[Any, ...], wanted: Wanted | None, timeout: float, queue_timeout: float, client: str
    ) -> tuple[Any, ...]:
        """A worker's reply to a query, once the client's turn came (server/fairness.py)."""
        try:
            self.gate.acquire(client, timeout=queue_timeout)
        except NoWorker:
            raise ServerBusy(f"all {self.size} query workers are busy; try again shortly") from None
        spent = [math.inf]  # when the query reached its worker
        try:
            return self._run_on_worker((*message, guard.ENABLED, wanted), timeout, spent)
        finally:
            self.gate.release(client, max(0.0, time.monotonic() - spent[0]))

    def _run_on_worker(self, message: tuple[Any, ...], timeout: float, spent: list[float]) -> tuple[Any, ...]:
        worker = self._idle.get()  # the gate admitted us, so a worker is idle or about to be put back
        if worker.generation != self._generation:
            self._retire(worker)
            worker = self._spawn()
        self._wait_ready(worker)  # a worker's start is not charged to the client
        spent[0] = start = time.monotonic()
        try:
            worker.conn.send(message)
            if not worker.conn.poll(timeout):
                log.warning(
                    "query stopped after %.1f s (worker %s killed)", time.monotonic() - start, worker.process.pid
                )
                self._replace(worker)
                raise QueryTimeout(
                    f"the query ran longer than the {timeout:g} s limit and was stopped; "
                    "narrow it (LIMIT, more specific patterns) and try again"
                )
            reply = worker.conn.recv()
        except (EOFError, OSError):
            self._replace(worker)
            raise WorkerFailed("the query worker stopped unexpectedly; try again") from None
        self._idle.put(worker)
        if reply[0] == "error":
            _raise_reply(reply)
        return reply

    def close(self) -> None:
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            try:
                worker.kill()
            except Exception:  # noqa: BLE001 - best effort at exit
                pass


def run_update(store_path: str, update: str, timeout: float, update_id: str) -> tuple[int, int]:
    """Apply a SPARQL Update in its own process: (quads before, quads after).

    The update is one transaction; a process killed at the time limit commits nothing.
    """
    process, conn = _start("update", store_path)
    try:
        conn.send((update, guard.ENABLED, update_id))
        if not conn.poll(timeout + 10.0):  # + the time it takes to start and open the store
            process.kill()
            raise QueryTimeout(f"the update ran longer than the {timeout:g} s limit and was stopped")
        reply = conn.recv()
    except (EOFError, OSError):
        process.kill()
        raise WorkerFailed("the update process stopped unexpectedly") from None
    finally:
        process.wait(timeout=30)
        conn.close()
    if reply[0] == "fatal":
        log.error("update process could not start: %s: %s", reply[1], reply[2])
        raise WorkerFailed("the update process could not start; the server log has the details; nothing was changed")
    if reply[0] in ("error", "unopened"):
        try:
            _raise_reply(("error", *reply[1:]))
        except Exception as exc:
            exc.store_opened = reply[0] == "error"  # type: ignore[attr-defined]
            raise
    return reply[1], reply[2]


class LimitedStore:
    """The store as /sparql sees it: queries in a killable worker (or in-process), results capped.

    One per request: ``truncated`` tells the blueprint whether the last result was cut.
    """

    def __init__(
        self,
        store: Any,
        pool: WorkerPool | None,
        *,
        max_rows: int,
        timeout: float,
        queue_timeout: float,
        client: str = "",
    ) -> None:
        self.store = store
        self.pool = pool
        self.client = client
        self.max_rows = max_rows
        self.timeout = timeout
        self.queue_timeout = queue_timeout
        self.truncated = False
        # the worker checks each query with graph.store.guard, inside its sandbox, before running it
        self.guards_queries = pool is not None

    def graph_names(self) -> set[str]:
        return self.store.graph_names()

    def query(
        self,
        sparql: str,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
    ) -> Result:
        """The result as pyoxigraph's, cut at ``max_rows`` (for the HTML page, which shows rows)."""
        if self.pool is not None:
            result, self.truncated = self.pool.run(
                sparql,
                default_graphs,
                named_graphs,
                base_iri,
                self.max_rows,
                self.timeout,
                self.queue_timeout,
                client=self.client,
            )
            return result
        live = self.store.query(sparql, default_graphs, named_graphs, base_iri=base_iri)
        kind, payload, self.truncated = capture(live, self.max_rows)
        return revive(kind, payload)

    def answer(
        self,
        sparql: str,
        default_graphs: Sequence[str] | None,
        named_graphs: Sequence[str] | None,
        base_iri: str | None,
        wanted: Wanted,
    ) -> Answer:
        """The answer in the client's format, cut at ``max_rows`` (see ``answer``): written in a
        worker when there is a pool (time limit, fairness), else in this thread (a remote store,
        or no workers), where the rows are cut in Python so that a result over the cap is never
        asked of a remote server twice."""
        if self.pool is not None:
            out = self.pool.answer(
                sparql,
                default_graphs,
                named_graphs,
                base_iri,
                wanted,
                self.max_rows,
                self.timeout,
                self.queue_timeout,
                client=self.client,
            )
        else:
            live = self.store.query(sparql, default_graphs, named_graphs, base_iri=base_iri)
            out = answer_cut(live, wanted, self.max_rows)
        self.truncated = out[3]
        return out


def store_path_of(store: Any) -> str | None:
    """The folder of an on-disk embedded store (workers open it), or None (in-memory, remote)."""
    path = getattr(store, "path", None)
    return str(path) if path else None


if __name__ == "__main__":
    if sys.argv[1] == "zygote":  # server/zygote.py: the parser loaded once, then workers forked
        _load_parser(frozenset())
        zygote.serve(sys.argv[2], int(sys.argv[3]), _worker_main)
    else:
        _mode, _fd, _path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
        _conn = Connection(_fd)
        (_worker_main if _mode == "query" else _update_main)(_conn, _path)

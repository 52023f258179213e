"""SPARQL queries in worker processes that can be killed: the endpoint's time limit.

pyoxigraph has no query timeout and a running query cannot be interrupted from another thread,
so /sparql queries run in a small pool of worker processes, each holding its own read-only
handle on the store. A query that outlives ``QUERY_TIMEOUT`` has its worker killed (SIGKILL) and
replaced; the client gets 503 with a message, and every other request goes on being answered
by the request threads and the remaining workers.

The worker caps the result at ``max_rows`` before anything crosses the pipe, and sends it in a
transfer format (SPARQL JSON for solutions, N-Triples for graphs) that the parent parses back
into pyoxigraph results, so the protocol layer serialises them as it would a local result.

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
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import pyoxigraph as ox

from graph.core.faults import checkpoint
from graph.core.paths import PACKAGE_ROOT
from graph.store import guard
from graph.store.guard import Refused, SparqlSyntaxError, check_update, query_dataset
from graph.store.mark import last_update_id, with_mark
from graph.store.sparql import triples_result
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


def _graphs_of(store: ox.Store) -> set[str]:
    return {g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)}


def _worker_main(conn: Connection, store_path: str) -> None:
    """The worker process: no network, open the store read-only, then answer queries until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when a worker stops
    if not _sandbox(conn):
        return
    try:
        store = ox.Store.read_only(os.path.realpath(store_path))
        graphs = _graphs_of(store)
        guard.check_query("ASK { ?s ?p ?o }", graphs)  # load the parser now, not in a query's time
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which logs it
        conn.send(("fatal", type(exc).__name__, str(exc)))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        _op, sparql, defaults, named, base_iri, max_rows, check = message
        try:
            if check:
                defaults, named = query_dataset(sparql, defaults, named, graphs)
            result = run_query(store, sparql, defaults, named, base_iri)
            kind, payload, truncated = capture(result, max_rows)
            reply: tuple[Any, ...] = ("ok", kind, payload, truncated)
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
    try:
        store = ox.Store(os.path.realpath(store_path))
        if check:
            check_update(update, _graphs_of(store))
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
    process: subprocess.Popen[bytes]
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


class WorkerPool:
    """A fixed number of query worker processes; a killed or stale worker is replaced."""

    def __init__(self, store_path: str, size: int, gate: FairGate | None = None) -> None:
        self.store_path = store_path
        self.size = size
        # who gets a free worker (server/fairness.py); without one, first come first served
        self.gate = gate or FairGate(
            workers=size, per_client=size, reserve=0, heavy_seconds=math.inf, seconds_per_minute=0
        )
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._generation = 0
        self._lock = threading.Lock()
        self._all: set[_Worker] = set()
        for _ in range(size):
            self._idle.put(self._spawn())
        atexit.register(self.close)

    def _spawn(self) -> _Worker:
        process, conn = _start("query", self.store_path)
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
        """Replace every worker as it next comes free (after an update changed the store)."""
        self._generation += 1

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
        try:
            self.gate.acquire(client, timeout=queue_timeout)
        except NoWorker:
            raise ServerBusy(f"all {self.size} query workers are busy; try again shortly") from None
        spent = [math.inf]  # when the query reached its worker
        try:
            return self._run_on_worker(sparql, default_graphs, named_graphs, base_iri, max_rows, timeout, spent)
        finally:
            self.gate.release(client, max(0.0, time.monotonic() - spent[0]))

    def _run_on_worker(
        self,
        sparql: str,
        default_graphs: Sequence[str] | None,
        named_graphs: Sequence[str] | None,
        base_iri: str | None,
        max_rows: int,
        timeout: float,
        spent: list[float],
    ) -> tuple[Result, bool]:
        worker = self._idle.get()  # the gate admitted us, so a worker is idle or about to be put back
        if worker.generation != self._generation:
            self._retire(worker)
            worker = self._spawn()
        self._wait_ready(worker)  # a worker's start is not charged to the client
        spent[0] = start = time.monotonic()
        message = ("query", sparql, list(default_graphs or []), list(named_graphs or []), base_iri, max_rows)
        try:
            worker.conn.send((*message, guard.ENABLED))
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
        _ok, kind, payload, truncated = reply
        return revive(kind, payload), truncated

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
    if reply[0] == "error":
        _raise_reply(reply)
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


def store_path_of(store: Any) -> str | None:
    """The folder of an on-disk embedded store (workers open it), or None (in-memory, remote)."""
    path = getattr(store, "path", None)
    return str(path) if path else None


if __name__ == "__main__":
    _mode, _fd, _path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    _conn = Connection(_fd)
    (_worker_main if _mode == "query" else _update_main)(_conn, _path)

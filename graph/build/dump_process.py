"""The dumps and linked-data documents made from the sorted N-Triples alone, in a process of their own.

The Turtle and JSON-LD dumps and the linked-data documents need nothing but the sorted N-Triples,
and making them is Python work (about 5 s of CPU at 381k triples). In a thread of the build they
shared the GIL with the QC rules and the occupations' API documents, which therefore had to wait
for them; in a separate process they run on the machine's other core while the build's own
process loads the store, runs the QC rules and writes the API documents (issue 17).

It also writes the linked-data documents into a ``documents.sqlite`` of its own, to which the
build adds the API documents (``graph.store.documents.write``): 114k rows inserted on the other
core instead of being sent back and inserted at the end of the build.

The process is started by *spawn* (a fresh interpreter, never a fork of a process that may
already run Rust threads: pyoxigraph's and pyshifty's), at the start of the build, so that its
imports happen while the main process is still reading the sources on one core. It gets the
N-Triples through a file and sends back the dumps and documents through a pipe; any exception it
raises is raised again in the build. Closing it ends the process if it is still running (a build
that failed elsewhere does not wait for dumps it will not write).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import shutil
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path
from types import TracebackType
from typing import Any

STEP = "writing the Turtle and JSON-LD dumps and the linked-data documents"

# How much higher a nice value the steps beside the build's own chain run at (this process once
# it has work, SHACL's thread: pipeline.Background). After serialising, the store load, SHACL and
# this process share two cores; the build's thread waits for the load, then runs the QC rules and
# the API documents, and that chain finished seconds after the other two, which had taken the
# load's CPU meanwhile. At a higher nice value they take what the chain leaves (issue 17).
LOWER_PRIORITY = 10


def dump_outputs(sorted_nt: bytes, folder: Path) -> tuple[dict[str, bytes], int]:
    """The files of dist/ that need only the sorted N-Triples, and the number of linked-data
    documents, written to ``folder``/documents.sqlite."""
    from graph.build.documents import linked_data_documents
    from graph.build.downloads import jsonld, turtle
    from graph.store import documents

    files = {"occugraph.ttl": turtle(sorted_nt), "occugraph.jsonld": jsonld(sorted_nt)}
    return files, documents.write(folder, linked_data_documents(sorted_nt))


def _serve(conn: Connection) -> None:
    """The child: import what it needs now (while the parent reads), then make the outputs of
    the one N-Triples file it is sent, and send them back with its own wall and CPU time."""
    import graph.build.documents  # noqa: F401  (imported early on purpose)
    import graph.build.downloads  # noqa: F401

    # one job and exit: the cyclic collector would only walk the dumps' nodes again and again
    # (0.5 s of the JSON-LD dump's 2 s of CPU; see pipeline.gc_paused)
    gc.disable()

    try:
        path = conn.recv()
    except EOFError:  # the build ended before it had anything to send
        return
    # from here on it runs beside the store load, which the build waits for: it takes what the
    # build's own chain leaves
    try:
        os.nice(LOWER_PRIORITY)
    except OSError:
        pass
    started, cpu = time.perf_counter(), time.process_time()
    try:
        outputs: Any = dump_outputs(Path(path).read_bytes(), Path(path).parent)
        message: tuple[str, Any] = ("ok", (outputs, time.perf_counter() - started, time.process_time() - cpu))
    except BaseException as exc:  # sent back and raised again by the build
        message = ("error", exc)
    try:
        conn.send(message)
    except (BrokenPipeError, EOFError, OSError):  # the build is gone
        return
    except Exception as exc:  # an exception that cannot be pickled: send its text instead
        conn.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))


def remove_leftovers(work: Path) -> None:
    """Remove the folders that builds killed half-way left in ``work`` (builds of one var/ take
    turns: a build removes the stores of any other too)."""
    for stale in work.glob(".dumps-*"):
        shutil.rmtree(stale, ignore_errors=True)


class DumpProcess:
    """One spawned process that makes :func:`dump_outputs` of the N-Triples it is given.

    ``start`` early, ``submit`` once, ``result`` to wait (prints the step's progress line with the
    child's own wall and CPU time), ``close`` always (a context manager)."""

    def __init__(self) -> None:
        self._tmp: Path | None = None
        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._process = ctx.Process(target=_serve, args=(child,), name="occugraph-dumps", daemon=True)
        self._process.start()
        child.close()
        self._submitted = False

    def submit(self, sorted_nt: bytes, work: Path) -> None:
        """Hand the sorted N-Triples over (through a file: the child reads it when it is ready,
        so the build never waits on a pipe while the child is still importing). ``work`` is where
        the child's folder is made: on the file system of the new store, so that its documents
        file is moved there, not copied."""
        work.mkdir(parents=True, exist_ok=True)
        self._tmp = Path(tempfile.mkdtemp(prefix=".dumps-", dir=work))
        path = self._tmp / "all.nt"
        path.write_bytes(sorted_nt)
        self._conn.send(str(path))
        self._submitted = True

    def result(self, step: Any = None) -> tuple[dict[str, bytes], Path]:
        """Wait for the dumps; the folder holding the linked-data documents' ``documents.sqlite``
        (for ``graph.store.documents.write``); raise what the child raised."""
        if not self._submitted:
            raise RuntimeError("nothing was submitted to the dump process")
        try:
            status, value = self._conn.recv()
        except EOFError:
            code = self._process.exitcode
            raise RuntimeError(f"the process writing the dumps ended without an answer (exit code {code})") from None
        if status == "error":
            raise value
        (files, n_docs), took, used = value
        report = getattr(step, "report", None)
        if report is not None:
            report(STEP, took, used, where="a process", detail=f"{n_docs} documents")
        assert self._tmp is not None
        return files, self._tmp

    def close(self) -> None:
        """End the child (if it still runs) and remove the N-Triples file it was given."""
        self._conn.close()
        if self._process.is_alive():
            self._process.join(timeout=0.5)  # it exits on its own once its pipe is closed
        if self._process.is_alive():
            self._process.terminate()
            self._process.join()
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)

    def __enter__(self) -> DumpProcess:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

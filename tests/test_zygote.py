"""Query workers forked by the zygote of ``occugraph serve`` (server/zygote.py): the time limit
still kills them, the pool replaces them, they end with their pool, and the zygote ends with the
process that started it. That they deny themselves the network is tested in tests/test_ssrf.py."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from graph.store.embedded import EmbeddedStore
from server import create_app, zygote

ROOT = Path(__file__).resolve().parents[1]
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SKOS = "http://www.w3.org/2004/02/skos/core#"
NAME = f'SELECT ?n WHERE {{ ?o <{SKOS}notation> "2-02-38-01" ; <{SKOS}prefLabel> ?n }}'


@pytest.fixture(scope="module")
def forked_app(store: EmbeddedStore):  # type: ignore[no-untyped-def]
    started = zygote.start()
    assert started is not None, "the zygote did not start"
    app = create_app({"TESTING": True, "STORE": store, "QUERY_WORKERS": 2, "QUERY_TIMEOUT": 1.0})
    yield app, started
    pool = app.extensions.get("occugraph-pool")
    if pool is not None:
        pool.close()
    started.stop()


def ask(app, query: str):  # type: ignore[no-untyped-def]
    return app.test_client().get("/sparql", query_string={"query": query}, headers={"Accept": "text/csv"})


def test_forked_workers_answer_and_are_the_zygotes_children(forked_app) -> None:  # type: ignore[no-untyped-def]
    app, started = forked_app
    r = ask(app, NAME)
    assert r.status_code == 200 and "人工智能工程技术人员" in r.get_data(as_text=True)
    workers = list(app.extensions["occugraph-pool"]._all)
    assert workers and all(isinstance(w.process, zygote.ForkedWorker) for w in workers)
    assert {psutil.Process(w.process.pid).ppid() for w in workers} == {started.process.pid}


def test_the_time_limit_kills_a_forked_worker_and_another_is_forked(forked_app) -> None:  # type: ignore[no-untyped-def]
    app, _started = forked_app
    pool = app.extensions.get("occugraph-pool")
    before = set(pool._all) if pool is not None else set()
    r = ask(app, HEAVY)
    assert r.status_code == 503 and "limit" in r.get_data(as_text=True)
    pool = app.extensions["occugraph-pool"]
    killed = [w for w in before if w not in pool._all]
    assert all(w.process.poll() is not None for w in killed)
    assert ask(app, NAME + " # again").status_code == 200  # answered by a worker forked in its place
    assert all(isinstance(w.process, zygote.ForkedWorker) for w in pool._all)


def test_forked_workers_end_with_their_pool(store: EmbeddedStore) -> None:
    started = zygote.start()
    assert started is not None
    try:
        app = create_app({"TESTING": True, "STORE": store, "QUERY_WORKERS": 2})
        assert ask(app, NAME).status_code == 200
        pool = app.extensions["occugraph-pool"]
        workers = [w.process for w in pool._all]
        assert all(w.poll() is None for w in workers)  # alive while the pool is open
        pool.close()
        for w in workers:
            w.wait(timeout=10)  # raises if it is still running
        assert all(w.poll() is not None for w in workers)
    finally:
        started.stop()


def test_the_zygote_ends_with_the_process_that_started_it() -> None:
    # the master dies without its exit handlers (as when it is killed): the zygote must notice
    code = (
        "import os; from server import zygote; z = zygote.start(); "
        "print(z.process.pid, z.address, flush=True); os._exit(0)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    pid, address = int(out.stdout.split()[0]), Path(out.stdout.split()[1])
    deadline = time.monotonic() + 10
    while psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
        assert time.monotonic() < deadline, "the zygote outlived its master"
        time.sleep(0.2)
    assert not address.parent.exists(), "the zygote left its socket folder behind"


def test_a_zygote_stopped_with_sigterm_leaves_no_socket_folder() -> None:
    """`timeout make run`, a service manager or ^C's process group send SIGTERM: the zygote ends
    through its clean-up (it left /tmp/occugraph-zygote-* behind before)."""
    started = zygote.start()
    assert started is not None
    folder = Path(started.address).parent
    try:
        started.process.send_signal(signal.SIGTERM)
        assert started.process.wait(timeout=10) == 0
        assert not folder.exists(), "the zygote left its socket folder behind"
    finally:
        started.stop()


def test_without_an_answering_zygote_workers_are_started_on_their_own(store: EmbeddedStore) -> None:
    started = zygote.start()
    assert started is not None
    started.process.kill()  # the address is still set, and nothing answers there
    started.process.wait(timeout=10)
    try:
        app = create_app({"TESTING": True, "STORE": store, "QUERY_WORKERS": 2})
        assert ask(app, NAME).status_code == 200
        pool = app.extensions["occugraph-pool"]
        assert pool._all and all(isinstance(w.process, subprocess.Popen) for w in pool._all)
        pool.close()
    finally:
        started.stop()

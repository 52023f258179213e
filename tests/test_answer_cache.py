"""Answers to repeated /sparql queries (server/answer_cache.py, issue 17): the same bytes as the
worker's, without a worker; never for a query whose answer changes from run to run; never from
an older store than the one the request answers from."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from graph.store.embedded import EmbeddedStore
from server import create_app

SKOS = "http://www.w3.org/2004/02/skos/core#"
NAME_OF = f'SELECT ?name WHERE {{ ?o <{SKOS}notation> "4-04-05-05" ; <{SKOS}prefLabel> ?name }}'
JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def pooled(store: EmbeddedStore):  # type: ignore[no-untyped-def]
    app = create_app({"TESTING": True, "STORE": store, "QUERY_WORKERS": 2, "MAX_RESULT_ROWS": 25})
    yield app
    app.extensions["occugraph-pool"].close()


def ask(client, query: str, accept: str = JSON["Accept"]):  # type: ignore[no-untyped-def]
    return client.get("/sparql", query_string={"query": query}, headers={"Accept": accept})


def test_a_repeated_query_is_answered_without_a_worker(pooled, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    c = pooled.test_client()
    first = ask(c, NAME_OF)
    assert first.status_code == 200
    assert first.get_json()["results"]["bindings"][0]["name"]["value"] == "人工智能训练师"
    pool = pooled.extensions["occugraph-pool"]
    asked = []

    def no_worker(*args, **_k):  # type: ignore[no-untyped-def]
        asked.append(args[0][1])
        raise RuntimeError("no worker in this test")

    monkeypatch.setattr(pool, "_ask", no_worker)
    again = ask(c, NAME_OF)
    assert asked == []
    assert again.status_code == 200 and again.data == first.data
    assert again.headers["Content-Type"] == first.headers["Content-Type"]
    # another format of the same query is another answer: it goes to a worker
    assert ask(c, NAME_OF, "text/csv").status_code != 200 and asked == [NAME_OF]


def test_a_cut_answer_keeps_its_truncation_header(pooled, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    c = pooled.test_client()
    every_code = f"SELECT ?code WHERE {{ ?o <{SKOS}notation> ?code }} ORDER BY ?code"
    first = ask(c, every_code)
    # the second answer must come from memory: no worker is there to give it
    monkeypatch.setattr(pooled.extensions["occugraph-pool"], "_ask", lambda *a, **k: pytest.fail("asked a worker"))
    again = ask(c, every_code)
    assert (
        first.headers["OccuGraph-Results-Truncated"]
        == again.headers["OccuGraph-Results-Truncated"]
        == ("true; limit=25")
    )
    assert again.data == first.data and len(again.get_json()["results"]["bindings"]) == 25


@pytest.mark.parametrize("function", ["NOW()", "RAND()", "UUID()", "STRUUID()", "BNODE()"])
def test_answers_that_change_from_run_to_run_are_not_kept(pooled, function: str) -> None:  # type: ignore[no-untyped-def]
    c = pooled.test_client()
    pool = pooled.extensions["occugraph-pool"]
    query = f"SELECT ?v WHERE {{ BIND({function} AS ?v) }}"
    kept = pool.answers.size
    answers = {ask(c, query).data for _ in range(3)}
    assert pool.answers.size == kept
    if function != "NOW()":  # NOW() may give the same instant twice on a fast machine
        assert len(answers) == 3


def test_nothing_is_kept_when_the_cache_is_off(store: EmbeddedStore) -> None:
    app = create_app({"TESTING": True, "STORE": store, "QUERY_WORKERS": 2, "SPARQL_ANSWER_CACHE_BYTES": 0})
    try:
        c = app.test_client()
        assert ask(c, NAME_OF).data == ask(c, NAME_OF).data
        assert app.extensions["occugraph-pool"].answers.size == 0
    finally:
        app.extensions["occugraph-pool"].close()


def test_an_update_is_seen_by_a_query_asked_before_it(built, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The kept answer is from the old store: after an update the same query text gets the new name."""
    from test_generation import NEW_NAME, OLD_NAME, RENAME, _update_app

    copy = tmp_path / "store"
    shutil.copytree(Path(built.store_path).resolve(), copy)
    app = _update_app(copy, tmp_path, query_workers=2)
    try:
        c = app.test_client()
        for _ in range(2):  # the second answer comes from memory
            assert ask(c, NAME_OF).get_json()["results"]["bindings"][0]["name"]["value"] == OLD_NAME
        assert app.extensions["occugraph-pool"].answers.size > 0
        r = c.post(
            "/sparql/update",
            data=RENAME.encode(),
            headers={"Content-Type": "application/sparql-update", "Authorization": "Bearer li-secret-token-1"},
        )
        assert r.status_code == 200, r.get_data(as_text=True)
        assert ask(c, NAME_OF).get_json()["results"]["bindings"][0]["name"]["value"] == NEW_NAME
    finally:
        app.extensions["occugraph-pool"].close()

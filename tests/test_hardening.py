"""The public endpoint's safety features (issue 7): every refusal, the time limit, the caps, the
rate limit, SPARQL Update (off by default, token, atomic, audited), and clean error bodies."""

from __future__ import annotations

import csv
import io
import json
import shutil
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.core.tabular import neutralise_csv
from graph.store.embedded import EmbeddedStore
from server import create_app
from server.query_worker import capture, revive

ROOT = Path(__file__).resolve().parents[1]
JSON = {"Accept": "application/sparql-results+json"}
# a cross product far too big to finish within a second on this data
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SMALL = "SELECT ?code WHERE { ?o <http://www.w3.org/2004/02/skos/core#notation> ?code } LIMIT 3"


@pytest.fixture(scope="module")
def hard_app(store: EmbeddedStore, built):  # type: ignore[no-untyped-def]
    app = create_app(
        {
            "TESTING": True,
            "STORE": store,
            "DIST_DIR": str(built.dist),
            "QUERY_TIMEOUT": 1.0,
            "QUERY_WORKERS": 2,
            "QUERY_QUEUE_TIMEOUT": 5.0,
            "MAX_RESULT_ROWS": 25,
            "MAX_QUERY_CHARS": 2_000,
        }
    )
    yield app
    pool = app.extensions.get("occugraph-pool")
    if pool is not None:
        pool.close()


@pytest.fixture()
def hc(hard_app):  # type: ignore[no-untyped-def]
    return hard_app.test_client()


def sparql(client, query: str, accept: str = "application/sparql-results+json"):  # type: ignore[no-untyped-def]
    return client.get("/sparql", query_string={"query": query}, headers={"Accept": accept})


# ---------------------------------------------------------------- refusals at /sparql


def test_service_is_refused(hc) -> None:  # type: ignore[no-untyped-def]
    r = sparql(hc, "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    assert r.status_code == 400
    assert "SERVICE" in r.get_json()["error"]


def test_load_is_refused_at_the_query_endpoint(hc) -> None:  # type: ignore[no-untyped-def]
    r = hc.post("/sparql", data="LOAD <file:///etc/passwd>", headers={"Content-Type": "application/sparql-update"})
    assert r.status_code == 403
    r = hc.post("/sparql", data={"update": "LOAD <http://example.org/data.ttl>"})
    assert r.status_code == 403
    # as a "query" it is not SPARQL query syntax at all
    r = sparql(hc, "LOAD <file:///etc/passwd>")
    assert r.status_code == 400
    assert "root:" not in r.get_data(as_text=True)


@pytest.mark.parametrize(
    "clause", ["FROM <file:///etc/passwd>", "FROM NAMED <file:///etc/passwd>", "FROM <http://example.org/remote.ttl>"]
)
def test_file_and_remote_from_are_refused(hc, clause: str) -> None:  # type: ignore[no-untyped-def]
    r = sparql(hc, f"SELECT * {clause} WHERE {{ ?s ?p ?o }} LIMIT 1")
    assert r.status_code == 400
    assert "never fetches" in r.get_json()["error"]
    r = hc.get(
        "/sparql",
        query_string={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "default-graph-uri": "file:///etc/passwd"},
        headers=JSON,
    )
    assert r.status_code == 400


def test_over_long_query_is_refused(hc) -> None:  # type: ignore[no-untyped-def]
    query = "SELECT * WHERE { ?s ?p ?o } # " + "x" * 2_100
    r = sparql(hc, query)
    assert r.status_code == 400
    assert "limit is 2000" in r.get_json()["error"]
    r = hc.post("/sparql", data=query.encode(), headers={"Content-Type": "application/sparql-query", **JSON})
    assert r.status_code == 400


def test_request_body_cap_gives_413(store) -> None:  # type: ignore[no-untyped-def]
    app = create_app({"TESTING": True, "STORE": store, "MAX_CONTENT_LENGTH": 1_000, "QUERY_WORKERS": 0})
    r = app.test_client().post("/sparql", data=b"x" * 5_000, headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413
    assert r.get_json()["status"] == 413


# ---------------------------------------------------------------- time limit and row cap


def test_timeout_answers_503_and_other_requests_go_on(store) -> None:  # type: ignore[no-untyped-def]
    # a 4 s limit leaves a clear window in which the heavy query is known to be still running
    app = create_app({"TESTING": True, "STORE": store, "QUERY_TIMEOUT": 4.0, "QUERY_WORKERS": 2})
    try:
        sparql(app.test_client(), SMALL)  # workers started
        outcome: dict[str, object] = {}

        def heavy() -> None:
            start = time.monotonic()
            r = sparql(app.test_client(), HEAVY)
            outcome.update(
                status=r.status_code,
                body=r.get_json(),
                seconds=time.monotonic() - start,
                retry=r.headers.get("Retry-After"),
            )

        t = threading.Thread(target=heavy)
        started = time.monotonic()
        t.start()
        time.sleep(0.3)
        # while the heavy query runs: the API, a page and another SPARQL query are answered
        c = app.test_client()
        assert c.get("/api/occupations/2-02-38-01").status_code == 200
        assert c.get("/browse/2-02-38-00").status_code == 200
        assert sparql(c, SMALL).status_code == 200
        assert outcome == {}, "the heavy query ended before the others were answered"
        assert time.monotonic() - started < 4.0
        t.join(timeout=60)
        assert outcome["status"] == 503
        assert "4 s limit" in outcome["body"]["error"]  # type: ignore[index]
        assert outcome["retry"]
        assert 3.9 < outcome["seconds"] < 20  # type: ignore[operator]
        # the killed worker was replaced: queries keep working
        for _ in range(3):
            assert sparql(c, SMALL).status_code == 200
    finally:
        app.extensions["occugraph-pool"].close()


def test_timeout_as_text_for_sparql_clients(hc) -> None:  # type: ignore[no-untyped-def]
    r = hc.get("/sparql", query_string={"query": HEAVY}, headers={"Accept": "text/plain"})
    assert r.status_code == 503
    assert r.headers["Content-Type"].startswith("text/plain")
    assert "limit" in r.get_data(as_text=True)


def test_row_cap_cuts_and_says_so(hc) -> None:  # type: ignore[no-untyped-def]
    r = sparql(hc, "SELECT ?s WHERE { ?s a ?t }")
    assert r.status_code == 200
    assert r.headers["OccuGraph-Results-Truncated"] == "true; limit=25"
    assert len(r.get_json()["results"]["bindings"]) == 25
    r = sparql(hc, "CONSTRUCT WHERE { ?s a ?t }", accept="application/n-triples")
    assert r.headers["OccuGraph-Results-Truncated"] == "true; limit=25"
    assert r.get_data(as_text=True).count("\n") == 25
    r = sparql(hc, SMALL)
    assert "OccuGraph-Results-Truncated" not in r.headers
    # the HTML page shows a notice
    r = hc.post("/sparql", data={"query": "SELECT ?s WHERE { ?s a ?t }"}, headers={"Accept": "text/html"})
    assert "结果已截断" in r.get_data(as_text=True)
    assert 'id="truncated-notice" class="notice" hidden' not in r.get_data(as_text=True)


def test_results_through_workers_match_the_store(hc, store) -> None:  # type: ignore[no-untyped-def]
    q = (
        'SELECT ?name (LANG(?name) AS ?l) WHERE { ?o <http://www.w3.org/2004/02/skos/core#notation> "2-02-38-01" ; '
        "<http://www.w3.org/2004/02/skos/core#prefLabel> ?name }"
    )
    body = sparql(hc, q).get_json()
    assert body["results"]["bindings"][0]["name"] == {
        "type": "literal",
        "value": "人工智能工程技术人员",
        "xml:lang": "zh",
    }
    assert sparql(hc, "ASK { ?s ?p ?o }").get_json()["boolean"] is True
    csv = sparql(
        hc, "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/occugraph/ontology/MajorGroup> }", accept="text/csv"
    ).get_data(as_text=True)
    assert csv.split() == ["n", "8"]


MAJOR_GROUPS = (
    "SELECT ?code WHERE { ?m a <https://w3id.org/occugraph/ontology/MajorGroup> ; "
    "<http://www.w3.org/2004/02/skos/core#notation> ?code } ORDER BY ?code"
)
OCCUPATION = (
    "SELECT ?o ?name ?definition ?parent WHERE { ?o <http://www.w3.org/2004/02/skos/core#notation> "
    '"2-02-38-01" ; <http://www.w3.org/2004/02/skos/core#prefLabel> ?name ; '
    "<http://www.w3.org/2004/02/skos/core#broader> ?parent . "
    "OPTIONAL { ?o <http://www.w3.org/2004/02/skos/core#definition> ?definition } }"
)
RESULTS_FORMATS = [
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
]


def _previous_path(store, query: str, accept: str) -> bytes:  # type: ignore[no-untyped-def]
    """The answer as /sparql wrote it before issue 17: rows to Python dicts and JSON in the worker
    (capture), parsed back in the parent (revive), then serialised there."""
    kind, payload, _ = capture(store.query(query), 10_000)
    body = revive(kind, payload).serialize(format=ox.QueryResultsFormat.from_media_type(accept))
    return neutralise_csv(body.decode()).encode() if accept == "text/csv" else body


def _parsed(body: bytes, accept: str) -> list[dict[str, ox.Term]]:
    """The solutions of a results document, as terms, through pyoxigraph's parser (which fails
    on a document that is not well formed); CSV, which has no parser there, by the csv module."""
    if accept == "text/csv":
        rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
        return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]  # type: ignore[misc]
    result = ox.parse_query_results(body, format=ox.QueryResultsFormat.from_media_type(accept))
    names = [v.value for v in result.variables]  # type: ignore[union-attr]
    return [{n: s[n] for n in names} for s in result]  # type: ignore[union-attr]


@pytest.mark.parametrize("query", [OCCUPATION, MAJOR_GROUPS], ids=["2-02-38-01", "major-groups"])
@pytest.mark.parametrize("accept", RESULTS_FORMATS)
def test_worker_answers_are_pyoxigraph_bytes_as_they_are(hc, store, query: str, accept: str) -> None:  # type: ignore[no-untyped-def]
    # the worker writes the answer with pyoxigraph's serialiser (issue 17): the store's own bytes,
    # well formed, and the same solutions as the previous path through Python dicts
    r = sparql(hc, query, accept=accept)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == f"{accept}; charset=utf-8"
    assert "OccuGraph-Results-Truncated" not in r.headers
    own = store.query(query).serialize(format=ox.QueryResultsFormat.from_media_type(accept))
    assert r.get_data() == (neutralise_csv(own.decode()).encode() if accept == "text/csv" else own)
    rows = _parsed(r.get_data(), accept)
    assert rows == _parsed(_previous_path(store, query, accept), accept)
    if query == OCCUPATION:
        assert len(rows) == 1
        name = rows[0]["name"]
        assert (name if accept == "text/csv" else name.value) == "人工智能工程技术人员"  # type: ignore[union-attr]


def test_graph_answers_match_the_previous_path(hc, store) -> None:  # type: ignore[no-untyped-def]
    q = (
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> CONSTRUCT { ?o skos:prefLabel ?n ; skos:broader ?g ; "
        'skos:definition ?d } WHERE { ?o skos:notation "2-02-38-01" ; skos:prefLabel ?n ; skos:broader ?g ; '
        "skos:definition ?d }"
    )
    kind, payload, _ = capture(store.query(q), 10_000)
    before = set(revive(kind, payload))
    assert len(before) == 3
    for accept in ["text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json"]:
        r = sparql(hc, q, accept=accept)
        assert r.status_code == 200 and r.headers["Content-Type"] == f"{accept}; charset=utf-8"
        assert "OccuGraph-Results-Truncated" not in r.headers
        assert {quad.triple for quad in ox.parse(r.get_data(), format=ox.RdfFormat.from_media_type(accept))} == before


@pytest.mark.parametrize("accept", RESULTS_FORMATS)
def test_answers_in_the_request_thread_are_the_workers(hc, store, accept: str) -> None:  # type: ignore[no-untyped-def]
    # without workers (a remote store, QUERY_WORKERS=0) the same function writes the same bytes, cut alike
    app = create_app({"TESTING": True, "STORE": store, "QUERY_WORKERS": 0, "MAX_RESULT_ROWS": 25})
    for q in [OCCUPATION, "SELECT ?s ?t WHERE { ?s a ?t }"]:
        here, there = sparql(app.test_client(), q, accept=accept), sparql(hc, q, accept=accept)
        assert here.status_code == there.status_code == 200
        assert here.get_data() == there.get_data()
        assert here.headers.get("OccuGraph-Results-Truncated") == there.headers.get("OccuGraph-Results-Truncated")


def test_a_row_cap_count_that_overshoots_still_answers_every_row(hc) -> None:  # type: ignore[no-untyped-def]
    # rows are counted on the bytes: a "},{" inside a JSON string or a line break inside a quoted
    # CSV value counts as a row too many; such an answer is written again and cut exactly (here: not cut)
    many = "},{" * 40 + "\\n" * 40
    q = f'SELECT ?x WHERE {{ VALUES ?x {{ "{many}" "a" "b" }} }}'
    r = sparql(hc, q)
    assert r.status_code == 200 and "OccuGraph-Results-Truncated" not in r.headers
    assert [b["x"]["value"] for b in r.get_json()["results"]["bindings"]] == [many.replace("\\n", "\n"), "a", "b"]
    r = sparql(hc, q, accept="text/csv")
    assert r.status_code == 200 and "OccuGraph-Results-Truncated" not in r.headers
    assert len(_parsed(r.get_data(), "text/csv")) == 3


def test_time_limit_stops_a_large_streamed_answer_without_half_a_document(store) -> None:  # type: ignore[no-untyped-def]
    # millions of rows without a cap: pyoxigraph's serialiser is writing them when the time limit
    # kills the worker; the whole answer is written before any byte is sent, so the client gets a
    # 503 with its message, never a 200 with half a results document, and the next query is answered
    app = create_app(
        {"TESTING": True, "STORE": store, "QUERY_TIMEOUT": 1.0, "QUERY_WORKERS": 1, "MAX_RESULT_ROWS": 10**9}
    )
    try:
        c = app.test_client()
        assert sparql(c, SMALL).status_code == 200  # the worker started
        big = (
            "SELECT ?a ?b WHERE { ?x <http://www.w3.org/2004/02/skos/core#notation> ?a . "
            "?y <http://www.w3.org/2004/02/skos/core#notation> ?b }"
        )
        for accept in ["application/sparql-results+json", "text/csv"]:
            start = time.monotonic()
            r = sparql(c, big, accept=accept)
            assert r.status_code == 503, r.get_data()[:200]
            assert r.headers["Content-Type"].startswith("application/json")
            assert "1 s limit" in r.get_json()["error"]
            assert time.monotonic() - start < 15
        assert len(sparql(c, SMALL).get_json()["results"]["bindings"]) == 3
    finally:
        app.extensions["occugraph-pool"].close()


@pytest.mark.parametrize(
    ("accept", "rows"),
    [
        ("application/sparql-results+xml", lambda body: body.count("<result>")),
        ("text/tab-separated-values", lambda body: body.count("\n") - 1),
        ("text/csv", lambda body: body.count("\r\n") - 1),
    ],
)
def test_row_cap_in_every_results_format(hc, accept: str, rows) -> None:  # type: ignore[no-untyped-def]
    # the serialiser in the worker is stopped past the cap and the answer cut at exactly 25 rows
    r = sparql(hc, "SELECT ?s ?t WHERE { ?s a ?t }", accept=accept)
    assert r.status_code == 200
    assert r.headers["OccuGraph-Results-Truncated"] == "true; limit=25"
    assert rows(r.get_data(as_text=True)) == 25


def test_csv_through_workers_is_spreadsheet_safe(hc) -> None:  # type: ignore[no-untyped-def]
    r = sparql(hc, 'SELECT ?x WHERE { VALUES ?x { "=1+2" "ok" } }', accept="text/csv")
    assert r.status_code == 200
    assert r.get_data(as_text=True).split() == ["x", "'=1+2", "ok"]


def test_no_acceptable_format_through_workers_is_406(hc) -> None:  # type: ignore[no-untyped-def]
    assert sparql(hc, "CONSTRUCT WHERE { ?s a ?t } LIMIT 1", accept="text/csv").status_code == 406
    assert sparql(hc, SMALL, accept="text/turtle").status_code == 406
    ask = sparql(hc, "ASK { ?s ?p ?o }", accept="text/csv")
    assert ask.status_code == 200 and ask.get_data() == b"true"


# ---------------------------------------------------------------- rate limit


def test_rate_limit_gives_429_with_retry_after(store) -> None:  # type: ignore[no-untyped-def]
    app = create_app(
        {
            "TESTING": True,
            "STORE": store,
            "QUERY_WORKERS": 0,
            "RATE_LIMIT_PER_MINUTE": 5,
            "SPARQL_RATE_LIMIT_PER_MINUTE": 2,
        }
    )
    c = app.test_client()
    codes = [c.get("/api/occupations/2-02-38-01").status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]
    r = c.get("/api/occupations/2-02-38-01")
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) >= 1
    assert "limit is 5 per minute" in r.get_json()["error"]
    # SPARQL has its own, smaller budget
    codes = [sparql(c, SMALL).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    # another client is not affected
    other = c.get("/api/occupations/2-02-38-01", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 200


# ---------------------------------------------------------------- SPARQL Update


def test_update_is_off_by_default(client) -> None:  # type: ignore[no-untyped-def]
    r = client.post(
        "/sparql/update",
        data="INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }",
        headers={"Content-Type": "application/sparql-update", "Authorization": "Bearer whatever-token"},
    )
    assert r.status_code == 403
    assert "turned off" in r.get_json()["error"]


@pytest.fixture()
def update_app(built, tmp_path: Path):  # type: ignore[no-untyped-def]
    copy = tmp_path / "store"
    shutil.copytree(Path(built.store_path).resolve(), copy)
    app = create_app(
        {
            "TESTING": True,
            "STORE": EmbeddedStore(copy),
            "UPDATE_ENABLED": True,
            "UPDATE_TOKENS": "editor-li:li-secret-token-1,ops:ops-secret-token-2",
            "UPDATE_AUDIT_LOG": str(tmp_path / "audit.jsonl"),
            "QUERY_WORKERS": 1,
        }
    )
    yield app
    pool = app.extensions.get("occugraph-pool")
    if pool is not None:
        pool.close()


def audit_lines(app) -> list[dict]:  # type: ignore[no-untyped-def, type-arg]
    path = Path(app.config["UPDATE_AUDIT_LOG"])
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


INSERT = (
    "INSERT DATA { GRAPH <https://w3id.org/occugraph/graph/data> { "
    "<https://w3id.org/occugraph/id/occupation/2-02-38-01> <http://www.w3.org/2004/02/skos/core#altLabel> "
    '"AI 工程师"@zh } }'
)
ASK_INSERTED = 'ASK { ?o <http://www.w3.org/2004/02/skos/core#altLabel> "AI 工程师"@zh }'


def post_update(client, text: str, token: str | None = "li-secret-token-1"):  # type: ignore[no-untyped-def]
    headers = {"Content-Type": "application/sparql-update"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return client.post("/sparql/update", data=text.encode(), headers=headers)


def test_update_needs_a_valid_token(update_app) -> None:  # type: ignore[no-untyped-def]
    c = update_app.test_client()
    r = post_update(c, INSERT, token=None)
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    assert post_update(c, INSERT, token="wrong-token-123").status_code == 401
    assert c.get("/sparql/update").status_code == 405
    assert sparql(c, ASK_INSERTED).get_json()["boolean"] is False
    entries = audit_lines(update_app)
    assert [e["outcome"] for e in entries] == ["refused: no valid token"] * 2
    assert all("secret" not in json.dumps(e) for e in entries)  # tokens are never logged


def test_update_applies_atomically_and_is_audited(update_app) -> None:  # type: ignore[no-untyped-def]
    c = update_app.test_client()
    assert sparql(c, ASK_INSERTED).get_json()["boolean"] is False
    r = post_update(c, INSERT)
    assert r.status_code == 200, r.get_data(as_text=True)
    body = r.get_json()
    assert body["who"] == "editor-li"
    assert body["quads_after"] == body["quads_before"] + 1  # the audit mark is not counted
    # visible at once, through the query workers and through the API's own read handle
    assert sparql(c, ASK_INSERTED).get_json()["boolean"] is True
    aliases = c.get("/api/occupations/2-02-38-01").get_json()["aliases"]
    assert {"label": "AI 工程师", "type": "alt"} in aliases

    # all or nothing: the second operation fails (a graph that does not exist), so the first is not kept
    failing = (
        'INSERT DATA { <http://e/should-not-stay> <http://e/p> "x" } ; DROP GRAPH <http://example.org/no-such-graph>'
    )
    r = post_update(c, failing, token="ops-secret-token-2")
    assert r.status_code == 400
    assert "nothing was changed" in r.get_json()["error"]
    assert sparql(c, "ASK { <http://e/should-not-stay> ?p ?o }").get_json()["boolean"] is False

    entries = [e for e in audit_lines(update_app) if e["outcome"] != "pending"]  # pending: the write-ahead line
    assert [e["outcome"] for e in entries] == ["applied", "failed"]
    applied = entries[0]
    assert applied["who"] == "editor-li" and applied["update"] == INSERT
    assert applied["quads_after"] == applied["quads_before"] + 1
    assert entries[1]["who"] == "ops"
    assert {"time", "client", "update_sha256"} <= set(applied)


@pytest.mark.parametrize(
    "text",
    [
        "LOAD <file:///etc/passwd>",
        "LOAD <http://example.org/x.ttl> INTO GRAPH <http://e/g>",
        "INSERT { ?s ?p ?o } WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    ],
)
def test_update_refuses_load_and_service(update_app, text: str) -> None:  # type: ignore[no-untyped-def]
    r = post_update(update_app.test_client(), text)
    assert r.status_code == 400
    assert "refused" in r.get_json()["error"]
    assert audit_lines(update_app)[-1]["outcome"].startswith("refused: ")


def test_update_syntax_error_is_400(update_app) -> None:  # type: ignore[no-untyped-def]
    r = post_update(update_app.test_client(), "INSERT DATA { <http://e/a> ")
    assert r.status_code == 400
    assert "syntax" in r.get_json()["error"]


# ---------------------------------------------------------------- no stack traces, no internal paths


def test_error_bodies_show_no_trace_and_no_path(hc, store) -> None:  # type: ignore[no-untyped-def]
    requests = [
        ("get", "/sparql", {"query_string": {"query": "SELECT * WHERE { ?s ?p "}}),
        ("get", "/sparql", {"query_string": {"query": "SELECT * WHERE { ?s ?p ?o FILTER(<file:///etc/passwd>) }"}}),
        ("post", "/sparql", {"data": b"\xff\xfe", "headers": {"Content-Type": "application/sparql-query"}}),
        ("post", "/sparql", {"data": "x", "headers": {"Content-Type": "image/png"}}),
        ("delete", "/sparql", {}),
        ("get", "/api/occupations/not-a-code", {}),
        ("get", "/api/occupations", {"query_string": {"q": "x" * 500}}),
        ("get", "/occupation/9-99-99-99", {}),
        ("get", "/id/occupation/%00", {}),
        ("get", "/no/such/page", {}),
        ("get", "/downloads/../../etc/passwd", {}),
        ("get", "/downloads/secrets.txt", {}),
        ("get", "/ontology/NoSuchTerm", {"headers": {"Accept": "text/turtle"}}),
    ]
    store_dir = str(Path(store.path).resolve())
    for method, url, kwargs in requests:
        r = getattr(hc, method)(url, **kwargs)
        body = r.get_data(as_text=True)
        assert r.status_code < 500, (url, r.status_code, body)
        assert "Traceback" not in body and 'File "' not in body, url
        assert str(ROOT) not in body and store_dir not in body, url

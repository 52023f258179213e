"""OccuGraph on a real SPARQL server (Virtuoso 7) as well as on the embedded store.

A scratch Virtuoso (tests/virtuoso: loopback ports, its own database) is started once per
session and the built release is pushed into it with ``graph.store.remote.load_release``. Then:

* the API, pages, SPARQL and career-pathway tests (test_api_classification.py,
  test_sparql_protocol.py, test_pathways.py) run again with ``client`` backed by Virtuoso and the
  pathway engine built from it (collected below as ``test_virtuoso_*``);
* the tests here run on both backends (fixture ``backend``), and where the two servers answer
  a query differently the test says how, and shows that OccuGraph's own queries avoid it;
* loading, the CLI's ``--endpoint`` and multi-worker serving are tested end to end.

Without ``virtuoso-t`` (Debian package virtuoso-opensource) the Virtuoso tests skip with that
reason; ``.ci/run`` installs it, so CI runs them.
"""

from __future__ import annotations

import http.server
import json
import os
import signal
import subprocess
import sys
import threading
import time
import types
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
import test_api_classification
import test_generation
import test_pathways
import test_sparql_protocol
import test_ssrf
from virtuoso import SKIP_REASON, VirtuosoServer, available, free_port

from graph.build.pipeline import BuildResult
from graph.classification import queries
from graph.store import guard, settings
from graph.store.embedded import EmbeddedStore
from graph.store.mark import MARK_GRAPH, with_mark
from graph.store.remote import (
    LOADING_PREFIX,
    GraphSource,
    LoadError,
    RemoteStore,
    ResultTruncated,
    VirtuosoBulkLoader,
    WriteEndpoint,
    load_release,
    sources_from_store,
)

ROOT = Path(__file__).resolve().parents[1]
DATA = "https://w3id.org/occugraph/graph/data"
ONTOLOGY = "https://w3id.org/occugraph/graph/ontology"
SETTINGS = "https://w3id.org/occugraph/graph/settings"
P = """PREFIX og: <https://w3id.org/occugraph/ontology/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
AI_ENGINEER = "https://w3id.org/occugraph/id/occupation/2-02-38-01"

needs_virtuoso = pytest.mark.skipif(not available(), reason=SKIP_REASON)


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def virtuoso(built: BuildResult, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    if not available():
        pytest.skip(SKIP_REASON)
    server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso")).start()
    try:
        load_release(RemoteStore(server.endpoint), _writer(server), sources_from_store(built.store_path), method="gsp")
        yield server
    finally:
        server.stop()


def _writer(server: VirtuosoServer) -> WriteEndpoint:
    return WriteEndpoint(server.update_endpoint, server.graph_store, server.user, server.password)


@pytest.fixture(scope="session")
def remote(virtuoso: VirtuosoServer) -> RemoteStore:
    return RemoteStore(virtuoso.endpoint)


@pytest.fixture(scope="session", params=["embedded", "virtuoso"])
def backend(request: pytest.FixtureRequest, store: EmbeddedStore):  # type: ignore[no-untyped-def]
    """Each backend in turn: the embedded store, then the same release on Virtuoso."""
    if request.param == "embedded":
        return store
    return request.getfixturevalue("remote")


@pytest.fixture(scope="session")
def virtuoso_app(virtuoso: VirtuosoServer):  # type: ignore[no-untyped-def]
    from server import create_app

    # ENDPOINT, not STORE: the path `occugraph serve --endpoint` takes (server/resources.py)
    return create_app({"TESTING": True, "ENDPOINT": virtuoso.endpoint})


@pytest.fixture(scope="session")
def backend_app(backend, app, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    return app if isinstance(backend, EmbeddedStore) else request.getfixturevalue("virtuoso_app")


@pytest.fixture()
def backend_client(backend_app):  # type: ignore[no-untyped-def]
    return backend_app.test_client()


@pytest.fixture()
def client(virtuoso_app):  # type: ignore[no-untyped-def]
    """For the imported API, protocol and pathway tests below: the app reading from Virtuoso."""
    return virtuoso_app.test_client()


@pytest.fixture(scope="module")
def engine(remote):  # type: ignore[no-untyped-def]
    """For the imported pathway tests: the engine built from the rules and relations on Virtuoso."""
    from graph.pathways.engine import PathwayEngine

    return PathwayEngine.from_store(remote)


# ------------------------------------- the API and protocol test suites, again on Virtuoso

# Tests that check an embedded-store detail exactly, and what Virtuoso does instead.
# (none today: the guard's own parser reports syntax errors, with line:column, before any backend)
VIRTUOSO_DIFFERS: dict[str, str] = {}


def _rerun_on_virtuoso(module: types.ModuleType) -> None:
    """Collect every test of ``module`` here too, as test_virtuoso_<name>, with ``client`` above.

    A copy of each function, so marks added here never touch the original module's tests.
    """
    for name, fn in list(vars(module).items()):
        if not (name.startswith("test_") and isinstance(fn, types.FunctionType)):
            continue
        copy = types.FunctionType(
            fn.__code__, fn.__globals__, f"test_virtuoso_{name[5:]}", fn.__defaults__, fn.__closure__
        )
        copy.__dict__.update(fn.__dict__)
        copy.pytestmark = [*getattr(fn, "pytestmark", []), needs_virtuoso]  # type: ignore[attr-defined]
        if name in VIRTUOSO_DIFFERS:
            copy.pytestmark.append(pytest.mark.xfail(reason=VIRTUOSO_DIFFERS[name], strict=True))  # type: ignore[attr-defined]
        if copy.__name__ in globals():
            raise RuntimeError(f"two tests would be collected as {copy.__name__}; rename one")
        globals()[copy.__name__] = copy


_rerun_on_virtuoso(test_api_classification)
_rerun_on_virtuoso(test_sparql_protocol)
_rerun_on_virtuoso(test_pathways)


# ---------------------------------------------------------------- the API on both backends


def test_occupation_lookup(backend, store):  # type: ignore[no-untyped-def]
    o = queries.occupation(backend, "2-02-38-01")
    assert o is not None
    assert o["name"] == "人工智能工程技术人员"
    assert [p["code"] for p in o["parents"]] == ["2-00-00-00", "2-02-00-00", "2-02-38-00"]
    assert o["flags"]["digital"] is True and len(o["tasks"]) == 7
    assert o == queries.occupation(store, "2-02-38-01")  # every field equal to the embedded answer


@pytest.mark.parametrize("code", ["2-02-38-00", "2-00-00-00", "4-04-05-05", "1-01-00-01"])
def test_every_level_looks_the_same(backend, store, code):  # type: ignore[no-untyped-def]
    assert queries.occupation(backend, code) == queries.occupation(store, code)


def test_search_electronic_commerce(backend_client, app):  # type: ignore[no-untyped-def]
    resp = backend_client.get("/api/occupations", query_string={"q": "电子商务"})
    assert resp.status_code == 200
    hits = resp.get_json()["results"]
    assert hits[0]["name"].startswith("电子商务")
    assert resp.get_json() == app.test_client().get("/api/occupations", query_string={"q": "电子商务"}).get_json()


def test_search_index_and_codes_are_the_same(backend, store):  # type: ignore[no-untyped-def]
    # GROUP_CONCAT with the \x1f separator (SearchIndex.load) works on both
    assert queries.SearchIndex.load(backend).fields == queries.SearchIndex.load(store).fields
    assert queries.all_codes(backend) == queries.all_codes(store)


def test_pages_render(backend_client):  # type: ignore[no-untyped-def]
    assert "人工智能工程技术人员" in backend_client.get("/occupation/2-02-38-01").get_data(as_text=True)


# Every area's API and pages, not only the classification's: the same answer from both backends.
OTHER_AREAS = [
    "/api/hierarchy",
    "/api/hierarchy/2-02-00-00",
    "/browse/2-02-38-01",
    "/id/occupation/2-02-38-01",
    "/api/levels",
    "/api/standards",
    "/api/occupations/4-04-05-05/standards",
    "/api/occupations/4-04-05-05/levels",
    "/api/occupations/4-04-05-05/levels/4/eligibility",
    "/api/new-occupations",
    "/api/new-occupations/batches",
    "/api/new-occupations/coverage",
    "/new-occupations",
    "/api/majors",
    "/api/occupations/2-02-38-01/majors",
    "/majors",
    "/api/certificates",
    "/api/credit-equivalences",
    "/certificates",
]
# Differences found here and fixed in the code (each query now handles both backends):
# - RuleBook.load listed rule sets in backend row order -> sorted by start date and id;
# - the batch note was a GROUP_CONCAT in open order -> split, sorted and joined in Python;
# - credit equivalences grouped by 21 keys, which Virtuoso refuses (SQ186) -> two queries.


@needs_virtuoso
@pytest.mark.parametrize("path", OTHER_AREAS)
def test_other_areas_answer_the_same_on_virtuoso(path, app, virtuoso_app):  # type: ignore[no-untyped-def]
    embedded = app.test_client().get(path, headers={"Accept": "application/json"})
    remote = virtuoso_app.test_client().get(path, headers={"Accept": "application/json"})
    assert remote.status_code == embedded.status_code, remote.get_data(as_text=True)[:500]
    assert remote.get_json(silent=True) == embedded.get_json(silent=True)


# ---------------------------------------------------------------- /sparql on both backends


def _sparql(client, query: str, accept: str = "application/sparql-results+json", **params):  # type: ignore[no-untyped-def]
    resp = client.get("/sparql", query_string={"query": query, **params}, headers={"Accept": accept})
    return resp


def _rows(resp) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return [{k: v["value"] for k, v in b.items()} for b in resp.get_json()["results"]["bindings"]]


def test_sparql_select(backend_client):  # type: ignore[no-untyped-def]
    rows = _rows(
        _sparql(
            backend_client,
            P
            + """SELECT ?n ?text WHERE {
        ?o skos:notation "2-02-38-01" ; og:hasMainTask ?t . ?t og:taskNumber ?n ; og:taskText ?text } ORDER BY ?n""",
        )
    )
    assert [r["n"] for r in rows] == [str(i) for i in range(1, 8)]
    assert rows[0]["text"] == "分析、研究人工智能算法、深度学习及神经网络等技术"


def test_sparql_ask(backend_client):  # type: ignore[no-untyped-def]
    ask = P + f'ASK {{ <{AI_ENGINEER}> skos:broader+ ?m . ?m skos:notation "2-00-00-00" }}'
    assert _sparql(backend_client, ask).get_json()["boolean"] is True
    assert _sparql(backend_client, ask.replace("2-00-00-00", "3-00-00-00")).get_json()["boolean"] is False


def test_sparql_construct(backend_client):  # type: ignore[no-untyped-def]
    query = (
        P + f"CONSTRUCT {{ <{AI_ENGINEER}> skos:broader ?p ; skos:prefLabel ?l }} WHERE {{ "
        f"<{AI_ENGINEER}> skos:broader ?p ; skos:prefLabel ?l }}"
    )
    resp = _sparql(backend_client, query, "application/n-triples")
    assert resp.status_code == 200 and resp.mimetype == "application/n-triples"
    lines = sorted(resp.get_data(as_text=True).splitlines())
    assert lines == sorted(
        [
            f"<{AI_ENGINEER}> <http://www.w3.org/2004/02/skos/core#broader> "
            "<https://w3id.org/occugraph/id/group/2-02-38-00> .",
            f'<{AI_ENGINEER}> <http://www.w3.org/2004/02/skos/core#prefLabel> "人工智能工程技术人员"@zh .',
        ]
    )


def test_the_default_graph_is_the_union_of_occugraph_graphs(backend, store):  # type: ignore[no-untyped-def]
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert backend.select(count) == store.select(count)
    per_graph = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    assert backend.select(per_graph) == store.select(per_graph)
    assert backend.graph_names() == {DATA, ONTOLOGY, SETTINGS}


def test_the_matching_settings_travel_with_the_store(backend, store):  # type: ignore[no-untyped-def]
    """The job-title and curriculum-matching lists the build stored (graph/store/settings.py) come
    back from Virtuoso exactly as from the embedded store: the classifier and the curriculum
    mapping of a server on an endpoint are made from them, never from standards/."""
    for name in ("job-titles", "curriculum-matching"):
        assert settings.read(backend, name) == settings.read(store, name)


# ------------------------------------------------- where the backends differ, said and tested


@needs_virtuoso
def test_virtuoso_default_graph_holds_its_system_graphs_too(virtuoso, remote, store):  # type: ignore[no-untyped-def]
    """Virtuoso's default graph is the union of *all* its graphs (virtrdf#, ldp#, ...), and with
    only default-graph-uri given, GRAPH ?g still sees them all (the protocol says: no named
    graphs). RemoteStore sends the OccuGraph graphs as default-graph-uri and named-graph-uri."""
    raw = _raw_select(virtuoso, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    ours = int(store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"])
    assert int(raw[0]["n"]) > ours
    graphs = _raw_select(virtuoso, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", default=[DATA])
    assert "http://www.openlinksw.com/schemas/virtrdf#" in {r["g"] for r in graphs}
    seen = {r["g"] for r in remote.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}
    assert seen == {DATA, ONTOLOGY, SETTINGS}


def _raw_select(server: VirtuosoServer, query: str, default: list[str] | None = None) -> list[dict[str, str]]:
    """Straight to Virtuoso's /sparql, no dataset unless given."""
    params = [("query", query)] + [("default-graph-uri", g) for g in default or []]
    req = urllib.request.Request(
        server.endpoint,
        data=urllib.parse.urlencode(params).encode(),
        headers={"Accept": "application/sparql-results+json"},
    )
    with urllib.request.urlopen(req, timeout=30) as resp:
        doc = json.loads(resp.read())
    return [{k: v["value"] for k, v in b.items()} for b in doc["results"]["bindings"]]


def _is(backend) -> str:  # type: ignore[no-untyped-def]
    return "embedded" if isinstance(backend, EmbeddedStore) else "virtuoso"


def test_projected_booleans(backend):  # type: ignore[no-untyped-def]
    """Virtuoso projects a boolean expression as xsd:integer 1/0, pyoxigraph as xsd:boolean
    true/false. In FILTER both behave. OccuGraph's queries never project a boolean: flags are
    read from rdf:type (queries.occupation), not computed in SPARQL."""
    row = backend.select(
        'SELECT (CONTAINS("电子商务师", "商务") AS ?c) (isIRI(<http://x>) AS ?i) (BOUND(?nothing) AS ?b) WHERE {}'
    )[0]
    expected = {"embedded": {"c": "true", "i": "true", "b": "false"}, "virtuoso": {"c": "1", "i": "1", "b": "0"}}
    assert row == expected[_is(backend)]
    found = backend.select(
        P + 'SELECT ?n WHERE { ?o skos:prefLabel ?n FILTER(CONTAINS(?n, "训练师") && STRSTARTS(?n, "人工智能")) }'
    )
    # the occupation and its 2025 work type 人工智能数字人训练师
    assert sorted(r["n"] for r in found) == ["人工智能数字人训练师", "人工智能训练师"]


def test_language_tags(backend):  # type: ignore[no-untyped-def]
    """LANG keeps the tag's case on Virtuoso ("zh-CN") and lowercases it on pyoxigraph ("zh-cn");
    DATATYPE of a tagged literal is rdf:langString on pyoxigraph (RDF 1.1) and unbound on
    Virtuoso (SPARQL 1.0). Matching is the same: OccuGraph filters with LANG(?x) = "zh" on data
    tagged in lowercase, and LANGMATCHES is case-insensitive on both."""
    row = backend.select(
        'SELECT (LANG("职业"@zh-CN) AS ?lang) (DATATYPE("职业"@zh) AS ?dt) '
        '(LANGMATCHES(LANG("职业"@zh-CN), "zh-cn") AS ?m) WHERE {}'
    )[0]
    if _is(backend) == "embedded":
        assert row == {"lang": "zh-cn", "dt": "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString", "m": "true"}
    else:
        assert row == {"lang": "zh-CN", "m": "1"}
    zh = P + 'SELECT (COUNT(*) AS ?n) WHERE { ?o skos:prefLabel ?l FILTER(LANG(?l) = "zh") }'
    assert int(backend.select(zh)[0]["n"]) > 2000


def test_string_functions_on_cjk(backend, store):  # type: ignore[no-untyped-def]
    """LCASE/UCASE/STRLEN/SUBSTR/CONTAINS/STRSTARTS agree on CJK text; REGEX does not: on a
    CJK *string constant* Virtuoso finds no match (it does match stored labels). OccuGraph's
    search never uses REGEX (SearchIndex matches in memory)."""
    row = backend.select(
        'SELECT (LCASE("人工智能AI") AS ?l) (STRLEN("电子商务") AS ?n) (SUBSTR("电子商务", 3) AS ?s) '
        '(REGEX("电子商务", "商务") AS ?re) WHERE {}'
    )[0]
    assert (row["l"], row["n"], row["s"]) == ("人工智能ai", "4", "商务")
    assert row["re"] == {"embedded": "true", "virtuoso": "0"}[_is(backend)]
    stored = P + 'SELECT (COUNT(*) AS ?n) WHERE { ?o skos:prefLabel ?l FILTER(REGEX(?l, "^电子商务")) }'
    assert backend.select(stored) == store.select(stored) and int(store.select(stored)[0]["n"]) >= 2


def test_order_without_order_by(backend, store):  # type: ignore[no-untyped-def]
    """Without ORDER BY each returns rows in its own order (Virtuoso's follows its internal IRI
    ids, so the order of loading; pyoxigraph's its key encoding), so OccuGraph sorts in Python
    (tasks, parents, children, search index) and the answers come out equal."""
    query = P + 'SELECT ?c WHERE { ?o skos:broader ?g ; skos:notation ?c . ?g skos:notation "2-02-38-00" }'
    rows = [r["c"] for r in backend.select(query)]
    assert sorted(rows) == sorted(r["c"] for r in store.select(query))
    ordered = query + " ORDER BY ?c"
    assert [r["c"] for r in backend.select(ordered)] == sorted(rows)


def test_property_path_needs_a_bound_end(backend_client):  # type: ignore[no-untyped-def]
    """Virtuoso refuses a transitive path with both ends unbound ("transitive start not given");
    pyoxigraph answers. /sparql passes the refusal on as a 400 with Virtuoso's reason. OccuGraph's
    queries bind one end (queries.occupation: <iri> skos:broader+ ?p)."""
    resp = _sparql(backend_client, P + "SELECT (COUNT(*) AS ?n) WHERE { ?a skos:broader+ ?b }")
    if backend_client.application.config.get("ENDPOINT"):
        assert resp.status_code == 400 and "transitive start" in resp.get_json()["error"]
    else:
        assert resp.status_code == 200


def test_describe(backend_client):  # type: ignore[no-untyped-def]
    """DESCRIBE is implementation-defined: pyoxigraph gives the resource's outgoing triples,
    Virtuoso adds the incoming ones. OccuGraph's API uses no DESCRIBE."""
    resp = _sparql(backend_client, f"DESCRIBE <{AI_ENGINEER}/task/1>", "application/n-triples")
    subjects = {line.split(" ", 1)[0] for line in resp.get_data(as_text=True).splitlines()}
    if backend_client.application.config.get("ENDPOINT"):
        assert subjects == {f"<{AI_ENGINEER}/task/1>", f"<{AI_ENGINEER}>"}
    else:
        assert subjects == {f"<{AI_ENGINEER}/task/1>"}


def test_group_concat(backend, store):  # type: ignore[no-untyped-def]
    query = (
        P
        + """SELECT (GROUP_CONCAT(?n; separator="|") AS ?all) WHERE {
        SELECT ?n WHERE { ?o skos:notation ?n FILTER(STRSTARTS(?n, "2-02-38-0")) } ORDER BY ?n }"""
    )
    # GROUP_CONCAT over an ordered subquery keeps the order on both (not promised by the spec)
    assert backend.select(query) == store.select(query)
    assert backend.select(query)[0]["all"].startswith("2-02-38-00|2-02-38-01|")


@needs_virtuoso
@pytest.mark.parametrize(
    "query",
    [
        "SELECT (bif:http_get('http://127.0.0.1:9/') AS ?x) WHERE {}",
        "SELECT ?x WHERE { BIND(<bif:sys_stat>('st_dbms_name') AS ?x) }",
        'define get:soft "soft" SELECT * WHERE { ?s ?p ?o } LIMIT 1',
        'PREFIX skos: <http://www.w3.org/2004/02/skos/core#> INSERT DATA { <urn:x-test:a> skos:note "x" }',
    ],
)
def test_virtuoso_extensions_and_updates_are_refused(virtuoso, client, query):  # type: ignore[no-untyped-def]
    """Virtuoso's /sparql runs its own functions for anyone (bif:http_get fetches a URL from the
    server; bif:sys_stat answers) and DEFINE pragmas; none of that is SPARQL 1.1, and OccuGraph
    never forwards it, so /sparql keeps its promise of no network or file access on a query's
    behalf whatever the backend."""
    resp = client.get("/sparql", query_string={"query": query})
    assert resp.status_code == 400
    # refused by the guard, or not SPARQL 1.1 at all (bif: is no declared prefix, DEFINE no keyword):
    # either way the guard's parser stops it before the backend sees it
    assert any(w in resp.get_json()["error"] for w in ("refused", "read-only", "could not be read", "expected"))


# ---------------------------------------------------------------- SPARQL Update on Virtuoso


# the rename of tests/test_generation.py with the data graph named instead of GRAPH ?g (see below)
RENAME = test_generation.RENAME.replace("GRAPH ?g", f"GRAPH <{DATA}>")
UNDO = test_generation.UNDO.replace("GRAPH ?g", f"GRAPH <{DATA}>")


def _update_app(server: VirtuosoServer, tmp_path: Path, **config: object):  # type: ignore[no-untyped-def]
    """An app reading from ``server`` with /sparql/update on, writing to its authenticated update
    endpoint (the settings an operator gives `occugraph serve`: the password as
    OCCUGRAPH_ENDPOINT_PASSWORD, here in the config)."""
    from server import create_app

    return create_app(
        {
            "TESTING": True,
            "ENDPOINT": server.endpoint,
            "UPDATE_ENABLED": True,
            "UPDATE_TOKENS": test_generation.TOKEN,
            "UPDATE_AUDIT_LOG": str(tmp_path / "audit.jsonl"),
            "ENDPOINT_UPDATE_URL": server.update_endpoint,
            "ENDPOINT_USER": server.user,
            "ENDPOINT_PASSWORD": server.password,
            **config,
        }
    )


def _audit(tmp_path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in (tmp_path / "audit.jsonl").read_text(encoding="utf-8").splitlines()]


def _post_update(client, text: str, token: str | None = "li-secret-token-1"):  # type: ignore[no-untyped-def]
    headers = {"Content-Type": "application/sparql-update"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return client.post("/sparql/update", data=text.encode(), headers=headers)


@pytest.fixture()
def restored(virtuoso: VirtuosoServer, remote: RemoteStore):  # type: ignore[no-untyped-def]
    """The release as loaded, again after the test: the rename undone, the update mark dropped
    (the other tests share this server)."""
    before = _total(remote)
    yield
    _writer(virtuoso).update(UNDO)
    _writer(virtuoso).update(f"DROP SILENT GRAPH <{MARK_GRAPH}>")
    assert _total(remote) == before
    assert queries.occupation(remote, test_generation.CODE)["name"] == test_generation.OLD_NAME  # type: ignore[index]


@needs_virtuoso
def test_an_update_is_seen_by_every_api_on_virtuoso(virtuoso, restored, tmp_path):  # type: ignore[no-untyped-def]
    """Issue 13: the stale-data test of tests/test_generation.py, on Virtuoso. The update goes
    through /sparql/update to the server's /sparql-auth (digest authentication), the audit log
    has its pending and applied lines, and every API shows the new name at once."""
    test_generation.check_an_update_is_seen_by_every_api(_update_app(virtuoso, tmp_path).test_client(), RENAME)
    pending, applied = _audit(tmp_path)
    assert (pending["outcome"], applied["outcome"]) == ("pending", "applied")
    assert pending["id"] == applied["id"] and pending["endpoint"] == virtuoso.update_endpoint
    assert applied["who"] == "editor-li" and applied["update"] == RENAME
    assert applied["quads_after"] == applied["quads_before"] + 1  # type: ignore[operator]
    # the mark went in with the update, in the same request: what recovery after a crash reads
    assert RemoteStore(virtuoso.endpoint).last_update_id() == applied["id"]


@needs_virtuoso
def test_virtuoso_keeps_a_cjk_label_deleted_through_a_graph_variable(virtuoso, remote):  # type: ignore[no-untyped-def]
    """Virtuoso 7.2 does not delete a language-tagged literal with CJK characters when the graph is
    a variable (``DELETE { GRAPH ?g { ... "人工智能训练师"@zh } } WHERE { GRAPH ?g ... }``, and
    ``DELETE WHERE`` alike): the update succeeds, the INSERT half happens, the label stays. With the
    graph named, with an ASCII label, or with no language tag it deletes. pyoxigraph deletes in
    every case. So updates meant for both name the graph (docs/server.md says so)."""
    graph = "urn:x-test:cjk"
    write = _writer(virtuoso)
    labels = f"SELECT ?o WHERE {{ GRAPH <{graph}> {{ <urn:x-test:s> <urn:x-test:p> ?o }} }} ORDER BY ?o"
    try:
        for literal, named, deleted in [
            ('"中文"@zh', False, False),
            ('"中文"@zh', True, True),
            ('"abc"@zh', False, True),
            ('"中文"', False, True),
        ]:
            write.update(f"INSERT DATA {{ GRAPH <{graph}> {{ <urn:x-test:s> <urn:x-test:p> {literal} }} }}")
            g = f"<{graph}>" if named else "?g"
            pattern = f"GRAPH {g} {{ <urn:x-test:s> <urn:x-test:p> {literal} }}"
            write.update(f"DELETE {{ {pattern} }} WHERE {{ {pattern} }}")
            assert (_raw_select(virtuoso, labels) == []) is deleted, (literal, named)
            embedded = ox.Store()
            embedded.update(f"INSERT DATA {{ GRAPH <{graph}> {{ <urn:x-test:s> <urn:x-test:p> {literal} }} }}")
            embedded.update(f"DELETE {{ {pattern} }} WHERE {{ {pattern} }}")
            assert len(embedded) == 0
            write.update(f"DROP SILENT GRAPH <{graph}>")
    finally:
        write.update(f"DROP SILENT GRAPH <{graph}>")


@needs_virtuoso
def test_the_server_never_receives_a_refused_update(virtuoso, remote, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """LOAD and SERVICE in every form of tests/test_ssrf.py's corpus, and Virtuoso's own functions,
    sent through /sparql/update on Virtuoso: 400, and nothing reaches the listener nor Virtuoso's
    update endpoint (the guard decides in this process, whatever guard.ENABLED says: there is no
    sandbox on this path). Without a token: 401, nothing sent. The control shows Virtuoso itself
    would fetch the listener's URL if it were asked to LOAD it."""
    listener = test_ssrf.Listener()
    sent: list[bytes] = []
    real_request = WriteEndpoint.request

    def recording(self, url, **kwargs):  # type: ignore[no-untyped-def]
        sent.append(kwargs.get("body", b""))
        return real_request(self, url, **kwargs)

    try:
        control = f"LOAD <http://127.0.0.1:{listener.port}/data.ttl> INTO GRAPH <urn:x-test:control>"
        with pytest.raises(LoadError, match="Unable to retrieve data"):
            _writer(virtuoso).update(control)
        assert listener.connections == 1

        monkeypatch.setattr(WriteEndpoint, "request", recording)
        client = _update_app(virtuoso, tmp_path).test_client()
        total = _total(remote)
        corpus = test_ssrf.updates(listener.port) + [
            "INSERT { GRAPH <urn:x-test:g> { <urn:x-test:a> <urn:x-test:b> ?x } } "
            "WHERE { BIND(bif:sys_stat('st_dbms_name') AS ?x) }",
            "PREFIX b: <bif:> INSERT { GRAPH <urn:x-test:g> { <urn:x-test:a> <urn:x-test:b> ?x } } "
            "WHERE { BIND(b:sys_stat('st_dbms_name') AS ?x) }",
            'define get:soft "soft" INSERT DATA { GRAPH <urn:x-test:g> { <urn:x-test:a> <urn:x-test:b> 1 } }',
        ]
        for enabled in (True, False):
            monkeypatch.setattr(guard, "ENABLED", enabled)
            for text in corpus:
                r = _post_update(client, text)
                body = r.get_data(as_text=True)
                assert r.status_code == 400, (text, body)
                assert "refused" in body or "syntax" in body, body
                assert test_ssrf.MARKER not in body
        r = _post_update(client, "INSERT DATA { GRAPH <urn:x-test:g> { <urn:x-test:a> <urn:x-test:b> 1 } }", None)
        assert r.status_code == 401 and "token" in r.get_json()["error"]
        r = _post_update(
            client, "INSERT DATA { GRAPH <urn:x-test:g> { <urn:x-test:a> <urn:x-test:b> 1 } }", "wrong-token-123"
        )
        assert r.status_code == 401
        assert listener.connections == 1 and sent == []
        assert _total(remote) == total
        assert _raw_select(virtuoso, "SELECT * WHERE { GRAPH <urn:x-test:g> { ?s ?p ?o } }") == []
        final = [str(e["outcome"]) for e in _audit(tmp_path) if e["outcome"] != "pending"]
        assert len(final) == 2 * len(corpus) + 2  # every attempt audited, the two without a token too
        assert all(o.startswith(("refused: ", "failed: syntax")) for o in final), Counter(final)
    finally:
        listener.close()


@needs_virtuoso
def test_what_virtuoso_refuses_or_fails_is_a_clear_answer(virtuoso, remote, tmp_path):  # type: ignore[no-untyped-def]
    """400 when the server refuses the update (here Virtuoso's SP031: INSERT DATA needs a graph,
    which the guard's parser accepts), 502 when it fails (a wrong password: it refuses us), 503
    when it does not answer; each with a message and never a trace, nothing changed, each audited."""
    total = _total(remote)
    insert = "INSERT DATA { <urn:x-test:a> <urn:x-test:b> 1 }"
    r = _post_update(_update_app(virtuoso, tmp_path).test_client(), insert)
    assert r.status_code == 400
    assert r.get_json()["error"].startswith("the SPARQL server refused the update, nothing was changed: ")
    assert "SP031" in r.get_json()["error"] and "SPARQL query" not in r.get_json()["error"]
    r = _post_update(_update_app(virtuoso, tmp_path, ENDPOINT_PASSWORD="wrong").test_client(), RENAME)
    assert r.status_code == 502 and "answered 401" in r.get_json()["error"]
    closed = f"http://127.0.0.1:{free_port()}/sparql-auth"
    r = _post_update(_update_app(virtuoso, tmp_path, ENDPOINT_UPDATE_URL=closed).test_client(), RENAME)
    assert r.status_code == 503 and "did not answer" in r.get_json()["error"]
    assert "nothing was changed" in r.get_json()["error"]
    assert _total(remote) == total
    assert [e["outcome"] for e in _audit(tmp_path)] == [
        "pending",
        "failed: refused by the server",
        "pending",
        "failed: server answered 401",
        "pending",
        "failed: no answer",
    ]


@needs_virtuoso
def test_pending_updates_are_resolved_from_the_servers_mark(virtuoso, tmp_path):  # type: ignore[no-untyped-def]
    """What a crash between the "pending" line and the "applied" line leaves (tests/test_update_crash.py
    kills the embedded server there): a restarted server asks the SPARQL server's mark, which went
    in the same request as the update, before it answers anything."""
    committed, lost = uuid.uuid4().hex, uuid.uuid4().hex
    insert = "INSERT DATA { GRAPH <urn:x-test:crash> { <urn:x-test:a> <urn:x-test:b> 1 } }"
    try:
        _writer(virtuoso).update(with_mark(insert, committed))
        log = tmp_path / "audit.jsonl"
        log.write_text(
            "".join(
                json.dumps({"outcome": "pending", "id": uid, "update": insert}) + "\n" for uid in (committed, lost)
            ),
            encoding="utf-8",
        )
        client = _update_app(virtuoso, tmp_path).test_client()
        assert client.get("/sparql/update").status_code == 405  # any first request resolves the log
        assert {e["id"]: e["outcome"] for e in _audit(tmp_path)[2:]} == {
            committed: "applied (recovered after a crash)",
            lost: "not applied (recovered after a crash)",
        }
    finally:
        _writer(virtuoso).update(f"DROP SILENT GRAPH <urn:x-test:crash> ; DROP SILENT GRAPH <{MARK_GRAPH}>")


def test_an_endpoint_without_a_write_endpoint_is_501(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """A server that reads from a SPARQL endpoint and was given nowhere to write says so: 501,
    naming the settings; a user without a password is refused the same way."""
    from server import create_app

    for key in ("UPDATE_URL", "USER", "PASSWORD", "PASSWORD_FILE"):  # the settings come from the config below only
        monkeypatch.delenv(f"OCCUGRAPH_ENDPOINT_{key}", raising=False)

    config = {
        "TESTING": True,
        "STORE": RemoteStore(f"http://127.0.0.1:{free_port()}/sparql", graphs=[DATA]),
        "UPDATE_ENABLED": True,
        "UPDATE_TOKENS": test_generation.TOKEN,
        "UPDATE_AUDIT_LOG": str(tmp_path / "audit.jsonl"),
    }
    r = _post_update(create_app(config).test_client(), test_generation.RENAME)
    assert r.status_code == 501
    assert "ENDPOINT_UPDATE_URL" in r.get_json()["error"] and "OCCUGRAPH_ENDPOINT_PASSWORD" in r.get_json()["error"]
    config |= {"ENDPOINT_UPDATE_URL": "http://127.0.0.1:1/sparql-auth", "ENDPOINT_USER": "dba"}
    r = _post_update(create_app(config).test_client(), test_generation.RENAME)
    assert r.status_code == 501 and "no password" in r.get_json()["error"]
    config |= {"ENDPOINT_PASSWORD_FILE": str(tmp_path / "missing")}
    r = _post_update(create_app(config).test_client(), test_generation.RENAME)
    assert r.status_code == 501 and "cannot be read" in r.get_json()["error"]
    assert str(tmp_path) not in r.get_data(as_text=True)


# ---------------------------------------------------------------- failures of the backend


class _FakeSparql(http.server.BaseHTTPRequestHandler):
    """A SPARQL server that answers like Virtuoso at its row limit, or with 503."""

    mode = "truncated"

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.mode == "down":
            self.send_response(503)
            self.end_headers()
            return
        body = json.dumps(
            {"head": {"vars": ["g"]}, "results": {"bindings": [{"g": {"type": "uri", "value": DATA}}]}}
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("X-SPARQL-MaxRows", "1")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def fake_sparql():  # type: ignore[no-untyped-def]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _FakeSparql)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_a_truncated_result_is_an_error_not_a_short_answer(fake_sparql):  # type: ignore[no-untyped-def]
    store = RemoteStore(f"http://127.0.0.1:{fake_sparql.server_port}/sparql", graphs=[DATA])
    with pytest.raises(ResultTruncated, match="first 1 rows"):
        store.select("SELECT ?g WHERE { GRAPH ?g {} }")


def test_an_unreachable_endpoint_is_503(fake_sparql):  # type: ignore[no-untyped-def]
    from server import create_app

    _FakeSparql.mode = "down"
    try:
        down = create_app(
            {"TESTING": True, "STORE": RemoteStore(f"http://127.0.0.1:{fake_sparql.server_port}/sparql", graphs=[DATA])}
        )
        closed = create_app(
            {"TESTING": True, "STORE": RemoteStore(f"http://127.0.0.1:{free_port()}/sparql", graphs=[DATA], timeout=2)}
        )
        for app in (down, closed):
            c = app.test_client()
            for resp in (c.get("/api/occupations/2-02-38-01"), c.get("/sparql", query_string={"query": "ASK {}"})):
                assert resp.status_code == 503, resp.get_data(as_text=True)
                assert "not available" in resp.get_json()["error"]
    finally:
        _FakeSparql.mode = "truncated"


# ---------------------------------------------------------------- loading a release


@needs_virtuoso
def test_load_replaces_graphs_atomically(virtuoso, remote, built):  # type: ignore[no-untyped-def]
    """Readers polling during a load see the old release or the new one, never a mix or nothing."""
    sources = sources_from_store(built.store_path)
    data = next(s for s in sources if s.graph == DATA)
    marker = b'<urn:x-test:release> <urn:x-test:is> "next" .\n'
    next_release = [s if s.graph != DATA else GraphSource(DATA, data.ntriples + marker) for s in sources]
    old = _total(remote)
    seen: Counter[int] = Counter()
    stop = threading.Event()

    def poll() -> None:
        while not stop.is_set():
            seen[_total(remote)] += 1
            time.sleep(0.05)

    pollers = [threading.Thread(target=poll) for _ in range(2)]
    for t in pollers:
        t.start()
    try:
        load_release(remote, _writer(virtuoso), next_release, method="gsp")
        time.sleep(0.2)
    finally:
        stop.set()
        for t in pollers:
            t.join()
    assert _total(remote) == old + 1
    assert set(seen) <= {old, old + 1} and seen[old] > 0, seen
    # and back, so the other tests see the release as built
    load_release(remote, _writer(virtuoso), sources, method="gsp")
    assert _total(remote) == old


def _count_in(store: EmbeddedStore, graph: str) -> int:
    return int(store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")[0]["n"])


def _total(store: RemoteStore) -> int:
    return int(store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"])


@needs_virtuoso
def test_a_failed_load_changes_nothing(virtuoso, remote):  # type: ignore[no-untyped-def]
    before = _total(remote)
    broken = [GraphSource(DATA, b'<urn:x-test:a> <urn:x-test:b> "fine" .\n<urn:x-test:a> this is not N-Triples\n')]
    with pytest.raises(LoadError):
        load_release(remote, _writer(virtuoso), broken, method="gsp")
    assert _total(remote) == before
    leftovers = _raw_select(
        virtuoso,
        f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{LOADING_PREFIX}")) }}',
    )
    assert leftovers == []


@needs_virtuoso
def test_a_swap_the_server_cannot_hold_is_refused_whole(built, tmp_path):  # type: ignore[no-untyped-def]
    """The swap is one transaction: on a server whose after-image limit is smaller than the release
    (the Virtuoso default, 50 MB, is too small from ~300k triples; here 2 MB) it fails as a whole,
    the served graphs stay as they were, nothing temporary is left, and the error names the
    setting to raise."""
    server = VirtuosoServer(tmp_path / "small", buffers=10_000, after_image_limit=2_000_000).start()
    try:
        read, write = RemoteStore(server.endpoint), _writer(server)
        # the bulk loader commits row by row, so only the swap is one transaction
        bulk = VirtuosoBulkLoader(server.sql_address, server.user, server.password, server.bulk_dir)
        sources = sources_from_store(built.store_path)
        load_release(read, write, sources, bulk=bulk, atomic=False)
        before = _total(read)
        data = next(s for s in sources if s.graph == DATA)
        changed = [GraphSource(DATA, data.ntriples + b'<urn:x-test:a> <urn:x-test:b> "c" .\n')]
        with pytest.raises(LoadError, match="SR325.*raise TransactionAfterImageLimit"):
            load_release(read, write, changed, bulk=bulk)
        assert _total(read) == before
        assert (
            _raw_select(
                server,
                "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
                f'FILTER(STRSTARTS(STR(?g), "{LOADING_PREFIX}")) }}',
            )
            == []
        )
    finally:
        server.stop()


@needs_virtuoso
@pytest.mark.parametrize("method", ["bulk", "update"])
def test_other_load_paths_give_the_same_graph(virtuoso, remote, store, built, method):  # type: ignore[no-untyped-def]
    """Virtuoso's bulk loader (ld_dir + rdf_loader_run over isql) and plain SPARQL Update
    INSERT DATA load the same triples, CJK text intact."""
    bulk = None
    if method == "bulk":
        bulk = VirtuosoBulkLoader(virtuoso.sql_address, virtuoso.user, virtuoso.password, virtuoso.bulk_dir)
    ontology = [s for s in sources_from_store(built.store_path) if s.graph == ONTOLOGY]
    sources = ontology if method == "update" else sources_from_store(built.store_path)  # update is slow: 500/request
    counts = load_release(remote, _writer(virtuoso), sources, method=method, bulk=bulk)
    assert counts == {s.graph: _count_in(store, s.graph) for s in sources}
    assert queries.occupation(remote, "2-02-38-01") == queries.occupation(store, "2-02-38-01")
    assert _total(remote) == int(store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"])


# ---------------------------------------------------------------- the command line


@needs_virtuoso
def test_cli_load_and_query_with_endpoint(virtuoso, built, capsys, monkeypatch):  # type: ignore[no-untyped-def]
    from graph.cli.main import main

    monkeypatch.setenv("OCCUGRAPH_ENDPOINT_PASSWORD", virtuoso.password)
    assert (
        main(
            [
                "load",
                "--endpoint",
                virtuoso.endpoint,
                "--virtuoso",
                "--user",
                "dba",
                "--store",
                str(built.store_path),
                "--quiet",
            ]
        )
        == 0
    )
    embedded = EmbeddedStore(built.store_path)
    total = embedded.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]
    assert f"loaded {total} triples into {len(embedded.graph_names())} graph(s)" in capsys.readouterr().out
    assert (
        main(
            [
                "query",
                "--endpoint",
                virtuoso.endpoint,
                P + 'SELECT ?name WHERE { ?o skos:notation "2-02-38-01" ; skos:prefLabel ?name }',
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "人工智能工程技术人员" in out and "(1 row)" in out
    monkeypatch.setenv("OCCUGRAPH_ENDPOINT", virtuoso.endpoint)  # the environment works as --endpoint does
    assert main(["query", "--format", "csv", "ASK { ?s ?p ?o }"]) == 0
    assert capsys.readouterr().out.strip() == "true"


def test_cli_endpoint_errors_exit_1(capsys, monkeypatch):  # type: ignore[no-untyped-def]
    from graph.cli.main import main

    monkeypatch.delenv("OCCUGRAPH_ENDPOINT", raising=False)
    with pytest.raises(SystemExit) as info:
        main(["query", "--endpoint", f"http://127.0.0.1:{free_port()}/sparql", "ASK {}"])
    assert info.value.code == 1
    assert "did not answer" in capsys.readouterr().err
    monkeypatch.delenv("OCCUGRAPH_ENDPOINT_PASSWORD", raising=False)
    assert main(["load", "--endpoint", "http://127.0.0.1:1/sparql", "--user", "dba"]) == 1
    assert "needs a password" in capsys.readouterr().err


# ---------------------------------------------------------------- several server processes


@pytest.mark.parametrize("source", ["embedded", "virtuoso"])
def test_serve_with_gunicorn_workers(source, built, request, tmp_path):  # type: ignore[no-untyped-def]
    """`occugraph serve --workers 2`: gunicorn, each worker opening the store read-only (or the
    endpoint); both workers answer."""
    pytest.importorskip("gunicorn")
    port = free_port()
    args = [sys.executable, "-m", "graph.cli.main", "serve", "--port", str(port), "--workers", "2", "--threads", "2"]
    env = {**os.environ, "OCCUGRAPH_QUERY_WORKERS": "0"}
    if source == "embedded":
        args += ["--store", str(built.store_path)]
    else:
        args += ["--endpoint", request.getfixturevalue("virtuoso").endpoint]
    proc = subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        pids = set()
        deadline = time.monotonic() + 60
        url = f"http://127.0.0.1:{port}/api/occupations/2-02-38-01"
        while time.monotonic() < deadline and len(pids) < 2:
            try:
                with urllib.request.urlopen(url, timeout=10) as resp:
                    assert json.loads(resp.read())["name"] == "人工智能工程技术人员"
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.3)
                continue
            pids = _worker_pids(proc.pid)
        assert len(pids) == 2, f"expected 2 gunicorn workers, found {pids}"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _worker_pids(master: int) -> set[int]:
    """The master's children but the zygote that forks the query workers (server/zygote.py)."""
    children = Path(f"/proc/{master}/task/{master}/children")
    pids = {int(p) for p in children.read_text().split()} if children.exists() else set()
    return {p for p in pids if b"zygote" not in _cmdline(p)}


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""

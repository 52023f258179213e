"""The W3C SPARQL 1.1 Protocol test suite, replayed against /sparql through the Flask test client.

The manifest and its data (tests/w3c/, W3C test-suite licence in tests/w3c/LICENSE.md) are
parsed with rdflib; each mf:ProtocolTest becomes one pytest case whose ht:Requests are sent in
order and checked against mf:expectedStatus, mf:expectedFormat and mf:expectedBoolean.

The endpoint is read-only, so the update tests that expect a successful update are expected
failures (strict: if one ever passes, the endpoint has started to accept updates). The
bad_update_* tests expect a 4xx, which a read-only endpoint gives, so they run as normal tests.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS

from graph.store.embedded import EmbeddedStore

W3C = Path(__file__).parent / "w3c"
MANIFEST = W3C / "manifest.ttl"
# the manifest's own base IRI, so that <data1.nt> resolves to a file we can find by name
MANIFEST_BASE = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/manifest.ttl"

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")

# The suite names this graph in default-graph-uri but never supplies data for it: the tests
# only need it to exist. An empty named graph stands in for it.
EMPTY_GRAPH = "http://kasei.us/2009/09/sparql/data/data0.rdf"

READ_ONLY = "read-only endpoint: SPARQL Update is refused"
# Decided by running the suite: these expect an update to succeed (2xx) and get 403.
EXPECTED_FAILURES = {
    "update_dataset_default_graph",
    "update_dataset_default_graphs",
    "update_dataset_named_graphs",
    "update_dataset_full",
    "update_post_form",
    "update_post_direct",
    "update_base_uri",
}

SPARQL_RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"
RDF_PARSERS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "text/plain": "nt",
    "application/rdf+xml": "xml",
    "application/xml": "xml",
    "application/ld+json": "json-ld",
}


@dataclass
class HttpRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    expected_status: set[int]  # status classes: 2, 3, 4 ...
    expected_format: str | None
    expected_boolean: bool | None


@dataclass
class ProtocolTest:
    name: str
    title: str
    requests: list[HttpRequest] = field(default_factory=list)
    graph_data: dict[str, str] = field(default_factory=dict)  # graph IRI -> data file name


def _status_class(term: URIRef) -> int:
    # hts:StatusCode2xx -> 2
    return int(str(term).removeprefix(str(HTS)).removeprefix("StatusCode")[0])


def _request(g: Graph, node) -> HttpRequest:  # type: ignore[no-untyped-def]
    headers = {}
    hnode = g.value(node, HT.headers)
    if hnode is not None:
        for h in Collection(g, hnode):
            headers[str(g.value(h, HT.fieldName))] = str(g.value(h, HT.fieldValue))
    body = None
    bnode = g.value(node, HT.body)
    if bnode is not None:
        encoding = str(g.value(bnode, CNT.characterEncoding) or "UTF-8")
        body = str(g.value(bnode, CNT.chars)).encode(encoding)
    resp = g.value(node, HT.resp)
    expected_boolean = g.value(resp, MF.expectedBoolean)
    expected_format = g.value(resp, MF.expectedFormat)
    return HttpRequest(
        method=str(g.value(node, HT.methodName)),
        path=str(g.value(node, HT.absolutePath)),
        headers=headers,
        body=body,
        expected_status={_status_class(s) for s in g.objects(resp, MF.expectedStatus)},
        expected_format=str(expected_format) if expected_format is not None else None,
        expected_boolean=expected_boolean.toPython() if expected_boolean is not None else None,
    )


def load_manifest() -> list[ProtocolTest]:
    g = Graph()
    g.parse(MANIFEST, format="turtle", publicID=MANIFEST_BASE)
    manifest = next(g.subjects(RDF.type, MF.Manifest))
    tests = []
    for entry in Collection(g, g.value(manifest, MF.entries)):
        assert (entry, RDF.type, MF.ProtocolTest) in g, entry
        test = ProtocolTest(name=str(entry).rsplit("#", 1)[-1], title=str(g.value(entry, MF.name)))
        for gd in g.objects(entry, UT.graphData):
            test.graph_data[str(g.value(gd, RDFS.label))] = str(g.value(gd, UT.graph)).rsplit("/", 1)[-1]
        action = g.value(entry, MF.action)
        for req in Collection(g, g.value(action, HT.requests)):
            test.requests.append(_request(g, req))
        tests.append(test)
    return tests


TESTS = load_manifest()


def _store() -> EmbeddedStore:
    """An in-memory store holding every data file the suite names, each in its labelled graph."""
    store = ox.Store()
    files: dict[str, str] = {}
    for t in TESTS:
        files.update(t.graph_data)
    for iri, name in sorted(files.items()):
        store.load(path=str(W3C / name), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(iri))
    store.add_graph(ox.NamedNode(EMPTY_GRAPH))
    return EmbeddedStore(store=store)


@pytest.fixture(scope="module")
def w3c_client():  # type: ignore[no-untyped-def]
    from server import create_app

    return create_app({"TESTING": True, "STORE": _store()}).test_client()


def _media(content_type: str) -> str:
    return content_type.split(";")[0].strip().lower()


def parse_boolean(content_type: str, body: bytes) -> bool:
    media = _media(content_type)
    if media in ("application/sparql-results+json", "application/json"):
        value = json.loads(body)["boolean"]
        assert isinstance(value, bool)
        return value
    if media in ("application/sparql-results+xml", "application/xml", "text/xml"):
        el = ET.fromstring(body).find(f"{SPARQL_RESULTS_NS}boolean")
        assert el is not None and el.text in ("true", "false"), body
        return el.text == "true"
    raise AssertionError(f"{media} is not a boolean results format")


def parse_tabular(content_type: str, body: bytes) -> list[str]:
    """The variable names of a SELECT result, after parsing the whole body."""
    media = _media(content_type)
    if media in ("application/sparql-results+json", "application/json"):
        data = json.loads(body)
        assert isinstance(data["results"]["bindings"], list)
        return data["head"]["vars"]
    if media in ("application/sparql-results+xml", "application/xml", "text/xml"):
        root = ET.fromstring(body)
        assert root.find(f"{SPARQL_RESULTS_NS}results") is not None
        return [v.get("name") for v in root.iter(f"{SPARQL_RESULTS_NS}variable")]  # type: ignore[misc]
    if media == "text/csv":
        return next(csv.reader(io.StringIO(body.decode("utf-8"))))
    if media == "text/tab-separated-values":
        return [v.lstrip("?") for v in body.decode("utf-8").splitlines()[0].split("\t")]
    raise AssertionError(f"{media} is not a tabular results format")


def parse_rdf(content_type: str, body: bytes) -> Graph:
    media = _media(content_type)
    assert media in RDF_PARSERS, f"{media} is not an RDF format"
    return Graph().parse(data=body, format=RDF_PARSERS[media])


def _case(t: ProtocolTest):  # type: ignore[no-untyped-def]
    marks = [pytest.mark.xfail(strict=True, reason=READ_ONLY)] if t.name in EXPECTED_FAILURES else []
    return pytest.param(t, id=t.name, marks=marks)


def test_manifest_is_complete() -> None:
    assert len(TESTS) == 34
    assert EXPECTED_FAILURES <= {t.name for t in TESTS}
    assert all(name.startswith("update_") for name in EXPECTED_FAILURES)


@pytest.mark.parametrize("test", [_case(t) for t in TESTS])
def test_protocol(test: ProtocolTest, w3c_client) -> None:  # type: ignore[no-untyped-def]
    for n, req in enumerate(test.requests, start=1):
        where = f"{test.name} request {n} ({req.method} {req.path})"
        resp = w3c_client.open(req.path, method=req.method, headers=req.headers, data=req.body)
        assert resp.status_code // 100 in req.expected_status, (
            f"{where}: status {resp.status_code}, expected {sorted(req.expected_status)}xx: "
            f"{resp.get_data(as_text=True)[:300]}"
        )
        content_type = resp.headers.get("Content-Type", "")
        if req.expected_format == "boolean":
            value = parse_boolean(content_type, resp.data)
            if req.expected_boolean is not None:
                assert value is req.expected_boolean, where
        elif req.expected_format == "tabular":
            assert parse_tabular(content_type, resp.data), where
        elif req.expected_format == "RDF":
            parse_rdf(content_type, resp.data)
        else:
            assert req.expected_format is None, f"{where}: unknown expected format {req.expected_format}"

"""/sparql on the real data: result formats parse, the endpoint stays read-only and local, and a
bad request gets a 4xx with a message, never a 500."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS

PREFIXES = """PREFIX og: <https://w3id.org/occugraph/ontology/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
SELECT = (
    PREFIXES
    + """SELECT ?code ?name WHERE {
  ?o a og:DigitalOccupation ; skos:notation ?code ; skos:prefLabel ?name .
  FILTER(STRSTARTS(?code, "4-04-05-0"))
} ORDER BY ?code"""
)
CONSTRUCT = (
    PREFIXES
    + """CONSTRUCT { ?o skos:prefLabel ?name ; skos:broader ?p } WHERE {
  ?o skos:notation "4-04-05-05" ; skos:prefLabel ?name ; skos:broader ?p }"""
)
TRAINER = URIRef("https://w3id.org/occugraph/id/occupation/4-04-05-05")
SRX = "{http://www.w3.org/2005/sparql-results#}"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def get(client, query: str, accept: str | None = None, **params: str):  # type: ignore[no-untyped-def]
    headers = {"Accept": accept} if accept else {}
    return client.get("/sparql", query_string={"query": query, **params}, headers=headers)


def assert_error(resp, status: int, *words: str) -> None:  # type: ignore[no-untyped-def]
    assert resp.status_code == status, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["status"] == status
    for word in words:
        assert word in body["error"], body["error"]
    assert "Traceback" not in body["error"]


# --- SELECT in the four results formats ---------------------------------------------------


def _rows_json(body: bytes) -> list[tuple[str, str]]:
    data = json.loads(body)
    assert data["head"]["vars"] == ["code", "name"]
    return [(b["code"]["value"], b["name"]["value"]) for b in data["results"]["bindings"]]


def _rows_xml(body: bytes) -> list[tuple[str, str]]:
    root = ET.fromstring(body)
    assert [v.get("name") for v in root.iter(f"{SRX}variable")] == ["code", "name"]
    rows = []
    for result in root.iter(f"{SRX}result"):
        cells = {b.get("name"): b.find(f"{SRX}literal") for b in result.findall(f"{SRX}binding")}
        assert cells["name"].get("{http://www.w3.org/XML/1998/namespace}lang") == "zh"  # type: ignore[union-attr]
        rows.append((cells["code"].text, cells["name"].text))  # type: ignore[union-attr]
    return rows  # type: ignore[return-value]


def _rows_csv(body: bytes) -> list[tuple[str, str]]:
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    assert rows[0] == ["code", "name"]
    return [tuple(r) for r in rows[1:]]  # type: ignore[misc]


def _rows_tsv(body: bytes) -> list[tuple[str, str]]:
    lines = body.decode("utf-8").splitlines()
    assert lines[0].split("\t") == ["?code", "?name"]
    rows = []
    for line in lines[1:]:
        code, name = line.split("\t")
        assert name.endswith('"@zh')  # TSV keeps RDF term syntax
        rows.append((json.loads(code), json.loads(name[: -len("@zh")])))
    return rows


@pytest.mark.parametrize(
    ("accept", "parse"),
    [
        ("application/sparql-results+json", _rows_json),
        ("application/sparql-results+xml", _rows_xml),
        ("text/csv", _rows_csv),
        ("text/tab-separated-values", _rows_tsv),
    ],
)
def test_select_results_parse(client, accept, parse):
    resp = get(client, SELECT, accept)
    assert resp.status_code == 200
    assert resp.mimetype == accept
    assert "Accept" in resp.headers.get("Vary", "")
    rows = parse(resp.data)
    assert ("4-04-05-05", "人工智能训练师") in rows
    assert [code for code, _ in rows] == sorted(code for code, _ in rows)


def test_select_default_is_sparql_json(client):
    for accept in (None, "*/*", "application/*"):
        resp = get(client, SELECT, accept)
        assert resp.mimetype == "application/sparql-results+json", accept
        assert ("4-04-05-05", "人工智能训练师") in _rows_json(resp.data)


def test_accept_q_values_are_honoured(client):
    resp = get(client, SELECT, "application/sparql-results+json;q=0.5, text/csv")
    assert resp.mimetype == "text/csv"


def test_post_form_and_direct_post(client):
    resp = client.post("/sparql", data={"query": SELECT}, headers={"Accept": "text/csv"})
    assert resp.status_code == 200 and ("4-04-05-05", "人工智能训练师") in _rows_csv(resp.data)
    resp = client.post("/sparql", data=SELECT.encode(), content_type="application/sparql-query; charset=utf-8")
    assert resp.status_code == 200 and ("4-04-05-05", "人工智能训练师") in _rows_json(resp.data)


# --- CONSTRUCT / DESCRIBE / ASK -----------------------------------------------------------


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")  # rdflib's JSON-LD parser
@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
        ("application/ld+json", "json-ld"),
    ],
)
def test_construct_results_parse(client, accept, rdflib_format):
    resp = get(client, CONSTRUCT, accept)
    assert resp.status_code == 200
    assert resp.mimetype == accept
    g = Graph().parse(data=resp.data, format=rdflib_format)
    assert (TRAINER, SKOS.prefLabel, Literal("人工智能训练师", lang="zh")) in g
    assert (TRAINER, SKOS.broader, URIRef("https://w3id.org/occugraph/id/group/4-04-05-00")) in g


def test_describe_gives_rdf(client):
    resp = get(client, f"DESCRIBE <{TRAINER}>")
    assert resp.status_code == 200 and resp.mimetype == "text/turtle"
    g = Graph().parse(data=resp.data, format="turtle")
    assert (TRAINER, SKOS.notation, Literal("4-04-05-05")) in g


def test_graph_result_in_a_tabular_format_is_406(client):
    assert_error(get(client, CONSTRUCT, "application/sparql-results+json"), 406, "text/turtle")


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/sparql-results+xml"])
def test_ask(client, accept):
    yes = get(client, PREFIXES + 'ASK { ?o skos:notation "4-04-05-05" ; a og:DigitalOccupation }', accept)
    no = get(client, PREFIXES + 'ASK { ?o skos:notation "9-99-99-99" }', accept)
    if accept.endswith("json"):
        assert json.loads(yes.data)["boolean"] is True and json.loads(no.data)["boolean"] is False
    else:
        assert ET.fromstring(yes.data).find(f"{SRX}boolean").text == "true"  # type: ignore[union-attr]
        assert ET.fromstring(no.data).find(f"{SRX}boolean").text == "false"  # type: ignore[union-attr]


def test_relative_iris_resolve_against_the_endpoint(client):
    resp = get(client, "SELECT ?x WHERE { BIND(<occupation> AS ?x) }")
    assert resp.status_code == 200
    # against the configured public endpoint (PUBLIC_BASE_URL, by default the persistent base), never the Host header
    assert _value(resp, "x") == "https://w3id.org/occugraph/occupation"


def _value(resp, var: str) -> str:  # type: ignore[no-untyped-def]
    return json.loads(resp.data)["results"]["bindings"][0][var]["value"]


# --- the dataset: union by default, store graphs only ------------------------------------


def test_default_graph_is_the_union_and_named_graphs_can_be_picked(client):
    count = PREFIXES + "SELECT (COUNT(*) AS ?n) WHERE { ?c a owl:Class }"
    count = "PREFIX owl: <http://www.w3.org/2002/07/owl#>\n" + count
    union = int(_value(get(client, count), "n"))
    onto = int(_value(get(client, count, **{"default-graph-uri": "https://w3id.org/occugraph/graph/ontology"}), "n"))
    data = int(_value(get(client, count, **{"default-graph-uri": "https://w3id.org/occugraph/graph/data"}), "n"))
    assert union == onto > 0 and data == 0
    from_clause = (
        "PREFIX owl: <http://www.w3.org/2002/07/owl#>\nSELECT (COUNT(*) AS ?n) "
        "FROM <https://w3id.org/occugraph/graph/data> WHERE { ?c a owl:Class }"
    )
    assert _value(get(client, from_clause), "n") == "0"
    graphs = get(
        client,
        "SELECT DISTINCT ?g FROM NAMED <https://w3id.org/occugraph/graph/ontology> WHERE { GRAPH ?g { ?s ?p ?o } }",
    )
    assert [b["g"]["value"] for b in json.loads(graphs.data)["results"]["bindings"]] == [
        "https://w3id.org/occugraph/graph/ontology"
    ]


def test_service_is_refused(client):
    q = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    assert_error(get(client, q), 400, "SERVICE")
    assert_error(get(client, "SELECT * WHERE { service silent <http://example.org/sparql> { ?s ?p ?o } }"), 400)


def test_service_only_as_a_keyword(client):
    """The word in a string, a comment or a variable name is not federation."""
    q = (
        PREFIXES
        + 'SELECT ?service WHERE { ?service skos:notation "4-04-05-05" FILTER(?service != "SERVICE") } # SERVICE'
    )
    resp = get(client, q)
    assert resp.status_code == 200 and _value(resp, "service") == str(TRAINER)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * FROM <http://example.org/not-here> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <http://example.org/not-here> WHERE { GRAPH ?g { ?s ?p ?o } }",
        "PREFIX ex: <http://example.org/> SELECT * FROM ex:not-here WHERE { ?s ?p ?o }",
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
    ],
)
def test_foreign_dataset_is_refused(client, query):
    assert_error(get(client, query), 400, "not a graph in this store")


@pytest.mark.parametrize("param", ["default-graph-uri", "named-graph-uri"])
def test_foreign_dataset_parameter_is_refused(client, param):
    assert_error(get(client, "ASK {}", **{param: "http://example.org/not-here"}), 400, "http://example.org/not-here")


# --- bad requests -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["SELEC * WHERE { ?s ?p ?o }", "SELECT * WHERE {", "SELECT ?x WHERE { ?x ?y }", "", "\x00", "ASK { <a b> ?p ?o }"],
)
def test_malformed_query_is_400_not_500(client, query):
    resp = get(client, query)
    assert resp.status_code == 400, resp.get_data(as_text=True)
    assert resp.get_json()["status"] == 400


def test_syntax_error_carries_the_parser_message(client):
    assert_error(get(client, "SELECT * WHERE {"), 400, "syntax error", "1:")


def test_missing_query_is_400(client):
    assert_error(client.get("/sparql"), 400, "query")


def test_two_queries_are_400(client):
    resp = client.get("/sparql?query=ASK%20%7B%7D&query=ASK%20%7B%7D")
    assert_error(resp, 400, "one 'query'")


def test_post_with_unknown_content_type_is_415(client):
    resp = client.post("/sparql", data=b"ASK {}", content_type="application/x-foo")
    assert_error(resp, 415, "application/x-foo")


def test_non_utf8_charset_is_415(client):
    resp = client.post(
        "/sparql", data="ASK {}".encode("utf-16"), content_type="application/sparql-query; charset=UTF-16"
    )
    assert_error(resp, 415, "UTF-8")


def test_invalid_utf8_is_400(client):
    resp = client.post("/sparql", data=b'ASK { ?s ?p "\xff" }', content_type="application/sparql-query")
    assert_error(resp, 400, "UTF-8")


def test_unacceptable_accept_is_406(client):
    assert_error(get(client, SELECT, "image/png"), 406, "application/sparql-results+json")


def test_other_methods_are_refused(client):
    assert client.put("/sparql", data=b"ASK {}").status_code == 405
    assert client.delete("/sparql").status_code == 405


def test_errors_as_text_for_text_clients(client):
    resp = get(client, "SELECT * WHERE {", "text/plain")
    assert resp.status_code == 400 and resp.mimetype == "text/plain"
    assert "syntax error" in resp.get_data(as_text=True)


# --- read-only ----------------------------------------------------------------------------


def test_update_is_refused(client):
    update = "INSERT DATA { <http://example.org/s> <http://example.org/p> <http://example.org/o> }"
    assert_error(
        client.post("/sparql", data=update.encode(), content_type="application/sparql-update"), 403, "read-only"
    )
    assert_error(client.post("/sparql", data={"update": update}), 403, "read-only")
    assert_error(client.get("/sparql", query_string={"update": update}), 400)
    # an update sent as a query is not parsed as one, and the message says why
    assert_error(get(client, update), 400, "read-only")
    assert_error(get(client, "LOAD <http://example.org/data.ttl>"), 400, "read-only")
    # and nothing was written
    ask = get(client, "ASK { <http://example.org/s> ?p ?o }")
    assert json.loads(ask.data)["boolean"] is False


# --- browsers -----------------------------------------------------------------------------


def test_browser_gets_the_query_form(client):
    resp = client.get("/sparql", headers={"Accept": BROWSER_ACCEPT})
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    page = resp.get_data(as_text=True)
    assert "<form" in page and "textarea" in page


def test_browser_query_shows_results_in_the_page(client):
    resp = get(client, SELECT, BROWSER_ACCEPT)
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    assert "人工智能训练师" in resp.get_data(as_text=True)

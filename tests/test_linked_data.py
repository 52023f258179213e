"""Linked data (issue 7): IRIs dereference with content negotiation, the ontology, the SPARQL
Service Description, VoID, bulk downloads, the hierarchy browser and the richer pages."""

from __future__ import annotations

import csv
import hashlib
import io
import json

import pyoxigraph as ox
import pytest

from server import create_app

OCC = "https://w3id.org/occugraph/id/occupation/2-02-38-01"
SKOS = "http://www.w3.org/2004/02/skos/core#"
FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


@pytest.fixture(scope="module")
def ld_app(store, built, tmp_path_factory):  # type: ignore[no-untyped-def]
    cache = tmp_path_factory.mktemp("download-cache")
    return create_app(
        {
            "TESTING": True,
            "STORE": store,
            "DIST_DIR": str(built.dist),
            "DOWNLOAD_CACHE_DIR": str(cache),
            "QUERY_WORKERS": 0,
            "PUBLIC_BASE_URL": "https://occugraph.example.org/",
        }
    )


@pytest.fixture()
def c(ld_app):  # type: ignore[no-untyped-def]
    return ld_app.test_client()


def parse(body: bytes, media: str) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(body, format=FORMATS[media])]


@pytest.mark.parametrize("media", list(FORMATS))
def test_instance_iri_negotiates_rdf(c, media: str) -> None:  # type: ignore[no-untyped-def]
    r = c.get("/id/occupation/2-02-38-01", headers={"Accept": media})
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith(media)
    assert r.headers["Vary"] == "Accept"
    triples = parse(r.get_data(), media)
    facts = {(t.predicate.value, t.object.value) for t in triples if t.subject.value == OCC}
    assert (SKOS + "notation", "2-02-38-01") in facts
    assert (SKOS + "prefLabel", "人工智能工程技术人员") in facts
    assert (SKOS + "broader", "https://w3id.org/occugraph/id/group/2-02-38-00") in facts


def test_browser_gets_html(c) -> None:  # type: ignore[no-untyped-def]
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    r = c.get("/id/occupation/2-02-38-01", headers={"Accept": accept})
    assert r.status_code == 303 and r.headers["Location"] == "/occupation/2-02-38-01"
    assert r.headers["Vary"] == "Accept"
    r = c.get("/id/occupation/2-02-38-01", headers={"Accept": accept}, follow_redirects=True)
    assert "人工智能工程技术人员" in r.get_data(as_text=True)
    # a resource that is not a classification entry gets a page of its own statements
    r = c.get("/id/occupation/2-02-38-01/task/1", headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    assert "?format=ttl" in r.get_data(as_text=True)


def test_format_parameter_and_errors(c) -> None:  # type: ignore[no-untyped-def]
    r = c.get("/id/occupation/2-02-38-01?format=nt")
    assert r.headers["Content-Type"].startswith("application/n-triples")
    assert c.get("/id/occupation/2-02-38-01", headers={"Accept": "image/png"}).status_code == 406
    r = c.get("/id/occupation/9-99-99-99", headers={"Accept": "text/turtle"})
    assert r.status_code == 404 and r.headers["Vary"] == "Accept"
    assert c.get("/id/occupation/9-99-99-99", headers={"Accept": "text/html"}).status_code == 404


def test_group_iri_dereferences(c) -> None:  # type: ignore[no-untyped-def]
    r = c.get("/id/group/2-02-38-00", headers={"Accept": "text/turtle"})
    triples = parse(r.get_data(), "text/turtle")
    assert any(t.predicate.value == SKOS + "narrower" and t.object.value == OCC for t in triples)


def test_ontology_serves_the_tbox(c) -> None:  # type: ignore[no-untyped-def]
    r = c.get("/ontology", headers={"Accept": "text/turtle"})
    triples = parse(r.get_data(), "text/turtle")
    assert any(
        t.subject.value == "https://w3id.org/occugraph/ontology"
        and t.object.value == "http://www.w3.org/2002/07/owl#Ontology"
        for t in triples
    )
    assert not any(t.subject.value.startswith("https://w3id.org/occugraph/id/occupation/") for t in triples)
    r = c.get("/ontology/Occupation", headers={"Accept": "application/ld+json"})
    assert r.status_code == 200
    assert "https://w3id.org/occugraph/ontology/Occupation" in r.get_data(as_text=True)
    page = c.get("/ontology", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'id="Occupation"' in page and "职业" in page
    assert c.get("/ontology/Occupation", headers={"Accept": "text/html"}).status_code == 303


def test_service_description(c) -> None:  # type: ignore[no-untyped-def]
    r = c.get("/sparql", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    g = ox.Store()
    g.load(r.get_data(), format=ox.RdfFormat.TURTLE)
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert g.query(
        f"ASK {{ ?s a <{sd}Service> ; <{sd}endpoint> <https://occugraph.example.org/sparql> ; "
        f"<{sd}supportedLanguage> <{sd}SPARQL11Query> ; <{sd}feature> <{sd}UnionDefaultGraph> }}"
    )
    assert not g.query(f"ASK {{ ?s <{sd}supportedLanguage> <{sd}SPARQL11Update> }}")  # update is off
    names = {str(r[0].value) for r in g.query(f"SELECT ?n WHERE {{ ?g <{sd}name> ?n }}")}
    assert names == {f"https://w3id.org/occugraph/graph/{n}" for n in ("ontology", "data", "settings")}
    # a plain SPARQL client without a query still gets 400, a browser still gets the editor page
    assert c.get("/sparql", headers={"Accept": "application/sparql-results+json"}).status_code == 400
    assert "SPARQL" in c.get("/sparql", headers={"Accept": "text/html"}).get_data(as_text=True)


def test_void_description_counts_the_store(c, store) -> None:  # type: ignore[no-untyped-def]
    r = c.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    g = ox.Store()
    g.load(r.get_data(), format=ox.RdfFormat.TURTLE)
    void = "http://rdfs.org/ns/void#"
    (row,) = list(g.query(f"SELECT ?n WHERE {{ <https://w3id.org/occugraph/dataset> <{void}triples> ?n }}"))
    assert int(row["n"].value) == len(store.raw)
    dumps = {s["d"].value for s in g.query(f"SELECT ?d WHERE {{ ?x <{void}dataDump> ?d }}")}
    assert "https://occugraph.example.org/downloads/occugraph.nt" in dumps
    (occ,) = list(
        g.query(
            f"SELECT ?n WHERE {{ ?x <{void}classPartition> [ <{void}class> "
            f"<https://w3id.org/occugraph/ontology/MajorGroup> ; <{void}entities> ?n ] }}"
        )
    )
    assert occ["n"].value == "8"
    assert c.get("/void", headers={"Accept": "application/ld+json"}).status_code == 200


def test_downloads(c, built, store) -> None:  # type: ignore[no-untyped-def]
    listing = c.get("/api/downloads").get_json()
    names = {f["name"] for f in listing["files"]}
    assert {"occugraph.ttl", "occugraph.nt", "occugraph.jsonld", "occupations.csv", "SHA256SUMS"} <= names
    nt = c.get("/downloads/occugraph.nt")
    assert nt.status_code == 200 and nt.headers["Content-Type"].startswith("application/n-triples")
    sums = (built.dist / "SHA256SUMS").read_text()
    assert f"{hashlib.sha256(nt.get_data()).hexdigest()}  occugraph.nt" in sums
    assert c.get("/downloads/occugraph.nt", headers={"If-None-Match": nt.headers["ETag"]}).status_code == 304

    jsonld = c.get("/downloads/occugraph.jsonld")
    assert jsonld.status_code == 200
    doc = json.loads(jsonld.get_data())
    assert doc  # parses as JSON; and as JSON-LD with the same triples as the N-Triples dump
    n_jsonld = sum(1 for _ in ox.parse(jsonld.get_data(), format=ox.RdfFormat.JSON_LD))
    assert n_jsonld == nt.get_data().count(b"\n")

    rows = list(csv.DictReader(io.StringIO(c.get("/downloads/occupations.csv").get_data(as_text=True))))
    occupations = store.select(
        "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o a <https://w3id.org/occugraph/ontology/Occupation> }"
    )[0]["n"]
    assert len(rows) == int(occupations)
    ai = next(r for r in rows if r["code"] == "2-02-38-01")
    assert ai["name"] == "人工智能工程技术人员" and ai["minor_group"] == "2-02-38-00"
    assert ai["major_group"] == "2-00-00-00" and ai["digital"] == "true"
    assert c.get("/downloads/nope.txt").status_code == 404
    assert "occugraph.jsonld" in c.get("/downloads").get_data(as_text=True)


def test_hierarchy_api_and_pages(c) -> None:  # type: ignore[no-untyped-def]
    root = c.get("/api/hierarchy").get_json()
    assert len(root["children"]) == 8
    assert root["totals"]["major"] == 8
    node = c.get("/api/hierarchy/2-02-38-00").get_json()
    assert [p["code"] for p in node["path"]] == ["2-00-00-00", "2-02-00-00"]
    assert "2-02-38-01" in [ch["code"] for ch in node["children"]]
    assert node["occupation_count"] == len([ch for ch in node["children"] if "occupation" in ch["kinds"]])
    assert c.get("/api/hierarchy/9-99-99-99").status_code == 404
    assert c.get("/api/hierarchy/xyz").status_code == 400
    page = c.get("/browse").get_data(as_text=True)
    assert "/browse/2-00-00-00" in page
    page = c.get("/browse/2-02-38-00").get_data(as_text=True)
    assert "/occupation/2-02-38-01" in page and "/browse/2-02-00-00" in page


def test_occupation_page_sections(c) -> None:  # type: ignore[no-untyped-def]
    page = c.get("/occupation/4-04-05-05").get_data(as_text=True)
    assert "人工智能训练师" in page and "数字职业" in page
    assert 'id="tasks"' in page and "职业标准与等级" in page and 'id="related"' in page
    assert "/browse/4-04-05-00" in page  # breadcrumb into the hierarchy browser


def test_occupation_page_shows_standards_when_the_store_has_them(c, store) -> None:  # type: ignore[no-untyped-def]
    rows = store.select(
        "PREFIX og: <https://w3id.org/occugraph/ontology/> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "SELECT ?code ?doc WHERE { ?s og:forOccupation ?o ; og:documentNumber ?doc . ?o skos:notation ?code } "
        "ORDER BY ?code ?doc LIMIT 1"
    )
    if not rows:
        pytest.skip("the build holds no standards yet")
    page = c.get(f"/occupation/{rows[0]['code']}").get_data(as_text=True)
    assert 'id="standards"' in page and rows[0]["doc"] in page


def test_host_header_is_never_reflected(c, app) -> None:  # type: ignore[no-untyped-def]
    """VoID and the service description name the configured base, whatever Host a client sends."""
    evil = {"Host": "attacker.example:666", "X-Forwarded-Host": "attacker.example"}
    for url in ("/.well-known/void", "/sparql"):
        body = c.get(url, headers={"Accept": "text/turtle", **evil}).get_data(as_text=True)
        assert "attacker.example" not in body and "https://occugraph.example.org/" in body
    # without a configured base: the persistent one, still not the Host header
    plain = app.test_client().get("/.well-known/void", headers={"Accept": "text/turtle", **evil})
    assert "attacker.example" not in plain.get_data(as_text=True)
    assert "https://w3id.org/occugraph/downloads/occugraph.nt" in plain.get_data(as_text=True)
    # a relative IRI in a query resolves against the configured endpoint, not the Host header
    r = c.get("/sparql", query_string={"query": "SELECT (<x> AS ?x) {}"}, headers={"Accept": "text/csv", **evil})
    assert r.get_data(as_text=True).splitlines()[1] == "https://occugraph.example.org/x"

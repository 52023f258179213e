"""The build's precomputed read-only documents (graph/build/documents.py): what the server sends
from them is what it would compute with SPARQL, on the real data."""

from __future__ import annotations

import pyoxigraph as ox

from graph.build.pipeline import BuildResult
from graph.classification import queries
from graph.classification.documents import occupation_documents
from graph.core.media import TURTLE
from graph.store.documents import API_OCCUPATION, LD_RESOURCE, LD_TURTLE, Documents, convert, discard
from graph.store.embedded import EmbeddedStore
from server.linked_data import describe

AI_ENGINEER = "https://w3id.org/occugraph/id/occupation/2-02-38-01"


def test_bulk_documents_equal_the_one_code_lookup(store: EmbeddedStore) -> None:
    """Every 10th entry and a few known ones: the build's bulk questions give the API's document."""
    docs = occupation_documents(store)
    codes = queries.all_codes(store)
    assert sorted(docs) == codes
    for code in [*codes[::10], "2-02-38-01", "4-04-05-05", "1-00-00-00"]:
        assert docs[code] == queries.occupation(store, code), code


def test_build_writes_documents_beside_its_store(built: BuildResult, store: EmbeddedStore) -> None:
    docs = Documents.open(built.store_path.resolve())
    assert docs is not None and store.folder == built.store_path.resolve()
    assert docs.count(API_OCCUPATION) == len(queries.all_codes(store))
    assert docs.count(LD_RESOURCE) > 10_000  # every resource under /id/, tasks and levels included


def test_every_stored_turtle_document_is_its_statements_converted(built: BuildResult) -> None:
    """The build cuts the Turtle documents from one serialisation of all resources
    (graph/build/documents.py:turtle_documents); each must be, byte for byte, what converting the
    resource's own statements gives (as the server did per request)."""
    docs = Documents.open(built.store_path.resolve())
    assert docs is not None
    con = docs._con()
    rows = con.execute(
        "SELECT n.key, n.body, t.body FROM documents n JOIN documents t ON t.key = n.key AND t.kind = ? "
        "WHERE n.kind = ?",
        (LD_TURTLE, LD_RESOURCE),
    ).fetchall()
    assert len(rows) == docs.count(LD_RESOURCE) == docs.count(LD_TURTLE) > 10_000
    wrong = [key for key, body, ttl in rows if convert(bytes(body), TURTLE) != bytes(ttl)]
    assert not wrong, wrong[:5]


def test_api_lookup_served_from_documents_is_the_lookup(client, store: EmbeddedStore) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/api/occupations/2-02-38-01")
    assert r.status_code == 200 and r.mimetype == "application/json"
    doc = r.get_json()
    assert doc == queries.occupation(store, "2-02-38-01")
    assert doc["name"] == "人工智能工程技术人员" and [p["code"] for p in doc["parents"]][0] == "2-00-00-00"
    assert client.get("/api/occupations/2-02-38-99").status_code == 404  # unknown code: still the 404 path


def test_linked_data_from_documents_is_the_description(client, store: EmbeddedStore) -> None:  # type: ignore[no-untyped-def]
    want = {str(t) for t in describe(store, AI_ENGINEER)}
    formats = [
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    ]
    for accept, fmt in formats:
        r = client.get("/id/occupation/2-02-38-01", headers={"Accept": accept})
        assert r.status_code == 200 and r.mimetype == accept
        assert {str(t) for t in ox.parse(r.get_data(), format=fmt)} == want, accept
    turtle = client.get("/id/occupation/2-02-38-01", headers={"Accept": "text/turtle"}).get_data(as_text=True)
    declared = {line.split()[1] for line in turtle.splitlines() if line.startswith("@prefix")}
    assert {"og:", "skos:"} <= declared
    assert client.get("/id/occupation/9-99-99-99", headers={"Accept": "text/turtle"}).status_code == 404


def test_discard_removes_the_documents(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from graph.store.documents import write

    write(tmp_path, {(API_OCCUPATION, "x"): b"{}"})
    assert Documents.open(tmp_path) is not None
    discard(tmp_path)
    assert Documents.open(tmp_path) is None

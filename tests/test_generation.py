"""One store generation (issue 13): after a SPARQL Update every API answers from the new data.

The update renames 人工智能训练师 (4-04-05-05) to a name no other entry has and gives it one more
alias. Each API that shows an occupation's name must show the new one at once: the occupation
JSON and page, the hierarchy (JSON and page), search, the job-title classifier, its standards,
pathways, the new-occupation list (it is a new occupation of batch 2, 2020), the majors' curriculum
mapping, linked data, and the VoID triple count. Before the generation object, the standards,
pathway, classifier, hierarchy, search and VoID answers kept the old data until a restart.

Also here: concurrent first requests on a fresh server all get their answer (issue 20 item 7:
they used to get 500 KeyError 'tree'), and a request keeps the generation it started with.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from graph.store.embedded import EmbeddedStore
from server import create_app

CODE = "4-04-05-05"
OLD_NAME = "人工智能训练师"
NEW_NAME = "智能模型调教员"  # no entry has this name or alias
NEW_ALIAS = "灵犀调参师"  # shares no word with any entry, so search finds nothing before the update
OCC = f"https://w3id.org/occugraph/id/occupation/{CODE}"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RENAME = f"""PREFIX skos: <{SKOS}>
DELETE {{ GRAPH ?g {{ <{OCC}> skos:prefLabel "{OLD_NAME}"@zh }} }}
INSERT {{ GRAPH ?g {{ <{OCC}> skos:prefLabel "{NEW_NAME}"@zh ; skos:altLabel "{NEW_ALIAS}"@zh }} }}
WHERE {{ GRAPH ?g {{ <{OCC}> skos:prefLabel "{OLD_NAME}"@zh }} }}"""
UNDO = f"""PREFIX skos: <{SKOS}>
DELETE {{ GRAPH ?g {{ <{OCC}> skos:prefLabel "{NEW_NAME}"@zh ; skos:altLabel "{NEW_ALIAS}"@zh }} }}
INSERT {{ GRAPH ?g {{ <{OCC}> skos:prefLabel "{OLD_NAME}"@zh }} }}
WHERE {{ GRAPH ?g {{ <{OCC}> skos:prefLabel "{NEW_NAME}"@zh }} }}"""
TOKEN = "editor-li:li-secret-token-1"
CURRICULUM = Path(__file__).parent / "data" / "curricula" / "valid" / "ai-trainer-510209.csv"


def _update_app(store_path: Path, tmp_path: Path, query_workers: int = 0):  # type: ignore[no-untyped-def]
    return create_app(
        {
            "TESTING": True,
            "STORE": EmbeddedStore(store_path),
            "UPDATE_ENABLED": True,
            "UPDATE_TOKENS": TOKEN,
            "UPDATE_AUDIT_LOG": str(tmp_path / "audit.jsonl"),
            "QUERY_WORKERS": query_workers,
        }
    )


def names_shown(c) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """What each API says about 4-04-05-05 (its name, or whether the new name is found)."""
    news = c.get("/api/new-occupations").get_json()["results"]
    mapped = c.post(
        "/api/curricula?major=510209&standard=4-04-05-05-2021",
        data=CURRICULUM.read_bytes(),
        headers={"Content-Type": "text/csv"},
    ).get_json()
    classified = c.get(f"/api/classify?title={NEW_NAME}").get_json()
    hits = c.get(f"/api/occupations?q={NEW_ALIAS}").get_json()["results"]
    triples = c.get("/.well-known/void", headers={"Accept": "text/turtle"}).get_data(as_text=True)
    return {
        "occupation": c.get(f"/api/occupations/{CODE}").get_json()["name"],
        "page": NEW_NAME in c.get(f"/occupation/{CODE}").get_data(as_text=True),
        "hierarchy": c.get(f"/api/hierarchy/{CODE}").get_json()["name"],
        "browse": NEW_NAME in c.get(f"/browse/{CODE}").get_data(as_text=True),
        "search": [h["code"] for h in hits][:1],
        "classify": [(x["code"], x["name"]) for x in classified["candidates"]][:1],
        "standards": c.get(f"/api/occupations/{CODE}/standards").get_json()["results"][0]["occupation"]["name"],
        "pathways": c.get(f"/api/pathways/next-steps?from={CODE}").get_json()["from"]["name"],
        "new_occupations": [r["name"] for r in news if r["code"] == CODE],
        "curriculum": [o["name"] for o in mapped["occupations"] if o["code"] == CODE],
        "linked_data": NEW_NAME in c.get(f"/id/occupation/{CODE}", headers={"Accept": "text/turtle"}).get_data(True),
        "void": next(line for line in triples.splitlines() if "void:triples" in line).strip(),
    }


def test_an_update_is_seen_by_every_api(built, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    copy = tmp_path / "store"
    shutil.copytree(Path(built.store_path).resolve(), copy)
    check_an_update_is_seen_by_every_api(_update_app(copy, tmp_path).test_client())


def check_an_update_is_seen_by_every_api(c, rename: str = RENAME) -> None:  # type: ignore[no-untyped-def]
    """Shared with the same test on Virtuoso (tests/test_remote_virtuoso.py), which names the graph
    in ``rename`` (Virtuoso does not delete a CJK label through GRAPH ?g: tested there)."""
    before = names_shown(c)  # every derived object is built now, from the old data
    assert before["occupation"] == before["hierarchy"] == before["standards"] == before["pathways"] == OLD_NAME
    assert before["new_occupations"] == before["curriculum"] == [OLD_NAME]
    assert before["search"] == [] and not before["page"] and not before["linked_data"]
    assert before["classify"] != [(CODE, NEW_NAME)]

    r = c.post(
        "/sparql/update",
        data=rename.encode(),
        headers={"Content-Type": "application/sparql-update", "Authorization": "Bearer li-secret-token-1"},
    )
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.get_json()["quads_after"] == r.get_json()["quads_before"] + 1

    after = names_shown(c)
    assert after["occupation"] == after["hierarchy"] == after["standards"] == after["pathways"] == NEW_NAME
    assert after["new_occupations"] == after["curriculum"] == [NEW_NAME]
    assert after["search"] == [CODE]
    assert after["classify"] == [(CODE, NEW_NAME)]
    assert after["page"] and after["browse"] and after["linked_data"]
    # VoID counts every triple now in the store: one more name, and the update log's mark (issue 20)
    count = c.get(
        "/sparql",
        query_string={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
        headers={"Accept": "application/sparql-results+json"},
    ).get_json()["results"]["bindings"][0]["n"]["value"]
    assert after["void"] == f"void:triples {count} ;" != before["void"]


def test_concurrent_first_requests_on_a_fresh_server(store: EmbeddedStore) -> None:
    app = create_app({"TESTING": True, "STORE": store, "QUERY_WORKERS": 0})
    urls = ["/browse", f"/api/hierarchy/{CODE}", "/api/hierarchy", f"/browse/{CODE}"] * 2
    statuses: list[int] = []
    start = threading.Barrier(len(urls))

    def hit(url: str) -> None:
        start.wait()
        statuses.append(app.test_client().get(url).status_code)

    threads = [threading.Thread(target=hit, args=(u,)) for u in urls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200] * len(urls)


def test_a_request_keeps_its_generation(store: EmbeddedStore) -> None:
    from server.resources import generation, generations, get_store, reopen

    app = create_app({"TESTING": True, "STORE": store, "QUERY_WORKERS": 0})
    with app.test_request_context("/api/hierarchy"):
        mine = generation()
        other = generations().replace()  # another request's update, meanwhile
        assert get_store() is mine.store and generation() is mine  # this request goes on with its own
        assert other.number == mine.number + 1
    with app.test_request_context("/api/hierarchy"):
        assert generation() is other  # the next request starts on the new one
        assert reopen().number == other.number + 1 and generation().number == other.number + 1


@pytest.mark.parametrize(
    "url, status",
    [
        ("/api/occupations/4-04-05-99", 404),
        ("/api/occupations/4-04-05-99/standards", 404),
        ("/api/occupations/4-04-05-99/majors", 404),
        ("/api/occupations/4-04-05-99/levels", 404),
        ("/api/hierarchy/4-04-05-99", 404),
        ("/api/occupations/4-4-5-5", 400),
        ("/api/hierarchy/4-4-5-5", 400),
        ("/api/occupations/4-4-5-5/majors", 400),
    ],
)
def test_one_answer_for_codes_in_urls(client, url: str, status: int) -> None:  # type: ignore[no-untyped-def]
    r = client.get(url)
    assert r.status_code == status
    body = r.get_json()
    if status == 404:
        assert body == {
            "error": "no classification entry has code 4-04-05-99",
            "status": 404,
            "nearest_codes": ["4-04-05-15", "4-04-05-14", "4-04-05-13", "4-04-05-12", "4-04-05-11"],
        }
    else:
        assert body == {
            "error": "'4-4-5-5' is not a classification code (expected N-NN-NN-NN, e.g. 4-04-05-05)",
            "status": 400,
        }


def test_pages_show_the_nearest_codes(client) -> None:  # type: ignore[no-untyped-def]
    for url in ("/occupation/4-04-05-99", "/browse/4-04-05-99"):
        r = client.get(url)
        assert r.status_code == 404 and r.mimetype == "text/html"
        assert 'href="/occupation/4-04-05-15"' in r.get_data(as_text=True)


def _files(folder: Path) -> dict[str, tuple[int, int]]:
    """The store folder's files (RocksDB's and the build's documents.sqlite), with size and time."""
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir()}


def test_a_failed_update_leaves_the_server_on_a_store_it_can_read(built, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """An update process that opened the store writable may let RocksDB compact it and delete files
    the server's read handle still reads, even when the update failed: the server must reopen (the
    CI run of 2026-12-03 got 500 "No such file ... .sst" after the SSRF tests' failed updates). One
    the guard refuses must not open the store writable at all."""
    from graph.store import guard
    from server.resources import generations

    copy = tmp_path / "store"
    shutil.copytree(Path(built.store_path).resolve(), copy)
    app = _update_app(copy, tmp_path)
    c = app.test_client()
    headers = {"Content-Type": "application/sparql-update", "Authorization": "Bearer li-secret-token-1"}
    ask = {"query": "ASK { ?s ?p ?o }"}
    assert c.get("/sparql", query_string=ask).status_code == 200
    with app.app_context():
        first = generations().current().number
    files = _files(copy)

    r = c.post("/sparql/update", data=b"LOAD <http://127.0.0.1:1/x>", headers=headers)
    assert r.status_code == 400 and "refused" in r.get_data(as_text=True)
    assert "documents.sqlite" in files
    assert _files(copy) == files  # refused on a read-only handle: not a byte rewritten, documents kept
    with app.app_context():
        assert generations().current().number == first

    monkeypatch.setattr(guard, "ENABLED", False)  # the engine itself fails it, after opening writable
    r = c.post("/sparql/update", data=b"LOAD <http://127.0.0.1:1/x>", headers=headers)
    assert r.status_code == 400, r.get_data(as_text=True)
    with app.app_context():
        assert generations().current().number == first + 1
    r = c.get("/sparql", query_string={"query": "SELECT * WHERE {"})
    assert r.status_code == 400 and "syntax error" in r.get_data(as_text=True)

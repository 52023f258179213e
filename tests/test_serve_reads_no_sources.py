"""Nothing is read from standards/ or dist/ at serve time (issue 13): the job-title word lists, the
curriculum-matching lists and the downloads come from the build, through the store the server
answers from (graph/store/settings.py, graph/store/embedded.py:dumps_folder).

The proof: a server on a store built into a temporary folder answers classification, search,
curriculum mapping, downloads and pages while every open or listing of the checkout's standards/,
dist/ and var/ is refused (a Python audit hook sees every file the process opens, whichever module
opens it and however it names the path).
"""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.build.pipeline import BuildResult
from graph.core.namespaces import SETTINGS_GRAPH
from graph.store import settings
from graph.store.embedded import EmbeddedStore

ROOT = Path(__file__).resolve().parents[1]
# dist/ is a symlink into var/dists/; both its name and its target are refused
FORBIDDEN = tuple(os.path.realpath(p) + os.sep for p in (ROOT / "standards", ROOT / "dist", ROOT / "var"))
CURRICULUM = ROOT / "tests" / "data" / "curricula" / "valid" / "ai-trainer-510209.csv"
# the test's own inputs (tests/data, not sealed), read once at import
INPUTS = {
    "csv": CURRICULUM.read_bytes(),
    "std": json.loads(CURRICULUM.with_name("ai-trainer-510209.expected.json").read_text(encoding="utf-8"))["standard"],
}

_watch = threading.local()
_refused: list[str] = []


def _audit(event: str, args: tuple[object, ...]) -> None:
    if not getattr(_watch, "on", False) or event not in ("open", "os.listdir", "os.scandir"):
        return
    path = args[0] if args else None
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    if not isinstance(path, (str, os.PathLike)):
        return
    real = os.path.realpath(path) + os.sep
    if real.startswith(FORBIDDEN):
        _refused.append(f"{event} {path}")
        raise PermissionError(f"test: {path} must not be read at serve time")


sys.addaudithook(_audit)  # process-wide and permanent, so it only acts while _watch.on is set


@pytest.fixture()
def sealed() -> Iterator[list[str]]:
    """While active, standards/, dist/ and var/ of the checkout cannot be opened or listed."""
    _refused.clear()
    _watch.on = True
    try:
        yield _refused
    finally:
        _watch.on = False


@pytest.fixture()
def fresh_client(built: BuildResult):  # type: ignore[no-untyped-def]
    """An app with a generation of its own: every derived object (classifier, curriculum index,
    search index) is made inside the test, not taken from another test's app."""
    from server import create_app

    return create_app({"TESTING": True, "STORE": EmbeddedStore(built.store_path)}).test_client()


def test_the_sealed_folders_are_really_sealed(sealed: list[str]) -> None:
    with pytest.raises(PermissionError):
        (ROOT / "standards" / "job-titles" / "synonyms.tsv").read_text(encoding="utf-8")
    assert sealed == [f"open {ROOT / 'standards' / 'job-titles' / 'synonyms.tsv'}"]


def test_server_answers_from_the_build_alone(fresh_client, built: BuildResult, sealed: list[str]) -> None:  # type: ignore[no-untyped-def]
    client = fresh_client
    # the classifier: recruiting noise (急聘: hiring, 8-12K: pay) stripped, a colloquial name (程序员) expanded
    r = client.get("/api/classify", query_string={"title": "急聘 程序员 8-12K"})
    assert r.status_code == 200, r.get_data(as_text=True)
    body = r.get_json()
    assert body["candidates"][0]["code"] == "4-04-05-01"
    assert {x["category"] for x in body["removed_noise"]} == {"hiring", "pay"}
    # search falls back to the same classifier for a colloquial name
    r = client.get("/api/occupations", query_string={"q": "外卖"})
    assert r.status_code == 200 and r.get_json()["results"][0]["code"] == "4-10-08-01"
    # curriculum mapping: stop words and synonyms from the store's settings graph
    r = client.post(
        f"/api/curricula?major=510209&standard={INPUTS['std']}", data=INPUTS["csv"], content_type="text/csv"
    )
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.get_json()["summary"]["covered"] == 21
    # downloads: the files of the build that made this store, byte for byte
    r = client.get("/api/downloads")
    names = {f["name"] for f in r.get_json()["files"]}
    assert {"occugraph.nt", "occugraph.ttl", "SHA256SUMS", "qc-report.md"} <= names
    r = client.get("/downloads/occugraph.nt")
    assert r.status_code == 200
    _watch.on = False
    assert r.get_data() == (built.dist / "occugraph.nt").read_bytes()
    _watch.on = True
    r.close()
    # pages for people and the other areas (the eligibility ladder, pathways, majors, linked data)
    for url in (
        "/",
        "/classify?title=外卖骑手",
        "/search?q=程序员",
        "/occupation/4-04-05-01",
        "/downloads",
        "/void",
        "/api/version",
        "/api/levels",
        "/api/standards",
        "/api/occupations/4-04-05-05/levels/4/eligibility",
        "/api/pathways/next-steps?from=4-11-01-01&limit=5",
        "/api/hierarchy/2-02-00-00",
        "/api/new-occupations",
        "/majors/510209",
        "/api/occupations/2-02-38-01",
    ):
        assert client.get(url).status_code == 200, url
    assert sealed == []


def test_a_store_without_settings_is_a_503_that_says_how_to_fix_it(store: EmbeddedStore) -> None:
    from server import create_app

    mem = ox.Store()
    for g in store.graph_names() - {SETTINGS_GRAPH}:
        mem.extend(store.raw.quads_for_pattern(None, None, None, ox.NamedNode(g)))
    client = create_app({"TESTING": True, "STORE": EmbeddedStore(store=mem)}).test_client()
    r = client.get("/api/classify", query_string={"title": "程序员"})
    assert r.status_code == 503
    assert "occugraph load --store" in r.get_json()["error"] and SETTINGS_GRAPH in r.get_json()["error"]
    # and a store without a build folder has no downloads: a 404 that says so, not dist/ of the checkout
    r = client.get("/downloads/occugraph.nt")
    assert r.status_code == 404 and "no build files" in r.get_json()["error"]


def test_the_settings_graph_holds_what_the_build_checked(store: EmbeddedStore) -> None:
    from graph.build.sources import curriculum_matching, job_titles

    for reader in (job_titles, curriculum_matching):
        assert settings.read(store, reader.NAME) == reader.read(ROOT / "standards" / reader.NAME)
    assert SETTINGS_GRAPH in store.graph_names()

"""occugraph diff / release / GET /api/changes, and what a kill in the middle of a build or a
release leaves behind.

Releases are cut from the small fixture project (tests/fixture_project.py) into temporary
folders; the kill tests run the command in a subprocess that SIGKILLs itself at a named
checkpoint (graph/core/faults.py).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from fixture_project import ROOT, make_project, only_project_readers

from graph.workflow.diff import compute
from graph.workflow.release import ReleaseError, cut_release, recover
from graph.workflow.snapshot import Snapshot, list_releases, resolve_snapshot

V1_DATE = "2026-01-01"
OCC = "https://w3id.org/occugraph/id/occupation/"


def tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` -> its SHA-256 (hidden lock files aside)."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".release.lock"
    }


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def append(path: Path, line: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")


def make_second_version(project: Path) -> None:
    """Edits an editor might make between two releases: one of each kind of change."""
    c = project / "standards/classification"
    # added: a new occupation with a task
    append(
        c / "entries.tsv",
        "2-02-38-04\toccupation\t云计算工程技术人员\tS\t从事云计算技术研究的工程技术人员。\t2022|live\teditor",
    )
    append(c / "tasks.tsv", "2-02-38-04\t1\t研究云计算技术")
    # renamed
    edit(c / "entries.tsv", "\t物联网工程技术人员\t", "\t物联网工程技术员\t")
    # changed: a definition and a task text
    edit(c / "entries.tsv", "从事社会文化活动组织和服务的人员。", "从事社会文化活动组织、策划和服务的人员。")
    edit(c / "tasks.tsv", "研究、开发、应用人工智能指令、算法及技术", "研究、开发、应用人工智能算法及技术")
    # deprecated: 4-13-01-00 replaced by 2-02-38-04 (the row stays)
    append(
        project / "standards/deprecations/deprecations.tsv",
        "4-13-01-00\t2-02-38-04\tmoved in the test revision\t2026-03-01\ttest editor",
    )


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A project with v1 (reasoned) and v2 (after make_second_version) released."""
    project = make_project(tmp_path_factory.mktemp("rel") / "project")
    mp = pytest.MonkeyPatch()
    only_project_readers(mp, project)
    try:
        changelog = project / "releases/CHANGELOG.md"
        # allow_non_dl: the fixture project uses the real ontology, whose DL status is checked below
        cut_release("v1", V1_DATE, root=project, notes="- First cut of the test project.", allow_non_dl=True)
        edit(changelog, "## [Unreleased]\n", "## [Unreleased]\n\n- Editors' note for v2.\n")
        make_second_version(project)
        cut_release("v2", "2026-04-01", root=project, reason=False)
    finally:
        mp.undo()
    return project, project / "releases"


def test_release_is_reproducible_byte_for_byte(
    released: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    project, releases = released
    # the v1 sources again, into a fresh releases folder, from a fresh copy of the project
    again = make_project(tmp_path / "again")
    only_project_readers(monkeypatch, again)
    cut_release("v1", V1_DATE, root=again, notes="- First cut of the test project.", allow_non_dl=True)
    first = tree(releases / "v1")
    second = tree(again / "releases/v1")
    assert first == second


def test_release_files_checksums_and_version_iri(released: tuple[Path, Path]):
    _project, releases = released
    v1 = releases / "v1"
    names = sorted(p.name for p in v1.iterdir())
    assert names == sorted(
        [
            "SHA256SUMS",
            "changelog.md",
            "occugraph-entities.csv",
            "occugraph-inferred.ttl",
            "occugraph.jsonld",
            "occugraph.nt",
            "occugraph.owl",
            "occugraph.ttl",
            "ontology.owl",
            "ontology.ttl",
            "release-diff.json",
            "release-diff.md",
            "release.json",
            "validation-report.md",
        ]
    )
    for line in (v1 / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((v1 / name).read_bytes()).hexdigest() == digest, name
    meta = json.loads((v1 / "release.json").read_text(encoding="utf-8"))
    assert meta["version_iri"] == "https://w3id.org/occugraph/releases/v1/occugraph.ttl"
    assert meta["previous"] is None and meta["reasoned"] is True and meta["inferred_triples"] > 0
    nt = (v1 / "occugraph.nt").read_bytes()
    assert (
        b"<https://w3id.org/occugraph/ontology> <http://www.w3.org/2002/07/owl#versionIRI> "
        b"<https://w3id.org/occugraph/releases/v1/occugraph.ttl> .\n" in nt
    )
    # the one version scheme (graph/core/version.py): release v1 is version 1.0.0
    assert b'<http://www.w3.org/2002/07/owl#versionInfo> "1.0.0" .' in nt
    assert b"do not edit" in (v1 / "occugraph.ttl").read_bytes()[:300]

    # every serialisation carries the same triples
    triples = set(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES))
    assert set(ox.parse((v1 / "occugraph.ttl").read_bytes(), format=ox.RdfFormat.TURTLE)) == triples
    assert set(ox.parse((v1 / "occugraph.jsonld").read_bytes(), format=ox.RdfFormat.JSON_LD)) == triples
    assert set(ox.parse((v1 / "occugraph.owl").read_bytes(), format=ox.RdfFormat.RDF_XML)) == triples
    tbox = set(ox.parse((v1 / "ontology.ttl").read_bytes(), format=ox.RdfFormat.TURTLE))
    assert set(ox.parse((v1 / "ontology.owl").read_bytes(), format=ox.RdfFormat.RDF_XML)) == tbox

    v2meta = json.loads((releases / "v2/release.json").read_text(encoding="utf-8"))
    assert v2meta["previous"] == "v1"
    assert (
        b"<http://www.w3.org/2002/07/owl#priorVersion> <https://w3id.org/occugraph/releases/v1/occugraph.ttl>"
        in (releases / "v2/occugraph.nt").read_bytes()
    )


def test_entities_csv_is_for_spreadsheets(released: tuple[Path, Path]):
    _project, releases = released
    rows = list(csv.DictReader(io.StringIO((releases / "v2/occugraph-entities.csv").read_text(encoding="utf-8"))))
    by_code = {r["code"]: r for r in rows if r["code"]}
    assert by_code["2-02-38-01"]["label_zh"] == "人工智能工程技术人员"
    assert by_code["2-02-38-01"]["parent"] == "2-02-38-00"
    assert by_code["2-02-38-01"]["source_file"] == "standards/classification/entries.tsv"
    assert by_code["4-13-01-00"]["deprecated"] == "yes" and by_code["4-13-01-00"]["replaced_by"] == "2-02-38-04"


def test_release_diff_names_every_kind_of_change(released: tuple[Path, Path]):
    _project, releases = released
    diff = json.loads((releases / "v2/release-diff.json").read_text(encoding="utf-8"))
    status = {e["iri"].removeprefix(OCC): e for e in diff["entities"]}
    assert status["2-02-38-04"]["status"] == ["added"]
    assert status["4-13-01-00"]["status"][0] == "deprecated"
    assert status["4-13-01-00"]["replaced_by"] == ["2-02-38-04 云计算工程技术人员"]
    assert status["4-13-01-00"]["deprecation_reason"] == "moved in the test revision"
    assert "changed" in status["4-13-01-00"]["status"]  # its definition changed too
    assert status["2-02-38-02"]["status"] == ["renamed"]
    assert status["2-02-38-02"]["old_label"] == "物联网工程技术人员"
    task = [c for c in status["2-02-38-01"]["changes"] if c["part"] == "task/2"]
    assert task and task[0]["removed"] == ["研究、开发、应用人工智能指令、算法及技术 @zh"]
    assert diff["summary"]["removed"] == 0
    occupation_row = next(r for r in diff["by_type"] if r["type"].endswith("/Occupation"))
    assert occupation_row["added"] == 1 and occupation_row["deprecated"] == 1
    md = (releases / "v2/release-diff.md").read_text(encoding="utf-8")
    assert "- 2-02-38-02: 物联网工程技术人员 → 物联网工程技术员" in md
    assert "- 4-13-01-00 社会文化活动服务人员: replaced by 2-02-38-04 云计算工程技术人员" in md


def test_changelog_keeps_a_changelog(released: tuple[Path, Path]):
    _project, releases = released
    text = (releases / "CHANGELOG.md").read_text(encoding="utf-8")
    assert text.index("## [Unreleased]") < text.index("## [v2] - 2026-04-01") < text.index("## [v1] - 2026-01-01")
    unreleased = text.split("## [Unreleased]")[1].split("## [v2]")[0]
    assert unreleased.strip() == ""  # the editors' note moved into v2
    v2 = text.split("## [v2] - 2026-04-01")[1].split("## [v1]")[0]
    assert "- Editors' note for v2." in v2
    assert "### Added" in v2 and "### Deprecated" in v2 and "### Changed" in v2
    assert "[v1]: https://w3id.org/occugraph/releases/v1/" in text


def test_diff_command_between_releases_and_against_the_working_tree(released: tuple[Path, Path]):
    project, releases = released
    runner = [sys.executable, str(ROOT / "tests/fixture_project.py"), str(project)]
    out = subprocess.run([*runner, "diff", "v1", "v2", "--format", "json"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert (
        json.loads(out.stdout)["summary"]
        == json.loads((releases / "v2/release-diff.json").read_text(encoding="utf-8"))["summary"]
    )
    same = subprocess.run(
        [*runner, "diff", "v2", "working", "--kind", "og:Occupation"], capture_output=True, text=True, timeout=300
    )
    assert same.returncode == 0, same.stderr
    assert "0 entities changed" in same.stdout
    missing = subprocess.run([*runner, "diff", "v9"], capture_output=True, text=True, timeout=300)
    assert missing.returncode == 1 and "no release 'v9'" in missing.stderr


def test_diff_is_generic_over_kinds():
    """A kind nobody planned for gets its own summary row and section."""
    a = Snapshot("a", [])
    thing = "https://w3id.org/occugraph/id/widget/w1"
    nt = (
        f"<{thing}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/occugraph/ontology/Widget> .\n"
        f'<{thing}> <http://www.w3.org/2000/01/rdf-schema#label> "widget one" .\n'
        '<https://w3id.org/occugraph/ontology/Widget> <http://www.w3.org/2000/01/rdf-schema#label> "widget"@en .\n'
    )
    b = Snapshot.from_ntriples("b", nt.encode())
    diff = compute(a, b)
    rows = {r["label"]: r for r in diff.by_type()}
    assert rows["widget"]["added"] == 1
    assert "## widget" in diff.to_markdown()


def test_release_refuses_bad_input_and_keeps_state(
    released: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    project, releases = released
    before = tree(releases)
    only_project_readers(monkeypatch, project)
    with pytest.raises(ReleaseError, match="already released"):
        cut_release("v2", "2026-04-01", root=project, reason=False)
    with pytest.raises(ReleaseError, match="before the previous release"):
        cut_release("v3", "2025-01-01", root=project, reason=False)
    with pytest.raises(ReleaseError, match="must look like"):
        cut_release("version 3", "2026-05-01", root=project, reason=False)
    broken = shutil.copytree(project, tmp_path / "broken")
    only_project_readers(monkeypatch, broken)
    append(broken / "standards/classification/tasks.tsv", "9-99-99-99\t1\tno such occupation")
    with pytest.raises(ReleaseError, match="validation failed") as info:
        cut_release("v3", "2026-05-01", root=broken, reason=False)
    assert info.value.report is not None and "tasks.tsv" in info.value.report.errors[0].location
    assert tree(broken / "releases") == before
    assert tree(releases) == before


def test_release_refuses_an_ontology_outside_owl2_dl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    project = make_project(tmp_path / "project")
    only_project_readers(monkeypatch, project)
    (project / "ontology/extra.ttl").write_text(
        "@prefix og: <https://w3id.org/occugraph/ontology/> .\n@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "og:testYear a owl:DatatypeProperty ; rdfs:range xsd:gYear .\n",
        encoding="utf-8",
    )
    with pytest.raises(ReleaseError) as info:
        cut_release("v1", V1_DATE, root=project)
    assert info.value.report is not None
    assert any(f.location == "ontology/extra.ttl:5" and "og:testYear" in f.message for f in info.value.report.errors)
    assert not (project / "releases/v1").exists()


def _run_killed(project: Path, kill_at: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, OCCUGRAPH_KILL_AT=kill_at)
    return subprocess.run(
        [sys.executable, str(ROOT / "tests/fixture_project.py"), str(project), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


@pytest.mark.parametrize(
    "kill_at", ["release:writing:occugraph.nt", "release:staged", "release:old-moved-aside", "release:renamed"]
)
def test_kill_mid_release_leaves_the_previous_releases_intact(
    released: tuple[Path, Path], tmp_path: Path, kill_at: str
):
    project = shutil.copytree(released[0], tmp_path / "project")
    releases = project / "releases"
    before = tree(releases)
    replace = kill_at == "release:old-moved-aside"
    args = (
        ["release", "v2", "--date", "2026-04-01", "--replace"] if replace else ["release", "v3", "--date", "2026-05-01"]
    )
    result = _run_killed(project, kill_at, *args, "--no-reason", "--quiet")
    assert result.returncode == -9, result.stderr  # killed, no clean-up ran
    recover(releases)  # what the next release (or validate) does first
    after = tree(releases)
    if kill_at == "release:renamed":
        # the rename is the commit point: v3 is complete, the CHANGELOG is brought up to date
        assert {k: v for k, v in after.items() if not k.startswith("v3/") and k != "CHANGELOG.md"} == {
            k: v for k, v in before.items() if k != "CHANGELOG.md"
        }
        assert [r.version for r in list_releases(releases)] == ["v1", "v2", "v3"]
        assert "## [v3] - 2026-05-01" in (releases / "CHANGELOG.md").read_text(encoding="utf-8")
    else:
        assert after == before
    assert not [p for p in releases.iterdir() if p.name.startswith((".staging-", ".replaced-"))]


def _built_project(tmp_path: Path, *build_args: str) -> tuple[Path, list[str], subprocess.CompletedProcess[str]]:
    """A fixture project built once by ``occugraph build`` in a subprocess: the project, the
    command line that runs occugraph on it, and that first build's outcome."""
    project = make_project(tmp_path / "project")
    runner = [sys.executable, str(ROOT / "tests/fixture_project.py"), str(project)]
    first = subprocess.run([*runner, "build", *build_args], capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    return project, runner, first


@pytest.mark.parametrize("kill_at", ["build:store-loaded", "build:dist-staged", "build:dist-swapped"])
def test_kill_mid_build_leaves_the_previous_store(tmp_path: Path, kill_at: str):
    project, runner, _ = _built_project(tmp_path, "--quiet")
    store_before = (project / "var/store").resolve()
    dist_before = tree(project / "dist")
    edit(project / "standards/classification/entries.tsv", "\t物联网工程技术人员\t", "\t物联网工程技术员\t")
    result = _run_killed(project, kill_at, "build", "--quiet")
    assert result.returncode == -9
    assert (project / "var/store").resolve() == store_before
    assert [p.name for p in (project / "var").glob(".dumps-*")]  # the dump process's folder, left by the kill
    from graph.store.embedded import EmbeddedStore

    rows = EmbeddedStore(project / "var/store").select(
        'SELECT ?n WHERE { ?o <http://www.w3.org/2004/02/skos/core#notation> "2-02-38-02" ; '
        "<http://www.w3.org/2004/02/skos/core#prefLabel> ?n }"
    )
    assert [r["n"] for r in rows] == ["物联网工程技术人员"]
    if kill_at == "build:dist-swapped":
        # the dumps were switched in one step just before the kill: complete and self-consistent
        sums = (project / "dist/SHA256SUMS").read_text(encoding="utf-8").splitlines()
        for line in sums:
            digest, name = line.split("  ", 1)
            assert hashlib.sha256((project / "dist" / name).read_bytes()).hexdigest() == digest
    else:
        assert tree(project / "dist") == dist_before
    again = subprocess.run([*runner, "build", "--quiet"], capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert not list((project / "var").glob(".dumps-*"))  # the next build removes it


def _store_and_documents(project: Path) -> tuple[list[str], list[tuple[str, str, bytes]]]:
    """The served store's quads (sorted) and its documents' rows: what a reused build must equal."""
    import sqlite3

    folder = (project / "var/store").resolve()
    quads = sorted(str(q) for q in ox.Store.read_only(str(folder)))
    con = sqlite3.connect(f"file:{folder / 'documents.sqlite'}?mode=ro", uri=True)
    rows = list(con.execute("SELECT kind, key, body FROM documents ORDER BY kind, key"))
    con.close()
    return quads, rows


def test_rebuild_of_identical_inputs_reuses_the_kept_build(tmp_path: Path):
    """occugraph build reuses the last good build when nothing it was made from changed
    (graph/build/build_cache.py): the same dumps, quads and documents in new folders; a changed
    source line, or --rebuild (which keeps its build), builds in full."""
    project, runner, first = _built_project(tmp_path)
    assert "hashing the sources" in first.stderr and "a build of exactly these" not in first.stderr
    store_first, dist_first = (project / "var/store").resolve(), tree(project / "dist")
    served_first = _store_and_documents(project)

    again = subprocess.run([*runner, "build"], capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert "a build of exactly these passed its checks" in again.stderr
    assert "reading standards" not in again.stderr
    assert (project / "var/store").resolve() != store_first  # a new folder, swapped in like a build
    assert tree(project / "dist") == dist_first
    assert _store_and_documents(project) == served_first
    assert again.stdout == first.stdout  # the same triple count and QC warnings

    full = subprocess.run([*runner, "build", "--rebuild"], capture_output=True, text=True, timeout=300)
    assert full.returncode == 0, full.stderr
    assert "reading standards" in full.stderr and "a build of exactly these" not in full.stderr
    assert tree(project / "dist") == dist_first
    after_full = subprocess.run([*runner, "build"], capture_output=True, text=True, timeout=300)
    assert "a build of exactly these passed its checks" in after_full.stderr  # --rebuild kept its build

    edit(project / "standards/classification/entries.tsv", "\t物联网工程技术人员\t", "\t物联网工程技术员\t")
    changed = subprocess.run([*runner, "build"], capture_output=True, text=True, timeout=300)
    assert changed.returncode == 0, changed.stderr
    assert "a build of exactly these" not in changed.stderr and "reading standards" in changed.stderr
    assert tree(project / "dist") != dist_first


@pytest.mark.parametrize("kill_at", ["build:store-loaded", "build:dist-staged", "build:dist-swapped"])
def test_kill_mid_reuse_leaves_the_previous_store(tmp_path: Path, kill_at: str):
    """A reuse of the kept build killed half-way leaves the served store and dumps as they were."""
    project, runner, _ = _built_project(tmp_path, "--quiet")
    store_before, dist_before = (project / "var/store").resolve(), tree(project / "dist")
    served_before = _store_and_documents(project)
    result = _run_killed(project, kill_at, "build")
    assert result.returncode == -9
    assert "a build of exactly these passed its checks" in result.stderr
    if kill_at != "build:dist-swapped":
        assert (project / "var/store").resolve() == store_before
    assert tree(project / "dist") == dist_before  # unchanged, or switched in one step to the same dumps
    assert _store_and_documents(project) == served_before


def test_api_changes_since_a_release(released: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from graph.build.pipeline import build
    from graph.store.embedded import EmbeddedStore
    from server import create_app

    project, releases = released
    only_project_readers(monkeypatch, project)
    result = build(root=project, var_dir=tmp_path / "var", dist=tmp_path / "dist", quiet=True)
    app = create_app(
        {
            "TESTING": True,
            "STORE": EmbeddedStore(result.store_path),
            "RELEASES_DIR": str(releases),
            "PROJECT_ROOT": str(project),
        }
    )
    client = app.test_client()
    resp = client.get("/api/changes?since=v1")
    assert resp.status_code == 200
    data = resp.get_json()
    assert data["from"] == "v1" and data["to"] == "current"
    added = [e for e in data["entities"] if "added" in e["status"]]
    assert [e["code"] for e in added] == ["2-02-38-04"]
    between = client.get("/api/changes?since=v1&until=v2&kind=og:Occupation").get_json()
    assert {e["code"] for e in between["entities"]} >= {"2-02-38-04", "2-02-38-02"}
    md = client.get("/api/changes?since=v1&format=markdown")
    assert md.status_code == 200 and md.mimetype == "text/markdown" and "# Changes from v1 to current" in md.text
    missing = client.get("/api/changes?since=v0")
    assert missing.status_code == 404 and missing.get_json()["releases"] == ["v1", "v2"]
    assert client.get("/api/changes").status_code == 400

    # the page for people: grouped by kind of change, each entry linked to its page
    page = client.get("/changes?since=v1")
    assert page.status_code == 200, page.text
    html = page.text
    assert '<h2 id="new">新增（1）</h2>' in html and "名称变更" in html and "弃用" in html
    assert '<a href="/id/occupation/2-02-38-04">云计算工程技术人员</a>' in html
    assert client.get("/changes?since=v0").status_code == 404


def test_resolve_snapshot_accepts_files_and_folders(released: tuple[Path, Path]):
    project, releases = released
    by_folder = resolve_snapshot(str(releases / "v1"), project, releases)
    by_file = resolve_snapshot(str(releases / "v1/occugraph.ttl"), project, releases)
    assert by_folder.size == by_file.size


def test_release_owl_file_opens_with_owlready2_and_the_owl_api(released: tuple[Path, Path]):
    """The RDF/XML file Protégé is given: owlready2 loads it offline (nothing to import) and the
    OWL API, as Protégé reads it, finds it in OWL 2 DL (the same check a release runs)."""
    import owlready2

    from graph.workflow.reason import java_available, owl_api_profile

    _project, releases = released
    owl = releases / "v1" / "occugraph.owl"
    world = owlready2.World()
    onto = world.get_ontology(owl.as_uri()).load()
    assert not list(onto.imported_ontologies)
    assert world["https://w3id.org/occugraph/ontology/Occupation"] is not None
    occupation = world["https://w3id.org/occugraph/id/occupation/2-02-38-01"]
    assert occupation is not None and "人工智能工程技术人员" in [str(x) for x in occupation.prefLabel]
    if not java_available():
        pytest.skip("java not installed: the OWL API check needs it")
    rows, error = owl_api_profile(owl.read_bytes(), suffix=".owl")
    assert error == "" and not [r for r in rows if r[0] == "Unparseable"]
    if json.loads((releases / "v1" / "release.json").read_text(encoding="utf-8"))["owl2_dl"]:
        assert rows == [], rows[:3]


def test_release_publish_switches_the_served_store_and_downloads(released: tuple[Path, Path], tmp_path: Path):
    """`occugraph release v2 --publish`: the served store and /downloads become exactly release v2,
    atomically; /api/version and the VoID description say which version is served."""
    from graph.build.pipeline import build
    from graph.workflow.release import ReleaseError, publish
    from server import create_app

    project, releases = released
    var, dist = tmp_path / "var", tmp_path / "dist"
    mp = pytest.MonkeyPatch()
    only_project_readers(mp, project)
    try:
        working = build(root=project, var_dir=var, dist=dist, quiet=True)
        assert working.stamp is not None and "+" in working.stamp.version_info  # a build, not a release
        assert "/builds/" in working.stamp.version_iri
        before = os.readlink(var / "store")
        with pytest.raises(ReleaseError, match="not those of release v1"):
            publish("v1", root=project, var_dir=var, dist=dist)  # the sources are v2's now
        assert os.readlink(var / "store") == before

        result = publish("v2", root=project, var_dir=var, dist=dist)
        assert not result.reused and os.readlink(var / "store") != before
        assert (dist / "occugraph.nt").read_bytes() == (releases / "v2/occugraph.nt").read_bytes()
        assert publish("v2", root=project, var_dir=var, dist=dist).reused  # the identical build is reused
    finally:
        mp.undo()

    app = create_app({"TESTING": True, "STORE_PATH": str(var / "store"), "DIST_DIR": str(dist)})
    client = app.test_client()
    served = client.get("/api/version").get_json()
    assert served["published"] is True
    assert served["data"]["version"] == "v2" and served["data"]["issued"] == "2026-04-01"
    assert served["data"]["version_iri"] == "https://w3id.org/occugraph/releases/v2/occugraph.ttl"
    assert served["data"]["prior_version"] == "https://w3id.org/occugraph/releases/v1/occugraph.ttl"
    assert "Editors' note for v2." in served["data"]["release_notes"]
    void = client.get("/.well-known/void", headers={"Accept": "text/turtle"}).get_data(as_text=True)
    assert "owl:versionIRI <https://w3id.org/occugraph/releases/v2/occugraph.ttl>" in void
    assert "Editors' note for v2." in void
    ask = 'ASK { <https://w3id.org/occugraph/ontology> <http://www.w3.org/2002/07/owl#versionInfo> "2.0.0" }'
    assert client.get(
        "/sparql", query_string={"query": ask}, headers={"Accept": "application/sparql-results+json"}
    ).get_json()["boolean"]


def test_diff_between_git_revisions_grouped_by_kind_of_change(tmp_path: Path):
    """`occugraph diff HEAD~1 HEAD` (any two of a release, the working tree, a git revision), with
    the changes grouped as editors ask: new, changed label, changed definition, moved in the hierarchy,
    deprecated."""
    project = make_project(tmp_path / "project")

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(project), *args], check=True, capture_output=True, timeout=60)

    c = project / "standards/classification"
    # an occupation whose minor group is not in the data yet: linked to the medium group 2-02-00-00
    append(c / "entries.tsv", "2-02-39-01\toccupation\t密码技术应用员\t\t从事密码技术应用的人员。\t2022|live\teditor")
    git("init", "-q")
    git("add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "before")
    make_second_version(project)
    # ... until its minor group is added: the occupation moves from 2-02-00-00 to 2-02-39-00
    append(c / "entries.tsv", "2-02-39-00\tminor\t密码技术人员\t\t从事密码技术工作的人员。\t2022|live\teditor")
    git("add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "after")
    runner = [sys.executable, str(ROOT / "tests/fixture_project.py"), str(project)]
    out = subprocess.run([*runner, "diff", "HEAD~1", "HEAD", "--format", "json"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    diff = json.loads(out.stdout)
    assert diff["from"].startswith("HEAD~1 (") and diff["to"].startswith("HEAD (")
    groups = {k: sorted(e["code"] for e in v) for k, v in diff["by_change"].items()}
    assert groups["new"] == ["2-02-38-04", "2-02-39-00"]
    assert groups["moved"] == ["2-02-39-01"]
    moved = next(e for e in diff["entities"] if e["code"] == "2-02-39-01")
    broader = next(c for c in moved["changes"] if c["property"].endswith("#broader"))
    assert (broader["removed"], broader["added"]) == (["2-02-00-00 工程技术人员"], ["2-02-39-00 密码技术人员"])
    assert groups["changed label"] == ["2-02-38-02"]
    assert "4-13-01-00" in groups["changed definition"]
    assert groups["deprecated"] == ["4-13-01-00"]
    same = subprocess.run([*runner, "diff", "HEAD", "working"], capture_output=True, text=True)
    assert same.returncode == 0 and "0 entities changed" in same.stdout, same.stderr
    md = subprocess.run([*runner, "diff", "HEAD~1"], capture_output=True, text=True).stdout
    assert "## By kind of change" in md and "| changed label | 1 |" in md
    assert "**changed label** (1): 2-02-38-02 物联网工程技术员" in md

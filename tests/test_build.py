"""The build: what it produced (counts, hierarchy, flags), that its dumps are deterministic, and
that a failed build leaves the previous store and dumps as they were."""

from __future__ import annotations

import csv
import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

import graph.build.pipeline
import graph.store.documents
from graph.build.pipeline import BuildResult, build
from graph.core.errors import BuildError
from graph.core.namespaces import SETTINGS_GRAPH
from graph.store.embedded import EmbeddedStore

ROOT = Path(__file__).resolve().parents[1]
PREFIXES = """PREFIX og: <https://w3id.org/occugraph/ontology/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX occ: <https://w3id.org/occugraph/id/occupation/>
PREFIX grp: <https://w3id.org/occugraph/id/group/>
"""
DUMPS = ("occugraph.nt", "occugraph.ttl", "qc-report.md", "SHA256SUMS")
# rows of the QC report's count table -> (class in the store, kind in entries.tsv)
KINDS = {
    "major groups": ("og:MajorGroup", "major"),
    "medium groups": ("og:MediumGroup", "medium"),
    "minor groups": ("og:MinorGroup", "minor"),
    "occupations": ("og:Occupation", "occupation"),
    "digital occupations (S)": ("og:DigitalOccupation", "S"),
    "green occupations (L)": ("og:GreenOccupation", "L"),
}


def report_counts(report: str) -> dict[str, dict[str, int]]:
    """The 'Counts against the official totals' table: kind -> {official, 2022, difference, live}."""
    section = report.split("## Counts against the official totals", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| |")]
    out = {}
    for line in rows:
        kind, official, built, diff, live = (c.strip() for c in line.strip("|").split("|"))
        out[kind] = {"official": int(official), "2022": int(built), "difference": int(diff), "live": int(live)}
    return out


def source_counts(edition: str) -> Counter[str]:
    """Entries per kind and marker in the edition, straight from standards/classification/: entries.tsv,
    plus single-occupation-groups.tsv (a minor group holding one occupation shares that occupation's
    code and editions but is a resource of its own, with the group's name)."""
    folder = ROOT / "standards" / "classification"
    counts: Counter[str] = Counter()
    editions: dict[str, list[str]] = {}
    with (folder / "entries.tsv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            editions[row["code"]] = row["editions"].split("|")
            if edition not in editions[row["code"]]:
                continue
            counts.update(row["kinds"].split("|"))
            counts.update(m for m in ("S", "L") if m in row["marker"])
    with (folder / "single-occupation-groups.tsv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if edition in editions[row["code"]]:
                counts["minor"] += 1
    return counts


def store_count(store: EmbeddedStore, cls: str, edition: str) -> int:
    rows = store.select(
        PREFIXES
        + f"""
SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{
  ?e a {cls} ; skos:inScheme ?scheme ; og:inEdition <https://w3id.org/occugraph/id/edition/{edition}> .
}}"""
    )
    return int(rows[0]["n"])


@pytest.mark.parametrize("edition", ["2022", "live"])
def test_counts_agree_with_qc_report_store_and_sources(built: BuildResult, store: EmbeddedStore, edition: str):
    reported = report_counts((built.dist / "qc-report.md").read_text(encoding="utf-8"))
    assert set(reported) == set(KINDS)
    sources = source_counts(edition)
    for kind, (cls, source_kind) in KINDS.items():
        in_store = store_count(store, cls, edition)
        assert reported[kind][edition] == in_store, kind
        assert in_store == sources[source_kind], kind
        if edition == "2022":
            assert reported[kind]["difference"] == in_store - reported[kind]["official"], kind


def test_counts_of_the_2022_edition(built: BuildResult):
    """The numbers themselves, so a change in the sources that moves them is seen in review."""
    reported = report_counts((built.dist / "qc-report.md").read_text(encoding="utf-8"))
    assert {k: v["official"] for k, v in reported.items()} == {
        "major groups": 8,
        "medium groups": 79,
        "minor groups": 449,
        "occupations": 1636,
        "digital occupations (S)": 97,
        "green occupations (L)": 134,
    }
    assert reported["major groups"]["2022"] == 8
    assert reported["digital occupations (S)"]["2022"] == 97
    assert reported["green occupations (L)"]["2022"] == 134
    assert 1600 <= reported["occupations"]["2022"] <= 1636


def test_broader_chain_of_ai_engineer(store: EmbeddedStore):
    rows = store.select(PREFIXES + "SELECT ?code WHERE { occ:2-02-38-01 skos:broader ?p . ?p skos:notation ?code }")
    assert [r["code"] for r in rows] == ["2-02-38-00"]
    rows = store.select(PREFIXES + "SELECT ?code WHERE { occ:2-02-38-01 skos:broader+ ?p . ?p skos:notation ?code }")
    assert sorted(r["code"] for r in rows) == ["2-00-00-00", "2-02-00-00", "2-02-38-00"]
    # and the inverse is there too
    rows = store.select(
        PREFIXES
        + """
SELECT ?child WHERE { ?g skos:notation "2-02-38-00" ; skos:narrower ?c . ?c skos:notation ?child }"""
    )
    assert "2-02-38-01" in {r["child"] for r in rows}


def test_digital_flag_on_ai_trainer(store: EmbeddedStore):
    rows = store.select(
        PREFIXES
        + """
SELECT ?name WHERE { ?o skos:notation "4-04-05-05" ; a og:DigitalOccupation ; skos:prefLabel ?name }"""
    )
    assert [r["name"] for r in rows] == ["人工智能训练师"]
    # the marker is a flag, not part of the name
    rows = store.select(
        PREFIXES
        + """
SELECT ?name WHERE { ?o a og:DigitalOccupation ; skos:prefLabel ?name FILTER(REGEX(?name, "[LS]$")) }"""
    )
    assert rows == []


# --- determinism and failure safety -----------------------------------------------------
# Builds here read a snapshot of ontology/ and standards/, so that every build in this module
# sees the same input even while the sources are being edited.


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sources")
    shutil.copytree(ROOT / "ontology", root / "ontology")
    shutil.copytree(ROOT / "standards", root / "standards", ignore=shutil.ignore_patterns("upstream"))
    return root


@pytest.fixture(scope="module")
def second(sources: Path, tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    out = tmp_path_factory.mktemp("second-build")
    return build(root=sources, var_dir=out / "var", dist=out / "dist", quiet=True)


@pytest.fixture(scope="module")
def third_dist(sources: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Dumps of a build in another process: another hash seed, so set-order dependence shows."""
    out = tmp_path_factory.mktemp("third-build")
    code = (
        "import sys; from pathlib import Path; from graph.build.pipeline import build; "
        "build(root=Path(sys.argv[1]), var_dir=Path(sys.argv[2]) / 'var', dist=Path(sys.argv[2]) / 'dist', "
        "quiet=True)"
    )
    env = {**os.environ, "PYTHONHASHSEED": "random"}
    subprocess.run([sys.executable, "-c", code, str(sources), str(out)], check=True, cwd=ROOT, env=env, timeout=600)
    return out / "dist"


def _snapshot(result: BuildResult) -> tuple[Path, dict[str, bytes]]:
    return result.store_path.resolve(), {n: (result.dist / n).read_bytes() for n in DUMPS}


def _assert_store_intact(result: BuildResult, before: tuple[Path, dict[str, bytes]]) -> None:
    store_dir, dumps = before
    assert result.store_path.resolve() == store_dir
    assert [p.resolve() for p in (result.store_path.parent / "stores").iterdir()] == [store_dir]
    assert {n: (result.dist / n).read_bytes() for n in DUMPS} == dumps
    rows = EmbeddedStore(result.store_path).select(
        PREFIXES + 'SELECT ?name WHERE { ?o skos:notation "4-04-05-05" ; skos:prefLabel ?name }'
    )
    assert [r["name"] for r in rows] == ["人工智能训练师"]


def test_dumps_are_byte_identical_across_builds(second: BuildResult, third_dist: Path):
    for name in DUMPS:
        assert (second.dist / name).read_bytes() == (third_dist / name).read_bytes(), name


def test_sha256sums_match_the_dumps(second: BuildResult):
    lines = (second.dist / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    sums = dict(reversed(line.split("  ", 1)) for line in lines)
    assert sorted(sums) == [
        "occugraph.jsonld",
        "occugraph.nt",
        "occugraph.ttl",
        "occupations.csv",
        "qc-report.md",
        "version.json",
    ]
    for name, digest in sums.items():
        assert hashlib.sha256((second.dist / name).read_bytes()).hexdigest() == digest, name


def test_ntriples_dump_is_sorted_and_matches_the_store(second: BuildResult):
    lines = (second.dist / "occugraph.nt").read_bytes().splitlines()
    assert lines == sorted(lines)
    assert len(lines) == second.triples
    built = EmbeddedStore(second.store_path)
    n = built.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]
    # no triple is in both the ontology and the data graph; the settings graph (one triple per
    # matching file set, graph/store/settings.py) is the store's own, not part of the dumps
    assert int(n) == second.triples + 2
    in_settings = built.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{SETTINGS_GRAPH}> {{ ?s ?p ?o }} }}")
    assert in_settings == [{"n": "2"}]


def test_broken_source_fails_with_file_and_line_and_keeps_previous_store(
    sources: Path, second: BuildResult, tmp_path: Path
):
    root = tmp_path / "root"
    shutil.copytree(sources, root)
    entries = root / "standards" / "classification" / "entries.tsv"
    lines = entries.read_text(encoding="utf-8").split("\n")
    lineno = next(i for i, line in enumerate(lines, start=1) if line.startswith("4-04-05-05\t"))
    cells = lines[lineno - 1].split("\t")
    assert cells[3] == "S"
    cells[3] = "Q"  # not a marker (L, S or L/S)
    lines[lineno - 1] = "\t".join(cells)
    entries.write_text("\n".join(lines), encoding="utf-8")

    before = _snapshot(second)
    with pytest.raises(BuildError) as info:
        build(root=root, var_dir=second.store_path.parent, dist=second.dist, quiet=True)
    located = [str(p) for p in info.value.problems]
    assert any(re.search(rf"entries\.tsv:{lineno}: .*marker", p) for p in located), located
    _assert_store_intact(second, before)


def test_build_failing_late_does_not_replace_store_or_dumps(
    sources: Path, second: BuildResult, monkeypatch: pytest.MonkeyPatch
):
    """A failure after the new store is loaded and checked (here: writing its documents) must not
    swap it in, must remove it, and must leave the dumps as they were. (The Turtle dump, which
    this test used to break, is written in a process of its own now: see the next test.)"""

    def broken_write(*args: object, **kwargs: object) -> int:
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(graph.store.documents, "write", broken_write)
    before = _snapshot(second)
    with pytest.raises(OSError, match="simulated"):
        build(root=sources, var_dir=second.store_path.parent, dist=second.dist, quiet=True)
    _assert_store_intact(second, before)


def test_dump_process_raises_what_failed_in_it(tmp_path: Path) -> None:
    """The dumps made in the build's separate process (graph/build/dump_process.py): a failure
    there is raised in the build, and closing the process removes the files it was given."""
    from graph.build.dump_process import DumpProcess

    with DumpProcess() as process:
        process.submit(b"<http://e/a> <http://e/p> not N-Triples .\n", tmp_path)
        with pytest.raises(SyntaxError):
            process.result()
    assert list(tmp_path.iterdir()) == []

"""The `occugraph` command: help on every subcommand, queries against the test store, and failures
that exit 1 with a message instead of a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from graph.build.pipeline import BuildResult
from graph.cli.main import main

# the console script installed next to the interpreter running the tests (the venv's)
OCCUGRAPH = Path(sys.executable).with_name("occugraph")
TRAINER_QUERY = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?code ?name WHERE { ?o skos:notation ?code ; skos:prefLabel ?name FILTER(?code = "4-04-05-05") }"""


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(OCCUGRAPH), *args], capture_output=True, text=True, input=stdin, timeout=120)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ((), ["build", "serve", "query"]),
        (("build",), ["--root", "--quiet"]),
        (("serve",), ["--host", "--port", "127.0.0.1", "8000"]),
        (("query",), ["--format", "--store"]),
    ],
    ids=["occugraph", "build", "serve", "query"],
)
def test_help(args, words):
    proc = run(*args, "--help")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: occugraph")
    for word in words:
        assert word in proc.stdout


def test_no_command_is_usage_error():
    proc = run()
    assert proc.returncode == 2
    assert "usage:" in proc.stderr


def test_query_prints_a_table(built: BuildResult):
    proc = run("query", "--store", str(built.store_path), TRAINER_QUERY)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["code", "name"]
    assert lines[2].split() == ["4-04-05-05", "人工智能训练师"]
    assert lines[-1] == "(1 row)"


def test_query_from_stdin_and_file(built: BuildResult, tmp_path: Path, capsys, monkeypatch):
    rq = tmp_path / "trainer.rq"
    rq.write_text(TRAINER_QUERY, encoding="utf-8")
    assert main(["query", "--store", str(built.store_path), "--format", "json", f"@{rq}"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["results"]["bindings"][0]["name"]["value"] == "人工智能训练师"

    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("ASK { ?s ?p ?o }"))
    assert main(["query", "--store", str(built.store_path), "-"]) == 0
    assert capsys.readouterr().out.strip() == "true"


def test_query_csv_and_turtle(built: BuildResult, capsys):
    assert main(["query", "--store", str(built.store_path), "--format", "csv", TRAINER_QUERY]) == 0
    assert capsys.readouterr().out.splitlines() == ["code,name", "4-04-05-05,人工智能训练师"]
    construct = TRAINER_QUERY.replace("SELECT ?code ?name WHERE", "CONSTRUCT { ?o skos:prefLabel ?name } WHERE")
    assert main(["query", "--store", str(built.store_path), construct]) == 0
    assert "人工智能训练师" in capsys.readouterr().out


def test_malformed_query_exits_1_with_a_message(built: BuildResult):
    proc = run("query", "--store", str(built.store_path), "SELECT * WHERE {")
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.startswith("occugraph: query syntax error")
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"], "SERVICE is refused"),
        (["@/no/such/file.rq"], "cannot read /no/such/file.rq"),
    ],
)
def test_refused_queries_exit_1(built: BuildResult, capsys, args, message):
    assert main(["query", "--store", str(built.store_path), *args]) == 1
    err = capsys.readouterr().err
    assert err.startswith("occugraph: ") and message in err


def test_missing_store_exits_1(tmp_path: Path, capsys):
    with pytest.raises(SystemExit) as info:
        main(["query", "--store", str(tmp_path / "nothing"), "ASK {}"])
    assert info.value.code == 1
    assert "run `occugraph build` first" in capsys.readouterr().err


def test_a_store_occugraph_did_not_build_exits_1_saying_how_to_fix_it(tmp_path: Path, capsys):
    """A store built by another program (or an older version: no settings graph, no ontology levels) is
    the operator's problem: the command says to rebuild, it does not print a traceback."""
    import pyoxigraph as ox

    foreign = ox.Store(str(tmp_path / "foreign"))
    foreign.add(ox.Quad(ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/b"), ox.Literal("c")))
    foreign.flush()
    del foreign
    assert main(["classify", "焊工", "--store", str(tmp_path / "foreign")]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "occugraph build" in err and "og:classificationLevel" in err


def test_build_failure_exits_1_with_file_and_line(tmp_path: Path):
    root = tmp_path / "root"
    (root / "ontology").mkdir(parents=True)
    (root / "standards").mkdir()
    (root / "ontology" / "broken.ttl").write_text("@prefix ex: <http://example.org/> .\nex:a ex:b .\n")
    proc = run("build", "--quiet", "--root", str(root))
    assert proc.returncode == 1
    assert "broken.ttl:2: " in proc.stderr and "build failed" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (root / "var").exists()

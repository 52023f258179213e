"""The layout docs/architecture.md describes is the layout of the code.

Checked from the source text with ``ast`` (nothing imported): every package the document names
exists, no module under graph/ except the command line imports the web layer (server/, flask), and
no two modules import each other, directly or through others, at module level or inside functions.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[1]
ARCHITECTURE = ROOT / "docs" / "architecture.md"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    return {
        module_name(p): p
        for top in ("graph", "server")
        for p in (ROOT / top).rglob("*.py")
        if "__pycache__" not in p.parts
    }


def imports_of(path: Path, modules: dict[str, Path]) -> set[str]:
    """Project modules (and 'flask') that ``path`` imports anywhere in its text."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    this = module_name(path)
    package = this if path.name == "__init__.py" else this.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else [])
                )
            names = [base] + [f"{base}.{a.name}" for a in node.names]
        for name in names:
            if name.split(".")[0] == "flask":
                found.add("flask")
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name and name != this and name not in ("graph", "server"):
                found.add(name)
    return found


def import_graph() -> nx.DiGraph:
    modules = project_modules()
    g = nx.DiGraph()
    for name, path in modules.items():
        g.add_node(name)
        for target in imports_of(path, modules):
            g.add_edge(name, target)
    return g


def test_every_package_named_in_the_architecture_exists():
    text = ARCHITECTURE.read_text(encoding="utf-8")
    named = set(re.findall(r"^\| `((?:graph|server)/[a-z_/]+)/` \|", text, flags=re.M))
    assert len(named) >= 10, "the package table of docs/architecture.md was not found"
    missing = sorted(p for p in named if not (ROOT / p / "__init__.py").is_file())
    assert not missing, f"docs/architecture.md names packages that do not exist: {missing}"
    actual = {
        str(p.parent.relative_to(ROOT))
        for top in ("graph", "server")
        for p in (ROOT / top).rglob("__init__.py")
        if "__pycache__" not in p.parts and p.parent != ROOT / top
    }
    undocumented = sorted(actual - named)
    assert not undocumented, f"packages missing from docs/architecture.md: {undocumented}"


def test_only_the_command_line_reaches_the_web_layer():
    g = import_graph()
    offenders = sorted(
        (a, b)
        for a, b in g.edges
        if a.startswith("graph.") and not a.startswith("graph.cli") and (b == "flask" or b.startswith("server"))
    )
    assert not offenders, f"modules under graph/ that import the web layer: {offenders}"


def test_no_import_cycles():
    g = import_graph()
    g.remove_node("flask") if "flask" in g else None
    cycles = sorted(sorted(c) for c in nx.simple_cycles(g))
    assert not cycles, f"import cycles: {cycles[:10]}"


def test_the_import_checker_sees_real_imports():
    """Guard against a checker that finds nothing: known edges must be seen."""
    g = import_graph()
    assert g.has_edge("graph.build.pipeline", "graph.store.embedded")
    assert g.has_edge("server.blueprints.sparql", "server.sparql_protocol")


# ------------------------------------------------------------------------------------------------
# SPARQL lives in .rq files (graph/<area>/sparql/, server/sparql/), run through graph.store.sparql
# with the one prefix table and bound parameters; no query is written inside a Python string.

INLINE_QUERY = re.compile(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b[^{}]*\{|\bPREFIX\s+[\w-]*:\s*<", re.S)

# Strings that look like a query but are not run by the code on a store, each with why it stays.
# Docstrings (and the doctests in them) are documentation and never checked.
INLINE_ALLOWED = {
    ("server/openapi.py", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"): "an example in the /sparql API document",
    ("server/openapi.py", "ASK { ?s ?p ?o }"): "an example in the /sparql API document",
    ("server/query_worker.py", "ASK { ?s ?p ?o }"): "loads the guard's parser at worker start; not run on a store",
    ("graph/core/namespaces.py", "PREFIX  : < >"): "the one prefix table, written as SPARQL declarations",
}


def string_literals(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every string literal that is not a docstring; an f-string's holes are blanks."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    in_fstrings = {id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for v in node.values}
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else " " for v in node.values)
            out.append((node.lineno, text))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings and id(node) not in in_fstrings:
                out.append((node.lineno, node.value))
    return out


def inline_queries() -> list[str]:
    found = []
    for path in sorted(project_modules().values()):
        rel = path.relative_to(ROOT).as_posix()
        for line, text in string_literals(path):
            if INLINE_QUERY.search(text) and not any(rel == f and s in text for f, s in INLINE_ALLOWED):
                found.append(f"{rel}:{line}: {text.strip()[:80]!r}")
    return found


def test_no_sparql_query_inside_python_strings():
    assert inline_queries() == [], "write the query as a .rq file and run it with graph.store.sparql"


def test_the_inline_query_check_sees_queries(tmp_path, monkeypatch):
    """The check finds a pasted query, an f-string one and a PREFIX block, and leaves SQL alone."""
    (tmp_path / "graph").mkdir()
    (tmp_path / "graph" / "bad.py").write_text(
        'A = "SELECT ?s WHERE { ?s ?p ?o }"\n'
        'B = f"ASK {{ <{iri}> ?p ?o }}"\n'
        'C = "PREFIX og: <https://w3id.org/occugraph/ontology/>\\n"\n'
        'D = "SELECT body FROM documents WHERE kind = ?"\n'
        'def f():\n    """SELECT ?s WHERE { ?s ?p ?o } in a docstring is documentation."""\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert [f.split(":")[1] for f in inline_queries()] == ["1", "2", "3"]


def query_files() -> list[Path]:
    return sorted(p for top in ("graph", "server") for p in (ROOT / top).rglob("*.rq"))


def test_every_query_file_parses_with_the_shared_prefixes():
    """Each .rq file, its parameters bound (IRIs fit wherever a parameter may stand), is a query
    pyoxigraph accepts; the QC rules of ontology/qc run as written and must parse as they are."""
    import pyoxigraph as ox

    from graph.store.sparql import Iri, Query

    empty = ox.Store()
    files = query_files()
    assert len(files) > 80
    errors = []
    for path in files + sorted((ROOT / "ontology" / "qc").glob("*.rq")):
        body = path.read_text(encoding="utf-8")
        query = Query(path.stem, body)
        text = query.bind(**{p: Iri("https://example.org/param") for p in query.params})
        if path.parent.name == "qc":
            text = body
        try:
            empty.query(text)
        except SyntaxError as exc:
            errors.append(f"{path.relative_to(ROOT)}: {exc}")
    assert errors == []


def test_every_query_file_is_used():
    """A query file no module names is dead: the file stem appears as ``Q.<stem>`` somewhere."""
    code = "\n".join(p.read_text(encoding="utf-8") for p in project_modules().values())
    used = set(re.findall(r"\.([a-z_][a-z0-9_]*)\b", code))
    unused = [p.relative_to(ROOT).as_posix() for p in query_files() if p.parent.name == "sparql" and p.stem not in used]
    assert unused == []

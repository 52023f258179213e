"""The layout docs/architecture.md describes is the layout of the code.

Checked from the source text with ``ast`` (nothing imported): every package the document names
exists, no module under graph/ except the command line imports the web layer (server/, flask), and
no two modules import each other, directly or through others, at module level or inside functions.
"""

from __future__ import annotations

import ast
import re
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

"""Write the ``OG`` namespace class (graph/core/og.py) from the TBox, so no term is typed by hand.

Every IRI under ``https://w3id.org/occugraph/ontology/`` that ontology/*.ttl declares (gives an
``rdf:type``) becomes one attribute, with its English label as the comment. ``OG`` is an rdflib
``DefinedNamespace`` with ``_fail = True``: code that names a term the ontology does not declare
fails when the module is imported, not when a query silently finds nothing. Run
``occugraph namespace`` after adding or renaming a term; tests/test_namespace.py fails while
graph/core/og.py is out of date.
"""

from __future__ import annotations

from pathlib import Path

import rdflib
from rdflib import RDF, RDFS, URIRef

from graph.core.namespaces import BASE
from graph.core.paths import project_root

OG_NS = BASE + "ontology/"
HEADER = '''"""OccuGraph terms: GENERATED from ontology/*.ttl by `occugraph namespace` -- do not edit.

Every class and property the ontology declares under og: ({ns}), one attribute
each (the comment is its English label). Add a term to the ontology, then run `occugraph namespace`;
tests/test_namespace.py checks that this file is up to date.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace


class OG(DefinedNamespace):
    """OccuGraph terms, as declared in ontology/*.ttl (generated: graph/build/namespace.py)."""

    _NS = Namespace("{ns}")
    _fail = True

'''


def tbox(root: Path | None = None) -> rdflib.Graph:
    g = rdflib.Graph()
    for path in sorted(((root or project_root()) / "ontology").glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


def declared_terms(g: rdflib.Graph) -> dict[str, str]:
    """Local name -> English label (or "") of every OccuGraph term with an rdf:type."""
    out: dict[str, str] = {}
    for s in set(g.subjects(RDF.type, None)):
        if isinstance(s, URIRef) and str(s).startswith(OG_NS) and len(str(s)) > len(OG_NS):
            labels = [str(o) for o in g.objects(s, RDFS.label) if getattr(o, "language", None) == "en"]
            out[str(s)[len(OG_NS) :]] = sorted(labels)[0] if labels else ""
    return out


def render(terms: dict[str, str]) -> str:
    """The module text: terms sorted by name, so the file changes only where the ontology did."""
    lines = [HEADER.format(ns=OG_NS)]
    for name in sorted(terms):
        line = f"    {name}: URIRef"
        label = " ".join(terms[name].split())[: 120 - len(line) - 4]  # within the line length
        lines.append(line + (f"  # {label}" if label else "") + "\n")
    return "".join(lines)


def target(root: Path | None = None) -> Path:
    return (root or project_root()) / "graph" / "core" / "og.py"


def write(root: Path | None = None, check: bool = False) -> bool:
    """Write graph/core/og.py; with ``check``, only say whether it is up to date. True = up to date
    (check) or written."""
    text = render(declared_terms(tbox(root)))
    path = target(root)
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    if check:
        return current == text
    if current != text:
        path.write_text(text, encoding="utf-8")
    return True

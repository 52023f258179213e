"""Readers for the file sets in ``standards/``: each turns one folder of TSVs into triples.

A reader is a function ``load(folder, graph, ctx)``. It raises ``SourceError``/``SourceErrors``
with file:line for anything an editor must fix, and adds notes for the QC report to ``ctx``.
Readers run in the order of ``READERS``; later ones may use what earlier ones put in ``ctx``
(e.g. the standards reader resolves occupation codes against the classification).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef


@dataclass
class BuildContext:
    """What readers share: the entries by code, and findings for the QC report."""

    entries: dict[str, tuple[URIRef, frozenset[str]]] = field(default_factory=dict)
    notes: dict[str, list[str]] = field(default_factory=dict)

    def note(self, section: str, text: str) -> None:
        self.notes.setdefault(section, []).append(text)


Reader = Callable[[Path, Graph, BuildContext], None]


def readers() -> list[tuple[str, Reader]]:
    """(folder name under standards/, reader), in build order."""
    from graph.sources import classification, provenance

    return [
        ("provenance", provenance.load),
        ("classification", classification.load),
    ]

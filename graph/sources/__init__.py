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

from graph.locations import SourceMap


@dataclass
class BuildContext:
    """What readers share: the entries by code, findings for the QC report, and where each triple
    came from (``locations``, filled in by the build; see graph/locations.py)."""

    entries: dict[str, tuple[URIRef, frozenset[str]]] = field(default_factory=dict)
    notes: dict[str, list[str]] = field(default_factory=dict)
    locations: SourceMap = field(default_factory=SourceMap)

    def note(self, section: str, text: str) -> None:
        self.notes.setdefault(section, []).append(text)


Reader = Callable[[Path, Graph, BuildContext], None]


def readers() -> list[tuple[str, Reader]]:
    """(folder name under standards/, reader), in build order."""
    from graph.sources import classification, provenance

    return [
        ("provenance", provenance.load),
        ("classification", classification.load),
        ("new-occupations", __import__("graph.sources.new_occupations", fromlist=["load"]).load),
        ("ladder", __import__("graph.sources.ladder", fromlist=["load"]).load),
        ("eligibility", __import__("graph.sources.eligibility_rules", fromlist=["load"]).load),
        ("skill-standards", __import__("graph.sources.skill_standards", fromlist=["load"]).load),
        # derived from the eligibility rules and standards read above (reads no files of its own)
        ("pathways", __import__("graph.sources.pathways", fromlist=["load"]).load),
        ("work-requirements", __import__("graph.sources.work_requirements", fromlist=["load"]).load),
        ("majors", __import__("graph.sources.schools", fromlist=["_"]).load_majors),
        ("onex", __import__("graph.sources.schools", fromlist=["_"]).load_onex),
        ("credit-equivalences", __import__("graph.sources.schools", fromlist=["_"]).load_credit_equivalences),
        # keep last: marks entities of any file set as deprecated
        ("deprecations", __import__("graph.sources.deprecations", fromlist=["load"]).load),
    ]

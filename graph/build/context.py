"""What the readers of standards/ share while a build runs (graph/build/sources/)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef

from graph.build.causes import Causes
from graph.build.locations import SourceMap


@dataclass
class BuildContext:
    """What readers share: the entries by code, findings for the QC report, and where each triple
    came from (``locations``, filled in by the build; see graph/build/locations.py)."""

    entries: dict[str, tuple[URIRef, frozenset[str]]] = field(default_factory=dict)
    notes: dict[str, list[str]] = field(default_factory=dict)
    locations: SourceMap = field(default_factory=SourceMap)
    causes: Causes = field(default_factory=Causes)  # what a broken row failed to define (causes.py)
    # published totals per edition and count (classification/official-totals.tsv): the QC count table
    official_totals: dict[str, dict[str, int]] = field(default_factory=dict)
    # matching settings per file set (job-titles, curriculum-matching), checked rows as JSON-ready
    # data: the build writes them into the store's settings graph (graph/store/settings.py)
    settings: dict[str, dict[str, Any]] = field(default_factory=dict)

    def note(self, section: str, text: str) -> None:
        self.notes.setdefault(section, []).append(text)


Reader = Callable[[Path, Graph, BuildContext], None]

"""standards/job-titles/: the lists the job-title classifier reads (noise words, synonyms and colloquial
names, how titles are built). They add no data triples: the build checks them, so that a broken row (a
regular expression that does not compile, an unknown kind) is a build and `occugraph validate` error
at file:line, and writes the checked rows into the store's settings graph (graph/store/settings.py),
from which the classifier is made. Nothing reads standards/job-titles/ at serve time.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from rdflib import Graph

from graph.build.context import BuildContext
from graph.build.tsv import read_dictionary, read_table

NAME = "job-titles"
# the columns the classifier uses, per file (notes are for editors)
COLUMNS = {
    "noise-words.tsv": ("term", "kind", "category"),
    "synonyms.tsv": ("term", "expansion", "category"),
    "structure.tsv": ("term", "kind"),
}


def read(folder: Path) -> dict[str, Any]:
    """The checked rows of the three files, as the settings document the classifier is made from
    (graph/classification/classifier.py:WordLists.from_settings); a bad row raises SourceError
    with file:line. structure.tsv is optional."""
    dictionary = read_dictionary(folder)
    settings: dict[str, Any] = {}
    for file, columns in COLUMNS.items():
        rows = []
        for row in read_table(folder, file, dictionary, optional=file == "structure.tsv"):
            if file == "noise-words.tsv" and row["kind"] == "pattern":
                try:
                    re.compile(row["term"])
                except re.error as exc:
                    raise row.error(f"bad pattern {row['term']!r}: {exc}") from None
            rows.append({c: row.get(c) for c in columns})
        settings[file.removesuffix(".tsv")] = rows
    return settings


def load(folder: Path, g: Graph, ctx: BuildContext) -> None:
    from graph.classification.classifier import WordLists

    ctx.settings[NAME] = read(folder)
    lists = WordLists.from_settings(ctx.settings[NAME])
    counts = ", ".join(f"{len(v)} {k}" for k, v in sorted(lists.structure.items()))
    ctx.note(
        "job-titles",
        f"{len(lists.words)} noise words, {len(lists.patterns)} noise patterns, {len(lists.synonyms)} synonyms; "
        f"structure: {counts}",
    )

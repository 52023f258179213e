"""standards/curriculum-matching/: the stop words and synonyms the curriculum mapping reads
(graph/schools/curriculum.py). Like the job-title lists they add no data triples: the build checks
them (a broken row is a build and `occugraph validate` error at file:line) and writes the checked
rows into the store's settings graph (graph/store/settings.py), from which the curriculum index is
made. Nothing reads standards/curriculum-matching/ at serve time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rdflib import Graph

from graph.build.context import BuildContext
from graph.build.tsv import read_dictionary, read_table

NAME = "curriculum-matching"
COLUMNS = {
    "stopwords.tsv": ("term", "where"),
    "synonyms.tsv": ("term", "expansion"),
}


def read(folder: Path) -> dict[str, Any]:
    """The checked rows of the two files, as the settings document the curriculum mapping is made
    from (graph/schools/curriculum.py:WordLists.from_settings); a bad row raises SourceError."""
    dictionary = read_dictionary(folder)
    return {
        file.removesuffix(".tsv"): [{c: row.get(c) for c in columns} for row in read_table(folder, file, dictionary)]
        for file, columns in COLUMNS.items()
    }


def load(folder: Path, g: Graph, ctx: BuildContext) -> None:
    ctx.settings[NAME] = settings = read(folder)
    where = {w: sum(1 for r in settings["stopwords"] if r["where"] == w) for w in ("anywhere", "end")}
    ctx.note(
        "curriculum-matching",
        f"{where['anywhere']} stop words, {where['end']} end-only stop words, {len(settings['synonyms'])} synonyms",
    )

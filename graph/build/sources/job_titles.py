"""standards/job-titles/: the lists the job-title classifier reads (noise words, synonyms and colloquial
names, how titles are built). They add no triples; the build reads them so that a broken row (a
regular expression that does not compile, an unknown kind) is a build and `occugraph validate` error
at file:line, never a failure when a title is classified.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from graph.build.context import BuildContext


def load(folder: Path, g: Graph, ctx: BuildContext) -> None:
    from graph.classification.classifier import WordLists

    lists = WordLists.load(folder)  # raises SourceError with file:line
    counts = ", ".join(f"{len(v)} {k}" for k, v in sorted(lists.structure.items()))
    ctx.note(
        "job-titles",
        f"{len(lists.words)} noise words, {len(lists.patterns)} noise patterns, {len(lists.synonyms)} synonyms; "
        f"structure: {counts}",
    )

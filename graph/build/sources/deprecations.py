"""standards/deprecations/: identifiers that are retired but never deleted (docs/iri-policy.md).

Each row marks one existing entity as deprecated: ``owl:deprecated true``, what replaces it
(``dcterms:isReplacedBy``), why (``og:deprecationReason``) and from when
(``og:deprecationDate``). The entity keeps its own row in its own file set, so its IRI, labels and
history stay in every later release. Runs after the other readers so a classification code can
be resolved; whether an ``id``/``replaced_by`` written as an IRI path exists is checked by the QC
rules ``deprecated-undefined`` and ``replacement-undefined`` once every reader has run.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rdflib import OWL, Graph, URIRef
from rdflib.namespace import DCTERMS, SKOS, XSD

from graph.build.context import BuildContext
from graph.build.terms import literal
from graph.build.tsv import Row, SourceErrors, read_dictionary, read_table
from graph.core.codes import CODE_RE
from graph.core.errors import SourceError
from graph.core.namespaces import ID, OG


def resolve(value: str, ctx: BuildContext, row: Row, column: str) -> URIRef:
    """A code through the classification read so far, else an IRI path under id/."""
    if CODE_RE.fullmatch(value):
        entry = ctx.entries.get(value)
        if entry is None:
            raise row.missing(
                f"column {column!r}: no entry with code {value} in classification/entries.tsv",
                value,
                "classification/entries.tsv",
            )
        return entry[0]
    return URIRef(ID + value)


def load(folder: Path, g: Graph, ctx: BuildContext) -> None:
    dictionary = read_dictionary(folder)
    problems: list[SourceError] = []
    seen: dict[str, int] = {}
    for row in read_table(folder, "deprecations.tsv", dictionary):
        ident, replacement = row["id"], row.get("replaced_by")
        if ident in seen:
            problems.append(row.error(f"{ident} is already deprecated at line {seen[ident]}"))
            continue
        seen[ident] = row.line
        try:
            date.fromisoformat(row["date"])
        except ValueError:
            problems.append(row.error(f"column 'date': {row['date']!r} is not a real date (YYYY-MM-DD)"))
            continue
        if replacement == ident:
            problems.append(row.error(f"{ident} cannot replace itself; leave replaced_by empty instead"))
            continue
        try:
            iri = resolve(ident, ctx, row, "id")
            new = resolve(replacement, ctx, row, "replaced_by") if replacement else None
        except SourceError as exc:
            problems.append(exc)
            continue
        g.add((iri, OWL.deprecated, literal(True)))
        g.add((iri, OG.deprecationReason, literal(row["reason"])))
        g.add((iri, OG.deprecationDate, literal(row["date"], datatype=XSD.date)))
        if new is not None:
            g.add((iri, DCTERMS.isReplacedBy, new))
        if row.get("decided_by"):
            g.add((iri, SKOS.changeNote, literal(f"deprecated from {row['date']}, decided by {row['decided_by']}")))
    if problems:
        raise SourceErrors(problems)

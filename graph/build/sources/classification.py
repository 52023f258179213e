"""standards/classification/: the occupational classification as a SKOS concept scheme.

Cross-file checks live here (not in SHACL) because they need the row numbers: an editor told
"entries.tsv:412: kinds 'occupation' disagree with code 2-02-38-00" can fix it in a spreadsheet.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import RDF, Graph, Literal
from rdflib.namespace import DCTERMS, PROV, SKOS

from graph.build.context import BuildContext
from graph.build.tsv import SourceErrors, read_dictionary, read_table
from graph.core.codes import CODE_RE, ancestors, code_kind
from graph.core.errors import SourceError
from graph.core.namespaces import KIND_CLASS, OG, SCHEME, edition_iri, entry_iri, source_iri, task_iri

ENTRIES = "classification/entries.tsv"
SOURCE_DATASET = {"csco22": "csco22", "osta-live": "osta-live", "osta-live-parent": "osta-live"}


def load(folder: Path, g: Graph, ctx: BuildContext) -> None:
    dictionary = read_dictionary(folder)
    problems: list[SourceError] = []

    editions = {}
    for row in read_table(folder, "editions.tsv", dictionary):
        iri = edition_iri(row["id"])
        editions[row["id"]] = iri
        g.add((iri, RDF.type, OG.Edition))
        g.add((iri, SKOS.prefLabel, Literal(row["label"], lang="zh")))
        g.add((iri, OG.editionYear, Literal(int(row["year"]))))  # xsd:integer: gYear is not OWL 2 DL
        if row.get("note"):
            g.add((iri, SKOS.note, Literal(row["note"], lang="en")))

    rejected: list = []
    entries = read_table(folder, "entries.tsv", dictionary, rejected=rejected)
    # a bad row defines nothing; rows that refer to its code are its consequences (causes.py)
    good = sorted(r.values["code"] for r in entries)
    for row, row_problems in rejected:
        problems += row_problems
        code = row.values["code"]
        if CODE_RE.fullmatch(code):
            ctx.causes.broken[(ENTRIES, code)] = row_problems[0]
        else:
            after = max((c for c in (r.values["code"] for r in entries if r.line < row.line)), default="")
            before = min((c for c in good if c > after), default="")
            ctx.causes.gap(ENTRIES, after, before, row_problems[0])
    bad_lines = {row.line for row, _ in rejected}
    seen: dict[str, int] = {}
    for row in entries:
        code = row["code"]
        kinds = frozenset(row["kinds"].split("|"))
        if code in seen:
            problems.append(row.error(f"code {code} already defined at line {seen[code]}"))
            continue
        seen[code] = row.line
        implied = code_kind(code)
        if implied not in kinds and not (implied == "medium" and "occupation" in kinds):
            problems.append(row.error(f"kinds {row['kinds']!r} disagree with code {code} (a {implied} code)"))
        if "occupation" in kinds and implied == "major":
            problems.append(row.error(f"a major-group code ({code}) cannot be an occupation"))
        if row["marker"] and "occupation" not in kinds:
            problems.append(row.error(f"marker {row['marker']!r} on a group; markers belong to occupations"))
        for ed in row["editions"].split("|"):
            if ed not in editions:
                problems.append(row.error(f"unknown edition {ed!r} (editions.tsv has {sorted(editions)})"))
        ctx.entries[code] = (entry_iri(code, kinds), kinds)
    if any(p.line not in bad_lines for p in problems):
        raise SourceErrors(problems)
    # only whole bad rows so far: go on without them, so references to the other rows still check

    for row in entries:
        code = row["code"]
        iri, kinds = ctx.entries[code]
        g.add((iri, RDF.type, SKOS.Concept))
        for kind in sorted(kinds):
            g.add((iri, RDF.type, KIND_CLASS[kind]))
        g.add((iri, SKOS.inScheme, SCHEME))
        g.add((iri, SKOS.notation, Literal(code)))
        g.add((iri, SKOS.prefLabel, Literal(row["name"], lang="zh")))
        if row["definition"]:
            g.add((iri, SKOS.definition, Literal(row["definition"], lang="zh")))
        if row["marker"]:
            g.add((iri, OG.markerAsPrinted, Literal(row["marker"])))
            if "S" in row["marker"]:
                g.add((iri, RDF.type, OG.DigitalOccupation))
            if "L" in row["marker"]:
                g.add((iri, RDF.type, OG.GreenOccupation))
        for ed in row["editions"].split("|"):
            g.add((iri, OG.inEdition, editions[ed]))
        if row["source"] in SOURCE_DATASET:
            g.add((iri, PROV.wasDerivedFrom, source_iri(SOURCE_DATASET[row["source"]])))
        else:
            g.add((iri, DCTERMS.source, Literal(row["source"])))
        parent = next((a for a in ancestors(code) if a in ctx.entries), None)
        if parent is None:
            if code_kind(code) != "major":
                problems.append(
                    row.missing(f"no parent group of {code} exists in entries.tsv", ancestors(code)[0], ENTRIES)
                )
            g.add((iri, SKOS.topConceptOf, SCHEME))
            g.add((SCHEME, SKOS.hasTopConcept, iri))
        else:
            skipped = ancestors(code)[: ancestors(code).index(parent)]
            if skipped:
                ctx.note(
                    "hierarchy",
                    f"{code} {row['name']}: parent {skipped[0]} is not in the data, linked to {parent} instead",
                )
            piri = ctx.entries[parent][0]
            g.add((iri, SKOS.broader, piri))
            g.add((piri, SKOS.narrower, iri))

    g.add((SCHEME, RDF.type, SKOS.ConceptScheme))
    g.add((SCHEME, SKOS.prefLabel, Literal("中华人民共和国职业分类大典", lang="zh")))
    g.add((SCHEME, SKOS.prefLabel, Literal("Occupational Classification of the People's Republic of China", lang="en")))

    task_seen: dict[tuple[str, str], int] = {}
    for row in read_table(folder, "tasks.tsv", dictionary):
        code, number = row["code"], row["task_no"]
        if code not in ctx.entries:
            problems.append(row.missing(f"unknown code {code} (not in entries.tsv)", code, ENTRIES))
            continue
        if (code, number) in task_seen:
            problems.append(row.error(f"task {number} of {code} already given at line {task_seen[(code, number)]}"))
            continue
        task_seen[(code, number)] = row.line
        iri = ctx.entries[code][0]
        t = task_iri(code, int(number))
        g.add((iri, OG.hasMainTask, t))
        g.add((t, RDF.type, OG.MainTask))
        g.add((t, OG.taskNumber, Literal(int(number))))
        g.add((t, OG.taskText, Literal(row["task"], lang="zh")))

    for row in read_table(folder, "labels.tsv", dictionary):
        if row["code"] not in ctx.entries:
            problems.append(row.missing(f"unknown code {row['code']} (not in entries.tsv)", row["code"], ENTRIES))
            continue
        prop = SKOS.altLabel if row["type"] == "alt" else SKOS.hiddenLabel
        g.add((ctx.entries[row["code"]][0], prop, Literal(row["label"], lang="zh")))

    for row in read_table(folder, "code-history.tsv", dictionary):
        if row["code"] not in ctx.entries:
            problems.append(
                row.missing(f"unknown current code {row['code']} (not in entries.tsv)", row["code"], ENTRIES)
            )
            continue
        g.add((ctx.entries[row["code"]][0], OG.formerCode, Literal(row["former_code"])))

    for row in read_table(folder, "fixes.tsv", dictionary):
        ctx.note("fixes", f"{row['code']} [{row['fix']}] {row['evidence']}")

    if problems:
        raise SourceErrors(problems)

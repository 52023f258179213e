"""standards/classification/: the occupational classification as a SKOS concept scheme.

Cross-file checks live here (not in SHACL) because they need the row numbers: an editor told
"entries.tsv:412: kinds 'occupation' disagree with code 2-02-38-00" can fix it in a spreadsheet.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import RDF, Graph, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from graph.build.context import BuildContext
from graph.build.terms import literal
from graph.build.tsv import Column, SourceErrors, read_dictionary, read_table
from graph.classification.new_occupations import WORK_TYPE_SCHEME, work_type_iri
from graph.core.codes import CODE_RE, ancestors, code_kind
from graph.core.errors import SourceError
from graph.core.namespaces import KIND_CLASS, OG, SCHEME, edition_iri, entry_iri, group_iri, source_iri, task_iri

ENTRIES = "classification/entries.tsv"
SOURCE_DATASET = {
    "csco22": "csco22",
    "osta-live": "osta-live",
    "osta-live-parent": "osta-live",
    "csco22-text": "csco22-text",
    "new-occupations-2024-2025": "new-occupations-2024-2025",
}
# fixes.tsv rows that took a value from the dictionary text: the entry is also derived from it
FROM_TEXT = {
    "definition-from-dictionary-text",
    "definition-from-2024-2025-list",
    "tasks-from-2024-2025-list",
    "tasks-from-dictionary-text",
    "structure-from-dictionary-text",
    "group-added-from-dictionary-text",
}
ALL_LEVELS = frozenset({"major", "medium", "minor", "occupation"})


def load(folder: Path, g: Graph, ctx: BuildContext) -> None:
    dictionary = read_dictionary(folder)
    problems: list[SourceError] = []

    editions = {}
    for row in read_table(folder, "editions.tsv", dictionary):
        iri = edition_iri(row["id"])
        editions[row["id"]] = iri
        g.add((iri, RDF.type, OG.Edition))
        g.add((iri, SKOS.prefLabel, literal(row["label"], lang="zh")))
        g.add((iri, OG.editionYear, literal(int(row["year"]))))  # xsd:integer: gYear is not OWL 2 DL
        if row.get("note"):
            g.add((iri, SKOS.note, literal(row["note"], lang="en")))

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
    # occupations whose minor group (same x-xx-xx-00 code) is a resource of its own
    single_groups = {r["code"] for r in read_table(folder, "single-occupation-groups.tsv", dictionary)}
    seen: dict[str, int] = {}
    for row in entries:
        code = row["code"]
        kinds = frozenset(row["kinds"].split("|"))
        if code in seen:
            problems.append(row.error(f"code {code} already defined at line {seen[code]}"))
            continue
        seen[code] = row.line
        implied = code_kind(code)
        own_group = implied == "minor" and kinds == {"occupation"} and code in single_groups
        if implied not in kinds and not (implied == "medium" and "occupation" in kinds) and not own_group:
            problems.append(row.error(f"kinds {row['kinds']!r} disagree with code {code} (a {implied} code)"))
        if "occupation" in kinds and implied == "major" and kinds != ALL_LEVELS:
            # only the catch-all 8-00-00-00 is printed at every level at once
            problems.append(row.error(f"a major-group code ({code}) can be an occupation only at every level at once"))
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
        g.add((iri, SKOS.notation, literal(code)))
        g.add((iri, SKOS.prefLabel, literal(row["name"], lang="zh")))
        if row["definition"]:
            g.add((iri, SKOS.definition, literal(row["definition"], lang="zh")))
        if row["marker"]:
            g.add((iri, OG.markerAsPrinted, literal(row["marker"])))
            if "S" in row["marker"]:
                g.add((iri, RDF.type, OG.DigitalOccupation))
            if "L" in row["marker"]:
                g.add((iri, RDF.type, OG.GreenOccupation))
        for ed in row["editions"].split("|"):
            g.add((iri, OG.inEdition, editions[ed]))
        if row["source"] in SOURCE_DATASET:
            g.add((iri, PROV.wasDerivedFrom, source_iri(SOURCE_DATASET[row["source"]])))
        else:
            g.add((iri, DCTERMS.source, literal(row["source"])))
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
    g.add((SCHEME, SKOS.prefLabel, literal("中华人民共和国职业分类大典", lang="zh")))
    g.add((SCHEME, SKOS.prefLabel, literal("Occupational Classification of the People's Republic of China", lang="en")))

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
        g.add((t, OG.taskNumber, literal(int(number))))
        g.add((t, OG.taskText, literal(row["task"], lang="zh")))

    # labels an editor has withdrawn (withdrawn-labels.tsv): kept out of the graph, and out of search
    # and the job-title classifier, while labels.tsv stays as imported (a re-import keeps them out);
    # the file is optional: a project may withdraw nothing
    withdrawals = read_table(folder, "withdrawn-labels.tsv", dictionary, optional=True)
    withdrawn = {(w["code"], w["label"]): w for w in withdrawals}
    applied: set[tuple[str, str]] = set()
    for row in read_table(folder, "labels.tsv", dictionary):
        if row["code"] not in ctx.entries:
            problems.append(row.missing(f"unknown code {row['code']} (not in entries.tsv)", row["code"], ENTRIES))
            continue
        w = withdrawn.get((row["code"], row["label"]))
        if w is not None:
            applied.add((row["code"], row["label"]))
            ctx.note("withdrawn labels", f"{row['code']} {row['label']} ({row['source']}): {w['reason']}")
            continue
        prop = SKOS.altLabel if row["type"] == "alt" else SKOS.hiddenLabel
        g.add((ctx.entries[row["code"]][0], prop, literal(row["label"], lang="zh")))
    for key, w in withdrawn.items():
        if key not in applied:
            problems.append(w.error(f"{key[1]!r} is not a label of {key[0]} in labels.tsv: nothing to withdraw"))

    for row in read_table(folder, "code-history.tsv", dictionary):
        if row["code"] not in ctx.entries:
            problems.append(
                row.missing(f"unknown current code {row['code']} (not in entries.tsv)", row["code"], ENTRIES)
            )
            continue
        g.add((ctx.entries[row["code"]][0], OG.formerCode, literal(row["former_code"])))

    for row in read_table(folder, "fixes.tsv", dictionary):
        ctx.note("fixes", f"{row['code']} [{row['fix']}] {row['evidence']}")
        if row["fix"] in FROM_TEXT and row["code"] in ctx.entries:
            dataset = "new-occupations-2024-2025" if "2024-2025" in row["fix"] else "csco22-text"
            g.add((ctx.entries[row["code"]][0], PROV.wasDerivedFrom, source_iri(dataset)))

    _single_occupation_groups(folder, g, ctx, dictionary, problems)
    _work_types(folder, g, ctx, dictionary, problems)
    _note_official_totals(folder, g, ctx, dictionary, editions)

    if problems:
        raise SourceErrors(problems)


def _single_occupation_groups(
    folder: Path, g: Graph, ctx: BuildContext, dictionary: dict[str, list[Column]], problems: list[SourceError]
) -> None:
    """A minor group holding one occupation printed with the group's own code (x-xx-xx-00) but
    another name becomes a resource of its own: id/group/<code>, named as the group, with the same
    notation as its occupation (the dictionary prints both codes alike), and the occupation below it."""
    for row in read_table(folder, "single-occupation-groups.tsv", dictionary):
        code = row["code"]
        entry = ctx.entries.get(code)
        if entry is None or entry[1] != frozenset({"occupation"}):
            problems.append(row.error(f"{code} is not an occupation-only row of entries.tsv"))
            continue
        occ = entry[0]
        group = group_iri(code)
        g.add((group, RDF.type, SKOS.Concept))
        g.add((group, RDF.type, KIND_CLASS["minor"]))
        g.add((group, SKOS.inScheme, SCHEME))
        g.add((group, SKOS.notation, literal(code)))
        g.add((group, SKOS.prefLabel, literal(row["name"], lang="zh")))
        if row["definition"]:
            g.add((group, SKOS.definition, literal(row["definition"], lang="zh")))
        for edition in g.objects(occ, OG.inEdition):
            g.add((group, OG.inEdition, edition))
        g.add((group, PROV.wasDerivedFrom, source_iri(SOURCE_DATASET.get(row["source"], "csco22-text"))))
        for parent in list(g.objects(occ, SKOS.broader)):
            g.remove((occ, SKOS.broader, parent))
            g.remove((parent, SKOS.narrower, occ))
            g.add((group, SKOS.broader, parent))
            g.add((parent, SKOS.narrower, group))
        g.add((occ, SKOS.broader, group))
        g.add((group, SKOS.narrower, occ))


def _work_types(
    folder: Path, g: Graph, ctx: BuildContext, dictionary: dict[str, list[Column]], problems: list[SourceError]
) -> None:
    """The 工种 the dictionary lists under each occupation (id/work-type/<code>/<name>)."""
    seen: dict[tuple[str, str], int] = {}
    for row in read_table(folder, "work-types.tsv", dictionary):
        code, name = row["code"], row["name"]
        entry = ctx.entries.get(code)
        if entry is None or "occupation" not in entry[1]:
            problems.append(row.error(f"{code} is not an occupation of entries.tsv"))
            continue
        if (code, name) in seen:
            problems.append(row.error(f"工种 {name} of {code} already given at line {seen[(code, name)]}"))
            continue
        seen[(code, name)] = row.line
        iri = work_type_iri(f"{code}/{name}")
        g.add((iri, RDF.type, OG.WorkType))
        g.add((iri, RDF.type, SKOS.Concept))
        g.add((iri, SKOS.inScheme, WORK_TYPE_SCHEME))
        g.add((iri, SKOS.prefLabel, literal(name, lang="zh")))
        g.add((iri, OG.workTypeOf, entry[0]))
        g.add((iri, PROV.wasDerivedFrom, source_iri(SOURCE_DATASET.get(row["source"], "csco22-text"))))
    if seen:
        g.add((WORK_TYPE_SCHEME, RDF.type, SKOS.ConceptScheme))
        g.add((WORK_TYPE_SCHEME, SKOS.prefLabel, literal("工种", lang="zh")))
        g.add((WORK_TYPE_SCHEME, SKOS.prefLabel, literal("work types", lang="en")))


# fixes.tsv kinds that explain where the data's edition differs from the published one
EDITION_DIFFERENCES = ("final-not-in-draft", "draft-only", "draft-differs-from-final", "announced-after-2022-edition")
COUNTED = {
    "major": OG.MajorGroup,
    "medium": OG.MediumGroup,
    "minor": OG.MinorGroup,
    "occupation": OG.Occupation,
    "digital": OG.DigitalOccupation,
    "green": OG.GreenOccupation,
}


def _note_official_totals(
    folder: Path, g: Graph, ctx: BuildContext, dictionary: dict[str, list[Column]], editions: dict[str, URIRef]
) -> None:
    """Compare each edition's counts with the published totals; every difference goes to the QC
    report with the items that explain it (the draft/final differences of fixes.tsv)."""
    fixes = [r for r in read_table(folder, "fixes.tsv", dictionary) if r["fix"] in EDITION_DIFFERENCES]
    section = "edition totals"
    for row in read_table(folder, "official-totals.tsv", dictionary):
        edition = editions.get(row["edition"])
        if edition is None:
            continue
        cls = COUNTED[row["count"]]
        n = len(set(g.subjects(RDF.type, cls)) & set(g.subjects(OG.inEdition, edition)))
        official = int(row["official"])
        ctx.official_totals.setdefault(row["edition"], {})[row["count"]] = official
        if n == official:
            ctx.note(section, f"{row['edition']} {row['count']}: {n}, as published ({row['source']})")
            continue
        ctx.note(section, f"{row['edition']} {row['count']}: {n} in the data, {official} published ({row['source']})")
    for r in fixes:
        name = g.value(ctx.entries[r["code"]][0], SKOS.prefLabel) if r["code"] in ctx.entries else ""
        ctx.note(section, f"difference: {r['code']} {name} [{r['fix']}] {r['evidence']}")

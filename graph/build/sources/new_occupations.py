"""standards/new-occupations/: release batches, the occupations and work types they announced,
and every occupation's first appearance.

Runs after the classification reader (it resolves codes through ``ctx.entries``). A batch with
fewer known rows than announced is not an error: the QC rule incomplete-batch reports it, because
the missing names are missing from every source, not from the file.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS, XSD

from graph.build.context import BuildContext
from graph.build.terms import literal
from graph.build.tsv import SourceErrors, read_dictionary, read_table
from graph.classification.new_occupations import WORK_TYPE_SCHEME, batch_iri, work_type_iri
from graph.core.errors import SourceError
from graph.core.namespaces import OG, source_iri

SECTION = "new occupations"


def load(folder: Path, g: Graph, ctx: BuildContext) -> None:
    dictionary = read_dictionary(folder)
    problems: list[SourceError] = []

    batch_rows = read_table(folder, "batches.tsv", dictionary)
    member_rows = read_table(folder, "members.tsv", dictionary)
    work_type_rows = read_table(folder, "work-types.tsv", dictionary)

    batches: dict[str, tuple[URIRef, str]] = {}  # number -> (IRI, announced_on)
    for row in batch_rows:
        if row["batch"] in batches:
            problems.append(row.error(f"batch {row['batch']} is given twice"))
            continue
        batches[row["batch"]] = (batch_iri(row["batch"]), row["announced_on"])
        if not row["announced_on"].startswith(row["date_as_reported"][:7]):
            problems.append(
                row.error(
                    f"announced_on {row['announced_on']} is not in the month reported ({row['date_as_reported']})"
                )
            )

    announced: dict[str, str] = {}  # code -> batch number
    members_per_batch: dict[str, int] = {}
    first_line: dict[str, int] = {}
    for row in member_rows:
        number, code = row["batch"], row["code"]
        if number not in batches:
            problems.append(row.error(f"unknown batch {number} (not in batches.tsv)"))
            continue
        members_per_batch[number] = members_per_batch.get(number, 0) + 1
        if not code:
            ctx.note(
                SECTION,
                f"batch {number}: {row['name_as_announced']} has no code in any source; "
                "counted as known but not linked to an occupation",
            )
            continue
        entry = ctx.entries.get(code)
        if entry is None:
            problems.append(
                row.missing(
                    f"unknown code {code} (not in standards/classification/entries.tsv)",
                    code,
                    "classification/entries.tsv",
                )
            )
            continue
        if "occupation" not in entry[1]:
            problems.append(row.error(f"{code} is a {'/'.join(sorted(entry[1]))} group, not an occupation"))
            continue
        if code in announced:
            problems.append(
                row.error(
                    f"{code} is already announced in batch {announced[code]} "
                    f"(line {first_line[code]}); an occupation is new only once"
                )
            )
            continue
        announced[code], first_line[code] = number, row.line
        iri = entry[0]
        g.add((iri, OG.announcedIn, batches[number][0]))
        g.add((iri, OG.nameAsAnnounced, literal(row["name_as_announced"], lang="zh")))
        g.add((iri, OG.nameEvidence, literal(row["name_evidence"])))
        current = g.value(iri, SKOS.prefLabel)
        if current is not None and str(current) != row["name_as_announced"]:
            g.add((iri, SKOS.altLabel, literal(row["name_as_announced"], lang="zh")))
            ctx.note(
                SECTION,
                f"{code} was announced in batch {number} as {row['name_as_announced']} and is "
                f"now named {current}; the announced name is kept as an alternative label",
            )

    work_types_per_batch: dict[str, int] = {}
    seen_work_types: dict[str, int] = {}
    for row in work_type_rows:
        name, number = row["name"], row["batch"]
        if number not in batches:
            problems.append(row.error(f"unknown batch {number} (not in batches.tsv)"))
            continue
        if name in seen_work_types:
            problems.append(row.error(f"work type {name} already given at line {seen_work_types[name]}"))
            continue
        seen_work_types[name] = row.line
        iri = work_type_iri(name)
        g.add((iri, RDF.type, OG.WorkType))
        g.add((iri, RDF.type, SKOS.Concept))
        g.add((iri, SKOS.inScheme, WORK_TYPE_SCHEME))
        g.add((iri, SKOS.prefLabel, literal(name, lang="zh")))
        g.add((iri, SKOS.note, literal(f"reported: {row['date_as_reported']}", lang="en")))
        g.add((iri, DCTERMS.source, literal(row["source"])))
        parts = row["source"].split(" ; ")
        if any("flyboat403" not in part for part in parts):  # the news reports of new_work_types_2025_partial
            g.add((iri, PROV.wasDerivedFrom, source_iri("new-work-types-2025")))
        if any("flyboat403" in part for part in parts):
            g.add((iri, PROV.wasDerivedFrom, source_iri("new-occupations-2024-2025")))
        if row["status"] == "announced":
            g.add((iri, OG.announcedIn, batches[number][0]))
            work_types_per_batch[number] = work_types_per_batch.get(number, 0) + 1
        else:
            g.add((iri, OG.proposedIn, batches[number][0]))
        if row["parent_code"]:
            entry = ctx.entries.get(row["parent_code"])
            if entry is None or "occupation" not in entry[1]:
                problems.append(row.error(f"parent_code {row['parent_code']} is not an occupation in entries.tsv"))
                continue
            g.add((iri, OG.workTypeOf, entry[0]))
        elif row["parent_name"]:
            ctx.note(SECTION, f"work type {name}: parent {row['parent_name']} matches no single occupation")

    if seen_work_types:
        g.add((WORK_TYPE_SCHEME, RDF.type, SKOS.ConceptScheme))
        g.add((WORK_TYPE_SCHEME, SKOS.prefLabel, literal("工种", lang="zh")))
        g.add((WORK_TYPE_SCHEME, SKOS.prefLabel, literal("work types", lang="en")))
    for row in batch_rows:
        number = row["batch"]
        iri = batches[number][0]
        g.add((iri, RDF.type, OG.NewOccupationBatch))
        g.add((iri, OG.batchNumber, literal(int(number))))
        g.add((iri, OG.announcementDate, literal(row["announced_on"], datatype=XSD.date)))
        g.add((iri, OG.dateAsReported, literal(row["date_as_reported"])))
        g.add((iri, OG.announcedOccupationCount, literal(int(row["announced_occupations"]))))
        g.add((iri, OG.knownOccupationCount, literal(members_per_batch.get(number, 0))))
        if row["announced_work_types"]:
            g.add((iri, OG.announcedWorkTypeCount, literal(int(row["announced_work_types"]))))
        g.add((iri, OG.knownWorkTypeCount, literal(work_types_per_batch.get(number, 0))))
        g.add((iri, SKOS.prefLabel, literal(row["label"], lang="zh")))
        g.add((iri, RDFS.label, literal(f"new occupations, batch {number} ({row['announced_on']})", lang="en")))
        if row["note"]:
            g.add((iri, SKOS.note, literal(row["note"])))
        g.add((iri, SKOS.note, literal(f"date: {row['date_evidence']}", lang="en")))
        g.add((iri, DCTERMS.source, literal(row["source"])))
        g.add((iri, PROV.wasDerivedFrom, source_iri("new-occupation-batches")))

    if problems:
        raise SourceErrors(problems)
    _first_appearances(g, ctx, announced, batches)


def _first_appearances(
    g: Graph, ctx: BuildContext, announced: dict[str, str], batches: dict[str, tuple[URIRef, str]]
) -> None:
    """Every occupation's earliest known publication: its batch, else its earliest edition.

    The batch wins over an edition even when an edition published earlier lists the occupation
    too (two batch-6 occupations are in csco22's 2022 data): the announcement is the dated event,
    and the QC rule announced-after-edition shows the conflict to editors.
    """
    edition_year = {ed: int(str(year)) for ed, year in g.subject_objects(OG.editionYear)}
    for code, (iri, kinds) in ctx.entries.items():
        if "occupation" not in kinds:
            continue
        if code in announced:
            batch, day = batches[announced[code]]
            g.add((iri, OG.firstAppearedIn, batch))
            g.add((iri, OG.firstAppearedOn, literal(day, datatype=XSD.date)))
            continue
        editions = sorted(g.objects(iri, OG.inEdition), key=lambda ed: (edition_year.get(ed, 9999), str(ed)))
        if editions:
            g.add((iri, OG.firstAppearedIn, editions[0]))

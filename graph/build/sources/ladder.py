"""standards/ladder/: the level ladders (skill levels, professional-technical levels) and diploma kinds.

Checks that ranks are unique per ladder and official numbers only on skill levels; links each
level to the next higher one on its ladder (og:nextHigherLevel).
"""

from __future__ import annotations

from pathlib import Path

from rdflib import RDF, Graph
from rdflib.namespace import SKOS, XSD

from graph.build.context import BuildContext
from graph.build.terms import literal
from graph.build.tsv import SourceErrors, read_dictionary, read_table
from graph.core.errors import SourceError
from graph.core.namespaces import OG
from graph.standards.iris import LADDER_CLASS, diploma_kind_iri, level_iri


def load(folder: Path, g: Graph, ctx: BuildContext) -> None:
    dictionary = read_dictionary(folder)
    problems: list[SourceError] = []
    ranks: dict[tuple[str, int], int] = {}
    by_ladder: dict[str, list[tuple[int, str]]] = {}
    names: dict[tuple[str, str], str] = {}
    for row in read_table(folder, "levels.tsv", dictionary):
        lid, ladder, rank = row["id"], row["ladder"], int(row["rank"])
        if (ladder, rank) in ranks:
            problems.append(
                row.error(f"rank {rank} of the {ladder} ladder is already used at line {ranks[(ladder, rank)]}")
            )
            continue
        ranks[(ladder, rank)] = row.line
        if row["number"] and ladder != "skill":
            problems.append(row.error("official level numbers belong to skill levels only"))
        if row["number"] and row["number"] != lid:
            problems.append(row.error(f"a numbered level's id is its number ({row['number']}), found {lid!r}"))
        if row["name_zh"] in row.get("alt_zh").split("|"):
            problems.append(row.error(f"alt_zh repeats the name {row['name_zh']!r} (SKOS: labels are disjoint)"))
        for name in [row["name_zh"], *filter(None, row.get("alt_zh").split("|"))]:
            if (ladder, name) in names and names[(ladder, name)] != lid:
                problems.append(
                    row.error(f"name {name!r} is also used by level {names[(ladder, name)]} of the {ladder} ladder")
                )
            names[(ladder, name)] = lid
        by_ladder.setdefault(ladder, []).append((rank, lid))
        iri = level_iri(lid)
        g.add((iri, RDF.type, LADDER_CLASS[ladder]))
        g.add((iri, SKOS.prefLabel, literal(row["name_zh"], lang="zh")))
        g.add((iri, SKOS.prefLabel, literal(row["name_en"], lang="en")))
        for alt in filter(None, row.get("alt_zh").split("|")):
            g.add((iri, SKOS.altLabel, literal(alt, lang="zh")))
        g.add((iri, OG.levelRank, literal(rank, datatype=XSD.integer)))
        if row["number"]:
            g.add((iri, OG.officialLevelNumber, literal(int(row["number"]), datatype=XSD.integer)))
        if row.get("note"):
            g.add((iri, SKOS.note, literal(row["note"], lang="en")))
    for levels in by_ladder.values():
        levels.sort()
        for (_r1, low), (_r2, high) in zip(levels, levels[1:], strict=False):
            g.add((level_iri(low), OG.nextHigherLevel, level_iri(high)))

    ranks_dk: dict[tuple[str, int], int] = {}
    for row in read_table(folder, "diploma-kinds.tsv", dictionary):
        key = (row["track"], int(row["rank"]))
        if key in ranks_dk:
            problems.append(row.error(f"rank {key[1]} of track {key[0]} already used at line {ranks_dk[key]}"))
        ranks_dk[key] = row.line
        if row["name_zh"] in row.get("alt_zh").split("|"):
            problems.append(row.error(f"alt_zh repeats the name {row['name_zh']!r} (SKOS: labels are disjoint)"))
        iri = diploma_kind_iri(row["id"])
        g.add((iri, RDF.type, OG.DiplomaKind))
        g.add((iri, SKOS.prefLabel, literal(row["name_zh"], lang="zh")))
        g.add((iri, SKOS.prefLabel, literal(row["name_en"], lang="en")))
        for alt in filter(None, row.get("alt_zh").split("|")):
            g.add((iri, SKOS.altLabel, literal(alt, lang="zh")))
        g.add((iri, OG.educationTrack, literal(row["track"])))
        g.add((iri, OG.diplomaRank, literal(int(row["rank"]), datatype=XSD.integer)))
        if row.get("note"):
            g.add((iri, SKOS.note, literal(row["note"], lang="en")))
    if problems:
        raise SourceErrors(problems)

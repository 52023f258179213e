"""standards/work-requirements/: 工作要求 of standards — 职业功能 > 工作内容 > 技能要求 / 相关知识要求
per level, each requirement with its own IRI.

Each (standard, level) with requirements is an og:StandardLevel; it includes the requirements of
the next lower level present (og:includesRequirementsOf, transitive), so a requirement is stated
once, at the lowest level that has it. Flags (og:qualityFlag) keep what could not be cleaned.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

from rdflib import RDF, RDFS, Graph

from graph.build.context import BuildContext
from graph.build.sources.eligibility_rules import ladder_from_graph
from graph.build.terms import literal
from graph.build.tsv import SourceErrors, read_dictionary, read_table
from graph.core.errors import SourceError
from graph.core.namespaces import OG
from graph.standards.iris import (
    content_iri,
    function_iri,
    level_iri,
    requirement_iri,
    standard_iri,
    standard_level_iri,
)

KIND_CLASS = {"skill": OG.SkillRequirement, "knowledge": OG.KnowledgeRequirement}


def load(folder: Path, g: Graph, ctx: BuildContext) -> None:
    dictionary = read_dictionary(folder)
    problems: list[SourceError] = []
    ladder = ladder_from_graph(g)
    levels_of: dict[str, set[str]] = defaultdict(set)
    known_standards: dict[str, bool] = {}

    def standard_ok(sid: str) -> bool:
        if sid not in known_standards:
            known_standards[sid] = (standard_iri(sid), OG.levelLadder, None) in g
        return known_standards[sid]

    def part_of(s: object, sid: str, level: str) -> None:
        g.add((s, OG.ofStandard, standard_iri(sid)))  # type: ignore[arg-type]
        g.add((s, OG.atLevel, level_iri(level)))  # type: ignore[arg-type]
        g.add((s, OG.partOfStandardLevel, standard_level_iri(sid, level)))  # type: ignore[arg-type]
        levels_of[sid].add(level)

    functions: set[tuple[str, str, str]] = set()
    for row in read_table(folder, "functions.tsv", dictionary):
        sid, level, number = row["standard"], row["level"], row["number"]
        if not standard_ok(sid):
            problems.append(
                row.missing(
                    f"unknown standard {sid!r} (standards/skill-standards/standards.tsv)",
                    sid,
                    "skill-standards/standards.tsv",
                )
            )
            continue
        if level not in ladder:
            problems.append(row.error(f"unknown level {level!r} (standards/ladder/levels.tsv)"))
            continue
        if (sid, level, number) in functions:
            problems.append(row.error(f"function {number} of {sid} level {level} is given twice"))
            continue
        functions.add((sid, level, number))
        iri = function_iri(sid, level, number)
        g.add((iri, RDF.type, OG.OccupationalFunction))
        part_of(iri, sid, level)
        g.add((iri, OG.sectionNumber, literal(number)))
        if row["name"]:
            g.add((iri, RDFS.label, literal(row["name"], lang="zh")))
        for flag in filter(None, row["flags"].split("|")):
            g.add((iri, OG.qualityFlag, literal(flag)))

    contents: set[tuple[str, str, str]] = set()
    for row in read_table(folder, "contents.tsv", dictionary):
        sid, level, number = row["standard"], row["level"], row["number"]
        fn = number.split(".")[0]
        if (sid, level, fn) not in functions:
            problems.append(
                row.missing(
                    f"no function {fn} for {sid} level {level} (functions.tsv)",
                    f"{sid} {level} {fn}",
                    "work-requirements/functions.tsv",
                )
            )
            continue
        if (sid, level, number) in contents:
            problems.append(row.error(f"work content {number} of {sid} level {level} is given twice"))
            continue
        contents.add((sid, level, number))
        iri = content_iri(sid, level, number)
        g.add((iri, RDF.type, OG.WorkContent))
        part_of(iri, sid, level)
        g.add((iri, OG.inFunction, function_iri(sid, level, fn)))
        g.add((iri, OG.sectionNumber, literal(number)))
        if row["name"]:
            g.add((iri, RDFS.label, literal(row["name"], lang="zh")))
        for flag in filter(None, row["flags"].split("|")):
            g.add((iri, OG.qualityFlag, literal(flag)))

    seen: dict[tuple[str, str, str, str, str], int] = {}
    kinds: Counter[str] = Counter()
    flagged = 0
    for row in read_table(folder, "requirements.tsv", dictionary):
        sid, level, kind = row["standard"], row["level"], row["kind"]
        if (sid, level, row["work_content"]) not in contents:
            problems.append(
                row.missing(
                    f"no work content {row['work_content']} for {sid} level {level} (contents.tsv)",
                    f"{sid} {level} {row['work_content']}",
                    "work-requirements/contents.tsv",
                )
            )
            continue
        key = (sid, level, kind, row["number"], row["seq"])
        if key in seen:
            problems.append(
                row.error(
                    f"{kind} {row['number']} (seq {row['seq']}) of {sid} level {level} is "
                    f"already given at line {seen[key]}"
                )
            )
            continue
        seen[key] = row.line
        iri = requirement_iri(sid, level, kind, row["number"], int(row["seq"]))
        g.add((iri, RDF.type, KIND_CLASS[kind]))
        part_of(iri, sid, level)
        g.add((iri, OG.inWorkContent, content_iri(sid, level, row["work_content"])))
        g.add((iri, OG.sectionNumber, literal(row["number"])))
        g.add((iri, OG.requirementText, literal(row["text"], lang="zh")))
        flags = list(filter(None, row["flags"].split("|")))
        for flag in flags:
            g.add((iri, OG.qualityFlag, literal(flag)))
        kinds[kind] += 1
        flagged += bool(flags)

    for sid, levels in levels_of.items():
        ordered = sorted(levels, key=lambda lv: ladder[lv].rank)
        for lv in ordered:
            sl = standard_level_iri(sid, lv)
            g.add((sl, RDF.type, OG.StandardLevel))
            g.add((sl, OG.ofStandard, standard_iri(sid)))
            g.add((sl, OG.atLevel, level_iri(lv)))
        for low, high in zip(ordered, ordered[1:], strict=False):
            g.add((standard_level_iri(sid, high), OG.includesRequirementsOf, standard_level_iri(sid, low)))

    fixes: Counter[tuple[str, str]] = Counter()
    for row in read_table(folder, "fixes.tsv", dictionary):
        fixes[(row["standard"], row["fix"])] += 1
    if problems:
        raise SourceErrors(problems)
    ctx.note(
        "work requirements",
        f"{len(levels_of)} standards, {len(functions)} functions, {len(contents)} work "
        f"contents, {kinds['skill']} skill and {kinds['knowledge']} knowledge requirements; {flagged} "
        "requirements keep a quality flag (og:qualityFlag; listed by the QC rule requirement-flagged)",
    )
    for (sid, fix), n in sorted(fixes.items()):
        ctx.note(
            "work requirements: fixes applied by the importer",
            f"{sid}: {fix} × {n} (standards/work-requirements/fixes.tsv has the evidence for each)",
        )

"""standards/eligibility/: rule sets (申报条件), their rules (routes) and structured conditions, and
the editor-maintained related occupations.

Cross-checks with file:line: every rule has conditions and every condition a rule; the columns a
condition kind needs are filled (and only those); levels and diploma kinds exist (standards/ladder
is read first); counted_from points at an earlier event (certificate, title, diploma, training,
apprenticeship) of the same rule; date ranges of rule sets do not overlap. A plain-English summary
of each rule is generated with graph.standards.eligibility, so the API and the graph say the same thing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

from rdflib import RDF, Graph, URIRef
from rdflib.namespace import DCTERMS, PROV, RDFS, SKOS, XSD

from graph.build.context import BuildContext
from graph.build.terms import literal
from graph.build.tsv import Column, Row, SourceErrors, read_dictionary, read_table
from graph.core.errors import SourceError
from graph.core.namespaces import OG, source_iri
from graph.standards.eligibility import EVENT_KINDS, Condition, Ladder, Level, Rule
from graph.standards.iris import (
    CERTIFICATE_CLASS,
    CONDITION_CLASS,
    condition_iri,
    diploma_kind_iri,
    equivalence_iri,
    level_iri,
    rule_iri,
    rule_set_iri,
)

# columns each condition kind needs (besides rule_set, level, rule, condition, kind, note)
NEEDS = {
    "age": {"age"},
    "declaration": set(),
    "work": {"scope", "years", "continuous"},
    "certificate": {"level_required", "scope", "certificate_types"},
    "diploma": {"diploma_kinds", "major_scope", "student_status", "assessed"},
    "title": {"level_required", "title_correspondence"},
    "training": {"level_required", "scope"},
    "apprenticeship": {"scope"},
}
MAY = {"work": {"counted_from"}, "certificate": {"years_held"}}
# in the column order of conditions.tsv (the importer writes them in this order)
KIND_COLUMNS = (
    "level_required",
    "scope",
    "years",
    "counted_from",
    "continuous",
    "certificate_types",
    "years_held",
    "diploma_kinds",
    "major_scope",
    "student_status",
    "assessed",
    "title_correspondence",
    "age",
)
LADDER_OF_KIND = {"certificate": "skill", "training": "skill", "title": "professional"}


def ladder_from_graph(g: Graph) -> Ladder:
    """The levels the ladder reader put in the graph, as graph.standards.eligibility Levels."""
    levels = []
    for ladder, cls in (("skill", OG.SkillLevel), ("professional", OG.ProfessionalLevel)):
        for iri in g.subjects(RDF.type, cls):
            labels = {lit.language: str(lit) for lit in g.objects(iri, SKOS.prefLabel)}
            number = g.value(iri, OG.officialLevelNumber)
            levels.append(
                Level(
                    str(iri).rsplit("/", 1)[-1],
                    ladder,
                    int(g.value(iri, OG.levelRank)),
                    labels.get("zh", ""),
                    labels.get("en", ""),
                    int(number) if number else None,
                    tuple(sorted(str(a) for a in g.objects(iri, SKOS.altLabel))),
                )
            )
    return Ladder(levels)


def condition_from_row(row: Row) -> Condition:
    def num(col: str) -> float | None:
        return float(row[col]) if row[col] else None

    return Condition(
        number=int(row["condition"]),
        kind=row["kind"],  # type: ignore[arg-type]
        level=row["level_required"] or None,
        scope=row["scope"] or None,  # type: ignore[arg-type]
        years=num("years"),
        counted_from=int(row["counted_from"]) if row["counted_from"] else None,
        continuous=row["continuous"] == "yes",
        certificate_types=tuple(filter(None, row["certificate_types"].split("|")))
        or ("vocational-qualification", "skill-level"),
        years_held=num("years_held"),
        diploma_kinds=tuple(filter(None, row["diploma_kinds"].split("|"))),
        major_scope=row["major_scope"] or "any",  # type: ignore[arg-type]
        student_status=tuple(filter(None, row["student_status"].split("|"))) or ("graduated",),
        assessed=row["assessed"] == "yes",
        title_correspondence=row["title_correspondence"] == "yes",
        age=int(row["age"]) if row["age"] else None,
        note=row.get("note"),
    )


def load(folder: Path, g: Graph, ctx: BuildContext) -> None:
    dictionary = read_dictionary(folder)
    problems: list[SourceError] = []
    ladder = ladder_from_graph(g)
    kinds = {str(k).rsplit("/", 1)[-1] for k in g.subjects(RDF.type, OG.DiplomaKind)}
    kind_names = {
        k: next((str(lit) for lit in g.objects(diploma_kind_iri(k), SKOS.prefLabel) if lit.language == "en"), k)
        for k in kinds
    }

    sets: dict[str, Row] = {}
    ranges: list[tuple[str, str, str, Row]] = []
    for row in read_table(folder, "rule-sets.tsv", dictionary):
        if row["id"] in sets:
            problems.append(row.error(f"rule set {row['id']} already defined at line {sets[row['id']].line}"))
            continue
        sets[row["id"]] = row
        if (source_iri(row["dataset"]), RDF.type, OG.SourceDataset) not in g:
            problems.append(row.error(f"unknown dataset {row['dataset']!r} (standards/provenance/datasets.tsv)"))
        start, until = row.get("applies_from"), row.get("applies_until")
        if start and until and until < start:
            problems.append(row.error(f"applies_until {until} is before applies_from {start}"))
        if start or until:
            ranges.append((start or "0000-00-00", until or "9999-99-99", row["id"], row))
        iri = rule_set_iri(row["id"])
        g.add((iri, RDF.type, OG.EligibilityRuleSet))
        g.add((iri, RDFS.label, literal(row["title"], lang="en")))
        g.add((iri, DCTERMS.source, literal(row["source"])))
        g.add((iri, PROV.wasDerivedFrom, source_iri(row["dataset"])))
        if start:
            g.add((iri, OG.appliesFrom, literal(start, datatype=XSD.date)))
        if until:
            g.add((iri, OG.appliesUntil, literal(until, datatype=XSD.date)))
        if row.get("note"):
            g.add((iri, SKOS.note, literal(row["note"], lang="en")))
    ranges.sort()
    for (_s1, u1, a, _r1), (s2, _u2, b, row) in zip(ranges, ranges[1:], strict=False):
        if s2 <= u1:
            problems.append(row.error(f"the date range of rule set {b} overlaps that of {a}"))

    rules: dict[tuple[str, str, str], Row] = {}
    for row in read_table(folder, "rules.tsv", dictionary):
        key = (row["rule_set"], row["level"], row["rule"])
        if key in rules:
            problems.append(row.error(f"rule {key} already defined at line {rules[key].line}"))
            continue
        if row["rule_set"] not in sets:
            problems.append(row.error(f"unknown rule set {row['rule_set']!r} (rule-sets.tsv)"))
            continue
        if row["level"] not in ladder:
            problems.append(row.error(f"unknown level {row['level']!r} (standards/ladder/levels.tsv)"))
            continue
        rules[key] = row

    conditions: dict[tuple[str, str, str], list[tuple[Row, Condition]]] = {}
    for row in read_table(folder, "conditions.tsv", dictionary):
        key = (row["rule_set"], row["level"], row["rule"])
        if key not in rules:
            problems.append(row.error(f"no rule {key[2]} for level {key[1]} in rule set {key[0]} (rules.tsv)"))
            continue
        kind = row["kind"]
        filled = {c for c in KIND_COLUMNS if row[c]}
        missing = NEEDS[kind] - filled
        extra = filled - NEEDS[kind] - MAY.get(kind, set())
        if missing:
            problems.append(row.error(f"a {kind} condition needs {', '.join(sorted(missing))}"))
        if extra:
            problems.append(row.error(f"a {kind} condition does not use {', '.join(sorted(extra))}"))
        if row["level_required"]:
            if row["level_required"] not in ladder:
                problems.append(row.error(f"unknown level {row['level_required']!r} (standards/ladder/levels.tsv)"))
            elif kind in LADDER_OF_KIND and ladder[row["level_required"]].ladder != LADDER_OF_KIND[kind]:
                problems.append(
                    row.error(
                        f"a {kind} condition needs a {LADDER_OF_KIND[kind]} level, {row['level_required']!r} is not one"
                    )
                )
        for k in filter(None, row["diploma_kinds"].split("|")):
            if k not in kinds:
                problems.append(row.error(f"unknown diploma kind {k!r} (standards/ladder/diploma-kinds.tsv)"))
        if kind == "declaration" and not row.get("note"):
            problems.append(row.error("a declaration condition says in note what is declared"))
        if missing or extra:
            continue
        conditions.setdefault(key, []).append((row, condition_from_row(row)))

    by_kind: Counter[str] = Counter()
    for key, rrow in rules.items():
        conds = sorted(conditions.get(key, []), key=lambda rc: rc[1].number)
        if not conds:
            problems.append(
                rrow.error(f"rule {key[2]} of level {key[1]} in {key[0]} has no conditions (conditions.tsv)")
            )
            continue
        numbers = [c.number for _r, c in conds]
        if numbers != list(range(1, len(numbers) + 1)):
            problems.append(conds[0][0].error(f"conditions of rule {key} must be numbered 1..n, found {numbers}"))
            continue
        by_number = {c.number: c for _r, c in conds}
        for crow, cond in conds:
            if cond.counted_from is not None:
                ev = by_number.get(cond.counted_from)
                if ev is None or ev.kind not in EVENT_KINDS or cond.counted_from == cond.number:
                    problems.append(
                        crow.error(
                            f"counted_from {cond.counted_from} must name a certificate, title, "
                            "diploma, training or apprenticeship condition of the same rule"
                        )
                    )
        rs, level, number = key
        rule = Rule(
            str(rule_iri(rs, level, number)),
            rs,
            level,
            number,
            rrow["text"],
            tuple(c for _r, c in conds),
            tuple(filter(None, rrow.get("materials").split("|"))),
            part=rrow.get("part"),
        )
        iri = rule_iri(rs, level, number)
        g.add((iri, RDF.type, OG.EligibilityRule))
        g.add((iri, OG.inRuleSet, rule_set_iri(rs)))
        g.add((iri, OG.forLevel, level_iri(level)))
        g.add((iri, OG.ruleNumber, literal(number)))
        g.add((iri, OG.ruleText, literal(rrow["text"], lang="zh")))
        g.add((iri, OG.ruleSummary, literal(rule.summary(ladder, kind_names), lang="en")))
        for material in rule.materials:
            g.add((iri, OG.requiredMaterials, literal(material, lang="zh")))
        if rrow.get("part"):
            g.add((iri, SKOS.note, literal(rrow["part"], lang="en")))
        g.add((iri, PROV.wasDerivedFrom, source_iri(sets[rs]["dataset"])))
        for _crow, cond in conds:
            by_kind[cond.kind] += 1
            c_iri = condition_iri(rs, level, number, cond.number)
            g.add((iri, OG.hasCondition, c_iri))
            g.add((c_iri, RDF.type, CONDITION_CLASS[cond.kind]))
            g.add((c_iri, OG.conditionNumber, literal(cond.number, datatype=XSD.integer)))
            if cond.level:
                g.add((c_iri, OG.requiresLevel, level_iri(cond.level)))
            if cond.scope:
                g.add((c_iri, OG.occupationScope, literal(cond.scope)))
            if cond.kind == "age":
                g.add((c_iri, OG.minimumAge, literal(cond.age, datatype=XSD.integer)))
            if cond.kind == "work":
                g.add((c_iri, OG.minimumYears, literal(f"{cond.years:g}", datatype=XSD.decimal)))
                g.add((c_iri, OG.continuousWork, literal(cond.continuous)))
                if cond.counted_from:
                    g.add((c_iri, OG.countedFrom, condition_iri(rs, level, number, cond.counted_from)))
            if cond.kind == "certificate":
                for t in cond.certificate_types:
                    g.add((c_iri, OG.acceptsCertificateType, CERTIFICATE_CLASS[t]))
                if cond.years_held:
                    g.add((c_iri, OG.minimumYearsHeld, literal(f"{cond.years_held:g}", datatype=XSD.decimal)))
            if cond.kind == "diploma":
                for k in cond.diploma_kinds:
                    g.add((c_iri, OG.acceptsDiplomaKind, diploma_kind_iri(k)))
                g.add((c_iri, OG.majorScope, literal(cond.major_scope)))
                for st in cond.student_status:
                    g.add((c_iri, OG.acceptsStudentStatus, literal(st)))
                g.add((c_iri, OG.requiresAssessedProgramme, literal(cond.assessed)))
            if cond.kind == "title":
                g.add((c_iri, OG.requiresTitleCorrespondence, literal(cond.title_correspondence)))
                if cond.level:
                    g.add((level_iri(cond.level), OG.titleCountsTowardLevel, level_iri(level)))
            if cond.note:
                g.add((c_iri, SKOS.note, literal(cond.note, lang="en")))

    occupations = {code for code, (_iri, kinds_) in ctx.entries.items() if "occupation" in kinds_}

    def same_group_only(a: str, b: str) -> str | None:
        return (
            None
            if a.rsplit("-", 1)[0] == b.rsplit("-", 1)[0]
            else ("only two different occupations of the same minor group need this row; others are not related anyway")
        )

    def given_as_related(a: str, b: str) -> str | None:
        line = seen_pairs.get(frozenset((a, b)))
        return f"the pair is given as related in related-occupations.tsv:{line}" if line else None

    seen_pairs = _read_pairs(
        folder,
        "related-occupations.tsv",
        "related_occupation",
        OG.relatedOccupation,
        dictionary,
        g,
        ctx,
        occupations,
        problems,
        [],
    )
    excluded_pairs = _read_pairs(
        folder,
        "unrelated-occupations.tsv",
        "unrelated_occupation",
        OG.notRelatedOccupation,
        dictionary,
        g,
        ctx,
        occupations,
        problems,
        [same_group_only, given_as_related],
    )
    equivalences = _read_equivalences(folder, dictionary, g, problems)
    if problems:
        raise SourceErrors(problems)
    ctx.note(
        "eligibility rules",
        f"{len(sets)} rule sets, {len(rules)} rules (routes), "
        f"{sum(by_kind.values())} conditions ({', '.join(f'{k} {n}' for k, n in sorted(by_kind.items()))}); "
        f"{len(seen_pairs)} editor-maintained related-occupation pairs, "
        f"{len(excluded_pairs)} same-minor-group pairs marked not related; "
        f"{equivalences} certificate equivalence(s)",
    )
    for rid, row in sorted(sets.items()):
        levels = sorted({k[1] for k in rules if k[0] == rid}, key=lambda lv: ladder[lv].rank)
        missing_levels = [lv.id for lv in ladder.ordered("skill") if lv.number and lv.id not in levels]
        ctx.note(
            "eligibility rules",
            f"{rid}: levels {', '.join(levels)}"
            + (f"; no rules in the data for levels {', '.join(missing_levels)}" if missing_levels else "")
            + (f" ({row.get('note')})" if row.get("note") else ""),
        )


def _read_pairs(
    folder: Path,
    file: str,
    other_column: str,
    prop: URIRef,
    dictionary: dict[str, list[Column]],
    g: Graph,
    ctx: BuildContext,
    occupations: set[str],
    problems: list[SourceError],
    checks: list[Callable[[str, str], str | None]],
) -> dict[frozenset[str], int]:
    """Editor-maintained occupation pairs (symmetric ``prop``): pair -> line, problems collected."""
    pairs: dict[frozenset[str], int] = {}
    for row in read_table(folder, file, dictionary):
        a, b = row["occupation"], row[other_column]
        bad = [x for x in (a, b) if x not in occupations]
        if bad:
            problems.append(row.error(f"not an occupation of the classification: {', '.join(bad)}"))
            continue
        if a == b:
            problems.append(row.error("an occupation is always related to itself; no row needed"))
            continue
        message = next((m for check in checks if (m := check(a, b))), None)
        if message:
            problems.append(row.error(message))
            continue
        pair = frozenset((a, b))
        if pair in pairs:
            problems.append(row.error(f"the pair is already given at line {pairs[pair]}"))
            continue
        pairs[pair] = row.line
        ia, ib = ctx.entries[a][0], ctx.entries[b][0]
        g.add((ia, prop, ib))
        g.add((ib, prop, ia))
    return pairs


def _read_equivalences(folder: Path, dictionary: dict[str, list[Column]], g: Graph, problems: list[SourceError]) -> int:
    """certificate-equivalences.tsv: which certificate kind counts in place of another, from when
    (og:CertificateEquivalence; graph.standards.eligibility.Equivalence reads them back)."""
    seen: dict[str, int] = {}
    for row in read_table(folder, "certificate-equivalences.tsv", dictionary):
        if row["id"] in seen:
            problems.append(row.error(f"equivalence {row['id']} already defined at line {seen[row['id']]}"))
            continue
        seen[row["id"]] = row.line
        if row["accepted"] == row["in_place_of"]:
            problems.append(row.error("accepted and in_place_of are the same kind"))
            continue
        if (source_iri(row["dataset"]), RDF.type, OG.SourceDataset) not in g:
            problems.append(row.error(f"unknown dataset {row['dataset']!r} (standards/provenance/datasets.tsv)"))
            continue
        iri = equivalence_iri(row["id"])
        g.add((iri, RDF.type, OG.CertificateEquivalence))
        g.add((iri, OG.acceptedCertificateType, CERTIFICATE_CLASS[row["accepted"]]))
        g.add((iri, OG.inPlaceOfCertificateType, CERTIFICATE_CLASS[row["in_place_of"]]))
        g.add((iri, OG.applicationsFrom, literal(row["applications_from"], datatype=XSD.date)))
        g.add((iri, RDFS.label, literal(row["title"], lang="zh")))
        g.add((iri, DCTERMS.source, literal(row["source"])))
        g.add((iri, PROV.wasDerivedFrom, source_iri(row["dataset"])))
        if row.get("note"):
            g.add((iri, SKOS.note, literal(row["note"], lang="en")))
    return len(seen)

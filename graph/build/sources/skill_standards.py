"""standards/skill-standards/: national skill standards (and editor-added evaluation and special-ability
specifications), the current occupation each belongs to, the levels each covers, and the
eligibility rule set that applies to each.

A standard states its rule set (column rule_set, basis "stated") or gets, by its issue date, the
rule set whose applies_from/applies_until contain that date (basis "applied-by-edition"); only
skill-level standards get one, as no rule set in the data is for professional-technical levels.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

from rdflib import RDF, RDFS, Graph
from rdflib.namespace import PROV, XSD

from graph.build.context import BuildContext
from graph.build.sources.eligibility_rules import ladder_from_graph
from graph.build.terms import literal
from graph.build.tsv import Row, SourceErrors, read_dictionary, read_table
from graph.classification.new_occupations import work_type_iri
from graph.core.errors import SourceError
from graph.core.namespaces import OG, source_iri
from graph.standards.iris import TIER_CLASS, level_iri, rule_set_iri, standard_iri


def _rule_sets(g: Graph) -> dict[str, tuple[str, str]]:
    out = {}
    for iri in g.subjects(RDF.type, OG.EligibilityRuleSet):
        start, until = g.value(iri, OG.appliesFrom), g.value(iri, OG.appliesUntil)
        out[str(iri).rsplit("/", 1)[-1]] = (str(start) if start else "", str(until) if until else "")
    return out


def applied_rule_set(issued: str, rule_sets: dict[str, tuple[str, str]]) -> str | None:
    """The rule set whose date range contains the issue date (ranges do not overlap).

    >>> applied_rule_set("2021-10-21", {"a": ("", "2017-12-31"), "b": ("2018-01-01", "2023-12-31")})
    'b'
    """
    for rid, (start, until) in sorted(rule_sets.items()):
        if (start or until) and (not start or start <= issued) and (not until or issued <= until):
            return rid
    return None


def load(folder: Path, g: Graph, ctx: BuildContext) -> None:
    dictionary = read_dictionary(folder)
    problems: list[SourceError] = []
    ladder = ladder_from_graph(g)
    rule_sets = _rule_sets(g)
    standards: dict[str, Row] = {}
    counts: Counter[str] = Counter()
    basis_counts: Counter[str] = Counter()
    for row in read_table(folder, "standards.tsv", dictionary):
        sid = row["id"]
        before = len(problems)  # one bad row must not stop the rows after it from being defined
        if sid in standards:
            problems.append(row.error(f"standard id {sid} already used at line {standards[sid].line}"))
            continue
        standards[sid] = row
        try:
            date.fromisoformat(row["issued"])
        except ValueError:
            problems.append(row.error(f"issued {row['issued']!r} is not a date"))
            continue
        if row["tier"] == "national" and not (row["doc_number"] and row["code_as_printed"]):
            problems.append(row.error("a national standard needs doc_number and code_as_printed"))
        occ = row["occupation"]
        if occ:
            entry = ctx.entries.get(occ)
            if entry is None or "occupation" not in entry[1]:
                problems.append(
                    row.missing(
                        f"occupation {occ} is not an occupation of the classification "
                        "(standards/classification/entries.tsv)",
                        occ,
                        "classification/entries.tsv",
                    )
                )
                continue
            if row["resolution"] == "unresolved":
                problems.append(row.error("resolution is 'unresolved' but an occupation is given"))
        elif row["resolution"] != "unresolved":
            problems.append(row.error(f"resolution is {row['resolution']!r} but no occupation is given"))
        stated = row["rule_set"]
        if stated and stated not in rule_sets:
            problems.append(row.error(f"unknown rule set {stated!r} (standards/eligibility/rule-sets.tsv)"))
            continue
        if stated and not row["rule_set_evidence"]:
            problems.append(row.error("say where the rule set is stated (rule_set_evidence)"))
        if len(problems) > before:
            continue
        counts[row["resolution"]] += 1
        iri = standard_iri(sid)
        g.add((iri, RDF.type, TIER_CLASS[row["tier"]]))
        g.add((iri, RDFS.label, literal(row["title"], lang="zh")))
        g.add((iri, OG.standardTitle, literal(row["title"], lang="zh")))
        if row["code_as_printed"]:
            g.add((iri, OG.occupationCodeAsPrinted, literal(row["code_as_printed"])))
        if row["work_type"]:
            g.add((iri, OG.workTypeName, literal(row["work_type"], lang="zh")))
        if row["marker"]:
            g.add((iri, OG.titleMarker, literal(row["marker"])))
        g.add((iri, OG.issueDate, literal(row["issued"], datatype=XSD.date)))
        if row["doc_number"]:
            g.add((iri, OG.documentNumber, literal(row["doc_number"])))
        if row["issuer"]:
            g.add((iri, OG.issuer, literal(row["issuer"])))
        g.add((iri, OG.levelLadder, literal(row["ladder"])))
        if occ:
            g.add((iri, OG.forOccupation, ctx.entries[occ][0]))
        g.add((iri, OG.occupationResolution, literal(row["resolution"])))
        g.add((iri, OG.resolutionEvidence, literal(row["resolution_evidence"])))
        rule_set, basis = (stated, "stated") if stated else (None, "")
        if not stated and row["ladder"] == "skill":
            rule_set = applied_rule_set(row["issued"], rule_sets)
            basis = "applied-by-edition" if rule_set else ""
        if rule_set:
            g.add((iri, OG.eligibilityRuleSet, rule_set_iri(rule_set)))
            g.add((iri, OG.ruleSetBasis, literal(basis)))
            basis_counts[f"{rule_set} ({basis})"] += 1
        else:
            basis_counts["none" + (" (professional-technical levels)" if row["ladder"] == "professional" else "")] += 1
        if row["source"] != "editor":
            g.add((iri, PROV.wasDerivedFrom, source_iri(row["source"])))

    coverage: dict[str, set[str]] = {}
    provenance: dict[str, tuple[str, int]] = {}
    for row in read_table(folder, "levels-covered.tsv", dictionary):
        sid, level = row["standard"], row["level"]
        std = standards.get(sid)
        if std is None:
            problems.append(
                row.missing(f"unknown standard {sid!r} (standards.tsv)", sid, "skill-standards/standards.tsv")
            )
            continue
        if level not in ladder:
            problems.append(row.error(f"unknown level {level!r} (standards/ladder/levels.tsv)"))
            continue
        if ladder[level].ladder != std["ladder"]:
            problems.append(
                row.error(
                    f"level {level} is on the {ladder[level].ladder} ladder; standard {sid} "
                    f"covers {std['ladder']} levels"
                )
            )
            continue
        if sid in provenance and provenance[sid][0] != row["provenance"]:
            problems.append(
                row.error(
                    f"standard {sid} has levels of provenance {provenance[sid][0]} at line "
                    f"{provenance[sid][1]}; use one provenance per standard"
                )
            )
            continue
        if level in coverage.get(sid, set()):
            problems.append(row.error(f"level {level} of {sid} is given twice"))
            continue
        provenance.setdefault(sid, (row["provenance"], row.line))
        coverage.setdefault(sid, set()).add(level)
        iri = standard_iri(sid)
        g.add((iri, OG.coversLevel, level_iri(level)))
        g.add((iri, OG.levelCoverageEvidence, literal(row["evidence"])))
    for sid in standards:
        g.add(
            (
                standard_iri(sid),
                OG.levelCoverageProvenance,
                literal(provenance[sid][0] if sid in provenance else "unknown"),
            )
        )

    for row in read_table(folder, "fixes.tsv", dictionary):
        if row["standard"] not in standards:
            problems.append(
                row.missing(f"unknown standard {row['standard']!r}", row["standard"], "skill-standards/standards.tsv")
            )
            continue
        ctx.note("standards: import fixes", f"{row['standard']} [{row['fix']}] {row['evidence']}")
    for row in read_table(folder, "work-type-scope.tsv", dictionary):
        # a standard for one 工种 of its occupation (pathways leave it out for the whole occupation)
        sid, occ = row["standard"], row["occupation"]
        std = standard_iri(sid)
        entry = ctx.entries.get(occ)
        wt = work_type_iri(f"{occ}/{row['work_type']}")
        if entry is None or (std, OG.forOccupation, entry[0]) not in g:
            problems.append(row.error(f"standard {sid} is not a standard for occupation {occ} (standards.tsv)"))
        elif (wt, RDF.type, OG.WorkType) not in g:
            problems.append(row.error(f"{row['work_type']} is not a 工种 of {occ} (classification/work-types.tsv)"))
        else:
            g.add((std, OG.coversOnlyWorkType, wt))

    if problems:
        raise SourceErrors(problems)
    total = len(standards)
    ctx.note(
        "standards: occupation resolution",
        f"{total} standards; "
        + ", ".join(f"{k}: {n}" for k, n in counts.most_common())
        + " (see docs/standards.md for the methods; unresolved ones are listed by the QC rule "
        "standard-occupation-unresolved)",
    )
    ctx.note(
        "standards: levels covered",
        f"{len(coverage)} of {total} standards have levels ("
        + ", ".join(f"{k}: {n}" for k, n in sorted(Counter(p for p, _ in provenance.values()).items()))
        + "); "
        f"{total - len(coverage)} unknown (QC rule standard-levels-unknown)",
    )
    for key, n in sorted(basis_counts.items()):
        ctx.note("standards: eligibility rule sets", f"{key}: {n} standards")

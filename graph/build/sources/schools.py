"""standards/majors/, standards/onex/ and standards/credit-equivalences/: schools.

Three readers, registered in build order after the classification (they resolve occupation codes
through ``ctx.entries``) and in this order (equivalences refer to certificates):

- ``load_majors``: catalogues, tiers, categories, majors and the occupations they prepare for;
  the QC report states how much of each catalogue is present;
- ``load_onex``: 1+X levels, training-evaluation organisations, certificates, certificate levels
  and the occupations certificates face;
- ``load_credit_equivalences``: credit frameworks, courses, learning outcomes and the
  SSSOM-style equivalences (equivalences.tsv has a "#" header with a CURIE map).

A link to an occupation (职业面向) is always kept as an og:OccupationalOrientation with its basis
and source; only official and curated links also give the direct og:preparesFor /
og:facesOccupation triple, so a machine suggestion is never read as a fact.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import quote

from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS, XSD

from graph.build.context import BuildContext
from graph.build.terms import literal
from graph.build.tsv import Column, Row, SourceErrors, long_cells, read_dictionary, read_table, source_lines
from graph.core.errors import SourceError
from graph.core.namespaces import OG, source_iri
from graph.schools.majors import (
    BASES,
    CURIE_MAP,
    TIER_ORDER,
    catalogue_iri,
    category_iri,
    certificate_iri,
    course_iri,
    equivalence_iri,
    expand_curie,
    framework_iri,
    major_iri,
    onex_level_iri,
    organisation_iri,
    orientation_iri,
    outcome_iri,
    tier_iri,
)

SECTION_MAJORS = "schools: majors"
SECTION_ONEX = "schools: 1+X certificates"
SECTION_CREDITS = "schools: credit equivalences"
EXAMPLE_COMMENT = [
    literal(
        "EXAMPLE: made up to show and test the format. Not an official or decided equivalence; never apply it.",
        lang="en",
    ),
    literal("示例：为展示和测试格式而编写，并非官方或已认定的学分认定规则，不得实际使用。", lang="zh"),
]


def _known_sources(g: Graph) -> set[str]:
    return {str(s).rsplit("/", 1)[-1] for s in g.subjects(RDF.type, OG.SourceDataset)}


def _derive(g: Graph, iri: URIRef, row: Row, sources: str, known: set[str], problems: list[SourceError]) -> None:
    for src in sources.split():
        if src in known:
            g.add((iri, PROV.wasDerivedFrom, source_iri(src)))
        elif src in ("editor", "classifier"):
            g.add((iri, DCTERMS.source, literal(src)))
        else:
            problems.append(
                row.error(
                    f"source {src!r} is not a data set in standards/provenance/datasets.tsv (nor editor/classifier)"
                )
            )


def _orientation(
    g: Graph,
    ctx: BuildContext,
    row: Row,
    subject: URIRef,
    direct: URIRef,
    known: set[str],
    problems: list[SourceError],
    section: str,
) -> None:
    """One 职业面向 link: the qualified node always, the direct triple for official/curated links."""
    code = row["occupation_code"]
    entry = ctx.entries.get(code)
    if entry is None:
        problems.append(
            row.missing(
                f"unknown occupation code {code} (not in standards/classification/entries.tsv)",
                code,
                "classification/entries.tsv",
            )
        )
        return
    if "occupation" not in entry[1]:
        problems.append(row.error(f"{code} is a {'/'.join(sorted(entry[1]))} group, not an occupation"))
        return
    occ = entry[0]
    node = orientation_iri(subject, code)
    if (subject, OG.hasOrientation, node) in g:
        problems.append(row.error(f"the link to {code} is given twice"))
        return
    basis = row["basis"]
    g.add((node, RDF.type, OG.OccupationalOrientation))
    g.add((subject, OG.hasOrientation, node))
    g.add((node, OG.towardOccupation, occ))
    g.add((node, OG.orientationBasis, literal(basis)))
    g.add((node, OG.occupationNameAsGiven, literal(row["occupation_name"], lang="zh")))
    if row.get("evidence"):
        g.add((node, OG.orientationEvidence, literal(row["evidence"])))
    _derive(g, node, row, row["source"], known, problems)
    if basis in BASES:
        g.add((subject, direct, occ))
    current = g.value(occ, SKOS.prefLabel)
    if current is not None and str(current) != row["occupation_name"]:
        ctx.note(
            section,
            f"{os.path.basename(row.path)}:{row.line}: {code} is given as {row['occupation_name']}; "
            f"the classification names it {current}",
        )


# ---------------------------------------------------------------- majors


def load_majors(folder: Path, g: Graph, ctx: BuildContext) -> None:
    dictionary = read_dictionary(folder)
    problems: list[SourceError] = []
    known = _known_sources(g)

    catalogues: dict[str, Row] = {}
    for row in read_table(folder, "catalogues.tsv", dictionary):
        cid = row["id"]
        if cid in catalogues:
            problems.append(row.error(f"catalogue {cid} is given twice"))
            continue
        catalogues[cid] = row
        iri = catalogue_iri(cid)
        g.add((iri, RDF.type, OG.MajorCatalogue))
        g.add((iri, RDF.type, SKOS.ConceptScheme))
        g.add((iri, SKOS.prefLabel, literal(row["name"], lang="zh")))
        g.add((iri, SKOS.prefLabel, literal(row["name_en"], lang="en")))
        g.add((iri, DCTERMS.publisher, literal(row["publisher"], lang="zh")))
        _expected(g, iri, row, problems)
        if row.get("note"):
            g.add((iri, SKOS.note, literal(row["note"])))

    tiers: dict[str, str] = {}  # tier -> catalogue
    for row in read_table(folder, "tiers.tsv", dictionary):
        tid, cid = row["id"], row["catalogue"]
        if tid in tiers:
            problems.append(row.error(f"tier {tid} is given twice"))
            continue
        if cid not in catalogues:
            problems.append(row.error(f"unknown catalogue {cid} (not in catalogues.tsv)"))
            continue
        tiers[tid] = cid
        iri = tier_iri(tid)
        g.add((iri, RDF.type, OG.EducationTier))
        g.add((iri, SKOS.prefLabel, literal(row["name"], lang="zh")))
        g.add((iri, SKOS.prefLabel, literal(row["name_en"], lang="en")))
        g.add((iri, OG.tierOfCatalogue, catalogue_iri(cid)))
        _expected(g, iri, row, problems)

    categories: dict[tuple[str, str], URIRef] = {}
    for row in read_table(folder, "categories.tsv", dictionary):
        cid, code = row["catalogue"], row["code"]
        if cid not in catalogues or tiers.get(row["tier"]) != cid:
            problems.append(row.error(f"catalogue {cid} / tier {row['tier']} are not a catalogue and one of its tiers"))
            continue
        if (cid, code) in categories:
            problems.append(row.error(f"category {cid}:{code} is given twice"))
            continue
        iri = category_iri(cid, code)
        categories[(cid, code)] = iri
        g.add((iri, RDF.type, OG.MajorCategory if len(code) == 2 else OG.MajorSubcategory))
        g.add((iri, RDF.type, SKOS.Concept))
        g.add((iri, SKOS.inScheme, catalogue_iri(cid)))
        g.add((iri, OG.majorCode, literal(code)))
        g.add((iri, SKOS.prefLabel, literal(row["name"], lang="zh")))
        g.add((iri, DCTERMS.source, literal(row["source"])))
    for (cid, code), iri in categories.items():
        if len(code) == 4:
            parent = categories.get((cid, code[:2]))
            if parent is not None:
                g.add((iri, SKOS.broader, parent))
            else:
                g.add((iri, SKOS.topConceptOf, catalogue_iri(cid)))
        else:
            g.add((iri, SKOS.topConceptOf, catalogue_iri(cid)))

    majors: dict[tuple[str, str], URIRef] = {}
    for row in read_table(folder, "majors.tsv", dictionary):
        cid, code, tier = row["catalogue"], row["code"], row["tier"]
        if cid not in catalogues:
            problems.append(row.error(f"unknown catalogue {cid} (not in catalogues.tsv)"))
            continue
        if tiers.get(tier) != cid:
            problems.append(row.error(f"tier {tier} is not a tier of catalogue {cid} (tiers.tsv)"))
            continue
        if (cid, code) in majors:
            problems.append(row.error(f"major {code} is already in catalogue {cid}"))
            continue
        iri = major_iri(cid, code)
        majors[(cid, code)] = iri
        g.add((iri, RDF.type, OG.SchoolMajor))
        g.add((iri, RDF.type, SKOS.Concept))
        g.add((iri, SKOS.inScheme, catalogue_iri(cid)))
        g.add((iri, OG.majorCode, literal(code)))
        g.add((iri, SKOS.prefLabel, literal(row["name"], lang="zh")))
        g.add((iri, OG.inTier, tier_iri(tier)))
        _derive(g, iri, row, row["source"], known, problems)
        if row.get("note"):
            g.add((iri, SKOS.note, literal(row["note"])))
        parent = categories.get((cid, code[:4])) or categories.get((cid, code[:2]))
        if parent is not None:
            g.add((iri, SKOS.broader, parent))

    for row in read_table(folder, "major-occupations.tsv", dictionary):
        key = (row["catalogue"], row["major_code"])
        if key not in majors:
            problems.append(row.error(f"unknown major {key[0]}:{key[1]} (not in majors.tsv)"))
            continue
        _orientation(g, ctx, row, majors[key], OG.preparesFor, known, problems, SECTION_MAJORS)

    _load_profiles(folder, g, dictionary, majors, known, problems)

    if problems:
        raise SourceErrors(problems)
    _note_catalogue_coverage(g, ctx, catalogues, tiers, majors)


PROFILE_SOURCE = "moe-profiles"
COURSE_PROPERTY = {"foundation": OG.foundationCourse, "core": OG.coreCourse}


def _load_profiles(
    folder: Path,
    g: Graph,
    dictionary: dict[str, list[Column]],
    majors: dict[tuple[str, str], URIRef],
    known: set[str],
    problems: list[SourceError],
) -> None:
    """The MOE 专业简介 of each major: its text fields, numbered ability requirements, courses,
    certificates, continuing majors and the 岗位 its 职业面向 names (profiles.tsv and the files
    beside it; one row per item so editors can correct a single line)."""

    def major_of(row: Row) -> URIRef | None:
        iri = majors.get((row["catalogue"], row["code"]))
        if iri is None:
            problems.append(row.error(f"unknown major {row['catalogue']}:{row['code']} (not in majors.tsv)"))
        return iri

    profiled: set[URIRef] = set()
    for row in read_table(folder, "profiles.tsv", dictionary):
        iri = major_of(row)
        if iri is None:
            continue
        if iri in profiled:
            problems.append(row.error(f"the profile of {row['code']} is given twice"))
            continue
        profiled.add(iri)
        if row.get("years"):
            g.add((iri, OG.studyDuration, literal(row["years"], lang="zh")))
        for column, prop in (
            ("orientation", OG.orientationText),
            ("goal", OG.trainingGoal),
            ("practice", OG.practiceText),
        ):
            if row.get(column):
                g.add((iri, prop, literal(row[column], lang="zh")))
        g.add((iri, OG.profileDocument, literal(row["document"])))
        if row.get("pdf_url"):
            g.add((iri, RDFS.seeAlso, URIRef(row["pdf_url"])))
        if PROFILE_SOURCE in known:
            g.add((iri, PROV.wasDerivedFrom, source_iri(PROFILE_SOURCE)))

    def numbered(file: str, kind: str, cls: URIRef, link: URIRef) -> dict[URIRef, Row]:
        """Nodes id/major/<catalogue>/<code>/<kind>/<n> for a numbered list of the profile."""
        nodes: dict[URIRef, Row] = {}
        quoted: dict[str, str] = {}  # the same item numbers recur in every major's list
        for row in read_table(folder, file, dictionary):
            iri = major_of(row)
            if iri is None:
                continue
            key = f"{row['level']}/{row['no']}" if kind == "continuing" else f"{row.get('kind', '')}/{row['no']}"
            segment = quoted.get(key)
            if segment is None:
                segment = quoted[key] = quote(key.strip("/"), safe="/")
            node = URIRef(f"{iri}/{kind}/{segment}")
            if node in nodes:
                problems.append(
                    row.error(f"item {row['no']} of {row['code']} is given twice (line {nodes[node].line})")
                )
                continue
            nodes[node] = row
            g.add((node, RDF.type, cls))
            g.add((iri, link, node))
            g.add((node, OG.itemNumber, literal(int(row["no"]))))
        return nodes

    for node, row in numbered("abilities.tsv", "ability", OG.AbilityRequirement, OG.hasAbilityRequirement).items():
        g.add((node, OG.abilityText, literal(row["text"], lang="zh")))
    for node, row in numbered(
        "profile-certificates.tsv", "certificate", OG.CertificateExample, OG.hasCertificateExample
    ).items():
        g.add((node, SKOS.prefLabel, literal(row["name"], lang="zh")))
        g.add((node, OG.certificateKindText, literal(row["kind"], lang="zh")))
    by_code = {code: iri for (_cat, code), iri in majors.items()}
    for node, row in numbered("continuing.tsv", "continuing", OG.ContinuingMajor, OG.hasContinuingMajor).items():
        g.add((node, SKOS.prefLabel, literal(row["name"], lang="zh")))
        g.add((node, OG.continuingLevelText, literal(row["level"], lang="zh")))
        if row.get("major_code"):
            target = by_code.get(row["major_code"])
            if target is None:
                problems.append(row.error(f"major_code {row['major_code']} is not in majors.tsv"))
            else:
                g.add((node, OG.continuesTo, target))

    for row in read_table(folder, "courses.tsv", dictionary):
        iri = major_of(row)
        if iri is not None:
            g.add((iri, COURSE_PROPERTY[row["kind"]], literal(row["name"], lang="zh")))
    for row in read_table(folder, "posts.tsv", dictionary):
        iri = major_of(row)
        if iri is not None:
            g.add((iri, OG.jobPostName, literal(row["post"], lang="zh")))


def _expected(g: Graph, iri: URIRef, row: Row, problems: list[SourceError]) -> None:
    if row.get("expected_majors"):
        if not row.get("count_source"):
            problems.append(row.error("count_source is required when expected_majors is given"))
        g.add((iri, OG.expectedMajorCount, literal(int(row["expected_majors"]))))
    if row.get("count_source"):
        g.add((iri, OG.expectedCountSource, literal(row["count_source"])))


def _note_catalogue_coverage(
    g: Graph,
    ctx: BuildContext,
    catalogues: dict[str, Row],
    tiers: dict[str, str],
    majors: dict[tuple[str, str], URIRef],
) -> None:
    """One line per catalogue: how many of its majors are present, per tier."""
    for cid, row in sorted(catalogues.items()):
        present = sum(1 for (c, _code) in majors if c == cid)
        parts = []
        order = {t: i for i, t in enumerate(TIER_ORDER)}
        for tid in sorted((t for t, c in tiers.items() if c == cid), key=lambda t: (order.get(t, 99), t)):
            n = sum(1 for iri in majors.values() if (iri, OG.inTier, tier_iri(tid)) in g)
            expected = g.value(tier_iri(tid), OG.expectedMajorCount)
            label = g.value(tier_iri(tid), SKOS.prefLabel)
            parts.append(f"{label} {n}" + (f" of {int(expected):,}" if expected is not None else ""))
        links = sum(len(list(g.objects(iri, OG.hasOrientation))) for (c, _code), iri in majors.items() if c == cid)
        if row.get("expected_majors"):
            expected_total = int(row["expected_majors"])
            share = f"{100 * present / expected_total:.1f}%"
            ctx.note(
                SECTION_MAJORS,
                f"{row['name']}: {present} of {expected_total:,} majors present ({share}); "
                f"{'; '.join(parts)}; {links} major-occupation links",
            )
        else:
            ctx.note(
                SECTION_MAJORS,
                f"{row['name']}: {present} majors present (total not known); "
                f"{'; '.join(parts)}; {links} major-occupation links",
            )


# ---------------------------------------------------------------- 1+X certificates


def load_onex(folder: Path, g: Graph, ctx: BuildContext) -> None:
    dictionary = read_dictionary(folder)
    problems: list[SourceError] = []
    known = _known_sources(g)

    levels: dict[str, int] = {}
    for row in read_table(folder, "levels.tsv", dictionary):
        if row["id"] in levels or int(row["rank"]) in levels.values():
            problems.append(row.error(f"level {row['id']} or rank {row['rank']} is given twice"))
            continue
        levels[row["id"]] = int(row["rank"])
        iri = onex_level_iri(row["id"])
        g.add((iri, RDF.type, OG.OnexLevel))
        g.add((iri, SKOS.prefLabel, literal(row["id"], lang="zh")))
        g.add((iri, SKOS.prefLabel, literal(row["name_en"], lang="en")))
        g.add((iri, OG.levelRank, literal(int(row["rank"]))))
    ordered = sorted(levels, key=levels.__getitem__)
    for low, high in zip(ordered, ordered[1:], strict=False):
        g.add((onex_level_iri(low), OG.nextHigherLevel, onex_level_iri(high)))

    orgs: set[str] = set()
    for row in read_table(folder, "organisations.tsv", dictionary):
        name = row["name"]
        if name in orgs:
            problems.append(row.error(f"organisation {name} is given twice"))
            continue
        orgs.add(name)
        iri = organisation_iri(name)
        g.add((iri, RDF.type, OG.TrainingEvaluationOrganisation))
        g.add((iri, SKOS.prefLabel, literal(name, lang="zh")))
        _derive(g, iri, row, row["source"], known, problems)

    certs: dict[str, URIRef] = {}
    for row in read_table(folder, "certificates.tsv", dictionary):
        name = row["name"]
        if name in certs:
            problems.append(row.error(f"certificate {name} is given twice"))
            continue
        if row["organisation"] not in orgs:
            problems.append(row.error(f"organisation {row['organisation']} is not in organisations.tsv"))
            continue
        iri = certificate_iri(name)
        certs[name] = iri
        g.add((iri, RDF.type, OG.OnexCertificate))
        g.add((iri, SKOS.prefLabel, literal(name, lang="zh")))
        g.add((iri, OG.awardedBy, organisation_iri(row["organisation"])))
        if row.get("pilot_batch"):
            g.add((iri, OG.onexPilotBatch, literal(int(row["pilot_batch"]))))
        _derive(g, iri, row, row["source"], known, problems)

    with_levels: set[str] = set()
    for row in read_table(folder, "certificate-levels.tsv", dictionary):
        name, level = row["certificate"], row["level"]
        if name not in certs:
            problems.append(row.error(f"certificate {name} is not in certificates.tsv"))
            continue
        if level not in levels:
            problems.append(row.error(f"level {level} is not in levels.tsv"))
            continue
        iri = certificate_iri(name, level)
        if (iri, RDF.type, OG.CertificateAtLevel) in g:
            problems.append(row.error(f"{name} {level} is given twice"))
            continue
        with_levels.add(name)
        g.add((iri, RDF.type, OG.CertificateAtLevel))
        g.add((iri, OG.levelOfCertificate, certs[name]))
        g.add((iri, OG.certificateLevel, onex_level_iri(level)))
        g.add((iri, SKOS.prefLabel, literal(f"{name}（{level}）", lang="zh")))
        if row.get("ncb_id"):
            g.add((iri, DCTERMS.identifier, literal(row["ncb_id"])))
        if row.get("effective_from"):
            g.add((iri, OG.effectiveFrom, literal(row["effective_from"], datatype=XSD.date)))
        if row.get("orientation"):
            g.add((iri, OG.orientationText, literal(row["orientation"], lang="zh")))
        _derive(g, iri, row, row["source"], known, problems)

    faced: dict[str, int] = {}
    for row in read_table(folder, "certificate-occupations.tsv", dictionary):
        name = row["certificate"]
        if name not in certs:
            problems.append(row.error(f"certificate {name} is not in certificates.tsv"))
            continue
        _orientation(g, ctx, row, certs[name], OG.facesOccupation, known, problems, SECTION_ONEX)
        faced[row["basis"]] = faced.get(row["basis"], 0) + 1

    if problems:
        raise SourceErrors(problems)
    ctx.note(
        SECTION_ONEX,
        f"{len(certs)} certificates of {len(orgs)} training-evaluation organisations; levels known "
        f"for {len(with_levels)} (credit bank sample); 1+X batches 3 and 4 (about 470 certificates) "
        "are not in any source",
    )
    ctx.note(
        SECTION_ONEX,
        "certificate-occupation links by basis: " + (", ".join(f"{b} {n}" for b, n in sorted(faced.items())) or "none"),
    )


# ---------------------------------------------------------------- credit equivalences


HEADER_LINE = re.compile(r"#\s?(?P<indent>\s*)(?P<key>[A-Za-z_][\w-]*):\s*(?P<value>.*)$")


def read_sssom(folder: Path, file: str, dictionary: dict[str, list[Column]]) -> tuple[dict[str, object], list[Row]]:
    """An SSSOM-style TSV: "#" header lines (a small YAML subset: ``key: value`` and a one-level
    ``curie_map:``), then a header row and data rows checked against the column dictionary like
    ``read_table``. Line numbers count the header lines, so they are the file's own."""
    path = folder / file
    shown = os.path.relpath(path)
    columns = dictionary.get(file)
    if columns is None:
        raise SourceError(str(folder / "columns.tsv"), 0, f"no columns documented for {file}")
    if not path.exists():
        raise SourceError(shown, 0, "file is missing")
    meta: dict[str, object] = {}
    curie_map: dict[str, str] = {}
    problems: list[SourceError] = []
    rows: list[Row] = []
    names = [c.name for c in columns]
    header_seen = False
    in_map = False
    for n, raw in source_lines(path, shown):
        line = raw.rstrip("\r")
        if not header_seen and line.startswith("#"):
            m = HEADER_LINE.match(line)
            if not m:
                if line.strip("# "):
                    problems.append(SourceError(shown, n, "header line is not 'key: value'"))
                continue
            if m["indent"] and in_map:
                curie_map[m["key"]] = m["value"].strip()
            elif m["indent"]:
                problems.append(SourceError(shown, n, f"indented {m['key']!r} outside curie_map"))
            else:
                in_map = m["key"] == "curie_map" and not m["value"].strip()
                if not in_map:
                    meta[m["key"]] = m["value"].strip()
            continue
        if not header_seen:
            header = line.split("\t")
            if header != names:
                raise SourceError(shown, n, f"header must be {names}, found {header}")
            header_seen = True
            continue
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) != len(names):
            problems.append(SourceError(shown, n, f"expected {len(names)} tab-separated cells, found {len(cells)}"))
            continue
        if long_cells(shown, n, cells):
            problems += long_cells(shown, n, cells)
            continue
        values = dict(zip(names, (c.strip() for c in cells), strict=True))
        for col in columns:
            value = values[col.name]
            if col.required and not value:
                problems.append(SourceError(shown, n, f"column {col.name!r} is required"))
            elif value and col.pattern and not col.pattern.fullmatch(value):
                problems.append(
                    SourceError(shown, n, f"column {col.name!r}: {value!r} does not match {col.pattern.pattern}")
                )
        rows.append(Row(shown, n, values))
    if not header_seen:
        raise SourceError(shown, 0, "no header row")
    for prefix, base in sorted(curie_map.items()):
        if prefix in CURIE_MAP and CURIE_MAP[prefix] != base:
            problems.append(
                SourceError(
                    shown, 0, f"curie_map: {prefix} must be {CURIE_MAP[prefix]} (the IRIs the build makes), not {base}"
                )
            )
    for prefix in sorted(set(CURIE_MAP) - set(curie_map)):
        problems.append(SourceError(shown, 0, f"curie_map: prefix {prefix} is missing"))
    if problems:
        raise SourceErrors(problems)
    meta["curie_map"] = curie_map
    return meta, rows


def load_credit_equivalences(folder: Path, g: Graph, ctx: BuildContext) -> None:
    dictionary = read_dictionary(folder)
    problems: list[SourceError] = []

    examples: set[URIRef] = set()
    labels: dict[URIRef, str] = {}

    for row in read_table(folder, "frameworks.tsv", dictionary):
        iri = framework_iri(row["id"])
        if iri in labels:
            problems.append(row.error(f"framework {row['id']} is given twice"))
            continue
        labels[iri] = row["name"]
        g.add((iri, RDF.type, OG.CreditFramework))
        g.add((iri, SKOS.prefLabel, literal(row["name"], lang="zh")))
        g.add((iri, SKOS.prefLabel, literal(row["name_en"], lang="en")))
        g.add((iri, DCTERMS.publisher, literal(row["owner"], lang="zh")))
        if row.get("note"):
            g.add((iri, SKOS.note, literal(row["note"])))
        if row["status"] == "example":
            examples.add(iri)
            for c in EXAMPLE_COMMENT:
                g.add((iri, RDFS.comment, c))

    for row in read_table(folder, "courses.tsv", dictionary):
        iri = course_iri(row["id"])
        if iri in labels:
            problems.append(row.error(f"course {row['id']} is given twice"))
            continue
        labels[iri] = row["title"]
        g.add((iri, RDF.type, OG.Course))
        g.add((iri, OG.courseCode, literal(row["id"].split("/", 1)[1])))
        g.add((iri, OG.schoolName, literal(row["school"], lang="zh")))
        g.add((iri, SKOS.prefLabel, literal(row["title"], lang="zh")))
        if row.get("credits"):
            g.add((iri, OG.courseCredits, literal(row["credits"], datatype=XSD.decimal)))
        if row.get("note"):
            g.add((iri, SKOS.note, literal(row["note"])))
        if row["status"] == "example":
            examples.add(iri)
            for c in EXAMPLE_COMMENT:
                g.add((iri, RDFS.comment, c))

    for row in read_table(folder, "outcomes.tsv", dictionary):
        iri = outcome_iri(row["id"])
        course = course_iri(row["id"].rsplit("/", 1)[0])
        if course not in labels:
            problems.append(row.error(f"course {row['id'].rsplit('/', 1)[0]} is not in courses.tsv"))
            continue
        if iri in labels:
            problems.append(row.error(f"outcome {row['id']} is given twice"))
            continue
        if course in examples and row["status"] != "example":
            problems.append(row.error("an outcome of an example course must have status example"))
        labels[iri] = row["text"]
        g.add((iri, RDF.type, OG.LearningOutcome))
        g.add((iri, OG.outcomeOfCourse, course))
        g.add((iri, OG.outcomeText, literal(row["text"], lang="zh")))
        if row["status"] == "example":
            examples.add(iri)
            for c in EXAMPLE_COMMENT:
                g.add((iri, RDFS.comment, c))

    cert_labels = {s: str(o) for s in g.subjects(RDF.type, OG.OnexCertificate) for o in g.objects(s, SKOS.prefLabel)}
    cert_labels.update(
        {s: str(o) for s in g.subjects(RDF.type, OG.CertificateAtLevel) for o in g.objects(s, SKOS.prefLabel)}
    )

    meta, rows = read_sssom(folder, "equivalences.tsv", dictionary)
    seen: dict[str, int] = {}
    by_status: dict[str, int] = {}
    for row in rows:
        eid = row["equivalence_id"]
        if eid in seen:
            problems.append(row.error(f"equivalence {eid} is already given at line {seen[eid]}"))
            continue
        seen[eid] = row.line
        before = len(problems)
        subject = _resolve(row, "subject_id", problems)
        target = _resolve(row, "object_id", problems)
        if subject is None or target is None:
            continue
        known_label = cert_labels.get(subject) or labels.get(subject)
        if (
            row["subject_id"].startswith("outcome:")
            and subject not in labels
            or (row["subject_id"].startswith("onex:") and subject not in cert_labels)
        ):
            problems.append(
                row.error(
                    f"subject {row['subject_id']} is not a known certificate, certificate level "
                    "(standards/onex/) or learning outcome (outcomes.tsv)"
                )
            )
        elif known_label != row["subject_label"]:
            problems.append(
                row.error(
                    f"subject_label {row['subject_label']!r} is not the name of {row['subject_id']} ({known_label!r})"
                )
            )
        predicate = row["predicate_id"]
        kind = row["object_id"].split(":", 1)[0]
        if predicate == "og:countsForCreditsIn":
            if kind != "framework":
                problems.append(row.error("og:countsForCreditsIn needs a framework: object"))
            if not row.get("credit_amount"):
                problems.append(row.error("credit_amount is required with og:countsForCreditsIn"))
        else:
            if kind not in ("course", "outcome"):
                problems.append(row.error("og:exemptsFrom needs a course: or outcome: object"))
            if row.get("credit_amount"):
                problems.append(row.error("credit_amount must be empty with og:exemptsFrom (not credits)"))
        if target not in labels:
            problems.append(row.error(f"object {row['object_id']} is not in frameworks, courses or outcomes.tsv"))
        elif labels[target] != row["object_label"]:
            problems.append(
                row.error(
                    f"object_label {row['object_label']!r} is not the name of {row['object_id']} ({labels[target]!r})"
                )
            )
        if row.get("valid_until") and row["valid_until"] < row["valid_from"]:
            problems.append(row.error(f"valid_until {row['valid_until']} is before valid_from {row['valid_from']}"))
        status = row["status"]
        if status == "approved" and not row.get("decision_date"):
            problems.append(row.error("decision_date is required when status is approved"))
        if status != "example" and (subject in examples or target in examples):
            problems.append(
                row.error(
                    f"an equivalence with status {status} cannot refer to an example framework, "
                    "course or outcome; use status example or a recorded target"
                )
            )
        if len(problems) > before:
            continue
        by_status[status] = by_status.get(status, 0) + 1
        iri = equivalence_iri(eid)
        g.add((iri, RDF.type, OG.CreditEquivalence))
        g.add((iri, OG.equivalenceSubject, subject))
        g.add((iri, OG.countsForCreditsIn if predicate == "og:countsForCreditsIn" else OG.exemptsFrom, target))
        if row.get("credit_amount"):
            g.add((iri, OG.creditAmount, literal(row["credit_amount"], datatype=XSD.decimal)))
        for condition in filter(None, (c.strip() for c in row.get("conditions").split("|"))):
            g.add((iri, OG.equivalenceCondition, literal(condition, lang="zh")))
        g.add((iri, OG.validFrom, literal(row["valid_from"], datatype=XSD.date)))
        if row.get("valid_until"):
            g.add((iri, OG.validUntil, literal(row["valid_until"], datatype=XSD.date)))
        g.add((iri, OG.decidedBy, literal(row["decided_by"], lang="zh")))
        if row.get("decision_date"):
            g.add((iri, OG.decisionDate, literal(row["decision_date"], datatype=XSD.date)))
        g.add((iri, OG.mappingJustification, expand_curie(row["mapping_justification"])))
        g.add((iri, OG.justification, literal(row["justification"], lang="zh")))
        g.add((iri, DCTERMS.creator, literal(row["author_id"])))
        g.add((iri, OG.equivalenceStatus, literal(status)))
        g.add((iri, RDFS.label, literal(f"{row['subject_label']} → {row['object_label']}", lang="zh")))
        if status == "example":
            for c in EXAMPLE_COMMENT:
                g.add((iri, RDFS.comment, c))
        if row.get("comment"):
            g.add((iri, RDFS.comment, literal(row["comment"], lang="en")))

    if problems:
        raise SourceErrors(problems)
    counts = ", ".join(f"{s} {n}" for s, n in sorted(by_status.items())) or "none"
    ctx.note(
        SECTION_CREDITS,
        f"{sum(by_status.values())} credit equivalences ({counts}); licence "
        f"{meta.get('license', 'not stated')}. No official conversion table is public: rows "
        "with status example are made up to test the format and are flagged as such everywhere",
    )


def _resolve(row: Row, column: str, problems: list[SourceError]) -> URIRef | None:
    try:
        return expand_curie(row[column])
    except ValueError as exc:
        problems.append(row.error(f"{column}: {exc}"))
        return None

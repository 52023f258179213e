"""One-time import: skill standards, eligibility rules and work requirements in standards/upstream/
-> editable standards/skill-standards/, standards/eligibility/ and standards/work-requirements/.

Run by hand (``python -m graph.build.importers.standards``); after that, editors change the TSVs. Reads
the unchanged upstream copies national_skill_standards_osta_list.csv,
standards_pdf_parse_summary_voced_kg.csv, application_conditions_by_level.csv and
work_requirements/*.jsonl, and the editable classification (standards/classification/entries.tsv,
labels.tsv, code-history.tsv) to resolve printed codes to current occupations. Hand-made files
(standards/ladder/*, standards/eligibility/related-occupations.tsv) are never overwritten.

Occupation resolution, in this order (the first that applies wins; each row says which and why):
1. code-and-name: the printed code is a current occupation and the name is its name (or the
   online dictionary's name for it);
2. name: the name is the name of exactly one current occupation (the printed code is an older
   edition's, or was reassigned);
3. code-history: the printed code is the former code of exactly one occupation in
   standards/classification/code-history.tsv;
4. work-type: the name is the name of a 工种 of exactly one occupation (classification/work-types.tsv,
   from the 2022 dictionary text); the standard then covers only that 工种 (work-type-scope.tsv);
5. code-and-similar-name: the printed code is a current occupation whose name contains the
   standard's name or is contained in it, or differs by one suffix (工/员/师), or has a character
   similarity of at least 0.75 (difflib ratio), or keeps the job word (last three characters) with
   at least 80% of the current name's characters — a rename; flagged for review in the QC report;
6. code-and-work-type: the printed code is a current occupation one of whose 工种 is named inside
   the standard's name (装饰镶贴工 at 6-29-04-01, whose 工种 include 镶贴工); the standard then covers
   only that 工种;
7. alias: the name is a recruiting alias (csco22 alias column) of exactly one occupation;
8. unresolved: left for an editor; listed by the QC rule standard-occupation-unresolved.

A title that ends in 修订 ("revised", as the OSTA list prints 道岔钳工修订) names the occupation
without it; the change is written to fixes.tsv.

Work requirements: every change to the parsed text is written to work-requirements/fixes.tsv
with its evidence; what cannot be shown to be an artefact is kept and flagged.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from graph.build.sources.eligibility_rules import KIND_COLUMNS
from graph.build.tsv import format_tsv, read_csv_rows
from graph.core.paths import PACKAGE_ROOT

ROOT = PACKAGE_ROOT
UPSTREAM = ROOT / "standards" / "upstream"
CLASSIFICATION = ROOT / "standards" / "classification"
STANDARDS_OUT = ROOT / "standards" / "skill-standards"
ELIGIBILITY_OUT = ROOT / "standards" / "eligibility"
REQUIREMENTS_OUT = ROOT / "standards" / "work-requirements"

PRINTED_CODE_RE = re.compile(r"(?P<x>X?)(?P<code>\d-\d\d-\d\d-\d\d)(?P<wt>-\d{3})?(?:（(?P<ed>\d{4})年版）)?")
SIMILARITY = 0.75
REVISION_MARKER = "修订"
SHARED_CHARACTERS = 0.8  # a rename that keeps the job word: 广电和通信设备调试工 -> 电子设备调试工
SUFFIXES = ("人员", "工", "员", "师")
# Standards issued from this date for an occupation of major group 2 with levels 初级/中级/高级 are
# 国家职业技术技能标准 (professional-technical levels), not skill-level standards.
PROFESSIONAL_FROM = "2019-01-01"

SKILL_LEVEL_TOKENS = {
    "五级/初级工": "5",
    "四级/中级工": "4",
    "三级/高级工": "3",
    "二级/技师": "2",
    "一级/高级技师": "1",
    # pre-2018 names (国家职业资格五级 = 初级 ...); also what the parser left for a skill level
    "初级": "5",
    "中级": "4",
    "高级": "3",
}
PROFESSIONAL_TOKENS = {
    "初级": "professional-junior",
    "中级": "professional-intermediate",
    "高级": "professional-senior",
}


# ------------------------------------------------------------------------------------------------
# standards


@dataclass
class Classification:
    occupations: dict[str, str]  # code -> name
    names: dict[str, set[str]]  # name -> codes (prefLabel)
    alt_names: dict[str, set[str]]  # online-dictionary name -> codes
    aliases: dict[str, set[str]]  # csco22 recruiting alias -> codes
    former: dict[str, set[str]]  # former code -> current codes
    work_types: dict[str, set[str]] = field(default_factory=dict)  # 工种 name -> occupation codes

    @classmethod
    def load(cls, folder: Path) -> Classification:
        def rows(name: str) -> list[dict[str, str]]:
            with (folder / name).open(encoding="utf-8", newline="") as fh:
                return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))

        occupations = {r["code"]: r["name"] for r in rows("entries.tsv") if "occupation" in r["kinds"].split("|")}
        names: dict[str, set[str]] = defaultdict(set)
        for code, name in occupations.items():
            names[name].add(code)
        alt_names: dict[str, set[str]] = defaultdict(set)
        aliases: dict[str, set[str]] = defaultdict(set)
        for r in rows("labels.tsv"):
            if r["code"] in occupations:
                (alt_names if r["type"] == "alt" else aliases)[r["label"]].add(r["code"])
        former: dict[str, set[str]] = defaultdict(set)
        for r in rows("code-history.tsv"):
            former[r["former_code"]].add(r["code"])
        work_types: dict[str, set[str]] = defaultdict(set)
        if (folder / "work-types.tsv").exists():
            for r in rows("work-types.tsv"):
                if r["code"] in occupations:
                    work_types[r["name"]].add(r["code"])
        return cls(occupations, names, alt_names, aliases, former, work_types)

    def name_matches(self, name: str) -> set[str]:
        return self.names.get(name, set()) | self.alt_names.get(name, set())

    def work_type_within(self, code: str, name: str) -> str:
        """The longest 工种 of occupation ``code`` whose name is part of ``name`` ('' if none): a
        standard named after a 工种 with a qualifier (装饰镶贴工 for the 工种 镶贴工)."""
        inside = [wt for wt, codes in self.work_types.items() if code in codes and len(wt) >= 3 and wt in name]
        return max(inside, key=lambda wt: (len(wt), wt), default="")


def similar_names(a: str, b: str) -> tuple[bool, str]:
    """Whether two occupation names look like one renamed occupation, and why.

    >>> similar_names("评茶员", "评茶师")
    (True, 'the names differ only in the suffix (员/师)')
    >>> similar_names("布绒玩具制作工", "玩具制作工")
    (True, "'玩具制作工' is contained in '布绒玩具制作工'")
    >>> similar_names("木雕工", "玻璃加工工")[0]
    False
    >>> similar_names("广电和通信设备调试工", "电子设备调试工")
    (True, "same job word '调试工' and 6 of the 7 characters of '电子设备调试工' in '广电和通信设备调试工'")
    """

    def stem(n: str) -> tuple[str, str]:
        for s in SUFFIXES:
            if n.endswith(s) and len(n) > len(s):
                return n[: -len(s)], s
        return n, ""

    (sa, xa), (sb, xb) = stem(a), stem(b)
    if sa == sb and xa != xb:
        return True, f"the names differ only in the suffix ({xa}/{xb})"
    if a in b or b in a:
        inner, outer = (a, b) if a in b else (b, a)
        return True, f"{inner!r} is contained in {outer!r}"
    ratio = difflib.SequenceMatcher(None, a, b).ratio()
    if ratio >= SIMILARITY:
        return True, f"character similarity {ratio:.2f} (at least {SIMILARITY})"
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    shared = sum(1 for ch in shorter if ch in longer)
    if len(shorter) >= 5 and a[-3:] == b[-3:] and shared / len(shorter) >= SHARED_CHARACTERS:
        return True, (
            f"same job word {a[-3:]!r} and {shared} of the {len(shorter)} characters of {shorter!r} in {longer!r}"
        )
    return False, f"character similarity {ratio:.2f}"


def resolve(printed: str, name: str, cls: Classification) -> tuple[str, str, str]:
    """(current code or '', method, evidence) for a standard's printed code and occupation name."""
    m = PRINTED_CODE_RE.fullmatch(printed)
    if not m:
        return "", "unresolved", f"printed code {printed!r} is not a classification code"
    code = m["code"]
    edition = "1999 edition" if m["ed"] else ("supplement to the 1999 edition (X code)" if m["x"] else "")
    wt = f"; {printed} is a work-type code under occupation {code}" if m["wt"] else ""
    if not m["x"] and not m["ed"] and code in cls.occupations and code in cls.name_matches(name):
        return code, "code-and-name", f"code {code} is current and named {cls.occupations[code]}{wt}"
    by_name = cls.name_matches(name)
    if len(by_name) == 1:
        (to,) = by_name
        printed_note = f"printed code {printed}" + (f" ({edition})" if edition else "")
        if code in cls.occupations and code != to:
            printed_note += f", which is now {code} {cls.occupations[code]}"
        elif code not in cls.occupations:
            printed_note += ", which is not a current code"
        return to, "name", f"the name {name} is the name of exactly one current occupation, {to}; {printed_note}"
    former = cls.former.get(code, set())
    if len(former) == 1 and not m["x"] and not m["ed"]:
        (to,) = former
        return to, "code-history", f"{code} is a former code of {to} {cls.occupations[to]} (code-history.tsv)"
    of_work_type = cls.work_types.get(name, set())
    if len(of_work_type) == 1 and not by_name:
        (to,) = of_work_type
        return (
            to,
            "work-type",
            f"{name} is a 工种 of exactly one occupation, {to} {cls.occupations[to]} (classification/work-types.tsv, "
            f"from the 2022 dictionary text); printed code {printed}",
        )
    if not m["x"] and not m["ed"] and code in cls.occupations:
        ok, why = similar_names(name, cls.occupations[code])
        if ok:
            return (
                code,
                "code-and-similar-name",
                (f"code {code} is current and named {cls.occupations[code]}; {why}: taken as a rename, to review"),
            )
    if not m["x"] and not m["ed"] and code in cls.occupations and (inside := cls.work_type_within(code, name)):
        return (
            code,
            "code-and-work-type",
            (
                f"code {code} is current ({cls.occupations[code]}) and its 工种 {inside} (classification/"
                f"work-types.tsv, from the 2022 dictionary text) is named in {name}: the standard covers that 工种"
            ),
        )
    aliases = cls.aliases.get(name, set())
    if len(aliases) == 1:
        (to,) = aliases
        return (
            to,
            "alias",
            (
                f"the name {name} is a recruiting alias of exactly one occupation, {to} "
                f"{cls.occupations[to]} (csco22 alias column; noisy, to review)"
            ),
        )
    reasons = []
    if len(by_name) > 1:
        reasons.append(f"the name matches several occupations ({', '.join(sorted(by_name))})")
    else:
        reasons.append(f"no current occupation is named {name}")
    if code in cls.occupations and not m["x"] and not m["ed"]:
        reasons.append(f"code {code} is now {cls.occupations[code]} ({similar_names(name, cls.occupations[code])[1]})")
    elif not m["x"] and not m["ed"]:
        reasons.append(f"code {code} is not a current code")
    else:
        reasons.append(f"{printed} is a code of the {edition} with no recorded successor")
    return "", "unresolved", "; ".join(reasons)


def split_parenthesised_name(name: str) -> tuple[str, str]:
    """A name with half-width parentheses left by the transcription: (name, work types) or (name, '').

    >>> split_parenthesised_name("金属轧制工( 热压延工、冷压延工)")
    ('金属轧制工', '热压延工、冷压延工')
    """
    m = re.fullmatch(r"(.+?)\s*\(\s*(.+?)\s*\)", name)
    return (m[1], m[2]) if m else (name, "")


def pdf_key(pdf_file: str) -> tuple[str, str] | None:
    stem = pdf_file.removesuffix(".pdf")
    if "_" not in stem:
        return None
    code, title = stem.split("_", 1)
    return code.strip(), title.strip().replace(" L_S", " L/S")


def parse_levels(tokens: str, ladder: str) -> tuple[list[str], list[str]]:
    """Level ids from the parser's |-separated level names, and the tokens it could not map.

    >>> parse_levels("五级/初级工|四级/中级工|高级|二级/技师|一级/高级技师", "skill")
    (['5', '4', '3', '2', '1'], [])
    >>> parse_levels("初级|中级|高级", "professional")
    (['professional-junior', 'professional-intermediate', 'professional-senior'], [])
    """
    table = PROFESSIONAL_TOKENS if ladder == "professional" else SKILL_LEVEL_TOKENS
    out: list[str] = []
    unknown = []
    for t in filter(None, tokens.split("|")):
        level = table.get(t)
        if level is None:
            unknown.append(t)
        elif level not in out:
            out.append(level)
    return out, unknown


def import_standards(upstream: Path, classification: Path, out: Path) -> dict[str, str]:
    """Write skill-standards/{standards,levels-covered,fixes}.tsv; return standard id by (code, title)."""
    cls = Classification.load(classification)
    osta = read_csv_rows(upstream / "national_skill_standards_osta_list.csv")
    parsed = read_csv_rows(upstream / "standards_pdf_parse_summary_voced_kg.csv")

    fixes: list[tuple[str, str, str]] = []
    base_ids: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in osta:
        printed = r["occupation_code_as_listed"].strip()
        m = PRINTED_CODE_RE.fullmatch(printed)
        base = (m["x"] + m["code"] + (m["wt"] or "")) if m else re.sub(r"[^0-9A-Za-z-]", "", printed)
        base_ids[f"{base}-{r['year']}"].append(r)
    ids: dict[str, str] = {}
    for base, group in base_ids.items():
        group.sort(key=lambda r: r["standard_title_as_listed"])
        for k, r in enumerate(group, start=1):
            ids[r["seq"]] = base if len(group) == 1 else f"{base}-{k}"

    by_key = {pdf_key(p["pdf_file"]): p for p in parsed if pdf_key(p["pdf_file"])}
    extra = [
        p
        for p in parsed
        if not pdf_key(p["pdf_file"])
        or pdf_key(p["pdf_file"])
        not in {(r["occupation_code_as_listed"].strip(), r["standard_title_as_listed"].strip()) for r in osta}
    ]

    rows, covered = [], []
    counts: Counter[str] = Counter()
    by_code_title: dict[str, str] = {}
    for r in osta:
        sid = ids[r["seq"]]
        printed = r["occupation_code_as_listed"].strip()
        title = r["standard_title_as_listed"].strip()
        by_code_title[f"{printed}|{title}"] = sid
        name, work_type = r["occupation_name"].strip(), r["work_type_in_parentheses"].strip()
        cleaned, wt_in_name = split_parenthesised_name(name)
        if wt_in_name:
            fixes.append(
                (
                    sid,
                    "work-type-split-from-name",
                    f"osta list seq {r['seq']}: occupation_name {name!r} holds the work types in half-width "
                    f"parentheses; name {cleaned!r}, work type {wt_in_name!r}",
                )
            )
            name, work_type = cleaned, work_type or wt_in_name
        if name.endswith(REVISION_MARKER) and not cls.name_matches(name):
            fixes.append(
                (
                    sid,
                    "revision-marker-stripped",
                    f"osta list seq {r['seq']}: occupation_name {name!r} ends in {REVISION_MARKER} (revised), "
                    f"which is not part of the occupation's name; name {name.removesuffix(REVISION_MARKER)!r}",
                )
            )
            name = name.removesuffix(REVISION_MARKER)
        code, method, evidence = resolve(printed, name, cls)
        counts[method] += 1
        m = PRINTED_CODE_RE.fullmatch(printed)
        ladder = "skill"
        p = by_key.get((printed, title))
        source_pdf = p["pdf_file"] if p else ""
        if p and "L_S" in source_pdf:
            fixes.append(
                (
                    sid,
                    "pdf-name-normalised",
                    f"{source_pdf}: the file name writes the title's 'L/S' as 'L_S' (no '/' in file names)",
                )
            )
        if p is None:
            # the two standards whose PDF was parsed under another file name: same code, name and edition
            p = next(
                (
                    q
                    for q in extra
                    if q["occupation_code_parsed"] == (m["code"] if m else "")
                    and q["occupation_name_parsed"].rstrip("。") == name
                    and q["edition_parsed"] == r["year"]
                ),
                None,
            )
            if p is None:
                alt_key = (printed, title.replace("/", "_"))
                p = next((q for q in parsed if pdf_key(q["pdf_file"]) == alt_key), None)
            if p is not None:
                source_pdf = p["pdf_file"]
                fixes.append(
                    (
                        sid,
                        "levels-from-other-pdf-name",
                        f"no parsed PDF named <code>_<title>.pdf; {p['pdf_file']} has the same code "
                        f"{p['occupation_code_parsed'] or printed}, name and edition",
                    )
                )
        tokens = p["levels_parsed"] if p else ""
        if (
            m
            and m["code"].startswith("2-")
            and r["promulgated_date"] >= PROFESSIONAL_FROM
            and tokens
            and set(tokens.split("|")) <= set(PROFESSIONAL_TOKENS)
        ):
            ladder = "professional"
        if p and tokens:
            levels, unknown = parse_levels(tokens, ladder)
            evidence_pdf = f"{source_pdf}: levels parsed by {p['parse_method']} as {tokens}" + (
                f"; tokens not understood: {'|'.join(unknown)}" if unknown else ""
            )
            for level in levels:
                covered.append((sid, level, "parsed", evidence_pdf))
        rows.append(
            {
                "id": sid,
                "tier": "national",
                "title": title,
                "code_as_printed": printed,
                "occupation_name": name,
                "work_type": work_type,
                "marker": r["ls_marker"].strip(),
                "issued": r["promulgated_date"],
                "doc_number": r["doc_number"].strip(),
                "issuer": "",
                "ladder": ladder,
                "occupation": code,
                "resolution": method,
                "resolution_evidence": evidence,
                "rule_set": "",
                "rule_set_evidence": "",
                "source": "osta-standards",
                "source_row": r["seq"],
            }
        )

    for row in rows:  # the rule set whose source names the standard (stated); others are applied by edition
        if row["occupation_name"] in ("电工", "焊工") and row["doc_number"] == "人社厅发〔2018〕145号":
            row["rule_set"] = "electrician-welder-2018"
            row["rule_set_evidence"] = (
                "application_conditions_by_level.csv gives these conditions for the 2018 "
                "电工 6-31-01-03 / 焊工 6-18-02-04 standards (人社厅发〔2018〕145号)"
            )

    header = [
        "id",
        "tier",
        "title",
        "code_as_printed",
        "occupation_name",
        "work_type",
        "marker",
        "issued",
        "doc_number",
        "issuer",
        "ladder",
        "occupation",
        "resolution",
        "resolution_evidence",
        "rule_set",
        "rule_set_evidence",
        "source",
        "source_row",
    ]
    out.mkdir(parents=True, exist_ok=True)
    (out / "standards.tsv").write_text(format_tsv(header, [[r[h] for h in header] for r in rows]), encoding="utf-8")
    (out / "levels-covered.tsv").write_text(
        format_tsv(["standard", "level", "provenance", "evidence"], covered), encoding="utf-8"
    )
    (out / "fixes.tsv").write_text(format_tsv(["standard", "fix", "evidence"], fixes), encoding="utf-8")
    (out / "work-type-scope.tsv").write_text(
        format_tsv(["standard", "occupation", "work_type", "evidence"], work_type_scope(rows, cls)), encoding="utf-8"
    )
    n_cov = len({c[0] for c in covered})
    print(
        f"wrote {len(rows)} standards ({dict(sorted(counts.items()))}), levels for {n_cov}, {len(fixes)} fixes to {out}"
    )
    return by_code_title


def work_type_scope(rows: list[dict[str, str]], cls: Classification) -> list[list[str]]:
    """Standards that cover a single 工种 of their occupation, not the whole occupation: the name is
    a 工种 of it (resolution work-type), or the title's parenthesised 工种 is one of its 工种."""
    out = []
    for r in rows:
        occ = r["occupation"]
        if not occ:
            continue
        if r["resolution"] == "work-type":
            out.append(
                [r["id"], occ, r["occupation_name"], f"{r['occupation_name']} is a 工种 of {occ} (work-types.tsv)"]
            )
        elif r["resolution"] == "code-and-work-type":
            inside = cls.work_type_within(occ, r["occupation_name"])
            why = f"the name {r['occupation_name']} names the 工种 {inside} of {occ} (work-types.tsv)"
            out.append([r["id"], occ, inside, why])
        elif r["work_type"] and occ in cls.work_types.get(r["work_type"], set()):
            out.append(
                [
                    r["id"],
                    occ,
                    r["work_type"],
                    f"the title names the 工种 {r['work_type']}, a 工种 of {occ} (work-types.tsv)",
                ]
            )
    return out


# ------------------------------------------------------------------------------------------------
# eligibility rules

VQ_SL = "vocational-qualification|skill-level"
ALL_DIPLOMAS = (
    "technical-school|senior-worker-class|technician-class|secondary-vocational|higher-vocational|bachelor|postgraduate"
)
TECH_SENIOR = "senior-worker-class|technician-class"
COLLEGE_UP = "higher-vocational|bachelor|postgraduate"
IN_SCHOOL = "graduated|graduating"
COLUMNS = ["kind", *KIND_COLUMNS, "note"]


def c(kind: str, **kw: str) -> dict[str, str]:
    return {"kind": kind, **kw}


def age(n: int) -> dict[str, str]:
    return c("age", age=str(n))


def work(
    years: float, scope: str, since: int | None = None, continuous: bool = False, note: str = ""
) -> dict[str, str]:
    return c(
        "work",
        years=f"{years:g}",
        scope=scope,
        counted_from=str(since or ""),
        continuous="yes" if continuous else "no",
        note=note,
    )


def cert(level: str, scope: str, types: str = VQ_SL, held: float | None = None) -> dict[str, str]:
    return c(
        "certificate",
        level_required=level,
        scope=scope,
        certificate_types=types,
        years_held=f"{held:g}" if held else "",
    )


def diploma(
    kinds: str, major: str, status: str = "graduated", assessed: bool = False, note: str = ""
) -> dict[str, str]:
    return c(
        "diploma",
        diploma_kinds=kinds,
        major_scope=major,
        student_status=status,
        assessed="yes" if assessed else "no",
        note=note,
    )


def title(level: str) -> dict[str, str]:
    return c("title", level_required=level, title_correspondence="yes")


# The structured reading of every upstream rule: (rule set, level as printed, condition_no) ->
# alternatives (each an AND of conditions). A numbered condition holding "……；或……" becomes
# several alternatives (rule 3a, 3b) that keep the full original text.
G = "generic-post-2024"
E = "electrician-welder-2018"
P = "fitter-pre-2018"
STRUCTURE: dict[tuple[str, str, str], list[list[dict[str, str]]]] = {
    (G, "五级/初级工", "1"): [
        [age(16), c("declaration", note="intends to work in this or a related occupation (拟从事)")]
    ],
    (G, "五级/初级工", "2"): [
        [age(16), work(0, "related", note="works in this or a related occupation (从事); any length")]
    ],
    (G, "四级/中级工", "1"): [[work(5, "related")]],
    (G, "四级/中级工", "2"): [[cert("5", "related"), work(3, "related", since=1)]],
    (G, "四级/中级工", "3"): [[diploma(ALL_DIPLOMAS, "related", IN_SCHOOL)]],
    (G, "三级/高级工", "1"): [[work(10, "related")]],
    (G, "三级/高级工", "2"): [[cert("4", "related"), work(4, "related", since=1)]],
    (G, "三级/高级工", "3"): [[title("professional-junior"), work(1, "related", since=1)]],
    (G, "三级/高级工", "4"): [[diploma(TECH_SENIOR, "related", IN_SCHOOL)]],
    (G, "三级/高级工", "5"): [[cert("4", "related"), diploma(COLLEGE_UP, "related", IN_SCHOOL)]],
    (G, "三级/高级工", "6"): [[diploma(COLLEGE_UP, "related", IN_SCHOOL, assessed=True)]],
    (G, "二级/技师", "1"): [[cert("3", "related"), work(5, "related", since=1)]],
    (G, "二级/技师", "2"): [
        [title("professional-junior"), work(5, "related", since=1), cert("3", "related"), work(1, "related", since=3)]
    ],
    (G, "二级/技师", "3"): [[title("professional-intermediate"), work(1, "related", since=1)]],
    (G, "二级/技师", "4"): [
        [
            cert("3", "related"),
            diploma(
                TECH_SENIOR,
                "any",
                note="graduates of 高级技工学校/技师学院 (read as the 高级工班 and 预备技师班/技师班 diploma kinds)",
            ),
            work(2, "related", note="counted in total (the text does not say from when)"),
        ]
    ],
    (G, "二级/技师", "5"): [
        [
            cert("3", "related", held=2),
            diploma(
                "technician-class",
                "any",
                "graduating|enrolled",
                note="students (学生) of a 预备技师班/技师班; graduates use rule 4",
            ),
        ]
    ],
    (G, "一级/高级技师", "1"): [[cert("2", "related"), work(5, "related", since=1)]],
    (G, "一级/高级技师", "2"): [
        [
            title("professional-intermediate"),
            work(5, "related", since=1),
            cert("2", "related"),
            work(1, "related", since=3),
        ]
    ],
    (G, "一级/高级技师", "3"): [[title("professional-senior"), work(1, "related", since=1)]],
    (E, "五级/初级工", "1"): [[work(1, "same")]],
    (E, "五级/初级工", "2"): [[c("apprenticeship", scope="same")]],
    (E, "四级/中级工", "1"): [[cert("5", "same"), work(4, "same", since=1)]],
    (E, "四级/中级工", "2"): [[work(6, "same")]],
    (E, "四级/中级工", "3"): [
        [diploma("technical-school|senior-worker-class|technician-class", "related", IN_SCHOOL)],
        [
            diploma(
                "secondary-vocational|higher-vocational|bachelor",
                "related",
                IN_SCHOOL,
                assessed=True,
                note="中等及以上职业学校 with 中级技能 as the training aim",
            )
        ],
    ],
    (E, "三级/高级工", "1"): [[cert("4", "same"), work(5, "same", since=1)]],
    (E, "三级/高级工", "2"): [
        [cert("4", "same"), diploma(TECH_SENIOR, "any", IN_SCHOOL, note="diploma of a 高级技工学校 or 技师学院")],
        [
            cert("4", "same"),
            diploma(
                "higher-vocational",
                "related",
                IN_SCHOOL,
                assessed=True,
                note="高等职业学校 with 高级技能 as the training aim",
            ),
        ],
    ],
    (E, "三级/高级工", "3"): [[diploma(COLLEGE_UP, "related"), cert("4", "same"), work(2, "same", since=2)]],
    (P, "初级", "1"): [[c("training", level_required="5", scope="same")]],
    (P, "初级", "2"): [[work(2, "same", continuous=True, note="见习 (trainee) work")]],
    (P, "初级", "3"): [[c("apprenticeship", scope="same")]],
    (P, "中级", "1"): [
        [
            cert("5", "same", "vocational-qualification"),
            work(3, "same", since=1, continuous=True),
            c("training", level_required="4", scope="same"),
        ]
    ],
    (P, "中级", "2"): [[cert("5", "same", "vocational-qualification"), work(5, "same", since=1, continuous=True)]],
    (P, "中级", "3"): [[work(7, "same", continuous=True)]],
    (P, "中级", "4"): [
        [
            diploma(
                "secondary-vocational|higher-vocational",
                "same",
                assessed=True,
                note="中等以上职业学校 approved by the HR authority with 中级技能 as the training aim",
            )
        ]
    ],
    (P, "高级", "1"): [
        [
            cert("4", "same", "vocational-qualification"),
            work(4, "same", since=1, continuous=True),
            c("training", level_required="3", scope="same"),
        ]
    ],
    (P, "高级", "2"): [[cert("4", "same", "vocational-qualification"), work(7, "same", since=1, continuous=True)]],
    (P, "高级", "3"): [
        [diploma(TECH_SENIOR, "same", note="高级技工学校 diploma in this occupation (专业)")],
        [
            diploma(
                "higher-vocational",
                "same",
                assessed=True,
                note="高等职业学校 approved by the HR authority with 高级技能 as the training aim",
            )
        ],
    ],
    (P, "高级", "4"): [
        [
            diploma(COLLEGE_UP, "related"),
            cert("4", "same", "vocational-qualification"),
            work(2, "same", since=2, continuous=True),
        ]
    ],
}
RULE_SETS = {
    G: (
        "generic template used by post-2024 national standards (as transcribed by source)",
        "2024-01-01",
        "",
        "Levels 5 to 1, with professional-title routes. Applied by edition to standards issued "
        "from 2024-01-01 (the source says the template is used by post-2024 standards).",
    ),
    E: (
        "2018-edition standard conditions (电工 6-31-01-03 / 焊工 6-18-02-04, 人社厅发〔2018〕145号), levels 5-3 only",
        "2018-01-01",
        "2023-12-31",
        "Stated for the 2018 电工 and 焊工 standards; applied by edition to the other "
        "standards issued 2018-2023, whose own wording may differ (e.g. 本职业或相关职业 where this text says "
        "本职业). Levels 2 and 1 were not transcribed.",
    ),
    P: (
        "pre-2018 (职业资格 era) three-tier conditions, 钳工 standard (as transcribed by source)",
        "",
        "2017-12-31",
        "Levels 初级/中级/高级 (国家职业资格五级/四级/三级). Applied by edition to standards issued "
        "before 2018; the figures of other standards of that era may differ. 技师/高级技师 not transcribed.",
    ),
}


def import_eligibility(upstream: Path, out: Path) -> None:
    rows = read_csv_rows(upstream / "application_conditions_by_level.csv")
    by_template = {t: key for key, (t, *_rest) in RULE_SETS.items()}
    sets, rules, conditions = [], [], []
    seen_sets: set[str] = set()
    for line, r in enumerate(rows, start=2):
        rs = by_template.get(r["template"])
        if rs is None:
            raise SystemExit(f"application_conditions_by_level.csv:{line}: unknown template {r['template']!r}")
        if rs not in seen_sets:
            seen_sets.add(rs)
            label, start, until, note = RULE_SETS[rs][0], *RULE_SETS[rs][1:]
            sets.append((rs, label, r["occupation"], start, until, "eligibility-rules", r["source"], note))
        level = SKILL_LEVEL_TOKENS[r["level"]]
        alternatives = STRUCTURE.get((rs, r["level"], r["condition_no"]))
        if alternatives is None:
            raise SystemExit(
                f"application_conditions_by_level.csv:{line}: no structured reading for "
                f"{rs} {r['level']} ({r['condition_no']})"
            )
        for k, alternative in enumerate(alternatives):
            rule = r["condition_no"] + (chr(ord("a") + k) if len(alternatives) > 1 else "")
            part = (
                f"alternative {k + 1} of {len(alternatives)} in this numbered condition"
                if len(alternatives) > 1
                else ""
            )
            rules.append(
                (
                    rs,
                    level,
                    rule,
                    r["level"],
                    r["condition_no"],
                    r["condition_text"].strip(),
                    r["required_materials"].strip(),
                    part,
                    str(line),
                )
            )
            for n, cond in enumerate(alternative, start=1):
                conditions.append((rs, level, rule, str(n), *[cond.get(col, "") for col in COLUMNS]))
    missing = set(STRUCTURE) - {
        (s, r["level"], r["condition_no"]) for r in rows for s in [by_template.get(r["template"])]
    }
    if missing:
        raise SystemExit(f"structured readings without an upstream rule: {sorted(missing)}")
    out.mkdir(parents=True, exist_ok=True)
    (out / "rule-sets.tsv").write_text(
        format_tsv(
            ["id", "title", "occupations_named", "applies_from", "applies_until", "dataset", "source", "note"], sets
        ),
        encoding="utf-8",
    )
    (out / "rules.tsv").write_text(
        format_tsv(
            [
                "rule_set",
                "level",
                "rule",
                "level_as_printed",
                "number_as_printed",
                "text",
                "materials",
                "part",
                "source_line",
            ],
            rules,
        ),
        encoding="utf-8",
    )
    (out / "conditions.tsv").write_text(
        format_tsv(["rule_set", "level", "rule", "condition", *COLUMNS], conditions), encoding="utf-8"
    )
    related = out / "related-occupations.tsv"
    if not related.exists():
        related.write_text(format_tsv(["occupation", "related_occupation", "evidence", "source"], []), encoding="utf-8")
    print(f"wrote {len(sets)} rule sets, {len(rules)} rules, {len(conditions)} conditions to {out}")


# ------------------------------------------------------------------------------------------------
# work requirements

# file -> (printed code, document number) of its standard on the osta list (docs: SOURCES.md §2)
REQUIREMENT_FILES = {
    "2-02-10-09_人工智能工程技术人员.jsonl": ("2-02-10-09", "人社厅发〔2021〕70号"),
    "2-02-10-11_大数据工程技术人员.jsonl": ("2-02-10-11", "人社厅发〔2021〕10号"),
    "2-02-10-12_云计算工程技术人员.jsonl": ("2-02-10-12", "人社厅发〔2021〕70号"),
    "2-02-30-11_数字化管理师.jsonl": ("2-02-30-11", "人社厅发〔2021〕70号"),
    "4-04-04-02_网络与信息安全管理员.jsonl": ("4-04-04-02", "人社厅发〔2024〕18号"),
    "4-04-04-05_数字化解决方案设计师.jsonl": ("4-04-04-05", "人社厅发〔2024〕12号"),
    "4-04-05-02_计算机软件测试员.jsonl": ("4-04-05-02", "人社厅发〔2025〕63号"),
    "4-04-05-04_数据库运行管理员.jsonl": ("4-04-05-04", "人社厅发〔2025〕12号"),
    "4-04-05-05_人工智能训练师.jsonl": ("4-04-05-05", "人社厅发〔2021〕81号"),
    "4-07-02-05_商务数据分析师.jsonl": ("4-07-02-05", "人社厅发〔2024〕15号"),
}
LEVEL_NAMES = {**{k: v for k, v in SKILL_LEVEL_TOKENS.items() if "/" in k}, **PROFESSIONAL_TOKENS}
LINE_RE = re.compile(r"(\d+(?:\.\d+)+)\s*(.*)")
# a weight-table tail glued to a requirement: 技能等级…(%) or a level name followed by more level names
WEIGHT_TAIL_RE = re.compile(r"(技能等级|[一二三四五]级/(?=技能等级|[一二三四五]级/|初级工|中级工|高级工)).*\(%\).*$")
CONTINUATION = "续表"


@dataclass
class Fixes:
    rows: list[tuple[str, str, str, str, str]] = field(default_factory=list)

    def add(self, std: str, level: str, number: str, fix: str, evidence: str) -> None:
        self.rows.append((std, level, number, fix, evidence))


def _split_runs(lines: list[str]) -> list[list[str]]:
    """Split requirement lines where the numbering starts again (a number not above the previous one).

    >>> _split_runs(["1.1.1 a", "1.1.2 b", "1.1.1 c", "1.1.2 d"])
    [['1.1.1 a', '1.1.2 b'], ['1.1.1 c', '1.1.2 d']]
    """
    runs: list[list[str]] = []
    last: tuple[int, ...] | None = None
    for line in lines:
        m = LINE_RE.match(line)
        num = tuple(int(x) for x in m[1].split(".")) if m else None
        if not runs or (num is not None and last is not None and num <= last):
            runs.append([])
        runs[-1].append(line)
        if num is not None:
            last = num
    return runs


def _clean_function(name: str) -> tuple[str, str]:
    """(cleaned function name, what was removed) — weight-table and page-header text that the parser
    glued to the name; '' when nothing is left.

    >>> _clean_function("数据安全处置103.2\u3000三级/")
    ('数据安全处置', '103.2\u3000三级/')
    >>> _clean_function("权重表4.1\u3000理论知识权重表项目基本要求相关知识要求184.2\u3000技能要求权重表项目技能要求")[0]
    ''
    """
    cut = len(name)
    for marker in ("权重表", "\u3000", "三级/"):
        i = name.find(marker)
        if i != -1:
            cut = min(cut, i)
    kept = re.sub(r"[\d.]+$", "", name[:cut]) if cut < len(name) else name
    return kept, name[len(kept) :]


def import_work_requirements(upstream: Path, standards_out: Path, out: Path) -> None:
    with (standards_out / "standards.tsv").open(encoding="utf-8", newline="") as fh:
        standards = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    fixes = Fixes()
    functions: dict[tuple[str, str, str], tuple[str, str]] = {}
    contents: dict[tuple[str, str, str], tuple[str, str]] = {}
    requirements: list[tuple[str, ...]] = []
    for file, (printed, doc) in sorted(REQUIREMENT_FILES.items()):
        match = [s for s in standards if s["code_as_printed"] == printed and s["doc_number"] == doc]
        if len(match) != 1:
            raise SystemExit(f"{file}: {len(match)} standards with code {printed} and {doc}")
        std = match[0]["id"]
        raw = [json.loads(line) for line in (upstream / "work_requirements" / file).open(encoding="utf-8")]
        rows = _restructure(std, file, raw, fixes)
        start = len(requirements)
        _emit(std, rows, fixes, functions, contents, requirements)
        requirements[start:] = _keep_lowest_level(std, requirements[start:], fixes)
    names_at_level = Counter((s, lv, name) for (s, lv, _n), (name, _f) in functions.items() if name)
    for key, (name, flags) in list(functions.items()):
        if name and names_at_level[(key[0], key[1], name)] > 1:
            functions[key] = (name, "|".join(sorted(set(filter(None, flags.split("|"))) | {"name-shared"})))
    out.mkdir(parents=True, exist_ok=True)
    (out / "functions.tsv").write_text(
        format_tsv(
            ["standard", "level", "number", "name", "flags"],
            [(s, lv, n, name, flags) for (s, lv, n), (name, flags) in functions.items()],
        ),
        encoding="utf-8",
    )
    (out / "contents.tsv").write_text(
        format_tsv(
            ["standard", "level", "number", "name", "flags"],
            [(s, lv, n, name, flags) for (s, lv, n), (name, flags) in contents.items()],
        ),
        encoding="utf-8",
    )
    (out / "requirements.tsv").write_text(
        format_tsv(["standard", "level", "kind", "number", "seq", "work_content", "text", "flags"], requirements),
        encoding="utf-8",
    )
    (out / "fixes.tsv").write_text(
        format_tsv(["standard", "level", "number", "fix", "evidence"], fixes.rows), encoding="utf-8"
    )
    print(
        f"wrote {len(functions)} functions, {len(contents)} work contents, {len(requirements)} requirements, "
        f"{len(fixes.rows)} fixes to {out}"
    )


@dataclass
class WorkRow:
    level: str
    func: str
    work_no: str
    work: str
    skills: list[str]
    knowledge: list[str]
    flags: set[str] = field(default_factory=set)


def _restructure(std: str, file: str, raw: list[dict], fixes: Fixes) -> list[WorkRow]:  # type: ignore[type-arg]
    """Undo the parser's structural artefacts: merged 四级/三级 tables; glyph substitution."""
    rows = []
    for r in raw:
        level = LEVEL_NAMES[r["level"]]
        row = WorkRow(level, r["func"], r["work_no"], r["work"], list(r["skills"]), list(r["knowledge"]))
        if "ồ" in row.func + row.work + "".join(row.skills + row.knowledge):
            for attr in ("func", "work"):
                setattr(row, attr, getattr(row, attr).replace("ồ", "、"))
            row.skills = [s.replace("ồ", "、") for s in row.skills]
            row.knowledge = [s.replace("ồ", "、") for s in row.knowledge]
            fixes.add(
                std,
                level,
                row.work_no,
                "glyph-replaced",
                "'ồ' replaced by '、': the same file's weight-table text spells these function names with "
                "'、' (e.g. 数据采集、清洗和处理)",
            )
        rows.append(row)

    # Skill-level files: the 四级 and 三级 tables were merged under 四级. The rows run through the
    # work contents twice (first the 四级 table, then the 三级 one); each row of a pair carries the
    # union of both tables' lines, whose numbering starts again where the 三级 lines begin.
    fours = [r for r in rows if r.level == "4"]
    if fours and len({r.work_no for r in fours}) < len(fours):
        restart = next(i for i in range(1, len(fours)) if _num(fours[i].work_no) <= _num(fours[i - 1].work_no))
        first, second = fours[:restart], fours[restart:]
        pairs = {r.work_no: r for r in first}
        for r in second:
            r.level = "3"
            partner = pairs.get(r.work_no)
            if partner is None:
                fixes.add(
                    std,
                    "3",
                    r.work_no,
                    "level-4-3-split",
                    f"{file}: row {r.work_no} {r.work!r} is in the second run of 四级 rows (the 三级 table) "
                    "only; its lines belong to 三级",
                )
                continue
            s_runs, k_runs = _split_runs(r.skills), _split_runs(r.knowledge)
            if partner.skills != r.skills or partner.knowledge != r.knowledge or len(s_runs) != 2:
                # cannot tell which lines are 四级 and which 三级: kept once, under 四级, flagged
                partner.flags.add("merged-levels-unsplit")
                r.flags.add("merged-levels-unsplit")
                r.skills, r.knowledge = [], []
                continue
            if len(k_runs) in (1, 2):
                partner.skills, r.skills = s_runs
                if len(k_runs) == 2:
                    partner.knowledge, r.knowledge = k_runs
                else:
                    partner.flags.add("knowledge-level-unknown")
                    r.flags.add("knowledge-level-unknown")
                    r.knowledge = []
                fixes.add(
                    std,
                    "3",
                    r.work_no,
                    "level-4-3-split",
                    f"{file}: {r.work_no} appears twice under 四级 ({partner.work!r}, then {r.work!r}) with the "
                    f"same {len(r.skills) + len(partner.skills)} skill lines, numbered in two runs; the first "
                    "run is kept for 四级, the second moved to 三级 (the 三级 table follows the 四级 one)",
                )
            else:
                partner.flags.add("merged-levels-unsplit")
                r.flags.add("merged-levels-unsplit")
                r.skills, r.knowledge = [], []
        last4 = first[-1]
        if last4.work.endswith("高级工"):
            fixes.add(
                std,
                "4",
                last4.work_no,
                "header-removed",
                f"{file}: work content {last4.work!r} is the last 四级 row, just before the 三级/高级工 table; "
                "the trailing '高级工' is that table's header",
            )
            last4.work = last4.work.removesuffix("高级工")
    return rows


def _num(number: str) -> tuple[int, ...]:
    return tuple(int(x) for x in number.split("."))


def _emit(
    std: str,
    rows: list[WorkRow],
    fixes: Fixes,
    functions: dict,
    contents: dict,  # type: ignore[type-arg]
    requirements: list[tuple[str, ...]],
) -> None:
    # function names: cleaned of weight-table / page-header text; a name lost entirely is taken from
    # another level where the same work content (number and name) sits under a clean name
    clean_by_work: dict[tuple[str, str], str] = {}
    for r in rows:
        name, removed = _clean_function(r.func)
        if name and not removed:
            clean_by_work[(r.work_no, _clean_work(r.work)[0])] = name
    seen_lines: dict[tuple[str, str, str, str], int] = {}
    seq_by_number: Counter[tuple[str, str, str]] = Counter()
    dropped: Counter[tuple[str, str]] = Counter()
    for r in rows:
        fn_no = r.work_no.split(".")[0]
        fname, removed = _clean_function(r.func)
        fflags = set()
        if removed:
            fixes.add(
                std,
                r.level,
                fn_no,
                "function-text-removed",
                f"function name {r.func!r}: {removed!r} is weight-table or page-header text",
            )
        if not fname:
            work_name = _clean_work(r.work)[0]
            fname = clean_by_work.get((r.work_no, work_name), "")
            if fname:
                fixes.add(
                    std,
                    r.level,
                    fn_no,
                    "function-name-recovered",
                    f"function of {r.work_no} {work_name!r} is named {fname!r} at another level of the same "
                    "standard, where the same work content has the same number",
                )
            else:
                fflags.add("name-missing")
        if re.search(r"\d", fname):
            cut_at = re.search(r"\d", fname).start()  # type: ignore[union-attr]
            fixes.add(
                std,
                r.level,
                fn_no,
                "function-text-removed",
                f"function name {fname!r}: {fname[cut_at:]!r} is a section number and heading of another "
                "table glued to the name",
            )
            fname = fname[:cut_at]
        key = (std, r.level, fn_no)
        if key in functions and functions[key][0] != fname:
            old, flags = functions[key]
            if not old:
                functions[key] = (fname, "")
            elif fname and fname != old:
                functions[key] = (old, "|".join(sorted(set(filter(None, flags.split("|"))) | {"conflicting-names"})))
        elif key not in functions:
            functions[key] = (fname, "|".join(sorted(fflags)))

        wname, wremoved = _clean_work(r.work)
        if wremoved:
            fixes.add(
                std,
                r.level,
                r.work_no,
                "work-text-removed",
                f"work content {r.work!r}: {wremoved!r} is the weight table (function names and 合计)",
            )
        wflags = set(r.flags)
        if len(wname) > 20:
            wflags.add("garbled-name")
        ckey = (std, r.level, r.work_no)
        if ckey in contents:
            old, flags = contents[ckey]
            if old != wname:
                merged = set(filter(None, flags.split("|"))) | wflags | {"several-names"}
                contents[ckey] = ("" if "garbled-name" in merged else old, "|".join(sorted(merged)))
        else:
            contents[ckey] = (wname, "|".join(sorted(wflags)))

        for kind, lines in (("skill", r.skills), ("knowledge", r.knowledge)):
            for line in lines:
                m = LINE_RE.match(line.strip())
                number, text = (m[1], m[2].strip()) if m else ("", line.strip())
                flags = set()
                if r.level == "4" and (
                    "merged-levels-unsplit" in r.flags or (kind == "knowledge" and "knowledge-level-unknown" in r.flags)
                ):
                    flags.add("level-4-or-3")
                if not number:
                    flags.add("no-number")
                text, cut = _clean_line(text)
                if cut:
                    fixes.add(
                        std,
                        r.level,
                        number,
                        "weight-table-text-removed",
                        f"{kind} {number}: {cut!r} removed (weight-table header glued to the line)",
                    )
                if text.endswith(CONTINUATION):
                    text = text.removesuffix(CONTINUATION)
                    fixes.add(
                        std,
                        r.level,
                        number,
                        "continuation-mark-removed",
                        f"{kind} {number}: trailing '续表' (the page-break mark 'table continued') removed",
                    )
                if CONTINUATION in text:
                    flags.add("continuation-mark-inside")
                if len(text) <= 3:
                    flags.add("possibly-truncated")
                if not text:
                    continue
                line_key = (std, r.level, kind, text)
                if line_key in seen_lines:
                    dropped[(r.level, kind)] += 1
                    continue
                seq_key = (std, r.level, kind + number)
                seq_by_number[seq_key] += 1
                seq = seq_by_number[seq_key]
                if seq > 1:
                    flags.add("number-reused")
                seen_lines[line_key] = seq
                requirements.append((std, r.level, kind, number, str(seq), r.work_no, text, "|".join(sorted(flags))))
    for (level, kind), n in sorted(dropped.items()):
        fixes.add(
            std,
            level,
            "",
            "duplicate-lines-dropped",
            f"{n} {kind} lines repeated verbatim at this level (the parser repeated work contents) kept once",
        )


LEVEL_ORDER = {
    "5": 1,
    "4": 2,
    "3": 3,
    "2": 4,
    "1": 5,
    "professional-junior": 1,
    "professional-intermediate": 2,
    "professional-senior": 3,
}


def _keep_lowest_level(std: str, reqs: list[tuple[str, ...]], fixes: Fixes) -> list[tuple[str, ...]]:
    """A line repeated verbatim at a higher level of the same standard is kept at the lowest level
    only: higher levels include the lower levels' requirements (og:includesRequirementsOf)."""
    lowest: dict[tuple[str, str], str] = {}
    for _s, level, kind, _n, _q, _w, text, _f in reqs:
        key = (kind, text)
        if key not in lowest or LEVEL_ORDER[level] < LEVEL_ORDER[lowest[key]]:
            lowest[key] = level
    kept, dropped = [], Counter()
    for row in reqs:
        if lowest[(row[2], row[6])] == row[1]:
            kept.append(row)
        else:
            dropped[(row[1], row[2], lowest[(row[2], row[6])])] += 1
    for (level, kind, low), n in sorted(dropped.items()):
        fixes.add(
            std,
            level,
            "",
            "repeated-at-higher-level-dropped",
            f"{n} {kind} lines of this level repeat lines of level {low} verbatim; kept at level {low} only, "
            "which this level includes",
        )
    return kept


def _clean_line(text: str) -> tuple[str, str]:
    """Remove a weight-table tail (level names and '(%)') glued to a requirement line.

    >>> _clean_line("能点评数据安全攻防演练过程,并进行总结四级/技能等级中级工(%)")
    ('能点评数据安全攻防演练过程,并进行总结', '四级/技能等级中级工(%)')
    >>> _clean_line("能对二级/技师进行业务指导五级/四级/技能等级初级工中级工(%)(%)")
    ('能对二级/技师进行业务指导', '五级/四级/技能等级初级工中级工(%)(%)')
    """
    m = WEIGHT_TAIL_RE.search(text)
    if not m:
        return text, ""
    return text[: m.start()], text[m.start() :]


def _clean_work(name: str) -> tuple[str, str]:
    """Cut the weight table (a list of function names ending in 合计) glued to a work-content name.

    >>> _clean_work("指导权重表解决方案设计与呈现合计")
    ('指导', '权重表解决方案设计与呈现合计')
    """
    if "合计" not in name:
        return name, ""
    cut = min((i for i in (name.find("权重表"), name.find("职业道德")) if i != -1), default=-1)
    if cut <= 0:
        return name, ""
    return name[:cut], name[cut:]


def main(argv: Iterable[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--upstream", type=Path, default=UPSTREAM)
    ap.add_argument("--classification", type=Path, default=CLASSIFICATION)
    args = ap.parse_args(list(argv) if argv is not None else None)
    import_standards(args.upstream, args.classification, STANDARDS_OUT)
    import_eligibility(args.upstream, ELIGIBILITY_OUT)
    import_work_requirements(args.upstream, STANDARDS_OUT, REQUIREMENTS_OUT)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Import the majors catalogue, the major -> occupation links and the MOE 专业简介 into standards/majors/.

Run by hand (``python -m graph.build.importers.majors``) when an upstream copy changes; after that,
editors change the TSVs. Reads only the unchanged copies in standards/upstream/ (see
standards/provenance/datasets.tsv) and the editable classification (standards/classification/entries.tsv,
to turn occupation names into codes):

- ``flyboat/majors_catalogue_2021/vocational_majors_catalogue.tsv`` -> majors.tsv, categories.tsv
  (the 1,443 majors of the 职业教育专业目录 with the 2025 additions);
- ``flyboat/majors_catalogue_2021/major_occupation_links.tsv`` -> major-occupations.tsv, basis
  official (the MOHRSS 对应指引 (2023) as transcribed), plus the 普通本科 majors it names;
- ``flyboat/majors_catalogue_2021/moe_pdfs_md/*.md`` and ``moe_pdfs_final.json`` -> profiles.tsv,
  abilities.tsv, courses.tsv, profile-certificates.tsv, continuing.tsv, posts.tsv; the occupations the
  职业面向 names (exact name of one current occupation) -> major-occupations.tsv, basis official,
  source moe-profiles;
- ``major_to_occupation_pilot_it_voced_kg.csv`` (the earlier hand-curated pilot) is kept: its links
  stay curated unless an official source gives the same link, which then lists both sources.

Nothing is guessed: a name that is not exactly one occupation's name stays a name (reported), a
major the links name but the catalogue file lacks is added with the code and name the links give
(reported), and every surprising upstream row is printed as ``file:line: problem``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from graph.build.tsv import format_tsv, read_csv_rows
from graph.core.paths import PACKAGE_ROOT

ROOT = PACKAGE_ROOT
UPSTREAM = ROOT / "standards" / "upstream"
FLYBOAT = UPSTREAM / "flyboat" / "majors_catalogue_2021"
OUT = ROOT / "standards" / "majors"
ENTRIES = ROOT / "standards" / "classification" / "entries.tsv"
CODE_HISTORY = ROOT / "standards" / "classification" / "code-history.tsv"

CATALOGUE_FILE = "vocational_majors_catalogue.tsv"
LINKS_FILE = "major_occupation_links.tsv"
PROFILES_DIR = "moe_pdfs_md"
PDF_INDEX = "moe_pdfs_final.json"
PILOT = "major_to_occupation_pilot_it_voced_kg.csv"

SRC_CATALOGUE = "majors-catalogue"
SRC_LINKS = "majors-links"
SRC_PROFILES = "moe-profiles"
SRC_PILOT = "majors-pilot"

TIER_BY_NAME = {
    "中职": "secondary-vocational",
    "高职专科": "higher-vocational",
    "职教本科": "vocational-undergraduate",
    "职业本科": "vocational-undergraduate",
    "普通本科": "general-undergraduate",
}
# first digit of a 2021 catalogue code -> tier (2/3 职业本科, 4/5 高职专科, 6/7 中职)
TIER_BY_DIGIT = {
    "2": "vocational-undergraduate",
    "3": "vocational-undergraduate",
    "4": "higher-vocational",
    "5": "higher-vocational",
    "6": "secondary-vocational",
    "7": "secondary-vocational",
}
PILOT_TIERS = {
    "voc_secondary": ("voc2021", "secondary-vocational"),
    "voc_associate": ("voc2021", "higher-vocational"),
    "voc_bachelor": ("voc2021", "vocational-undergraduate"),
    "ug_bachelor": ("ug", "general-undergraduate"),
}
ADDED_2025 = "2025年12月新增"
# the tier a 接续专业举例 list names, as printed (高职本科 is the profiles' word for 职业本科)
CONTINUING_TIERS = {
    "高职专科": "higher-vocational",
    "高职本科": "vocational-undergraduate",
    "职业本科": "vocational-undergraduate",
    "普通本科": "general-undergraduate",
}
SEVEN_DIGITS = (
    "code printed with 7 digits in the 对应指引 table (普通本科 codes have 6); kept as printed, to be checked"
)
CODE_RE = re.compile(r"\d{6,7}[A-Z]{0,2}")
MAJOR_START_RE = re.compile(r"^#?\s*专业代码\s*(\d{6}[A-Z]{0,2})\s*$")
NAME_RE = re.compile(r"^#?\s*专业名称[\s　]*(.+?)\s*$")
YEARS_RE = re.compile(r"^#?\s*(?:基本|专业)修业年限[\s　]*(.+?)\s*$")
HEADING_RE = re.compile(r"^#\s*(.+?)\s*$")
NUMBERED_RE = re.compile(r"^\s*(\d{1,2})\s*[.．、]\s*(.*)$")
LABELLED_RE = re.compile(r"^\s*([^：:]{2,20})[：:]\s*(.*)$")
LIST_SPLIT_RE = re.compile(r"[、，,；;]")

# the sections of one 专业简介, by a word its heading contains (headings vary between files)
SECTIONS = (
    ("职业面向", "orientation"),
    ("培养目标", "goal"),
    ("能力要求", "abilities"),
    ("课程", "courses"),
    ("证书", "certificates"),
    ("接续", "continuing"),
)
# section titles that some files print as plain lines, without the markdown "#"
PLAIN_HEADINGS = {
    "职业面向",
    "培养目标定位",
    "培养目标",
    "主要专业能力要求",
    "主要专业课程与实习实训",
    "职业类证书举例",
    "接续专业举例",
}
COURSE_KINDS = {"专业基础课程": "foundation", "专业核心课程": "core", "实习实训": "practice"}


@dataclass
class Report:
    """Problems and surprises found in the upstream files, each at file:line."""

    lines: list[str] = field(default_factory=list)

    def add(self, path: Path, line: int, message: str) -> None:
        self.lines.append(f"{path.relative_to(ROOT)}:{line}: {message}")


@dataclass
class Profile:
    code: str
    name: str
    path: Path
    line: int
    years: str = ""
    text: dict[str, list[tuple[int, str]]] = field(default_factory=lambda: defaultdict(list))


def clean(text: str) -> str:
    """One line of PDF-converted text: no doubled spaces, no spaces between Chinese characters."""
    text = re.sub(r"\s+", " ", text.replace("\u3000", " ")).strip()
    return re.sub(r"(?<=[\u4e00-\u9fff）（、，；：])\s+(?=[\u4e00-\u9fff（）、，；：])", "", text)


def occupation_names() -> dict[str, list[str]]:
    """Current name -> codes of occupations (standards/classification/entries.tsv)."""
    out: dict[str, list[str]] = defaultdict(list)
    lines = ENTRIES.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    for line in lines[1:]:
        r = dict(zip(header, line.split("\t"), strict=True))
        if "occupation" in r["kinds"].split("|"):
            out[r["name"]].append(r["code"])
    return out


def read_tsv(path: Path) -> list[tuple[int, dict[str, str]]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    return [(n, dict(zip(header, line.split("\t"), strict=True))) for n, line in enumerate(lines[1:], start=2) if line]


# ---------------------------------------------------------------- catalogue and links


def catalogue(report: Report) -> tuple[dict[str, list[str]], dict[tuple[str, str], list[str]]]:
    path = FLYBOAT / CATALOGUE_FILE
    majors: dict[str, list[str]] = {}
    categories: dict[tuple[str, str], list[str]] = {}
    for n, r in read_tsv(path):
        code, tier_name = r["major_code"], r["tier"]
        tier = TIER_BY_NAME.get(tier_name)
        if tier is None or not CODE_RE.fullmatch(code):
            report.add(path, n, f"unknown tier {tier_name!r} or malformed code {code!r}; row left out")
            continue
        if TIER_BY_DIGIT.get(code[0]) != tier:
            report.add(path, n, f"code {code} does not start with a digit of tier {tier_name}")
        if code in majors:
            report.add(path, n, f"major {code} is listed twice; the first row is kept")
            continue
        note = ""
        if r["remark"] == ADDED_2025:
            note = "2025年12月新增 (added to the catalogue in December 2025, as the catalogue file marks it)"
        elif r["remark"]:
            report.add(path, n, f"unexpected remark {r['remark']!r} kept as the note")
            note = r["remark"]
        majors[code] = ["voc2021", code, tier, r["major_name"], SRC_CATALOGUE, note]
        for ccode, cname in ((r["category_code"], r["category"]), (r["class_code"], r["class"])):
            key = ("voc2021", ccode)
            known = categories.get(key)
            if known is None:
                categories[key] = ["voc2021", ccode, tier, cname, f"{SRC_CATALOGUE} {CATALOGUE_FILE} line {n}"]
            elif known[3] != cname:
                report.add(path, n, f"category {ccode} is named {cname!r} here and {known[3]!r} before")
        if not code.startswith(r["class_code"]) or not r["class_code"].startswith(r["category_code"]):
            report.add(
                path, n, f"code {code} is not under its 专业类 {r['class_code']} / 专业大类 {r['category_code']}"
            )
    return majors, categories


def links(
    report: Report, majors: dict[str, list[str]], names: dict[str, list[str]]
) -> dict[tuple[str, str, str], list[str]]:
    """(catalogue, major, occupation) -> row of major-occupations.tsv, from the 对应指引 table."""
    path = FLYBOAT / LINKS_FILE
    out: dict[tuple[str, str, str], list[str]] = {}
    ug: dict[str, list[str]] = {}
    all_codes = {c for codes in names.values() for c in codes}
    former: dict[str, str] = {}
    for _n, h in read_tsv(CODE_HISTORY):
        former.setdefault(h["former_code"], h["code"])
    for n, r in read_tsv(path):
        tier_name, code, occ = r["tier"], r["major_code"], r["occupation_code"]
        tier = TIER_BY_NAME.get(tier_name)
        if tier is None:
            report.add(path, n, f"unknown tier {tier_name!r}; row left out")
            continue
        if not CODE_RE.fullmatch(code):
            report.add(path, n, f"malformed major code {code!r}; row left out")
            continue
        if tier == "general-undergraduate":
            cat = "ug"
            if len(code.rstrip("TK")) != 6:
                report.add(
                    path,
                    n,
                    f"普通本科 code {code} has {len(code.rstrip('TK'))} digits (the catalogue's have 6); "
                    "kept as printed",
                )
            note = "" if len(code.rstrip("TK")) == 6 else SEVEN_DIGITS
            known = ug.setdefault(code, ["ug", code, tier, r["major_name"], SRC_LINKS, note])
            if known[3] != r["major_name"]:
                report.add(path, n, f"major {code} is named {r['major_name']!r} here and {known[3]!r} before")
        else:
            cat = "voc2021"
            if code not in majors:
                report.add(
                    path,
                    n,
                    f"major {code} {r['major_name']} ({tier_name}) is not in {CATALOGUE_FILE}; added from this table",
                )
                majors[code] = [
                    "voc2021",
                    code,
                    tier,
                    r["major_name"],
                    SRC_LINKS,
                    f"not in the catalogue file {CATALOGUE_FILE}; code and name as the 对应指引 table gives them",
                ]
            elif majors[code][2] != tier or majors[code][3] != r["major_name"]:
                report.add(
                    path, n, f"major {code} is {r['major_name']} ({tier_name}) here, {majors[code][3]} in the catalogue"
                )
        if occ not in all_codes and occ in former:
            report.add(
                path,
                n,
                f"occupation code {occ} ({r['occupation_name']}) is the 2022 code of {former[occ]}; linked to it",
            )
            evidence_code = f"; printed as {occ}, now {former[occ]} (code-history.tsv)"
            occ = former[occ]
        else:
            evidence_code = ""
        if occ not in all_codes:
            report.add(
                path,
                n,
                f"occupation code {occ} ({r['occupation_name']}) is not an occupation of entries.tsv; row left out",
            )
            continue
        key = (cat, code, occ)
        if key in out:
            report.add(path, n, f"the link {code} -> {occ} is given twice")
            continue
        out[key] = [
            cat,
            code,
            occ,
            r["occupation_name"],
            "official",
            SRC_LINKS,
            f"对应指引（2023年版）{tier_name} table, row {r['seq']} ({LINKS_FILE} line {n}){evidence_code}",
        ]
    majors.update(ug)
    return out


# ---------------------------------------------------------------- 专业简介


def read_profiles(report: Report) -> list[Profile]:
    """Every 专业简介 in the MOE markdown files, split into its sections (line numbers kept)."""
    profiles: list[Profile] = []
    for path in sorted((FLYBOAT / PROFILES_DIR).glob("*.md")):
        current: Profile | None = None
        section = ""
        for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            line = raw.strip()
            if not line:
                continue
            m = MAJOR_START_RE.match(line)
            if m:
                current = Profile(m.group(1), "", path, n)
                profiles.append(current)
                section = ""
                continue
            if current is None:
                continue
            if not current.name and (m := NAME_RE.match(line)):
                current.name = clean(m.group(1))
                continue
            if not current.years and (m := YEARS_RE.match(line)):
                current.years = clean(m.group(1))
                continue
            h = HEADING_RE.match(line)
            plain = line if line in PLAIN_HEADINGS else None
            if h or plain:
                title = h.group(1) if h else line
                section = next((key for word, key in SECTIONS if word in title), "")
                if not section:
                    current = None  # a 专业类 or 专业大类 heading: the profile ended
                elif current.text[section]:
                    report.add(
                        path, n, f"a second {title} after {current.code}: a profile without its 专业代码 line; left out"
                    )
                    current = None
                continue
            if section:
                current.text[section].append((n, line))
            else:
                report.add(path, n, f"text outside any section of {current.code}: {line[:40]!r}")
    return profiles


def numbered(lines: list[tuple[int, str]], path: Path, report: Report, code: str) -> list[tuple[str, str, int]]:
    """Numbered items; a line without a number continues the item before it (PDF line breaks)."""
    items: list[list] = []
    for n, line in lines:
        m = NUMBERED_RE.match(line)
        if m:
            items.append([m.group(1), clean(m.group(2)), n])
        elif items:
            items[-1][1] = clean(items[-1][1] + line)
        else:
            report.add(path, n, f"{code}: ability text before item 1 kept as item 0: {line[:40]!r}")
            items.append(["0", clean(line), n])
    expected = 1
    for no, _text, n in items:
        if no != str(expected):
            report.add(path, n, f"{code}: ability numbered {no}, expected {expected}")
        expected = int(no) + 1
    return [(no, text.rstrip("；;。"), n) for no, text, n in items]


def labelled(lines: list[tuple[int, str]]) -> list[tuple[str, str, int]]:
    """``label：text`` paragraphs; unlabelled lines continue the paragraph before them."""
    out: list[list] = []
    for n, line in lines:
        m = LABELLED_RE.match(line)
        if m:
            out.append([clean(m.group(1)), clean(m.group(2)), n])
        elif out:
            out[-1][1] = clean(out[-1][1] + line)
        else:
            out.append(["", clean(line), n])
    return [(a, b, n) for a, b, n in out]


def split_list(text: str) -> list[str]:
    items = [clean(x).strip("。.等 ") for x in LIST_SPLIT_RE.split(text.rstrip("。"))]
    return [x.removesuffix("等") for x in items if x]


def profile_rows(
    report: Report, majors: dict[str, list[str]], names: dict[str, list[str]]
) -> tuple[dict[str, list[list[str]]], dict[tuple[str, str, str], list[str]]]:
    pdfs = {r["major_code"]: r["pdf_url"] for r in json.loads((FLYBOAT / PDF_INDEX).read_text(encoding="utf-8"))}
    out: dict[str, list[list[str]]] = defaultdict(list)
    named: dict[tuple[str, str, str], list[str]] = {}
    seen: dict[str, Profile] = {}
    by_tier_name: dict[tuple[str, str], list[str]] = defaultdict(list)
    for m in majors.values():
        by_tier_name[(m[2], m[3])].append(m[1])
    for p in read_profiles(report):
        where = f"{p.path.relative_to(FLYBOAT)}:{p.line}"
        if p.code in seen:
            report.add(p.path, p.line, f"profile of {p.code} given twice (first at line {seen[p.code].line}); left out")
            continue
        seen[p.code] = p
        m = majors.get(p.code)
        if m is None:
            report.add(p.path, p.line, f"profile of {p.code} {p.name}: no such major in the catalogue; left out")
            continue
        if m[3] != p.name:
            report.add(p.path, p.line, f"profile of {p.code} is named {p.name!r}; the catalogue says {m[3]!r}")
        orientation = clean("".join(t for _n, t in p.text["orientation"]))
        goal = clean("".join(t for _n, t in p.text["goal"]))
        courses = labelled(p.text["courses"])
        practice = next((t for label, t, _n in courses if COURSE_KINDS.get(label) == "practice"), "")
        out["profiles"].append(["voc2021", p.code, p.years, orientation, goal, practice, where, pdfs.get(p.code, "")])
        if not orientation:
            report.add(p.path, p.line, f"{p.code}: no 职业面向 text")
        for no, text, _n in numbered(p.text["abilities"], p.path, report, p.code):
            out["abilities"].append(["voc2021", p.code, no, text])
        if not p.text["abilities"]:
            report.add(p.path, p.line, f"{p.code}: no 主要专业能力要求")
        for label, text, n in courses:
            kind = COURSE_KINDS.get(label)
            if kind is None:
                report.add(
                    p.path, n, f"{p.code}: course paragraph labelled {label!r} is not one of {sorted(COURSE_KINDS)}"
                )
                continue
            if kind == "practice":
                continue
            for i, course in enumerate(split_list(text), start=1):
                out["courses"].append(["voc2021", p.code, kind, str(i), course])
        numbers: dict[str, int] = defaultdict(int)  # per printed label: a list may go on over several lines
        cert_lines = labelled(p.text["certificates"])
        continuing = labelled(p.text["continuing"]) + [c for c in cert_lines if c[0].startswith(("接续", "持续"))]
        for label, text, n in cert_lines:
            if label.startswith(("接续", "持续")):
                report.add(p.path, n, f"{p.code}: {label} under the certificates heading; read as 接续专业")
                continue
            if not label:
                report.add(
                    p.path, n, f"{p.code}: certificate line without a kind: {text[:40]!r}; kept with kind 未注明"
                )
            for cert in split_list(text):
                numbers[label] += 1
                out["certificates"].append(["voc2021", p.code, label or "未注明", str(numbers[label]), cert])
        for label, text, _n in continuing:
            level = label.removeprefix("接续").removesuffix("举例").removesuffix("专业")
            target_tier = CONTINUING_TIERS.get(level, "")
            for name in split_list(text):
                codes = by_tier_name.get((target_tier, name), []) if target_tier else []
                numbers[label] += 1
                out["continuing"].append(
                    ["voc2021", p.code, label, str(numbers[label]), name, codes[0] if len(codes) == 1 else ""]
                )
        occ_text, posts = orientation_parts(orientation)
        for i, post in enumerate(posts, start=1):
            out["posts"].append(["voc2021", p.code, str(i), post])
        for name in occ_text:
            codes = names.get(name, [])
            if len(codes) != 1:
                why = "is not the name of a current occupation" if not codes else f"names {len(codes)} occupations"
                report.add(p.path, p.line, f"{p.code}: 职业面向 names {name!r}, which {why}; kept as text only")
                out["unresolved"].append(["voc2021", p.code, name])
                continue
            named[("voc2021", p.code, codes[0])] = [
                "voc2021",
                p.code,
                codes[0],
                name,
                "official",
                SRC_PROFILES,
                f"职业面向 of the MOE 专业简介 names {name} ({where})",
            ]
    missing = sorted(c for c, m in majors.items() if m[0] == "voc2021" and c not in seen)
    if missing:
        report.lines.append(
            f"{(FLYBOAT / PROFILES_DIR).relative_to(ROOT)}: no 专业简介 for {len(missing)} majors of the catalogue, "
            f"e.g. {', '.join(missing[:8])}"
        )
    return out, named


def orientation_parts(text: str) -> tuple[list[str], list[str]]:
    """Occupation names and 岗位 names from "面向 A、B 等职业，X、Y 等岗位（群）".

    >>> orientation_parts("面向电子商务师、营销员等职业，运营主管、O2O 销售主管等岗位（群）。")
    (['电子商务师', '营销员'], ['运营主管', 'O2O销售主管'])
    >>> orientation_parts("面向舞蹈表演、舞蹈普及辅导等岗位（群）。")
    ([], ['舞蹈表演', '舞蹈普及辅导'])
    >>> orientation_parts("面向幼儿教育教师职业。")
    (['幼儿教育教师'], [])
    """
    text = clean(text).rstrip("。")
    body = text.split("面向", 1)[-1]
    occ_part, has_occ, rest = body.partition("职业")
    if not has_occ:
        occ_part, rest = "", body
    posts = ""
    if "岗位" in rest:
        posts = rest.lstrip("，,；; ").split("岗位", 1)[0]
    occs = [] if "等领域" in occ_part else split_list(occ_part.removesuffix("等"))
    return occs, [re.sub(r"\s+", "", p) for p in split_list(posts.removesuffix("等"))]


# ---------------------------------------------------------------- pilot


def pilot(report: Report, majors: dict[str, list[str]], rows: dict[tuple[str, str, str], list[str]]) -> None:
    """The hand-curated pilot: curated links, or a second source on an official link."""
    path = UPSTREAM / PILOT
    for n, r in enumerate(read_csv_rows(path), start=2):
        prefix, _, code = r["major_level_and_code"].partition(":")
        if prefix not in PILOT_TIERS:
            report.add(path, n, f"unknown level {prefix!r}; row left out")
            continue
        cat, tier = PILOT_TIERS[prefix]
        m = majors.get(code)
        if m is None:
            majors[code] = [cat, code, tier, r["major_name"], SRC_PILOT, ""]
        elif SRC_PILOT not in m[4].split():
            m[4] += f" {SRC_PILOT}"
            if m[3] != r["major_name"]:
                report.add(path, n, f"major {code} is {r['major_name']!r} here, {m[3]!r} in the catalogue")
        key = (cat, code, r["occupation_code"])
        evidence = "pilot crosswalk curated by hand by uryuwr/voced-position-kg-demo (prepares_for_pilot_it.json)"
        if key in rows:
            rows[key][5] += f" {SRC_PILOT}"
            rows[key][6] += f"; also in the {evidence}"
        else:
            rows[key] = [cat, code, r["occupation_code"], r["occupation_name"], "curated", SRC_PILOT, evidence]


# ---------------------------------------------------------------- main

HEADERS = {
    "majors.tsv": ["catalogue", "code", "tier", "name", "source", "note"],
    "categories.tsv": ["catalogue", "code", "tier", "name", "source"],
    "major-occupations.tsv": [
        "catalogue",
        "major_code",
        "occupation_code",
        "occupation_name",
        "basis",
        "source",
        "evidence",
    ],
    "profiles.tsv": ["catalogue", "code", "years", "orientation", "goal", "practice", "document", "pdf_url"],
    "abilities.tsv": ["catalogue", "code", "no", "text"],
    "courses.tsv": ["catalogue", "code", "kind", "no", "name"],
    "profile-certificates.tsv": ["catalogue", "code", "kind", "no", "name"],
    "continuing.tsv": ["catalogue", "code", "level", "no", "name", "major_code"],
    "posts.tsv": ["catalogue", "code", "no", "post"],
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--quiet", action="store_true", help="print only the counts, not every surprising row")
    args = ap.parse_args(argv)

    report = Report()
    names = occupation_names()
    majors, categories = catalogue(report)
    link_rows = links(report, majors, names)
    profile, named = profile_rows(report, majors, names)
    for key, row in named.items():
        if key in link_rows:
            link_rows[key][5] += f" {SRC_PROFILES}"
            link_rows[key][6] += f"; {row[6]}"
        else:
            link_rows[key] = row
    pilot(report, majors, link_rows)

    tables = {
        "majors.tsv": list(majors.values()),
        "categories.tsv": list(categories.values()),
        "major-occupations.tsv": list(link_rows.values()),
        **{
            f"{k}.tsv" if k != "certificates" else "profile-certificates.tsv": v
            for k, v in profile.items()
            if k != "unresolved"
        },
    }
    for file, rows in tables.items():
        (args.out / file).write_text(format_tsv(HEADERS[file], rows), encoding="utf-8")
    if not args.quiet:
        for line in report.lines:
            print(line, file=sys.stderr)
    counts = ", ".join(f"{file} {len(rows)}" for file, rows in tables.items())
    print(
        f"{counts}; {len(report.lines)} upstream rows reported; "
        f"{len(profile['unresolved'])} 职业面向 names not resolved"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

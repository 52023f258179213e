"""One-time import: new-occupation batches in standards/upstream/ -> editable standards/new-occupations/.

Run by hand (``python -m graph.build.importers.new_occupations``); after that, editors change the TSVs.
Reads the unchanged upstream copies new_occupation_batches.csv, new_work_types_2025_partial.csv,
occupations_live.jsonl and the flyboat 2024/2025 tables (flyboat/new_occupations_2024_2025/), and
standards/classification/entries.tsv (to resolve names to codes).

What it does, and nothing more:
- one row per batch in batches.tsv: the announced counts are parsed from the upstream batch note
  ("(18 announced; ...)", "19 new occupations + 28 new 工种"); a batch note that cannot be parsed
  stops the import rather than guessing;
- the announcement date: the upstream release date when it is a full date; when it is only a
  month (batch 7: "2025-07"), the day stated in the batch note (人社部发布会 2025-07-22), with that
  evidence written in the row; a month with no stated day stops the import;
- one row per known new occupation in members.tsv; a row without a code gets one only by an exact
  name match in the online dictionary (occupations_live.jsonl), and the row says so;
- how each name is known (name_evidence): the source text, completed from a csco22 match (batch 4:
  the source excerpt was truncated), or matched by meaning from English/Japanese reports (batch 5);
- one row per known new work type in work-types.tsv; the parent occupation's code is filled only
  when its name matches exactly one entry of the classification.
Batch 7's missing names and the 2024/2025 new 工种 come from the flyboat tables; batch 4's six from
the names and codes SOURCES.md lists, each checked against the online dictionary; batch 6's date is
its notice's (人社厅发〔2024〕36号, 2024-07-25).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
from pathlib import Path

from graph.build.importers.classification import split_name
from graph.build.tsv import format_tsv, read_csv_rows
from graph.core.paths import PACKAGE_ROOT

ROOT = PACKAGE_ROOT
UPSTREAM = ROOT / "standards" / "upstream"
CLASSIFICATION = ROOT / "standards" / "classification"
OUT = ROOT / "standards" / "new-occupations"

ORDINALS = "一二三四五六七八九十"
COUNT_PATTERNS = [
    # "(18 announced; only 12 names confirmed ...)"  /  "第三批新职业 (9)"
    re.compile(r"\((?P<occ>\d+)(?: announced[^)]*)?\)"),
    # "19 new occupations + 28 new 工种"
    re.compile(r"(?P<occ>\d+) new occupations \+ (?P<wt>\d+) new 工种"),
]
DAY_IN_NOTE = re.compile(r"发布会 (\d{4}-\d{2}-\d{2})")
CODE_FROM_LIVE = "exact name match in occupations_live.jsonl (online dictionary)"
FLYBOAT = ("flyboat", "new_occupations_2024_2025")
FLYBOAT_SOURCE = "github.com/flyboat403/occupation-analysis class_7_2025年新增职业.md (commit ec542b8)"
# The six names of batch 4 that no retrieved news page gave: the shared data folder's curator lists
# them with the codes the online dictionary gives (SOURCES.md, "Added 2026-12-02", new_occupations/
# 2024_2025_flyboat); each code is checked below against the online dictionary by exact name.
BATCH_4_COMPLETION = {
    "建筑幕墙设计师": "4-08-08-22",
    "碳排放管理员": "4-09-07-04",
    "管廊运维员": "6-28-03-05",
    "酒体设计师": "6-02-06-12",
    "智能硬件装调员": "6-25-04-05",
    "工业视觉系统运维员": "6-31-07-02",
}
BATCH_4_SOURCE = "shared data SOURCES.md (Added 2026-12-02): batch 4 completion with online-dictionary codes"
# batch 6's notice, as the flyboat compilation states it (发布文件 / 发布日期)
BATCH_6_NOTICE = ("2024-07-25", "人社厅发〔2024〕36号 dated 2024-07-25 (class_7_2025年新增职业.md: 发布文件, 发布日期)")


def read_tsv_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """Rows of an upstream TSV with their line numbers."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    return [(n, dict(zip(header, line.split("\t"), strict=False))) for n, line in enumerate(lines[1:], start=2) if line]


def announced_counts(note: str) -> tuple[str, str]:
    """(occupations, work types) announced, from the upstream batch note; work types may be ''.

    >>> announced_counts("第六批: 19 new occupations + 28 new 工种 (2024-05 公示 proposed 29 工种)")
    ('19', '28')
    >>> announced_counts("第四批新职业 (18 announced; only 12 names confirmed by a retrieved source)")
    ('18', '')
    """
    for pattern in reversed(COUNT_PATTERNS):
        m = pattern.search(note)
        if m:
            return m.group("occ"), m.groupdict().get("wt") or ""
    raise SystemExit(f"cannot read the announced count from batch note {note!r}; fix the importer")


def announcement_day(reported: str, note: str) -> tuple[str, str]:
    """(YYYY-MM-DD, evidence) for a reported date that may be a month only."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", reported):
        return reported, "release_date of the upstream file"
    m = DAY_IN_NOTE.search(note)
    if re.fullmatch(r"\d{4}-\d{2}", reported) and m and m.group(1).startswith(reported):
        return m.group(1), f"upstream release_date is {reported}; the batch note dates the announcement: {m.group(0)}"
    raise SystemExit(f"release date {reported!r} has no day and the note gives none; fix the importer")


def name_evidence(row_note: str) -> str:
    if "name completed by csco22 match" in row_note:
        return "completed-from-csco22"
    if "translation match" in row_note:
        return "matched-by-meaning"
    return "source-text"


def batch_label(number: int) -> str:
    return f"第{ORDINALS[number - 1]}批新职业" if number <= len(ORDINALS) else f"第{number}批新职业"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--upstream", type=Path, default=UPSTREAM)
    ap.add_argument("--classification", type=Path, default=CLASSIFICATION)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)

    rows = read_csv_rows(args.upstream / "new_occupation_batches.csv")
    work_types = read_csv_rows(args.upstream / "new_work_types_2025_partial.csv")
    live = [json.loads(line) for line in (args.upstream / "occupations_live.jsonl").open(encoding="utf-8")]
    with (args.classification / "entries.tsv").open(encoding="utf-8", newline="") as fh:
        entries = list(csv.DictReader(fh, delimiter="\t"))

    live_by_name: dict[str, list[str]] = {}
    for r in live:
        live_by_name.setdefault(split_name(r["name"])[0], []).append(r["career_code"])
    occupation_by_name: dict[str, list[str]] = {}
    for e in entries:
        if "occupation" in e["kinds"].split("|"):
            occupation_by_name.setdefault(e["name"], []).append(e["code"])

    batches: dict[str, tuple[str, ...]] = {}
    members = []
    for r in rows:
        number = r["batch_no"]
        if number not in batches:
            occ, wt = announced_counts(r["batch_note"])
            day, evidence = announcement_day(r["release_date"], r["batch_note"])
            batches[number] = (
                number,
                day,
                r["release_date"],
                evidence,
                occ,
                wt,
                batch_label(int(number)),
                r["batch_note"],
                r["name_source"],
            )
        code, code_source = r["code"], r["code_source"]
        note = r["row_note"]
        if not code:
            found = live_by_name.get(r["occupation_name"], [])
            if len(found) == 1:
                code, code_source = found[0], CODE_FROM_LIVE
                note = f"{note}; code from the online dictionary by exact name" if note else code_source
        members.append((number, r["occupation_name"], code, code_source, name_evidence(note), note))

    # batch 6's date is the notice's; batch 4 and 7 completed (names checked against the online dictionary)
    b6 = batches["6"]
    batches["6"] = (
        b6[0],
        BATCH_6_NOTICE[0],
        BATCH_6_NOTICE[0],
        BATCH_6_NOTICE[1],
        *b6[4:7],
        b6[7] + f"; news reports dated it {b6[2]}",
        b6[8] + " ; " + FLYBOAT_SOURCE,
    )
    known_names = {(m[0], m[1]) for m in members}
    for name, code in BATCH_4_COMPLETION.items():
        if ("4", name) in known_names:
            continue
        if live_by_name.get(name) != [code]:
            raise SystemExit(f"batch 4 completion: {name} is not {code} in the online dictionary")
        members.append(("4", name, code, BATCH_4_SOURCE, "source-text", "name and code from " + BATCH_4_SOURCE))
    flyboat = args.upstream.joinpath(*FLYBOAT)
    fly_occ = read_tsv_rows(flyboat / "new_occupations_2024_2025.tsv")
    for n, r in fly_occ:
        batch = {"2024": "6", "2025": "7"}[r["batch_year"]]
        if (batch, r["name"]) in known_names:
            continue
        found = live_by_name.get(r["name"], [])
        code = r["code_as_given"] or (found[0] if len(found) == 1 else "")
        source = f"{FLYBOAT_SOURCE} (new_occupations_2024_2025.tsv line {n})"
        code_source = source if r["code_as_given"] else (CODE_FROM_LIVE if code else "")
        members.append((batch, r["name"], code, code_source, "source-text", f"name from {source}"))
        known_names.add((batch, r["name"]))

    wt_rows = []
    for w in work_types:
        ordinal = re.search(r"第(.)批", w["batch_release"])
        consultation = re.fullmatch(r"(\d{4}-\d{2}) 公示", w["batch_release"])
        if ordinal:
            status, batch = "announced", str(ORDINALS.index(ordinal.group(1)) + 1)
        elif consultation:
            # a 公示 (public consultation) row: the batch whose note names that consultation
            status = "proposed"
            batch = next((b[0] for b in batches.values() if f"公示 {consultation.group(1)}" in b[7]), "")
        else:
            raise SystemExit(f"cannot tell the batch of work type {w['new_work_type']!r} ({w['batch_release']!r})")
        parent = w["parent_occupation"]
        codes = occupation_by_name.get(parent, []) if parent else []
        wt_rows.append(
            (
                w["new_work_type"],
                batch,
                status,
                w["batch_release"],
                parent,
                codes[0] if len(codes) == 1 else "",
                w["source"],
            )
        )

    by_name = {row[0]: i for i, row in enumerate(wt_rows)}
    for n, w in read_tsv_rows(flyboat / "new_work_types_2024_2025.tsv"):
        batch = {"2024": "6", "2025": "7"}[w["batch_year"]]
        name, parent = w["new_work_type"], w["parent_occupation"]
        codes = occupation_by_name.get(parent, [])
        code = w["parent_code_as_given"] or (codes[0] if len(codes) == 1 else "")
        source = f"{FLYBOAT_SOURCE} (new_work_types_2024_2025.tsv line {n})"
        if name in by_name:
            old_row = wt_rows[by_name[name]]
            wt_rows[by_name[name]] = (
                name,
                batch,
                "announced",
                old_row[3],
                parent or old_row[4],
                code or old_row[5],
                old_row[6] + " ; " + source,
            )
            continue
        by_name[name] = len(wt_rows)
        wt_rows.append((name, batch, "announced", batches[batch][2], parent, code, source))

    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "batches.tsv").write_text(
        format_tsv(
            [
                "batch",
                "announced_on",
                "date_as_reported",
                "date_evidence",
                "announced_occupations",
                "announced_work_types",
                "label",
                "note",
                "source",
            ],
            batches.values(),
        ),
        encoding="utf-8",
    )
    (args.out / "members.tsv").write_text(
        format_tsv(["batch", "name_as_announced", "code", "code_source", "name_evidence", "note"], members),
        encoding="utf-8",
    )
    (args.out / "work-types.tsv").write_text(
        format_tsv(["name", "batch", "status", "date_as_reported", "parent_name", "parent_code", "source"], wt_rows),
        encoding="utf-8",
    )
    known = {b: sum(1 for m in members if m[0] == b) for b in batches}
    print(f"wrote {len(batches)} batches, {len(members)} new occupations, {len(wt_rows)} work types to {args.out}")
    for b, row in sorted(batches.items(), key=lambda x: int(x[0])):
        if int(row[4]) != known[b]:
            print(f"  batch {b}: {row[4]} announced, {known[b]} known — the rest are not in the sources")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""One-time import: upstream copies in standards/upstream/ -> editable standards/classification/.

Run once to bootstrap the editable tables (``python -m graph.build.importers.classification``); after
that, editors change the TSVs and this script is only re-run to re-derive them from a new
upstream copy. Every fix applied to the upstream data is written to ``fixes.tsv`` with its
evidence, so nothing is changed silently.

Fixes applied (each with evidence, see fixes.tsv after import):
- exact duplicate rows are merged;
- a code that appears both as level 3 and level 4 becomes one entry with both kinds;
- level-4 rows whose code ends in -00 are minor groups that are also counted as occupations,
  unless they have children and the online dictionary does not list them (then minor group only);
- minor groups missing from csco22 but implied by their children get the name the online
  dictionary gives as the children's parent;
- occupations missing from csco22 but listed by the online dictionary are added with the
  online name; those announced in a new-occupation batch before the 2022 edition was published
  (2022-09) are put in the 2022 edition too.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import defaultdict
from pathlib import Path

from graph.build.importers import dictionary_text
from graph.build.tsv import format_tsv, read_csv_rows
from graph.core.codes import ancestors, code_kind
from graph.core.paths import PACKAGE_ROOT

ROOT = PACKAGE_ROOT
UPSTREAM = ROOT / "standards" / "upstream"
OUT = ROOT / "standards" / "classification"

MARK_RE = re.compile(r"\s*(L/S|L|S)$")
TASK_SPLIT_RE = re.compile(r"(?:^|\s*)(?<![\d.])(\d{1,2})[.．、]\s*")
EDITION_2022_PUBLISHED = "2022-09-28"
TEXT_DIR = ("flyboat", "occupation_dictionary_split")
NEW_TEXT = ("flyboat", "new_occupations_2024_2025", "class_7_2025年新增职业.md")
NEW_HEADING = re.compile(r"^###\s*（[一二三四五六七八九十]+）\s*(?:(\d-\d\d-\d\d-\d\d)\s+)?([^\s`]+)")
LEVEL_KIND = {1: "major", 2: "medium", 3: "minor"}
WORK_TYPE_ENDINGS = "员工师手长"


def parent_code(code: str) -> str | None:
    up = ancestors(code)
    return up[0] if up else None


def split_name(raw: str) -> tuple[str, str]:
    m = MARK_RE.search(raw)
    return (raw[: m.start()].strip(), m.group(1)) if m else (raw.strip(), "")


def split_tasks(text: str) -> list[str]:
    parts = TASK_SPLIT_RE.split(text.strip())
    return [p.strip() for p in parts[2::2]] if len(parts) > 1 else ([text.strip()] if text.strip() else [])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--upstream", type=Path, default=UPSTREAM)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)

    rows = read_csv_rows(args.upstream / "csco22.csv")
    live = [json.loads(line) for line in (args.upstream / "occupations_live.jsonl").open(encoding="utf-8")]
    live_by_code = {r["career_code"]: r for r in live}
    batches = read_csv_rows(args.upstream / "new_occupation_batches.csv")
    osta = read_csv_rows(args.upstream / "national_skill_standards_osta_list.csv")

    entries: dict[str, dict[str, str]] = {}
    kinds: dict[str, set[str]] = defaultdict(set)
    tasks: dict[str, list[str]] = {}
    labels: set[tuple[str, str, str, str]] = set()
    fixes: list[tuple[str, str, str]] = []
    seen_rows: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        seen_rows[r["code"]].append(r)
    all_codes = set(seen_rows)

    for code, group in seen_rows.items():
        distinct = {tuple(sorted(r.items())) for r in group}
        if len(group) > 1 and len(distinct) == 1:
            fixes.append((code, "duplicate-row-merged", f"csco22.csv has {len(group)} identical rows"))
        levels = {r["level"] for r in group}
        if len(levels) > 1:
            fixes.append((code, "level-3-and-4-merged", f"csco22.csv lists the code at levels {sorted(levels)}"))
        # prefer the row that carries a definition
        r = max(group, key=lambda x: (bool(x["definition"]), x["level"]))
        name, marker = split_name(r["name"])
        implied = code_kind(code)
        for level in levels:
            if level == "4":
                if implied == "minor":
                    has_children = any(c != code and c.startswith(code[:7]) for c in all_codes)
                    if has_children and code not in live_by_code:
                        fixes.append(
                            (
                                code,
                                "level-4-minor-group-only",
                                "level 4 in csco22.csv but has child occupations and is not an "
                                "occupation in the online dictionary",
                            )
                        )
                        kinds[code].add("minor")
                    else:
                        kinds[code].update({"minor", "occupation"})
                else:
                    kinds[code].add("occupation")
            else:
                kinds[code].add({"1": "major", "2": "medium", "3": "minor"}[level])
        entries[code] = {
            "name": name,
            "marker": marker,
            "definition": r["definition"].strip(),
            "editions": "2022|live" if code in live_by_code else "2022",
            "source": "csco22",
        }
        if r["tasks"].strip():
            tasks[code] = split_tasks(r["tasks"])
        for alias in r["alias"].split(","):
            alias = alias.strip()
            if alias and alias != name and alias != r["name"]:
                labels.add((code, alias, "hidden", "csco22-alias"))
        live_row = live_by_code.get(code)
        if live_row:
            live_name, live_marker = split_name(live_row["name"])
            if live_name != name:
                labels.add((code, live_name, "alt", "osta-live-name"))
                fixes.append(
                    (
                        code,
                        "name-differs-online",
                        f"online dictionary names it {live_row['name']!r}; csco22 name kept as prefLabel, "
                        "online name added as altLabel",
                    )
                )
            if live_marker != marker:
                fixes.append(
                    (
                        code,
                        "marker-differs-online",
                        f"csco22 marker {marker!r}, online dictionary {live_marker!r}; csco22 kept",
                    )
                )

    batch_date = {b["code"]: b["release_date"] for b in batches if b["code"]}
    for code, lr in sorted(live_by_code.items()):
        if code in entries:
            continue
        name, marker = split_name(lr["name"])
        kind = code_kind(code)
        if kind == "medium":
            kinds[code].update({"medium", "occupation"})
            note = "online dictionary lists this medium group as an occupation"
        else:
            kinds[code].add("occupation")
            note = "online dictionary occupation absent from csco22"
        announced = batch_date.get(code, "")
        editions = "live"
        if announced and announced < EDITION_2022_PUBLISHED:
            editions = "2022|live"
            note += f"; announced {announced} before the 2022 edition was published, so counted in it"
        entries[code] = {"name": name, "marker": marker, "definition": "", "editions": editions, "source": "osta-live"}
        fixes.append((code, "added-from-online-dictionary", note))

    # minor groups implied by children but missing: name from the online dictionary's parent field
    for code in sorted(entries):
        parent = parent_code(code)
        if parent and parent not in entries and code_kind(parent) == "minor":
            lr = live_by_code.get(code)
            parent_name = lr["parent"] if lr else ""
            if not parent_name:
                continue
            entries[parent] = {
                "name": parent_name,
                "marker": "",
                "definition": "",
                "editions": "2022|live",
                "source": "osta-live-parent",
            }
            kinds[parent].add("minor")
            fixes.append(
                (
                    parent,
                    "missing-minor-group-added",
                    f"implied by child {code}; name {parent_name!r} from the online dictionary's parent field",
                )
            )

    # a group is in the online dictionary when any occupation there sits below it
    live_groups = {a for code in live_by_code for a in ancestors(code)}
    for code, e in entries.items():
        if code in live_groups and "live" not in e["editions"]:
            e["editions"] += "|live"

    text_dir = args.upstream.joinpath(*TEXT_DIR)
    groups, work_types, history_text = apply_dictionary_text(
        text_dir, args.upstream, entries, kinds, tasks, fixes, live_by_code, batches
    )

    work_types += apply_new_occupations_text(args.upstream, entries, kinds, tasks, fixes)

    # former codes: a standard filed under a non-2022 code whose occupation name is a 2022 name
    name_to_code: dict[str, list[str]] = defaultdict(list)
    for code, e in entries.items():
        if "occupation" in kinds[code]:
            name_to_code[e["name"]].append(code)
    history: set[tuple[str, str, str]] = set(history_text)
    for s in osta:
        old = s["occupation_code_as_listed"].strip()
        matches = name_to_code.get(s["occupation_name"].strip(), [])
        if len(matches) == 1 and matches[0] != old and re.fullmatch(r"\d-\d\d-\d\d-\d\d", old):
            history.add(
                (
                    old,
                    matches[0],
                    f"osta standards list seq {s['seq']}: {s['standard_title_as_listed']} "
                    f"({s['promulgated_date']}, {s['doc_number']}) is filed under {old}; "
                    f"the occupation name matches {matches[0]} exactly",
                )
            )

    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "entries.tsv").write_text(
        format_tsv(
            ["code", "kinds", "name", "marker", "definition", "editions", "source"],
            [
                (c, "|".join(sorted(kinds[c])), e["name"], e["marker"], e["definition"], e["editions"], e["source"])
                for c, e in entries.items()
            ],
        ),
        encoding="utf-8",
    )
    (args.out / "tasks.tsv").write_text(
        format_tsv(
            ["code", "task_no", "task"], [(c, str(i), t) for c, ts in tasks.items() for i, t in enumerate(ts, start=1)]
        ),
        encoding="utf-8",
    )
    (args.out / "labels.tsv").write_text(format_tsv(["code", "label", "type", "source"], labels), encoding="utf-8")
    (args.out / "code-history.tsv").write_text(
        format_tsv(["former_code", "code", "evidence"], history), encoding="utf-8"
    )
    (args.out / "fixes.tsv").write_text(format_tsv(["code", "fix", "evidence"], fixes), encoding="utf-8")
    (args.out / "single-occupation-groups.tsv").write_text(
        format_tsv(["code", "name", "definition", "source", "evidence"], groups), encoding="utf-8"
    )
    (args.out / "work-types.tsv").write_text(
        format_tsv(["code", "no", "name", "source", "evidence"], work_types), encoding="utf-8"
    )
    print(
        f"wrote {len(entries)} entries, {sum(map(len, tasks.values()))} tasks, {len(labels)} labels, "
        f"{len(history)} former codes, {len(fixes)} fixes, {len(groups)} single-occupation groups, "
        f"{len(work_types)} work types to {args.out}"
    )
    return 0


def _plain(text: str) -> str:
    """Text without punctuation and spaces: the draft's PDF text and csco22 differ in both."""
    return re.sub(r"[\s，,；;：:。、（）()“”\"'．.]", "", text)


def apply_dictionary_text(
    text_dir: Path,
    upstream: Path,
    entries: dict[str, dict[str, str]],
    kinds: dict[str, set[str]],
    tasks: dict[str, list[str]],
    fixes: list[tuple[str, str, str]],
    live_by_code: dict[str, dict[str, object]],
    batches: list[dict[str, str]],
) -> tuple[list[list[str]], list[list[str]], list[tuple[str, str, str]]]:
    """Use the 2022 dictionary text (a 公示稿 draft) where the other sources are silent.

    - structure: every group it prints is in the 2022 edition (the catch-all 99 groups, 7-01...7-04
      and 8-00 included), with the levels it prints them at (one code can be several levels:
      8-00-00-00 is a major, medium and minor group and an occupation);
    - occupations announced by a batch after the 2022 edition was published leave that edition;
    - definitions and main tasks where csco22 has none, when the text prints the same code with
      the same name (the draft and the final edition number some occupations differently: those
      differences are listed, and the final edition's code and name are kept);
    - single-occupation minor groups whose own name differs from their occupation's name get a
      group of their own (single-occupation-groups.tsv);
    - 工种 names per occupation (work-types.tsv).
    Every use is a fixes.tsv row with the file and line of the text.
    """
    text = dictionary_text.read(text_dir)

    def where(e: dictionary_text.TextEntry) -> str:
        return f"{e.path.relative_to(upstream)}:{e.line}"

    # occupations announced after the edition was published are not in it
    for b in batches:
        code = b["code"]
        if code in entries and b["release_date"] > EDITION_2022_PUBLISHED and "2022" in entries[code]["editions"]:
            if "occupation" in kinds[code] and code not in text:
                entries[code]["editions"] = "live"
                fixes.append(
                    (
                        code,
                        "announced-after-2022-edition",
                        f"announced in batch {b['batch_no']} ({b['release_date']}), after the 2022 edition; "
                        "not printed in the dictionary text; csco22 lists it, so its copy is later than the edition",
                    )
                )

    occ_text = {c: e for c, e in text.items() if e.level == 4}
    by_minor: dict[str, list[str]] = defaultdict(list)
    for c in occ_text:
        by_minor[c[:7]].append(c)
    groups: list[list[str]] = []
    for code, e in sorted(text.items()):
        if e.level == 4:
            continue
        p = dictionary_text.padded(code)
        kind = LEVEL_KIND[e.level]
        name = e.name if e.name and not e.name.endswith("。") else ""
        if p not in entries:
            if not name:
                fixes.append(
                    (p, "text-group-without-name", f"{where(e)}: group {code} printed without a name; not added")
                )
                continue
            entries[p] = {
                "name": name,
                "marker": "",
                "definition": e.definition,
                "editions": "2022",
                "source": "csco22-text",
            }
            kinds[p].add(kind)
            fixes.append((p, "group-added-from-dictionary-text", f"{where(e)}: {code} {name}"))
            continue
        changed = []
        if kind not in kinds[p]:
            kinds[p].add(kind)
            changed.append(f"also a {kind} group")
        if "2022" not in entries[p]["editions"]:
            entries[p]["editions"] = "2022|" + entries[p]["editions"]
            changed.append("in the 2022 edition")
        if changed:
            fixes.append(
                (
                    p,
                    "structure-from-dictionary-text",
                    f"{where(e)}: {code} {name or entries[p]['name']} is " + ", ".join(changed),
                )
            )
        if not entries[p]["definition"] and e.definition and kind in kinds[p] and len(kinds[p]) == 1:
            entries[p]["definition"] = e.definition
            fixes.append((p, "definition-from-dictionary-text", f"{where(e)}"))

    announced_later = {b["code"] for b in batches if b["code"] and b["release_date"] > EDITION_2022_PUBLISHED}
    name_codes: dict[str, list[str]] = defaultdict(list)
    for c, en in entries.items():
        if "occupation" in kinds[c]:
            name_codes[_plain(en["name"])].append(c)
    history: list[tuple[str, str, str]] = []
    text_to_final: dict[str, str] = {}
    for code, e in sorted(occ_text.items()):
        final = entries.get(code)
        same = final is not None and "occupation" in kinds[code] and _plain(final["name"]) == _plain(e.name)
        if same:
            text_to_final[code] = code
            if "2022" not in final["editions"]:
                fixes.append(
                    (
                        code,
                        "draft-only",
                        f"{where(e)}: the 公示稿 prints {code} {e.name}, the final edition's transcription (csco22) "
                        "does not; final kept: not counted in the 2022 edition",
                    )
                )
            continue
        renumbered = code[:-2] + "01"
        if (
            final is not None
            and code.endswith("-00")
            and "occupation" not in kinds[code]
            and renumbered in entries
            and _plain(entries[renumbered]["name"]) == _plain(e.name)
            and all(c == renumbered or c in announced_later for c in entries if c[:8] == code[:8] and c != code)
        ):
            text_to_final[code] = renumbered
            history.append(
                (
                    code,
                    renumbered,
                    f"2022 dictionary text ({where(e)}) prints {e.name} as {code}, the single occupation of its "
                    f"minor group; the online dictionary numbers it {renumbered} since an occupation announced after "
                    "2022 joined the group",
                )
            )
            fixes.append((renumbered, "renumbered-after-2022", f"{where(e)}: printed as {code} in the 2022 edition"))
            continue
        if final is not None and "occupation" not in kinds[code] and _plain(final["name"]) == _plain(e.name):
            kinds[code].add("occupation")
            text_to_final[code] = code
            if "2022" not in final["editions"]:
                final["editions"] = "2022|" + final["editions"]
            fixes.append(
                (
                    code,
                    "structure-from-dictionary-text",
                    f"{where(e)}: {code} {e.name} is also counted as an occupation",
                )
            )
            continue
        others = name_codes.get(_plain(e.name), [])
        if len(others) == 1:
            text_to_final[code] = others[0]
            fixes.append(
                (
                    others[0],
                    "draft-code-differs",
                    f"{where(e)}: the 公示稿 prints {e.name} as {code}; the final edition's code {others[0]} is kept",
                )
            )
        else:
            now = f"{final['name']} ({'/'.join(sorted(kinds[code]))})" if final else "nothing"
            fixes.append(
                (
                    code,
                    "draft-differs-from-final",
                    f"{where(e)}: the 公示稿 prints {code} {e.name}; the final edition has {now} there; final kept",
                )
            )
    text_names = {_plain(e.name) for e in occ_text.values()}
    for c, en in sorted(entries.items()):
        if (
            "occupation" in kinds[c]
            and "2022" in en["editions"]
            and c not in text_to_final.values()
            and _plain(en["name"]) not in text_names
        ):
            fixes.append(
                (
                    c,
                    "final-not-in-draft",
                    f"{c} {en['name']} is in the final edition (csco22) but not in the 公示稿 text",
                )
            )

    # a single-occupation minor group whose own name (in the text) is not its occupation's name
    for code, e in sorted(text.items()):
        p = dictionary_text.padded(code)
        if e.level != 3 or not e.name or p not in entries:
            continue
        # the final edition's occupations of the group: exactly one, printed with the group's code
        final_members = [
            c
            for c, en in entries.items()
            if c[:7] == p[:7] and "occupation" in kinds[c] and "2022" in en["editions"].split("|")
        ]
        # and the text's group is that group: one of its printed occupations is that occupation
        mapped = {text_to_final.get(c) for c in by_minor.get(p[:7], [])}
        if final_members != [p] or p not in mapped or _plain(e.name) == _plain(entries[p]["name"]):
            continue
        kinds[p].discard("minor")
        groups.append(
            [
                p,
                e.name,
                e.definition,
                "csco22-text",
                f"{where(e)}: minor group {code} {e.name} holds the single occupation {p} {entries[p]['name']}",
            ]
        )
        fixes.append(
            (
                p,
                "single-occupation-group-named",
                f"{where(e)}: the minor group is {e.name}, its one occupation {entries[p]['name']}",
            )
        )

    # definitions and tasks the other sources lack
    for code, final_code in sorted(text_to_final.items()):
        e = occ_text[code]
        en = entries[final_code]
        if not en["definition"] and e.definition:
            en["definition"] = e.definition
            fixes.append((final_code, "definition-from-dictionary-text", where(e)))
        if not tasks.get(final_code) and e.tasks:
            tasks[final_code] = [dictionary_text.task_text(t) for t in e.tasks]
            fixes.append((final_code, "tasks-from-dictionary-text", where(e)))

    live_counts = {c: int(r.get("work_num") or 0) for c, r in live_by_code.items()}
    work_types: list[list[str]] = []
    for code, final_code in sorted(text_to_final.items()):
        e = occ_text[code]
        names, note = split_work_types(e.work_types, live_counts.get(final_code, 0))
        if note:
            kind = "work-types-to-check" if "not split" in note or "left out" in note else "work-types-split"
            fixes.append(
                (
                    final_code,
                    kind,
                    f"{e.path.relative_to(upstream)}:{e.work_type_lines[0] if e.work_type_lines else e.line}: {note}",
                )
            )
        line = e.work_type_lines[0] if e.work_type_lines else e.line
        for i, name in enumerate(names, start=1):
            work_types.append([final_code, str(i), name, "csco22-text", f"{e.path.relative_to(upstream)}:{line}"])
    return groups, work_types, history


def apply_new_occupations_text(
    upstream: Path,
    entries: dict[str, dict[str, str]],
    kinds: dict[str, set[str]],
    tasks: dict[str, list[str]],
    fixes: list[tuple[str, str, str]],
) -> list[list[str]]:
    """Definitions, main tasks and 工种 of the 2024 and 2025 new occupations (class_7 of the flyboat
    compilation) where the classification has none; occupations matched by the code the file
    prints, else by exact name. Returns work-types.tsv rows. 2025's tasks are "待官方发布" there:
    nothing is filled in for them."""
    path = upstream.joinpath(*NEW_TEXT)
    shown = path.relative_to(upstream)
    by_name: dict[str, list[str]] = defaultdict(list)
    for c, e in entries.items():
        if "occupation" in kinds[c]:
            by_name[e["name"]].append(c)
    blocks: list[tuple[int, str, str, list[str]]] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        m = NEW_HEADING.match(line)
        if m:
            blocks.append((n, m.group(1) or "", m.group(2), []))
        elif line.startswith("## ") or line.startswith("# "):
            blocks.append((n, "", "", []))  # a table or summary section: not an occupation
        elif blocks:
            blocks[-1][3].append(line)
    rows: list[list[str]] = []
    for n, code, name, lines in blocks:
        if not name:
            continue
        codes = [code] if code in entries else by_name.get(name, [])
        if len(codes) != 1 or entries[codes[0]]["name"] != name:
            fixes.append(
                (
                    code or "0-00-00-00",
                    "new-occupation-not-matched",
                    f"{shown}:{n}: {name} {code}: no single occupation of that code and name",
                )
            )
            continue
        occ = codes[0]
        section, definition, task_lines, wts = "", "", [], []
        for line in lines:
            text = line.strip()
            if text.startswith("**定义**"):
                definition = text.split("：", 1)[1].strip()
            elif text.startswith("**主要工作任务**"):
                section = "tasks"
            elif text.startswith("**包含工种**"):
                section = "work-types"
            elif text.startswith("**") or text == "---":
                section = ""
            elif section == "tasks" and re.match(r"^\d+\.\s", text):
                task_lines.append(re.sub(r"^\d+\.\s*", "", text))
            elif section == "work-types" and text.startswith("- "):
                wts.append(text[2:].strip())
        if definition and not entries[occ]["definition"]:
            entries[occ]["definition"] = definition
            fixes.append((occ, "definition-from-2024-2025-list", f"{shown}:{n}"))
        if task_lines and not tasks.get(occ):
            tasks[occ] = task_lines
            fixes.append((occ, "tasks-from-2024-2025-list", f"{shown}:{n}"))
        for i, wt in enumerate(wts, start=1):
            rows.append([occ, str(i), wt, "new-occupations-2024-2025", f"{shown}:{n}"])
    return rows


def split_work_types(tokens: list[str], expected: int) -> tuple[list[str], str]:
    """工种 names from the space-separated tokens of the text, and a note when something was done.

    A token that opens with a parenthesis belongs to the name before it; stray commas are dropped.
    Where the online dictionary counts more 工种
    than the text has tokens, names printed without a space between them are split after a
    closing 员/工/师/手/长 — only if that gives exactly the online count; otherwise they are kept
    as printed and reported.

    >>> split_work_types(["加氢裂化", "(处理)装置操作工", ","], 0)
    (['加氢裂化(处理)装置操作工'], 'joined parentheses: 加氢裂化 (处理)装置操作工')
    >>> split_work_types(["视频创推员平台管理员", "网络主播"], 3)[0]
    ['视频创推员', '平台管理员', '网络主播']
    >>> split_work_types(["糖汁中和工碳酸饱充工"], 5)
    (['糖汁中和工碳酸饱充工'], 'not split: 1 names, online count 5')
    """
    joined: list[str] = []
    notes: list[str] = []
    for t in tokens:
        t = t.strip(",，、")
        if not t:
            continue
        if joined and (
            t[0] in "(（"
            or joined[-1].count("(") + joined[-1].count("（") > joined[-1].count(")") + joined[-1].count("）")
        ):
            notes.append(f"{joined[-1]} {t}")
            joined[-1] += t
        else:
            joined.append(t)
    note = ("joined parentheses: " + "; ".join(notes)) if notes else ""
    garbled = [t for t in joined if "()" in t or "（）" in t]  # the text inside the parentheses is lost
    # on such a line the pieces around the lost text are fragments, not names
    lost = garbled + [
        t for t in joined if garbled and t not in garbled and not t.endswith(dictionary_text.NAME_ENDINGS)
    ]
    if lost:
        joined = [t for t in joined if t not in lost]
        note = "; ".join(filter(None, [note, "left out, text lost or cut in the PDF: " + "、".join(lost)]))
    if not expected or len(joined) >= expected:
        return joined, note
    pattern = re.compile(rf"(?<=[{WORK_TYPE_ENDINGS}])(?=[^{WORK_TYPE_ENDINGS}）)])")
    split: list[str] = []
    changed: list[str] = []
    for t in joined:
        parts = [p for p in pattern.split(t) if p]
        if len(parts) > 1 and all(len(p) >= 2 for p in parts):
            split.extend(parts)
            changed.append(t)
        else:
            split.append(t)
    if len(split) == expected:
        done = f"split run-together names to match the online count {expected}: " + "、".join(changed)
        return split, "; ".join(filter(None, [note, done]))
    return joined, "; ".join(filter(None, [note, f"not split: {len(joined)} names, online count {expected}"]))


if __name__ == "__main__":
    raise SystemExit(main())

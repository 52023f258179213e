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

from graph.build.tsv import format_tsv, read_csv_rows
from graph.core.codes import ancestors, code_kind
from graph.core.paths import PACKAGE_ROOT

ROOT = PACKAGE_ROOT
UPSTREAM = ROOT / "standards" / "upstream"
OUT = ROOT / "standards" / "classification"

MARK_RE = re.compile(r"\s*(L/S|L|S)$")
TASK_SPLIT_RE = re.compile(r"(?:^|\s*)(?<![\d.])(\d{1,2})[.．、]\s*")
EDITION_2022_PUBLISHED = "2022-09-28"


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

    # former codes: a standard filed under a non-2022 code whose occupation name is a 2022 name
    name_to_code: dict[str, list[str]] = defaultdict(list)
    for code, e in entries.items():
        if "occupation" in kinds[code]:
            name_to_code[e["name"]].append(code)
    history: set[tuple[str, str, str]] = set()
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
    print(
        f"wrote {len(entries)} entries, {sum(map(len, tasks.values()))} tasks, {len(labels)} labels, "
        f"{len(history)} former codes, {len(fixes)} fixes to {args.out}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

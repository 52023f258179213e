"""``occugraph classify``: job titles to occupations, one title or a CSV of titles."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

from graph.classification.classifier import (
    BATCH_COLUMNS,
    TOP_K,
    Classifier,
    TitleError,
    _reason_text,
    classify_rows,
)
from graph.cli.common import add_store_arguments, fail, open_store
from graph.core.tabular import csv_writer


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "classify",
        help="classify job titles into occupations (one title, or a CSV of titles)",
        description="Find the occupations a job title belongs to, with scores and the reasons (which "
        "name, alias, definition or task words matched), and a signal when the title may be "
        "a new occupation. Recruiting noise (急招, 高薪, 包吃住 ...) is stripped and "
        "Traditional Chinese converted first; see standards/job-titles/.",
    )
    p.add_argument("title", nargs="?", help="the job title, e.g. 'SLAM算法工程师'")
    p.add_argument(
        "--csv",
        type=Path,
        metavar="FILE",
        help="classify every title in a CSV file (UTF-8; column 'title', else the first column)",
    )
    p.add_argument("--column", help="the CSV column that holds the titles")
    p.add_argument("--output", "-o", type=Path, help="write the CSV result here (default: standard output)")
    p.add_argument("--top", type=int, default=TOP_K, help=f"candidates to show (1-20, default {TOP_K})")
    p.add_argument("--json", action="store_true", help="print the full result as JSON (single title)")
    add_store_arguments(p)
    p.set_defaults(func=cmd_classify)


def cmd_classify(args: argparse.Namespace) -> int:

    if (args.title is None) == (args.csv is None):
        return fail("give either a TITLE or --csv FILE", 2)
    if not 1 <= args.top <= 20:
        return fail("--top must be between 1 and 20", 2)
    titles: list[str] = []
    if args.csv is not None:
        try:
            text = args.csv.read_bytes().decode("utf-8-sig")
        except OSError as exc:
            return fail(f"cannot read {args.csv}: {exc.strerror}")
        except UnicodeDecodeError as exc:
            return fail(f"{args.csv}: not UTF-8 text (byte {exc.start}); save the file as UTF-8 CSV")
        rows = list(csv.reader(io.StringIO(text)))
        if not rows:
            return fail(f"{args.csv} is empty")
        header = rows[0]
        column = args.column or ("title" if "title" in header else header[0])
        if column not in header:
            return fail(f"{args.csv}:1: no column {column!r} (columns: {', '.join(header)})")
        col = header.index(column)
        titles = [r[col] if col < len(r) else "" for r in rows[1:]]
    else:
        try:
            Classifier.check_title(args.title)
        except TitleError as exc:
            return fail(str(exc))
    classifier = Classifier.from_store(open_store(args.store, args.endpoint))

    if args.csv is not None:
        out = args.output.open("w", encoding="utf-8", newline="") if args.output else sys.stdout
        try:
            w = csv_writer(out)
            w.writerow(BATCH_COLUMNS)
            for row in classify_rows(classifier, titles, top_k=args.top):
                w.writerow(row)
        finally:
            if args.output:
                out.close()
        if args.output:
            print(f"classified {len(titles)} titles into {args.output}", file=sys.stderr)
        return 0

    res = classifier.classify(args.title, top_k=args.top)
    if args.json:
        print(json.dumps(res, ensure_ascii=False, indent=2))
        return 0
    print(render_result(res))
    return 0


def render_result(res: dict[str, Any]) -> str:
    lines = [f"title: {res['title']}"]
    if res["removed_noise"]:
        lines.append("removed: " + "、".join(f"{r['text']} ({r['category']})" for r in res["removed_noise"]))
    if res["converted_from_traditional"]:
        lines.append(f"converted from Traditional: {res['normalised']}")
    lines.append(
        f"matched as: {res['matched_text']}"
        + (f" (+ synonyms {'、'.join(res['synonyms_added'])})" if res["synonyms_added"] else "")
    )
    for n, c in enumerate(res["candidates"], start=1):
        lines.append(
            f"{n}. {c['code']} {c['name']}  score {c['score']}"
            + ("" if "occupation" in c["kinds"] else f"  ({'/'.join(c['kinds'])} group)")
        )
        lines.append(f"   because: {_reason_text(c['reasons'])}")
    signal = res["new_occupation_signal"]
    lines.append(("NEW OCCUPATION? " if signal["flag"] else "") + signal["reason"])
    return "\n".join(lines)

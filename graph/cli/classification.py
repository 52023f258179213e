"""``occugraph classify``: job titles to occupations, one title or a CSV of titles."""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

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

PROGRESS_EVERY = 10_000
MAX_CELL_CHARS = 16 * 2**20  # one cell read into memory at most (a row at a time)


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


def _csv_titles(path: Path, column: str | None) -> tuple[Iterator[str], TextIO]:
    """Titles from a CSV file, read one row at a time (a file of any size in bounded memory).

    Bytes that are not UTF-8 are kept as surrogates so that the classifier reports that row as an
    error instead of the whole file failing. Raises ValueError with file:line for a missing column.
    """
    f = path.open(encoding="utf-8-sig", errors="surrogateescape", newline="")
    # a cell longer than the csv module's default limit (131,072 characters) would stop the whole
    # file with csv.Error; up to MAX_CELL_CHARS it becomes that row's "too long" error instead
    csv.field_size_limit(max(csv.field_size_limit(), MAX_CELL_CHARS))
    reader = csv.reader(f)
    header = next(reader, None)
    if header is None:
        f.close()
        raise ValueError(f"{path} is empty")
    name = column or ("title" if "title" in header else header[0])
    if name not in header:
        f.close()
        raise ValueError(f"{path}:1: no column {name!r} (columns: {', '.join(header)})")
    col = header.index(name)
    return (row[col] if col < len(row) else "" for row in reader), f


def cmd_classify(args: argparse.Namespace) -> int:
    if (args.title is None) == (args.csv is None):
        return fail("give either a TITLE or --csv FILE", 2)
    if not 1 <= args.top <= 20:
        return fail("--top must be between 1 and 20", 2)
    if args.csv is not None:
        try:
            titles, handle = _csv_titles(args.csv, args.column)
        except OSError as exc:
            return fail(f"cannot read {args.csv}: {exc.strerror}")
        except ValueError as exc:
            return fail(str(exc))
        with handle:
            classifier = Classifier.from_store(open_store(args.store, args.endpoint))
            return _classify_csv(classifier, titles, args)
    try:
        Classifier.check_title(args.title)
    except TitleError as exc:
        return fail(str(exc))
    classifier = Classifier.from_store(open_store(args.store, args.endpoint))
    res = classifier.classify(args.title, top_k=args.top)
    if args.json:
        print(json.dumps(res, ensure_ascii=False, indent=2))
        return 0
    print(render_result(res))
    return 0


def _classify_csv(classifier: Classifier, titles: Iterator[str], args: argparse.Namespace) -> int:
    """Stream rows out as they are classified; progress on stderr every PROGRESS_EVERY rows."""
    out = args.output.open("w", encoding="utf-8", newline="") if args.output else sys.stdout
    started = time.monotonic()
    n = errors = 0
    try:
        w = csv_writer(out)
        w.writerow(BATCH_COLUMNS)
        for row in classify_rows(classifier, titles, top_k=args.top):
            w.writerow(row)
            n += 1
            errors += row[1] == "error"
            if n % PROGRESS_EVERY == 0:
                rate = n / max(time.monotonic() - started, 1e-9)
                print(f"classified {n} titles ({rate:.0f}/s, {errors} errors)", file=sys.stderr, flush=True)
    finally:
        if args.output:
            out.close()
    where = f" into {args.output}" if args.output else ""
    print(f"classified {n} titles{where} ({errors} with errors, see the error column)", file=sys.stderr)
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
    if res.get("answer"):
        a = res["answer"]
        lines.append(f"answer: {a['code']} {a['name']} ({a['level']}, probability {a['probability']}; {a['basis']})")
    for n, c in enumerate(res["candidates"], start=1):
        lines.append(
            f"{n}. {c['code']} {c['name']}  score {c['score']}  probability {c['probability']}"
            + ("" if "occupation" in c["kinds"] else f"  ({'/'.join(c['kinds'])} group)")
        )
        lines.append(f"   because: {_reason_text(c['reasons'])}")
    signal = res["new_occupation_signal"]
    lines.append(("NEW OCCUPATION? " if signal["flag"] else "") + signal["reason"])
    return "\n".join(lines)

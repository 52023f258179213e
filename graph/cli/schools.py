"""``occugraph curriculum map``, ``occugraph majors`` and ``occugraph certificates``.

``curriculum map FILE --major CODE`` maps a school's curriculum CSV to the work requirements of the
standards of the major's occupations (graph/schools/curriculum.py) and prints JSON, CSV, Markdown or HTML;
nothing is stored. A malformed CSV gives every problem as ``FILE:LINE: message`` on stderr and exit
status 1. ``--overrides FILE`` applies a school's corrections (force or reject a match) and the
mapping is re-run with them.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from graph.cli.common import add_store_arguments


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from graph.schools.curriculum import FORMATS, MAX_BYTES

    p = sub.add_parser(
        "curriculum",
        help="map a school's curriculum to the standards of a major",
        description="Curriculum mapping for schools (docs/schools.md).",
    )
    csub = p.add_subparsers(dest="curriculum_command", required=True, metavar="SUBCOMMAND")
    m = csub.add_parser(
        "map",
        help="which skill and knowledge requirements the courses cover",
        description="Read a curriculum CSV (columns code, title, hours and/or credits, "
        "learning_outcomes; Chinese header names work too), find the standards of the "
        "major's occupations, and report per standard and level which requirements the "
        "courses cover, with the evidence words of each match. Nothing is stored.",
    )
    m.add_argument("file", type=Path, help="the curriculum CSV (UTF-8; GB18030 is accepted with a warning)")
    m.add_argument("--major", required=True, help="major code, e.g. 510209 (see `occugraph majors`)")
    m.add_argument("--catalogue", help="catalogue id when the code is in several (voc2021, ug)")
    m.add_argument("--format", choices=FORMATS, default="md", help="output format (default md)")
    m.add_argument(
        "--overrides",
        type=Path,
        metavar="FILE",
        help='JSON corrections: {"force": [{"requirement": KEY, "course": CODE}], "reject": [...]}',
    )
    m.add_argument(
        "--standard",
        action="append",
        metavar="ID",
        help="only this standard (its id, e.g. 4-04-05-05-2021, or its occupation code); repeatable",
    )
    m.add_argument("--output", "-o", type=Path, help="write to this file instead of standard output")
    m.add_argument("--max-bytes", type=int, default=MAX_BYTES, help=f"largest CSV accepted (default {MAX_BYTES})")
    add_store_arguments(m)
    m.set_defaults(func=cmd_map)

    p = sub.add_parser(
        "majors",
        help="list majors, or show one with its occupations and standards",
        description="Majors of the vocational education catalogue (and the few general "
        "undergraduate majors of the pilot) with the occupations they prepare for.",
    )
    p.add_argument("code", nargs="?", help="a major code; without it, all majors are listed")
    p.add_argument(
        "--tier",
        help="only this tier: secondary-vocational, higher-vocational, vocational-undergraduate, general-undergraduate",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    add_store_arguments(p)
    p.set_defaults(func=cmd_majors)

    p = sub.add_parser(
        "certificates",
        help="list 1+X certificates, or show what one counts for",
        description="1+X certificates with their levels, organisation, occupations and the credit "
        "equivalences that apply (examples are marked as such).",
    )
    p.add_argument("name", nargs="?", help="certificate name (with or without 职业技能等级证书)")
    p.add_argument("--json", action="store_true", help="print JSON")
    add_store_arguments(p)
    p.set_defaults(func=cmd_certificates)


def _store(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from graph.cli.common import open_store

    return open_store(args.store, args.endpoint)


def cmd_map(args: argparse.Namespace) -> int:
    from graph.cli.common import fail
    from graph.schools.curriculum import (
        CurriculumError,
        MajorNotFound,
        OverrideError,
        map_curriculum,
        parse_curriculum,
        parse_overrides,
        render,
    )

    try:
        data = args.file.read_bytes()
    except OSError as exc:
        return fail(f"无法读取 {args.file}：{exc.strerror}")
    try:
        curriculum = parse_curriculum(data, str(args.file), max_bytes=args.max_bytes)
    except CurriculumError as exc:
        for line in exc.lines():
            print(line.replace(":0:", ":", 1), file=sys.stderr)
        return fail(f"{args.file}：有 {len(exc.errors)} 处问题，没有进行分析")
    overrides = []
    if args.overrides:
        try:
            overrides = parse_overrides(args.overrides.read_text(encoding="utf-8"))
        except OSError as exc:
            return fail(f"无法读取 {args.overrides}：{exc.strerror}")
        except OverrideError as exc:
            return fail(f"{args.overrides}：{exc}")
    store = _store(args)
    try:
        result = map_curriculum(store, curriculum, args.major, args.catalogue, overrides, args.standard)
    except MajorNotFound as exc:
        near = ", ".join(f"{s['code']} {s['name']}" for s in exc.suggestions)
        return fail(f"{exc}" + (f"；是不是：{near}" if near else "；`occugraph majors` 列出全部专业"))
    for w in curriculum.warnings:
        print(f"occugraph: 注意：{w}", file=sys.stderr)
    for o in result["overrides"]["ignored"]:
        print(
            f"occugraph: 未采用的修正（{o['reason']}）：{o['action']} {o['requirement']} {o['course']}",
            file=sys.stderr,
        )
    text, _media = render(result, args.format)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
        s = result["summary"]
        print(f"已写入 {args.output}：{s['requirements']} 条要求中覆盖 {s['covered']} 条", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_majors(args: argparse.Namespace) -> int:
    from graph.cli.common import fail, render_table
    from graph.schools.majors import major, majors, suggest_majors

    store = _store(args)
    if args.code:
        try:
            found = major(store, args.code)
        except ValueError as exc:
            return fail(str(exc))
        if not found:
            near = ", ".join(f"{s['code']} {s['name']}" for s in suggest_majors(store, args.code))
            return fail(f"no major has code {args.code}" + (f"; did you mean: {near}" if near else ""))
        if args.json:
            print(json.dumps(found, ensure_ascii=False, indent=2))
            return 0
        for m in found:
            print(f"{m['code']} {m['name']} ({m['tier_name']}, {m['catalogue_name']})")
            for o in m["occupations"]:  # type: ignore[attr-defined]
                stds = "; ".join(f"{s['title']} ({s['work_requirements']} requirements)" for s in o["standards"])
                print(f"  {o['code']} {o['name']} [{o['basis']}]" + (f" — {stds}" if stds else ""))
        return 0
    rows = majors(store, tier=args.tier)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    table = {
        "head": {"vars": ["code", "name", "tier", "occupations"]},
        "results": {
            "bindings": [
                {
                    "code": {"value": m["code"]},
                    "name": {"value": m["name"]},
                    "tier": {"value": m["tier_name"]},
                    "occupations": {"value": str(m["occupation_count"])},
                }
                for m in rows
            ]
        },
    }
    print(render_table(table))
    return 0


def cmd_certificates(args: argparse.Namespace) -> int:
    from graph.cli.common import fail
    from graph.schools.majors import certificate, certificates, resolve_certificate, suggest_certificates

    store = _store(args)
    if not args.name:
        rows = certificates(store)
        if args.json:
            print(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            for c in rows:
                print(f"{c['name']}  ({c['organisation']})")
        return 0
    name = resolve_certificate(store, args.name)
    if name is None:
        near = "; ".join(suggest_certificates(store, args.name))
        return fail(f"no 1+X certificate is named {args.name}" + (f"; did you mean: {near}" if near else ""))
    found = certificate(store, name)
    if args.json:
        print(json.dumps(found, ensure_ascii=False, indent=2))
        return 0
    assert found is not None
    print(f"{found['name']} — {found['organisation']}")
    for lv in found["levels"]:  # type: ignore[attr-defined]
        print(f"  level {lv['level']}: effective from {lv['effective_from'] or '?'}")
    for o in found["occupations"]:  # type: ignore[attr-defined]
        print(f"  faces {o['code']} {o['name']} [{o['basis']}]")
    eqs = found["counts_for"]
    if not eqs:
        print("  counts for: no credit equivalence is recorded")
    for e in eqs:  # type: ignore[attr-defined]
        t = e["target"]
        what = (
            f"{t['credits']:g} credits in {t['framework_name']}"
            if t["kind"] == "credits"
            else f"exemption from {t.get('course') or ''} {t.get('title') or t.get('outcome') or ''}".strip()
        )
        flag = " [EXAMPLE — not official]" if e["example"] else f" [{e['status']}]"
        until = e["valid_until"] or "open-ended"
        print(f"  counts for: {what}{flag}; valid {e['valid_from']} to {until}; decided by {e['decided_by']}")
        for c in e["conditions"]:
            print(f"    condition: {c}")
    return 0

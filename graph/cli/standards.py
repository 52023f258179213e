"""``occugraph standards``, ``occugraph levels`` and ``occugraph eligibility`` (docs/standards.md).

    occugraph standards list [--year 2024] [--occupation 4-04-05-05] [--level 3] [--tier national] [--json]
    occugraph standards show 4-04-05-05-2021 [--json]
    occugraph levels [--json]
    occugraph eligibility 4-04-05-05 三级                       # the routes, with their original text
    occugraph eligibility 4-04-05-05 3 --profile me.json [--json]  # evaluate a profile (- = stdin)

Exit 0 ok, 1 failure (unknown code, level or standard; malformed profile), 2 usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from graph.cli.common import add_store_arguments, open_store


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "standards",
        help="list and show national skill standards",
        description="List national skill standards (newest first) or show one in full.",
    )
    ssub = p.add_subparsers(dest="standards_command", required=True, metavar="ACTION")
    q = ssub.add_parser("list", help="list standards, filtered")
    q.add_argument("--year", type=int, help="issue year")
    q.add_argument("--occupation", help="current occupation code, e.g. 4-04-05-05")
    q.add_argument("--level", help="a covered level (id, number or name, e.g. 3 or 三级)")
    q.add_argument("--tier", choices=["national", "evaluation", "special-ability"])
    q.add_argument("--json", action="store_true", help="JSON instead of a table")
    _common(q)
    q.set_defaults(func=cmd_list)
    q = ssub.add_parser("show", help="one standard with its levels, rules and work requirements")
    q.add_argument("id", help="standard id, e.g. 4-04-05-05-2021")
    q.add_argument("--json", action="store_true")
    _common(q)
    q.set_defaults(func=cmd_show)

    p = sub.add_parser(
        "levels",
        help="the level ladders and diploma kinds",
        description="Print the skill-level and professional-technical ladders and diploma kinds.",
    )
    p.add_argument("--json", action="store_true")
    _common(p)
    p.set_defaults(func=cmd_levels)

    p = sub.add_parser(
        "eligibility",
        help="who may apply for a level of an occupation (申报条件)",
        description="Without --profile: every route to the level, with its original text and "
        "source. With --profile FILE (JSON, - for stdin): which routes are open, the "
        "closest, what is missing and the earliest date each could open.",
    )
    p.add_argument("code", help="occupation code, e.g. 4-04-05-05")
    p.add_argument("level", help="level id, number or name, e.g. 3, 三级, 高级工")
    p.add_argument("--profile", help="JSON profile file, or - for standard input")
    p.add_argument("--json", action="store_true")
    _common(p)
    p.set_defaults(func=cmd_eligibility)


def _common(p: argparse.ArgumentParser) -> None:
    add_store_arguments(p)


def _book(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from graph.standards.queries import RuleBook

    store = open_store(args.store, args.endpoint)
    return store, RuleBook.load(store)


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _check_code(code: str, store: Any) -> str | None:
    from graph.classification import queries
    from graph.core.codes import CODE_RE

    if not CODE_RE.fullmatch(code):
        return f"{code!r} is not a classification code (expected N-NN-NN-NN, e.g. 4-04-05-05)"
    codes = queries.all_codes(store)
    if code not in set(codes):
        return f"no classification entry has code {code}; nearest: {', '.join(queries.nearest_codes(code, codes))}"
    return None


def cmd_list(args: argparse.Namespace) -> int:
    from graph.cli.common import fail
    from graph.standards.queries import UnknownLevel, filter_standards

    store, book = _book(args)
    if args.occupation and (problem := _check_code(args.occupation, store)):
        return fail(problem)
    try:
        level = book.parse_level(args.level).id if args.level else None
    except UnknownLevel as exc:
        return fail(str(exc.args[0]))
    found = filter_standards(book, args.year, args.occupation, level, args.tier)
    if args.json:
        _print_json({"total": len(found), "results": [s.as_dict() for s in found]})
        return 0
    for s in found:
        occ = f"{s.occupation} {s.occupation_name}" if s.occupation else "(unresolved)"
        print(f"{s.id:22} {s.issued}  {s.doc_number or '':22} {occ}  [{','.join(s.levels) or '?'}]  {s.title}")
    print(f"({len(found)} standard{'s' if len(found) != 1 else ''})")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from graph.cli.common import fail
    from graph.standards.queries import standard_detail

    store, book = _book(args)
    d = standard_detail(store, book, args.id)
    if d is None:
        return fail(f"no standard has id {args.id!r}; try `occugraph standards list --occupation CODE`")
    if args.json:
        _print_json(d)
        return 0
    occ = d["occupation"]
    print(f"{d['title']}  ({d['id']})")
    print(f"  issued {d['issued']}, {d['doc_number'] or 'no document number'}; code as printed {d['code_as_printed']}")
    print(
        f"  occupation: {occ['code'] + ' ' + occ['name'] if occ else 'unresolved'} "
        f"[{d['resolution']['method']}: {d['resolution']['evidence']}]"
    )
    print(f"  levels ({d['levels_provenance']['provenance']}): {', '.join(d['levels']) or 'unknown'}")
    rs = d["rule_set"]
    print(f"  eligibility rule set: {rs['id'] + ' (' + rs['basis'] + ')' if rs else 'none'}")
    for e in d["eligibility"]:
        if e["rules"]:
            print(f"  {e['level']['name_zh']}:")
            for r in e["rules"]:
                print(f"    ({r['number']}) {r['text']}\n        = {r['summary']}")
    for lv in d["work_requirements"]:
        n = sum(len(w["skills"]) + len(w["knowledge"]) for f in lv["functions"] for w in f["work_contents"])
        inc = f", includes level {lv['includes_level']}" if lv["includes_level"] else ""
        print(f"  work requirements at {lv['level']['name_zh']}: {len(lv['functions'])} functions, {n} lines{inc}")
    return 0


def cmd_levels(args: argparse.Namespace) -> int:
    _store, book = _book(args)
    if args.json:
        _print_json(
            {
                "levels": [lv.as_dict() for lv in book.ladder.ordered()],
                "diploma_kinds": list(book.diploma_kinds.values()),
            }
        )
        return 0
    for lv in book.ladder.ordered():
        print(f"{lv.ladder:12} {lv.rank}  {lv.id:26} {lv.name_zh:10} {lv.name_en}")
    for k in book.diploma_kinds.values():
        print(f"diploma      {k['rank']}  {k['id']:26} {k['name_zh']}")
    return 0


def cmd_eligibility(args: argparse.Namespace) -> int:
    from graph.cli.common import fail
    from graph.standards.eligibility import ProfileError, profile_from_json
    from graph.standards.queries import UnknownLevel

    store, book = _book(args)
    if problem := _check_code(args.code, store):
        return fail(problem)
    try:
        std, rs, level, rules, notes = book.routes(args.code, args.level)
    except UnknownLevel as exc:
        return fail(str(exc.args[0]))
    if not args.profile:
        if args.json:
            _print_json(
                {
                    "code": args.code,
                    "level": level.as_dict(),
                    "standard": std.as_dict() if std else None,
                    "notes": notes,
                    "routes": [r.as_dict(book.ladder) for r in rules],
                }
            )
            return 0
        print(
            f"{args.code} {level.name_zh} ({level.name_en}); standard {std.id if std else 'none'}, "
            f"rule set {rs.id if rs else 'none'}"
        )
        for n in notes:
            print(f"  note: {n}")
        for r in rules:
            print(f"  ({r.number}) {r.text}\n      = {r.summary(book.ladder, book.diploma_names())}")
        return 0
    try:
        text = sys.stdin.read() if args.profile == "-" else Path(args.profile).read_text(encoding="utf-8")
    except OSError as exc:
        return fail(f"cannot read {args.profile}: {exc.strerror}")
    try:
        data = json.loads(text)
    except ValueError as exc:
        return fail(f"{args.profile}: not JSON ({exc})")
    from graph.classification import queries

    codes = set(queries.all_codes(store))
    try:
        profile = profile_from_json(
            data, book.ladder, is_code=codes.__contains__, diploma_kinds=book.diploma_kinds.keys()
        )
    except ProfileError as exc:
        return fail(f"{args.profile}: malformed profile: {exc}")
    result = book.check(profile, args.code, level.id)
    if args.json:
        _print_json(result.as_dict(book.ladder))
        return 0
    verdict = "eligible" if result.open else "not yet eligible"
    print(f"{args.code} {level.name_zh} as of {result.as_of}: {verdict}")
    for n in result.notes:
        print(f"  note: {n}")
    for route in result.routes:
        state = "OPEN" if route.open else (f"opens {route.earliest_date}" if route.earliest_date else "closed")
        print(f"  ({route.rule.number}) {state}: {route.rule.text}")
        for s in route.satisfied:
            print(f"      + {s}")
        for m in route.missing:
            print(f"      - {m}")
    return 0

"""``occugraph pathway``: career pathways from the command line (docs/pathways.md).

    occugraph pathway route --from 6-31-01-03 --from-level 4 --level-since 2021-05-01 \\
        --years-worked 6 --diploma 高职 --to 6-31-01-04 --to-level 技师 [--format svg -o route.svg]
    occugraph pathway reach --from 6-31-01-03 --from-level 4 --level-since 2021-05-01 --within 3
    occugraph pathway next --from 6-31-01-03

A full profile (certificates with dates, dated work, diplomas, titles) can be given as JSON with
``--profile FILE`` (the format of POST /api/pathways). Exit 0 with an answer (also "no route",
which is an answer with its reason), 1 when the store cannot be read, 2 for bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from graph.cli.common import add_store_arguments

FORMATS = ("text", "json", "dot", "mermaid", "svg")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "pathway",
        help="career pathways: routes to a level, what is reachable, next steps",
        description="Career pathways over the eligibility rules (申报条件): how to get from where "
        "you are to a level in an occupation, how long it takes and why.",
    )
    sp = p.add_subparsers(dest="pathway_command", required=True, metavar="{route,reach,next}")

    r = sp.add_parser(
        "route",
        help="the fastest routes to a level in an occupation",
        description="The fastest routes (best first) to --to-level in --to; when there is none, why, "
        "and the nearest target that can be reached.",
    )
    _profile_arguments(r)
    r.add_argument("--to", required=True, metavar="CODE", help="target occupation code")
    r.add_argument("--to-level", required=True, metavar="LEVEL", help="target level: 5..1 or a name (技师, 特级技师)")
    r.add_argument("--routes", type=int, default=3, metavar="N", help="alternatives to show (1-10, default 3)")
    r.add_argument(
        "--moves",
        choices=("allow", "none"),
        help="allow (default) or forbid moves into other occupations on the way",
    )
    r.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text (default), json, or a picture: dot (Graphviz), mermaid, svg",
    )
    r.add_argument("-o", "--output", type=Path, help="write to this file instead of standard output")
    r.set_defaults(func=cmd_route)

    r = sp.add_parser(
        "reach",
        help="what can be reached within N years",
        description="Every level in your occupations and their related occupations that the rules "
        "let you reach within --within years, fastest first.",
    )
    _profile_arguments(r)
    r.add_argument("--within", type=float, required=True, metavar="YEARS", help="horizon in years (0-40)")
    r.add_argument("--format", choices=("text", "json"), default="text")
    r.set_defaults(func=cmd_reach)

    r = sp.add_parser(
        "next",
        help="natural next steps (horizontal moves) from an occupation",
        description="Occupations that are natural next steps from --from, with reasons: the same "
        "minor group, an editor's relation, shared main tasks; and whether the rules "
        "count your work and certificates there.",
    )
    _profile_arguments(r)
    r.add_argument("--limit", type=int, default=10, metavar="N", help="how many (1-50, default 10)")
    r.add_argument("--format", choices=("text", "json"), default="text")
    r.set_defaults(func=cmd_next)


def _profile_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from", dest="from_", metavar="CODE", help="the occupation you are in")
    p.add_argument("--from-level", metavar="LEVEL", help="the level of the certificate you hold in it")
    p.add_argument("--level-since", metavar="YYYY-MM-DD", help="date of that certificate")
    p.add_argument(
        "--certificate-kind",
        choices=("skill-level", "vocational-qualification", "special-ability"),
        help="kind of that certificate (default skill-level; 职业资格证书 = vocational-qualification)",
    )
    p.add_argument(
        "--years-worked",
        metavar="N",
        help="years worked in that occupation, up to --as-of (default with --level-since: since that date)",
    )
    p.add_argument("--birth-date", metavar="YYYY-MM-DD", help="date of birth (default: taken as an adult)")
    p.add_argument("--age", metavar="N", help="age in years, if the birth date is not given")
    p.add_argument("--diploma", metavar="KIND", help="diploma held: 技工院校, 高级工班, 技师班, 中职, 高职, 本科 ...")
    p.add_argument("--diploma-graduation", metavar="YYYY-MM-DD", help="graduation date, or 'graduating'")
    p.add_argument("--diploma-assessed", action="store_true", help="the programme is assessed (经评估论证)")
    p.add_argument("--title", metavar="LEVEL", help="professional title held: 初级, 中级, 高级")
    p.add_argument("--title-since", metavar="YYYY-MM-DD", help="date of that title")
    p.add_argument("--as-of", metavar="YYYY-MM-DD", help="the date to reason from (default today)")
    p.add_argument(
        "--profile",
        type=Path,
        metavar="FILE.json",
        help="a full profile as JSON (docs/pathways.md), merged with the options above",
    )
    add_store_arguments(p)


def _params(args: argparse.Namespace) -> tuple[dict[str, Any], bool]:
    params: dict[str, Any] = {}
    names = {
        "from_": "from",
        "from_level": "from_level",
        "level_since": "level_since",
        "certificate_kind": "certificate_kind",
        "years_worked": "years_worked",
        "diploma": "diploma",
        "diploma_graduation": "diploma_graduation",
        "title": "title",
        "title_since": "title_since",
        "as_of": "as_of",
        "to": "to",
        "to_level": "to_level",
        "birth_date": "birth_date",
        "age": "age",
        "moves": "moves",
        "routes": "max_routes",
        "within": "within",
        "limit": "limit",
    }
    for attr, key in names.items():
        value = getattr(args, attr, None)
        if value is not None:
            params[key] = value
    if getattr(args, "diploma_assessed", False):
        params["diploma_assessed"] = True
    json_body = False
    if args.profile is not None:
        try:
            params["profile"] = json.loads(args.profile.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ValueError(f"cannot read {args.profile}: {exc.strerror}") from None
        except json.JSONDecodeError as exc:
            raise ValueError(f"{args.profile}:{exc.lineno}: not JSON ({exc.msg})") from None
        json_body = True
    return params, json_body


def _engine(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from graph.cli.common import open_store
    from graph.pathways.engine import PathwayEngine

    return PathwayEngine.from_store(open_store(args.store, args.endpoint))


def _query(args: argparse.Namespace, need_target: bool):  # type: ignore[no-untyped-def]
    from graph.pathways.engine import QueryParser

    engine = _engine(args)
    params, json_body = _params(args)
    return engine, QueryParser(engine).parse(params, need_target=need_target, json_body=json_body)


def _bad(message: str) -> int:
    print(f"occugraph pathway: {message}", file=sys.stderr)
    return 2


def cmd_route(args: argparse.Namespace) -> int:
    from graph.pathways.engine import Describer, PathwayError
    from graph.pathways.render import route_graph, to_dot, to_mermaid, to_svg

    try:
        engine, q = _query(args, need_target=True)
        result = engine.find_routes(q.profile, q.target, q.target_level, q.max_routes, origin=q.origin, moves=q.moves)
    except (PathwayError, ValueError) as exc:
        return _bad(_message(exc))
    d = Describer(engine)
    if args.format == "json":
        text = json.dumps(d.result(result, q), ensure_ascii=False, indent=2) + "\n"
    elif args.format == "text":
        text = render_text(d.result(result, q))
    else:
        g = route_graph(result, engine)
        title = f"{q.target} {engine.level_words(q.target_level)}"
        text = {"dot": lambda: to_dot(g, title), "mermaid": lambda: to_mermaid(g), "svg": lambda: to_svg(g, title)}[
            args.format
        ]() + "\n"
    return _write(text, args.output)


def cmd_reach(args: argparse.Namespace) -> int:
    from graph.pathways.engine import Describer, PathwayError

    try:
        engine, q = _query(args, need_target=False)
        items = engine.reachable(q.profile, q.within_years or 0.0, origin=q.origin)
    except (PathwayError, ValueError) as exc:
        return _bad(_message(exc))
    d = Describer(engine).reachable(items, q.within_years or 0.0, q)
    if args.format == "json":
        print(json.dumps(d, ensure_ascii=False, indent=2))
        return 0
    print(f"{q.within_years:g} 年内可达：{d['count']} 项")
    for item in d["reachable"]:
        t = item["target"]
        print(
            f"  {item['total_years']:>5g} 年  {t['occupation']['code']} {t['occupation']['name']} "
            f"{t['level']['name_zh']}  — {item['route']['summary']}"
        )
    _print_assumptions(q.assumptions)
    return 0


def cmd_next(args: argparse.Namespace) -> int:
    from graph.pathways.engine import Describer, PathwayError

    try:
        engine, q = _query(args, need_target=False)
        if q.origin is None:
            raise PathwayError("请用 --from 填写出发的职业")
        has_profile = bool(q.profile.certificates or q.profile.work or q.profile.diplomas or q.profile.titles)
        steps = engine.next_steps(q.origin, q.profile if has_profile else None, limit=q.limit)
    except (PathwayError, ValueError) as exc:
        return _bad(_message(exc))
    d = Describer(engine).next_steps(q.origin, steps)
    if args.format == "json":
        print(json.dumps(d, ensure_ascii=False, indent=2))
        return 0
    print(f"从 {q.origin} {engine.names.get(q.origin, '')} 出发的自然下一步：")
    for s in d["next_steps"]:
        counts = "申报条件计入（相关职业）" if s["counts_for_rules"] else "仅为建议"
        best = (
            f"；可申报的最高等级：{s['best_level']['level']['name_zh']}（{s['best_level']['date']}）"
            if s.get("best_level")
            else ""
        )
        print(f"  {s['occupation']['code']} {s['occupation']['name']} ({counts}{best})")
        for r in s["reasons"]:
            print(f"      - {r['text']}")
    print(d["definition"])
    return 0


def _message(exc: Exception) -> str:
    from graph.pathways.engine import PathwayError

    if isinstance(exc, PathwayError) and exc.extra.get("nearest_codes"):
        return f"{exc.message}（相近编码：{', '.join(exc.extra['nearest_codes'])}）"
    return str(exc)


def _write(text: str, output: Path | None) -> int:
    if output is None:
        sys.stdout.write(text)
        return 0
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"occugraph pathway: cannot write {output}: {exc.strerror}", file=sys.stderr)
        return 1
    print(f"wrote {output}", file=sys.stderr)
    return 0


def _print_assumptions(items: list[str]) -> None:
    for a in items:
        print(f"  假设：{a}")


def render_text(d: dict[str, Any]) -> str:
    """A result (Describer.result) in plain Chinese."""
    lines = []
    to = d["to"]
    lines.append(
        f"目标：{to['occupation']['code']} {to['occupation']['name']} {to['level']['name_zh']}（推算日期 {d['as_of']}）"
    )
    if d["already_holds"]:
        lines.append("  已持有该等级或更高等级")
    for i, r in enumerate(d["routes"], start=1):
        if not r["steps"]:
            continue
        lines.append(f"路线 {i}：共 {r['total_years']:g} 年（{r['reached_on']} 可达），{r['applications']} 次申报")
        if r["applications_note"]:
            lines.append(f"  注意：{r['applications_note']}")
        for s in r["steps"]:
            lines.append(f"  {s['date']}  {s['text']}")
            lines.append(f"      条文：{s['rule']['text']}")
            for alt in s["also_allowed_by"]:
                lines.append(f"      也可依第 {alt['number']} 条：{alt['text']}")
    if d["reason"]:
        lines.append(f"没有路线：{d['reason']}")
        n = d["nearest"]
        if n:
            t = n["target"]
            lines.append(
                f"最近可达：{t['occupation']['code']} {t['occupation']['name']} {t['level']['name_zh']}，"
                f"约 {n['total_years']:g} 年 — {n['route']['summary']}"
            )
    for note in d["notes"]:
        lines.append(f"说明：{note}")
    for a in d["assumptions"]:
        lines.append(f"假设：{a}")
    return "\n".join(lines) + "\n"

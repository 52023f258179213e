"""The standards developer's commands: validate, diff, reason, release, proposals.

Registered in graph/cli/main.py COMMAND_MODULES. Exit codes as everywhere: 0 ok, 1 failure (an ERROR
finding, a refused release), 2 bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from graph.cli.common import fail


def _root(args: argparse.Namespace) -> Path:
    from graph.core.paths import project_root

    return (args.root or project_root()).resolve()


def _releases(args: argparse.Namespace) -> Path:
    return (args.releases or _root(args) / "releases").resolve()


def _progress(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    if getattr(args, "quiet", False):
        return None
    return lambda message: print(f"  {message} ...", file=sys.stderr, flush=True)


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        output.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", type=Path, help="project folder (default: this checkout)")
    common.add_argument("--releases", type=Path, help="releases folder (default: <root>/releases)")

    p = sub.add_parser(
        "validate",
        parents=[common],
        help="check the sources: SHACL, QC rules, identifiers (file:line report)",
        description="Check everything the build checks, without building: the TSV sources against their column "
        "dictionaries, SHACL shapes, QC rules, and that no identifier of the latest release has "
        "disappeared. Each problem is reported at its source file and line. Exit 1 if any is an ERROR.",
    )
    p.add_argument("--format", choices=["text", "markdown", "json"], default="text", help="report format")
    p.add_argument("--output", "-o", type=Path, help="write the report to this file instead of standard output")
    p.add_argument("--reason", action="store_true", help="also run HermiT and the OWL 2 DL profile check (slower)")
    p.add_argument("--all", action="store_true", help="text format: list every finding, including INFO notes")
    p.add_argument(
        "--consequences",
        action="store_true",
        help="text format: under each root problem, list every row that fails because of it",
    )
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser(
        "diff",
        parents=[common],
        help="what changed between two versions, with labels (Markdown or JSON)",
        description="Compare two versions of the graph. OLD and NEW are release versions (e.g. v1), release "
        "folders, .nt/.ttl/.jsonld files, or 'working' for the sources in this checkout. "
        "NEW defaults to 'working'.",
    )
    p.add_argument("old", help="the earlier version (e.g. v1)")
    p.add_argument("new", nargs="?", default="working", help="the later version (default: working)")
    p.add_argument("--format", choices=["markdown", "json"], default="markdown", help="output format")
    p.add_argument("--kind", help="only entities of this type (IRI, CURIE such as og:Occupation, or label)")
    p.add_argument("--limit", type=int, help="markdown: list at most this many entities per kind and status")
    p.add_argument("--output", "-o", type=Path, help="write to this file instead of standard output")
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser(
        "reason",
        parents=[common],
        help="run HermiT: consistency, unsatisfiable classes, inferred hierarchy",
        description="Reason over the ontology and the data with HermiT (through owlready2; needs Java), "
        "check the OWL 2 DL profile, and report in plain words.",
    )
    p.add_argument("--tbox-only", action="store_true", help="reason over the ontology alone")
    p.add_argument("--no-profile", action="store_true", help="skip the OWL 2 DL profile check")
    p.add_argument("--inferred", type=Path, help="write the inferred triples to this Turtle file")
    p.add_argument("--format", choices=["text", "markdown", "json"], default="text", help="report format")
    p.set_defaults(func=cmd_reason)

    p = sub.add_parser(
        "release",
        parents=[common],
        help="cut a versioned release into releases/<version>/",
        description="Validate (with reasoning), then write releases/<VERSION>/: Turtle, N-Triples, JSON-LD and "
        "CSV dumps with SHA256SUMS, the inferred graph, the diff against the previous release and a "
        "CHANGELOG entry. The same sources, version and date give the same bytes.",
    )
    p.add_argument("version", help="release name: v1, v2, v1.1 ... or a date YYYY-MM-DD")
    p.add_argument("--date", help="release date YYYY-MM-DD (required unless VERSION is a date)")
    p.add_argument("--notes", default="", help="extra notes for the CHANGELOG entry (Markdown)")
    p.add_argument("--replace", action="store_true", help="cut an existing version again")
    p.add_argument(
        "--no-reason", action="store_true", help="skip HermiT and the OWL 2 DL check (not for official releases)"
    )
    p.add_argument(
        "--allow-non-dl",
        action="store_true",
        help="release even if the OWL 2 DL profile check fails (recorded in release.json and the CHANGELOG)",
    )
    p.add_argument(
        "--publish",
        action="store_true",
        help="then serve it: build the released sources and switch var/store and dist/ (the /downloads) to that "
        "build atomically; an existing release is published without cutting it again",
    )
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=cmd_release)

    p = sub.add_parser(
        "version",
        parents=[common],
        help="the software version and the version the local build (dist/) serves",
        description="Print the software version and what dist/ holds: a published release (name, date, version "
        "IRI) or a build of the working tree.",
    )
    p.add_argument("--dist", type=Path, help="dist folder (default: <root>/dist)")
    p.set_defaults(func=cmd_version)

    p = sub.add_parser(
        "proposals",
        parents=[common],
        help="the review queue of proposed edits",
        description="List, show, approve or reject edits proposed through POST /api/proposals.",
    )
    p.add_argument("action", choices=["create", "list", "show", "approve", "reject", "recover"])
    p.add_argument("id", nargs="?", help="proposal number (show, approve, reject); create: the JSON file, - for stdin")
    p.add_argument("--editor", help="your name, recorded with the decision (approve, reject)")
    p.add_argument("--comment", default="", help="why (required to reject)")
    p.add_argument("--state", help="list: only proposals in this state")
    p.add_argument("--proposals", type=Path, help="proposals folder (default: <root>/proposals)")
    p.set_defaults(func=cmd_proposals)


def cmd_validate(args: argparse.Namespace) -> int:
    from graph.workflow.validate import validate

    started = time.perf_counter()
    _recover_approvals(args)
    result = validate(_root(args), releases_dir=_releases(args), reason=args.reason, progress=_progress(args))
    report = result.report
    if args.format == "json":
        text = report.to_json()
    elif args.format == "markdown":
        text = report.render_markdown()
    else:
        text = report.render_text(show_info=args.all, limit=None if args.all else 10, consequences=args.consequences)
    _write(text, args.output)
    if not args.quiet:
        print(f"  ({time.perf_counter() - started:.1f}s)", file=sys.stderr)
    if args.output is not None:
        print(report.summary(), file=sys.stderr)
    return 0 if report.ok else 1


def _recover_approvals(args: argparse.Namespace) -> None:
    """Undo an approval that was killed half-way, before anything reads the sources."""
    from graph.workflow.proposals import ProposalStore

    store_dir = getattr(args, "proposals", None) or _root(args) / "proposals"
    if store_dir.is_dir():
        for line in ProposalStore(store_dir, _root(args)).recover():
            print(f"occugraph: {line}", file=sys.stderr)


def cmd_diff(args: argparse.Namespace) -> int:
    from graph.core.errors import BuildError
    from graph.workflow.diff import compute
    from graph.workflow.snapshot import SnapshotError, resolve_snapshot

    try:
        old = resolve_snapshot(args.old, _root(args), _releases(args))
        new = resolve_snapshot(args.new, _root(args), _releases(args))
    except SnapshotError as exc:
        return fail(str(exc))
    except BuildError as exc:
        for problem in exc.problems:
            print(problem.with_summary(), file=sys.stderr)
        return fail(f"cannot read the working tree: {exc} (run `occugraph validate`)")
    diff = compute(old, new)
    if args.kind:
        diff = diff.filtered(args.kind)
    _write(diff.to_json() if args.format == "json" else diff.to_markdown(limit=args.limit), args.output)
    return 0


def cmd_reason(args: argparse.Namespace) -> int:
    from graph.build.pipeline import compile_sources, sorted_ntriples
    from graph.core.errors import BuildError
    from graph.workflow.reason import reason
    from graph.workflow.validate import Report

    root = _root(args)
    try:
        compiled = compile_sources(root)
    except BuildError as exc:
        for problem in exc.problems:
            print(problem.with_summary(), file=sys.stderr)
        return fail(f"cannot read the sources: {exc} (run `occugraph validate`)")
    result = reason(compiled, root, abox="none" if args.tbox_only else "logical", profile=not args.no_profile)
    report = Report(str(root), result.findings, timings=result.timings)
    if args.inferred:
        from graph.workflow.release import _ttl_with_comment

        nt = sorted_ntriples(result.inferred_graph())
        args.inferred.write_bytes(_ttl_with_comment(nt, "Triples HermiT inferred; generated by `occugraph reason`."))
        count = nt.count(b"\n")
        print(f"wrote {count} inferred triples to {args.inferred}", file=sys.stderr)
    if args.format == "json":
        print(report.to_json())
    elif args.format == "markdown":
        print(report.render_markdown())
    else:
        print(report.render_text(show_info=True))
        for name, seconds in result.timings.items():
            print(f"  {name}: {seconds:.1f}s", file=sys.stderr)
    return 0 if report.ok else 1


def cmd_release(args: argparse.Namespace) -> int:
    from graph.workflow.release import ReleaseError, cut_release, publish

    _recover_approvals(args)
    started = time.perf_counter()
    if args.publish and not args.replace and (_releases(args) / args.version / "release.json").is_file():
        return _publish(args, publish, ReleaseError)
    try:
        result = cut_release(
            args.version,
            args.date,
            root=_root(args),
            releases_dir=_releases(args),
            notes=args.notes,
            reason=not args.no_reason,
            replace=args.replace,
            allow_non_dl=args.allow_non_dl,
            progress=_progress(args),
        )
    except ReleaseError as exc:
        if exc.report is not None:
            print(exc.report.render_text(limit=10), file=sys.stderr)
        return fail(f"release refused: {exc}")
    print(f"released {result.version} ({result.triples} triples, {result.inferred} inferred) into {result.path}")
    print(
        f"version IRI {result.version_iri}; previous release: {result.previous or 'none'}; "
        f"{time.perf_counter() - started:.0f}s"
    )
    return _publish(args, publish, ReleaseError) if args.publish else 0


def _publish(args: argparse.Namespace, publish, error: type[Exception]) -> int:  # type: ignore[no-untyped-def]
    try:
        result = publish(args.version, root=_root(args), releases_dir=_releases(args), quiet=args.quiet)
    except error as exc:
        return fail(str(exc))
    what = "was already served" if result.reused else "is now served"
    print(f"published {args.version}: {result.stamp.version_iri} {what} from {result.store_path} and {result.dist}")
    return 0


def cmd_proposals(args: argparse.Namespace) -> int:
    from graph.workflow.proposals import ProposalError, ProposalStore

    root = _root(args)
    store = ProposalStore(args.proposals or root / "proposals", root, releases_dir=_releases(args))
    try:
        if args.action == "recover":
            for line in store.recover() or ["nothing to recover"]:
                print(line)
            return 0
        if args.action == "create":
            if not args.id:
                return fail("proposals create needs the proposal as a JSON file (or - for standard input)", 2)
            text = sys.stdin.read() if args.id == "-" else Path(args.id).read_text(encoding="utf-8")
            try:
                payload = json.loads(text)
            except ValueError as exc:
                return fail(f"{args.id}: not JSON: {exc}")
            created = store.create(payload)
            print(f"proposal {created['id']} is {created['state']}: {created['title']}")
            return 0
        if args.action == "list":
            for p in store.list(state=args.state):
                print(f"{p['id']:>5}  {p['state']:<9}  {p['title']}  ({p['author']})")
            return 0
        if not args.id:
            return fail(f"proposals {args.action} needs a proposal number", 2)
        if args.action == "show":
            print(json.dumps(store.get(args.id), ensure_ascii=False, indent=1))
            return 0
        if not args.editor:
            return fail(f"proposals {args.action} needs --editor NAME (recorded with the decision)", 2)
        if args.action == "approve":
            result = store.approve(args.id, args.editor, args.comment)
            print(f"proposal {args.id} approved by {args.editor}; changed {', '.join(result['files'])}")
        else:
            store.reject(args.id, args.editor, args.comment)
            print(f"proposal {args.id} rejected by {args.editor}")
    except ProposalError as exc:
        if exc.report is not None:
            print(exc.report.render_text(limit=10), file=sys.stderr)
        for item in exc.errors[1:]:
            print(f"  {item['field']}: {item['message']}", file=sys.stderr)
        return fail(str(exc))
    except OSError as exc:
        return fail(f"cannot read {args.id}: {exc.strerror}")
    return 0


def cmd_version(args: argparse.Namespace) -> int:
    """The software version and what the local build in dist/ is (a published release or not)."""
    from graph.core.version import VERSION, release_name

    print(f"software {VERSION} (release {release_name(VERSION)})")
    served = (args.dist or _root(args) / "dist") / "version.json"
    try:
        data = json.loads(served.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        print(f"served: nothing built yet ({served} is missing; run occugraph build)")
        return 0
    if data.get("version"):
        print(f"served: release {data['version']} of {data['issued']}, {data['version_iri']}")
    else:
        print(f"served: a build of the working tree, {data['version_info']} ({data['version_iri']})")
    return 0

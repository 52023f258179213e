"""The ``occugraph`` command. Each area registers its subcommands from its own module.

Exit codes: 0 success, 1 the command failed (message on stderr, file:line where it applies),
2 bad usage (argparse).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from pathlib import Path

from graph.cli.common import add_store_arguments, fail, open_store, render_table
from graph.store.sparql import StoreIncomplete

# modules with a ``register(subparsers)`` function; each adds its own subcommands
COMMAND_MODULES = [
    "graph.cli.main",
    "graph.cli.remote",
    "graph.cli.classification",
    "graph.cli.workflow",
    "graph.cli.schools",
    "graph.cli.standards",
    "graph.cli.pathways",
    "graph.cli.ontology",
]


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "build",
        help="build the graph from ontology/ and standards/ into var/store and dist/",
        description="Read ontology/ and standards/, validate (source checks, SHACL, QC rules), "
        "write the embedded store to var/store and deterministic dumps plus the QC "
        "report to dist/. A failed build leaves the previous store intact.",
    )
    p.add_argument("--root", type=Path, help="project folder (default: this checkout)")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.add_argument(
        "--rebuild",
        action="store_true",
        help="build in full even when the sources, code and packages are those of the last good build "
        "(by default that build is reused: var/cache/build/); the new build is kept",
    )
    p.set_defaults(func=cmd_build)

    p = sub.add_parser(
        "serve",
        help="serve the API, pages and SPARQL endpoint",
        description="Serve OccuGraph over HTTP (waitress) from the embedded store, or from a "
        "SPARQL endpoint with --endpoint. --workers N runs N processes (gunicorn), "
        "each opening the store read-only.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--threads", type=int, default=8, help="worker threads (default 8)")
    p.add_argument(
        "--workers", type=int, default=1, help="server processes (default 1: waitress; more: gunicorn, --threads each)"
    )
    add_store_arguments(p)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser(
        "query",
        help="run a SPARQL query against the store",
        description="Run a SPARQL query. QUERY is the text, @FILE to read it from a file, or - for standard input.",
    )
    p.add_argument("query", help="SPARQL text, @file.rq, or -")
    p.add_argument(
        "--format",
        choices=["table", "json", "csv", "tsv", "xml", "turtle", "ntriples"],
        default="table",
        help="output format (default: a table for SELECT, Turtle for graphs)",
    )
    add_store_arguments(p)
    p.set_defaults(func=cmd_query)


def cmd_build(args: argparse.Namespace) -> int:
    from graph.build.pipeline import build
    from graph.core.errors import BuildError

    if not args.quiet:
        print("occugraph build", file=sys.stderr)
    try:
        root = args.root.resolve() if args.root else None
        result = build(root=root, quiet=args.quiet, reuse=not args.rebuild, keep=True)
    except BuildError as exc:
        for problem in exc.problems:
            print(problem.with_summary(), file=sys.stderr)
        return fail(f"build failed: {exc}; the previous store was left as it was")
    print(
        f"built {result.triples} triples into {result.store_path}; dumps and QC report in {result.dist} "
        f"({result.warnings} QC warnings, see {result.dist / 'qc-report.md'})"
    )
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from waitress import serve

    from server import create_app

    open_store(args.store, args.endpoint)  # fail early with a clear message
    config = {"STORE_PATH": str(args.store) if args.store else None, "ENDPOINT": args.endpoint}
    if not os.environ.get("OCCUGRAPH_PUBLIC_BASE_URL") and args.host not in ("0.0.0.0", "::", ""):
        # links in VoID and the service description point at this server, not at the Host header
        config["PUBLIC_BASE_URL"] = f"http://{args.host}:{args.port}"
    if not args.endpoint:  # the query workers of every app worker are forked from one process
        from server import zygote

        zygote.start()
    if args.workers > 1:
        from graph.cli.remote import serve_workers

        return serve_workers(config, args.host, args.port, args.workers, args.threads)
    app = create_app(config)
    print(f"OccuGraph serving on http://{args.host}:{args.port}/ (SPARQL at /sparql)", file=sys.stderr)
    serve(app, host=args.host, port=args.port, threads=args.threads, ident="occugraph")
    return 0


FORMAT_ACCEPT = {
    "table": "application/sparql-results+json, text/turtle",
    "json": "application/sparql-results+json, application/ld+json",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "xml": "application/sparql-results+xml, application/rdf+xml",
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
}


def cmd_query(args: argparse.Namespace) -> int:
    from server.sparql_protocol import ProtocolRequest, handle_query

    text = args.query
    if text == "-":
        text = sys.stdin.read()
    elif text.startswith("@"):
        try:
            text = Path(text[1:]).read_text(encoding="utf-8")
        except OSError as exc:
            return fail(f"cannot read {text[1:]}: {exc.strerror}")
    store = open_store(args.store, args.endpoint)
    resp = handle_query(ProtocolRequest("GET", args=[("query", text)], accept=FORMAT_ACCEPT[args.format]), store)
    if resp.status != 200:
        try:
            message = json.loads(resp.body)["error"]
        except (ValueError, KeyError):
            message = resp.body.decode(errors="replace")
        return fail(message)
    if args.format == "table" and resp.headers["Content-Type"].startswith("application/sparql-results+json"):
        print(render_table(json.loads(resp.body)))
    else:
        sys.stdout.write(resp.body.decode("utf-8"))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="occugraph",
        description="OccuGraph: China's occupational classification and skill standards as a knowledge graph.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return fail("interrupted", 130)
    except StoreIncomplete as exc:
        # A store built by an older version (or a dump loaded into a remote endpoint) lacks what the
        # command reads (settings, the ontology's levels): say how to fix it, not a traceback.
        return fail(str(exc))


if __name__ == "__main__":
    raise SystemExit(main())

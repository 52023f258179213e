"""``occugraph load`` (push a built release into a SPARQL server) and serving with gunicorn workers.

Every command that reads the graph takes ``--endpoint URL`` (graph/cli/common.py). Passwords are
never command-line arguments: they come from ``OCCUGRAPH_ENDPOINT_PASSWORD`` or ``--password-file``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

from graph.cli.common import fail

PASSWORD_ENV = "OCCUGRAPH_ENDPOINT_PASSWORD"


def serve_workers(config: dict[str, Any], host: str, port: int, workers: int, threads: int) -> int:
    """Serve with gunicorn: ``workers`` processes, each building its own app (and store handle).

    The app is built in each worker after the fork, never before: a store handle (RocksDB files,
    the search index) must not be shared across a fork. Only what no store holds (the modules,
    jieba's dictionary: server/prefork.py) is loaded in the master, for the workers to share. The same as
    ``OCCUGRAPH_STORE=var/store gunicorn -w 4 --threads 8 -b 127.0.0.1:8000 'server:create_app()'``.
    """
    from gunicorn.app.base import BaseApplication

    from server import create_app

    class OccuGraphServer(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            settings = {
                "bind": f"{host}:{port}",
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread",
                "preload_app": False,
                "proc_name": "occugraph",
                "accesslog": None,
                "timeout": 120,
            }
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return create_app(config)

    # each worker's app counts its query workers out of the machine's, shared between the workers
    # (server.limits.default_query_workers); an explicit OCCUGRAPH_QUERY_WORKERS still wins
    os.environ["OCCUGRAPH_APP_WORKERS"] = str(workers)
    # what every worker needs and no store holds, loaded once here and shared after the fork
    # (server/prefork.py: modules, jieba's dictionary; never a store handle)
    from server import prefork

    prefork.load_shared()
    source = f"the SPARQL endpoint {config['ENDPOINT']}" if config.get("ENDPOINT") else "the embedded store"
    print(
        f"OccuGraph serving on http://{host}:{port}/ with {workers} gunicorn workers x {threads} threads from {source}",
        file=sys.stderr,
    )
    OccuGraphServer().run()
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "load",
        help="push a built release into a SPARQL server, replacing its graphs atomically",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Copy the graphs of a built store (default var/store: the ontology and data graphs), or one "
        "N-Triples file, into a SPARQL 1.1 server. Each graph is written to a temporary graph, "
        "counted, and then all are swapped in with one SPARQL Update request (MOVE), so readers "
        "see the old release or the new one, never a mix; a failure leaves the served graphs as "
        "they were.",
        epilog="Virtuoso (Debian package virtuoso-opensource), password in $OCCUGRAPH_ENDPOINT_PASSWORD:\n"
        "  occugraph load --endpoint http://127.0.0.1:8890/sparql --virtuoso --user dba\n"
        "  # bulk loader, on the database host; the folder must be in virtuoso.ini's DirsAllowed:\n"
        "  occugraph load --endpoint http://127.0.0.1:8890/sparql --virtuoso --user dba \\\n"
        "      --method bulk --isql 127.0.0.1:1111 --bulk-dir /srv/occugraph-bulk\n"
        "Any SPARQL 1.1 server:\n"
        "  occugraph load --endpoint URL --update-endpoint URL [--graph-store URL] [--user U]",
    )
    p.add_argument("--endpoint", metavar="URL", required=True, help="the server's SPARQL query endpoint")
    p.add_argument(
        "--update-endpoint",
        metavar="URL",
        help="SPARQL Update endpoint (default: --endpoint; Virtuoso: .../sparql-auth)",
    )
    p.add_argument(
        "--graph-store",
        metavar="URL",
        help="Graph Store Protocol endpoint (Virtuoso: .../sparql-graph-crud-auth); without it the "
        "data goes as SPARQL Update INSERT DATA",
    )
    p.add_argument(
        "--virtuoso",
        action="store_true",
        help="derive Virtuoso's authenticated update and graph store endpoints from --endpoint",
    )
    p.add_argument("--user", help="user for HTTP basic/digest authentication (and isql)")
    p.add_argument("--password-file", type=Path, help=f"file holding the password (default: ${PASSWORD_ENV})")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--store", type=Path, help="built store to push, every named graph (default var/store)")
    src.add_argument("--file", type=Path, help="an N-Triples file to push into --graph (e.g. dist/occugraph.nt)")
    p.add_argument("--graph", metavar="IRI", help="with --file: the named graph to replace")
    p.add_argument(
        "--method",
        choices=["auto", "gsp", "update", "bulk"],
        default="auto",
        help="how data is sent: Graph Store Protocol, SPARQL Update, or Virtuoso's bulk loader "
        "(auto: bulk with --isql, else gsp with a graph store endpoint, else update)",
    )
    p.add_argument("--isql", metavar="HOST:PORT", help="Virtuoso SQL port for the bulk loader (runs isql-vt)")
    p.add_argument(
        "--bulk-dir", type=Path, help="folder the Virtuoso server reads bulk files from (in its DirsAllowed)"
    )
    p.add_argument(
        "--not-atomic",
        action="store_true",
        help="drop each graph and load straight into it, without the swap transaction (for releases "
        "too large for one transaction on the server; readers see the graph empty, then filling)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=cmd_load)


def _password(args: argparse.Namespace) -> str | None:
    if args.password_file:
        return args.password_file.read_text(encoding="utf-8").strip()
    return os.environ.get(PASSWORD_ENV)


def cmd_load(args: argparse.Namespace) -> int:
    from graph.store.embedded import default_store_path
    from graph.store.remote import (
        GraphSource,
        LoadError,
        RemoteStore,
        StoreUnavailable,
        VirtuosoBulkLoader,
        WriteEndpoint,
        load_release,
        sources_from_store,
    )

    say = (lambda _m: None) if args.quiet else (lambda m: print(m, file=sys.stderr))
    update_url, graph_store = args.update_endpoint, args.graph_store
    if args.virtuoso:
        base = args.endpoint.rstrip("/")
        base = base[: -len("/sparql")] if base.endswith("/sparql") else base
        update_url = update_url or base + "/sparql-auth"
        graph_store = graph_store or base + "/sparql-graph-crud-auth"
    try:
        password = _password(args)
    except OSError as exc:
        return fail(f"cannot read {args.password_file}: {exc.strerror}")
    if args.user and password is None:
        return fail(f"--user needs a password: set ${PASSWORD_ENV} or give --password-file")

    if args.file:
        if not args.graph:
            return fail("--file needs --graph IRI: the named graph to replace", 2)
        if not args.file.is_file():
            return fail(f"no file at {args.file}")
        sources = [GraphSource(args.graph, path=args.file)]
    else:
        if args.graph:
            return fail("--graph goes with --file; a store's graphs keep their own names", 2)
        store_path = args.store or default_store_path()
        if not Path(store_path).exists():
            return fail(f"no store at {store_path}; run `occugraph build` first")
        sources = sources_from_store(Path(store_path))

    bulk = None
    if args.method == "bulk" or (args.method == "auto" and args.isql):
        if not (args.isql and args.bulk_dir and args.user):
            return fail("the bulk loader needs --isql HOST:PORT, --bulk-dir and --user", 2)
        bulk = VirtuosoBulkLoader(args.isql, args.user, password or "", args.bulk_dir)

    read = RemoteStore(args.endpoint)
    write = WriteEndpoint(update_url or args.endpoint, graph_store, args.user, password)
    started = time.perf_counter()
    say(f"occugraph load -> {args.endpoint}")
    try:
        counts = load_release(
            read, write, sources, method=args.method, bulk=bulk, progress=say, atomic=not args.not_atomic
        )
    except (LoadError, StoreUnavailable) as exc:
        return fail(f"load failed: {exc}; the served graphs were left as they were")
    total = sum(counts.values())
    print(
        f"loaded {total} triples into {len(counts)} graph(s) at {args.endpoint} "
        f"in {time.perf_counter() - started:.1f}s: " + ", ".join(f"<{g}> {n}" for g, n in sorted(counts.items()))
    )
    return 0

"""The API against its own OpenAPI document: a long schemathesis run with every check (issue 20).

Builds the graph into a temporary folder (or uses ``--store``), serves the app in this process
(werkzeug, threaded) behind a middleware that counts requests and 5xx answers, and runs
``schemathesis run --checks all --mode all`` against ``/api/openapi.json`` (positive and
negative data; examples, coverage, fuzzing and stateful phases) with the settings of
bench/schemathesis.toml. Rate limits and the per-client query budget are off (one client sends
everything); the query time limit stays on; no editor token is configured (approving would edit
the sources).

    .venv/bin/python bench/api_fuzz.py --store var/store --max-examples 40

prints schemathesis' report, then the number of requests the server answered, how many were 5xx,
schemathesis' exit code and the time. Other arguments go to schemathesis (``--include-path
/api/classify`` runs one operation). The figures go to docs/benchmarks.md ("API fuzzing").
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


class Counting:
    """WSGI middleware: counts requests by status class."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.statuses: Counter[str] = Counter()
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        def counting_start(status: str, headers: Any, exc_info: Any = None) -> Any:
            with self.lock:
                self.statuses[status[:1] + "xx"] += 1
            return start_response(status, headers, exc_info)

        return self.app(environ, counting_start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, help="a built store (default: build one into a temporary folder)")
    parser.add_argument("--max-examples", type=int, default=60, help="examples per operation and phase")
    parser.add_argument("--seed", type=int, default=20)
    args, extra = parser.parse_known_args()  # anything else goes to schemathesis, e.g. --include-path /api/classify

    from werkzeug.serving import make_server

    from graph.store.embedded import EmbeddedStore
    from server import create_app

    scratch = Path(tempfile.mkdtemp(prefix="occugraph-fuzz-"))
    try:
        store_path = args.store
        dist = None
        if store_path is None:
            from graph.build.pipeline import build

            built = build(root=ROOT, var_dir=scratch / "var", dist=scratch / "dist", quiet=True)
            store_path, dist = built.store_path, built.dist
        app = create_app(
            {
                "STORE": EmbeddedStore(Path(store_path)),
                "DIST_DIR": str(dist or ROOT / "dist"),
                "RATE_LIMIT_PER_MINUTE": 0,
                "SPARQL_RATE_LIMIT_PER_MINUTE": 0,
                "SPARQL_CLIENT_SECONDS_PER_MINUTE": 0,
                "SPARQL_CLIENT_CONCURRENCY": 4,
                "QUERY_TIMEOUT": 2.0,
                "PROPOSALS_DIR": str(scratch / "proposals"),
                "RELEASES_DIR": str(scratch / "releases"),
                "CURRICULA_DIR": str(scratch / "curricula"),
                "DOWNLOAD_CACHE_DIR": str(scratch / "cache"),
                "EDITOR_TOKENS": "",
            }
        )
        counting = Counting(app)
        server = make_server("127.0.0.1", 0, counting, threaded=True)
        port = server.server_port
        threading.Thread(target=server.serve_forever, daemon=True).start()
        cmd = [
            str(Path(sys.executable).with_name("schemathesis")),
            "run",
            f"http://127.0.0.1:{port}/api/openapi.json",
            "--checks",
            "all",
            "--mode",
            "all",
            "--max-examples",
            str(args.max_examples),
            "--seed",
            str(args.seed),
            "--request-timeout",
            "30",
            "--no-color",
            *extra,
        ]
        # the settings (which operations also expect 400 for schema-valid data, and why) and the
        # serializers for text bodies: bench/schemathesis.toml, bench/schemathesis_hooks.py
        cmd[1:1] = ["--config-file", str(ROOT / "bench" / "schemathesis.toml")]
        print("$", " ".join(cmd), flush=True)
        started = time.monotonic()
        proc = subprocess.run(cmd, check=False, cwd=ROOT)
        seconds = time.monotonic() - started
        server.shutdown()
        total = sum(counting.statuses.values())
        print(f"requests answered: {total}; by status class: {dict(sorted(counting.statuses.items()))}")
        print(f"5xx: {counting.statuses.get('5xx', 0)}; schemathesis exit code: {proc.returncode}; {seconds:.0f} s")
        return proc.returncode
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())

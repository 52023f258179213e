"""Lookups while one client runs heavy SPARQL queries: fair sharing on and off (issue 20, item 2).

Serves the app in this process (werkzeug, threaded, two query workers, a 3 s time limit) and
runs, for ``--seconds``: one heavy client with three threads sending a query that always runs
into the time limit, and one light client sending an occupation lookup every 0.2 s. Clients are
told apart by ``X-Forwarded-For`` (``PROXY_HOPS=1``). Once with the fairness rules as shipped,
once with them off (the behaviour before issue 20: first come, first served). Prints the
lookups' latency (median, 95th percentile, worst) and answers, and the heavy client's answers.

    .venv/bin/python bench/load_fairness.py --store var/store --seconds 30
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
LOOKUP = (
    'SELECT ?name WHERE { ?o <http://www.w3.org/2004/02/skos/core#notation> "2-02-38-01" ; '
    "<http://www.w3.org/2004/02/skos/core#prefLabel> ?name }"
)


def ask(port: int, query: str, client: str) -> tuple[int, float]:
    url = f"http://127.0.0.1:{port}/sparql?" + urllib.parse.urlencode({"query": query})
    req = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json", "X-Forwarded-For": client})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            resp.read()
            status = resp.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    return status, time.monotonic() - started


def run(store: Path, fair: bool, seconds: float) -> dict[str, object]:
    from werkzeug.serving import make_server

    from graph.store.embedded import EmbeddedStore
    from server import create_app

    rules = (
        {}
        if fair
        else {
            "SPARQL_CLIENT_CONCURRENCY": 2,
            "SPARQL_RESERVED_WORKERS": 0,
            "SPARQL_CLIENT_SECONDS_PER_MINUTE": 0,
            "SPARQL_HEAVY_SECONDS": 1e9,
        }
    )
    app = create_app(
        {
            "STORE": EmbeddedStore(store),
            "QUERY_WORKERS": 2,
            "QUERY_TIMEOUT": 3.0,
            "QUERY_QUEUE_TIMEOUT": 10.0,
            "PROXY_HOPS": 1,
            "RATE_LIMIT_PER_MINUTE": 0,
            "SPARQL_RATE_LIMIT_PER_MINUTE": 0,
            **rules,
        }
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    port = server.server_port
    threading.Thread(target=server.serve_forever, daemon=True).start()
    ask(port, LOOKUP, "10.0.0.2")  # workers started
    stop = threading.Event()
    heavy: Counter[int] = Counter()

    def heavy_client() -> None:
        while not stop.is_set():
            status, _ = ask(port, HEAVY, "10.0.0.1")
            heavy[status] += 1
            if status == 429:
                time.sleep(0.1)

    threads = [threading.Thread(target=heavy_client) for _ in range(3)]
    for t in threads:
        t.start()
    time.sleep(1.0)
    latencies: list[float] = []
    light: Counter[int] = Counter()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        status, seconds_taken = ask(port, LOOKUP, "10.0.0.2")
        light[status] += 1
        latencies.append(seconds_taken)
        time.sleep(0.2)
    stop.set()
    for t in threads:
        t.join(60)
    server.shutdown()
    app.extensions["occugraph-pool"].close()
    latencies.sort()
    return {
        "fair": fair,
        "lookups": len(latencies),
        "median": statistics.median(latencies),
        "p95": latencies[int(0.95 * (len(latencies) - 1))],
        "max": latencies[-1],
        "light": dict(light),
        "heavy": dict(heavy),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=ROOT / "var" / "store")
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    logging.getLogger("server.query_worker").setLevel(logging.ERROR)
    print("| fairness | lookups | median s | p95 s | worst s | lookup answers | heavy client's answers |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for fair in (False, True):
        r = run(args.store, fair, args.seconds)
        print(
            f"| {'on' if fair else 'off (before)'} | {r['lookups']} | {r['median']:.2f} | {r['p95']:.2f} | "
            f"{r['max']:.2f} | {r['light']} | {r['heavy']} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

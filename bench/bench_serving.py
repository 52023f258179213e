"""Serving side by side (issue 17): OccuGraph now and before, a bare Flask route and a minimal
Flask + pyoxigraph endpoint, in one run, so the ratios are read from the same machine state.

Servers, started one at a time on 127.0.0.1 under waitress with 8 threads and the per-client rate
limits lifted (a load test from one address is what they refuse):

- ``hello``: a bare Flask route answering a small JSON object (the ceiling of any route);
- ``minimal``: a 30-line Flask + pyoxigraph /sparql endpoint on this checkout's store (the query in
  the request thread, pyoxigraph's JSON serialiser; no time limit, no checks);
- ``now``: ``occugraph serve`` of this checkout on its built var/store (shipped settings: query
  workers, time limit, row cap);
- ``before`` (``--before DIR``): ``occugraph serve`` of another checkout (a worktree of an older
  commit, e.g. ``git worktree add --detach /tmp/before <commit>`` and a build there) on its own
  store, run with that checkout first on PYTHONPATH.

For every (scenario, server): the **latency** of ``--n`` requests one after another over one
keep-alive connection (after 5 warm-ups; median and p95, ms), the **throughput** of ``wrk -t2 -c8``
for ``--seconds`` s (Debian's wrk; a threaded Python client without it), and the server's **CPU
milliseconds per request** during that load (its process tree's user+system time, psutil): the
number least moved by the other jobs on a shared machine. Each table row prints the load average
at its start, and the run prints this process's CPU time, so a reader can judge the noise.

    .venv/bin/python bench/bench_serving.py --before /tmp/before [--seconds 10] [--n 200]
"""

from __future__ import annotations

import argparse
import http.client
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import loadinfo  # noqa: E402
from load_test import free_port, fresh_suffix, run_python, run_wrk  # noqa: E402

P = "PREFIX og: <https://w3id.org/occugraph/ontology/> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
SMALL = P + (
    'SELECT ?name ?definition WHERE { ?o skos:notation "2-02-38-01" ; skos:prefLabel ?name . '
    "OPTIONAL { ?o skos:definition ?definition } }"
)
LARGE = P + "SELECT ?e ?code ?name WHERE { ?e skos:notation ?code ; skos:prefLabel ?name }"
AGG = P + (
    "SELECT ?major (COUNT(DISTINCT ?o) AS ?n) WHERE { ?m a og:MajorGroup ; skos:notation ?major . "
    "?o a og:Occupation ; %s ?m } GROUP BY ?major ORDER BY ?major"
)
JSON = "application/sparql-results+json"


def sparql(q: str) -> str:
    return "/sparql?query=" + urllib.parse.quote(q)


@dataclass
class Scenario:
    name: str
    servers: tuple[str, ...]
    path: str
    accept: str = "application/json"
    # a suffix (URL-encoded) that, with a counter, makes every request's URL new: a SPARQL comment
    # "# new-<n>" on its own line, so that no cache of the server (parsed queries, kept answers) has
    # seen the text before, as for a query someone has just written
    fresh: str | None = None


FRESH_COMMENT = urllib.parse.quote("\n# new-")


SCENARIOS = [
    Scenario("bare Flask route (ceiling)", ("hello",), "/hello"),
    Scenario("/sparql small: code lookup (1 row)", ("minimal", "before", "now", "now-uncached"), sparql(SMALL), JSON),
    Scenario(
        "/sparql small, a new text each request",
        ("minimal", "before", "now"),
        sparql(SMALL),
        JSON,
        fresh=FRESH_COMMENT,
    ),
    Scenario("/sparql large: every code and label", ("minimal", "before", "now", "now-uncached"), sparql(LARGE), JSON),
    Scenario(
        "/sparql aggregate per major group, skos:broader+",
        ("minimal", "before", "now"),
        sparql(AGG % "skos:broader+"),
        JSON,
    ),
    Scenario(
        "/sparql aggregate per major group, skos:broaderTransitive",
        ("minimal", "now"),
        sparql(AGG % "skos:broaderTransitive"),
        JSON,
    ),
    Scenario("GET /api/occupations/2-02-38-01", ("before", "now"), "/api/occupations/2-02-38-01"),
    Scenario("GET /id/occupation/2-02-38-01 (Turtle)", ("before", "now"), "/id/occupation/2-02-38-01", "text/turtle"),
    Scenario(
        "GET /id/occupation/2-02-38-01 (JSON-LD)", ("before", "now"), "/id/occupation/2-02-38-01", "application/ld+json"
    ),
    Scenario("GET /occupation/2-02-38-01 (page)", ("before", "now"), "/occupation/2-02-38-01", "text/html"),
    Scenario(
        "GET /api/occupations?q=电子商务", ("before", "now"), "/api/occupations?q=" + urllib.parse.quote("电子商务")
    ),
]

MINIMAL_APP = """
import sys
import pyoxigraph as ox
from flask import Flask, Response, request
from waitress import serve

app = Flask("minimal")
store = ox.Store.read_only(sys.argv[1])


@app.route("/sparql")
def sparql():
    result = store.query(request.args["query"], use_default_graph_as_union=True)
    if isinstance(result, ox.QueryTriples):
        return Response(result.serialize(format=ox.RdfFormat.N_TRIPLES), mimetype="application/n-triples")
    return Response(result.serialize(format=ox.QueryResultsFormat.JSON), mimetype="application/sparql-results+json")


@app.route("/hello")
def hello():
    return {"hello": "world"}


serve(app, host="127.0.0.1", port=int(sys.argv[2]), threads=8, _quiet=True)
"""


def machine() -> str:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    la = os.getloadavg()
    return f"load average {la[0]:.1f} {la[1]:.1f} {la[2]:.1f}; this process's CPU {ru.ru_utime + ru.ru_stime:.1f} s"


# The load comes from one address, which the per-client limits exist to refuse (rate limits: 429;
# issue 20's fairness: at most half the query workers and 30 query-seconds a minute per client,
# one worker kept for others). Lifted, so that what is measured is the cost of answering; the
# settings are otherwise those shipped (workers, time limit, row cap).
ONE_CLIENT_LOAD = {
    "OCCUGRAPH_RATE_LIMIT_PER_MINUTE": "0",
    "OCCUGRAPH_SPARQL_RATE_LIMIT_PER_MINUTE": "0",
    "OCCUGRAPH_SPARQL_CLIENT_CONCURRENCY": "64",
    "OCCUGRAPH_SPARQL_CLIENT_SECONDS_PER_MINUTE": "0",
    "OCCUGRAPH_SPARQL_RESERVED_WORKERS": "0",
}


def start(kind: str, port: int, before: Path | None) -> subprocess.Popen[bytes]:
    env = {**os.environ, **ONE_CLIENT_LOAD}
    cwd = ROOT
    if kind in ("hello", "minimal"):
        script = Path(os.environ.get("TMPDIR", "/tmp")) / f"occugraph-minimal-{os.getpid()}.py"
        script.write_text(MINIMAL_APP, encoding="utf-8")
        cmd = [sys.executable, str(script), str((ROOT / "var" / "store").resolve()), str(port)]
    else:
        tree = before if kind == "before" else ROOT
        assert tree is not None
        cwd = tree
        if kind == "now-uncached":  # every query reaches a worker: a query nobody asked before
            env["OCCUGRAPH_SPARQL_ANSWER_CACHE_BYTES"] = "0"
        env["PYTHONPATH"] = str(tree)
        env["OCCUGRAPH_STORE"] = str(tree / "var" / "store")
        cmd = [sys.executable, "-m", "graph.cli.main", "serve", "--host", "127.0.0.1", "--port", str(port)]
        cmd += ["--threads", "8"]
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/hello" if kind in ("hello", "minimal") else "/api/occupations/2-02-38-01")
            conn.getresponse().read()
            return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit(f"the {kind} server did not start on port {port}")


def cpu_seconds(pid: int) -> float:
    import psutil

    try:
        p = psutil.Process(pid)
        total = 0.0
        for q in [p, *p.children(recursive=True)]:
            t = q.cpu_times()
            total += t.user + t.system
        return total
    except psutil.Error:
        return 0.0


def latency(port: int, path: str, accept: str, n: int, fresh: str | None = None) -> tuple[float, float, int, int]:
    """(p50 ms, p95 ms, status, bytes) of n sequential requests after 5 warm-ups (``fresh``: each
    with a new suffix, numbered apart from the load run's)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    times = []
    status = size = 0
    for i in range(n + 5):
        t0 = time.perf_counter()
        target = path if fresh is None else path + fresh_suffix(fresh, 999, i)
        conn.request("GET", target, headers={"Accept": accept})
        resp = conn.getresponse()
        body = resp.read()
        if i >= 5:
            times.append((time.perf_counter() - t0) * 1000)
        status, size = resp.status, len(body)
    q = statistics.quantiles(times, n=20)
    return statistics.median(times), q[18], status, size


MIX = [
    "/api/occupations/2-02-38-01",
    "/api/occupations?q=" + urllib.parse.quote("电子商务"),
    "/api/classify?title=" + urllib.parse.quote("资深Java开发工程师"),
    sparql(SMALL),
    "/id/occupation/4-04-05-05?format=ttl",
    "/occupation/2-02-38-01",
    # every parameter given, so the answer does not depend on the day it runs
    "/api/pathways?from=6-31-01-03&from_level=4&level_since=2021-05-01&years_worked=6&to=6-31-01-04&to_level=2"
    "&as_of=2026-01-01",
    "/api/hierarchy/2-02-38-00",
]


def memory(total: int, workers: int) -> int:
    """RSS of ``occugraph serve --workers N`` per process after ``total`` mixed requests."""
    import psutil

    port = free_port()
    env = {**os.environ, **ONE_CLIENT_LOAD}
    cmd = [sys.executable, "-m", "graph.cli.main", "serve", "--host", "127.0.0.1", "--port", str(port)]
    cmd += ["--workers", str(workers)]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                c.request("GET", "/api/occupations/2-02-38-01")
                c.getresponse().read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("the server did not start") from None
                time.sleep(0.3)
        statuses: dict[int, int] = {}
        conns = [http.client.HTTPConnection("127.0.0.1", port, timeout=600) for _ in range(4)]
        for i in range(total):
            c = conns[i % len(conns)]
            # every connection asks every kind in turn (i // 4 shifts the kind on each round): with
            # MIX[i % 8] connection 0 asked only kinds 0 and 4, so which app worker loaded the search
            # index or the classifier depended on which worker accepted which connection
            kind = MIX[(i + i // len(conns)) % len(MIX)]
            try:
                c.request("GET", kind, headers={"Accept": "application/json"})
                r = c.getresponse()
                r.read()
                status = r.status
            except OSError:  # counted, and the connection opened again
                status = 0
                c.close()
                conns[i % len(conns)] = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
            statuses[status] = statuses.get(status, 0) + 1
        tree = [psutil.Process(proc.pid), *psutil.Process(proc.pid).children(recursive=True)]
        print(f"\n## Memory after {total:,} mixed requests ({len(MIX)} kinds in turn), serve --workers {workers}\n")
        # RSS counts a page shared by several processes (the Python runtime's and the libraries'
        # code, mapped from the same files) once in each; PSS divides it between them, so the PSS
        # of all processes adds up to what the server really holds; USS is what each holds alone
        print("| process | RSS MiB | PSS MiB | USS MiB |\n|---|---:|---:|---:|")
        totals = [0.0, 0.0, 0.0]
        for p in tree:
            full = p.memory_full_info()
            sizes = [full.rss / 2**20, getattr(full, "pss", 0) / 2**20, full.uss / 2**20]
            totals = [t + s for t, s in zip(totals, sizes, strict=True)]
            role = " ".join(p.cmdline()[1:4]) if p.pid != proc.pid else "master (occugraph serve)"
            if "query_worker zygote" in role:  # the zygote, or a query worker it forked (server/zygote.py)
                forked = p.ppid() != proc.pid
                role = "query worker, forked by the zygote" if forked else "zygote (server/zygote.py)"
            print(f"| {p.pid} {role[:70]} | " + " | ".join(f"{s:.0f}" for s in sizes) + " |")
        print("| **total** | " + " | ".join(f"**{t:.0f}**" for t in totals) + " |")
        print(f"\nstatuses: {statuses}")
        for c in conns:  # an open keep-alive connection holds a worker's graceful shutdown
            c.close()
    finally:
        # the whole tree: a master killed after the wait left its app workers running (seen here)
        try:
            left = psutil.Process(proc.pid).children(recursive=True)
        except psutil.Error:
            left = []
        proc.terminate()
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            proc.kill()
        for child in left:
            try:
                child.kill()
            except psutil.Error:
                pass
    return 0


def breakdown(n: int) -> int:
    """Where a small /sparql query's time goes, in this process (no HTTP server, no load client):
    medians of ``n`` calls, wall and this process's CPU, of pyoxigraph alone, the minimal endpoint's
    Flask app, OccuGraph's app without and with query workers, and the hop to a worker alone."""
    import pyoxigraph as ox
    from werkzeug.test import EnvironBuilder

    from graph.store.embedded import EmbeddedStore
    from server import create_app

    store_path = str((ROOT / "var" / "store").resolve())
    environ = EnvironBuilder(path="/sparql", query_string={"query": SMALL}, headers={"Accept": JSON}).get_environ()

    def wsgi(app) -> Callable[[], None]:  # type: ignore[no-untyped-def]
        def call() -> None:
            body = app(dict(environ), lambda *_: None)
            b"".join(body)
            getattr(body, "close", lambda: None)()

        return call

    def fresh(app) -> Callable[[], None]:  # type: ignore[no-untyped-def]
        """Each call sends a text no cache has seen (the query plus a numbered comment line),
        its request environment made beforehand so that making it is not timed."""
        pending = iter(
            [
                EnvironBuilder(
                    path="/sparql", query_string={"query": f"{SMALL}\n# new-{i}"}, headers={"Accept": JSON}
                ).get_environ()
                for i in range(n + 100)  # median() makes 50 warm-up calls and n timed ones
            ]
        )

        def call() -> None:
            body = app(next(pending), lambda *_: None)
            b"".join(body)
            getattr(body, "close", lambda: None)()

        return call

    def median(f: Callable[[], object]) -> str:
        for _ in range(50):
            f()
        times = []
        cpu0 = time.process_time()
        for _ in range(n):
            t0 = time.perf_counter()
            f()
            times.append(time.perf_counter() - t0)
        cpu = (time.process_time() - cpu0) / n * 1000
        return f"{statistics.median(times) * 1000:.3f} | {cpu:.3f}"

    minimal: dict[str, Any] = {}
    exec(MINIMAL_APP.split("serve(app")[0].replace("sys.argv[1]", repr(store_path)), minimal)  # noqa: S102 - our own text
    store = ox.Store.read_only(store_path)
    config = {
        "STORE": EmbeddedStore(store_path),
        **{k[len("OCCUGRAPH_") :]: int(v) for k, v in ONE_CLIENT_LOAD.items()},
    }
    inline = create_app({**config, "QUERY_WORKERS": 0})
    pooled = create_app({**config, "QUERY_WORKERS": 2})
    uncached = create_app({**config, "QUERY_WORKERS": 2, "SPARQL_ANSWER_CACHE_BYTES": 0})
    wsgi(pooled)()  # the pool starts with the first query
    wsgi(uncached)()
    pool = uncached.extensions["occugraph-pool"]
    rows = [
        (
            "pyoxigraph: query + its JSON serialiser",
            lambda: store.query(SMALL, use_default_graph_as_union=True).serialize(format=ox.QueryResultsFormat.JSON),
        ),
        ("the minimal endpoint's Flask app", wsgi(minimal["app"])),
        ("OccuGraph's app, QUERY_WORKERS=0 (no time limit, no sandbox)", wsgi(inline)),
        ("OccuGraph's app, 2 query workers (as shipped): the query asked before", wsgi(pooled)),
        ("OccuGraph's app, 2 query workers, no answer cache: a query not asked before", wsgi(uncached)),
        ("OccuGraph's app, 2 query workers: a new text each call (nothing parsed or kept before)", fresh(pooled)),
        (
            "the hop alone: WorkerPool.answer, no answer cache",
            lambda: pool.answer(SMALL, None, None, None, (JSON, None), 10_000, 5.0, 5.0),
        ),
    ]
    print(f"# A small /sparql query in one process, medians of {n} ({machine()})\n")
    print("| what | p50 ms | CPU ms of this process per call |\n|---|---:|---:|")
    import psutil

    workers = [psutil.Process(w.process.pid) for w in pool._all]

    def workers_cpu() -> float:
        return sum(t.user + t.system for t in (w.cpu_times() for w in workers))

    for name, f in rows:
        before = workers_cpu()
        print(f"| {name} | {median(f)} |", flush=True)
        if name.startswith("the hop alone"):
            hop_workers = (workers_cpu() - before) / (n + 50) * 1000
    print(f"\nThe query workers' own CPU in the hop-alone row: {hop_workers:.3f} ms per query.")
    pool.close()
    pooled.extensions["occugraph-pool"].close()
    print(f"\n({machine()}; the query workers' own CPU is not in the CPU column)")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--before", type=Path, help="an older checkout with its own built var/store")
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--n", type=int, default=200, help="sequential requests for the latency")
    ap.add_argument("--only", default="", help="comma-separated substrings of scenario names")
    ap.add_argument("--memory", type=int, default=0, help="only: RSS per process after this many mixed requests")
    ap.add_argument("--workers", type=int, default=2, help="server processes for --memory")
    ap.add_argument("--breakdown", action="store_true", help="only: where a small query's time goes, in-process")
    args = ap.parse_args(argv)
    if args.breakdown:
        loadinfo.start("bench_serving --breakdown")
        return breakdown(max(args.n, 1000))
    if args.memory:
        loadinfo.start("bench_serving --memory")
        return memory(args.memory, args.workers)
    loadinfo.start("bench_serving")
    kinds = ["hello", "minimal", "now", "now-uncached"] + (["before"] if args.before else [])
    have_wrk = shutil.which("wrk") is not None
    print(f"# Serving side by side ({machine()}; load by {'wrk' if have_wrk else 'a Python client'})\n")
    rows: list[str] = []
    for kind in kinds:
        port = free_port()
        proc = start(kind, port, args.before)
        try:
            for sc in SCENARIOS:
                if kind not in sc.servers or (args.only and not any(o in sc.name for o in args.only.split(","))):
                    continue
                n = args.n if "aggregate" not in sc.name and "large" not in sc.name else max(20, args.n // 10)
                la = os.getloadavg()[0]
                p50, p95, status, size = latency(port, sc.path, sc.accept, n, sc.fresh)
                cpu0 = cpu_seconds(proc.pid)
                url = f"http://127.0.0.1:{port}{sc.path}"
                load = run_wrk if have_wrk else run_python
                res = load(url, sc.accept, args.seconds, 8, sc.fresh)
                cpu = cpu_seconds(proc.pid) - cpu0
                per_req = cpu / res["requests"] * 1000 if res["requests"] else float("nan")
                rows.append(
                    f"| {sc.name} | {kind} | {p50:.2f} | {p95:.2f} | {res['rps']:.0f} | {per_req:.2f} | "
                    f"{res['errors']:.0f} | {status} / {size:,} B | {la:.1f} |"
                )
                print(rows[-1], flush=True)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
    print()
    print("| scenario | server | p50 ms | p95 ms | req/s (8 conn.) | server CPU ms/request ", end="")
    print("| errors | status / size | load |")
    print("|---|---|---:|---:|---:|---:|---:|---|---:|")
    for r in sorted(rows, key=lambda r: [s.name for s in SCENARIOS].index(r.split(" | ")[0][2:])):
        print(r)
    print(f"\n({machine()})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

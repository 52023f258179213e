"""Foundation benchmark (issue 2): build time, and end-to-end latency of 5 representative requests
on the embedded pyoxigraph store versus the same data in an rdflib in-memory Dataset.

Not part of the test suite. Run from the checkout:

    .venv/bin/python bench/bench_foundation.py            # full run, prints a markdown table
    .venv/bin/python bench/bench_foundation.py --reps 20 --build-reps 1   # quicker

What it does, in one run:
1. Copies ontology/ and standards/ to a temporary root (so edits made meanwhile do not change
   the input) and runs the full build (``graph.build.pipeline.build``) ``--build-reps`` times into
   temporary folders, timing each run and each of its steps.
2. Serves the store of the last build over real HTTP on loopback, three ways, one server
   process each:
   - ``oxigraph (served)``: ``occugraph serve`` itself, default settings (SPARQL queries run
     in the killable worker processes of server/query_worker.py);
   - ``oxigraph (in-thread)``: the same app with ``QUERY_WORKERS=0``, SPARQL in the request
     thread: the store's own cost, comparable with rdflib;
   - ``rdflib``: the same app on bench/rdflib_backend.py (rdflib ``Dataset`` with the same
     named graphs and union default graph), SPARQL in the request thread.
   Rate limits are off in all three (they would throttle a benchmark).
3. Sends each request ``--reps`` times over one keep-alive connection (after warm-up requests
   that are reported separately), and reports median and 95th percentile, plus a check that
   every backend gave the same answer.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import io
import json
import math
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
import loadinfo  # noqa: E402

sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

PREFIXES = """PREFIX og: <https://w3id.org/occugraph/ontology/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX occ: <https://w3id.org/occugraph/id/occupation/>
"""
LOOKUP_SPARQL = (
    PREFIXES
    + """SELECT ?name ?definition ?alias WHERE {
  occ:2-02-38-01 skos:prefLabel ?name .
  OPTIONAL { occ:2-02-38-01 skos:definition ?definition }
  OPTIONAL { occ:2-02-38-01 skos:altLabel|skos:hiddenLabel ?alias }
}"""
)
AGGREGATE_SPARQL = (
    PREFIXES
    + """SELECT ?major ?name (COUNT(DISTINCT ?o) AS ?occupations) WHERE {
  ?o a og:Occupation ; skos:broader+ ?g .
  ?g a og:MajorGroup ; skos:notation ?major ; skos:prefLabel ?name .
} GROUP BY ?major ?name ORDER BY ?major"""
)
CONSTRUCT_SPARQL = (
    PREFIXES
    + """CONSTRUCT { occ:2-02-38-01 ?p ?o . ?t ?tp ?to } WHERE {
  { occ:2-02-38-01 ?p ?o } UNION { occ:2-02-38-01 og:hasMainTask ?t . ?t ?tp ?to }
}"""
)
JSON_RESULTS = "application/sparql-results+json"


@dataclass
class Req:
    label: str
    path: str
    accept: str = "application/json"
    kind: str = "json"  # how answers are compared: json, sparql-json, rdf, none
    expect: int = 200


def sparql_path(query: str) -> str:
    return "/sparql?" + urlencode({"query": query})


REQUESTS = [
    Req("lookup via /api: GET /api/occupations/2-02-38-01", "/api/occupations/2-02-38-01"),
    Req(
        "lookup via /sparql: SELECT labels + definition of 2-02-38-01",
        sparql_path(LOOKUP_SPARQL),
        JSON_RESULTS,
        "sparql-json",
    ),
    Req("search: GET /api/occupations?q=电子商务", "/api/occupations?" + urlencode({"q": "电子商务"})),
    Req(
        "aggregate /sparql: occupations per major group (broader+, COUNT)",
        sparql_path(AGGREGATE_SPARQL),
        JSON_RESULTS,
        "sparql-json",
    ),
    Req("CONSTRUCT /sparql: 2-02-38-01 and its tasks, as Turtle", sparql_path(CONSTRUCT_SPARQL), "text/turtle", "rdf"),
]
# the floor: routing, the JSON error handler and HTTP, with no store access
BASELINE = Req("floor: GET /api/no-such-path (404, no store access)", "/api/no-such-path", kind="none", expect=404)

NO_RATE_LIMITS = {"OCCUGRAPH_RATE_LIMIT_PER_MINUTE": "0", "OCCUGRAPH_SPARQL_RATE_LIMIT_PER_MINUTE": "0"}


# ----------------------------------------------------------------------------- build


STEP_LINE = re.compile(r"^\s+(?P<name>.+?) \.\.\..*\((?P<secs>[0-9.]+)s\)$")


def bench_build(reps: int) -> tuple[list[float], list[float], dict[str, list[float]], Path, int]:
    """Wall and CPU time per build, step times, and the store of the last run (its folder is kept).

    CPU time (this process's, all threads) is less disturbed than wall time when other work
    shares the machine's cores."""
    from graph.build.pipeline import build

    src = Path(tempfile.mkdtemp(prefix="occugraph-bench-src-"))
    shutil.copytree(ROOT / "ontology", src / "ontology")
    shutil.copytree(ROOT / "standards", src / "standards")
    totals: list[float] = []
    cpu: list[float] = []
    steps: dict[str, list[float]] = {}
    out = None
    triples = 0
    for i in range(reps):
        out = Path(tempfile.mkdtemp(prefix=f"occugraph-bench-build{i}-"))
        progress = io.StringIO()
        started, cpu_started = time.perf_counter(), time.process_time()
        with contextlib.redirect_stderr(progress):
            result = build(root=src, var_dir=out / "var", dist=out / "dist", quiet=False)
        totals.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
        triples = result.triples
        for line in progress.getvalue().splitlines():
            m = STEP_LINE.match(line)
            if m:
                name = (
                    re.sub(r"standards/\S+", "standards/*", m["name"])
                    if m["name"].startswith("reading standards")
                    else m["name"]
                )
                steps.setdefault(name, [0.0] * reps)[i] += float(m["secs"])
        print(f"  build {i + 1}/{reps}: {totals[-1]:.2f} s ({cpu[-1]:.2f} s CPU)", file=sys.stderr)
        if i < reps - 1:
            shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(src, ignore_errors=True)
    assert out is not None
    return totals, cpu, steps, out, triples


# ----------------------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_child(backend: str, store_path: str, port: int) -> None:
    """Run in a child process: serve the app on one backend with waitress (as `occugraph serve`)."""
    from waitress import serve

    from graph.store.embedded import EmbeddedStore
    from server import create_app

    started = time.perf_counter()
    store = EmbeddedStore(Path(store_path))
    config: dict[str, object] = {"STORE": store, "QUERY_WORKERS": 0}
    if backend == "rdflib":
        from rdflib_backend import RdflibStore

        config["STORE"] = RdflibStore.from_embedded(store)
    app = create_app(config)
    print(f"store ready in {time.perf_counter() - started:.2f} s", file=sys.stderr, flush=True)
    serve(app, host="127.0.0.1", port=port, threads=8, ident="occugraph-bench", _quiet=True)


@dataclass
class Server:
    name: str
    proc: subprocess.Popen[bytes]
    port: int
    ready_after: float = 0.0
    cold: dict[str, float] = field(default_factory=dict)


def start(name: str, store: Path) -> Server:
    port = free_port()
    env = {**os.environ, **NO_RATE_LIMITS}
    if name == "oxigraph (served)":
        cmd = [str(Path(sys.executable).with_name("occugraph")), "serve", "--store", str(store), "--port", str(port)]
    else:
        backend = "rdflib" if name == "rdflib" else "oxigraph"
        cmd = [sys.executable, __file__, "--serve", backend, "--store", str(store), "--port", str(port)]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = Server(name, proc, port)
    deadline = started + 180
    while time.perf_counter() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} server exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", BASELINE.path)
            conn.getresponse().read()
            conn.close()
            server.ready_after = time.perf_counter() - started
            return server
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"{name} server did not answer within 180 s")


def stop(server: Server) -> None:
    server.proc.terminate()
    try:
        server.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.proc.kill()
        server.proc.wait()


def fetch(conn: http.client.HTTPConnection, req: Req) -> tuple[float, int, bytes, str]:
    started = time.perf_counter()
    conn.request("GET", req.path, headers={"Accept": req.accept})
    resp = conn.getresponse()
    body = resp.read()
    took = time.perf_counter() - started
    return took, resp.status, body, resp.getheader("Content-Type", "")


def normalise(req: Req, body: bytes) -> object:
    if req.kind == "json":
        return json.loads(body)
    if req.kind == "sparql-json":
        data = json.loads(body)
        return data["head"], sorted(
            json.dumps(b, sort_keys=True, ensure_ascii=False) for b in data["results"]["bindings"]
        )
    if req.kind == "rdf":
        from rdflib import Graph

        return set(Graph().parse(data=body, format="turtle"))
    return None


@dataclass
class Timing:
    samples: list[float]

    @property
    def p50(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def run_requests(server: Server, reps: int, budget: float) -> tuple[dict[str, Timing], dict[str, object]]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
    timings: dict[str, Timing] = {}
    answers: dict[str, object] = {}
    for req in [BASELINE, *REQUESTS]:
        took, status, body, ctype = fetch(conn, req)  # the first one, cold: caches and indexes fill
        if status != req.expect:
            raise RuntimeError(f"{server.name}: {req.path} gave {status}: {body[:300]!r}")
        server.cold[req.label] = took
        answers[req.label] = normalise(req, body)
        for _ in range(2):
            fetch(conn, req)
        samples = []
        started = time.perf_counter()
        while len(samples) < reps and (len(samples) < 5 or time.perf_counter() - started < budget):
            took, status, _body, _ = fetch(conn, req)
            assert status == req.expect, (server.name, req.path, status)
            samples.append(took)
        timings[req.label] = Timing(samples)
        print(
            f"  {server.name}: {req.label}: p50 {Timing(samples).p50 * 1000:.1f} ms (n={len(samples)})", file=sys.stderr
        )
    conn.close()
    return timings, answers


# ----------------------------------------------------------------------------- report


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}" if seconds < 10 else f"{seconds * 1000:.0f}"


def machine() -> str:
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0, 0, 0)
    import pyoxigraph
    import rdflib

    return (
        f"{os.cpu_count()} CPUs, {platform.system()} {platform.release()}, Python {platform.python_version()}, "
        f"pyoxigraph {pyoxigraph.__version__}, rdflib {rdflib.__version__}; load average at the end "
        f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} (1/5/15 min)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=50, help="timed repetitions per request (default 50)")
    parser.add_argument(
        "--budget",
        type=float,
        default=30.0,
        help="seconds per request and backend after which fewer reps are taken (min 5)",
    )
    parser.add_argument("--build-reps", type=int, default=3, help="full builds to time (default 3)")
    parser.add_argument("--serve", choices=["oxigraph", "rdflib"], help=argparse.SUPPRESS)
    parser.add_argument("--store", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    loadinfo.start("bench_foundation")  # load average and CPU time, start and end (shared machine)
    if args.serve:
        serve_child(args.serve, args.store, args.port)
        return 0

    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    print("building ...", file=sys.stderr)
    totals, cpu, steps, out, triples = bench_build(args.build_reps)
    store = out / "var" / "store"
    servers = ["oxigraph (served)", "oxigraph (in-thread)", "rdflib"]
    results: dict[str, dict[str, Timing]] = {}
    answers: dict[str, dict[str, object]] = {}
    started: dict[str, Server] = {}
    try:
        for name in servers:
            print(f"serving with {name} ...", file=sys.stderr)
            server = start(name, store)
            started[name] = server
            try:
                results[name], answers[name] = run_requests(server, args.reps, args.budget)
            finally:
                stop(server)
    finally:
        shutil.rmtree(out, ignore_errors=True)

    lines = [
        f"Build ({args.build_reps} runs, {triples} triples): wall median {statistics.median(totals):.2f} s "
        f"(min {min(totals):.2f}, max {max(totals):.2f}); CPU median {statistics.median(cpu):.2f} s "
        f"(min {min(cpu):.2f}, max {max(cpu):.2f})",
        "",
    ]
    lines += ["| build step | median s |", "|---|---|"]
    for name, secs in steps.items():
        lines.append(f"| {name} | {statistics.median(secs):.2f} |")
    lines += [
        "",
        f"Latency over HTTP (loopback, one keep-alive connection; up to {args.reps} timed requests "
        "after 3 warm-up ones), milliseconds:",
        "",
    ]
    lines.append("| request | " + " | ".join(f"{n} p50 | {n} p95" for n in servers) + " | n |")
    lines.append("|---|" + "---|---|" * len(servers) + "---|")
    for req in [*REQUESTS, BASELINE]:
        cells = []
        for n in servers:
            t = results[n][req.label]
            cells += [ms(t.p50), ms(t.p95)]
        counts = sorted({len(results[n][req.label].samples) for n in servers})
        lines.append(f"| {req.label} | " + " | ".join(cells) + f" | {'/'.join(map(str, counts))} |")
    lines += ["", "First (cold) request after start, ms — fills the search index and query caches:", ""]
    lines.append("| request | " + " | ".join(servers) + " |")
    lines.append("|---|" + "---|" * len(servers))
    for req in REQUESTS:
        lines.append(f"| {req.label} | " + " | ".join(ms(started[n].cold[req.label]) for n in servers) + " |")
    lines.append(
        "| server start until the first answer, s | "
        + " | ".join(f"{started[n].ready_after:.2f}" for n in servers)
        + " |"
    )
    same = [
        req.label for req in REQUESTS if all(answers[n][req.label] == answers[servers[0]][req.label] for n in servers)
    ]
    lines += [
        "",
        f"Same answers from every backend: {len(same)} of {len(REQUESTS)} requests"
        + (
            ""
            if len(same) == len(REQUESTS)
            else f" (differ: {', '.join(r.label for r in REQUESTS if r.label not in same)})"
        ),
        "",
        f"Machine: {machine()}; 1-min load average at the start {load_before:.2f}.",
    ]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

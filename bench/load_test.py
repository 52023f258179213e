"""Load test on loopback (issue 7): throughput, p50/p99 latency, errors and memory of the server.

Starts the server the way `make run` does (``occugraph serve``, waitress, 8 threads, the built
var/store) and, as the ceiling, a bare Flask "hello" app under the same waitress settings; then
drives each scenario for a fixed time with wrk (Debian's ``wrk``) or, without it, a bounded
Python client. Every request goes to 127.0.0.1 only, and every loop stops by itself.

The per-client rate limit is lifted for the run (OCCUGRAPH_RATE_LIMIT_PER_MINUTE=0 and
OCCUGRAPH_SPARQL_RATE_LIMIT_PER_MINUTE=0): from one address, a load test is exactly what that
limit exists to refuse. Everything else (query workers, time limit, row cap) is as shipped.

    .venv/bin/python bench/load_test.py                    # 10 s per scenario, 8 connections
    .venv/bin/python bench/load_test.py --seconds 20 --connections 16 --client python

Prints a Markdown table (for docs/benchmarks.md) and exits 1 if any request failed or the
server's memory grew by more than --max-growth-mb over the run.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
import loadinfo  # noqa: E402

BIN = Path(sys.executable).parent

SPARQL_LOOKUP = (
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?name ?definition WHERE { "
    '?o skos:notation "2-02-38-01" ; skos:prefLabel ?name . OPTIONAL { ?o skos:definition ?definition } }'
)


@dataclass
class Scenario:
    name: str
    server: str  # "app" or "hello"
    path: str
    accept: str = "application/json"


SCENARIOS = [
    Scenario("bare Flask hello (ceiling)", "hello", "/hello"),
    Scenario("occupation lookup /api/occupations/2-02-38-01", "app", "/api/occupations/2-02-38-01"),
    Scenario("search /api/occupations?q=电子商务", "app", "/api/occupations?q=" + urllib.parse.quote("电子商务")),
    Scenario(
        "SPARQL lookup /sparql (query worker)",
        "app",
        "/sparql?query=" + urllib.parse.quote(SPARQL_LOOKUP),
        "application/sparql-results+json",
    ),
    Scenario("hierarchy /api/hierarchy/2-02-38-00", "app", "/api/hierarchy/2-02-38-00"),
]
# the pathway planner (issue 4), measured when the server has it
PATHWAY_CANDIDATES = [
    "/api/pathways?from=4-04-05-05&from_level=4&to=2-02-38-01&to_level=2",
    "/api/pathway?from=4-04-05-05&to=2-02-38-01",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def hello_app():  # type: ignore[no-untyped-def]
    from flask import Flask

    app = Flask("hello")

    @app.get("/hello")
    def hello() -> str:
        return "hello"

    return app


def start(kind: str, port: int, threads: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "OCCUGRAPH_RATE_LIMIT_PER_MINUTE": "0", "OCCUGRAPH_SPARQL_RATE_LIMIT_PER_MINUTE": "0"}
    if kind == "app":
        cmd = [str(BIN / "occugraph"), "serve", "--host", "127.0.0.1", "--port", str(port), "--threads", str(threads)]
    else:
        cmd = [sys.executable, __file__, "--serve-hello", str(port), "--threads", str(threads)]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            return proc
        except urllib.error.HTTPError:
            return proc  # answering (404 for the hello app's /)
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"the {kind} server did not start on port {port}")


def tree_rss_mb(pid: int) -> float:
    import psutil

    try:
        proc = psutil.Process(pid)
        procs = [proc, *proc.children(recursive=True)]
        return sum(p.memory_info().rss for p in procs if p.is_running()) / 2**20
    except psutil.Error:
        return 0.0


class MemorySampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.samples: list[float] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.samples.append(tree_rss_mb(self.pid))
            self.stop.wait(0.5)


# wrk's Lua hook for a URL that changes with every request (``fresh``): the suffix names the wrk
# thread and the request, so that no two requests of a run are the same text
FRESH_LUA = """
local threads = 0
function setup(thread) thread:set("tid", threads); threads = threads + 1 end
function init(args) count = 0 end
function request()
  count = count + 1
  return wrk.format(nil, wrk.path .. FRESH_PREFIX .. tid .. "-" .. count)
end
"""


def fresh_suffix(prefix: str, worker: int, count: int) -> str:
    """The same suffix as FRESH_LUA's, for the Python client and for sequential latency runs."""
    return f"{prefix}{worker}-{count}"


def run_wrk(url: str, accept: str, seconds: int, connections: int, fresh: str | None = None) -> dict[str, float]:
    """wrk's summary; ``fresh``: a URL-encoded suffix prefix appended, with a counter, to each
    request's URL (a new query text each time, see FRESH_LUA)."""
    threads = max(1, min(2, connections))
    script: list[str] = []
    if fresh is not None:
        lua = Path(os.environ.get("TMPDIR", "/tmp")) / f"occugraph-fresh-{os.getpid()}.lua"
        lua.write_text(f"FRESH_PREFIX = {fresh!r}\n" + FRESH_LUA, encoding="utf-8")
        script = ["-s", str(lua)]
    out = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "--timeout",
            "10s",
            "-H",
            f"Accept: {accept}",
            *script,
            url,
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    ).stdout

    def ms(label: str) -> float:
        m = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not m:
            return float("nan")
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(non2xx.group(1)) if non2xx else 0) + (sum(int(x) for x in sock.groups()) if sock else 0)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    return {"requests": requests, "rps": rps, "p50": ms("50"), "p99": ms("99"), "errors": errors}


def run_python(url: str, accept: str, seconds: int, connections: int, fresh: str | None = None) -> dict[str, float]:
    """The same summary as ``run_wrk`` from threads of http.client (when wrk is not installed)."""
    parsed = urllib.parse.urlsplit(url)
    target = parsed.path + ("?" + parsed.query if parsed.query else "")
    numbers = itertools.count()
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker() -> None:
        conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
        mine: list[float] = []
        while time.monotonic() < deadline:
            t0 = time.perf_counter()
            try:
                path = target if fresh is None else target + fresh_suffix(fresh, 0, next(numbers))
                conn.request("GET", path, headers={"Accept": accept})
                resp = conn.getresponse()
                resp.read()
                ok = resp.status < 400
            except OSError:
                ok = False
                conn.close()
                conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
            mine.append(time.perf_counter() - t0)
            if not ok:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    workers = [threading.Thread(target=worker) for _ in range(connections)]
    start = time.monotonic()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.monotonic() - start
    latencies.sort()
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [latencies[0]] * 99
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": q[49] * 1000,
        "p99": q[98] * 1000,
        "errors": errors[0],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=int, default=10, help="duration of each scenario (default 10)")
    ap.add_argument("--connections", type=int, default=8, help="concurrent connections (default 8)")
    ap.add_argument("--threads", type=int, default=8, help="waitress threads, as `occugraph serve` (default 8)")
    ap.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    ap.add_argument(
        "--max-growth-mb",
        type=float,
        default=50.0,
        help="fail if the server's memory grows more than this over the run (default 50)",
    )
    ap.add_argument("--serve-hello", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    loadinfo.start("load_test")  # load average and CPU time, start and end (shared machine)

    if args.serve_hello:
        from waitress import serve

        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        serve(hello_app(), host="127.0.0.1", port=args.serve_hello, threads=args.threads, ident="hello")
        return 0

    client = args.client
    if client == "auto":
        client = "wrk" if shutil.which("wrk") else "python"
    drive = run_wrk if client == "wrk" else run_python

    ports = {"app": free_port(), "hello": free_port()}
    servers = {kind: start(kind, port, args.threads) for kind, port in ports.items()}
    try:
        scenarios = list(SCENARIOS)
        for path in PATHWAY_CANDIDATES:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{ports['app']}{path}", timeout=30) as r:
                    if r.status == 200:
                        scenarios.append(Scenario(f"pathway {path.split('?')[0]}", "app", path))
                        break
            except OSError:
                continue
        # warm up: caches, search index, query workers
        for sc in scenarios:
            drive(f"http://127.0.0.1:{ports[sc.server]}{sc.path}", sc.accept, 1, 2)
        app_pid = servers["app"].pid
        sampler = MemorySampler(app_pid)
        sampler.start()
        rss_start = tree_rss_mb(app_pid)
        rows = []
        for sc in scenarios:
            url = f"http://127.0.0.1:{ports[sc.server]}{sc.path}"
            result = drive(url, sc.accept, args.seconds, args.connections)
            result["rss_mb"] = tree_rss_mb(servers[sc.server].pid)
            rows.append((sc, result))
            print(
                f"  {sc.name}: {result['rps']:.0f} req/s, p50 {result['p50']:.2f} ms, p99 {result['p99']:.2f} ms, "
                f"{result['errors']} errors",
                file=sys.stderr,
            )
        sampler.stop.set()
        sampler.join()
        rss_end = tree_rss_mb(app_pid)
    finally:
        for proc in servers.values():
            proc.terminate()
        for proc in servers.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()

    growth = rss_end - rss_start
    print(
        f"client: {client}, {args.connections} connections, {args.seconds} s per scenario, "
        f"waitress {args.threads} threads, {os.cpu_count()} cores\n"
    )
    print("| scenario | requests | req/s | p50 ms | p99 ms | errors | server RSS after (MB) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for sc, r in rows:
        print(
            f"| {sc.name} | {r['requests']:.0f} | {r['rps']:.0f} | {r['p50']:.2f} | {r['p99']:.2f} | "
            f"{r['errors']:.0f} | {r['rss_mb']:.0f} |"
        )
    peak = max(sampler.samples) if sampler.samples else rss_end
    print(
        f"\nserver memory (process + query workers): {rss_start:.0f} MB at start, {rss_end:.0f} MB at end, "
        f"{peak:.0f} MB peak; growth {growth:+.0f} MB"
    )
    summary = {
        "client": client,
        "rows": [{"scenario": sc.name, **r} for sc, r in rows],
        "rss_start_mb": rss_start,
        "rss_end_mb": rss_end,
        "rss_peak_mb": peak,
    }
    print("\n<!-- " + json.dumps(summary, ensure_ascii=False) + " -->")
    failed = sum(r["errors"] for _, r in rows)
    if failed or growth > args.max_growth_mb:
        print(f"FAILED: {failed} errors, memory growth {growth:+.0f} MB", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

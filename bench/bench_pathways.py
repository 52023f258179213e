"""Career-pathway benchmark (issue 4): latency of a pathway query over the full graph, what
dominates it, and what the materialised pathway graph costs the build.

Not part of the test suite. Run from the checkout, after a build (``make build``):

    .venv/bin/python bench/bench_pathways.py                  # queries: p50/p95, profile
    .venv/bin/python bench/bench_pathways.py --build          # also: build with and without pathways
    .venv/bin/python bench/bench_pathways.py --store /tmp/x/var/store --queries 500

What it does:
1. Opens the store (read-only) and builds the engine once (timed: that is the cold start of a
   server process).
2. Draws ``--queries`` pathway questions with a fixed seed over every occupation that has
   eligibility rules: a random certificate (none, 5..2) with a random date in the last 8 years,
   0-15 years of work, sometimes a diploma or a title; the target is a higher level in the same
   occupation (50 %), in a related occupation of the same minor group (30 %) or in any occupation
   of the classification (20 %; many have no standard, so the answer is "no route" with the nearest
   reachable target). Each question runs ``PathwayEngine.find_routes`` (3 routes) after 20 warm-up
   questions, single process, one thread; p50/p95/max are reported, also per kind of answer, and
   for the whole GET /api/pathways request (parsing, JSON) through Flask's test client.
3. Runs the same questions as GET /api/pathways over real HTTP against ``occugraph serve``
   (waitress, one process, one client, keep-alive): p50/p95/max and the server process's CPU time
   per request (user + system, from /proc), with the load average before and after (loadinfo).
4. Profiles the same questions (cProfile) and reports the share of time in the eligibility
   evaluator, its date search, the static-graph ancestors, the "nearest target" search and the
   rest, both of find_routes and of the whole request (Flask view: parsing, search, wording, JSON).
5. With ``--build``: builds ontology/ + standards/ twice into temporary folders, with and without
   the pathways reader, and reports the CPU time (user + sys) and triples of each.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
import loadinfo  # noqa: E402

sys.path.insert(0, str(ROOT))

from graph.pathways.engine import PathwayEngine, QueryParser  # noqa: E402
from graph.store.embedded import EmbeddedStore  # noqa: E402

AS_OF = date(2026, 1, 1)


def questions(engine: PathwayEngine, n: int, seed: int) -> list[dict[str, object]]:
    rnd = random.Random(seed)
    with_rules = sorted(engine.rule_set_of)
    everything = sorted(engine.names)
    out = []
    for _ in range(n):
        a = rnd.choice(with_rules)
        held = rnd.choice([None, "5", "4", "3", "2"])
        q: dict[str, object] = {
            "from": a,
            "years_worked": rnd.randint(0, 15),
            "as_of": AS_OF.isoformat(),
            "max_routes": 3,
        }
        if held:
            q["from_level"] = held
            q["level_since"] = (AS_OF - timedelta(days=rnd.randint(0, 8 * 365))).isoformat()
        if rnd.random() < 0.2:
            q["diploma"] = rnd.choice(["技工院校", "高级工班", "高职", "本科", "中职"])
        if rnd.random() < 0.1:
            q["title"] = rnd.choice(["初级", "中级"])
            q["title_since"] = (AS_OF - timedelta(days=rnd.randint(0, 5 * 365))).isoformat()
        kind = rnd.random()
        if kind < 0.5:
            target, where = a, "same occupation"
        elif kind < 0.8:
            group = [o for o in engine.related_to(a)[1:] if o in engine.rule_set_of]
            target, where = (rnd.choice(group), "related occupation") if group else (a, "same occupation")
        else:
            target, where = rnd.choice(everything), "any occupation"
        q["to"] = target
        q["to_level"] = rnd.choice(["4", "3", "2", "1"])
        q["_kind"] = where
        out.append(q)
    return out


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(p / 100 * len(xs) + 0.5) - 1))]


def run_queries(engine: PathwayEngine, qs: list[dict[str, object]]) -> list[tuple[str, str, float, int]]:
    parser = QueryParser(engine, today=AS_OF)
    out = []
    for q in qs:
        params = {k: v for k, v in q.items() if not k.startswith("_")}
        parsed = parser.parse(params)
        t = time.perf_counter()
        r = engine.find_routes(
            parsed.profile, parsed.target or "", parsed.target_level or "", parsed.max_routes, origin=parsed.origin
        )
        ms = (time.perf_counter() - t) * 1000
        answer = "routes" if r.routes else "no route"
        out.append((str(q["_kind"]), answer, ms, r.evaluations))
    return out


def summary(label: str, ms: list[float]) -> str:
    return f"| {label} | {len(ms)} | {statistics.median(ms):.1f} | {pct(ms, 95):.1f} | {max(ms):.1f} |"


def profile_shares(engine: PathwayEngine, qs: list[dict[str, object]]) -> list[tuple[str, float]]:
    prof = cProfile.Profile()
    prof.enable()
    run_queries(engine, qs)
    prof.disable()
    stats = pstats.Stats(prof)
    total = sum(v[3] for k, v in stats.stats.items() if k[2] == "find_routes")  # type: ignore[attr-defined]

    def cum(file_part: str, name: str) -> float:
        return sum(
            v[3]
            for k, v in stats.stats.items()  # type: ignore[attr-defined]
            if k[2] == name and file_part in k[0]
        )

    # the date search: _date_reaching since issue 15 (worked out, then checked around the answer);
    # before, a day-by-day binary search (_first_date) called from _work
    date_search = cum("eligibility.py", "_date_reaching") or cum("eligibility.py", "_first_date")
    parts = [
        ("eligibility evaluator (graph.standards.eligibility.evaluate)", cum("eligibility.py", "evaluate")),
        ("  of which work-time measuring (_work)", cum("eligibility.py", "_work")),
        ("  of which the date search (_date_reaching; before: _first_date)", date_search),
        ("static-graph ancestors (networkx, first time per target)", cum("engine.py", "ancestors")),
        ("nearest reachable target (no-route answers)", cum("engine.py", "_nearest")),
        ("no-route reason", cum("engine.py", "_no_route_reason")),
    ]
    return [(name, 100 * t / total if total else 0.0) for name, t in parts]


def _client(store: EmbeddedStore, engine: PathwayEngine):  # type: ignore[no-untyped-def]
    from server import create_app

    app = create_app({"TESTING": True, "STORE": store, "RATE_LIMIT_PER_MINUTE": 0})
    from server.resources import _pathway_engine, generations

    # the engine built above serves the requests: seed it into the store generation
    generations(app).current().derive(lambda _gen: engine, key=_pathway_engine)
    return app.test_client()


def _url(q: dict[str, object]) -> str:
    from urllib.parse import urlencode

    return "/api/pathways?" + urlencode({k: v for k, v in q.items() if not k.startswith("_")})


def http_queries(store: EmbeddedStore, engine: PathwayEngine, qs: list[dict[str, object]]) -> list[float]:
    client = _client(store, engine)
    out = []
    for q in qs:
        t = time.perf_counter()
        resp = client.get(_url(q))
        out.append((time.perf_counter() - t) * 1000)
        assert resp.status_code == 200, resp.get_json()
    return out


def request_shares(store: EmbeddedStore, engine: PathwayEngine, qs: list[dict[str, object]]) -> list[tuple[str, float]]:
    """Shares of the whole pathway request (the Flask view ``api_pathways``, test client overhead
    left out) under cProfile: what a request spends where."""
    client = _client(store, engine)
    for q in qs[:5]:
        client.get(_url(q))
    prof = cProfile.Profile()
    prof.enable()
    for q in qs:
        client.get(_url(q))
    prof.disable()
    stats = pstats.Stats(prof)

    def cum(file_part: str, name: str) -> float:
        return sum(v[3] for k, v in stats.stats.items() if k[2] == name and file_part in k[0])  # type: ignore[attr-defined]

    total = cum("blueprints/pathways.py", "api_pathways")
    parts = [
        ("parsing the parameters (QueryParser)", cum("engine.py", "parse")),
        ("the route search (find_routes)", cum("engine.py", "find_routes")),
        ("  of which the eligibility evaluator", cum("eligibility.py", "evaluate")),
        ("  of which its date search (_date_reaching)", cum("eligibility.py", "_date_reaching")),
        ("  of which the nearest target of no-route answers", cum("engine.py", "_nearest")),
        ("wording the answer (Describer.result)", cum("engine.py", "result")),
        ("JSON (jsonify)", cum("flask/json", "response")),
    ]
    return [(name, 100 * t / total if total else 0.0) for name, t in parts]


def _process_cpu(pid: int) -> float:
    """User + system CPU seconds of a running process (Linux /proc/<pid>/stat, fields 14 and 15)."""
    import os

    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def http_server_queries(store_path: Path, qs: list[dict[str, object]], warmup: int = 20) -> tuple[list[float], float]:
    """The same questions as GET /api/pathways over real HTTP: ``occugraph serve`` (waitress, one
    process) started on a free port, one client on one keep-alive connection, one request at a
    time. The server is started here and stopped here (by its own process id). Returns the
    latencies (ms) and the server's CPU ms per measured request."""
    import http.client
    import os
    import socket
    import subprocess
    from urllib.parse import urlencode

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = dict(os.environ, OCCUGRAPH_RATE_LIMIT_PER_MINUTE="0")
    # the checkout's own code (cwd first on sys.path), so that an older checkout can be measured too
    serve = "import sys; from graph.cli.main import main; sys.exit(main(sys.argv[1:]))"
    proc = subprocess.Popen(
        [sys.executable, "-c", serve, "serve", "--store", str(store_path), "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        conn = None
        for _ in range(600):  # up to 60 s for the server to start
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                conn.request("GET", "/api/occupations/6-31-01-03")
                conn.getresponse().read()
                break
            except OSError:
                time.sleep(0.1)
        assert conn is not None

        def get(q: dict[str, object]) -> float:
            params = {k: v for k, v in q.items() if not k.startswith("_")}
            t = time.perf_counter()
            conn.request("GET", "/api/pathways?" + urlencode(params))
            resp = conn.getresponse()
            resp.read()
            ms = (time.perf_counter() - t) * 1000
            assert resp.status == 200, (resp.status, params)
            return ms

        for q in qs[:warmup]:  # the first request builds the engine
            get(q)
        print(loadinfo.line("bench_pathways HTTP start"), file=sys.stderr, flush=True)
        cpu0 = _process_cpu(proc.pid)
        ms = [get(q) for q in qs[warmup:]]
        cpu_ms = (_process_cpu(proc.pid) - cpu0) * 1000 / max(len(ms), 1)
        print(loadinfo.line("bench_pathways HTTP end"), file=sys.stderr, flush=True)
        return ms, cpu_ms
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def build_impact(rounds: int = 2) -> list[str]:
    """Full builds without and with the pathways reader, alternating (so that imports and caches
    warmed by the first build do not favour one side); the least CPU time of each side."""
    import shutil

    import graph.build.pipeline
    from graph.build.pipeline import build

    original = graph.build.pipeline.readers
    results: dict[str, list[tuple[float, float, int, int]]] = {"without pathways": [], "with pathways": []}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "root"
        shutil.copytree(ROOT / "ontology", root / "ontology")
        shutil.copytree(ROOT / "standards", root / "standards")
        try:
            for i in range(rounds):
                for label, keep in (("without pathways", False), ("with pathways", True)):
                    # the TBox module ontology/pathways.ttl stays in both; only the derived data differs
                    graph.build.pipeline.readers = lambda keep=keep: [
                        (n, r) for n, r in original() if keep or n != "pathways"
                    ]
                    c0, t0 = cpu(), time.perf_counter()
                    out = Path(tmp) / f"{label}-{i}"
                    res = build(root=root, var_dir=out / "var", dist=out / "dist", quiet=True)
                    size = (res.dist / "occugraph.nt").stat().st_size
                    results[label].append((cpu() - c0, time.perf_counter() - t0, res.triples, size))
                    shutil.rmtree(out, ignore_errors=True)
        finally:
            graph.build.pipeline.readers = original
    lines = []
    for label, runs in results.items():
        cpu_s = min(r[0] for r in runs)
        wall = min(r[1] for r in runs)
        lines.append(f"| {label} | {runs[0][2]} | {runs[0][3] / 1e6:.1f} | {cpu_s:.1f} | {wall:.1f} |")
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path, help="store folder (default var/store)")
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--seed", type=int, default=4)
    ap.add_argument("--build", action="store_true", help="also measure the build with and without pathways")
    ap.add_argument("--no-http", action="store_true", help="skip the real HTTP server measurement")
    args = ap.parse_args()
    loadinfo.start("bench_pathways")  # load average and CPU time, start and end (shared machine)

    store = EmbeddedStore(args.store)
    t = time.perf_counter()
    engine = PathwayEngine.from_store(store)
    cold = time.perf_counter() - t
    qs = questions(engine, args.queries + 20, args.seed)
    warm, qs = qs[:20], qs[20:]
    run_queries(engine, warm)
    results = run_queries(engine, qs)
    all_ms = [ms for *_, ms, _e in results]
    print("## Career pathways (issue 4)\n")
    print(
        f"Engine built from the store in {cold:.2f} s ({engine.graph.number_of_nodes()} nodes, "
        f"{engine.graph.number_of_edges()} edges in the static state graph; "
        f"{len(engine.rule_set_of)} occupations with rules).\n"
    )
    print("| questions | n | p50 ms | p95 ms | max ms |\n| --- | ---: | ---: | ---: | ---: |")
    print(summary("all (find_routes, 3 routes)", all_ms))
    for kind in ("same occupation", "related occupation", "any occupation"):
        ms = [m for k, _a, m, _e in results if k == kind]
        if ms:
            print(summary(kind, ms))
    for answer in ("routes", "no route"):
        ms = [m for _k, a, m, _e in results if a == answer]
        if ms:
            print(summary(f"answer: {answer}", ms))
    http = http_queries(store, engine, qs)
    print(summary("GET /api/pathways (Flask test client, JSON)", http))
    served, cpu_ms = ([], 0.0) if args.no_http else http_server_queries(args.store or ROOT / "var" / "store", warm + qs)
    if served:
        print(summary("GET /api/pathways over HTTP (occugraph serve, one client, keep-alive)", served))
        print(f"\nServer CPU per HTTP request (user + system, occugraph serve process): {cpu_ms:.2f} ms.")
    evals = [e for *_, e in results]
    print(f"\nRule evaluations per question: median {statistics.median(evals):.0f}, max {max(evals)}.\n")
    print("Where the time goes (cProfile over the same questions, share of find_routes):\n")
    for name, share in profile_shares(engine, qs):
        print(f"- {name}: {share:.0f} %")
    print("\nShare of the whole request (cProfile, the Flask view api_pathways):\n")
    for name, share in request_shares(store, engine, qs):
        print(f"- {name}: {share:.0f} %")
    if args.build:
        print(
            "\n| build | triples | occugraph.nt MB | CPU s (user+sys), least of 2 | wall s, least of 2 |\n"
            "| --- | ---: | ---: | ---: | ---: |"
        )
        for line in build_impact():
            print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

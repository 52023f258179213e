"""Backends side by side (issue 9): embedded pyoxigraph, rdflib in memory, and Virtuoso 7.

Not part of the test suite. From the checkout, after `make build` (and with virtuoso-opensource
installed for the Virtuoso rows):

    .venv/bin/python bench/bench_backends.py                         # 1x and 10x, all backends
    .venv/bin/python bench/bench_backends.py --scales 1,10,100 --rdflib-max-gb 8
    .venv/bin/python bench/bench_backends.py --scales 1 --backends embedded --seconds 5   # quick look

For each scale (1x = the built var/store; 10x and 100x = bench/synthetic.py, written once to
var/bench/<n>x/) and each backend, one after the other:

1. **Load**: embedded = a new on-disk pyoxigraph store from the N-Triples (bulk_load, optimize);
   rdflib = parsing them into a ``Dataset`` (bench/rdflib_backend.py); Virtuoso = a scratch
   server (tests/virtuoso, loopback only) and ``graph.store.remote.load_release`` with Virtuoso's bulk
   loader, plus the Graph Store Protocol path up to 10x. Then the app's search index is built
   (``SearchIndex.load``, one SPARQL query) and the pathway engine (rules, standards, relations)
   are built and timed.
2. **Serve** the same Flask app (waitress, 8 threads) in its own process on loopback, SPARQL in
   the request thread (``QUERY_WORKERS=0``: the store's own cost, no worker-process hop), rate
   limits off. For Virtuoso the app holds a ``RemoteStore`` on the scratch server's /sparql.
3. **Latency** of the 6 requests below, one keep-alive connection: 2 warm-up requests, then up
   to ``--reps`` timed ones within ``--budget`` seconds per request (at least 3): p50 and p95.
4. **Throughput** under concurrent load: ``--clients`` threads, each with its own keep-alive
   connection, cycling through the three API calls (lookup, search, pathway) for ``--seconds``,
   then through all 6 requests for as long; completed requests per second of each mix. In the
   pathway slot every request takes the next learner profile of bench/synthetic.py.
5. **Memory**: resident set (VmRSS) of the server process after loading and its peak (VmHWM)
   after the load test; for Virtuoso, the app process plus virtuoso-t.

Every backend's answer to each request is compared with the embedded store's (status, and the
JSON body for the API calls; the row count for SPARQL). Results go to var/bench/backends.json
and a Markdown table to stdout.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import resource
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
import loadinfo  # noqa: E402

sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

P = """PREFIX og: <https://w3id.org/occugraph/ontology/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
PER_MAJOR = (
    P
    + """SELECT ?major (COUNT(DISTINCT ?o) AS ?n) WHERE {
  ?o a og:Occupation ; skos:broader+ ?m . ?m a og:MajorGroup ; skos:notation ?major }
GROUP BY ?major ORDER BY ?major LIMIT 100"""
)
CONTAINS = (
    P
    + """SELECT ?code ?name WHERE {
  ?o skos:prefLabel ?name ; skos:notation ?code FILTER(CONTAINS(?name, "电子商务")) } ORDER BY ?code LIMIT 50"""
)
CONSTRUCT = (
    P
    + """CONSTRUCT { ?o ?p ?v . ?t ?tp ?tv } WHERE {
  { ?o skos:notation "2-02-38-01" ; ?p ?v }
  UNION { ?o skos:notation "2-02-38-01" ; og:hasMainTask ?t . ?t ?tp ?tv } }"""
)
JSON_RESULTS = "application/sparql-results+json"
# name -> (path, Accept); the same at every scale (synthetic copies never take a real code)
REQUESTS: dict[str, tuple[str, str]] = {
    "api lookup 2-02-38-01": ("/api/occupations/2-02-38-01", "application/json"),
    "api search 电子商务": ("/api/occupations?" + urlencode({"q": "电子商务"}), "application/json"),
    # a learner profile asking the pathway engine (docs/pathways.md), as in tests/test_pathways.py
    "api pathway 6-31-01-03 L4 to 6-31-01-04 L2": (
        "/api/pathways?"
        + urlencode(
            {
                "from": "6-31-01-03",
                "from_level": "4",
                "level_since": "2021-05-01",
                "years_worked": "6",
                "to": "6-31-01-04",
                "to_level": "2",
                "as_of": "2026-01-01",
            }
        ),
        "application/json",
    ),
    "sparql occupations per major group": ("/sparql?" + urlencode({"query": PER_MAJOR}), JSON_RESULTS),
    "sparql label contains 电子商务": ("/sparql?" + urlencode({"query": CONTAINS}), JSON_RESULTS),
    "sparql construct 2-02-38-01": ("/sparql?" + urlencode({"query": CONSTRUCT}), "text/turtle"),
}
# SPARQL in the request thread (the store's own cost), no rate limits, room for the results
BENCH_CONFIG = {
    "QUERY_WORKERS": 0,
    "RATE_LIMIT_PER_MINUTE": 0,
    "SPARQL_RATE_LIMIT_PER_MINUTE": 0,
    "MAX_RESULT_ROWS": 100_000,
    "ENDPOINT_TIMEOUT": 120.0,
}
PATHWAY = "api pathway 6-31-01-03 L4 to 6-31-01-04 L2"
API_MIX = ["api lookup 2-02-38-01", "api search 电子商务", PATHWAY]
REQUEST_TIMEOUT = 120.0
# 8 KiB pages: 240 MB, 640 MB, 8 GB. At 100x the atomic swap (one transaction replacing 13.7M
# triples) needs the graphs in memory: with 250,000 (2 GB) it ran past 30 minutes, with 1,000,000 219 s.
VIRTUOSO_BUFFERS = {1: 30_000, 10: 80_000, 100: 1_000_000}


# ======================================================================== the server process


def _rss_kib(pid: int) -> tuple[int, int]:
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


def _tree_rss_kib(pid: int) -> tuple[int, int]:
    """(current, peak) resident memory of a process and its children (gunicorn's workers)."""
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    rss = [_rss_kib(p) for p in pids if Path(f"/proc/{p}/status").exists()]
    return sum(r for r, _ in rss), sum(h for _, h in rss)


def _graph_files(data: Path) -> dict[str, Path]:
    manifest = json.loads((data / "manifest.json").read_text(encoding="utf-8"))
    return {g: data / name for g, name in manifest["graphs"].items()}


def serve(args: argparse.Namespace) -> int:
    """The server process: load the backend, build the app, report timings, serve until killed."""
    from waitress import serve as waitress_serve

    from server import create_app
    from server.resources import get_search_index

    info: dict[str, object] = {}
    started = time.perf_counter()
    if args.serve == "embedded-load":  # its own process, so the server's memory is the server's
        import pyoxigraph as ox

        writable = ox.Store(args.store_dir)
        for graph, path in _graph_files(Path(args.data)).items():
            writable.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
        writable.optimize()
        writable.flush()
        print(json.dumps({"load_s": time.perf_counter() - started}), flush=True)
        return 0
    if args.serve == "gunicorn":  # `occugraph serve --workers 2`: each worker opens the store read-only
        from graph.cli.store_options import serve_workers

        print(json.dumps({"rss_loaded_kib": 0, "index_s": None}), flush=True)
        return serve_workers({"STORE_PATH": args.store_dir, **BENCH_CONFIG}, "127.0.0.1", args.port, 2, 8)
    if args.serve == "embedded":
        from graph.store.embedded import EmbeddedStore

        config: dict[str, object] = {"STORE": EmbeddedStore(Path(args.store_dir))}  # read-only, as served
    elif args.serve == "rdflib":
        if args.max_gb:
            limit = int(args.max_gb * 1024**3)
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        from rdflib_backend import RdflibStore

        try:
            store = RdflibStore({g: p.read_bytes() for g, p in _graph_files(Path(args.data)).items()})
        except MemoryError:
            print(
                json.dumps(
                    {
                        "error": f"MemoryError after {time.perf_counter() - started:.0f} s of parsing: "
                        f"rdflib needs more than {args.max_gb:g} GB (address space) for this data"
                    }
                ),
                flush=True,
            )
            os._exit(1)  # freeing millions of objects would take minutes
        info["load_s"] = time.perf_counter() - started
        config = {"STORE": store}
    else:
        config = {"ENDPOINT": args.endpoint}
    config.update(BENCH_CONFIG)
    app = create_app(config)
    started = time.perf_counter()
    with app.app_context():
        get_search_index()
    info["index_s"] = time.perf_counter() - started
    started = time.perf_counter()
    with app.app_context():
        from server.resources import get_engine

        get_engine()  # rules and relations, read once (the first pathway request would do it)
    info["engine_s"] = time.perf_counter() - started
    info["rss_loaded_kib"] = _rss_kib(os.getpid())[0]
    print(json.dumps(info), flush=True)
    waitress_serve(
        app, host="127.0.0.1", port=args.port, threads=8, ident="occugraph-bench", channel_timeout=REQUEST_TIMEOUT * 2
    )
    return 0


# ======================================================================== the measuring side


@dataclass
class Row:
    scale: int
    backend: str
    triples: int
    load_s: float | None = None
    load_note: str = ""
    index_s: float | None = None
    engine_s: float | None = None  # the pathway engine: rules and relations read from the backend
    latency_ms: dict[str, tuple[float, float, int]] = field(default_factory=dict)  # name -> p50, p95, n
    throughput_rps: float | None = None  # all 6 requests in turn
    throughput_errors: int = 0
    api_throughput_rps: float | None = None  # the API calls only (lookup, search)
    api_throughput_errors: int = 0
    rss_app_mib: float | None = None
    peak_app_mib: float | None = None
    rss_server_mib: float | None = None
    peak_server_mib: float | None = None
    direct_ms: dict[str, tuple[float, float, int]] = field(default_factory=dict)  # Virtuoso's /sparql itself
    mismatches: list[str] = field(default_factory=list)
    error: str = ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(conn: http.client.HTTPConnection, path: str, accept: str) -> tuple[int, bytes]:
    conn.request("GET", path, headers={"Accept": accept})
    resp = conn.getresponse()
    return resp.status, resp.read()


def _answer_key(name: str, status: int, body: bytes) -> object:
    if status != 200:
        return status
    if name.startswith("api"):
        return json.loads(body)
    if body.startswith(b"{"):
        return len(json.loads(body)["results"]["bindings"])
    import pyoxigraph as ox

    return len(list(ox.parse(body, format=ox.RdfFormat.TURTLE)))  # CONSTRUCT: the number of triples


def latency(conn: http.client.HTTPConnection, path: str, accept: str, args: argparse.Namespace) -> list[float]:
    """Timed requests after 2 warm-ups: up to --reps within --budget seconds, at least 3."""
    samples: list[float] = []
    for _ in range(2):
        fetch(conn, path, accept)
    budget_end = time.perf_counter() + args.budget
    while len(samples) < args.reps and (len(samples) < 3 or time.perf_counter() < budget_end):
        t0 = time.perf_counter()
        fetch(conn, path, accept)
        samples.append((time.perf_counter() - t0) * 1000)
    return sorted(samples)


def _p50_p95(samples: list[float]) -> tuple[float, float, int]:
    return statistics.median(samples), samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))], len(samples)


def measure_direct(endpoint: str, graphs: list[str], row: Row, args: argparse.Namespace) -> None:
    """The SPARQL requests straight to Virtuoso's /sparql, with the dataset RemoteStore sends."""
    host_port = endpoint.split("/")[2]
    conn = http.client.HTTPConnection(host_port, timeout=REQUEST_TIMEOUT)
    dataset = [(k, g) for g in graphs for k in ("default-graph-uri", "named-graph-uri")]
    for name, (path, accept) in REQUESTS.items():
        if not name.startswith("sparql"):
            continue
        query = path.split("?", 1)[1]
        direct = "/sparql?" + query + "&" + urlencode(dataset)
        try:
            row.direct_ms[name] = _p50_p95(latency(conn, direct, accept, args))
        except (TimeoutError, OSError, http.client.HTTPException) as exc:
            row.mismatches.append(f"direct {name}: {type(exc).__name__}")
            conn.close()
            conn = http.client.HTTPConnection(host_port, timeout=REQUEST_TIMEOUT)
    conn.close()


def measure(
    port: int, row: Row, reference: dict[str, object] | None, args: argparse.Namespace, data: Path
) -> dict[str, object]:
    answers: dict[str, object] = {}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    for name, (path, accept) in REQUESTS.items():
        try:
            status, body = fetch(conn, path, accept)
            answers[name] = _answer_key(name, status, body)
            row.latency_ms[name] = _p50_p95(latency(conn, path, accept, args))
        except (TimeoutError, OSError, http.client.HTTPException) as exc:
            row.mismatches.append(f"{name}: {type(exc).__name__}")
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
            continue
        if reference is not None and reference.get(name) != answers[name]:
            row.mismatches.append(f"{name}: answer differs from the embedded store's")
    conn.close()
    # API mix first: a slow SPARQL request still running at the end of the other mix would hold a
    # server thread into the next measurement
    profiles = _profile_paths(data)
    row.api_throughput_rps, row.api_throughput_errors = throughput(port, API_MIX, args, profiles)
    row.throughput_rps, row.throughput_errors = throughput(port, list(REQUESTS), args, profiles)
    return answers


def _profile_paths(data: Path) -> list[str]:
    """The learner profiles of bench/synthetic.py as /api/pathways requests."""
    lines = (data / "profiles.jsonl").read_text(encoding="utf-8").splitlines()
    return ["/api/pathways?" + urlencode(json.loads(line)) for line in lines if line.strip()]


def throughput(port: int, names: list[str], args: argparse.Namespace, profiles: list[str]) -> tuple[float, int]:
    """Completed requests per second: --clients threads cycling through ``names`` for --seconds;
    in the pathway slot each client takes the next learner profile (a different query each time)."""
    done = 0
    errors = 0
    lock = threading.Lock()
    stop_at = time.perf_counter() + args.seconds

    def client(offset: int) -> None:
        nonlocal done, errors
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
        i = offset
        while time.perf_counter() < stop_at:
            name = names[i % len(names)]
            path, accept = REQUESTS[name]
            if name == PATHWAY and profiles:
                path = profiles[(i * 7919 + offset) % len(profiles)]
            i += 1
            try:
                status, _ = fetch(c, path, accept)
                ok = status == 200
            except (TimeoutError, OSError, http.client.HTTPException):
                ok = False
                c.close()
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
            if time.perf_counter() <= stop_at:
                with lock:
                    done += ok
                    errors += not ok
        c.close()

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=args.seconds + REQUEST_TIMEOUT)
    return done / args.seconds, errors


def start_server(args: argparse.Namespace, mode: str, data: Path, extra: list[str]) -> tuple[subprocess.Popen, dict]:
    port = free_port()
    cmd = [sys.executable, __file__, "--serve", mode, "--data", str(data), "--port", str(port), *extra]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    assert proc.stdout is not None
    # loading happens before the first line: rdflib parses for minutes at 100x, so a budget
    if not select.select([proc.stdout], [], [], args.start_budget)[0]:
        stop(proc)
        raise RuntimeError(f"{mode} server did not load and start within the {args.start_budget:g} s budget")
    line = proc.stdout.readline()
    if not line:
        err = proc.stderr.read()[-2000:] if proc.stderr else ""
        raise RuntimeError(f"{mode} server did not start: {err}")
    info = json.loads(line)
    if "error" in info:
        stop(proc)
        raise RuntimeError(info["error"])
    info["port"] = port
    deadline = time.monotonic() + 60  # the JSON line comes before waitress listens
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError(f"{mode} server did not listen on port {port}") from None
            time.sleep(0.1)
    # drain stderr so the server never blocks on a full pipe
    threading.Thread(target=lambda: proc.stderr.read() if proc.stderr else None, daemon=True).start()
    return proc, info


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def prepare_data(scale: int, args: argparse.Namespace) -> tuple[Path, int]:
    from synthetic import write_benchmark_data

    out = ROOT / "var" / "bench" / f"{scale}x"
    manifest_path = out / "manifest.json"
    store = Path(args.store)
    source_id = str(store.resolve())
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest.get("source") == source_id and (out / "profiles.jsonl").exists():
            return out, sum(manifest["triples"].values())
    print(f"[{scale}x] writing synthetic data to {out} ...", file=sys.stderr, flush=True)
    manifest = write_benchmark_data(store, scale, out, source=source_id)
    return out, sum(manifest["triples"].values())


def run_backend(
    backend: str,
    scale: int,
    data: Path,
    triples: int,
    args: argparse.Namespace,
    reference: dict[str, object] | None,
    scratch: Path,
) -> tuple[Row, dict[str, object] | None]:
    row = Row(scale, backend, triples)
    virtuoso = None
    proc = None
    try:
        if backend == "embedded":
            store_dir = ["--store-dir", str(scratch / f"oxigraph-{scale}x")]
            done = subprocess.run(
                [sys.executable, __file__, "--serve", "embedded-load", "--data", str(data), *store_dir],
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                raise RuntimeError(f"loading the embedded store failed: {done.stderr[-500:]}")
            row.load_s = json.loads(done.stdout.splitlines()[-1])["load_s"]
            proc, info = start_server(args, "embedded", data, store_dir)
        elif backend == "gunicorn":  # after "embedded", on the store it loaded
            store_dir = scratch / f"oxigraph-{scale}x"
            if not store_dir.exists():
                raise RuntimeError("the gunicorn row reuses the embedded row's store: list embedded first")
            proc, info = start_server(args, "gunicorn", data, ["--store-dir", str(store_dir)])
            # each worker builds its search index and pathway engine on first use (minutes at 100x)
            for path, accept in REQUESTS.values():
                for _ in range(4):
                    c = http.client.HTTPConnection("127.0.0.1", info["port"], timeout=args.start_budget)
                    fetch(c, path, accept)
                    c.close()
        elif backend == "rdflib":
            proc, info = start_server(args, "rdflib", data, ["--max-gb", str(args.rdflib_max_gb)])
        else:
            from virtuoso import VirtuosoServer, available

            from graph.store.remote import GraphSource, RemoteStore, VirtuosoBulkLoader, WriteEndpoint, load_release

            if not available():
                row.error = "virtuoso-t not installed"
                return row, None
            # the swap of a release is one update: give it room (and time) to finish
            virtuoso = VirtuosoServer(
                scratch / f"virtuoso-{scale}x",
                buffers=VIRTUOSO_BUFFERS.get(scale, 250_000),
                after_image_limit=2_000_000_000,
                max_query_seconds=1800,
            )
            t0 = time.perf_counter()
            virtuoso.start()
            start_s = time.perf_counter() - t0
            sources = [GraphSource(g, path=p) for g, p in _graph_files(data).items()]
            read = RemoteStore(virtuoso.endpoint, timeout=REQUEST_TIMEOUT)
            write = WriteEndpoint(virtuoso.update_endpoint, virtuoso.graph_store, virtuoso.user, virtuoso.password)
            bulk = VirtuosoBulkLoader(virtuoso.sql_address, virtuoso.user, virtuoso.password, virtuoso.bulk_dir)
            t0 = time.perf_counter()
            load_release(read, write, sources, method="bulk", bulk=bulk, atomic=False)  # an empty server
            row.load_s = time.perf_counter() - t0
            row.load_note = f"bulk loader into an empty server; server start {start_s:.1f} s"
            proc, info = start_server(args, "remote", data, ["--endpoint", virtuoso.endpoint])
        if row.load_s is None:
            row.load_s = info.get("load_s")
        row.index_s = info["index_s"]
        row.engine_s = info.get("engine_s")
        row.rss_app_mib = (info["rss_loaded_kib"] or _tree_rss_kib(proc.pid)[0]) / 1024
        answers = measure(info["port"], row, reference, args, data)
        if virtuoso is not None:
            measure_direct(virtuoso.endpoint, sorted(read.graph_names()), row, args)
        row.peak_app_mib = _tree_rss_kib(proc.pid)[1] / 1024
        if virtuoso is not None:
            rss, peak = virtuoso.rss_kib()
            row.rss_server_mib, row.peak_server_mib = rss / 1024, peak / 1024
            stop(proc)
            proc = None
            row.load_note += "; " + replace_release(virtuoso, read, write, sources, bulk, scale)
        return row, answers
    except Exception as exc:  # noqa: BLE001 - one backend failing must not stop the others
        row.error = f"{type(exc).__name__}: {exc}"[:400]
        return row, None
    finally:
        if proc is not None:
            stop(proc)
        if virtuoso is not None:
            virtuoso.stop()
        shutil.rmtree(scratch / f"virtuoso-{scale}x", ignore_errors=True)


def replace_release(virtuoso, read, write, sources, bulk, scale: int) -> str:  # type: ignore[no-untyped-def]
    """Atomic replacement of the loaded release (temporary graphs, then one MOVE request), last,
    because at 100x it may bring the server down."""
    from graph.store.remote import load_release

    notes: list[str] = []
    for method in ["gsp", "bulk"] if scale <= 10 else ["bulk"]:
        t0 = time.perf_counter()
        try:
            load_release(
                read,
                write,
                sources,
                method=method,
                bulk=bulk,
                progress=lambda m: notes.append(m.strip()) if "swapped" in m else None,
            )
            notes.append(f"atomic replace by {method}: {time.perf_counter() - t0:.1f} s")
        except Exception as exc:  # noqa: BLE001 - recorded
            tail = virtuoso.log_tail(3).replace("\n", " / ")
            notes.append(
                f"atomic replace by {method} failed after {time.perf_counter() - t0:.1f} s: {exc}"[:300]
                + f" [virtuoso-t {'alive' if virtuoso.process.poll() is None else 'exited'}: {tail}]"
            )
            break
    return "; ".join(notes)


def markdown(rows: list[Row]) -> str:
    names = list(REQUESTS)
    out = [
        "| scale | backend | triples | load s | index s | engine s | "
        + " | ".join(names)
        + " | req/s all 6 (errors) | req/s API only (errors) | RSS MiB app (+server) | peak MiB app (+server) |",
        "|---" * (9 + len(names)) + "|",
    ]
    for r in rows:
        if r.error:
            out.append(f"| {r.scale}x | {r.backend} | {r.triples:,} | {r.error} |" + " |" * (7 + len(names)))
            continue
        lat = [f"{r.latency_ms[n][0]:.1f} / {r.latency_ms[n][1]:.1f}" if n in r.latency_ms else "—" for n in names]
        server = f" (+{r.rss_server_mib:.0f})" if r.rss_server_mib else ""
        peak = f" (+{r.peak_server_mib:.0f})" if r.peak_server_mib else ""
        load = "—" if r.load_s is None else f"{r.load_s:.1f}"
        index = "—" if r.index_s is None else f"{r.index_s:.2f}"
        engine = "—" if r.engine_s is None else f"{r.engine_s:.1f}"
        out.append(
            f"| {r.scale}x | {r.backend} | {r.triples:,} | {load} | {index} | {engine} | "
            + " | ".join(lat)
            + f" | {r.throughput_rps:.1f} ({r.throughput_errors}) | {r.api_throughput_rps:.1f} "
            f"({r.api_throughput_errors}) | {r.rss_app_mib:.0f}{server} | "
            f"{r.peak_app_mib:.0f}{peak} |"
        )
        if r.direct_ms:
            direct = [f"{r.direct_ms[n][0]:.1f} / {r.direct_ms[n][1]:.1f}" if n in r.direct_ms else "" for n in names]
            out.append(f"| {r.scale}x | ↳ Virtuoso /sparql direct | | | | | " + " | ".join(direct) + " | | | | |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="1,10", help="comma-separated multiples of the real data (default 1,10)")
    parser.add_argument(
        "--backends",
        default="embedded,gunicorn,rdflib,virtuoso",
        help="embedded, gunicorn (embedded store, 2 gunicorn workers; after embedded), rdflib, "
        "virtuoso (default: all four)",
    )
    parser.add_argument("--store", default=str(ROOT / "var" / "store"), help="built store (default var/store)")
    parser.add_argument("--reps", type=int, default=30, help="timed requests per request kind (default 30)")
    parser.add_argument("--budget", type=float, default=15.0, help="seconds per request kind (default 15)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads (default 8)")
    parser.add_argument("--seconds", type=float, default=10.0, help="load test length (default 10 s)")
    parser.add_argument(
        "--rdflib-max-gb", type=float, default=8.0, help="address-space cap of the rdflib server process (default 8 GB)"
    )
    parser.add_argument(
        "--start-budget",
        type=float,
        default=1800.0,
        help="seconds a server process may take to load its data and start (default 1800)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "bench" / "backends.json")
    # the server process
    parser.add_argument(
        "--serve", choices=["embedded-load", "embedded", "gunicorn", "rdflib", "remote"], help=argparse.SUPPRESS
    )
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--store-dir", help=argparse.SUPPRESS)
    parser.add_argument("--endpoint", help=argparse.SUPPRESS)
    parser.add_argument("--max-gb", type=float, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    loadinfo.start("bench_backends")  # load average and CPU time, start and end (shared machine)
    if args.serve:
        return serve(args)

    if not Path(args.store).exists():
        print(f"bench_backends: no store at {args.store}; run `make build` first", file=sys.stderr)
        return 1
    rows: list[Row] = []
    load = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="occugraph-bench-") as tmp:
        for scale in [int(s) for s in args.scales.split(",")]:
            data, triples = prepare_data(scale, args)
            reference = None
            for backend in args.backends.split(","):
                print(f"[{scale}x] {backend} ...", file=sys.stderr, flush=True)
                row, answers = run_backend(backend, scale, data, triples, args, reference, Path(tmp))
                if backend == "embedded" and answers is not None:
                    reference = answers
                rows.append(row)
                print(
                    f"[{scale}x] {backend}: {json.dumps(asdict(row), ensure_ascii=False)}", file=sys.stderr, flush=True
                )
            shutil.rmtree(Path(tmp) / f"oxigraph-{scale}x", ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "load_average_before": load,
                "load_average_after": os.getloadavg(),
                "args": {k: str(v) for k, v in vars(args).items()},
                "rows": [asdict(r) for r in rows],
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n"
    )
    print(markdown(rows))
    for r in rows:
        for m in r.mismatches:
            print(f"note: {r.scale}x {r.backend}: {m}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Aggregates over the hierarchy: embedded pyoxigraph against Virtuoso, with and without the
materialised closure (issue 17), in one run.

The question is occupations per major group, asked two ways: with the property path
``skos:broader+`` and with the closure the build materialises, ``skos:broaderTransitive``
(graph/build/closure.py). It is asked of the embedded store (in-process, pyoxigraph's JSON
serialiser: the store's own cost) and of a scratch Virtuoso 7 on loopback holding the same graphs
(straight at its /sparql, with the dataset the remote store sends), 3 warm-ups then ``--n`` times
each, medians. Both answers are compared.

    .venv/bin/python bench/bench_aggregate.py [--n 30]      # after `make build`; needs virtuoso-t
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))
import loadinfo  # noqa: E402

P = "PREFIX og: <https://w3id.org/occugraph/ontology/> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
AGG = P + (
    "SELECT ?major (COUNT(DISTINCT ?o) AS ?n) WHERE { ?m a og:MajorGroup ; skos:notation ?major . "
    "?o a og:Occupation ; %s ?m } GROUP BY ?major ORDER BY ?major"
)
WAYS = {"skos:broader+ (path)": "skos:broader+", "skos:broaderTransitive (closure)": "skos:broaderTransitive"}


def timed(fn, n: int) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    for _ in range(3):
        out = fn()
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), out


def counts(sparql_json: bytes) -> dict[str, str]:
    doc = json.loads(sparql_json)
    return {b["major"]["value"]: b["n"]["value"] for b in doc["results"]["bindings"]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=30)
    ap.add_argument("--store", default=str(ROOT / "var" / "store"))
    args = ap.parse_args(argv)
    loadinfo.start("bench_aggregate")
    import pyoxigraph as ox
    from virtuoso import VirtuosoServer, available

    from graph.core.namespaces import DATA_GRAPH, ONTOLOGY_GRAPH
    from graph.store.remote import GraphSource, RemoteStore, VirtuosoBulkLoader, WriteEndpoint, load_release

    store = ox.Store.read_only(str(Path(args.store).resolve()))
    results: dict[tuple[str, str], float] = {}
    answers: dict[tuple[str, str], object] = {}
    for way, path in WAYS.items():
        q = AGG % path
        ms, out = timed(
            lambda q=q: store.query(q, use_default_graph_as_union=True).serialize(format=ox.QueryResultsFormat.JSON),
            args.n,
        )
        results[("embedded pyoxigraph", way)], answers[("embedded pyoxigraph", way)] = ms, counts(out)
    if not available():
        print("virtuoso-t is not installed: embedded only", file=sys.stderr)
    else:
        scratch = Path(tempfile.mkdtemp(prefix="occugraph-agg-"))
        files = {}
        for g in (ONTOLOGY_GRAPH, DATA_GRAPH):
            nt = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}").serialize(
                format=ox.RdfFormat.N_TRIPLES
            )
            files[g] = scratch / (g.rsplit("/", 1)[-1] + ".nt")
            files[g].write_bytes(nt)
        virtuoso = VirtuosoServer(scratch / "virtuoso")
        virtuoso.start()
        try:
            read = RemoteStore(virtuoso.endpoint, timeout=300)
            write = WriteEndpoint(virtuoso.update_endpoint, virtuoso.graph_store, virtuoso.user, virtuoso.password)
            bulk = VirtuosoBulkLoader(virtuoso.sql_address, virtuoso.user, virtuoso.password, virtuoso.bulk_dir)
            load_release(
                read, write, [GraphSource(g, path=p) for g, p in files.items()], method="bulk", bulk=bulk, atomic=False
            )
            host = virtuoso.endpoint.split("/")[2]
            conn = http.client.HTTPConnection(host, timeout=300)
            dataset = urlencode([("default-graph-uri", g) for g in files])

            def ask(q: str) -> bytes:
                conn.request(
                    "GET",
                    "/sparql?query=" + quote(q) + "&" + dataset,
                    headers={"Accept": "application/sparql-results+json"},
                )
                return conn.getresponse().read()

            for way, path in WAYS.items():
                ms, out = timed(lambda path=path: ask(AGG % path), args.n)
                results[("Virtuoso 7 /sparql", way)], answers[("Virtuoso 7 /sparql", way)] = ms, counts(out)
        finally:
            virtuoso.stop()
    reference = answers[("embedded pyoxigraph", "skos:broader+ (path)")]
    print("\n| backend | hierarchy by | p50 ms | same answer |")
    print("|---|---|---:|---|")
    for (backend, way), ms in results.items():
        print(f"| {backend} | {way} | {ms:.1f} | {answers[(backend, way)] == reference} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

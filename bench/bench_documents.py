"""Requests served from the build's precomputed documents: the request's own work, before and after.

The build stores each resource's statements as sorted N-Triples and, since issue 17, as Turtle; a
request in JSON-LD or RDF/XML converts the N-Triples. The conversion before: parse, sort the
triples, collect their namespaces, serialise (``linked_data.serialize``, as for a DESCRIBE answer);
after: parse and serialise, prefixes found in the text (``documents.convert``). Both run
alternately in one process over the same documents, CPU time per document, several rounds,
medians. Then whole requests (Flask test client), with a bare JSON route as the ceiling and the
Turtle request as it was before (converted per request) in the same process; last the occupation
page: asked before (kept rendered for the store generation, server/ui.py kept_page), rendered
from the API's precomputed document (an app that keeps no pages), and rendered asking the store;
JSON-LD likewise asked before (kept converted) and converted per request.

    .venv/bin/python bench/bench_documents.py --store var/store --sample 2000 --rounds 3
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
import loadinfo  # noqa: E402

sys.path.insert(0, str(ROOT))
from graph.store import documents  # noqa: E402
from graph.store.documents import LD_RESOURCE, Documents  # noqa: E402
from server import linked_data as ld  # noqa: E402

FORMATS = ["text/turtle", "application/ld+json", "application/rdf+xml"]


def before(body: bytes, media: str) -> bytes:
    return ld.serialize(list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES)), media)


def per_doc_us(fn, bodies: list[bytes], media: str) -> float:  # type: ignore[no-untyped-def]
    t = time.process_time()
    for b in bodies:
        fn(b, media)
    return (time.process_time() - t) / len(bodies) * 1e6


def per_request_us(client, url: str, headers: dict[str, str], n: int) -> float:  # type: ignore[no-untyped-def]
    t = time.process_time()
    for _ in range(n):
        r = client.get(url, headers=headers)
        assert r.status_code == 200, (url, r.status_code)
    return (time.process_time() - t) / n * 1e6


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path, default=Path("var/store"))
    ap.add_argument("--sample", type=int, default=2000, help="every k-th document so that about this many are used")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--requests", type=int, default=1000)
    args = ap.parse_args()
    loadinfo.start("bench_documents")
    folder = args.store.resolve()
    docs = Documents.open(folder)
    if docs is None:
        print(f"{folder} has no precomputed documents: run `occugraph build` first", file=sys.stderr)
        return 1
    con = docs._con()
    bodies = [b for (b,) in con.execute("SELECT body FROM documents WHERE kind = ?", (LD_RESOURCE,))]
    bodies = bodies[:: max(1, len(bodies) // args.sample)]
    same = sum(
        {str(t) for t in ox.parse(before(b, m), format=ld.rdf_format(m))}
        == {str(t) for t in ox.parse(documents.convert(b, m), format=ld.rdf_format(m))}
        for b in bodies[:200]
        for m in FORMATS
    )
    print(f"{len(bodies)} documents; same triples in {same} of {200 * len(FORMATS)} checked answers\n")
    print("| format | before µs CPU / document | after | after / before |")
    print("|---|---:|---:|---:|")
    for media in FORMATS:
        b_runs, a_runs = [], []
        for _ in range(args.rounds):
            b_runs.append(per_doc_us(before, bodies, media))
            a_runs.append(per_doc_us(documents.convert, bodies, media))
        b, a = statistics.median(b_runs), statistics.median(a_runs)
        print(f"| {media} | {b:.0f} | {a:.0f} | {a / b:.2f} |")

    from flask import jsonify

    from graph.store import open_store
    from server import create_app

    app = create_app({"STORE": open_store(folder), "TESTING": True})  # TESTING: no per-client rate limit
    app.add_url_rule("/bench-hello", "bench_hello", lambda: jsonify(hello="world"))
    client = app.test_client()
    # an app that keeps no rendered page or converted document (PAGE_CACHE_BYTES=0): what the first
    # visitor of each page or document costs (in this process the per-generation answers are built)
    rendering = create_app({"STORE": open_store(folder), "TESTING": True, "PAGE_CACHE_BYTES": 0})
    rendered = rendering.test_client()
    url = "/id/occupation/2-02-38-01"
    rows = {
        "bare JSON route": ("/bench-hello", {}),
        "Turtle, stored by the build": (url, {"Accept": "text/turtle"}),
        "N-Triples, stored by the build": (url, {"Accept": "application/n-triples"}),
        "JSON-LD, asked before (kept converted)": (url, {"Accept": "application/ld+json"}),
    }
    print(f"\nWhole request in the Flask test client ({args.requests} requests, {args.rounds} rounds, median):\n")
    print("| request | µs CPU / request | bare route / this |")
    print("|---|---:|---:|")
    results = {}
    for name, (u, h) in rows.items():
        per_request_us(client, u, h, 50)
        results[name] = statistics.median(per_request_us(client, u, h, args.requests) for _ in range(args.rounds))
    # the same Turtle request as before this change, in the same process: no stored Turtle, and the
    # N-Triples converted with the former sort and namespace scan
    from server.blueprints import ld as view

    saved = view.TURTLE_MEDIA, view.convert
    view.TURTLE_MEDIA, view.convert = set(), before
    try:
        u, h = rows["Turtle, stored by the build"]
        per_request_us(rendered, u, h, 50)
        results["Turtle, before: converted per request"] = statistics.median(
            per_request_us(rendered, u, h, args.requests) for _ in range(args.rounds)
        )
    finally:
        view.TURTLE_MEDIA, view.convert = saved
    page = ("/occupation/2-02-38-01", {})
    per_request_us(client, *page, 50)
    results["occupation page, asked before (kept rendered)"] = statistics.median(
        per_request_us(client, *page, args.requests) for _ in range(args.rounds)
    )
    per_request_us(rendered, *page, 50)
    results["occupation page, rendered (entry from the precomputed document)"] = statistics.median(
        per_request_us(rendered, *page, args.requests) for _ in range(args.rounds)
    )
    per_request_us(rendered, url, {"Accept": "application/ld+json"}, 50)
    results["JSON-LD, converted from the N-Triples (an app that keeps none)"] = statistics.median(
        per_request_us(rendered, url, {"Accept": "application/ld+json"}, args.requests) for _ in range(args.rounds)
    )
    from graph.classification.queries import occupation as ask_store
    from graph.store.documents import api_json
    from server.blueprints import pages
    from server.resources import get_kinds, get_store

    saved_doc = pages.occupation_document
    pages.occupation_document = lambda code: api_json(ask_store(get_store(), code, get_kinds()))
    try:
        per_request_us(rendered, *page, 50)
        results["occupation page, rendered, entry asked of the store"] = statistics.median(
            per_request_us(rendered, *page, args.requests) for _ in range(args.rounds)
        )
    finally:
        pages.occupation_document = saved_doc
    hello = results["bare JSON route"]
    for name, us in results.items():
        print(f"| {name} | {us:.0f} | {hello / us:.0%} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

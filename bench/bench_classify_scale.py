"""Search and classification latency at 1x and 10x data (issue 17's target: 10x within 2x of 1x).

    .venv/bin/python bench/bench_classify_scale.py [--store var/store] [--factor 10] [--work var/bench]
        [--before REV]

Writes the synthetic data of bench/synthetic.py at ``--factor`` (every classification entry copied
with its labels, definitions and tasks; names get a qualifier such as （华东二）), bulk-loads it into a
pyoxigraph store, builds a SearchIndex and a Classifier on the real store and on the synthetic one,
and times the same queries on both: 300 search texts (names, aliases, pinyin, Traditional, colloquial
names, recruiting titles) and 300 real 51job titles (bench/data/job-postings/), each timed best of 3
(CPU time of the thread, time.thread_time: process_time costs 2.6 us once numpy has started its
threads; one process pinned to one core; index builds in process CPU time). Reports median and
p95 per query and the 10x/1x ratio, with the load average at the start and the end.

``--before REV``: the search index and classifier of that git revision (its
graph/classification/queries.py and classifier.py, loaded from ``git show``) are built beside the
current ones on each store and timed in the same run, query by query in turn (before, then now),
and every answer is compared: search results (limit 20) on the query set and classify results on
the titles, at 1x also on all 2,950 real titles and on 1,000 labels searched with limits 1, 5 and
200 and the kinds occupation and minor. The report counts the answers that differ.

Progress (what is being built, how long it took) goes to stderr.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from graph.classification.classifier import Classifier, TitleError  # noqa: E402
from graph.classification.queries import SearchIndex  # noqa: E402
from graph.store.embedded import EmbeddedStore  # noqa: E402


def load_synthetic(store: Path, factor: int, work: Path) -> Path:
    import pyoxigraph as ox
    import synthetic

    data = work / f"{factor}x"
    store_dir = work / f"{factor}x-store"
    if not (store_dir / "done").exists():
        synthetic.write_benchmark_data(store, factor, data)
        writable = ox.Store(str(store_dir))
        from graph.core.namespaces import DATA_GRAPH, ONTOLOGY_GRAPH

        for graph, name in ((ONTOLOGY_GRAPH, "ontology.nt"), (DATA_GRAPH, "data.nt")):
            writable.bulk_load(path=str(data / name), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
        writable.optimize()
        writable.flush()
        del writable
        (store_dir / "done").write_text("ok\n")
    copy_settings(store, store_dir)
    return store_dir


def copy_settings(source: Path, store_dir: Path) -> None:
    """The job-title lists of the real store's settings graph, put into the synthetic store (replacing
    what an earlier run put there): the classifier is made from them (graph/store/settings.py), and
    the synthetic data (bench/synthetic.py) is the data graph alone."""
    import pyoxigraph as ox

    from graph.core.namespaces import SETTINGS_GRAPH
    from graph.store import settings

    doc = settings.read(EmbeddedStore(source), "job-titles")
    writable = ox.Store(str(store_dir))
    graph = ox.NamedNode(SETTINGS_GRAPH)
    if writable.contains_named_graph(graph):
        writable.remove_graph(graph)
    writable.bulk_load(settings.triples({"job-titles": doc}), format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
    writable.flush()
    del writable


def timed(fn, items: list[str], clear=None) -> list[float]:  # type: ignore[no-untyped-def]
    """Best of 3 per item; ``clear`` (the classifier index's clear_caches: part scores and coverage
    strengths) is called before each run, so every run pays for scoring as a first sight would."""
    out = []
    for item in items:
        best = float("inf")
        for _ in range(3):
            if clear is not None:
                clear()
            t0 = time.thread_time()
            try:
                fn(item)
            except (TitleError, ValueError):
                pass
            best = min(best, time.thread_time() - t0)
        out.append(best * 1000)
    return out


def summary(ms: list[float]) -> dict[str, float]:
    ms = sorted(ms)
    return {"median_ms": round(statistics.median(ms), 3), "p95_ms": round(ms[int(0.95 * (len(ms) - 1))], 3)}


def progress(started: float, text: str) -> None:
    load = os.getloadavg()[0]
    print(f"[{time.monotonic() - started:6.1f} s, load {load:.1f}] {text}", file=sys.stderr, flush=True)


def modules_at(rev: str) -> tuple[object, object]:
    """graph/classification/queries.py and classifier.py as they are at a git revision, as modules
    (named before_queries, before_classifier; the classifier module imports the current queries)."""
    out = []
    for name in ("queries", "classifier"):
        path = f"graph/classification/{name}.py"
        src = subprocess.run(["git", "show", f"{rev}:{path}"], cwd=ROOT, check=True, capture_output=True, text=True)
        spec = importlib.util.spec_from_loader(f"before_{name}", loader=None)
        assert spec is not None
        module = importlib.util.module_from_spec(spec)
        module.__file__ = str(ROOT / path)  # Queries(__file__) finds the .rq files beside it
        sys.modules[spec.name] = module
        exec(compile(src.stdout, f"{rev}:{path}", "exec"), module.__dict__)
        out.append(module)
    # the copies' codes (2-02-38-01-07) made level_code raise before; what it gives for real codes
    # is unchanged, so the classifier of any revision runs to the end on the synthetic data
    from graph.classification import classifier

    out[1].level_code = classifier.level_code  # type: ignore[attr-defined]
    return out[0], out[1]


def answers(fn, items: list, clear=None) -> list:  # type: ignore[no-untyped-def,type-arg]
    out = []
    for item in items:
        if clear is not None:
            clear()
        try:
            out.append(fn(item))
        except (TitleError, ValueError) as exc:
            out.append(("error", str(exc)))
    return out


def differing(a: list, b: list) -> int:  # type: ignore[type-arg]
    return sum(x != y for x, y in zip(a, b, strict=True))


FIXED_TEXTS = ["程序员", "外卖", "電工", "dianzishangwu", "dzsw", "diangong", "销售代表", "电子商务", "月嫂", "java"]
RECRUITING_TEXTS = 60  # the last search texts: 51job titles, which the classifier answers


def workload(names_from: EmbeddedStore, rng: random.Random) -> tuple[list[str], list[str], list[str]]:
    """The 51job titles, the 300 of them that are classified, and the 300 search texts: 200 names of
    ``names_from``, FIXED_TEXTS four times, then RECRUITING_TEXTS titles, drawn in that order from
    ``rng`` (random.Random(17); bench_search_alone.py times the same texts)."""
    titles = [
        line.split("\t")[0]
        for line in (ROOT / "bench/data/job-postings/51job-2023-titles.tsv")
        .read_text(encoding="utf-8")
        .splitlines()[1:]
    ]
    sample_titles = rng.sample(titles, 300)
    skos = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    rows = names_from.select(skos + "SELECT ?name WHERE { ?e skos:inScheme ?s ; skos:prefLabel ?name }")
    names = [r["name"] for r in rows]
    queries = rng.sample(sorted(set(names)), 200) + FIXED_TEXTS * 4 + rng.sample(titles, RECRUITING_TEXTS)
    return titles, sample_titles, queries


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path, default=ROOT / "var" / "store")
    ap.add_argument("--factor", type=int, default=10)
    ap.add_argument("--work", type=Path, default=ROOT / "var" / "bench")
    ap.add_argument("--before", metavar="REV", help="also time and compare this git revision's index and classifier")
    args = ap.parse_args(argv)
    started = time.monotonic()
    try:
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    except (AttributeError, OSError):
        pass
    real = EmbeddedStore(args.store)
    rng = random.Random(17)
    titles, sample_titles, queries = workload(real, rng)
    before = modules_at(args.before) if args.before else None
    report: dict[str, object] = {
        "queries": len(queries),
        "titles": len(sample_titles),
        "load_average_1_start": round(os.getloadavg()[0], 2),
    }
    progress(started, f"synthetic data at {args.factor}x (written once into {args.work})")
    stores = (("1x", real), (f"{args.factor}x", EmbeddedStore(load_synthetic(args.store, args.factor, args.work))))
    for label, store in stores:
        progress(started, f"{label}: building the classifier")
        c0 = time.process_time()
        clf = Classifier.from_store(store)
        index = SearchIndex.load(store, lambda c=clf: c)
        build = time.process_time() - c0
        progress(started, f"{label}: built in {build:.1f} s CPU ({len(clf.index.records)} entries); timing")
        now = {
            "entries": len(clf.index.records),
            "labels": len(clf.index.labels),
            "build_cpu_s": round(build, 1),
        }
        search = lambda q, ix=index: ix.search(q, limit=20)  # noqa: E731
        classify = lambda t, c=clf: c.classify(t)  # noqa: E731
        if before is None:
            now["search"] = summary(timed(search, queries, clf.index.clear_caches))
            now["classify"] = summary(timed(classify, sample_titles, clf.index.clear_caches))
            report[label] = now
            progress(started, f"{label}: {json.dumps(now)}")
            continue
        old_queries, old_classifier = before
        progress(started, f"{label}: building {args.before}'s classifier")
        c0 = time.process_time()
        old_clf = old_classifier.Classifier.from_store(store)  # type: ignore[attr-defined]
        old_index = old_queries.SearchIndex.load(store, lambda c=old_clf: c)  # type: ignore[attr-defined]
        old = {"build_cpu_s": round(time.process_time() - c0, 1)}
        old_search = lambda q, ix=old_index: ix.search(q, limit=20)  # noqa: E731
        old_classify = lambda t, c=old_clf: c.classify(t)  # noqa: E731
        progress(started, f"{label}: timing, query by query in turn")
        pairs: dict[str, tuple[list[float], list[float]]] = {"search": ([], []), "classify": ([], [])}
        for what, items, fns in (
            ("search", queries, (old_search, search)),
            ("classify", sample_titles, (old_classify, classify)),
        ):
            for item in items:
                for k, (fn, clear) in enumerate(
                    ((fns[0], old_clf.index.clear_caches), (fns[1], clf.index.clear_caches))
                ):
                    pairs[what][k].extend(timed(fn, [item], clear))
        for what, (a, b) in pairs.items():
            old[what], now[what] = summary(a), summary(b)
        progress(started, f"{label}: comparing answers")
        same = {
            "search": differing(answers(old_search, queries), answers(search, queries)),
            "classify": differing(
                answers(old_classify, sample_titles, old_clf.index.clear_caches),
                answers(classify, sample_titles, clf.index.clear_caches),
            ),
        }
        if label == "1x":
            all_titles = sorted(set(titles))
            same["classify_all_titles"] = differing(answers(old_classify, all_titles), answers(classify, all_titles))
            labels = rng.sample(sorted({t for _c, fld, t in index.fields if fld != "definition"}), 1000)
            for limit in (1, 5, 200):
                for kind in (None, "occupation", "minor"):
                    a = answers(lambda q, ix=old_index, n=limit, k=kind: ix.search(q, limit=n, kind=k), labels)
                    b = answers(lambda q, ix=index, n=limit, k=kind: ix.search(q, limit=n, kind=k), labels)
                    same[f"search_labels_limit{limit}_{kind or 'any'}"] = differing(a, b)
        report[label] = {"now": now, "before": old, "answers_differing": same}
        progress(started, f"{label}: {json.dumps(report[label])}")
    one, many = report["1x"], report[f"{args.factor}x"]
    if before is not None:
        one, many = one["now"], many["now"]  # type: ignore[index]
    report["ratio_10x_to_1x"] = {
        f"{k} {m}": round(many[k][m] / one[k][m], 2)  # type: ignore[index]
        for k in ("search", "classify")
        for m in ("median_ms", "p95_ms")
    }
    report["load_average_1_end"] = round(os.getloadavg()[0], 2)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""SHACL engines side by side on OccuGraph's own shapes: same results as pySHACL, and how fast.

Why: SHACL was the largest step of the build with pySHACL (issue 17). A faster engine may replace
it only if it reports exactly the same results, so this script compares every engine's results
with pySHACL's, result by result, on:

- ``real``: the graph the build validates (TBox + ABox of this checkout's sources);
- ``mutated-<seed>``: the real graph with deterministic faults injected into triples whose
  predicate a shape constrains (deleted values, extra values, wrong datatypes, wrong language
  tags, IRIs of the wrong class, values outside sh:in, broken code patterns), so every kind of
  constraint our shapes use actually fires;
- ``fixture-<name>``: the small fixture project of tests/data/valid/ with each fixture of
  tests/data/invalid/ applied that gets as far as SHACL, and the hand-built equivalence of
  tests/test_schools.py that breaks the schools shapes (including the SPARQL constraint).

A result is (focus node, path, value, severity, constraint component, message), the message as the
build reports it: the shape's own sh:message, or for shapes without one the build's wording of the
constraint (graph/build/pipeline.py:COMPONENT_MESSAGES), since engines word their default messages
differently ("Less than 1 values on ..." / "Fewer than 1 values on path ..."). Times are CPU and wall seconds
of the validation call only (input as N-Triples bytes / rdflib graphs as each engine takes them),
median of ``--reps`` runs, with the load average printed, because the machine is shared.

    .venv/bin/python bench/bench_shacl.py [--reps 3] [--mutations 3] [--engines pyshacl,turbo,shifty,rudof]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

import loadinfo  # noqa: E402
from rdflib import Graph, Literal, URIRef  # noqa: E402
from rdflib.namespace import RDF, SH, XSD  # noqa: E402

from graph.build.pipeline import compile_sources, read_ontology  # noqa: E402
from graph.build.triples import ntriples  # noqa: E402

Result = tuple[str, str, str, str, str, str]  # focus, path, value, severity, component, message


def machine() -> str:
    """Load average and this process's CPU time so far, printed with every table."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    la = os.getloadavg()
    return f"load average {la[0]:.2f} {la[1]:.2f} {la[2]:.2f}; CPU so far {ru.ru_utime + ru.ru_stime:.1f} s"


def _local(iri: object) -> str:
    s = str(iri or "")
    return s.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def from_report_graph(report: Graph, shapes: Graph | None = None) -> set[Result]:
    """Results as (focus, path, value, severity, component, message); with ``shapes``, the message
    as the build reports it (the shape's own sh:message, else the build's wording)."""
    from graph.build.pipeline import COMPONENT_MESSAGES

    custom = {str(m) for m in shapes.objects(None, SH.message)} if shapes is not None else None
    out = set()

    def _message(msg: object, component: str) -> str:
        if custom is None or (msg is not None and str(msg) in custom):
            return str(msg or "")
        return COMPONENT_MESSAGES.get(component, component)

    for r in report.subjects(RDF.type, SH.ValidationResult):
        path = report.value(r, SH.resultPath)
        out.add(
            (
                str(report.value(r, SH.focusNode)),
                "" if path is None or not isinstance(path, URIRef) else str(path),
                "" if report.value(r, SH.value) is None else report.value(r, SH.value).n3(),
                _local(report.value(r, SH.resultSeverity)),
                _local(report.value(r, SH.sourceConstraintComponent)),
                _message(report.value(r, SH.resultMessage), _local(report.value(r, SH.sourceConstraintComponent))),
            )
        )
    return out


def run_pyshacl(data_nt: bytes, shapes: Graph) -> set[Result]:
    from pyshacl import validate

    g = Graph()
    g.parse(data=data_nt, format="nt")
    _c, report, _t = validate(g, shacl_graph=shapes, inference="none", advanced=False, allow_warnings=True)
    return from_report_graph(report, shapes)


def run_turbo(data_nt: bytes, shapes: Graph) -> set[Result]:
    from pyshacl_turbo import validate

    _c, report, _t = validate(
        data_nt, shacl_graph=shapes, data_graph_format="nt", inference="none", allow_warnings=True
    )
    return from_report_graph(report, shapes)


def run_shifty(data_nt: bytes, shapes: Graph) -> set[Result]:
    import shifty

    _c, report, _t = shifty.validate(
        data_nt.decode("utf-8"), ntriples(shapes).decode("utf-8"), graph_mode="data", infer=False
    )
    return from_report_graph(report, shapes)


def run_rudof(data_nt: bytes, shapes: Graph) -> set[Result]:
    import pyrudof

    r = pyrudof.Rudof(pyrudof.RudofConfig())
    r.read_data(data_nt.decode("utf-8"), format=pyrudof.RDFFormat.NTriples)
    r.read_shacl(shapes.serialize(format="turtle"))
    r.validate_shacl()
    nt = r.serialize_shacl_validation_results(format=pyrudof.ResultShaclValidationFormat.NTriples)
    report = Graph()
    report.parse(data=nt, format="nt")
    return from_report_graph(report, shapes)


ENGINES: dict[str, tuple[str, Callable[[bytes, Graph], set[Result]]]] = {
    "pyshacl": ("pySHACL", run_pyshacl),
    "turbo": ("pyshacl-turbo", run_turbo),
    "shifty": ("pyshifty", run_shifty),
    "rudof": ("pyrudof", run_rudof),
}


# ----------------------------------------------------------------------------- data sets


def constrained_predicates(shapes: Graph) -> set[URIRef]:
    return {p for p in shapes.objects(None, SH.path) if isinstance(p, URIRef)}


def mutate(abox: Graph, shapes: Graph, tbox_nt: bytes, seed: int, n: int = 400) -> bytes:
    """The real graph with ``n`` deterministic faults in triples of constrained predicates."""
    rng = random.Random(seed)
    preds = constrained_predicates(shapes)
    candidates = sorted((t for t in abox if t[1] in preds), key=lambda t: (str(t[0]), str(t[1]), str(t[2])))
    iris = sorted({s for s, _p, _o in candidates}, key=str)
    g = Graph()
    for t in abox:
        g.add(t)
    for s, p, o in rng.sample(candidates, n):
        kind = rng.randrange(7)
        if kind == 0:  # a required value missing
            g.remove((s, p, o))
        elif kind == 1:  # one value too many
            g.add(
                (
                    s,
                    p,
                    Literal(f"{o} extra", lang=getattr(o, "language", None))
                    if isinstance(o, Literal)
                    else rng.choice(iris),
                )
            )
        elif kind == 2:  # wrong datatype
            g.remove((s, p, o))
            g.add((s, p, Literal("not a number", datatype=XSD.integer if rng.random() < 0.5 else XSD.date)))
        elif kind == 3:  # wrong or missing language tag
            if isinstance(o, Literal):
                g.remove((s, p, o))
                g.add((s, p, Literal(str(o), lang=rng.choice(["fr", None]))))
        elif kind == 4:  # an IRI of the wrong class
            g.remove((s, p, o))
            g.add((s, p, rng.choice(iris)))
        elif kind == 5:  # a value outside the allowed set / pattern
            g.remove((s, p, o))
            g.add((s, p, Literal(f"x{o}")))
        else:  # a literal where an IRI belongs
            g.remove((s, p, o))
            g.add((s, p, Literal(str(o))))
    return tbox_nt + ntriples(g)


def fixture_data() -> list[tuple[str, bytes, Graph]]:
    """Fixture projects whose faults reach SHACL, and the schools test graph."""
    from fixture_project import apply_invalid, fixture_readers, invalid_fixtures, make_project

    from graph.core.errors import BuildError

    out = []
    for case in invalid_fixtures():
        tmp = Path(tempfile.mkdtemp())
        try:
            project = make_project(tmp / "p")
            apply_invalid(project, case)
            try:
                c = compile_sources(project, reader_list=fixture_readers(project))
            except BuildError:
                continue  # stopped by the readers' own checks: SHACL never sees it
            out.append((f"fixture-{case.fixture.stem}", ntriples(c.tbox) + ntriples(c.abox), c.shapes))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    tmp = Path(tempfile.mkdtemp())
    try:
        project = make_project(tmp / "p")
        c = compile_sources(project, reader_list=fixture_readers(project))
        out.append(("fixture-valid", ntriples(c.tbox) + ntriples(c.abox), c.shapes))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    out.append(("schools-test-graph", *schools_graph()))
    return out


def schools_graph() -> tuple[bytes, Graph]:
    """The equivalence of tests/test_schools.py::test_shapes_catch_what_the_reader_would_never_write."""
    from rdflib import Namespace

    from graph.core.namespaces import OG

    tbox, shapes = read_ontology(ROOT)
    ID = Namespace("https://w3id.org/occugraph/id/")
    g = Graph()
    eq, cert = ID["credit-equivalence/x"], ID["onex-certificate/x"]
    fw, course = ID["credit-framework/f"], ID["course/s/c"]
    g.add((cert, RDF.type, OG.OnexCertificate))
    g.add((fw, RDF.type, OG.CreditFramework))
    g.add((course, RDF.type, OG.Course))
    g.add((eq, RDF.type, OG.CreditEquivalence))
    g.add((eq, OG.equivalenceSubject, cert))
    g.add((eq, OG.countsForCreditsIn, fw))
    g.add((eq, OG.creditAmount, Literal("2", datatype=XSD.decimal)))
    g.add((eq, OG.exemptsFrom, course))
    g.add((eq, OG.validFrom, Literal("2025-09-01", datatype=XSD.date)))
    g.add((eq, OG.decidedBy, Literal("x")))
    g.add((eq, OG.mappingJustification, URIRef("https://w3id.org/semapv/vocab/ManualMappingCuration")))
    g.add((eq, OG.equivalenceStatus, Literal("example")))
    return ntriples(tbox) + ntriples(g), shapes


# ----------------------------------------------------------------------------- comparison


def timed(fn: Callable[[], set[Result]]) -> tuple[set[Result] | Exception, float, float]:
    w, c = time.perf_counter(), time.process_time()
    try:
        out: set[Result] | Exception = fn()
    except Exception as exc:  # an engine that cannot read our shapes is a result too
        out = exc
    return out, time.perf_counter() - w, time.process_time() - c


def compare(ref: set[Result], got: set[Result]) -> tuple[bool, bool, str]:
    """(identical, identical without messages, a sample of the differences)."""
    if ref == got:
        return True, True, ""
    strip = lambda rs: {r[:5] for r in rs}  # noqa: E731
    same_wo_msg = strip(ref) == strip(got)
    missing, extra = sorted(ref - got), sorted(got - ref)
    sample = f"missing {len(missing)} e.g. {missing[:1]}; extra {len(extra)} e.g. {extra[:1]}"
    return False, same_wo_msg, sample


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=3, help="timed runs per engine on the real data")
    ap.add_argument("--mutations", type=int, default=3, help="mutated copies of the real data")
    ap.add_argument("--engines", default="pyshacl,turbo,shifty,rudof")
    ap.add_argument("--no-fixtures", action="store_true")
    args = ap.parse_args(argv)
    loadinfo.start("bench_shacl")
    engines = [e for e in args.engines.split(",") if e]
    print(f"# SHACL engines ({machine()})")
    c = compile_sources(ROOT)
    tbox_nt = ntriples(c.tbox)
    data_nt, shapes, abox = tbox_nt + ntriples(c.abox), c.shapes, c.abox
    sets: list[tuple[str, bytes, Graph]] = [("real", data_nt, shapes)]
    for seed in range(1, args.mutations + 1):
        sets.append((f"mutated-{seed}", mutate(abox, shapes, tbox_nt, seed), shapes))
    if not args.no_fixtures:
        sets += fixture_data()
    n_real = data_nt.count(b"\n")
    print(f"{len(sets)} data sets; real data {n_real} triples\n")

    timings: dict[str, list[tuple[float, float]]] = {e: [] for e in engines}
    print("| data set | results (pySHACL) | " + " | ".join(ENGINES[e][0] for e in engines if e != "pyshacl") + " |")
    print("|---|---:|" + "---|" * (len(engines) - 1))
    all_same = {e: True for e in engines}
    for name, nt, shp in sets:
        reps = args.reps if name == "real" else 1
        outcome: dict[str, set[Result] | Exception] = {}
        for e in engines:
            for _ in range(reps):
                res, wall, cpu = timed(lambda e=e, nt=nt, shp=shp: ENGINES[e][1](nt, shp))
                if name == "real":
                    timings[e].append((wall, cpu))
            outcome[e] = res
        ref = outcome.get("pyshacl")
        cells = []
        for e in engines:
            if e == "pyshacl":
                continue
            got = outcome[e]
            if isinstance(got, Exception) or isinstance(ref, Exception) or ref is None:
                cells.append(f"error: {str(got)[:80]}" if isinstance(got, Exception) else "no reference")
                all_same[e] = False
                continue
            same, same_wo, sample = compare(ref, got)
            all_same[e] &= same
            cells.append("identical" if same else ("same except messages" if same_wo else f"DIFFERENT: {sample[:160]}"))
        n_ref = len(ref) if isinstance(ref, set) else "error"
        print(f"| {name} | {n_ref} | " + " | ".join(cells) + " |")
    print()
    print("| engine | wall s (median) | CPU s (median) | identical on every data set |")
    print("|---|---:|---:|---|")
    for e in engines:
        ts = timings[e]
        w = statistics.median(t[0] for t in ts) if ts else float("nan")
        cp = statistics.median(t[1] for t in ts) if ts else float("nan")
        print(f"| {ENGINES[e][0]} | {w:.2f} | {cp:.2f} | {'reference' if e == 'pyshacl' else all_same[e]} |")
    print(f"\n({machine()})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The build: ontology/ + standards/ -> validated store in var/ and deterministic dumps in dist/.

Order matters for safety: everything is read, validated (source checks, SHACL, QC rules at
ERROR) and written to new files first; only then are the dist/ and store symlinks swapped
(dist/ points at var/dists/<build-id>/, so the dumps change together or not at all). A failure or
a kill at any earlier point leaves the previous build intact.

``compile_sources`` (read and check the sources) and ``shacl_results`` are also what
``occugraph validate`` runs (graph/workflow/validate.py), so both report the same problems.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import os
import secrets
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import RDF, SH, Graph
from rdflib.term import Node

from graph.build import build_cache, closure, superproperties
from graph.build.context import BuildContext, Reader
from graph.build.documents import api_documents
from graph.build.downloads import occupations_csv
from graph.build.dump_process import LOWER_PRIORITY, DumpProcess, remove_leftovers
from graph.build.journal import recover_sources
from graph.build.locations import LocatingGraph, SourceMap
from graph.build.qc import edition_counts, render_report, run_rules
from graph.build.shape_reach import keep_reachable, reach
from graph.build.sources import readers
from graph.build.triples import fast_graph, ntriple_lines, ntriples
from graph.build.tsv import SourceErrors
from graph.core.errors import BuildError, SourceError
from graph.core.faults import checkpoint
from graph.core.namespaces import DATA_GRAPH, ONTOLOGY_GRAPH, ONTOLOGY_IRI, SETTINGS_GRAPH
from graph.core.paths import project_root
from graph.store import documents, settings
from graph.store.embedded import EmbeddedStore, dumps_folder, load_new_store, swap_in


@dataclass
class BuildResult:
    store_path: Path
    dist: Path
    triples: int
    qc_counts: dict[str, int]
    warnings: int
    stamp: VersionStamp | None = None
    reused: bool = False  # --publish found the identical build already served


@dataclass(frozen=True)
class VersionStamp:
    """What the ontology header says this graph is: a release, or a build of the working tree."""

    version_info: str
    version_iri: str
    release: str = ""  # the release name (v2) when this is a release
    issued: str = ""  # the release date
    prior: str = ""  # the previous release's version IRI
    notes: str = ""  # the release's CHANGELOG entry (Markdown)

    def as_json(self) -> bytes:
        import json

        data = {
            "version": self.release or None,
            "version_info": self.version_info,
            "version_iri": self.version_iri,
            "issued": self.issued or None,
            "prior_version": self.prior or None,
            "release_notes": self.notes or None,
        }
        return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def stamp_header(tbox: Graph, stamp: VersionStamp) -> Graph:
    """A copy of the TBox whose ontology header carries ``stamp`` (the only writer of
    owl:versionInfo / owl:versionIRI: ontology/*.ttl does not type them by hand)."""
    from rdflib import OWL, Literal, URIRef
    from rdflib.namespace import DCTERMS, XSD

    g = Graph()
    for t in tbox:
        g.add(t)
    ont = URIRef(ONTOLOGY_IRI)
    for p in (OWL.versionInfo, OWL.versionIRI, OWL.priorVersion, DCTERMS.issued):
        g.remove((ont, p, None))
    g.add((ont, OWL.versionIRI, URIRef(stamp.version_iri)))
    g.add((ont, OWL.versionInfo, Literal(stamp.version_info)))
    if stamp.issued:
        g.add((ont, DCTERMS.issued, Literal(stamp.issued, datatype=XSD.date)))
    if stamp.prior:
        g.add((ont, OWL.priorVersion, URIRef(stamp.prior)))
    return g


Step = Callable[[str], Callable[[str], None]]  # a step's name -> its "done(detail)"


class _Progress:
    """Print each step as it starts and how long it took (wall and this thread's CPU: on a shared
    machine the wall time says more about the neighbours than about the step), so a slow step is
    visible. Steps run in a thread (``Background``) are reported when the build waits for them,
    with their own times; they overlap the steps printed meanwhile."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet

    def __call__(self, name: str) -> Callable[[str], None]:
        started, cpu = time.perf_counter(), time.thread_time()
        if not self.quiet:
            print(f"  {name} ...", end="", file=sys.stderr, flush=True)

        def done(detail: str = "") -> None:
            if not self.quiet:
                took, used = time.perf_counter() - started, time.thread_time() - cpu
                print(f" {detail} ({took:.2f}s, CPU {used:.2f}s)", file=sys.stderr, flush=True)

        return done

    def report(self, name: str, took: float, used: float, where: str = "a thread", detail: str = "") -> None:
        if not self.quiet:
            detail = f" ... {detail}" if detail else ""
            print(f"  {name}, in {where} alongside{detail} ({took:.2f}s, CPU {used:.2f}s)", file=sys.stderr, flush=True)


def sorted_ntriples(g: Graph) -> bytes:
    """Canonical N-Triples: one triple per line, sorted; no blank nodes in our data, so the same
    input always gives the same bytes (graph/build/triples.py writes them)."""
    return ntriples(g)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while the build runs, as it was before afterwards.

    The build makes millions of objects that live to its end (terms, triples, index dicts, rows),
    and every few hundred thousand allocations the collector walks all of them again: 12 full
    collections during the read, about 2 s of its 5 s of CPU, for 38k objects freed (issue 17,
    docs/benchmarks.md). Reference counting still frees everything that is not in a cycle; what
    is, is collected once the collector runs again after the build."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass
class Compiled:
    """What the sources say, read and checked by the readers but not yet by SHACL or QC."""

    root: Path
    tbox: Graph
    shapes: Graph
    abox: Graph
    ctx: BuildContext


def compile_sources(
    root: Path,
    step: Callable[[str], Callable[[str], None]] | None = None,
    reader_list: list[tuple[str, Reader]] | None = None,
) -> Compiled:
    """Read ontology/ and standards/ into graphs, remembering where each triple came from, and
    add the generated transitive closures (graph/build/closure.py) and the DCMI/PROV triples the
    og: sub-properties stand for (graph/build/superproperties.py).

    First finishes or rolls back an approval that was killed half-way (graph/build/journal.py),
    so no command ever reads sources an editor has not approved.

    Raises BuildError with every located root problem the readers found, each carrying the
    problems it caused (graph/build/causes.py). ``reader_list`` replaces
    the registered readers (tests use it to read a fixture project with fewer file sets).
    """
    with gc_paused():
        return _compile_sources(root, step or _Progress(True), reader_list)


def read_ontology(root: Path) -> tuple[Graph, Graph]:
    """The TBox (ontology/*.ttl) and the SHACL shapes (ontology/shapes/*.ttl) of a project; a file
    that does not parse is a BuildError at its line."""
    tbox = fast_graph()
    shapes = Graph()
    for ttl in sorted((root / "ontology").glob("*.ttl")):
        _parse(tbox, ttl)
    for ttl in sorted((root / "ontology" / "shapes").glob("*.ttl")):
        _parse(shapes, ttl)
    return tbox, shapes


def _compile_sources(root: Path, step: Step, reader_list: list[tuple[str, Reader]] | None) -> Compiled:
    for line in recover_sources(root):  # an approval killed half-way must not be read (journal.py)
        print(f"occugraph: {line}", file=sys.stderr)
    done = step("reading ontology")
    tbox, shapes = read_ontology(root)
    done(f"{len(tbox)} TBox triples, {len(shapes)} shape triples")

    ctx = BuildContext()
    abox = LocatingGraph(ctx.locations)
    problems: list[SourceError] = []
    for folder, reader in readers() if reader_list is None else reader_list:
        done = step(f"reading standards/{folder}")
        before = len(abox)
        try:
            with ctx.locations.reading(os.path.relpath(root / "standards" / folder)):
                reader(root / "standards" / folder, abox, ctx)
        except SourceErrors as exc:
            problems.extend(exc.errors)
        except SourceError as exc:
            problems.append(exc)
        done(f"{len(abox) - before} triples")
    if problems:
        roots = ctx.causes.trace(problems)
        raise BuildError(f"{len(roots)} problem(s) in the sources", roots)
    done = step("materialising transitive closures")
    done(_per_property(closure.materialise(abox)))
    done = step("writing the DCMI/PROV triples of og: sub-properties")
    done(_per_property(superproperties.materialise(tbox, abox)))
    return Compiled(root, tbox, shapes, abox, ctx)


@dataclass(frozen=True)
class ShaclResult:
    """One SHACL validation result, with the terms kept so it can be traced to a source row."""

    focus: Node
    path: Node | None
    value: Node | None
    message: str
    severity: str  # Violation, Warning or Info

    def line(self) -> str:
        return f"{self.focus} {self.path or ''}: {self.message}"

    def located(self, locations: SourceMap) -> SourceError:
        """As a SourceError at the source row the offending triple (or entity) came from."""
        loc = locations.locate(self.focus, self.path, self.value)
        if loc is None:
            return SourceError("ontology/shapes", 0, self.line())
        value = f" (value {self.value})" if self.value is not None else ""
        return SourceError(loc.path, loc.line, f"{self.focus} {self.path or ''}: {self.message}{value}")


# What an editor reads for a constraint whose shape gives no sh:message of its own. Engines word
# their default messages differently ("Less than 1 values on <x>->og:p" / "Fewer than 1 values on
# path <...>"); the build says it in one way of its own, so the message does not depend on the engine.
COMPONENT_MESSAGES = {
    "MinCountConstraintComponent": "a required value is missing",
    "MaxCountConstraintComponent": "more values than allowed",
    "DatatypeConstraintComponent": "value of the wrong datatype",
    "ClassConstraintComponent": "value is not of the required class",
    "PatternConstraintComponent": "value does not match the required pattern",
    "InConstraintComponent": "value is not one of the allowed values",
    "LanguageInConstraintComponent": "language tag not allowed",
    "UniqueLangConstraintComponent": "more than one value in the same language",
    "HasValueConstraintComponent": "the required value is missing",
    "MinInclusiveConstraintComponent": "value below the minimum",
    "MinExclusiveConstraintComponent": "value not above the minimum",
    "MaxInclusiveConstraintComponent": "value above the maximum",
    "LessThanOrEqualsConstraintComponent": "value greater than the one it must not exceed",
    "OrConstraintComponent": "none of the allowed alternatives holds",
    "XoneConstraintComponent": "not exactly one of the alternatives holds",
    "SPARQLConstraintComponent": "SPARQL constraint violated",
}


def shacl_results(
    data: Graph | bytes, shapes: Graph, tbox: Graph | bytes, reachable_only: bool = True
) -> list[ShaclResult]:
    """All SHACL results, sorted, with the TBox alongside the data (so targetClass reaches subclasses).

    The engine is pyshifty (the Rust "shifty" engine): on our shapes it reports the same results
    as pySHACL, which took a third of the build, at a quarter of its CPU time
    (bench/bench_shacl.py compares every result on the real data, mutated copies and the invalid
    fixtures; docs/benchmarks.md). ``data`` and ``tbox`` may be graphs or the sorted N-Triples the
    build writes anyway. A shape's own sh:message is kept; otherwise the message is the build's
    wording of the constraint (COMPONENT_MESSAGES), not the engine's.

    The engine gets only the data triples a shape can read (``graph/build/shape_reach.py``: half of
    the real graph's lines, 29 % less CPU); ``reachable_only=False`` gives it every triple, for
    the test that shows the results are the same.
    """
    import shifty

    data_nt = data if isinstance(data, bytes) else ntriples(data)
    if reachable_only:
        data_nt = keep_reachable(data_nt, reach(shapes))
    tbox_nt = tbox if isinstance(tbox, bytes) else ntriples(tbox)
    shapes_nt = ntriples(shapes)
    # the data as an .nt file: pyshifty reads a file with its N-Triples parser, where text in
    # memory goes through its Turtle parser after a copy (about 1 s of CPU less, issue 17)
    with tempfile.TemporaryDirectory(prefix="occugraph-shacl-") as tmp:
        data_file = Path(tmp) / "data.nt"
        with data_file.open("wb") as fh:
            fh.write(tbox_nt)
            fh.write(data_nt)
        conforms, report, _text = shifty.validate(data_file, shapes_nt.decode("utf-8"), graph_mode="data", infer=False)
    if conforms:
        return []
    return results_of(report, shapes)


def results_of(report: Graph, shapes: Graph) -> list[ShaclResult]:
    """The results of a SHACL validation report graph, with messages as the build words them."""
    custom = {str(m) for m in shapes.objects(None, SH.message)}
    results = set()
    for r in report.subjects(RDF.type, SH.ValidationResult):
        msg = report.value(r, SH.resultMessage)
        if msg is None or str(msg) not in custom:
            component = str(report.value(r, SH.sourceConstraintComponent) or "").rsplit("#", 1)[-1]
            msg = COMPONENT_MESSAGES.get(component, component or "shape violated")
        sev = report.value(r, SH.resultSeverity)
        results.add(
            ShaclResult(
                report.value(r, SH.focusNode),
                report.value(r, SH.resultPath),
                report.value(r, SH.value),
                str(msg),
                str(sev).rsplit("#", 1)[-1],
            )
        )
    return sorted(results, key=lambda r: (r.line(), str(r.value)))


def build(
    root: Path | None = None,
    var_dir: Path | None = None,
    dist: Path | None = None,
    quiet: bool = False,
    stamp: VersionStamp | None = None,
    expect_ntriples: Path | None = None,
    reuse: bool = False,
    keep: bool = False,
) -> BuildResult:
    """Build and swap in. ``stamp`` (a release's) replaces the working-tree version header;
    ``expect_ntriples`` (the release's occugraph.nt) makes the build refuse to swap in anything
    but exactly those triples, and reuse the served build when it already is exactly that.

    With ``keep`` a build that passed its checks is kept under the sha256 of its inputs (sources,
    code, packages: graph/build/build_cache.py); with ``reuse`` a build whose inputs are byte for
    byte those of the kept build swaps in a copy of it instead of making it again. ``occugraph
    build`` keeps and reuses, ``--rebuild`` only keeps; releases always build and keep nothing."""
    root = root or project_root()
    var_dir = var_dir or root / "var"
    dist = dist or root / "dist"
    step = _Progress(quiet)
    remove_leftovers(var_dir)
    key = None
    if (reuse or keep) and stamp is None and expect_ntriples is None:
        for line in recover_sources(root):  # the key must be of the sources the build would read
            print(f"occugraph: {line}", file=sys.stderr)
        done = step("hashing the sources, code and packages")
        key = build_cache.input_key(root)
        kept = build_cache.find(var_dir, key) if reuse else None
        done(f"{key[:16]}: " + ("a build of exactly these passed its checks" if kept else "building"))
        if kept is not None:
            return _reuse(kept, var_dir, dist, step)
        if not keep:
            key = None
    # started first, before any Rust thread runs: its imports overlap the reading (dump_process.py)
    with DumpProcess() as dump_process, gc_paused():
        return _build(root, var_dir, dist, step, stamp, expect_ntriples, dump_process, key)


def _reuse(kept: build_cache.Entry, var_dir: Path, dist: Path, step: Step) -> BuildResult:
    """Swap in a copy of a kept build (its store folder and dumps), as a build swaps in its own:
    new folders, the same fault checkpoints, nothing switched before both are complete."""
    meta = kept.meta()
    done = step("copying the kept build (reader checks, SHACL and QC rules passed on these inputs)")
    new_store = var_dir / "stores" / f"{meta['digest'][:16]}-{os.getpid()}-{secrets.token_hex(4)}"
    new_dist = dumps_folder(new_store)
    staging = new_dist.parent / f".staging-{new_store.name}"
    try:
        new_store.parent.mkdir(parents=True, exist_ok=True)
        build_cache.copy_folder(kept.store, new_store)
        checkpoint("build:store-loaded")
        new_dist.parent.mkdir(parents=True, exist_ok=True)
        build_cache.copy_folder(kept.dist, staging, link_all=True)
        os.chmod(staging, 0o755)
        os.replace(staging, new_dist)
        checkpoint("build:dist-staged")
    except BaseException:
        for folder in (new_store, staging, new_dist):
            shutil.rmtree(folder, ignore_errors=True)
        raise
    done(f"{meta['triples']} triples, {meta['stamp']['version_info']}")
    done = step("switching to the new dumps and store")
    _swap_dist(dist, new_dist)
    checkpoint("build:dist-swapped")
    swap_in(var_dir, new_store)
    done()
    return BuildResult(
        var_dir / "store", dist, meta["triples"], meta["qc_counts"], meta["warnings"], VersionStamp(**meta["stamp"])
    )


def _build(
    root: Path,
    var_dir: Path,
    dist: Path,
    step: Step,
    stamp: VersionStamp | None,
    expect_ntriples: Path | None,
    dump_process: DumpProcess,
    key: str | None = None,
) -> BuildResult:
    compiled = compile_sources(root, step)
    tbox, shapes, abox, ctx = compiled.tbox, compiled.shapes, compiled.abox, compiled.ctx

    done = step("serialising")
    abox_lines = ntriple_lines(abox)
    abox_nt = b"".join(abox_lines)
    if stamp is None:
        from graph.core.version import build_version

        digest = hashlib.sha256(sorted_ntriples(tbox))
        digest.update(abox_nt)
        stamp = VersionStamp(*build_version(digest.hexdigest()))
    tbox_lines = ntriple_lines(stamp_header(tbox, stamp))
    tbox_nt = b"".join(tbox_lines)
    # both sorted already: the sort merges two runs (no line holds a raw newline or CR)
    all_nt = b"".join(sorted(tbox_lines + abox_lines))
    del abox_lines, tbox_lines
    n_triples = all_nt.count(b"\n")
    done(f"{n_triples} triples, {stamp.version_info}")

    # SHACL (pyshifty) and the store's bulk load (pyoxigraph, RocksDB) are Rust that lets go of the
    # GIL, so they run in threads, and the dumps and documents that need only the N-Triples are made
    # in a process of their own (dump_process.py), while this thread runs the QC rules and the API
    # documents on the loaded store (issue 17). This thread asks for SHACL's outcome as late as it
    # can (before anything is written from the QC rules' results), so that it waits for SHACL only
    # when nothing else is left. Nothing is swapped in before SHACL has passed, and its violations
    # are reported before anything a later step found, as before.
    # SHACL and the dump process yield the CPU to this process's chain (the load, then the QC
    # rules and API documents), which was the last to finish: see Background and LOWER_PRIORITY
    shacl = Background("validating with SHACL", shacl_results, abox_nt, shapes, tbox_nt, lower_priority=True)

    @functools.cache  # the outcome is worked out once; its warnings are noted once
    def shacl_failure() -> BuildError | None:
        """Wait for SHACL; its violations (located at their source rows) as an error, or None
        once its warnings are noted."""
        results = shacl.result(step)
        violations = [r for r in results if r.severity == "Violation"]
        if violations:
            return BuildError(
                f"SHACL: {len(violations)} violation(s)", [r.located(ctx.locations) for r in violations[:200]]
            )
        for w in sorted(r.line() for r in results if r.severity != "Violation"):
            ctx.note("SHACL warnings", w)
        return None

    def shacl_passed() -> None:
        """Raise SHACL's violations, if any (waiting for it)."""
        failure = shacl_failure()
        if failure is not None:
            raise failure

    if expect_ntriples is not None:
        shacl_passed()
        if all_nt != expect_ntriples.read_bytes():
            raise BuildError(
                f"the sources are not those of release {stamp.release}: the build differs from "
                f"{expect_ntriples} (check out the release's sources to publish it); nothing was changed"
            )
        served = dist / "version.json"
        if (dist / "occugraph.nt").is_file() and served.is_file() and (var_dir / "store").exists():
            if served.read_bytes() == stamp.as_json() and (dist / "occugraph.nt").read_bytes() == all_nt:
                return BuildResult(var_dir / "store", dist, n_triples, {}, 0, stamp, reused=True)

    # unique per run: an id from the content alone (or content + pid, which gets reused) would
    # name the live store when nothing changed, and loading would then overwrite it in place
    all_nt_digest = hashlib.sha256(all_nt).hexdigest()  # the build id's start, and the kept build's (meta.json)
    build_id = f"{all_nt_digest[:16]}-{os.getpid()}-{secrets.token_hex(4)}"
    graphs = [(ONTOLOGY_GRAPH, tbox_nt), (DATA_GRAPH, abox_nt), (SETTINGS_GRAPH, settings.triples(ctx.settings))]
    new_store = var_dir / "stores" / build_id
    loading = Background("loading the new store", load_new_store, var_dir, build_id, graphs)
    try:
        dump_process.submit(all_nt, var_dir)
        loading.result(step)
        checkpoint("build:store-loaded")

        done = step("running QC rules")
        store = EmbeddedStore(store=ox.Store.read_only(str(new_store)))
        try:
            results = run_rules(store, root / "ontology" / "qc")
        except SourceError as exc:  # the profile or a rule's query: at its file, as validate gives it
            raise BuildError("the QC rules cannot run", [exc]) from None
        counts = {ed: edition_counts(store, ed) for ed in ("2022", "live")}
        occupations = occupations_csv(store)
        qc_counts = {r.rule: len(r.rows) for r in results}
        errors = [r for r in results if r.severity == "ERROR" and r.rows]
        done(", ".join(f"{r.rule}={len(r.rows)}" for r in results if r.rows) or "all pass")
        if errors:
            shacl_passed()  # SHACL's violations come first
            raise BuildError(
                "QC rules at ERROR failed",
                [
                    SourceError(f"ontology/qc/{r.rule}-violation.rq", 0, f"{len(r.rows)} row(s), e.g. {r.rows[0]}")
                    for r in errors
                ],
            )

        done = step("precomputing the occupations' API documents")
        api_docs = api_documents(store)
        del store
        done(f"{len(api_docs)} documents")

        dumps, linked_data = dump_process.result(step)
        shacl_passed()  # before the QC report is written: it lists SHACL's warnings
        done = step("writing the documents and dumps")
        n_docs = documents.write(new_store, api_docs, written=linked_data)
        files = {
            "occugraph.nt": all_nt,
            **dumps,
            "qc-report.md": render_report(results, counts, ctx.notes, ctx.official_totals.get("2022", {})).encode(
                "utf-8"
            ),
            "occupations.csv": occupations,
            "version.json": stamp.as_json(),
        }
        new_dist = _stage_dist(new_store, files)
        done(f"{n_docs} documents; " + ", ".join(sorted(files)))
        checkpoint("build:dist-staged")
    except BaseException as failure:
        loading.wait()  # the load must not write into a folder being removed
        shutil.rmtree(new_store, ignore_errors=True)
        if "new_dist" in locals():
            shutil.rmtree(new_dist, ignore_errors=True)
        if isinstance(failure, Exception):
            shacl_passed()  # SHACL's violations come first, as when it ran before everything else
        raise

    warnings = sum(len(r.rows) for r in results if r.severity == "WARN")
    if key is not None:  # kept before the swap: a server cannot have changed this store yet
        done = step("keeping this build for a rebuild of the same inputs")
        meta = {
            "digest": all_nt_digest,
            "triples": n_triples,
            "qc_counts": qc_counts,
            "warnings": warnings,
            "stamp": asdict(stamp),
        }
        try:
            build_cache.keep(var_dir, key, new_store, new_dist, meta)
            done(f"var/cache/build/{key[:16]}")
        except OSError as exc:  # only a rebuild is slower without it
            done(f"not kept: {exc}")

    done = step("switching to the new dumps and store")
    _swap_dist(dist, new_dist)
    checkpoint("build:dist-swapped")
    swap_in(var_dir, new_store)
    done()
    return BuildResult(var_dir / "store", dist, n_triples, qc_counts, warnings, stamp)


class Background:
    """One build step run in a thread: for steps whose work is done in Rust with the GIL let go
    (pyshifty's validation, pyoxigraph's bulk load), so that they use the second core.

    With ``lower_priority`` the thread (and any thread it starts) runs at a nice value
    ``LOWER_PRIORITY`` above the build's, on Linux, where a thread has a nice value of its own.

    ``result`` waits, prints the step's progress line (its own wall and thread CPU time) and
    returns its value or raises its exception."""

    def __init__(self, name: str, fn: Callable[..., Any], *args: Any, lower_priority: bool = False) -> None:
        self.name = name
        self._value: Any = None
        self._error: BaseException | None = None
        self._times = (0.0, 0.0)
        self._reported = False
        self._lower = lower_priority
        self._thread = threading.Thread(target=self._run, args=(fn, args), name=name, daemon=True)
        self._thread.start()

    def _run(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        if self._lower:
            lower_thread_priority()
        started, cpu = time.perf_counter(), time.thread_time()
        try:
            self._value = fn(*args)
        except BaseException as exc:  # re-raised in the thread that asks for the result
            self._error = exc
        self._times = (time.perf_counter() - started, time.thread_time() - cpu)

    def wait(self) -> None:
        self._thread.join()

    def result(self, step: Callable[[str], Callable[[str], None]] | None = None) -> Any:
        self._thread.join()
        if step is not None and not self._reported:
            self._reported = True
            report = getattr(step, "report", None)
            if report is not None:
                report(self.name, *self._times)
        if self._error is not None:
            raise self._error
        return self._value


def lower_thread_priority() -> None:
    """Raise the calling thread's nice value by ``LOWER_PRIORITY`` (Linux: a thread's own; no-op
    elsewhere, where the call would apply to the whole process)."""
    if sys.platform != "linux":
        return
    tid = threading.get_native_id()
    try:
        os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + LOWER_PRIORITY)
    except OSError:  # not allowed here: run as before
        pass


def _per_property(counts: dict[str, int]) -> str:
    """Triples written per property, for the progress line: "2101 broaderTransitive, ..."."""
    return ", ".join(f"{n} {iri.rsplit('/', 1)[-1].rsplit('#', 1)[-1]}" for iri, n in counts.items())


def _stage_dist(new_store: Path, files: dict[str, bytes]) -> Path:
    """Write the dumps and their SHA256SUMS to a new folder var/dists/<build-id>/, the store's
    own dumps folder (graph/store/embedded.py:dumps_folder), where the server finds them."""
    target = dumps_folder(new_store)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=target.parent))
    os.chmod(staging, 0o755)  # mkdtemp makes it private; the dumps are for everyone to read
    for name, content in files.items():
        (staging / name).write_bytes(content)
    sums = "".join(f"{hashlib.sha256(c).hexdigest()}  {n}\n" for n, c in sorted(files.items()))
    (staging / "SHA256SUMS").write_text(sums, encoding="utf-8")
    os.replace(staging, target)
    return target


def _swap_dist(dist: Path, new_dist: Path) -> None:
    """Point the dist symlink at ``new_dist`` in one atomic step, then drop older dumps.

    A dist/ that is still a plain folder (made by an older build) is moved aside once first.
    """
    dist.parent.mkdir(parents=True, exist_ok=True)
    if dist.exists() and not dist.is_symlink():
        os.replace(dist, new_dist.parent / f".old-dist-{os.getpid()}")
    tmp = dist.parent / f".dist-link-{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(os.path.relpath(new_dist, dist.parent), tmp)
    os.replace(tmp, dist)
    for old in new_dist.parent.iterdir():
        if old.resolve() != new_dist.resolve():
            shutil.rmtree(old, ignore_errors=True)


def _parse(g: Graph, path: Path) -> None:
    try:
        g.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises several parser exception types
        lines = getattr(exc, "lines", None)  # rdflib's BadSyntax counts lines from 0
        line = int(lines) + 1 if isinstance(lines, int) else 0
        raise BuildError(f"cannot parse {path}", [SourceError(str(path), line, str(exc).strip())]) from None

"""The build: ontology/ + standards/ -> validated store in var/ and deterministic dumps in dist/.

Order matters for safety: everything is read, validated (source checks, SHACL, QC rules at
ERROR) and written to new files first; only then are the dumps moved into dist/ and the store
symlink swapped. A failure or a kill at any earlier point leaves the previous build intact.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from graph.errors import BuildError, SourceError
from graph.namespaces import BASE, DATA_GRAPH, ONTOLOGY_GRAPH
from graph.qc import edition_counts, render_report, run_rules
from graph.sources import BuildContext, readers
from graph.store import EmbeddedStore, load_new_store, project_root, swap_in
from graph.tsv import SourceErrors

PREFIXES = {
    "og": BASE + "ontology/",
    "occ": BASE + "id/occupation/",
    "grp": BASE + "id/group/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
}


@dataclass
class BuildResult:
    store_path: Path
    dist: Path
    triples: int
    qc_counts: dict[str, int]
    warnings: int


def _progress(quiet: bool) -> Callable[[str], Callable[[str], None]]:
    """Print each step as it starts and how long it took, so a slow step is visible."""
    def step(name: str) -> Callable[[str], None]:
        started = time.perf_counter()
        if not quiet:
            print(f"  {name} ...", end="", file=sys.stderr, flush=True)

        def done(detail: str = "") -> None:
            if not quiet:
                took = time.perf_counter() - started
                print(f" {detail} ({took:.2f}s)", file=sys.stderr, flush=True)
        return done
    return step


def sorted_ntriples(g: Graph) -> bytes:
    """Canonical N-Triples: one triple per line, sorted; no blank nodes in our data, so the same
    input always gives the same bytes."""
    lines = g.serialize(format="nt", encoding="utf-8").splitlines(keepends=True)
    lines = [line for line in lines if line.strip()]
    lines.sort()
    return b"".join(lines)


def turtle(ntriples: bytes) -> bytes:
    """Turtle from sorted N-Triples: subjects grouped in sorted order, with prefixes."""
    triples = ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)


def _shacl(data: Graph, shapes: Graph, tbox: Graph) -> tuple[list[str], list[str]]:
    """(violations, warnings) as readable lines.

    The TBox is added to the data graph for the run and removed after, rather than passed as
    pySHACL's ``ont_graph``: that option copies the whole data graph first, which took 3 of the
    build's seconds. Shapes need the TBox so that targetClass reaches subclasses.
    """
    from pyshacl import validate

    added = [t for t in tbox if t not in data]
    for t in added:
        data.add(t)
    try:
        conforms, report_graph, _text = validate(
            data, shacl_graph=shapes, inference="none", advanced=False, allow_warnings=True
        )
    finally:
        for t in added:
            data.remove(t)
    if conforms:
        return [], []
    q = """
    PREFIX sh: <http://www.w3.org/ns/shacl#>
    SELECT ?focus ?path ?msg ?sev WHERE {
      ?r a sh:ValidationResult ; sh:focusNode ?focus ; sh:resultSeverity ?sev .
      OPTIONAL { ?r sh:resultPath ?path } OPTIONAL { ?r sh:resultMessage ?msg }
    }"""
    violations, warnings = [], []
    for focus, path, msg, sev in report_graph.query(q):
        line = f"{focus} {path or ''}: {msg or 'shape violated'}"
        (violations if str(sev).endswith("Violation") else warnings).append(line)
    return sorted(violations), sorted(warnings)


def build(
    root: Path | None = None,
    var_dir: Path | None = None,
    dist: Path | None = None,
    quiet: bool = False,
) -> BuildResult:
    root = root or project_root()
    var_dir = var_dir or root / "var"
    dist = dist or root / "dist"
    step = _progress(quiet)

    done = step("reading ontology")
    tbox = Graph()
    shapes = Graph()
    for ttl in sorted((root / "ontology").glob("*.ttl")):
        _parse(tbox, ttl)
    for ttl in sorted((root / "ontology" / "shapes").glob("*.ttl")):
        _parse(shapes, ttl)
    done(f"{len(tbox)} TBox triples, {len(shapes)} shape triples")

    ctx = BuildContext()
    abox = Graph()
    problems: list[SourceError] = []
    for folder, reader in readers():
        done = step(f"reading standards/{folder}")
        before = len(abox)
        try:
            reader(root / "standards" / folder, abox, ctx)
        except SourceErrors as exc:
            problems.extend(exc.errors)
        except SourceError as exc:
            problems.append(exc)
        done(f"{len(abox) - before} triples")
    if problems:
        raise BuildError(f"{len(problems)} problem(s) in the sources", problems)

    done = step("validating with SHACL")
    violations, warnings = _shacl(abox, shapes, tbox)
    done(f"{len(violations)} violations, {len(warnings)} warnings")
    if violations:
        raise BuildError(
            f"SHACL: {len(violations)} violation(s)",
            [SourceError("ontology/shapes", 0, v) for v in violations[:200]],
        )
    for w in warnings:
        ctx.note("SHACL warnings", w)

    done = step("serialising")
    tbox_nt = sorted_ntriples(tbox)
    abox_nt = sorted_ntriples(abox)
    all_nt = b"".join(sorted((tbox_nt + abox_nt).splitlines(keepends=True)))
    n_triples = all_nt.count(b"\n")
    done(f"{n_triples} triples")

    build_id = hashlib.sha256(all_nt).hexdigest()[:16] + f"-{os.getpid()}"
    done = step("loading the new store")
    new_store = load_new_store(var_dir, build_id, [(ONTOLOGY_GRAPH, tbox_nt), (DATA_GRAPH, abox_nt)])
    done(str(new_store.relative_to(var_dir)))

    try:
        done = step("running QC rules")
        store = EmbeddedStore(store=ox.Store.read_only(str(new_store)))
        results = run_rules(store, root / "ontology" / "qc")
        counts = {ed: edition_counts(store, ed) for ed in ("2022", "live")}
        del store
        qc_counts = {r.rule: len(r.rows) for r in results}
        errors = [r for r in results if r.severity == "ERROR" and r.rows]
        done(", ".join(f"{r.rule}={len(r.rows)}" for r in results if r.rows) or "all pass")
        if errors:
            raise BuildError(
                "QC rules at ERROR failed",
                [SourceError(f"ontology/qc/{r.rule}-violation.rq", 0, f"{len(r.rows)} row(s), e.g. {r.rows[0]}")
                 for r in errors],
            )

        done = step("writing dumps")
        staging = Path(tempfile.mkdtemp(prefix=".dist-", dir=root))
        try:
            files = {
                "occugraph.nt": all_nt,
                "occugraph.ttl": turtle(all_nt),
                "qc-report.md": render_report(results, counts, ctx.notes).encode("utf-8"),
            }
            for name, content in files.items():
                (staging / name).write_bytes(content)
            sums = "".join(f"{hashlib.sha256(c).hexdigest()}  {n}\n" for n, c in sorted(files.items()))
            (staging / "SHA256SUMS").write_text(sums, encoding="utf-8")
            dist.mkdir(parents=True, exist_ok=True)
            for f in sorted(staging.iterdir()):
                os.replace(f, dist / f.name)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        done(", ".join(sorted(files)))
    except BaseException:
        shutil.rmtree(new_store, ignore_errors=True)
        raise

    done = step("switching to the new store")
    swap_in(var_dir, new_store)
    done()
    return BuildResult(var_dir / "store", dist, n_triples, qc_counts,
                       sum(n for r in results if r.severity == "WARN" for n in [len(r.rows)]))


def _parse(g: Graph, path: Path) -> None:
    try:
        g.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises several parser exception types
        line = getattr(exc, "lines", None) or 0
        raise BuildError(f"cannot parse {path}", [SourceError(str(path), int(line), str(exc).strip())]) from None

"""A graph at one point in time: a release, the last build, or the working tree.

The diff, the release and the "no identifier silently disappeared" check all compare snapshots.
A snapshot is a set of pyoxigraph triples indexed by subject, plus what is needed to talk about
its entities in plain words (labels, codes, kinds). Nothing here knows about occupations in
particular: an entity is any IRI that has an ``rdf:type``, so new kinds of data are picked up
without code changes.

Where to find releases: ``releases/<version>/`` with a ``release.json`` (see graph/workflow/release.py).
"""

from __future__ import annotations

import gc
import io
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox

from graph.core.namespaces import BASE, ONTOLOGY_IRI

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RDFS_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PREF_LABEL = SKOS + "prefLabel"
NOTATION = SKOS + "notation"
OWL = "http://www.w3.org/2002/07/owl#"
OWL_DEPRECATED = OWL + "deprecated"
OWL_INVERSE_OF = OWL + "inverseOf"
IS_REPLACED_BY = "http://purl.org/dc/terms/isReplacedBy"
DEPRECATION_REASON = BASE + "ontology/deprecationReason"
DEPRECATION_DATE = BASE + "ontology/deprecationDate"

# Statements on the ontology header that a release sets; they are not edits, so the diff ignores them.
RELEASE_ONLY = {
    OWL + "versionIRI",
    OWL + "versionInfo",
    OWL + "priorVersion",
    "http://purl.org/dc/terms/issued",
}

WORKING = "working"
FORMATS = {".nt": ox.RdfFormat.N_TRIPLES, ".ttl": ox.RdfFormat.TURTLE, ".jsonld": ox.RdfFormat.JSON_LD}
VERSION_RE = re.compile(r"(v\d+(\.\d+)*|\d{4}-\d\d-\d\d)")


class SnapshotError(Exception):
    """The snapshot asked for does not exist or cannot be read; the message says what to do."""


Term = ox.NamedNode | ox.BlankNode | ox.Literal


class Snapshot:
    """Triples of one version of the graph, indexed for comparison."""

    def __init__(self, name: str, triples: Iterable[ox.Triple]) -> None:
        self.name = name
        self.by_subject: dict[str, set[tuple[str, Term]]] = defaultdict(set)
        count = 0
        collecting = gc.isenabled()
        gc.disable()  # hundreds of thousands of small tuples: the cyclic GC would rescan them all
        try:
            for t in triples:
                s = t.subject
                key = s.value if isinstance(s, ox.NamedNode) else str(s)  # blank nodes: opaque labels
                self.by_subject[key].add((t.predicate.value, t.object))
                count += 1
        finally:
            if collecting:
                gc.enable()
        self.size = count

    @classmethod
    def from_ntriples(cls, name: str, data: bytes) -> Snapshot:
        return cls(name, ox.parse(data, format=ox.RdfFormat.N_TRIPLES))

    @classmethod
    def from_file(cls, path: Path, name: str | None = None) -> Snapshot:
        fmt = FORMATS.get(path.suffix)
        if fmt is None:
            raise SnapshotError(f"{path}: cannot read {path.suffix or 'this'} files (use .nt, .ttl or .jsonld)")
        try:
            return cls(name or str(path), ox.parse(path=str(path), format=fmt))
        except (OSError, SyntaxError) as exc:
            raise SnapshotError(f"{path}: {exc}") from None

    def values(self, subject: str, predicate: str) -> list[Term]:
        return sorted((o for p, o in self.by_subject.get(subject, ()) if p == predicate), key=str)

    @cached_property
    def types(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        for s, pos in self.by_subject.items():
            for p, o in pos:
                if p == RDF_TYPE and isinstance(o, ox.NamedNode):
                    out[s].add(o.value)
        return out

    @cached_property
    def entities(self) -> set[str]:
        """IRIs with an rdf:type: the things a diff talks about."""
        return {s for s in self.types if not s.startswith("_:")}

    @cached_property
    def named(self) -> set[str]:
        """Entities with a name of their own: a preferred label, an rdfs:label or a code."""
        naming = {PREF_LABEL, RDFS_LABEL, NOTATION}
        return {s for s in self.entities if any(p in naming for p, _o in self.by_subject[s])}

    @cached_property
    def identifiers(self) -> set[str]:
        """OccuGraph identifiers that must persist: our named entities (numbered parts such as
        main tasks have no name of their own and belong to their occupation)."""
        return {s for s in self.named if s.startswith(BASE)}

    @cached_property
    def superclasses(self) -> dict[str, set[str]]:
        """Asserted rdfs:subClassOf, closed transitively (for grouping entities by kind)."""
        direct: dict[str, set[str]] = defaultdict(set)
        for s, pos in self.by_subject.items():
            for p, o in pos:
                if p == RDFS_SUBCLASS and isinstance(o, ox.NamedNode):
                    direct[s].add(o.value)
        closed: dict[str, set[str]] = {}

        def up(c: str, seen: frozenset[str] = frozenset()) -> set[str]:
            if c in closed:
                return closed[c]
            out: set[str] = set()
            for d in direct.get(c, ()):
                if d not in seen:
                    out |= {d} | up(d, seen | {c})
            closed[c] = out
            return out

        for c in list(direct):
            up(c)
        return closed

    @cached_property
    def inverse_properties(self) -> set[str]:
        """Properties declared as the inverse of another (e.g. skos:narrower of skos:broader).
        A change to them is the mirror of a change reported on the other entity."""
        out = {SKOS + "narrower", SKOS + "hasTopConcept"}
        for s, pos in self.by_subject.items():
            if any(p == OWL_INVERSE_OF for p, _o in pos):
                out.add(s)
        return out

    def label(self, iri: str) -> str:
        """A name for people: prefLabel (zh, then en, then any), rdfs:label, else the IRI's tail."""
        for prop in (PREF_LABEL, RDFS_LABEL):
            labels = [o for o in self.values(iri, prop) if isinstance(o, ox.Literal)]
            for lang in ("zh", "en", None, ""):
                for lit in labels:
                    if lang is None or (lit.language or "") == lang:
                        return lit.value
        return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]

    def code(self, iri: str) -> str:
        codes = [o.value for o in self.values(iri, NOTATION) if isinstance(o, ox.Literal)]
        return codes[0] if codes else ""

    def display(self, iri: str) -> str:
        """``2-02-38-01 人工智能工程技术人员`` for coded entities, else the label."""
        code, label = self.code(iri), self.label(iri)
        return f"{code} {label}" if code and code != label else label

    def is_deprecated(self, iri: str) -> bool:
        return any(isinstance(o, ox.Literal) and o.value in ("true", "1") for o in self.values(iri, OWL_DEPRECATED))


def ontology_header_only(predicate: str, subject: str) -> bool:
    return subject == ONTOLOGY_IRI and predicate in RELEASE_ONLY


# --- releases -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReleaseInfo:
    version: str
    date: str
    path: Path
    previous: str | None

    @property
    def ntriples(self) -> Path:
        return self.path / "occugraph.nt"


def version_key(version: str) -> tuple[object, ...]:
    """Natural order: v2 < v10; dates sort as text."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", version))


def list_releases(releases_dir: Path) -> list[ReleaseInfo]:
    """Every finished release, oldest first (by date, then version)."""
    out = []
    if not releases_dir.is_dir():
        return out
    for d in releases_dir.iterdir():
        meta = d / "release.json"
        if d.name.startswith(".") or not meta.is_file():
            continue
        info = json.loads(meta.read_text(encoding="utf-8"))
        out.append(ReleaseInfo(info["version"], info["date"], d, info.get("previous")))
    return sorted(out, key=lambda r: (r.date, version_key(r.version)))


def find_release(releases_dir: Path, version: str) -> ReleaseInfo:
    for r in list_releases(releases_dir):
        if r.version == version:
            return r
    known = ", ".join(r.version for r in list_releases(releases_dir)) or "none yet"
    raise SnapshotError(f"no release {version!r} in {releases_dir} (releases: {known})")


def latest_release(releases_dir: Path, before: str | None = None) -> ReleaseInfo | None:
    """The newest release, or the newest one other than ``before`` (the version being cut)."""
    found = [r for r in list_releases(releases_dir) if r.version != before]
    return found[-1] if found else None


def release_snapshot(info: ReleaseInfo) -> Snapshot:
    return Snapshot.from_file(info.ntriples, name=info.version)


def working_snapshot(root: Path) -> Snapshot:
    """The working tree's sources, read the way the build reads them (no SHACL or QC)."""
    from graph.build.pipeline import compile_sources, sorted_ntriples

    compiled = compile_sources(root)
    return Snapshot.from_ntriples(WORKING, sorted_ntriples(compiled.tbox) + sorted_ntriples(compiled.abox))


def git_snapshot(root: Path, revision: str) -> Snapshot | None:
    """The sources as they were at a git revision (``HEAD~3``, a tag, a commit), read the way the
    build reads them; None when ``revision`` is not a revision of the repository at ``root``."""
    import subprocess
    import tarfile
    import tempfile

    def git(*args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, timeout=120)

    try:
        found = git("rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    except (OSError, subprocess.TimeoutExpired):
        return None
    if found.returncode != 0:
        return None
    commit = found.stdout.decode().strip()
    prefix = git("rev-parse", "--show-prefix").stdout.decode().strip()  # root may sit below the top
    archive = git("archive", "--format=tar", commit, "--", f"{prefix}ontology", f"{prefix}standards")
    if archive.returncode != 0:
        raise SnapshotError(f"git revision {revision} has no ontology/ and standards/ to read")
    with tempfile.TemporaryDirectory(prefix="occugraph-rev-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(tmp, filter="data")
        snap = working_snapshot(Path(tmp) / prefix)
    snap.name = f"{revision} ({commit[:10]})"
    return snap


def resolve_snapshot(spec: str, root: Path, releases_dir: Path) -> Snapshot:
    """``working`` (the sources), a release version, a release folder, an .nt/.ttl/.jsonld file, or
    a git revision of the sources (``HEAD~3``, a tag, a commit)."""
    if spec in (WORKING, "."):
        return working_snapshot(root)
    path = Path(spec)
    if path.is_dir():
        nt = path / "occugraph.nt"
        if not nt.is_file():
            raise SnapshotError(f"{path} has no occugraph.nt (not a release or dist folder)")
        return Snapshot.from_file(nt, name=path.name)
    if path.is_file():
        return Snapshot.from_file(path)
    try:
        return release_snapshot(find_release(releases_dir, spec))
    except SnapshotError:
        at_revision = git_snapshot(root, spec)
        if at_revision is None:
            known = ", ".join(r.version for r in list_releases(releases_dir)) or "none yet"
            raise SnapshotError(
                f"no release {spec!r} (releases: {known}); not a file or folder, 'working' or a git revision either"
            ) from None
        return at_revision

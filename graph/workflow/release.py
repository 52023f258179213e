"""``occugraph release VERSION --date YYYY-MM-DD``: cut a versioned, reproducible release.

A release is a folder ``releases/<version>/`` (committed to the repository) with:

============================  ================================================================
``occugraph.ttl``             ontology + data, Turtle (opens in Protégé); version IRI
                              ``https://w3id.org/occugraph/releases/<version>/occugraph.ttl``,
                              ``owl:versionInfo``, ``dcterms:issued``, ``owl:priorVersion``
``occugraph.nt``              the same triples, sorted N-Triples (what diffs compare)
``occugraph.jsonld``          the same triples, JSON-LD (one node per line)
``occugraph-entities.csv``    one row per identified entity: code, labels, kind, parent,
                              deprecation, source file — for spreadsheets
``ontology.ttl``              the ontology alone (TBox), with the same version IRI
``ontology.owl``              the same, RDF/XML
``occugraph.owl``             ontology + data as one RDF/XML ontology document with nothing
                              to import: opens in Protégé offline
``occugraph-inferred.ttl``    what HermiT inferred (types, subclass links), not asserted above
``release-diff.md/.json``     changes since the previous release, with labels
``validation-report.md``      SHACL, QC rules, identifiers, reasoning, OWL 2 DL profile
``changelog.md``              this version's CHANGELOG entry (releases/CHANGELOG.md is made
                              from these plus the editors' [Unreleased] notes)
``release.json``              version, date, previous version, counts, source file hashes
``SHA256SUMS``                checksums of every file above
============================  ================================================================

Reproducible: the same sources, version, date and previous release give the same bytes (no
clock is read; every file is sorted or serialised deterministically). Safe: the release is
written to ``releases/.staging-<version>-<pid>/`` and renamed into place in one step; a crash
or kill before that leaves every earlier release and the CHANGELOG as they were. Refused when
validation (including reasoning and the OWL 2 DL profile) has an ERROR.
"""

from __future__ import annotations

import dataclasses
import fcntl
import hashlib
import io
import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path

import pyoxigraph as ox

from graph.build.downloads import jsonld, turtle
from graph.build.pipeline import BuildResult, VersionStamp, build, sorted_ntriples, stamp_header
from graph.core.errors import BuildError
from graph.core.faults import checkpoint
from graph.core.namespaces import ID, PREFIXES, RELEASES
from graph.core.tabular import csv_writer
from graph.core.version import package_version, version_iri, write_version
from graph.workflow.diff import compute, curie, empty
from graph.workflow.snapshot import (
    IS_REPLACED_BY,
    VERSION_RE,
    ReleaseInfo,
    Snapshot,
    SnapshotError,
    find_release,
    latest_release,
    list_releases,
    release_snapshot,
    version_key,
)
from graph.workflow.validate import Finding, Report, validate

CHANGELOG = "CHANGELOG.md"
UNRELEASED = "## [Unreleased]"
CHANGELOG_HEAD = """# Changelog

All notable changes to the OccuGraph releases. The format follows
[Keep a Changelog](https://keepachangelog.com/en/1.1.0/); each version is a folder in releases/
with the version IRI `https://w3id.org/occugraph/releases/<version>/occugraph.ttl`.

Editors: write notes for the next release under [Unreleased] (plain Markdown list items).
`occugraph release` moves them into the new version's entry and adds a generated summary of the
changes. Released entries are regenerated from `releases/<version>/changelog.md`: do not edit
them here.
"""
GITIGNORE = ".release.lock\n.staging-*\n.replaced-*\n"


class ReleaseError(Exception):
    """The release was refused; ``report`` (when set) has the findings that stopped it."""

    def __init__(self, message: str, report: Report | None = None) -> None:
        super().__init__(message)
        self.report = report


@dataclass
class ReleaseResult:
    version: str
    path: Path
    version_iri: str
    previous: str | None
    triples: int
    inferred: int
    files: list[str] = field(default_factory=list)
    report: Report | None = None


def release_stamp(version: str, day: str, previous: ReleaseInfo | None, notes: str = "") -> VersionStamp:
    """The ontology header of release ``version`` (graph/core/version.py says how it is derived)."""
    return VersionStamp(
        package_version(version),
        version_iri(version),
        release=version,
        issued=day,
        prior=version_iri(previous.version) if previous is not None else "",
        notes=notes,
    )


# --- serialisations ---------------------------------------------------------------------------


def entities_csv(snap: Snapshot, sources: dict[str, str]) -> bytes:
    """One row per identified entity; ``sources`` maps IRI -> source file it is defined in."""
    from graph.workflow.diff import primary_kind, type_label

    out = io.StringIO()
    w = csv_writer(out)
    w.writerow(
        [
            "iri",
            "id",
            "kind",
            "types",
            "code",
            "label_zh",
            "label_en",
            "parent",
            "deprecated",
            "replaced_by",
            "source_file",
        ]
    )
    labels: dict[str, str] = {}
    for iri in sorted(snap.identifiers):
        types = snap.types.get(iri, set())
        for t in types:
            labels.setdefault(t, type_label(t, (snap,)))
        kind = primary_kind(types, (snap,), labels)
        pref = [
            o for o in snap.values(iri, "http://www.w3.org/2004/02/skos/core#prefLabel") if isinstance(o, ox.Literal)
        ]
        pref += [o for o in snap.values(iri, "http://www.w3.org/2000/01/rdf-schema#label") if isinstance(o, ox.Literal)]
        zh = next((x.value for x in pref if (x.language or "").startswith("zh")), "")
        en = next((x.value for x in pref if x.language == "en"), "") or next(
            (x.value for x in pref if not x.language), ""
        )
        parents = snap.values(iri, "http://www.w3.org/2004/02/skos/core#broader") + snap.values(
            iri, "http://www.w3.org/2000/01/rdf-schema#subClassOf"
        )
        parent = "|".join(snap.code(p.value) or curie(p.value) for p in parents if isinstance(p, ox.NamedNode))
        repl = "|".join(
            snap.code(o.value) or curie(o.value)
            for o in snap.values(iri, IS_REPLACED_BY)
            if isinstance(o, ox.NamedNode)
        )
        w.writerow(
            [
                iri,
                iri[len(ID) :] if iri.startswith(ID) else curie(iri),
                labels.get(kind, curie(kind)),
                "|".join(sorted(curie(t) for t in types)),
                snap.code(iri),
                zh,
                en,
                parent,
                "yes" if snap.is_deprecated(iri) else "",
                repl,
                sources.get(iri, ""),
            ]
        )
    return out.getvalue().encode("utf-8")


def rdf_xml(ntriples: bytes) -> bytes:
    """RDF/XML (what Protégé and the OWL API read best), from sorted N-Triples: deterministic.

    ``occugraph.owl`` is the whole release as one ontology document: the ontology header and
    every axiom and assertion in one file with no owl:imports left to fetch, so Protégé opens it
    offline (tests/test_diff_release.py loads it with owlready2 and the OWL API profile check)."""
    triples = ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
    return ox.serialize(triples, format=ox.RdfFormat.RDF_XML, prefixes=PREFIXES)


def _ttl_with_comment(nt: bytes, comment: str) -> bytes:
    head = "".join(f"# {line}\n" if line else "#\n" for line in comment.splitlines())
    return head.encode("utf-8") + turtle(nt)


# --- the changelog ----------------------------------------------------------------------------


def changelog_entry(diff_dict: dict[str, object], notes: str, reasoned: bool, not_dl: bool = False) -> str:
    """This version's entry: editors' notes, then Keep-a-Changelog sections made from the diff."""
    out: list[str] = []
    if notes.strip():
        out += ["### Notes", "", notes.strip(), ""]
    entities = diff_dict["entities"]
    assert isinstance(entities, list)
    if diff_dict["first_release"]:
        kinds: dict[str, int] = {}
        for e in entities:
            kinds[e["kind_label"]] = kinds.get(e["kind_label"], 0) + 1
        out += ["### Added", ""]
        out.append(
            f"- First release: {len(entities)} entities — "
            + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])))
            + "."
        )
        out.append("")
    else:
        sections = (
            ("Added", "added"),
            ("Changed", "changed"),
            ("Changed", "renamed"),
            ("Deprecated", "deprecated"),
            ("Removed", "removed"),
        )
        done: set[str] = set()
        for title, status in sections:
            group = [e for e in entities if status in e["status"]]
            if not group:
                continue
            if title not in done:
                out += [f"### {title}", ""]
                done.add(title)
            by_kind: dict[str, list[dict[str, object]]] = {}
            for e in group:
                by_kind.setdefault(str(e["kind_label"]), []).append(e)
            for kind, items in sorted(by_kind.items()):
                names = [_entry_name(e, status) for e in items[:12]]
                more = f" and {len(items) - 12} more" if len(items) > 12 else ""
                out.append(f"- {status} {kind} ({len(items)}): " + "; ".join(names) + more + ".")
            out.append("")
        if not done:
            out += ["### Changed", "", "- No changes to the entities since the previous release.", ""]
    out.append("The full list with labels is in release-diff.md (release-diff.json for programs).")
    if not reasoned:
        out.append("This release was cut without reasoning (`--no-reason`): no inferred graph, no OWL 2 DL check.")
    elif not_dl:
        out.append("This release is not in the OWL 2 DL profile (`--allow-non-dl`); validation-report.md lists why.")
    return "\n".join(out) + "\n"


def _entry_name(e: dict[str, object], status: str) -> str:
    name = f"{e['code']} {e['label']}".strip() if e["code"] else str(e["label"])
    if status == "renamed":
        return f"{e['code']} {e['old_label']} → {e['label']}".strip()
    if status == "deprecated" and e["replaced_by"]:
        return f"{name} → {', '.join(e['replaced_by'])}"  # type: ignore[arg-type]
    return name


def read_unreleased(releases_dir: Path) -> str:
    path = releases_dir / CHANGELOG
    if not path.is_file():
        return ""
    text = path.read_text(encoding="utf-8")
    if UNRELEASED not in text:
        return ""
    after = text.split(UNRELEASED, 1)[1]
    m = re.search(r"^## \[|^\[Unreleased\]:", after, flags=re.M)
    return (after[: m.start()] if m else after).strip()


def render_changelog(releases_dir: Path, unreleased: str) -> str:
    out = [CHANGELOG_HEAD, UNRELEASED, ""]
    if unreleased.strip():
        out += [unreleased.strip(), ""]
    releases = list_releases(releases_dir)
    for r in reversed(releases):
        out += [f"## [{r.version}] - {r.date}", ""]
        entry = r.path / "changelog.md"
        out += [entry.read_text(encoding="utf-8").rstrip("\n") if entry.is_file() else "", ""]
    out.append(f"[Unreleased]: {RELEASES}")
    out += [f"[{r.version}]: {RELEASES}{r.version}/" for r in reversed(releases)]
    return "\n".join(out) + "\n"


def sync_changelog(releases_dir: Path) -> None:
    """Rewrite releases/CHANGELOG.md from the release folders, keeping the editors' [Unreleased]
    notes — except notes the newest release already took (a release killed after its rename)."""
    unreleased = read_unreleased(releases_dir)
    newest = latest_release(releases_dir)
    if newest is not None and unreleased:
        meta = json.loads((newest.path / "release.json").read_text(encoding="utf-8"))
        if meta.get("notes", "").strip() == unreleased.strip():
            unreleased = ""
    _atomic_write(releases_dir / CHANGELOG, render_changelog(releases_dir, unreleased).encode("utf-8"))


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


# --- safety -----------------------------------------------------------------------------------


@contextmanager
def release_lock(releases_dir: Path) -> Iterator[None]:
    """One release at a time (another process waits)."""
    releases_dir.mkdir(parents=True, exist_ok=True)
    with open(releases_dir / ".release.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def recover(releases_dir: Path) -> list[str]:
    """Finish or undo what a killed release left behind; returns what was done, for the log."""
    done = []
    if not releases_dir.is_dir():
        return done
    for d in sorted(releases_dir.iterdir()):
        if d.name.startswith(".staging-"):
            shutil.rmtree(d, ignore_errors=True)
            done.append(f"removed unfinished {d.name}")
        elif d.name.startswith(".replaced-"):
            version = d.name[len(".replaced-") :].rsplit("-", 1)[0]
            if (releases_dir / version).exists():
                shutil.rmtree(d, ignore_errors=True)
                done.append(f"removed the replaced copy of {version}")
            else:
                os.rename(d, releases_dir / version)
                done.append(f"restored {version} (a re-cut was interrupted)")
    if (releases_dir / CHANGELOG).exists() or list_releases(releases_dir):
        sync_changelog(releases_dir)
    return done


# --- cutting a release ------------------------------------------------------------------------


def _source_hashes(root: Path) -> dict[str, str]:
    files = sorted(
        p
        for base in ("ontology", "standards")
        for p in (root / base).rglob("*")
        if p.is_file()
        and "upstream" not in p.relative_to(root).parts
        and not p.name.startswith(".")
        and "__pycache__" not in p.parts
    )
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def check_version(version: str, day: str) -> None:
    if not VERSION_RE.fullmatch(version):
        raise ReleaseError(f"version {version!r} must look like v1, v2, v1.1 or a date YYYY-MM-DD")
    try:
        Date.fromisoformat(day)
    except ValueError:
        raise ReleaseError(f"date {day!r} must be a real date, YYYY-MM-DD") from None


def cut_release(
    version: str,
    day: str | None = None,
    *,
    root: Path,
    releases_dir: Path | None = None,
    notes: str = "",
    reason: bool = True,
    replace: bool = False,
    allow_non_dl: bool = False,
    progress: Callable[[str], None] | None = None,
) -> ReleaseResult:
    """Validate, reason, write ``releases/<version>/`` atomically and update the CHANGELOG.

    ``allow_non_dl`` releases even when the OWL 2 DL profile check fails (its findings become
    warnings, and release.json and the CHANGELOG say the release is not OWL 2 DL)."""
    root = root.resolve()
    releases_dir = (releases_dir or root / "releases").resolve()
    day = day or (version if re.fullmatch(r"\d{4}-\d\d-\d\d", version) else None)
    if day is None:
        raise ReleaseError("give the release date with --date YYYY-MM-DD (it is the only date in the release)")
    check_version(version, day)
    note = progress or (lambda _m: None)
    with release_lock(releases_dir):
        for line in recover(releases_dir):
            note(f"recovered: {line}")
        target = releases_dir / version
        if target.exists() and not replace:
            raise ReleaseError(f"{version} is already released ({target}); give --replace to cut it again")
        previous = latest_release(releases_dir, before=version)
        if previous is not None and previous.date > day:
            raise ReleaseError(f"date {day} is before the previous release {previous.version} ({previous.date})")
        if replace and target.exists():
            old_meta = json.loads((target / "release.json").read_text(encoding="utf-8"))
            unreleased = read_unreleased(releases_dir)
            notes = "\n\n".join(x for x in (old_meta.get("notes", ""), unreleased, notes) if x.strip())
        else:
            notes = "\n\n".join(x for x in (read_unreleased(releases_dir), notes) if x.strip())

        note("validating (sources, SHACL, QC rules, identifiers" + (", reasoning)" if reason else ")"))
        validated = validate(root, releases_dir=releases_dir, reason=reason, exclude_version=version)
        report = validated.report
        not_dl = [f for f in report.findings if f.check == "owl-profile" and f.severity == "ERROR"]
        if allow_non_dl and not_dl:
            report.findings = [
                dataclasses.replace(f, severity="WARN", message=f.message + " (released anyway: --allow-non-dl)")
                if f in not_dl
                else f
                for f in report.findings
            ]
        if not report.ok or validated.compiled is None:
            raise ReleaseError(f"validation failed: {len(report.errors)} error(s); nothing was released", report)
        compiled = validated.compiled

        inferred_nt = b""
        if reason and validated.reasoning is not None:
            inferred_nt = sorted_ntriples(validated.reasoning.inferred_graph())  # type: ignore[attr-defined]

        note("writing the release")
        tbox = stamp_header(compiled.tbox, release_stamp(version, day, previous))
        tbox_nt = sorted_ntriples(tbox)
        all_nt = b"".join(sorted((tbox_nt + validated.abox_nt).splitlines(keepends=True)))
        snap = Snapshot.from_ntriples(version, all_nt)
        old = release_snapshot(previous) if previous is not None else empty("nothing")
        diff = compute(old, snap, first=previous is None)
        diff_dict = diff.to_dict()
        sources = {
            str(s): str(loc.relative_to(root)).split(":")[0] for s, loc in compiled.ctx.locations.defined.items()
        }
        banner = (
            f"OccuGraph release {version} ({day}), {version_iri(version)}\n"
            f"Generated by `occugraph release`; do not edit. Source: ontology/ and standards/."
        )
        files: dict[str, bytes] = {
            "occugraph.nt": all_nt,
            "occugraph.ttl": _ttl_with_comment(all_nt, banner),
            "occugraph.jsonld": jsonld(all_nt),
            "occugraph-entities.csv": entities_csv(snap, sources),
            "ontology.ttl": _ttl_with_comment(tbox_nt, banner + "\nThe ontology (TBox) alone."),
            "ontology.owl": rdf_xml(tbox_nt),
            "occugraph.owl": rdf_xml(all_nt),
            "release-diff.md": diff.to_markdown().encode("utf-8"),
            "release-diff.json": diff.to_json().encode("utf-8"),
            "validation-report.md": report.render_markdown().encode("utf-8"),
            "changelog.md": changelog_entry(diff_dict, notes, reason, bool(not_dl)).encode("utf-8"),
        }
        if reason:
            files["occugraph-inferred.ttl"] = _ttl_with_comment(
                inferred_nt,
                banner + "\nTriples HermiT inferred (types, subclass links) that the release does not "
                "assert; load them with occugraph.ttl for the materialised hierarchy.",
            )
        meta = {
            "version": version,
            "date": day,
            "version_iri": version_iri(version),
            "previous": previous.version if previous else None,
            "triples": all_nt.count(b"\n"),
            "inferred_triples": inferred_nt.count(b"\n"),
            "reasoned": reason,
            "owl2_dl": (not not_dl) if reason else None,
            "summary": diff_dict["summary"],
            "notes": notes,
            "files": sorted([*files, "release.json"]),
            "sources_sha256": _source_hashes(root),
        }
        files["release.json"] = (json.dumps(meta, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()
        sums = "".join(f"{hashlib.sha256(c).hexdigest()}  {n}\n" for n, c in sorted(files.items()))
        files["SHA256SUMS"] = sums.encode()

        staging = releases_dir / f".staging-{version}-{os.getpid()}"
        if staging.exists():
            shutil.rmtree(staging)
        staging.mkdir()
        for name, content in sorted(files.items()):
            (staging / name).write_bytes(content)
            checkpoint(f"release:writing:{name}")
        _fsync_dir(staging)
        checkpoint("release:staged")
        replaced = None
        if target.exists():
            replaced = releases_dir / f".replaced-{version}-{os.getpid()}"
            os.rename(target, replaced)
            checkpoint("release:old-moved-aside")
        os.rename(staging, target)
        checkpoint("release:renamed")
        if replaced is not None:
            shutil.rmtree(replaced, ignore_errors=True)
        gitignore = releases_dir / ".gitignore"
        if not gitignore.exists():
            _atomic_write(gitignore, GITIGNORE.encode())
        sync_changelog(releases_dir)
        if previous is None or version_key(version) >= version_key(previous.version):
            write_version(root / "graph" / "core" / "version.py", package_version(version))
        return ReleaseResult(
            version,
            target,
            version_iri(version),
            meta["previous"],
            meta["triples"],  # type: ignore[arg-type]
            meta["inferred_triples"],
            sorted(files),
            report,
        )  # type: ignore[arg-type]


def _fsync_dir(path: Path) -> None:
    for f in path.iterdir():
        with open(f, "rb") as fh:
            os.fsync(fh.fileno())
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def findings_text(findings: list[Finding]) -> str:
    return "\n".join(f.line() for f in findings)


def publish(
    version: str,
    *,
    root: Path,
    releases_dir: Path | None = None,
    var_dir: Path | None = None,
    dist: Path | None = None,
    quiet: bool = True,
) -> BuildResult:
    """Serve release ``version``: build its sources with the release's version header and swap
    var/store and dist/ to that build atomically (graph/build/pipeline.py), or reuse the served
    build when it already is exactly that release. Refused, with nothing changed, when the sources
    in ``root`` do not give exactly the release's triples. A running server picks the new store
    up on its next request (graph/store/generation.py) and shows the version at /api/version."""
    root = root.resolve()
    releases_dir = (releases_dir or root / "releases").resolve()
    try:
        info = find_release(releases_dir, version)
    except SnapshotError as exc:
        raise ReleaseError(str(exc)) from None
    previous = find_release(releases_dir, info.previous) if info.previous else None
    notes_file = info.path / "changelog.md"
    notes = notes_file.read_text(encoding="utf-8") if notes_file.is_file() else ""
    stamp = release_stamp(version, info.date, previous, notes)
    try:
        return build(root, var_dir, dist, quiet=quiet, stamp=stamp, expect_ntriples=info.ntriples)
    except BuildError as exc:
        raise ReleaseError(f"not published: {exc}") from None

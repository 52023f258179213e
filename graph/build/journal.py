"""Crash recovery for edits to standards/ that an approval makes: run before the sources are read.

An approval (graph/workflow/proposals.py) writes the new files and backups of the old ones next
to them, then a journal (``proposals/.journal.json``), then swaps the files in one by one, then
records the decision in the proposal's file: that is its commit point. Killed in between, the
sources may hold some of the new files while the proposal still says "proposed". So every reader
of the sources (the build, validate, diff, reason, release: all through
``graph.build.pipeline.compile_sources``) first calls :func:`recover_sources`, which under the
queue's lock finishes an approval that was recorded and rolls back one that was not. A plain
``occugraph build`` after a kill therefore never publishes an unapproved row (issue 20 item 6).
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

JOURNAL = ".journal.json"
AUDIT = "audit.jsonl"
LOCK = ".lock"
IGNORE = ".lock\n.journal.json*\n.*.tmp\n"  # audit.jsonl is committed with the proposals


@contextmanager
def queue_lock(folder: Path) -> Iterator[None]:
    """The review queue's lock: one approval, or one recovery, at a time (other processes wait)."""
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():  # the proposals are committed; the lock and journal are not
        ignore.write_text(IGNORE, encoding="utf-8")
    with open(folder / LOCK, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def append_audit(folder: Path, event: dict[str, Any]) -> None:
    """One line in the review queue's audit log (``proposals/audit.jsonl``, committed with the
    proposals), flushed to disk before returning: written before the step it announces, so a
    kill -9 at any point leaves the log saying what was attempted, and recovery adds the outcome."""
    line = json.dumps(event, ensure_ascii=False, sort_keys=True) + "\n"
    fd = os.open(folder / AUDIT, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def read_audit(folder: Path) -> list[dict[str, Any]]:
    """Every audit event, oldest first (a line torn by a crash mid-write is skipped)."""
    try:
        text = (folder / AUDIT).read_text(encoding="utf-8")
    except OSError:
        return []
    out = []
    for line in text.splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if isinstance(event, dict):
            out.append(event)
    return out


def write_journal(folder: Path, journal: dict[str, Any]) -> None:
    tmp = folder / (JOURNAL + ".tmp")
    tmp.write_text(json.dumps(journal, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, folder / JOURNAL)


def finish(root: Path, folder: Path, journal: dict[str, Any]) -> None:
    """Remove what an approval left next to the sources, then the journal."""
    for entry in journal["files"]:
        target = root / entry["target"]
        for name in (entry["new"], entry["backup"]):
            path = target.with_name(name)
            if path.exists():
                path.unlink()
    (folder / JOURNAL).unlink(missing_ok=True)


def _now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _state(folder: Path, pid: object) -> str:
    try:
        data = json.loads((folder / f"{int(pid):06d}.json").read_text(encoding="utf-8"))  # type: ignore[call-overload]
    except (OSError, ValueError, TypeError):
        return ""
    return str(data.get("state", "")) if isinstance(data, dict) else ""


def recover_locked(root: Path, folder: Path) -> list[str]:
    """:func:`recover_sources` for a caller that already holds the queue's lock."""
    done: list[str] = []
    path = folder / JOURNAL
    if path.is_file():
        journal = json.loads(path.read_text(encoding="utf-8"))
        if _state(folder, journal["id"]) == "approved":
            done.append(f"finished the approval of proposal {journal['id']}")
            append_audit(folder, {"event": "approval finished after a crash", "proposal": journal["id"], "at": _now()})
        else:
            for entry in journal["files"]:
                target = root / entry["target"]
                backup = target.with_name(entry["backup"])
                if backup.exists():
                    os.replace(backup, target)
            done.append(f"rolled back the interrupted approval of proposal {journal['id']}; sources restored")
            append_audit(
                folder,
                {
                    "event": "approval rolled back after a crash",
                    "proposal": journal["id"],
                    "at": _now(),
                    "by": "recovery",
                },
            )
        finish(root, folder, journal)
    # leftovers of an approval killed before its journal existed: the sources were not touched
    standards = root / "standards"
    if standards.is_dir():
        for stray in sorted(standards.glob("*/.*.proposal-*")):
            stray.unlink()
            done.append(f"removed {stray.relative_to(root)}")
    return done


def recover_sources(root: Path, folder: Path | None = None) -> list[str]:
    """Finish or undo an approval that was killed half-way; what was done, for the log.

    Does nothing (and creates nothing) when there is no review queue folder."""
    folder = folder if folder is not None else root / "proposals"
    if not folder.is_dir():
        return []
    if not (folder / JOURNAL).is_file() and not any((root / "standards").glob("*/.*.proposal-*")):
        return []  # the common case: nothing to do, no lock taken
    with queue_lock(folder):
        return recover_locked(root, folder)

"""Proposed edits: a review queue in front of the TSV sources (framework-free; the web API in
server/blueprints/workflow.py and ``occugraph proposals`` both use it).

A proposal is a list of row changes to files under ``standards/``::

    {"title": "Add a job title for 2-02-38-01", "author": "Li Wei <li@example.org>",
     "rationale": "used in 2024 job ads",
     "changes": [{"op": "add", "file": "classification/labels.tsv",
                  "row": {"code": "2-02-38-01", "label": "AI工程师", "type": "hidden", "source": "editor"}}]}

``op`` is ``add`` (a new row), ``update`` (``match`` one row by some of its cells, ``set``
others) or ``delete`` (``match`` one row). Every file, column and cell is checked against the
file set's column dictionary when the proposal is made, so a bad proposal is refused at once.

States follow ESCO's editorial workflow: **prepared** (a draft) > **proposed** (in the review
queue) > **approved** or **rejected**, each step recorded with who and when. Approval applies
the change to a copy of the sources, runs ``occugraph validate`` on that copy, and only if there
is no ERROR puts the changed files in place; a failed validation leaves the sources untouched
and the proposal in the queue with the reasons.

Crash safety (graph/build/journal.py): the approval writes the new files and backups of the old ones
next to them, then a
journal (``proposals/.journal.json``), then swaps the files in, then records the decision. If it
is killed before the decision is recorded, the recovery that runs before anything reads the sources restores the
backups, so the sources are exactly as before and the proposal is still proposed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graph.build.journal import append_audit, finish, queue_lock, read_audit, recover_locked, write_journal
from graph.build.tsv import DICTIONARY_FILE, Column, format_tsv, read_dictionary
from graph.core.errors import SourceError
from graph.core.faults import checkpoint
from graph.workflow.validate import Report, validate

STATES = ("prepared", "proposed", "approved", "rejected")
OPS = ("add", "update", "delete")
FILE_RE = re.compile(r"[a-z0-9][a-z0-9-]*/[a-z0-9][a-z0-9-]*\.tsv")
MAX_CHANGES = 200
MAX_TEXT = 5000


class ProposalError(Exception):
    """Refused, with an HTTP-like status (400 bad input, 403, 404, 409 wrong state, 422 invalid).

    ``errors`` lists every problem of a refused proposal as ``{"field": ..., "message": ...}``,
    the field written as a JSON path (``changes[1].row.code``), so an author fixes all at once.
    """

    def __init__(
        self,
        message: str,
        status: int = 400,
        report: Report | None = None,
        errors: list[dict[str, str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.report = report
        self.errors = errors or []


class Problems:
    """Collects a proposal's problems; ``raise_if_any`` refuses it with all of them at once."""

    def __init__(self) -> None:
        self.items: list[dict[str, str]] = []
        self.statuses: set[int] = set()

    def add(self, field: str, message: str, status: int = 400) -> None:
        self.items.append({"field": field, "message": message})
        self.statuses.add(status)

    @property
    def status(self) -> int:
        """400 when any problem is in the request itself; else the conflict (409) with the sources."""
        return 400 if 400 in self.statuses or not self.statuses else max(self.statuses)

    def raise_if_any(self) -> None:
        if not self.items:
            return
        first = self.items[0]
        more = f" (and {len(self.items) - 1} more problem(s): see errors)" if len(self.items) > 1 else ""
        raise ProposalError(f"{first['field']}: {first['message']}{more}", self.status, errors=self.items)


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _text(payload: dict[str, Any], key: str, required: bool, problems: Problems, limit: int = 200) -> str:
    value = payload.get(key, "")
    if not isinstance(value, str):
        problems.add(key, f"{key!r} must be text")
        return ""
    value = value.strip()
    if required and not value:
        problems.add(key, f"{key!r} is required")
    if len(value) > limit:
        problems.add(key, f"{key!r} is longer than {limit} characters")
    return value


class ProposalStore:
    """Proposals as one JSON file each in ``folder`` (committed with the source change they made,
    so the repository history records who approved what and when)."""

    def __init__(
        self,
        folder: Path,
        root: Path,
        releases_dir: Path | None = None,
        clock: Callable[[], str] = _now,
    ) -> None:
        self.folder = folder
        self.root = root.resolve()
        self.releases_dir = releases_dir or self.root / "releases"
        self.clock = clock

    # --- storage ---------------------------------------------------------------------------

    def _lock(self):  # type: ignore[no-untyped-def]
        return queue_lock(self.folder)

    def _path(self, pid: int) -> Path:
        return self.folder / f"{pid:06d}.json"

    def _save(self, proposal: dict[str, Any]) -> None:
        path = self._path(proposal["id"])
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(json.dumps(proposal, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        os.replace(tmp, path)

    def _load(self, pid: int | str) -> dict[str, Any]:
        # ASCII digits only, and few: int() also reads "١٢", " 7" and "1_0", and a 400-digit
        # number made a file name too long for the file system (OSError, a 500)
        if not (isinstance(pid, int) or (isinstance(pid, str) and re.fullmatch(r"[0-9]{1,9}", pid))):
            shown = pid if len(str(pid)) <= 20 else str(pid)[:20] + "…"
            raise ProposalError(f"{shown!r} is not a proposal number", 404)
        number = int(pid)
        path = self._path(number)
        if number < 1 or not path.is_file():
            raise ProposalError(f"no proposal {pid}", 404)
        return json.loads(path.read_text(encoding="utf-8"))

    def get(self, pid: int | str) -> dict[str, Any]:
        return self._load(pid)

    def list(self, state: str | None = None) -> list[dict[str, Any]]:
        if state is not None and state not in STATES:
            raise ProposalError(f"state must be one of {', '.join(STATES)}")
        out = []
        if not self.folder.is_dir():
            return out
        for path in sorted(self.folder.glob("[0-9]*.json")):
            p = json.loads(path.read_text(encoding="utf-8"))
            if state is None or p["state"] == state:
                out.append(
                    {k: p[k] for k in ("id", "state", "title", "author", "created")}
                    | {"changes": len(p["changes"]), "files": sorted({c["file"] for c in p["changes"]})}
                )
        return out

    # --- checking a proposal ----------------------------------------------------------------

    def _dictionary(self, file: Any, field: str, problems: Problems) -> list[Column] | None:
        if not isinstance(file, str) or not FILE_RE.fullmatch(file) or file.endswith("/" + DICTIONARY_FILE):
            problems.add(field, f"{file!r} must be a data file of a file set, e.g. classification/labels.tsv")
            return None
        fileset, name = file.split("/")
        folder = self.root / "standards" / fileset
        if fileset == "upstream" or not (folder / DICTIONARY_FILE).is_file():
            problems.add(field, f"no file set standards/{fileset}/ with a column dictionary")
            return None
        try:
            columns = read_dictionary(folder).get(name)
        except SourceError as exc:
            problems.add(field, f"standards/{fileset}/{DICTIONARY_FILE} is broken: {exc}", 409)
            return None
        if columns is None or not (folder / name).is_file():
            problems.add(field, f"standards/{file} is not a documented file of its file set")
            return None
        return columns

    def _check_cells(
        self, file: str, cells: Any, columns: list[Column], field: str, problems: Problems, full_row: bool
    ) -> dict[str, str]:
        what = field.rsplit(".", 1)[-1]
        if not isinstance(cells, dict) or not cells:
            problems.add(
                field,
                f"'{what}' must be an object of column: value (columns of {file}: "
                + ", ".join(c.name for c in columns)
                + ")",
            )
            return {}
        known = {c.name: c for c in columns}
        out = {}
        for key, value in cells.items():
            at = f"{field}.{key}"
            if key not in known:
                problems.add(at, f"{file} has no column {key!r} (columns: {', '.join(known)})")
                continue
            if not isinstance(value, str) or "\t" in value or "\n" in value or "\r" in value:
                problems.add(at, f"column {key!r}: the value must be text without tabs or line breaks")
                continue
            value = value.strip()
            col = known[key]
            if value and col.pattern is not None and not col.pattern.fullmatch(value) and what != "match":
                problems.add(
                    at,
                    f"column {key!r}: {value!r} does not match {col.pattern.pattern} "
                    f"(see standards/{file.split('/')[0]}/columns.tsv)",
                )
            out[key] = value
        if full_row:
            reported = {item["field"] for item in problems.items}
            for col in columns:
                at = f"{field}.{col.name}"
                if col.required and not out.get(col.name) and at not in reported:
                    problems.add(at, f"column {col.name!r} is required")
        return out

    def _check_changes(self, changes: Any, problems: Problems) -> list[dict[str, Any]]:
        if not isinstance(changes, list) or not changes:
            problems.add("changes", "'changes' must be a non-empty list of row changes")
            return []
        if len(changes) > MAX_CHANGES:
            problems.add("changes", f"at most {MAX_CHANGES} changes per proposal")
            return []
        out = []
        for n, ch in enumerate(changes):
            at = f"changes[{n}]"
            if not isinstance(ch, dict):
                problems.add(at, "must be an object with op, file and row / match / set")
                continue
            op = ch.get("op")
            if op not in OPS:
                problems.add(f"{at}.op", f"'op' must be one of {', '.join(OPS)}")
            extra = set(ch) - {"op", "file", "row", "match", "set"}
            if extra:
                problems.add(at, f"unknown key(s) {', '.join(sorted(extra))}")
            wanted = {"add": {"row"}, "update": {"match", "set"}, "delete": {"match"}}.get(op, set())  # type: ignore[arg-type]
            for key in sorted({"row", "match", "set"} & set(ch) - wanted):
                if op in OPS:
                    problems.add(f"{at}.{key}", f"'{op}' takes {' and '.join(sorted(wanted))}, not {key}")
            file = ch.get("file")
            columns = self._dictionary(file, f"{at}.file", problems)
            if columns is None or op not in OPS:
                continue
            clean: dict[str, Any] = {"op": op, "file": file}
            if op == "add":
                clean["row"] = self._check_cells(file, ch.get("row"), columns, f"{at}.row", problems, full_row=True)
            else:
                clean["match"] = self._check_cells(
                    file, ch.get("match"), columns, f"{at}.match", problems, full_row=False
                )
            if op == "update":
                clean["set"] = self._check_cells(file, ch.get("set"), columns, f"{at}.set", problems, full_row=False)
                for col in columns:
                    if col.required and col.name in clean["set"] and not clean["set"][col.name]:
                        problems.add(f"{at}.set.{col.name}", f"column {col.name!r} is required and cannot be emptied")
            out.append(clean)
        if not problems.items:
            try:
                self._apply(out)  # every match must hit exactly one row now, or the proposal is refused
            except ProposalError as exc:
                for item in exc.errors:
                    problems.add(item["field"], item["message"], exc.status)
        return out

    # --- applying changes to file contents -------------------------------------------------

    def _apply(self, changes: list[dict[str, Any]]) -> dict[str, bytes]:
        """New contents of each changed file (relative to standards/); nothing is written."""
        files: dict[str, tuple[list[str], list[list[str]], bool]] = {}
        problems = Problems()
        for n, ch in enumerate(changes):
            file = ch["file"]
            if file not in files:
                text = (self.root / "standards" / file).read_text(encoding="utf-8")
                lines = text.split("\n")
                header = lines[0].rstrip("\r").split("\t")
                rows = [line.rstrip("\r").split("\t") for line in lines[1:] if line.strip()]
                files[file] = (header, rows, format_tsv(header, rows) == text)
            header, rows, _sorted = files[file]
            if ch["op"] == "add":
                new = [ch["row"].get(col, "") for col in header]
                if new in rows:
                    problems.add(f"changes[{n}].row", f"standards/{file} already has that row", 409)
                rows.append(new)
                continue
            idx = [header.index(k) for k in ch["match"]]
            hits = [
                i
                for i, r in enumerate(rows)
                if all(r[j].strip() == v for j, v in zip(idx, ch["match"].values(), strict=True))
            ]
            if len(hits) != 1:
                found = "no row" if not hits else f"{len(hits)} rows"
                problems.add(
                    f"changes[{n}].match", f"standards/{file}: {found} match {ch['match']} (exactly one must)", 409
                )
                continue
            if ch["op"] == "delete":
                del rows[hits[0]]
            else:
                for k, v in ch["set"].items():
                    rows[hits[0]][header.index(k)] = v
        problems.raise_if_any()
        out = {}
        for file, (header, rows, was_sorted) in files.items():
            if was_sorted:
                text = format_tsv(header, rows)
            else:  # keep the editors' order; new rows at the end
                text = "".join("\t".join(r) + "\n" for r in [header, *rows])
            out[file] = text.encode("utf-8")
        return out

    # --- the workflow -----------------------------------------------------------------------

    def create(self, payload: Any) -> dict[str, Any]:
        """Check and store a new proposal; ``submit: false`` keeps it as a prepared draft."""
        if not isinstance(payload, dict):
            raise ProposalError(
                "the proposal must be a JSON object", errors=[{"field": "", "message": "not an object"}]
            )
        problems = Problems()
        extra = set(payload) - {"title", "author", "rationale", "changes", "submit"}
        if extra:
            problems.add("", f"unknown key(s) {', '.join(sorted(extra))}")
        title = _text(payload, "title", True, problems)
        author = _text(payload, "author", True, problems)
        rationale = _text(payload, "rationale", False, problems, MAX_TEXT)
        submit = payload.get("submit", True)
        if not isinstance(submit, bool):
            problems.add("submit", "'submit' must be true or false")
        with self._lock():
            self._recover_locked()
            changes = self._check_changes(payload.get("changes"), problems)
            problems.raise_if_any()
            existing = [int(p.stem) for p in self.folder.glob("[0-9]*.json")]
            pid = max(existing, default=0) + 1
            at = self.clock()
            history = [{"state": "prepared", "by": author, "at": at}]
            if submit:
                history.append({"state": "proposed", "by": author, "at": at})
            proposal = {
                "id": pid,
                "state": history[-1]["state"],
                "title": title,
                "author": author,
                "rationale": rationale,
                "created": at,
                "changes": changes,
                "history": history,
            }
            self._save(proposal)
            self._audit("created", pid, author, state=proposal["state"])
        return proposal

    def submit(self, pid: int | str, by: str = "") -> dict[str, Any]:
        with self._lock():
            p = self._load(pid)
            if p["state"] != "prepared":
                raise ProposalError(f"proposal {pid} is {p['state']}; only a prepared one can be submitted", 409)
            p["state"] = "proposed"
            p["history"].append({"state": "proposed", "by": by or p["author"], "at": self.clock()})
            self._save(p)
            self._audit("submitted", p["id"], by or p["author"])
        return p

    def reject(self, pid: int | str, editor: str, comment: str) -> dict[str, Any]:
        if not comment.strip():
            raise ProposalError("say why the proposal is rejected (comment)")
        with self._lock():
            p = self._load(pid)
            if p["state"] not in ("prepared", "proposed"):
                raise ProposalError(f"proposal {pid} is already {p['state']}", 409)
            p["state"] = "rejected"
            p["history"].append({"state": "rejected", "by": editor, "at": self.clock(), "comment": comment.strip()})
            self._audit("rejected", p["id"], editor, comment=comment.strip())
            self._save(p)
        return p

    def approve(self, pid: int | str, editor: str, comment: str = "") -> dict[str, Any]:
        """Apply, validate, and on success swap the changed sources in and record the decision.

        The audit log gets "approval started" before anything changes and the outcome after
        (approved, refused with the reason, or, after a kill, what recovery did)."""
        with self._lock():
            self._recover_locked()
            p = self._load(pid)
            if p["state"] != "proposed":
                raise ProposalError(f"proposal {pid} is {p['state']}; only a proposed one can be approved", 409)
            self._audit("approval started", p["id"], editor, comment=comment.strip())
            try:
                return self._approve_locked(p, editor, comment)
            except ProposalError as exc:
                self._audit("approval refused", p["id"], editor, reason=str(exc))
                raise

    def _approve_locked(self, p: dict[str, Any], editor: str, comment: str) -> dict[str, Any]:
        pid = p["id"]
        new_files = self._apply(p["changes"])
        targets = {f: self.root / "standards" / f for f in new_files}
        before = {f: hashlib.sha256(t.read_bytes()).hexdigest() for f, t in targets.items()}

        report = self._validate_with(new_files)
        if not report.ok:
            p["history"].append(
                {
                    "state": "proposed",
                    "event": "approval failed validation",
                    "by": editor,
                    "at": self.clock(),
                    "errors": [f.line() for f in report.errors[:20]],
                }
            )
            self._save(p)
            raise ProposalError(
                f"proposal {pid} was not applied: validation found {len(report.errors)} error(s); "
                "the sources are unchanged",
                422,
                report,
            )
        checkpoint("approve:validated")

        for f, t in targets.items():
            if hashlib.sha256(t.read_bytes()).hexdigest() != before[f]:
                raise ProposalError(f"standards/{f} changed while the proposal was validated; approve again", 409)
        journal = {"id": p["id"], "files": []}
        for f, t in sorted(targets.items()):
            new, backup = (
                t.with_name(f".{t.name}.proposal-{p['id']}.new"),
                t.with_name(f".{t.name}.proposal-{p['id']}.orig"),
            )
            new.write_bytes(new_files[f])
            shutil.copy2(t, backup)
            journal["files"].append({"target": str(t.relative_to(self.root)), "new": new.name, "backup": backup.name})
        write_journal(self.folder, journal)
        checkpoint("approve:journal-written")
        for entry in journal["files"]:
            target = self.root / entry["target"]
            os.replace(target.with_name(entry["new"]), target)
            checkpoint("approve:file-replaced")
        p["state"] = "approved"
        p["history"].append(
            {
                "state": "approved",
                "by": editor,
                "at": self.clock(),
                "comment": comment.strip(),
                "files": sorted(f"standards/{f}" for f in new_files),
                "validation": report.summary(),
            }
        )
        self._save(p)  # the commit point: from here on the approval stands
        self._audit("approved", p["id"], editor, files=sorted(f"standards/{f}" for f in new_files))
        checkpoint("approve:recorded")
        finish(self.root, self.folder, journal)
        return p | {"files": sorted(f"standards/{f}" for f in new_files)}

    def _validate_with(self, new_files: dict[str, bytes]) -> Report:
        """Validate the sources as they would be: an overlay of the project with the new files."""
        with tempfile.TemporaryDirectory(prefix="occugraph-proposal-") as tmp:
            overlay = Path(tmp)
            (overlay / "ontology").symlink_to(self.root / "ontology", target_is_directory=True)
            standards = overlay / "standards"
            standards.mkdir()
            changed_sets = {f.split("/")[0] for f in new_files}
            for folder in sorted((self.root / "standards").iterdir()):
                if not folder.is_dir():
                    continue
                if folder.name in changed_sets:
                    shutil.copytree(folder, standards / folder.name, ignore=shutil.ignore_patterns(".*"))
                else:
                    (standards / folder.name).symlink_to(folder, target_is_directory=True)
            for f, content in new_files.items():
                (standards / f).write_bytes(content)
            return validate(overlay, releases_dir=self.releases_dir).report

    # --- crash recovery ---------------------------------------------------------------------

    def recover(self) -> list[str]:
        """Undo an approval that was killed before its decision was recorded (graph/build/journal.py)."""
        if not self.folder.is_dir():
            return []
        with self._lock():
            return self._recover_locked()

    def _recover_locked(self) -> list[str]:
        done = recover_locked(self.root, self.folder)
        # an approval killed before it changed anything (no journal yet) still gets its outcome
        open_starts: dict[int, dict[str, Any]] = {}
        for event in read_audit(self.folder):
            if event.get("event") == "approval started":
                open_starts[event.get("proposal")] = event  # type: ignore[index]
            elif str(event.get("event", "")).startswith(("approv", "rejected")):
                open_starts.pop(event.get("proposal"), None)  # type: ignore[arg-type]
        for pid in sorted(open_starts):
            self._audit("approval interrupted before any change", pid, "recovery")
            done.append(f"noted in the audit log: the approval of proposal {pid} was interrupted before any change")
        return done

    def _audit(self, event: str, pid: int, by: str, **details: Any) -> None:
        append_audit(self.folder, {"event": event, "proposal": pid, "by": by, "at": self.clock(), **details})

    def audit_log(self) -> list[dict[str, Any]]:
        """Every decision and attempt, oldest first (proposals/audit.jsonl; survives restarts)."""
        return read_audit(self.folder)

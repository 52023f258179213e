"""Saved curriculum mappings on disk, bounded: compact files, quotas per client and in total, expiry.

Anyone may save a mapping (``POST /api/curricula`` with ``save=true``) to share it by URL, so
the folder must not be a way to fill the disk (issue 20: one client wrote 283 MB a minute,
about 1 MB per 408-byte upload). The bounds:

- **compact**: one gzip-compressed JSON file per mapping (``<id>.json.gz``: the request, the
  uploaded CSV and the mapping, no indentation), written to a temporary name and renamed, so a
  reader never sees half a file. An identical request saves nothing new (the id is a hash).
- **per client**: at most ``client_bytes`` saved by one client (address) in any ``window``
  seconds; beyond it ``ClientQuotaExceeded`` says when room comes back (HTTP 429).
- **in total**: at most ``total_bytes`` of live mappings, and the file system keeps
  ``min_free_bytes`` free; beyond either ``StorageFull`` (HTTP 507).
- **expiry**: a mapping is kept ``ttl`` seconds after it was saved, then removed (at the next
  save, and never served again).

Saves from several server processes are serialised by a lock file (``fcntl.flock``). Clients
are recorded as a salted hash of their address, never the address itself.

>>> import tempfile
>>> box = SavedMappings(Path(tempfile.mkdtemp()), client_bytes=10_000, window=3600, total_bytes=10**6, ttl=60)
>>> sid = box.save({"major": "510209"}, b"code,title\\n", {"summary": {"covered": 1}}, client="1.2.3.4", now=0.0)
>>> box.load(sid, now=30.0)["mapping"]
{'summary': {'covered': 1}}
>>> box.load(sid, now=61.0) is None  # expired
True
"""

from __future__ import annotations

import contextlib
import fcntl
import gzip
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SAVED_ID = re.compile(r"[0-9a-f]{16}")
SUFFIX = ".json.gz"


class QuotaError(Exception):
    """A save that would go past a bound; ``retry_after`` in seconds when waiting helps."""

    def __init__(self, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ClientQuotaExceeded(QuotaError):
    """This client saved too much recently (HTTP 429)."""


class StorageFull(QuotaError):
    """The saved mappings' share of the disk is used up (HTTP 507)."""


@dataclass(frozen=True)
class _Entry:
    sid: str
    size: int
    saved_at: float
    client: str


def saved_id(request_key: dict[str, Any], csv: bytes) -> str:
    """The id of a saved mapping: a hash of what was asked, so an identical request shares it."""
    digest = hashlib.sha256()
    for part in (csv, json.dumps(request_key, sort_keys=True, ensure_ascii=False).encode()):
        digest.update(part + b"\0")
    return digest.hexdigest()[:16]


class SavedMappings:
    """The folder of saved mappings with its bounds (see the module docstring)."""

    def __init__(
        self,
        root: Path,
        *,
        client_bytes: int,
        window: float,
        total_bytes: int,
        ttl: float,
        min_free_bytes: int = 0,
    ) -> None:
        self.root = root
        self.client_bytes = client_bytes
        self.window = window
        self.total_bytes = total_bytes
        self.ttl = ttl
        self.min_free_bytes = min_free_bytes

    # ---------------------------------------------------------------- reading

    def path(self, sid: str) -> Path:
        if not SAVED_ID.fullmatch(sid):
            raise ValueError("a saved curriculum id is 16 hexadecimal characters")
        return self.root / f"{sid}{SUFFIX}"

    def load(self, sid: str, now: float | None = None) -> dict[str, Any] | None:
        """The saved document (request, csv, mapping, saved_at), or None if unknown or expired."""
        now = time.time() if now is None else now
        path = self.path(sid)
        try:
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                doc = json.load(fh)
        except FileNotFoundError:
            return self._load_old_layout(sid, now)
        except (OSError, ValueError):  # a damaged file is as good as none
            return None
        if now - float(doc.get("saved_at", 0)) > self.ttl:
            return None
        return doc

    def _load_old_layout(self, sid: str, now: float) -> dict[str, Any] | None:
        """Mappings saved before the compact layout: a folder <id>/ with mapping.json."""
        folder = self.root / sid
        mapping = folder / "mapping.json"
        try:
            if now - mapping.stat().st_mtime > self.ttl:
                return None
            return {"mapping": json.loads(mapping.read_text(encoding="utf-8")), "saved_at": mapping.stat().st_mtime}
        except (OSError, ValueError):
            return None

    # ---------------------------------------------------------------- writing

    def save(
        self,
        request_key: dict[str, Any],
        csv: bytes,
        mapping: dict[str, Any],
        *,
        client: str,
        now: float | None = None,
    ) -> str:
        """Save (or find) the mapping and return its id; raises a QuotaError past a bound."""
        now = time.time() if now is None else now
        sid = saved_id(request_key, csv)
        self.root.mkdir(parents=True, exist_ok=True)
        who = self._client_key(client)
        with self._locked():
            entries = self._sweep(now)
            if sid in entries and now - entries[sid].saved_at <= self.ttl:
                return sid
            doc = {
                "saved_at": now,
                "client": who,
                "request": request_key,
                "csv": csv.decode("utf-8", "replace"),
                "mapping": mapping,
            }
            blob = gzip.compress(
                json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), compresslevel=9, mtime=0
            )
            self._check(entries.values(), who, len(blob), now)
            fd, tmp = tempfile.mkstemp(prefix=".saving-", dir=self.root)
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(blob)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(tmp, self.path(sid))
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
            self._index_add(_Entry(sid, len(blob), now, who))
        return sid

    def _check(self, entries: Any, who: str, size: int, now: float) -> None:
        entries = list(entries)
        recent = sorted(
            (e for e in entries if e.client == who and now - e.saved_at < self.window), key=lambda e: e.saved_at
        )
        used = sum(e.size for e in recent)
        if used + size > self.client_bytes:
            # room comes back as the oldest of this client's recent saves leave the window
            freed, wait = 0, self.window
            for e in recent:
                freed += e.size
                if used - freed + size <= self.client_bytes:
                    wait = e.saved_at + self.window - now
                    break
            raise ClientQuotaExceeded(
                f"this client saved {used:,} bytes of curriculum mappings in the last "
                f"{_span(self.window)}; the limit is {self.client_bytes:,} bytes",
                retry_after=max(1, int(wait + 0.999)),
            )
        total = sum(e.size for e in entries)
        if total + size > self.total_bytes:
            oldest = min((e.saved_at for e in entries), default=now)
            raise StorageFull(
                f"the space for saved curriculum mappings is full ({total:,} of {self.total_bytes:,} bytes); "
                "map without save=true, or try again when older mappings have expired",
                retry_after=max(1, int(oldest + self.ttl - now + 0.999)),
            )
        free = shutil.disk_usage(self.root).free
        if free - size < self.min_free_bytes:
            raise StorageFull("the server's disk is nearly full; map without save=true")

    # ---------------------------------------------------------------- index and expiry

    def _sweep(self, now: float) -> dict[str, _Entry]:
        """The live entries (from the index, rebuilt from the files when missing); expired ones removed."""
        entries = self._index_read()
        if entries is None:
            entries = dict(self._scan())
        live = {}
        for sid, e in entries.items():
            if now - e.saved_at > self.ttl:
                with contextlib.suppress(OSError):
                    self.path(sid).unlink()
                shutil.rmtree(self.root / sid, ignore_errors=True)  # the old layout
            else:
                live[sid] = e
        if live.keys() != entries.keys() or not (self.root / ".index.jsonl").exists():
            self._index_write(live.values())
        return live

    def _scan(self) -> Iterator[tuple[str, _Entry]]:
        for path in self.root.iterdir():
            name = path.name
            if name.endswith(SUFFIX) and SAVED_ID.fullmatch(name[: -len(SUFFIX)]):
                try:
                    with gzip.open(path, "rt", encoding="utf-8") as fh:
                        doc = json.load(fh)
                    yield name[:16], _Entry(name[:16], path.stat().st_size, float(doc["saved_at"]), doc["client"])
                except (OSError, ValueError, KeyError):
                    continue
            elif path.is_dir() and SAVED_ID.fullmatch(name):  # the old layout: counted, unowned
                size = sum(p.stat().st_size for p in path.iterdir() if p.is_file())
                yield name, _Entry(name, size, path.stat().st_mtime, "")

    def _index_read(self) -> dict[str, _Entry] | None:
        try:
            lines = (self.root / ".index.jsonl").read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return None
        entries = {}
        try:
            for line in lines:
                e = _Entry(*json.loads(line))
                if self.path(e.sid).exists() or (self.root / e.sid).is_dir():
                    entries[e.sid] = e
        except (ValueError, TypeError):
            return None  # rebuilt from the files
        return entries

    def _index_write(self, entries: Any) -> None:
        text = "".join(json.dumps([e.sid, e.size, e.saved_at, e.client]) + "\n" for e in entries)
        tmp = self.root / ".index.jsonl.tmp"
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, self.root / ".index.jsonl")

    def _index_add(self, entry: _Entry) -> None:
        with (self.root / ".index.jsonl").open("a", encoding="utf-8") as fh:
            fh.write(json.dumps([entry.sid, entry.size, entry.saved_at, entry.client]) + "\n")

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        with (self.root / ".lock").open("a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def _client_key(self, client: str) -> str:
        salt_path = self.root / ".salt"
        try:
            salt = salt_path.read_bytes()
        except FileNotFoundError:
            salt = os.urandom(16)
            with contextlib.suppress(FileExistsError):
                with salt_path.open("xb") as fh:
                    fh.write(salt)
            salt = salt_path.read_bytes()
        return hashlib.sha256(salt + client.encode()).hexdigest()[:16]


def _span(seconds: float) -> str:
    if seconds % 3600 == 0:
        hours = int(seconds // 3600)
        return "hour" if hours == 1 else f"{hours} hours"
    return f"{int(seconds)} s"

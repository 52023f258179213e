"""The last good build, kept under var/cache/build/ and reused when nothing it was made from changed.

A build is a function of its inputs: the files under ontology/ and standards/, the code that reads
and checks them (every file of the running ``graph`` package), the installed packages (pyoxigraph,
pyshifty, rdflib, ... by name and version), the Python that runs it, and the folders it is run in
(source locations in the QC report are relative to the working directory). ``input_key`` hashes
all of these (sha256 of every file's bytes, not of its time stamp), so a key that matches was made
from identical inputs and the build would give byte-identical outputs: its checks (reader checks,
SHACL, QC rules at ERROR) passed then and would pass now. A cache entry is kept only for a build
that passed them, so a failing build always runs in full and reports its errors as before.

What is kept: the store folder as the build loaded it (with its documents.sqlite), the files of
dist/, and what ``BuildResult`` reports. RocksDB never changes an ``.sst`` file once written and
the build never changes a dump or documents.sqlite, so those are hard links (no copy of the
hundreds of MB); the store's few other files are copied. An entry is written to a staging folder
and renamed into place, and reused only when complete; only the latest entry is kept.

A reuse still makes a new store folder and a new dumps folder and swaps them in like a build,
passing the same fault checkpoints (the kill tests), so a server never sees anything half-written.
``occugraph build --rebuild`` builds in full (and keeps what it built); a release (``stamp``) builds
in full and keeps nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import graph

FORMAT = "1"  # bump when the layout of an entry changes
_HARDLINKED = (".sst", ".sqlite")  # never changed in place once written (see the module docstring)


def _hash_tree(digest: Any, folder: Path, label: str) -> None:
    """Every file under ``folder`` (relative path and bytes, in path order) into ``digest``."""
    files = sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")
    digest.update(f"{label}\0{len(files)}\0".encode())
    for path in files:
        data = path.read_bytes()
        digest.update(f"{path.relative_to(folder).as_posix()}\0{len(data)}\0".encode())
        digest.update(data)


def _packages() -> str:
    """Every installed distribution as name==version, sorted (any of them may be imported)."""
    found = {f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions() if d.metadata["Name"]}
    return "\n".join(sorted(found))


def input_key(root: Path) -> str:
    """sha256 of everything a build of ``root`` depends on (see the module docstring)."""
    digest = hashlib.sha256()
    digest.update(f"occugraph-build-cache {FORMAT}\0{sys.version}\0{sys.platform}\0".encode())
    digest.update(f"{os.path.abspath(root)}\0{os.getcwd()}\0".encode())
    digest.update(_packages().encode())
    _hash_tree(digest, Path(graph.__file__).resolve().parent, "code")
    _hash_tree(digest, root / "ontology", "ontology")
    _hash_tree(digest, root / "standards", "standards")
    return digest.hexdigest()


@dataclass(frozen=True)
class Entry:
    """A complete kept build: its store folder, its dumps and what the build reported."""

    folder: Path

    @property
    def store(self) -> Path:
        return self.folder / "store"

    @property
    def dist(self) -> Path:
        return self.folder / "dist"

    def meta(self) -> dict[str, Any]:
        return dict(json.loads((self.folder / "meta.json").read_text(encoding="utf-8")))


def _cache_dir(var_dir: Path) -> Path:
    return var_dir / "cache" / "build"


def find(var_dir: Path, key: str) -> Entry | None:
    """The kept build with this input key, if there is one (only complete entries have meta.json)."""
    folder = _cache_dir(var_dir) / key
    return Entry(folder) if (folder / "meta.json").is_file() else None


def copy_folder(src: Path, dst: Path, link_all: bool = False) -> None:
    """``dst`` (new) with the files of ``src``: hard links for files never changed in place (all
    of them with ``link_all``: the dumps), copies of the others (a store's MANIFEST, CURRENT, ...).
    RocksDB's LOCK file is left out: whoever opens the store makes its own."""
    dst.mkdir(parents=True)
    for path in sorted(src.iterdir()):
        if not path.is_file() or path.name == "LOCK":
            continue
        if link_all or path.suffix in _HARDLINKED:
            try:
                os.link(path, dst / path.name)
                continue
            except OSError:  # another file system, or links not allowed: copy
                pass
        shutil.copy2(path, dst / path.name)


def keep(var_dir: Path, key: str, store: Path, dist: Path, meta: dict[str, Any]) -> None:
    """Keep a build that passed its checks as the entry for ``key`` (and drop older entries).

    Called before the build is swapped in, while nothing else can have changed its store."""
    cache = _cache_dir(var_dir)
    cache.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=cache))
    try:
        copy_folder(store, staging / "store")
        copy_folder(dist, staging / "dist", link_all=True)
        (staging / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        target = cache / key
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    for old in cache.iterdir():
        if old.name != key:
            shutil.rmtree(old, ignore_errors=True)

"""A build's fingerprint, to show that a change to the build left its outputs as they were (issue 17).

Prints the sha256 of every file of dist/, of the store's quads as sorted N-Quads, and of the
rows of the store's documents.sqlite (kind, key, body, in key order); with ``--keep FOLDER`` also
writes the dumps and the N-Quads there, to diff.

    .venv/bin/python bench/fingerprint_build.py var dist > after.txt && diff before.txt after.txt
"""

from __future__ import annotations

import argparse
import hashlib
import sqlite3
import sys
from pathlib import Path

import pyoxigraph as ox


def fingerprint(var: Path, dist: Path, keep: Path | None = None) -> list[str]:
    lines = []
    for f in sorted(dist.resolve().iterdir()):
        lines.append(f"{f.name} {hashlib.sha256(f.read_bytes()).hexdigest()}")
        if keep is not None:
            (keep / f.name).write_bytes(f.read_bytes())
    folder = (var / "store").resolve()
    quads = sorted(f"{q} .\n" for q in ox.Store.read_only(str(folder)))
    dump = "".join(quads).encode("utf-8")
    if keep is not None:
        (keep / "store.nq").write_bytes(dump)
    lines.append(f"store.nq {hashlib.sha256(dump).hexdigest()} {len(quads)} quads")
    digest, rows = hashlib.sha256(), 0
    con = sqlite3.connect(f"file:{folder / 'documents.sqlite'}?mode=ro", uri=True)
    for kind, key, body in con.execute("SELECT kind, key, body FROM documents ORDER BY kind, key"):
        digest.update(kind.encode() + b"\0" + key.encode() + b"\0" + bytes(body) + b"\0")
        rows += 1
    con.close()
    lines.append(f"documents.sqlite rows {digest.hexdigest()} {rows} rows")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("var", type=Path, help="the build's var/ folder (holding the store symlink)")
    ap.add_argument("dist", type=Path, help="the build's dist/ folder")
    ap.add_argument("--keep", type=Path, help="also write the dumps and the sorted N-Quads here")
    args = ap.parse_args(argv)
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
    print("\n".join(fingerprint(args.var, args.dist, args.keep)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

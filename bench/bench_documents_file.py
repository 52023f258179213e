"""documents.sqlite written as before (4 KiB pages, rollback journal) and as now (16 KiB pages,
no journal, no syncs: graph/store/documents.py:write), from the rows of the built store's file:
size and CPU seconds of each, in one run.

    .venv/bin/python bench/bench_documents_file.py
"""

from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
import loadinfo  # noqa: E402

DDL = "CREATE TABLE documents (kind TEXT, key TEXT, body BLOB, PRIMARY KEY (kind, key)) WITHOUT ROWID"
WAYS = {
    "4 KiB pages, rollback journal (before)": [],
    "16 KiB pages, no journal, no syncs (now)": [
        "PRAGMA journal_mode=OFF",
        "PRAGMA synchronous=OFF",
        "PRAGMA page_size=16384",
    ],
}


def main() -> int:
    loadinfo.start("bench_documents_file")
    src = sqlite3.connect(f"file:{ROOT / 'var' / 'store' / 'documents.sqlite'}?mode=ro", uri=True)
    rows = src.execute("SELECT kind, key, body FROM documents ORDER BY kind, key").fetchall()
    src.close()
    print(f"{len(rows)} documents, {sum(len(r[2]) for r in rows) / 2**20:.1f} MiB of bodies")
    with tempfile.TemporaryDirectory() as tmp:
        for name, pragmas in WAYS.items():
            path = Path(tmp) / f"{len(os.listdir(tmp))}.sqlite"
            con = sqlite3.connect(path)
            cpu = time.process_time()
            for pragma in pragmas:
                con.execute(pragma)
            con.execute(DDL)
            con.executemany("INSERT INTO documents VALUES (?, ?, ?)", rows)
            con.commit()
            con.close()
            used = time.process_time() - cpu
            print(f"{name}: {path.stat().st_size / 2**20:.1f} MiB, CPU {used:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

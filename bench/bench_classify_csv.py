"""A CSV of 100,000 job titles through `occugraph classify --csv`: time, progress and peak memory.

    .venv/bin/python bench/bench_classify_csv.py [--rows 100000] [--store var/store]

The titles are the 2,950 real 51job titles of bench/data/job-postings/ with recruiting noise added
in turn (an employer and 招聘 in front, a pay range, a place in brackets, a requisition code), and
every 500th row a bad one (empty, whitespace only, emoji only, 10,000 characters, bytes that are not
UTF-8), so the
file has many distinct titles and the error path is exercised. Peak memory is the command's
resident set, sampled every 50 ms with psutil; progress lines are counted from its stderr.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
NOISE = ["{t}", "金环钢构招聘{t}", "{t} 8k-15k", "{t}（深圳宝安区）", "{t}(J{n:05d})", "急招{t} 五险一金", "{t}/实习生"]
BAD = [b"", b"   \t ", "🔥🔥".encode(), ("运" * 10_000).encode(), b"\xff\xfe\x00\x01"]


def write_titles(path: Path, rows: int) -> None:
    titles = [
        line.split("\t")[0]
        for line in (ROOT / "bench/data/job-postings/51job-2023-titles.tsv")
        .read_text(encoding="utf-8")
        .splitlines()[1:]
    ]
    with path.open("wb") as f:
        f.write(b"title\n")
        for n in range(rows):
            if n % 500 == 499:
                cell = BAD[(n // 500) % len(BAD)]
            else:
                t = titles[n % len(titles)]
                cell = NOISE[(n // len(titles)) % len(NOISE)].format(t=t, n=n).encode()
            f.write(b'"' + cell.replace(b'"', b'""') + b'"\n')


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--store", type=Path, default=ROOT / "var" / "store")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "titles.csv", Path(tmp) / "out.csv"
        write_titles(src, args.rows)
        cmd = [sys.executable, "-m", "graph.cli.main", "classify", "--csv", str(src), "-o", str(out)]
        cmd += ["--store", str(args.store)]
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stderr=subprocess.PIPE, text=True)
        ps = psutil.Process(proc.pid)
        peak, cpu = 0, 0.0
        while proc.poll() is None:
            try:
                peak = max(peak, ps.memory_info().rss)
                times = ps.cpu_times()
                cpu = times.user + times.system
            except psutil.NoSuchProcess:
                break
            time.sleep(0.05)
        took = time.perf_counter() - started
        err = proc.stderr.read() if proc.stderr else ""
        statuses = [r["status"] for r in csv.DictReader(out.open(encoding="utf-8"))] if out.exists() else []
        lines, errors = len(statuses), statuses.count("error")
    report = {
        "rows": args.rows,
        "exit_code": proc.returncode,
        "rows_written": lines,
        "error_rows": errors,
        "progress_lines": err.count("classified ") - 1,
        "seconds": round(took, 1),
        "rows_per_s": round(args.rows / took),
        "cpu_seconds": round(cpu, 1),
        "rows_per_cpu_s": round(args.rows / cpu) if cpu else None,
        "peak_rss_mib": round(peak / 2**20),
        "load_average_1": round(os.getloadavg()[0], 2),
    }
    print(json.dumps(report, indent=2))
    return 0 if proc.returncode == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""The hand-labelled recruiting titles under bench/data/ are well-formed.

bench/eval_classify.py reports accuracy against these labels (issue 16); a label that names no
entry, or names an entry at a level the code cannot have, would silently count as a miss (or a
hit) for every run after it. Every ``bench/data/*/labelled.tsv`` is checked, so a new set (the
broad set, bench/data/job-postings-broad/) is checked the day it is added. No store is needed:
the labels are compared with standards/classification/entries.tsv, the file the build reads.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest

from graph.core.codes import code_kind

ROOT = Path(__file__).resolve().parents[1]
HEADER = ["n", "title", "label", "label_name", "level", "split"]
LEVELS = {"occupation", "minor", "medium", "none"}
TUNE_ROWS = 150  # rows 0-149 tune, 150-299 held-out (bench/data/*/SOURCES.md)
LABELLED = sorted((ROOT / "bench" / "data").glob("*/labelled.tsv"))
FRESH = sorted((ROOT / "bench" / "data").glob("*/labelled-fresh*.tsv"))  # later draws: split fresh, fresh2


def read_tsv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        return list(reader.fieldnames or []), list(reader)


def entries() -> dict[str, dict[str, str]]:
    _, rows = read_tsv(ROOT / "standards" / "classification" / "entries.tsv")
    return {r["code"]: r for r in rows}


def test_the_labelled_sets_are_found() -> None:
    assert ROOT / "bench" / "data" / "job-postings" / "labelled.tsv" in LABELLED


@pytest.mark.parametrize("path", LABELLED + FRESH, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_labelled_file_is_well_formed(path: Path) -> None:
    header, rows = read_tsv(path)
    assert header == HEADER
    assert rows, "no labelled rows"
    assert [r["n"] for r in rows] == [str(i) for i in range(len(rows))]
    if path.name == "labelled.tsv":
        assert len(rows) == 2 * TUNE_ROWS
        for r in rows:
            assert r["split"] == ("tune" if int(r["n"]) < TUNE_ROWS else "held-out"), r
    else:
        assert all(r["split"] == path.stem.removeprefix("labelled-") for r in rows)
    titles = [r["title"] for r in rows]
    assert all(t.strip() == t and t for t in titles), "empty title or stray spaces"
    assert len(set(titles)) == len(titles), "a title is labelled twice"

    known = entries()
    problems = []
    for r in rows:
        level, label = r["level"], r["label"]
        if level not in LEVELS:
            problems.append(f"{r['n']}: unknown level {level!r}")
        elif level == "none":
            if label != "-" or r["label_name"]:
                problems.append(f"{r['n']}: level none must have label '-' and no name")
        elif label not in known:
            problems.append(f"{r['n']}: {label} is not in entries.tsv")
        else:
            entry = known[label]
            if level not in entry["kinds"].split("|"):
                problems.append(f"{r['n']}: {label} is {entry['kinds']}, labelled {level}")
            shape = code_kind(label)  # a minor group's code may also be counted as an occupation
            if level != shape and not (level == "occupation" and shape == "minor"):
                problems.append(f"{r['n']}: {label} has the form of a {shape}, labelled {level}")
            if r["label_name"] != entry["name"]:
                problems.append(f"{r['n']}: name {r['label_name']!r}, entries.tsv says {entry['name']!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", LABELLED + FRESH, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_labelled_titles_come_from_the_set(path: Path) -> None:
    """Every labelled title is one of the set's distinct titles, exactly as posted (the sample is
    drawn from that file), and that file is one title per row with a posting count."""
    title_files = [p for p in path.parent.glob("*.tsv") if not p.name.startswith("labelled")]
    assert len(title_files) == 1, f"expected one titles file beside {path.name}: {title_files}"
    header, rows = read_tsv(title_files[0])
    assert header == ["title", "postings"]
    counts = [r["postings"] for r in rows]
    assert all(c.isdigit() and int(c) > 0 for c in counts)
    titles = {r["title"] for r in rows}
    assert len(titles) == len(rows), "titles file repeats a title"
    _, labelled = read_tsv(path)
    missing = [r["title"] for r in labelled if r["title"] not in titles]
    assert not missing, missing[:5]


def test_the_later_sets_are_the_seeded_draws_from_titles_never_drawn_before() -> None:
    """labelled-fresh.tsv and labelled-fresh2.tsv hold the draws SOURCES.md states: 200 titles each
    (``random.Random(1603)``, then ``random.Random(1604)``) from the titles outside every earlier
    draw (the first, of 400 by ``random.Random(16)``, whose first 300 are labelled.tsv), so no
    title of a later set was ever looked at before it was drawn."""
    folder = ROOT / "bench" / "data" / "job-postings"
    _, titles_rows = read_tsv(folder / "51job-2023-titles.tsv")
    titles = [r["title"] for r in titles_rows]
    first = random.Random(16).sample(sorted(titles), 400)
    _, labelled = read_tsv(folder / "labelled.tsv")
    assert [r["title"] for r in labelled] == first[:300]
    drawn = set(first)
    for name, seed in (("labelled-fresh.tsv", 1603), ("labelled-fresh2.tsv", 1604)):
        rest = sorted(set(titles) - drawn)
        _, rows = read_tsv(folder / name)
        assert [r["title"] for r in rows] == random.Random(seed).sample(rest, 200), name
        drawn |= {r["title"] for r in rows}

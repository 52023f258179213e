"""The editable source format: tab-separated tables checked against a column dictionary.

Each file set in ``standards/`` has a ``columns.tsv`` that documents every column (for people)
and drives validation (for the build): one dictionary, so docs and checks cannot drift apart.
Errors carry ``file:line`` so an editor working in a spreadsheet can find the row.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from graph.core.errors import MissingReference, SourceError

DICTIONARY_FILE = "columns.tsv"

# The row whose cells a reader read last. graph/build/locations.py attributes each triple a reader adds
# to this row, so validation can point at file:line without every reader having to say where.
CURRENT_ROW: ContextVar[Row | None] = ContextVar("CURRENT_ROW", default=None)
DICTIONARY_HEADER = ["file", "column", "required", "pattern", "description"]


@dataclass(frozen=True)
class Column:
    """One documented column: required flag and an optional full-match regex."""

    name: str
    required: bool
    pattern: re.Pattern[str] | None
    description: str


@dataclass(frozen=True)
class Row:
    """A data row with its 1-based line number in the file (header is line 1)."""

    path: str
    line: int
    values: dict[str, str]

    def __getitem__(self, key: str) -> str:
        if CURRENT_ROW.get() is not self:  # a set costs ten gets: readers read a row's cells in turn
            CURRENT_ROW.set(self)
        return self.values[key]

    def get(self, key: str, default: str = "") -> str:
        if CURRENT_ROW.get() is not self:
            CURRENT_ROW.set(self)
        return self.values.get(key, default) or default

    def error(self, message: str) -> SourceError:
        return SourceError(self.path, self.line, message)

    def missing(self, message: str, key: str, defined_in: str) -> MissingReference:
        """A reference to ``key`` that ``defined_in`` (e.g. ``classification/entries.tsv``) lacks."""
        return MissingReference(self.path, self.line, message, key=key, defined_in=defined_in)


# longest cell accepted, in characters: the longest in standards/ is 560 (a column description);
# a cell far beyond that is a paste gone wrong (a whole document in one cell), not an entry
MAX_CELL_CHARS = 5_000


def _split(line: str) -> list[str]:
    return line.rstrip("\n").rstrip("\r").split("\t")


def source_lines(path: Path, shown: str) -> list[tuple[int, str]]:
    """The file's lines with their 1-based numbers, decoded as UTF-8.

    A line that is not UTF-8 (a file saved as GBK by a spreadsheet, a stray byte) is a
    SourceError at its file:line, with the column and the bytes, rather than a traceback.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SourceError(shown, 0, f"cannot be read: {exc.strerror}") from None
    try:  # the whole file at once (\n never occurs inside a multi-byte character)
        whole = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise SourceErrors(_not_utf8_lines(raw, shown)) from None
    out = list(enumerate(whole.removeprefix("\ufeff").split("\n"), start=1))
    if out and out[-1][1] == "":
        out.pop()  # the newline that ends the last line
    return out


def _not_utf8_lines(raw: bytes, shown: str) -> list[SourceError]:
    """Every line of a file that is not UTF-8, at its column (at least one: a line break never
    splits a character, so the line that made the whole file fail fails on its own)."""
    problems = []
    for n, chunk in enumerate(raw.split(b"\n"), start=1):
        try:
            chunk.decode("utf-8")
        except UnicodeDecodeError as exc:
            column = len(chunk[: exc.start].decode("utf-8", "replace")) + 1
            problems.append(
                SourceError(
                    shown,
                    n,
                    f"not valid UTF-8 at column {column} (bytes {chunk[exc.start : exc.start + 4].hex(' ')}); "
                    "save the file as UTF-8",
                )
            )
    return problems


def long_cells(shown: str, n: int, cells: Sequence[str]) -> list[SourceError]:
    return [
        SourceError(shown, n, f"cell {i} is {len(c):,} characters long; the limit is {MAX_CELL_CHARS:,}")
        for i, c in enumerate(cells, start=1)
        if len(c) > MAX_CELL_CHARS
    ]


def read_dictionary(folder: Path) -> dict[str, list[Column]]:
    """Read ``columns.tsv`` of a file set: file name -> its columns in order."""
    path = folder / DICTIONARY_FILE
    if not path.exists():
        raise SourceError(str(path), 0, "column dictionary is missing")
    tables: dict[str, list[Column]] = {}
    lines = source_lines(path, str(path))
    header = _split(lines[0][1]) if lines else []
    if header != DICTIONARY_HEADER:
        raise SourceError(str(path), 1, f"header must be {DICTIONARY_HEADER}, found {header}")
    for n, line in lines[1:]:
        if not line.strip():
            continue
        cells = _split(line)
        if len(cells) != len(DICTIONARY_HEADER):
            raise SourceError(str(path), n, f"expected {len(DICTIONARY_HEADER)} cells")
        long = long_cells(str(path), n, cells)
        if long:
            raise long[0]
        file, column, required, pattern, description = cells
        try:
            compiled = re.compile(pattern) if pattern else None
        except re.error as exc:
            raise SourceError(str(path), n, f"bad pattern {pattern!r}: {exc}") from None
        tables.setdefault(file, []).append(Column(column, required == "yes", compiled, description))
    return tables


def read_table(
    folder: Path,
    file: str,
    dictionary: dict[str, list[Column]],
    rejected: list[tuple[Row, list[SourceError]]] | None = None,
    optional: bool = False,
) -> list[Row]:
    """Read one TSV of a file set, checking header, cell count, required cells and patterns.

    All problems in the file are collected and raised together (first one as the exception,
    the rest in ``errors``) so an editor sees every bad row in one run. With ``rejected``, bad
    rows are put there with their problems instead and the good rows are returned: a reader that
    defines what other files refer to (entries.tsv) goes on with the good rows, so one bad row
    does not make every reference to every other row fail too. An ``optional`` file that is
    not there has no rows.
    """
    columns = dictionary.get(file)
    path = folder / file
    shown = os.path.relpath(path)
    if optional and not path.exists():
        return []
    if columns is None:
        raise SourceError(str(folder / DICTIONARY_FILE), 0, f"no columns documented for {file}")
    if not path.exists():
        raise SourceError(shown, 0, "file is missing")
    names = [c.name for c in columns]
    rows: list[Row] = []
    problems: list[SourceError] = []
    lines = source_lines(path, shown)
    header = _split(lines[0][1]) if lines else []
    if header != names:
        raise SourceError(shown, 1, f"header must be {names}, found {header}")
    # only the columns that can fail a row, in dictionary order (the order problems are listed in)
    checks = [(c.name, c.required, c.pattern) for c in columns if c.required or c.pattern is not None]
    for n, line in lines[1:]:
        if not line.strip():
            continue
        cells = _split(line)
        if len(cells) != len(names):
            problems.append(SourceError(shown, n, f"expected {len(names)} tab-separated cells, found {len(cells)}"))
            continue
        values = dict(zip(names, map(str.strip, cells), strict=True))
        # no cell is longer than its line: most lines need no look at each cell's length
        row_problems = long_cells(shown, n, cells) if len(line) > MAX_CELL_CHARS else []
        for name, required, pattern in checks if not row_problems else ():
            value = values[name]
            if not value:
                if required:
                    row_problems.append(SourceError(shown, n, f"column {name!r} is required"))
            elif pattern is not None and not pattern.fullmatch(value):
                message = f"column {name!r}: {value!r} does not match {pattern.pattern}"
                row_problems.append(SourceError(shown, n, message))
        if row_problems and rejected is not None:
            rejected.append((Row(shown, n, values), row_problems))
            continue
        problems += row_problems
        rows.append(Row(shown, n, values))
    if problems:
        raise SourceErrors(problems)
    return rows


class SourceErrors(SourceError):
    """Several located problems at once; behaves as the first one."""

    def __init__(self, errors: Sequence[SourceError]) -> None:
        first = errors[0]
        super().__init__(first.path, first.line, first.message)
        self.errors = list(errors)


def _natural_key(row: tuple[str, ...]) -> tuple[str, ...]:
    """Sort "2" before "10" in every cell, so task numbers read in order in a spreadsheet."""
    return tuple(re.sub(r"\d+", lambda m: m.group().zfill(10), cell) for cell in row)


def format_tsv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """Serialise rows as TSV, sorted, so that the same content always gives the same bytes."""
    out = io.StringIO()
    out.write("\t".join(header) + "\n")
    for row in sorted((tuple(r) for r in rows), key=_natural_key):
        for cell in row:
            if "\t" in cell or "\n" in cell:
                raise ValueError(f"cell contains a tab or newline: {cell!r}")
        out.write("\t".join(row) + "\n")
    return out.getvalue()


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    """Read an upstream CSV (used by importers only, never by the build)."""
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))

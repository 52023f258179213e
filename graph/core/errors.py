"""Errors that carry a location, so the CLI can print ``file:line: message`` and exit non-zero."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class SourceError(Exception):
    """A problem in an editable source file, at a 1-based line (0 = the whole file).

    ``consequences`` holds the problems this one caused elsewhere (rows that refer to what this
    row failed to define); graph/build/causes.py fills it so an editor sees the root cause once.
    """

    path: str
    line: int
    message: str
    consequences: list[SourceError] = field(default_factory=list, compare=False, repr=False)

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"

    def with_summary(self) -> str:
        """``file:line: message (and 12 rows in 3 files that refer to it)`` for the command line."""
        summary = self.consequence_summary()
        return f"{self} ({summary})" if summary else str(self)

    def consequence_summary(self) -> str:
        """``and 2,079 rows in 9 files that refer to it`` (empty when nothing depends on it)."""
        if not self.consequences:
            return ""
        files = len({c.path for c in self.consequences})
        rows = len(self.consequences)
        return f"and {rows:,} row{'s' if rows != 1 else ''} in {files} file{'s' if files != 1 else ''} that refer to it"


@dataclass
class MissingReference(SourceError):
    """A row refers to ``key``, which ``defined_in`` (``<file set>/<file>.tsv``) does not define.

    Either the reference is wrong (a typo: the row itself is the root cause) or the defining row
    is broken or was deleted (then this row is a consequence; see graph/build/causes.py).
    """

    key: str = ""
    defined_in: str = ""


class BuildError(Exception):
    """The build cannot go on; the previous store and dumps are left untouched."""

    def __init__(self, message: str, problems: list[SourceError] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class RequestError(ValueError):
    """Bad input to a question an area answers (a pathway query, a profile, ...).

    ``status`` is how a web answer classes it (400 malformed, 404 unknown, 413 too large, 422
    unusable), ``extra`` what a JSON answer adds (e.g. ``nearest_codes``). Areas raise it without
    knowing about HTTP; the server's one error handler turns it into the JSON error, the CLI
    prints ``message``.
    """

    def __init__(self, message: str, status: int = 400, **extra: object) -> None:
        super().__init__(message)
        self.message, self.status, self.extra = message, status, extra

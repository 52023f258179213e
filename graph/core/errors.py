"""Errors that carry a location, so the CLI can print ``file:line: message`` and exit non-zero."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class SourceError(Exception):
    """A problem in an editable source file, at a 1-based line (0 = the whole file)."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class BuildError(Exception):
    """The build cannot go on; the previous store and dumps are left untouched."""

    def __init__(self, message: str, problems: list[SourceError] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []

"""Findings: what validation and reasoning report, one problem each, at a file:line where known.

Shared by graph/workflow/validate.py and graph/workflow/reason.py so that neither imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SEVERITY_ORDER = {"ERROR": 0, "WARN": 1, "INFO": 2}
SHACL_SEVERITY = {"Violation": "ERROR", "Warning": "WARN", "Info": "INFO"}


@dataclass(frozen=True)
class Finding:
    """One problem: how bad, which check, what, where (``file:line``) and about which entity.

    ``consequences`` are the ``file:line: message`` lines of the rows that fail only because of
    this one (graph/build/causes.py): the report shows their count, ``--consequences`` lists them.
    """

    severity: str
    check: str
    message: str
    location: str = ""
    entity: str = ""
    consequences: tuple[str, ...] = field(default=(), compare=False)

    def line(self) -> str:
        where = f"{self.location}: " if self.location else ""
        return f"{where}{self.severity} [{self.check}] {self.message}{self.summary()}"

    def summary(self) -> str:
        """`` (and 2,079 rows in 9 files that refer to it)``, or nothing."""
        if not self.consequences:
            return ""
        rows = len(self.consequences)
        files = len({c.split(":", 1)[0] for c in self.consequences})
        return (
            f" (and {rows:,} row{'s' if rows != 1 else ''} in {files} file{'s' if files != 1 else ''} that refer to it)"
        )

    def sort_key(self) -> tuple[object, ...]:
        path, _, line = self.location.rpartition(":")
        loc = (path, int(line)) if line.isdigit() else (self.location, 0)
        return (SEVERITY_ORDER.get(self.severity, 9), self.check, loc, self.message)


def _short(iri: str) -> str:
    for prefix, ns in (
        ("og:", "https://w3id.org/occugraph/ontology/"),
        ("id:", "https://w3id.org/occugraph/id/"),
        ("skos:", "http://www.w3.org/2004/02/skos/core#"),
        ("rdfs:", "http://www.w3.org/2000/01/rdf-schema#"),
        ("rdf:", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
        ("owl:", "http://www.w3.org/2002/07/owl#"),
        ("dcterms:", "http://purl.org/dc/terms/"),
    ):
        if iri.startswith(ns):
            return prefix + iri[len(ns) :]
    return iri

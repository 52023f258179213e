"""Findings: what validation and reasoning report, one problem each, at a file:line where known.

Shared by graph/workflow/validate.py and graph/workflow/reason.py so that neither imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass

SEVERITY_ORDER = {"ERROR": 0, "WARN": 1, "INFO": 2}
SHACL_SEVERITY = {"Violation": "ERROR", "Warning": "WARN", "Info": "INFO"}


@dataclass(frozen=True)
class Finding:
    """One problem: how bad, which check, what, where (``file:line``) and about which entity."""

    severity: str
    check: str
    message: str
    location: str = ""
    entity: str = ""

    def line(self) -> str:
        where = f"{self.location}: " if self.location else ""
        return f"{where}{self.severity} [{self.check}] {self.message}"

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

"""Readers for the file sets in ``standards/``: each turns one folder of TSVs into triples.

A reader is a function ``load(folder, graph, ctx)``. It raises ``SourceError``/``SourceErrors``
with file:line for anything an editor must fix, and adds notes for the QC report to ``ctx``.
Readers run in the order of ``READERS``; later ones may use what earlier ones put in ``ctx``
(e.g. the standards reader resolves occupation codes against the classification).
"""

from __future__ import annotations

from graph.build.context import Reader
from graph.build.sources import (
    classification,
    curriculum_matching,
    deprecations,
    eligibility_rules,
    job_titles,
    ladder,
    new_occupations,
    pathways,
    provenance,
    schools,
    skill_standards,
    work_requirements,
)

__all__ = ["readers"]


def readers() -> list[tuple[str, Reader]]:
    """(folder name under standards/, reader), in build order."""
    return [
        ("provenance", provenance.load),
        ("classification", classification.load),
        ("new-occupations", new_occupations.load),
        ("job-titles", job_titles.load),
        ("curriculum-matching", curriculum_matching.load),
        ("ladder", ladder.load),
        ("eligibility", eligibility_rules.load),
        ("skill-standards", skill_standards.load),
        # derived from the eligibility rules and standards read above (reads no files of its own)
        ("pathways", pathways.load),
        ("work-requirements", work_requirements.load),
        ("majors", schools.load_majors),
        ("onex", schools.load_onex),
        ("credit-equivalences", schools.load_credit_equivalences),
        # keep last: marks entities of any file set as deprecated
        ("deprecations", deprecations.load),
    ]

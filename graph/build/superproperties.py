"""The DCMI and PROV triples the data means, written beside OccuGraph's own at build time.

Where OccuGraph records something a standard vocabulary has a term for, the og: property keeps
its IRI (public since release v1) and the TBox says which standard term it refines
(``og:issueDate rdfs:subPropertyOf dcterms:issued``). A client that knows DCMI Terms but not
OccuGraph, or a SPARQL endpoint without RDFS entailment (the embedded store, Virtuoso as we
run it), would still not find ``dcterms:issued`` on a standard. So the build writes the standard
triple too, read off the TBox rather than a list kept here:

- every ``(s og:p o)`` where ``og:p rdfs:subPropertyOf`` a ``dcterms:`` or ``prov:`` property
  ``q`` also gives ``(s q o)`` (og:standardTitle -> dcterms:title, og:issueDate and
  og:announcementDate -> dcterms:issued, og:issuer -> dcterms:publisher);
- a validity given as a first and last day (og:validFrom / og:validUntil of a credit
  equivalence, og:effectiveFrom of a certificate level) also gives ``dcterms:valid`` as a DCMI
  Period (``start=2024-09-01; end=2026-08-31; scheme=W3C-DTF;``), the encoding DCMI documents for
  dcterms:valid; it is not a sub-property, since one date is not the period.

Only these two vocabularies: og:majorCode is a sub-property of skos:notation on purpose without
the skos:notation triple (schools.ttl says why), and og:relatedOccupation's skos:related is
left to clients that apply RDFS.

>>> from rdflib import Graph, Literal, URIRef
>>> from rdflib.namespace import DCTERMS, RDFS, XSD
>>> from graph.core.namespaces import OG
>>> tbox, abox = Graph(), Graph()
>>> _ = tbox.add((OG.issueDate, RDFS.subPropertyOf, DCTERMS.issued))
>>> s = URIRef("https://w3id.org/occugraph/id/standard/x")
>>> _ = abox.add((s, OG.issueDate, Literal("2021-01-01", datatype=XSD.date)))
>>> _ = abox.add((s, OG.validFrom, Literal("2024-09-01", datatype=XSD.date)))
>>> materialise(tbox, abox)
{'http://purl.org/dc/terms/issued': 1, 'http://purl.org/dc/terms/valid': 1}
>>> str(abox.value(s, DCTERMS.issued)), str(abox.value(s, DCTERMS.valid))
('2021-01-01', 'start=2024-09-01; scheme=W3C-DTF;')
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDFS

from graph.core.namespaces import OG

STANDARD_VOCABULARIES = (str(DCTERMS), str(PROV))

# (first day, last day or None) of a validity, written as one dcterms:valid period
VALIDITY: tuple[tuple[URIRef, URIRef | None], ...] = (
    (OG.validFrom, OG.validUntil),
    (OG.effectiveFrom, None),
)


def standard_superproperties(tbox: Graph) -> list[tuple[URIRef, URIRef]]:
    """(og: property, the dcterms:/prov: property it is declared a sub-property of), sorted."""
    pairs = set()
    for p, q in tbox.subject_objects(RDFS.subPropertyOf):
        if str(p).startswith(str(OG)) and isinstance(q, URIRef) and str(q).startswith(STANDARD_VOCABULARIES):
            pairs.add((p, q))
    return sorted(pairs)


def period(start: str | None, end: str | None) -> Literal:
    """A DCMI Period (https://www.dublincore.org/specifications/dublin-core/dcmi-period/) in W3C-DTF.

    >>> str(period("2024-09-01", "2026-08-31"))
    'start=2024-09-01; end=2026-08-31; scheme=W3C-DTF;'
    """
    parts = [f"start={start}"] if start else []
    if end:
        parts.append(f"end={end}")
    return Literal("; ".join([*parts, "scheme=W3C-DTF"]) + ";", datatype=DCTERMS.Period)


def materialise(tbox: Graph, abox: Graph) -> dict[str, int]:
    """Add the standard-vocabulary triples described above to ``abox``; count per property."""
    counts: dict[str, int] = {}
    for p, q in standard_superproperties(tbox):
        added = [(s, q, o) for s, o in abox.subject_objects(p)]
        for t in added:
            abox.add(t)
        if added:
            counts[str(q)] = counts.get(str(q), 0) + len(added)
    valid = 0
    for first, last in VALIDITY:
        for s, start in list(abox.subject_objects(first)):
            end = abox.value(s, last) if last is not None else None
            abox.add((s, DCTERMS.valid, period(str(start), str(end) if end is not None else None)))
            valid += 1
    if valid:
        counts[str(DCTERMS.valid)] = valid
    return dict(sorted(counts.items()))

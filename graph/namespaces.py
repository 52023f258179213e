"""IRIs: one typed namespace class per vocabulary, and the builders for instance IRIs.

Terms live under ``https://w3id.org/occugraph/ontology/`` (slash namespace, so each term can be
dereferenced on its own); instances under ``https://w3id.org/occugraph/id/<kind>/<official id>``.
The policy is written down in docs/iri-policy.md.
"""

from __future__ import annotations

from urllib.parse import quote

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

BASE = "https://w3id.org/occugraph/"
ONTOLOGY_IRI = BASE + "ontology"
ID = BASE + "id/"

# Named graphs in the store: the TBox and the data are kept apart (queries see their union).
ONTOLOGY_GRAPH = BASE + "graph/ontology"
DATA_GRAPH = BASE + "graph/data"


class OG(DefinedNamespace):
    """OccuGraph terms, defined in ontology/occugraph.ttl (the only place they are declared)."""

    _NS = Namespace(BASE + "ontology/")
    _fail = True

    ClassificationEntry: URIRef
    MajorGroup: URIRef
    MediumGroup: URIRef
    MinorGroup: URIRef
    Occupation: URIRef
    DigitalOccupation: URIRef
    GreenOccupation: URIRef
    WorkType: URIRef
    MainTask: URIRef
    Edition: URIRef
    SourceDataset: URIRef
    hasMainTask: URIRef
    taskNumber: URIRef
    taskText: URIRef
    inEdition: URIRef
    markerAsPrinted: URIRef
    formerCode: URIRef
    editionYear: URIRef
    Standard: URIRef
    NationalSkillStandard: URIRef
    EvaluationSpecification: URIRef
    SpecialAbilitySpecification: URIRef
    forOccupation: URIRef
    documentNumber: URIRef
    SkillLevel: URIRef
    coversLevel: URIRef
    Certificate: URIRef
    VocationalQualificationCertificate: URIRef
    SkillLevelCertificate: URIRef
    SpecialAbilityCertificate: URIRef
    EligibilityRule: URIRef
    SchoolMajor: URIRef
    CreditEquivalence: URIRef
    NewOccupationBatch: URIRef


KIND_CLASS = {
    "major": OG.MajorGroup,
    "medium": OG.MediumGroup,
    "minor": OG.MinorGroup,
    "occupation": OG.Occupation,
}

SCHEME = URIRef(ID + "scheme/csco")


def entry_iri(code: str, kinds: set[str] | frozenset[str]) -> URIRef:
    """IRI of a classification entry: occupations under id/occupation/, groups under id/group/.

    >>> entry_iri("2-02-38-01", {"occupation"})
    rdflib.term.URIRef('https://w3id.org/occugraph/id/occupation/2-02-38-01')
    >>> entry_iri("2-02-38-00", {"minor"})
    rdflib.term.URIRef('https://w3id.org/occugraph/id/group/2-02-38-00')
    """
    path = "occupation" if "occupation" in kinds else "group"
    return URIRef(f"{ID}{path}/{quote(code)}")


def task_iri(code: str, number: int) -> URIRef:
    return URIRef(f"{ID}occupation/{quote(code)}/task/{number}")


def edition_iri(edition: str) -> URIRef:
    return URIRef(f"{ID}edition/{quote(edition)}")


def source_iri(name: str) -> URIRef:
    return URIRef(f"{ID}source/{quote(name)}")

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

# Releases: https://w3id.org/occugraph/releases/<version>/<file> (version IRIs, graph/workflow/release.py).
RELEASES = BASE + "releases/"

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
    # skill standards, levels, eligibility rules, work requirements (ontology/standards.ttl)
    Level: URIRef
    ProfessionalLevel: URIRef
    levelRank: URIRef
    officialLevelNumber: URIRef
    nextHigherLevel: URIRef
    nextHigherLevelTransitive: URIRef  # closure, generated (graph/build/closure.py)
    titleCountsTowardLevel: URIRef
    DiplomaKind: URIRef
    diplomaRank: URIRef
    educationTrack: URIRef
    issueDate: URIRef
    standardTitle: URIRef
    occupationCodeAsPrinted: URIRef
    workTypeName: URIRef
    titleMarker: URIRef
    issuer: URIRef
    occupationResolution: URIRef
    resolutionEvidence: URIRef
    levelLadder: URIRef
    levelCoverageProvenance: URIRef
    levelCoverageEvidence: URIRef
    eligibilityRuleSet: URIRef
    ruleSetBasis: URIRef
    EligibilityRuleSet: URIRef
    appliesFrom: URIRef
    appliesUntil: URIRef
    inRuleSet: URIRef
    forLevel: URIRef
    ruleNumber: URIRef
    ruleText: URIRef
    ruleSummary: URIRef
    requiredMaterials: URIRef
    hasCondition: URIRef
    EligibilityCondition: URIRef
    AgeCondition: URIRef
    DeclarationCondition: URIRef
    WorkCondition: URIRef
    CertificateCondition: URIRef
    DiplomaCondition: URIRef
    TitleCondition: URIRef
    TrainingCondition: URIRef
    ApprenticeshipCondition: URIRef
    conditionNumber: URIRef
    minimumAge: URIRef
    minimumYears: URIRef
    occupationScope: URIRef
    countedFrom: URIRef
    continuousWork: URIRef
    requiresLevel: URIRef
    acceptsCertificateType: URIRef
    minimumYearsHeld: URIRef
    acceptsDiplomaKind: URIRef
    majorScope: URIRef
    acceptsStudentStatus: URIRef
    requiresAssessedProgramme: URIRef
    requiresTitleCorrespondence: URIRef
    relatedOccupation: URIRef
    notRelatedOccupation: URIRef
    StandardLevel: URIRef
    includesRequirementsOf: URIRef
    includesRequirementsOfTransitive: URIRef  # closure, generated (graph/build/closure.py)
    ofStandard: URIRef
    atLevel: URIRef
    OccupationalFunction: URIRef
    WorkContent: URIRef
    WorkRequirement: URIRef
    SkillRequirement: URIRef
    KnowledgeRequirement: URIRef
    partOfStandardLevel: URIRef
    inFunction: URIRef
    inWorkContent: URIRef
    sectionNumber: URIRef
    requirementText: URIRef
    qualityFlag: URIRef
    SchoolMajor: URIRef
    CreditEquivalence: URIRef
    NewOccupationBatch: URIRef
    batchNumber: URIRef
    announcementDate: URIRef
    dateAsReported: URIRef
    announcedOccupationCount: URIRef
    knownOccupationCount: URIRef
    announcedWorkTypeCount: URIRef
    knownWorkTypeCount: URIRef
    announcedIn: URIRef
    proposedIn: URIRef
    nameAsAnnounced: URIRef
    nameEvidence: URIRef
    workTypeOf: URIRef
    firstAppearedIn: URIRef
    firstAppearedOn: URIRef
    # schools: majors, 1+X certificates, credit equivalences (ontology/schools.ttl)
    MajorCatalogue: URIRef
    EducationTier: URIRef
    MajorCategory: URIRef
    MajorSubcategory: URIRef
    majorCode: URIRef
    tierOfCatalogue: URIRef
    inTier: URIRef
    expectedMajorCount: URIRef
    expectedCountSource: URIRef
    preparesFor: URIRef
    OccupationalOrientation: URIRef
    hasOrientation: URIRef
    towardOccupation: URIRef
    orientationBasis: URIRef
    occupationNameAsGiven: URIRef
    orientationEvidence: URIRef
    OnexCertificate: URIRef
    TrainingEvaluationOrganisation: URIRef
    OnexLevel: URIRef
    CertificateAtLevel: URIRef
    awardedBy: URIRef
    onexPilotBatch: URIRef
    levelOfCertificate: URIRef
    certificateLevel: URIRef
    effectiveFrom: URIRef
    orientationText: URIRef
    facesOccupation: URIRef
    CreditFramework: URIRef
    Course: URIRef
    LearningOutcome: URIRef
    courseCode: URIRef
    schoolName: URIRef
    courseCredits: URIRef
    outcomeOfCourse: URIRef
    outcomeText: URIRef
    equivalenceSubject: URIRef
    countsForCreditsIn: URIRef
    creditAmount: URIRef
    exemptsFrom: URIRef
    equivalenceCondition: URIRef
    validFrom: URIRef
    validUntil: URIRef
    decidedBy: URIRef
    decisionDate: URIRef
    justification: URIRef
    mappingJustification: URIRef
    equivalenceStatus: URIRef
    # editing workflow (ontology/workflow.ttl)
    deprecationReason: URIRef
    deprecationDate: URIRef
    # career pathways (ontology/pathways.ttl)
    CareerState: URIRef
    stateOccupation: URIRef
    stateLevel: URIRef
    leadsTo: URIRef
    PromotionStep: URIRef
    stepFrom: URIRef
    stepTo: URIRef
    waitingYears: URIRef
    allowedByRule: URIRef


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

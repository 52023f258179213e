"""OccuGraph terms: GENERATED from ontology/*.ttl by `occugraph namespace` -- do not edit.

Every class and property the ontology declares under og: (https://w3id.org/occugraph/ontology/), one attribute
each (the comment is its English label). Add a term to the ontology, then run `occugraph namespace`;
tests/test_namespace.py checks that this file is up to date.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace


class OG(DefinedNamespace):
    """OccuGraph terms, as declared in ontology/*.ttl (generated: graph/build/namespace.py)."""

    _NS = Namespace("https://w3id.org/occugraph/ontology/")
    _fail = True

    AbilityRequirement: URIRef  # ability requirement of a major
    AgeCondition: URIRef  # age condition
    ApprenticeshipCondition: URIRef  # apprenticeship condition
    CareerState: URIRef  # career state
    CareerStep: URIRef  # career step
    Certificate: URIRef  # certificate
    CertificateAtLevel: URIRef  # certificate at a level
    CertificateCondition: URIRef  # certificate condition
    CertificateEquivalence: URIRef  # certificate equivalence
    CertificateExample: URIRef  # certificate named in a profile
    ClassificationEntry: URIRef  # classification entry
    ContinuingMajor: URIRef  # continuing major named in a profile
    Course: URIRef  # course
    CreditEquivalence: URIRef  # credit equivalence
    CreditFramework: URIRef  # credit framework
    CrossoverStep: URIRef  # title crossover
    DeclarationCondition: URIRef  # declaration condition
    DigitalOccupation: URIRef  # digital occupation
    DiplomaCondition: URIRef  # diploma condition
    DiplomaKind: URIRef  # diploma kind
    Edition: URIRef  # classification edition
    EducationTier: URIRef  # education tier
    EligibilityCondition: URIRef  # eligibility condition
    EligibilityRule: URIRef  # eligibility rule
    EligibilityRuleSet: URIRef  # eligibility rule set
    EvaluationSpecification: URIRef  # evaluation specification
    GreenOccupation: URIRef  # green occupation
    KnowledgeRequirement: URIRef  # knowledge requirement
    LearningOutcome: URIRef  # learning outcome
    Level: URIRef  # level
    MainTask: URIRef  # main task
    MajorCatalogue: URIRef  # major catalogue
    MajorCategory: URIRef  # major category
    MajorGroup: URIRef  # major group
    MajorListing: URIRef  # list of majors
    MajorSubcategory: URIRef  # major subcategory
    MediumGroup: URIRef  # medium group
    MinorGroup: URIRef  # minor group
    NationalSkillStandard: URIRef  # national occupational skill standard
    NewOccupationBatch: URIRef  # new-occupation release batch
    Occupation: URIRef  # occupation
    OccupationalFunction: URIRef  # occupational function
    OccupationalOrientation: URIRef  # occupational orientation
    OnexCertificate: URIRef  # 1+X vocational skill level certificate
    OnexLevel: URIRef  # 1+X certificate level
    OrientationSubject: URIRef  # major or certificate with an occupational orientation
    ProfessionalLevel: URIRef  # professional-technical level
    ProfileItem: URIRef  # numbered item of a major's profile
    PromotionStep: URIRef  # level promotion
    RecognisableAchievement: URIRef  # recognisable achievement
    SchoolMajor: URIRef  # school major
    SkillLevel: URIRef  # skill level
    SkillLevelCertificate: URIRef  # skill level certificate
    SkillRequirement: URIRef  # skill requirement
    SourceDataset: URIRef  # source data set
    SpecialAbilityCertificate: URIRef  # special ability certificate
    SpecialAbilitySpecification: URIRef  # special vocational ability specification
    Standard: URIRef  # occupational standard
    StandardLevel: URIRef  # standard at a level
    StandardPart: URIRef  # part of a standard
    StudyUnit: URIRef  # course or learning outcome
    TitleCondition: URIRef  # professional title condition
    TrainingCondition: URIRef  # training condition
    TrainingEvaluationOrganisation: URIRef  # training-evaluation organisation
    VocationalQualificationCertificate: URIRef  # vocational qualification certificate
    WorkCondition: URIRef  # work experience condition
    WorkContent: URIRef  # work content
    WorkRequirement: URIRef  # work requirement
    WorkRequirementsEntry: URIRef  # work-requirements table entry
    WorkType: URIRef  # work type
    abilityText: URIRef  # ability text
    acceptedCertificateType: URIRef  # accepted certificate type
    acceptsCertificateType: URIRef  # accepts certificate type
    acceptsDiplomaKind: URIRef  # accepts diploma kind
    acceptsStudentStatus: URIRef  # accepts student status
    allowedByRule: URIRef  # allowed by rule
    announcedIn: URIRef  # announced in
    announcedOccupationCount: URIRef  # occupations announced
    announcedWorkTypeCount: URIRef  # work types announced
    announcementDate: URIRef  # announcement date
    applicationsFrom: URIRef  # applications from
    appliesFrom: URIRef  # applies from
    appliesUntil: URIRef  # applies until
    atLevel: URIRef  # at level
    awardedBy: URIRef  # awarded by
    batchNumber: URIRef  # batch number
    certificateKindText: URIRef  # kind of certificate as printed
    certificateLevel: URIRef  # certificate level
    classificationLevel: URIRef  # classification level
    conditionNumber: URIRef  # condition number
    continuesTo: URIRef  # continues to
    continuingLevelText: URIRef  # continuing tier as printed
    continuousWork: URIRef  # continuous work
    coreCourse: URIRef  # core course
    countedFrom: URIRef  # counted from
    countsForCreditsIn: URIRef  # counts for credits in
    courseCode: URIRef  # course code
    courseCredits: URIRef  # course credits
    coversLevel: URIRef  # covers level
    coversOnlyWorkType: URIRef  # covers only work type
    creditAmount: URIRef  # credits
    dateAsReported: URIRef  # date as reported
    decidedBy: URIRef  # decided by
    decisionDate: URIRef  # decision date
    deprecationDate: URIRef  # deprecation date
    deprecationReason: URIRef  # deprecation reason
    diplomaRank: URIRef  # diploma rank
    documentNumber: URIRef  # document number
    editionYear: URIRef  # edition year
    educationTrack: URIRef  # education track
    effectiveFrom: URIRef  # effective from
    eligibilityRuleSet: URIRef  # eligibility rule set
    equivalenceCondition: URIRef  # condition
    equivalenceStatus: URIRef  # status
    equivalenceSubject: URIRef  # recognised credential
    exemptsFrom: URIRef  # exempts from
    expectedCountSource: URIRef  # source of the expected count
    expectedMajorCount: URIRef  # expected number of majors
    facesOccupation: URIRef  # faces occupation
    firstAppearedIn: URIRef  # first appeared in
    firstAppearedOn: URIRef  # first appeared on
    forLevel: URIRef  # for level
    forOccupation: URIRef  # for occupation
    formerCode: URIRef  # former code
    foundationCourse: URIRef  # foundation course
    hasAbilityRequirement: URIRef  # has ability requirement
    hasCertificateExample: URIRef  # names certificate
    hasCondition: URIRef  # has condition
    hasContinuingMajor: URIRef  # continuing major
    hasMainTask: URIRef  # has main task
    hasOrientation: URIRef  # has orientation
    inEdition: URIRef  # in edition
    inFunction: URIRef  # in function
    inPlaceOfCertificateType: URIRef  # in place of certificate type
    inRuleSet: URIRef  # in rule set
    inTier: URIRef  # in tier
    inWorkContent: URIRef  # in work content
    includesRequirementsOf: URIRef  # includes requirements of
    includesRequirementsOfTransitive: URIRef  # includes requirements of (any lower level)
    issueDate: URIRef  # issue date
    issuer: URIRef  # issuer
    itemNumber: URIRef  # item number
    jobPostName: URIRef  # job post
    justification: URIRef  # justification
    knownOccupationCount: URIRef  # occupations known
    knownWorkTypeCount: URIRef  # work types known
    leadsTo: URIRef  # leads to
    levelCoverageEvidence: URIRef  # level coverage evidence
    levelCoverageProvenance: URIRef  # level coverage provenance
    levelLadder: URIRef  # level ladder
    levelOfCertificate: URIRef  # level of certificate
    levelRank: URIRef  # rank
    majorCode: URIRef  # major code
    majorScope: URIRef  # major scope
    mappingJustification: URIRef  # mapping justification
    markerAsPrinted: URIRef  # marker as printed
    minimumAge: URIRef  # minimum age
    minimumYears: URIRef  # minimum years
    minimumYearsHeld: URIRef  # minimum years held
    nameAsAnnounced: URIRef  # name as announced
    nameEvidence: URIRef  # name evidence
    nextHigherLevel: URIRef  # next higher level
    nextHigherLevelTransitive: URIRef  # any higher level
    notRelatedOccupation: URIRef  # not a related occupation
    occupationCodeAsPrinted: URIRef  # occupation code as printed
    occupationNameAsGiven: URIRef  # occupation name as given
    occupationResolution: URIRef  # occupation resolution
    occupationScope: URIRef  # occupation scope
    ofStandard: URIRef  # of standard
    officialLevelNumber: URIRef  # official level number
    onexPilotBatch: URIRef  # 1+X pilot batch
    orientationBasis: URIRef  # basis
    orientationEvidence: URIRef  # evidence
    orientationText: URIRef  # occupational orientation text
    outcomeOfCourse: URIRef  # outcome of course
    outcomeText: URIRef  # outcome text
    partOfStandardLevel: URIRef  # part of standard level
    practiceText: URIRef  # practical training
    preparesFor: URIRef  # prepares for
    profileDocument: URIRef  # profile document
    proposedIn: URIRef  # proposed in
    qualityFlag: URIRef  # quality flag
    relatedOccupation: URIRef  # related occupation
    requiredMaterials: URIRef  # required materials
    requirementText: URIRef  # requirement text
    requiresAssessedProgramme: URIRef  # requires assessed programme
    requiresLevel: URIRef  # requires level
    requiresTitleCorrespondence: URIRef  # requires title correspondence
    resolutionEvidence: URIRef  # resolution evidence
    ruleNumber: URIRef  # rule number
    ruleSetBasis: URIRef  # rule set basis
    ruleSummary: URIRef  # rule summary
    ruleText: URIRef  # rule text
    schoolName: URIRef  # school
    sectionNumber: URIRef  # section number
    standardTitle: URIRef  # standard title
    stateLevel: URIRef  # state level
    stateOccupation: URIRef  # state occupation
    stepFrom: URIRef  # step from
    stepTo: URIRef  # step to
    studyDuration: URIRef  # standard length of study
    taskNumber: URIRef  # task number
    taskText: URIRef  # task text
    tierOfCatalogue: URIRef  # tier of catalogue
    titleCountsTowardLevel: URIRef  # title counts toward level
    titleMarker: URIRef  # marker in title
    towardOccupation: URIRef  # toward occupation
    trainingGoal: URIRef  # training goal
    validFrom: URIRef  # valid from
    validUntil: URIRef  # valid until
    waitingYears: URIRef  # waiting years
    workTypeName: URIRef  # work type name
    workTypeOf: URIRef  # work type of

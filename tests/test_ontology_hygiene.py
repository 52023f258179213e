"""Ontology hygiene (issue 13): every og: property says what it links (domain and range), standard
vocabularies are reused where OccuGraph records the same thing (the og: property is declared a
sub-property and the build writes the standard triple too), and one version string is used by the
package and the ontology a build writes."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from rdflib import OWL, RDF, RDFS, BNode, Graph, URIRef
from rdflib.namespace import DCTERMS, SKOS

import graph
from graph.core.namespaces import OG, ONTOLOGY_IRI, SPARQL_PREFIXES
from graph.core.version import VERSION

ROOT = Path(__file__).resolve().parents[1]
STANDARD = "https://w3id.org/occugraph/id/standard/2-02-07-13-2021"  # 智能制造工程技术人员, 2021-02-03


def tbox() -> Graph:
    g = Graph()
    for ttl in sorted((ROOT / "ontology").glob("*.ttl")):
        g.parse(ttl)
    return g


def test_every_og_property_has_a_declared_domain_and_range() -> None:
    """Only og: terms: the TBox also declares skos: and prov: properties so that OWL 2 DL accepts
    their use, and giving those a domain here would change what SKOS and PROV mean."""
    g = tbox()
    classes = set(g.subjects(RDF.type, OWL.Class)) | {OWL.Thing}
    missing, undeclared = [], []
    props = [
        p
        for kind in (OWL.ObjectProperty, OWL.DatatypeProperty)
        for p in g.subjects(RDF.type, kind)
        if str(p).startswith(str(OG))
    ]
    assert len(props) > 120
    for p in props:
        for axis in (RDFS.domain, RDFS.range):
            values = list(g.objects(p, axis))
            if not values:
                missing.append(f"{p.n3(g.namespace_manager)} has no {axis.n3(g.namespace_manager)}")
            if axis == RDFS.domain or (p, RDF.type, OWL.ObjectProperty) in g:
                undeclared += [f"{p} {axis}: {v}" for v in values if v not in classes]
    assert not missing, "\n".join(sorted(missing))
    assert not undeclared, "\n".join(undeclared)


def test_shared_domains_are_named_superclasses_of_every_class_that_uses_the_property() -> None:
    g = tbox()
    assert not [t for t in g if any(isinstance(x, BNode) for x in t)], "the TBox has no blank nodes"
    subclass = {
        OG.StandardLevel: OG.StandardPart,
        OG.SkillRequirement: OG.WorkRequirementsEntry,
        OG.WorkContent: OG.WorkRequirementsEntry,
        OG.EducationTier: OG.MajorListing,
        OG.MajorCatalogue: OG.MajorListing,
        OG.ContinuingMajor: OG.ProfileItem,
        OG.OnexCertificate: OG.OrientationSubject,
        OG.SchoolMajor: OG.OrientationSubject,
        OG.CertificateAtLevel: OG.RecognisableAchievement,
        OG.LearningOutcome: OG.StudyUnit,
        OG.Course: OG.StudyUnit,
    }
    for cls, parent in subclass.items():
        assert parent in set(g.transitive_objects(cls, RDFS.subClassOf)), (cls, parent)
    assert g.value(OG.ofStandard, RDFS.domain) == OG.StandardPart
    assert g.value(OG.qualityFlag, RDFS.domain) == OG.WorkRequirementsEntry


def test_og_terms_refine_the_standard_vocabularies() -> None:
    g = tbox()
    expected = {
        OG.relatedOccupation: SKOS.related,
        OG.standardTitle: DCTERMS.title,
        OG.issueDate: DCTERMS.issued,
        OG.announcementDate: DCTERMS.issued,
        OG.issuer: DCTERMS.publisher,
    }
    for p, q in expected.items():
        assert (p, RDFS.subPropertyOf, q) in g, (p, q)
        # OWL 2 DL: a sub-property is of its super-property's kind (these dcterms: are annotations)
        if (q, RDF.type, OWL.AnnotationProperty) in g:
            assert (p, RDF.type, OWL.AnnotationProperty) in g, p


def test_the_build_writes_the_standard_triples(store) -> None:  # type: ignore[no-untyped-def]
    def one(sparql: str) -> dict[str, str]:
        rows = store.select(SPARQL_PREFIXES + sparql)
        assert len(rows) == 1, rows
        return rows[0]

    row = one(f"SELECT ?title ?issued WHERE {{ <{STANDARD}> dcterms:title ?title ; dcterms:issued ?issued }}")
    assert (row["title"], row["issued"]) == ("智能制造工程技术人员", "2021-02-03")
    # every og: value has its dcterms: twin, and nothing but the ontology header and standards has a title
    titles = one("SELECT (COUNT(*) AS ?n) WHERE { ?s og:standardTitle ?x }")["n"]
    twins = one("SELECT (COUNT(*) AS ?n) WHERE { ?s og:standardTitle ?x ; dcterms:title ?x }")["n"]
    others = one(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s dcterms:title ?x FILTER(?s != <{ONTOLOGY_IRI}>) }}")["n"]
    assert int(titles) == int(twins) == int(others) > 700
    gaps = store.select(
        SPARQL_PREFIXES
        + """SELECT ?s WHERE { { ?s og:issueDate ?d } UNION { ?s og:announcementDate ?d } UNION { ?s og:issuer ?d }
               FILTER NOT EXISTS { ?s dcterms:issued|dcterms:publisher ?d } }"""
    )
    assert gaps == []
    batch = one("SELECT ?d WHERE { ?b og:batchNumber 1 ; dcterms:issued ?d }")
    assert batch["d"].startswith("2019-")
    valid = one(
        """SELECT ?v WHERE { ?e a og:CreditEquivalence ; og:validFrom "2021-09-01"^^xsd:date ;
             og:validUntil "2024-08-31"^^xsd:date ; dcterms:valid ?v }"""
    )
    assert valid["v"] == "start=2021-09-01; end=2024-08-31; scheme=W3C-DTF;"


def test_one_version_string_for_package_and_ontology(store) -> None:  # type: ignore[no-untyped-def]
    assert graph.__version__ == VERSION
    assert "version = attr: graph.core.version.VERSION" in (ROOT / "setup.cfg").read_text(encoding="utf-8")
    rows = store.select(f"SELECT ?v WHERE {{ <{ONTOLOGY_IRI}> <{OWL.versionInfo}> ?v }}")
    assert [r["v"].split("+", 1)[0] for r in rows] == [VERSION]  # a build says "VERSION+<source digest>"
    assert not list(tbox().objects(URIRef(ONTOLOGY_IRI), OWL.versionInfo)), "ontology/*.ttl types no version"


def test_classification_kinds_come_from_the_ontology(store, client) -> None:  # type: ignore[no-untyped-def]
    """The API's kind names and their order are read from the TBox (og:classificationLevel and
    dcterms:identifier on the four level classes); the build's reader of the kind column agrees."""
    from graph.classification.queries import Kinds
    from graph.core.namespaces import KIND_CLASS

    kinds = Kinds.load(store)
    assert kinds.order == ("major", "medium", "minor", "occupation")
    assert kinds.by_class == {str(cls): kind for kind, cls in KIND_CLASS.items()}
    assert kinds.labels["minor"] == {"en": "minor group", "zh": "小类"}
    body = client.get("/api/occupations/4-04-05-05").get_json()
    assert body["kinds"] == ["occupation"]
    assert [p["kinds"] for p in body["parents"]] == [["major"], ["medium"], ["minor"]]
    assert client.get("/api/occupations?q=电工&kind=minr").status_code == 400


def test_no_subject_or_value_is_typed_by_a_domain_or_range_alone(store) -> None:  # type: ignore[no-untyped-def]
    """A domain (or an object property's range) that does not cover every class the data uses the
    property on makes a reasoner infer a wrong type: with og:majorCode's domain og:SchoolMajor and
    og:orientationText's og:CertificateAtLevel, HermiT put 329 major categories among the majors and
    1,237 majors among the certificate levels. Checked here on the built store without a reasoner
    (HermiT takes minutes): every subject (value) of an og: property already has an asserted type at
    or below the property's domain (range)."""
    below: defaultdict[str, set[str]] = defaultdict(set)
    for r in store.select(SPARQL_PREFIXES + "SELECT ?c ?sup WHERE { ?c a owl:Class ; rdfs:subClassOf* ?sup }"):
        below[r["sup"]].add(r["c"])
    wrong, checked = [], 0
    for axis, node, only in (("rdfs:domain", "?s", ""), ("rdfs:range", "?o", "?p a owl:ObjectProperty .")):
        declared = store.select(
            SPARQL_PREFIXES + f"SELECT ?p ?c WHERE {{ ?p {axis} ?c . {only} "
            "FILTER(STRSTARTS(STR(?p), STR(og:)) && ?c != owl:Thing) }"
        )
        for r in declared:
            allowed = " ".join(f"<{c}>" for c in sorted(below[r["c"]]))
            n = store.select(
                f"SELECT (COUNT(DISTINCT {node}) AS ?n) WHERE {{ ?s <{r['p']}> ?o "
                f"FILTER NOT EXISTS {{ {node} a ?c VALUES ?c {{ {allowed} }} }} }}"
            )[0]["n"]
            checked += 1
            if int(n):
                wrong.append(f"{n} {node} of {r['p']} are not in its {axis} {r['c']}")
    assert checked > 150
    assert not wrong, "\n".join(wrong)

"""Reasoning with HermiT (through owlready2) and the OWL 2 DL profile, reported in plain words.

Small ontologies written here, plus the valid fixture project; each HermiT run starts a JVM
(a few seconds), so the cases are few and each checks several things.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fixture_project import ROOT, fixture_readers, make_project
from rdflib import RDF, RDFS, Literal, URIRef

from graph.build.pipeline import Compiled, compile_sources
from graph.build.tsv import Row
from graph.workflow.reason import TBoxIndex, datatype_findings, java_available, owl_api_profile, reason

pytestmark = pytest.mark.skipif(not java_available(), reason="needs Java for HermiT and the OWL API")

EX = "https://w3id.org/occugraph/ontology/"
ID = "https://w3id.org/occugraph/id/thing/"

TBOX = """@prefix og: <https://w3id.org/occugraph/ontology/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/occugraph/ontology> a owl:Ontology .
og:Group a owl:Class ; rdfs:label "group"@en .
og:Job a owl:Class ; rdfs:label "job"@en ; owl:disjointWith og:Group .
og:Impossible a owl:Class ; rdfs:label "impossible"@en ;
    rdfs:subClassOf og:Group , og:Job .
og:hasDuty a owl:ObjectProperty ; rdfs:label "has duty"@en ; rdfs:domain og:Job .
og:size a owl:DatatypeProperty , owl:FunctionalProperty ; rdfs:label "size"@en ; rdfs:range xsd:integer .
"""


def project_with(tmp: Path, tbox: str, facts: list[tuple[int, tuple[str, str, object]]]) -> Compiled:
    """A project whose ontology is ``tbox`` and whose data are ``facts`` (line in a pretend
    standards/facts/facts.tsv, triple)."""
    (tmp / "ontology").mkdir(parents=True)
    (tmp / "ontology" / "test.ttl").write_text(tbox, encoding="utf-8")
    compiled = compile_sources(tmp, reader_list=[])
    with compiled.ctx.locations.reading(tmp / "standards" / "facts"):
        for line, (s, p, o) in facts:
            row = Row(str(tmp / "standards/facts/facts.tsv"), line, {"id": s})
            _ = row["id"]
            obj = o if isinstance(o, Literal) else URIRef(str(o))
            compiled.abox.add((URIRef(s), URIRef(p), obj))
    return compiled


def test_fixture_project_is_consistent_and_its_hierarchy_is_materialised(tmp_path: Path):
    project = make_project(tmp_path / "project")
    compiled = compile_sources(project, reader_list=fixture_readers(project))
    result = reason(compiled, project, profile=False)
    assert result.outcome is not None and result.outcome.consistent
    assert not [f for f in result.findings if f.severity == "ERROR" and f.check == "reasoner"]
    inferred = set(result.inferred)
    occ = URIRef("https://w3id.org/occugraph/id/occupation/2-02-38-01")
    og = "https://w3id.org/occugraph/ontology/"
    # an occupation is inferred to be a classification entry, an edition a prov:Entity
    assert (occ, RDF.type, URIRef(og + "ClassificationEntry")) in inferred
    edition = URIRef("https://w3id.org/occugraph/id/edition/2022")
    assert (edition, RDF.type, URIRef("http://www.w3.org/ns/prov#Entity")) in inferred
    # nothing asserted is repeated
    assert not [t for t in result.inferred if t in compiled.abox]
    assert any("consistent" in f.message for f in result.findings if f.severity == "INFO")


def test_inconsistent_data_is_explained_at_the_source_rows(tmp_path: Path):
    a = ID + "a"
    compiled = project_with(
        tmp_path,
        TBOX,
        [
            (2, (a, str(RDF.type), EX + "Group")),
            (3, (a, str(RDF.type), EX + "Job")),
            (4, (ID + "b", EX + "size", Literal(1))),
            (5, (ID + "b", EX + "size", Literal(2))),
        ],
    )
    result = reason(compiled, tmp_path, profile=False)
    assert result.outcome is not None and not result.outcome.consistent
    lines = [f.line() for f in result.findings]
    assert any("contradict each other" in line for line in lines), lines
    both = [f for f in result.findings if "is both a" in f.message]
    assert both and both[0].location == "standards/facts/facts.tsv:2"
    assert "owl:disjointWith" in both[0].message
    functional = [f for f in result.findings if "values for size" in f.message]
    assert functional and functional[0].location.startswith("standards/facts/facts.tsv:")


def test_unsatisfiable_class_and_surprising_inference_in_plain_words(tmp_path: Path):
    compiled = project_with(
        tmp_path,
        TBOX,
        [
            (2, (ID + "c", str(RDF.type), EX + "Group")),
            (7, (ID + "d", EX + "hasDuty", ID + "duty1")),
        ],
    )
    result = reason(compiled, tmp_path, profile=False)
    assert result.outcome is not None and result.outcome.consistent
    unsat = [f for f in result.findings if "can have no members" in f.message]
    assert len(unsat) == 1
    assert unsat[0].location == "ontology/test.ttl:8"  # where og:Impossible is defined
    assert "og:Group owl:disjointWith og:Job" in unsat[0].message
    why = [f for f in result.findings if "is inferred to be in the class 'job'" in f.message]
    assert why and "has duty" in why[0].message and why[0].location == "standards/facts/facts.tsv:7"
    assert (URIRef(ID + "d"), RDF.type, URIRef(EX + "Job")) in set(result.inferred)


def test_owl2_dl_profile_and_datatype_map(tmp_path: Path):
    tbox = (
        TBOX
        + """
og:year a owl:DatatypeProperty ; rdfs:range xsd:gYear .
og:name a owl:DatatypeProperty ; rdfs:range <http://www.w3.org/1999/02/22-rdf-syntax-ns#langString> .
"""
    )
    compiled = project_with(tmp_path, tbox, [(2, (ID + "e", EX + "note", Literal("undeclared property")))])
    index = TBoxIndex(tmp_path)
    found = datatype_findings(compiled, tmp_path, index)
    by_term = {f.entity: f for f in found}
    assert (
        by_term[EX + "year"].severity == "ERROR" and "not in the OWL 2 DL datatype map" in by_term[EX + "year"].message
    )
    assert by_term[EX + "year"].location == "ontology/test.ttl:13"
    assert "rdf:PlainLiteral" in by_term[EX + "name"].message

    from graph.build.pipeline import sorted_ntriples

    rows, error = owl_api_profile(sorted_ntriples(compiled.tbox) + sorted_ntriples(compiled.abox))
    assert not error
    kinds = {kind for kind, _iris, _msg in rows}
    assert "IllegalPunning" in kinds or "UseOfUndeclaredClass" in kinds  # rdf:langString read as a class
    assert any(kind.startswith("UseOfUndeclared") and EX + "note" in iris for kind, iris, _m in rows)

    clean, error = owl_api_profile(sorted_ntriples(project_with(tmp_path / "clean", TBOX, []).tbox))
    assert not error and clean == []


def test_rdfs_domain_annotations_do_not_reach_hermit(tmp_path: Path):
    """Annotation assertions are left out of HermiT's input: they cannot change an inference."""
    from graph.workflow.reason import reasoning_input

    compiled = project_with(tmp_path, TBOX, [(2, (ID + "f", str(RDFS.label), Literal("f")))])
    g = reasoning_input(compiled.tbox, compiled.abox)
    assert (URIRef(ID + "f"), RDFS.label, Literal("f")) not in g
    assert len(g) == len(compiled.tbox)


def test_classes_used_as_values_are_explained_in_plain_words():
    """Issue 19: "class used as an individual" warnings an editor cannot act on. The real data
    names certificate kinds by their class (og:acceptsCertificateType og:SkillLevelCertificate):
    one INFO note per class, saying it is intended and which property does it."""
    from rdflib import Graph, URIRef

    from graph.core.namespaces import OG
    from graph.workflow.reason import punning_findings

    tbox = Graph().parse(str(ROOT / "ontology" / "standards.ttl"), format="turtle")
    tbox += Graph().parse(str(ROOT / "ontology" / "occugraph.ttl"), format="turtle")
    abox = Graph()
    condition = URIRef("https://w3id.org/occugraph/id/rule-set/x/condition/1")
    abox.add((condition, OG.acceptsCertificateType, OG.SkillLevelCertificate))
    abox.add((condition, OG.acceptsCertificateType, OG.VocationalQualificationCertificate))
    found = punning_findings(tbox, abox)
    assert [(f.severity, f.entity) for f in found] == [
        ("INFO", str(OG.SkillLevelCertificate)),
        ("INFO", str(OG.VocationalQualificationCertificate)),
    ]
    assert "og:acceptsCertificateType" in found[0].message and "intended" in found[0].message
    # what HermiT infers about the value is said there, not as a warning of its own
    inferred = {str(OG.SkillLevelCertificate): {str(OG.Certificate)}}
    assert "HermiT infers the value to be a 'certificate' (og:Certificate)" in (
        punning_findings(tbox, abox, inferred)[0].message
    )

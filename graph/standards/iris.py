"""IRIs of the standards area (docs/standards.md): levels, diploma kinds, standards, rule sets,
rules and their conditions, and the parts of a standard's work requirements.

>>> str(level_iri("3")), str(standard_iri("4-04-05-05-2021"))
('https://w3id.org/occugraph/id/level/3', 'https://w3id.org/occugraph/id/standard/4-04-05-05-2021')
>>> str(requirement_iri("4-04-05-05-2021", "3", "skill", "1.1.2", 1))
'https://w3id.org/occugraph/id/standard/4-04-05-05-2021/level/3/skill/1.1.2'
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote

from rdflib import URIRef

from graph.core.namespaces import ID, OG


@lru_cache(maxsize=4096)
def level_iri(level: str) -> URIRef:
    return URIRef(f"{ID}level/{quote(level)}")


@lru_cache(maxsize=4096)
def diploma_kind_iri(kind: str) -> URIRef:
    return URIRef(f"{ID}diploma-kind/{quote(kind)}")


@lru_cache(maxsize=4096)
def standard_iri(standard: str) -> URIRef:
    return URIRef(f"{ID}standard/{quote(standard)}")


@lru_cache(maxsize=4096)
def rule_set_iri(rule_set: str) -> URIRef:
    return URIRef(f"{ID}rule-set/{quote(rule_set)}")


def equivalence_iri(equivalence: str) -> URIRef:
    return URIRef(f"{ID}certificate-equivalence/{quote(equivalence)}")


def rule_iri(rule_set: str, level: str, rule: str) -> URIRef:
    return URIRef(f"{rule_set_iri(rule_set)}/level/{quote(level)}/rule/{quote(rule)}")


def condition_iri(rule_set: str, level: str, rule: str, number: int | str) -> URIRef:
    return URIRef(f"{rule_iri(rule_set, level, rule)}/condition/{number}")


@lru_cache(maxsize=4096)
def standard_level_iri(standard: str, level: str) -> URIRef:
    return URIRef(f"{standard_iri(standard)}/level/{quote(level)}")


def function_iri(standard: str, level: str, number: str) -> URIRef:
    return URIRef(f"{standard_level_iri(standard, level)}/function/{quote(number)}")


def content_iri(standard: str, level: str, number: str) -> URIRef:
    return URIRef(f"{standard_level_iri(standard, level)}/work/{quote(number)}")


def requirement_iri(standard: str, level: str, kind: str, number: str, seq: int) -> URIRef:
    suffix = number if seq == 1 else f"{number}-{seq}"
    return URIRef(f"{standard_level_iri(standard, level)}/{kind}/{quote(suffix)}")


TIER_CLASS = {
    "national": OG.NationalSkillStandard,
    "evaluation": OG.EvaluationSpecification,
    "special-ability": OG.SpecialAbilitySpecification,
}
CERTIFICATE_CLASS = {
    "vocational-qualification": OG.VocationalQualificationCertificate,
    "skill-level": OG.SkillLevelCertificate,
    "special-ability": OG.SpecialAbilityCertificate,
}
CONDITION_CLASS = {
    "age": OG.AgeCondition,
    "declaration": OG.DeclarationCondition,
    "work": OG.WorkCondition,
    "certificate": OG.CertificateCondition,
    "diploma": OG.DiplomaCondition,
    "title": OG.TitleCondition,
    "training": OG.TrainingCondition,
    "apprenticeship": OG.ApprenticeshipCondition,
}
LADDER_CLASS = {"skill": OG.SkillLevel, "professional": OG.ProfessionalLevel}

"""Schools: majors and the occupations they prepare for, 1+X certificates, credit-bank equivalences.

IRIs (docs/schools.md):

>>> str(major_iri("voc2021", "510201"))
'https://w3id.org/occugraph/id/major/voc2021/510201'
>>> str(certificate_iri("Web前端开发职业技能等级证书", "中级"))
'https://w3id.org/occugraph/id/onex-certificate/Web%E5%89%8D%E7%AB%AF%E5%BC%80%E5%8F%91%E8%81%8C%E4%B8%9A%E6%8A%80%E8%83%BD%E7%AD%89%E7%BA%A7%E8%AF%81%E4%B9%A6/%E4%B8%AD%E7%BA%A7'
>>> str(course_iri("example-school/ECM301"))
'https://w3id.org/occugraph/id/course/example-school/ECM301'

The questions (a major, the majors of an occupation, what a certificate counts for, which
certificates count toward a course) are SPARQL through ``store.select`` only, so they run on the
embedded store and on a remote endpoint alike.
"""

from __future__ import annotations

import difflib
import re
from datetime import date
from urllib.parse import quote, unquote

from rdflib import URIRef

from graph.classification.queries import PREFIXES, SelectStore, sparql_string
from graph.core.namespaces import ID

CERT_SUFFIX = "职业技能等级证书"
MAJOR_CODE_RE = re.compile(r"\d{6,7}[A-Z]{0,2}", re.ASCII)
SCHOOL_PREFIXES = PREFIXES  # the one prefix table (graph/core/namespaces.py)
# the CURIE prefixes of standards/credit-equivalences/equivalences.tsv, as the build makes the IRIs
CURIE_MAP = {
    "og": "https://w3id.org/occugraph/ontology/",
    "onex": ID + "onex-certificate/",
    "course": ID + "course/",
    "outcome": ID + "learning-outcome/",
    "framework": ID + "credit-framework/",
    "semapv": "https://w3id.org/semapv/vocab/",
}
BASES = ("official", "curated")  # orientations that give og:preparesFor / og:facesOccupation
TIER_ORDER = ("secondary-vocational", "higher-vocational", "vocational-undergraduate", "general-undergraduate")


def _seg(value: str) -> str:
    return quote(value, safe="")


def catalogue_iri(catalogue: str) -> URIRef:
    return URIRef(f"{ID}major-catalogue/{_seg(catalogue)}")


def tier_iri(tier: str) -> URIRef:
    return URIRef(f"{ID}education-tier/{_seg(tier)}")


def major_iri(catalogue: str, code: str) -> URIRef:
    return URIRef(f"{ID}major/{_seg(catalogue)}/{_seg(code)}")


def category_iri(catalogue: str, code: str) -> URIRef:
    return URIRef(f"{ID}major-category/{_seg(catalogue)}/{_seg(code)}")


def orientation_iri(subject: URIRef, occupation_code: str) -> URIRef:
    return URIRef(f"{subject}/orientation/{_seg(occupation_code)}")


def organisation_iri(name: str) -> URIRef:
    return URIRef(f"{ID}organisation/{_seg(name)}")


def certificate_iri(name: str, level: str | None = None) -> URIRef:
    base = f"{ID}onex-certificate/{_seg(name)}"
    return URIRef(f"{base}/{_seg(level)}" if level else base)


def onex_level_iri(level: str) -> URIRef:
    return URIRef(f"{ID}onex-level/{_seg(level)}")


def framework_iri(framework: str) -> URIRef:
    return URIRef(f"{ID}credit-framework/{_seg(framework)}")


def _path_iri(kind: str, local: str) -> URIRef:
    return URIRef(ID + kind + "/" + "/".join(_seg(p) for p in local.split("/")))


def course_iri(local: str) -> URIRef:
    """``school/code`` -> id/course/<school>/<code>."""
    return _path_iri("course", local)


def outcome_iri(local: str) -> URIRef:
    """``school/code/n`` -> id/learning-outcome/<school>/<code>/<n>."""
    return _path_iri("learning-outcome", local)


def equivalence_iri(local: str) -> URIRef:
    return URIRef(f"{ID}credit-equivalence/{_seg(local)}")


def expand_curie(curie: str) -> URIRef:
    """An IRI from a CURIE of the equivalence file; the local part may hold Chinese and slashes.

    >>> str(expand_curie("framework:example-school"))
    'https://w3id.org/occugraph/id/credit-framework/example-school'
    """
    prefix, sep, local = curie.partition(":")
    if not sep or prefix not in CURIE_MAP or not local:
        raise ValueError(f"{curie!r} is not a CURIE with one of the prefixes {sorted(CURIE_MAP)}")
    if prefix in ("og", "semapv", "framework"):
        return URIRef(CURIE_MAP[prefix] + _seg(local))
    return URIRef(CURIE_MAP[prefix] + "/".join(_seg(p) for p in local.split("/")))


def local_name(iri: str) -> str:
    """The readable tail of an instance IRI (percent-decoded), e.g. the certificate name."""
    return unquote(iri.rsplit("/", 1)[-1])


# ---------------------------------------------------------------- questions


def _rows(store: SelectStore, query: str) -> list[dict[str, str]]:
    return store.select(SCHOOL_PREFIXES + query)


MAJOR_LIST = """
SELECT ?major ?code ?name ?catalogue ?catalogueName ?tier ?tierName (COUNT(DISTINCT ?occ) AS ?occupations) WHERE {
  ?major a og:SchoolMajor ; og:majorCode ?code ; skos:prefLabel ?name ; skos:inScheme ?cat ; og:inTier ?t .
  FILTER(LANG(?name) = "zh")
  ?cat skos:prefLabel ?catalogueName . FILTER(LANG(?catalogueName) = "zh")
  ?t skos:prefLabel ?tierName . FILTER(LANG(?tierName) = "zh")
  BIND(STRAFTER(STR(?cat), "/major-catalogue/") AS ?catalogue)
  BIND(STRAFTER(STR(?t), "/education-tier/") AS ?tier)
  OPTIONAL { ?major og:preparesFor ?occ }
} GROUP BY ?major ?code ?name ?catalogue ?catalogueName ?tier ?tierName
"""


def majors(store: SelectStore, tier: str | None = None, q: str | None = None) -> list[dict[str, object]]:
    """All majors (optionally of one tier, or whose name or code contains ``q``), by tier and code."""
    rows = _rows(store, MAJOR_LIST)
    out = []
    for r in rows:
        if tier and r["tier"] != tier:
            continue
        if q and q not in r["name"] and q not in r["code"]:
            continue
        out.append(
            {
                "code": r["code"],
                "name": r["name"],
                "iri": r["major"],
                "catalogue": r["catalogue"],
                "catalogue_name": r["catalogueName"],
                "tier": r["tier"],
                "tier_name": r["tierName"],
                "occupation_count": int(r["occupations"]),
            }
        )
    order = {t: i for i, t in enumerate(TIER_ORDER)}
    out.sort(key=lambda m: (order.get(str(m["tier"]), 9), str(m["code"])))
    return out


def tiers(store: SelectStore) -> list[dict[str, object]]:
    """Tiers with how many majors the graph holds and how many the publisher counts."""
    rows = _rows(
        store,
        """
SELECT ?tier ?name ?nameEn ?catalogue ?expected ?countSource (COUNT(DISTINCT ?m) AS ?present) WHERE {
  ?t a og:EducationTier ; skos:prefLabel ?name ; skos:prefLabel ?nameEn ; og:tierOfCatalogue ?cat .
  FILTER(LANG(?name) = "zh" && LANG(?nameEn) = "en")
  BIND(STRAFTER(STR(?t), "/education-tier/") AS ?tier)
  BIND(STRAFTER(STR(?cat), "/major-catalogue/") AS ?catalogue)
  OPTIONAL { ?t og:expectedMajorCount ?expected }
  OPTIONAL { ?t og:expectedCountSource ?countSource }
  OPTIONAL { ?m og:inTier ?t }
} GROUP BY ?tier ?name ?nameEn ?catalogue ?expected ?countSource""",
    )
    out = []
    for r in rows:
        expected = int(r["expected"]) if "expected" in r else None
        out.append(
            {
                "id": r["tier"],
                "name": r["name"],
                "name_en": r["nameEn"],
                "catalogue": r["catalogue"],
                "present": int(r["present"]),
                "expected": expected,
                "count_source": r.get("countSource"),
            }
        )
    out.sort(key=lambda t: TIER_ORDER.index(str(t["id"])) if t["id"] in TIER_ORDER else 99)
    return out


def major(store: SelectStore, code: str, catalogue: str | None = None) -> list[dict[str, object]]:
    """Every major with this code (one per catalogue that has it), with its occupations and their standards."""
    if not MAJOR_CODE_RE.fullmatch(code):
        raise ValueError(f"{code!r} is not a major code (six digits, e.g. 510201, or 080717T)")
    lit = sparql_string(code)
    found = [
        {
            "code": r["code"],
            "name": r["name"],
            "iri": r["major"],
            "catalogue": r["catalogue"],
            "catalogue_name": r["catalogueName"],
            "tier": r["tier"],
            "tier_name": r["tierName"],
            "occupation_count": int(r["occupations"]),
        }
        for r in _rows(store, MAJOR_LIST.replace("WHERE {", f"WHERE {{ VALUES ?code {{ {lit} }}", 1))
        if catalogue is None or r["catalogue"] == catalogue
    ]
    found.sort(key=lambda m: str(m["catalogue"]))
    for m in found:
        m.update(profile(store, str(m["iri"])))
        iri = m["iri"]
        links = _rows(
            store,
            f"""
SELECT ?occ ?occCode ?occName ?given ?basis ?evidence ?source WHERE {{
  <{iri}> og:hasOrientation ?o . ?o og:towardOccupation ?occ ; og:orientationBasis ?basis .
  ?occ skos:notation ?occCode ; skos:prefLabel ?occName . FILTER(LANG(?occName) = "zh")
  OPTIONAL {{ ?o og:occupationNameAsGiven ?given }}
  OPTIONAL {{ ?o og:orientationEvidence ?evidence }}
  OPTIONAL {{ ?o prov:wasDerivedFrom ?src . BIND(STRAFTER(STR(?src), "/source/") AS ?source) }}
}}""",
        )
        standards = occupation_standards(store, [str(r["occ"]) for r in links])
        by_occ: dict[str, dict[str, object]] = {}
        for r in links:
            o = by_occ.setdefault(
                r["occ"],
                {
                    "code": r["occCode"],
                    "name": r["occName"],
                    "name_as_given": r.get("given"),
                    "basis": r["basis"],
                    "evidence": r.get("evidence"),
                    "source": "",
                    "standards": standards.get(r["occ"], []),
                },
            )
            if r.get("source"):  # one row per data set the link comes from
                o["source"] = " ".join(sorted({*str(o["source"]).split(), r["source"]}))
        m["occupations"] = sorted(by_occ.values(), key=lambda o: (o["basis"] not in BASES, o["code"]))
        m["certificates"] = certificates_for_occupations(store, [str(r["occ"]) for r in links])
    return found


def profile(store: SelectStore, iri: str) -> dict[str, object]:
    """The MOE 专业简介 of a major as data: 职业面向 text and 岗位, numbered ability requirements,
    courses, the certificates and continuing majors it names (empty values where the major has no
    profile in the sources)."""
    fields = _rows(
        store,
        f"""
SELECT ?years ?orientation ?goal ?practice ?document ?pdf WHERE {{
  OPTIONAL {{ <{iri}> og:studyDuration ?years }}
  OPTIONAL {{ <{iri}> og:orientationText ?orientation }}
  OPTIONAL {{ <{iri}> og:trainingGoal ?goal }}
  OPTIONAL {{ <{iri}> og:practiceText ?practice }}
  OPTIONAL {{ <{iri}> og:profileDocument ?document }}
  OPTIONAL {{ <{iri}> rdfs:seeAlso ?pdf }}
}}""",
    )
    f = fields[0] if fields else {}
    abilities = _rows(
        store,
        f"SELECT ?no ?text WHERE {{ <{iri}> og:hasAbilityRequirement ?a . "
        "?a og:itemNumber ?no ; og:abilityText ?text }",
    )
    courses = _rows(
        store,
        f"""
SELECT ?kind ?name WHERE {{
  {{ <{iri}> og:foundationCourse ?name BIND("foundation" AS ?kind) }}
  UNION {{ <{iri}> og:coreCourse ?name BIND("core" AS ?kind) }}
}}""",
    )
    certs = _rows(
        store,
        f"""
SELECT ?kind ?no ?name WHERE {{
  <{iri}> og:hasCertificateExample ?c . ?c og:certificateKindText ?kind ; og:itemNumber ?no ; skos:prefLabel ?name
}}""",
    )
    continuing = _rows(
        store,
        f"""
SELECT ?level ?no ?name ?code WHERE {{
  <{iri}> og:hasContinuingMajor ?c . ?c og:continuingLevelText ?level ; og:itemNumber ?no ; skos:prefLabel ?name .
  OPTIONAL {{ ?c og:continuesTo ?m . ?m og:majorCode ?code }}
}}""",
    )
    posts = _rows(store, f"SELECT ?post WHERE {{ <{iri}> og:jobPostName ?post }}")
    levels: dict[str, list[dict[str, object]]] = {}
    for r in sorted(continuing, key=lambda r: (r["level"], int(r["no"]))):
        levels.setdefault(r["level"], []).append({"name": r["name"], "code": r.get("code")})
    kinds: dict[str, list[str]] = {}
    for r in sorted(certs, key=lambda r: (r["kind"], int(r["no"]))):
        kinds.setdefault(r["kind"], []).append(r["name"])
    return {
        "profile": {
            "years": f.get("years"),
            "orientation": f.get("orientation"),
            "goal": f.get("goal"),
            "practice": f.get("practice"),
            "document": f.get("document"),
            "pdf": f.get("pdf"),
        }
        if f.get("document")
        else None,
        "posts": sorted(r["post"] for r in posts),
        "abilities": [{"no": int(r["no"]), "text": r["text"]} for r in sorted(abilities, key=lambda r: int(r["no"]))],
        "courses": {kind: sorted(r["name"] for r in courses if r["kind"] == kind) for kind in ("foundation", "core")},
        "profile_certificates": [{"kind": k, "names": v} for k, v in kinds.items()],
        "continuing": [{"level": k, "majors": v} for k, v in levels.items()],
    }


def occupation_standards(store: SelectStore, occupations: list[str]) -> dict[str, list[dict[str, object]]]:
    """Standards for these occupations (IRIs), with whether the graph holds their work requirements."""
    if not occupations:
        return {}
    values = " ".join(f"<{o}>" for o in sorted(set(occupations)))
    rows = _rows(
        store,
        f"""
SELECT ?occ ?std ?title ?date (COUNT(DISTINCT ?req) AS ?requirements) WHERE {{
  VALUES ?occ {{ {values} }}
  ?std og:forOccupation ?occ .
  OPTIONAL {{ ?std og:standardTitle ?title }}
  OPTIONAL {{ ?std og:issueDate ?date }}
  OPTIONAL {{ VALUES ?kind {{ og:SkillRequirement og:KnowledgeRequirement }} ?req a ?kind ; og:ofStandard ?std }}
}} GROUP BY ?occ ?std ?title ?date""",
    )
    out: dict[str, list[dict[str, object]]] = {}
    for r in rows:
        out.setdefault(r["occ"], []).append(
            {
                "iri": r["std"],
                "title": r.get("title"),
                "issued": r.get("date"),
                "work_requirements": int(r["requirements"]),
            }
        )
    for v in out.values():
        v.sort(key=lambda s: (str(s["issued"] or ""), str(s["iri"])), reverse=True)
    return out


def occupation_majors(store: SelectStore, code: str) -> list[dict[str, object]]:
    """Majors that prepare for the occupation with this code (any basis, the basis shown)."""
    lit = sparql_string(code)
    rows = _rows(
        store,
        f"""
SELECT ?major ?code ?name ?catalogue ?tier ?tierName ?basis WHERE {{
  ?occ skos:notation {lit} ; a og:Occupation .
  ?o og:towardOccupation ?occ ; og:orientationBasis ?basis .
  ?major og:hasOrientation ?o ; a og:SchoolMajor ; og:majorCode ?code ; skos:prefLabel ?name ;
         skos:inScheme ?cat ; og:inTier ?t .
  FILTER(LANG(?name) = "zh")
  ?t skos:prefLabel ?tierName . FILTER(LANG(?tierName) = "zh")
  BIND(STRAFTER(STR(?cat), "/major-catalogue/") AS ?catalogue)
  BIND(STRAFTER(STR(?t), "/education-tier/") AS ?tier)
}}""",
    )
    out = [
        {
            "code": r["code"],
            "name": r["name"],
            "iri": r["major"],
            "catalogue": r["catalogue"],
            "tier": r["tier"],
            "tier_name": r["tierName"],
            "basis": r["basis"],
        }
        for r in rows
    ]
    out.sort(key=lambda m: (m["basis"] not in BASES, str(m["tier"]), str(m["code"])))
    return out


def suggest_majors(store: SelectStore, text: str, n: int = 5) -> list[dict[str, str]]:
    """Majors whose code or name is close to a mistyped code or a name."""
    all_majors = majors(store)
    by_code = difflib.get_close_matches(text, [str(m["code"]) for m in all_majors], n=n, cutoff=0.5)
    by_name = [m for m in all_majors if text and (text in str(m["name"]) or str(m["name"]) in text)]
    picked: list[dict[str, str]] = []
    for m in by_name + [m for c in by_code for m in all_majors if m["code"] == c]:
        item = {"code": str(m["code"]), "name": str(m["name"]), "tier": str(m["tier_name"])}
        if item not in picked:
            picked.append(item)
    return picked[:n]


# ---------------------------------------------------------------- certificates

CERT_LIST = """
SELECT ?cert ?name ?org ?batch (COUNT(DISTINCT ?lvl) AS ?levels) WHERE {
  ?cert a og:OnexCertificate ; skos:prefLabel ?name ; og:awardedBy ?o . ?o skos:prefLabel ?org .
  OPTIONAL { ?cert og:onexPilotBatch ?batch }
  OPTIONAL { ?lvl og:levelOfCertificate ?cert }
} GROUP BY ?cert ?name ?org ?batch
"""


def certificates(store: SelectStore) -> list[dict[str, object]]:
    rows = _rows(store, CERT_LIST)
    out = [
        {
            "id": r["name"],
            "name": r["name"],
            "iri": r["cert"],
            "organisation": r["org"],
            "pilot_batch": int(r["batch"]) if "batch" in r else None,
            "known_levels": int(r["levels"]),
        }
        for r in rows
    ]
    out.sort(key=lambda c: str(c["name"]))
    return out


def resolve_certificate(store: SelectStore, ident: str) -> str | None:
    """The certificate's name from its full name or its name without 职业技能等级证书."""
    names = {str(c["name"]) for c in certificates(store)}
    ident = ident.strip()
    for candidate in (ident, ident + CERT_SUFFIX):
        if candidate in names:
            return candidate
    return None


def suggest_certificates(store: SelectStore, ident: str, n: int = 5) -> list[str]:
    names = [str(c["name"]) for c in certificates(store)]
    short = {name.removesuffix(CERT_SUFFIX): name for name in names}
    key = ident.strip().removesuffix(CERT_SUFFIX)
    contains = [short[s] for s in sorted(short) if key and (key in s or s in key)]
    close = [short[s] for s in difflib.get_close_matches(key, list(short), n=n, cutoff=0.3)]
    out: list[str] = []
    for name in contains + close:
        if name not in out:
            out.append(name)
    return out[:n]


EQUIVALENCE_FIELDS = """
  ?eq a og:CreditEquivalence ; og:equivalenceSubject ?subject ; og:equivalenceStatus ?status ;
      og:decidedBy ?decidedBy ; og:justification ?justification .
  OPTIONAL { ?eq og:countsForCreditsIn ?framework . ?framework skos:prefLabel ?frameworkName .
             FILTER(LANG(?frameworkName) = "zh") }
  OPTIONAL { ?eq og:creditAmount ?credits }
  OPTIONAL { ?eq og:exemptsFrom ?target .
             OPTIONAL { ?target og:courseCode ?targetCourseCode ; skos:prefLabel ?targetTitle ;
                                og:schoolName ?targetSchool }
             OPTIONAL { ?target og:outcomeText ?targetOutcome ; og:outcomeOfCourse ?targetOutcomeCourse .
                        ?targetOutcomeCourse og:courseCode ?targetOutcomeCourseCode ;
                                             skos:prefLabel ?targetOutcomeCourseTitle } }
  OPTIONAL { ?eq og:validFrom ?validFrom }
  OPTIONAL { ?eq og:validUntil ?validUntil }
  OPTIONAL { ?eq og:decisionDate ?decisionDate }
  OPTIONAL { ?eq og:mappingJustification ?method }
  OPTIONAL { ?subject skos:prefLabel ?subjectName . FILTER(LANG(?subjectName) = "zh") }
  OPTIONAL { ?subject og:outcomeText ?subjectOutcome }
"""


EXAMPLE_NOTICE = (
    "Equivalences with status example are made up to show and test the format: they are not official "
    "and were not decided by anyone. No official credit-conversion table is public."
)


def validity(valid_from: str | None, valid_until: str | None, today: date | None = None) -> str:
    """current, expired or not-yet-valid on ``today``.

    >>> validity("2021-09-01", "2024-08-31", date(2025, 1, 1))
    'expired'
    """
    day = (today or date.today()).isoformat()
    if valid_from and day < valid_from:
        return "not-yet-valid"
    if valid_until and day > valid_until:
        return "expired"
    return "current"


def _equivalences(store: SelectStore, where: str) -> list[dict[str, object]]:
    # Two queries rather than one GROUP BY over every field: Virtuoso refuses GROUP BY with more
    # than 20 keys (SQ186), and the multi-valued fields are simpler to gather in Python anyway.
    rows = _rows(
        store,
        f"""
SELECT DISTINCT ?eq ?subject ?subjectName ?subjectOutcome ?status ?decidedBy ?justification ?framework ?frameworkName
       ?credits ?target ?targetCourseCode ?targetTitle ?targetSchool ?targetOutcome ?targetOutcomeCourseCode
       ?targetOutcomeCourseTitle ?validFrom ?validUntil ?decisionDate ?method WHERE {{
  {where}
  {EQUIVALENCE_FIELDS}
}}""",
    )
    extras: dict[str, dict[str, set[str]]] = {}
    found = " ".join(sorted({f"<{r['eq']}>" for r in rows}))
    for r in (
        _rows(
            store,
            f"""
SELECT DISTINCT ?eq ?condition ?comment WHERE {{
  VALUES ?eq {{ {found} }}
  {{ ?eq og:equivalenceCondition ?condition }} UNION {{ ?eq rdfs:comment ?comment }}
}}""",
        )
        if rows
        else []
    ):
        bucket = extras.setdefault(r["eq"], {"conditions": set(), "comments": set()})
        if "condition" in r:
            bucket["conditions"].add(r["condition"])
        if "comment" in r:
            bucket["comments"].add(r["comment"])
    for r in rows:
        bucket = extras.get(r["eq"], {})
        r["conditions"] = "\x1f".join(sorted(bucket.get("conditions", ())))
        r["comments"] = "\x1f".join(sorted(bucket.get("comments", ())))
    out = []
    for r in rows:
        if "framework" in r:
            target: dict[str, object] = {
                "kind": "credits",
                "framework": local_name(r["framework"]),
                "framework_name": r.get("frameworkName"),
                "credits": float(r["credits"]) if "credits" in r else None,
            }
        elif "targetCourseCode" in r:
            target = {
                "kind": "course-exemption",
                "course": r["targetCourseCode"],
                "title": r.get("targetTitle"),
                "school": r.get("targetSchool"),
                "iri": r["target"],
            }
        else:
            target = {
                "kind": "outcome-exemption",
                "outcome": r.get("targetOutcome"),
                "iri": r.get("target"),
                "course": r.get("targetOutcomeCourseCode"),
                "course_title": r.get("targetOutcomeCourseTitle"),
            }
        out.append(
            {
                "id": local_name(r["eq"]),
                "iri": r["eq"],
                "status": r["status"],
                "example": r["status"] == "example",
                "subject": {"iri": r["subject"], "label": r.get("subjectName") or r.get("subjectOutcome")},
                "target": target,
                "conditions": sorted(filter(None, r.get("conditions", "").split("\x1f"))),
                "valid_from": r.get("validFrom"),
                "valid_until": r.get("validUntil"),
                "validity": validity(r.get("validFrom"), r.get("validUntil")),
                "decided_by": r["decidedBy"],
                "decision_date": r.get("decisionDate"),
                "justification": r["justification"],
                "method": r.get("method", "").rsplit("/", 1)[-1] or None,
                "comments": sorted(filter(None, r.get("comments", "").split("\x1f"))),
            }
        )
    out.sort(key=lambda e: str(e["id"]))
    return out


def certificate(store: SelectStore, name: str) -> dict[str, object] | None:
    """A 1+X certificate with its levels, organisation, occupations and what it counts for."""
    iri = None
    for c in certificates(store):
        if c["name"] == name:
            iri, head = c["iri"], c
            break
    if iri is None:
        return None
    levels = _rows(
        store,
        f"""
SELECT ?lvl ?level ?rank ?ncb ?from ?text WHERE {{
  ?lvl og:levelOfCertificate <{iri}> ; og:certificateLevel ?l . ?l skos:prefLabel ?level ; og:levelRank ?rank .
  FILTER(LANG(?level) = "zh")
  OPTIONAL {{ ?lvl dcterms:identifier ?ncb }} OPTIONAL {{ ?lvl og:effectiveFrom ?from }}
  OPTIONAL {{ ?lvl og:orientationText ?text }}
}}""",
    )
    levels.sort(key=lambda r: int(r["rank"]))
    occupations = _rows(
        store,
        f"""
SELECT ?code ?name ?basis ?evidence WHERE {{
  <{iri}> og:hasOrientation ?o . ?o og:towardOccupation ?occ ; og:orientationBasis ?basis .
  ?occ skos:notation ?code ; skos:prefLabel ?name . FILTER(LANG(?name) = "zh")
  OPTIONAL {{ ?o og:orientationEvidence ?evidence }}
}}""",
    )
    occupations.sort(key=lambda r: (r["basis"] not in BASES, r["code"]))
    level_iris = " ".join(f"<{r['lvl']}>" for r in levels)
    counts_for = _equivalences(store, f"VALUES ?subject {{ <{iri}> {level_iris} }}")
    return {
        "id": name,
        "name": name,
        "iri": iri,
        "kind": "1+X 职业技能等级证书",
        "organisation": head["organisation"],
        "pilot_batch": head["pilot_batch"],
        "levels": [
            {
                "level": r["level"],
                "rank": int(r["rank"]),
                "iri": r["lvl"],
                "ncb_id": r.get("ncb"),
                "effective_from": r.get("from"),
                "orientation": r.get("text"),
            }
            for r in levels
        ],
        "occupations": [
            {"code": r["code"], "name": r["name"], "basis": r["basis"], "evidence": r.get("evidence")}
            for r in occupations
        ],
        "counts_for": counts_for,
        "notice": EXAMPLE_NOTICE if any(e["example"] for e in counts_for) else None,
    }


def course_certificates(store: SelectStore, code: str, school: str | None = None) -> dict[str, object]:
    """Which certificates (or outcomes) count toward a course: exemptions from it or from its outcomes."""
    lit = sparql_string(code)
    school_filter = f"FILTER(STR(?school) = {sparql_string(school)})" if school else ""
    courses = _rows(
        store,
        f"""
SELECT ?course ?title ?school ?credits WHERE {{
  ?course a og:Course ; og:courseCode {lit} ; skos:prefLabel ?title ; og:schoolName ?school .
  OPTIONAL {{ ?course og:courseCredits ?credits }}
  {school_filter}
}}""",
    )
    out = []
    for c in sorted(courses, key=lambda r: (r["school"], r["course"])):
        eqs = _equivalences(
            store,
            f"""
  {{ ?eq og:exemptsFrom <{c["course"]}> }} UNION {{ ?eq og:exemptsFrom ?o . ?o og:outcomeOfCourse <{c["course"]}> }}""",
        )
        out.append(
            {
                "code": code,
                "title": c["title"],
                "school": c["school"],
                "iri": c["course"],
                "credits": float(c["credits"]) if "credits" in c else None,
                "counted_by": eqs,
            }
        )
    examples = any(e["example"] for c in out for e in c["counted_by"])  # type: ignore[attr-defined]
    return {"code": code, "courses": out, "notice": EXAMPLE_NOTICE if examples else None}


def certificates_for_occupations(store: SelectStore, occupations: list[str]) -> list[dict[str, object]]:
    """1+X certificates that face any of these occupations (any basis, shown)."""
    if not occupations:
        return []
    values = " ".join(f"<{o}>" for o in sorted(set(occupations)))
    rows = _rows(
        store,
        f"""
SELECT DISTINCT ?name ?code ?basis WHERE {{
  VALUES ?occ {{ {values} }}
  ?cert a og:OnexCertificate ; skos:prefLabel ?name ; og:hasOrientation ?o .
  ?o og:towardOccupation ?occ ; og:orientationBasis ?basis . ?occ skos:notation ?code .
  FILTER(?basis != "rejected")
}}""",
    )
    return sorted(
        ({"name": r["name"], "occupation": r["code"], "basis": r["basis"]} for r in rows),
        key=lambda r: (r["basis"] not in BASES, r["name"], r["occupation"]),
    )


def equivalences(store: SelectStore, status: str | None = None) -> list[dict[str, object]]:
    where = f"?eq og:equivalenceStatus {sparql_string(status)} ." if status else ""
    return _equivalences(store, where)

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
import sys
from datetime import date
from urllib.parse import quote, unquote

from rdflib import URIRef

from graph.classification.queries import SelectStore
from graph.core.namespaces import ID
from graph.store.sparql import Iri, Queries, select

CERT_SUFFIX = "职业技能等级证书"
MAJOR_CODE_RE = re.compile(r"\d{6,7}[A-Z]{0,2}", re.ASCII)
Q = Queries(__file__)  # graph/schools/sparql/*.rq
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


def majors(store: SelectStore, tier: str | None = None, q: str | None = None) -> list[dict[str, object]]:
    """All majors (optionally of one tier, or whose name or code contains ``q``), by tier and code."""
    return filter_majors(all_majors(store), tier, q)


def filter_majors(found: list[dict[str, object]], tier: str | None, q: str | None) -> list[dict[str, object]]:
    """The majors of ``all_majors`` of one tier and/or whose name or code contains ``q`` (a server
    keeps the whole list per store generation and narrows it per request)."""
    return [
        m for m in found if (not tier or m["tier"] == tier) and (not q or q in str(m["name"]) or q in str(m["code"]))
    ]


def _listed_major(r: dict[str, str]) -> dict[str, object]:
    """A row of major_list.rq / major_with_code.rq as the lists show a major."""
    return {
        "code": r["code"],
        "name": r["name"],
        "iri": r["major"],
        "catalogue": r["catalogue"],
        "catalogue_name": r["catalogueName"],
        "tier": r["tier"],
        "tier_name": r["tierName"],
        "occupation_count": int(r["occupations"]),
    }


def all_majors(store: SelectStore) -> list[dict[str, object]]:
    """Every major with its catalogue, tier and number of occupations, by tier and code."""
    out = [_listed_major(r) for r in select(store, Q.major_list)]
    order = {t: i for i, t in enumerate(TIER_ORDER)}
    out.sort(key=lambda m: (order.get(str(m["tier"]), 9), str(m["code"])))
    return out


def tiers(store: SelectStore) -> list[dict[str, object]]:
    """Tiers with how many majors the graph holds and how many the publisher counts."""
    rows = select(store, Q.tiers)
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
    found = [
        _listed_major(r)
        for r in select(store, Q.major_with_code, code=code)
        if catalogue is None or r["catalogue"] == catalogue
    ]
    found.sort(key=lambda m: str(m["catalogue"]))
    for m in found:
        m.update(profile(store, str(m["iri"])))
        links = select(store, Q.major_orientations, major=Iri(str(m["iri"])))
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
    subject = Iri(iri)
    fields = select(store, Q.major_profile, major=subject)
    f = fields[0] if fields else {}
    abilities = select(store, Q.major_abilities, major=subject)
    courses = select(store, Q.major_courses, major=subject)
    certs = select(store, Q.major_certificate_examples, major=subject)
    continuing = select(store, Q.major_continuing, major=subject)
    posts = select(store, Q.major_posts, major=subject)
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
    rows = select(store, Q.occupation_standards, occupations=[Iri(o) for o in sorted(set(occupations))])
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


Link = tuple[dict[str, object], str]  # (the major, shared by all its links; the basis of this link)


def majors_by_occupation(store: SelectStore) -> dict[str, list[Link]]:
    """Occupation code -> the majors that prepare for it with the basis of each link, official and
    curated links first. One query for every occupation: the server keeps the answer per store
    generation (server/resources.py), so a page or an API call is a dictionary lookup; each major is
    one dict shared by its links (6,900 links, 1,400 majors), which keeps the answer small."""
    shared: dict[tuple[str, str], dict[str, object]] = {}
    out: dict[str, list[Link]] = {}
    for r in select(store, Q.occupation_majors):
        major = shared.setdefault(
            (r["major"], r["catalogue"]),
            {
                "code": r["code"],
                "name": r["name"],
                "iri": r["major"],
                "catalogue": r["catalogue"],
                "tier": r["tier"],
                "tier_name": r["tierName"],
            },
        )
        out.setdefault(r["occCode"], []).append((major, sys.intern(r["basis"])))
    for links in out.values():
        links.sort(key=lambda m: (m[1] not in BASES, str(m[0]["tier"]), str(m[0]["code"]), str(m[0]["catalogue"])))
    return out


def with_basis(links: list[Link]) -> list[dict[str, object]]:
    """The majors of one occupation as the API and the pages show them: each with its link's basis."""
    return [{**major, "basis": basis} for major, basis in links]


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


def certificates(store: SelectStore) -> list[dict[str, object]]:
    rows = select(store, Q.certificate_list)
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


def _equivalences(store: SelectStore, found: set[str]) -> list[dict[str, object]]:
    """The credit equivalences with these IRIs, whole: single-valued fields in one query, the
    conditions and comments (multi-valued) in a second one, gathered here."""
    if not found:
        return []
    listed = [Iri(eq) for eq in sorted(found)]
    rows = select(store, Q.equivalence_fields, equivalences=listed)
    extras: dict[str, dict[str, set[str]]] = {}
    for r in select(store, Q.equivalence_notes, equivalences=listed) if rows else []:
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
    levels = select(store, Q.certificate_levels, certificate=Iri(str(iri)))
    levels.sort(key=lambda r: int(r["rank"]))
    occupations = select(store, Q.certificate_orientations, certificate=Iri(str(iri)))
    occupations.sort(key=lambda r: (r["basis"] not in BASES, r["code"]))
    subjects = [Iri(str(iri))] + [Iri(r["lvl"]) for r in levels]
    counts_for = _equivalences(store, {r["eq"] for r in select(store, Q.equivalences_of_subjects, subjects=subjects)})
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
    courses = [r for r in select(store, Q.courses_with_code, code=code) if not school or r["school"] == school]
    out = []
    for c in sorted(courses, key=lambda r: (r["school"], r["course"])):
        eqs = _equivalences(store, {r["eq"] for r in select(store, Q.equivalences_for_course, course=Iri(c["course"]))})
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
    rows = select(store, Q.occupation_certificates, occupations=[Iri(o) for o in sorted(set(occupations))])
    return sorted(
        ({"name": r["name"], "occupation": r["code"], "basis": r["basis"]} for r in rows),
        key=lambda r: (r["basis"] not in BASES, r["name"], r["occupation"]),
    )


def equivalences(store: SelectStore, status: str | None = None) -> list[dict[str, object]]:
    return _equivalences(
        store, {r["eq"] for r in select(store, Q.equivalence_list) if not status or r["status"] == status}
    )

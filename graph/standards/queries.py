"""The standards questions the API and CLI ask, as SPARQL over any store with ``select``; and the
RuleBook, which loads the eligibility rules once and answers eligibility questions with
graph.standards.eligibility.

Everything goes through SPARQL (not store internals), so the same code runs on the embedded store
and on a remote SPARQL endpoint. The queries are files in graph/standards/sparql/.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from graph.classification.queries import SelectStore
from graph.core.namespaces import ID, PREFIXES
from graph.standards.eligibility import (
    Condition,
    EligibilityResult,
    Equivalence,
    Ladder,
    Level,
    Profile,
    RelatedOccupations,
    Rule,
    RuleSet,
    evaluate,
    rule_order,
)
from graph.store.sparql import Iri, Queries, select

Q = Queries(__file__)  # graph/standards/sparql/*.rq
STANDARD_NS = ID + "standard/"
LEVEL_NS = ID + "level/"
RULE_SET_NS = ID + "rule-set/"
TIERS = {
    "national": "NationalSkillStandard",
    "evaluation": "EvaluationSpecification",
    "special-ability": "SpecialAbilitySpecification",
}
TIER_OF_CLASS = {v: k for k, v in TIERS.items()}
SEP = "\u001f"  # GROUP_CONCAT separator of the multi-valued columns (written "\u001F" in the .rq files)
STANDARD_ID_RE = re.compile(r"[A-Za-z0-9-]+", re.ASCII)


def _tail(iri: str, ns: str) -> str:
    return iri[len(ns) :] if iri.startswith(ns) else iri.rsplit("/", 1)[-1]


def _split(value: str | None) -> list[str]:
    return sorted(filter(None, (value or "").split(SEP)))


# ------------------------------------------------------------------------------------------------
# ladder and standards index (small, loaded once)


def load_ladder(store: SelectStore) -> Ladder:
    rows = select(store, Q.ladder)
    return Ladder(
        Level(
            _tail(r["l"], LEVEL_NS),
            "skill" if r["type"].endswith("SkillLevel") else "professional",
            int(r["rank"]),
            r["zh"],
            r["en"],
            int(r["number"]) if r.get("number") else None,
            tuple(_split(r.get("alts"))),
        )
        for r in rows
    )


def load_diploma_kinds(store: SelectStore) -> dict[str, dict[str, Any]]:
    rows = select(store, Q.diploma_kinds)
    out = {
        _tail(r["k"], ID + "diploma-kind/"): {
            "id": _tail(r["k"], ID + "diploma-kind/"),
            "name_zh": r["zh"],
            "name_en": r["en"],
            "track": r["track"],
            "rank": int(r["rank"]),
        }
        for r in rows
    }
    return dict(sorted(out.items(), key=lambda kv: (kv[1]["track"] != "technical-school", kv[1]["rank"])))


@dataclass
class StandardRef:
    """What the eligibility and listing code needs to know about one standard."""

    id: str
    title: str
    tier: str
    issued: str
    doc_number: str
    code_as_printed: str
    occupation: str | None
    occupation_name: str | None
    ladder: str
    levels: list[str]
    rule_set: str | None
    basis: str | None
    work_type: str | None = None
    marker: str | None = None
    only_work_type: str | None = None  # the 工种 the standard covers when it covers only one (see load_standards)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "tier": self.tier,
            "issued": self.issued,
            "doc_number": self.doc_number or None,
            "code_as_printed": self.code_as_printed or None,
            "work_type": self.work_type,
            "covers_only_work_type": self.only_work_type,
            "marker": self.marker,
            "occupation": {"code": self.occupation, "name": self.occupation_name} if self.occupation else None,
            "ladder": self.ladder,
            "levels": self.levels,
            "rule_set": {"id": self.rule_set, "basis": self.basis} if self.rule_set else None,
        }


def load_standards(store: SelectStore, ladder: Ladder) -> list[StandardRef]:
    rows = select(store, Q.standards)
    # Which standards cover a single 工种 (work type) rather than the whole occupation — decided here
    # and nowhere else. The data marks them with og:coversOnlyWorkType (issue 14); a store built
    # before that marking existed has only the 工种 printed in parentheses in the title
    # (og:workTypeName, e.g. 电工（烟机电工）), which then stands for the marking.
    marked = any(r.get("onlyWt") for r in rows)
    out = []
    for r in rows:
        levels = [_tail(x, LEVEL_NS) for x in _split(r.get("levels"))]
        levels.sort(key=lambda lv: -ladder[lv].rank if lv in ladder else 0)
        out.append(
            StandardRef(
                _tail(r["s"], STANDARD_NS),
                r["title"],
                TIER_OF_CLASS[r["type"].rsplit("/", 1)[-1]],
                r["issued"],
                r.get("doc", ""),
                r.get("printed", ""),
                r.get("code"),
                r.get("name"),
                r["ladder"],
                list(reversed(levels)),
                _tail(r["set"], RULE_SET_NS) if r.get("set") else None,
                r.get("basis"),
                r.get("wt"),
                r.get("marker"),
                ("、".join(_split(r.get("onlyWt"))) or None) if marked else r.get("wt"),
            )
        )
    out.sort(key=lambda s: (s.issued, s.id), reverse=True)
    return out


# ------------------------------------------------------------------------------------------------
# eligibility rules


def load_rule_sets(store: SelectStore) -> dict[str, RuleSet]:
    sets = select(store, Q.rule_sets)
    rules = select(store, Q.rules)
    conds = select(store, Q.rule_conditions)
    kinds = {
        "AgeCondition": "age",
        "DeclarationCondition": "declaration",
        "WorkCondition": "work",
        "CertificateCondition": "certificate",
        "DiplomaCondition": "diploma",
        "TitleCondition": "title",
        "TrainingCondition": "training",
        "ApprenticeshipCondition": "apprenticeship",
    }
    by_rule: dict[str, list[Condition]] = defaultdict(list)
    for c in conds:
        kind = kinds.get(c["type"].rsplit("/", 1)[-1])
        if kind is None:
            continue
        by_rule[c["r"]].append(
            Condition(
                number=int(c["n"]),
                kind=kind,  # type: ignore[arg-type]
                level=_tail(c["level"], LEVEL_NS) if c.get("level") else None,
                scope=c.get("scope"),  # type: ignore[arg-type]
                years=float(c["years"]) if c.get("years") else None,
                counted_from=int(c["from"]) if c.get("from") else None,
                continuous=c.get("cont") == "true",
                certificate_types=tuple(CERTIFICATE_KIND_OF_CLASS[x.rsplit("/", 1)[-1]] for x in _split(c.get("certs")))
                or ("vocational-qualification", "skill-level"),
                years_held=float(c["held"]) if c.get("held") else None,
                diploma_kinds=tuple(x.rsplit("/", 1)[-1] for x in _split(c.get("kinds"))),
                major_scope=c.get("major") or "any",  # type: ignore[arg-type]
                student_status=tuple(_split(c.get("status"))) or ("graduated",),
                assessed=c.get("assessed") == "true",
                title_correspondence=c.get("corr") == "true",
                age=int(c["age"]) if c.get("age") else None,
                note=c.get("note", ""),
            )
        )
    sources = {_tail(s["set"], RULE_SET_NS): s.get("source", "") for s in sets}
    rules_by_set: dict[str, list[Rule]] = defaultdict(list)
    for r in rules:
        set_id = _tail(r["set"], RULE_SET_NS)
        rules_by_set[set_id].append(
            Rule(
                r["r"],
                set_id,
                _tail(r["level"], LEVEL_NS),
                r["number"],
                r["text"],
                tuple(sorted(by_rule.get(r["r"], []), key=lambda c: c.number)),
                tuple(sorted(_split(r.get("materials")))),
                source=sources.get(set_id, ""),
                part=r.get("part", ""),
            )
        )
    out = {}
    # rows come in whatever order the backend returns them: order by start date, then id
    for s in sorted(sets, key=lambda s: (s.get("from", ""), s["set"])):
        sid = _tail(s["set"], RULE_SET_NS)
        rs = sorted(rules_by_set.get(sid, []), key=lambda r: (r.level, rule_order(r.number)))
        out[sid] = RuleSet(
            sid,
            s["label"],
            tuple(rs),
            date.fromisoformat(s["from"]) if s.get("from") else None,
            date.fromisoformat(s["until"]) if s.get("until") else None,
            s.get("source", ""),
            s.get("note", ""),
        )
    return out


CERTIFICATE_KIND_OF_CLASS = {
    "VocationalQualificationCertificate": "vocational-qualification",
    "SkillLevelCertificate": "skill-level",
    "SpecialAbilityCertificate": "special-ability",
}


def load_equivalences(store: SelectStore) -> list[Equivalence]:
    """Certificate equivalences (og:CertificateEquivalence, standards/eligibility/certificate-equivalences.tsv)."""
    rows = select(store, Q.equivalences)
    return sorted(
        (
            Equivalence(
                r["e"].rsplit("/", 1)[-1],
                CERTIFICATE_KIND_OF_CLASS[r["acc"].rsplit("/", 1)[-1]],
                CERTIFICATE_KIND_OF_CLASS[r["inst"].rsplit("/", 1)[-1]],
                date.fromisoformat(r["from"]),
                r.get("label", ""),
                r.get("source", ""),
            )
            for r in rows
        ),
        key=lambda e: e.id,
    )


def load_related_pairs(store: SelectStore, prop: str = "relatedOccupation") -> list[tuple[str, str]]:
    """Editor-recorded pairs: og:relatedOccupation, or og:notRelatedOccupation for the exclusions."""
    rows = select(store, Q.related_pairs, property=Iri(PREFIXES["og"] + prop))
    return sorted((r["a"], r["b"]) for r in rows)


class UnknownLevel(KeyError):
    """A level name or id that is on no ladder (the message lists the valid ones)."""


@dataclass
class RuleBook:
    """Ladder, rule sets, standards and related occupations, loaded once from a store."""

    ladder: Ladder
    rule_sets: dict[str, RuleSet]
    standards: list[StandardRef]
    related: RelatedOccupations
    diploma_kinds: dict[str, dict[str, Any]] = field(default_factory=dict)
    equivalences: list[Equivalence] = field(default_factory=list)

    @classmethod
    def load(cls, store: SelectStore) -> RuleBook:
        ladder = load_ladder(store)
        return cls(
            ladder,
            load_rule_sets(store),
            load_standards(store, ladder),
            RelatedOccupations(load_related_pairs(store), excluded=load_related_pairs(store, "notRelatedOccupation")),
            load_diploma_kinds(store),
            load_equivalences(store),
        )

    def __post_init__(self) -> None:
        # by occupation, in the list's order (newest first): the pathway engine asks for every
        # occupation, and a scan per call was quadratic (over 20 minutes at 100x benchmark scale)
        self._by_occupation: dict[str, list[StandardRef]] = defaultdict(list)
        for ref in self.standards:
            if ref.occupation:
                self._by_occupation[ref.occupation].append(ref)

    def standards_for(self, code: str) -> list[StandardRef]:
        """Standards of an occupation, newest first."""
        return list(self._by_occupation.get(code, ()))

    def current_standard(self, code: str) -> StandardRef | None:
        """The standard whose rules apply: the newest national one that covers the whole occupation
        (one with a rule set on a tie). A standard that covers a single 工种 applies to that 工种,
        not to the occupation (电工（烟机电工）of 2026 does not replace 电工 of 2018); only when the
        occupation has no other national standard is the newest 工种 standard used (its notes say so)."""
        national = [s for s in self.standards_for(code) if s.tier == "national"]
        if not national:
            return None
        pool = [s for s in national if not s.only_work_type] or national
        newest = pool[0].issued
        tied = [s for s in pool if s.issued == newest]
        return sorted(tied, key=lambda s: (s.rule_set is None, s.id))[0]

    def work_type_standards(self, code: str) -> list[StandardRef]:
        """National standards of the occupation that cover a single 工种, newest first."""
        return [s for s in self.standards_for(code) if s.tier == "national" and s.only_work_type]

    def parse_level(self, text: str, ladder: str | None = None) -> Level:
        try:
            return self.ladder.parse(text, prefer=ladder)
        except KeyError as exc:
            raise UnknownLevel(exc.args[0]) from None

    def diploma_names(self) -> dict[str, str]:
        return {k: v["name_en"] for k, v in self.diploma_kinds.items()}

    def routes(
        self, code: str, level_text: str
    ) -> tuple[StandardRef | None, RuleSet | None, Level, list[Rule], list[str]]:
        """(standard, rule set, level, rules for the level, notes) for an occupation and a level."""
        std = self.current_standard(code)
        level = self.parse_level(level_text, std.ladder if std else "skill")
        notes: list[str] = []
        if std is None:
            notes.append(f"{code} has no national skill standard in the data, so no eligibility rules apply")
            return None, None, level, [], notes
        others = [s.id for s in self.standards_for(code) if s.id != std.id]
        if others:
            notes.append(
                f"the occupation has {len(others) + 1} standards; rules follow the newest that covers the whole "
                f"occupation, {std.id} ({std.issued}); others: {', '.join(others)}"
            )
        if std.only_work_type:
            notes.append(
                f"{std.id} covers only the work type (工种) {std.only_work_type}; the occupation has no standard "
                "for the whole occupation, so its rules are used and apply to that work type"
            )
        else:
            for s in self.work_type_standards(code):
                if s.issued > std.issued:
                    notes.append(f"{s.id} ({s.issued}) covers only the work type (工种) {s.only_work_type}")
        if std.levels and level.id not in std.levels:
            notes.append(
                f"level {level.id} ({level.name_zh}) is not among the levels {std.id} covers as parsed "
                f"({', '.join(std.levels)})"
            )
        if std.rule_set is None:
            why = (
                "it covers professional-technical levels, whose 申报条件 are not in the data"
                if std.ladder == "professional"
                else "no rule set in the data applies to its issue date"
            )
            notes.append(f"no eligibility rules for {std.id}: {why}")
            return std, None, level, [], notes
        rs = self.rule_sets[std.rule_set]
        if std.basis == "applied-by-edition":
            notes.append(
                f"rule set {rs.id} is applied because of the standard's issue date ({std.issued}), not "
                "read from the standard itself; its own wording and figures may differ"
            )
        rules = rs.rules_for(level.id)
        if not rules:
            notes.append(
                f"rule set {rs.id} has no rules for level {level.id} ({level.name_zh}) in the data "
                f"(it has levels {', '.join(rs.levels())})"
            )
        return std, rs, level, rules, notes

    def check(self, profile: Profile, code: str, level_text: str) -> EligibilityResult:
        """Evaluate a profile against every route to a level of an occupation."""
        std, rs, level, rules, notes = self.routes(code, level_text)
        result = evaluate(
            profile,
            code,
            level.id,
            rules,
            self.ladder,
            self.related,
            self.diploma_names(),
            equivalences=self.equivalences,
            diploma_names_zh={k: v["name_zh"] for k, v in self.diploma_kinds.items()},
        )
        result.notes = notes + [n for n in result.notes if rules]
        result.standard = std.as_dict() if std else None
        result.rule_set = rule_set_dict(rs, std) if rs else None
        return result


def rule_set_dict(rs: RuleSet, std: StandardRef | None = None) -> dict[str, Any]:
    return {
        "id": rs.id,
        "title": rs.title,
        "basis": std.basis if std else None,
        "applies_from": rs.applies_from.isoformat() if rs.applies_from else None,
        "applies_until": rs.applies_until.isoformat() if rs.applies_until else None,
        "source": rs.source,
        "note": rs.note or None,
    }


# ------------------------------------------------------------------------------------------------
# listing and detail


def filter_standards(
    book: RuleBook,
    year: int | None = None,
    occupation: str | None = None,
    level: str | None = None,
    tier: str | None = None,
) -> list[StandardRef]:
    out = book.standards
    if year is not None:
        out = [s for s in out if s.issued.startswith(f"{year:04d}-")]
    if occupation is not None:
        out = [s for s in out if s.occupation == occupation]
    if level is not None:
        out = [s for s in out if level in s.levels]
    if tier is not None:
        out = [s for s in out if s.tier == tier]
    return out


def standard_detail(store: SelectStore, book: RuleBook, sid: str) -> dict[str, Any] | None:
    """Everything the API shows for one standard, or None for an unknown id."""
    ref = next((s for s in book.standards if s.id == sid), None)
    if ref is None or not STANDARD_ID_RE.fullmatch(sid):
        return None
    extra = select(store, Q.standard_resolution, standard=Iri(STANDARD_NS + sid))
    head = extra[0] if extra else {}
    d = ref.as_dict()
    d["iri"] = STANDARD_NS + sid
    d["resolution"] = {"method": head.get("how"), "evidence": head.get("why")}
    d["levels_provenance"] = {
        "provenance": head.get("prov"),
        "evidence": sorted({r["evidence"] for r in extra if r.get("evidence")}),
    }
    rs = book.rule_sets.get(ref.rule_set) if ref.rule_set else None
    d["rule_set"] = rule_set_dict(rs, ref) if rs else None
    levels = [book.ladder[lv] for lv in ref.levels if lv in book.ladder]
    if rs is not None:
        rule_levels = [book.ladder[lv] for lv in rs.levels() if lv in book.ladder]
        levels = sorted({lv.id: lv for lv in levels + rule_levels}.values(), key=lambda lv: lv.rank)
    d["eligibility"] = [
        {
            "level": lv.as_dict(),
            "covered": lv.id in ref.levels,
            "rules": [r.as_dict(book.ladder) for r in rs.rules_for(lv.id)] if rs else [],
        }
        for lv in levels
    ]
    d["work_requirements"] = work_requirements(store, sid, book.ladder)
    return d


def work_requirements(store: SelectStore, sid: str, ladder: Ladder) -> list[dict[str, Any]]:
    """Per level: functions > work contents > skill and knowledge requirements, each with its IRI,
    and the lower level whose requirements this level includes."""
    if not STANDARD_ID_RE.fullmatch(sid):
        raise ValueError(f"{sid!r} is not a standard id (e.g. 4-04-05-05-2021)")
    rows = select(store, Q.work_requirements, standard=Iri(STANDARD_NS + sid))
    if not rows:
        return []

    def num(n: str) -> tuple[int, ...]:
        return tuple(int(x) for x in n.split(".") if x.isdigit())

    levels: dict[str, dict[str, Any]] = {}
    for r in rows:
        lid = _tail(r["level"], LEVEL_NS)
        lv = levels.setdefault(
            lid,
            {
                "level": ladder[lid].as_dict() if lid in ladder else {"id": lid},
                "iri": r["sl"],
                "includes_level": None,
                "functions": {},
            },
        )
        if r.get("lower"):
            lv["includes_level"] = r["lower"].rsplit("/", 1)[-1]
        if not r.get("fn"):
            continue
        fn = lv["functions"].setdefault(
            r["fnNo"], {"number": r["fnNo"], "name": r.get("fnName"), "iri": r["fn"], "work_contents": {}}
        )
        wc = fn["work_contents"].setdefault(
            r["wcNo"], {"number": r["wcNo"], "name": r.get("wcName"), "iri": r["wc"], "skills": [], "knowledge": []}
        )
        if r.get("req"):
            item = {"iri": r["req"], "number": r["no"], "text": r["text"], "flags": _split(r.get("flags"))}
            wc["skills" if r["type"].endswith("SkillRequirement") else "knowledge"].append(item)
    out = []
    for lid in sorted(levels, key=lambda x: ladder[x].rank if x in ladder else 0):
        lv = levels[lid]
        functions = []
        for fn in sorted(lv["functions"].values(), key=lambda f: num(f["number"])):
            contents = sorted(fn["work_contents"].values(), key=lambda w: num(w["number"]))
            for wc in contents:
                wc["skills"].sort(key=lambda x: (num(x["number"]), x["iri"]))
                wc["knowledge"].sort(key=lambda x: (num(x["number"]), x["iri"]))
            functions.append({**fn, "work_contents": contents})
        out.append({**lv, "functions": functions})
    return out

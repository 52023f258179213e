"""Eligibility (申报条件) as code: rules as data, and a pure function that evaluates a person's profile.

A level's rule set is an OR of routes (og:EligibilityRule); a route is an AND of conditions
(og:EligibilityCondition). This module holds the typed model of both, the person's profile, and
``evaluate``, which says for every route whether it is open, what is satisfied, what is missing
and the earliest date it could open. It does no I/O: rules come from the store
(``RuleBook.load(store)``, SPARQL) or are built by hand, so the career-pathway code can use the same
structures (``Rule.conditions``, ``promotion_steps``) to reason about waiting times.

Time is counted in calendar years: a spell from 2020-03-01 to 2023-03-01 is exactly 3 years; a
part year counts as its share of that year. Work given only as a number of years (no dates) is
laid end to end before ``as_of``, the last one listed being the most recent. "Earliest date"
assumes the person works in the target occupation from ``as_of`` on, without gaps, and gets no
new certificate, title or diploma; a route that needs one of those has no earliest date.

>>> ladder = Ladder.default()
>>> rule = Rule("demo/4/2", "demo", "4", "2", "取得五级证书后，累计从事本职业或相关职业工作满3年。", (
...     Condition(1, "certificate", level="5", scope="related", certificate_types=("skill-level",)),
...     Condition(2, "work", scope="related", years=3, counted_from=1)))
>>> p = Profile(as_of=date(2024, 1, 1),
...             certificates=(CertificateHeld("4-04-05-05", "5", date(2022, 1, 1)),),
...             work=(WorkSpell("4-04-05-05", start=date(2020, 1, 1)),))
>>> route = evaluate(p, "4-04-05-05", "4", [rule], ladder).routes[0]
>>> route.open, route.earliest_date
(False, datetime.date(2025, 1, 1))
>>> route.missing
['1 more year of work in this or a related occupation after the level-5 certificate (has 2 of 3)']
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any, Literal

Scope = Literal["same", "related"]
MajorScope = Literal["same", "related", "any"]
ConditionKind = Literal["age", "declaration", "work", "certificate", "diploma", "title", "training", "apprenticeship"]
CertificateKind = Literal["vocational-qualification", "skill-level", "special-ability"]
StudentStatus = Literal["graduated", "graduating", "enrolled"]
Related = Callable[[str, str], bool]

CONDITION_KINDS: tuple[str, ...] = (
    "age",
    "declaration",
    "work",
    "certificate",
    "diploma",
    "title",
    "training",
    "apprenticeship",
)
CERTIFICATE_KINDS: tuple[str, ...] = ("vocational-qualification", "skill-level", "special-ability")
CERTIFICATE_NAMES = {
    "vocational-qualification": "vocational qualification",
    "skill-level": "skill level",
    "special-ability": "special ability",
}
STUDENT_STATUSES: tuple[str, ...] = ("graduated", "graduating", "enrolled")
EVENT_KINDS = ("certificate", "title", "diploma", "training", "apprenticeship")
EPSILON = 1e-9


class ProfileError(ValueError):
    """A malformed profile; the message names the field (e.g. ``certificates[0].date``)."""


# ------------------------------------------------------------------------------------------------
# levels


@dataclass(frozen=True)
class Level:
    """A rung of a ladder: ``skill`` (学徒工 … 首席技师) or ``professional`` (初级/中级/高级)."""

    id: str
    ladder: str
    rank: int
    name_zh: str
    name_en: str
    number: int | None = None
    alt_zh: tuple[str, ...] = ()

    def label(self) -> str:
        if self.number is not None:
            return f"level-{self.number}"
        return self.name_en.split(" (")[0].lower()

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "ladder": self.ladder,
            "rank": self.rank,
            "number": self.number,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "alt_zh": list(self.alt_zh),
        }


class Ladder:
    """The levels, with parsing of the names people and rules use for them."""

    def __init__(self, levels: Iterable[Level]) -> None:
        self.levels = {lv.id: lv for lv in levels}
        self._ordered: dict[str | None, list[Level]] = {}

    @classmethod
    def default(cls) -> Ladder:
        """The ladder of standards/ladder/levels.tsv, read with the build's own reader (for examples
        and callers without a store; a store's ladder comes from the graph, graph/standards/queries.py).

        A hand-typed copy used to stand here and had fallen behind the file (names like 副高级).
        """
        from graph.build.tsv import read_dictionary, read_table
        from graph.core.paths import project_root

        folder = project_root() / "standards" / "ladder"
        return cls(
            Level(
                r["id"],
                r["ladder"],
                int(r["rank"]),
                r["name_zh"],
                r["name_en"],
                int(r["number"]) if r["number"] else None,
                tuple(filter(None, (r.get("alt_zh") or "").split("|"))),
            )
            for r in read_table(folder, "levels.tsv", read_dictionary(folder))
        )

    def __getitem__(self, level_id: str) -> Level:
        return self.levels[level_id]

    def __contains__(self, level_id: object) -> bool:
        return level_id in self.levels

    def ordered(self, ladder: str | None = None) -> list[Level]:
        """Levels lowest first (skill ladder before professional); computed once per ladder."""
        found = self._ordered.get(ladder)
        if found is None:
            found = self._ordered[ladder] = sorted(
                (lv for lv in self.levels.values() if ladder is None or lv.ladder == ladder),
                key=lambda lv: (lv.ladder != "skill", lv.rank),
            )
        return list(found)

    def parse(self, text: str, prefer: str | None = None) -> Level:
        """A level from its id, official number or any of its names; ``prefer`` picks the ladder
        when a name belongs to both (初级, 中级, 高级).

        >>> lad = Ladder.default()
        >>> lad.parse("三级").id, lad.parse("高级工").id, lad.parse("level-3").id, lad.parse("高级").id
        ('3', '3', '3', '3')
        >>> lad.parse("高级", prefer="professional").id
        'professional-senior'
        """
        t = text.strip()
        if t.lower().startswith("level-"):
            t = t[6:]
        if t in self.levels:
            return self.levels[t]
        matches = [
            lv for lv in self.ordered() if t in (lv.name_zh, lv.name_en, *lv.alt_zh) or t.lower() == lv.name_en.lower()
        ]
        if not matches:
            names = ", ".join(f"{lv.id} ({lv.name_zh})" for lv in self.ordered())
            raise KeyError(f"unknown level {text!r}; use one of: {names}")
        if prefer:
            preferred = [lv for lv in matches if lv.ladder == prefer]
            if preferred:
                return preferred[0]
        return matches[0]

    def at_least(self, held: str, required: str) -> bool:
        """Whether a credential at level ``held`` satisfies a requirement of level ``required``."""
        a, b = self.levels.get(held), self.levels.get(required)
        return a is not None and b is not None and a.ladder == b.ladder and a.rank >= b.rank


# ------------------------------------------------------------------------------------------------
# rules


@dataclass(frozen=True)
class Condition:
    """One condition of a route; which fields matter depends on ``kind`` (docs/standards.md)."""

    number: int
    kind: ConditionKind
    level: str | None = None
    scope: Scope | None = None
    years: float | None = None
    counted_from: int | None = None
    continuous: bool = False
    certificate_types: tuple[str, ...] = ("vocational-qualification", "skill-level")
    years_held: float | None = None
    diploma_kinds: tuple[str, ...] = ()
    major_scope: MajorScope = "any"
    student_status: tuple[str, ...] = ("graduated",)
    assessed: bool = False
    title_correspondence: bool = False
    age: int | None = None
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"number": self.number, "kind": self.kind}
        fields_by_kind = {
            "age": ("age",),
            "declaration": (),
            "work": ("scope", "years", "counted_from", "continuous"),
            "certificate": ("level", "scope", "certificate_types", "years_held"),
            "diploma": ("diploma_kinds", "major_scope", "student_status", "assessed"),
            "title": ("level", "title_correspondence"),
            "training": ("level", "scope"),
            "apprenticeship": ("scope",),
        }
        for name in fields_by_kind[self.kind]:
            value = getattr(self, name)
            d[name] = list(value) if isinstance(value, tuple) else value
        if self.note:
            d["note"] = self.note
        return d


@dataclass(frozen=True)
class Rule:
    """One route: all its conditions must hold. ``text`` is the original wording."""

    id: str
    rule_set: str
    level: str
    number: str
    text: str
    conditions: tuple[Condition, ...]
    materials: tuple[str, ...] = ()
    source: str = ""
    part: str = ""

    def condition(self, number: int) -> Condition | None:
        return next((c for c in self.conditions if c.number == number), None)

    def summary(self, ladder: Ladder | None = None, kinds: Mapping[str, str] | None = None) -> str:
        """The route in plain English, e.g. 'a level-5 certificate ...; and 3 years of work ...'."""
        parts = [describe(c, self, ladder or Ladder.default(), kinds) for c in self.conditions]
        return "; and ".join(parts)

    def as_dict(self, ladder: Ladder | None = None) -> dict[str, Any]:
        return {
            "id": self.id,
            "rule_set": self.rule_set,
            "level": self.level,
            "number": self.number,
            "text": self.text,
            "summary": self.summary(ladder),
            "part": self.part or None,
            "materials": list(self.materials),
            "source": self.source,
            "conditions": [c.as_dict() for c in self.conditions],
        }


@dataclass(frozen=True)
class RuleSet:
    id: str
    title: str
    rules: tuple[Rule, ...]
    applies_from: date | None = None
    applies_until: date | None = None
    source: str = ""
    note: str = ""

    def rules_for(self, level: str) -> list[Rule]:
        return sorted((r for r in self.rules if r.level == level), key=lambda r: rule_order(r.number))

    def levels(self) -> list[str]:
        return sorted({r.level for r in self.rules})


def rule_order(number: str) -> tuple[int, str]:
    """Sort key of rule numbers: 1, 2, 3a, 3b, 10.

    >>> sorted(["3a", "10", "2", "3b"], key=rule_order)
    ['2', '3a', '3b', '10']
    """
    digits = "".join(ch for ch in number if ch.isdigit())
    return (int(digits) if digits else 0, number[len(digits) :])


def _years(x: float) -> str:
    s = f"{x:.1f}".rstrip("0").rstrip(".")
    return s


def _plural(x: float, word: str) -> str:
    return f"{_years(x)} {word}" + ("" if abs(x - 1) < EPSILON else "s")


def _a(words: str) -> str:
    return ("an " if words[:1] in "aeiou" else "a ") + words


def _scope_words(scope: str | None) -> str:
    return "this occupation" if scope == "same" else "this or a related occupation"


def _level_words(level: str | None, ladder: Ladder) -> str:
    if level is None or level not in ladder:
        return f"level {level}"
    lv = ladder[level]
    if lv.ladder == "professional":
        return f"{lv.name_en.split(' (')[0].lower()} ({lv.name_zh})"
    return lv.label()


def describe(c: Condition, rule: Rule | None, ladder: Ladder, kinds: Mapping[str, str] | None = None) -> str:
    """A condition in plain English."""
    if c.kind == "age":
        return f"at least {c.age} years old"
    if c.kind == "declaration":
        return c.note or "a declaration by the applicant"
    if c.kind == "work":
        continuous = "continuous " if c.continuous else ""
        amount = f"{_plural(c.years, 'year')} of {continuous}work in" if c.years else "working in"
        text = f"{amount} {_scope_words(c.scope)}"
        if c.counted_from and rule is not None:
            ev = rule.condition(c.counted_from)
            if ev is not None:
                text += f" after {_event_words(ev, ladder)}"
        return text
    if c.kind == "certificate":
        types = " or ".join(CERTIFICATE_NAMES.get(t, t) for t in c.certificate_types)
        text = f"{_a(_level_words(c.level, ladder))} certificate ({types}) in {_scope_words(c.scope)}"
        if c.years_held:
            text += f", held for at least {_plural(c.years_held, 'year')}"
        return text
    if c.kind == "diploma":
        names = [(kinds or {}).get(k, k) for k in c.diploma_kinds]
        major = {"same": "in this occupation's major", "related": "in this or a related major", "any": ""}[
            c.major_scope
        ]
        status = ""
        if "enrolled" in c.student_status and "graduated" not in c.student_status:
            status = " (students)"
        elif "graduating" in c.student_status:
            status = " (final-year students included)"
        assessed = " from an assessed programme" if c.assessed else ""
        return f"a diploma: {' or '.join(names)}{' ' + major if major else ''}{assessed}{status}"
    if c.kind == "title":
        corr = " corresponding to the occupation" if c.title_correspondence else ""
        return f"{_a(_level_words(c.level, ladder))} professional title{corr}"
    if c.kind == "training":
        return (
            f"completed formal training for {_level_words(c.level, ladder)} in {_scope_words(c.scope)}, "
            "with a completion certificate"
        )
    if c.kind == "apprenticeship":
        return f"a completed apprenticeship in {_scope_words(c.scope)}"
    return c.kind


def _event_words(ev: Condition, ladder: Ladder) -> str:
    if ev.kind == "certificate":
        return f"the {_level_words(ev.level, ladder)} certificate"
    if ev.kind == "title":
        return f"the {_level_words(ev.level, ladder)} title"
    if ev.kind == "diploma":
        return "graduating"
    return f"the {ev.kind}"


# ------------------------------------------------------------------------------------------------
# the profile


@dataclass(frozen=True)
class CertificateHeld:
    occupation: str
    level: str
    date: date
    kind: CertificateKind = "skill-level"


@dataclass(frozen=True)
class WorkSpell:
    """Work in one occupation: dated (``start``, ``end``=None for ongoing) or just ``years``."""

    occupation: str
    start: date | None = None
    end: date | None = None
    years: float | None = None


@dataclass(frozen=True)
class DiplomaHeld:
    """A diploma; ``graduation`` is the date (past: graduated; future: expected), "graduating" for a
    final-year student, or None for a student whose graduation date is not known. The major's
    relation to the target occupation is ``major_relation`` if given, else worked out from
    ``major_occupations`` (the occupations the major prepares for)."""

    kind: str
    graduation: date | Literal["graduating"] | None = None
    major: str = ""
    major_relation: Literal["same", "related", "unrelated"] | None = None
    major_occupations: tuple[str, ...] = ()
    assessed: bool = False


@dataclass(frozen=True)
class TitleHeld:
    """A professional title (职称); ``corresponds`` says whether it corresponds to the target
    occupation (符合专业对应关系), else ``occupations`` lists those it corresponds to."""

    level: str
    date: date
    corresponds: bool | None = None
    occupations: tuple[str, ...] = ()


@dataclass(frozen=True)
class TrainingDone:
    occupation: str
    level: str
    completed: date


@dataclass(frozen=True)
class ApprenticeshipDone:
    occupation: str
    completed: date


@dataclass(frozen=True)
class Profile:
    as_of: date
    birth_date: date | None = None
    age: int | None = None
    certificates: tuple[CertificateHeld, ...] = ()
    work: tuple[WorkSpell, ...] = ()
    diplomas: tuple[DiplomaHeld, ...] = ()
    titles: tuple[TitleHeld, ...] = ()
    trainings: tuple[TrainingDone, ...] = ()
    apprenticeships: tuple[ApprenticeshipDone, ...] = ()
    # no birth date or age given: take the person as an adult (age conditions such as 年满16周岁
    # are met, marked assumed) instead of failing them; callers that do so say it in their answer
    assume_adult: bool = False


@dataclass(frozen=True)
class Equivalence:
    """A policy under which a certificate of kind ``accepted`` counts where a rule names
    ``in_place_of``, for applications on or after ``since`` (standards/eligibility/
    certificate-equivalences.tsv, e.g. a 职业技能等级证书 for a pre-2018 rule that names 职业资格证书)."""

    id: str
    accepted: str
    in_place_of: str
    since: date
    title: str = ""
    source: str = ""


def _date(value: object, where: str) -> date:
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ProfileError(f"{where}: expected a date YYYY-MM-DD, got {value!r}")
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):  # fromisoformat also reads 20210501
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise ProfileError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from None


def _number(value: object, where: str, low: float = 0, high: float = 80) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ProfileError(f"{where}: expected a number, got {value!r}")
    if not low <= value <= high or math.isnan(value):
        raise ProfileError(f"{where}: {value} is outside {low:g}..{high:g}")
    return float(value)


def _items(data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise ProfileError(f"{key}: expected a list")
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise ProfileError(f"{key}[{i}]: expected an object")
    return value


def _keys(item: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = set(item) - allowed
    if unknown:
        raise ProfileError(f"{where}: unknown field(s) {sorted(unknown)}; allowed: {sorted(allowed)}")


def profile_from_json(
    data: object,
    ladder: Ladder,
    is_code: Callable[[str], bool] = lambda c: True,
    diploma_kinds: Iterable[str] | None = None,
    today: date | None = None,
) -> Profile:
    """Build a Profile from JSON (docs/standards.md shows the format); ProfileError says what is wrong.

    ``is_code`` checks occupation codes (e.g. against the classification); levels may be given by
    id, number or name (``"4"``, ``"四级"``, ``"中级工"``; titles ``"初级"`` or ``"professional-junior"``).
    """
    if not isinstance(data, dict):
        raise ProfileError("the profile must be a JSON object")
    top = {
        "as_of",
        "birth_date",
        "age",
        "certificates",
        "work",
        "years_worked",
        "diplomas",
        "titles",
        "trainings",
        "apprenticeships",
    }
    _keys(data, top, "profile")
    # a field given as null is a field not given; any other value is checked (an empty string or an
    # object where a date belongs is refused, not read as "not given")
    as_of = _date(data["as_of"], "as_of") if data.get("as_of") is not None else (today or date.today())
    kinds = set(diploma_kinds) if diploma_kinds is not None else None

    def code(value: object, where: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise ProfileError(f"{where}: expected an occupation code such as 4-04-05-05")
        if not is_code(value.strip()):
            raise ProfileError(f"{where}: {value!r} is not an occupation code of the classification")
        return value.strip()

    def level(value: object, where: str, prefer: str) -> str:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise ProfileError(f'{where}: expected a level such as "4" or "四级"')
        try:
            lv = ladder.parse(value, prefer=prefer)
        except KeyError as exc:
            raise ProfileError(f"{where}: {exc.args[0]}") from None
        if lv.ladder != prefer:
            raise ProfileError(f"{where}: {value!r} is a {lv.ladder} level; expected a {prefer} level")
        return lv.id

    certificates = []
    for i, c in enumerate(_items(data, "certificates")):
        w = f"certificates[{i}]"
        _keys(c, {"occupation", "level", "date", "kind"}, w)
        kind = c.get("kind", "skill-level")
        if kind not in CERTIFICATE_KINDS:
            raise ProfileError(f"{w}.kind: {kind!r}; use one of {list(CERTIFICATE_KINDS)}")
        certificates.append(
            CertificateHeld(
                code(c.get("occupation"), f"{w}.occupation"),
                level(c.get("level"), f"{w}.level", "skill"),
                _date(c.get("date"), f"{w}.date"),
                kind,
            )
        )
    work = []
    for i, s in enumerate(_items(data, "work")):
        w = f"work[{i}]"
        _keys(s, {"occupation", "start", "end", "years"}, w)
        start = _date(s["start"], f"{w}.start") if s.get("start") is not None else None
        end = _date(s["end"], f"{w}.end") if s.get("end") is not None else None
        years = _number(s["years"], f"{w}.years") if s.get("years") is not None else None
        if (start is None) == (years is None):
            raise ProfileError(f"{w}: give either start (and end, if it has ended) or years")
        if start and end and end < start:
            raise ProfileError(f"{w}: end {end} is before start {start}")
        work.append(WorkSpell(code(s.get("occupation"), f"{w}.occupation"), start, end, years))
    years_worked = data.get("years_worked", {})
    if not isinstance(years_worked, dict):
        raise ProfileError("years_worked: expected an object {occupation code: years}")
    for occ, yrs in years_worked.items():
        work.append(WorkSpell(code(occ, "years_worked"), years=_number(yrs, f"years_worked[{occ}]")))
    diplomas = []
    for i, d in enumerate(_items(data, "diplomas")):
        w = f"diplomas[{i}]"
        _keys(d, {"kind", "graduation", "major", "major_relation", "major_occupations", "assessed"}, w)
        kind = d.get("kind")
        if not isinstance(kind, str) or (kinds is not None and kind not in kinds):
            raise ProfileError(f"{w}.kind: {kind!r}; use one of {sorted(kinds or [])}")
        grad = d.get("graduation")
        graduation: date | Literal["graduating"] | None
        if grad == "graduating":
            graduation = "graduating"
        elif grad is None:
            graduation = None
        else:
            graduation = _date(grad, f"{w}.graduation")
        major = d.get("major")
        if major is not None and not isinstance(major, str):
            raise ProfileError(f"{w}.major: expected the major's name or code as text")
        relation = d.get("major_relation")
        if relation not in (None, "same", "related", "unrelated"):
            raise ProfileError(f"{w}.major_relation: {relation!r}; use same, related or unrelated")
        occs = d.get("major_occupations", [])
        if not isinstance(occs, list):
            raise ProfileError(f"{w}.major_occupations: expected a list of occupation codes")
        assessed = d.get("assessed", False)
        if not isinstance(assessed, bool):
            raise ProfileError(f"{w}.assessed: expected true or false")
        diplomas.append(
            DiplomaHeld(
                kind,
                graduation,
                major or "",
                relation,
                tuple(code(o, f"{w}.major_occupations") for o in occs),
                assessed,
            )
        )
    titles = []
    for i, t in enumerate(_items(data, "titles")):
        w = f"titles[{i}]"
        _keys(t, {"level", "date", "corresponds", "occupations"}, w)
        corr = t.get("corresponds")
        if corr is not None and not isinstance(corr, bool):
            raise ProfileError(f"{w}.corresponds: expected true or false")
        occs = t.get("occupations", [])
        if not isinstance(occs, list):
            raise ProfileError(f"{w}.occupations: expected a list of occupation codes")
        titles.append(
            TitleHeld(
                level(t.get("level"), f"{w}.level", "professional"),
                _date(t.get("date"), f"{w}.date"),
                corr,
                tuple(code(o, f"{w}.occupations") for o in occs),
            )
        )
    trainings = []
    for i, t in enumerate(_items(data, "trainings")):
        w = f"trainings[{i}]"
        _keys(t, {"occupation", "level", "completed"}, w)
        trainings.append(
            TrainingDone(
                code(t.get("occupation"), f"{w}.occupation"),
                level(t.get("level"), f"{w}.level", "skill"),
                _date(t.get("completed"), f"{w}.completed"),
            )
        )
    apprenticeships = []
    for i, a in enumerate(_items(data, "apprenticeships")):
        w = f"apprenticeships[{i}]"
        _keys(a, {"occupation", "completed"}, w)
        apprenticeships.append(
            ApprenticeshipDone(
                code(a.get("occupation"), f"{w}.occupation"), _date(a.get("completed"), f"{w}.completed")
            )
        )
    birth = _date(data["birth_date"], "birth_date") if data.get("birth_date") is not None else None
    age = int(_number(data["age"], "age", 0, 120)) if data.get("age") is not None else None
    if birth and birth > as_of:
        raise ProfileError(f"birth_date {birth} is after as_of {as_of}")
    return Profile(
        as_of,
        birth,
        age,
        tuple(certificates),
        tuple(work),
        tuple(diplomas),
        tuple(titles),
        tuple(trainings),
        tuple(apprenticeships),
    )


# ------------------------------------------------------------------------------------------------
# related occupations


def same_minor_group(a: str, b: str) -> bool:
    """Occupation codes in the same minor group (the first three parts of the code agree).

    >>> same_minor_group("4-04-05-05", "4-04-05-02"), same_minor_group("4-04-05-05", "4-04-04-02")
    (True, False)
    """
    return a.rsplit("-", 1)[0] == b.rsplit("-", 1)[0]


class RelatedOccupations:
    """The default ``related(a, b)``: the same occupation, the same minor group, or a pair an editor
    recorded in standards/eligibility/related-occupations.tsv (og:relatedOccupation, symmetric);
    minus same-minor-group pairs recorded in unrelated-occupations.tsv (og:notRelatedOccupation).

    >>> related = RelatedOccupations([("4-04-05-05", "2-02-38-01")])
    >>> related("4-04-05-05", "4-04-05-02"), related("2-02-38-01", "4-04-05-05"), related("4-04-05-05", "6-31-01-03")
    (True, True, False)
    >>> RelatedOccupations(excluded=[("4-04-05-05", "4-04-05-02")])("4-04-05-02", "4-04-05-05")
    False
    """

    def __init__(
        self,
        pairs: Iterable[tuple[str, str]] = (),
        minor_group: bool = True,
        excluded: Iterable[tuple[str, str]] = (),
    ) -> None:
        self.pairs = {frozenset(p) for p in pairs}
        self.minor_group = minor_group
        # same-minor-group pairs editors marked as not related (unrelated-occupations.tsv)
        self.excluded = {frozenset(p) for p in excluded}

    def __call__(self, a: str, b: str) -> bool:
        if a == b:
            return True
        pair = frozenset((a, b))
        if pair in self.pairs:
            return True
        return self.minor_group and same_minor_group(a, b) and pair not in self.excluded


default_related = RelatedOccupations()


# ------------------------------------------------------------------------------------------------
# time


def add_years(d: date, years: int) -> date:
    """The same day ``years`` later (29 February becomes 28 February).

    >>> add_years(date(2020, 2, 29), 1)
    datetime.date(2021, 2, 28)
    """
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def years_between(a: date, b: date) -> float:
    """Calendar years from a to b: whole years, plus the elapsed share of the next year.

    >>> years_between(date(2020, 3, 1), date(2023, 3, 1))
    3.0
    >>> round(years_between(date(2020, 1, 1), date(2020, 7, 1)), 3)
    0.497
    """
    if b <= a:
        return 0.0
    whole = b.year - a.year
    if add_years(a, whole) > b:
        whole -= 1
    anchor = add_years(a, whole)
    span = (add_years(a, whole + 1) - anchor).days
    return whole + (b - anchor).days / span


def add_fraction(d: date, years: float) -> date:
    """The date ``years`` (possibly fractional) calendar years after d, rounded up to a whole day."""
    whole = math.floor(years + EPSILON)
    anchor = add_years(d, whole)
    rest = years - whole
    if rest <= EPSILON:
        return anchor
    span = (add_years(anchor, 1) - anchor).days
    return anchor + timedelta(days=math.ceil(rest * span - EPSILON))


Interval = tuple[date, date]


def _merge(intervals: Iterable[Interval]) -> list[Interval]:
    out: list[list[date]] = []
    for s, e in sorted(i for i in intervals if i[1] > i[0]):
        if out and s <= out[-1][1] + timedelta(days=1):
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


# ------------------------------------------------------------------------------------------------
# evaluation


@dataclass
class ConditionResult:
    number: int
    kind: str
    description: str
    met: bool
    detail: str
    met_on: date | None = None
    assumed: bool = False
    waiting: bool = False
    detail_zh: str = ""  # the same in plain Chinese, for people (pages, pathway answers)
    equivalence: str | None = None  # id of the Equivalence the condition relied on, if any

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "kind": self.kind,
            "description": self.description,
            "met": self.met,
            "assumed": self.assumed,
            "detail": self.detail,
            "detail_zh": self.detail_zh,
            "equivalence": self.equivalence,
            "met_on": self.met_on.isoformat() if self.met_on else None,
            "only_time_missing": self.waiting,
        }


@dataclass
class RouteResult:
    rule: Rule
    open: bool
    earliest_date: date | None
    satisfied: list[str]
    missing: list[str]
    conditions: list[ConditionResult]
    summary: str = ""

    @property
    def unmet(self) -> int:
        return sum(1 for c in self.conditions if not c.met)

    @property
    def only_time_missing(self) -> bool:
        return not self.open and self.earliest_date is not None

    def as_dict(self, ladder: Ladder | None = None) -> dict[str, Any]:
        return {
            "rule": self.rule.as_dict(ladder),
            "open": self.open,
            "earliest_date": self.earliest_date.isoformat() if self.earliest_date else None,
            "only_time_missing": self.only_time_missing,
            "satisfied": self.satisfied,
            "missing": self.missing,
            "conditions": [c.as_dict() for c in self.conditions],
        }


@dataclass
class EligibilityResult:
    occupation: str
    level: str
    as_of: date
    routes: list[RouteResult]
    notes: list[str] = field(default_factory=list)
    standard: dict[str, Any] | None = None
    rule_set: dict[str, Any] | None = None

    @property
    def open(self) -> bool:
        return any(r.open for r in self.routes)

    @property
    def closest(self) -> RouteResult | None:
        """The closed route nearest to opening: one that only needs time (earliest first), else the
        one with the fewest unmet conditions."""
        return next((r for r in self.routes if not r.open), None)

    def as_dict(self, ladder: Ladder | None = None) -> dict[str, Any]:
        closest = self.closest
        return {
            "occupation": self.occupation,
            "level": self.level,
            "as_of": self.as_of.isoformat(),
            "eligible": self.open,
            "open_routes": [r.rule.number for r in self.routes if r.open],
            "closest_route": closest.rule.number if closest and not self.open else None,
            "standard": self.standard,
            "rule_set": self.rule_set,
            "notes": self.notes,
            "routes": [r.as_dict(ladder) for r in self.routes],
        }


@dataclass
class _Context:
    profile: Profile
    target: str
    ladder: Ladder
    related: Related
    kinds: Mapping[str, str]
    assume_continued_work: bool
    equivalences: Sequence[Equivalence] = ()
    names: Mapping[str, str] = field(default_factory=dict)  # occupation code -> name (Chinese wording)
    kinds_zh: Mapping[str, str] = field(default_factory=dict)  # diploma kind -> Chinese name
    _spells: list[tuple[WorkSpell, Interval]] | None = None

    def spells(self) -> list[tuple[WorkSpell, Interval]]:
        """The profile's work spells placed on the calendar, computed once per evaluation."""
        if self._spells is None:
            self._spells = _placed_spells(self.profile)
        return self._spells

    def accepted_kinds(self, names: Sequence[str]) -> dict[str, str | None]:
        """Certificate kind -> the equivalence that admits it (None: the rule names it itself)."""
        out: dict[str, str | None] = dict.fromkeys(names)
        for e in self.equivalences:
            if e.in_place_of in names and e.accepted not in out and e.since <= self.profile.as_of:
                out[e.accepted] = e.id
        return out


def _in_scope(occupation: str, ctx: _Context, scope: str | None) -> bool:
    return occupation == ctx.target if scope == "same" else ctx.related(occupation, ctx.target)


def _placed_spells(p: Profile) -> list[tuple[WorkSpell, Interval]]:
    """Every spell as an interval up to as_of; undated ones laid end to end before as_of."""
    out: list[tuple[WorkSpell, Interval]] = []
    cursor = p.as_of
    for s in reversed(p.work):
        if s.start is None and s.years is not None:
            whole = math.floor(s.years + EPSILON)
            start = add_years(cursor, -whole)
            rest = s.years - whole
            if rest > EPSILON:
                start -= timedelta(days=math.ceil(rest * 365.25))
            out.append((s, (start, cursor)))
            cursor = start
    for s in p.work:
        if s.start is not None:
            end = min(s.end or p.as_of, p.as_of)
            out.append((s, (s.start, end)))
    return out


def _work_intervals(ctx: _Context, scope: str | None, since: date | None, until: date) -> list[Interval]:
    """Merged work intervals in scope, clipped to [since, until]; from as_of on the person is taken to
    work without a gap when ``assume_continued_work``."""
    intervals = [iv for s, iv in ctx.spells() if _in_scope(s.occupation, ctx, scope)]
    if until > ctx.profile.as_of and ctx.assume_continued_work:
        intervals.append((ctx.profile.as_of, until))
    if since is not None:
        intervals = [(max(s, since), min(e, until)) for s, e in intervals]
    intervals = [(s, min(e, until)) for s, e in intervals]
    return _merge(intervals)


def _measure(intervals: Sequence[Interval], continuous: bool) -> float:
    """Years of work in merged intervals: the longest one for 连续 work, else the sum (累计)."""
    lengths = [years_between(s, e) for s, e in intervals]
    if not lengths:
        return 0.0
    return max(lengths) if continuous else sum(lengths)


def _date_reaching(
    ctx: _Context, served: Sequence[Interval], since: date | None, continuous: bool, need: float
) -> date | None:
    """The first day on which the work measured reaches ``need`` years, when the person works on
    without a gap from as_of (``assume_continued_work``); None if they are not assumed to.

    ``served`` are the merged intervals in scope up to as_of (what ``has`` was measured on). Worked
    out, not searched: after as_of only the last interval grows (it is joined by the work from
    as_of, or from ``since`` when that is later, if it ends the day before or later), so the measure
    on a day is the rest plus ``years_between(last start, day)`` and the day is
    ``add_fraction(last start, need - rest)``. Checking a day is one ``years_between``; the check
    around the answer only guards the rounding of fractional years to whole days (29 February).
    """
    if not ctx.assume_continued_work:
        return None
    as_of = ctx.profile.as_of
    start = max(as_of, since) if since else as_of
    before = list(served)
    last_start = start
    if before and before[-1][1] + timedelta(days=1) >= start:
        last_start = before.pop()[0]
    # 连续: has < need, so no earlier interval reaches need and only the growing one counts;
    # 累计: the earlier intervals count in full
    to_reach = need if continuous else need - sum(years_between(s, e) for s, e in before)

    def ok(day: date) -> bool:
        return years_between(last_start, day) + EPSILON >= to_reach

    guess = max(add_fraction(last_start, max(to_reach, 0.0)), start)
    for _ in range(4):
        if ok(guess):
            while guess > start and ok(guess - timedelta(days=1)):
                guess -= timedelta(days=1)
            return guess
        guess += timedelta(days=1)
    return _first_date(ok, start, add_fraction(start, need + 1))  # not expected; the safe way


def _first_date(ok: Callable[[date], bool], start: date, end: date) -> date | None:
    """The first day in [start, end] on which ``ok`` holds (ok is monotonic), or None."""
    if not ok(end):
        return None
    lo, hi = start, end
    while lo < hi:
        mid = lo + (hi - lo) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid + timedelta(days=1)
    return lo


def _diploma_status(d: DiplomaHeld, as_of: date) -> str:
    if d.graduation == "graduating":
        return "graduating"
    if d.graduation is None:
        return "enrolled"
    if d.graduation <= as_of:
        return "graduated"
    return "graduating" if d.graduation <= add_years(as_of, 1) else "enrolled"


def _major_relation(d: DiplomaHeld, ctx: _Context) -> str | None:
    if d.major_relation is not None:
        return d.major_relation
    if d.major_occupations:
        if ctx.target in d.major_occupations:
            return "same"
        return "related" if any(ctx.related(o, ctx.target) for o in d.major_occupations) else "unrelated"
    return None


def _title_corresponds(t: TitleHeld, ctx: _Context) -> bool | None:
    if t.corresponds is not None:
        return t.corresponds
    if t.occupations:
        return any(ctx.related(o, ctx.target) for o in t.occupations)
    return None


_SCOPE_ZH = {"same": "本职业", "related": "本职业或相关职业"}
_KIND_ZH = {
    "vocational-qualification": "职业资格证书",
    "skill-level": "职业技能等级证书",
    "special-ability": "专项职业能力证书",
}
_STATUS_ZH = {"graduated": "已毕业", "graduating": "应届毕业生", "enrolled": "在读"}


def years_zh(x: float) -> str:
    """Years for people: whole numbers plain, else one decimal (1.5), never 1.0.

    >>> years_zh(2.0), years_zh(1.25), years_zh(0.04)
    ('2', '1.3', '0.1')
    """
    if 0 < x < 0.1:
        return "0.1"
    tenths = math.floor(x * 10 + 0.5 + EPSILON)
    return str(tenths // 10) if tenths % 10 == 0 else f"{tenths / 10:.1f}"


def level_zh(level: str | None, ladder: Ladder) -> str:
    """A level's Chinese name; professional levels as titles (中级职称)."""
    if level is None or level not in ladder:
        return str(level)
    lv = ladder[level]
    return f"{lv.name_zh}职称" if lv.ladder == "professional" else lv.name_zh


class _Evaluator:
    def __init__(self, rule: Rule, ctx: _Context) -> None:
        self.rule, self.ctx = rule, ctx
        self.events: dict[int, date | None] = {}  # condition number -> date of its event (if held)
        self.labels: dict[int, str] = {}
        self.zh: dict[int, str] = {}  # condition number -> the detail in Chinese
        self.equivalence: dict[int, str] = {}  # condition number -> equivalence relied on

    def run(self) -> RouteResult:
        ordered = sorted(self.rule.conditions, key=lambda c: (c.kind == "work", c.number))
        results = {c.number: self.check(c) for c in ordered}
        conds = [results[c.number] for c in self.rule.conditions]
        open_ = all(c.met for c in conds)
        as_of = self.ctx.profile.as_of
        if open_:
            earliest: date | None = as_of
        elif all(c.met or c.met_on is not None for c in conds):
            earliest = max(c.met_on or as_of for c in conds)
        else:
            earliest = None
        satisfied = [c.detail for c in conds if c.met]
        missing = [c.detail for c in conds if not c.met]
        return RouteResult(
            self.rule, open_, earliest, satisfied, missing, conds, _summary(self.rule, self.ctx.ladder, self.ctx.kinds)
        )

    def check(self, c: Condition) -> ConditionResult:
        desc = _description(c, self.rule, self.ctx.ladder, self.ctx.kinds)
        handler = getattr(self, f"_{c.kind}")
        met, detail, met_on, assumed = handler(c)
        as_of = self.ctx.profile.as_of
        waiting = not met and met_on is not None and met_on > as_of
        return ConditionResult(
            c.number,
            c.kind,
            desc,
            met,
            detail,
            met_on if (met or waiting) else None,
            assumed,
            waiting,
            self.zh.get(c.number, ""),
            self.equivalence.get(c.number),
        )

    def _name(self, code: str) -> str:
        return self.ctx.names.get(code) or code

    # each handler returns (met, detail, date it is or would be met, assumed) and sets self.zh
    def _age(self, c: Condition) -> tuple[bool, str, date | None, bool]:
        p, n = self.ctx.profile, c.age or 0
        if p.birth_date:
            on = add_years(p.birth_date, n)
            if on <= p.as_of:
                self.zh[c.number] = f"年满{n}周岁"
                return True, f"aged {n} or over (since {on})", on, False
            self.zh[c.number] = f"须年满{n}周岁（{on}满）"
            return False, f"must be at least {n} years old (reaches it on {on})", on, False
        if p.age is not None:
            if p.age >= n:
                self.zh[c.number] = f"年满{n}周岁（{p.age}岁）"
                return True, f"aged {p.age} (at least {n})", p.as_of, False
            on = add_years(p.as_of, n - p.age)
            self.zh[c.number] = f"须年满{n}周岁（现{p.age}岁，约{on}满）"
            return (
                False,
                (f"must be at least {n} years old (aged {p.age}; about {on}, give birth_date for the exact day)"),
                on,
                False,
            )
        if p.assume_adult:
            self.zh[c.number] = f"年满{n}周岁（未填年龄，按成年人计）"
            return (
                True,
                f"at least {n} years old (assumed: no birth_date or age given, taken as an adult)",
                p.as_of,
                True,
            )
        self.zh[c.number] = f"须年满{n}周岁（未填出生日期或年龄）"
        return False, f"must be at least {n} years old (the profile gives no birth_date or age)", None, False

    def _declaration(self, c: Condition) -> tuple[bool, str, date | None, bool]:
        self.zh[c.number] = "拟从事本职业或相关职业工作（按本人申报）" if "拟从事" in c.note else "按本人申报"
        return True, f"assumed: {c.note or 'a declaration by the applicant'}", self.ctx.profile.as_of, True

    def _certificate(self, c: Condition) -> tuple[bool, str, date | None, bool]:
        ctx, lad = self.ctx, self.ctx.ladder
        level = _level_words(c.level, lad)
        scope_zh = _SCOPE_ZH.get(c.scope or "related", "")
        accepted = ctx.accepted_kinds(c.certificate_types)
        held = [
            x
            for x in ctx.profile.certificates
            if x.kind in accepted and lad.at_least(x.level, c.level or "") and _in_scope(x.occupation, ctx, c.scope)
        ]
        if not held:
            near = [
                x
                for x in ctx.profile.certificates
                if lad.at_least(x.level, c.level or "") and _in_scope(x.occupation, ctx, c.scope)
            ]
            later = [
                (e.since, x, e)
                for x in near
                for e in ctx.equivalences
                if e.accepted == x.kind and e.in_place_of in c.certificate_types and e.since > ctx.profile.as_of
            ]
            if later:  # accepted from the policy's date on: the application waits for it
                since, x, e = min(later, key=lambda t: (t[0], t[1].date))
                self.events[c.number] = x.date
                self.equivalence[c.number] = e.id
                self.zh[c.number] = f"所持{_KIND_ZH[x.kind]}自 {since} 起按{_KIND_ZH[e.in_place_of]}认可"
                return (
                    False,
                    f"the {CERTIFICATE_NAMES[x.kind]} certificate is accepted from {since} ({e.id})",
                    since,
                    False,
                )
            types = " or ".join(CERTIFICATE_NAMES[t] for t in c.certificate_types)
            types_zh = "或".join(_KIND_ZH[t] for t in c.certificate_types)
            extra = (
                f" (the {CERTIFICATE_NAMES[near[0].kind]} certificate held is not accepted: {types} only)"
                if near
                else ""
            )
            extra_zh = f"（所持{_KIND_ZH[near[0].kind]}不被认可，该条只认{types_zh}）" if near else ""
            self.events[c.number] = None
            self.zh[c.number] = f"需要{scope_zh}{level_zh(c.level, lad)}{types_zh}{extra_zh}"
            return False, f"needs {_a(level)} certificate ({types}) in {_scope_words(c.scope)}{extra}", None, False
        best = min(held, key=lambda x: (x.date, accepted[x.kind] is not None))
        if accepted[best.kind] is not None:
            self.equivalence[c.number] = accepted[best.kind]  # type: ignore[assignment]
        self.events[c.number] = best.date
        self.labels[c.number] = f"the {_level_words(best.level, lad)} certificate of {best.date}"
        on = add_fraction(best.date, c.years_held) if c.years_held else best.date
        what = f"{_level_words(best.level, lad)} certificate in {best.occupation} from {best.date}"
        what_zh = f"{self._name(best.occupation)}{level_zh(best.level, lad)}证书（{best.date}取得）"
        if accepted[best.kind] is not None:
            what_zh += f"，{_KIND_ZH[best.kind]}按{_KIND_ZH[c.certificate_types[0]]}认可"
        if on <= ctx.profile.as_of:
            extra = f", held for at least {_plural(c.years_held, 'year')}" if c.years_held else ""
            self.zh[c.number] = f"持有{what_zh}" + (f"，已持满{years_zh(c.years_held)}年" if c.years_held else "")
            return True, what + extra, on, False
        if c.years_held and best.date <= ctx.profile.as_of:
            has = years_between(best.date, ctx.profile.as_of)
            self.zh[c.number] = f"{what_zh}须持满{years_zh(c.years_held)}年（已持{years_zh(has)}年，{on}满）"
            return (
                False,
                (f"the {what} must be held for {_plural(c.years_held, 'year')} (held {_years(has)}; until {on})"),
                on,
                False,
            )
        self.zh[c.number] = f"{what_zh}晚于推算日期"
        return False, f"the {what} is dated after as_of", on, False

    def _title(self, c: Condition) -> tuple[bool, str, date | None, bool]:
        ctx, lad = self.ctx, self.ctx.ladder
        level = _level_words(c.level, lad)
        corr_zh = "符合专业对应关系的" if c.title_correspondence else ""
        held = [t for t in ctx.profile.titles if lad.at_least(t.level, c.level or "")]
        if not held:
            self.events[c.number] = None
            corr = " corresponding to the occupation (符合专业对应关系)" if c.title_correspondence else ""
            self.zh[c.number] = f"需要{corr_zh}{level_zh(c.level, lad)}"
            return False, f"needs {_a(level)} professional title{corr}", None, False
        if c.title_correspondence:
            ok = [t for t in held if _title_corresponds(t, ctx)]
            unknown = [t for t in held if _title_corresponds(t, ctx) is None]
            if not ok:
                self.events[c.number] = None
                if unknown:
                    self.zh[c.number] = (
                        f"所持{level_zh(unknown[0].level, lad)}须与{self._name(ctx.target)}"
                        "符合专业对应关系（请说明是否对应）"
                    )
                    return (
                        False,
                        (
                            f"the {_level_words(unknown[0].level, lad)} title must correspond to "
                            f"{ctx.target} (符合专业对应关系); the profile does not say whether it does "
                            "(corresponds: true/false)"
                        ),
                        None,
                        False,
                    )
                self.zh[c.number] = f"所持职称与{self._name(ctx.target)}不符合专业对应关系"
                return (
                    False,
                    (f"the title held does not correspond to {ctx.target}; needs a {level} title that does"),
                    None,
                    False,
                )
            held = ok
        best = min(held, key=lambda t: t.date)
        self.events[c.number] = best.date
        self.labels[c.number] = f"the {_level_words(best.level, lad)} title of {best.date}"
        if best.date <= ctx.profile.as_of:
            self.zh[c.number] = f"持有{level_zh(best.level, lad)}（{best.date}取得）"
            return True, f"{_level_words(best.level, lad)} professional title from {best.date}", best.date, False
        self.zh[c.number] = f"{level_zh(best.level, lad)}晚于推算日期（{best.date}）"
        return False, f"the title is dated after as_of ({best.date})", best.date, False

    def _diploma(self, c: Condition) -> tuple[bool, str, date | None, bool]:
        ctx = self.ctx
        names = " or ".join(ctx.kinds.get(k, k) for k in c.diploma_kinds)
        names_zh = "、".join(ctx.kinds_zh.get(k, k) for k in c.diploma_kinds)
        candidates = [d for d in ctx.profile.diplomas if d.kind in c.diploma_kinds]
        if not candidates:
            self.events[c.number] = None
            self.zh[c.number] = f"需要{names_zh}毕业证书"
            return False, f"needs a diploma: {names}", None, False
        problems: list[str] = []
        problems_zh: list[str] = []
        best: tuple[date | None, str, str] | None = None
        for d in candidates:
            label = ctx.kinds.get(d.kind, d.kind) + (f" ({d.major})" if d.major else "")
            label_zh = ctx.kinds_zh.get(d.kind, d.kind) + (f"（{d.major}）" if d.major else "")
            if c.major_scope != "any":
                rel = _major_relation(d, ctx)
                if rel is None:
                    problems.append(
                        f"say whether the major of the {label} diploma is the same as or related to "
                        f"{ctx.target} (major_relation, or major_occupations)"
                    )
                    problems_zh.append(f"请说明{label_zh}的专业是否与本职业相同或相关")
                    continue
                if rel == "unrelated" or (c.major_scope == "same" and rel != "same"):
                    problems.append(
                        f"the {label} diploma is in a major that is not "
                        f"{'this occupation' if c.major_scope == 'same' else 'the same or related'}"
                    )
                    why = "不是本职业（专业）" if c.major_scope == "same" else "与本职业不相同也不相关"
                    problems_zh.append(f"{label_zh}的专业{why}")
                    continue
            if c.assessed and not d.assessed:
                problems.append(
                    f"the {label} programme must be assessed (经评估论证 / 审核认定); "
                    "mark the diploma assessed: true if it is"
                )
                problems_zh.append(f"{label_zh}须为经评估论证（审核认定）的培养项目")
                continue
            status = _diploma_status(d, ctx.profile.as_of)
            if status in c.student_status:
                on = d.graduation if isinstance(d.graduation, date) and status == "graduated" else ctx.profile.as_of
                self.events[c.number] = d.graduation if isinstance(d.graduation, date) else ctx.profile.as_of
                self.zh[c.number] = f"{label_zh}毕业证书（{_STATUS_ZH[status]}）"
                return True, f"{label} diploma ({status})", on, False
            # in school: when would the status be accepted?
            when: date | None = None
            if isinstance(d.graduation, date):
                if "graduating" in c.student_status:
                    when = add_years(d.graduation, -1)
                elif "graduated" in c.student_status:
                    when = d.graduation
            accepted = ", ".join(c.student_status)
            detail = f"the {label} diploma counts when {accepted} (now {status}" + (f"; from {when})" if when else ")")
            detail_zh = (
                f"{label_zh}须{'或'.join(_STATUS_ZH[x] for x in c.student_status)}才计入（现为{_STATUS_ZH[status]}"
                + (f"，{when}起计入）" if when else "）")
            )
            if best is None or (when and (best[0] is None or when < best[0])):
                best = (when, detail, detail_zh)
        if best is not None:
            self.events[c.number] = best[0]
            self.zh[c.number] = best[2]
            return False, best[1], best[0], False
        self.events[c.number] = None
        self.zh[c.number] = "；".join(problems_zh) or f"需要{names_zh}毕业证书"
        return False, "; ".join(problems) or f"needs a diploma: {names}", None, False

    def _training(self, c: Condition) -> tuple[bool, str, date | None, bool]:
        ctx = self.ctx
        done = [t for t in ctx.profile.trainings if t.level == c.level and _in_scope(t.occupation, ctx, c.scope)]
        level = _level_words(c.level, ctx.ladder)
        scope_zh = _SCOPE_ZH.get(c.scope or "related", "")
        if not done:
            self.events[c.number] = None
            self.zh[c.number] = f"需要完成{scope_zh}{level_zh(c.level, ctx.ladder)}正规培训并取得结业证书"
            return False, f"needs completed formal training for {level} in {_scope_words(c.scope)}", None, False
        best = min(done, key=lambda t: t.completed)
        self.events[c.number] = best.completed
        done_by = best.completed <= ctx.profile.as_of
        self.zh[c.number] = f"{level_zh(c.level, ctx.ladder)}正规培训{best.completed}结业"
        return done_by, f"training for {level} completed {best.completed}", best.completed, False

    def _apprenticeship(self, c: Condition) -> tuple[bool, str, date | None, bool]:
        ctx = self.ctx
        done = [a for a in ctx.profile.apprenticeships if _in_scope(a.occupation, ctx, c.scope)]
        if not done:
            self.events[c.number] = None
            self.zh[c.number] = f"需要{_SCOPE_ZH.get(c.scope or 'related', '')}学徒期满"
            return False, f"needs a completed apprenticeship in {_scope_words(c.scope)}", None, False
        best = min(done, key=lambda a: a.completed)
        self.events[c.number] = best.completed
        self.zh[c.number] = f"学徒期满（{best.completed}）"
        return best.completed <= ctx.profile.as_of, f"apprenticeship completed {best.completed}", best.completed, False

    def _work(self, c: Condition) -> tuple[bool, str, date | None, bool]:
        ctx = self.ctx
        as_of = ctx.profile.as_of
        scope = _scope_words(c.scope)
        scope_zh = _SCOPE_ZH.get(c.scope or "related", "")
        since: date | None = None
        after = after_zh = ""
        if c.counted_from is not None:
            ev = self.rule.condition(c.counted_from)
            ev_words = _event_words(ev, ctx.ladder) if ev else f"condition {c.counted_from}"
            after = f" after {ev_words}"
            after_zh = f"取得{_event_zh(ev, ctx.ladder)}后" if ev else ""
            since = self.events.get(c.counted_from)
            if since is None:
                years = f"{_plural(c.years or 0, 'year')} of work" if c.years else "work"
                self.zh[c.number] = f"{after_zh}在{scope_zh}工作满{years_zh(c.years or 0)}年（取得后开始计算）"
                return False, f"needs {years} in {scope}{after} (counted once it is obtained)", None, False
        need = c.years or 0.0
        kind = "continuous " if c.continuous else ""
        kind_zh = "连续" if c.continuous else "累计"
        if need <= 0:
            any_work = any(_in_scope(s.occupation, ctx, c.scope) for s in ctx.profile.work)
            if any_work:
                self.zh[c.number] = f"正在从事{scope_zh}工作"
                return True, f"works in {scope}", as_of, False
            self.zh[c.number] = f"需要正在从事{scope_zh}工作"
            return False, f"needs to be working in {scope}", None, False
        served = _work_intervals(ctx, c.scope, since, as_of)
        has = _measure(served, c.continuous)
        if has + EPSILON >= need:
            self.zh[c.number] = f"{after_zh}在{scope_zh}{kind_zh}工作已满{years_zh(need)}年（{years_zh(has)}年）"
            return True, f"{_years(has)} years of {kind}work in {scope}{after}", as_of, False
        on = _date_reaching(ctx, served, since, c.continuous, need)
        more = need - has
        self.zh[c.number] = (
            f"还需{after_zh}在{scope_zh}{kind_zh}工作 {years_zh(more)} 年"
            f"（已满 {years_zh(has)} 年，需满 {years_zh(need)} 年）"
        )
        return (
            False,
            (f"{_plural(more, 'more year')} of {kind}work in {scope}{after} (has {_years(has)} of {_years(need)})"),
            on,
            False,
        )


def _event_zh(ev: Condition, ladder: Ladder) -> str:
    if ev.kind in ("certificate", "title"):
        return level_zh(ev.level, ladder) + ("证书" if ev.kind == "certificate" else "")
    if ev.kind == "diploma":
        return "毕业证书"
    return {"training": "培训结业证书", "apprenticeship": "学徒期满"}.get(ev.kind, ev.kind)


_SUMMARIES: dict[tuple[str, int, int], str] = {}
_DESCRIPTIONS: dict[tuple[str, int, int, int], str] = {}


def _summary(rule: Rule, ladder: Ladder, kinds: Mapping[str, str]) -> str:
    """``rule.summary`` once per rule (the text depends only on the rule and the names): the same
    rules are evaluated thousands of times by the pathway search."""
    key = (rule.id, id(ladder), id(kinds))
    found = _SUMMARIES.get(key)
    if found is None:
        if len(_SUMMARIES) > 20000:
            _SUMMARIES.clear()
        found = _SUMMARIES[key] = rule.summary(ladder, kinds)
    return found


def _description(c: Condition, rule: Rule, ladder: Ladder, kinds: Mapping[str, str]) -> str:
    key = (rule.id, c.number, id(ladder), id(kinds))
    found = _DESCRIPTIONS.get(key)
    if found is None:
        if len(_DESCRIPTIONS) > 50000:
            _DESCRIPTIONS.clear()
        found = _DESCRIPTIONS[key] = describe(c, rule, ladder, kinds)
    return found


def evaluate(
    profile: Profile,
    occupation: str,
    level: str,
    rules: Sequence[Rule],
    ladder: Ladder,
    related: Related = default_related,
    diploma_names: Mapping[str, str] | None = None,
    assume_continued_work: bool = True,
    equivalences: Sequence[Equivalence] = (),
    names: Mapping[str, str] | None = None,
    diploma_names_zh: Mapping[str, str] | None = None,
) -> EligibilityResult:
    """Evaluate every route of ``rules`` for ``level`` in ``occupation`` against ``profile``.

    Routes come back ordered: open ones first, then closed ones that only need time (earliest date
    first), then the rest by the number of unmet conditions. ``related(a, b)`` decides 相关职业;
    ``equivalences`` let a certificate kind count where a rule names another (from their date on);
    ``names`` and ``diploma_names_zh`` only word the Chinese details (``detail_zh``).
    """
    ctx = _Context(
        profile,
        occupation,
        ladder,
        related,
        diploma_names or {},
        assume_continued_work,
        equivalences,
        names or {},
        diploma_names_zh or {},
    )
    results = [_Evaluator(r, ctx).run() for r in rules if r.level == level]

    def order(r: RouteResult) -> tuple[int, date, int, tuple[int, str]]:
        group = 0 if r.open else (1 if r.earliest_date else 2)
        return (group, r.earliest_date or date.max, r.unmet, rule_order(r.rule.number))

    results.sort(key=order)
    notes = []
    if not results:
        notes.append(f"no eligibility rules for level {level} in the rule set")
    return EligibilityResult(occupation, level, profile.as_of, results, notes)


# ------------------------------------------------------------------------------------------------
# promotions, for career pathways


@dataclass(frozen=True)
class PromotionStep:
    """A route read as a step up: from a certificate of ``from_level`` to ``to_level`` after
    ``years_after`` years of work counted from that certificate (None when the route counts no
    years from it), plus whatever ``other_conditions`` the route also needs."""

    rule: Rule
    from_level: str
    to_level: str
    scope: str
    years_after: float | None
    years_held: float | None
    other_conditions: tuple[Condition, ...]


def promotion_steps(rules: Iterable[Rule]) -> list[PromotionStep]:
    """Every route that starts from a certificate, as a step between levels.

    >>> r = Rule("x", "x", "3", "2", "", (Condition(1, "certificate", level="4", scope="related"),
    ...          Condition(2, "work", scope="related", years=4, counted_from=1)))
    >>> [(s.from_level, s.to_level, s.years_after) for s in promotion_steps([r])]
    [('4', '3', 4.0)]
    """
    steps = []
    for rule in rules:
        for c in rule.conditions:
            if c.kind != "certificate" or c.level is None:
                continue
            work = next((w for w in rule.conditions if w.kind == "work" and w.counted_from == c.number), None)
            others = tuple(x for x in rule.conditions if x is not c and x is not work)
            steps.append(
                PromotionStep(
                    rule,
                    c.level,
                    rule.level,
                    c.scope or "related",
                    float(work.years) if work and work.years is not None else None,
                    c.years_held,
                    others,
                )
            )
    return steps


def with_related(related: Related, extra: Iterable[tuple[str, str]]) -> Related:
    """``related`` extended by more pairs (e.g. to try what an editor's relation would change)."""
    pairs = {frozenset(p) for p in extra}
    return lambda a, b: related(a, b) or frozenset((a, b)) in pairs


def dated_work(profile: Profile) -> Profile:
    """The profile with every work spell dated as ``evaluate`` places it (undated ``years`` laid end
    to end before ``as_of``; ongoing spells ending at ``as_of``), so that ``as_of`` can later move
    forward without moving the past (career pathways evaluate future steps this way).

    >>> p = dated_work(Profile(date(2024, 1, 1), work=(WorkSpell("4-04-05-05", years=2),)))
    >>> p.work[0].start, p.work[0].end
    (datetime.date(2022, 1, 1), datetime.date(2024, 1, 1))
    """
    spells = tuple(WorkSpell(s.occupation, start, end) for s, (start, end) in _placed_spells(profile))
    return replace(profile, work=spells)


__all__ = [
    "ApprenticeshipDone",
    "CertificateHeld",
    "Condition",
    "ConditionResult",
    "DiplomaHeld",
    "EligibilityResult",
    "Equivalence",
    "Ladder",
    "Level",
    "Profile",
    "ProfileError",
    "PromotionStep",
    "RelatedOccupations",
    "Rule",
    "RuleSet",
    "RouteResult",
    "TitleHeld",
    "TrainingDone",
    "WorkSpell",
    "add_years",
    "dated_work",
    "default_related",
    "describe",
    "evaluate",
    "level_zh",
    "profile_from_json",
    "promotion_steps",
    "rule_order",
    "same_minor_group",
    "with_related",
    "years_between",
    "years_zh",
]

"""Career pathways (issue 4): from where a person is to where they want to be — how, how long, why.

The engine reasons over **states**: a skill-level certificate held in an occupation, e.g.
(4-04-05-05, level 4). Its static structure is a networkx ``MultiDiGraph`` built once from the
eligibility rules of ``graph.standards.queries.RuleBook`` (no second eligibility model):

- a *promotion* edge (O, Lr) -> (O, L) for every rule of O's rule set for level L that needs a
  certificate of level Lr (``og:occupationScope`` "same" or "related");
- a *move* edge (A, Lr) -> (O, L) for the same rule and every occupation A related to O, when the
  rule accepts certificates of related occupations (本职业或相关职业);
- entry edges from ``ENTRY`` (rules with no certificate: years of work, a diploma, age, an
  apprenticeship) and from ``("title", level)`` (professional titles, 贯通) to (O, L).

Routes are *timed* by the eligibility evaluator itself (``graph.standards.eligibility.evaluate``): the search
is an earliest-arrival (Dijkstra-like) search over labels, each label a hypothetical profile with
the certificates the route has gained so far and the work done while waiting. Evaluating a step
uses the real rules, so waiting times count from the right event (the certificate a rule counts
from, or total years), already-served time counts, and continuous-work rules see gaps.

"Related occupation" (相关职业) is the RuleBook's definition, nothing else: the same occupation,
the same minor group (小类), or a pair an editor recorded in
standards/eligibility/related-occupations.tsv. Shared main tasks are *suggested* as natural next
steps (``next_steps``) but do not count for the rules until an editor records the pair
(docs/pathways.md).

>>> from datetime import date
>>> from graph.standards.eligibility import Condition, Ladder, Rule, RuleSet, RelatedOccupations
>>> rules = (Rule("r4", "demo", "4", "1", "取得五级证书后，累计从事本职业工作满3年。",
...               (Condition(1, "certificate", level="5", scope="same"),
...                Condition(2, "work", scope="same", years=3, counted_from=1))),)
>>> engine = PathwayEngine.from_rules({"9-99-01-01": ("demo", rules)}, {"9-99-01-01": "演示工"})
>>> p = Profile(date(2024, 1, 1), certificates=(CertificateHeld("9-99-01-01", "5", date(2022, 1, 1)),),
...             work=(WorkSpell("9-99-01-01", start=date(2020, 1, 1)),))
>>> r = engine.find_routes(p, "9-99-01-01", "4")
>>> r.routes[0].total_years, r.routes[0].reached_on
(1.0, datetime.date(2025, 1, 1))
"""

from __future__ import annotations

import heapq
import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import networkx as nx

from graph.classification.queries import SelectStore, nearest_codes
from graph.core.codes import CODE_RE
from graph.core.errors import RequestError
from graph.standards.eligibility import (
    CertificateHeld,
    Equivalence,
    Ladder,
    Level,
    Profile,
    ProfileError,
    RelatedOccupations,
    RouteResult,
    Rule,
    RuleSet,
    TitleHeld,
    WorkSpell,
    add_fraction,
    add_years,
    dated_work,
    evaluate,
    level_zh,
    profile_from_json,
    years_between,
    years_zh,
)
from graph.store.sparql import Queries, select
from graph.text.chinese import CJK_RUN, Segmenter, character_bigrams

Node = tuple[str, ...]
ENTRY: Node = ("entry",)
MAX_YEARS = 40.0  # no route is searched beyond this many years from as_of
MAX_ROUTES = 10
MAX_EVALUATIONS = 600  # a safety cap on rule evaluations per query (a query needs tens)
FUTURE_CERTIFICATE_KIND = "skill-level"  # what is issued from now on (职业技能等级证书)
CROSSOVER_RULE_SET = "skill-to-title-2020"  # skill level -> professional title (贯通, standards/eligibility)
STEP_KINDS = (
    "promotion",
    "move",
    "title-crossover",
    "skill-to-title",
    "diploma-entry",
    "work-entry",
    "apprenticeship-entry",
    "training-entry",
)

Q = Queries(__file__)  # graph/pathways/sparql/*.rq


class PathwayError(RequestError):
    """Bad input to a pathway query (graph.core.errors.RequestError: status and extra fields)."""


def cert_node(occupation: str, level: str) -> Node:
    return ("cert", occupation, level)


def title_node(level: str) -> Node:
    return ("title", level)


# ------------------------------------------------------------------------------------------------
# results


@dataclass(frozen=True)
class State:
    """A point on a pathway: a certificate of ``level`` in ``occupation`` (either may be None:
    no certificate yet), with the other credentials held (titles, diplomas) as short labels."""

    occupation: str | None
    level: str | None
    credentials: tuple[str, ...] = ()

    def key(self) -> str:
        return f"{self.occupation or '-'}@{self.level or '-'}"


@dataclass(frozen=True)
class Step:
    """One gain on a route: a certificate of ``target.level`` in ``target.occupation`` on ``end``,
    allowed by ``rule`` (``also`` lists other rules that allow it by the same date)."""

    source: State
    target: State
    kind: str
    start: date
    end: date
    rule: Rule
    also: tuple[Rule, ...]
    work_in: str
    satisfied: tuple[str, ...]
    waited_for: tuple[str, ...]
    equivalences: tuple[str, ...] = ()  # certificate equivalences the rule relied on

    @property
    def years(self) -> float:
        return round(years_between(self.start, self.end), 2)


@dataclass(frozen=True)
class Route:
    steps: tuple[Step, ...]
    as_of: date

    @property
    def reached_on(self) -> date:
        return self.steps[-1].end if self.steps else self.as_of

    @property
    def total_years(self) -> float:
        return round(years_between(self.as_of, self.reached_on), 2)

    @property
    def moves(self) -> int:
        return sum(1 for s in self.steps if s.kind == "move")


@dataclass
class PathwayResult:
    """Routes to a target, best first; or, when there are none, the reason and the nearest target
    that can be reached (``nearest``: (state, route))."""

    as_of: date
    origin: State
    target: State
    routes: list[Route]
    reason: str | None = None
    nearest: tuple[State, Route] | None = None
    already_holds: bool = False
    already_qualifies: bool = False
    notes: list[str] = field(default_factory=list)
    evaluations: int = 0
    reason_code: str | None = None  # machine-readable kind of the no-route reason
    policies: list[str] = field(default_factory=list)  # ids of the policies the answer relied on
    within_occupation_added: bool = False  # the last route was added because it stays in the target


@dataclass
class Reachable:
    state: State
    route: Route


@dataclass
class NextStep:
    occupation: str
    reasons: list[dict[str, Any]]
    counts_for_rules: bool
    accepts_related: bool
    similarity: float
    best_level: tuple[str, date] | None = None  # highest level open now, or the earliest to open


# ------------------------------------------------------------------------------------------------
# labels of the search


@dataclass
class _Label:
    date: date
    node: Node
    profile: Profile
    steps: tuple[Step, ...]

    @property
    def is_start(self) -> bool:
        return not self.steps


@dataclass
class _Query:
    goal: Node | None
    relevant: Callable[[Node], bool]
    allowed: set[str] | None
    entry_occupations: set[str]
    until: date
    per_node: int
    max_routes: int
    origin: State = State(None, None)
    promotions_after_start: bool = False  # reach mode: moves only from the certificates held at the start
    no_moves: bool = False  # the person does not want to change occupation on the way


# ------------------------------------------------------------------------------------------------
# task overlap (for natural next steps)


def task_tokens(text: str) -> set[str]:
    """Character bigrams of the Chinese runs of ``text`` (as the job-title classifier indexes
    definitions and tasks): no segmentation, so the same text always gives the same tokens.

    >>> sorted(task_tokens("维护焊接设备"))
    ['护焊', '接设', '焊接', '维护', '设备']
    """
    out: set[str] = set()
    for run in CJK_RUN.findall(text):
        out.update(character_bigrams(run))
    return out


class TaskIndex:
    """IDF-weighted cosine similarity of occupations' main tasks and definitions (bigram sets).
    Bigrams in more than ``max_share`` of occupations (进行, 负责 ...) are ignored. The shared
    *words* shown as a reason come from jieba (segmenting only the two texts compared), ranked by
    the weight of their bigrams, so that what is shown reads as words (小修, 配电, 电缆)."""

    def __init__(self, texts: Mapping[str, str], max_share: float = 0.15) -> None:
        self.texts = dict(texts)
        tokens = {code: task_tokens(text) for code, text in texts.items()}
        n = max(len(tokens), 1)
        df: Counter[str] = Counter(t for ts in tokens.values() for t in ts)
        self.idf = {t: math.log(n / c) for t, c in df.items() if c / n <= max_share and c > 1}
        self.vectors: dict[str, dict[str, float]] = {}
        self.postings: dict[str, list[str]] = defaultdict(list)
        for code, ts in sorted(tokens.items()):
            vec = {t: self.idf[t] for t in ts if t in self.idf}
            norm = math.sqrt(sum(w * w for w in vec.values())) or 1.0
            self.vectors[code] = {t: w / norm for t, w in vec.items()}
            for t in vec:
                self.postings[t].append(code)
        self._segmenter: Segmenter | None = None
        self._words: dict[str, set[str]] = {}

    def similar(self, code: str, top: int = 20) -> list[tuple[str, float, list[str]]]:
        """(code, cosine, shared words) of the most similar occupations."""
        vec = self.vectors.get(code)
        if not vec:
            return []
        scores: dict[str, float] = defaultdict(float)
        for t, w in vec.items():
            for other in self.postings[t]:
                if other != code:
                    scores[other] += w * self.vectors[other][t]
        best = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
        return [(other, round(score, 3), self.shared_words(code, other)) for other, score in best]

    def score(self, a: str, b: str) -> float:
        va, vb = self.vectors.get(a, {}), self.vectors.get(b, {})
        return round(sum(w * vb.get(t, 0.0) for t, w in va.items()), 3)

    def words(self, code: str) -> set[str]:
        found = self._words.get(code)
        if found is None:
            if self._segmenter is None:  # built on first use: loading jieba's dictionary takes a second
                self._segmenter = Segmenter()
            text = self.texts.get(code, "")
            found = {w for w in self._segmenter.cjk_words(text) if len(w) >= 2 and CJK_RUN.fullmatch(w)}
            if len(self._words) > 2048:
                self._words.clear()
            self._words[code] = found
        return found

    def shared_words(self, a: str, b: str, n: int = 6) -> list[str]:
        def weight(word: str) -> float:
            grams = [word[i : i + 2] for i in range(len(word) - 1)]
            return sum(self.idf.get(g, 0.0) for g in grams) / len(grams)

        shared = [w for w in self.words(a) & self.words(b) if weight(w) > 0]
        return sorted(shared, key=lambda w: (-weight(w), w))[:n]


# ------------------------------------------------------------------------------------------------
# the engine


def nominal_years(rule: Rule) -> float:
    """The most years of work (or of holding a certificate) that a rule asks for: the waiting
    time of its step when nothing has been served yet."""
    years = [c.years or 0.0 for c in rule.conditions if c.kind == "work"]
    years += [c.years_held or 0.0 for c in rule.conditions if c.kind == "certificate"]
    return float(max(years, default=0.0))


def entry_kind(rule: Rule) -> str:
    kinds = {c.kind for c in rule.conditions}
    if "title" in kinds:
        return "title-crossover"
    if "diploma" in kinds:
        return "diploma-entry"
    if "apprenticeship" in kinds:
        return "apprenticeship-entry"
    if "training" in kinds:
        return "training-entry"
    return "work-entry"


class PathwayEngine:
    """Routes, reachable targets and natural next steps over the eligibility rules.

    Build it with :meth:`from_store` (or :meth:`from_book`); it is read-only afterwards and can be
    shared by threads. ``graph`` is the static state graph (networkx ``MultiDiGraph``)."""

    def __init__(
        self,
        ladder: Ladder,
        rules_by_occupation: Mapping[str, tuple[RuleSet | str, Sequence[Rule]]],
        occupation_names: Mapping[str, str],
        related: RelatedOccupations,
        diploma_names: Mapping[str, str] | None = None,
        diploma_labels: Mapping[str, str] | None = None,
        group_names: Mapping[str, str] | None = None,
        standards: Mapping[str, Any] | None = None,
        task_texts: Callable[[], Mapping[str, str]] | None = None,
        equivalences: Sequence[Equivalence] = (),
        crossover: RuleSet | None = None,
    ) -> None:
        self.ladder = ladder
        self.equivalences = tuple(equivalences)
        self.crossover = crossover
        self.names = dict(occupation_names)
        self.sorted_codes = sorted(self.names)  # for the nearest codes of a mistyped one
        self.codes_by_name: dict[str, str] = {}  # name (with and without the S/L mark) -> code
        for code, occ_name in sorted(self.names.items()):
            self.codes_by_name.setdefault(occ_name, code)
            self.codes_by_name.setdefault(occ_name.rstrip("SL/ "), code)
        self.related = related
        self.diploma_names = dict(diploma_names or {})
        self.diploma_labels = dict(diploma_labels or {})
        self.diploma_zh: dict[str, str] = {}  # kind id -> Chinese name (forms)
        self.group_names = dict(group_names or {})
        self.standards = dict(standards or {})
        self._task_texts = task_texts
        self._task_index: TaskIndex | None = None
        self.rule_set_of: dict[str, RuleSet | str] = {}
        self.rules_at: dict[tuple[str, str], list[Rule]] = defaultdict(list)
        self.levels_of: dict[str, set[str]] = defaultdict(set)  # occupation -> levels its rules lead to
        self.accepts_related: dict[str, bool] = {}
        self.old_certificates_only: set[str] = set()  # rules accept no certificate issued from now on
        self.needs_equivalence: dict[str, bool] = {}  # rules name only 职业资格证书 (an equivalence admits ours)
        self.skill_levels = [lv for lv in ladder.ordered("skill")]
        self._rank = {lv.id: lv.rank for lv in ladder.levels.values()}
        self._below: dict[str, list[str]] = {}
        self._groups: dict[str, list[str]] = defaultdict(list)
        for code in sorted(self.names):
            self._groups[code.rsplit("-", 1)[0]].append(code)
        self._excluded_occupations = {o for pair in getattr(related, "excluded", ()) for o in pair}
        self._partners: dict[str, set[str]] = defaultdict(set)
        for pair in related.pairs:
            a, b = sorted(pair)
            self._partners[a].add(b)
            self._partners[b].add(a)
        self.entries_by_occupation: dict[str, set[Node]] = defaultdict(set)
        self.work_type_standards: dict[str, list[Any]] = {}  # occupation -> its standards of one 工种
        self.title_targets: dict[str, set[Node]] = defaultdict(set)
        self.graph = nx.MultiDiGraph()
        for occ, (rule_set, rules) in sorted(rules_by_occupation.items()):
            self._add_occupation(occ, rule_set, rules)
        if crossover is not None:
            for occ in sorted(rules_by_occupation):
                self._add_crossover(occ, crossover)
        self._ancestors: dict[Node, frozenset[Node]] = {}
        self._preds: dict[Node, set[Node]] = defaultdict(set)  # the static graph backwards
        for u, v in self.graph.edges():
            self._preds[v].add(u)

    # -- construction -----------------------------------------------------------------------------

    @classmethod
    def from_rules(
        cls,
        rules_by_occupation: Mapping[str, tuple[str, Sequence[Rule]]],
        names: Mapping[str, str],
        related: RelatedOccupations | None = None,
        ladder: Ladder | None = None,
    ) -> PathwayEngine:
        """An engine over hand-made rules (examples and unit tests)."""
        return cls(ladder or Ladder.default(), rules_by_occupation, names, related or RelatedOccupations())

    @classmethod
    def from_book(cls, book: Any, store: SelectStore | None = None) -> PathwayEngine:
        """An engine over a ``graph.standards.queries.RuleBook``; ``store`` (optional) gives
        occupation names, group names, diploma labels and the task texts for next steps."""
        rules: dict[str, tuple[RuleSet, Sequence[Rule]]] = {}
        standards: dict[str, Any] = {}
        occupations = {s.occupation for s in book.standards if s.occupation}
        work_type_standards = {}
        for occ in sorted(occupations):
            if hasattr(book, "work_type_standards"):
                work_type_standards[occ] = book.work_type_standards(occ)
            std = book.current_standard(occ)
            if std is None:
                continue
            standards[occ] = std
            if std.rule_set is None or std.ladder != "skill" or std.rule_set not in book.rule_sets:
                continue
            rs = book.rule_sets[std.rule_set]
            rules[occ] = (rs, rs.rules)
        names: dict[str, str] = {}
        groups: dict[str, str] = {}
        labels: dict[str, str] = {}
        texts: Callable[[], Mapping[str, str]] | None = None
        if store is not None:
            names, groups = load_names(store)
            labels = load_diploma_labels(store)
            texts = lambda: load_task_texts(store)  # noqa: E731 - loaded on first use only
        else:
            names = {s.occupation: s.occupation_name or s.occupation for s in book.standards if s.occupation}
        for kind, info in getattr(book, "diploma_kinds", {}).items():
            labels.setdefault(info["name_zh"], kind)
            labels.setdefault(kind, kind)

        engine = cls(
            book.ladder,
            rules,
            names,
            book.related,
            book.diploma_names(),
            labels,
            groups,
            standards,
            texts,
            getattr(book, "equivalences", ()),
            book.rule_sets.get(CROSSOVER_RULE_SET),
        )
        engine.diploma_zh = {kind: info["name_zh"] for kind, info in getattr(book, "diploma_kinds", {}).items()}
        engine.work_type_standards = work_type_standards
        return engine

    @classmethod
    def from_store(cls, store: SelectStore, book: Any = None) -> PathwayEngine:
        from graph.standards.queries import RuleBook

        return cls.from_book(book or RuleBook.load(store), store)

    def _add_occupation(self, occ: str, rule_set: RuleSet | str, rules: Sequence[Rule]) -> None:
        self.rule_set_of[occ] = rule_set
        accepts = True
        for rule in rules:
            level = self.ladder.levels.get(rule.level)
            if level is None or level.ladder != "skill":
                continue
            self.rules_at[(occ, rule.level)].append(rule)
            self.levels_of[occ].add(rule.level)
            target = cert_node(occ, rule.level)
            years = nominal_years(rule)
            certs = [c for c in rule.conditions if c.kind == "certificate" and c.level]
            titles = [c for c in rule.conditions if c.kind == "title" and c.level]
            if certs:
                cert = certs[0]
                if cert.scope != "related":
                    accepts = False
                sources = [occ] if cert.scope == "same" else self.related_to(occ)
                for src in sources:
                    kind = "promotion" if src == occ else "move"
                    self.graph.add_edge(
                        cert_node(src, cert.level or ""), target, key=rule.id, rule=rule, years=years, kind=kind
                    )
            elif titles:
                # a title held in the field of a related occupation (符合专业对应关系) is a state too:
                # gained by the skill-to-title crossover, it leads back to skill levels
                title = titles[0]
                self.graph.add_edge(
                    title_node(title.level or ""), target, key=rule.id, rule=rule, years=years, kind="title-crossover"
                )
                for src in self.related_to(occ):
                    self.graph.add_edge(
                        cert_node(src, title.level or ""),
                        target,
                        key=rule.id,
                        rule=rule,
                        years=years,
                        kind="title-crossover",
                    )
                self.title_targets[occ].add(target)
            else:
                self.graph.add_edge(ENTRY, target, key=rule.id, rule=rule, years=years, kind=entry_kind(rule))
                self.entries_by_occupation[occ].add(target)
        self.accepts_related[occ] = accepts and any(
            c.scope == "related" for r in rules for c in r.conditions if c.kind in ("certificate", "work")
        )
        certs = [c for r in rules for c in r.conditions if c.kind == "certificate"]
        future = {FUTURE_CERTIFICATE_KIND}
        future |= {e.in_place_of for e in self.equivalences if e.accepted == FUTURE_CERTIFICATE_KIND}
        if certs and not any(future & set(c.certificate_types) for c in certs):
            self.old_certificates_only.add(occ)
        self.needs_equivalence[occ] = bool(certs) and not any(
            FUTURE_CERTIFICATE_KIND in c.certificate_types for c in certs
        )

    def _add_crossover(self, occ: str, crossover: RuleSet) -> None:
        """Skill -> title (贯通): a skill certificate of ``occ`` leads to a professional title in its
        field after the years the crossover rules set (the state (occ, title level))."""
        for rule in crossover.rules:
            level = self.ladder.levels.get(rule.level)
            cert = next((c for c in rule.conditions if c.kind == "certificate" and c.level), None)
            if level is None or level.ladder != "professional" or cert is None:
                continue
            self.rules_at[(occ, rule.level)].append(rule)
            self.levels_of[occ].add(rule.level)
            self.graph.add_edge(
                cert_node(occ, cert.level or ""),
                cert_node(occ, rule.level),
                key=rule.id,
                rule=rule,
                years=nominal_years(rule),
                kind="skill-to-title",
            )

    # -- relatedness ------------------------------------------------------------------------------

    def related_to(self, occ: str) -> list[str]:
        """Occupations related to ``occ`` (itself first): its minor group and editor pairs, as the
        rules count them (``RuleBook.related``)."""
        group = self._groups.get(occ.rsplit("-", 1)[0], [])
        others = sorted((set(group) | self._partners.get(occ, set())) - {occ})
        return [occ] + [o for o in others if self.related(occ, o)]

    def relation_reasons(self, a: str, b: str) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        if a != b and a.rsplit("-", 1)[0] == b.rsplit("-", 1)[0] and self.related(a, b):
            group = a.rsplit("-", 1)[0] + "-00"
            out.append(
                {
                    "kind": "same-minor-group",
                    "group": group,
                    "group_name": self.group_names.get(group),
                    "text": f"同属小类 {group} {self.group_names.get(group, '')}".rstrip(),
                }
            )
        if b in self._partners.get(a, set()):
            out.append(
                {
                    "kind": "editor-relation",
                    "text": "编辑登记的相关职业（standards/eligibility/related-occupations.tsv）",
                }
            )
        return out

    # -- helpers ----------------------------------------------------------------------------------

    def rank(self, level: str | None) -> int:
        return self._rank.get(level or "", 0)

    def _at_or_below(self, level: str) -> list[str]:
        found = self._below.get(level)
        if found is None:
            lv = self.ladder.levels.get(level)
            found = [] if lv is None else [x.id for x in self.ladder.ordered(lv.ladder) if x.rank <= lv.rank]
            self._below[level] = found
        return found

    def ancestors(self, node: Node) -> frozenset[Node]:
        """States (and entry/title nodes) from which ``node`` can be reached in the static graph.
        For a skill-level goal, title states are not gone through (a route gains a title only when
        the title is the goal; as a step it is never faster), which keeps the sets small: title
        rules link every occupation of a minor group to every other."""
        found = self._ancestors.get(node)
        if found is None:
            skill_goal = not (node[0] == "cert" and self.is_title(node[2]))
            seen: set[Node] = set()
            todo = [node]
            while todo:
                for u in self._preds.get(todo.pop(), ()):
                    if u in seen:
                        continue
                    seen.add(u)
                    if skill_goal and u[0] == "cert" and self.is_title(u[2]):
                        continue  # counted as a source (a title held), not walked through
                    todo.append(u)
            found = frozenset(seen)
            if len(self._ancestors) > 4096:
                self._ancestors.clear()
            self._ancestors[node] = found
        return found

    def has_rules(self, occupation: str, level: str | None = None) -> bool:
        if level is None:
            return occupation in self.rule_set_of
        return bool(self.rules_at.get((occupation, level)))

    def evaluate(self, profile: Profile, occupation: str, level: str) -> list[RouteResult]:
        return evaluate(
            profile,
            occupation,
            level,
            self.rules_at.get((occupation, level), []),
            self.ladder,
            self.related,
            self.diploma_names,
            equivalences=self.equivalences,
            names=self.names,
            diploma_names_zh=self.diploma_zh,
        ).routes

    def interchangeable(self, a: str, b: str) -> bool:
        """Whether a certificate of any level in ``a`` does exactly what the same level in ``b``
        does for every rule: two different occupations of one minor group under the same rule set,
        whose rules count related occupations, with no editor pair or exclusion touching either.
        A route through ``a`` to ``b`` is then never faster than the same route within ``b``."""
        if a == b or a.rsplit("-", 1)[0] != b.rsplit("-", 1)[0]:
            return False
        ra, rb = self.rule_set_of.get(a), self.rule_set_of.get(b)
        if ra is None or rb is None or _rule_set_id(ra) != _rule_set_id(rb):
            return False
        if not (self.accepts_related.get(a) and self.accepts_related.get(b)):
            return False
        if a in self._partners or b in self._partners or self._excluded_occupations & {a, b}:
            return False
        return True

    def _one_per_interchangeable(self, scope: set[str], own: set[str]) -> set[str]:
        """``scope`` with one occupation (the lowest code) per class of interchangeable occupations
        that the person has no certificate, work or origin in: for such a person they open the same
        levels on the same dates, and the nearest-target answer takes the lowest code among equals,
        so searching the others finds nothing new (a minor group of twenty 通用 occupations is one
        search instead of twenty)."""
        kept: dict[tuple[str, str], str] = {}
        out = set()
        for x in sorted(scope):
            rs = self.rule_set_of.get(x)
            if (
                x in own
                or rs is None
                or not self.accepts_related.get(x)
                or x in self._partners
                or x in self._excluded_occupations
            ):
                out.add(x)
                continue
            key = (x.rsplit("-", 1)[0], _rule_set_id(rs))
            if key not in kept:
                kept[key] = x
                out.add(x)
        return out

    def is_title(self, level: str | None) -> bool:
        lv = self.ladder.levels.get(level or "")
        return lv is not None and lv.ladder == "professional"

    def _covered(self, node: Node, profile: Profile) -> bool:
        """Whether a certificate (or title) held already does what ``node``'s would do."""
        _, occ, level = node
        if self.is_title(level):
            return any(
                self.ladder.at_least(t.level, level)
                and (t.corresponds or any(self.related(o, occ) for o in t.occupations))
                for t in profile.titles
            )
        for c in profile.certificates:
            if not self.ladder.at_least(c.level, level):
                continue
            if c.occupation == occ or (self.accepts_related.get(occ) and self.related(c.occupation, occ)):
                return True
        return False

    def origin_state(self, profile: Profile, occupation: str | None) -> State:
        held = [c for c in profile.certificates if occupation is None or c.occupation == occupation]
        best = max(held, key=lambda c: (self.rank(c.level), c.date), default=None)
        creds = tuple(f"title:{t.level}" for t in profile.titles) + tuple(f"diploma:{d.kind}" for d in profile.diplomas)
        if best is not None:
            return State(best.occupation, best.level, creds)
        return State(occupation, None, creds)

    # -- the search -------------------------------------------------------------------------------

    def _candidates(self, label: _Label, q: _Query) -> list[Node]:
        sources: list[Node] = []
        out: set[Node] = set()
        if label.is_start:
            for c in label.profile.certificates:
                sources += [cert_node(c.occupation, lv) for lv in self._at_or_below(c.level)]
            for t in label.profile.titles:
                sources += [cert_node(o, lv) for o in t.occupations for lv in self._at_or_below(t.level)]
            for occ in q.entry_occupations:
                out |= self.entries_by_occupation.get(occ, set())
                if label.profile.titles:
                    out |= self.title_targets.get(occ, set())
            if q.goal is not None:
                out.add(q.goal)
        else:
            occ, level = label.node[1], label.node[2]
            sources += [cert_node(occ, lv) for lv in self._at_or_below(level)]
        for s in sources:
            if s in self.graph:
                out.update(self.graph.successors(s))
        keep = []
        goal_occ = q.goal[1] if q.goal is not None else None
        for n in out:
            if n[0] != "cert" or not q.relevant(n):
                continue
            if goal_occ is not None and self.interchangeable(n[1], goal_occ):
                continue  # the same level in the goal's own occupation does the same, without a move
            if q.allowed is not None and n[1] not in q.allowed:
                continue
            if q.promotions_after_start and not label.is_start and n[1] != label.node[1]:
                continue
            if self.is_title(n[2]) and n != q.goal:
                continue  # a title is gained only as the goal: as a step to a skill level it is never faster
            if n != q.goal and self._covered(n, label.profile):
                continue
            keep.append(n)
        return sorted(keep)

    def _advance(self, label: _Label, node: Node, routes: list[RouteResult], q: _Query) -> list[_Label]:
        """New labels for gaining ``node``'s certificate: one per distinct earliest date."""
        by_date: dict[date, list[RouteResult]] = defaultdict(list)
        for r in routes:
            if r.earliest_date is not None:
                d = max(r.earliest_date, label.date)
                if d <= q.until:
                    by_date[d].append(r)
        out = []
        _, occ, level = node
        last = label.steps[-1].target if label.steps else None
        for d in sorted(by_date):
            group = by_date[d]
            sources = [self._source_state(r.rule, occ, label, q.origin) for r in group]
            if last is not None:
                # the certificate just gained must be what this step builds on; else it was a detour
                using = [i for i, src in enumerate(sources) if src == last and self._builds_on(group[i].rule, last)]
                if not using:
                    continue
                group = [group[using[0]]] + [r for i, r in enumerate(group) if i != using[0]]
                sources = [sources[using[0]]]
            best, source = group[0], sources[0]
            kind = self._step_kind(best.rule, source, occ)
            step = Step(
                source,
                State(occ, level),
                kind,
                label.date,
                d,
                best.rule,
                tuple(r.rule for r in group[1:]),
                occ,
                tuple(c.detail_zh for c in best.conditions if c.met),
                tuple(c.detail_zh for c in best.conditions if not c.met),
                tuple(sorted({c.equivalence for c in best.conditions if c.equivalence})),
            )
            if q.no_moves and kind == "move":
                continue
            p = label.profile
            work = p.work + ((WorkSpell(occ, start=label.date, end=d),) if d > label.date else ())
            if self.is_title(level):
                gained = {"titles": p.titles + (TitleHeld(level, d, None, (occ,)),)}
            else:
                gained = {"certificates": p.certificates + (CertificateHeld(occ, level, d, FUTURE_CERTIFICATE_KIND),)}
            profile = replace(p, as_of=d, work=work, **gained)
            out.append(_Label(d, node, profile, label.steps + (step,)))
            if len(out) >= 3:
                break
        return out

    def _source_state(self, rule: Rule, occ: str, label: _Label, origin: State) -> State:
        """The certificate the rule's certificate condition uses (the earliest that qualifies, as the
        evaluator picks it); else where the label stands."""
        cond = next((c for c in rule.conditions if c.kind == "certificate" and c.level), None)
        if cond is not None:
            held = [
                c
                for c in label.profile.certificates
                if c.kind in cond.certificate_types
                and self.ladder.at_least(c.level, cond.level or "")
                and (c.occupation == occ if cond.scope == "same" else self.related(c.occupation, occ))
            ]
            if held:
                best = min(held, key=lambda c: c.date)
                return State(best.occupation, best.level)
        return label.steps[-1].target if label.steps else origin

    def _builds_on(self, rule: Rule, last: State) -> bool:
        """Whether the rule uses the credential of the state just reached (a title or a certificate)."""
        wanted = "title" if self.is_title(last.level) else "certificate"
        return any(c.kind == wanted for c in rule.conditions)

    def _step_kind(self, rule: Rule, source: State, occ: str) -> str:
        if self.is_title(rule.level):
            return "skill-to-title"
        kinds = {c.kind for c in rule.conditions}
        if "certificate" in kinds:
            if "title" in kinds:
                return "title-crossover"
            return "promotion" if source.occupation == occ else "move"
        return entry_kind(rule)

    def _run(self, start: _Label, q: _Query) -> tuple[list[_Label], dict[Node, _Label], int]:
        # equally early labels: fewer moves between occupations first, then fewer steps
        heap: list[tuple[date, int, int, int, _Label]] = [(start.date, 0, 0, 0, start)]
        counter = itertools.count(1)
        pops: Counter[Node] = Counter()
        best: dict[Node, _Label] = {}
        tentative: dict[Node, date] = {}
        found: list[_Label] = []
        seen: set[tuple[Node, date, frozenset[tuple[str, str, date]]]] = set()
        evaluations = 0
        while heap:
            _d, _m, _n, _c, label = heapq.heappop(heap)
            if pops[label.node] >= q.per_node:
                continue
            pops[label.node] += 1
            best.setdefault(label.node, label)
            if q.goal is not None and label.node == q.goal:
                found.append(label)
                if len(found) >= q.max_routes:
                    break
                continue
            for node in self._candidates(label, q):
                if pops[node] >= q.per_node or (q.per_node == 1 and tentative.get(node, date.max) <= label.date):
                    continue
                if evaluations >= MAX_EVALUATIONS:
                    break
                evaluations += 1
                routes = self.evaluate(label.profile, node[1], node[2])
                for new in self._advance(label, node, routes, q):
                    sig = (
                        new.node,
                        new.date,
                        frozenset((c.occupation, c.level, c.date) for c in new.profile.certificates),
                    )
                    if sig in seen:
                        continue
                    seen.add(sig)
                    if new.date < tentative.get(node, date.max):
                        tentative[node] = new.date
                    moves = sum(1 for st in new.steps if st.kind == "move")
                    heapq.heappush(heap, (new.date, moves, len(new.steps), next(counter), new))
        return found, best, evaluations

    # -- public questions -------------------------------------------------------------------------

    def find_routes(
        self,
        profile: Profile,
        occupation: str,
        level: str,
        max_routes: int = 3,
        origin: str | None = None,
        horizon_years: float = MAX_YEARS,
        moves: bool = True,
    ) -> PathwayResult:
        """The fastest routes (up to ``max_routes``, best first) from ``profile`` to a certificate of
        ``level`` in ``occupation`` (or, for a professional level, a title in its field); with the
        reason and the nearest reachable target if none.

        Among equally fast routes fewer moves between occupations come first; a route that stays in
        the target occupation is always offered when one exists (even if slower); ``moves=False``
        allows no move at all. Levels are ladder ids ("5".."1", "principal-technician",
        "professional-junior", ...)."""
        if level not in self.ladder.levels:
            raise PathwayError(f"unknown level {level!r}; use a ladder id such as 5..1 or principal-technician")
        profile = normalise(profile)
        as_of = profile.as_of
        _check_dates(profile, horizon_years)
        target = State(occupation, level)
        origin_state = self.origin_state(profile, origin)
        result = PathwayResult(as_of, origin_state, target, [])
        goal = cert_node(occupation, level)
        if self._covered(goal, profile) and (
            self.is_title(level)
            or any(c.occupation == occupation and self.ladder.at_least(c.level, level) for c in profile.certificates)
        ):
            result.already_holds = True
            result.routes = [Route((), as_of)]
            result.notes.append(
                f"已持有{self.names.get(occupation, occupation)}{level_zh(level, self.ladder)}或更高等级"
            )
            return result
        result.notes += self.standard_notes(occupation)
        if self.has_rules(occupation, level):
            routes, result.evaluations = self._search(
                profile, occupation, level, max_routes, origin, horizon_years, moves
            )
            result.routes = routes[:max_routes]
            if moves and result.routes and not any(within_occupation(r, occupation) for r in result.routes):
                own_route = next((r for r in routes if within_occupation(r, occupation)), None)
                if own_route is None:  # look for it on its own: the search above may have stopped early
                    own_routes, n = self._search(profile, occupation, level, 1, origin, horizon_years, False)
                    result.evaluations += n
                    own_route = own_routes[0] if own_routes else None
                if own_route is not None:
                    result.routes.append(own_route)
                    result.within_occupation_added = True
        if result.routes:
            first = result.routes[0]
            result.already_qualifies = first.total_years == 0 and len(first.steps) == 1
            self._policy_notes(result)
            return result
        result.reason_code, result.reason = self._no_route_reason(profile, occupation, level, horizon_years)
        result.nearest = self._nearest(profile, occupation, level, origin, horizon_years, result)
        self._policy_notes(result)
        return result

    def _search(
        self,
        profile: Profile,
        occupation: str,
        level: str,
        max_routes: int,
        origin: str | None,
        horizon_years: float,
        moves: bool,
    ) -> tuple[list[Route], int]:
        """Routes to (occupation, level), best first and distinct, and the rule evaluations spent.
        The static graph prunes the search: only states from which the goal can be reached."""
        goal = cert_node(occupation, level)
        own = self._own_occupations(profile, origin)
        anc = self.ancestors(goal)
        anc_occs = {n[1] for n in anc if n[0] == "cert"}
        if not moves:
            allowed: set[str] | None = {occupation}
            entry = {occupation}
        elif any(self.related(o, occupation) for o in own):
            allowed = own | {occupation}
            entry = {occupation} | (own & anc_occs)
        else:
            allowed = None
            bridges = {x for x in anc_occs if any(self.related(o, x) for o in own)}
            entry = {occupation} | (own & anc_occs) | bridges
        q = _Query(
            goal,
            lambda n: n == goal or n in anc,
            allowed,
            entry,
            add_fraction(profile.as_of, horizon_years),
            per_node=max(max_routes, 1),
            max_routes=max_routes,
            origin=self.origin_state(profile, origin),
            no_moves=not moves,
        )
        found, _best, evaluations = self._run(_Label(profile.as_of, ("start",), profile, ()), q)
        routes = _distinct(sorted((Route(lb.steps, profile.as_of) for lb in found), key=_route_order))
        return routes, evaluations

    def standard_notes(self, occupation: str) -> list[str]:
        """What people should know about the standard the rules come from (in Chinese): a standard
        that covers a single 工种, a rule set applied by the standard's date rather than read from it."""
        std = self.standards.get(occupation)
        if std is None:
            return []
        name = self.names.get(occupation, occupation)
        notes = []
        only = getattr(std, "only_work_type", None)
        if only:
            notes.append(
                f"{name}没有覆盖整个职业的国家职业技能标准，以下按只覆盖工种“{only}”的标准《{std.title}》"
                f"（{std.issued}）推算，只适用于该工种"
            )
        for other in self.work_type_standards.get(occupation, []):
            if other.id != std.id and other.issued > std.issued:
                notes.append(
                    f"《{other.title}》（{other.issued}）只覆盖工种“{other.only_work_type}”，不适用于整个职业；"
                    f"这里按覆盖整个职业的《{std.title}》（{std.issued}）推算"
                )
        if getattr(std, "basis", None) == "applied-by-edition":
            # which rule set was applied is in the answer's rule_set (an id); the note is for people
            notes.append(
                f"《{std.title}》的申报条件原文不在数据中，按其颁布日期（{std.issued}）套用同期标准的申报条件，"
                "该标准自己的条文可能不同"
            )
        return notes

    def reachable(
        self,
        profile: Profile,
        within_years: float,
        origin: str | None = None,
        occupations: Iterable[str] | None = None,
    ) -> list[Reachable]:
        """The highest level reachable within ``within_years`` in each occupation the person holds
        certificates in or works in and in their related occupations (moves that the rules allow),
        fastest first; a lower level of the same occupation is a step on the way and not listed."""
        profile = normalise(profile)
        _check_dates(profile, within_years)
        own = self._own_occupations(profile, origin)
        if occupations is None:
            scope = {x for o in own for x in self.related_to(o)}
        else:
            scope = set(occupations)
        scope = {x for x in scope if x in self.rule_set_of}
        best = self._reach(profile, scope, within_years)
        out = []
        top: dict[str, int] = {}  # per occupation, the highest level reachable: lower ones are steps on the way
        for node, label in best.items():
            if node[0] == "cert" and label.steps and not self.is_title(node[2]):
                top[node[1]] = max(top.get(node[1], 0), self.rank(node[2]))
        for node, label in best.items():
            if node[0] != "cert" or not label.steps or self.is_title(node[2]):
                continue
            if self.rank(node[2]) < top[node[1]]:
                continue
            out.append(Reachable(State(node[1], node[2]), Route(label.steps, profile.as_of)))
        out.sort(
            key=lambda r: (
                r.route.reached_on,
                -self.rank(r.state.level),
                r.state.occupation not in own,
                r.state.occupation or "",
            )
        )
        return out

    def _reach(
        self,
        profile: Profile,
        scope: set[str],
        within_years: float,
        result: PathwayResult | None = None,
        max_rank: int | None = None,
    ) -> dict[Node, _Label]:
        """The earliest label of every state in ``scope`` reachable within the years: moves only
        from the certificates held at the start, then promotions. With ``max_rank`` only states up
        to that rank are searched: promotions only climb, so a higher state is never a step to a
        lower one (the nearest-target search wants nothing above its target)."""
        if max_rank is None:
            relevant: Callable[[Node], bool] = lambda n: n[1] in scope  # noqa: E731
        else:
            relevant = lambda n: n[1] in scope and self.rank(n[2]) <= max_rank  # noqa: E731
        q = _Query(
            None,
            relevant,
            None,
            scope,
            add_fraction(profile.as_of, within_years),
            per_node=1,
            max_routes=0,
            origin=self.origin_state(profile, None),
            promotions_after_start=True,
        )
        _found, best, n = self._run(_Label(profile.as_of, ("start",), profile, ()), q)
        if result is not None:
            result.evaluations += n
        return best

    def next_steps(
        self, occupation: str, profile: Profile | None = None, limit: int = 10, horizon_years: float = 10.0
    ) -> list[NextStep]:
        """Occupations that are natural horizontal moves from ``occupation``, with reasons: the same
        minor group, an editor's relation, shared main tasks; and whether the rules count work and
        certificates of ``occupation`` there (``counts_for_rules``)."""
        candidates: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for other in self.related_to(occupation)[1:]:
            candidates[other] += self.relation_reasons(occupation, other)
        index = self.task_index()
        similar = index.similar(occupation, top=max(limit * 2, 20)) if index else []
        sim_of = {code: score for code, score, _ in similar}
        for code, score, words in similar:
            if score < 0.12:
                continue
            candidates[code].append(
                {
                    "kind": "shared-tasks",
                    "score": score,
                    "words": words,
                    "text": f"主要工作任务和定义中有相同的词：{'、'.join(words)}",
                }
            )
        out = []
        for code, reasons in candidates.items():
            if code not in self.names:
                continue
            counts = self.related(occupation, code)
            score = sim_of.get(code) if code in sim_of else (index.score(occupation, code) if index else 0.0)
            accepts = self.accepts_related.get(code, False)
            if counts and accepts:
                reasons.append(
                    {
                        "kind": "rules-accept-related",
                        "text": "它的申报条件认可“本职业或相关职业”的工作和证书，在本职业的工作年限和证书在那里也算",
                    }
                )
            step = NextStep(code, reasons, counts, accepts, score or 0.0)
            if profile is not None:
                step.best_level = self._best_level(normalise(profile), code, horizon_years)
            out.append(step)
        out.sort(
            key=lambda s: (
                not s.counts_for_rules,
                not any(r["kind"] == "editor-relation" for r in s.reasons),
                -s.similarity,
                s.occupation,
            )
        )
        return out[:limit]

    def _best_level(self, profile: Profile, occ: str, horizon_years: float) -> tuple[str, date] | None:
        """The highest level of ``occ`` the profile could apply for within the horizon in one
        application (no intermediate certificates), and the date it opens."""
        until = add_fraction(profile.as_of, horizon_years)
        best: tuple[str, date] | None = None
        for lv in self.skill_levels:
            if not self.has_rules(occ, lv.id):
                continue
            dates = [r.earliest_date for r in self.evaluate(profile, occ, lv.id) if r.earliest_date]
            if dates and min(dates) <= until:
                best = (lv.id, min(dates))
        return best

    def task_index(self) -> TaskIndex | None:
        if self._task_index is None and self._task_texts is not None:
            self._task_index = TaskIndex(self._task_texts())
        return self._task_index

    # -- explanations -----------------------------------------------------------------------------

    def _own_occupations(self, profile: Profile, origin: str | None) -> set[str]:
        own = {c.occupation for c in profile.certificates} | {w.occupation for w in profile.work}
        if origin:
            own.add(origin)
        return own

    def _policy_notes(self, result: PathwayResult) -> None:
        """Say which policies an answer relied on (the certificate equivalence, the skill-to-title
        crossover) and where rules accept no certificate issued from now on."""
        routes = list(result.routes) + ([result.nearest[1]] if result.nearest else [])
        used: set[str] = set()
        for r in routes:
            for st in r.steps:
                used |= set(st.equivalences)
        for e in self.equivalences:
            if e.id in used:
                result.policies.append(e.id)
                result.notes.append(f"本答案用到：{e.title}（自 {e.since} 起的申报；依据 {e.source.split(' (')[0]}）")
        if any(st.kind == "skill-to-title" for r in routes for st in r.steps) and self.crossover is not None:
            result.policies.append(self.crossover.id)
            result.notes.append(
                "技能等级申报职称依据人社部发〔2020〕96号（高技能人才与专业技术人才职业发展贯通），年限按其山东省实施意见"
                "（鲁人社发〔2020〕16号）；适用于工程技术领域生产一线岗位，所获职称按与本职业对应计"
            )
        occs = {s.target.occupation for r in result.routes for s in r.steps if s.target.occupation}
        occs.add(result.target.occupation or "")
        for occ in sorted(occs & self.old_certificates_only):
            result.notes.append(
                f"{self.names.get(occ, occ)}适用的申报条件只认职业资格证书，"
                "今后取得的职业技能等级证书不能用于其后的申报"
            )

    def _no_route_reason(self, profile: Profile, occ: str, level: str, horizon_years: float) -> tuple[str, str]:
        """(machine code, reason in Chinese) of a no-route answer."""
        lv_name = level_zh(level, self.ladder)
        name = self.names.get(occ, occ)
        if occ not in self.rule_set_of:
            std = self.standards.get(occ)
            if std is None:
                return "no-standard", f"{name}（{occ}）在数据中没有国家职业技能标准，没有申报条件可依"
            if getattr(std, "ladder", "skill") != "skill":
                return (
                    "professional-standard",
                    f"{name}的标准《{std.title}》是专业技术等级（初级/中级/高级）标准，其申报条件不在数据中",
                )
            return "no-rule-set", f"{name}的标准《{std.title}》没有可用的申报条件"
        if self.is_title(level) and not self.has_rules(occ, level):
            return (
                "title-rule-not-transcribed",
                f"申报{lv_name}的技能等级条件（人社部发〔2020〕96号：高级技师申报高级工程师）所需年限未在已查到的文本中找到，"
                "数据中没有这一条，无法推算",
            )
        if not self.has_rules(occ, level):
            have = sorted((lv_ for lv_ in self.levels_of[occ] if not self.is_title(lv_)), key=self.rank)
            return (
                "no-rules-for-level",
                f"{name}适用的申报条件在数据中没有{lv_name}的条款（只有"
                f"{'、'.join(level_zh(x, self.ladder) for x in have)}）",
            )
        routes = self.evaluate(profile, occ, level)
        closest = min(routes, key=lambda r: (r.unmet, r.rule.number)) if routes else None
        text = f"{horizon_years:g} 年内无法申报{name}{lv_name}：每一条申报条件都需要仅靠工作年限得不到的东西"
        if closest is not None:
            missing = [c.detail_zh for c in closest.conditions if not c.met]
            text += f"；最接近的是第 {closest.rule.number} 条，还缺：{'；'.join(missing)}"
        return "needs-more-than-time", text

    def _nearest(
        self,
        profile: Profile,
        occ: str,
        level: str,
        origin: str | None,
        horizon_years: float,
        result: PathwayResult | None = None,
    ) -> tuple[State, Route] | None:
        """The nearest target that can be reached, looked for in widening circles: the highest level
        below the target in the same occupation; else the target level (or the highest below it) in
        an occupation related to the target; else the same in the person's own occupations."""
        profile = normalise(profile)
        own = self._own_occupations(profile, origin)
        target_rank = self.rank(level)
        # the same occupation: the highest level below the target that can be reached, by targeted
        # searches from the top down (cheaper than a reach search over every level)
        below = sorted(
            (
                lv
                for lv in self.levels_of.get(occ, ())
                if self.is_title(lv) == self.is_title(level) and self.rank(lv) <= target_rank and lv != level
            ),
            key=lambda lv: -self.rank(lv),
        )
        for lv in below:
            if self._covered(cert_node(occ, lv), profile):
                break  # held already (or a higher level that counts): nothing nearer in this occupation
            routes, n = self._search(profile, occ, lv, 1, origin, horizon_years, True)
            if result is not None:
                result.evaluations += n
            if routes:
                return State(occ, lv), routes[0]
        circles = [set(self.related_to(occ)) - {occ}, own - {occ}]
        for circle in circles:
            scope = self._one_per_interchangeable({x for x in circle if x in self.rule_set_of}, own)
            if not scope:
                continue
            best = self._reach(profile, scope, horizon_years, result, max_rank=target_rank)
            cands = [
                (node, lb)
                for node, lb in best.items()
                if node[0] == "cert"
                and lb.steps
                and self.is_title(node[2]) == self.is_title(level)
                and self.rank(node[2]) <= target_rank
                and not (node[1] == occ and node[2] == level)
            ]
            if cands:
                node, lb = min(cands, key=lambda item: (-self.rank(item[0][2]), item[1].date, item[0][1]))
                return State(node[1], node[2]), Route(lb.steps, profile.as_of)
        return None

    def level_words(self, level: str | None) -> str:
        """A level in Chinese (titles as 初级职称 …), or 无证书."""
        if level is None:
            return "无证书"
        return level_zh(level, self.ladder)

    # -- the static graph as data (SPARQL materialisation, rendering) -----------------------------

    def state_edges(self) -> list[tuple[Node, Node, list[Rule], float, str]]:
        """(from state, to state, rules, waiting years, kind) for every promotion within an
        occupation that has rules, every move between related occupations that both have rules, and
        the title crossovers (贯通) within an occupation in both directions: a skill level to a
        professional title in its field (kind skill-to-title) and a title to a skill level (kind
        title-crossover). Entries and sources without rules are left out; title crossovers into
        related occupations follow the target's own crossover, as moves follow its promotion.
        Sorted. The waiting years are the least of the rules that need only the credential and
        time (else of all rules)."""
        grouped: dict[tuple[Node, Node, str], list[tuple[Rule, float]]] = defaultdict(list)
        for u, v, data in self.graph.edges(data=True):
            if u[0] != "cert" or u[1] not in self.rule_set_of:
                continue
            kind = data["kind"]
            if kind in ("title-crossover", "skill-to-title"):
                if u[1] != v[1]:
                    continue
            else:
                kind = "promotion" if u[1] == v[1] else "move"
            grouped[(u, v, kind)].append((data["rule"], data["years"]))
        out = []
        time_only = {"certificate", "title", "work", "age", "declaration"}
        for (u, v, kind), items in sorted(grouped.items()):
            rules = sorted({r.id: r for r, _ in items}.values(), key=lambda r: r.id)
            # the waiting time of the plain step (credential + years); rules that also want a
            # diploma are listed too, but their shorter times need more than waiting
            plain = [y for r, y in items if {c.kind for c in r.conditions} <= time_only]
            years = min(plain or [y for _, y in items])
            out.append((u, v, rules, years, kind))
        return out


def _rule_set_id(rs: RuleSet | str) -> str:
    return rs.id if isinstance(rs, RuleSet) else rs


def _route_order(r: Route) -> tuple[date, int, int, tuple[str, ...]]:
    """Earliest first; among equally early routes, fewer moves between occupations, then fewer steps."""
    return (r.reached_on, r.moves, len(r.steps), tuple(s.rule.id for s in r.steps))


def _distinct(routes: list[Route]) -> list[Route]:
    """Routes in order, without those that repeat a better one's levels, rules and dates through
    other occupations (a detour through a related occupation and back is not an alternative)."""
    seen: set[tuple[Any, ...]] = set()
    out = []
    for r in routes:
        key = tuple((s.target.level, s.rule.rule_set, s.rule.level, s.rule.number, s.end) for s in r.steps)
        if key in seen:
            continue
        seen.add(key)
        out.append(r)
    return out


def within_occupation(route: Route, occupation: str) -> bool:
    """Whether every step of the route gains something in ``occupation`` without a move."""
    return all(s.target.occupation == occupation and s.kind != "move" for s in route.steps)


def _check_dates(profile: Profile, years: float) -> None:
    if not 1950 <= profile.as_of.year <= 2100:
        raise PathwayError(f"as_of {profile.as_of} is outside 1950..2100")
    if not 0 <= years <= MAX_YEARS:
        raise PathwayError(f"a horizon of {years:g} years is outside 0..{MAX_YEARS:g}")


def normalise(profile: Profile) -> Profile:
    """Work spells dated, an age turned into a birth date (so moving ``as_of`` keeps it right)."""
    p = dated_work(profile)
    if p.birth_date is None and p.age is not None:
        p = Profile(
            p.as_of,
            add_years(p.as_of, -p.age),
            None,
            p.certificates,
            p.work,
            p.diplomas,
            p.titles,
            p.trainings,
            p.apprenticeships,
        )
    return p


# ------------------------------------------------------------------------------------------------
# loading names and texts (SPARQL, so a remote store works too)


def load_names(store: SelectStore) -> tuple[dict[str, str], dict[str, str]]:
    """(occupation code -> Chinese name, group code -> Chinese name)."""
    rows = select(store, Q.entry_names)
    occupations = {r["code"]: r["name"] for r in rows if r.get("occ")}
    groups = {r["code"]: r["name"] for r in rows if not r.get("occ")}
    return occupations, groups


def load_diploma_labels(store: SelectStore) -> dict[str, str]:
    """Every name a diploma kind goes by (id, Chinese and English names, alternatives) -> its id."""
    rows = select(store, Q.diploma_labels)
    out: dict[str, str] = {}
    for r in rows:
        kind = r["k"].rsplit("/", 1)[-1]
        out[kind] = kind
        out.setdefault(r["label"], kind)
    return out


def load_task_texts(store: SelectStore) -> dict[str, str]:
    rows = select(store, Q.task_texts)
    texts: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        texts[r["code"]].append(r["text"])
    return {code: "\n".join(sorted(parts)) for code, parts in texts.items()}


# ------------------------------------------------------------------------------------------------
# queries from HTTP parameters or JSON (shared by the API, the web page and the CLI)

PROFILE_PARAMS = (
    "years_worked",
    "level_since",
    "certificate_kind",
    "birth_date",
    "age",
    "diploma",
    "diploma_graduation",
    "diploma_assessed",
    "title",
    "title_since",
    "as_of",
)
QUERY_PARAMS = ("from", "from_level", "to", "to_level", "max_routes", "moves", "within", "limit", *PROFILE_PARAMS)
CERTIFICATE_KINDS_ZH = {
    "skill-level": "职业技能等级证书",
    "vocational-qualification": "职业资格证书",
    "special-ability": "专项职业能力证书",
}
BOOLEAN_WORDS = {"true": True, "1": True, "yes": True, "是": True, "false": False, "0": False, "no": False, "否": False}


@dataclass
class PathwayQuery:
    """A parsed request: the profile, where the person stands, and what they ask for."""

    profile: Profile
    origin: str | None
    origin_level: str | None
    target: str | None
    target_level: str | None
    max_routes: int = 3
    within_years: float | None = None
    limit: int = 10
    assumptions: list[str] = field(default_factory=list)
    moves: bool = True


def bad(param: str, code: str, message: str, status: int = 400, **extra: Any) -> PathwayError:
    """A bad-input error: ``message`` in Chinese for people, ``code`` and ``param`` for programs."""
    return PathwayError(message, status, code=code, param=param, **extra)


ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _text(value: object, name: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise bad(name, "not-text", f"{name}：应为文字或数字，收到的是 {type(value).__name__}")
    return str(value).strip()


def _date_param(value: object, name: str) -> date:
    text = _text(value, name)
    try:
        if not ISO_DATE.fullmatch(text):  # date.fromisoformat also reads 20210501 and 2021-W18-6
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise bad(name, "bad-date", f"{name}：“{text}”不是有效日期，请按 年-月-日 填写，例如 2021-05-01") from None


def _number_param(value: object, name: str, low: float, high: float) -> float:
    if isinstance(value, bool):
        raise bad(name, "not-a-number", f"{name}：应为数字，收到 {value!r}")
    try:
        x = float(value) if isinstance(value, int | float) else float(_text(value, name))
    except ValueError:
        raise bad(name, "not-a-number", f"{name}：应为数字，收到“{value}”") from None
    if math.isnan(x) or math.isinf(x) or not low <= x <= high:
        raise bad(name, "out-of-range", f"{name}：{x:g} 超出范围 {low:g}～{high:g}")
    return x


class QueryParser:
    """Turns GET parameters or a JSON body into a :class:`PathwayQuery`; every problem is a
    :class:`PathwayError` with a Chinese message and a machine-readable ``code`` and ``param``
    (unknown codes come with the nearest valid ones)."""

    def __init__(self, engine: PathwayEngine, today: date | None = None) -> None:
        self.engine = engine
        self.today = today or date.today()

    @property
    def _codes(self) -> list[str]:
        return self.engine.sorted_codes

    def occupation(self, value: object, name: str) -> str:
        """An occupation by code, by exact name (电工), or as "code name" (what the page's
        suggestions fill in)."""
        code = _text(value, name)
        head = code.split(maxsplit=1)[0] if code else code
        if CODE_RE.fullmatch(head):
            code = head
        elif code and not code[0].isdigit():
            by_name = self.engine.codes_by_name.get(code.rstrip("SL/ "))
            if by_name:
                return by_name
            suggestions = [f"{c} {self.engine.names[c]}" for c in self._names_like(code)]
            hint = (
                f"；您是不是要找：{'、'.join(suggestions)}"
                if suggestions
                else "；可以输入职业名称或编码（如 4-04-05-05）"
            )
            raise bad(name, "unknown-occupation", f"{name}：没有找到职业“{code}”{hint}", suggestions=suggestions)
        if not CODE_RE.fullmatch(code):
            raise bad(name, "bad-code", f"{name}：“{code}”不是职业编码（格式 N-NN-NN-NN，例如 4-04-05-05）")
        if code not in self.engine.names:
            group = self.engine.group_names.get(code)
            if group:
                raise bad(
                    name,
                    "group-not-occupation",
                    f"{name}：{code}是类别（{group}），不是职业，请选择其下的具体职业",
                    nearest_codes=nearest_codes(code, self._codes),
                )
            raise bad(
                name,
                "unknown-code",
                f"{name}：没有编码为 {code} 的职业",
                nearest_codes=nearest_codes(code, self._codes),
            )
        return code

    def _names_like(self, text: str, n: int = 5) -> list[str]:
        """Occupations whose name contains the text, or shares most characters with it."""
        names = self.engine.names
        inside = [c for c, nm in sorted(names.items()) if text in nm]
        if inside:
            return inside[:n]
        chars = set(text)
        scored = sorted(((len(chars & set(nm)), c) for c, nm in names.items()), key=lambda x: (-x[0], x[1]))
        return [c for score, c in scored[:n] if score >= max(2, len(chars) // 2)]

    def level(self, value: object, name: str, titles: bool = False) -> str:
        """A skill level by number or name; with ``titles`` also a professional title (初级/中级/高级
        职称, 助理工程师, 工程师, 高级工程师) as a target of the skill-to-title crossover."""
        text = _text(value, name)
        ladder = self.engine.ladder
        try:
            lv = ladder.parse(text, prefer="skill")
        except KeyError:
            names = "、".join(
                f"{lv.number or ''}（{lv.name_zh}）".lstrip("（").rstrip("）") for lv in ladder.ordered("skill")
            )
            titles_text = "，或职称（助理工程师、工程师、高级工程师）" if titles else ""
            raise bad(
                name, "unknown-level", f"{name}：没有“{text}”这个等级；请填 5～1 或名称：{names}{titles_text}"
            ) from None
        if lv.ladder != "skill" and not titles:
            raise bad(name, "title-not-skill-level", f"{name}：“{text}”是职称等级，这里请填技能等级（5～1 或名称）")
        return lv.id

    def diploma_kind(self, value: object, name: str) -> str:
        text = _text(value, name)
        kind = self.engine.diploma_labels.get(text) or self.engine.diploma_labels.get(text.lower())
        if kind is None:
            known = "、".join(
                self.engine.diploma_zh.get(k, k) for k in sorted(set(self.engine.diploma_labels.values()))
            )
            raise bad(name, "unknown-diploma", f"{name}：没有“{text}”这种学历；可选：{known}")
        return kind

    def boolean(self, value: object, name: str) -> bool:
        if isinstance(value, bool):
            return value
        word = _text(value, name).lower()
        if word not in BOOLEAN_WORDS:
            raise bad(name, "not-boolean", f"{name}：应为 是/否（true/false），收到“{value}”")
        return BOOLEAN_WORDS[word]

    def parse(self, params: Mapping[str, object], *, need_target: bool = True, json_body: bool = False) -> PathwayQuery:
        allowed = set(QUERY_PARAMS) | ({"profile"} if json_body else set())
        unknown = sorted(set(params) - allowed)
        if unknown:
            raise bad(
                unknown[0],
                "unknown-parameter",
                f"不认识的参数：{'、'.join(unknown)}；可用的参数：{'、'.join(sorted(allowed))}",
            )
        assumptions: list[str] = []
        base: dict[str, Any] = {}

        def given(key: str) -> bool:
            return params.get(key) not in (None, "")

        if json_body and "profile" in params:
            if not isinstance(params["profile"], dict):
                raise bad("profile", "profile-not-object", "profile：应为 JSON 对象（格式见 docs/pathways.md）")
            base = dict(params["profile"])
        if given("as_of"):
            if base.get("as_of"):
                raise bad("as_of", "given-twice", "as_of：只能给一次（顶层或 profile 中）")
            base["as_of"] = _date_param(params["as_of"], "as_of").isoformat()
        as_of = _date_param(base["as_of"], "profile.as_of") if base.get("as_of") else self.today
        if not 1950 <= as_of.year <= 2100:
            raise bad("as_of", "out-of-range", f"as_of：{as_of} 超出 1950～2100 年")
        base["as_of"] = as_of.isoformat()
        origin = self.occupation(params["from"], "from") if given("from") else None
        origin_level = self.level(params["from_level"], "from_level") if given("from_level") else None
        if origin_level and not origin:
            raise bad("from_level", "needs-from", "from_level：请同时填写证书所在的职业（from）")
        for key in ("birth_date", "age"):
            if given(key):
                if base.get(key) is not None:
                    raise bad(key, "given-twice", f"{key}：只能给一次（顶层或 profile 中）")
                base[key] = params[key]
        if given("birth_date"):
            born = _date_param(params["birth_date"], "birth_date")
            if born > as_of:
                raise bad("birth_date", "after-as-of", f"birth_date：出生日期 {born} 晚于推算日期 {as_of}")
            if as_of.year - born.year > 120:
                raise bad("birth_date", "out-of-range", f"birth_date：{born} 距推算日期超过 120 年")
            base["birth_date"] = born.isoformat()
            if given("age"):
                raise bad("age", "given-twice", "age：已填出生日期，不要再填年龄")
        if given("age"):
            base["age"] = int(_number_param(params["age"], "age", 0, 120))
        certificates = list(base.get("certificates") or [])
        work_assumed_from: date | None = None
        if origin_level:
            kind = _text(params.get("certificate_kind") or FUTURE_CERTIFICATE_KIND, "certificate_kind")
            if kind not in CERTIFICATE_KINDS_ZH:
                raise bad(
                    "certificate_kind",
                    "unknown-certificate-kind",
                    f"certificate_kind：没有“{kind}”这种证书；可选：skill-level（职业技能等级证书）、"
                    "vocational-qualification（职业资格证书）、special-ability（专项职业能力证书）",
                )
            if given("level_since"):
                since = _date_param(params["level_since"], "level_since")
                if since > as_of:
                    raise bad("level_since", "after-as-of", f"level_since：取证日期 {since} 晚于推算日期 {as_of}")
                if not given("years_worked") and not base.get("work") and not base.get("years_worked"):
                    work_assumed_from = since
            else:
                since = as_of
                assumptions.append("未填取证日期：按今天（推算日期）取得计算，取证后的工作年限从今天起算")
            certificates.append({"occupation": origin, "level": origin_level, "date": since.isoformat(), "kind": kind})
        elif given("level_since"):
            raise bad(
                "level_since", "needs-from-level", "level_since：请同时填写所持证书的职业（from）和等级（from_level）"
            )
        elif given("certificate_kind"):
            raise bad(
                "certificate_kind", "needs-from-level", "certificate_kind：请同时填写所持证书的等级（from_level）"
            )
        if certificates:
            base["certificates"] = certificates
        if given("years_worked"):
            if not origin:
                raise bad("years_worked", "needs-from", "years_worked：请同时填写工作所在的职业（from）")
            years = _number_param(params["years_worked"], "years_worked", 0, 60)
            base["work"] = list(base.get("work") or []) + [{"occupation": origin, "years": years}]
        elif work_assumed_from is not None and origin:
            base["work"] = [{"occupation": origin, "start": work_assumed_from.isoformat()}]
            assumptions.append(
                f"只填了取证日期、未填工作年限：按自 {work_assumed_from} 取证起一直在"
                f"{self.engine.names.get(origin, origin)}工作计算"
            )
        if given("diploma"):
            kind = self.diploma_kind(params["diploma"], "diploma")
            grad: str = as_of.isoformat()
            if given("diploma_graduation"):
                g = _text(params["diploma_graduation"], "diploma_graduation")
                grad = g if g == "graduating" else _date_param(g, "diploma_graduation").isoformat()
            else:
                assumptions.append("未填毕业日期：按推算日期已毕业计算")
            assessed = (
                self.boolean(params["diploma_assessed"], "diploma_assessed") if given("diploma_assessed") else False
            )
            d: dict[str, Any] = {"kind": kind, "graduation": grad, "assessed": assessed}
            if origin:
                d["major_occupations"] = [origin]
                assumptions.append(
                    f"学历的专业按与{self.engine.names.get(origin, origin)}对应计算（相关职业按相关专业计）"
                )
            base["diplomas"] = list(base.get("diplomas") or []) + [d]
        else:
            for key in ("diploma_graduation", "diploma_assessed"):
                if given(key):
                    raise bad(key, "needs-diploma", f"{key}：请同时填写学历（diploma）")
        if given("title"):
            t_text = _text(params["title"], "title")
            try:
                t_level = self.engine.ladder.parse(t_text, prefer="professional")
            except KeyError:
                t_level = None
            if t_level is None or t_level.ladder != "professional":
                raise bad(
                    "title",
                    "unknown-title",
                    f"title：没有“{t_text}”这种职称等级；请填 初级、中级、高级，或 助理工程师、工程师、高级工程师",
                )
            if given("title_since"):
                t_since = _date_param(params["title_since"], "title_since")
                if t_since > as_of:
                    raise bad("title_since", "after-as-of", f"title_since：取得职称日期 {t_since} 晚于推算日期 {as_of}")
            else:
                t_since = as_of
                assumptions.append("未填取得职称日期：按今天取得计算")
            t: dict[str, Any] = {"level": t_level.id, "date": t_since.isoformat()}
            if origin:
                t["occupations"] = [origin]
                assumptions.append(f"职称按与{self.engine.names.get(origin, origin)}符合专业对应关系计算")
            base["titles"] = list(base.get("titles") or []) + [t]
        elif given("title_since"):
            raise bad("title_since", "needs-title", "title_since：请同时填写职称（title）")
        try:
            profile = profile_from_json(
                base,
                self.engine.ladder,
                is_code=lambda c: c in self.engine.names,
                diploma_kinds=set(self.engine.diploma_labels.values()) or None,
                today=self.today,
            )
        except ProfileError as exc:  # as /api/occupations/<code>/levels/<level>/eligibility: 422 for a JSON profile
            raise bad(
                "profile",
                "invalid-profile",
                f"个人情况有误：{exc}",
                status=422 if json_body and "profile" in params else 400,
            ) from None
        for i, c in enumerate(profile.certificates):
            if c.date > profile.as_of:
                raise bad(
                    "profile", "after-as-of", f"profile.certificates[{i}].date：{c.date} 晚于推算日期 {profile.as_of}"
                )
        for i, w in enumerate(profile.work):
            if w.start and w.start > profile.as_of:
                raise bad("profile", "after-as-of", f"profile.work[{i}].start：{w.start} 晚于推算日期 {profile.as_of}")
        if profile.birth_date is None and profile.age is None:
            profile = replace(profile, assume_adult=True)
            assumptions.append("未填年龄或出生日期：按已成年（年满16周岁）计算")
        target = target_level = None
        if given("to"):
            target = self.occupation(params["to"], "to")
        if given("to_level"):
            target_level = self.level(params["to_level"], "to_level", titles=True)
        if need_target and (target is None or target_level is None):
            missing = "to" if target is None else "to_level"
            raise bad(missing, "missing-target", "请填写目标：职业（to）和等级（to_level，5～1 或名称，如 技师）")
        if origin is None:
            held = sorted(profile.certificates, key=lambda c: (-self.engine.rank(c.level), c.date))
            origin = held[0].occupation if held else (profile.work[-1].occupation if profile.work else None)
        max_routes = (
            3 if not given("max_routes") else int(_number_param(params["max_routes"], "max_routes", 1, MAX_ROUTES))
        )
        within = _number_param(params["within"], "within", 0, MAX_YEARS) if given("within") else None
        limit = 10 if not given("limit") else int(_number_param(params["limit"], "limit", 1, 50))
        moves = True
        if given("moves"):
            word = _text(params["moves"], "moves").lower()
            if word not in ("allow", "none", "允许", "不转换"):
                raise bad("moves", "bad-moves", "moves：填 allow（允许转换职业）或 none（不转换职业）")
            moves = word in ("allow", "允许")
        return PathwayQuery(
            profile, origin, origin_level, target, target_level, max_routes, within, limit, assumptions, moves
        )


# ------------------------------------------------------------------------------------------------
# JSON


class Describer:
    """Turns results into JSON-ready dicts (names, levels, rules with their source text)."""

    def __init__(self, engine: PathwayEngine) -> None:
        self.engine = engine

    def occupation(self, code: str | None) -> dict[str, Any] | None:
        if code is None:
            return None
        return {"code": code, "name": self.engine.names.get(code)}

    def level(self, level: str | None) -> dict[str, Any] | None:
        if level is None:
            return None
        lv: Level | None = self.engine.ladder.levels.get(level)
        if lv is None:
            return {"id": level}
        return {"id": lv.id, "number": lv.number, "name_zh": lv.name_zh, "name_en": lv.name_en}

    def state(self, s: State) -> dict[str, Any]:
        return {
            "occupation": self.occupation(s.occupation),
            "level": self.level(s.level),
            "credentials": list(s.credentials),
        }

    def rule(self, r: Rule, occupation: str | None = None) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": r.id,
            "rule_set": r.rule_set,
            "level": r.level,
            "number": r.number,
            "text": r.text,
        }
        rs = self.engine.rule_set_of.get(occupation or "")
        if r.rule_set == CROSSOVER_RULE_SET and self.engine.crossover is not None:
            rs = self.engine.crossover
        if isinstance(rs, RuleSet):
            d["source"] = rs.source
        std = self.engine.standards.get(occupation or "")
        if std is not None and r.rule_set != CROSSOVER_RULE_SET:
            d["standard"] = {
                "id": std.id,
                "title": std.title,
                "issued": std.issued,
                "doc_number": std.doc_number or None,
                "rule_set_basis": std.basis,
                "covers_only_work_type": getattr(std, "only_work_type", None),
            }
        return d

    def rule_zh(self, r: Rule) -> str:
        """Where a rule stands, for people: 四级/中级工 第 2 条 (or the crossover policy)."""
        if r.rule_set == CROSSOVER_RULE_SET:
            return f"技能人才申报职称（{level_zh(r.level, self.engine.ladder)}）第 {r.number} 条"
        return f"{level_zh(r.level, self.engine.ladder)}申报条件第 {r.number} 条"

    def gained_zh(self, s: Step) -> str:
        name = self.engine.names.get(s.target.occupation or "", s.target.occupation or "")
        level = level_zh(s.target.level, self.engine.ladder)
        if self.engine.is_title(s.target.level):
            return f"{level}（{name}方向）"
        return f"{name}{level}"

    def step_text(self, s: Step, as_of: date | None = None) -> str:
        """One step in plain Chinese: when, what is applied for, by which rule, what was waited for."""
        if s.years > 0:
            when = f"再等 {years_zh(s.years)} 年（{s.end}）"
        elif as_of is None or s.end == as_of:
            when = "现在即可"
        else:
            when = f"{s.end}取得上一证书后即可"
        verb = "申报评审" if self.engine.is_title(s.target.level) else "申报"
        text = f"{when}{verb}{self.gained_zh(s)}，依据{self.rule_zh(s.rule)}"
        if s.kind == "move":
            text += f"（用{self.engine.names.get(s.source.occupation or '', '')}的证书和工作年限，相关职业计入）"
        if s.waited_for:
            text += "；等待的是：" + "；".join(s.waited_for)
        return text

    def step(self, s: Step, as_of: date | None = None) -> dict[str, Any]:
        occ = s.target.occupation
        gained: dict[str, Any]
        if self.engine.is_title(s.target.level):
            gained = {"title": {"level": self.level(s.target.level), "field_of": self.occupation(occ)}}
        else:
            gained = {
                "certificate": {
                    "occupation": self.occupation(occ),
                    "level": self.level(s.target.level),
                    "kind": FUTURE_CERTIFICATE_KIND,
                }
            }
        return {
            "from": self.state(s.source),
            "to": self.state(s.target),
            "kind": s.kind,
            "gained": gained,
            "start": s.start.isoformat(),
            "date": s.end.isoformat(),
            "years": s.years,
            "work_in": self.occupation(s.work_in),
            "rule": self.rule(s.rule, occ),
            "also_allowed_by": [self.rule(r, occ) for r in s.also],
            "satisfied": list(s.satisfied),
            "waited_for": list(s.waited_for),
            "equivalences": list(s.equivalences),
            "text": self.step_text(s, as_of),
        }

    def applications_note(self, r: Route) -> str | None:
        """Several applications on one day (e.g. a diploma gives 四级, then 四级 + the diploma give
        三级): say that they are separate applications, in order."""
        by_day: dict[date, list[Step]] = defaultdict(list)
        for s in r.steps:
            by_day[s.end].append(s)
        parts = []
        for day, group in sorted(by_day.items()):
            if len(group) < 2:
                continue
            order = "，取得后再申报".join(self.gained_zh(s) for s in group)
            when = "现在" if day == r.as_of else str(day)
            parts.append(
                f"{when}需要先后 {len(group)} 次申报：先申报{order}（每次须等上一次的证书颁发后才能申报下一次）"
            )
        return "；".join(parts) or None

    def route(self, r: Route, within: str | None = None) -> dict[str, Any]:
        return {
            "total_years": r.total_years,
            "reached_on": r.reached_on.isoformat(),
            "applications": len(r.steps),
            "moves": r.moves,
            "within_target_occupation": bool(within) and within_occupation(r, within or ""),
            "summary": self.route_summary(r),
            "applications_note": self.applications_note(r),
            "steps": [self.step(s, r.as_of) for s in r.steps],
        }

    def route_summary(self, r: Route) -> str:
        if not r.steps:
            return "已持有"
        parts = []
        for s in r.steps:
            when = f"+{years_zh(s.years)} 年" if s.years > 0 else ("现在" if s.end == r.as_of else "随即")
            parts.append(f"{self.gained_zh(s)}（{when}，{self.rule_zh(s.rule)}）")
        return " → ".join(parts)

    def result(self, res: PathwayResult, query: PathwayQuery | None = None) -> dict[str, Any]:
        target = res.target.occupation
        return {
            "as_of": res.as_of.isoformat(),
            "from": self.state(res.origin),
            "to": self.state(res.target),
            "already_holds": res.already_holds,
            "already_qualifies": res.already_qualifies,
            "moves_allowed": query.moves if query else True,
            "routes": [self.route(r, target) for r in res.routes],
            "reason": res.reason,
            "reason_code": res.reason_code,
            "nearest": (
                {
                    "target": self.state(res.nearest[0]),
                    "total_years": res.nearest[1].total_years,
                    "route": self.route(res.nearest[1]),
                }
                if res.nearest
                else None
            ),
            "notes": res.notes,
            "policies": res.policies,
            "assumptions": query.assumptions if query else [],
        }

    def reachable(self, items: list[Reachable], within: float, query: PathwayQuery | None = None) -> dict[str, Any]:
        return {
            "within_years": within,
            "count": len(items),
            "reachable": [
                {
                    "target": self.state(x.state),
                    "total_years": x.route.total_years,
                    "reached_on": x.route.reached_on.isoformat(),
                    "route": self.route(x.route),
                }
                for x in items
            ],
            "assumptions": query.assumptions if query else [],
        }

    def next_steps(self, occupation: str, steps: list[NextStep]) -> dict[str, Any]:
        out = []
        for s in steps:
            d: dict[str, Any] = {
                "occupation": self.occupation(s.occupation),
                "counts_for_rules": s.counts_for_rules,
                "rules_accept_related": s.accepts_related,
                "task_similarity": s.similarity,
                "reasons": s.reasons,
                "has_rules": self.engine.has_rules(s.occupation),
            }
            if s.best_level is not None:
                lv, when = s.best_level
                d["best_level"] = {"level": self.level(lv), "date": when.isoformat()}
            out.append(d)
        return {
            "from": self.occupation(occupation),
            "count": len(out),
            "next_steps": out,
            "definition": "相关职业（申报条件中“本职业或相关职业”计入）指同一小类的职业，或编辑登记的职业对"
            "（standards/eligibility/related-occupations.tsv）；仅工作任务相近的职业只是建议，不计入",
        }


__all__ = [
    "Describer",
    "ENTRY",
    "MAX_YEARS",
    "NextStep",
    "PathwayEngine",
    "PathwayError",
    "PathwayQuery",
    "PathwayResult",
    "QueryParser",
    "Reachable",
    "Route",
    "State",
    "Step",
    "TaskIndex",
    "cert_node",
    "load_names",
    "normalise",
    "nominal_years",
    "task_tokens",
    "title_node",
]

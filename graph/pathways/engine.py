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
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import networkx as nx

from graph.classification.queries import SelectStore, nearest_codes
from graph.core.codes import CODE_RE
from graph.core.errors import RequestError
from graph.core.namespaces import SPARQL_PREFIXES
from graph.standards.eligibility import (
    CertificateHeld,
    Ladder,
    Level,
    Profile,
    ProfileError,
    RelatedOccupations,
    RouteResult,
    Rule,
    RuleSet,
    WorkSpell,
    add_fraction,
    add_years,
    dated_work,
    evaluate,
    profile_from_json,
    years_between,
)

Node = tuple[str, ...]
ENTRY: Node = ("entry",)
MAX_YEARS = 40.0  # no route is searched beyond this many years from as_of
MAX_ROUTES = 10
MAX_EVALUATIONS = 600  # a safety cap on rule evaluations per query (a query needs tens)
FUTURE_CERTIFICATE_KIND = "skill-level"  # what is issued from now on (职业技能等级证书)
STEP_KINDS = (
    "promotion",
    "move",
    "title-crossover",
    "diploma-entry",
    "work-entry",
    "apprenticeship-entry",
    "training-entry",
)


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


# ------------------------------------------------------------------------------------------------
# task overlap (for natural next steps)

_HAN = re.compile(r"[\u3400-\u9fff]+")


def task_tokens(text: str) -> set[str]:
    """Character bigrams of the Chinese runs of ``text`` (as the job-title classifier indexes
    definitions and tasks): no segmentation, so the same text always gives the same tokens.

    >>> sorted(task_tokens("维护焊接设备"))
    ['护焊', '接设', '焊接', '维护', '设备']
    """
    out: set[str] = set()
    for run in _HAN.findall(text):
        out.update(run[i : i + 2] for i in range(len(run) - 1))
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
        self._tokenizer: Any = None
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
            if self._tokenizer is None:
                import logging

                import jieba

                jieba.setLogLevel(logging.WARNING)
                self._tokenizer = jieba.Tokenizer()
            text = self.texts.get(code, "")
            found = {w for w in self._tokenizer.lcut(text) if len(w) >= 2 and _HAN.fullmatch(w)}
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
        notes_for: Callable[[str, str], list[str]] | None = None,
    ) -> None:
        self.ladder = ladder
        self.names = dict(occupation_names)
        self.related = related
        self.diploma_names = dict(diploma_names or {})
        self.diploma_labels = dict(diploma_labels or {})
        self.diploma_zh: dict[str, str] = {}  # kind id -> Chinese name (forms)
        self.group_names = dict(group_names or {})
        self.standards = dict(standards or {})
        self._task_texts = task_texts
        self._task_index: TaskIndex | None = None
        self._notes_for = notes_for
        self.rule_set_of: dict[str, RuleSet | str] = {}
        self.rules_at: dict[tuple[str, str], list[Rule]] = defaultdict(list)
        self.accepts_related: dict[str, bool] = {}
        self.old_certificates_only: set[str] = set()  # rules accept no certificate issued from now on
        self.skill_levels = [lv for lv in ladder.ordered("skill")]
        self._rank = {lv.id: lv.rank for lv in ladder.levels.values()}
        self._groups: dict[str, list[str]] = defaultdict(list)
        for code in sorted(self.names):
            self._groups[code.rsplit("-", 1)[0]].append(code)
        self._partners: dict[str, set[str]] = defaultdict(set)
        for pair in related.pairs:
            a, b = sorted(pair)
            self._partners[a].add(b)
            self._partners[b].add(a)
        self.entries_by_occupation: dict[str, set[Node]] = defaultdict(set)
        self.title_targets: dict[str, set[Node]] = defaultdict(set)
        self.graph = nx.MultiDiGraph()
        for occ, (rule_set, rules) in sorted(rules_by_occupation.items()):
            self._add_occupation(occ, rule_set, rules)
        self._ancestors: dict[Node, frozenset[Node]] = {}

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
        for occ in sorted(occupations):
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

        def notes_for(code: str, level: str) -> list[str]:
            try:
                return list(book.routes(code, level)[4])
            except KeyError:
                return []

        engine = cls(
            book.ladder, rules, names, book.related, book.diploma_names(), labels, groups, standards, texts, notes_for
        )
        engine.diploma_zh = {kind: info["name_zh"] for kind, info in getattr(book, "diploma_kinds", {}).items()}
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
                self.graph.add_edge(
                    title_node(titles[0].level or ""),
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
        if certs and not any(FUTURE_CERTIFICATE_KIND in c.certificate_types for c in certs):
            self.old_certificates_only.add(occ)

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
                    "text": f"same minor group (小类) {group} {self.group_names.get(group, '')}".rstrip(),
                }
            )
        if b in self._partners.get(a, set()):
            out.append(
                {
                    "kind": "editor-relation",
                    "text": "recorded as related by an editor (standards/eligibility/related-occupations.tsv)",
                }
            )
        return out

    # -- helpers ----------------------------------------------------------------------------------

    def rank(self, level: str | None) -> int:
        return self._rank.get(level or "", 0)

    def _at_or_below(self, level: str) -> list[str]:
        lv = self.ladder.levels.get(level)
        if lv is None:
            return []
        return [x.id for x in self.ladder.ordered(lv.ladder) if x.rank <= lv.rank]

    def ancestors(self, node: Node) -> frozenset[Node]:
        """States (and entry/title nodes) from which ``node`` can be reached in the static graph."""
        found = self._ancestors.get(node)
        if found is None:
            found = frozenset(nx.ancestors(self.graph, node)) if node in self.graph else frozenset()
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
        ).routes

    def _covered(self, node: Node, profile: Profile) -> bool:
        """Whether a certificate held already does what ``node``'s certificate would do."""
        _, occ, level = node
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
        for n in out:
            if n[0] != "cert" or not q.relevant(n):
                continue
            if q.allowed is not None and n[1] not in q.allowed:
                continue
            if q.promotions_after_start and not label.is_start and n[1] != label.node[1]:
                continue
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
                using = [i for i, src in enumerate(sources) if src == last and self._uses_certificate(group[i].rule)]
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
                tuple(c.detail for c in best.conditions if c.met),
                tuple(c.detail for c in best.conditions if not c.met),
            )
            p = label.profile
            work = p.work + ((WorkSpell(occ, start=label.date, end=d),) if d > label.date else ())
            certs = p.certificates + (CertificateHeld(occ, level, d, FUTURE_CERTIFICATE_KIND),)
            profile = Profile(d, p.birth_date, p.age, certs, work, p.diplomas, p.titles, p.trainings, p.apprenticeships)
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

    @staticmethod
    def _uses_certificate(rule: Rule) -> bool:
        return any(c.kind == "certificate" for c in rule.conditions)

    def _step_kind(self, rule: Rule, source: State, occ: str) -> str:
        kinds = {c.kind for c in rule.conditions}
        if "certificate" in kinds:
            if "title" in kinds:
                return "title-crossover"
            return "promotion" if source.occupation == occ else "move"
        return entry_kind(rule)

    def _run(self, start: _Label, q: _Query) -> tuple[list[_Label], dict[Node, _Label], int]:
        heap: list[tuple[date, int, int, _Label]] = [(start.date, 0, 0, start)]
        counter = itertools.count(1)
        pops: Counter[Node] = Counter()
        best: dict[Node, _Label] = {}
        tentative: dict[Node, date] = {}
        found: list[_Label] = []
        seen: set[tuple[Node, date, frozenset[tuple[str, str, date]]]] = set()
        evaluations = 0
        while heap:
            _d, _n, _c, label = heapq.heappop(heap)
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
                    heapq.heappush(heap, (new.date, len(new.steps), next(counter), new))
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
    ) -> PathwayResult:
        """The fastest routes (up to ``max_routes``, best first) from ``profile`` to a certificate of
        ``level`` in ``occupation``; with the reason and the nearest reachable target if none.

        Levels are ladder ids ("5".."1", "apprentice", "principal-technician", ...)."""
        if level not in self.ladder.levels:
            raise PathwayError(f"unknown level {level!r}; use a ladder id such as 5..1 or principal-technician")
        profile = normalise(profile)
        as_of = profile.as_of
        _check_dates(profile, horizon_years)
        target = State(occupation, level)
        origin_state = self.origin_state(profile, origin)
        result = PathwayResult(as_of, origin_state, target, [])
        holding = [
            c for c in profile.certificates if c.occupation == occupation and self.ladder.at_least(c.level, level)
        ]
        if holding:
            result.already_holds = True
            result.routes = [Route((), as_of)]
            c = max(holding, key=lambda c: self.rank(c.level))
            result.notes.append(
                f"already holds a {self.level_words(c.level)} certificate in {occupation} (since {c.date})"
            )
            return result
        if self._notes_for is not None:
            result.notes += self._notes_for(occupation, level)
        own = self._own_occupations(profile, origin)
        goal = cert_node(occupation, level)
        anc = self.ancestors(goal)
        anc_occs = {n[1] for n in anc if n[0] == "cert"}
        if any(self.related(o, occupation) for o in own):
            allowed: set[str] | None = own | {occupation}
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
            add_fraction(as_of, horizon_years),
            per_node=max(max_routes, 1),
            max_routes=max_routes,
            origin=origin_state,
        )
        start = _Label(as_of, ("start",), profile, ())
        if self.has_rules(occupation, level):
            found, _best, result.evaluations = self._run(start, q)
            result.routes = sorted((Route(lb.steps, as_of) for lb in found), key=_route_order)[:max_routes]
        if result.routes:
            result.already_qualifies = result.routes[0].total_years == 0 and len(result.routes[0].steps) == 1
            self._kind_notes(result)
            return result
        result.reason = self._no_route_reason(profile, occupation, level, horizon_years)
        result.nearest = self._nearest(profile, occupation, level, origin, horizon_years, result)
        self._kind_notes(result)
        return result

    def reachable(
        self,
        profile: Profile,
        within_years: float,
        origin: str | None = None,
        occupations: Iterable[str] | None = None,
    ) -> list[Reachable]:
        """Every state (occupation, level) reachable within ``within_years``, fastest first: levels
        in the occupations the person holds certificates in or works in, and in their related
        occupations (moves that the rules allow)."""
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
        for node, label in best.items():
            if node[0] != "cert" or not label.steps:
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
        self, profile: Profile, scope: set[str], within_years: float, result: PathwayResult | None = None
    ) -> dict[Node, _Label]:
        q = _Query(
            None,
            lambda n: n[1] in scope,
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
                    "text": f"shared words in main tasks and definition: {'、'.join(words)}",
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
                        "text": "its eligibility rules count work and certificates in related occupations "
                        "(本职业或相关职业), so this occupation's count there",
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

    def _kind_notes(self, result: PathwayResult) -> None:
        occs = {s.target.occupation for r in result.routes for s in r.steps if s.target.occupation}
        occs.add(result.target.occupation or "")
        for occ in sorted(occs & self.old_certificates_only):
            rs = self.rule_set_of.get(occ)
            rid = rs.id if isinstance(rs, RuleSet) else rs
            result.notes.append(
                f"rule set {rid} of {occ} accepts only vocational qualification certificates "
                "(职业资格证书) as transcribed; certificates gained from now on are skill-level "
                "certificates (职业技能等级证书), so its routes that build on a certificate gained "
                "later are not used (a 职业资格证书 held now counts: give its kind)"
            )

    def _no_route_reason(self, profile: Profile, occ: str, level: str, horizon_years: float) -> str:
        lv = self.ladder.levels[level]
        if occ not in self.rule_set_of:
            std = self.standards.get(occ)
            if std is None:
                return (
                    f"{occ} {self.names.get(occ, '')} has no national skill standard in the data, so no "
                    "eligibility rules say how to reach any of its levels"
                ).replace("  ", " ")
            if getattr(std, "ladder", "skill") != "skill":
                return (
                    f"the standard of {occ} ({std.id}) covers professional-technical levels (初级/中级/高级), "
                    "whose 申报条件 are not in the data"
                )
            return f"no eligibility rule set in the data applies to the standard of {occ} ({std.id})"
        if not self.has_rules(occ, level):
            rs = self.rule_set_of[occ]
            rid = rs.id if isinstance(rs, RuleSet) else rs
            have = sorted({lv_ for (o, lv_) in self.rules_at if o == occ}, key=self.rank)
            return (
                f"the rule set that applies to {occ} ({rid}) has no rules for {lv.name_zh} ({level}) in the "
                f"data; it has rules for levels {', '.join(have)}"
            )
        routes = self.evaluate(profile, occ, level)
        closest = min(routes, key=lambda r: (r.unmet, r.rule.number)) if routes else None
        text = (
            f"no route reaches {lv.name_zh} in {occ} within {horizon_years:g} years: every rule for it needs "
            "something that time alone does not bring"
        )
        if closest is not None:
            text += f"; the closest (rule {closest.rule.number}) still needs: {'; '.join(closest.missing)}"
        return text

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
        circles = [{occ}, set(self.related_to(occ)) - {occ}, own - {occ}]
        for circle in circles:
            scope = {x for x in circle if x in self.rule_set_of}
            if not scope:
                continue
            best = self._reach(profile, scope, horizon_years, result)
            cands = [
                (node, lb)
                for node, lb in best.items()
                if node[0] == "cert"
                and lb.steps
                and self.rank(node[2]) <= target_rank
                and not (node[1] == occ and node[2] == level)
            ]
            if cands:
                node, lb = min(cands, key=lambda item: (-self.rank(item[0][2]), item[1].date, item[0][1]))
                return State(node[1], node[2]), Route(lb.steps, profile.as_of)
        return None

    def level_words(self, level: str | None) -> str:
        if level is None:
            return "no certificate"
        lv = self.ladder.levels.get(level)
        return lv.name_zh if lv else level

    # -- the static graph as data (SPARQL materialisation, rendering) -----------------------------

    def state_edges(self) -> list[tuple[Node, Node, list[Rule], float, str]]:
        """(from state, to state, rules, waiting years, kind) for every promotion within an
        occupation that has rules and every move between related occupations that both have rules;
        entries, title crossovers and sources without rules are left out. Sorted. The waiting years
        are the least of the rules that need only the certificate and time (else of all rules)."""
        grouped: dict[tuple[Node, Node], list[tuple[Rule, float, str]]] = defaultdict(list)
        for u, v, data in self.graph.edges(data=True):
            if u[0] != "cert" or u[1] not in self.rule_set_of:
                continue
            grouped[(u, v)].append((data["rule"], data["years"], data["kind"]))
        out = []
        time_only = {"certificate", "work", "age", "declaration"}
        for (u, v), items in sorted(grouped.items()):
            rules = sorted({r.id: r for r, _, _ in items}.values(), key=lambda r: r.id)
            # the waiting time of the plain promotion (certificate + years); rules that also want a
            # diploma or a title are listed too, but their shorter times need more than waiting
            plain = [y for r, y, _ in items if {c.kind for c in r.conditions} <= time_only]
            years = min(plain or [y for _, y, _ in items])
            kind = "promotion" if u[1] == v[1] else "move"
            out.append((u, v, rules, years, kind))
        return out


def _route_order(r: Route) -> tuple[date, int, int, tuple[str, ...]]:
    return (r.reached_on, len(r.steps), r.moves, tuple(s.rule.id for s in r.steps))


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

_PREFIXES = SPARQL_PREFIXES  # the one prefix table (graph/core/namespaces.py)


def load_names(store: SelectStore) -> tuple[dict[str, str], dict[str, str]]:
    """(occupation code -> Chinese name, group code -> Chinese name)."""
    rows = store.select(
        _PREFIXES
        + """
SELECT ?code ?name ?occ WHERE {
  ?e skos:notation ?code ; skos:prefLabel ?name . FILTER(LANG(?name) = "zh")
  OPTIONAL { ?e a og:Occupation . BIND(true AS ?occ) }
}"""
    )
    occupations = {r["code"]: r["name"] for r in rows if r.get("occ")}
    groups = {r["code"]: r["name"] for r in rows if not r.get("occ")}
    return occupations, groups


def load_diploma_labels(store: SelectStore) -> dict[str, str]:
    """Every name a diploma kind goes by (id, Chinese and English names, alternatives) -> its id."""
    rows = store.select(
        _PREFIXES
        + """
SELECT ?k ?label WHERE { ?k a og:DiplomaKind . { ?k skos:prefLabel ?label } UNION { ?k skos:altLabel ?label } }"""
    )
    out: dict[str, str] = {}
    for r in rows:
        kind = r["k"].rsplit("/", 1)[-1]
        out[kind] = kind
        out.setdefault(r["label"], kind)
    return out


def load_task_texts(store: SelectStore) -> dict[str, str]:
    rows = store.select(
        _PREFIXES
        + """
SELECT ?code ?text WHERE {
  ?o a og:Occupation ; skos:notation ?code .
  { ?o og:hasMainTask ?t . ?t og:taskText ?text } UNION { ?o skos:definition ?text }
}"""
    )
    texts: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        texts[r["code"]].append(r["text"])
    return {code: "\n".join(sorted(parts)) for code, parts in texts.items()}


# ------------------------------------------------------------------------------------------------
# queries from HTTP parameters or JSON (shared by the API, the web page and the CLI)

PROFILE_PARAMS = (
    "years_worked",
    "level_since",
    "diploma",
    "diploma_graduation",
    "diploma_assessed",
    "title",
    "title_since",
    "certificate_kind",
    "as_of",
)
QUERY_PARAMS = ("from", "from_level", "to", "to_level", "max_routes", "within", "limit", *PROFILE_PARAMS)


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


def _text(value: object, name: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise PathwayError(f"{name}: expected a string, got {type(value).__name__}")
    return str(value).strip()


def _date_param(value: object, name: str) -> date:
    text = _text(value, name)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PathwayError(f"{name}: {text!r} is not a date (YYYY-MM-DD)") from None


def _number_param(value: object, name: str, low: float, high: float) -> float:
    if isinstance(value, bool):
        raise PathwayError(f"{name}: expected a number, got {value!r}")
    try:
        x = float(value) if isinstance(value, int | float) else float(_text(value, name))
    except ValueError:
        raise PathwayError(f"{name}: expected a number, got {value!r}") from None
    if math.isnan(x) or not low <= x <= high:
        raise PathwayError(f"{name}: {x:g} is outside {low:g}..{high:g}")
    return x


class QueryParser:
    """Turns GET parameters or a JSON body into a :class:`PathwayQuery`; every problem is a
    :class:`PathwayError` with a message (unknown codes come with the nearest valid ones)."""

    def __init__(self, engine: PathwayEngine, today: date | None = None) -> None:
        self.engine = engine
        self.today = today or date.today()
        self._codes = sorted(engine.names)

    def occupation(self, value: object, name: str) -> str:
        code = _text(value, name)
        if not CODE_RE.fullmatch(code):
            raise PathwayError(f"{name}: {code!r} is not an occupation code (N-NN-NN-NN, e.g. 4-04-05-05)")
        if code not in self.engine.names:
            group = self.engine.group_names.get(code)
            if group:
                raise PathwayError(
                    f"{name}: {code} is a group ({group}), not an occupation",
                    nearest_codes=nearest_codes(code, self._codes),
                )
            raise PathwayError(f"{name}: no occupation has code {code}", nearest_codes=nearest_codes(code, self._codes))
        return code

    def level(self, value: object, name: str) -> str:
        text = _text(value, name)
        try:
            lv = self.engine.ladder.parse(text, prefer="skill")
        except KeyError:
            names = ", ".join(f"{lv.number or lv.id} ({lv.name_zh})" for lv in self.engine.ladder.ordered("skill"))
            raise PathwayError(f"{name}: unknown skill level {text!r}; use a number 5..1 or a name: {names}") from None
        if lv.ladder != "skill":
            raise PathwayError(f"{name}: {text!r} is a professional-title level; give a skill level (5..1 or a name)")
        return lv.id

    def diploma_kind(self, value: object, name: str) -> str:
        text = _text(value, name)
        kind = self.engine.diploma_labels.get(text) or self.engine.diploma_labels.get(text.lower())
        if kind is None:
            known = sorted({k for k in self.engine.diploma_labels.values()})
            raise PathwayError(
                f"{name}: unknown diploma kind {text!r}; use one of {', '.join(known)} "
                "(or a Chinese name such as 高职, 技工院校, 本科)"
            )
        return kind

    def parse(self, params: Mapping[str, object], *, need_target: bool = True, json_body: bool = False) -> PathwayQuery:
        allowed = set(QUERY_PARAMS) | ({"profile"} if json_body else set())
        unknown = sorted(set(params) - allowed)
        if unknown:
            raise PathwayError(f"unknown parameter(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}")
        assumptions: list[str] = []
        base: dict[str, Any] = {}
        if json_body and "profile" in params:
            if not isinstance(params["profile"], dict):
                raise PathwayError("profile: expected a JSON object (docs/pathways.md shows the format)")
            base = dict(params["profile"])
        if params.get("as_of") not in (None, ""):
            if base.get("as_of"):
                raise PathwayError("as_of: give it once (top level or in profile)")
            base["as_of"] = _date_param(params["as_of"], "as_of").isoformat()
        as_of = _date_param(base["as_of"], "profile.as_of") if base.get("as_of") else self.today
        base["as_of"] = as_of.isoformat()
        origin = self.occupation(params["from"], "from") if params.get("from") not in (None, "") else None
        origin_level = (
            self.level(params["from_level"], "from_level") if params.get("from_level") not in (None, "") else None
        )
        if origin_level and not origin:
            raise PathwayError("from_level needs from (the occupation the certificate is in)")
        certificates = list(base.get("certificates") or [])
        if origin_level:
            kind = _text(params.get("certificate_kind") or FUTURE_CERTIFICATE_KIND, "certificate_kind")
            if params.get("level_since") not in (None, ""):
                since = _date_param(params["level_since"], "level_since")
                if since > as_of:
                    raise PathwayError(f"level_since: {since} is after as_of {as_of}")
            else:
                since = as_of
                assumptions.append(
                    "level_since not given: the certificate is taken as obtained on as_of, so no "
                    "time since it counts yet (give level_since=YYYY-MM-DD)"
                )
            certificates.append({"occupation": origin, "level": origin_level, "date": since.isoformat(), "kind": kind})
        elif params.get("level_since") not in (None, ""):
            raise PathwayError("level_since needs from and from_level (the certificate it dates)")
        if certificates:
            base["certificates"] = certificates
        if params.get("years_worked") not in (None, ""):
            if not origin:
                raise PathwayError("years_worked needs from (the occupation worked in)")
            years = _number_param(params["years_worked"], "years_worked", 0, 60)
            base["work"] = list(base.get("work") or []) + [{"occupation": origin, "years": years}]
        if params.get("diploma") not in (None, ""):
            kind = self.diploma_kind(params["diploma"], "diploma")
            grad: str = as_of.isoformat()
            if params.get("diploma_graduation") not in (None, ""):
                g = _text(params["diploma_graduation"], "diploma_graduation")
                grad = g if g == "graduating" else _date_param(g, "diploma_graduation").isoformat()
            else:
                assumptions.append("diploma_graduation not given: the diploma is taken as held on as_of")
            assessed = params.get("diploma_assessed")
            if isinstance(assessed, str):
                if assessed.lower() not in ("true", "false", "1", "0", "yes", "no"):
                    raise PathwayError(f"diploma_assessed: expected true or false, got {assessed!r}")
                assessed = assessed.lower() in ("true", "1", "yes")
            elif assessed is not None and not isinstance(assessed, bool):
                raise PathwayError("diploma_assessed: expected true or false")
            d: dict[str, Any] = {"kind": kind, "graduation": grad, "assessed": bool(assessed)}
            if origin:
                d["major_occupations"] = [origin]
                assumptions.append(
                    f"the diploma's major is taken to prepare for {origin} (related majors count where "
                    "the target is a related occupation)"
                )
            base["diplomas"] = list(base.get("diplomas") or []) + [d]
        if params.get("title") not in (None, ""):
            t_text = _text(params["title"], "title")
            try:
                t_level = self.engine.ladder.parse(t_text, prefer="professional")
            except KeyError:
                t_level = None
            if t_level is None or t_level.ladder != "professional":
                raise PathwayError(f"title: unknown professional title level {t_text!r}; use 初级, 中级 or 高级")
            if params.get("title_since") not in (None, ""):
                t_since = _date_param(params["title_since"], "title_since")
                if t_since > as_of:
                    raise PathwayError(f"title_since: {t_since} is after as_of {as_of}")
            else:
                t_since = as_of
                assumptions.append("title_since not given: the title is taken as obtained on as_of")
            t: dict[str, Any] = {"level": t_level.id, "date": t_since.isoformat()}
            if origin:
                t["occupations"] = [origin]
            base["titles"] = list(base.get("titles") or []) + [t]
        elif params.get("title_since") not in (None, ""):
            raise PathwayError("title_since needs title")
        try:
            profile = profile_from_json(
                base,
                self.engine.ladder,
                is_code=lambda c: c in self.engine.names,
                diploma_kinds=set(self.engine.diploma_labels.values()) or None,
                today=self.today,
            )
        except ProfileError as exc:  # as /api/occupations/<code>/levels/<level>/eligibility: 422 for a JSON profile
            raise PathwayError(f"profile: {exc}", status=422 if json_body and "profile" in params else 400) from None
        for i, c in enumerate(profile.certificates):
            if c.date > profile.as_of:
                raise PathwayError(f"profile.certificates[{i}].date: {c.date} is after as_of {profile.as_of}")
        for i, w in enumerate(profile.work):
            if w.start and w.start > profile.as_of:
                raise PathwayError(f"profile.work[{i}].start: {w.start} is after as_of {profile.as_of}")
        if profile.as_of.year < 1950 or profile.as_of.year > 2100:
            raise PathwayError(f"as_of: {profile.as_of} is outside 1950..2100")
        target = target_level = None
        if params.get("to") not in (None, ""):
            target = self.occupation(params["to"], "to")
        if params.get("to_level") not in (None, ""):
            target_level = self.level(params["to_level"], "to_level")
        if need_target and (target is None or target_level is None):
            raise PathwayError("give the target: to=CODE and to_level=LEVEL (5..1 or a name such as 技师)")
        if origin is None:
            held = sorted(profile.certificates, key=lambda c: (-self.engine.rank(c.level), c.date))
            origin = held[0].occupation if held else (profile.work[-1].occupation if profile.work else None)
        max_routes = (
            3
            if params.get("max_routes") in (None, "")
            else int(_number_param(params["max_routes"], "max_routes", 1, MAX_ROUTES))
        )
        within = (
            _number_param(params["within"], "within", 0, MAX_YEARS) if params.get("within") not in (None, "") else None
        )
        limit = 10 if params.get("limit") in (None, "") else int(_number_param(params["limit"], "limit", 1, 50))
        return PathwayQuery(profile, origin, origin_level, target, target_level, max_routes, within, limit, assumptions)


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
        d = {
            "id": r.id,
            "rule_set": r.rule_set,
            "level": r.level,
            "number": r.number,
            "text": r.text,
            "summary": r.summary(self.engine.ladder, self.engine.diploma_names),
        }
        rs = self.engine.rule_set_of.get(occupation or "")
        if isinstance(rs, RuleSet):
            d["source"] = rs.source
            d["rule_set_title"] = rs.title
        std = self.engine.standards.get(occupation or "")
        if std is not None:
            d["standard"] = {
                "id": std.id,
                "title": std.title,
                "issued": std.issued,
                "doc_number": std.doc_number or None,
                "rule_set_basis": std.basis,
            }
        return d

    def step(self, s: Step) -> dict[str, Any]:
        occ = s.target.occupation
        return {
            "from": self.state(s.source),
            "to": self.state(s.target),
            "kind": s.kind,
            "gained": {
                "certificate": {
                    "occupation": self.occupation(occ),
                    "level": self.level(s.target.level),
                    "kind": FUTURE_CERTIFICATE_KIND,
                }
            },
            "start": s.start.isoformat(),
            "date": s.end.isoformat(),
            "years": s.years,
            "work_in": self.occupation(s.work_in),
            "rule": self.rule(s.rule, occ),
            "also_allowed_by": [self.rule(r, occ) for r in s.also],
            "satisfied": list(s.satisfied),
            "waited_for": list(s.waited_for),
        }

    def route(self, r: Route) -> dict[str, Any]:
        return {
            "total_years": r.total_years,
            "reached_on": r.reached_on.isoformat(),
            "summary": self.route_summary(r),
            "steps": [self.step(s) for s in r.steps],
        }

    def route_summary(self, r: Route) -> str:
        if not r.steps:
            return "already held"
        parts = []
        for s in r.steps:
            when = "now" if s.years == 0 else f"+{s.years:g} y"
            parts.append(
                f"{s.target.occupation} {self.engine.level_words(s.target.level)} ({when}, "
                f"{s.rule.rule_set} level {s.rule.level} rule {s.rule.number})"
            )
        return " → ".join(parts)

    def result(self, res: PathwayResult, query: PathwayQuery | None = None) -> dict[str, Any]:
        return {
            "as_of": res.as_of.isoformat(),
            "from": self.state(res.origin),
            "to": self.state(res.target),
            "already_holds": res.already_holds,
            "already_qualifies": res.already_qualifies,
            "routes": [self.route(r) for r in res.routes],
            "reason": res.reason,
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
            "definition": "related (counts for 本职业或相关职业): the same minor group (小类) or a pair in "
            "standards/eligibility/related-occupations.tsv; shared tasks are suggestions only",
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

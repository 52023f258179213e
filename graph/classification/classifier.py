"""Job-title classifier: which occupations of the classification a recruiting title belongs to.

Uses only what the graph knows (names, alternative names, recruiting-title aliases, work types (工种),
MOE 职业面向 岗位 names, definitions and main tasks, read with SPARQL) and the editable lists in
standards/job-titles/ (recruiting noise, synonyms and colloquial names, and how titles are built),
which the build checks and stores with the graph (graph/store/settings.py): the classifier reads
them from the store it is made from, never from standards/.
Nothing is downloaded: jieba's dictionary, OpenCC's tables, pypinyin's dictionary and cpca's list of
Chinese place names ship in their wheels.

The model, step by step:

1. Normalise (graph/text/chinese.py): NFKC, lower case, Traditional to Simplified.
2. Strip recruiting noise (noise-words.tsv): pay, benefits, schedules, urgency, requisition codes,
   graduation years, emoji; place names (cpca's list of provinces, cities and counties; a county
   name only where it stands alone in a bracket or segment; never a name that is part of a label of
   the classification). What was removed is reported with its category.
3. Read the structure (structure.tsv): "A招聘B" is read as B (the employer A hires B), unless B is a
   recruiting role (招聘专员 is an HR job); brackets naming a company are dropped and other brackets
   become secondary evidence; segments (A-B) are split and the one with a head word (工程师, 员, 岗 …)
   is the role, the others secondary; the role is split into alternatives (A/B/C). A secondary part
   that ends with a field marker (大数据方向) names the role's field: read without the marker, with
   the weight of an alternative.
4. Features per part: jieba words (``w:``), character bigrams (``b:``), single characters where a run
   is one character long (``u:``), and synonym expansions (``s:``), each weighted by its inverse
   document frequency over the labels; a generic head (经理, 专员, 工程师) weighs half when the part has
   other words, so "渠道销售主管" is read as sales first.
5. Label score per part: cosine against every label of an entry (best label plus SECOND_LABEL_WEIGHT
   of the second best); a label contained whole in the part scores at least 0.55 + 0.45 x its share,
   and so does a label whose text without its head word is the part without its head (架构师 for
   架构工程师: the same role named with another head).
   Text score: the share of the part's words found in the entry's definition and tasks. Score =
   1 - (1 - label) x (1 - TEXT_WEIGHT x text); groups are multiplied by GROUP_FACTOR.
5b. Word by word (head and modifiers read together): the best RERANK_K entries of a part are read
   again. Score = (1 - COVERAGE_WEIGHT) x score + COVERAGE_WEIGHT x coverage, where coverage is the
   IDF-weighted share of the part's words that the entry's own data uses (its name fully, each of
   its other labels, its definition and its tasks partly: COVERAGE_STRENGTH); then lowered by up to
   HEAD_WEIGHT when the part's head word (工程师, 员, 工, 老师) disagrees with the ending of the
   entry's name (工程技术人员, 员, 工, 人员: structure.tsv entry-suffix), as often as the graph's own
   labels that end with that head belong to entries with that ending (learnt at index build). A
   head that names a role (老师, 司机) is one of the words to cover; a rank word (generic-head:
   工程师, 经理) is not.
6. Parts combined: noisy-or over the parts (weights: the first alternative 1, later ones
   ALTERNATIVE_WEIGHT, secondary parts SECONDARY_WEIGHT), so an occupation that several parts point to
   gains.
6b. Candidates from more than one branch: in the first TOP_K, at most MAX_SIBLINGS of one minor
   group, and a group listed after one of its own occupations (which already says it) waits; those
   that wait follow in score order. The first candidate never moves.
6c. The official text kept in view: a recruiting alias can put an entry near the top whose own name,
   definition and tasks do not say the title's words (测试工程师 -> 计算机硬件工程技术人员 by the alias
   硬件测试工程师) while a sibling in its minor group does (计算机软件工程技术人员: "设计、测试、维护");
   that sibling, or one of at most WITNESS_NAMES entries whose name contains the title's words whole
   (数据分析师 -> 数据分析处理工程技术人员; else, of the title's endings from a word boundary, the
   longest that names contain: 平台运营部数据分析师 -> 数据分析), or the kin of a leading candidate
   whose kind of name the title's head asks for (性能测试工程师: 计算机软件测试员 is a candidate, the head
   工程师 asks for an engineer, 计算机软件工程技术人员), gets the last of the first TOP_K places.
7. Probability: the raw score of each candidate is mapped to the chance that it is right, read from
   a calibration table measured on real postings (calibration.tsv, written by
   bench/eval_classify.py --calibrate). Group answers: the probabilities of a group's occupations are
   summed; when no occupation is likely enough (ANSWER_PROBABILITY) but its minor or medium group is,
   the answer is given at that group level, and the answer says which level.
8. New-occupation signal: when the best match before step 5b (which reorders candidates and does not
   say how well a label fits) is below NEW_OCCUPATION_THRESHOLD, or nothing matches, the title "may
   be a new occupation".

>>> normalise_width("ＳＬＡＭ算法工程師（急）")
'slam算法工程師(急)'
>>> character_bigrams("拼多多运营")
['拼多', '多多', '多运', '运营']
"""

from __future__ import annotations

import bisect
import csv
import functools
import heapq
import importlib.util
import logging
import math
import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from graph.classification.queries import Kinds, Q, SelectStore
from graph.core.codes import ancestors, code_kind, level_code
from graph.store import settings
from graph.store.sparql import select
from graph.text.chinese import (
    CJK_RUN,
    LATIN_WORD,
    Segmenter,
    character_bigrams,
    normalise_width,
    to_simplified,
)

MAX_TITLE_CHARS = 100
TOP_K = 5
NEW_OCCUPATION_THRESHOLD = 0.5  # on the match before the word-by-word reading (see classify)
# Not labels: the job posts of the majors that prepare for an occupation (og:jobPostName). They are
# the major's, copied onto every occupation it prepares for, and many are fragments of the MOE
# sentence ("面向通信工程勘察、规划、设计、……等岗位"), so 运营 or 规划 alone would name a dozen
# occupations; with them held-out top-1 on real postings fell from 0.49 to 0.41 (bench/eval_classify.py).
LABEL_WEIGHT = {"name": 1.0, "alt": 0.95, "announced": 0.95, "work-type": 0.9, "alias": 1.0}
TEXT_WEIGHT = 0.35
GROUP_FACTOR = 0.9
SECOND_LABEL_WEIGHT = 0.6
ALTERNATIVE_WEIGHT = 0.8
SECONDARY_WEIGHT = 0.35
GENERIC_HEAD_FACTOR = 0.5
SCORE_CACHE = 20_000  # parts whose scores are remembered (a few MB)
STRENGTH_CACHE = 200_000  # (word, entry) coverage strengths remembered (about 30 MB: 145 bytes each, tracemalloc)
PART_TOP_K = 10  # candidates kept per part before the parts are combined
ANSWER_PROBABILITY = 0.4  # the top candidate is answered when at least this likely
GROUP_PROBABILITY = {"minor": 0.6, "medium": 0.8}  # else a group, when its candidates together are
COMMON_FEATURE_LABELS = 150  # a feature in more labels than this only completes a score
MAX_LABEL_CHARS = 40
MAX_LABEL_CANDIDATES = 40  # labels kept after the rare features (see score); no top-1 changed on 2,000 titles
COMMON_TEXT_SHARE = 0.25  # a word in more definitions/tasks than this share is not used for the text score
FEATURE_WEIGHT = {"w": 1.0, "b": 0.6, "u": 0.3, "s": 0.7}
RERANK_K = 10  # candidates per part read again word by word (coverage, head agreement); 15: same
# top-1 on the tuning half, one top-5 hit more, 10x-data p95 latency up by a third (bench_classify_scale.py)
COVERAGE_WEIGHT = 0.5  # share of a part's score that is the coverage of its words by the entry
SINGLE_CHAR_WEIGHT = 0.5  # a one-character word (云) is weaker evidence of coverage than a longer one
HEAD_WEIGHT = 0.3  # how much a head that disagrees with the entry's kind of name lowers its score
HEAD_MIN_LABELS = 20  # a head is read only when at least this many labels of the graph end with it
COVERAGE_STRENGTH = {"name": 1.0, "label": 0.5, "definition": 0.6, "task": 0.5}
MAX_SIBLINGS = 3  # candidates of one minor group in the first TOP_K before others get a turn (see _diverse);
# chosen on the postings tuning half and alias fold 0: 3 gained a top-5 hit on each, 2 and 1 lost label-level hits
# a label without its head word (架构师 -> 架构) that equals the title without its head (架构工程师 -> 架构)
# counts as a label contained in the title (see _score); 0.9 and 0.8: on alias fold 0 one or two top-1
# hits fewer, the postings tuning half the same or one top-5 hit fewer
LABEL_CORE_FACTOR = 1.0
WITNESS_SLOTS = 1  # places of the first TOP_K kept for entries whose official text says the title (see _witnessed)
WITNESS_FROM = 3  # the candidates whose minor-group siblings are looked at
WITNESS_MIN = 0.5  # a sibling's official coverage of the title's words must reach this and beat the candidate's
WITNESS_NAMES = 2  # entries whose name contains the title's words whole are kept when there are at most this many
NAME_TAIL_MIN = 3  # the shortest ending of a title (数据分析 of 平台运营部数据分析) that step 6c looks for in names
KIN_FROM = 3  # leading candidates whose kin (one field under another kind of name) step 6c looks at
KIN_MIN_STEM = 3  # characters of a name without its ending (计算机软件 of 计算机软件工程技术人员) that make it a field
KIN_AGREEMENT = 0.5  # a candidate whose kind of name agrees less than this with the title's head has its kin looked at
CALIBRATION_FILE = Path(__file__).with_name("calibration.tsv")

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd\ud800-\udfff]")
HAS_TEXT = re.compile(r"[0-9A-Za-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
EMPTY_BRACKETS = re.compile(r"[(\[【（〔{<《]\s*[)\]】）〕}>》]")
BRACKETED = re.compile(r"[(\[【〔{<《]([^()\[\]【】〔〕{}<>《》]*)[)\]】〕}>》]")
EDGE_PUNCT = re.compile(r"^[\s+&/|,，、;；:：\-—_·.]+|[\s+&/|,，、;；:：\-—_·.]+$")
PLACE_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "地区", "省", "市", "区", "县", "盟", "旗")

log = logging.getLogger(__name__)


# ---------------------------------------------------------------- word lists (standards/job-titles, via the store)


@functools.cache
def place_names() -> tuple[frozenset[str], frozenset[str]]:
    """(names removed anywhere, names removed only where they stand alone) from cpca's region list.

    Read as a file from the installed package (importing cpca would load pandas): provinces and
    prefecture-level cities by full and short name (广东省, 广东, 深圳市, 深圳); counties and districts
    by full name anywhere (宝安区, 昆山市) and by short name only alone in a bracket or segment (昆山).
    """
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        return frozenset(), frozenset()
    path = Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"
    anywhere: set[str] = set()
    alone: set[str] = set()
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            name, code = row["name"], row["adcode"]
            short = name
            for suffix in PLACE_SUFFIXES:
                if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                    short = name[: -len(suffix)]
                    break
            county = not code[4:6] == "00"
            if len(name) >= 3:
                anywhere.add(name)
            (alone if county else anywhere).add(short)
            alone.add(short)
    return frozenset(anywhere), frozenset(alone)


@dataclass(frozen=True)
class WordLists:
    """The editable lists of standards/job-titles/: noise to strip, synonyms to add, how titles are built.

    Made from the settings the build checked and stored with the graph (graph/build/sources/job_titles.py
    writes them, graph/store/settings.py reads them back), never from standards/ at serve time.
    """

    patterns: list[tuple[re.Pattern[str], str]]
    words: list[tuple[str, str]]  # longest first
    synonyms: dict[str, list[str]]
    structure: dict[str, list[str]] = field(default_factory=dict)  # kind -> terms, longest first

    @classmethod
    def from_store(cls, store: SelectStore) -> WordLists:
        """The lists the build stored with this store's graph (SettingsMissing when it holds none)."""
        return cls.from_settings(settings.read(store, "job-titles"))

    @classmethod
    def from_settings(cls, doc: Mapping[str, Any]) -> WordLists:
        """The lists from their settings document: rows of noise-words, synonyms and structure."""
        patterns: list[tuple[re.Pattern[str], str]] = []
        words: list[tuple[str, str]] = []
        for row in doc.get("noise-words", []):
            if row["kind"] == "pattern":
                try:
                    patterns.append((re.compile(row["term"]), row["category"]))
                except re.error as exc:  # the build refuses such a row; only a hand-edited store has one
                    raise settings.SettingsMissing(f"job-titles settings: bad pattern {row['term']!r}: {exc}") from None
            else:
                words.append((normalise_width(row["term"]), row["category"]))
        # longer patterns first: a specific one (an age range) must win over a general one (a number range)
        patterns.sort(key=lambda p: (-len(p[0].pattern), p[0].pattern))
        words.sort(key=lambda w: (-len(w[0]), w[0]))
        synonyms = {normalise_width(r["term"]): r["expansion"].split() for r in doc.get("synonyms", [])}
        structure: dict[str, list[str]] = defaultdict(list)
        for r in doc.get("structure", []):
            structure[r["kind"]].append(normalise_width(r["term"]))
        for terms in structure.values():
            terms.sort(key=lambda t: (-len(t), t))
        return cls(patterns, words, synonyms, dict(structure))


@dataclass
class Part:
    """One piece of a title that is matched on its own: an alternative (A/B/C) or secondary evidence."""

    text: str
    weight: float
    secondary: bool
    words: list[str] = field(default_factory=list)
    expansions: list[str] = field(default_factory=list)
    generic: set[str] = field(default_factory=set)  # generic head words of this part
    features: dict[str, float] = field(default_factory=dict)

    @property
    def cleaned(self) -> str:
        return self.text


@dataclass
class Prepared:
    """A title after normalisation, noise stripping and reading its structure, with its parts."""

    original: str
    normalised: str
    cleaned: str
    traditional: bool
    removed: list[dict[str, str]]
    words: list[str]
    expansions: list[str]
    parts: list[Part] = field(default_factory=list)
    features: dict[str, float] = field(default_factory=dict)


class Analyzer:
    """Turns text into weighted features; shared by the index (labels, texts) and by queries."""

    def __init__(self, lists: WordLists) -> None:
        self.lists = lists
        extra = list(lists.synonyms) + [w for w, _ in lists.words]
        for kind in ("head", "generic-head", "recruiting-role"):
            extra += lists.structure.get(kind, [])
        self.segmenter = Segmenter(extra)
        self.tokenizer = self.segmenter.tokenizer
        self.places_anywhere, self.places_alone = place_names()
        s = lists.structure
        self.hiring_verbs = s.get("hiring-verb", [])
        self.recruiting_roles = s.get("recruiting-role", [])
        self.employer_suffixes = s.get("employer-suffix", [])
        self.heads = s.get("head", [])
        self.generic_heads = set(s.get("generic-head", []))
        self.entry_suffixes = s.get("entry-suffix", [])
        self.field_markers = s.get("field-marker", [])
        split = "".join(re.escape(t) for t in s.get("split", []) if len(t) == 1)
        split_words = [re.escape(t) for t in s.get("split", []) if len(t) > 1]
        self.split_re = re.compile("|".join(([f"[{split}]"] if split else []) + split_words) or r"(?!)")
        seg = "".join(re.escape(t) for t in s.get("segment", []))
        self.segment_re = re.compile(rf"[{seg}\s]+" if seg else r"\s+")

    def protect(self, labels: Iterable[str]) -> None:
        """Never strip a place name that is part of a label of the classification (新华, 和平 …)."""
        inside: set[str] = set()
        for text in labels:
            for run in CJK_RUN.findall(text):
                for i in range(len(run) - 1):
                    inside.update(run[i:j] for j in range(i + 2, min(len(run), i + 8) + 1))
        self.places_anywhere = self.places_anywhere - inside
        self.places_alone = self.places_alone - inside

    @staticmethod
    def simplify(text: str) -> tuple[str, bool]:
        return to_simplified(normalise_width(text))

    def strip_noise(self, text: str) -> tuple[str, list[dict[str, str]]]:
        """Remove noise words (longest first), then noise patterns, then place names; empty brackets go too."""
        removed = []
        for word, category in self.lists.words:
            if word in text:
                removed.append({"text": word, "category": category})
                text = text.replace(word, " ")
        for pattern, category in self.lists.patterns:
            if pattern.search(text) is None:  # most patterns match nothing: one scan instead of two
                continue
            for m in pattern.finditer(text):
                if m.group().strip():
                    removed.append({"text": m.group().strip(), "category": category})
            text = pattern.sub(" ", text)
        text = self._strip_places(text, removed)
        text = EMPTY_BRACKETS.sub(" ", text)
        text = EDGE_PUNCT.sub("", text)
        return re.sub(r"\s+", " ", text).strip(), removed

    def _strip_places(self, text: str, removed: list[dict[str, str]]) -> str:
        if not self.places_anywhere:
            return text
        out = []
        for piece in re.split(f"({CJK_RUN.pattern})", text):
            if not CJK_RUN.fullmatch(piece or " "):
                out.append(piece)
                continue
            alone = piece in self.places_alone or piece in self.places_anywhere
            if alone:
                removed.append({"text": piece, "category": "place"})
                out.append(" ")
                continue
            i, kept = 0, []
            while i < len(piece):
                for j in range(min(len(piece), i + 8), i + 1, -1):
                    if piece[i:j] in self.places_anywhere and (j - i >= 3 or i == 0 or j == len(piece)):
                        removed.append({"text": piece[i:j], "category": "place"})
                        kept.append(" ")
                        i = j
                        break
                else:
                    kept.append(piece[i])
                    i += 1
            out.append("".join(kept))
        return "".join(out)

    def words(self, text: str) -> list[str]:
        """jieba words and Latin words, without separators; Latin words kept whole (c++, 3d, slam)."""
        return self.segmenter.words(text)

    @staticmethod
    def char_features(text: str) -> list[str]:
        out = []
        for run in CJK_RUN.findall(text):
            out += ["b:" + b for b in character_bigrams(run)] if len(run) > 1 else ["u:" + run]
        return out

    def label_features(self, text: str) -> set[str]:
        return {"w:" + w for w in self.words(text)} | set(self.char_features(text))

    # ---------------------------------------------------------- reading the structure of a title

    def head_of(self, text: str) -> str | None:
        """The head word a title or label ends with (the longest: 工程师 before 师), if any."""
        text = text.rstrip()
        return next((h for h in self.heads if text.endswith(h)), None)  # heads: longest first

    def entry_suffix(self, name: str) -> str:
        """The kind of name an entry has: the ending of its name from structure.tsv (工程技术人员, 员,
        工 …), or '' when none fits."""
        return next((x for x in self.entry_suffixes if name.endswith(x)), "")

    def _has_employer(self, text: str) -> bool:
        return any(s in text for s in self.employer_suffixes)

    def _has_head(self, text: str) -> bool:
        return any(text.endswith(h) or h in text for h in self.heads)

    def _read_hiring(self, text: str, removed: list[dict[str, str]]) -> str:
        """'A招聘B' -> B; a trailing verb ('A招聘') -> A; '招聘专员' stays (the recruiter's own job)."""
        for verb in self.hiring_verbs:
            pos = text.find(verb)
            if pos < 0:
                continue
            before, after = text[:pos].strip(), text[pos + len(verb) :].strip(" :：-")
            if any(after.startswith(r) for r in self.recruiting_roles) or (not before and not after):
                continue
            if after:
                if before:
                    removed.append({"text": before + verb, "category": "employer"})
                else:
                    removed.append({"text": verb, "category": "hiring"})
                return after
            removed.append({"text": verb, "category": "hiring"})
            return before
        return text

    def read_parts(self, text: str, removed: list[dict[str, str]]) -> list[tuple[str, bool]]:
        """(part text, is secondary) in title order: brackets and side segments are secondary."""
        secondary: list[str] = []

        def bracket(m: re.Match[str]) -> str:
            inner = m.group(1).strip()
            if not inner:
                return " "
            if self._has_employer(inner):
                removed.append({"text": inner, "category": "employer"})
            else:
                secondary.append(inner)
            return " "

        text = BRACKETED.sub(bracket, text)
        text = self._read_hiring(text.strip(), removed)
        segments = [s for s in (EDGE_PUNCT.sub("", x) for x in self.segment_re.split(text)) if s]
        kept = []
        for n, seg in enumerate(segments):
            if n == 0 and len(segments) > 1 and self._has_employer(seg) and not self._has_head(seg):
                removed.append({"text": seg, "category": "employer"})
                continue
            kept.append(seg)
        if not kept:
            kept, secondary = secondary[:1], secondary[1:]
        # the role: the first segment with a head word (else the first); Latin-only segments next to
        # a Chinese one stay with it (java 开发工程师)
        role_at = next((i for i, s in enumerate(kept) if self._has_head(s)), 0)
        role_parts = [kept[role_at]] if kept else []
        for i, seg in enumerate(kept):
            if i == role_at:
                continue
            if not CJK_RUN.search(seg) and abs(i - role_at) == 1:
                role_parts.insert(0 if i < role_at else len(role_parts), seg)
            else:
                secondary.append(seg)
        role = " ".join(role_parts)
        pieces = (EDGE_PUNCT.sub("", x) for x in self.split_re.split(role))
        alternatives = [a for a in pieces if a and HAS_TEXT.search(a)]
        if len(alternatives) > 1:
            # 'java/python开发工程师': a leading Latin alternative without a head shares the last one's
            # Chinese words; '实施/运维工程师': a Chinese one without a head shares a generic head word
            # (工程师, 经理: rank, not field), not a role noun ('内勤/文员' are two roles)
            last = alternatives[-1]
            head = self.head_of(last)
            for i, alt in enumerate(alternatives[:-1]):
                if not head or self._has_head(alt):
                    continue
                if not CJK_RUN.search(alt):
                    alternatives[i] = alt + last[len(last) - len(self._head_phrase(last)) :]
                elif head in self.generic_heads:
                    alternatives[i] = alt + head
        parts = [(a, False) for a in alternatives]
        parts += [(s, True) for s in secondary if HAS_TEXT.search(s)]
        return parts

    def _head_phrase(self, text: str) -> str:
        """The Chinese words of a role without its leading Latin words (python开发工程师 -> 开发工程师)."""
        m = re.match(r"^[a-z0-9+#. ]+", text)
        return text[m.end() :] if m else text

    def _part(self, text: str, weight: float, secondary: bool) -> Part:
        part = Part(text, weight, secondary)
        part.words = self.words(text)
        for w in part.words:
            for e in self.lists.synonyms.get(w, []):
                if e not in part.words and e not in part.expansions:
                    part.expansions.append(e)
        if len(part.words) > 1:
            part.generic = {w for w in part.words if w in self.generic_heads}
        return part

    def prepare(self, title: str) -> Prepared:
        simple, traditional = self.simplify(title)
        cleaned, removed = self.strip_noise(simple)
        read = self.read_parts(cleaned, removed)
        parts: list[Part] = []
        first = True
        for text, secondary in read:  # the parts come from text already stripped of noise
            text = re.sub(r"\s+", " ", EMPTY_BRACKETS.sub(" ", EDGE_PUNCT.sub("", text))).strip()
            if not text or not HAS_TEXT.search(text):
                continue
            weight = SECONDARY_WEIGHT if secondary else (1.0 if first else ALTERNATIVE_WEIGHT)
            marker = next((m for m in self.field_markers if text.endswith(m) and len(text) > len(m)), None)
            if secondary and marker:  # '软件开发工程师-大数据方向': the role's field, read as an alternative
                text, weight = text[: -len(marker)].strip(), ALTERNATIVE_WEIGHT
            first = first and secondary
            parts.append(self._part(text, weight, secondary))
        if parts and all(p.secondary for p in parts):
            parts[0].weight, parts[0].secondary = 1.0, False
        words = list(dict.fromkeys(w for p in parts for w in p.words))
        expansions = list(dict.fromkeys(e for p in parts for e in p.expansions if e not in words))
        shown = " / ".join(p.text for p in parts if not p.secondary)
        extra = [p.text for p in parts if p.secondary]
        if extra:
            shown += " (" + "; ".join(extra) + ")"
        return Prepared(title, simple, shown.strip(), traditional, removed, words, expansions, parts)


# ---------------------------------------------------------------- the index


@dataclass
class EntryRecord:
    """What the classifier knows of one classification entry (built from the store, or edited by
    the evaluation to hold data out)."""

    code: str
    name: str
    kinds: list[str]
    labels: list[tuple[str, str]]  # (kind of label, text)
    definition: str = ""
    tasks: list[str] = field(default_factory=list)


def load_records(store: SelectStore, kinds: Kinds | None = None) -> list[EntryRecord]:
    """Every classification entry with its labels, definition and tasks, via SPARQL.

    ``kinds``: the store generation's ``Kinds`` (read from the store when not given)."""
    kinds = kinds or Kinds.load(store)
    rows = select(store, Q.classifier_entries)
    labels = select(store, Q.classifier_labels)
    tasks = select(store, Q.classifier_tasks)
    records: dict[str, EntryRecord] = {}
    # A single-occupation minor group shares its code with its occupation: one record, named as the
    # occupation, the group's name a second name. Occupation rows first, so the record does not
    # depend on the backend's row order.
    for r in sorted(rows, key=lambda r: (not kinds.occupation_only(r["types"]), r["code"], r["name"])):
        found = kinds.of(r["types"])
        known = records.get(r["code"])
        if known is not None:
            known.kinds = [k for k in kinds.order if k in known.kinds or k in found]
            if ("name", r["name"]) not in known.labels:
                known.labels.append(("name", r["name"]))
            continue
        records[r["code"]] = EntryRecord(r["code"], r["name"], found, [("name", r["name"])], r.get("definition", ""))
    for r in sorted(labels, key=lambda r: (r["code"], r["kind"], r["label"])):
        rec = records.get(r["code"])
        if rec is not None and (r["kind"], r["label"]) not in rec.labels and r["label"] != rec.name:
            rec.labels.append((r["kind"], r["label"]))
    for r in sorted(tasks, key=lambda r: (r["code"], int(r["n"]))):
        if r["code"] in records:
            records[r["code"]].tasks.append(r["text"])
    return [records[c] for c in sorted(records)]


@dataclass
class _Label:
    entry: int
    kind: str
    text: str
    normalised: str
    norm: float = 0.0
    factor: float = 1.0
    compact: str = ""


class ClassifierIndex:
    """The in-memory index: label features for cosine scoring and text words for coverage."""

    def __init__(self, records: Sequence[EntryRecord], analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        self.records = list(records)
        self.names = {r.code: r.name for r in self.records}
        analyzer.protect(normalise_width(t) for r in self.records for _k, t in r.labels)
        label_feats: list[set[str]] = []
        self.labels: list[_Label] = []
        for i, rec in enumerate(self.records):
            for kind, text in rec.labels:
                normalised, _ = analyzer.simplify(text)
                feats = analyzer.label_features(normalised)
                if not feats:
                    continue
                self.labels.append(_Label(i, kind, text, normalised))
                label_feats.append(feats)
        df: dict[str, int] = defaultdict(int)
        for feats in label_feats:
            for f in feats:
                df[f] += 1
        n = len(label_feats)
        self.label_idf = {f: math.log(1 + n / d) for f, d in df.items()}
        self.unknown_label_idf = math.log(1 + n / 0.5)
        self.label_postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        self.label_weights: list[dict[str, float]] = []
        self.by_compact: dict[str, list[int]] = defaultdict(list)  # label text without spaces -> labels
        self.by_core: dict[str, list[int]] = defaultdict(list)  # a label without its head word -> labels
        self.label_prefixes: set[str] = set()  # every prefix (2+ characters) of those texts
        self._cache: dict[tuple[str, int], list[tuple[float, int, dict[str, Any]]]] = {}
        for li, feats in enumerate(label_feats):
            # sorted: float sums (norms, dot products) and ties then come out the same in every
            # process, whatever PYTHONHASHSEED orders a set of strings in
            weights = {f: self._weight(f, self.label_idf[f]) for f in sorted(feats)}
            self.label_weights.append(weights)
            label = self.labels[li]
            label.norm = math.sqrt(sum(w * w for w in weights.values()))
            label.factor = LABEL_WEIGHT.get(label.kind, 0.9)
            label.compact = label.normalised.replace(" ", "")
            if len(label.compact) >= 2:
                self.by_compact[label.compact].append(li)
                self.label_prefixes.update(label.compact[:k] for k in range(2, len(label.compact) + 1))
                head = analyzer.head_of(label.compact) if LABEL_CORE_FACTOR else None
                core = label.compact[: -len(head)] if head else ""
                if len(core) >= 2 and CJK_RUN.fullmatch(core):  # 架构师 -> 架构, found in 架构工程师
                    self.by_core[core].append(li)
            for f, w in weights.items():
                self.label_postings[f].append((li, w))
        self.is_occupation = ["occupation" in r.kinds for r in self.records]
        self.minor_members: dict[str, list[int]] = defaultdict(list)  # minor group code -> its occupations
        self.name_bigrams: dict[str, list[int]] = defaultdict(list)  # character bigram of a name -> entries
        self._cores: dict[str, tuple[str, list[tuple[str, float]]]] = {}  # part text -> core_words
        self.witnesses: dict[tuple[str, int, tuple[int, ...]], list[int]] = {}  # step 6c's answers, remembered
        for i, rec in enumerate(self.records):
            if self.is_occupation[i]:
                self.minor_members[level_code(rec.code, "minor")].append(i)
        self.label_info = [(label.entry, label.norm, label.factor) for label in self.labels]
        # the common features' postings as arrays, for titles of common words only (see _common_dots)
        self.common_postings = {
            f: (np.array([li for li, _w in p], dtype=np.intp), np.array([w for _li, w in p]))
            for f, p in self.label_postings.items()
            if len(p) > COMMON_FEATURE_LABELS
        }
        self.label_arrays = (
            np.array([label.entry for label in self.labels], dtype=np.intp),
            np.array([label.norm for label in self.labels]),
            np.array([label.factor for label in self.labels]),
            np.array([1.0 if occ else GROUP_FACTOR for occ in self.is_occupation]),
        )
        self.label_norms = [label.norm for label in self.labels]
        # word by word reading (see _rerank): each entry's name, its other labels as one text, and
        # how often a label of the graph that ends with a head word (工程师) belongs to an entry whose
        # name has each ending (工程技术人员)
        self.entry_names = [analyzer.simplify(r.name)[0] for r in self.records]
        for i, name in enumerate(self.entry_names):
            for gram in sorted(set(character_bigrams(name))):
                self.name_bigrams[gram].append(i)
        other_labels: list[list[str]] = [[] for _ in self.records]
        for label in self.labels:
            if label.kind != "name":
                other_labels[label.entry].append(label.normalised)
        self.entry_labels = ["\n".join(x) for x in other_labels]
        self._strength: dict[tuple[str, int], float] = {}  # (word, entry) -> coverage strength, see coverage
        self.entry_kind = [analyzer.entry_suffix(n) for n in self.entry_names]
        self.head_agreement = self._head_agreement(other_labels)
        self.kin = self._kin()

        # definitions and tasks: indexed by character bigrams and Latin words (no segmentation, so
        # the index builds fast); a title word is found in a text when the text contains it whole
        self.texts: list[str] = []
        self.text_postings: dict[str, set[int]] = defaultdict(set)
        self.definitions: list[str] = []
        self.tasks: list[list[str]] = []
        self.entry_tasks: list[str] = []  # the tasks as one text (a word is looked up once)
        for i, rec in enumerate(self.records):
            self.definitions.append(analyzer.simplify(rec.definition)[0] if rec.definition else "")
            self.tasks.append([analyzer.simplify(t)[0] for t in rec.tasks])
            text = " ".join([self.definitions[-1], *self.tasks[-1]])
            self.entry_tasks.append("\n".join(self.tasks[-1]))
            self.texts.append(text)
            for run in CJK_RUN.findall(text):
                for b in character_bigrams(run):
                    self.text_postings[b].add(i)
            for m in LATIN_WORD.finditer(text):
                self.text_postings[m.group()].add(i)

    def _kin(self) -> dict[int, list[int]]:
        """Occupations of one field under another kind of name: 计算机软件工程技术人员 and
        计算机软件测试员 (the engineer's name without its ending, 计算机软件, is in the tester's name),
        人工智能工程技术人员 and 人工智能训练师. Both ways; read by step 6c when the title's head asks
        for the other kind (性能测试工程师: an engineer, where 计算机软件测试员 is a candidate)."""
        kin: dict[int, list[int]] = defaultdict(list)
        for i, name in enumerate(self.entry_names):
            kind = self.entry_kind[i]
            stem = name[: len(name) - len(kind)]
            if not self.is_occupation[i] or len(stem) < KIN_MIN_STEM:
                continue
            for j in self.names_containing(stem):
                if j != i and self.is_occupation[j] and self.entry_kind[j] != kind:
                    kin[j].append(i)
                    kin[i].append(j)
        return {i: sorted(set(js)) for i, js in kin.items()}

    def _head_agreement(self, other_labels: Sequence[Sequence[str]]) -> dict[str, dict[str, float]]:
        """head word -> {ending of an entry's name: agreement in [0, 1]}, learnt from the graph's own
        labels: of the aliases and work types that end with 工程师, 89 % belong to occupations named
        …工程技术人员, so a title that ends with 工程师 reads as one of those first. Smoothed towards
        the share of each ending over all labels; 1 for the ending most often seen with the head."""
        counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        overall: dict[str, int] = defaultdict(int)
        for entry, labels in enumerate(other_labels):
            kind = self.entry_kind[entry]
            for text in labels:
                head = self.analyzer.head_of(text)
                overall[kind] += 1
                if head:
                    counts[head][kind] += 1
        total = sum(overall.values()) or 1
        out: dict[str, dict[str, float]] = {}
        for head, by_kind in counts.items():
            n = sum(by_kind.values())
            if n < HEAD_MIN_LABELS:
                continue
            smooth = {k: (by_kind.get(k, 0) + 10 * c / total) / (n + 10) for k, c in overall.items()}
            top = max(smooth.values())
            out[head] = {k: v / top for k, v in smooth.items()}
        return out

    @staticmethod
    def _weight(feature: str, idf: float) -> float:
        return FEATURE_WEIGHT[feature[0]] * idf

    @classmethod
    def from_store(
        cls, store: SelectStore, lists: WordLists | None = None, kinds: Kinds | None = None
    ) -> ClassifierIndex:
        return cls(load_records(store, kinds), Analyzer(lists or WordLists.from_store(store)))

    # -------------------------------------------------------------- scoring

    def query_features(self, part: Part) -> dict[str, float]:
        feats = {"w:" + w for w in part.words} | set(self.analyzer.char_features(part.cleaned))
        for e in part.expansions:
            feats |= {"s:" + f[2:] if f.startswith("w:") else f for f in self.analyzer.label_features(e)}
        weak = {"w:" + g for g in part.generic}
        for g in part.generic:
            weak |= {"b:" + b for b in character_bigrams(g)}
        out = {}
        for f in sorted(feats):  # the same order in every process (see __init__)
            key = "w:" + f[2:] if f.startswith("s:") else f
            idf = self.label_idf.get(key, self.unknown_label_idf)
            out[f] = self._weight(f, idf) * (GENERIC_HEAD_FACTOR if f in weak else 1.0)
        return out

    def score(self, prep: Part, top_k: int = TOP_K) -> list[tuple[float, int, dict[str, Any]]]:
        """(score, entry index, details) of the best entries, best first.

        Remembered per (part text, k) for the last SCORE_CACHE parts: recruiting titles repeat their
        parts (软件开发工程师 behind a hundred places and codes), and a part's score depends on its
        text alone."""
        key = (prep.text, top_k)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        found = self._rerank(prep, self._score(prep, max(top_k, RERANK_K)))[:top_k]
        if len(self._cache) >= SCORE_CACHE:
            self._cache.clear()
        self._cache[key] = found
        return found

    def _score(self, prep: Part, top_k: int) -> list[tuple[float, int, dict[str, Any]]]:
        qf = self.query_features(prep)
        prep.features = qf
        qnorm = math.sqrt(sum(w * w for w in qf.values()))
        if not qf or qnorm == 0:
            return []
        # rare features first; common ones (工程师, 人员 ...) only complete the labels already found,
        # unless the rare ones found none (a title of common words only)
        postings = self.label_postings
        rare, common = [], []
        for f, qw in qf.items():
            key = "w:" + f[2:] if f[0] == "s" else f
            plist = postings.get(key)
            if plist:
                (common if len(plist) > COMMON_FEATURE_LABELS else rare).append((key, qw, plist))
        # words in a large share of all definitions (人员, 工作, 进行) say nothing about a title
        text_total = 0.0
        text_words: list[tuple[set[int], float]] = []
        common_text = COMMON_TEXT_SHARE * len(self.records)
        for f, w in qf.items():
            if f[0] not in "ws" or len(f) < 4:
                continue
            found = self.texts_containing(f[2:])
            if len(found) > common_text:
                continue
            text_total += w * w
            text_words.append((found if isinstance(found, set) else set(found), w * w))
        contained = self._contained(prep.cleaned)
        dots: dict[int, float] = defaultdict(float)
        for _key, qw, plist in rare:
            for li, lw in plist:
                dots[li] += qw * lw
        if not dots:
            dots = self._common_dots(common, qnorm, top_k, contained, text_words, text_total)
        else:
            if len(dots) > MAX_LABEL_CANDIDATES:
                # common features add at most their share of the title's weight: keep the labels whose
                # rare-feature similarity leads (the rest cannot catch up with the leaders)
                norms = self.label_norms
                keep = heapq.nlargest(MAX_LABEL_CANDIDATES, [(d / norms[li], li) for li, d in dots.items()])
                dots = defaultdict(float, {li: dots[li] for _s, li in keep})
            weights = self.label_weights
            for li in dots:
                lwts = weights[li]
                for key, qw, _plist in common:
                    lw = lwts.get(key)
                    if lw:
                        dots[li] += qw * lw
        best_label: dict[int, tuple[float, int]] = {}
        second: dict[int, float] = {}
        info = self.label_info
        for li in dots.keys() | contained.keys():
            entry, norm, factor = info[li]
            sim = dots.get(li, 0.0) / (qnorm * norm)
            bonus = contained.get(li)
            if bonus is not None and bonus > sim:
                sim = bonus
            sim = (1.0 if sim > 1.0 else sim) * factor
            old = best_label.get(entry)
            if old is None:
                best_label[entry] = (sim, li)
                second[entry] = 0.0
            elif sim > old[0] or (sim == old[0] and li < old[1]):  # a tie: the first label, always
                best_label[entry] = (sim, li)
                second[entry] = old[0]
            elif sim > second[entry]:
                second[entry] = sim
        if SECOND_LABEL_WEIGHT:
            # an entry with several matching labels (运营 in many aliases) gains some of the second
            for e, (sim, li) in best_label.items():
                best_label[e] = (1 - (1 - sim) * (1 - SECOND_LABEL_WEIGHT * second[e]), li)

        text_hits: dict[int, float] = {}
        is_occ = self.is_occupation
        # the text can lift an entry's score from its label score l to at most l + TEXT_WEIGHT x (1 - l):
        # entries whose best cannot reach the k-th lowest bound are not scored further (exact pruning)
        if len(best_label) > top_k:
            lows = heapq.nlargest(top_k, (b[0] if is_occ[e] else b[0] * GROUP_FACTOR for e, b in best_label.items()))
            bound = lows[-1]
            best_label = {
                e: b
                for e, b in best_label.items()
                if (b[0] + TEXT_WEIGHT * (1 - b[0])) * (1.0 if is_occ[e] else GROUP_FACTOR) >= bound
            }
        ranked = []  # (-score, is a group, entry index): entry indexes are in code order
        for i, (label_score, _li) in best_label.items():
            hit = sum(w2 for found, w2 in text_words if i in found)
            if hit:
                text_hits[i] = hit
            s = 1 - (1 - label_score) * (1 - TEXT_WEIGHT * hit / text_total) if hit else label_score
            ranked.append((-(s if is_occ[i] else s * GROUP_FACTOR), not is_occ[i], i))
        # an entry found only in definitions/tasks scores at most TEXT_WEIGHT x its text share: only
        # those that can still reach the top k are looked at
        floor = -heapq.nsmallest(top_k, ranked)[-1][0] if len(ranked) >= top_k else 0.0
        if text_total and TEXT_WEIGHT > floor:
            limit = floor * text_total / TEXT_WEIGHT
            # an entry found only by the lightest words, whose weights together stay below the limit,
            # cannot reach it: only the entries of the other words are summed up (max-score pruning)
            light, heavy = 0.0, []
            for found, w2 in sorted(text_words, key=lambda x: x[1]):
                if not heavy and light + w2 < limit - 1e-9:
                    light += w2
                else:
                    heavy.append(found)
            for i in set().union(*heavy).difference(best_label):
                hit = 0.0
                for found, w2 in text_words:  # summed in the words' order, as the scores above
                    if i in found:
                        hit += w2
                if hit >= limit:
                    text_hits[i] = hit
                    s = TEXT_WEIGHT * hit / text_total
                    ranked.append((-(s if is_occ[i] else s * GROUP_FACTOR), not is_occ[i], i))
        out = []
        for neg, _group, i in heapq.nsmallest(top_k, ranked):
            bl = best_label.get(i)
            out.append(
                (
                    -neg,
                    i,
                    {
                        "label": bl,
                        "label_score": bl[0] if bl else 0.0,
                        "text_score": text_hits.get(i, 0.0) / text_total if text_total else 0.0,
                    },
                )
            )
        return out

    def _contained(self, text: str) -> dict[int, float]:
        """Every label that occurs whole in the text -> 0.55 + 0.45 x its share of the text; and a
        label that is the same role under another rank or head word (架构师 for 架构工程师: its text
        without its head is the title without its head) -> LABEL_CORE_FACTOR x the same."""
        cleaned = text.replace(" ", "")
        contained: dict[int, float] = {}
        n = len(cleaned)
        prefixes = self.label_prefixes
        head = self.analyzer.head_of(cleaned) if self.by_core else None
        if head and len(cleaned) - len(head) >= 2:
            core = cleaned[: -len(head)]
            bonus = LABEL_CORE_FACTOR * (0.55 + 0.45 * len(core) / n)
            for li in self.by_core.get(core, ()):
                contained[li] = max(bonus, contained.get(li, 0.0))
        for i in range(n - 1):  # every label that occurs whole in the title
            for j in range(i + 2, min(n, i + MAX_LABEL_CHARS) + 1):
                piece = cleaned[i:j]
                if piece not in prefixes:
                    break
                for li in self.by_compact.get(piece, ()):
                    contained[li] = 0.55 + 0.45 * (j - i) / n
        return contained

    def _common_dots(
        self,
        common: list[tuple[str, float, Any]],
        qnorm: float,
        top_k: int,
        contained: Mapping[int, float],
        text_words: Sequence[tuple[set[int], float]],
        text_total: float,
    ) -> dict[int, float]:
        """A title of common words only (工程师, 开发, 管理): every label with one of them, reduced to
        the labels of the entries that can still reach the first ``top_k``, as _score would find them.

        The dot products are summed in numpy in the order the postings are read (np.bincount adds
        one posting after the other, so each sum is the same float as a Python loop's), and the
        labels keep the order in which they were first met. Each entry's score is then worked out
        as _score does (best and second label, text score, GROUP_FACTOR) on the arrays, and only
        the entries that reach the top_k-th score (less 1e-9 for rounding) keep their labels, with
        every entry that has a label occurring whole in the title (its bonus is added later). None
        of the others can be among the top_k that _score returns, and none would be counted as
        found by the text alone (their text score is below that), so what it returns is unchanged;
        at 10x data it reads tens of labels in Python instead of thousands
        (bench/bench_classify_scale.py)."""
        if not common:
            return {}
        parts = [self.common_postings[key] for key, _qw, _plist in common]
        ids = np.concatenate([p[0] for p in parts])
        products = np.concatenate([qw * p[1] for (_key, qw, _plist), p in zip(common, parts, strict=True)])
        sums = np.bincount(ids, weights=products, minlength=len(self.labels))
        touched = np.flatnonzero(sums)  # every weight is positive
        entry_of, norms, factors, group_factor = self.label_arrays
        if len(touched) > MAX_LABEL_CANDIDATES:
            sims = np.minimum(sums[touched] / (qnorm * norms[touched]), 1.0) * factors[touched]
            entries = entry_of[touched]
            best = np.zeros(len(self.records))
            np.maximum.at(best, entries, sims)
            seen = np.flatnonzero(best)  # the entries met (every similarity is positive)
            if len(seen) > top_k:
                # the second best label of each entry (the best again when two labels share it)
                at_best = sims == best[entries]
                twice = np.bincount(entries[at_best], minlength=len(self.records)) > 1
                second = np.zeros(len(self.records))
                np.maximum.at(second, entries[~at_best], sims[~at_best])
                second = np.where(twice, best, second)
                hit = np.zeros(len(self.records))  # the text score's share, summed as _score sums it
                for found, w2 in text_words:
                    hit[np.fromiter(found, dtype=np.intp, count=len(found))] += w2
                rest = 1 - TEXT_WEIGHT * hit[seen] / text_total if text_total else 1.0
                label = 1 - (1 - best[seen]) * (1 - SECOND_LABEL_WEIGHT * second[seen])
                score = (1 - (1 - label) * rest) * group_factor[seen]
                kth = np.partition(score, len(score) - top_k)[len(score) - top_k]
                keep = np.zeros(len(self.records), dtype=bool)
                keep[seen[score >= kth - 1e-9]] = True
                keep[entry_of[list(contained)]] = True
                kept = np.zeros(len(self.labels), dtype=bool)
                kept[touched[keep[entries]]] = True
                ids = ids[kept[ids]]
        touched, first = np.unique(ids, return_index=True)
        touched = touched[np.argsort(first, kind="stable")]  # in the order first met
        return dict(zip(touched.tolist(), sums[touched].tolist(), strict=True))

    def clear_caches(self) -> None:
        """Forget remembered part scores and coverage strengths (benchmarks time a first sight)."""
        self._cache.clear()
        self._strength.clear()
        self._cores.clear()
        self.witnesses.clear()

    def coverage(self, words: Sequence[tuple[str, float]], entry: int) -> float:
        """Share of the part's words (weighted) that the entry's own data uses: its name (fully),
        its other labels (half for one label, more for each further label that has the word), its
        definition and its tasks. 算法 is in seven labels and the definition of 人工智能工程技术人员
        but in two labels of 计算机软件工程技术人员."""
        total = got = 0.0
        known = self._strength
        for w, weight in words:
            total += weight
            s = known.get((w, entry))
            if s is None:
                s = self._word_strength(w, entry)
                if len(known) >= STRENGTH_CACHE:
                    known.clear()
                known[(w, entry)] = s
            got += weight * s
        return got / total if total else 0.0

    def _word_strength(self, word: str, entry: int) -> float:
        """How strongly an entry's own data uses a word, 0-1 (see coverage)."""
        if word in self.entry_names[entry]:
            return COVERAGE_STRENGTH["name"]
        miss = 1.0
        n = self.entry_labels[entry].count(word)
        if n:
            miss *= (1 - COVERAGE_STRENGTH["label"]) ** n
        if word in self.definitions[entry]:
            miss *= 1 - COVERAGE_STRENGTH["definition"]
        if word in self.entry_tasks[entry]:
            miss *= 1 - COVERAGE_STRENGTH["task"]
        return 1 - miss

    def _rerank(
        self, part: Part, found: list[tuple[float, int, dict[str, Any]]]
    ) -> list[tuple[float, int, dict[str, Any]]]:
        """The candidates of a part read word by word: mixed with the coverage of the part's words by
        each entry, and lowered when the part's head (工程师, 员, 工) disagrees with the kind of name
        the entry has (graph-learnt, _head_agreement). A head that names a role (老师, 司机, 运营) is
        one of the words to cover; one that says rank, not field (工程师, 经理: generic-head) is not."""
        if not found:
            return found
        head = self.analyzer.head_of(part.text)
        agreement = self.head_agreement.get(head or "")
        unknown = self.unknown_label_idf
        idf = self.label_idf
        words = [
            (w, idf.get("w:" + w, unknown) * (SINGLE_CHAR_WEIGHT if len(w) == 1 and CJK_RUN.fullmatch(w) else 1.0))
            for w in dict.fromkeys(part.words)
            if w != head or head not in self.analyzer.generic_heads
        ]
        words += [(e, 0.5 * idf.get("w:" + e, unknown)) for e in part.expansions if e not in part.words]
        out = []
        for score, entry, details in found:
            cov = self.coverage(words, entry) if words else 0.0
            factor = 1.0 if self.is_occupation[entry] else GROUP_FACTOR
            new = (1 - COVERAGE_WEIGHT) * score + COVERAGE_WEIGHT * cov * factor
            if agreement is not None:
                new *= 1 - HEAD_WEIGHT * (1 - agreement.get(self.entry_kind[entry], 0.0))
            out.append((new, entry, details | {"coverage": cov, "fit": score}))
        is_occ = self.is_occupation
        out.sort(key=lambda x: (-round(x[0], 9), not is_occ[x[1]], x[1]))
        return out

    def core_words(self, part: Part) -> tuple[str, list[tuple[str, float]]]:
        """The words of a part that name its field and function (测试 of 测试工程师): the part
        without a rank word or a one-character head at its end, and its words other than rank
        words, weighted by IDF."""
        known = self._cores.get(part.text)
        if known is not None:
            return known
        text = part.text.replace(" ", "")
        head = self.analyzer.head_of(text)
        segmented = list(part.words)
        if head and (head in self.analyzer.generic_heads or len(head) == 1):
            text = text[: -len(head)]
            if segmented and segmented[-1] != head and segmented[-1].endswith(head):
                segmented[-1] = segmented[-1][: -len(head)]  # 分析师 -> 分析
        unknown = self.unknown_label_idf
        words = [
            (w, self.label_idf.get("w:" + w, unknown))
            for w in dict.fromkeys(segmented)
            if w and w not in self.analyzer.generic_heads and (len(w) > 1 or not CJK_RUN.fullmatch(w))
        ]
        if len(self._cores) >= SCORE_CACHE:
            self._cores.clear()
        self._cores[part.text] = (text, words)
        return text, words

    def names_containing(self, text: str) -> list[int]:
        """Entries whose own name contains the text (two or more characters) whole."""
        grams = character_bigrams(text)
        if not grams:
            return []
        found = min((self.name_bigrams.get(g, []) for g in grams), key=len)
        return [i for i in found if text in self.entry_names[i]]

    def siblings(self, entry: int) -> list[int]:
        """The other occupations of an entry's minor group."""
        minor = level_code(self.records[entry].code, "minor")
        return [i for i in self.minor_members.get(minor, ()) if i != entry]

    def official_coverage(self, words: Sequence[tuple[str, float]], entry: int) -> float:
        """Like coverage, from the entry's official text only (name, definition, tasks; no aliases,
        work types or other labels)."""
        total = got = 0.0
        for w, weight in words:
            total += weight
            if w in self.entry_names[entry]:
                got += weight
                continue
            miss = 1.0
            if w in self.definitions[entry]:
                miss *= 1 - COVERAGE_STRENGTH["definition"]
            if w in self.entry_tasks[entry]:
                miss *= 1 - COVERAGE_STRENGTH["task"]
            got += weight * (1 - miss)
        return got / total if total else 0.0

    def texts_containing(self, word: str) -> set[int] | list[int]:
        """Entries whose definition or tasks contain the word whole."""
        if not CJK_RUN.fullmatch(word):
            return self.text_postings.get(word, set()) if LATIN_WORD.fullmatch(word) else set()
        grams = character_bigrams(word)
        if not grams:
            return set()
        found = self.text_postings.get(grams[0], set())
        for g in grams[1:]:
            found = found & self.text_postings.get(g, set())
            if not found:
                return found
        return found if len(grams) == 1 else [i for i in found if word in self.texts[i]]

    # -------------------------------------------------------------- explanations

    def explain(self, prep: Part, entry: int, details: dict[str, Any]) -> list[dict[str, object]]:
        """Which label, definition and task words matched, for one candidate."""
        reasons: list[dict[str, object]] = []
        if details["label"] is not None:
            li = details["label"][1]
            label = self.labels[li]
            reasons.append(
                {
                    "field": label.kind,
                    "text": label.text,
                    "matched": self._matched_parts(prep, self.label_weights[li].keys()),
                    "score": round(details["label_score"], 3),
                }
            )
        if details["text_score"] > 0:
            rec = self.records[entry]
            qwords = [w for w in dict.fromkeys(prep.words + prep.expansions) if len(w) > 1]
            definition = self.definitions[entry]
            in_def = [w for w in qwords if w in definition]
            if in_def:
                reasons.append({"field": "definition", "matched": in_def})
            for n, (task, simple) in enumerate(zip(rec.tasks, self.tasks[entry], strict=True), start=1):
                in_task = [w for w in qwords if w in simple and w not in in_def]
                if in_task:
                    reasons.append({"field": "task", "task_number": n, "text": task, "matched": in_task})
                    break
        return reasons

    def _matched_parts(self, prep: Part, label_feats: Collection[str]) -> list[str]:
        """Words and the longest runs of shared characters, in the order of the title."""
        parts: list[str] = []
        for w in prep.words:
            if "w:" + w in label_feats and w not in parts:
                parts.append(w)
        for run in CJK_RUN.findall(prep.cleaned):
            covered = [False] * len(run)
            for i in range(len(run) - 1):
                if "b:" + run[i : i + 2] in label_feats:
                    covered[i] = covered[i + 1] = True
            i = 0
            while i < len(run):
                if covered[i]:
                    j = i
                    while j < len(run) and covered[j]:
                        j += 1
                    span = run[i:j]
                    if not any(span in p for p in parts):
                        parts = [p for p in parts if p not in span] + [span]
                    i = j
                else:
                    i += 1
        for e in prep.expansions:
            if "w:" + e in label_feats and e not in parts:
                parts.append(f"{e} (synonym)")
        return parts


# ---------------------------------------------------------------- the classifier


class TitleError(ValueError):
    """A title that cannot be classified as given (empty, too long, not text)."""


@dataclass(frozen=True)
class Calibration:
    """Raw score -> probability that the candidate is right, by linear interpolation between the
    points of a monotone (isotonic) fit measured on labelled real postings; one curve for the first
    candidate and one for the others (the same score means more at the top of the list).

    >>> c = Calibration(((0.0, 0.1), (1.0, 0.9)), ((0.0, 0.0), (1.0, 0.5)))
    >>> c.probability(0.5), c.probability(0.5, first=False)
    (0.5, 0.25)
    """

    points: tuple[tuple[float, float], ...]
    others: tuple[tuple[float, float], ...] = ()

    @classmethod
    def load(cls, path: Path = CALIBRATION_FILE) -> Calibration:
        """The table written by bench/eval_classify.py --calibrate; without it, probability = score."""
        if not path.exists():
            return cls(((0.0, 0.0), (1.0, 1.0)))
        curves: dict[str, list[tuple[float, float]]] = {"first": [], "other": []}
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line or line.startswith("#") or line.startswith("rank"):
                continue
            rank, score, prob = line.split("\t")[:3]
            curves[rank].append((float(score), float(prob)))
        return cls(tuple(sorted(curves["first"])), tuple(sorted(curves["other"])))

    def probability(self, score: float, first: bool = True) -> float:
        points = self.points if first or not self.others else self.others
        xs = [x for x, _ in points]
        i = bisect.bisect_left(xs, score)
        if i <= 0:
            return points[0][1]
        if i >= len(xs):
            return points[-1][1]
        (x0, y0), (x1, y1) = points[i - 1], points[i]
        return y0 if x1 == x0 else y0 + (y1 - y0) * (score - x0) / (x1 - x0)


LEVELS = ("occupation", "minor", "medium", "major")


def entry_level(code: str, kinds: Collection[str]) -> str:
    """The most specific level an entry stands for (a minor group that is also an occupation: occupation)."""
    for level in LEVELS:
        if level in kinds:
            return level
    return "occupation" if not code.endswith("-00") else "minor"


class Classifier:
    """classify(title) -> candidates with scores, probabilities and reasons, an answer at the level
    the title supports, and the new-occupation signal."""

    def __init__(self, index: ClassifierIndex, calibration: Calibration | None = None) -> None:
        self.index = index
        self.groups = {r.code: r.name for r in index.records}
        self.kinds = {r.code: r.kinds for r in index.records}
        self.calibration = calibration or Calibration.load()

    @classmethod
    def from_store(cls, store: SelectStore, lists: WordLists | None = None, kinds: Kinds | None = None) -> Classifier:
        return cls(ClassifierIndex.from_store(store, lists, kinds))

    @staticmethod
    def check_title(title: object) -> str:
        if not isinstance(title, str):
            raise TitleError("the title must be text")
        if CONTROL.search(title):
            raise TitleError(
                "the title contains control characters or bytes that are not UTF-8 text; send the title as UTF-8 text"
            )
        stripped = title.strip()
        if not stripped:
            raise TitleError("the title is empty; give a job title such as 电商运营 or SLAM算法工程师")
        if len(stripped) > MAX_TITLE_CHARS:
            raise TitleError(
                f"the title is {len(stripped)} characters; the limit is {MAX_TITLE_CHARS} "
                "(give the job title, not the whole job advertisement)"
            )
        if not HAS_TEXT.search(stripped):
            raise TitleError(
                "the title has no letters, digits or Chinese characters (only symbols or emoji); "
                "give a job title such as 电商运营"
            )
        return stripped

    def score_parts(self, prep: Prepared, top_k: int = TOP_K) -> list[tuple[float, int, Part, dict[str, Any]]]:
        """Candidates over all parts: noisy-or of each part's weighted score; the part that gave an
        entry its largest share explains it."""
        combined: dict[int, float] = {}
        fit: dict[int, float] = {}  # the same over the scores before the word-by-word reading
        best: dict[int, tuple[float, Part, dict[str, Any]]] = {}
        k = max(PART_TOP_K, top_k) if len(prep.parts) > 1 else top_k
        for part in prep.parts:
            for score, entry, details in self.index.score(part, k):
                w = part.weight * score
                combined[entry] = 1 - (1 - combined.get(entry, 0.0)) * (1 - w)
                fit[entry] = 1 - (1 - fit.get(entry, 0.0)) * (1 - part.weight * details.get("fit", score))
                if entry not in best or w > best[entry][0]:
                    best[entry] = (w, part, details)
        is_occ = self.index.is_occupation
        ranked = heapq.nsmallest(
            top_k, combined.items(), key=lambda item: (-round(item[1], 9), not is_occ[item[0]], item[0])
        )
        return [(score, entry, best[entry][1], best[entry][2] | {"fit": fit[entry]}) for entry, score in ranked]

    def classify(self, title: str, top_k: int = TOP_K, explain: int | None = None) -> dict[str, object]:
        """Candidates for a title, best first; reasons for the first ``explain`` (default all)."""
        stripped = self.check_title(title)
        prep = self.index.analyzer.prepare(stripped)
        result: dict[str, object] = {
            "title": stripped,
            "normalised": prep.normalised,
            "converted_from_traditional": prep.traditional,
            "removed_noise": prep.removed,
            "matched_text": prep.cleaned,
            "parts": [{"text": p.text, "role": "secondary" if p.secondary else "title"} for p in prep.parts],
            "words": prep.words,
            "synonyms_added": prep.expansions,
        }
        if not any(CJK_RUN.search(p.text) or LATIN_WORD.search(p.text) for p in prep.parts):
            why = (
                "only recruiting noise words were found"
                if prep.removed and not prep.parts
                else "the title has no Chinese or Latin words to match"
            )
            result.update(
                status="no-match",
                answer=None,
                candidates=[],
                group_candidates=[],
                unknown_words=[],
                new_occupation_signal={"flag": False, "reason": why},
            )
            return result
        scored = self._witnessed(prep, self._diverse(self.score_parts(prep, max(top_k, PART_TOP_K)), top_k), top_k)
        unknown = [
            w
            for w in prep.words
            if len(w) > 1 and "w:" + w not in self.index.label_idf and not self.index.texts_containing(w)
        ]
        explain = top_k if explain is None else explain
        all_candidates = [
            self._candidate(part, s, i, d, n < explain, first=n == 0)
            for n, (s, i, part, d) in enumerate(scored[:top_k])
        ]
        groups = self._group_candidates(scored)
        answer = self._named_group(prep, all_candidates, groups) or self._answer(all_candidates, groups)
        # the signal reads how well labels, definitions and tasks match (the scores before the
        # word-by-word reading, which reorders candidates and is not meant to say how well they fit)
        best = max(d["fit"] for *_x, d in scored) if scored else 0.0
        has_cjk = any(CJK_RUN.search(p.text) for p in prep.parts)
        if not scored:
            status, flag = "no-match", has_cjk
            reason = "nothing in the classification shares a word with this title"
        elif best < NEW_OCCUPATION_THRESHOLD:
            status, flag = "weak-match", has_cjk
            reason = (
                f"the best match scores {round(best, 3)} (below {NEW_OCCUPATION_THRESHOLD}): no name, alias, "
                "work type, definition or task fits this title well"
            )
        else:
            status, flag = "match", False
            reason = f"the best match scores {round(best, 3)} (at least {NEW_OCCUPATION_THRESHOLD})"
        if flag:
            reason = "this may be a new occupation: " + reason
            if unknown:
                reason += f"; words the classification does not use: {'、'.join(unknown)}"
        elif status != "match":
            reason += "; the title has no Chinese words, so no new-occupation signal is given"
        result.update(
            status=status,
            answer=answer,
            candidates=all_candidates[:top_k],
            group_candidates=groups[:top_k],
            unknown_words=unknown,
            new_occupation_signal={"flag": flag, "reason": reason},
        )
        return result

    def _diverse(
        self, scored: list[tuple[float, int, Part, dict[str, Any]]], top_k: int
    ) -> list[tuple[float, int, Part, dict[str, Any]]]:
        """The first ``top_k`` candidates made to say different things: a group that comes after one
        of its own occupations, and a further sibling when MAX_SIBLINGS of its minor group are
        already listed, wait until the end of the list (in score order), so a candidate from another
        branch gets their place. The first candidate never moves."""
        if len(scored) <= 1:
            return scored
        records = self.index.records
        chosen, waiting = [scored[0]], []
        siblings: dict[str, int] = defaultdict(int)
        levels: list[tuple[str, str]] = []  # (code, level) of the chosen

        def note(entry: int) -> None:
            rec = records[entry]
            siblings[level_code(rec.code, "minor")] += 1
            levels.append((rec.code, entry_level(rec.code, rec.kinds)))

        note(scored[0][1])
        for item in scored[1:]:
            if len(chosen) >= top_k:
                waiting.append(item)
                continue
            rec = records[item[1]]
            level = entry_level(rec.code, rec.kinds)
            redundant = level != "occupation" and any(
                lv == "occupation" and level_code(code, level) == rec.code for code, lv in levels
            )
            if redundant or siblings[level_code(rec.code, "minor")] >= MAX_SIBLINGS:
                waiting.append(item)
                continue
            chosen.append(item)
            note(item[1])
        return chosen + waiting

    def _witnessed(
        self, prep: Prepared, scored: list[tuple[float, int, Part, dict[str, Any]]], top_k: int
    ) -> list[tuple[float, int, Part, dict[str, Any]]]:
        """Step 6c: the official text kept in view. A candidate that a recruiting alias put near the
        top may not say the title's words in its own name, definition or tasks, while a sibling in
        its minor group does (测试工程师: the alias 硬件测试工程师 makes 计算机硬件工程技术人员 first; the
        definition of 计算机软件工程技术人员, same minor group, says "设计、测试、维护"). Such a
        sibling, and an entry whose own name contains the title's words whole (数据分析师 ->
        数据分析处理工程技术人员), gets one of the last WITNESS_SLOTS places of the first ``top_k``.
        The first candidate never moves."""
        if len(scored) < 2 or not WITNESS_SLOTS:
            return scored
        part = next((p for p in prep.parts if not p.secondary), None)
        if part is None:
            return scored
        index = self.index
        core, words = index.core_words(part)
        if not words:
            return scored
        # what _find_witnesses reads: the part, which candidates are shown, and the first WITNESS_FROM
        key = (part.text, top_k, tuple(entry for _s, entry, _p, _d in scored[: max(top_k, WITNESS_FROM)]))
        witnesses = index.witnesses.get(key)
        if witnesses is None:
            witnesses = self._find_witnesses(core, words, scored, top_k, index.analyzer.head_of(part.text))
            if len(index.witnesses) >= SCORE_CACHE:
                index.witnesses.clear()
            index.witnesses[key] = witnesses
        if not witnesses:
            return scored
        by_entry = {entry: item for item in scored for entry in (item[1],)}
        extra = []
        for w in witnesses:
            item = by_entry.get(w)
            if item is None:  # not among the candidates: scored by the word-by-word reading alone
                details = {"label": None, "label_score": 0.0, "text_score": 0.0}
                score, _e, details = index._rerank(part, [(0.0, w, details)])[0]
                item = (score, w, part, details | {"fit": 0.0})
            extra.append(item)
        return self._place(scored, witnesses, extra, top_k)

    def _find_witnesses(
        self,
        core: str,
        words: list[tuple[str, float]],
        scored: list[tuple[float, int, Part, dict[str, Any]]],
        top_k: int,
        head: str | None,
    ) -> list[int]:
        """The entries step 6c keeps in view (see _witnessed), remembered per part and first candidates;
        ``head`` is the title's head word, which the kin are chosen for."""
        index = self.index
        shown = {entry for _s, entry, _p, _d in scored[:top_k]}
        witnesses: list[int] = []
        if WITNESS_NAMES and len(core) >= 2:
            named = [i for i in index.names_containing(core) if index.is_occupation[i]]
            if not named and NAME_TAIL_MIN:
                # the title's last words (平台运营部数据分析 -> 数据分析): the longest ending, from a
                # word boundary, that some names contain whole
                for start in self._word_starts(core, words):
                    tail = core[start:]
                    if len(tail) < NAME_TAIL_MIN:
                        break
                    named = [i for i in index.names_containing(tail) if index.is_occupation[i]]
                    if named:
                        break
            if len(named) <= WITNESS_NAMES:
                witnesses += [i for i in named if i not in shown]
        for _s, entry, _p, _d in scored[:WITNESS_FROM]:
            if not index.is_occupation[entry]:
                continue
            own = index.official_coverage(words, entry)
            best, best_cov = None, max(own, WITNESS_MIN)
            for sib in index.siblings(entry):
                if sib in shown or sib in witnesses:
                    continue
                cov = index.official_coverage(words, sib)
                if cov > best_cov:
                    best, best_cov = sib, cov
            if best is not None:
                witnesses.append(best)
                break
        witnesses += self._kin_witness(head, words, scored, shown | set(witnesses))
        return list(dict.fromkeys(witnesses))[:WITNESS_SLOTS]

    @staticmethod
    def _word_starts(text: str, words: Sequence[tuple[str, float]]) -> list[int]:
        """Where the words after the first begin in the text, in order (for its endings)."""
        starts, pos = [], 0
        for n, (w, _weight) in enumerate(words):
            at = text.find(w, pos)
            if at < 0:
                continue
            if n:
                starts.append(at)
            pos = at + len(w)
        return starts

    def _kin_witness(
        self,
        head: str | None,
        words: list[tuple[str, float]],
        scored: list[tuple[float, int, Part, dict[str, Any]]],
        taken: set[int],
    ) -> list[int]:
        """The kin of a leading candidate (ClassifierIndex._kin) whose kind of name the title's head
        asks for, when the candidate's own kind disagrees with it: 性能测试工程师 finds
        计算机软件测试员 and asks for an engineer, 计算机软件工程技术人员. Of several, the kin whose
        official text covers the title's words best."""
        index = self.index
        agreement = index.head_agreement.get(head or "")
        if not KIN_FROM or agreement is None:
            return []
        for _s, entry, _p, _d in scored[:KIN_FROM]:
            if not index.is_occupation[entry] or agreement.get(index.entry_kind[entry], 0.0) >= KIN_AGREEMENT:
                continue
            kin = [
                k
                for k in index.kin.get(entry, ())
                if k not in taken and agreement.get(index.entry_kind[k], 0.0) >= KIN_AGREEMENT
            ]
            if kin:
                return [max(kin, key=lambda k: (index.official_coverage(words, k), -k))]
        return []

    def _place(
        self,
        scored: list[tuple[float, int, Part, dict[str, Any]]],
        witnesses: list[int],
        extra: list[tuple[float, int, Part, dict[str, Any]]],
        top_k: int,
    ) -> list[tuple[float, int, Part, dict[str, Any]]]:
        """The witnesses take the last places of the first ``top_k``; the others keep their order, and
        a minor group that the witnesses fill up to MAX_SIBLINGS lets its further members wait (step
        6b stays true)."""
        records = self.index.records
        groups: dict[str, int] = defaultdict(int)
        for item in extra:
            groups[level_code(records[item[1]].code, "minor")] += 1
        others = [x for x in scored if x[1] not in witnesses]
        head, rest = others[:1], []
        groups[level_code(records[others[0][1]].code, "minor")] += 1
        for item in others[1:]:
            group = level_code(records[item[1]].code, "minor")
            if len(head) + len(extra) < top_k and groups[group] < MAX_SIBLINGS:
                head.append(item)
                groups[group] += 1
            else:
                rest.append(item)
        return head + extra + rest

    def _group_candidates(self, scored: Sequence[tuple[float, int, Part, dict[str, Any]]]) -> list[dict[str, object]]:
        """Minor and medium groups with the summed probability of their candidates (capped at 1)."""
        mass: dict[str, float] = defaultdict(float)
        members: dict[str, list[str]] = defaultdict(list)
        for n, (score, entry, _part, _d) in enumerate(scored):
            rec = self.index.records[entry]
            p = self.calibration.probability(score, first=n == 0)
            level = entry_level(rec.code, rec.kinds)
            counted = set()  # 1-01-00-01 has no minor group: its minor and medium codes are one group
            for lv in ("minor", "medium"):
                if LEVELS.index(lv) < LEVELS.index(level):
                    continue
                code = level_code(rec.code, lv)
                if code in self.groups and code not in counted:
                    counted.add(code)
                    mass[code] += p
                    members[code].append(rec.code)
        out = [
            {
                "code": code,
                "name": self.groups[code],
                "level": "minor" if code_kind(code) == "minor" else "medium",  # the catch-all 8-00-00-00 too
                "probability": round(min(1.0, p), 3),
                "members": members[code],
            }
            for code, p in mass.items()
        ]
        out.sort(key=lambda g: (-g["probability"], g["level"] != "minor", g["code"]))  # type: ignore[operator]
        return out

    def _named_group(
        self, prep: Prepared, candidates: list[dict[str, Any]], groups: list[dict[str, Any]]
    ) -> dict[str, object] | None:
        """The minor group when the title is what several of its occupations' names share.

        护士 is in 内科护士, 儿科护士, 社区护士 … (2-05-08-00 护理人员): the title does not say which,
        so it is answered at the group's level, whatever label lifted one of them to the top (the
        csco22 aliases give 护士 to 内科护士 alone). A title that is an occupation's own name is
        that occupation; a title of several parts (A/B) is left to the scores."""
        titles = [p for p in prep.parts if not p.secondary]
        if len(titles) != 1 or not candidates or candidates[0]["level"] != "occupation":
            return None
        text, top = titles[0].text.replace(" ", ""), candidates[0]
        minor = level_code(top["code"], "minor")
        if len(text) < 2 or top["name"] == text or minor == top["code"] or minor not in self.groups:
            return None
        sharing = [
            self.index.records[i].name
            for i in self.index.minor_members.get(minor, [])
            if text in self.index.records[i].name
        ]
        if len(sharing) < 2 or top["name"] not in sharing:
            return None
        mass = next((g["probability"] for g in groups if g["code"] == minor), top["probability"])
        return {
            "code": minor,
            "name": self.groups[minor],
            "level": "minor",
            "probability": mass,
            "basis": f"the title names what {len(sharing)} of this group's occupations share "
            f"({'、'.join(sharing[:3])} …)",
            "shared_by": sharing,
            "shared_text": text,  # the title's own part, without a secondary one (护士（夜班）: 护士)
        }

    def _answer(self, candidates: list[dict[str, Any]], groups: list[dict[str, Any]]) -> dict[str, object] | None:
        """The most specific level whose best candidate is likely enough: the top candidate when its
        probability reaches ANSWER_PROBABILITY, else the first minor, then medium group whose
        candidates together reach GROUP_PROBABILITY; else the top candidate, marked uncertain."""
        if not candidates:
            return None
        top = candidates[0]
        if top["probability"] >= ANSWER_PROBABILITY:
            return {k: top[k] for k in ("code", "name", "level", "probability")} | {"basis": "best candidate"}
        for level in ("minor", "medium"):
            g = next((g for g in groups if g["level"] == level), None)
            if g is not None and g["probability"] >= GROUP_PROBABILITY[level] and len(g["members"]) > 1:
                return {k: g[k] for k in ("code", "name", "level", "probability")} | {
                    "basis": f"{len(g['members'])} candidates of this group together"
                }
        return {k: top[k] for k in ("code", "name", "level", "probability")} | {"basis": "best candidate, uncertain"}

    def _candidate(
        self, part: Part, score: float, entry: int, details: dict[str, Any], explain: bool = True, first: bool = True
    ) -> dict[str, object]:
        rec = self.index.records[entry]
        groups = []
        for code in ancestors(rec.code):
            if code in self.groups:
                groups.append({"code": code, "name": self.groups[code]})
        return {
            "code": rec.code,
            "name": rec.name,
            "kinds": rec.kinds,
            "level": entry_level(rec.code, rec.kinds),
            "score": round(score, 3),
            "probability": round(self.calibration.probability(score, first), 3),
            "groups": groups,
            "part": part.text,
            "reasons": self.index.explain(part, entry, details) if explain else [],
        }


# ---------------------------------------------------------------- batch mode and CLI

BATCH_COLUMNS = [
    "title",
    "status",
    "new_occupation_signal",
    "code",
    "name",
    "score",
    "minor_group",
    "major_group",
    "reasons",
    "other_candidates",
    "error",
    "probability",
    "answer_code",
    "answer_name",
    "answer_level",
]


def _reason_text(reasons: Iterable[dict[str, object]]) -> str:
    parts = []
    for r in reasons:
        matched = "、".join(str(m) for m in r.get("matched", []))  # type: ignore[union-attr]
        where = f"{r['field']} {r['text']}" if "text" in r and r["field"] != "task" else str(r["field"])
        if r["field"] == "task":
            where = f"task {r['task_number']}"
        parts.append(f"{where}: {matched}")
    return " ; ".join(parts)


def classify_rows(classifier: Classifier, titles: Iterable[str], top_k: int = 3) -> Iterable[list[str]]:
    """One CSV row per title; a bad title gets its error in the row, never an exception."""
    blank = [""] * len(BATCH_COLUMNS)
    for title in titles:
        try:
            res = classifier.classify(title, top_k=top_k, explain=1)
        except TitleError as exc:
            row = list(blank)
            row[0], row[1], row[10] = _printable(title)[:MAX_TITLE_CHARS], "error", str(exc)
            yield row
            continue
        cands: list[dict[str, Any]] = res["candidates"]  # type: ignore[assignment]
        signal: dict[str, Any] = res["new_occupation_signal"]  # type: ignore[assignment]
        row = list(blank)
        row[0], row[1], row[2] = str(res["title"]), str(res["status"]), "yes" if signal["flag"] else "no"
        if not cands:
            row[8] = signal["reason"]
            yield row
            continue
        top = cands[0]
        groups = {g["code"]: g["name"] for g in top["groups"]}
        minor = next((f"{c} {n}" for c, n in groups.items() if c.endswith("-00") and not c.endswith("-00-00")), "")
        major = next((f"{c} {n}" for c, n in groups.items() if c.endswith("-00-00-00")), "")
        others = " ; ".join(f"{c['code']} {c['name']} ({c['score']})" for c in cands[1:])
        answer: dict[str, Any] = res["answer"] or {}  # type: ignore[assignment]
        row[3:10] = [top["code"], top["name"], str(top["score"]), minor, major, _reason_text(top["reasons"]), others]
        row[11:15] = [
            str(top["probability"]),
            str(answer.get("code", "")),
            str(answer.get("name", "")),
            str(answer.get("level", "")),
        ]
        yield row


def _printable(title: object) -> str:
    """A bad title as it can be written into a CSV cell: text with undecodable bytes shown as \\xNN."""
    if not isinstance(title, str):
        return repr(title)
    return title.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")

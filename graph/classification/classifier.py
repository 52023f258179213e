"""Job-title classifier: which occupations of the classification a recruiting title belongs to.

Uses only what the graph knows (names, alternative names, recruiting-title aliases, work types,
definitions and main tasks, read with SPARQL) and two editable word lists in standards/job-titles/
(recruiting noise words and synonyms). Nothing is downloaded: jieba's dictionary and OpenCC's
tables ship in their wheels.

The model, step by step:

1. Normalise: NFKC (full-width letters, digits and punctuation become half-width), lower case,
   and Traditional to Simplified with OpenCC. A title that contains Traditional characters is
   converted with Taiwan phrase conversion (``tw2sp``: 軟體 -> 软件, 資料 -> 数据); a title that is
   already Simplified is left alone, because phrase conversion would change words such as 核心.
2. Strip recruiting noise: words (急招, 高薪,
   包吃住, 底薪+提成, city names ...), longest first, then regular expressions (pay ranges, ages,
   emoji). What was removed is reported.
3. Features: jieba words (``w:``), character bigrams of each run of Chinese characters (``b:``),
   single characters only where a run is one character long (``u:``), and the expansions of
   synonyms (拼多多 -> 电商 电子商务). Each feature weighs its inverse document frequency.
4. Label score: the cosine between the title's features and each name, alternative name,
   announced name, work type and alias of an entry, times the weight of that kind of label; a
   label contained whole in the title scores at least 0.55 + 0.45 x its share of the title.
   The entry keeps its best label, plus SECOND_LABEL_WEIGHT of its second best (noisy-or), so an
   occupation that many matching aliases point to gains over one with a single similar alias.
5. Text score: the share of the title's words (weighted; two characters or more) that the
   entry's definition and main tasks contain whole.
6. Score = 1 - (1 - label) x (1 - TEXT_WEIGHT x text); a group (not an occupation) is multiplied
   by GROUP_FACTOR so an occupation wins a tie.
7. New-occupation signal: when the best score is below NEW_OCCUPATION_THRESHOLD, or nothing
   matches, the title "may be a new occupation". Thresholds and weights were chosen on one fold
   of the alias data (bench/eval_classify.py); see docs/benchmarks.md for what they achieve.

>>> normalise_width("ＳＬＡＭ算法工程師（急）")
'slam算法工程師(急)'
>>> character_bigrams("拼多多运营")
['拼多', '多多', '多运', '运营']
"""

from __future__ import annotations

import heapq
import logging
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.build.tsv import read_dictionary, read_table
from graph.classification.queries import PREFIXES, SelectStore
from graph.core.codes import ancestors
from graph.core.paths import project_root

MAX_TITLE_CHARS = 100
TOP_K = 5
NEW_OCCUPATION_THRESHOLD = 0.5
LABEL_WEIGHT = {"name": 1.0, "alt": 0.95, "announced": 0.95, "work-type": 0.9, "alias": 1.0}
TEXT_WEIGHT = 0.35
GROUP_FACTOR = 0.9
SECOND_LABEL_WEIGHT = 0.6
COMMON_FEATURE_LABELS = 150  # a feature in more labels than this only completes a score
MAX_LABEL_CHARS = 40
MAX_LABEL_CANDIDATES = 40  # labels kept after the rare features (see score); no top-1 changed on 2,000 titles
COMMON_TEXT_SHARE = 0.25  # a word in more definitions/tasks than this share is not used for the text score
FEATURE_WEIGHT = {"w": 1.0, "b": 0.6, "u": 0.3, "s": 0.7}

CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
LATIN_WORD = re.compile(r"[a-z][a-z0-9]*(?:[+#]+|\.[a-z0-9]+)*|\d+[a-z][a-z0-9]*")
WORDLIKE = re.compile(r"[^\W_]")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
EMPTY_BRACKETS = re.compile(r"[(\[【（〔{<《]\s*[)\]】）〕}>》]")
SEPARATORS = re.compile(r"[\s/|,，、;；:：()\[\]{}<>《》【】（）〔〕\"'“”‘’·・•*_=~～\-—…。.?？]+")
TRADITIONAL_CHECK_CONFIG = "t2s"
TRADITIONAL_CONFIG = "tw2sp"

log = logging.getLogger(__name__)


# ---------------------------------------------------------------- normalisation


def normalise_width(text: str) -> str:
    """NFKC (full-width to half-width) and lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def character_bigrams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


class _OpenCC:
    """Traditional -> Simplified; phrase-level (tw2sp) only for text that has Traditional characters."""

    def __init__(self) -> None:
        import opencc

        self.check = opencc.OpenCC(TRADITIONAL_CHECK_CONFIG)
        self.convert_tw = opencc.OpenCC(TRADITIONAL_CONFIG)

    def simplify(self, text: str) -> tuple[str, bool]:
        simple = self.check.convert(text)
        if simple == text:
            return text, False
        return self.convert_tw.convert(text), True


@dataclass(frozen=True)
class WordLists:
    """The editable lists in standards/job-titles/: noise to strip, synonyms to add."""

    patterns: list[tuple[re.Pattern[str], str]]
    words: list[tuple[str, str]]  # longest first
    synonyms: dict[str, list[str]]

    @classmethod
    def load(cls, folder: Path | None = None) -> WordLists:
        folder = folder or project_root() / "standards" / "job-titles"
        dictionary = read_dictionary(folder)
        patterns: list[tuple[re.Pattern[str], str]] = []
        words: list[tuple[str, str]] = []
        for row in read_table(folder, "noise-words.tsv", dictionary):
            if row["kind"] == "pattern":
                try:
                    patterns.append((re.compile(row["term"]), row["category"]))
                except re.error as exc:
                    raise row.error(f"bad pattern {row['term']!r}: {exc}") from None
            else:
                words.append((normalise_width(row["term"]), row["category"]))
        # longer patterns first: a specific one (an age range) must win over a general one (a number range)
        patterns.sort(key=lambda p: (-len(p[0].pattern), p[0].pattern))
        words.sort(key=lambda w: (-len(w[0]), w[0]))
        synonyms = {
            normalise_width(r["term"]): r["expansion"].split() for r in read_table(folder, "synonyms.tsv", dictionary)
        }
        return cls(patterns, words, synonyms)


@dataclass
class Prepared:
    """A title after normalisation and noise stripping, with its features."""

    original: str
    normalised: str
    cleaned: str
    traditional: bool
    removed: list[dict[str, str]]
    words: list[str]
    expansions: list[str]
    features: dict[str, float] = field(default_factory=dict)


class Analyzer:
    """Turns text into weighted features; shared by the index (labels, texts) and by queries."""

    def __init__(self, lists: WordLists) -> None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        self.lists = lists
        self.tokenizer = jieba.Tokenizer()
        self.tokenizer.initialize()
        for word in list(lists.synonyms) + [w for w, _ in lists.words]:
            if CJK_RUN.fullmatch(word):
                self.tokenizer.add_word(word, freq=2000)
        self.opencc = _OpenCC()

    def simplify(self, text: str) -> tuple[str, bool]:
        return self.opencc.simplify(normalise_width(text))

    def strip_noise(self, text: str) -> tuple[str, list[dict[str, str]]]:
        """Remove noise words (longest first), then noise patterns; empty brackets go too."""
        removed = []
        for word, category in self.lists.words:
            if word in text:
                removed.append({"text": word, "category": category})
                text = text.replace(word, " ")
        for pattern, category in self.lists.patterns:
            for m in pattern.finditer(text):
                if m.group().strip():
                    removed.append({"text": m.group().strip(), "category": category})
            text = pattern.sub(" ", text)
        text = EMPTY_BRACKETS.sub(" ", text)
        text = re.sub(r"^[\s+&/|,，、;；:：-]+|[\s+&/|,，、;；:：-]+$", "", text)
        return re.sub(r"\s+", " ", text).strip(), removed

    def words(self, text: str) -> list[str]:
        """jieba words and Latin words, without separators; Latin words kept whole (c++, 3d, slam)."""
        out = []
        for part in SEPARATORS.split(text):
            if not part:
                continue
            pos = 0
            for m in LATIN_WORD.finditer(part):
                out += self._cjk_words(part[pos : m.start()])
                out.append(m.group())
                pos = m.end()
            out += self._cjk_words(part[pos:])
        return out

    def _cjk_words(self, text: str) -> list[str]:
        if not text:
            return []
        return [w for w in self.tokenizer.lcut(text) if WORDLIKE.search(w)]

    @staticmethod
    def char_features(text: str) -> list[str]:
        out = []
        for run in CJK_RUN.findall(text):
            out += ["b:" + b for b in character_bigrams(run)] if len(run) > 1 else ["u:" + run]
        return out

    def label_features(self, text: str) -> set[str]:
        return {"w:" + w for w in self.words(text)} | set(self.char_features(text))

    def prepare(self, title: str) -> Prepared:
        simple, traditional = self.simplify(title)
        cleaned, removed = self.strip_noise(simple)
        words = self.words(cleaned)
        expansions = []
        for w in words:
            for e in self.lists.synonyms.get(w, []):
                if e not in words and e not in expansions:
                    expansions.append(e)
        return Prepared(title, simple, cleaned, traditional, removed, words, expansions)


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


def load_records(store: SelectStore) -> list[EntryRecord]:
    """Every classification entry with its labels, definition and tasks, via SPARQL."""
    rows = store.select(
        PREFIXES
        + """
SELECT ?e ?code ?name ?definition (GROUP_CONCAT(DISTINCT STR(?type); separator=" ") AS ?types) WHERE {
  ?e skos:inScheme ?scheme ; skos:notation ?code ; skos:prefLabel ?name ; rdf:type ?type .
  FILTER(LANG(?name) = "zh")
  OPTIONAL { ?e skos:definition ?definition }
} GROUP BY ?e ?code ?name ?definition"""
    )
    labels = store.select(
        PREFIXES
        + """
SELECT ?code ?label ?kind WHERE {
  ?e skos:inScheme ?scheme ; skos:notation ?code .
  { ?e skos:altLabel ?label BIND("alt" AS ?kind) }
  UNION { ?e skos:hiddenLabel ?label BIND("alias" AS ?kind) }
  UNION { ?e og:nameAsAnnounced ?label BIND("announced" AS ?kind) }
  UNION { ?wt og:workTypeOf ?e ; skos:prefLabel ?label BIND("work-type" AS ?kind) }
}"""
    )
    tasks = store.select(
        PREFIXES
        + """
SELECT ?code ?n ?text WHERE { ?e skos:notation ?code ; og:hasMainTask ?t . ?t og:taskNumber ?n ; og:taskText ?text }"""
    )
    kind_names = {"MajorGroup": "major", "MediumGroup": "medium", "MinorGroup": "minor", "Occupation": "occupation"}
    records: dict[str, EntryRecord] = {}
    for r in rows:
        types = {t.rsplit("/", 1)[-1] for t in r["types"].split()}
        kinds = [k for t, k in kind_names.items() if t in types]
        records[r["code"]] = EntryRecord(r["code"], r["name"], kinds, [("name", r["name"])], r.get("definition", ""))
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
        for li, feats in enumerate(label_feats):
            weights = {f: self._weight(f, self.label_idf[f]) for f in feats}
            self.label_weights.append(weights)
            label = self.labels[li]
            label.norm = math.sqrt(sum(w * w for w in weights.values()))
            label.factor = LABEL_WEIGHT.get(label.kind, 0.9)
            label.compact = label.normalised.replace(" ", "")
            if len(label.compact) >= 2:
                self.by_compact[label.compact].append(li)
            for f, w in weights.items():
                self.label_postings[f].append((li, w))
        self.is_occupation = ["occupation" in r.kinds for r in self.records]
        self.label_info = [(label.entry, label.norm, label.factor) for label in self.labels]

        # definitions and tasks: indexed by character bigrams and Latin words (no segmentation, so
        # the index builds fast); a title word is found in a text when the text contains it whole
        self.texts: list[str] = []
        self.text_postings: dict[str, set[int]] = defaultdict(set)
        self.definitions: list[str] = []
        self.tasks: list[list[str]] = []
        for i, rec in enumerate(self.records):
            self.definitions.append(analyzer.simplify(rec.definition)[0] if rec.definition else "")
            self.tasks.append([analyzer.simplify(t)[0] for t in rec.tasks])
            text = " ".join([self.definitions[-1], *self.tasks[-1]])
            self.texts.append(text)
            for run in CJK_RUN.findall(text):
                for b in character_bigrams(run):
                    self.text_postings[b].add(i)
            for m in LATIN_WORD.finditer(text):
                self.text_postings[m.group()].add(i)

    @staticmethod
    def _weight(feature: str, idf: float) -> float:
        return FEATURE_WEIGHT[feature[0]] * idf

    @classmethod
    def from_store(cls, store: SelectStore, lists: WordLists | None = None) -> ClassifierIndex:
        return cls(load_records(store), Analyzer(lists or WordLists.load()))

    # -------------------------------------------------------------- scoring

    def query_features(self, prep: Prepared) -> dict[str, float]:
        feats = {"w:" + w for w in prep.words} | set(self.analyzer.char_features(prep.cleaned))
        for e in prep.expansions:
            feats |= {"s:" + f[2:] if f.startswith("w:") else f for f in self.analyzer.label_features(e)}
        out = {}
        for f in feats:
            key = "w:" + f[2:] if f.startswith("s:") else f
            idf = self.label_idf.get(key, self.unknown_label_idf)
            out[f] = self._weight(f, idf)
        return out

    def score(self, prep: Prepared, top_k: int = TOP_K) -> list[tuple[float, int, dict[str, Any]]]:
        """(score, entry index, details) of the best entries, best first."""
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
        dots: dict[int, float] = defaultdict(float)
        for _key, qw, plist in rare:
            for li, lw in plist:
                dots[li] += qw * lw
        if not dots:
            for _key, qw, plist in common:
                for li, lw in plist:
                    dots[li] += qw * lw
        else:
            if len(dots) > MAX_LABEL_CANDIDATES:
                # common features add at most their share of the title's weight: keep the labels whose
                # rare-feature similarity leads (the rest cannot catch up with the leaders)
                info = self.label_info
                keep = heapq.nlargest(MAX_LABEL_CANDIDATES, dots, key=lambda li: dots[li] / info[li][1])
                dots = defaultdict(float, {li: dots[li] for li in keep})
            weights = self.label_weights
            for li in dots:
                lwts = weights[li]
                for key, qw, _plist in common:
                    lw = lwts.get(key)
                    if lw:
                        dots[li] += qw * lw
        cleaned = prep.cleaned.replace(" ", "")
        contained: dict[int, float] = {}
        n = len(cleaned)
        for i in range(n - 1):  # every label that occurs whole in the title
            for j in range(i + 2, min(n, i + MAX_LABEL_CHARS) + 1):
                for li in self.by_compact.get(cleaned[i:j], ()):
                    contained[li] = 0.55 + 0.45 * (j - i) / n
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
            elif sim > old[0]:
                best_label[entry] = (sim, li)
                second[entry] = old[0]
            elif sim > second[entry]:
                second[entry] = sim
        if SECOND_LABEL_WEIGHT:
            # an entry with several matching labels (运营 in many aliases) gains some of the second
            for e, (sim, li) in best_label.items():
                best_label[e] = (1 - (1 - sim) * (1 - SECOND_LABEL_WEIGHT * second[e]), li)

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
            only_text: dict[int, float] = defaultdict(float)
            for found, w2 in text_words:
                for i in found:
                    if i not in best_label:
                        only_text[i] += w2
            limit = floor * text_total / TEXT_WEIGHT
            for i, hit in only_text.items():
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

    def explain(self, prep: Prepared, entry: int, details: dict[str, Any]) -> list[dict[str, object]]:
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

    def _matched_parts(self, prep: Prepared, label_feats: Collection[str]) -> list[str]:
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


class Classifier:
    """classify(title) -> candidates with scores and reasons, and the new-occupation signal."""

    def __init__(self, index: ClassifierIndex) -> None:
        self.index = index
        self.groups = {r.code: r.name for r in index.records}

    @classmethod
    def from_store(cls, store: SelectStore, lists: WordLists | None = None) -> Classifier:
        return cls(ClassifierIndex.from_store(store, lists))

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
        return stripped

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
            "words": prep.words,
            "synonyms_added": prep.expansions,
        }
        if not CJK_RUN.search(prep.cleaned) and not LATIN_WORD.search(prep.cleaned):
            why = (
                "only recruiting noise words were found"
                if prep.removed and not prep.cleaned
                else "the title has no Chinese or Latin words to match"
            )
            result.update(
                status="no-match", candidates=[], unknown_words=[], new_occupation_signal={"flag": False, "reason": why}
            )
            return result
        scored = self.index.score(prep, top_k)
        unknown = [
            w
            for w in prep.words
            if len(w) > 1 and "w:" + w not in self.index.label_idf and not self.index.texts_containing(w)
        ]
        explain = top_k if explain is None else explain
        candidates = [self._candidate(prep, s, i, d, n < explain) for n, (s, i, d) in enumerate(scored)]
        best = candidates[0]["score"] if candidates else 0.0
        if not candidates:
            status, flag = "no-match", bool(CJK_RUN.search(prep.cleaned))
            reason = "nothing in the classification shares a word with this title"
        elif best < NEW_OCCUPATION_THRESHOLD:  # type: ignore[operator]
            status, flag = "weak-match", bool(CJK_RUN.search(prep.cleaned))
            reason = (
                f"the best candidate scores {best} (below {NEW_OCCUPATION_THRESHOLD}): no name, alias, "
                "definition or task fits this title well"
            )
        else:
            status, flag = "match", False
            reason = f"the best candidate scores {best} (at least {NEW_OCCUPATION_THRESHOLD})"
        if flag:
            reason = "this may be a new occupation: " + reason
            if unknown:
                reason += f"; words the classification does not use: {'、'.join(unknown)}"
        elif status != "match":
            reason += "; the title has no Chinese words, so no new-occupation signal is given"
        result.update(
            status=status,
            candidates=candidates,
            unknown_words=unknown,
            new_occupation_signal={"flag": flag, "reason": reason},
        )
        return result

    def _candidate(
        self, prep: Prepared, score: float, entry: int, details: dict[str, Any], explain: bool = True
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
            "score": round(score, 3),
            "groups": groups,
            "reasons": self.index.explain(prep, entry, details) if explain else [],
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
    for title in titles:
        try:
            res = classifier.classify(title, top_k=top_k, explain=1)
        except TitleError as exc:
            yield [title[:MAX_TITLE_CHARS], "error", "", "", "", "", "", "", "", "", str(exc)]
            continue
        cands: list[dict[str, Any]] = res["candidates"]  # type: ignore[assignment]
        signal: dict[str, Any] = res["new_occupation_signal"]  # type: ignore[assignment]
        if not cands:
            yield [
                str(res["title"]),
                str(res["status"]),
                "yes" if signal["flag"] else "no",
                "",
                "",
                "",
                "",
                "",
                signal["reason"],
                "",
                "",
            ]
            continue
        top = cands[0]
        groups = {g["code"]: g["name"] for g in top["groups"]}
        minor = next((f"{c} {n}" for c, n in groups.items() if c.endswith("-00") and not c.endswith("-00-00")), "")
        major = next((f"{c} {n}" for c, n in groups.items() if c.endswith("-00-00-00")), "")
        others = " ; ".join(f"{c['code']} {c['name']} ({c['score']})" for c in cands[1:])
        yield [
            str(res["title"]),
            str(res["status"]),
            "yes" if signal["flag"] else "no",
            top["code"],
            top["name"],
            str(top["score"]),
            minor,
            major,
            _reason_text(top["reasons"]),
            others,
            "",
        ]

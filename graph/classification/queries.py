"""The classification questions the API and CLI ask, as SPARQL over any store with ``select``.

Everything goes through SPARQL (not store internals) so the same code runs on the embedded
store and on a remote SPARQL endpoint. The queries are files in graph/classification/sparql/.
"""

from __future__ import annotations

import bisect
import heapq
import re
from array import array
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from graph.core.codes import CODE_RE
from graph.store.sparql import Iri, Queries, StoreIncomplete, select
from graph.text.chinese import CJK_RUN, looks_like_pinyin, normalise, pinyin_keys, pinyin_keys_many

Q = Queries(__file__)  # graph/classification/sparql/*.rq

MAX_SEARCH_CHARS = 100
NO_POSTINGS: array[int] = array("i")


class SelectStore(Protocol):
    def select(self, sparql: str) -> list[dict[str, str]]: ...


@dataclass(frozen=True)
class Kinds:
    """The levels of the classification as the ontology names them (graph/classification/sparql/kinds.rq):
    the class of each level's entries, its kind name ("major" ... "occupation") and its labels, major
    groups first. Read from the store, once per store generation (server/resources.py), not copied here.

    >>> occupation = {"class": "x:Occupation", "kind": "occupation", "level": "4", "label": "职业", "lang": "zh"}
    >>> k = Kinds.from_rows([occupation, {"class": "x:MajorGroup", "kind": "major", "level": "1"}])
    >>> k.order, k.of("x:Occupation x:MajorGroup x:Other"), k.labels["occupation"]
    (('major', 'occupation'), ['major', 'occupation'], {'zh': '职业'})
    """

    by_class: dict[str, str]  # class IRI -> kind name
    order: tuple[str, ...]
    labels: dict[str, dict[str, str]]  # kind name -> {"zh": ..., "en": ...}

    @classmethod
    def from_rows(cls, rows: list[dict[str, str]]) -> Kinds:
        rows = sorted(rows, key=lambda r: int(r["level"]))
        labels: dict[str, dict[str, str]] = {}
        for r in rows:
            labels.setdefault(r["kind"], {})
            if r.get("label"):
                labels[r["kind"]]["en" if r.get("lang") == "en" else "zh"] = r["label"]
        return cls({r["class"]: r["kind"] for r in rows}, tuple(labels), labels)

    @classmethod
    def load(cls, store: SelectStore) -> Kinds:
        kinds = cls.from_rows(select(store, Q.kinds))
        if not kinds.order:
            raise StoreIncomplete(
                "the graph store's ontology names no classification levels (og:classificationLevel): "
                "rebuild it with `occugraph build`, or load a built store with `occugraph load --store`"
            )
        return kinds

    def of(self, types: str) -> list[str]:
        """The kind names of an entry with these rdf:types (space-separated IRIs), in level order."""
        found = {self.by_class[t] for t in types.split() if t in self.by_class}
        return [k for k in self.order if k in found]

    def occupation_only(self, types: str) -> bool:
        """An entry that is an occupation and no group. A minor group with a single occupation
        shares its code with it (2-10-05-00: the group 翻译人员, the occupation 翻译); readers that
        key entries by code tell the two rows of such a pair apart with this.

        >>> Kinds({"x:Occupation": "occupation", "x:MinorGroup": "minor"}, ("minor", "occupation"), {}).occupation_only(
        ...     "x:Occupation x:Digital")
        True
        """
        return self.of(types) == [self.order[-1]]


def all_codes(store: SelectStore) -> list[str]:
    return sorted(r["code"] for r in select(store, Q.all_codes))


def nearest_codes(code: str, codes: list[str], n: int = 5) -> list[str]:
    """Valid codes closest to a mistyped one: longest shared prefix, then smallest numeric gap.

    >>> nearest_codes("2-02-38-99", ["2-02-38-01", "2-02-38-02", "2-02-37-01", "4-04-05-05"], 2)
    ['2-02-38-02', '2-02-38-01']
    """
    digits = re.sub(r"\D", "", code)

    def key(c: str) -> tuple[int, int]:
        cd = c.replace("-", "")
        shared = 0
        for a, b in zip(cd, digits, strict=False):
            if a != b:
                break
            shared += 1
        gap = abs(int(cd) - int(digits)) if digits.isdigit() and digits else 10**9
        return (-shared, gap)

    return sorted(codes, key=key)[:n]


@dataclass
class Entry:
    code: str
    name: str
    kinds: list[str]

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "name": self.name, "kinds": self.kinds}


def occupation(store: SelectStore, code: str, kinds: Kinds | None = None) -> dict[str, object] | None:
    """Everything the API shows for one classification entry, or None if the code is unknown.

    ``kinds``: the store generation's ``Kinds`` (read from the store when not given)."""
    if not CODE_RE.fullmatch(code):
        raise ValueError(f"{code!r} is not a classification code (expected N-NN-NN-NN, e.g. 2-02-38-01)")
    rows = select(store, Q.entry, code=code)
    if not rows:
        return None
    # a single-occupation minor group shares its occupation's code: the code names the occupation
    rows.sort(key=lambda r: "/Occupation" not in r.get("types", ""))
    head = rows[0]
    entry = Iri(head["e"])
    tasks = select(store, Q.entry_tasks, entry=entry)
    parents = select(store, Q.entry_parents, entry=entry)
    children = select(store, Q.entry_children, entry=entry)
    labels = select(store, Q.entry_labels, entry=entry)
    extra = select(store, Q.entry_history, entry=entry)
    return entry_document(code, head, tasks, parents, children, labels, extra, kinds or Kinds.load(store))


def entry_document(
    code: str,
    head: dict[str, str],
    tasks: list[dict[str, str]],
    parents: list[dict[str, str]],
    children: list[dict[str, str]],
    labels: list[dict[str, str]],
    extra: list[dict[str, str]],
    kinds: Kinds,
) -> dict[str, object]:
    """The API document of one entry from the rows of its six questions (in any order), shared by
    ``occupation`` and the build's precomputed documents (graph/classification/documents.py)."""
    types = head.get("types", "")
    type_names = {t.rsplit("/", 1)[-1] for t in types.split()}
    tasks = sorted(tasks, key=lambda r: int(r["n"]))
    parents = sorted(parents, key=lambda r: r["code"].count("-00"), reverse=True)  # major group first
    children = sorted(children, key=lambda r: r["code"])
    labels = sorted(labels, key=lambda r: (r["kind"], r["label"]))
    return {
        "code": code,
        "iri": head["e"],
        "name": head["name"],
        "kinds": kinds.of(types),
        "definition": head.get("definition"),
        "flags": {
            "digital": "DigitalOccupation" in type_names,
            "green": "GreenOccupation" in type_names,
            "marker": head.get("marker", ""),
        },
        "tasks": [{"number": int(t["n"]), "text": t["text"]} for t in tasks],
        "parents": [{"code": p["code"], "name": p["name"], "kinds": kinds.of(p["types"])} for p in parents],
        "children": [{"code": c["code"], "name": c["name"], "kinds": kinds.of(c["types"])} for c in children],
        "aliases": [{"label": r["label"], "type": r["kind"]} for r in labels],
        "former_codes": sorted({r["former"] for r in extra if "former" in r}),
        "editions": sorted({r["edition"] for r in extra if "edition" in r}),
    }


# weight of a match by where it was found; a name match outranks an alias match
FIELD_WEIGHT = {"name": 1.0, "alt": 0.9, "job-title": 0.8, "work-type": 0.75, "definition": 0.3}
PINYIN_WEIGHT = 0.85  # a pinyin match of a label: below the same label typed in characters
CLASSIFIER_WEIGHT = 0.45  # a classifier candidate (colloquial, noisy titles): below any label match
LABEL_FIELDS = ("name", "alt", "job-title", "work-type")


def pinyin_initials(text: str) -> str:
    return pinyin_keys(text)[1] or text


class SearchIndex:
    """Names, aliases, work types (工种) and definitions of every entry, as an inverted index.

    Loaded with one SPARQL query (so it works on any backend). Every text is normalised the one way
    (graph/text/chinese.py: width, case, Traditional to Simplified), then indexed by its characters
    and character pairs. A query reads the postings of its rarest pair only as far as the best
    ``limit`` answers are certain (issue 17: search at 10x data within 2x of 1x): labels that start
    with the query (the exact name, then 电子商务师 for 电子商务) are found by bisection in the sorted
    labels, since their score does not depend on their length; the other labels that contain it are
    read shortest first, where a label of length L scores at most 0.5 + 0.4 x len(q) / L, so reading
    stops once that bound is below the ``limit``-th best score found; definitions (one score for
    all) are read in ranking order (occupations first, then code) and only until the list is full.
    Postings are arrays of field numbers in that reading order (4 bytes a posting). Labels are also
    indexed by their toneless pinyin and initials (dianzishangwu, dzsw). Queries that name no label
    (程序员, 外卖员, noisy recruiting titles) are answered by the job-title classifier when one is
    given, marked as such.
    """

    def __init__(self, rows: list[dict[str, str]], kinds: Kinds, classifier: Callable[[], Any] | None = None) -> None:
        self.kinds = kinds
        self.fields: list[tuple[str, str, str]] = []  # (code, field, normalised text)
        self.texts: list[str] = []
        self.entries: dict[str, tuple[str, list[str]]] = {}
        self.classifier = classifier
        # rows and GROUP_CONCAT members come in whatever order the backend likes (Virtuoso's is
        # not pyoxigraph's); sorted, the same row and the same match win on every backend
        rows = sorted(rows, key=lambda r: (r["code"], r["name"], r.get("definition", "")))
        for r in rows:
            self.entries[r["code"]] = (r["name"], kinds.of(r["types"]))
        # code -> where it goes among equal scores: occupations before groups, then code order
        self.tie_rank = {code: ("occupation" not in k, code) for code, (_n, k) in self.entries.items()}
        keys = (("name", "name"), ("alt", "alt"), ("job-title", "hidden"), ("work-type", "worktypes"))
        for r in rows:
            for fld, key in (*keys, ("definition", "definition")):
                for value in sorted(filter(None, r.get(key, "").split("\x1f"))):
                    self.fields.append((r["code"], fld, normalise(value)))
                    self.texts.append(value)
        fields = self.fields
        self.normalised = [text for _c, _f, text in fields]  # the texts alone, read for every posting
        labels = [i for i, (_c, fld, _t) in enumerate(fields) if fld != "definition"]
        definitions = [i for i, (_c, fld, _t) in enumerate(fields) if fld == "definition"]
        # postings in reading order: labels shortest first, definitions in ranking order
        labels.sort(key=lambda i: (len(fields[i][2]), i))
        definitions.sort(key=lambda i: (self.tie_rank[fields[i][0]], i))
        self.label_postings: dict[str, array[int]] = self._postings(labels)
        self.definition_postings: dict[str, array[int]] = self._postings(definitions)
        by_text = sorted(labels, key=lambda i: (fields[i][2], i))
        self.sorted_labels = [fields[i][2] for i in by_text]  # for the labels that start with a query
        self.sorted_label_fields = array("i", by_text)
        self.initials: dict[str, list[int]] = defaultdict(list)
        # the initials of each label with pinyin, kept: reading them again at query time would load
        # pypinyin into the server process (graph.text.chinese.pinyin_keys_many)
        self.field_initials: dict[int, str] = {}
        pinyin: list[tuple[str, int]] = []
        spoken = [i for i, (_code, fld, text) in enumerate(fields) if fld != "definition" and CJK_RUN.search(text)]
        for i, (full, initials) in zip(spoken, pinyin_keys_many([fields[i][2] for i in spoken]), strict=True):
            if full:
                self.field_initials[i] = initials
                pinyin.append((full, i))
                for n in range(3, len(initials) + 1):  # 3+ initials also find longer names (dzsw)
                    self.initials[initials[:n]].append(i)
                if len(initials) < 3:
                    self.initials[initials].append(i)
        pinyin.sort()
        self.pinyin_keys = [k for k, _ in pinyin]
        self.pinyin_fields = [i for _, i in pinyin]

    def _postings(self, ids: list[int]) -> dict[str, array[int]]:
        """character or character pair -> the fields (of ``ids``, in that order) whose text has it."""
        postings: dict[str, array[int]] = defaultdict(lambda: array("i"))
        for i in ids:
            text = self.fields[i][2]
            for g in {text[j : j + 2] for j in range(len(text) - 1)} | set(text):
                postings[g].append(i)
        return dict(postings)

    @classmethod
    def load(
        cls, store: SelectStore, classifier: Callable[[], Any] | None = None, kinds: Kinds | None = None
    ) -> SearchIndex:
        rows = select(store, Q.search_index)
        return cls(rows, kinds or Kinds.load(store), classifier)

    @staticmethod
    def _rarest(q: str, postings: dict[str, array[int]]) -> array[int]:
        """The shortest postings of q's character pairs (of q itself when it is one character): every
        text that contains q is in it."""
        grams = {q[j : j + 2] for j in range(len(q) - 1)} or {q}
        return min((postings.get(g, NO_POSTINGS) for g in grams), key=len)

    def _pinyin(self, q: str) -> list[tuple[int, float]]:
        """Labels whose pinyin is q or starts with it (4+ letters), or whose initials are q."""
        out: list[tuple[int, float]] = []
        lo = bisect.bisect_left(self.pinyin_keys, q)
        hi = (
            bisect.bisect_left(self.pinyin_keys, q + "\uffff")
            if len(q) >= 4
            else bisect.bisect_right(self.pinyin_keys, q)
        )
        for pos in range(lo, hi):
            key = self.pinyin_keys[pos]
            out.append((self.pinyin_fields[pos], 1.0 if key == q else 0.9 * len(q) / len(key) + 0.05))
        for i in self.initials.get(q, ()):
            out.append((i, 0.8 * len(q) / len(self.field_initials.get(i) or self.fields[i][2])))
        return out

    def search(self, text: str, limit: int = 20, kind: str | None = None) -> list[dict[str, object]]:
        """Entries whose name, alias, work type or definition contains the text, ranked; then pinyin
        matches; when no label matches, the classifier's candidates for the text as a job title.

        Score = field weight x closeness (1.0 exact, 0.9 prefix, else 0.5 + 0.4 x the share of
        the label the text covers); a definition match scores its weight; a pinyin match
        PINYIN_WEIGHT x closeness; a classifier candidate CLASSIFIER_WEIGHT x its probability.
        Occupations come before groups on ties, then code order. The best match per entry is kept
        (of equal ones, the first field of the entry's row). Definitions are read only while fewer
        than ``limit`` entries have a matching label (always with ``kind``).
        """
        q = text.strip()
        if not q:
            raise ValueError("empty search text")
        if len(q) > MAX_SEARCH_CHARS:
            raise ValueError(f"search text is {len(q)} characters; the limit is {MAX_SEARCH_CHARS}")
        if kind is not None and kind not in self.kinds.order:
            raise ValueError(f"unknown kind {kind!r}; use one of {list(self.kinds.order)}")
        if limit < 1:
            return []
        ql = normalise(q)
        lq = len(ql)
        fields, entries = self.fields, self.entries
        # code -> (score, field, what matched when not the field itself: pinyin, classifier)
        best: dict[str, tuple[float, int, dict[str, object] | None]] = {}
        named = False  # a label or its pinyin matched (else the classifier is asked)

        def offer(
            code: str, score: float, i: int, matched: dict[str, object] | None = None, field_order: bool = False
        ) -> bool:
            """Keep the better match of ``code``; with ``field_order`` an equal score from an
            earlier field wins too (for matches read in another order than the fields')."""
            if kind and kind not in entries[code][1]:
                return False
            score = round(score, 4)
            old = best.get(code)
            if old is None or score > old[0] or (field_order and score == old[0] and i < old[1]):
                best[code] = (score, i, matched)
            return True

        def kth_best() -> float:
            return heapq.nlargest(limit, [b[0] for b in best.values()])[-1]

        # 1. labels that start with the text: score field weight x 1.0 (exact) or x 0.9 (prefix)
        lo = bisect.bisect_left(self.sorted_labels, ql)
        hi = bisect.bisect_left(self.sorted_labels, ql + "\U0010ffff", lo)
        for i in sorted(self.sorted_label_fields[lo:hi]):  # field order: of equal scores the first wins
            code, fld, low = fields[i]
            named |= offer(code, FIELD_WEIGHT[fld] * (1.0 if len(low) == lq else 0.9), i)
        # 2. labels that contain it elsewhere, shortest first: one of length L scores at most
        # 0.5 + 0.4 x lq / L (a name), so once that is below the limit-th best score, none can enter
        complete, length, bound, kth = True, 0, 1.0, -1.0
        texts = self.normalised
        for i in self._rarest(ql, self.label_postings):
            low = texts[i]
            if ql not in low or low.startswith(ql):
                continue
            if len(low) != length:  # the matches come shortest first: a later one scores no more
                length = len(low)
                bound = round(0.5 + 0.4 * lq / length, 4)
                if len(best) >= limit and (bound < kth or bound < (kth := kth_best())):
                    complete = False
                    break
            code, fld, _low = fields[i]
            # read shortest first: of equal scores the first field wins, as if read in field order
            named |= offer(code, FIELD_WEIGHT[fld] * (0.5 + 0.4 * lq / length), i, field_order=True)
        # 3. definitions, one score below any label's: read in ranking order until the list is full
        # (without a kind every entry with a matching label is in best)
        if complete and (kind or len(best) < limit):
            for i in self._rarest(ql, self.definition_postings):
                if ql not in texts[i]:
                    continue
                code = fields[i][0]
                if code in best:
                    continue
                if offer(code, FIELD_WEIGHT["definition"], i) and len(best) >= limit:
                    break  # the rest tie with these and come after them
        if looks_like_pinyin(q):
            for i, closeness in self._pinyin(re.sub(r"[\s']+", "", ql)):
                code, fld, _low = fields[i]
                named |= offer(
                    code, PINYIN_WEIGHT * FIELD_WEIGHT[fld] * closeness, i, {"field": "pinyin", "text": self.texts[i]}
                )
        # a query that names no label (程序员, 外卖员, a noisy recruiting title) is read as a job title
        if self.classifier is not None and not named:
            self._from_classifier(q, limit, offer)
        tie_rank = self.tie_rank
        keys = [(-b[0], tie_rank[code], code) for code, b in best.items()]
        ranked = sorted(keys)[:limit] if len(keys) <= 4 * limit else heapq.nsmallest(limit, keys)
        out: list[dict[str, object]] = []
        for _neg, _rank, code in ranked:
            score, i, matched = best[code]
            if matched is None:
                fld = fields[i][1]
                matched = {"field": fld, "text": None if fld == "definition" else self.texts[i]}
            name, kinds = entries[code]
            out.append({"code": code, "name": name, "kinds": kinds, "score": score, "matched": matched})
        return out

    def _from_classifier(self, q: str, limit: int, offer: Callable[..., bool]) -> None:
        clf = self.classifier() if self.classifier is not None else None
        if clf is None:
            return
        try:
            res = clf.classify(q, top_k=min(limit, 20), explain=0)
        except ValueError:  # a query the classifier refuses (symbols only) simply adds nothing
            return
        if res.get("status") == "no-match":
            return
        for c in res["candidates"]:
            if c["code"] in self.entries:
                offer(
                    c["code"],
                    CLASSIFIER_WEIGHT * c["probability"],
                    -1,
                    {"field": "classifier", "text": res["matched_text"], "probability": c["probability"]},
                )

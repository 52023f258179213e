"""The classification questions the API and CLI ask, as SPARQL over any store with ``select``.

Everything goes through SPARQL (not store internals) so the same code runs on the embedded
store and on a remote SPARQL endpoint. The queries are files in graph/classification/sparql/.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from graph.core.codes import CODE_RE
from graph.core.namespaces import SPARQL_PREFIXES
from graph.store.sparql import Iri, Queries, select

PREFIXES = SPARQL_PREFIXES  # the one prefix table (graph/core/namespaces.py)
Q = Queries(__file__)  # graph/classification/sparql/*.rq

KIND_NAMES = {
    "MajorGroup": "major",
    "MediumGroup": "medium",
    "MinorGroup": "minor",
    "Occupation": "occupation",
}
KIND_ORDER = ["major", "medium", "minor", "occupation"]
MAX_SEARCH_CHARS = 100


class SelectStore(Protocol):
    def select(self, sparql: str) -> list[dict[str, str]]: ...


def sparql_string(value: str) -> str:
    """A SPARQL string literal for untrusted text (escapes quotes, backslashes, line breaks).

    >>> sparql_string('a"b\\\\c')
    '"a\\\\"b\\\\\\\\c"'
    """
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def _kinds(types: str) -> list[str]:
    found = {KIND_NAMES[t.rsplit("/", 1)[-1]] for t in types.split() if t.rsplit("/", 1)[-1] in KIND_NAMES}
    return [k for k in KIND_ORDER if k in found]


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


def occupation(store: SelectStore, code: str) -> dict[str, object] | None:
    """Everything the API shows for one classification entry, or None if the code is unknown."""
    if not CODE_RE.fullmatch(code):
        raise ValueError(f"{code!r} is not a classification code (expected N-NN-NN-NN, e.g. 2-02-38-01)")
    rows = select(store, Q.entry, code=code)
    if not rows:
        return None
    head = rows[0]
    entry = Iri(head["e"])
    tasks = select(store, Q.entry_tasks, entry=entry)
    parents = select(store, Q.entry_parents, entry=entry)
    children = select(store, Q.entry_children, entry=entry)
    labels = select(store, Q.entry_labels, entry=entry)
    extra = select(store, Q.entry_history, entry=entry)
    return entry_document(code, head, tasks, parents, children, labels, extra)


def entry_document(
    code: str,
    head: dict[str, str],
    tasks: list[dict[str, str]],
    parents: list[dict[str, str]],
    children: list[dict[str, str]],
    labels: list[dict[str, str]],
    extra: list[dict[str, str]],
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
        "kinds": _kinds(types),
        "definition": head.get("definition"),
        "flags": {
            "digital": "DigitalOccupation" in type_names,
            "green": "GreenOccupation" in type_names,
            "marker": head.get("marker", ""),
        },
        "tasks": [{"number": int(t["n"]), "text": t["text"]} for t in tasks],
        "parents": [{"code": p["code"], "name": p["name"], "kinds": _kinds(p["types"])} for p in parents],
        "children": [{"code": c["code"], "name": c["name"], "kinds": _kinds(c["types"])} for c in children],
        "aliases": [{"label": r["label"], "type": r["kind"]} for r in labels],
        "former_codes": sorted({r["former"] for r in extra if "former" in r}),
        "editions": sorted({r["edition"] for r in extra if "edition" in r}),
    }


# weight of a match by where it was found; a name match outranks an alias match
FIELD_WEIGHT = {"name": 1.0, "alt": 0.9, "job-title": 0.8, "definition": 0.3}


class SearchIndex:
    """Names, aliases and definitions of every entry, held in memory for fast ranked search.

    Loaded with one SPARQL query (so it works on any backend); a CONTAINS filter over the store
    took about 300 ms per search, the in-memory scan takes about 1 ms.
    """

    def __init__(self, rows: list[dict[str, str]]) -> None:
        self.fields: list[tuple[str, str, str]] = []  # (code, field, lowercased text)
        self.texts: list[str] = []
        self.entries: dict[str, tuple[str, list[str]]] = {}
        # rows and GROUP_CONCAT members come in whatever order the backend likes (Virtuoso's is
        # not pyoxigraph's); sorted, the same row and the same match win on every backend
        rows = sorted(rows, key=lambda r: (r["code"], r["name"], r.get("definition", "")))
        for r in rows:
            self.entries[r["code"]] = (r["name"], _kinds(r["types"]))
        for r in rows:
            for fld, key in (("name", "name"), ("alt", "alt"), ("job-title", "hidden"), ("definition", "definition")):
                for value in sorted(filter(None, r.get(key, "").split("\x1f"))):
                    self.fields.append((r["code"], fld, value.lower()))
                    self.texts.append(value)

    @classmethod
    def load(cls, store: SelectStore) -> SearchIndex:
        rows = select(store, Q.search_index)
        return cls(rows)

    def search(self, text: str, limit: int = 20, kind: str | None = None) -> list[dict[str, object]]:
        """Entries whose name, alias or definition contains the text, ranked.

        Score = field weight x closeness (1.0 exact, 0.9 prefix, else 0.5 + 0.4 x the share of
        the label the text covers); a definition match scores its weight. Occupations come
        before groups on ties, then code order. The best match per entry is kept.
        """
        q = text.strip()
        if not q:
            raise ValueError("empty search text")
        if len(q) > MAX_SEARCH_CHARS:
            raise ValueError(f"search text is {len(q)} characters; the limit is {MAX_SEARCH_CHARS}")
        if kind is not None and kind not in KIND_ORDER:
            raise ValueError(f"unknown kind {kind!r}; use one of {KIND_ORDER}")
        ql = q.lower()
        best: dict[str, dict[str, object]] = {}
        for (code, fld, low), original in zip(self.fields, self.texts, strict=True):
            if ql not in low:
                continue
            name, kinds = self.entries[code]
            if kind and kind not in kinds:
                continue
            if fld == "definition":
                closeness = 1.0
            else:
                closeness = 1.0 if low == ql else 0.9 if low.startswith(ql) else 0.5 + 0.4 * len(ql) / len(low)
            score = round(FIELD_WEIGHT[fld] * closeness, 4)
            if code not in best or score > best[code]["score"]:  # type: ignore[operator]
                best[code] = {
                    "code": code,
                    "name": name,
                    "kinds": kinds,
                    "score": score,
                    "matched": {"field": fld, "text": None if fld == "definition" else original},
                }
        ranked = sorted(
            best.values(),
            key=lambda h: (-h["score"], "occupation" not in h["kinds"], h["code"]),  # type: ignore[operator]
        )
        return ranked[:limit]

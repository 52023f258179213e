"""The search box of every page: one query finds occupations (and groups), 工种, standards and
majors by name, Traditional characters or pinyin; when no occupation is found by name, the
job-title classifier says which occupations the text most likely belongs to, and why.

This module only composes what each area already offers (the classification's SearchIndex, the
standards' RuleBook, the schools' major list, the work types in the graph); ranking of the
classification itself belongs to graph/classification.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from graph.classification.queries import MAX_SEARCH_CHARS
from graph.store.sparql import select
from graph.text.chinese import looks_like_pinyin, pinyin_keys_many, search_both, simplified
from server.queries import Q

KINDS = ("occupation", "work-type", "standard", "major")
PER_KIND = 20


@dataclass(frozen=True)
class Entry:
    kind: str
    name: str
    href: str
    code: str
    detail: str
    pinyin: str
    initials: str


def _work_types(store: Any) -> list[tuple[Entry, str]]:
    rows = select(store, Q.site_work_types)
    out: list[tuple[Entry, str]] = []
    for r in rows:
        code = r.get("code", "")
        href = f"/occupation/{code}#work-types" if code else "/id/" + r["wt"].split("/id/", 1)[-1]
        out.append((Entry("work-type", r["name"], href, code, r.get("occName", ""), "", ""), r["name"]))
    return out


def _standards(book: Any) -> list[tuple[Entry, str]]:
    out: list[tuple[Entry, str]] = []
    for s in book.standards:
        name = s.title + (f"（{s.work_type}）" if s.work_type and s.work_type not in s.title else "")
        detail = "；".join(x for x in (s.doc_number, s.issued, s.occupation_name or "") if x)
        out.append((Entry("standard", name, f"/standards/{s.id}", s.id, detail, "", ""), s.title))
    return out


def _majors(store: Any) -> list[tuple[Entry, str]]:
    from graph.schools import majors as schools

    return [
        (
            Entry(
                "major",
                str(m["name"]),
                f"/majors/{m['code']}?catalogue={m['catalogue']}",
                str(m["code"]),
                str(m["tier_name"]),
                "",
                "",
            ),
            str(m["name"]),
        )
        for m in schools.all_majors(store)
    ]


def _classification(store: Any) -> list[tuple[Entry, str]]:
    rows = select(store, Q.site_classification)
    return [
        (Entry("occupation", r["name"], f"/occupation/{r['code']}", r["code"], "", "", ""), r["name"]) for r in rows
    ]


class SiteIndex:
    """Names of everything a person may look for, with their pinyin; built once per store."""

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries

    @classmethod
    def load(cls, store: Any, book: Any) -> SiteIndex:
        unread = _classification(store) + _work_types(store) + _standards(book) + _majors(store)
        # every name's pinyin in one go, outside this process (graph.text.chinese.pinyin_keys_many)
        keys = pinyin_keys_many([text for _entry, text in unread])
        pairs = zip(unread, keys, strict=True)
        return cls([replace(e, pinyin=full, initials=initials) for (e, _), (full, initials) in pairs])

    def by_name(self, kind: str, text: str) -> list[Entry]:
        """Entries of a kind whose name (or code) contains the text, exact and prefix matches first."""
        found = [e for e in self.entries if e.kind == kind and (text in e.name or text == e.code)]
        return sorted(found, key=lambda e: (e.name != text, not e.name.startswith(text), len(e.name), e.code))

    def by_pinyin(self, kind: str, text: str) -> list[Entry]:
        """Entries whose toneless pinyin or initials contain the Latin letters typed."""
        key = text.replace(" ", "").lower()
        found = [e for e in self.entries if e.kind == kind and e.pinyin and (key in e.pinyin or key == e.initials)]
        return sorted(found, key=lambda e: (not e.pinyin.startswith(key), e.initials != key, len(e.name), e.code))


def search(index: SiteIndex, occupation_index: Any, q: str) -> dict[str, Any]:
    """Results per kind for the text as typed, in Simplified, and as pinyin when it is Latin letters."""
    q = q.strip()
    if len(q) > MAX_SEARCH_CHARS:
        raise ValueError(f"搜索词最多 {MAX_SEARCH_CHARS} 个字")
    simple = simplified(q)
    pinyin = looks_like_pinyin(q)
    results: dict[str, list[dict[str, Any]]] = {}
    hits, _converted = search_both(occupation_index, q, limit=PER_KIND)
    # the index's own fallback to the classifier is shown by the page as a classification, with reasons
    hits = [h for h in hits if h["matched"].get("field") != "classifier"]
    occupations = [
        {
            "kind": "occupation",
            "code": h["code"],
            "name": h["name"],
            "href": f"/occupation/{h['code']}",
            "kinds": h["kinds"],
            "matched": h["matched"],
        }
        for h in hits
    ]
    seen = {o["code"] for o in occupations}
    if pinyin:
        for e in index.by_pinyin("occupation", q):
            if e.code not in seen and len(occupations) < PER_KIND:
                seen.add(e.code)
                occupations.append(
                    {"kind": "occupation", "code": e.code, "name": e.name, "href": e.href, "kinds": [], "matched": {}}
                )
    results["occupation"] = occupations
    for kind in KINDS[1:]:
        found: dict[str, Entry] = {}
        for text in dict.fromkeys((q, simple)):
            for e in index.by_name(kind, text):
                found.setdefault(e.href + e.name, e)
        if pinyin:
            for e in index.by_pinyin(kind, q):
                found.setdefault(e.href + e.name, e)
        results[kind] = [
            {"kind": kind, "code": e.code, "name": e.name, "href": e.href, "detail": e.detail}
            for e in list(found.values())[:PER_KIND]
        ]
    return {
        "query": q,
        "simplified": simple if simple != q else None,
        "pinyin": pinyin,
        "results": results,
        "total": sum(len(v) for v in results.values()),
    }

"""``occugraph diff OLD NEW``: what changed between two versions of the graph, with labels.

Generic over the graph: an *entity* is any IRI with an ``rdf:type`` (occupations, groups,
standards, rules, majors, equivalences, ontology terms ... whatever the sources define), and an
IRI below another entity's IRI (``.../occupation/2-02-38-01/task/3``) is a *part* of it, so a
changed main task shows up as a change of its occupation. Each entity gets one or more of:

- ``added`` / ``removed`` — the IRI is new / is gone (gone is an error for identifiers:
  ``occugraph validate`` refuses it, see graph/workflow/validate.py);
- ``deprecated`` — newly ``owl:deprecated``, with its replacement and reason;
- ``renamed`` — its preferred label (skos:prefLabel or rdfs:label) changed;
- ``changed`` — any other statement about it or its parts changed.

Changes to inverse properties (skos:narrower, skos:hasTopConcept, anything declared
``owl:inverseOf``) are not reported on their own: they mirror a change reported on the other
entity. The summary counts entities per ``rdf:type``, so a new kind of data gets its own row
without code changes. Output: Markdown for people (``to_markdown``), JSON for programs
(``to_json``); both are deterministic.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field

import pyoxigraph as ox

from graph.core.namespaces import BASE
from graph.workflow.snapshot import (
    DEPRECATION_DATE,
    DEPRECATION_REASON,
    IS_REPLACED_BY,
    OWL_DEPRECATED,
    PREF_LABEL,
    RDFS_LABEL,
    Snapshot,
    ontology_header_only,
)

STATUSES = ("added", "removed", "deprecated", "renamed", "changed")
# what an editor asks first: the kind of change (one entity may have several)
CHANGE_KINDS = {
    "new": "new",
    "changed label": "changed label",
    "changed definition": "changed definition",
    "moved": "moved in the hierarchy",
    "deprecated": "deprecated",
    "removed": "removed",
    "other": "other changes",
}
DEFINITION = "http://www.w3.org/2004/02/skos/core#definition"
HIERARCHY = {"http://www.w3.org/2004/02/skos/core#broader", "http://www.w3.org/2000/01/rdf-schema#subClassOf"}
LABEL_PROPERTIES = {PREF_LABEL, RDFS_LABEL}
DEPRECATION_PROPERTIES = {
    OWL_DEPRECATED,
    IS_REPLACED_BY,
    DEPRECATION_REASON,
    DEPRECATION_DATE,
    "http://www.w3.org/2004/02/skos/core#changeNote",
}
NAMED_INDIVIDUAL = "http://www.w3.org/2002/07/owl#NamedIndividual"
OG = BASE + "ontology/"
SHOWN_VALUE = 160

CURIES = (
    ("og:", OG),
    ("skos:", "http://www.w3.org/2004/02/skos/core#"),
    ("rdfs:", "http://www.w3.org/2000/01/rdf-schema#"),
    ("rdf:", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("owl:", "http://www.w3.org/2002/07/owl#"),
    ("dcterms:", "http://purl.org/dc/terms/"),
    ("prov:", "http://www.w3.org/ns/prov#"),
    ("xsd:", "http://www.w3.org/2001/XMLSchema#"),
)


def curie(iri: str) -> str:
    """
    >>> curie("https://w3id.org/occugraph/ontology/Occupation")
    'og:Occupation'
    """
    for prefix, ns in CURIES:
        if iri.startswith(ns):
            return prefix + iri[len(ns) :]
    return iri


@dataclass
class PropertyChange:
    """Values removed and added for one property of the entity (``part`` "" ) or one of its parts."""

    part: str
    property: str
    property_label: str
    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)


@dataclass
class EntityChange:
    iri: str
    code: str
    label: str
    kind: str
    kind_label: str
    types: list[str]
    status: list[str]
    old_label: str = ""
    replaced_by: list[str] = field(default_factory=list)
    deprecation_reason: str = ""
    deprecation_date: str = ""
    changes: list[PropertyChange] = field(default_factory=list)

    @property
    def display(self) -> str:
        return f"{self.code} {self.label}" if self.code and self.code != self.label else self.label

    def change_kinds(self) -> list[str]:
        """Keys of CHANGE_KINDS that describe this change."""
        out = []
        if "added" in self.status:
            out.append("new")
        if "renamed" in self.status:
            out.append("changed label")
        props = {c.property for c in self.changes if not c.part}
        if DEFINITION in props:
            out.append("changed definition")
        if props & HIERARCHY:
            out.append("moved")
        if "deprecated" in self.status:
            out.append("deprecated")
        if "removed" in self.status:
            out.append("removed")
        if any(c.part or c.property not in HIERARCHY | {DEFINITION} for c in self.changes):
            out.append("other")
        return out


@dataclass
class Diff:
    old: str
    new: str
    old_triples: int
    new_triples: int
    entities: list[EntityChange]
    type_labels: dict[str, str]
    first: bool = False  # no old version: everything is new

    def counts(self) -> dict[str, int]:
        c: Counter[str] = Counter(s for e in self.entities for s in e.status)
        return {s: c.get(s, 0) for s in STATUSES}

    def by_type(self) -> list[dict[str, object]]:
        """Per rdf:type: how many entities of that type were added, removed, ... (an entity with
        several types counts under each)."""
        table: dict[str, Counter[str]] = defaultdict(Counter)
        for e in self.entities:
            for t in e.types:
                for s in e.status:
                    table[t][s] += 1
        rows = []
        for t in sorted(table, key=lambda t: (self.type_labels.get(t, t), t)):
            rows.append({"type": t, "label": self.type_labels.get(t, curie(t)), **{s: table[t][s] for s in STATUSES}})
        return rows

    def filtered(self, kind: str) -> Diff:
        """Only entities with the given type (IRI, CURIE or label)."""
        wanted = {t for t, label in self.type_labels.items() if kind in (t, curie(t), label)}
        keep = [e for e in self.entities if wanted & set(e.types)]
        return Diff(self.old, self.new, self.old_triples, self.new_triples, keep, self.type_labels, self.first)

    def by_change(self) -> dict[str, list[EntityChange]]:
        """Entities grouped by kind of change (new, changed label, changed definition, moved in
        the hierarchy, deprecated, removed, other), in CHANGE_KINDS order."""
        out: dict[str, list[EntityChange]] = {k: [] for k in CHANGE_KINDS}
        for e in self.entities:
            for k in e.change_kinds():
                out[k].append(e)
        return {k: v for k, v in out.items() if v}

    def to_dict(self) -> dict[str, object]:
        return {
            "by_change": {
                k: [{"iri": e.iri, "code": e.code, "label": e.label, "kind": e.kind_label} for e in group]
                for k, group in self.by_change().items()
            },
            "from": self.old,
            "to": self.new,
            "triples": {"from": self.old_triples, "to": self.new_triples},
            "first_release": self.first,
            "summary": self.counts(),
            "by_type": self.by_type(),
            "entities": [asdict(e) for e in self.entities],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1, sort_keys=False) + "\n"

    def to_markdown(self, limit: int | None = None) -> str:
        """A readable report; ``limit`` caps the entities listed per kind and status."""
        c = self.counts()
        out = [f"# Changes from {self.old} to {self.new}", "", "<!-- generated by occugraph; do not edit -->", ""]
        if self.first:
            out += [f"First release: all {c['added']} entities are new ({self.new_triples} triples).", ""]
        else:
            total = len(self.entities)
            out += [
                f"{total} entities changed: {c['added']} added, {c['removed']} removed, {c['deprecated']} "
                f"deprecated, {c['renamed']} renamed, {c['changed']} changed "
                f"({self.old_triples} → {self.new_triples} triples).",
                "",
            ]
        groups = self.by_change() if not self.first else {}
        if groups:
            out += ["## By kind of change", "", "| change | entities |", "|---|---:|"]
            out += [f"| {CHANGE_KINDS[k]} | {len(v)} |" for k, v in groups.items()]
            out.append("")
            for k, group in groups.items():
                shown = group[:limit] if limit else group
                names = "; ".join(e.display for e in shown)
                more = f" and {len(group) - len(shown)} more" if len(group) > len(shown) else ""
                out += [f"- **{CHANGE_KINDS[k]}** ({len(group)}): {names}{more}"]
            out.append("")
        rows = self.by_type()
        if rows:
            out += ["## Summary by kind", "", "| kind | added | removed | deprecated | renamed | changed |"]
            out.append("|---|---:|---:|---:|---:|---:|")
            for r in rows:
                name = f"{r['label']} (`{curie(str(r['type']))}`)"
                out.append(f"| {name} | " + " | ".join(str(r[s]) for s in STATUSES) + " |")
            out.append("")
        if self.first:
            return "\n".join(out)
        removed = [e for e in self.entities if "removed" in e.status]
        if removed:
            out += [
                f"**Warning:** {len(removed)} entities were removed rather than deprecated. Identifiers are "
                "persistent: restore their rows and retire them in standards/deprecations/deprecations.tsv.",
                "",
            ]
        kinds: dict[str, list[EntityChange]] = defaultdict(list)
        for e in self.entities:
            kinds[e.kind_label].append(e)
        for kind_label in sorted(kinds):
            out += [f"## {kind_label}", ""]
            for status in STATUSES:
                group = [e for e in kinds[kind_label] if status in e.status]
                if not group:
                    continue
                out += [f"### {status.capitalize()} ({len(group)})", ""]
                for e in group[:limit] if limit else group:
                    out += _markdown_entity(e, status)
                if limit and len(group) > limit:
                    out.append(f"- … and {len(group) - limit} more (see the JSON output)")
                out.append("")
        return "\n".join(out)


def _cut(value: str) -> str:
    value = value.replace("\n", " ").replace("|", "\\|")
    return value if len(value) <= SHOWN_VALUE else value[: SHOWN_VALUE - 1] + "…"


def _markdown_entity(e: EntityChange, status: str) -> list[str]:
    iri = f" — <{e.iri}>"
    if status == "added" or status == "removed":
        return [f"- {e.display}{iri}"]
    if status == "renamed":
        return [f"- {e.code + ': ' if e.code else ''}{e.old_label} → {e.label}"]
    if status == "deprecated":
        text = f"- {e.display}"
        if e.replaced_by:
            text += f": replaced by {', '.join(e.replaced_by)}"
        if e.deprecation_reason:
            text += f". Reason: {e.deprecation_reason}"
        if e.deprecation_date:
            text += f" (from {e.deprecation_date})"
        return [text]
    lines = [f"- {e.display}"]
    for ch in e.changes:
        where = f"{ch.part}: " if ch.part else ""
        if not ch.property:  # a whole part added or removed
            lines += [f"  - {ch.part}: added {_cut(v)}" for v in ch.added]
            lines += [f"  - {ch.part}: removed {_cut(v)}" for v in ch.removed]
            continue
        if ch.removed and ch.added and len(ch.removed) == 1 and len(ch.added) == 1:
            lines.append(f"  - {where}{ch.property_label}: {_cut(ch.removed[0])} → {_cut(ch.added[0])}")
            continue
        for v in ch.removed:
            lines.append(f"  - {where}{ch.property_label}: removed {_cut(v)}")
        for v in ch.added:
            lines.append(f"  - {where}{ch.property_label}: added {_cut(v)}")
    return lines


# --- computing the diff -----------------------------------------------------------------------


def _owners(old: Snapshot, new: Snapshot) -> dict[str, str]:
    """Each subject -> the entity it belongs to: itself when it has a name of its own (a label or
    a code), else the nearest entity above its IRI (a main task belongs to its occupation)."""
    entities = old.entities | new.entities
    named = old.named | new.named
    owner: dict[str, str] = {}
    for s in set(old.by_subject) | set(new.by_subject):
        if s.startswith("_:"):
            continue
        found = s if s in entities else ""
        if s not in named:
            head = s
            while head.startswith(BASE) and "/" in head[len(BASE) :]:
                head = head.rsplit("/", 1)[0]
                if head in entities:
                    found = head
                    break
        if found:
            owner[s] = found
    return owner


def _value(snap: Snapshot, other: Snapshot, term: object) -> str:
    if isinstance(term, ox.NamedNode):
        iri = term.value
        for s in (snap, other):
            if iri in s.entities:
                return s.display(iri)
        return curie(iri)
    if isinstance(term, ox.Literal):
        return term.value + (f" @{term.language}" if term.language else "")
    return str(term)


def type_label(iri: str, snaps: tuple[Snapshot, ...]) -> str:
    for snap in snaps:
        labels = [o for o in snap.values(iri, RDFS_LABEL) if isinstance(o, ox.Literal)]
        en = [x.value for x in labels if x.language == "en"]
        if en or labels:
            return (en or [labels[0].value])[0]
    return curie(iri)


def primary_kind(types: set[str], snaps: tuple[Snapshot, ...], labels: dict[str, str]) -> str:
    candidates = {t for t in types if t.startswith(OG)} or (types - {NAMED_INDIVIDUAL}) or types
    supers: dict[str, set[str]] = defaultdict(set)
    for snap in snaps:
        for c, ds in snap.superclasses.items():
            supers[c] |= ds
    top = {c for c in candidates if not (supers.get(c, set()) & candidates)} or candidates
    return min(top, key=lambda t: (labels.get(t, t), t)) if top else ""


def compute(old: Snapshot, new: Snapshot, first: bool = False) -> Diff:
    """Compare two snapshots; see the module docstring for what each status means."""
    owner = _owners(old, new)
    snaps = (new, old)
    inverse = old.inverse_properties | new.inverse_properties

    def statements(snap: Snapshot, entity: str, parts: set[str]) -> dict[tuple[str, str], set[object]]:
        out: dict[tuple[str, str], set[object]] = defaultdict(set)
        for s in parts:
            part = s[len(entity) + 1 :] if s != entity else ""
            for p, o in snap.by_subject.get(s, ()):
                if ontology_header_only(p, s) or p in inverse:
                    continue
                out[(part, p)].add(o)
        return out

    parts_of: dict[str, set[str]] = defaultdict(set)
    for s, e in owner.items():
        parts_of[e].add(s)

    all_types: set[str] = set()
    for e in parts_of:
        all_types |= new.types.get(e, set()) | old.types.get(e, set())
    type_labels = {t: type_label(t, snaps) for t in all_types}

    changes: list[EntityChange] = []
    for entity in sorted(parts_of):
        in_old, in_new = entity in old.entities, entity in new.entities
        before = statements(old, entity, parts_of[entity])
        after = statements(new, entity, parts_of[entity])
        if in_old and in_new and before == after:
            continue
        snap = new if in_new else old
        types = sorted(snap.types.get(entity, set()) - {NAMED_INDIVIDUAL}) or sorted(snap.types.get(entity, set()))
        kind = primary_kind(set(types), snaps, type_labels)
        change = EntityChange(
            iri=entity,
            code=snap.code(entity),
            label=snap.label(entity),
            kind=kind,
            kind_label=type_labels.get(kind, curie(kind)),
            types=types,
            status=[],
        )
        if not in_old:
            change.status.append("added")
        elif not in_new:
            change.status.append("removed")
        else:
            if new.is_deprecated(entity) and not old.is_deprecated(entity):
                change.status.append("deprecated")
                change.replaced_by = [_value(new, old, o) for o in new.values(entity, IS_REPLACED_BY)]
                change.deprecation_reason = "; ".join(o.value for o in new.values(entity, DEPRECATION_REASON))
                change.deprecation_date = "; ".join(o.value for o in new.values(entity, DEPRECATION_DATE))
            if old.label(entity) != new.label(entity):
                change.status.append("renamed")
                change.old_label = old.label(entity)
            change.changes = _property_changes(
                old, new, entity, before, after, "deprecated" in change.status, "renamed" in change.status
            )
            if change.changes:
                change.status.append("changed")
        if change.status:
            changes.append(change)
    kinds_order = {s: i for i, s in enumerate(STATUSES)}
    changes.sort(key=lambda c: (c.kind_label, kinds_order[c.status[0]], c.code or "~", c.label, c.iri))
    return Diff(old.name, new.name, old.size, new.size, changes, type_labels, first)


def _property_changes(
    old: Snapshot,
    new: Snapshot,
    entity: str,
    before: dict[tuple[str, str], set[object]],
    after: dict[tuple[str, str], set[object]],
    deprecated: bool,
    renamed: bool,
) -> list[PropertyChange]:
    """Statement changes of an entity and its parts, minus what the status already says (the
    deprecation details of a newly deprecated entity, the label change of a renamed one)."""
    old_parts = {part for part, _p in before if part}
    new_parts = {part for part, _p in after if part}
    gone_parts = {entity + "/" + p for p in old_parts - new_parts}
    new_only = {entity + "/" + p for p in new_parts - old_parts}
    out: list[PropertyChange] = []
    for part in sorted(new_parts - old_parts):
        out.append(PropertyChange(part, "", "(part added)", added=[_describe(new, entity + "/" + part)]))
    for part in sorted(old_parts - new_parts):
        out.append(PropertyChange(part, "", "(part removed)", removed=[_describe(old, entity + "/" + part)]))
    for key in sorted(set(before) | set(after)):
        part, p = key
        if (part and part not in old_parts & new_parts) or (renamed and not part and p in LABEL_PROPERTIES):
            continue
        if deprecated and not part and p in DEPRECATION_PROPERTIES:
            continue

        def linked(o: object) -> bool:
            return isinstance(o, ox.NamedNode) and o.value in gone_parts | new_only

        removed = sorted(_value(old, new, o) for o in before.get(key, set()) - after.get(key, set()) if not linked(o))
        added = sorted(_value(new, old, o) for o in after.get(key, set()) - before.get(key, set()) if not linked(o))
        if removed or added:
            out.append(PropertyChange(part, p, type_label(p, (new, old)), removed, added))
    return out


def _describe(snap: Snapshot, iri: str) -> str:
    """A part in one line: its literal values in property order (e.g. task number and text)."""
    values = sorted((p, o.value) for p, o in snap.by_subject.get(iri, ()) if isinstance(o, ox.Literal))
    return " · ".join(v for _p, v in values) or curie(iri)


def empty(name: str = "nothing") -> Snapshot:
    return Snapshot(name, [])

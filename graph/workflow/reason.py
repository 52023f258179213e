"""Reasoning: HermiT (through owlready2) over the ontology and the data, and the OWL 2 DL profile.

What it answers, in plain words:

- **consistent?** Can all statements be true at once? If not, the likely culprits are named
  with their source rows (an entity in two classes declared disjoint, a functional property with
  two values, a value of the wrong datatype, a member of a class that can have none).
- **unsatisfiable classes** — classes that can have no members, with the disjointness
  axioms and superclasses that cause it and the ontology file and line.
- **inferred hierarchy** — every entity's inferred types (e.g. each occupation is also a
  classification entry and a skos:Concept) and inferred subclass links, materialised as triples
  (``inferred_triples``; a release writes them to ``occugraph-inferred.ttl``). Types that
  follow from something other than the class hierarchy (a property's domain or range) are
  reported too: they are usually a data error (an entity used as something it is not).
- **OWL 2 DL profile** — checked with the OWL API that owlready2 ships inside HermiT.jar (the
  parser family Protégé uses), plus the OWL 2 datatype map, which that OWL API version does not
  check (HermiT refuses e.g. xsd:gYear or xsd:date in data properties).

What HermiT sees: the whole TBox and the whole ABox except annotation assertions (labels,
definitions, notes): annotations carry no logical meaning in OWL 2, so dropping them cannot
change any inference, and it halves the input. Timings are in docs/benchmarks.md; on the full
graph this stays well under a minute, so no sampling of the ABox is needed. ``abox="none"``
reasons over the TBox alone (what ``occugraph reason --tbox-only`` does).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import XSD

from graph.build.locations import Location
from graph.build.pipeline import Compiled
from graph.core.namespaces import ONTOLOGY_IRI
from graph.workflow.findings import Finding, _short

JAVA_SOURCE = Path(__file__).with_name("java") / "OwlProfileCheck.java"
INFERRED_IRI = "https://w3id.org/occugraph/graph/inferred"

# OWL 2 datatype map (OWL 2 Structural Specification, section 4), plus rdfs:Literal.
OWL2_DATATYPES = {
    str(RDFS.Literal),
    str(RDF.PlainLiteral),
    str(RDF.XMLLiteral),
    "http://www.w3.org/2002/07/owl#real",
    "http://www.w3.org/2002/07/owl#rational",
    *(
        str(XSD) + n
        for n in (
            "decimal integer nonNegativeInteger nonPositiveInteger positiveInteger negativeInteger long int "
            "short byte unsignedLong unsignedInt unsignedShort unsignedByte double float string "
            "normalizedString token language Name NCName NMTOKEN boolean hexBinary base64Binary anyURI "
            "dateTime dateTimeStamp"
        ).split()
    ),
}
LANG_STRING = str(RDF.langString)

# Built-in annotation properties (OWL 2 spec) besides the ones the TBox declares.
BUILTIN_ANNOTATIONS = {
    RDFS.label,
    RDFS.comment,
    RDFS.seeAlso,
    RDFS.isDefinedBy,
    OWL.deprecated,
    OWL.versionInfo,
    OWL.priorVersion,
    OWL.backwardCompatibleWith,
    OWL.incompatibleWith,
}

PROFILE_ADVICE = {
    "IllegalPunning": "one IRI is used as two kinds of property (or as a property and a class), which OWL 2 DL forbids",
    "UseOfUndeclaredAnnotationProperty": "a property is used without a declaration; add "
    "`<property> a owl:AnnotationProperty .` to an ontology/*.ttl file",
    "UseOfUndeclaredObjectProperty": "a property is used without being declared an owl:ObjectProperty",
    "UseOfUndeclaredDataProperty": "a property is used without being declared an owl:DatatypeProperty",
    "UseOfUndeclaredClass": "something is used as a class without being declared an owl:Class",
    "UseOfUndeclaredDatatype": "a datatype is used without being declared",
    "UseOfReservedVocabularyForClassIRI": "a built-in IRI (rdf:, rdfs:, owl:, xsd:) is used as a class",
}


@dataclass
class HermitOutcome:
    """What HermiT said, as IRIs."""

    consistent: bool = True
    error: str = ""
    unsatisfiable: list[str] = field(default_factory=list)
    new_superclasses: dict[str, set[str]] = field(default_factory=dict)  # class -> inferred direct parents
    new_equivalents: dict[str, set[str]] = field(default_factory=dict)
    new_types: dict[str, set[str]] = field(default_factory=dict)  # individual -> inferred direct types
    seconds: float = 0.0
    input_triples: int = 0


@dataclass
class ReasoningReport:
    findings: list[Finding] = field(default_factory=list)
    inferred: list[tuple[URIRef, URIRef, URIRef]] = field(default_factory=list)
    outcome: HermitOutcome | None = None
    timings: dict[str, float] = field(default_factory=dict)

    def inferred_graph(self) -> Graph:
        g = Graph()
        for t in self.inferred:
            g.add(t)
        return g


# --- input ----------------------------------------------------------------------------------


def annotation_properties(tbox: Graph) -> set[URIRef]:
    declared = {s for s in tbox.subjects(RDF.type, OWL.AnnotationProperty) if isinstance(s, URIRef)}
    return declared | BUILTIN_ANNOTATIONS


def reasoning_input(tbox: Graph, abox: Graph | None) -> Graph:
    """TBox + the ABox without annotation assertions (see the module docstring)."""
    g = Graph()
    for t in tbox:
        g.add(t)
    if abox is not None:
        skip = annotation_properties(tbox)
        for t in abox:
            if t[1] not in skip:
                g.add(t)
    return g


def _ntriples(g: Graph) -> bytes:
    from graph.build.pipeline import sorted_ntriples

    return sorted_ntriples(g)


# --- HermiT through owlready2 ---------------------------------------------------------------


def java_available() -> bool:
    import owlready2

    return shutil.which(owlready2.JAVA_EXE) is not None or Path(owlready2.JAVA_EXE).is_file()


def run_hermit(ntriples: bytes) -> HermitOutcome:
    """Load N-Triples into a fresh owlready2 world and run HermiT on it."""
    from owlready2 import OwlReadyInconsistentOntologyError, OwlReadyJavaError, World, sync_reasoner_hermit

    outcome = HermitOutcome(input_triples=ntriples.count(b"\n"))
    world = World()
    try:
        world.get_ontology(ONTOLOGY_IRI).load(fileobj=io.BytesIO(ntriples), format="ntriples")
        inferred = world.get_ontology(INFERRED_IRI + "/")
        started = time.perf_counter()
        try:
            with inferred:
                sync_reasoner_hermit(world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True)
        except OwlReadyInconsistentOntologyError:
            outcome.consistent = False
        except OwlReadyJavaError as exc:
            outcome.consistent = False
            outcome.error = _java_message(str(exc))
        outcome.seconds = time.perf_counter() - started
        if not outcome.consistent:
            return outcome
        nothing = "http://www.w3.org/2002/07/owl#Nothing"
        outcome.unsatisfiable = sorted(c.iri for c in world.inconsistent_classes() if c.iri != nothing)
        unab = world._unabbreviate
        from owlready2.base import owl_equivalentclass, rdf_type, rdfs_subclassof

        for s, p, o in world.graph.execute("SELECT s, p, o FROM quads WHERE c = ?", (inferred.graph.c,)):
            if not (isinstance(s, int) and isinstance(o, int) and s > 0 and o > 0):
                continue  # blank nodes (anonymous class expressions) are not materialised
            si, oi = unab(s), unab(o)
            if oi.startswith(str(OWL)) or si.startswith(INFERRED_IRI):
                continue
            if p == rdf_type:
                outcome.new_types.setdefault(si, set()).add(oi)
            elif p == rdfs_subclassof:
                outcome.new_superclasses.setdefault(si, set()).add(oi)
            elif p == owl_equivalentclass:
                outcome.new_equivalents.setdefault(si, set()).add(oi)
    finally:
        world.close()
    return outcome


def _java_message(text: str) -> str:
    """The first meaningful line of a Java stack trace, without the package names."""
    for line in text.splitlines():
        line = line.strip()
        if "Exception" in line or "Error" in line:
            return re.sub(r"^.*?(\w+(Exception|Error)):\s*", r"\1: ", line)
    return text.strip().splitlines()[0] if text.strip() else "Java failed"


# --- materialising the inferred hierarchy ----------------------------------------------------


def _named(x: object) -> bool:
    return isinstance(x, URIRef) and not str(x).startswith(str(OWL))


def class_ancestors(tbox: Graph, outcome: HermitOutcome | None) -> dict[str, set[str]]:
    """Every named class -> all its named superclasses (asserted + inferred, transitive)."""
    parents: dict[str, set[str]] = defaultdict(set)
    for c, d in tbox.subject_objects(RDFS.subClassOf):
        if _named(c) and _named(d):
            parents[str(c)].add(str(d))
    for c, d in tbox.subject_objects(OWL.equivalentClass):
        if _named(c) and _named(d):
            parents[str(c)].add(str(d))
            parents[str(d)].add(str(c))
    if outcome is not None:
        for c, ds in outcome.new_superclasses.items():
            parents[c] |= ds
        for c, ds in outcome.new_equivalents.items():
            for d in ds:
                parents[c].add(d)
                parents[d].add(c)
    closed: dict[str, set[str]] = {}
    for c in list(parents):
        seen: set[str] = set()
        stack = list(parents[c])
        while stack:
            d = stack.pop()
            if d not in seen:
                seen.add(d)
                stack.extend(parents.get(d, ()))
        seen.discard(c)
        closed[c] = seen
    return closed


def materialise(tbox: Graph, abox: Graph, outcome: HermitOutcome) -> list[tuple[URIRef, URIRef, URIRef]]:
    """Inferred triples not already asserted: subclass links HermiT found, and every entity's
    types closed upward through the (inferred) class hierarchy. Sorted, so the output is stable."""
    ancestors = class_ancestors(tbox, outcome)
    out: set[tuple[URIRef, URIRef, URIRef]] = set()
    for c, ds in outcome.new_superclasses.items():
        for d in ds:
            t = (URIRef(c), RDFS.subClassOf, URIRef(d))
            if t not in tbox:
                out.add(t)
    for c, ds in outcome.new_equivalents.items():
        for d in ds:
            t = (URIRef(c), OWL.equivalentClass, URIRef(d))
            if t not in tbox and (URIRef(d), OWL.equivalentClass, URIRef(c)) not in tbox:
                out.add(t)
    asserted: dict[str, set[str]] = defaultdict(set)
    for s, o in abox.subject_objects(RDF.type):
        if isinstance(s, URIRef) and _named(o):
            asserted[str(s)].add(str(o))
    for s in set(asserted) | set(outcome.new_types):
        direct = asserted.get(s, set()) | outcome.new_types.get(s, set())
        closed = set(direct)
        for c in direct:
            closed |= ancestors.get(c, set())
        for c in closed - asserted.get(s, set()):
            out.add((URIRef(s), RDF.type, URIRef(c)))
    return sorted(out)


# --- plain words ------------------------------------------------------------------------------


class TBoxIndex:
    """Where each term is defined in ontology/*.ttl (first line that starts with it)."""

    def __init__(self, root: Path) -> None:
        self.where: dict[str, Location] = {}
        for ttl in sorted((root / "ontology").glob("*.ttl")):
            prefixes: dict[str, str] = {}
            rel = os.path.relpath(ttl, root)
            for n, line in enumerate(ttl.read_text(encoding="utf-8").splitlines(), start=1):
                m = re.match(r"@prefix\s+([\w-]*):\s*<([^>]*)>", line)
                if m:
                    prefixes[m.group(1)] = m.group(2)
                    continue
                m = re.match(r"(<[^>]+>|[\w-]*:[\w-]+)\s", line)
                if not m:
                    continue
                token = m.group(1)
                if token.startswith("<"):
                    iri = token[1:-1]
                else:
                    prefix, local = token.split(":", 1)
                    if prefix not in prefixes:
                        continue
                    iri = prefixes[prefix] + local
                self.where.setdefault(iri, Location(rel, n))

    def locate(self, iri: str) -> str:
        loc = self.where.get(iri)
        return str(loc) if loc else ""


def _label(g: Graph, iri: str) -> str:
    from rdflib.namespace import SKOS

    node = URIRef(iri)
    for prop in (SKOS.prefLabel, RDFS.label):
        labels = sorted(g.objects(node, prop), key=lambda lit: (getattr(lit, "language", "") != "en", str(lit)))
        if labels:
            return str(labels[0])
    return _short(iri)


def _entity_label(g: Graph, iri: str) -> str:
    from rdflib.namespace import SKOS

    node = URIRef(iri)
    code = next(iter(sorted(str(c) for c in g.objects(node, SKOS.notation))), "")
    label = next(iter(sorted(str(x) for x in g.objects(node, SKOS.prefLabel))), "") or _short(iri)
    return f"{code} {label}".strip()


def disjoint_pairs(tbox: Graph) -> set[frozenset[str]]:
    pairs = {frozenset((str(a), str(b))) for a, b in tbox.subject_objects(OWL.disjointWith)}
    for node in tbox.subjects(RDF.type, OWL.AllDisjointClasses):
        members_node = tbox.value(node, OWL.members)
        if members_node is None:
            continue
        from rdflib.collection import Collection

        members = [str(m) for m in Collection(tbox, members_node)]
        pairs |= {frozenset((a, b)) for i, a in enumerate(members) for b in members[i + 1 :]}
    return {p for p in pairs if len(p) == 2}


def diagnose_inconsistency(
    compiled: Compiled, root: Path, index: TBoxIndex, unsatisfiable: list[str] | None = None
) -> list[Finding]:
    """Likely reasons for an inconsistency, each at its source row."""
    tbox, abox, locations = compiled.tbox, compiled.abox, compiled.ctx.locations
    ancestors = class_ancestors(tbox, None)
    pairs = disjoint_pairs(tbox)
    found: list[Finding] = []

    def where(s: URIRef, p: URIRef | None = None, o: object = None) -> str:
        loc = locations.locate(s, p, o)  # type: ignore[arg-type]
        return str(loc.relative_to(root)) if loc else ""

    types: dict[URIRef, set[str]] = defaultdict(set)
    for s, o in abox.subject_objects(RDF.type):
        if isinstance(s, URIRef) and _named(o):
            types[s] |= {str(o)} | ancestors.get(str(o), set())
    for s, ts in sorted(types.items()):
        for pair in sorted(pairs, key=sorted):
            if pair <= ts:
                a, b = sorted(pair)
                found.append(
                    Finding(
                        "ERROR",
                        "reasoner",
                        f"{_entity_label(abox, str(s))} is both a {_label(tbox, a)} and a {_label(tbox, b)}, but the "
                        f"ontology says nothing can be both ({_short(a)} owl:disjointWith {_short(b)})",
                        where(s),
                        str(s),
                    )
                )
        for c in sorted(set(unsatisfiable or ()) & ts):
            found.append(
                Finding(
                    "ERROR",
                    "reasoner",
                    f"{_entity_label(abox, str(s))} is a {_label(tbox, c)}, a class that can have no members",
                    where(s),
                    str(s),
                )
            )
    functional = set(tbox.subjects(RDF.type, OWL.FunctionalProperty))
    for p in sorted(functional):
        values: dict[URIRef, set] = defaultdict(set)
        for s, o in abox.subject_objects(p):
            values[s].add(o)
        for s, vs in sorted(values.items()):
            if len(vs) > 1:
                found.append(
                    Finding(
                        "ERROR",
                        "reasoner",
                        f"{_entity_label(abox, str(s))} has {len(vs)} values for {_label(tbox, str(p))} "
                        f"({', '.join(sorted(str(v) for v in vs))}), which allows only one (owl:FunctionalProperty)",
                        where(s, p),
                        str(s),
                    )
                )
    for p, rng in tbox.subject_objects(RDFS.range):
        if (p, RDF.type, OWL.DatatypeProperty) not in tbox or str(rng) not in OWL2_DATATYPES - {str(RDFS.Literal)}:
            continue
        for s, o in abox.subject_objects(p):
            if not isinstance(o, Literal):
                continue
            ok = (
                (str(rng) == str(RDF.PlainLiteral) and (o.language or o.datatype in (None, XSD.string)))
                or (o.datatype is not None and str(o.datatype) == str(rng))
                or (str(rng) == str(XSD.string) and o.datatype is None and not o.language)
            )
            if not ok and not (str(rng) == str(XSD.integer) and o.datatype in _INTEGER_TYPES):
                found.append(
                    Finding(
                        "ERROR",
                        "reasoner",
                        f"{_entity_label(abox, str(s))}: value {o.n3()} of {_label(tbox, str(p))} is not a "
                        f"{_short(str(rng))}, the property's range",
                        where(s, p, o),
                        str(s),
                    )
                )
    return found


_INTEGER_TYPES = {XSD.integer, XSD.int, XSD.long, XSD.short, XSD.nonNegativeInteger, XSD.positiveInteger}


def explain_unsatisfiable(tbox: Graph, iri: str, index: TBoxIndex) -> str:
    ancestors = class_ancestors(tbox, None).get(iri, set())
    family = {iri} | ancestors
    clashes = sorted(
        " owl:disjointWith ".join(_short(x) for x in sorted(p)) for p in disjoint_pairs(tbox) if p <= family
    )
    why = (
        f"it is a subclass of two classes declared disjoint ({'; '.join(clashes)})"
        if clashes
        else "its definition contradicts itself or the classes above it"
    )
    supers = ", ".join(sorted(_short(a) for a in ancestors)) or "none"
    return (
        f"class {_label(tbox, iri)} ({_short(iri)}) can have no members: {why}. Superclasses: {supers}. "
        f"Any entity of this class would make the whole graph inconsistent"
    )


def explain_inferred_type(
    tbox: Graph, abox: Graph, individual: str, cls: str, ancestors: dict[str, set[str]] | None = None
) -> str:
    """Why HermiT put ``individual`` in ``cls`` when its asserted types do not say so."""
    ancestors = ancestors if ancestors is not None else class_ancestors(tbox, None)
    below = {c for c, ancs in ancestors.items() if cls in ancs} | {cls}
    node = URIRef(individual)
    reasons = []
    for p, d in tbox.subject_objects(RDFS.domain):
        if str(d) in below and ((node, p, None) in abox or (node, p, None) in tbox):
            reasons.append(f"it has a '{_label(tbox, str(p))}' ({_short(str(p))}), whose domain is {_short(str(d))}")
    for p, r in tbox.subject_objects(RDFS.range):
        if str(r) in below and ((None, p, node) in abox or (None, p, node) in tbox):
            reasons.append(
                f"it is the value of a '{_label(tbox, str(p))}' ({_short(str(p))}), whose range is {_short(str(r))}"
            )
    because = "; ".join(sorted(reasons)) or f"of the ontology's axioms about {_short(cls)}"
    return (
        f"{_entity_label(abox, individual)} is inferred to be in the class '{_label(tbox, cls)}' ({_short(cls)}) "
        f"because {because}; if it is not one, the data uses it wrongly"
    )


def punning_findings(tbox: Graph, abox: Graph, inferred: dict[str, set[str]] | None = None) -> list[Finding]:
    """Classes the data also uses as values (OWL 2 punning), explained once each in plain words.

    Tools print "class used as an individual" for these, which an editor cannot act on. Here the
    punning is on purpose (an eligibility condition names the *kind* of certificate it accepts by
    its class, og:acceptsCertificateType og:SkillLevelCertificate); OWL 2 DL allows it and a
    reasoner treats the class and the value as two separate things, so it is a note, not a
    warning, and says which property does it so the ontology maintainers can change it if wanted.
    """
    classes = {c for c in tbox.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
    uses: dict[URIRef, set[URIRef]] = defaultdict(set)
    for s, p, o in abox:
        if o in classes and p not in (RDF.type, RDFS.subClassOf) and isinstance(s, URIRef):
            uses[o].add(p)  # type: ignore[index]
    out = []
    for cls, props in sorted(uses.items()):
        named = ", ".join(f"'{_label(tbox, str(p))}' ({_short(str(p))})" for p in sorted(props))
        types = sorted((inferred or {}).get(str(cls), set()))
        also = (
            " HermiT infers the value to be " + ", ".join(f"a '{_label(tbox, t)}' ({_short(t)})" for t in types) + ";"
            " that is what it is, and it says nothing about the class's members."
            if types
            else ""
        )
        out.append(
            Finding(
                "INFO",
                "reasoner",
                f"{_label(tbox, str(cls))} ({_short(str(cls))}) is a class and is also used as a value of {named}: "
                "the data names a kind of thing by its class (OWL 2 punning). This is intended and allowed in "
                "OWL 2 DL; reasoners treat the class and the value separately, so tools that report "
                f"'class used as an individual' can be ignored here.{also} Nothing to fix in the tables",
                "",
                str(cls),
            )
        )
    return out


# --- OWL 2 DL profile -------------------------------------------------------------------------


def hermit_jar() -> Path:
    import owlready2

    return Path(owlready2.__file__).with_name("hermit") / "HermiT.jar"


def owl_api_profile(ntriples: bytes, suffix: str = ".nt") -> tuple[list[tuple[str, list[str], str]], str]:
    """(kind, IRIs, message) per OWL 2 DL violation found by the OWL API; error text if it failed.
    ``suffix`` names the syntax of the bytes (``.owl`` for RDF/XML) for the OWL API's parsers."""
    import owlready2

    with tempfile.NamedTemporaryFile("wb", suffix=suffix, delete=False) as tmp:
        tmp.write(ntriples)
    try:
        proc = subprocess.run(
            [owlready2.JAVA_EXE, "-cp", str(hermit_jar()), str(JAVA_SOURCE), tmp.name],
            capture_output=True,
            text=True,
            timeout=900,
        )
    finally:
        os.unlink(tmp.name)
    rows = []
    for line in proc.stdout.splitlines():
        kind, iris, message = (line.split("\t") + ["", ""])[:3]
        rows.append((kind, iris.split(), message))
    if proc.returncode not in (0, 2):
        return rows, _java_message(proc.stderr)
    return rows, ""


def datatype_findings(compiled: Compiled, root: Path, index: TBoxIndex) -> list[Finding]:
    """Datatypes outside the OWL 2 datatype map: ERROR in the TBox, WARN in data values."""
    tbox, abox = compiled.tbox, compiled.abox
    found = []
    for p, rng in sorted(tbox.subject_objects(RDFS.range)):
        if (p, RDF.type, OWL.DatatypeProperty) not in tbox and str(rng) != LANG_STRING:
            continue
        if str(rng) == LANG_STRING:
            found.append(
                Finding(
                    "ERROR",
                    "owl-profile",
                    f"{_short(str(p))} has range rdf:langString, which OWL 2 tools (OWL API 3, HermiT) read as a "
                    f"class, not a datatype: use rdf:PlainLiteral for language-tagged text",
                    index.locate(str(p)),
                    str(p),
                )
            )
        elif str(rng) not in OWL2_DATATYPES and str(rng).startswith(str(XSD)):
            found.append(
                Finding(
                    "ERROR",
                    "owl-profile",
                    f"{_short(str(p))} has range {_short(str(rng))}, which is not in the OWL 2 DL datatype map; "
                    f"use e.g. xsd:integer, xsd:string or xsd:dateTime (HermiT cannot reason with it)",
                    index.locate(str(p)),
                    str(p),
                )
            )
    skip = annotation_properties(tbox)
    bad: dict[tuple[str, str], list[tuple]] = defaultdict(list)
    for s, p, o in abox:
        if isinstance(o, Literal) and o.datatype is not None and p not in skip:
            if str(o.datatype) not in OWL2_DATATYPES and str(o.datatype) != LANG_STRING:
                bad[(str(p), str(o.datatype))].append((s, p, o))
    for (p, dt), triples in sorted(bad.items()):
        s, pp, o = sorted(triples)[0]
        loc = compiled.ctx.locations.locate(s, pp, o)
        found.append(
            Finding(
                "WARN",
                "owl-profile",
                f"{len(triples)} value(s) of {_short(p)} are typed {_short(dt)}, which is not an OWL 2 DL datatype "
                f"(HermiT ignores them); make {_short(p)} an annotation property or use xsd:dateTime/xsd:string",
                str(loc.relative_to(root)) if loc else "",
                str(s),
            )
        )
    return found


def profile_findings(
    rows: list[tuple[str, list[str], str]], compiled: Compiled, root: Path, index: TBoxIndex
) -> list[Finding]:
    """One finding per kind of violation and term, located at the term's definition where the
    fix usually is (a declaration or range in ontology/*.ttl), else at a data row."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    where: dict[tuple[str, str], str] = {}
    for kind, iris, message in rows:
        if kind == "Unparseable":
            groups[(kind, "")].append(message)
            continue
        term = next((i for i in iris if index.locate(i)), "")
        loc = index.locate(term) if term else ""
        if not term:
            for iri in iris:
                found = compiled.ctx.locations.locate(URIRef(iri))
                if found:
                    term, loc = iri, str(found.relative_to(root))
                    break
        groups[(kind, term)].append(re.sub(r"\s*\[.*$", "", message)[:240])
        where[(kind, term)] = loc
    found_list = []
    for (kind, term), messages in sorted(groups.items()):
        if kind == "Unparseable":
            found_list.append(Finding("ERROR", "owl-profile", f"the OWL API cannot read the graph: {messages[0]}"))
            continue
        advice = PROFILE_ADVICE.get(kind, kind)
        about = f"{_short(term)}: " if term else ""
        found_list.append(
            Finding(
                "ERROR",
                "owl-profile",
                f"not OWL 2 DL: {about}{advice} ({kind}, {len(messages)} axiom(s), e.g. {messages[0]})",
                where.get((kind, term), ""),
                term,
            )
        )
    return found_list


# --- the whole run ----------------------------------------------------------------------------


def reason(
    compiled: Compiled,
    root: Path,
    *,
    abox: str = "logical",
    profile: bool = True,
    tbox_nt: bytes | None = None,
    abox_nt: bytes | None = None,
) -> ReasoningReport:
    """Reason over ``compiled`` (abox: "logical" = without annotations, "none" = TBox only)."""
    report = ReasoningReport()
    index = TBoxIndex(root)
    if not java_available():
        report.findings.append(
            Finding(
                "WARN",
                "reasoner",
                "java not found: reasoning and the OWL 2 DL profile check were skipped (install Java 11 or later)",
            )
        )
        return report

    started = time.perf_counter()
    report.findings += datatype_findings(compiled, root, index)
    report.timings["datatype check"] = time.perf_counter() - started

    started = time.perf_counter()
    data = reasoning_input(compiled.tbox, compiled.abox if abox != "none" else None)
    outcome = run_hermit(_ntriples(data))
    report.outcome = outcome
    report.timings["HermiT (owlready2, incl. loading)"] = time.perf_counter() - started
    report.timings["HermiT itself"] = outcome.seconds
    scope = "the ontology alone" if abox == "none" else "the ontology and the data"

    if outcome.error:
        report.findings.append(Finding("ERROR", "reasoner", f"HermiT could not run over {scope}: {outcome.error}"))
    elif not outcome.consistent:
        tbox_only = run_hermit(_ntriples(compiled.tbox)) if abox != "none" else outcome
        if not tbox_only.consistent:
            report.findings.append(
                Finding(
                    "ERROR",
                    "reasoner",
                    "HermiT: the ontology itself is contradictory (ontology/*.ttl): no world can satisfy its axioms, "
                    "whatever the data says",
                )
            )
        else:
            report.findings.append(
                Finding(
                    "ERROR",
                    "reasoner",
                    f"HermiT: {scope} contradict each other: no world can make every statement true. "
                    f"Likely causes follow; fix those rows and run `occugraph reason` again",
                )
            )
            report.findings += diagnose_inconsistency(compiled, root, index, tbox_only.unsatisfiable)
    else:
        for iri in outcome.unsatisfiable:
            report.findings.append(
                Finding("ERROR", "reasoner", explain_unsatisfiable(compiled.tbox, iri, index), index.locate(iri), iri)
            )
        if abox != "none":
            report.inferred = materialise(compiled.tbox, compiled.abox, outcome)
            ancestors = class_ancestors(compiled.tbox, None)
            punned = punning_findings(compiled.tbox, compiled.abox, outcome.new_types)
            report.findings += punned
            explained = {f.entity for f in punned}
            for s, types in sorted(outcome.new_types.items()):
                if s in explained:
                    continue  # a class used as a value: explained once, above
                for c in sorted(types):
                    loc = compiled.ctx.locations.locate(URIRef(s))
                    report.findings.append(
                        Finding(
                            "WARN",
                            "reasoner",
                            explain_inferred_type(compiled.tbox, compiled.abox, s, c, ancestors),
                            str(loc.relative_to(root)) if loc else "",
                            s,
                        )
                    )
        else:
            report.inferred = materialise(compiled.tbox, Graph(), outcome)
        report.findings.append(
            Finding(
                "INFO",
                "reasoner",
                f"HermiT: {scope} are consistent; {len(outcome.unsatisfiable)} unsatisfiable class(es); "
                f"{len(report.inferred)} inferred triple(s) ({outcome.input_triples} triples reasoned over)",
            )
        )

    if profile:
        started = time.perf_counter()
        nt = (
            tbox_nt + abox_nt
            if tbox_nt is not None and abox_nt is not None
            else _ntriples(compiled.tbox) + _ntriples(compiled.abox)
        )
        rows, error = owl_api_profile(nt)
        report.timings["OWL 2 DL profile (OWL API)"] = time.perf_counter() - started
        if error:
            report.findings.append(Finding("WARN", "owl-profile", f"the OWL API profile check failed: {error}"))
        report.findings += profile_findings(rows, compiled, root, index)
        if not rows and not error:
            report.findings.append(
                Finding(
                    "INFO",
                    "owl-profile",
                    "the ontology with the data is in the OWL 2 DL profile (OWL API OWL2DLProfile: no violations)",
                )
            )
    return report

"""Career pathways as RDF (issue 4): the promotions and related-occupation moves that the
eligibility rules allow, so that SPARQL property paths can walk them (``og:leadsTo+``).

Derived, not edited: this reader reads no files of its own. It runs after the eligibility and
skill-standards readers, loads their triples into an in-memory store, builds the pathway engine
from the same ``RuleBook`` the API uses (graph/pathways/engine.py) and writes what the engine's static
graph holds between states:

- a ``og:CareerState`` per (occupation, level) that a promotion or move starts from or leads to
  (``id/career-state/<code>/<level>``), labelled;
- ``og:leadsTo`` from state to state for every promotion within an occupation that has rules and
  every move between related occupations that both have rules;
- a ``og:CrossoverStep`` per title crossover (贯通) within an occupation, both directions: a
  skill level to a professional title in its field (standards/eligibility skill-to-title-2020)
  and a title to a skill level (the standards' own title rules), with the rules and the waiting
  years (``id/crossover/<code>/<from level>/<to level>``); a title state is a ``og:CareerState``
  whose level is a professional level;
- a ``og:PromotionStep`` per promotion (occupation, from level, to level) with every rule that
  allows it and the waiting years of the plain promotion (certificate + time; see
  ``PathwayEngine.state_edges``) (``id/promotion/<code>/<from level>/<to level>``). A move
  A -> B follows the rules and years of B's own promotion from the same level, so moves get no
  step resource of their own (that would repeat the rule links thousands of times).

Entries (years of work, diplomas, titles) are left to the engine: they start from no state.
"""

from __future__ import annotations

import functools
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import DCTERMS, SKOS, XSD

from graph.build.context import BuildContext
from graph.build.terms import literal
from graph.build.triples import nt_term
from graph.build.tsv import read_dictionary, read_table
from graph.core.namespaces import ID, OG
from graph.standards.iris import level_iri

# what the RuleBook reads: every og: property (levels, diploma kinds, rule sets, rules, conditions,
# standards, related occupations) except the bulky texts it never asks for, and the few labels,
# notes and types it uses; read predicate by predicate (an rdflib scan of the whole graph is slow)
_SKIP_PREDICATES = {OG.hasMainTask, OG.taskText, OG.taskNumber, OG.requirementText, OG.qualityFlag}
_OTHER_PREDICATES = (RDF.type, RDFS.label, SKOS.prefLabel, SKOS.altLabel, SKOS.notation, SKOS.note, DCTERMS.source)


def _predicates() -> list[URIRef]:
    own = [OG[name] for name in OG.__annotations__ if name[:1].islower()]
    return [p for p in own if p not in _SKIP_PREDICATES] + list(_OTHER_PREDICATES)


@functools.cache  # every state is named again for each step from and to it (24k calls, 2k states)
def state_iri(code: str, level: str) -> URIRef:
    return URIRef(f"{ID}career-state/{quote(code)}/{quote(level)}")


def step_iri(code: str, source_level: str, target_level: str, kind: str = "promotion") -> URIRef:
    folder = "promotion" if kind == "promotion" else "crossover"
    return URIRef(f"{ID}{folder}/{quote(code)}/{quote(source_level)}/{quote(target_level)}")


def store_of(g: Graph):  # type: ignore[no-untyped-def]
    """The triples the RuleBook needs, in an in-memory pyoxigraph store with ``select`` (written out
    as N-Triples and bulk-loaded: faster than building pyoxigraph terms one by one). Written with
    the build's own ``nt_term``: the same terms as rdflib's ``n3()`` wrote (on the real sources the
    same text) at about two thirds of its CPU (issue 17)."""
    from graph.store.embedded import EmbeddedStore

    data = "".join(
        f"{nt_term(s)} {nt_term(p)} {nt_term(o)} .\n"
        for pred in _predicates()
        for s, p, o in g.triples((None, pred, None))
    )
    store = ox.Store()
    store.bulk_load(data.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return EmbeddedStore(store=store)


def load(folder: Path, g: Graph, ctx: BuildContext) -> None:
    from graph.pathways.engine import PathwayEngine
    from graph.standards.queries import RuleBook

    book = RuleBook.load(store_of(g))
    engine = PathwayEngine.from_book(book)
    edges = engine.state_edges()
    occupation_iri = {code: iri for code, (iri, kinds) in ctx.entries.items() if "occupation" in kinds}
    states: set[tuple[str, str]] = set()
    promotions = moves = crossovers = 0
    for (_, a, la), (_, b, lb), rules, years, kind in edges:
        if a not in occupation_iri or b not in occupation_iri:
            continue
        states.update({(a, la), (b, lb)})
        g.add((state_iri(a, la), OG.leadsTo, state_iri(b, lb)))
        if kind == "move":
            moves += 1  # its rules and years are those of b's own promotion from la (docs/pathways.md)
            continue
        if kind == "promotion":
            promotions += 1
        else:
            crossovers += 1
        step = step_iri(b, la, lb, kind)
        g.add((step, RDF.type, OG.PromotionStep if kind == "promotion" else OG.CrossoverStep))
        g.add((step, OG.stepFrom, state_iri(a, la)))
        g.add((step, OG.stepTo, state_iri(b, lb)))
        g.add((step, OG.waitingYears, literal(f"{years:g}", datatype=XSD.decimal)))
        for rule in rules:
            g.add((step, OG.allowedByRule, URIRef(rule.id)))
    # retired states keep their identifiers (standards/deprecations marks them owl:deprecated):
    # still defined here, with no links, when the rules no longer lead to them
    for row in read_table(
        folder.parent / "deprecations", "deprecations.tsv", read_dictionary(folder.parent / "deprecations")
    ):
        parts = row["id"].split("/")
        if len(parts) == 3 and parts[0] == "career-state" and parts[1] in occupation_iri:
            states.add((parts[1], parts[2]))
    for code, level in sorted(states):
        iri = state_iri(code, level)
        g.add((iri, RDF.type, OG.CareerState))
        g.add((iri, OG.stateOccupation, occupation_iri[code]))
        g.add((iri, OG.stateLevel, level_iri(level)))
        name = engine.names.get(code, code)
        g.add((iri, RDFS.label, literal(f"{name} {engine.level_words(level)}", lang="zh")))
    ctx.note(
        "career pathways",
        f"{len(states)} career states (occupation, level), {promotions} level promotions "
        f"in {len(engine.rule_set_of)} occupations with rules, {moves} moves between related occupations, "
        f"{crossovers} title crossovers (贯通, skill level <-> professional title, within an occupation) "
        "(og:leadsTo; entries from work and diplomas are computed by the engine, not stored)",
    )

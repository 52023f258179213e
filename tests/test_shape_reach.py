"""SHACL given only the triples a shape can read reports what it reports given every triple
(graph/build/shape_reach.py, issue 17).

The real graph conforms, so an equal empty report would prove nothing: the data here is the
build's own N-Triples with deterministic faults of every kind our shapes check (values removed,
values added, literals where IRIs belong, wrong datatypes and language tags, rdf:type triples
removed so sh:class and targets change), plus faults in triples no shape names, which must change
nothing either way.
"""

from __future__ import annotations

import random
from pathlib import Path

from rdflib import BNode

from graph.build.pipeline import read_ontology, shacl_results
from graph.build.shape_reach import keep_reachable, reach

ROOT = Path(__file__).resolve().parents[1]
TYPE = b"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


def _faulty(lines: list[bytes], reachable: frozenset[bytes], seed: int = 7, n: int = 300) -> list[bytes]:
    rng = random.Random(seed)
    out = list(lines)
    named = [i for i, line in enumerate(lines) if line.split(b" ", 2)[1] in reachable]
    unnamed = [i for i, line in enumerate(lines) if line.split(b" ", 2)[1] not in reachable]
    for i in sorted(rng.sample(named, n), reverse=True):
        s, p, o = out[i].split(b" ", 2)
        kind = rng.randrange(6)
        if kind == 0:  # a required value (or a type) missing
            del out[i]
        elif kind == 1:  # one value too many
            out.insert(i, s + b" " + p + b' "extra value"@zh .\n')
        elif kind == 2:  # a literal where an IRI belongs, or a plain string where a datatype is required
            out[i] = s + b" " + p + b' "x" .\n'
        elif kind == 3:  # wrong datatype
            out[i] = s + b" " + p + b' "not a number"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
        elif kind == 4:  # wrong language tag
            out[i] = s + b" " + p + b' "texte"@fr .\n'
        else:  # an IRI of another kind of thing
            out[i] = s + b" " + p + b" " + lines[rng.choice(named)].split(b" ", 1)[0] + b" .\n"
    for i in rng.sample(unnamed, 50):  # faults no shape can see
        s, p, _o = lines[i].split(b" ", 2)
        out.append(s + b" " + p + b' "?"@fr .\n')
    return out


def test_shacl_reads_only_what_the_shapes_name(built) -> None:  # type: ignore[no-untyped-def]
    tbox, shapes = read_ontology(ROOT)
    reachable = reach(shapes)
    assert reachable is not None and TYPE in reachable  # our shapes' SPARQL names its predicates
    lines = (built.dist / "occugraph.nt").read_bytes().splitlines(keepends=True)
    kept = keep_reachable(b"".join(lines), reachable)
    assert 0.2 < kept.count(b"\n") / len(lines) < 0.8  # a real cut, not all or nothing
    data = b"".join(_faulty(lines, reachable))
    every = shacl_results(data, shapes, tbox, reachable_only=False)
    only = shacl_results(data, shapes, tbox)
    assert len(every) > 100 and {r.severity for r in every} >= {"Violation"}
    assert _comparable(only) == _comparable(every)


def _comparable(results: list) -> list[tuple[str, ...]]:  # type: ignore[type-arg]
    """Results with a path that is a blank node (an inverse path in the engine's report: its
    label is new in every run) compared without the label."""
    return sorted(
        (str(r.focus), "[path]" if isinstance(r.path, BNode) else str(r.path), str(r.value), r.message, r.severity)
        for r in results
    )

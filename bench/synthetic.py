"""Synthetic OccuGraph data at N times the real size, shaped like the real data, for benchmarks.

    .venv/bin/python bench/synthetic.py --factor 10 --out var/bench/10x [--store var/store]

Reads the graphs of a built store and writes ``ontology.nt``, ``data.nt``, ``profiles.jsonl`` and ``manifest.json``
to ``--out``. The ontology graph is copied unchanged. The data graph is the real one plus
``factor - 1`` copies of every entity that belongs to the classification and what hangs off it:
occupations and groups with their main tasks, skill standards with their levels and
requirements, eligibility rule sets, majors, courses, credit equivalences... Reference
vocabularies are shared, not copied (``SHARED_KINDS``: the scheme, editions, sources, skill
levels, release batches and other short code lists), so copy k links to the same editions and
levels as the real entries, and the scheme gets k times more top concepts.

How a copy differs from the original (copy k = 1 .. factor-1, suffix ``-kk``):

* IRIs ``https://w3id.org/occugraph/id/<kind>/<id>[/...]`` of a copied kind become
  ``.../<kind>/<id>-kk[/...]``: the same shape (tasks stay ``/task/n`` under their occupation,
  levels ``/level/n`` under their standard), and every link between copied entities stays inside
  the copy (copy 7 of 2-02-38-01 has copy 7 of 2-02-38-00 as its broader group).
* Literals that are classification codes (``skos:notation``, former codes, printed codes) get the
  same suffix: ``2-02-38-01`` -> ``2-02-38-01-07``. Synthetic codes therefore never collide with a
  real one, and the API's code pattern (N-NN-NN-NN) never matches them: lookups benchmark real
  codes, and every query runs over k times more data.
* Names and aliases (skos:prefLabel/altLabel/hiddenLabel, rdfs:label) of copied entities get a
  short Chinese qualifier, ``电子商务师`` -> ``电子商务师（华东二）``, so a search matches the real
  entry and its copies with realistic ranking (exact name first, then the qualified copies).
* Definitions, task texts and requirement texts are copied as they are (same length, same
  characters; text search cost scales with the copies).
* Blank nodes, if any, are renamed per copy.

Learner profiles (``profiles.jsonl``, one ``/api/pathways`` query per line) are the other input
the pathway engine sees. There is no public data on real learners, so they are shaped by the
rules: one learner for every (occupation, level 4..1) that has eligibility rules in the real
graph, holding the certificate one level lower in the same occupation (even positions: a
promotion) or in a related occupation (odd positions: a move), with years worked and certificate
dates spread deterministically. At ``factor`` x there are ``factor`` learners for each target,
differing in years and dates; they target real occupations only, because the API addresses
occupations by real code (copies have none).

The output is deterministic: the same store and factor give byte-identical files.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graph.core.namespaces import DATA_GRAPH, ONTOLOGY_GRAPH  # noqa: E402

ID = "https://w3id.org/occugraph/id/"
# reference vocabularies and short code lists: one of each, shared by every copy
SHARED_KINDS = frozenset(
    {
        "scheme",
        "edition",
        "source",
        "level",
        "new-occupation-batch",
        "diploma-kind",
        "education-tier",
        "credit-framework",
        "major-catalogue",
        "organisation",
        "onex-level",
    }
)
LABEL_PREDICATES = frozenset(
    {
        "http://www.w3.org/2004/02/skos/core#prefLabel",
        "http://www.w3.org/2004/02/skos/core#altLabel",
        "http://www.w3.org/2004/02/skos/core#hiddenLabel",
        "http://www.w3.org/2000/01/rdf-schema#label",
    }
)
# qualifier of copy k: region (k % 10) + ordinal (k // 10), 100 distinct ones
REGIONS = ["华北", "华东", "华南", "华中", "西南", "西北", "东北", "沿海", "内陆", "边疆"]
ORDINALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]
MAX_FACTOR = 100

_TERM = re.compile(r'<[^>]*>|_:\S+|"(?:[^"\\]|\\.)*"(?:@[A-Za-z0-9-]+|\^\^<[^>]*>)?')
_CODE_LITERAL = re.compile(r'^"(\d-\d\d-\d\d-\d\d)"(\^\^<http://www\.w3\.org/2001/XMLSchema#string>)?$')


def qualifier(k: int) -> str:
    """The Chinese qualifier added to the labels of copy k.

    >>> qualifier(1), qualifier(17), qualifier(99)
    ('（华东一）', '（沿海二）', '（边疆十）')
    """
    return f"（{REGIONS[k % 10]}{ORDINALS[(k // 10) % 10]}）"


def _iri_slot(iri: str) -> int | None:
    """Where the copy suffix goes in an entity IRI (after its first id segment), or None if shared.

    >>> iri = "https://w3id.org/occugraph/id/occupation/2-02-38-01/task/3"
    >>> iri[:_iri_slot(iri)]
    'https://w3id.org/occugraph/id/occupation/2-02-38-01'
    >>> _iri_slot("https://w3id.org/occugraph/id/edition/2022") is None
    True
    """
    if not iri.startswith(ID):
        return None
    rest = iri[len(ID) :]
    kind, _, tail = rest.partition("/")
    if not tail or kind in SHARED_KINDS:
        return None
    segment = tail.split("/", 1)[0]
    return len(ID) + len(kind) + 1 + len(segment)


def _template(line: str) -> tuple[list[str], list[str]] | None:
    """Split an N-Triples line into text pieces and slot kinds; None if no copy would change it.

    Slots: "id" (the -kk suffix), "label" (the qualifier), "bnode" (a per-copy blank node name).
    """
    terms = [m for m in _TERM.finditer(line)]
    if len(terms) < 3:
        return None
    s, p, o = terms[0], terms[1], terms[2]
    pieces: list[str] = []
    slots: list[str] = []
    pos = 0
    subject_copied = False
    for index, m in enumerate((s, p, o)):
        text = m.group(0)
        at: int | None = None
        slot = ""
        if text.startswith("<"):
            inner = _iri_slot(text[1:-1])
            if inner is not None and index != 1:
                at, slot = m.start() + 1 + inner, "id"
                subject_copied = subject_copied or index == 0
        elif text.startswith("_:"):
            at, slot = m.end(), "bnode"
            subject_copied = subject_copied or index == 0
        elif index == 2:
            code = _CODE_LITERAL.match(text) if subject_copied else None
            if code:
                at, slot = m.start() + 1 + len(code.group(1)), "id"
            elif subject_copied and p.group(0)[1:-1] in LABEL_PREDICATES:
                at, slot = text.rindex('"') + m.start(), "label"
        if at is not None:
            pieces.append(line[pos:at])
            slots.append(slot)
            pos = at
    if not slots or slots == ["label"]:
        return None
    pieces.append(line[pos:])
    return pieces, slots


def _render(pieces: list[str], slots: list[str], k: int) -> str:
    fill = {"id": f"-{k:02d}", "label": qualifier(k), "bnode": f"x{k:02d}"}
    out = [pieces[0]]
    for slot, piece in zip(slots, pieces[1:], strict=True):
        out.append(fill[slot])
        out.append(piece)
    return "".join(out)


def write_synthetic(graphs: dict[str, bytes], factor: int, out: Path) -> dict[str, object]:
    """Write ontology.nt and data.nt at ``factor`` x; returns the manifest."""
    if not 1 <= factor <= MAX_FACTOR:
        raise ValueError(f"factor must be 1..{MAX_FACTOR}")
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    ontology = graphs.get(ONTOLOGY_GRAPH, b"")
    (out / "ontology.nt").write_bytes(ontology)
    data_lines = graphs.get(DATA_GRAPH, b"").decode("utf-8").splitlines()
    others = {g: nt for g, nt in graphs.items() if g not in (ONTOLOGY_GRAPH, DATA_GRAPH)}
    templates = [t for t in (_template(line) for line in data_lines) if t is not None]
    digest = hashlib.sha256()
    triples = 0
    with (out / "data.nt").open("w", encoding="utf-8") as fh:
        for line in data_lines:
            fh.write(line + "\n")
            digest.update(line.encode())
        triples += len(data_lines)
        for k in range(1, factor):
            chunk = "\n".join(_render(pieces, slots, k) for pieces, slots in templates) + "\n"
            fh.write(chunk)
            digest.update(chunk.encode())
            triples += len(templates)
    for i, graph in enumerate(sorted(others)):  # graphs added by later areas: copied as they are
        (out / f"extra-{i}.nt").write_bytes(others[graph])
    kinds = Counter(m.group(1) for m in re.finditer(r"<" + re.escape(ID) + r"([^/>]+)/[^/>]+>", "\n".join(data_lines)))
    manifest = {
        "factor": factor,
        "graphs": {
            ONTOLOGY_GRAPH: "ontology.nt",
            DATA_GRAPH: "data.nt",
            **{g: f"extra-{i}.nt" for i, g in enumerate(sorted(others))},
        },
        "triples": {
            "ontology": ontology.count(b"\n"),
            "data": triples,
            **{g: nt.count(b"\n") for g, nt in others.items()},
        },
        "data_lines_copied_per_copy": len(templates),
        "data_sha256": digest.hexdigest(),
        "real_entity_mentions_by_kind": dict(sorted(kinds.items())),
        "seconds": round(time.perf_counter() - started, 1),
    }
    return manifest


PROFILE_AS_OF = "2026-01-01"


def learner_profiles(store_path: Path, factor: int) -> list[dict[str, str]]:
    """Pathway queries shaped by the real rules (see the module docstring), ``factor`` per target."""
    from graph.pathways.engine import PathwayEngine
    from graph.store.embedded import EmbeddedStore

    engine = PathwayEngine.from_store(EmbeddedStore(store_path.resolve()))
    targets = sorted((occ, level) for occ, level in engine.rules_at if level in {"1", "2", "3", "4"})
    profiles = []
    for k in range(factor):
        for i, (target, level) in enumerate(targets):
            origin = target
            if i % 2:  # a move from a related occupation, where there is one
                others = [o for o in engine.related_to(target) if o != target]
                origin = others[(i + k) % len(others)] if others else target
            n = int(hashlib.sha256(f"{k}:{target}:{level}".encode()).hexdigest()[:8], 16)
            profiles.append(
                {
                    "from": origin,
                    "from_level": str(int(level) + 1),
                    "level_since": f"{2012 + n % 12}-{1 + n // 12 % 12:02d}-01",
                    "years_worked": str(1 + n // 144 % 15),
                    "to": target,
                    "to_level": level,
                    "as_of": PROFILE_AS_OF,
                }
            )
    return profiles


def write_benchmark_data(store_path: Path, factor: int, out: Path, **extra: object) -> dict[str, object]:
    """Everything a benchmark reads at ``factor`` x: the graphs, the learner profiles and the
    manifest (with ``extra`` entries); returns the manifest."""
    manifest = write_synthetic(graphs_of_store(store_path), factor, out)
    profiles = learner_profiles(store_path, factor)
    with (out / "profiles.jsonl").open("w", encoding="utf-8") as fh:
        for p in profiles:
            fh.write(json.dumps(p, ensure_ascii=False, sort_keys=True) + "\n")
    manifest.update(learner_profiles=len(profiles), **extra)
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return manifest


def graphs_of_store(store_path: Path) -> dict[str, bytes]:
    store = ox.Store.read_only(str(store_path.resolve()))
    return {
        g.value: store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g) or b""
        for g in store.named_graphs()
        if isinstance(g, ox.NamedNode)
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--factor", type=int, required=True, help=f"size as a multiple of the real data (1..{MAX_FACTOR})"
    )
    parser.add_argument("--out", type=Path, required=True, help="folder for ontology.nt, data.nt, manifest.json")
    parser.add_argument("--store", type=Path, default=ROOT / "var" / "store", help="built store (default var/store)")
    args = parser.parse_args(argv)
    if not args.store.exists():
        print(f"synthetic: no store at {args.store}; run `occugraph build` first", file=sys.stderr)
        return 1
    manifest = write_benchmark_data(args.store, args.factor, args.out)
    print(
        json.dumps({k: manifest[k] for k in ("factor", "triples", "learner_profiles", "seconds")}, ensure_ascii=False)
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

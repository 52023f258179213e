"""Every entry's /api/occupations/<code> document at once, for the build's precomputed documents.

``queries.occupation`` answers one code with six SPARQL queries; asked for all 2,100 entries that
is 12,600 queries (about 6 s of CPU), too slow for a build that should take seconds. Here the same
six questions are asked once over the whole graph (the hierarchy through the materialised
skos:broaderTransitive) and the rows are grouped by entry. The document is built by the same
function (``queries.entry_document``), and tests/test_documents.py checks that both give equal
documents on the real data.
"""

from __future__ import annotations

from collections import defaultdict

from graph.classification.queries import PREFIXES, SelectStore, entry_document


def occupation_documents(store: SelectStore) -> dict[str, dict[str, object]]:
    """code -> the document ``queries.occupation(store, code)`` returns, for every entry."""
    heads = store.select(
        PREFIXES
        + """
SELECT ?e ?code ?name ?definition ?marker (GROUP_CONCAT(DISTINCT STR(?type); separator=" ") AS ?types)
WHERE {
  ?e skos:notation ?code ; skos:inScheme ?scheme ; skos:prefLabel ?name ; rdf:type ?type .
  FILTER(LANG(?name) = "zh")
  OPTIONAL { ?e skos:definition ?definition }
  OPTIONAL { ?e og:markerAsPrinted ?marker }
} GROUP BY ?e ?code ?name ?definition ?marker"""
    )
    by_iri: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in heads:
        by_iri[r["e"]].append(r)
    tasks: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in store.select(
        PREFIXES + "SELECT ?e ?n ?text WHERE { ?e og:hasMainTask ?t . ?t og:taskNumber ?n ; og:taskText ?text }"
    ):
        tasks[r.pop("e")].append(r)
    parents: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in store.select(
        PREFIXES
        + """
SELECT ?e ?code ?name (GROUP_CONCAT(DISTINCT STR(?type); separator=" ") AS ?types) WHERE {
  ?e skos:inScheme ?scheme ; skos:broaderTransitive ?p .
  ?p skos:notation ?code ; skos:prefLabel ?name ; rdf:type ?type .
} GROUP BY ?e ?code ?name"""
    ):
        parents[r.pop("e")].append(r)
    children: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in store.select(
        PREFIXES
        + """
SELECT ?e ?code ?name (GROUP_CONCAT(DISTINCT STR(?type); separator=" ") AS ?types) WHERE {
  ?e skos:inScheme ?scheme . ?c skos:broader ?e ; skos:notation ?code ; skos:prefLabel ?name ; rdf:type ?type .
} GROUP BY ?e ?code ?name"""
    ):
        children[r.pop("e")].append(r)
    labels: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in store.select(
        PREFIXES
        + """
SELECT ?e ?label ?kind WHERE {
  ?e skos:inScheme ?scheme .
  { ?e skos:altLabel ?label BIND("alt" AS ?kind) } UNION { ?e skos:hiddenLabel ?label BIND("job-title" AS ?kind) }
}"""
    ):
        labels[r.pop("e")].append(r)
    extra: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in store.select(
        PREFIXES
        + """
SELECT ?e ?former ?edition WHERE {
  ?e skos:inScheme ?scheme .
  { ?e og:formerCode ?former } UNION { ?e og:inEdition ?ed . ?ed skos:prefLabel ?edition }
}"""
    ):
        extra[r.pop("e")].append(r)
    docs = {}
    # a single-occupation minor group shares its occupation's code: the code names the occupation
    for iri, rows in sorted(by_iri.items(), key=lambda kv: "/Occupation" in kv[1][0].get("types", "")):
        head = rows[0]
        docs[head["code"]] = entry_document(
            head["code"], head, tasks[iri], parents[iri], children[iri], labels[iri], extra[iri]
        )
    return docs

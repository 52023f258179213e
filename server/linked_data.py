"""Linked data, free of the web framework: content negotiation, resource descriptions, the
SPARQL 1.1 Service Description and the VoID description of the dataset.

Formats come from the one table of media types (graph/core/media.py); XHTML is answered as HTML.

>>> negotiate("text/html,application/xhtml+xml,*/*;q=0.8")
'text/html'
>>> negotiate("application/ld+json")
'application/ld+json'
>>> negotiate("*/*")
'text/html'
>>> negotiate("text/turtle;q=0.9, application/rdf+xml") is None, negotiate("image/png") is None
(False, True)
>>> negotiate("image/png", fmt="nt")
'application/n-triples'
"""

from __future__ import annotations

import json
from typing import Any

import pyoxigraph as ox

from graph.core import media
from graph.core.namespaces import BASE, DATA_GRAPH, ID, ONTOLOGY_GRAPH, ONTOLOGY_IRI, PREFIXES, SETTINGS_GRAPH
from graph.store.sparql import Iri, run, select
from server.queries import Q

HTML = media.HTML
LD_MEDIA = media.LINKED_DATA  # what a linked-data IRI offers, best first (graph/core/media.py)
RDF_MEDIA = [m for m in LD_MEDIA if m in media.RDF_FORMATS]

DATASET_IRI = BASE + "dataset"


def negotiate(accept: str, offered: list[str] | None = None, fmt: str | None = None) -> str | None:
    """The media type to answer with, or None when nothing offered is acceptable (406).

    ``fmt`` (?format=ttl ...) wins over the Accept header.
    """
    offered = offered or LD_MEDIA
    if fmt:
        wanted = media.SHORT_NAMES.get(fmt.lower())
        return wanted if wanted in offered else None
    chosen = media.choose(accept, offered)
    return HTML if chosen == media.XHTML else chosen


def rdf_format(media_type: str) -> ox.RdfFormat:
    return media.rdf_format(media_type)


def serialize(triples: list[ox.Triple], media: str) -> bytes:
    """Triples in the asked format, sorted (stable output), with the usual prefixes."""
    fmt = rdf_format(media)
    ordered = sorted(triples, key=str)
    prefixes = None
    if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML, ox.RdfFormat.JSON_LD):
        used = _iris_in(ordered)
        prefixes = {p: ns for p, ns in PREFIXES.items() if any(i.startswith(ns) for i in used)}
    return ox.serialize(ordered, format=fmt, prefixes=prefixes) or b""


def _iris_in(triples: list[ox.Triple]) -> set[str]:
    out: set[str] = set()
    for t in triples:
        out.add(t.predicate.value)
        for term in (t.subject, t.object):
            if isinstance(term, ox.NamedNode):
                out.add(term.value)
            elif isinstance(term, ox.Literal):
                out.add(term.datatype.value)
    # the namespace part only, so the prefix test above looks at few strings
    return {i.rsplit("#", 1)[0] + "#" if "#" in i else i.rsplit("/", 1)[0] + "/" for i in out}


def _triples(result: Any) -> list[ox.Triple]:
    return list(result)


def describe(store: Any, iri: str) -> list[ox.Triple]:
    """The resource's own statements, with the statements of blank nodes it points to."""
    return _triples(run(store, Q.describe, iri=Iri(iri)))


def ontology_triples(store: Any) -> list[ox.Triple]:
    return _triples(run(store, Q.ontology_triples, ontology_graph=Iri(ONTOLOGY_GRAPH)))


def is_safe_iri(iri: str) -> bool:
    """IRIs put into query text must not be able to close the IRI and add SPARQL."""
    return not any(c in iri for c in '<>"{}|^`\\ \n\r\t')


# ---------------------------------------------------------------- pages for people


def label_of(store: Any, iris: list[str]) -> dict[str, str]:
    """Preferred Chinese (else English, else any) labels for IRIs, in one query."""
    iris = [i for i in dict.fromkeys(iris) if is_safe_iri(i)]
    if not iris:
        return {}
    return _zh_first(select(store, Q.labels, iris=[Iri(i) for i in iris]), "s")


def _zh_first(rows: list[dict[str, str]], key: str) -> dict[str, str]:
    out: dict[str, tuple[int, str]] = {}
    for r in rows:
        lang = r.get("lang", "")
        rank = 0 if lang.startswith("zh") else 1 if lang.startswith("en") else 2
        prev = out.get(r[key])
        if prev is None or rank < prev[0]:
            out[r[key]] = (rank, r["l"])
    return {k: v[1] for k, v in out.items()}


def property_labels(store: Any) -> dict[str, str]:
    labels = _zh_first(select(store, Q.property_labels, ontology_graph=Iri(ONTOLOGY_GRAPH)), "p")
    labels.update({k: v for k, v in KNOWN_LABELS.items() if k not in labels})
    return labels


# names for terms from other vocabularies that the ontology does not label itself
KNOWN_LABELS = {
    PREFIXES["rdf"] + "type": "类型",
    PREFIXES["skos"] + "prefLabel": "名称",
    PREFIXES["skos"] + "altLabel": "别名",
    PREFIXES["skos"] + "hiddenLabel": "招聘岗位名称",
    PREFIXES["skos"] + "notation": "代码",
    PREFIXES["skos"] + "definition": "定义",
    PREFIXES["skos"] + "broader": "上级",
    PREFIXES["skos"] + "narrower": "下级",
    PREFIXES["skos"] + "related": "相关",
    PREFIXES["skos"] + "inScheme": "所属分类体系",
    PREFIXES["skos"] + "note": "注释",
    PREFIXES["rdfs"] + "label": "标签",
    PREFIXES["rdfs"] + "comment": "说明",
    PREFIXES["prov"] + "wasDerivedFrom": "来源",
    PREFIXES["dcterms"] + "title": "标题",
    PREFIXES["dcterms"] + "source": "来源",
    PREFIXES["dcterms"] + "license": "许可",
    PREFIXES["dcterms"] + "identifier": "标识",
    PREFIXES["dcterms"] + "issued": "发布日期",
}


def local_path(iri: str) -> str | None:
    """Where this server shows an IRI of ours (/id/..., /ontology...), or None for other IRIs.

    >>> local_path("https://w3id.org/occugraph/id/occupation/2-02-38-01")
    '/id/occupation/2-02-38-01'
    >>> local_path("http://example.org/x") is None
    True
    """
    if iri.startswith(BASE) and (iri.startswith(ID) or iri.startswith(ONTOLOGY_IRI)):
        return "/" + iri[len(BASE) :]
    return None


def resource_view(store: Any, iri: str, triples: list[ox.Triple]) -> dict[str, Any]:
    """Outgoing and incoming statements of a resource, grouped by property, with labels."""
    incoming = select(store, Q.incoming, iri=Iri(iri))
    iris = [t.predicate.value for t in triples] + [
        t.object.value for t in triples if isinstance(t.object, ox.NamedNode)
    ]
    iris += [r["s"] for r in incoming] + [r["p"] for r in incoming]
    labels = label_of(store, iris)
    plabels = property_labels(store)

    def node(term: Any) -> dict[str, Any]:
        if isinstance(term, ox.NamedNode):
            return {
                "iri": term.value,
                "href": local_path(term.value) or term.value,
                "label": labels.get(term.value) or term.value,
            }
        if isinstance(term, ox.Literal):
            return {"text": term.value, "lang": term.language}
        return {"text": str(term)}

    out: dict[str, list[Any]] = {}
    for t in triples:
        if t.subject.value != iri:
            continue
        out.setdefault(t.predicate.value, []).append(node(t.object))
    inc: dict[str, list[Any]] = {}
    for r in incoming:
        inc.setdefault(r["p"], []).append(node(ox.NamedNode(r["s"])))
    return {
        "iri": iri,
        "label": labels.get(iri, iri.rsplit("/", 1)[-1]),
        "outgoing": [
            {
                "property": p,
                "label": plabels.get(p, p.rsplit("/", 1)[-1].rsplit("#", 1)[-1]),
                "values": sorted(v, key=lambda n: n.get("label") or n.get("text") or ""),
            }
            for p, v in sorted(out.items())
        ],
        "incoming": [
            {"property": p, "label": plabels.get(p, p.rsplit("/", 1)[-1].rsplit("#", 1)[-1]), "values": v}
            for p, v in sorted(inc.items())
        ],
    }


def ontology_view(store: Any) -> dict[str, Any]:
    """Classes and properties of the ontology, with Chinese and English labels and definitions."""
    rows = select(store, Q.ontology_terms, ontology_graph=Iri(ONTOLOGY_GRAPH), og=PREFIXES["og"])
    terms: dict[str, dict[str, Any]] = {}
    for r in rows:
        t = terms.setdefault(
            r["t"],
            {
                "iri": r["t"],
                "name": r["t"].rsplit("/", 1)[-1],
                "kind": "class" if r["kind"].endswith("Class") else "property",
                "label": {},
                "definition": {},
            },
        )
        if "l" in r:
            t["label"][r.get("lang") or ""] = r["l"]
        if "d" in r:
            t["definition"][r.get("dlang") or ""] = r["d"]
    ordered = sorted(terms.values(), key=lambda t: t["name"])
    return {
        "iri": ONTOLOGY_IRI,
        "classes": [t for t in ordered if t["kind"] == "class"],
        "properties": [t for t in ordered if t["kind"] == "property"],
    }


# ---------------------------------------------------------------- service and dataset descriptions


def _turtle_list(items: list[str]) -> str:
    return " , ".join(items)


def service_description(endpoint: str, base: str, update_endpoint: str | None) -> str:
    """The SPARQL 1.1 Service Description of /sparql, as Turtle."""
    result_formats = sorted({_FORMAT_IRI[m] for m in media.SPARQL_RESULTS if m in _FORMAT_IRI})
    languages = ["sd:SPARQL11Query"] + (["sd:SPARQL11Update"] if update_endpoint else [])
    return f"""@prefix sd: <{PREFIXES["sd"]}> .
@prefix void: <{PREFIXES["void"]}> .
@prefix dcterms: <{PREFIXES["dcterms"]}> .
@prefix rdfs: <{PREFIXES["rdfs"]}> .
<{endpoint}> a sd:Service ;
  rdfs:label "OccuGraph SPARQL endpoint"@en , "OccuGraph SPARQL 查询服务"@zh ;
  sd:endpoint <{endpoint}> ;
  sd:supportedLanguage {_turtle_list(languages)} ;
  sd:resultFormat {_turtle_list(result_formats)} ;
  sd:feature sd:UnionDefaultGraph ;
  rdfs:comment "Read-only; SERVICE (federation), LOAD and dataset IRIs outside this store are refused. \
Queries have a time limit and a result-row cap."@en ;
  sd:defaultDataset [ a sd:Dataset , void:Dataset ;
    void:sparqlEndpoint <{endpoint}> ;
    rdfs:seeAlso <{base}/.well-known/void> ;
    sd:defaultGraph [ a sd:Graph ; rdfs:comment "the union of the named graphs"@en ] ;
    sd:namedGraph [ a sd:NamedGraph ; sd:name <{ONTOLOGY_GRAPH}> ] ,
                  [ a sd:NamedGraph ; sd:name <{DATA_GRAPH}> ] ,
                  [ a sd:NamedGraph ; sd:name <{SETTINGS_GRAPH}> ;
                    rdfs:comment "matching settings the build checked (not in the dumps)"@en ] ] .
"""


_FORMAT_IRI = {
    "application/sparql-results+json": "<http://www.w3.org/ns/formats/SPARQL_Results_JSON>",
    "application/sparql-results+xml": "<http://www.w3.org/ns/formats/SPARQL_Results_XML>",
    "text/csv": "<http://www.w3.org/ns/formats/SPARQL_Results_CSV>",
    "text/tab-separated-values": "<http://www.w3.org/ns/formats/SPARQL_Results_TSV>",
}
_RDF_FORMAT_IRI = [
    "<http://www.w3.org/ns/formats/Turtle>",
    "<http://www.w3.org/ns/formats/N-Triples>",
    "<http://www.w3.org/ns/formats/RDF_XML>",
    "<http://www.w3.org/ns/formats/JSON-LD>",
]


def dataset_statistics(store: Any) -> dict[str, Any]:
    """Counts for VoID: triples per graph, entities, distinct classes and properties, per class."""
    per_graph = select(store, Q.stats_graphs)
    totals = select(store, Q.stats_totals)[0]
    classes = select(store, Q.stats_classes, data_graph=Iri(DATA_GRAPH))
    entities = select(store, Q.stats_entities, data_graph=Iri(DATA_GRAPH), id=ID)[0]
    return {
        "graphs": {r["g"]: int(r["n"]) for r in per_graph},
        "triples": int(totals["triples"]),
        "distinct_subjects": int(totals["subjects"]),
        "distinct_objects": int(totals["objects"]),
        "properties": int(totals["properties"]),
        "entities": int(entities["n"]),
        "classes": {r["c"]: int(r["n"]) for r in classes},
    }


def _version_lines(version: dict[str, Any] | None) -> str:
    """The served version (dist/version.json, written by the build or ``release --publish``)."""
    if not version:
        return ""
    lines = [f"owl:versionIRI <{version['version_iri']}> ;", f"owl:versionInfo {json.dumps(version['version_info'])} ;"]
    if version.get("version"):
        lines.append(f"dcterms:hasVersion {json.dumps(version['version'])} ;")
    if version.get("issued"):
        lines.append(f'dcterms:issued "{version["issued"]}"^^<http://www.w3.org/2001/XMLSchema#date> ;')
    if version.get("prior_version"):
        lines.append(f"owl:priorVersion <{version['prior_version']}> ;")
    if version.get("release_notes"):
        lines.append(f"skos:changeNote {json.dumps(version['release_notes'], ensure_ascii=False)}@en ;")
    return "\n  ".join(lines) + "\n  "


def void_description(
    stats: dict[str, Any], base: str, downloads: list[str], version: dict[str, Any] | None = None
) -> str:
    """The VoID description of the dataset, as Turtle, with the served version when known."""
    partitions = " ,\n    ".join(
        f"[ void:class <{c}> ; void:entities {n} ]" for c, n in sorted(stats["classes"].items())
    )
    subsets = " ,\n    ".join(
        f"[ a void:Dataset ; sd:name <{g}> ; void:triples {n} ]" for g, n in sorted(stats["graphs"].items())
    )
    dumps = " , ".join(f"<{d}>" for d in downloads)
    return f"""@prefix void: <{PREFIXES["void"]}> .
@prefix sd: <{PREFIXES["sd"]}> .
@prefix dcterms: <{PREFIXES["dcterms"]}> .
@prefix foaf: <{PREFIXES["foaf"]}> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<{DATASET_IRI}> a void:Dataset ;
  {_version_lines(version)}
  dcterms:title "OccuGraph: China's occupational classification and skill standards"@en ,
                "OccuGraph 职业分类与职业标准知识图谱"@zh ;
  dcterms:license <https://creativecommons.org/licenses/by/4.0/> ;
  foaf:homepage <{base}/> ;
  void:sparqlEndpoint <{base}/sparql> ;
  void:uriSpace "{ID}" ;
  void:vocabulary <{PREFIXES["og"]}> , <{PREFIXES["skos"]}> , <{PREFIXES["dcterms"]}> , <{PREFIXES["prov"]}> ;
  void:exampleResource <{ID}occupation/2-02-38-01> ;
  void:rootResource <{ID}scheme/csco> ;
  void:uriLookupEndpoint <{base}/id/> ;
  {f"void:dataDump {dumps} ;" if dumps else ""}
  void:feature {_turtle_list(_RDF_FORMAT_IRI)} ;
  void:triples {stats["triples"]} ;
  void:entities {stats["entities"]} ;
  void:distinctSubjects {stats["distinct_subjects"]} ;
  void:distinctObjects {stats["distinct_objects"]} ;
  void:properties {stats["properties"]} ;
  void:classes {len(stats["classes"])} ;
  void:subset {subsets} ;
  void:classPartition {partitions} .
"""


def turtle_to(turtle: str, media: str) -> bytes:
    """Re-serialise a Turtle document built here into the negotiated format."""
    triples = [q.triple for q in ox.parse(turtle.encode(), format=ox.RdfFormat.TURTLE)]
    return serialize(triples, media)

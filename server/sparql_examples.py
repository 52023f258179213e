"""Example queries for the SPARQL editor, and where the editor's browser code (YASGUI) lives.

YASGUI (@zazuko/yasgui, from the npm registry) is installed by ``make assets`` (part of
``make run`` and ``make test``) into server/static/vendor/node_modules and served from /static:
no CDN at run time. Without it the page still works: a plain form, results as a server-rendered
table.

The hierarchy examples use skos:broaderTransitive, the closure the build materialises
(graph/build/closure.py), not the property path skos:broader+: the same answer as an index join
(docs/server.md, "Hierarchy queries").
"""

from __future__ import annotations

from pathlib import Path

STATIC = Path(__file__).resolve().parent / "static"
YASGUI_BUILD = "vendor/node_modules/@zazuko/yasgui/build"

_P = """PREFIX og: <https://w3id.org/occugraph/ontology/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""

EXAMPLES: list[dict[str, str]] = [
    {
        "title": "数字职业（S）一览",
        "query": _P
        + """SELECT ?code ?name WHERE {
  ?o a og:DigitalOccupation ; skos:notation ?code ; skos:prefLabel ?name .
} ORDER BY ?code LIMIT 20""",
    },
    {
        "title": "各大类的职业（细类）数量",
        "query": _P
        + """SELECT ?major ?name (COUNT(DISTINCT ?o) AS ?occupations)
WHERE {
  ?m a og:MajorGroup ; skos:notation ?major ; skos:prefLabel ?name .
  ?o a og:Occupation ; skos:broaderTransitive ?m .
} GROUP BY ?major ?name ORDER BY ?major""",
    },
    {
        "title": "人工智能工程技术人员的上级类别",
        "query": _P
        + """SELECT ?code ?name WHERE {
  ?o skos:notation "2-02-38-01" ; skos:broaderTransitive ?g .
  ?g skos:notation ?code ; skos:prefLabel ?name .
} ORDER BY ?code""",
    },
    {
        "title": "既是数字职业又是绿色职业（L/S）",
        "query": _P
        + """SELECT ?code ?name WHERE {
  ?o a og:DigitalOccupation , og:GreenOccupation ; skos:notation ?code ; skos:prefLabel ?name .
} ORDER BY ?code""",
    },
    {
        "title": "名称含“电子商务”的条目",
        "query": _P
        + """SELECT ?code ?name WHERE {
  ?o skos:notation ?code ; skos:prefLabel ?name .
  FILTER(CONTAINS(?name, "电子商务"))
} ORDER BY ?code""",
    },
    {
        "title": "人工智能训练师的主要工作任务",
        "query": _P
        + """SELECT ?n ?task WHERE {
  ?o skos:notation "4-04-05-05" ; og:hasMainTask ?t .
  ?t og:taskNumber ?n ; og:taskText ?task .
} ORDER BY ?n""",
    },
    {
        "title": "职业标准（已载入的）",
        "query": _P
        + """SELECT ?standard ?label ?code WHERE {
  ?standard a/rdfs:subClassOf* og:Standard ; og:forOccupation ?o .
  OPTIONAL { ?standard skos:prefLabel|<http://www.w3.org/2000/01/rdf-schema#label> ?label }
  ?o skos:notation ?code .
} ORDER BY ?code LIMIT 50""".replace("rdfs:subClassOf", "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"),
    },
    {
        "title": "描述一个职业（CONSTRUCT）",
        "query": _P
        + """CONSTRUCT { ?o ?p ?v } WHERE {
  ?o skos:notation "2-02-38-01" ; ?p ?v .
}""",
    },
]


def yasgui_assets() -> dict[str, str] | None:
    """URLs of YASGUI's script and style sheet when installed, else None."""
    build = STATIC / YASGUI_BUILD
    if (build / "yasgui.min.js").is_file() and (build / "yasgui.min.css").is_file():
        return {"js": f"/static/{YASGUI_BUILD}/yasgui.min.js", "css": f"/static/{YASGUI_BUILD}/yasgui.min.css"}
    return None

"""/sparql: adapts Flask requests to the framework-free SPARQL protocol handler."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from server.resources import get_store
from server.sparql_protocol import ProtocolRequest, handle_query

bp = Blueprint("sparql", __name__)

EXAMPLE_QUERY = """PREFIX og: <https://w3id.org/occugraph/ontology/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?code ?name WHERE {
  ?o a og:DigitalOccupation ; skos:notation ?code ; skos:prefLabel ?name .
} ORDER BY ?code LIMIT 20"""


@bp.route("/sparql", methods=["GET", "POST"])
@bp.route("/sparql/", methods=["GET", "POST"])
def sparql() -> Response:
    preq = ProtocolRequest(
        method=request.method,
        content_type=request.headers.get("Content-Type", ""),
        args=list(request.args.items(multi=True)),
        body=request.get_data(cache=False) if request.method == "POST" else b"",
        accept=request.headers.get("Accept", "*/*"),
    )
    resp = handle_query(preq, get_store())
    if resp.html is not None:
        body = render_template("sparql.html", query=resp.html.get("query") or EXAMPLE_QUERY,
                               result=resp.html.get("result"))
        return Response(body, resp.status, {"Content-Type": "text/html; charset=utf-8", "Vary": "Accept"})
    return Response(resp.body, resp.status, resp.headers)

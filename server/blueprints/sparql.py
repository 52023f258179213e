"""/sparql: adapts Flask requests to the framework-free SPARQL protocol handler."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request

from server.blueprints.ld import public_base, service_description_response
from server.fairness import ClientBusy, ClientOverBudget
from server.limits import limited_store, scrub
from server.query_worker import QueryTimeout, ServerBusy, WorkerFailed
from server.sparql_examples import EXAMPLES, yasgui_assets
from server.sparql_protocol import ProtocolRequest, error_response, extract, handle_query, wants_html

bp = Blueprint("sparql", __name__)

EXAMPLE_QUERY = EXAMPLES[0]["query"]


@bp.route("/sparql", methods=["GET", "POST"])
@bp.route("/sparql/", methods=["GET", "POST"])
def sparql() -> Response:
    preq = ProtocolRequest(
        method=request.method,
        content_type=request.headers.get("Content-Type", ""),
        args=list(request.args.items(multi=True)),
        body=request.get_data(cache=False) if request.method == "POST" else b"",
        accept=request.headers.get("Accept", "*/*"),
        base_iri=public_base() + "/sparql",  # the configured address, never the Host header
    )
    early = _before_query(preq)
    if early is not None:
        return early
    store = limited_store()  # killable worker processes, capped rows (server/query_worker.py)
    try:
        resp = handle_query(preq, store)
    except (QueryTimeout, ServerBusy, WorkerFailed) as exc:
        resp = error_response(503, str(exc), preq.accept)
        resp.headers["Retry-After"] = "5"
    except (ClientBusy, ClientOverBudget) as exc:  # this client's share is used (server/fairness.py)
        resp = error_response(429, str(exc), preq.accept)
        resp.headers["Retry-After"] = str(exc.retry_after)
    limit = current_app.config["MAX_RESULT_ROWS"]
    if store.truncated and resp.status == 200:
        resp.headers["OccuGraph-Results-Truncated"] = f"true; limit={limit}"
    if resp.html is not None:
        body = render_template(
            "sparql.html",
            query=resp.html.get("query") or EXAMPLE_QUERY,
            result=resp.html.get("result"),
            truncated=limit if store.truncated else None,
            examples=EXAMPLES,
            yasgui=yasgui_assets(),
        )
        return Response(
            body,
            resp.status,
            {
                "Content-Type": "text/html; charset=utf-8",
                "Vary": "Accept",
                **{k: v for k, v in resp.headers.items() if k.startswith("OccuGraph")},
            },
        )
    body = scrub(resp.body.decode("utf-8", "replace")).encode() if resp.status >= 400 else resp.body
    return Response(body, resp.status, resp.headers)


def _before_query(preq: ProtocolRequest) -> Response | None:
    """The service description (RDF asked for, no query) and the configurable length cap."""
    try:
        query, _, _ = extract(preq)
    except Exception:  # noqa: BLE001 - handle_query reports malformed requests itself
        return None
    if query is None and preq.method == "GET" and not wants_html(preq.accept):  # a browser gets the form
        return service_description_response(preq.accept)
    cap = current_app.config["MAX_QUERY_CHARS"]
    if query is not None and len(query) > cap:
        err = error_response(400, f"query is {len(query)} characters; the limit is {cap}", preq.accept)
        return Response(err.body, err.status, err.headers)
    return None

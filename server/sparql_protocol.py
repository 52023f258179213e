"""SPARQL 1.1 Protocol (query operation), free of any web framework.

``handle_query`` takes the parts of an HTTP request and returns status, headers and body; the
Flask blueprint only adapts. Formats are chosen from the Accept header through the one table of
media types (graph/core/media.py). The endpoint is read-only and never reaches outside the store
(graph.store.guard on the parsed algebra; server.sandbox underneath).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import parse_qsl

import pyoxigraph as ox

from graph.core import media
from graph.core.media import HTML
from graph.core.tabular import neutralise_csv
from graph.store import guard
from graph.store.guard import Refused, SparqlSyntaxError, nesting_depth, query_dataset
from graph.store.remote import StoreUnavailable
from server.query_worker import answer

MAX_QUERY_CHARS = 100_000
# The protocol lets the service define the BASE for queries without one ("which MAY be the
# service endpoint"); the blueprint passes the endpoint's URL, other callers get this.
DEFAULT_BASE_IRI = "https://w3id.org/occugraph/sparql"


class QueryStore(Protocol):
    def graph_names(self) -> set[str]: ...

    def query(
        self,
        sparql: str,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        base_iri: str | None = None,
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples: ...


@dataclass
class ProtocolRequest:
    method: str
    content_type: str = ""  # full header value, parameters included
    args: list[tuple[str, str]] = field(default_factory=list)  # URL query string, in order
    body: bytes = b""
    accept: str = "*/*"
    base_iri: str = DEFAULT_BASE_IRI  # resolves relative IRIs in a query without BASE


@dataclass
class ProtocolResponse:
    status: int
    headers: dict[str, str]
    body: bytes
    # for HTML rendering by the blueprint: the query and its result, when the client wants a page
    html: dict[str, object] | None = None


class ProtocolError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def error_response(status: int, message: str, accept: str = "*/*") -> ProtocolResponse:
    """Errors as JSON for programs; plain text when the client prefers text (SPARQL clients)."""
    if media.choose(accept, media.ERRORS) == "text/plain":
        return ProtocolResponse(status, {"Content-Type": "text/plain; charset=utf-8"}, message.encode())
    body = json.dumps({"error": message, "status": status}, ensure_ascii=False).encode()
    return ProtocolResponse(status, {"Content-Type": "application/json; charset=utf-8"}, body)


def _media_type(content_type: str) -> tuple[str, str | None]:
    parts = [p.strip() for p in content_type.split(";")]
    charset = None
    for p in parts[1:]:
        if p.lower().startswith("charset="):
            charset = p[8:].strip('"').lower()
    return parts[0].lower(), charset


def _decode(raw: bytes, charset: str | None) -> str:
    if charset and charset not in ("utf-8", "utf8"):
        raise ProtocolError(415, f"charset {charset!r} is not supported; send UTF-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, f"the request is not valid UTF-8 ({exc.reason} at byte {exc.start})") from None


def extract(req: ProtocolRequest) -> tuple[str | None, list[str], list[str]]:
    """(query, default-graph-uri list, named-graph-uri list) from a request, per the protocol."""
    params = list(req.args)
    method = req.method.upper()
    if method == "GET":
        pass
    elif method == "POST":
        media, charset = _media_type(req.content_type)
        if media == "application/x-www-form-urlencoded":
            text = _decode(req.body, charset)
            params += parse_qsl(text, keep_blank_values=True)
        elif media == "application/sparql-query":
            if any(k == "query" for k, _ in params):
                raise ProtocolError(400, "a direct POST carries the query in the body, not also in the URL")
            params.append(("query", _decode(req.body, charset)))
        elif media == "application/sparql-update" or any(k == "update" for k, _ in params):
            raise ProtocolError(403, "this endpoint is read-only: SPARQL Update is not accepted at /sparql")
        elif not media:
            raise ProtocolError(
                400, "POST needs a Content-Type: application/x-www-form-urlencoded or application/sparql-query"
            )
        else:
            raise ProtocolError(
                415,
                f"unsupported Content-Type {media!r}; use "
                "application/x-www-form-urlencoded or application/sparql-query",
            )
    else:
        raise ProtocolError(405, f"method {method} is not allowed; use GET or POST")
    if any(k == "update" for k, _ in params):
        if method == "GET":
            raise ProtocolError(400, "SPARQL Update cannot be sent by GET, and this endpoint is read-only")
        raise ProtocolError(403, "this endpoint is read-only: SPARQL Update is not accepted at /sparql")
    queries = [v for k, v in params if k == "query"]
    if len(queries) > 1:
        raise ProtocolError(400, f"exactly one 'query' parameter is allowed, got {len(queries)}")
    defaults = [v for k, v in params if k == "default-graph-uri"]
    named = [v for k, v in params if k == "named-graph-uri"]
    return (queries[0] if queries else None), defaults, named


def handle_query(req: ProtocolRequest, store: QueryStore) -> ProtocolResponse:
    try:
        return _handle(req, store)
    except ProtocolError as exc:
        return error_response(exc.status, exc.message, req.accept)


def wants_html(accept: str) -> bool:
    """True when the client (a browser) prefers an HTML page to any results format.

    >>> wants_html("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"), wants_html("*/*")
    (True, False)
    """
    return media.choose(accept, [HTML, "application/sparql-results+json"]) == HTML and "html" in (accept or "")


def _handle(req: ProtocolRequest, store: QueryStore) -> ProtocolResponse:
    query, defaults, named = extract(req)
    wants_page = wants_html(req.accept)
    if query is None:
        if wants_page:
            return ProtocolResponse(200, {"Content-Type": "text/html; charset=utf-8"}, b"", html={})
        raise ProtocolError(400, "missing 'query' parameter")
    if len(query) > MAX_QUERY_CHARS:
        raise ProtocolError(400, f"query is {len(query)} characters; the limit is {MAX_QUERY_CHARS}")
    known = store.graph_names()
    for iri in [*defaults, *named]:
        if iri not in known:
            raise ProtocolError(
                400,
                f"dataset graph <{iri}> is not a graph in this store; the endpoint never fetches "
                f"data from the network or from files (graphs held: {', '.join(sorted(known))})",
            )
    depth = nesting_depth(query)
    if depth > guard.MAX_NESTING_DEPTH:  # before any parser or worker recurses into it
        raise ProtocolError(400, f"the query nests groups {depth} deep; the limit is {guard.MAX_NESTING_DEPTH}")
    try:
        if guard.ENABLED and not getattr(store, "guards_queries", False):
            defaults, named = query_dataset(query, defaults, named, known)
        if wants_page:
            result = store.query(query, defaults or None, named or None, base_iri=req.base_iri)
            return ProtocolResponse(
                200,
                {"Content-Type": "text/html; charset=utf-8"},
                b"",
                html={"query": query, "result": _materialise(result)},
            )
        wanted = (media.choose(req.accept, media.SPARQL_RESULTS), media.choose(req.accept, media.SPARQL_GRAPHS))
        in_store = getattr(store, "answer", None)  # /sparql's LimitedStore: written in a query worker, capped
        if in_store is not None:
            kind, chosen, body, _truncated = in_store(query, defaults or None, named or None, req.base_iri, wanted)
        else:  # a plain store (occugraph query): written here, by the same function, not capped
            result = store.query(query, defaults or None, named or None, base_iri=req.base_iri)
            kind, chosen, body, _truncated = answer(result, wanted)
        if chosen is None:
            if kind == "triples":
                raise ProtocolError(406, "no acceptable RDF format; offered: " + ", ".join(media.SPARQL_GRAPHS))
            raise ProtocolError(406, "no acceptable results format; offered: " + ", ".join(media.SPARQL_RESULTS))
        if chosen == media.CSV and kind == "solutions":  # cells a spreadsheet would run as formulas get a '
            body = neutralise_csv(body.decode("utf-8")).encode("utf-8")
        return ProtocolResponse(200, {"Vary": "Accept", "Content-Type": f"{chosen}; charset=utf-8"}, body)
    except StoreUnavailable as exc:  # a remote store (graph.store.remote) that is down: not the client's fault
        raise ProtocolError(503, f"the graph store is not available: {exc}") from None
    except Refused as exc:
        raise ProtocolError(400, str(exc)) from None
    except SparqlSyntaxError as exc:
        if exc.update:  # an update sent as a query: say why it cannot work rather than what the parser expected
            raise ProtocolError(
                400, f"this is SPARQL Update, and this endpoint is read-only; only queries are accepted ({exc})"
            ) from None
        raise ProtocolError(400, f"query syntax error: {exc}") from None
    except SyntaxError as exc:
        raise ProtocolError(400, f"query syntax error: {exc}") from None
    except (OSError, ValueError, RuntimeError) as exc:
        raise ProtocolError(400, f"query evaluation failed: {exc}") from None


def _materialise(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> dict[str, object]:
    """Plain values for the HTML page, tagged by query form."""
    if isinstance(result, ox.QueryTriples):
        return {"kind": "graph", "triples": [str(t) for t in result]}
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        rows = [[("" if s[n] is None else s[n].value) for n in names] for s in result]
        return {"kind": "select", "variables": names, "rows": rows}
    return {"kind": "ask", "value": bool(result)}

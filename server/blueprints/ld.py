"""Linked data: every https://w3id.org/occugraph/id/... IRI dereferences here under /id/...,
the ontology under /ontology, the VoID description under /.well-known/void.

Browsers get HTML; clients asking for Turtle, JSON-LD, N-Triples or RDF/XML get that (Accept,
or ?format=ttl|jsonld|nt|rdf), always with ``Vary: Accept``. Classification entries redirect
their HTML view (303) to the occupation page, which is the richer page for them.
"""

from __future__ import annotations

from urllib.parse import quote

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, redirect, render_template, request

from graph.core import media as mt
from graph.core.namespaces import BASE, ID, ONTOLOGY_IRI
from graph.store.documents import LD_RESOURCE, LD_TURTLE, convert
from server import linked_data as ld
from server.api_errors import ApiError
from server.resources import get_dataset_statistics, get_documents, get_store, kept

bp = Blueprint("ld", __name__)

VARY = {"Vary": "Accept"}
NTRIPLES_MEDIA = {m for m in ld.LD_MEDIA if mt.RDF_FORMATS.get(m) == ox.RdfFormat.N_TRIPLES}
TURTLE_MEDIA = {m for m in ld.LD_MEDIA if mt.RDF_FORMATS.get(m) == ox.RdfFormat.TURTLE}


# the server's public address when the operator has not configured one: the persistent base, never
# the request's Host header (which any client sets, and which would then appear in VoID and the
# service description, cached by whoever asks: issue 20)
DEFAULT_PUBLIC_BASE = BASE.rstrip("/")


def public_base() -> str:
    """The configured public base URL (``PUBLIC_BASE_URL``), without a trailing slash."""
    return (current_app.config.get("PUBLIC_BASE_URL") or DEFAULT_PUBLIC_BASE).rstrip("/")


def _negotiate() -> str | None:
    return ld.negotiate(request.headers.get("Accept", "*/*"), fmt=request.args.get("format"))


def not_acceptable() -> Response:
    raise ApiError(406, "no acceptable format; offered: " + ", ".join(ld.LD_MEDIA), headers=VARY)


def rdf_response(triples: list, media: str) -> Response:  # type: ignore[type-arg]
    body = ld.serialize(triples, media)
    return Response(body, 200, {"Content-Type": f"{media}; charset=utf-8", **VARY})


@bp.get("/id/")
def id_index() -> Response:
    return redirect("/browse", 303)  # type: ignore[return-value]


@bp.get("/id/<path:rest>")
def resource(rest: str) -> Response:
    iri = ID + quote(rest)
    if not ld.is_safe_iri(iri):
        raise ApiError(400, "not a valid identifier")
    media = _negotiate()
    if media is None:
        return not_acceptable()
    store = get_store()
    docs = get_documents()
    if docs is not None:  # precomputed by the build (graph/build/documents.py): no SPARQL per request
        stored = docs.get(LD_TURTLE, iri) if media in TURTLE_MEDIA else None
        body = stored or docs.get(LD_RESOURCE, iri)
        if body is not None and (stored or media in NTRIPLES_MEDIA):  # Turtle or N-Triples: sent as built
            return Response(body, 200, {"Content-Type": f"{media}; charset=utf-8", **VARY})
        if body is not None and media != ld.HTML:  # JSON-LD, RDF/XML: converted from the N-Triples
            converted = kept(("ld", iri, media), lambda: convert(body, media))
            return Response(converted, 200, {"Content-Type": f"{media}; charset=utf-8", **VARY})
        triples = list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES)) if body is not None else []
    else:
        triples = ld.describe(store, iri)
    if not triples:
        if media == ld.HTML:
            html = render_template("resource.html", view=None, iri=iri)
            return Response(html, 404, {"Content-Type": "text/html; charset=utf-8", **VARY})
        raise ApiError(404, f"<{iri}> is not described in this dataset", headers=VARY)
    if media == ld.HTML:
        notation = _notation(triples, iri)
        kind, _, tail = rest.partition("/")
        if notation and kind in ("occupation", "group") and "/" not in tail:
            return Response("", 303, {"Location": f"/occupation/{quote(notation)}", **VARY})
        view = ld.resource_view(store, iri, triples)
        html = render_template("resource.html", view=view, iri=iri)
        return Response(html, 200, {"Content-Type": "text/html; charset=utf-8", **VARY})
    return rdf_response(triples, media)


def _notation(triples: list, iri: str) -> str | None:  # type: ignore[type-arg]
    for t in triples:
        if t.subject.value == iri and t.predicate.value == ld.PREFIXES["skos"] + "notation":
            return t.object.value
    return None


@bp.get("/ontology")
def ontology() -> Response:
    media = _negotiate()
    if media is None:
        return not_acceptable()
    store = get_store()
    if media == ld.HTML:
        html = render_template("ontology.html", o=ld.ontology_view(store))
        return Response(html, 200, {"Content-Type": "text/html; charset=utf-8", **VARY})
    return rdf_response(ld.ontology_triples(store), media)


@bp.get("/ontology/<term>")
def ontology_term(term: str) -> Response:
    iri = f"{ONTOLOGY_IRI}/{quote(term)}"
    media = _negotiate()
    if media is None:
        return not_acceptable()
    triples = ld.describe(get_store(), iri) if ld.is_safe_iri(iri) else []
    if not triples:
        raise ApiError(404, f"<{iri}> is not a term of the OccuGraph ontology", headers=VARY)
    if media == ld.HTML:
        return Response("", 303, {"Location": f"/ontology#{quote(term)}", **VARY})
    return rdf_response(triples, media)


def _stats() -> dict:  # type: ignore[type-arg]
    return get_dataset_statistics()


def void_turtle() -> str:
    from server.blueprints.downloads import available_downloads, served_version

    base = public_base()
    dumps = [f"{base}/downloads/{d['name']}" for d in available_downloads() if d["rdf"]]
    return ld.void_description(_stats(), base, dumps, served_version())


@bp.get("/.well-known/void")
@bp.get("/void")
def void() -> Response:
    media = _negotiate()
    if media is None:
        return not_acceptable()
    turtle = void_turtle()
    if media == ld.HTML:
        html = render_template("void.html", turtle=turtle, stats=_stats(), base=BASE)
        return Response(html, 200, {"Content-Type": "text/html; charset=utf-8", **VARY})
    return Response(ld.turtle_to(turtle, media), 200, {"Content-Type": f"{media}; charset=utf-8", **VARY})


def service_description_response(accept: str) -> Response | None:
    """For /sparql: the Service Description when RDF is asked for and no query is given."""
    media = ld.negotiate(accept, mt.SERVICE_DESCRIPTION)
    if media is None or mt.only_wildcards(accept):
        return None  # only an explicit RDF media type gets the description
    base = public_base()
    update = f"{base}/sparql/update" if current_app.config.get("UPDATE_ENABLED") else None
    turtle = ld.service_description(f"{base}/sparql", base, update)
    return Response(ld.turtle_to(turtle, media), 200, {"Content-Type": f"{media}; charset=utf-8", **VARY})

"""The one content-negotiation table: every media type OccuGraph reads or writes, and its format.

/sparql (results and graphs), the linked-data IRIs, the service description, the downloads and the
remote store (what it asks a SPARQL server for and how it reads the answer) all take their media
types from here, so a format added or renamed here is added or renamed everywhere. Choosing among
them for a request is ``choose``: the client's Accept header, parsed by Werkzeug, against an
ordered offer from this module.

>>> choose("text/csv;q=0.5, application/sparql-results+json, */*;q=0.1", SPARQL_RESULTS)
'application/sparql-results+json'
>>> choose("text/csv, application/sparql-results+json", SPARQL_RESULTS)  # equal q: the client's order
'text/csv'
>>> choose("text/*", LINKED_DATA), choose("*/*", LINKED_DATA), choose("image/png", LINKED_DATA) is None
('text/html', 'text/html', True)
>>> rdf_format("text/plain") == ox.RdfFormat.N_TRIPLES, results_format("text/csv") == ox.QueryResultsFormat.CSV
(True, True)
>>> accept_header(REMOTE_GRAPHS)
'application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.8'
"""

from __future__ import annotations

import functools

import pyoxigraph as ox

HTML = "text/html"
XHTML = "application/xhtml+xml"
TURTLE = "text/turtle"

# media type -> RDF serialisation; aliases that servers send (text/plain for N-Triples ...) included
RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/ntriples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/json": ox.RdfFormat.JSON_LD,
}
# media type -> SPARQL query results serialisation
RESULTS_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
# ?format= short names, for links people click and clients that cannot set headers
SHORT_NAMES: dict[str, str] = {
    "ttl": "text/turtle",
    "turtle": "text/turtle",
    "jsonld": "application/ld+json",
    "json": "application/ld+json",
    "nt": "application/n-triples",
    "rdf": "application/rdf+xml",
    "xml": "application/rdf+xml",
    "html": HTML,
}
# other files served (downloads)
CSV = "text/csv"
MARKDOWN = "text/markdown"
PLAIN = "text/plain"

# What each place offers, best first (the first is the answer to */*).
SPARQL_RESULTS = [
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
    "application/json",
    "application/xml",
    "text/xml",
]
SPARQL_GRAPHS = [
    "text/turtle",
    "application/n-triples",
    "application/rdf+xml",
    "application/ld+json",
    "text/plain",
    "application/xml",
]
LINKED_DATA = [
    HTML,
    "text/turtle",
    "application/ld+json",
    "application/n-triples",
    "application/rdf+xml",
    XHTML,
    "application/json",
    "text/plain",
    "application/xml",
]
SERVICE_DESCRIPTION = ["text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml"]
ERRORS = ["application/json", "text/plain"]
# what the remote store asks a SPARQL server for, best first (sent with falling q-values)
REMOTE_RESULTS = ["application/sparql-results+json", "application/sparql-results+xml"]
REMOTE_GRAPHS = ["application/n-triples", "text/turtle", "application/rdf+xml"]


def rdf_format(media: str) -> ox.RdfFormat:
    """The RDF format of a media type (KeyError if it is not RDF)."""
    return RDF_FORMATS[media]


def results_format(media: str) -> ox.QueryResultsFormat:
    """The SPARQL results format of a media type (KeyError if it is not one)."""
    return RESULTS_FORMATS[media]


@functools.lru_cache(maxsize=256)
def accept_ranges(accept: str | None) -> tuple[tuple[str, float], ...]:
    """The client's media ranges, best first: by q, then exact types before wildcards, then the
    client's own order (Werkzeug parses; it orders by specificity first, which is not preference).

    Remembered per header text: clients send a handful of distinct headers, and a /sparql request
    asks for its ranges three times (results format, graph format, HTML page or not).

    >>> accept_ranges("text/*, application/json;q=0.5, */*;q=0.1")
    (('text/*', 1), ('application/json', 0.5), ('*/*', 0.1))
    """
    header = (accept or "*/*").lower()
    # imported here: a query worker uses this module's formats only, not werkzeug (issue 17, memory)
    from werkzeug.datastructures import MIMEAccept
    from werkzeug.http import parse_accept_header

    parsed = parse_accept_header(header, MIMEAccept)
    ranges = [(value.split(";")[0].strip(), q) for value, q in parsed if q > 0]
    return tuple(sorted(ranges, key=lambda r: (-r[1], r[0].count("*"), header.find(r[0]))))


def choose(accept: str | None, offered: list[str]) -> str | None:
    """The offered media type to answer with, or None (406): the client's best range that matches."""
    for media, _q in accept_ranges(accept):
        if media in ("*/*", "*"):
            return offered[0]
        if media.endswith("/*"):
            major = media[:-1]
            for o in offered:
                if o.startswith(major):
                    return o
        elif media in offered:
            return media
    return None


def only_wildcards(accept: str | None) -> bool:
    """True when the client named no media type of its own (``*/*``, ``text/*``...)."""
    return all(m in ("*/*", "*") or m.endswith("/*") for m, _q in accept_ranges(accept))


def accept_header(offered: list[str]) -> str:
    """An Accept header asking for ``offered`` in that order of preference."""
    return ", ".join(m if i == 0 else f"{m};q={1 - i / 10:.1f}" for i, m in enumerate(offered))

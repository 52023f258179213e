"""IRIs: one typed namespace class per vocabulary, and the builders for instance IRIs.

Terms live under ``https://w3id.org/occugraph/ontology/`` (slash namespace, so each term can be
dereferenced on its own); instances under ``https://w3id.org/occugraph/id/<kind>/<official id>``.
The policy is written down in docs/iri-policy.md.
"""

from __future__ import annotations

from urllib.parse import quote

from rdflib import URIRef

from graph.core.og import OG as OG  # the terms, generated from the TBox (graph/build/namespace.py)

BASE = "https://w3id.org/occugraph/"
ONTOLOGY_IRI = BASE + "ontology"
ID = BASE + "id/"

# Releases: https://w3id.org/occugraph/releases/<version>/<file> (version IRIs, graph/workflow/release.py).
RELEASES = BASE + "releases/"

# Named graphs in the store: the TBox and the data are kept apart (queries see their union).
ONTOLOGY_GRAPH = BASE + "graph/ontology"
DATA_GRAPH = BASE + "graph/data"
# The matching settings the build read from standards/ (job-title word lists, curriculum-matching
# lists): not part of the published data (the dumps), but carried by the store so that a server,
# embedded or remote, reads them from the store it answers from (graph/store/settings.py).
SETTINGS_GRAPH = BASE + "graph/settings"

# The one prefix table: SPARQL queries (graph/store/sparql.py), Turtle and JSON-LD output.
PREFIXES: dict[str, str] = {
    "og": BASE + "ontology/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "vann": "http://purl.org/vocab/vann/",
    "sh": "http://www.w3.org/ns/shacl#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "void": "http://rdfs.org/ns/void#",
    "foaf": "http://xmlns.com/foaf/0.1/",
}
PREFIX_LINES = {p: f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items()}  # each prefix as SPARQL declares it
SPARQL_PREFIXES = "".join(PREFIX_LINES.values())


KIND_CLASS = {
    "major": OG.MajorGroup,
    "medium": OG.MediumGroup,
    "minor": OG.MinorGroup,
    "occupation": OG.Occupation,
}

SCHEME = URIRef(ID + "scheme/csco")


def entry_iri(code: str, kinds: set[str] | frozenset[str]) -> URIRef:
    """IRI of a classification entry: occupations under id/occupation/, groups under id/group/.

    >>> entry_iri("2-02-38-01", {"occupation"})
    rdflib.term.URIRef('https://w3id.org/occugraph/id/occupation/2-02-38-01')
    >>> entry_iri("2-02-38-00", {"minor"})
    rdflib.term.URIRef('https://w3id.org/occugraph/id/group/2-02-38-00')
    """
    path = "occupation" if "occupation" in kinds and "major" not in kinds else "group"
    return URIRef(f"{ID}{path}/{quote(code)}")


def group_iri(code: str) -> URIRef:
    """IRI of a group whose code is also its only occupation's code (single-occupation minor groups).

    >>> group_iri("6-08-02-00")
    rdflib.term.URIRef('https://w3id.org/occugraph/id/group/6-08-02-00')
    """
    return URIRef(f"{ID}group/{quote(code)}")


def task_iri(code: str, number: int) -> URIRef:
    return URIRef(f"{ID}occupation/{quote(code)}/task/{number}")


def edition_iri(edition: str) -> URIRef:
    return URIRef(f"{ID}edition/{quote(edition)}")


def source_iri(name: str) -> URIRef:
    return URIRef(f"{ID}source/{quote(name)}")

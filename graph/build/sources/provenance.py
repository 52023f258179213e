"""standards/provenance/: the upstream data sets, as prov:Entity individuals with licence."""

from __future__ import annotations

from pathlib import Path

from rdflib import RDF, RDFS, Graph
from rdflib.namespace import DCTERMS, SKOS

from graph.build.context import BuildContext
from graph.build.terms import literal
from graph.build.tsv import read_dictionary, read_table
from graph.core.namespaces import OG, source_iri


def load(folder: Path, g: Graph, ctx: BuildContext) -> None:
    dictionary = read_dictionary(folder)
    for row in read_table(folder, "datasets.tsv", dictionary):
        iri = source_iri(row["id"])
        g.add((iri, RDF.type, OG.SourceDataset))
        g.add((iri, RDFS.label, literal(row["title"])))
        g.add((iri, DCTERMS.source, literal(row["provenance"])))
        g.add((iri, DCTERMS.license, literal(row["licence"])))
        g.add((iri, DCTERMS.identifier, literal(row["file"])))
        if row.get("known_problems"):
            g.add((iri, SKOS.note, literal(row["known_problems"], lang="en")))
        ctx.note("datasets", f"{row['id']}: {row['title']} — {row['provenance']} (licence: {row['licence']})")

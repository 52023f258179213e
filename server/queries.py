"""The web layer's SPARQL queries: the files in server/sparql/, loaded by graph.store.sparql (one
prefix table, bound parameters). Every server module and blueprint takes ``Q`` from here, so the
queries live in one folder whatever the module's depth."""

from __future__ import annotations

from graph.store.sparql import Queries

Q = Queries(__file__)  # server/sparql/*.rq

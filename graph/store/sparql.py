"""SPARQL queries as files: ``graph/<area>/sparql/<name>.rq``, one prefix table, bound parameters.

A query file holds the query without PREFIX lines (every query gets the one table of
graph/core/namespaces.py:SPARQL_PREFIXES) and marks each parameter as ``$name``. ``select`` binds
parameters by value: a ``str`` becomes a plain literal, an ``Iri`` an IRI, each written by
pyoxigraph's term serialiser (quotes, backslashes and line breaks escaped; an IRI that is not one
is refused), so untrusted text can never change the query around it. The same substitution serves
the embedded store and a remote SPARQL server (pyoxigraph's own ``substitutions=`` only binds
variables the query projects, which parameters usually are not).

>>> q = Query("demo", "SELECT ?name WHERE { $occ skos:prefLabel ?name FILTER(?name != $not) } # $not")
>>> print(q.bind(occ=Iri("https://w3id.org/occugraph/id/a"), not_='a"b').splitlines()[-1])
SELECT ?name WHERE { <https://w3id.org/occugraph/id/a> skos:prefLabel ?name FILTER(?name != "a\\"b") } # $not
>>> q.params
('not', 'occ')
>>> Query("v", "SELECT ?s WHERE { VALUES ?s { $iris } }").bind(iris=[Iri("http://e/a"), Iri("http://e/b")])[-41:]
'VALUES ?s { <http://e/a> <http://e/b> } }'

>>> q.bind(occ=Iri("not an iri"), not_="x")
Traceback (most recent call last):
...
ValueError: demo: $occ is not an IRI: 'not an iri'
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph.core.namespaces import PREFIX_LINES, SPARQL_PREFIXES

# outside comments, strings and IRIs: a $parameter
_TOKENS = re.compile(
    r"""
      (?P<skip>\#[^\n]*
        | '''(?:[^'\\]|\\.|'(?!''))*''' | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
        | '(?:[^'\\\n]|\\.)*' | "(?:[^"\\\n]|\\.)*"
        | <[^<>"{}|^`\\\x00-\x20]*>)
    | \$(?P<param>[A-Za-z_][A-Za-z0-9_]*)
    """,
    re.VERBOSE | re.DOTALL,
)


class StoreIncomplete(LookupError):
    """The store lacks what OccuGraph writes into every store it builds (the ontology's levels, the
    settings graph): a store built by an older version, another program's store, or a remote endpoint
    loaded from a dump. The operator's problem, not the client's (503 on the web, exit 1 on the command
    line); the message says how to fix it."""


class Iri(str):
    """A parameter value to bind as an IRI (a plain ``str`` binds as a literal)."""


class Query:
    """One SPARQL query with its ``$parameters``; ``bind`` gives the text to run."""

    def __init__(self, name: str, body: str) -> None:
        self.name = name
        self.text = SPARQL_PREFIXES + body
        self.params = tuple(sorted({m["param"] for m in _TOKENS.finditer(body) if m["param"]}))

    def __repr__(self) -> str:
        return f"Query({self.name!r})"

    def bind(self, **values: Any) -> str:
        """The query text with every parameter replaced by its value as a SPARQL term.

        A keyword ending in ``_`` names the parameter without it (``not_`` for ``$not``).
        """
        given = {k.removesuffix("_"): v for k, v in values.items()}
        missing = set(self.params) - set(given)
        extra = set(given) - set(self.params)
        if missing or extra:
            raise TypeError(
                f"{self.name}: parameters {self.params}; missing {sorted(missing)}, unknown {sorted(extra)}"
            )
        terms = {name: self._term(name, value) for name, value in given.items()}

        def replace(m: re.Match[str]) -> str:
            return terms[m["param"]] if m["param"] else m[0]

        return _TOKENS.sub(replace, self.text)

    def _term(self, name: str, value: Any) -> str:
        if isinstance(value, (list, tuple)):  # the body of a VALUES block: terms separated by spaces
            return " ".join(self._term(name, v) for v in value)
        if isinstance(value, Iri):
            try:
                return str(ox.NamedNode(value))
            except ValueError:
                raise ValueError(f"{self.name}: ${name} is not an IRI: {str(value)!r}") from None
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, str):
            return str(ox.Literal(value))
        raise TypeError(f"{self.name}: ${name} must be str, Iri, int, bool or a list, not {type(value).__name__}")


class Queries:
    """The query files of one area: ``Queries(__file__).occupation`` is ``sparql/occupation.rq``
    beside that module, read once."""

    def __init__(self, module_file: str) -> None:
        self.folder = Path(module_file).resolve().parent / "sparql"

    def __getattr__(self, name: str) -> Query:
        if name.startswith("_"):
            raise AttributeError(name)
        return _load(self.folder / f"{name}.rq")

    def names(self) -> list[str]:
        return sorted(p.stem for p in self.folder.glob("*.rq"))


@cache
def _load(path: Path) -> Query:
    if not path.is_file():
        raise AttributeError(f"no query file {path.name} in {path.parent}")
    return Query(path.stem, path.read_text(encoding="utf-8"))


def select(store: Any, query: Query, **values: Any) -> list[dict[str, str]]:
    """Run a SELECT on any store with ``select`` (embedded or remote): rows of plain strings."""
    return store.select(query.bind(**values))  # type: ignore[no-any-return]


def run(store: Any, query: Query, **values: Any) -> Any:
    """Run any query form (CONSTRUCT, ASK ...) on a store with ``query``: its pyoxigraph result."""
    return store.query(query.bind(**values))


def prefix_lines(body: str) -> str:
    """The PREFIX lines of the one table for the prefixes a query body uses, in the table's order:
    for queries shown to people (the SPARQL editor's examples), who copy them whole and should not
    wade through thirteen declarations.

    >>> print(prefix_lines('SELECT ?n { ?o skos:notation ?n ; a og:Occupation . FILTER(?n != "rdfs:x") }'), end="")
    PREFIX og: <https://w3id.org/occugraph/ontology/>
    PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    """
    code = _TOKENS.sub(" ", body)  # without comments, strings and IRIs
    return "".join(line for p, line in PREFIX_LINES.items() if re.search(rf"(?<![\w.-]){p}:", code))


def triples_result(scratch: ox.Store) -> Any:
    """Everything in a scratch store as a pyoxigraph triples result, the type a CONSTRUCT gives:
    how a graph read from elsewhere (a remote server's answer, a query worker's reply) is handed on
    like a local query's result."""
    return run(scratch, STORE_QUERIES.all_triples)


STORE_QUERIES = Queries(__file__)  # graph/store/sparql/*.rq: the store layer's own queries

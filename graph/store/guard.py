"""What a query may ask the endpoint to do, decided before it runs.

The endpoint never fetches from the network or reads files on a query's behalf. Two things in
a query could make it: ``SERVICE`` (federation) and a dataset clause (``FROM``/``FROM NAMED``)
that names something the store does not hold. The scanner below tokenises the query just far
enough to see keywords outside strings, IRIs and comments, resolving prefixed names, so that
``"SERVICE"`` inside a string literal is not refused and ``FROM ex:g`` is checked as an IRI.

>>> find_service('SELECT * WHERE { SERVICE <http://x/sparql> { ?s ?p ?o } }')
True
>>> find_service('SELECT * WHERE { ?s ?p "SERVICE" } # SERVICE in a comment')
False
>>> find_service('SELECT ?service WHERE { ?s ?p ?service }')  # a variable, not the keyword
False
>>> dataset_iris('PREFIX ex: <http://ex/> SELECT * FROM ex:g FROM NAMED <http://ex/h> { ?s ?p ?o }')
(['http://ex/g'], ['http://ex/h'])
>>> dataset_iris('SELECT * WHERE { ?s ?from <http://ex/o> }')
([], [])
"""

from __future__ import annotations

import re

_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$]\w+)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<pname>[A-Za-z][\w.-]*?:[\w.:%-]*|:[\w.:%-]*)
  | (?P<word>[A-Za-z_][\w-]*)
  | (?P<other>\S)
    """,
    re.VERBOSE | re.DOTALL,
)


def _tokens(query: str) -> list[tuple[str, str]]:
    out = []
    for m in _TOKEN.finditer(query):
        kind = m.lastgroup or "other"
        if kind in ("comment", "string"):
            continue
        out.append((kind, m.group(kind)))
    return out


def find_service(query: str) -> bool:
    """True when the query uses SERVICE as a keyword."""
    return any(kind == "word" and value.upper() == "SERVICE" for kind, value in _tokens(query))


def uses_load_or_update_keywords(query: str) -> str | None:
    """The first update keyword found outside strings, if any (a query endpoint refuses them)."""
    for kind, value in _tokens(query):
        if kind == "word" and value.upper() in {"LOAD", "INSERT", "DELETE", "CLEAR", "DROP", "CREATE"}:
            return value.upper()
    return None


def dataset_iris(query: str) -> tuple[list[str], list[str]]:
    """IRIs named by FROM and FROM NAMED, with prefixed names expanded."""
    toks = _tokens(query)
    prefixes: dict[str, str] = {}
    default: list[str] = []
    named: list[str] = []
    i = 0
    while i < len(toks):
        kind, value = toks[i]
        upper = value.upper() if kind == "word" else ""
        if upper == "PREFIX" and i + 2 < len(toks) and toks[i + 2][0] == "iri":
            prefixes[toks[i + 1][1].rstrip(":")] = toks[i + 2][1][1:-1]
            i += 3
            continue
        if upper == "FROM":
            target = named if i + 1 < len(toks) and toks[i + 1][1].upper() == "NAMED" else default
            j = i + 2 if target is named else i + 1
            if j < len(toks):
                tkind, tval = toks[j]
                if tkind == "iri":
                    target.append(tval[1:-1])
                elif tkind == "pname":
                    prefix, _, local = tval.partition(":")
                    target.append(prefixes.get(prefix, tval + "?") + local if prefix in prefixes else tval)
            i = j + 1
            continue
        i += 1
    return default, named

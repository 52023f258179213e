"""What a SPARQL request may ask the store to do, decided on the parsed algebra before it runs.

The endpoint never fetches from the network or reads files on a request's behalf. What in
SPARQL could make it: ``SERVICE`` (federation, anywhere: nested, inside ``EXISTS``, with a
variable for the endpoint), ``LOAD`` (an update that reads a URL or a file), and a dataset
clause (``FROM``, ``FROM NAMED``, ``USING``, ``USING NAMED``) that names a graph the store does
not hold. The decision is made by rdflib's SPARQL parser and algebra (``translateQuery`` /
``translateUpdate``), walking every node of the parse tree and the algebra, never by looking
for words in the text: a regular-expression scanner was defeated by escapes inside IRIs and by
comments ended by a carriage return (issue 20). Whatever the parser cannot read is refused.

One shortcut, for the query workers only (``admit_query``): a query whose letters do not spell
any of the words a refusal or an unrepeatable function needs (service, from, now, rand, uuid,
bnode, in any case, also with its escapes expanded and in NFKC form) cannot hold any of them,
whatever a reader takes for a string or a comment; it is let through without the parser, and
the engine reads it. Words are never used to refuse or to let through anything that spells them:
a text that has one goes to the parser.

This is the first of two walls. The second is underneath: the worker processes that run
queries and updates cannot open a network socket at all (``server/sandbox.py``), so a
difference between this parser and the engine's can still not reach the network.

Two differences between rdflib's reading and the engine's (pyoxigraph) are closed here, since
they decide what is code and what is a string or a comment:

- rdflib expands ``\\uXXXX`` escapes everywhere before parsing; the engine only inside IRIs and
  strings. An escape that stands for an ASCII character other than a letter or digit could
  therefore end a string, an IRI or a comment for one reader and not the other: refused.
- rdflib's comments run to a line feed; the engine's end at a carriage return too. The text
  rdflib reads has every carriage return turned into a line feed.

>>> check_query('SELECT * WHERE { ?s ?p "SERVICE" } # SERVICE in a comment', set()).default_graphs
()
>>> check_query('SELECT * WHERE { { SERVICE ?x { ?s ?p ?o } } }', set())
Traceback (most recent call last):
graph.store.guard.Refused: SERVICE is refused: this endpoint does not query other endpoints
>>> check_query('SELECT * WHERE { ?s ?p ?o # c\\r SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } }', set())
Traceback (most recent call last):
graph.store.guard.Refused: SERVICE is refused: this endpoint does not query other endpoints
>>> check_query('PREFIX ex: <http://ex/> SELECT * FROM ex:g FROM NAMED <http://ex/h> { ?s ?p ?o }', {'http://ex/g', 'http://ex/h'})
Checked(default_graphs=('http://ex/g',), named_graphs=('http://ex/h',), repeatable=True)
>>> check_update('LOAD <http://example.org/x.ttl>', set())
Traceback (most recent call last):
graph.store.guard.Refused: LOAD is refused: the server never reads URLs or files on a request's behalf
>>> nesting_depth('SELECT * { { ?s ?p "{{{{" } } # {{{')
2
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

# True: every query and update is checked here before the engine sees it. Only a test sets it
# False, to show that the sandbox underneath (server/sandbox.py) holds on its own.
ENABLED = True

# deepest nesting of { ( [ accepted; deeper queries are refused before any parser sees them
# (5,000 nested groups overflowed the engine's stack and killed a query worker)
MAX_NESTING_DEPTH = 64
# Python frames the parser may use: pyparsing recurses about 25 frames per nesting level
_PARSER_RECURSION_LIMIT = 12_000


class Refused(ValueError):
    """The request asks for something the endpoint never does (HTTP 400 with this message)."""


class SparqlSyntaxError(SyntaxError):
    """The text is not SPARQL the checker can read (HTTP 400); ``update`` says it is an update."""

    def __init__(self, message: str, *, update: bool = False) -> None:
        super().__init__(message)
        self.update = update


@dataclass(frozen=True)
class Checked:
    """What a query that may run names as its own dataset (FROM / FROM NAMED), in order, and
    whether running it twice on the same store gives the same answer (``repeatable``: it calls
    none of NOW, RAND, UUID, STRUUID, BNODE), so that an answer may be kept and sent again."""

    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    repeatable: bool = True

    def dataset(self, defaults: Iterable[str], named: Iterable[str]) -> tuple[list[str], list[str]]:
        """The dataset to run the query on: the protocol's graphs, else the query's own FROM.

        Without a dataset the store queries the union of its graphs, and that mode ignores the
        query's dataset clause: so the query's own FROM / FROM NAMED are passed on explicitly.
        """
        defaults, named = list(defaults), list(named)
        if defaults or named:
            return defaults, named
        return list(self.default_graphs), list(self.named_graphs)


SERVICE_REFUSED = "SERVICE is refused: this endpoint does not query other endpoints"
LOAD_REFUSED = "LOAD is refused: the server never reads URLs or files on a request's behalf"
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _unsafe_escape(text: str) -> str | None:
    """The first \\u escape that stands for an ASCII character other than a letter or digit."""
    for m in _ESCAPE.finditer(text):
        code = int(m.group(1) or m.group(2), 16)
        if code < 0x80 and not chr(code).isalnum():
            return m.group(0)
    return None


def nesting_depth(text: str) -> int:
    """The deepest nesting of ``{ ( [`` outside strings, IRIs and comments (a cheap count).

    Used only to refuse absurd nesting before a parser recurses into it; a miscount can only
    make the parser itself refuse the query, never let anything through.
    """
    depth = deepest = 0
    for m in _LEXEME.finditer(text):
        ch = m.group(0)
        if ch in "{([":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "})]":
            depth = max(0, depth - 1)
    return deepest


_LEXEME = re.compile(
    r"""\#[^\r\n]*
      | '''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
      | '(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*"
      | <[^<>"{}|^`\\\x00-\x20]*>
      | [{}()\[\]]""",
    re.VERBOSE | re.DOTALL,
)


def _nodes(root: Any) -> Iterator[Any]:
    """Every value reachable from a parse tree or algebra (CompValues are dicts), iteratively."""
    stack = [root]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list | tuple | set):
            stack.extend(node)
        elif hasattr(node, "as_list") and callable(node.as_list):  # pyparsing ParseResults
            stack.extend(node.as_list())


def _name(node: Any) -> str:
    return getattr(node, "name", "") if isinstance(node, dict) else ""


def _prepare(text: str, what: str) -> str:
    depth = nesting_depth(text)
    if depth > MAX_NESTING_DEPTH:
        raise Refused(f"the {what} nests groups {depth} deep; the limit is {MAX_NESTING_DEPTH}")
    escape = _unsafe_escape(text)
    if escape:
        raise Refused(
            f"the escape {escape} stands for punctuation or a control character; write the character "
            'itself (inside a string, \\" \\n and the other short escapes work)'
        )
    return text.replace("\r", "\n")


def _parse(parse: Any, text: str) -> Any:
    """Run a pyparsing-based parse with room for nested groups; RecursionError becomes a refusal."""
    if sys.getrecursionlimit() < _PARSER_RECURSION_LIMIT:
        sys.setrecursionlimit(_PARSER_RECURSION_LIMIT)  # process-wide, once; raising it is harmless
    try:
        return parse(text)
    except RecursionError:
        raise Refused("the query nests groups too deeply to be read") from None


def _syntax_message(exc: Exception) -> str:
    """The parser's message with its position as line:column.

    >>> from rdflib.plugins.sparql import parser
    >>> try:
    ...     parser.Query.parse_string("SELECT * WHERE {", parse_all=True)
    ... except Exception as exc:
    ...     print(_syntax_message(exc))
    at 1:17: expected SelectQuery, found end of text
    """
    line, col = getattr(exc, "lineno", None), getattr(exc, "col", None)
    text = " ".join(str(getattr(exc, "msg", "") or exc).split())
    if line is None or col is None:
        return text
    return f"at {line}:{col}: {text[:1].lower()}{text[1:]}, found {_found(exc)}"


def _found(exc: Exception) -> str:
    pstr, loc = getattr(exc, "pstr", ""), getattr(exc, "loc", 0)
    if loc >= len(pstr):
        return "end of text"
    return repr(pstr[loc : loc + 20].split("\n")[0])


# functions whose value differs from one run of a query to the next
_UNREPEATABLE = frozenset({"Builtin_NOW", "Builtin_RAND", "Builtin_UUID", "Builtin_STRUUID", "Builtin_BNODE"})


def _walk(trees: Iterable[Any], graphs: frozenset[str] | set[str], *, update: bool) -> Checked:
    default: list[str] = []
    named: list[str] = []
    repeatable = True
    for tree in trees:
        for node in _nodes(tree):
            name = _name(node)
            if name in _UNREPEATABLE:
                repeatable = False
            if name == "ServiceGraphPattern":
                raise Refused(SERVICE_REFUSED)
            if name == "Load":
                raise Refused(LOAD_REFUSED)
            if name in ("DatasetClause", "UsingClause"):
                for key, target in (("default", default), ("named", named)):
                    iri = dict.get(node, key)
                    if iri is not None and str(iri) not in target:
                        target.append(str(iri))
    clause = "USING" if update else "FROM"
    for iri in [*default, *named]:
        if iri not in graphs:
            raise Refused(
                f"{clause} <{iri}> is refused: it is not a graph in this store; the endpoint never fetches data "
                f"from the network or from files (graphs held: {', '.join(sorted(graphs)) or 'none'})"
            )
    return Checked(tuple(default), tuple(named), repeatable)


@functools.lru_cache(maxsize=512)
def _parse_query(text: str) -> tuple[Any, Any]:
    from rdflib.plugins.sparql import algebra, parser

    prepared = _prepare(text, "query")
    try:
        tree = _parse(lambda t: parser.Query.parse_string(t, parse_all=True), prepared)
    except Refused:
        raise
    except Exception as exc:  # noqa: BLE001 - pyparsing's ParseException and friends
        try:
            _parse(lambda t: parser.UpdateUnit.parse_string(t, parse_all=True), prepared)
        except Exception:  # noqa: BLE001 - not an update either: report the query error
            raise SparqlSyntaxError(_syntax_message(exc)) from None
        raise SparqlSyntaxError(_syntax_message(exc), update=True) from None
    try:
        translated = _parse(algebra.translateQuery, tree)
    except Refused:
        raise
    except Exception as exc:  # noqa: BLE001 - rdflib refuses some queries while translating
        raise SparqlSyntaxError(f"the query could not be read: {_syntax_message(exc)}") from None
    return tree, translated.algebra


def check_query(text: str, graphs: set[str] | frozenset[str]) -> Checked:
    """Refuse a query that could reach outside the store; return the dataset it names itself.

    ``graphs``: the named graphs the store holds. Raises ``Refused`` or ``SparqlSyntaxError``.
    """
    return _check_query(text, frozenset(graphs))


@functools.lru_cache(maxsize=512)
def _check_query(text: str, graphs: frozenset[str]) -> Checked:
    """The decision for one text against one set of graphs, remembered like the parse it walks
    (``_parse_query``): clients and pages send the same queries again and again. A refusal is an
    exception, which is not remembered; it is decided again each time."""
    tree, algebra = _parse_query(text)
    return _walk([tree, algebra], graphs, update=False)


# The words every request the parser would refuse or mark as unrepeatable must spell: SERVICE,
# FROM (a dataset clause; LOAD and USING are update-only, and the engine's query parser refuses
# updates), and the functions NOW, RAND, UUID/STRUUID, BNODE. Keywords are case-insensitive.
_DECIDING_WORDS = ("service", "from", "now", "rand", "uuid", "bnode")


def _spells_none_of_the_deciding_words(text: str) -> bool:
    """True when neither the text nor the text with its \\u escapes expanded contains any of
    ``_DECIDING_WORDS`` in any letter case: then it holds no SERVICE, no dataset clause and no
    unrepeatable function, however a parser reads its strings, IRIs and comments.

    This only ever settles "nothing to refuse": it is a sufficient condition on the letters, not a
    reading of the query (a word inside a string or a comment, ``?from``, or "known" make it
    false and the parser decides). Case folding maps every ASCII spelling of a keyword (and more)
    to the lower-case word, so no spelling the engine accepts escapes it.

    >>> _spells_none_of_the_deciding_words('SELECT ?n WHERE { ?o <http://x/notation> "2-02-38-01" }')
    True
    >>> [_spells_none_of_the_deciding_words(t) for t in ("SeRvIcE", "?from", "BNODE()", "\\\\u0053ERVICE")]
    [False, False, False, False]
    >>> _spells_none_of_the_deciding_words("SELECT * { ?s ?p <http://x/\\\\u0041> }")
    True
    >>> _spells_none_of_the_deciding_words("SELECT * { ＳERVICE <http://x/> { ?s ?p ?o } }")
    False
    """
    folded = text.casefold()
    if any(word in folded for word in _DECIDING_WORDS):
        return False
    if not text.isascii():  # compatibility forms (fullwidth ＳERVICE) read as their plain letters
        compatible = unicodedata.normalize("NFKC", text).casefold()
        if any(word in compatible for word in _DECIDING_WORDS):
            return False
    if "\\" not in text:
        return True
    try:
        expanded = _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text).casefold()
    except (ValueError, OverflowError):  # an escape past U+10FFFF: let the parser say what it is
        return False
    return not any(word in expanded for word in _DECIDING_WORDS)


def admit_query(text: str, graphs: set[str] | frozenset[str]) -> Checked:
    """``check_query``'s decision, without the parser when the text spells none of the words a
    refusal or an unrepeatable function needs (``_spells_none_of_the_deciding_words``).

    For the query workers (server/query_worker.py), whose engine reads the query anyway and
    reports its syntax errors, and who ask ``reading_error`` when it does: reading a new query
    with rdflib's parser costs 6-7 ms, ten times the rest of a small query's way through the
    server (issue 17). The nesting and escape refusals of the parser's path apply unchanged.
    """
    return _admit_query(text, frozenset(graphs))


@functools.lru_cache(maxsize=512)
def _admit_query(text: str, graphs: frozenset[str]) -> Checked:
    _prepare(text, "query")
    if _spells_none_of_the_deciding_words(text):
        return Checked()
    return _check_query(text, graphs)


def reading_error(text: str, graphs: set[str] | frozenset[str], exc: Exception) -> Exception:
    """What to report when the engine could not read a query that ``admit_query`` let through
    without the parser: the parser's own error (with line:column, or "this is an update"), as
    ``check_query`` would have given it first; else the engine's."""
    try:
        check_query(text, graphs)
    except (Refused, SparqlSyntaxError) as found:
        return found
    return exc


def query_dataset(
    query: str, defaults: Iterable[str], named: Iterable[str], graphs: set[str]
) -> tuple[list[str], list[str]]:
    """Check a query and return the dataset to run it on (``Checked.dataset``)."""
    return check_query(query, graphs).dataset(defaults, named)


def check_update(text: str, graphs: set[str]) -> None:
    """Refuse an update with LOAD, SERVICE anywhere, or USING a graph the store does not hold."""
    from rdflib.plugins.sparql import algebra, parser

    prepared = _prepare(text, "update")
    try:
        tree = _parse(lambda t: parser.UpdateUnit.parse_string(t, parse_all=True)[0], prepared)
    except Refused:
        raise
    except Exception as exc:  # noqa: BLE001 - pyparsing's ParseException and friends
        raise SparqlSyntaxError(_syntax_message(exc), update=True) from None
    try:
        translated = _parse(algebra.translateUpdate, tree)
    except Refused:
        raise
    except Exception as exc:  # noqa: BLE001
        raise SparqlSyntaxError(f"the update could not be read: {_syntax_message(exc)}", update=True) from None
    _walk([tree, translated.algebra], graphs, update=True)


def dataset_iris(query: str) -> tuple[list[str], list[str]]:
    """The graphs a query names with FROM and FROM NAMED (prefixed names expanded), by the parser.

    >>> dataset_iris('PREFIX ex: <http://ex/> SELECT * FROM ex:g FROM NAMED <http://ex/h> { ?s ?p ?o }')
    (['http://ex/g'], ['http://ex/h'])
    >>> dataset_iris('SELECT * WHERE { ?s ?from <http://ex/o> }')
    ([], [])
    """
    tree, algebra = _parse_query(query)
    default: list[str] = []
    named: list[str] = []
    for node in _nodes(tree):
        if _name(node) == "DatasetClause":
            for key, target in (("default", default), ("named", named)):
                iri = dict.get(node, key)
                if iri is not None and str(iri) not in target:
                    target.append(str(iri))
    return default, named

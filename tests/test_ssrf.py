"""No request can make the server reach the network (issue 20, item 1).

A local TCP listener stands in for any host an attacker would aim at (an internal service, a
cloud metadata address): it answers like a web server, with a marker in its body, and records
every connection. Each attempt of the corpus below goes to /sparql or /sparql/update twice: with
the guard on (graph/store/guard.py must refuse it, on the parsed algebra) and with the guard
switched off (the worker's seccomp filter, server/sandbox.py, must stop the engine on its own).
After every request the listener must have received nothing, and no answer may quote it.

The control at the top shows the listener does catch the engine when nothing stops it: an
unsandboxed pyoxigraph store connects and quotes the listener's body in its error message.
"""

from __future__ import annotations

import re
import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.store import guard
from graph.store.embedded import EmbeddedStore
from server import create_app, zygote

MARKER = "LISTENER-SECRET-7f3a"
TOKEN = "attacker-with-a-token-123"


class Listener:
    """A TCP server on 127.0.0.1 that records connections and answers with MARKER."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            try:
                conn.settimeout(1.0)
                conn.recv(65536)
                body = f"internal page: {MARKER}".encode()
                head = b"HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n" % len(body)
                conn.sendall(head + body)
            except OSError:
                pass
            finally:
                conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    lis = Listener()
    yield lis
    lis.close()


@pytest.fixture(scope="module", params=["started", "forked"])
def attack_app(built, tmp_path_factory, request):  # type: ignore[no-untyped-def]
    """The endpoint with its query workers started as fresh interpreters, or forked by the zygote
    of ``occugraph serve`` (server/zygote.py): each must deny itself the network."""
    forked = zygote.start() if request.param == "forked" else None
    if request.param == "forked":
        assert forked is not None, "the zygote did not start"
    copy = tmp_path_factory.mktemp("ssrf") / "store"
    shutil.copytree(Path(built.store_path).resolve(), copy)
    app = create_app(
        {
            "TESTING": True,
            "STORE": EmbeddedStore(copy),
            "QUERY_WORKERS": 1,
            "QUERY_TIMEOUT": 10.0,
            "UPDATE_ENABLED": True,
            "UPDATE_TOKENS": f"attacker:{TOKEN}",
            "UPDATE_AUDIT_LOG": str(copy.parent / "audit.jsonl"),
        }
    )
    app.config["WORKER_ORIGIN"] = request.param
    yield app
    pool = app.extensions.get("occugraph-pool")
    if pool is not None:
        pool.close()
    if forked is not None:
        forked.stop()


def test_the_workers_come_from_where_the_server_says(attack_app) -> None:  # type: ignore[no-untyped-def]
    r = attack_app.test_client().get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"})
    assert r.status_code == 200
    origins = {type(w.process).__name__ for w in attack_app.extensions["occugraph-pool"]._all}
    assert origins == ({"ForkedWorker"} if attack_app.config["WORKER_ORIGIN"] == "forked" else {"Popen"})


def queries(port: int) -> list[str]:
    """Query forms that would make an unguarded engine reach 127.0.0.1:port."""
    u = f"http://127.0.0.1:{port}/sparql"
    spo = "{ ?s ?p ?o }"
    return [
        f"SELECT * WHERE {{ SERVICE <{u}> {spo} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{u}> {spo} }}",
        f"select * where {{ service <{u}> {spo} }}",
        f"SELECT * WHERE {{ SeRvIcE <{u}> {spo} }}",
        f"SELECT * WHERE {{ SERVICE ?e {spo} VALUES ?e {{ <{u}> }} }}",
        f'SELECT * WHERE {{ BIND(IRI("{u}") AS ?e) SERVICE ?e {spo} }}',
        f"SELECT * WHERE {{ {{ {{ {{ SERVICE <{u}> {spo} }} }} }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE <{u}> {{ ?s ?q ?x }} }} }}",
        f"SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ SERVICE <{u}> {spo} }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o MINUS {{ SERVICE <{u}> {spo} }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{u}> {spo} }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o FILTER NOT EXISTS {{ SERVICE <{u}> {spo} }} }}",
        f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{u}> {spo} }} }} }}",
        f"SELECT * WHERE {{ GRAPH ?g {{ SERVICE <{u}> {spo} }} }}",
        f"PREFIX r: <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE r:sparql {spo} }}",
        f"BASE <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE <sparql> {spo} }}",
        # the bypasses of the old scanner: an escape inside an IRI, comments ended by CR
        rf"SELECT * WHERE {{ ?s <http://x/\u0041#> ?o . SERVICE <{u}> {spo} }}",
        f"SELECT * WHERE {{ ?s ?p ?o # c\r SERVICE <{u}> {spo} }}",
        rf"SELECT * WHERE {{ ?s ?p ?o # c\u000d SERVICE <{u}> {spo} }}",
        rf"SELECT * WHERE {{ ?s ?p ?o # c\u000a SERVICE <{u}> {spo} }}",
        rf"SELECT * WHERE {{ \u0053ERVICE <{u}> {spo} }}",
        rf"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/\u0073parql> {spo} }}",
        rf"SELECT * WHERE {{ SERVICE <\u0068ttp://127.0.0.1:{port}/> {spo} }}",
        rf"SELECT * WHERE {{ SERVICE <\U00000068ttp://127.0.0.1:{port}/> {spo} }}",
        # strings that one reader might end earlier than the other
        rf'SELECT * WHERE {{ ?s ?p "a\u005C" . SERVICE <{u}> {spo} ?s ?p "" }}',
        rf'SELECT * WHERE {{ ?s ?p "x\u0022 }} SERVICE <{u}> {spo} #" }}',
        f'SELECT * WHERE {{ ?s ?p """a"b""" . SERVICE <{u}> {spo} }}',
        f"SELECT * WHERE {{ ?s ?p '''a\\''' . SERVICE <{u}> {spo} }}",
        # Unicode look-alikes (fullwidth, Cyrillic) of the keyword and of the brackets
        f"SELECT * WHERE {{ ＳERVICE <{u}> {spo} }}",
        f"SELECT * WHERE {{ \u0405ERVICE <{u}> {spo} }}",
        f"SELECT * WHERE {{ SERVICE \uff1c{u}\uff1e {spo} }}",
        # other query forms
        f"ASK {{ SERVICE <{u}> {spo} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{u}> {spo} }}",
        f"DESCRIBE ?s WHERE {{ SERVICE <{u}> {spo} }}",
        f"SELECT (EXISTS {{ SERVICE <{u}> {spo} }} AS ?x) WHERE {{}}",
        f"SELECT * WHERE {{ BIND(EXISTS {{ SERVICE <{u}> {spo} }} AS ?x) }}",
        f"SELECT * WHERE {{ SERVICE <{u}> {{ SERVICE <{u}> {spo} }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o }} VALUES ?e {{ <{u}> }}",  # harmless on its own: must just run
        # whitespace and comments between the keyword and the IRI
        f"SELECT * WHERE {{ SERVICE\t\n<{u}> {spo} }}",
        f"SELECT * WHERE {{ SERVICE # x\n <{u}> {spo} }}",
        # other spellings of the address
        f"SELECT * WHERE {{ SERVICE <http://localhost:{port}/> {spo} }}",
        f"SELECT * WHERE {{ SERVICE <http://2130706433:{port}/> {spo} }}",
        f"SELECT * WHERE {{ SERVICE <http://0x7f000001:{port}/> {spo} }}",
        f"SELECT * WHERE {{ SERVICE <http://127.1:{port}/> {spo} }}",
        f"SELECT * WHERE {{ SERVICE <https://127.0.0.1:{port}/> {spo} }}",
        f"SELECT * WHERE {{ SERVICE <http://user:pw@127.0.0.1:{port}/x?y=1#z> {spo} }}",
        # dataset clauses naming the listener
        f"SELECT * FROM <{u}> WHERE {spo}",
        f"SELECT * FROM NAMED <{u}> WHERE {{ GRAPH ?g {spo} }}",
        f"PREFIX r: <http://127.0.0.1:{port}/> SELECT * FROM r:data WHERE {spo}",
        # updates sent to the query endpoint
        f"LOAD <{u}>",
        f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{u}> {spo} }}",
    ]


def updates(port: int) -> list[str]:
    """Update forms that would make an unguarded engine reach 127.0.0.1:port."""
    u = f"http://127.0.0.1:{port}/data.ttl"
    spo = "{ ?s ?p ?o }"
    return [
        f"LOAD <{u}>",
        f"LOAD SILENT <{u}> INTO GRAPH <http://e/g>",
        f"load <{u}>",
        rf"\u004cOAD <{u}>",
        f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{u}> {spo} }}",
        f"DELETE {{ ?s ?p ?o }} WHERE {{ SERVICE SILENT <{u}> {spo} }}",
        f"INSERT {{ ?s ?p ?o }} USING <{u}> WHERE {spo}",
        f"INSERT {{ ?s ?p ?o }} USING NAMED <{u}> WHERE {{ GRAPH ?g {spo} }}",
        f"INSERT DATA {{ <http://e/a> <http://e/p> 1 }} # c\r ; LOAD <{u}>",
        rf"INSERT DATA {{ <http://e/a> <http://e/\u0041#> 1 }} ; LOAD <{u}>",
        f'INSERT DATA {{ <http://e/a> <http://e/p> "x" }} ; LOAD <{u}>',
        f"WITH <http://e/g> INSERT {{ ?s ?p ?o }} WHERE {{ OPTIONAL {{ SERVICE ?e {spo} }} VALUES ?e {{ <{u}> }} }}",
        f"PREFIX r: <http://127.0.0.1:{port}/> LOAD r:data.ttl",
        f"BASE <http://127.0.0.1:{port}/> LOAD <data.ttl>",
        rf"LOAD <http://127.0.0.1:{port}/\u0064ata.ttl> INTO GRAPH <http://e/g>",
    ]


def test_the_listener_catches_an_unguarded_engine(listener: Listener) -> None:
    before = listener.connections
    with pytest.raises(Exception) as caught:  # noqa: PT011 - pyoxigraph raises OSError or SyntaxError
        list(ox.Store().query(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }} }}"))
    assert listener.connections == before + 1
    assert MARKER in str(caught.value)  # what the server used to quote back to the client


def test_the_corpus_is_large_enough(listener: Listener) -> None:
    assert len(queries(listener.port)) + len(updates(listener.port)) >= 50


def _send_query(client, text: str, how: str):  # type: ignore[no-untyped-def]
    if how == "get":
        return client.get("/sparql", query_string={"query": text}, headers={"Accept": "application/json"})
    if how == "form":
        return client.post("/sparql", data={"query": text}, headers={"Accept": "application/json"})
    return client.post(
        "/sparql",
        data=text.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "application/json"},
    )


@pytest.mark.parametrize("guarded", [True, False], ids=["guard", "sandbox-only"])
def test_no_query_reaches_the_listener(attack_app, listener: Listener, monkeypatch, guarded: bool) -> None:
    monkeypatch.setattr(guard, "ENABLED", guarded)
    client = attack_app.test_client()
    start = listener.connections
    ways = ["get", "form", "direct"]
    statuses = {}
    for i, text in enumerate(queries(listener.port)):
        before = listener.connections
        r = _send_query(client, text, ways[i % 3])
        body = r.get_data(as_text=True)
        assert listener.connections == before, f"connected: {text!r}"
        assert r.status_code < 500, (text, body)
        assert MARKER not in body
        statuses[text] = r.status_code
    harmless = [t for t in statuses if t.startswith("SELECT * WHERE { ?s ?p ?o } VALUES")]
    assert [statuses[t] for t in harmless] == [200]
    if guarded:  # every SERVICE, FROM and LOAD refused with a 400 before the engine saw it
        assert {t: s for t, s in statuses.items() if s != 400 and t not in harmless} == {}
    for how, key in (("default-graph-uri", "default-graph-uri"), ("named-graph-uri", "named-graph-uri")):
        r = client.get(
            "/sparql",
            query_string={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1", key: f"http://127.0.0.1:{listener.port}/"},
        )
        assert r.status_code == 400, how
    assert listener.connections == start


@pytest.mark.parametrize("guarded", [True, False], ids=["guard", "sandbox-only"])
def test_no_update_reaches_the_listener(attack_app, listener: Listener, monkeypatch, guarded: bool) -> None:
    monkeypatch.setattr(guard, "ENABLED", guarded)
    client = attack_app.test_client()
    start = listener.connections
    headers = {"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"}
    for text in updates(listener.port):
        before = listener.connections
        r = client.post("/sparql/update", data=text.encode(), headers=headers)
        body = r.get_data(as_text=True)
        assert listener.connections == before, f"connected: {text!r}"
        assert r.status_code < 500, (text, body)
        if guarded:
            assert r.status_code == 400, (text, body)
            assert "refused" in body or "syntax" in body, body
        assert MARKER not in body
    assert listener.connections == start


# --- the guard's shortcut for new queries (graph/store/guard.py, admit_query) ---------------


def _our_queries() -> list[str]:
    """Every query the project itself sends (the .rq files of each area and the /sparql page's
    examples): real queries of every shape, most of which the shortcut lets through."""
    from graph.core.paths import PACKAGE_ROOT
    from graph.store.sparql import prefix_lines
    from server.sparql_examples import EXAMPLES

    bodies = [f.read_text(encoding="utf-8") for f in sorted((PACKAGE_ROOT / "graph").glob("*/sparql/*.rq"))]
    bodies = [b for b in bodies if not re.search(r"\{ *\$", b)]  # VALUES lists bound later are not SPARQL yet
    return [prefix_lines(b) + b for b in bodies] + [e["query"] for e in EXAMPLES]


def test_the_shortcut_admits_nothing_the_parser_would_refuse(listener: Listener) -> None:
    """An attack text the shortcut lets through is one the parser finds nothing to refuse in (it
    cannot read it, or it is harmless); for every real query the shortcut lets through, the
    parser's own decision is the same (no dataset, repeatable)."""
    attacks = queries(listener.port) + updates(listener.port)
    variants = [v for t in attacks for v in (t, t.lower(), t.upper(), t.swapcase())]
    shortcut = [t for t in variants if guard._spells_none_of_the_deciding_words(t)]
    assert 0 < len(shortcut) < len(variants) // 4  # most attacks spell SERVICE, FROM or LOAD's FROM
    for text in shortcut:
        try:
            assert guard.check_query(text, set()) == guard.Checked(), text
        except guard.SparqlSyntaxError:
            pass  # not a query the parser can read (an update, a look-alike letter): 400 either way
    ours = _our_queries()
    admitted = [q for q in ours if guard._spells_none_of_the_deciding_words(q)]
    assert len(ours) > 60 and len(admitted) > len(ours) // 2
    graphs = {"http://example.org/x"}

    def outcome(check, q: str) -> object:  # type: ignore[no-untyped-def]
        try:
            return check(q, graphs)
        except (guard.Refused, guard.SparqlSyntaxError) as exc:
            return type(exc).__name__, str(exc)

    decided = [(outcome(guard.admit_query, q), outcome(guard.check_query, q)) for q in admitted]
    assert [a for a, b in decided if a != b] == []
    assert sum(a == guard.Checked() for a, _b in decided) > len(admitted) * 0.9


def test_a_new_query_is_let_through_without_the_parser() -> None:
    """A query never seen before costs the parser (6-7 ms) only when it spells a deciding word."""
    plain = 'SELECT ?name WHERE { ?o <http://www.w3.org/2004/02/skos/core#notation> "2-02-38-01-x" }'
    guard._parse_query.cache_clear()
    assert guard.admit_query(plain, set()) == guard.Checked()
    assert guard._parse_query.cache_info().misses == 0
    dated = plain.replace("SELECT ?name", "SELECT ?name (NOW() AS ?t)")
    assert guard.admit_query(dated, set()).repeatable is False
    assert guard._parse_query.cache_info().misses == 1
    with pytest.raises(guard.Refused):  # the nesting limit holds on the shortcut too
        guard.admit_query("SELECT * WHERE " + "{" * 100 + "}" * 100, set())


def test_what_the_engine_cannot_read_is_reported_in_the_parsers_words(attack_app) -> None:  # type: ignore[no-untyped-def]
    """Texts the shortcut lets through and the engine cannot read: the client gets what the parser
    says (line:column; "this is an update"), as when the parser read every query first."""
    client = attack_app.test_client()
    r = _send_query(client, "SELECT * WHERE {", "get")
    assert r.status_code == 400 and "syntax error: at 1:" in r.get_data(as_text=True)
    r = _send_query(client, "INSERT DATA { <http://e/a> <http://e/p> 1 }", "form")
    assert r.status_code == 400 and "this is SPARQL Update" in r.get_data(as_text=True)


_KEYWORD_FORMS = {
    # each letter: itself, other case, escaped, fullwidth, and letters whose case folding or NFKC
    # form is the ASCII letter (long s, Kelvin sign) -- what an attacker would try on the shortcut
    "s": ["s", "S", "\\u0053", "\\u0073", "\\U00000053", "Ｓ", "ｓ", "ſ"],
    "e": ["e", "E", "\\u0045", "\\u0065", "Ｅ"],
    "r": ["r", "R", "\\u0052", "Ｒ"],
    "v": ["v", "V", "\\u0056", "Ｖ"],
    "i": ["i", "I", "\\u0049", "Ｉ", "ı"],
    "c": ["c", "C", "\\u0043", "Ｃ"],
    "f": ["f", "F", "\\u0046", "Ｆ"],
    "o": ["o", "O", "\\u004f", "Ｏ"],
    "m": ["m", "M", "\\u004d", "Ｍ"],
    "n": ["n", "N", "\\u004e", "Ｎ"],
    "w": ["w", "W", "\\u0057", "Ｗ"],
}


def _spelled(word: str, data) -> str:  # type: ignore[no-untyped-def]
    from hypothesis import strategies as st

    return "".join(data.draw(st.sampled_from(_KEYWORD_FORMS.get(ch, [ch, ch.upper()]))) for ch in word)


def test_no_spelling_of_a_keyword_passes_the_shortcut_and_the_parser() -> None:
    """Property test, attacker's side: SERVICE, FROM and NOW() spelled letter by letter in every
    case, escape and look-alike form, at several places of a query. Whenever the shortcut lets a
    text through, the parser (which expands escapes everywhere) finds nothing to refuse in it."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    u = "http://127.0.0.1:9/sparql"
    templates = [
        "SELECT * WHERE {{ {kw} <" + u + "> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ ?s ?p ?o # x\r {kw} <" + u + "> {{ ?a ?b ?c }} }}",
        "SELECT * {kw} <" + u + "> WHERE {{ ?s ?p ?o }}",
        "SELECT ({kw}() AS ?t) WHERE {{ ?s ?p ?o }}",
        'SELECT * WHERE {{ ?s ?p "{kw}" }}',
    ]

    guard.check_query("ASK {}", set())  # the parser raises the recursion limit once, before hypothesis runs
    passed: list[str] = []

    @settings(max_examples=400, deadline=None, database=None)
    @given(st.sampled_from(["service", "from", "now"]), st.sampled_from(templates), st.data())
    def check(word: str, template: str, data) -> None:  # type: ignore[no-untyped-def]
        text = template.format(kw=_spelled(word, data))
        if not guard._spells_none_of_the_deciding_words(text):
            return
        passed.append(text)
        try:
            decided = guard.check_query(text, set())
        except guard.SparqlSyntaxError:
            return  # the parser cannot read it: refused either way
        except guard.Refused as exc:
            raise AssertionError(f"the shortcut let through what the parser refuses: {text!r}: {exc}") from None
        assert decided == guard.Checked(), text

    check()
    assert passed  # some spellings (the dotless ı, which is not i) do reach the parser

"""OccuGraph on a SPARQL 1.1 server: a store with EmbeddedStore's interface, and release loading.

``RemoteStore`` answers ``select`` / ``query`` / ``graph_names`` like ``graph.store.embedded.EmbeddedStore``,
so the API, pages and CLI run unchanged against any SPARQL 1.1 endpoint (tested with Virtuoso 7).
Queries go out through SPARQLWrapper, pure content negotiation (no ``format=`` parameters).

Two things make a remote endpoint answer like the embedded store:

* The dataset. The embedded store's default graph is the union of the OccuGraph graphs.
  Servers differ (Virtuoso's default graph is the union of *every* graph it holds, its own
  system graphs included; Fuseki's is an empty default graph unless configured), so a query
  without a dataset of its own is sent with the OccuGraph graphs as ``default-graph-uri`` *and*
  ``named-graph-uri``. Both: Virtuoso ignores the protocol rule that a request naming only
  default graphs has no named graphs, and would let ``GRAPH ?g`` see its system graphs.
* The result. Solutions and booleans are parsed back into pyoxigraph results, graphs (CONSTRUCT,
  DESCRIBE) into a pyoxigraph triple result, so ``server.sparql_protocol`` negotiates formats,
  reports errors and renders the HTML page exactly as it does for the embedded store, whatever
  formats and error texts the server has. A result the server cut short (Virtuoso's
  ``ResultSetMaxRows``, or its "anytime" partial answers on timeout) raises ``ResultTruncated``
  instead of passing as complete.

``load_release`` replaces named graphs on a server atomically: every graph is first written to a
temporary graph (Graph Store Protocol, SPARQL Update ``INSERT DATA``, or Virtuoso's bulk loader),
counted, and only then swapped in by one SPARQL Update request of ``MOVE`` operations; a failure
before the swap drops the temporary graphs and leaves the served graphs as they were.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from SPARQLWrapper import CONSTRUCT, DESCRIBE, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import (
    EndPointInternalError,
    EndPointNotFound,
    QueryBadFormed,
    SPARQLWrapperException,
    Unauthorized,
    URITooLong,
)

from graph.core import media
from graph.core.media import RDF_FORMATS, RESULTS_FORMATS
from graph.core.namespaces import BASE
from graph.store.embedded import STANDARD_GRAPHS
from graph.store.guard import Refused, check_update
from graph.store.mark import MARK_QUERY, with_mark
from graph.store.sparql import STORE_QUERIES, Iri, triples_result

GRAPH_PREFIX = BASE + "graph/"
"""Named graphs under this prefix are OccuGraph's; the rest of a shared server is not ours."""

LOADING_PREFIX = "urn:x-occugraph:loading:"
"""Temporary graphs of a load in progress: outside GRAPH_PREFIX, and never in a dataset."""

DEFAULT_TIMEOUT = 30.0
# triples per INSERT DATA request: Virtuoso compiles each into SQL and refuses more than 10,000
# lines of it (about 1,000 triples); its parser runs out of memory near 5,000
UPDATE_CHUNK_TRIPLES = 500
GRAPH_LIST_TTL = 60.0  # seconds the list of graphs on the server is trusted before asking again

_RESULTS_ACCEPT = media.accept_header(media.REMOTE_RESULTS)
_GRAPH_ACCEPT = media.accept_header(media.REMOTE_GRAPHS)
_BASE_DECL = re.compile(r"^\s*(?:#[^\n]*\n\s*)*BASE\b", re.IGNORECASE)

Result = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


class RefusedQuery(SyntaxError):
    """A query a remote store will not forward: an update, or a server-specific extension."""


# Outside strings, IRIs and comments: what a SPARQL 1.1 query cannot contain but a server may
# run anyway. Virtuoso's /sparql executes bif:/sql: functions (bif:http_get fetches a URL as the
# server) and DEFINE pragmas (get:soft makes it fetch FROM graphs from the web).
_SCAN = re.compile(
    r"""
      (?P<skip>\#[^\n]*
        | '''(?:[^'\\]|\\.|'(?!''))*''' | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
        | '(?:[^'\\\n]|\\.)*' | "(?:[^"\\\n]|\\.)*"
        | [?$]\w+)
    | <(?P<iri>[^<>"{}|^`\\\x00-\x20]*)>
    | (?P<prefix_decl>\bPREFIX\s+(?P<declared>[A-Za-z][\w.-]*)?:)
    | (?<![\w:.-])(?P<pname>[A-Za-z][\w.-]*):
    | (?<![\w:.-])(?P<word>DEFINE)\b
    """,
    re.VERBOSE | re.IGNORECASE | re.DOTALL,
)
_SERVER_FUNCTIONS = ("bif:", "sql:", "http://www.openlinksw.com/schemas/bif#")
_REFUSED_FUNCTION = (
    "is refused: this endpoint runs SPARQL 1.1 functions only, never the server's own "
    "(they can read files or fetch URLs)"
)


def refuse_server_extensions(sparql: str) -> None:
    """Raise RefusedQuery for server-specific extensions that could reach files or the network.

    >>> refuse_server_extensions('SELECT ?define WHERE { ?s ?p "bif:http_get" } # sql:x')
    >>> refuse_server_extensions("SELECT (bif:http_get('http://x/') AS ?x) {}")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    graph.store.remote.RefusedQuery: server function bif: is refused: ...
    >>> refuse_server_extensions('define get:soft "soft" SELECT * {}')
    Traceback (most recent call last):
    graph.store.remote.RefusedQuery: DEFINE pragmas are not SPARQL 1.1 and are refused
    """
    declared: set[str] = set()
    for m in _SCAN.finditer(sparql):
        if m.group("prefix_decl"):
            declared.add((m.group("declared") or "").lower())
        elif m.group("word"):
            raise RefusedQuery("DEFINE pragmas are not SPARQL 1.1 and are refused")
        elif m.group("pname"):
            prefix = m.group("pname").lower()
            if prefix in ("bif", "sql") and prefix not in declared:
                raise RefusedQuery(f"server function {prefix}: {_REFUSED_FUNCTION}")
        elif m.group("iri") and m.group("iri").lower().startswith(_SERVER_FUNCTIONS):
            raise RefusedQuery(f"server function <{m.group('iri')}> {_REFUSED_FUNCTION}")


class StoreUnavailable(Exception):
    """The SPARQL server could not be reached or did not answer (HTTP 503 to our clients)."""


class RemoteQueryError(ValueError):
    """The server refused or failed to evaluate a query; the message carries its reason."""


class ResultTruncated(RemoteQueryError):
    """The server returned only part of the result (a row cap or a partial answer on timeout)."""


class RemoteStore:
    """The OccuGraph graphs on a SPARQL 1.1 endpoint, with ``graph.store.embedded.EmbeddedStore``'s interface.

    ``graphs``: the graphs that make up the dataset, by default the ones a build writes
    (``graph.store.embedded.STANDARD_GRAPHS``: ontology, data and matching settings) that the
    server holds, checked again every minute. (Listing every graph instead, ``GRAPH ?g { ?s ?p ?o }``, scans the whole
    store on Virtuoso: 0.7 s at 1x.) Thread-safe: each call builds its own SPARQLWrapper request.
    """

    path = None  # not an on-disk store: the server's query workers (server.query_worker) stay off

    def __init__(
        self,
        endpoint: str,
        *,
        graphs: Sequence[str] | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        if not endpoint.startswith(("http://", "https://")):
            raise ValueError(f"endpoint must be an http(s) URL, got {endpoint!r}")
        self.endpoint = endpoint
        self.timeout = timeout
        self._wanted = tuple(graphs) if graphs else STANDARD_GRAPHS
        self._graphs: tuple[str, ...] | None = None
        self._graphs_at = 0.0
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"RemoteStore({self.endpoint!r})"

    # ---------------------------------------------------------------- the store interface

    def graph_names(self) -> set[str]:
        """The OccuGraph graphs the server holds (those that make up the default dataset)."""
        return set(self.graphs())

    def graphs(self) -> tuple[str, ...]:
        """The wanted graphs that the server holds (a graph with no triples does not exist)."""
        with self._lock:
            if self._graphs is None or time.monotonic() - self._graphs_at > GRAPH_LIST_TTL:
                present = STORE_QUERIES.graphs_present.bind(graphs=[Iri(g) for g in self._wanted])
                rows = self._select_json(present, dataset=False)
                self._graphs = tuple(sorted(r["g"] for r in rows))
                self._graphs_at = time.monotonic()
            return self._graphs

    def refresh(self) -> None:
        """Forget the cached list of graphs (after a load or an update)."""
        with self._lock:
            self._graphs = None

    def count_quads(self) -> int:
        """Triples in the OccuGraph graphs the server holds, each graph counted on its own."""
        rows = self.select(STORE_QUERIES.quad_count.text)
        return int(rows[0]["n"]) if rows else 0

    def last_update_id(self) -> str | None:
        """The id of the last update /sparql/update applied to this server (graph.store.mark)."""
        rows = self._select_json(MARK_QUERY, dataset=False)
        return rows[0]["id"] if rows else None

    def select(self, sparql: str) -> list[dict[str, str]]:
        """SELECT rows as plain strings (IRIs and lexical forms); unbound variables are absent."""
        refuse_server_extensions(sparql)
        return self._select_json(sparql, dataset=True)

    def query(
        self,
        sparql: str,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
    ) -> Result:
        """Run any query; the result is a pyoxigraph result, as from ``EmbeddedStore.query``.

        Without ``default_graphs``/``named_graphs`` and without FROM in the query, the dataset is
        the OccuGraph graphs (default graph = their union), as on the embedded store.
        """
        refuse_server_extensions(sparql)
        if base_iri and not _BASE_DECL.match(sparql):
            # the embedded store resolves relative IRIs against base_iri; say so to the server
            sparql = f"BASE <{base_iri}> {sparql}"  # same line: the server's error line numbers stay right
        body, media, headers = self._send(sparql, None, self._dataset(sparql, default_graphs, named_graphs))
        _check_complete(headers)
        try:
            if media in RESULTS_FORMATS:
                if media.endswith("json") and XSD_BOOLEAN.encode() in body:
                    doc = json.loads(body)
                    for binding in doc.get("results", {}).get("bindings", []):
                        for term in binding.values():
                            _canonical_boolean(term)
                    body = json.dumps(doc).encode()
                return ox.parse_query_results(body, format=RESULTS_FORMATS[media])  # type: ignore[return-value]
            if media in RDF_FORMATS and media != "application/json":  # JSON here is a results document
                scratch = ox.Store()
                for lexical, canonical in (b"1", b"true"), (b"0", b"false"):
                    body = body.replace(
                        b'"%s"^^<%s>' % (lexical, XSD_BOOLEAN.encode()),
                        b'"%s"^^<%s>' % (canonical, XSD_BOOLEAN.encode()),
                    )
                scratch.bulk_load(body, format=RDF_FORMATS[media])
                return triples_result(scratch)
        except SyntaxError as exc:  # not the query's fault: the server sent something unreadable
            raise RemoteQueryError(f"the SPARQL server sent an unreadable {media} result: {exc}") from None
        raise RemoteQueryError(
            f"the SPARQL server answered with {media or 'no content type'}, which is not a SPARQL result format"
        )

    # ---------------------------------------------------------------- plumbing

    def _dataset(
        self, sparql: str, default_graphs: Sequence[str] | None, named_graphs: Sequence[str] | None
    ) -> tuple[list[str], list[str]]:
        if default_graphs or named_graphs:
            return list(default_graphs or []), list(named_graphs or [])
        graphs = list(self.graphs())
        return graphs, graphs

    def _select_json(self, sparql: str, *, dataset: bool) -> list[dict[str, str]]:
        defaults, named = self._dataset(sparql, None, None) if dataset else ([], [])
        body, media, headers = self._send(sparql, "application/sparql-results+json", (defaults, named))
        _check_complete(headers)
        if media not in ("application/sparql-results+json", "application/json"):
            raise RemoteQueryError(f"the SPARQL server answered a SELECT with {media!r}, not SPARQL JSON")
        try:
            doc = json.loads(body)
        except ValueError as exc:
            raise RemoteQueryError(f"the SPARQL server sent unreadable JSON: {exc}") from None
        bindings = doc["results"]["bindings"]
        return [{name: _canonical_boolean(term)["value"] for name, term in b.items()} for b in bindings]

    def _send(
        self, sparql: str, accept: str | None, dataset: tuple[list[str], list[str]]
    ) -> tuple[bytes, str, dict[str, str]]:
        """POST the query; (body, media type, headers). ``accept`` None: by the query form."""
        wrapper = SPARQLWrapper(self.endpoint)
        wrapper.setOnlyConneg(True)  # protocol only: no format=/output= parameters
        wrapper.setMethod(POST)  # queries with many graphs or long text stay out of the URL
        wrapper.setTimeout(int(max(1, self.timeout)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # an unknown form is the server's to reject
            wrapper.setQuery(sparql)
        if wrapper.isSparqlUpdateRequest():  # SPARQLWrapper would send it to the server as an update
            raise RefusedQuery(f"{wrapper.queryType} is SPARQL Update, and this store is read-only")
        if accept is None:
            accept = _GRAPH_ACCEPT if wrapper.queryType in (CONSTRUCT, DESCRIBE) else _RESULTS_ACCEPT
        wrapper.addCustomHttpHeader("Accept", accept)
        defaults, named = dataset
        for g in defaults:
            wrapper.addParameter("default-graph-uri", g)
        for g in named:
            wrapper.addParameter("named-graph-uri", g)
        try:
            response = wrapper.query().response
            body = response.read()
            headers = {k.lower(): v for k, v in response.headers.items()}
        except QueryBadFormed as exc:
            raise SyntaxError(_server_message(exc)) from None
        except (EndPointInternalError, URITooLong) as exc:
            raise RemoteQueryError(f"the SPARQL server could not run the query: {_server_message(exc)}") from None
        except (EndPointNotFound, Unauthorized) as exc:
            raise StoreUnavailable(
                f"{self.endpoint} is not a SPARQL endpoint we may query ({type(exc).__name__})"
            ) from None
        except urllib.error.HTTPError as exc:
            detail = exc.read()[:300].decode("utf-8", "replace").strip()
            raise StoreUnavailable(f"the SPARQL server at {self.endpoint} answered {exc.code}: {detail}") from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            reason = getattr(exc, "reason", exc)
            raise StoreUnavailable(f"the SPARQL server at {self.endpoint} did not answer: {reason}") from None
        except SPARQLWrapperException as exc:
            raise RemoteQueryError(_server_message(exc)) from None
        media = headers.get("content-type", "").split(";")[0].strip().lower()
        return body, media, headers


XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_CANONICAL_BOOLEAN = {"1": "true", "0": "false"}


def _canonical_boolean(term: dict[str, str]) -> dict[str, str]:
    """xsd:boolean in its canonical form: Virtuoso answers a stored ``true`` as ``"1"^^xsd:boolean``.

    >>> _canonical_boolean({"type": "literal", "datatype": XSD_BOOLEAN, "value": "1"})["value"]
    'true'
    """
    if term.get("datatype") == XSD_BOOLEAN and term.get("value") in _CANONICAL_BOOLEAN:
        term["value"] = _CANONICAL_BOOLEAN[term["value"]]
    return term


def _server_message(exc: Exception) -> str:
    """The server's own words from a SPARQLWrapper exception, without the wrapper's boilerplate."""
    text = str(exc)
    if "Response:" in text:
        text = text.split("Response:", 1)[1]
    text = text.strip().strip("b'\"")
    text = text.encode("latin-1", "backslashreplace").decode("unicode_escape", "replace")
    # Virtuoso echoes the whole query after its message; the first lines say what went wrong
    lines = [line for line in text.replace("\r", "").split("\n") if line.strip()]
    kept = []
    for line in lines:
        if line.startswith("SPARQL query:"):
            break
        kept.append(line.strip())
    return " ".join(kept)[:500] or type(exc).__name__


def _check_complete(headers: dict[str, str]) -> None:
    if "x-sparql-maxrows" in headers:
        raise ResultTruncated(
            f"the SPARQL server returned only its first {headers['x-sparql-maxrows']} rows "
            "(its result row limit, e.g. Virtuoso's ResultSetMaxRows); narrow the query or raise the limit"
        )
    if headers.get("x-sql-state", "").upper() in ("S1TAT", "S1T00"):
        raise ResultTruncated(
            "the SPARQL server stopped the query at its time limit and sent a partial answer "
            f"({headers.get('x-sql-message', 'timeout').strip()}); narrow the query"
        )


# ====================================================================== loading a release


@dataclass
class WriteEndpoint:
    """Where and how to write to a SPARQL server.

    ``update_url``: SPARQL 1.1 Update endpoint (used for the atomic swap, and to send the data
    when there is no Graph Store endpoint). ``graph_store_url``: SPARQL 1.1 Graph Store Protocol
    endpoint (``?graph=<iri>``), the fast portable path. Virtuoso: ``/sparql-auth`` and
    ``/sparql-graph-crud-auth``, both with HTTP digest authentication.
    """

    update_url: str
    graph_store_url: str | None = None
    user: str | None = None
    password: str | None = None
    timeout: float = 600.0
    _auth: _Auth | None = field(default=None, init=False, repr=False)

    def request(
        self, url: str, *, method: str = "POST", body: bytes = b"", headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        """Send one request, authenticating pre-emptively (basic or digest, as the server asks).

        Digest is answered before the body goes out: a server that rejects an unauthenticated
        request of many megabytes closes the connection while the body is still being sent.
        """
        if self._auth is None:
            self._auth = _Auth(self.user, self.password)
        for attempt in range(3):
            req = urllib.request.Request(
                url, data=body if method != "GET" else None, method=method, headers=dict(headers or {})
            )
            self._auth.apply(req)
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                    return resp.status, resp.read()
            except urllib.error.HTTPError as exc:
                if exc.code == 401 and attempt < 2 and self.user:
                    challenge = exc.headers.get("WWW-Authenticate", "")
                    exc.read()
                    self._auth.learn(challenge)
                    continue
                detail = exc.read()[:2000].decode("utf-8", "replace").strip()
                raise LoadError(f"{method} {url} answered {exc.code}: {_first_lines(detail)}", exc.code) from None
            except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
                if (
                    attempt < 2
                    and self.user
                    and isinstance(exc, (ConnectionError, urllib.error.URLError))
                    and self._auth.needs_challenge()
                ):
                    self._auth.learn(self._probe_challenge(url))
                    continue
                raise LoadError(f"{method} {url} failed: {getattr(exc, 'reason', exc)}") from None
        raise LoadError(f"{method} {url}: the server did not accept the credentials for {self.user!r}")

    def _probe_challenge(self, url: str) -> str:
        """Ask for the authentication challenge with a bodiless request."""
        req = urllib.request.Request(url, method="GET")
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                resp.read()
                return ""
        except urllib.error.HTTPError as exc:
            exc.read()
            return exc.headers.get("WWW-Authenticate", "") if exc.code == 401 else ""
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            raise LoadError(f"{url} did not answer: {getattr(exc, 'reason', exc)}") from None

    def prepare(self) -> None:
        """Learn the server's authentication scheme before sending large bodies."""
        if self.user:
            if self._auth is None:
                self._auth = _Auth(self.user, self.password)
            for url in filter(None, [self.graph_store_url, self.update_url]):
                self._auth.learn(self._probe_challenge(url))

    def update(self, sparql_update: str) -> None:
        body = urllib.parse.urlencode({"update": sparql_update}).encode()
        self.request(
            self.update_url, body=body, headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "*/*"}
        )


def send_update(read: RemoteStore, write: WriteEndpoint, update: str, update_id: str) -> tuple[int, int]:
    """Apply a SPARQL Update on the server: (triples in the OccuGraph graphs before, after).

    Nothing is sent unless the update passes the same guard as on the embedded store
    (``graph.store.guard.check_update``: no LOAD, no SERVICE, no USING of a graph the server does
    not hold), decided here on the parsed update, and uses none of the server's own functions
    (Virtuoso runs ``bif:`` functions inside an update's WHERE as it does in a query). There is no
    sandboxed process on this path, so the check runs whatever ``guard.ENABLED`` says.

    The update goes in one request with the operations that record ``update_id`` as the server's
    last applied update (``graph.store.mark``); a server that runs a request as one transaction
    (Virtuoso: tested) applies both or neither. Raises ``Refused``, ``guard.SparqlSyntaxError``,
    ``StoreUnavailable`` / ``RemoteQueryError`` (reading the counts) or ``LoadError`` (the write;
    its ``status`` is the server's HTTP status, None when it did not answer).
    """
    try:
        refuse_server_extensions(update)
    except RefusedQuery as exc:
        raise Refused(str(exc)) from None
    check_update(update, read.graph_names())
    before = read.count_quads()
    try:
        write.update(with_mark(update, update_id))
    finally:
        read.refresh()  # the update may have made a graph, or emptied one
    return before, read.count_quads()


class _Auth:
    """Pre-emptive HTTP authentication, in the scheme (basic or digest) of the server's challenge,
    learnt from a bodiless request first (``WriteEndpoint.prepare``)."""

    def __init__(self, user: str | None, password: str | None) -> None:
        self.user = user
        self.password = password or ""
        self.scheme: str | None = None
        self.challenge: dict[str, str] = {}
        self._digest = urllib.request.AbstractDigestAuthHandler(_OneUser(user or "", self.password))
        self._lock = threading.Lock()

    def needs_challenge(self) -> bool:
        return bool(self.user) and self.scheme is None

    def learn(self, header: str) -> None:
        if not header:
            return
        scheme, _, rest = header.partition(" ")
        self.scheme = scheme.lower()
        if self.scheme == "digest":
            self.challenge = urllib.request.parse_keqv_list(urllib.request.parse_http_list(rest))

    def apply(self, req: urllib.request.Request) -> None:
        if not self.user or self.scheme is None:
            return
        if self.scheme == "basic":
            token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
            req.add_unredirected_header("Authorization", f"Basic {token}")
        elif self.scheme == "digest":
            with self._lock:
                value = self._digest.get_authorization(req, self.challenge)
            if value:
                req.add_unredirected_header("Authorization", f"Digest {value}")


class _OneUser(urllib.request.HTTPPasswordMgr):
    """The same credentials for every realm and URL: they were given for this one server."""

    def __init__(self, user: str, password: str) -> None:
        super().__init__()
        self._credentials = (user, password)

    def find_user_password(self, realm: str | None, authuri: str) -> tuple[str, str]:  # type: ignore[override]
        return self._credentials


class LoadError(Exception):
    """Loading a release (or writing to the server) failed; the served graphs were left as they were.

    ``status``: the HTTP status the server answered, None when it did not answer at all.
    """

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def _first_lines(text: str) -> str:
    """What the server said went wrong: its first lines, without the request it echoes after them.

    >>> _first_lines("Virtuoso 37000 Error SP030: syntax error at '}'\\n\\nSPARQL query:\\nINSERT DATA { <a> <b>")
    "Virtuoso 37000 Error SP030: syntax error at '}'"
    """
    lines = []
    for line in text.splitlines():
        if line.startswith("SPARQL query:"):  # Virtuoso echoes the whole request from here on
            break
        if line.strip():
            lines.append(line.strip())
    return " ".join(lines[:3])[:400]


@dataclass
class GraphSource:
    """One graph to load: its name on the server and its N-Triples (bytes, or a file)."""

    graph: str
    ntriples: bytes | None = None
    path: Path | None = None

    def lines(self) -> Iterator[bytes]:
        if self.ntriples is not None:
            yield from self.ntriples.splitlines(keepends=True)
        else:
            assert self.path is not None
            with self.path.open("rb") as fh:
                yield from fh

    def write_to(self, target: Path) -> None:
        if self.ntriples is not None:
            target.write_bytes(self.ntriples)
        else:
            assert self.path is not None
            shutil.copyfile(self.path, target)


def sources_from_store(store_path: Path) -> list[GraphSource]:
    """Every named graph of a built embedded store, as N-Triples."""
    store = ox.Store.read_only(str(Path(store_path).resolve()))
    out = []
    for g in sorted(store.named_graphs(), key=lambda n: n.value):
        if isinstance(g, ox.NamedNode):
            out.append(GraphSource(g.value, store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g) or b""))
    return out


def _chunks(lines: Iterable[bytes], max_bytes: int, max_lines: int = 0) -> Iterator[tuple[bytes, int]]:
    """N-Triples in chunks of whole lines; every triple with a blank node goes in the last chunk.

    A blank node label is scoped to one request, so triples sharing ``_:b1`` must travel together.
    """
    buf: list[bytes] = []
    size = 0
    count = 0
    with_bnodes: list[bytes] = []
    for line in lines:
        stripped = line.strip()
        if not stripped or stripped.startswith(b"#"):
            continue
        if b"_:" in stripped and _has_bnode(stripped):
            with_bnodes.append(stripped + b"\n")
            continue
        buf.append(stripped + b"\n")
        size += len(stripped) + 1
        count += 1
        if size >= max_bytes or count == max_lines:
            yield b"".join(buf), count
            buf, size, count = [], 0, 0
    buf.extend(with_bnodes)
    if buf:
        yield b"".join(buf), count + len(with_bnodes)


def _has_bnode(line: bytes) -> bool:
    """True if an N-Triples line has a blank node term (not just ``_:`` inside a literal)."""
    text = re.sub(rb'"(?:[^"\\]|\\.)*"', b'""', line)
    text = re.sub(rb"<[^>]*>", b"<>", text)
    return b"_:" in text


Progress = Callable[[str], None]


def load_release(
    read: RemoteStore,
    write: WriteEndpoint,
    sources: Sequence[GraphSource],
    *,
    method: str = "auto",
    bulk: VirtuosoBulkLoader | None = None,
    chunk_bytes: int = 8_000_000,
    progress: Progress | None = None,
    atomic: bool = True,
) -> dict[str, int]:
    """Replace each source's graph on the server atomically; returns triples per graph.

    ``method``: ``gsp`` (Graph Store Protocol POST to the temporary graph), ``update``
    (SPARQL Update ``INSERT DATA``), ``bulk`` (Virtuoso's bulk loader via ``bulk``), or
    ``auto`` (bulk if given, else gsp if there is a Graph Store endpoint, else update).

    ``atomic=False`` drops each graph and loads straight into it: no swap transaction (whose
    size grows with the release: Virtuoso's limits on one transaction stop it near 10 million
    triples), but readers see the graph empty, then filling, while it loads.
    """
    say = progress or (lambda _m: None)
    if method == "auto":
        method = "bulk" if bulk else "gsp" if write.graph_store_url else "update"
    if method == "gsp" and not write.graph_store_url:
        raise LoadError("the gsp method needs a Graph Store Protocol endpoint (--graph-store URL)")
    if method == "bulk" and bulk is None:
        raise LoadError("the bulk method needs a Virtuoso SQL port (--isql HOST:PORT)")
    if not sources:
        raise LoadError("nothing to load")
    token = uuid.uuid4().hex[:12]
    temp = {s.graph: f"{LOADING_PREFIX}{token}:{i}" if atomic else s.graph for i, s in enumerate(sources)}
    write.prepare()
    counts: dict[str, int] = {}
    try:
        for src in sources:
            tmp = temp[src.graph]
            started = time.perf_counter()
            write.update(f"DROP SILENT GRAPH <{tmp}>")
            if method == "bulk":
                assert bulk is not None
                sent = bulk.load(src, tmp)
            else:
                sent = _send_chunks(write, src, tmp, method, chunk_bytes)
            held = _count(read, tmp)
            if held != sent:
                raise LoadError(
                    f"{src.graph}: sent {sent} triples but the server holds {held} in the "
                    "temporary graph (a source with duplicate lines would explain fewer)"
                )
            counts[src.graph] = held
            say(f"  {src.graph}: {held} triples staged by {method} in {time.perf_counter() - started:.1f}s")
        started = time.perf_counter()
        if not atomic:
            return _served_counts(read, counts)
        # one request: a server that runs an update request as one transaction (Virtuoso does)
        # swaps all graphs at once, and readers see the old release or the new one, never a mix
        try:
            write.update(" ;\n".join(f"MOVE <{temp[s.graph]}> TO <{s.graph}>" for s in sources))
        except LoadError as exc:
            hint = _swap_hint(str(exc))
            raise LoadError(
                f"the swap (MOVE) failed: {exc}. On a server that runs an update request as "
                f"one transaction the served graphs are unchanged; check them.{hint}"
            ) from None
        say(f"  swapped {len(sources)} graph(s) in {time.perf_counter() - started:.1f}s")
    except BaseException:
        for tmp in temp.values():
            if tmp.startswith(LOADING_PREFIX):
                try:
                    write.update(f"DROP SILENT GRAPH <{tmp}>")
                except Exception:  # noqa: BLE001 - best effort; the original error matters
                    pass
        raise
    finally:
        read.refresh()
    return _served_counts(read, counts)


def _swap_hint(message: str) -> str:
    """What to change on Virtuoso when the swap transaction fails, measured on the benchmark data
    (docs/benchmarks.md): both limits grow with the triples replaced."""
    if "SR325" in message:  # the transaction's log after-image outgrew its limit
        return (
            " Virtuoso keeps the whole swap in one transaction: raise TransactionAfterImageLimit in "
            "virtuoso.ini [Parameters] (default 50 MB; 400 MB was enough to replace 1.1 million "
            "triples, 2 GB for 13.7 million)."
        )
    if "SR171" in message:  # the transaction ran past the server's time limit
        return (
            " Virtuoso ran out of time for the swap transaction: raise [SPARQL] MaxQueryExecutionTime "
            "(it bounds updates too) and give the server NumberOfBuffers for the graphs being replaced: "
            "replacing 13.7 million triples took 219 s with 1,000,000 buffers (8 GB); with 250,000 "
            "(2 GB) replacing 11 million ran past a 30-minute limit."
        )
    return ""


def _served_counts(read: RemoteStore, counts: dict[str, int]) -> dict[str, int]:
    for graph, staged in counts.items():
        held = _count(read, graph)
        if held != staged:
            raise LoadError(f"{graph}: {staged} triples were staged but {held} are served")
    return counts


def _send_chunks(write: WriteEndpoint, src: GraphSource, tmp: str, method: str, chunk_bytes: int) -> int:
    sent = 0
    max_lines = 0 if method == "gsp" else UPDATE_CHUNK_TRIPLES
    for chunk, n in _chunks(src.lines(), chunk_bytes, max_lines):
        if method == "gsp":
            assert write.graph_store_url is not None
            sep = "&" if "?" in write.graph_store_url else "?"
            url = f"{write.graph_store_url}{sep}graph={urllib.parse.quote(tmp, safe='')}"
            write.request(url, body=chunk, headers={"Content-Type": "application/n-triples"})
        else:
            write.update(f"INSERT DATA {{ GRAPH <{tmp}> {{\n{chunk.decode('utf-8')}}} }}")
        sent += n
    return sent


def _count(read: RemoteStore, graph: str) -> int:
    rows = read._select_json(STORE_QUERIES.graph_size.bind(graph=Iri(graph)), dataset=False)
    return int(rows[0]["n"]) if rows else 0


# ====================================================================== Virtuoso's bulk loader


class VirtuosoBulkLoader:
    """Virtuoso's documented fast path: ``ld_dir`` + ``rdf_loader_run`` over its SQL port (isql).

    The server reads the files itself, so ``server_dir`` must be a folder the server can read and
    that its ``DirsAllowed`` lists, on the same machine or a shared disk (``local_dir`` is where
    this process writes it, if the paths differ).
    """

    def __init__(
        self,
        isql_address: str,
        user: str,
        password: str,
        server_dir: Path,
        local_dir: Path | None = None,
        isql: str | None = None,
    ) -> None:
        self.address = isql_address
        self.user = user
        self.password = password
        self.server_dir = Path(server_dir)
        self.local_dir = Path(local_dir or server_dir)
        self.isql = isql or shutil.which("isql-vt") or shutil.which("isql") or "isql-vt"

    def sql(self, statements: str) -> str:
        """Run SQL statements through isql; raise LoadError on any SQL error."""
        with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False, encoding="utf-8") as fh:
            fh.write(statements)
            script = fh.name
        try:
            done = subprocess.run(
                [
                    self.isql,
                    self.address,
                    self.user,
                    self.password,
                    "VERBOSE=OFF",
                    "BANNER=OFF",
                    "PROMPT=OFF",
                    "ECHO=OFF",
                    "ERRORS=STDOUT",
                    script,
                ],
                capture_output=True,
                text=True,
                timeout=3600,
                check=False,
            )
        except FileNotFoundError:
            raise LoadError(f"isql not found ({self.isql}); install virtuoso-opensource or use --method gsp") from None
        finally:
            os.unlink(script)
        out = done.stdout + done.stderr
        if done.returncode != 0 or re.search(r"^\*\*\* Error", out, re.MULTILINE):
            raise LoadError(f"Virtuoso SQL failed: {_first_lines(out)}")
        return out

    def load(self, src: GraphSource, graph: str) -> int:
        """Load one source into ``graph``; returns the number of triples in the file."""
        self.local_dir.mkdir(parents=True, exist_ok=True)
        name = f"occugraph-{uuid.uuid4().hex[:8]}.nt"
        local = self.local_dir / name
        src.write_to(local)
        triples = 0
        with local.open("rb") as fh:
            for line in fh:
                stripped = line.strip()
                if stripped and not stripped.startswith(b"#"):
                    triples += 1
        try:
            out = self.sql(
                f"ld_dir('{self.server_dir}', '{name}', '{graph}');\n"
                "rdf_loader_run();\n"
                "checkpoint;\n"
                f"SELECT 'LOADERR', ll_error FROM DB.DBA.LOAD_LIST WHERE ll_file LIKE '%{name}' "
                "AND ll_error IS NOT NULL;\n"
                f"DELETE FROM DB.DBA.LOAD_LIST WHERE ll_file LIKE '%{name}';\n"
            )
            if "LOADERR" in out.replace("'LOADERR'", ""):
                raise LoadError(f"Virtuoso's bulk loader rejected {src.graph}: {_first_lines(out)}")
        finally:
            local.unlink(missing_ok=True)
        return triples

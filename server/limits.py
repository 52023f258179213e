"""What keeps the public endpoint safe: its configuration, per-client rate limits, clean errors.

Every key below can be set in ``create_app(test_config)`` or, for ``occugraph serve``, through
the environment as ``OCCUGRAPH_<KEY>`` (e.g. ``OCCUGRAPH_QUERY_TIMEOUT=2``). Test config wins
over the environment, the environment over the defaults.

>>> bucket = TokenBuckets()
>>> [bucket.hit("1.2.3.4", "sparql", per_minute=2, now=0.0) for _ in range(3)]
[0.0, 0.0, 30.0]
>>> bucket.hit("1.2.3.4", "sparql", per_minute=2, now=30.0)
0.0
>>> scrub("no store at /work/main/var/store/x; see <https://w3id.org/occugraph/id/a>")
'no store at <path>; see <https://w3id.org/occugraph/id/a>'
"""

from __future__ import annotations

import math
import os
import re
import threading
import time
from typing import Any

from flask import Flask, Response, current_app, request

# key -> (default, type); the types say how an environment value is read
DEFAULTS: dict[str, tuple[Any, type]] = {
    # seconds a SPARQL query may run before its worker process is killed (503 to the client)
    "QUERY_TIMEOUT": (5.0, float),
    # worker processes that run SPARQL queries, in each app worker (default: default_query_workers,
    # the machine's CPUs shared between the app workers); 0 runs them in the request thread, without
    # a time limit or a sandbox (debugging only)
    "QUERY_WORKERS": (-1, int),
    # server processes (app workers) on this machine, each with its own query workers: ``occugraph
    # serve --workers N`` sets it (OCCUGRAPH_APP_WORKERS) so that the query workers are counted in all
    "APP_WORKERS": (1, int),
    # fairness between clients (server/fairness.py): queries one client may have running at once
    # (0: half the workers), query-seconds per minute per client (0: no budget), workers kept free
    # for light clients, and what "heavy" is: query-seconds used in the last minute
    "SPARQL_CLIENT_CONCURRENCY": (0, int),
    "SPARQL_CLIENT_SECONDS_PER_MINUTE": (30.0, float),
    "SPARQL_RESERVED_WORKERS": (1, int),
    "SPARQL_HEAVY_SECONDS": (2.0, float),
    # seconds a query may wait for a free worker before the server answers 503 (busy)
    "QUERY_QUEUE_TIMEOUT": (5.0, float),
    # bytes of /sparql answers kept per app worker for repeated queries of the same store
    # generation (server/answer_cache.py); 0 keeps none
    "SPARQL_ANSWER_CACHE_BYTES": (8_000_000, int),
    # bytes of rendered occupation pages and of linked-data documents converted to JSON-LD or
    # RDF/XML kept per app worker for the store generation (server/resources.py kept); 0 keeps none
    "PAGE_CACHE_BYTES": (8_000_000, int),
    # longest query text accepted, in characters (400 beyond)
    "MAX_QUERY_CHARS": (20_000, int),
    # most result rows (SELECT solutions or CONSTRUCT/DESCRIBE triples) returned; the rest is cut
    "MAX_RESULT_ROWS": (10_000, int),
    # requests per minute per client address; 0 turns the limit off. SPARQL has its own budget.
    "RATE_LIMIT_PER_MINUTE": (600, int),
    "SPARQL_RATE_LIMIT_PER_MINUTE": (120, int),
    # how many reverse proxies in front of the server set X-Forwarded-For (0: use the peer address)
    "PROXY_HOPS": (0, int),
    # SPARQL Update at /sparql/update: off unless turned on, and then only with a token
    "UPDATE_ENABLED": (False, bool),
    # "name:token,name2:token2"; the name is what the audit log records as who made a change
    "UPDATE_TOKENS": ("", str),
    "UPDATE_TIMEOUT": (30.0, float),
    "UPDATE_AUDIT_LOG": ("", str),  # default var/audit/sparql-update.jsonl
    # when the store is a SPARQL server (ENDPOINT): its SPARQL Update endpoint (Virtuoso: .../sparql-auth),
    # the user for its HTTP basic/digest authentication, and the password (OCCUGRAPH_ENDPOINT_PASSWORD, as
    # for `occugraph load`, or a file holding it); without the URL, /sparql/update answers 501
    "ENDPOINT_UPDATE_URL": ("", str),
    "ENDPOINT_USER": ("", str),
    "ENDPOINT_PASSWORD": ("", str),
    "ENDPOINT_PASSWORD_FILE": ("", str),
    # where the current build's dumps are (dist/)
    "DIST_DIR": ("", str),
    # the public base of this server, used in the service description, VoID and as the BASE of queries;
    # default https://w3id.org/occugraph (``occugraph serve`` sets http://HOST:PORT); never the Host header
    "PUBLIC_BASE_URL": ("", str),
    # saved curriculum mappings (POST /api/curricula save=true): bytes one client may save per window
    # (429 beyond), total bytes kept (507 beyond), days kept, free disk space always left (507)
    "CURRICULA_CLIENT_BYTES": (2_000_000, int),
    "CURRICULA_CLIENT_WINDOW": (3600.0, float),
    "CURRICULA_TOTAL_BYTES": (500_000_000, int),
    "CURRICULA_TTL_DAYS": (90.0, float),
    "CURRICULA_MIN_FREE_BYTES": (200_000_000, int),
    # largest request body in bytes (Flask answers 413 beyond)
    "MAX_CONTENT_LENGTH": (1_000_000, int),
}

_TRUE = {"1", "true", "yes", "on"}


def cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 2


def default_query_workers(cpus: int, app_workers: int = 1) -> int:
    """Query workers for one app worker: one per CPU (2 to 8) for the whole server, shared between
    its app workers, and never fewer than 2 in an app worker.

    Each app worker has its own pool and its own fairness gate (server/fairness.py), so the floor
    of 2 is what keeps issue 20's guarantees in every one of them: SPARQL_RESERVED_WORKERS keeps
    one worker free for light clients only when there is another for the heavy one (a pool of 1
    has nothing to reserve), and a client's concurrency limit (half the workers) is at least 1.
    Before, each app worker started one per CPU: ``--workers 4`` on 8 CPUs ran 32 query workers.

    >>> default_query_workers(2), default_query_workers(2, 2), default_query_workers(8, 4), default_query_workers(16, 1)
    (2, 2, 2, 8)
    >>> default_query_workers(8, 2), default_query_workers(8, 3)
    (4, 2)
    """
    return max(2, min(8, cpus) // max(1, app_workers))


def _from_env(key: str, kind: type) -> Any:
    raw = os.environ.get(f"OCCUGRAPH_{key}")
    if raw is None:
        return None
    if kind is bool:
        return raw.strip().lower() in _TRUE
    return kind(raw)


def init_app(app: Flask, explicit: dict[str, Any] | None = None) -> None:
    """Fill in the safety settings and install the rate limiter and response headers.

    ``explicit`` holds the keys the caller set in test_config; those are kept as given. In
    TESTING mode the rate limits are off unless a test sets them, so a test session's hundreds
    of requests from one address are not throttled.
    """
    explicit = explicit or {}
    for key, (default, kind) in DEFAULTS.items():
        if key in explicit:
            continue
        env = _from_env(key, kind)
        if env is not None:
            app.config[key] = env
        elif key == "MAX_CONTENT_LENGTH" and app.config.get(key):
            continue
        else:
            app.config[key] = default
    if app.config["QUERY_WORKERS"] < 0:
        app.config["QUERY_WORKERS"] = default_query_workers(cpu_count(), app.config["APP_WORKERS"])
    if app.config.get("TESTING"):
        # a test session's requests all come from one address: no per-client limits unless asked for
        for key in ("RATE_LIMIT_PER_MINUTE", "SPARQL_RATE_LIMIT_PER_MINUTE", "SPARQL_CLIENT_SECONDS_PER_MINUTE"):
            if key not in explicit:
                app.config[key] = 0
        if "SPARQL_CLIENT_CONCURRENCY" not in explicit:
            app.config["SPARQL_CLIENT_CONCURRENCY"] = app.config["QUERY_WORKERS"]
        if "SPARQL_RESERVED_WORKERS" not in explicit:
            app.config["SPARQL_RESERVED_WORKERS"] = 0
    if app.config["PROXY_HOPS"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_HOPS"])  # type: ignore[method-assign]
    app.extensions["occugraph-rate"] = TokenBuckets()
    app.before_request(_rate_limit)
    app.after_request(_safety_headers)


class TokenBuckets:
    """Per-client token buckets: ``per_minute`` requests, refilled continuously.

    ``hit`` takes one token and returns 0, or returns the seconds until a token is back.
    """

    MAX_CLIENTS = 50_000

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._buckets: dict[tuple[str, str], tuple[float, float]] = {}  # -> (tokens, last time)

    def hit(self, client: str, scope: str, per_minute: int, now: float | None = None) -> float:
        now = time.monotonic() if now is None else now
        rate = per_minute / 60.0
        key = (client, scope)
        with self._lock:
            tokens, last = self._buckets.get(key, (float(per_minute), now))
            tokens = min(float(per_minute), tokens + (now - last) * rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            if len(self._buckets) > self.MAX_CLIENTS:
                self._prune(now)
            return (1.0 - tokens) / rate

    def _prune(self, now: float) -> None:
        # drop clients idle long enough to be full again: forgetting them changes nothing
        self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < 60.0}


def client_address() -> str:
    return request.remote_addr or "unknown"


def _rate_limit() -> Response | None:
    if request.endpoint == "static" or request.path.startswith("/static/"):
        return None
    sparql = request.path.startswith("/sparql")
    key = "SPARQL_RATE_LIMIT_PER_MINUTE" if sparql else "RATE_LIMIT_PER_MINUTE"
    per_minute = int(current_app.config.get(key) or 0)
    if per_minute <= 0:
        return None
    wait = current_app.extensions["occugraph-rate"].hit(client_address(), "sparql" if sparql else "all", per_minute)
    if not wait:
        return None
    retry = max(1, math.ceil(wait))
    from server.api_errors import error

    resp = error(
        429,
        f"too many requests from {client_address()}: the limit is {per_minute} per minute"
        f"{' for SPARQL' if sparql else ''}; retry after {retry} s",
    )
    resp.headers["Retry-After"] = str(retry)
    return resp


def _safety_headers(resp: Response) -> Response:
    resp.headers.setdefault("X-Content-Type-Options", "nosniff")
    resp.headers.setdefault("Referrer-Policy", "same-origin")
    return resp


# an absolute file path (two or more segments) not inside an IRI: "/a/b" but not "http://x/a/b"
_PATH = re.compile(r"(?<![\w:/.<>%-])(?:/[\w.@+-]+){2,}/?")


def scrub(message: str) -> str:
    """A message with local file paths replaced, so that no response shows the server's layout."""
    return _PATH.sub("<path>", message)


_POOL_LOCK = threading.Lock()


def limited_store():  # type: ignore[no-untyped-def]
    """The store for /sparql: queries go to killable worker processes when the store is on disk.

    The pool follows the store generation: when a new generation is current (an update, a build
    swap), its workers are replaced as they come free, so they reopen the store.
    """
    from server.fairness import FairGate
    from server.query_worker import LimitedStore, WorkerPool, store_path_of
    from server.resources import generation

    gen = generation()
    store = gen.store
    cfg = current_app.config
    pool = None
    path = store_path_of(store)
    if path and cfg["QUERY_WORKERS"] > 0:
        ext = current_app.extensions
        with _POOL_LOCK:
            pool = ext.get("occugraph-pool")
            if pool is None or pool.store_path != path:
                if pool is not None:
                    pool.close()
                workers = cfg["QUERY_WORKERS"]
                gate = FairGate(
                    workers=workers,
                    per_client=cfg["SPARQL_CLIENT_CONCURRENCY"] or max(1, workers // 2),
                    reserve=cfg["SPARQL_RESERVED_WORKERS"],
                    heavy_seconds=cfg["SPARQL_HEAVY_SECONDS"],
                    seconds_per_minute=cfg["SPARQL_CLIENT_SECONDS_PER_MINUTE"],
                )
                pool = ext["occugraph-pool"] = WorkerPool(path, workers, gate, cfg["SPARQL_ANSWER_CACHE_BYTES"])
                ext["occugraph-pool-generation"] = gen.number
            elif ext.get("occugraph-pool-generation", gen.number) < gen.number:
                pool.recycle()
                ext["occugraph-pool-generation"] = gen.number
    return LimitedStore(
        store,
        pool,
        max_rows=cfg["MAX_RESULT_ROWS"],
        timeout=cfg["QUERY_TIMEOUT"],
        queue_timeout=cfg["QUERY_QUEUE_TIMEOUT"],
        client=client_address(),
    )

"""SPARQL 1.1 Update at /sparql/update: off by default; when on, token-protected, atomic, audited.

Turn it on with ``UPDATE_ENABLED`` and give tokens as ``UPDATE_TOKENS = "name:token,..."`` (or
the environment variables OCCUGRAPH_UPDATE_ENABLED=1, OCCUGRAPH_UPDATE_TOKENS). A request sends
``Authorization: Bearer <token>``; the token's name is who the audit log says made the change.

The update runs in its own process against the on-disk store as one transaction (pyoxigraph
applies an update all or nothing) with ``UPDATE_TIMEOUT``; a killed update commits nothing.
Afterwards the query workers and the server's read handle reopen the store, so the change is
visible at once. LOAD (which would read URLs or files) and SERVICE are refused.

Each attempt, applied or refused, is one JSON line in ``UPDATE_AUDIT_LOG`` (default
var/audit/sparql-update.jsonl): time, who, client address, the update text and its SHA-256,
outcome, quads before and after. Tokens themselves are never written.

A change made here lives in the store until the next ``occugraph build`` replaces it; edit
standards/ for lasting changes. The audit log is how such changes are found again.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qsl

from flask import Blueprint, Response, current_app, request

from graph.core.paths import project_root
from graph.store.embedded import EmbeddedStore
from graph.store.guard import _tokens, find_service
from graph.store.remote import LoadError, RemoteStore, WriteEndpoint, apply_update
from server.limits import client_address, scrub
from server.query_worker import QueryTimeout, WorkerFailed, run_update, store_path_of
from server.resources import get_store, reopen
from server.sparql_protocol import error_response

bp = Blueprint("update", __name__)
log = logging.getLogger(__name__)
_UPDATE_LOCK = threading.Lock()


def parse_tokens(raw: object) -> dict[str, str]:
    """token -> name, from "name:token,name2:token2" or a {name: token} mapping; tokens under 8
    characters are ignored (too easy to guess).

    >>> parse_tokens("alice:s3cret-token, bob:other-token, eve:short")
    {'s3cret-token': 'alice', 'other-token': 'bob'}
    """
    pairs: list[tuple[str, str]] = []
    if isinstance(raw, dict):
        pairs = [(str(k), str(v)) for k, v in raw.items()]
    elif isinstance(raw, str):
        for part in raw.split(","):
            name, sep, token = part.strip().partition(":")
            if sep and token.strip():
                pairs.append((name.strip(), token.strip()))
    return {token: name for name, token in pairs if len(token) >= 8}


def who_is(header: str, tokens: dict[str, str]) -> str | None:
    """The token's name if the Authorization header carries a known bearer token."""
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        return None
    found = None
    for token, name in tokens.items():  # compare with every token, in constant time each
        if hmac.compare_digest(token.encode(), given.strip().encode()):
            found = name
    return found


def refused_keyword(update: str) -> str | None:
    """LOAD and SERVICE would make the server read URLs or files on the caller's behalf."""
    if find_service(update):
        return "SERVICE"
    for kind, value in _tokens(update):
        if kind == "word" and value.upper() == "LOAD":
            return "LOAD"
    return None


def audit_path() -> Path:
    return Path(current_app.config.get("UPDATE_AUDIT_LOG") or project_root() / "var" / "audit" / "sparql-update.jsonl")


def audit(outcome: str, who: str | None, update: str | None, **extra: object) -> None:
    entry = {
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "outcome": outcome,
        "who": who,
        "client": client_address(),
        "user_agent": request.headers.get("User-Agent", ""),
        "update_sha256": hashlib.sha256(update.encode()).hexdigest() if update is not None else None,
        "update": update,
        **extra,
    }
    path = audit_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")


def _error(status: int, message: str, **headers: str) -> Response:
    resp = error_response(status, message, request.headers.get("Accept", "*/*"))
    return Response(resp.body, status, {**resp.headers, **headers})


def _extract_update() -> str:
    media = request.headers.get("Content-Type", "").split(";")[0].strip().lower()
    raw = request.get_data(cache=False)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("the request is not valid UTF-8") from None
    if media == "application/sparql-update":
        return text
    if media == "application/x-www-form-urlencoded":
        updates = [v for k, v in parse_qsl(text, keep_blank_values=True) if k == "update"]
        if len(updates) != 1:
            raise ValueError(f"exactly one 'update' parameter is needed, got {len(updates)}")
        return updates[0]
    raise LookupError("POST the update as application/sparql-update or as the form field 'update'")


@bp.route("/sparql/update", methods=["GET", "POST"])
def update() -> Response:
    cfg = current_app.config
    if not cfg.get("UPDATE_ENABLED"):
        return _error(
            403,
            "SPARQL Update is turned off on this server (the operator can turn it on with "
            "UPDATE_ENABLED and a token); /sparql answers queries",
        )
    if request.method != "POST":
        return _error(405, "SPARQL Update is only accepted by POST", Allow="POST")
    tokens = parse_tokens(cfg.get("UPDATE_TOKENS"))
    who = who_is(request.headers.get("Authorization", ""), tokens)
    if who is None:
        audit("refused: no valid token", None, None)
        return _error(
            401,
            "SPARQL Update needs a valid token: send 'Authorization: Bearer <token>'",
            **{"WWW-Authenticate": 'Bearer realm="occugraph-update"'},
        )
    try:
        text = _extract_update()
    except LookupError as exc:
        return _error(415, str(exc))
    except ValueError as exc:
        return _error(400, str(exc))
    if len(text) > cfg["MAX_QUERY_CHARS"]:
        audit("refused: too long", who, text[:200] + "…")
        return _error(400, f"update is {len(text)} characters; the limit is {cfg['MAX_QUERY_CHARS']}")
    keyword = refused_keyword(text)
    if keyword:
        audit(f"refused: {keyword}", who, text)
        return _error(
            400, f"{keyword} is refused: the server never reads URLs, files or other endpoints on a request's behalf"
        )
    store = get_store()
    path = store_path_of(store)
    writer = _remote_writer(store)
    if path is None and writer is None:
        return _error(
            501,
            "this server's store cannot be updated (neither an on-disk embedded store nor a SPARQL "
            "endpoint with ENDPOINT_UPDATE_URL)",
        )
    started = time.monotonic()
    with _UPDATE_LOCK:
        try:
            if writer is not None:
                before, after = _remote_update(store, writer, text)
            else:
                before, after = run_update(path, text, float(cfg["UPDATE_TIMEOUT"]))  # type: ignore[arg-type]
        except SyntaxError as exc:
            audit("failed: syntax", who, text, message=scrub(str(exc)))
            return _error(400, f"update syntax error: {scrub(str(exc))}")
        except (QueryTimeout, WorkerFailed) as exc:
            audit("failed: stopped", who, text, message=str(exc))
            return _error(503, str(exc))
        except (OSError, ValueError, RuntimeError) as exc:
            audit("failed", who, text, message=scrub(str(exc)))
            return _error(400, f"update failed, nothing was changed: {scrub(str(exc))}")
        reopen(EmbeddedStore(Path(path)) if writer is None else None)  # a new store generation: see below
    elapsed = round((time.monotonic() - started) * 1000)
    audit("applied", who, text, quads_before=before, quads_after=after, duration_ms=elapsed)
    log.info("SPARQL update by %s: %d -> %d quads", who, before, after)
    body = json.dumps(
        {"status": "applied", "who": who, "quads_before": before, "quads_after": after}, ensure_ascii=False
    ).encode()
    return Response(body, 200, {"Content-Type": "application/json; charset=utf-8"})


# After an update the server starts a new store generation (server/resources.py): a new read handle
# (or RemoteStore) and everything derived from it, built afresh on first use; the query workers
# follow it. Requests already running finish on the generation they started with.


def _remote_writer(store: object) -> WriteEndpoint | None:
    """Where updates go when the store is a SPARQL endpoint and ENDPOINT_UPDATE_URL is set."""
    cfg = current_app.config
    if not isinstance(store, RemoteStore) or not cfg.get("ENDPOINT_UPDATE_URL"):
        return None
    password = cfg.get("ENDPOINT_PASSWORD") or os.environ.get("OCCUGRAPH_ENDPOINT_PASSWORD") or None
    return WriteEndpoint(
        cfg["ENDPOINT_UPDATE_URL"], user=cfg.get("ENDPOINT_USER") or None, password=password, timeout=60.0
    )


def _remote_update(store: RemoteStore, writer: WriteEndpoint, text: str) -> tuple[int, int]:
    """The update on the SPARQL server; its refusal is the client's 400 (the server's words), its
    absence a 503."""
    try:
        return apply_update(store, writer, text)
    except LoadError as exc:
        message = str(exc)
        if " answered 4" in message:
            raise ValueError(f"the SPARQL server refused the update: {message.split(': ', 1)[-1]}") from None
        raise WorkerFailed(f"the SPARQL server did not apply the update: {message}") from None

"""SPARQL 1.1 Update at /sparql/update: off by default; when on, token-protected, atomic, audited.

Turn it on with ``UPDATE_ENABLED`` and give tokens as ``UPDATE_TOKENS = "name:token,..."`` (or
the environment variables OCCUGRAPH_UPDATE_ENABLED=1, OCCUGRAPH_UPDATE_TOKENS). A request sends
``Authorization: Bearer <token>``; the token's name is who the audit log says made the change.

The update runs in its own process against the on-disk store as one transaction (pyoxigraph
applies an update all or nothing) with ``UPDATE_TIMEOUT``; a killed update commits nothing.
Afterwards the query workers and the server's read handle reopen the store, so the change is
visible at once. LOAD (which would read URLs or files), SERVICE and USING a graph the store
does not hold are refused (graph.store.guard, in the update process, which cannot open a network
socket: server.sandbox).

Each attempt, applied or refused, is one JSON line in ``UPDATE_AUDIT_LOG`` (default
var/audit/sparql-update.jsonl): time, who, client address, the update text and its SHA-256,
outcome, quads before and after. Tokens themselves are never written.

On a SPARQL server (``ENDPOINT``) there is no store file to open: when the operator names the
server's update endpoint (``ENDPOINT_UPDATE_URL``, with ``ENDPOINT_USER`` and the password from
the environment's OCCUGRAPH_ENDPOINT_PASSWORD or the file ``ENDPOINT_PASSWORD_FILE``, never a
command-line argument), the update is checked by the same guard in this process (there is no
sandboxed process on this path, so the server is never even asked to LOAD), forwarded with the
same mark in the same request (graph.store.remote.send_update), audited alike, and the store
generation is replaced. Without an update endpoint the answer is 501.

A change made here lives in the store until the next ``occugraph build`` (or ``occugraph load``)
replaces it; edit standards/ for lasting changes. The audit log is how such changes are found again.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qsl

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request

from graph.core.faults import checkpoint
from graph.core.paths import project_root
from graph.store import guard
from graph.store.embedded import EmbeddedStore
from graph.store.guard import Refused
from graph.store.mark import last_update_id
from graph.store.remote import LoadError, RemoteQueryError, RemoteStore, StoreUnavailable, WriteEndpoint, send_update
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


def audit_path() -> Path:
    return Path(current_app.config.get("UPDATE_AUDIT_LOG") or project_root() / "var" / "audit" / "sparql-update.jsonl")


def audit(outcome: str, who: str | None, update: str | None, **extra: object) -> None:
    _append(
        audit_path(),
        {
            "time": datetime.now(UTC).isoformat(timespec="seconds"),
            "outcome": outcome,
            "who": who,
            "client": client_address(),
            "user_agent": request.headers.get("User-Agent", ""),
            "update_sha256": hashlib.sha256(update.encode()).hexdigest() if update is not None else None,
            "update": update,
            **extra,
        },
    )


def _append(path: Path, entry: dict[str, object]) -> None:
    """One line, on disk (fsync) before this returns: the log is written ahead of the answer."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+b") as fh:
        fh.seek(0, os.SEEK_END)
        if fh.tell():
            fh.seek(-1, os.SEEK_END)
            if fh.read(1) != b"\n":  # a line torn by a crash: start on a fresh line
                fh.write(b"\n")
        fh.write(json.dumps(entry, ensure_ascii=False, sort_keys=True).encode() + b"\n")
        fh.flush()
        os.fsync(fh.fileno())


RECOVERED_APPLIED = "applied (recovered after a crash)"
RECOVERED_NOT_APPLIED = "not applied (recovered after a crash)"


def recover(log_path: Path, store: str | Callable[[], str | None]) -> list[str]:
    """Resolve the "pending" lines a crash left: applied if the store's mark names the update
    (written in the update's own transaction), else not applied. Returns the outcomes written.

    ``store``: the embedded store's folder, or a function that reads the mark (a remote store's);
    the mark is read only when a line is pending."""
    if not log_path.exists():
        return []
    pending: dict[str, dict[str, object]] = {}
    for line in log_path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # a line torn by a crash
        uid = entry.get("id") if isinstance(entry, dict) else None
        if not uid:
            continue
        if entry.get("outcome") == "pending":
            pending[uid] = entry
        else:
            pending.pop(uid, None)
    if not pending:
        return []
    mark = store() if callable(store) else last_update_id(ox.Store.read_only(os.path.realpath(store)))
    written = []
    for uid, entry in pending.items():
        outcome = RECOVERED_APPLIED if uid == mark else RECOVERED_NOT_APPLIED
        _append(log_path, {**entry, "time": datetime.now(UTC).isoformat(timespec="seconds"), "outcome": outcome})
        log.warning("SPARQL update %s left pending by a crash: %s", uid, outcome)
        written.append(outcome)
    return written


@contextlib.contextmanager
def _one_update_at_a_time(log_path: Path) -> Iterator[None]:
    """Across threads and server processes: updates and the recovery of the log run one at a time."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with _UPDATE_LOCK, log_path.with_name(log_path.name + ".lock").open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@bp.before_app_request
def _recover_once() -> None:
    """A restarted server resolves what a crash left pending before it answers anything."""
    ext = current_app.extensions
    if ext.get("occugraph-audit-recovered") or not current_app.config.get("UPDATE_ENABLED"):
        return
    store = get_store()
    path = store_path_of(store)
    if path is not None:
        with _one_update_at_a_time(audit_path()):
            recover(audit_path(), path)
    elif isinstance(store, RemoteStore):
        try:
            with _one_update_at_a_time(audit_path()):
                recover(audit_path(), store.last_update_id)
        except (StoreUnavailable, RemoteQueryError) as exc:  # the server is down: ask again next request
            log.warning("cannot resolve pending SPARQL updates yet: %s", exc)
            return
    ext["occugraph-audit-recovered"] = True


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
    depth = guard.nesting_depth(text)
    if depth > guard.MAX_NESTING_DEPTH:
        audit("refused: nesting", who, text)
        return _error(400, f"the update nests groups {depth} deep; the limit is {guard.MAX_NESTING_DEPTH}")
    store = get_store()
    if isinstance(store, RemoteStore):
        return _update_remote(store, who, text)
    path = store_path_of(store)
    if path is None:
        return _error(501, "this server's store cannot be updated (it is not an on-disk embedded store)")
    started = time.monotonic()
    update_id = uuid.uuid4().hex
    with _one_update_at_a_time(audit_path()):
        recover(audit_path(), path)
        audit("pending", who, text, id=update_id)  # written ahead: a crash from here on is recovered
        checkpoint("update:logged")
        try:
            try:
                before, after = run_update(path, text, float(cfg["UPDATE_TIMEOUT"]), update_id)
            except Exception as exc:
                # an update process that opened the store writable may have compacted it (deleting
                # files the server's read handle still reads) even when it changed nothing: reopen.
                # One refused before it opened the store (store_opened False) left the files alone.
                if getattr(exc, "store_opened", True):
                    _reopen(path)
                raise
        except Refused as exc:  # LOAD, SERVICE, USING a graph not held: decided on the parsed update
            audit("refused: " + str(exc).split(" ", 1)[0], who, text, id=update_id, message=str(exc))
            return _error(400, str(exc))
        except SyntaxError as exc:
            audit("failed: syntax", who, text, id=update_id, message=scrub(str(exc)))
            return _error(400, f"update syntax error: {scrub(str(exc))}")
        except (QueryTimeout, WorkerFailed) as exc:
            # stopped from outside: it may have committed just before; the store's mark says
            if last_update_id(ox.Store.read_only(os.path.realpath(path))) != update_id:
                audit("failed: stopped", who, text, id=update_id, message=str(exc))
                return _error(503, f"{exc}; nothing was changed")
            before = after = -1  # committed, counts not reported by the stopped process
        except (OSError, ValueError, RuntimeError) as exc:
            audit("failed", who, text, id=update_id, message=scrub(str(exc)))
            return _error(400, f"update failed, nothing was changed: {scrub(str(exc))}")
        checkpoint("update:committed")
        elapsed = round((time.monotonic() - started) * 1000)
        counts = {"quads_before": before, "quads_after": after} if before >= 0 else {}
        audit("applied", who, text, id=update_id, duration_ms=elapsed, **counts)
        checkpoint("update:acknowledged")
        _reopen(path)
    return _applied(who, update_id, counts)


def _applied(who: str, update_id: str, counts: dict[str, int]) -> Response:
    log.info("SPARQL update %s by %s applied", update_id, who)
    body = json.dumps({"status": "applied", "who": who, "id": update_id, **counts}, ensure_ascii=False).encode()
    return Response(body, 200, {"Content-Type": "application/json; charset=utf-8"})


# ---------------------------------------------------------------- a SPARQL server's store


class NotConfigured(Exception):
    """The app reads from a SPARQL server but may not write to it (HTTP 501 with this message)."""


def write_endpoint() -> WriteEndpoint:
    """The SPARQL server's update endpoint as the operator configured it, made once per app.

    The password comes from ENDPOINT_PASSWORD (the environment's OCCUGRAPH_ENDPOINT_PASSWORD, the
    variable ``occugraph load`` reads too) or the file ENDPOINT_PASSWORD_FILE, never from a
    command line, where other users of the machine could read it.
    """
    ext = current_app.extensions
    found = ext.get("occugraph-write-endpoint")
    if found is not None:
        return found  # type: ignore[no-any-return]
    cfg = current_app.config
    url = (cfg.get("ENDPOINT_UPDATE_URL") or "").strip()
    if not url:
        raise NotConfigured(
            "this server reads from a SPARQL endpoint and was not given one to write to: the operator sets "
            "ENDPOINT_UPDATE_URL (Virtuoso: http://HOST:8890/sparql-auth) with ENDPOINT_USER, and the password "
            "in OCCUGRAPH_ENDPOINT_PASSWORD or ENDPOINT_PASSWORD_FILE"
        )
    if not url.startswith(("http://", "https://")):
        raise NotConfigured("ENDPOINT_UPDATE_URL must be an http(s) URL; updates are off until it is")
    user = (cfg.get("ENDPOINT_USER") or "").strip() or None
    password = cfg.get("ENDPOINT_PASSWORD") or None
    if password is None and cfg.get("ENDPOINT_PASSWORD_FILE"):
        try:
            password = Path(cfg["ENDPOINT_PASSWORD_FILE"]).read_text(encoding="utf-8").strip()
        except OSError as exc:
            log.error("cannot read ENDPOINT_PASSWORD_FILE %s: %s", cfg["ENDPOINT_PASSWORD_FILE"], exc)
            raise NotConfigured(
                f"the password file ENDPOINT_PASSWORD_FILE cannot be read ({exc.strerror}); updates are off until then"
            ) from None
    if user and password is None:
        raise NotConfigured(
            "ENDPOINT_USER is set but no password: set OCCUGRAPH_ENDPOINT_PASSWORD or ENDPOINT_PASSWORD_FILE"
        )
    found = WriteEndpoint(url, None, user, password, timeout=float(cfg["UPDATE_TIMEOUT"]))
    ext["occugraph-write-endpoint"] = found
    return found


def _update_remote(store: RemoteStore, who: str, text: str) -> Response:
    """/sparql/update on a SPARQL server: guard, write-ahead audit, forward with the mark, new generation.

    The server's own answers become 400 (it refused the update: a syntax or data error), 502 (it
    failed, or refused our credentials) or 503 (it did not answer); never a traceback.
    """
    try:
        write = write_endpoint()
    except NotConfigured as exc:
        return _error(501, str(exc))
    started = time.monotonic()
    update_id = uuid.uuid4().hex
    with _one_update_at_a_time(audit_path()):
        try:
            recover(audit_path(), store.last_update_id)
        except (StoreUnavailable, RemoteQueryError) as exc:
            return _error(503, f"the SPARQL server is not available ({exc}); nothing was changed")
        audit("pending", who, text, id=update_id, endpoint=write.update_url)  # written ahead, as above
        checkpoint("update:logged")
        try:
            before, after = send_update(store, write, text, update_id)
        except Refused as exc:  # LOAD, SERVICE, USING a graph not held, server functions: nothing was sent
            audit("refused: " + str(exc).split(" ", 1)[0], who, text, id=update_id, message=str(exc))
            return _error(400, str(exc))
        except SyntaxError as exc:
            audit("failed: syntax", who, text, id=update_id, message=scrub(str(exc)))
            return _error(400, f"update syntax error: {scrub(str(exc))}")
        except StoreUnavailable as exc:  # reading the graphs or the counts
            audit("failed: unavailable", who, text, id=update_id, message=scrub(str(exc)))
            return _error(503, f"the SPARQL server is not available: {scrub(str(exc))}; nothing was changed")
        except RemoteQueryError as exc:
            audit("failed: server", who, text, id=update_id, message=scrub(str(exc)))
            return _error(502, f"the SPARQL server failed: {scrub(str(exc))}; nothing was changed")
        except LoadError as exc:
            answer = _write_failed(store, who, text, update_id, exc)
            if answer is not None:
                return answer
            before = after = -1  # the server applied it but its answer was lost: counts unknown
        checkpoint("update:committed")
        elapsed = round((time.monotonic() - started) * 1000)
        counts = {"quads_before": before, "quads_after": after} if before >= 0 else {}
        audit("applied", who, text, id=update_id, duration_ms=elapsed, **counts)
        checkpoint("update:acknowledged")
        reopen(store)  # a new generation on the same server: every derived object is built again
    return _applied(who, update_id, counts)


def _write_failed(store: RemoteStore, who: str, text: str, update_id: str, exc: LoadError) -> Response | None:
    """The answer to a write the server refused or did not answer; None if it applied it after all."""
    message = scrub(str(exc).split(": ", 1)[-1])  # without "POST <url> answered": the client knows the server
    if exc.status == 400:  # Virtuoso: syntax (SP030), undeclared prefix, no target graph (SP031), bad data
        audit("failed: refused by the server", who, text, id=update_id, message=message)
        return _error(400, f"the SPARQL server refused the update, nothing was changed: {message}")
    if exc.status is not None:
        audit(f"failed: server answered {exc.status}", who, text, id=update_id, message=message)
        return _error(502, f"the SPARQL server failed to apply the update (it answered {exc.status}): {message}")
    # no answer: it may have committed before the connection was lost; its mark says
    try:
        mark = store.last_update_id()
    except (StoreUnavailable, RemoteQueryError):
        # the server is down: the "pending" line stays, and is resolved against the mark when it is back
        return _error(
            503,
            f"the SPARQL server did not answer ({message}); whether the update was applied is settled from "
            "the server's own record when it answers again (see the audit log)",
        )
    if mark == update_id:
        return None
    audit("failed: no answer", who, text, id=update_id, message=message)
    return _error(503, f"the SPARQL server did not answer ({message}); nothing was changed")


def _reopen(path: str) -> None:
    """Make the change visible: a new store generation (read handle and everything derived from it,
    server/resources.py; the query workers follow it). Requests already running finish on the
    generation they started with."""
    reopen(EmbeddedStore(Path(path)))

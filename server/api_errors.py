"""One error path for every blueprint: raise ``ApiError``; one handler answers it.

JSON errors have one shape, ``{"error": message, "status": code, ...extra}``. A page for people
(outside /api/) that has a page of its own for the error (``page=(template, context)``) gets that
page with the same status instead. ``ApiError`` is a Werkzeug ``HTTPException``, so it can also be
raised while a URL is matched: the ``code`` URL converter below does that, which is how every route
with a classification code in its path answers a malformed code (400) and an unknown one (404 with
the nearest codes) in the same words.

SPARQL protocol errors (/sparql, /sparql/update) are not API errors: the protocol negotiates their
format (server/sparql_protocol.py).
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, jsonify, render_template, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import HTTPException
from werkzeug.routing import BaseConverter
from werkzeug.wrappers import Response

from graph.classification.queries import nearest_codes
from graph.core.codes import CODE_RE
from graph.core.errors import RequestError
from graph.store.sparql import StoreIncomplete


class ApiError(HTTPException):
    """A client error (or a server refusal) with a message; ``extra`` adds fields such as ``nearest_codes``."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        headers: dict[str, str] | None = None,
        page: tuple[str, dict[str, Any]] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.code = status
        self.status, self.message, self.extra = status, message, extra
        self.extra_headers = headers or {}
        self.page = page

    def as_response(self) -> Response:
        if self.page is not None and not request.path.startswith("/api/"):
            template, context = self.page
            resp = Response(render_template(template, **context), self.status, content_type="text/html; charset=utf-8")
        else:
            resp = jsonify(error=self.message, status=self.status, **self.extra)
            resp.status_code = self.status
        resp.headers.update(self.extra_headers)
        return resp


def error(status: int, message: str, **extra: Any) -> Response:
    """The JSON error response for a view that returns rather than raises (same shape as ApiError)."""
    return ApiError(status, message, **extra).as_response()


def check_code(code: str) -> str:
    """The code if it is in the classification of the current store generation, else an ApiError.

    A malformed code is a 400 that shows the pattern; an unknown one a 404 with the five nearest
    codes (and, on a page, the not-found page listing them).
    """
    if not CODE_RE.fullmatch(code):
        raise ApiError(
            400,
            f"{code!r} is not a classification code (expected N-NN-NN-NN, e.g. 4-04-05-05)",
            page=("not_found.html", {"code": code, "near": []}),
        )
    from server.resources import code_set, get_codes

    if code not in code_set():
        near = nearest_codes(code, get_codes())
        raise ApiError(
            404,
            f"no classification entry has code {code}",
            nearest_codes=near,
            page=("not_found.html", {"code": code, "near": near}),
        )
    return code


class ClassificationCodeConverter(BaseConverter):
    """``<code:name>`` in a route: a classification code that exists in the current store generation.

    The pattern takes any one path segment, so a malformed code reaches ``to_python`` and gets a
    400 with the expected pattern rather than a bare "no such route" 404.
    """

    regex = r"[^/]+"

    def to_python(self, value: str) -> str:
        from graph.store.remote import RemoteQueryError, StoreUnavailable

        try:
            return check_code(value)
        except (StoreUnavailable, RemoteQueryError) as exc:  # raised while matching: no error handler runs
            raise backend_error(exc) from None


def backend_error(exc: Exception) -> ApiError:
    """A remote store that is down (503, retry later) or that failed a query (502): the server's
    problem, not the client's. Also used while a URL is matched, where Flask's handlers do not run."""
    from graph.store.remote import StoreUnavailable

    if isinstance(exc, StoreUnavailable):
        return ApiError(503, f"the graph store is not available: {exc}", headers={"Retry-After": "10"})
    return ApiError(502, f"the graph store could not answer: {exc}")


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, except that a body nested too deeply for the parser (100,000 ``[``) is a
    malformed body (``ValueError``: 400 from ``request.get_json``), not a RecursionError (500)."""

    ensure_ascii = False

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("the JSON body nests arrays or objects too deeply") from None


def init_app(app: Flask) -> None:
    from graph.store.remote import RemoteQueryError, StoreUnavailable

    app.json = JSONProvider(app)
    app.url_map.converters["code"] = ClassificationCodeConverter
    app.register_error_handler(ApiError, lambda exc: exc.as_response())
    app.register_error_handler(RequestError, lambda exc: ApiError(exc.status, exc.message, **exc.extra).as_response())
    # a store without the matching settings the build stores with the graph (graph/store/settings.py):
    # the server's problem, not the client's; the message says how to fix it
    app.register_error_handler(StoreIncomplete, lambda exc: ApiError(503, str(exc)).as_response())

    # a remote store that is down or fails is the server's problem, not the client's: 503/502 (here,
    # not in server/resources.py, which this module imports: the two would import each other)
    @app.errorhandler(StoreUnavailable)
    @app.errorhandler(RemoteQueryError)
    def backend_failed(exc: Exception) -> Response:
        app.logger.error("SPARQL backend failed: %s", exc)
        return backend_error(exc).as_response()


INTEGER = re.compile(r"(-?[0-9]+)(?:\.0+)?")  # an integer query parameter as a JSON Schema integer is written


def int_arg(name: str, default: int | None, low: int, high: int) -> int | None:
    """An integer query parameter within [low, high]; ``default`` when absent or empty; else a 400."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    # ASCII digits only: int() would also take " 5", "+5", "5_0" and other scripts' digits, which the
    # API document (type: integer) does not allow; "10.0" is an integer to JSON Schema, so it is one here
    match = INTEGER.fullmatch(raw)
    if match is None:
        raise ApiError(400, f"{name} must be an integer, got {raw!r}")
    digits = match.group(1)
    # thousands of digits: out of range without converting them
    if len(digits.lstrip("-0")) > 18 or not low <= int(digits) <= high:
        raise ApiError(400, f"{name} must be between {low} and {high}, got {raw}")
    return int(digits)

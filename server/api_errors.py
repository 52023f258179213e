"""JSON errors for every API blueprint: one shape, ``{"error": message, "status": code, ...}``.

Blueprints either return ``error(...)`` or raise ``ApiError`` from deep inside a helper; the
app-wide handler (registered by ``init_app``) turns the exception into the same response.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify
from flask.json.provider import DefaultJSONProvider
from werkzeug.wrappers import Response


def error(status: int, message: str, **extra: object) -> Response:
    """A JSON error response; ``extra`` adds fields such as ``nearest_codes``."""
    resp = jsonify(error=message, status=status, **extra)
    resp.status_code = status
    return resp


class ApiError(Exception):
    """Raised where returning is awkward; answered as ``error(status, message, **extra)``."""

    def __init__(self, status: int, message: str, **extra: object) -> None:
        super().__init__(message)
        self.status, self.message, self.extra = status, message, extra


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
    app.json = JSONProvider(app)
    app.register_error_handler(ApiError, lambda exc: error(exc.status, exc.message, **exc.extra))

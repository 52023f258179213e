"""JSON errors for every API blueprint: one shape, ``{"error": message, "status": code, ...}``.

Blueprints either return ``error(...)`` or raise ``ApiError`` from deep inside a helper; the
app-wide handler (registered by ``init_app``) turns the exception into the same response.
"""

from __future__ import annotations

from flask import Flask, jsonify
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


def init_app(app: Flask) -> None:
    app.register_error_handler(ApiError, lambda exc: error(exc.status, exc.message, **exc.extra))

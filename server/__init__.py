"""The Flask app: an app factory, one blueprint per area, the store opened once per process."""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger(__name__)

# one blueprint per area, each in its own module exposing ``bp``
BLUEPRINT_MODULES = [
    "server.blueprints.sparql",
    "server.blueprints.api",
    "server.blueprints.pages",
    "server.blueprints.ld",
    "server.blueprints.update",
    "server.blueprints.downloads",
    "server.blueprints.browse",
    "server.blueprints.new_occupations",
    "server.blueprints.workflow",
    "server.blueprints.review",
    "server.blueprints.standards",
    "server.blueprints.schools",
    "server.blueprints.pathways",
    "server.openapi",
]


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app. ``test_config`` may carry STORE (a store object) or STORE_PATH."""
    # Flask is imported here, not with the package: the query worker processes (python -m
    # server.query_worker) import this package and need no Flask (issue 17, memory)
    from flask import Flask, jsonify, request
    from werkzeug.exceptions import HTTPException

    app = Flask(__name__)
    app.config.from_mapping(STORE_PATH=None, STORE=None, JSON_AS_ASCII=False)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    if test_config:
        app.config.update(test_config)

    from server import limits

    limits.init_app(app, test_config)  # time limit, caps, rate limits, update switch (server/limits.py)

    from server import api_errors, resources, ui

    resources.init_app(app)
    api_errors.init_app(app)
    ui.init_app(app)  # labels, navigation and ladder order shared by every page

    for name in BLUEPRINT_MODULES:
        app.register_blueprint(importlib.import_module(name).bp)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):  # type: ignore[no-untyped-def]
        resp = jsonify(error=exc.description, status=exc.code)
        resp.status_code = exc.code or 500
        # keep the headers the exception carries: Allow on 405 (RFC 9110 requires it), Retry-After
        for name, value in exc.get_headers():
            if name.lower() != "content-type":
                resp.headers[name] = value
        return resp

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):  # type: ignore[no-untyped-def]
        # never a stack trace or an internal path in a response; the log keeps the details
        log.exception("unhandled error on %s %s", request.method, request.path)
        return jsonify(error="internal error; the server log has the details", status=500), 500

    return app

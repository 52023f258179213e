"""Request bodies schemathesis cannot write by itself, for the API fuzzing (bench/api_fuzz.py,
tests/test_openapi.py): the document describes a SPARQL query sent as ``application/sparql-query``
and a curriculum sent as ``text/csv``, both plain text. Loaded by schemathesis' CLI through
``hooks`` in bench/schemathesis.toml, and imported by the test.
"""

from __future__ import annotations

from typing import Any

import schemathesis


@schemathesis.serializer("application/sparql-query", "text/csv")
def plain_text(ctx: Any, value: Any) -> bytes:
    """The body as UTF-8 text (a generated non-string becomes its text form, as a client would send it)."""
    if isinstance(value, bytes):
        return value
    return (value if isinstance(value, str) else str(value)).encode("utf-8", "surrogatepass")

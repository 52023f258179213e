"""What every ``occugraph`` subcommand shares: failing with a message, the store options, tables.

Exit codes: 0 success, 1 the command failed (message on stderr, file:line where it applies),
2 bad usage.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from graph.store import ENDPOINT_ENV, EmptyEndpoint
from graph.store import open_store as _open


def fail(message: str, code: int = 1) -> int:
    print(f"occugraph: {message}", file=sys.stderr)
    return code


def add_endpoint_argument(parser: argparse.ArgumentParser) -> None:
    """The ``--endpoint`` option, for any command that reads the graph."""
    parser.add_argument(
        "--endpoint",
        metavar="URL",
        default=os.environ.get(ENDPOINT_ENV) or None,
        help=f"read the graph from this SPARQL 1.1 query endpoint instead of the embedded store "
        f"(default: ${ENDPOINT_ENV} if set)",
    )


def add_store_arguments(parser: argparse.ArgumentParser) -> None:
    """``--store FOLDER`` and ``--endpoint URL``: where a command reads the graph from."""
    parser.add_argument("--store", type=Path, help="store folder (default var/store)")
    add_endpoint_argument(parser)


def open_store(path: Path | None = None, endpoint: str | None = None) -> Any:
    """The store a command reads (graph.store.open_store); exits 1 with a clear message if there is none."""
    from graph.store.embedded import StoreMissing
    from graph.store.remote import StoreUnavailable

    try:
        return _open(path, endpoint)
    except (StoreMissing, StoreUnavailable, EmptyEndpoint, ValueError) as exc:
        raise SystemExit(fail(str(exc))) from None


def render_table(results: dict) -> str:  # type: ignore[type-arg]
    """SPARQL JSON results as an aligned text table (CJK characters count double width)."""
    if "boolean" in results:
        return "true" if results["boolean"] else "false"
    names = results["head"]["vars"]
    rows = [[b.get(n, {}).get("value", "") for n in names] for b in results["results"]["bindings"]]

    def width(s: str) -> int:
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)

    widths = [max([width(n)] + [width(r[i]) for r in rows]) for i, n in enumerate(names)]

    def line(cells: list[str]) -> str:
        return "  ".join(c + " " * (w - width(c)) for c, w in zip(cells, widths, strict=True)).rstrip()

    out = [line(names), line(["-" * w for w in widths])] + [line(r) for r in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)

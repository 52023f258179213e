"""``occugraph namespace``: regenerate the OG terms (graph/core/og.py) from ontology/*.ttl."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "namespace",
        help="write graph/core/og.py (the OG terms) from the ontology",
        description="Write the OG namespace class (graph/core/og.py) from every term ontology/*.ttl declares. "
        "Run it after adding or renaming a term; --check only says whether the file is up to date.",
    )
    p.add_argument("--root", type=Path, help="project folder (default: this checkout)")
    p.add_argument("--check", action="store_true", help="exit 1 if graph/core/og.py is out of date; write nothing")
    p.set_defaults(func=cmd_namespace)


def cmd_namespace(args: argparse.Namespace) -> int:
    from graph.build.namespace import target, write

    path = target(args.root)
    if args.check:
        if write(args.root, check=True):
            return 0
        print(f"{path}: out of date with ontology/*.ttl; run `occugraph namespace`", file=sys.stderr)
        return 1
    write(args.root)
    print(f"wrote {path}", file=sys.stderr)
    return 0

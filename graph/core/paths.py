"""Where the project lives: the one place that knows the checkout's layout on disk."""

from __future__ import annotations

import os
from pathlib import Path

#: the checkout this package was imported from (graph/core/paths.py -> the project folder)
PACKAGE_ROOT = Path(__file__).resolve().parents[2]


def project_root() -> Path:
    """The project folder: $OCCUGRAPH_ROOT, else the checkout this package lives in, else cwd."""
    env = os.environ.get("OCCUGRAPH_ROOT")
    if env:
        return Path(env).resolve()
    if (PACKAGE_ROOT / "ontology").is_dir() and (PACKAGE_ROOT / "standards").is_dir():
        return PACKAGE_ROOT
    return Path.cwd()

"""The one version string of OccuGraph, for the package, the ontology and the release.

setup.cfg reads it (``version = attr: graph.core.version.VERSION``), ``graph.__version__`` is it
and the API document (/api/openapi.json) shows it. Everything else is derived from it here:

- the release name: ``VERSION = "2.0.0"`` is release ``v2`` (``"2.1.0"`` is ``v2.1``);
- the ontology header of a release: ``owl:versionInfo "2.0.0"`` and
  ``owl:versionIRI <https://w3id.org/occugraph/releases/v2/occugraph.ttl>``;
- the header of a build of the working tree, which is not a release: ``owl:versionInfo
  "2.0.0+<source digest>"`` (a PEP 440 local version: "built from these sources, after 2.0.0")
  and a version IRI under ``.../builds/<source digest>/``, so a dump always says what it is.

Nobody edits it by hand: ``occugraph release v3`` writes ``VERSION = "3.0.0"`` here (the way
bump tools do) once the release is written, so the package, the ontology and the release agree.
"""

from __future__ import annotations

import re
from pathlib import Path

VERSION = "1.0.0"

BASE = "https://w3id.org/occugraph/"
RELEASES = BASE + "releases/"
BUILDS = BASE + "builds/"
_NAME = re.compile(r"v(\d+)(?:\.(\d+))?(?:\.(\d+))?")


def release_name(version: str = VERSION) -> str:
    """
    >>> release_name("2.0.0"), release_name("2.1.0"), release_name("1.0.3")
    ('v2', 'v2.1', 'v1.0.3')
    """
    parts = version.split("+", 1)[0].split(".")
    while len(parts) > 1 and parts[-1] == "0":
        parts.pop()
    return "v" + ".".join(parts)


def package_version(name: str) -> str:
    """The VERSION a release name stands for; dates (``2026-06-01``) become ``2026.6.1``.

    >>> package_version("v2"), package_version("v2.1"), package_version("2026-06-01")
    ('2.0.0', '2.1.0', '2026.6.1')
    """
    m = _NAME.fullmatch(name)
    if m:
        return ".".join(p or "0" for p in m.groups())
    return ".".join(str(int(p)) for p in name.split("-"))


def version_iri(name: str) -> str:
    """The version IRI of release ``name`` (``v2``)."""
    return f"{RELEASES}{name}/occugraph.ttl"


def build_version(digest: str) -> tuple[str, str]:
    """(owl:versionInfo, owl:versionIRI) of a build of the working tree with this source digest."""
    return f"{VERSION}+{digest[:12]}", f"{BUILDS}{digest[:16]}/occugraph.ttl"


def write_version(module: Path, version: str) -> bool:
    """Set ``VERSION = "..."`` in this file of a checkout; False when there is no such file."""
    if not module.is_file():
        return False
    text = module.read_text(encoding="utf-8")
    new = re.sub(r'^VERSION = "[^"]*"$', f'VERSION = "{version}"', text, count=1, flags=re.M)
    if new != text:
        tmp = module.with_name(f".{module.name}.tmp")
        tmp.write_text(new, encoding="utf-8")
        tmp.replace(module)
    return True

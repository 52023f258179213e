"""The one version string of OccuGraph, for the package, the ontology and the release.

setup.cfg reads it (``version = attr: graph.core.version.VERSION``), ``graph.__version__`` is it
and the API document (/api/openapi.json) shows it. The ontology's ``owl:versionInfo`` and the
release's version are to come from here too (issue 19 wires the build and graph/workflow/release.py
to it; until then ontology/occugraph.ttl still carries its own "1.0.0" and a release its name).
Change it here and nowhere else.
"""

from __future__ import annotations

VERSION = "1.0.0"

"""OccuGraph: China's occupational classification and skill standards as an OWL/SKOS graph.

Sub-packages by area (docs/architecture.md): ``core``, ``store``, ``build``, ``workflow``,
``classification``, ``standards``, ``pathways``, ``schools``, ``text`` and ``cli``.
"""

from graph.core.version import VERSION as __version__  # the one version string

__all__ = ["__version__"]

"""OccuGraph: China's occupational classification and skill standards as an OWL/SKOS graph.

The package is split by what each module holds: ``namespaces`` (IRIs), ``tsv`` (the editable
source format), ``sources`` (one reader per source file set), ``build`` (the pipeline),
``store`` (the embedded pyoxigraph store), ``queries`` (the questions the API asks), ``cli``.
"""

__version__ = "0.1.0"

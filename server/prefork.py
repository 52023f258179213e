"""What the gunicorn master loads before it forks the app workers, so that they share it.

``occugraph serve --workers N`` forks N app workers from one master. A page the master filled
before the fork is shared by every worker until one writes to it (copy-on-write), so whatever
every worker would load alike, and no worker changes, is loaded once here instead of N times
(issue 17, memory):

- the modules of the app (Flask, rdflib, the blueprints, the templates' engine): their code and
  constants;
- jieba's dictionary (graph.text.chinese._jieba_dictionary, about 70 MiB of Python objects),
  which every Segmenter of a process shares and none changes; OpenCC's converters and the place
  names the classifier removes from job titles (small).

It also caps glibc's malloc arenas at 2 (``_fewer_malloc_arenas``), inherited by the workers.

Nothing here touches the store: no store handle, search index, classifier or other structure
derived from the store is made before the fork. Those belong to a store generation
(graph/store/generation.py), which a worker opens after the fork and replaces after an update or
a build swap, and a RocksDB handle must not cross a fork; the query workers are started by each
app worker and open their own read-only handles. So the app itself is still built in each worker
(gunicorn's ``preload_app`` stays off).

``gc.freeze()`` moves what is loaded into the collector's permanent generation, so that the
workers' collections do not write to those objects' headers and copy their pages.
"""

from __future__ import annotations

import ctypes
import gc
import importlib


def load_shared() -> None:
    """Import the app's modules and load jieba's dictionary in this (the master) process."""
    from server import BLUEPRINT_MODULES

    for name in ("flask", "server.resources", "server.limits", "server.api_errors", "server.ui", *BLUEPRINT_MODULES):
        importlib.import_module(name)
    from graph.classification.classifier import place_names
    from graph.text.chinese import _jieba_dictionary, _opencc

    _jieba_dictionary()
    _opencc()
    place_names()
    _fewer_malloc_arenas()
    gc.collect()
    gc.freeze()


M_ARENA_MAX = -8  # glibc's mallopt parameter


def _fewer_malloc_arenas(arenas: int = 2) -> None:
    """At most ``arenas`` malloc arenas in this process and the workers forked from it.

    glibc gives threads that allocate at the same time arenas of their own, up to 8 per CPU, and
    memory freed in one arena is not reused by another: an app worker's 8 request threads (and
    pyoxigraph's allocations, made with the C library's malloc) leave pages behind in many arenas.
    The setting is the process's, so the forked workers inherit it. Not glibc (musl, macOS): no-op.
    """
    try:
        ctypes.CDLL(None).mallopt(M_ARENA_MAX, arenas)
    except (OSError, AttributeError):
        pass

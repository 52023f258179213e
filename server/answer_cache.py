"""Answers to repeated requests, kept in memory until the store changes: /sparql answers and pages.

A store generation is read-only (an update or a build starts a new one), so a query that the
guard found repeatable (no NOW, RAND, UUID, STRUUID or BNODE: ``graph.store.guard.Checked``)
gets the same bytes every time it is asked in the same format of the same generation. Pages,
dashboards and the examples of the SPARQL editor send the same few queries again and again; for
them the answer is sent from here, without the hop to a query worker (issue 17: that hop, two
process wake-ups, was most of a small query's time).

The occupation pages and converted linked-data documents are kept the same way
(``server.resources.kept``, ``PAGE_CACHE_BYTES``): a page is a function of its store generation,
its code and its language.

One cache belongs to one store generation: the query-worker pool starts a new one when it moves
to a new generation (and does not keep an answer whose query started under the old one), and the
pages' cache is derived from the generation itself. Bounded by bytes (least recently used out
first); an answer larger than an eighth of the bound is never kept, so one big result cannot
empty the cache.

>>> cache = AnswerCache(4000)
>>> cache.put(("q",), ("solutions", "text/csv", b"x" * 10, False), 10)
>>> cache.get(("q",)), cache.get(("r",))
(('solutions', 'text/csv', b'xxxxxxxxxx', False), None)
>>> cache.put(("big",), b"x" * 400, 400)  # over 4000 / 8: not kept
>>> cache.get(("big",)) is None, cache.size
(True, 212)
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

# what a key or an entry costs beside its body (tuple, bytes object, dict slot), roughly
_OVERHEAD = 200


class AnswerCache:
    """Least-recently-used answers by key, each counted as its body's bytes and its key's text."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max(0, max_bytes)
        self.size = 0
        self._entries: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        if not self.max_bytes:
            return None
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, key: Hashable, answer: Any, body_bytes: int) -> None:
        """Keep ``answer`` (whose body is ``body_bytes`` long) unless it is over an eighth of the bound."""
        cost = body_bytes + _key_bytes(key) + _OVERHEAD
        if cost > self.max_bytes // 8:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.size -= old[1]
            self._entries[key] = (answer, cost)
            self.size += cost
            while self.size > self.max_bytes:
                _key, (_dropped, dropped_cost) = self._entries.popitem(last=False)
                self.size -= dropped_cost


def _key_bytes(key: Hashable) -> int:
    """What the key's text costs (a query text is the larger part of a /sparql key)."""
    parts = key if isinstance(key, tuple) else (key,)
    return sum(len(p) * 2 for p in parts if isinstance(p, str))

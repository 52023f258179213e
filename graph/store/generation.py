"""One store generation: an opened store and everything derived from it, replaced as a whole.

A server (or any long-lived caller) answers from objects derived from the store: the search index,
the rule book, the pathway engine, the classifier, the hierarchy tree, the curriculum index. They
must all describe the same data. Keeping each in its own cache meant that after a SPARQL Update one
answered from the new data and another from the old; clearing them one at a time also let a request
that was half-way through find a cache emptied under it. Here they hang off one ``Generation``:

* ``Generation.derive(build)`` builds a derived object on first use, once, even when many threads
  ask at the same moment (the others wait for the first, they never see a half-filled cache);
* ``Generations.replace(store)`` makes a new, empty generation current in one assignment; requests
  that already hold the old one finish with it, and it is dropped when the last one lets go;
* ``Generations.current()`` also notices a build that swapped ``var/store`` to a new folder and
  opens it (the embedded store keeps the old folder's files open until then).

>>> calls = []
>>> def words(gen):
...     calls.append(gen.number)
...     return sorted(r["w"] for r in gen.store.select(""))
>>> class Fixed:
...     def __init__(self, *ws): self.ws = ws
...     def select(self, sparql): return [{"w": w} for w in self.ws]
...     def graph_names(self): return set()
>>> gens = Generations(lambda: Fixed("b", "a"))
>>> first = gens.current()
>>> first.derive(words), first.derive(words), calls
(['a', 'b'], ['a', 'b'], [1])
>>> second = gens.replace(Fixed("c"))
>>> second.derive(words), first.derive(words), calls
(['c'], ['a', 'b'], [1, 2])
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")

Builder = Callable[["Generation"], T]


class Generation:
    """An opened store (``store``) and the objects derived from it, each built on first use."""

    def __init__(self, store: Any, number: int = 1) -> None:
        self.store = store
        self.number = number
        self.location = _location(store)
        self._link = _link(store)
        self._derived: dict[Hashable, Any] = {}
        self._locks: dict[Hashable, threading.Lock] = {}
        self._guard = threading.Lock()

    def __repr__(self) -> str:
        return f"Generation({self.number}, {self.store!r})"

    def derive(self, build: Builder[T], key: Hashable | None = None) -> T:
        """``build(self)``, computed once per generation; concurrent first callers wait for it.

        The object is remembered under ``key`` (default: the builder function itself; give a key
        when the builder is a fresh closure each time). A build that raises leaves nothing behind,
        so the next caller tries again. Builders may derive other objects (the pathway engine asks
        for the rule book), never themselves.
        """
        key = build if key is None else key
        try:
            return self._derived[key]  # type: ignore[no-any-return]
        except KeyError:
            pass
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._derived:
                self._derived[key] = build(self)
            return self._derived[key]  # type: ignore[no-any-return]

    def built(self) -> list[str]:
        """Names of the derived objects built so far (for logs and tests)."""
        return sorted(getattr(k, "__name__", repr(k)) for k in list(self._derived))

    def is_stale(self) -> bool:
        """True when the store's path now points at another folder (a build swapped it).

        Asked on every request: a build repoints the ``var/store`` symlink, so one readlink that
        reads the same target answers it; only a changed link is resolved in full (realpath)."""
        if self.location is None:
            return False
        if self._link is not None and _link(self.store) == self._link:
            return False
        return _location(self.store) != self.location


def _link(store: Any) -> str | None:
    """What the store's path links to (its symlink's text), or None when it is not a symlink."""
    path = getattr(store, "path", None)
    try:
        return os.readlink(path) if path else None
    except OSError:
        return None


def _location(store: Any) -> str | None:
    """The real folder of an on-disk store (var/store is a symlink a build repoints), else None."""
    path = getattr(store, "path", None)
    return os.path.realpath(path) if path else None


class Generations:
    """The current generation of a long-lived process, and how it is replaced.

    ``opener`` opens the store afresh (after a build swap); ``replace(store)`` installs a store
    someone else opened (after an update). Resources outside a generation that follow the store
    (query worker processes) compare ``Generation.number`` with the one they were started for.
    """

    def __init__(self, opener: Callable[[], Any], store: Any | None = None) -> None:
        self._opener = opener
        self._lock = threading.Lock()
        self._count = 0
        self._current: Generation | None = None
        if store is not None:
            self._install(store)

    def _install(self, store: Any) -> Generation:
        self._count += 1
        gen = Generation(store, self._count)
        self._current = gen
        return gen

    def current(self) -> Generation:
        """The generation to answer from; opens the store on first use or after a build swap."""
        gen = self._current
        if gen is not None and not gen.is_stale():
            return gen
        with self._lock:
            gen = self._current
            if gen is None or gen.is_stale():
                gen = self._install(self._opener())
            return gen

    def replace(self, store: Any | None = None) -> Generation:
        """Make a new generation current, on ``store`` or on the store opened afresh."""
        with self._lock:
            return self._install(store if store is not None else self._opener())

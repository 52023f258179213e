"""The embedded pyoxigraph store: where it lives, how it is swapped in, how it is queried.

Layout under ``var/``: each build writes a fresh store to ``var/stores/<build-id>/`` and then
atomically repoints the symlink ``var/store`` at it (``os.replace`` of a symlink is atomic on
POSIX). A build that fails or is killed never touches ``var/store``, so the previous store stays
usable; readers that opened the old directory keep their file handles until they reopen.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path

import pyoxigraph as ox

from graph.core.namespaces import DATA_GRAPH, ONTOLOGY_GRAPH, SETTINGS_GRAPH
from graph.core.paths import project_root


def default_store_path() -> Path:
    return Path(os.environ.get("OCCUGRAPH_STORE", project_root() / "var" / "store"))


class StoreMissing(Exception):
    """No built store at the path; the message says how to build one."""


class EmbeddedStore:
    """Read access to a built store. Queries see the union of the store's graphs by default."""

    def __init__(self, path: Path | None = None, *, store: ox.Store | None = None) -> None:
        # the graph names of a read-only handle, asked once: it sees the store as it was opened
        self._graph_names: frozenset[str] | None = None
        if store is not None:
            self._store = store
            self.path = None
            self.folder: Path | None = None
            return
        self.path = Path(path or default_store_path())
        if not self.path.exists():
            raise StoreMissing(f"no store at {self.path}; run `occugraph build` first")
        # the folder this handle opened (var/store is a symlink a build repoints): its precomputed
        # documents (graph/store/documents.py) are the ones that describe this store
        self.folder = self.path.resolve()
        # read-only: several server processes can open the same store, and a query can never write
        self._store = ox.Store.read_only(str(self.folder))

    @property
    def raw(self) -> ox.Store:
        return self._store

    def graph_names(self) -> set[str]:
        """The store's named graphs. /sparql checks every request's dataset against them, so an
        on-disk (read-only) handle remembers them; an in-memory store given by a caller may change."""
        names = self._graph_names
        if names is None:
            names = frozenset(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))
            if self.path is not None:
                self._graph_names = names
        return set(names)

    def query(
        self,
        sparql: str,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run a query. Without a dataset, the default graph is the union of all graphs.

        ``base_iri`` resolves relative IRIs in a query that has no BASE of its own.
        """
        kwargs: dict[str, object] = {"base_iri": base_iri} if base_iri else {}
        if default_graphs or named_graphs:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs or []] or [ox.DefaultGraph()]
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs or []]
        else:
            kwargs["use_default_graph_as_union"] = True
        return self._store.query(sparql, **kwargs)

    def select(self, sparql: str) -> list[dict[str, str]]:
        """SELECT rows as plain strings (IRIs and lexical forms); unbound variables are absent."""
        result = self.query(sparql)
        names = [v.value for v in result.variables]
        rows = []
        for solution in result:
            row = {}
            for name in names:
                term = solution[name]
                if term is not None:
                    row[name] = term.value
            rows.append(row)
        return rows


def load_new_store(var_dir: Path, build_id: str, graphs: Iterable[tuple[str, bytes]]) -> Path:
    """Write a fresh store under var/stores/<build_id> from N-Triples per named graph."""
    stores = var_dir / "stores"
    stores.mkdir(parents=True, exist_ok=True)
    target = stores / build_id
    if target.exists():
        shutil.rmtree(target)
    store = ox.Store(str(target))
    for graph_iri, ntriples in graphs:
        store.bulk_load(ntriples, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph_iri))
    store.optimize()
    store.flush()
    del store
    return target


def dumps_folder(store_folder: Path | str) -> Path:
    """The dumps (the files of dist/) of the build that made a store: ``var/dists/<build-id>/``
    beside ``var/stores/<build-id>/``. The build writes both under one id and switches them
    together; a server finds the downloads of the store it answers from through this, never
    through dist/ (which a build may repoint while the server still answers from the old store)."""
    real = Path(os.path.realpath(store_folder))
    return real.parent.parent / "dists" / real.name


def swap_in(var_dir: Path, new_store: Path) -> None:
    """Point var/store at the new store atomically, then remove stores no longer pointed at."""
    link = var_dir / "store"
    if link.exists() and not link.is_symlink():
        raise RuntimeError(f"{link} is not a symlink made by occugraph; move it away first")
    tmp = var_dir / f".store-link-{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(os.path.relpath(new_store, var_dir), tmp)
    os.replace(tmp, link)
    for old in (var_dir / "stores").iterdir():
        if old.resolve() != new_store.resolve():
            shutil.rmtree(old, ignore_errors=True)


# the graphs a build writes: a remote store's dataset is these (graph/store/remote.py)
STANDARD_GRAPHS = (ONTOLOGY_GRAPH, DATA_GRAPH, SETTINGS_GRAPH)

"""Shared fixtures: one build of the real sources per test session, into a temporary folder.

Tests never touch var/ or dist/ of the checkout, so `make test` and `make run` do not interfere.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.build.pipeline import BuildResult, build
from graph.store.embedded import EmbeddedStore

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    out = tmp_path_factory.mktemp("build")
    return build(root=ROOT, var_dir=out / "var", dist=out / "dist", quiet=True)


@pytest.fixture(scope="session")
def store(built: BuildResult) -> EmbeddedStore:
    return EmbeddedStore(built.store_path)


@pytest.fixture(scope="session")
def app(store: EmbeddedStore):  # type: ignore[no-untyped-def]
    from server import create_app

    return create_app({"TESTING": True, "STORE": store})


@pytest.fixture()
def client(app):  # type: ignore[no-untyped-def]
    return app.test_client()

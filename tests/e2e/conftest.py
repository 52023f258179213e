"""Browser tests: the real server (waitress, as `occugraph serve` runs it) on a loopback port,
Debian's chromium driven by Playwright. Screenshots go to test-artifacts/e2e/.

Never `playwright install`: the browser is /usr/bin/chromium (or $OCCUGRAPH_CHROMIUM); without
it the tests skip and say how to get it (.ci/run installs it).
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"


def chromium_path() -> str | None:
    for candidate in (os.environ.get("OCCUGRAPH_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="session")
def live_server(store, built) -> Iterator[str]:  # type: ignore[no-untyped-def]
    from waitress import create_server

    from server import create_app

    app = create_app({"TESTING": True, "STORE": store, "DIST_DIR": str(built.dist), "QUERY_WORKERS": 2})
    server = create_server(app, host="127.0.0.1", port=0, threads=4, ident="occugraph-e2e")
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"  # type: ignore[union-attr]
    server.close()
    pool = app.extensions.get("occugraph-pool")
    if pool is not None:
        pool.close()


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    path = chromium_path()
    if path is None:
        pytest.skip(
            "no chromium at /usr/bin/chromium: `apt-get install -y chromium chromium-driver` "
            "(.ci/run does this) or set OCCUGRAPH_CHROMIUM"
        )
    playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (the test extra)")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=path, headless=True, args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"]
        )
        yield browser
        browser.close()


@pytest.fixture()
def page(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server, locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


@pytest.fixture()
def shot(page):  # type: ignore[no-untyped-def]
    """shot(name): a full-page screenshot of the current page, saved as test-artifacts/e2e/<name>.png."""

    def take(name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take

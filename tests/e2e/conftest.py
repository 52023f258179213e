"""Browser tests: the real server (waitress, as `occugraph serve` runs it) on a loopback port,
Debian's chromium driven by Playwright; one server and one browser for the whole session.

``audit(page, name)`` is the check every page for people gets: a screenshot at desktop (1280 px)
and phone (375 px) width under dist/screenshots/ (or $OCCUGRAPH_SCREENSHOTS), no horizontal
overflow at either width, no English word in the visible text outside machine fields, and no
serious or critical violation reported by axe-core (installed from npm into server/static/vendor
by `make assets`).

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
ARTIFACTS = Path(os.environ.get("OCCUGRAPH_SCREENSHOTS") or ROOT / "dist" / "screenshots")
AXE = ROOT / "server" / "static" / "vendor" / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"desktop": (1280, 900), "phone": (375, 740)}

# Machine fields (codes, identifiers, formats) and the person's own words echoed back (.user-text,
# e.g. a job title typed in Latin letters). Everything else a person reads must be Chinese; allowed
# are acronyms (AI, CSV) and Latin letters written into a Chinese name (Web前端开发, SLAM算法).
# not page wording: code, what the user typed (.user-text), and text quoted verbatim from the sources
# (.source-text: course and certificate names such as "Python 程序开发" are official names)
# [lang="en"]: text the page declares English (the OpenAPI reference on /api/docs, for programmers)
MACHINE = (
    'script, style, code, pre, .mono, .user-text, .source-text, [translate="no"], body [lang="en"], .yasgui, #yasgui'
)
ENGLISH_WORDS_JS = """(machine) => {
  const words = [];
  const visible = (el) => el && el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true});
  const han = /[\u3400-\u9fff]/;
  const add = (text, where) => {
    for (const m of text.matchAll(/[A-Za-z][A-Za-z'-]*[A-Za-z]/g)) {
      const w = m[0];
      if (w === w.toUpperCase()) continue;  // acronyms: AI, CSV, SPARQL
      // a Latin part of a Chinese term or name (Web前端开发, SLAM算法) is part of that name
      if (han.test(text[m.index - 1] || '') || han.test(text[m.index + w.length] || '')) continue;
      words.push(`${w} — “${where.trim().slice(0, 60)}”`);
    }
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!el || el.closest(machine) || !visible(el)) continue;
    add(walker.currentNode.textContent, walker.currentNode.textContent);
  }
  for (const el of document.body.querySelectorAll('[placeholder], [aria-label], [title], [alt]')) {
    if (el.closest(machine) || !visible(el)) continue;
    for (const a of ['placeholder', 'aria-label', 'title', 'alt']) {
      if (el.hasAttribute(a)) add(el.getAttribute(a), `${a}=${el.getAttribute(a)}`);
    }
  }
  return words;
}"""
EDITOR_TOKENS = "审核员:e2e-editor-token-1"  # the review queue's editor (tests/e2e/test_pages.py)
AXE_JS = """async () => {
  // #yasgui: the SPARQL editor is a third-party widget (YASGUI, from npm) with its own violations
  // (unlabelled CodeMirror textarea, tab list roles); the page around it is checked
  const r = await axe.run({exclude: [['#yasgui']]}, {resultTypes: ['violations']});
  return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`);
}"""


def chromium_path() -> str | None:
    for candidate in (os.environ.get("OCCUGRAPH_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="session")
def live_server(store, built, tmp_path_factory) -> Iterator[str]:  # type: ignore[no-untyped-def]
    from waitress import create_server

    from server import create_app

    app = create_app(
        {
            "TESTING": True,
            "STORE": store,
            "DIST_DIR": str(built.dist),
            "QUERY_WORKERS": 2,
            "EDITOR_TOKENS": EDITOR_TOKENS,
            "PROPOSALS_DIR": str(tmp_path_factory.mktemp("e2e-proposals")),
        }
    )
    # build what pages derive from the store (classifier, rule book, search index) before the browser
    # comes: a page's time limit should not pay for the first build on a busy machine
    warm = app.test_client()
    for url in (
        "/classify?title=电子商务",
        "/search?q=电子商务",
        "/occupation/4-04-05-05",
        "/browse/2-00-00-00",
        "/changes",
    ):
        assert warm.get(url).status_code == 200, url
    server = create_server(app, host="127.0.0.1", port=0, threads=4, ident="occugraph-e2e")
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"  # type: ignore[union-attr]
    server.close()
    pool = app.extensions.get("occugraph-pool")
    if pool is not None:
        pool.close()


@pytest.fixture(scope="session")
def editor_token() -> str:
    """The live server's one editor token (EDITOR_TOKENS above)."""
    return EDITOR_TOKENS.split(":", 1)[1]


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
    """shot(name): a full-page screenshot of the current page, saved as <screenshots>/<name>.png."""

    def take(name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture()
def artifacts() -> Path:
    """Where the screenshots (and the printed pathway) of this run go."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture()
def audit(page):  # type: ignore[no-untyped-def]
    """audit(name): screenshots at both widths and the checks every page for people must pass."""

    def check(name: str, english: bool = True) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        problems: list[str] = []
        for label, (width, height) in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": height})
            overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 1:
                wide = page.evaluate(
                    """() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right >
                       window.innerWidth + 1 && !e.closest('.table-wrap, .chart-box')).slice(0, 5)
                       .map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className)"""
                )
                problems.append(f"{label}: the page is {overflow}px wider than the screen ({', '.join(wide)})")
            page.screenshot(path=str(ARTIFACTS / f"{name}-{label}.png"), full_page=True)
        page.set_viewport_size({"width": WIDTHS["desktop"][0], "height": WIDTHS["desktop"][1]})
        if english:
            words = page.evaluate(ENGLISH_WORDS_JS, MACHINE)
            if words:
                problems.append("English outside machine fields: " + "; ".join(words[:12]))
        if AXE.exists():
            page.add_script_tag(path=str(AXE))
            problems += [f"axe: {v}" for v in page.evaluate(AXE_JS)]
        else:
            problems.append(f"axe-core is not installed at {AXE}: run `make assets` (needs npm)")
        assert not problems, f"{name} ({page.url}):\n" + "\n".join(problems)

    return check

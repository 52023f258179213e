"""End-to-end: what a person does in a real browser (issue 7)."""

from __future__ import annotations

import pytest

from server.sparql_examples import yasgui_assets


def test_search_from_home(page, shot) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    page.fill("input[name=q]", "电子商务")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("#results")
    rows = page.locator("#results tr")
    assert rows.count() > 1
    assert "电子商务" in page.locator("#results").inner_text()
    shot("search-simplified")
    first = page.locator("#results a").first
    code = first.inner_text()
    first.click()
    page.wait_for_url(f"**/occupation/{code}")
    assert code in page.locator("h1").inner_text()


def test_search_accepts_traditional_input(page, shot) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("opencc", reason="OpenCC converts Traditional input; pip install opencc")
    page.goto("/")
    page.fill("input[name=q]", "電子商務")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("#results")
    assert "电子商务" in page.locator("#results").inner_text()
    shot("search-traditional")


def test_hierarchy_browser_down_to_an_occupation(page, shot) -> None:  # type: ignore[no-untyped-def]
    page.goto("/browse")
    assert page.locator("#children li").count() == 8
    shot("browse-majors")
    for code in ("2-00-00-00", "2-02-00-00", "2-02-38-00"):
        page.click(f"#children a[href='/browse/{code}']")
        page.wait_for_url(f"**/browse/{code}")
        assert code in page.locator("h1").inner_text()
    shot("browse-minor-2-02-38-00")
    page.click("#children a[href='/occupation/2-02-38-01']")
    page.wait_for_url("**/occupation/2-02-38-01")
    assert "人工智能工程技术人员" in page.locator("h1").inner_text()
    # the breadcrumb leads back up
    assert page.locator("nav.crumbs a[href='/browse/2-02-00-00']").count() == 1


def test_occupation_page(page, shot) -> None:  # type: ignore[no-untyped-def]
    page.goto("/occupation/4-04-05-05")
    assert "人工智能训练师" in page.locator("h1").inner_text()
    assert "数字职业" in page.locator("h1").inner_text()
    assert page.locator("#definition").inner_text().strip()
    assert page.locator("#tasks li").count() >= 3
    assert page.get_by_text("职业标准与等级").count() == 1
    shot("occupation-4-04-05-05")
    # the linked-data view of the same entry is one click away
    page.goto("/id/occupation/4-04-05-05/task/1")
    assert page.locator("#statements").count() == 1


def test_sparql_editor_runs_an_example(page, shot) -> None:  # type: ignore[no-untyped-def]
    if yasgui_assets() is None:
        pytest.skip("YASGUI is not installed: run `make assets` (needs npm); the page falls back to a form")
    page.goto("/sparql")
    page.wait_for_selector("#yasgui .CodeMirror")
    # syntax highlighting: SPARQL keywords get their own token class
    assert page.locator("#yasgui .CodeMirror .cm-keyword").count() > 0
    page.click("#examples button:has-text('各大类的职业（细类）数量')")
    page.wait_for_selector(".yasr table.dataTable tbody tr", timeout=30_000)
    page.wait_for_function("document.querySelectorAll('.yasr table.dataTable tbody tr').length >= 7")
    table = page.locator(".yasr table.dataTable").inner_text()  # major groups with occupations below
    assert "2-00-00-00" in table
    shot("sparql-editor")


def test_sparql_plain_form(page, shot) -> None:  # type: ignore[no-untyped-def]
    page.goto("/sparql")
    form = page.locator("#plain-form")
    if not form.is_visible():
        page.click("details.plain summary")
    page.fill(
        "#plain-form textarea",
        "SELECT ?code WHERE { ?o a <https://w3id.org/occugraph/ontology/MajorGroup> ; "
        "<http://www.w3.org/2004/02/skos/core#notation> ?code } ORDER BY ?code",
    )
    page.click("#plain-form button[type=submit]")
    page.wait_for_selector("#results")
    assert page.locator("#results tr").count() == 9  # header + 8 major groups
    shot("sparql-plain-form")


def test_pathway_planner(page, shot, live_server) -> None:  # type: ignore[no-untyped-def]
    import urllib.request

    try:
        urllib.request.urlopen(f"{live_server}/pathways", timeout=10)
    except Exception:  # noqa: BLE001 - any failure means the page is not there yet
        pytest.skip("no pathway planner page at /pathways yet (issue 4)")
    page.goto("/pathways")
    shot("pathway-planner")

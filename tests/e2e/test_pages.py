"""End-to-end: what a person does in a real browser (issues 7 and 18).

The journeys of issue 18 — a worker (job title -> occupation -> pathway -> print), a school
(major -> curriculum upload -> coverage per level) and an editor (new occupations without a
standard) — and every other page for people, each audited at desktop and phone width (see
``audit`` in conftest.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from server.sparql_examples import yasgui_assets

ROOT = Path(__file__).resolve().parents[2]
LADDER_LOW_TO_HIGH = ["五级", "四级", "三级", "二级", "一级"]


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
    assert code in page.locator("#facts").inner_text()


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
        assert code in page.locator("main p.muted").first.inner_text()
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


def test_worker_journey_job_title_to_printed_pathway(page, audit, artifacts) -> None:  # type: ignore[no-untyped-def]
    """A worker types a job title from an advert (not an occupation's name), is shown the occupation
    it belongs to with the reasons, opens it, plans a pathway from level 5 to level 4 and prints it."""
    page.goto("/")
    audit("home")
    page.fill("#home-q", "急招AI训练师")
    page.press("#home-q", "Enter")
    page.wait_for_selector("#classify-results")
    assert "理由" in page.locator("#classify-results").inner_text()
    audit("search-job-title")
    page.click("#classify-results a[href='/occupation/4-04-05-05']")
    page.wait_for_url("**/occupation/4-04-05-05")
    assert "人工智能训练师" in page.locator("h1").inner_text()
    levels = page.locator("#standard-list td.levels").first.inner_text()
    assert [levels.index(x) for x in LADDER_LOW_TO_HIGH] == sorted(levels.index(x) for x in LADDER_LOW_TO_HIGH)
    audit("occupation")
    page.click("#plan-pathway")
    page.wait_for_url("**/pathways?to=4-04-05-05")
    page.fill("input[name=from]", "4-04-05-05")
    page.select_option("select[name=from_level]", "5")
    page.fill("input[name=level_since]", "2020-01-01")
    page.fill("input[name=years_worked]", "6")
    page.select_option("select[name=to_level]", "4")
    page.press("input[name=from]", "Enter")  # submits the pathway form (the header's search is another form)
    page.wait_for_selector("#routes")
    assert "四级" in page.locator("#routes").inner_text()
    audit("pathway")
    page.emulate_media(media="print")
    assert not page.locator("header.site-header").is_visible()  # the printout is the route, not the site
    page.pdf(path=str(artifacts / "pathway-print.pdf"), format="A4")
    page.screenshot(path=str(artifacts / "pathway-print.png"), full_page=True)
    page.emulate_media(media="screen")


def test_school_journey_major_to_curriculum_coverage(page, audit) -> None:  # type: ignore[no-untyped-def]
    """A school opens its major, uploads its curriculum and sees the coverage per level."""
    page.goto("/majors")
    assert page.locator("#majors tbody tr").count() == 100  # a page of the catalogue, not all of it
    audit("majors")
    page.fill("#m-q", "人工智能")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/majors?q=*")
    page.click("#majors a[href^='/majors/510209']")
    page.wait_for_url("**/majors/510209**")
    assert "人工智能训练师" in page.locator("#major-occupations").inner_text()
    audit("major")
    page.click("#map-curriculum")
    page.wait_for_url("**/curricula?major=510209")
    audit("curricula")
    page.set_input_files("#c-file", str(ROOT / "tests" / "data" / "curricula" / "valid" / "ai-trainer-510209.csv"))
    page.click("#curriculum-form button[type=submit]")
    page.wait_for_selector("#coverage-4-04-05-05-2021")
    section = page.locator("#coverage-4-04-05-05-2021")
    assert section.locator("svg.chart rect.bar").count() >= 1  # a bar per level with something covered
    rows = section.locator("table.coverage-table tbody tr")
    levels = [rows.nth(i).get_attribute("data-level") for i in range(rows.count())]
    assert levels == ["5", "4", "3", "2", "1"]  # ladder order, lowest first
    assert "/" in rows.first.inner_text()
    audit("curriculum-coverage")


def test_editor_journey_new_occupations_without_standard(page, audit) -> None:  # type: ignore[no-untyped-def]
    """An editor lists the new occupations of 2024 that still have no national standard."""
    page.goto("/new-occupations")
    assert page.locator("#year-chart").count() == 1 and page.locator("#group-chart").count() == 1
    page.select_option("#f-year", "2024")
    page.select_option("#f-standard", "none")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/new-occupations?*standard=none*")
    rows = page.locator("#occupations tbody tr")
    assert rows.count() >= 1
    for i in range(rows.count()):
        text = rows.nth(i).inner_text()
        assert "尚无" in text and "2024-" in text
    audit("new-occupations-without-standard")


@pytest.mark.parametrize(
    "name, url",
    [
        ("search-simplified", "/search?q=电子商务"),
        ("search-traditional", "/search?q=電子商務"),
        ("search-pinyin", "/search?q=dianzishangwu"),
        ("browse", "/browse"),
        ("browse-major-group", "/browse/2-00-00-00"),
        ("standards", "/standards"),
        ("standard", "/standards/4-04-05-05-2021"),
        ("new-occupations", "/new-occupations"),
        ("classify", "/classify?title=SLAM算法工程师"),
        ("certificates", "/certificates"),
        ("certificate", "/certificates/跨境电子商务多平台运营"),
        ("downloads", "/downloads"),
        ("changes", "/changes"),
        ("sparql", "/sparql"),
        ("home", "/"),
        ("majors", "/majors?q=电子商务"),
        ("ontology", "/ontology"),
        ("api-docs", "/api/docs"),
        ("occupation-not-found", "/occupation/9-99-99-99"),
        ("major-not-found", "/majors/519999"),
        ("standard-not-found", "/standards/0-00-00-00-1999"),
    ],
)
def test_page_at_desktop_and_phone_width(page, audit, name: str, url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(url)
    audit(name)


def test_major_group_tree_opens_and_closes_with_the_keyboard(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/browse/2-00-00-00")
    first = page.locator("#tree > li > details").first
    assert first.get_attribute("open") is not None
    inner = first.locator("details").first
    assert inner.get_attribute("open") is None
    inner.locator("summary").first.focus()
    page.keyboard.press("Enter")
    assert inner.get_attribute("open") is not None


def test_editor_journey_review_queue(page, audit, editor_token: str) -> None:  # type: ignore[no-untyped-def]
    """An editor opens the review queue, enters the token once, sees a proposal sent through the API
    as a diff of the table rows it changes (the page is not approved from here: that would edit the
    real tables)."""
    sent = page.request.post(
        "/api/proposals",
        data={
            "title": "为 2-02-38-01 增加招聘岗位名称",
            "author": "李伟 <li@example.org>",
            "rationale": "2025 年招聘广告中常见",
            "changes": [
                {
                    "op": "add",
                    "file": "classification/labels.tsv",
                    "row": {"code": "2-02-38-01", "label": "大模型算法工程师", "type": "hidden", "source": "editor"},
                }
            ],
        },
    )
    assert sent.status == 201, sent.text()
    pid = sent.json()["id"]
    page.goto("/review")
    assert page.locator("#token").is_visible()
    audit("review-login")
    page.fill("#token", "wrong-token-123")
    page.click("form[action='/review/login'] button[type=submit]")
    assert page.locator("#token").is_visible()  # a wrong token does not get in
    page.fill("#token", editor_token)
    page.click("form[action='/review/login'] button[type=submit]")
    page.wait_for_url("**/review")
    assert "为 2-02-38-01 增加招聘岗位名称" in page.content()
    audit("review")
    page.goto(f"/review/{pid}")
    assert "大模型算法工程师" in page.content()
    audit("review-proposal")

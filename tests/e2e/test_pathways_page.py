"""The pathway page in a browser (issue 15 item 8): names suggested as one types, the drawn route
fits its box, print leaves the form out."""

from __future__ import annotations


def test_occupation_suggestions_and_a_route_that_fits(page, shot) -> None:  # type: ignore[no-untyped-def]
    page.goto("/pathways")
    page.fill("input[name=to]", "邮政投")
    # the search API fills the datalist with "code name"
    page.wait_for_function("document.querySelectorAll('#occupation-suggestions option').length > 0")
    values = page.eval_on_selector_all("#occupation-suggestions option", "els => els.map(e => e.value)")
    assert "4-02-07-04 邮政投递员" in values
    page.fill("input[name=to]", "4-02-07-04 邮政投递员")
    page.select_option("select[name=to_level]", "1")
    page.fill("input[name=as_of]", "2026-01-01")
    page.click("form.pathway button[type=submit]")
    page.wait_for_selector("#route-graph svg")
    # G 5/1 now, 4/2 +3, 3/2 +4, 2/1 +5, 1/1 +5: 17 years, all in 邮政投递员
    assert "共 17.0 年" in page.inner_text("#routes")
    box = page.eval_on_selector("#route-graph", "e => e.getBoundingClientRect().width")
    drawn = page.eval_on_selector("#route-graph svg", "e => e.getBoundingClientRect().width")
    assert drawn <= box
    shot("pathway-route")
    page.emulate_media(media="print")
    assert not page.is_visible("form.pathway") and page.is_visible("#route-graph svg")

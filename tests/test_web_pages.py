"""Pages for people (issue 18), through the Flask test client on the real data. The browser walks
the same pages in tests/e2e/.

Facts used (from the sources): 人工智能训练师 4-04-05-05 is a digital occupation of the second
new-occupation batch (2020-03-02), with the standard 人社厅发〔2021〕81号 (2021-10-21) covering
五级 to 一级, and majors 510209 人工智能技术应用 and 310209 人工智能工程技术 leading to it.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _text(resp) -> str:  # type: ignore[no-untyped-def]
    return resp.get_data(as_text=True)


def test_json_is_utf8_not_escaped(client) -> None:  # type: ignore[no-untyped-def]
    raw = client.get("/api/occupations", query_string={"q": "电子商务"}).data
    assert "电子商务师".encode() in raw and b"\\u" not in raw
    raw = client.get("/api/occupations/4-04-05-05").data
    assert "人工智能训练师".encode() in raw and b"\\u" not in raw


def _readme_curls() -> list[list[str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return [shlex.split(line) for line in text.splitlines() if line.startswith("curl ")]


def test_readme_curl_examples_work_when_pasted(client) -> None:  # type: ignore[no-untyped-def]
    """Each `curl` line of the README, run as curl would (-G + --data-urlencode = a query string)."""
    curls = _readme_curls()
    assert len(curls) >= 4
    for argv in curls:
        url = next(a for a in argv[1:] if a.startswith("http"))
        path = re.sub(r"^https?://[^/]+", "", url)
        params = [argv[i + 1] for i, a in enumerate(argv) if a == "--data-urlencode"]
        assert "-G" in argv or not params, argv
        query = dict(p.split("=", 1) for p in params)
        resp = client.get(path, query_string=query)
        assert resp.status_code == 200, (argv, _text(resp)[:200])
        assert b"\\u" not in resp.data, argv


def test_every_page_uses_the_shared_stylesheet_and_search(client) -> None:  # type: ignore[no-untyped-def]
    for url in ("/", "/browse", "/occupation/4-04-05-05", "/standards", "/majors", "/new-occupations", "/classify"):
        page = _text(client.get(url))
        assert "/static/occugraph.css" in page, url
        assert "cdn" not in page.lower(), url
        assert 'action="/search"' in page, url
        assert 'lang="zh-CN"' in page, url
    assert client.get("/static/occugraph.css").status_code == 200


def test_search_finds_every_kind_by_name_traditional_and_pinyin(client) -> None:  # type: ignore[no-untyped-def]
    page = _text(client.get("/search", query_string={"q": "电子商务"}))
    assert "/occupation/4-01-06-01" in page  # 电子商务师
    assert "/standards/" in page  # its standard, 人社厅发〔2022〕33号
    page = _text(client.get("/search", query_string={"q": "電子商務"}))
    assert "/occupation/4-01-06-01" in page
    page = _text(client.get("/search", query_string={"q": "dianzishangwu"}))
    assert "/occupation/4-01-06-01" in page
    page = _text(client.get("/search", query_string={"q": "人工智能"}))
    assert "/majors/510209" in page  # 人工智能技术应用
    # a 工种 announced with the 2025 batch (智慧仓运维员, under 物流服务师) is found by its own name
    page = _text(client.get("/search", query_string={"q": "智慧仓运维"}))
    assert 'id="work-type-results"' in page and "/occupation/4-02-06-03#work-types" in page


def test_search_falls_back_to_classification_with_reasons(client) -> None:  # type: ignore[no-untyped-def]
    page = _text(client.get("/search", query_string={"q": "急招拼多多运营"}))
    assert 'id="classify-results"' in page
    assert "/occupation/4-01-06-01" in page and "理由" in page


def test_occupation_page_answers_the_next_questions(client) -> None:  # type: ignore[no-untyped-def]
    page = _text(client.get("/occupation/4-04-05-05"))
    for text in ("人工智能训练师", "数字职业", "第二批新职业", "人社厅发〔2021〕81号", "人工智能技术应用", "对应专业"):
        assert text in page, text
    assert "/pathways?to=4-04-05-05" in page and "/standards/4-04-05-05-2021" in page
    levels = re.search(r'<td class="levels">(.*?)</td>', page, re.S)
    assert levels is not None
    # ladder order, lowest first: 五级 before 四级 before 三级 before 二级 before 一级
    order = [levels.group(1).index(x) for x in ("五级", "四级", "三级", "二级", "一级")]
    assert order == sorted(order)


def test_standard_page_groups_conditions_by_level_in_ladder_order(client) -> None:  # type: ignore[no-untyped-def]
    page = _text(client.get("/standards/4-04-05-05-2021"))
    assert "人社厅发〔2021〕81号" in page and "2021-10-21" in page
    levels = re.findall(r'<li data-level="([^"]+)">', page)
    assert levels == ["5", "4", "3", "2", "1"]
    assert "累计从事本职业工作1年（含）以上" in page  # a 五级 condition, as written
    assert 'id="wr-5"' in page and "业务数据采集" in page  # work requirements of level 5
    assert client.get("/standards/no-such-standard").status_code == 404


def test_english_view_where_labels_exist(client) -> None:  # type: ignore[no-untyped-def]
    page = _text(client.get("/standards/4-04-05-05-2021", query_string={"lang": "en"}))
    assert 'lang="en"' in page and "Level 5 / junior worker" in page


def test_major_group_tree_holds_every_occupation_below_it(client) -> None:  # type: ignore[no-untyped-def]
    page = _text(client.get("/browse/2-02-00-00"))
    tree = page.split('id="tree"', 1)[1].split("</ul>\n", 1)[0]
    assert tree.count("<details") >= 10  # one per minor group below 工程技术人员
    assert "/occupation/2-02-38-01" in tree  # an occupation three levels down is in the tree


def test_english_view_follows_the_navigation(client) -> None:  # type: ignore[no-untyped-def]
    page = _text(client.get("/browse", query_string={"lang": "en"}))
    assert 'href="/standards?lang=en"' in page and "major group" in page


def test_bad_page_parameters_get_a_page_not_a_trace(client) -> None:  # type: ignore[no-untyped-def]
    for url in ("/standards?year=soon", "/standards?page=0", "/new-occupations?year=20x4"):
        resp = client.get(url)
        assert resp.status_code == 400 and resp.mimetype == "text/html", url
        assert 'class="error"' in _text(resp) and "Traceback" not in _text(resp)


def test_reference_pages_keep_identifiers_and_english_apart(client) -> None:  # type: ignore[no-untyped-def]
    """The ontology and API pages are Chinese around the names a programmer types: term names and
    column values inside a Chinese definition are code, the English of the ontology and of the
    OpenAPI document is declared lang="en" (the browser audit skips it, screen readers read it as
    English)."""
    page = _text(client.get("/ontology", headers={"Accept": "text/html"}))
    assert '<code translate="no">og:minimumAge</code>' in page  # named in a Chinese definition
    assert '<td>职业（细类）</td><td><span lang="en">occupation</span></td>' in page  # og:Occupation
    assert "英文名称" in page and "<th>English</th>" not in page
    docs = _text(client.get("/api/docs"))
    assert "数据接口（API）文档" in docs and "接口一览" in docs
    assert '<span lang="en">SPARQL 1.1 query (read-only)</span>' in docs
    assert '<div class="table-wrap"><table><caption>回答</caption>' in docs


def test_occupation_page_lists_its_minor_group_and_its_majors(client) -> None:  # type: ignore[no-untyped-def]
    """The related occupations and the majors come from answers kept per store generation: for
    人工智能训练师 the other occupations of 4-04-05 (in code order, not itself) and the majors the
    对应指引 links to it, the same list as /api/occupations/<code>/majors."""
    group = client.get("/api/hierarchy/4-04-05-00").get_json()  # the tree, read by another query
    siblings = [c["code"] for c in group["children"] if "occupation" in c["kinds"] and c["code"] != "4-04-05-05"]
    assert len(siblings) >= 5 and all(c.startswith("4-04-05-") for c in siblings)
    page = _text(client.get("/occupation/4-04-05-05"))
    related = re.search(r'<ul class="plain" id="related">(.*?)</ul>', page, re.S)
    assert related is not None
    assert re.findall(r'href="/occupation/([0-9-]+)"', related.group(1)) == siblings
    majors = client.get("/api/occupations/4-04-05-05/majors").get_json()["majors"]
    assert {"510209", "310209"} <= {m["code"] for m in majors}
    for m in majors:
        assert f"/majors/{m['code']}" in page


def test_a_kept_occupation_page_keeps_its_language(client) -> None:  # type: ignore[no-untyped-def]
    """Occupation pages are kept once rendered (server/ui.py kept_page), one per code and language:
    the English view asked after the Chinese one (and the Chinese one again) gets its own page."""
    zh = _text(client.get("/occupation/2-02-38-01"))
    en = _text(client.get("/occupation/2-02-38-01", query_string={"lang": "en"}))
    assert 'lang="zh' in zh and 'href="/standards"' in zh
    assert 'lang="en"' in en and 'href="/standards?lang=en"' in en
    assert _text(client.get("/occupation/2-02-38-01")) == zh
    assert _text(client.get("/occupation/2-02-38-01", query_string={"lang": "en"})) == en

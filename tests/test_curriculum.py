"""Curriculum mapping (issue 6) on real requirement texts: 人工智能训练师 (4-04-05-05-2021) for the
major 人工智能技术应用 (510209), with a small curriculum written for the test whose coverage was
worked out by hand (tests/data/curricula/valid/*.expected.json says why each requirement is or is
not covered). Bad input: every malformed fixture gets its line-numbered errors and nothing is
written; oversized uploads are refused; unknown majors get suggestions.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from graph.build.pipeline import BuildResult
from graph.schools.curriculum import (
    CurriculumError,
    MajorNotFound,
    OverrideError,
    map_curriculum,
    parse_curriculum,
    parse_overrides,
    render,
)
from graph.store.embedded import EmbeddedStore

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "curricula"
CURRICULUM = DATA / "valid" / "ai-trainer-510209.csv"
EXPECTED = json.loads((DATA / "valid" / "ai-trainer-510209.expected.json").read_text(encoding="utf-8"))
INVALID = json.loads((DATA / "invalid-expected.json").read_text(encoding="utf-8"))
STD = EXPECTED["standard"]


@pytest.fixture(scope="module")
def curriculum():  # type: ignore[no-untyped-def]
    return parse_curriculum(CURRICULUM.read_bytes(), CURRICULUM.name)


@pytest.fixture(scope="module")
def mapped(store: EmbeddedStore, curriculum):  # type: ignore[no-untyped-def]
    return map_curriculum(store, curriculum, EXPECTED["major"], standards=[STD])


def _levels(result: dict) -> dict[str, dict]:  # type: ignore[type-arg]
    (std,) = [s for s in result["standards"] if s["id"] == STD]
    return {lv["level"]: lv for lv in std["levels"]}


def _graph_totals(store: EmbeddedStore) -> dict[str, dict[str, int]]:
    """Requirements per level and kind, counted straight from the graph (not by the matcher)."""
    rows = store.select(f"""PREFIX og: <https://w3id.org/occugraph/ontology/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?level ?kind (COUNT(?r) AS ?n) WHERE {{
  VALUES ?kind {{ og:SkillRequirement og:KnowledgeRequirement }}
  ?r a ?kind ; og:ofStandard <https://w3id.org/occugraph/id/standard/{STD}> ; og:atLevel ?l .
  ?l skos:prefLabel ?level . FILTER(LANG(?level) = "zh")
}} GROUP BY ?level ?kind""")
    out: dict[str, dict[str, int]] = {}
    for r in rows:
        kind = "skill" if r["kind"].endswith("SkillRequirement") else "knowledge"
        out.setdefault(r["level"], {})[kind] = int(r["n"])
    return out


# ---------------------------------------------------------------- parsing


def test_parse_splits_outcomes_and_reads_numbers(curriculum) -> None:  # type: ignore[no-untyped-def]
    assert [c.code for c in curriculum.courses] == ["AI101", "AI102", "AI103", "AI104", "GEN100"]
    ai101 = curriculum.courses[0]
    assert (ai101.hours, ai101.credits, ai101.line) == (48.0, 3.0, 2)
    assert [o.text for o in ai101.outcomes] == [
        "能使用数据采集工具完成原始业务数据采集",
        "能完成数据库内业务数据采集",
        "能按照数据处理要求完成业务数据的整理归类和汇总",
    ]
    assert [o.id for o in curriculum.courses[1].outcomes] == ["AI102.1", "AI102.2", "AI102.3"]
    assert curriculum.courses[2].line == 6  # the first row spans lines 2-4


def test_parse_chinese_headers_bom_and_gb18030() -> None:
    text = "课程代码,课程名称,学时,学习成果,备注\nA1,数据采集,３２,①能完成数据采集②,选修\n"
    c = parse_curriculum(("\ufeff" + text).encode("utf-8"))
    assert c.courses[0].hours == 32.0 and c.courses[0].outcomes[0].text == "能完成数据采集②"
    assert c.warnings == ["以下列未使用：备注"]
    c = parse_curriculum(text.encode("gb18030"))
    assert c.courses[0].title == "数据采集" and "GB18030" in c.warnings[0]


@pytest.mark.parametrize("fixture", sorted(k for k in INVALID if k != "about"))
def test_malformed_csv_gets_line_numbered_errors(fixture: str) -> None:
    with pytest.raises(CurriculumError) as info:
        parse_curriculum((DATA / "invalid" / fixture).read_bytes(), fixture)
    got = [(e.line, e.message) for e in info.value.errors]
    for line, words in INVALID[fixture]:
        assert any(gl == line and words in gm for gl, gm in got), got
    assert info.value.lines()[0].startswith(f"{fixture}:")


def test_size_and_count_limits() -> None:
    with pytest.raises(CurriculumError, match="上限是 1,000 字节"):
        parse_curriculum(b"code,title,hours,learning_outcomes\n" + b"x" * 1000, max_bytes=1000)
    rows = "".join(f"C{i},课程{i},32,能完成数据采集\n" for i in range(301))
    with pytest.raises(CurriculumError, match="课程超过 300 门"):
        parse_curriculum("code,title,hours,learning_outcomes\n" + rows)


def test_overrides_must_be_well_formed() -> None:
    assert parse_overrides(None) == []
    for bad in ("{", '{"accept": []}', '{"force": {}}', '{"force": [{"course": "A"}]}', "[1]"):
        with pytest.raises(OverrideError):
            parse_overrides(bad)


# ---------------------------------------------------------------- the hand-worked coverage


def test_covered_requirements_are_exactly_the_hand_worked_ones(mapped, store: EmbeddedStore) -> None:  # type: ignore[no-untyped-def]
    rows = {r["key"]: r for r in mapped["requirements"]}
    covered = {k for k, r in rows.items() if r["covered"]}
    assert covered == set(EXPECTED["covered"])
    for key, (course, text, _why) in EXPECTED["covered"].items():
        assert rows[key]["text"] == text, f"{key}: the requirement text changed in the graph; re-work by hand"
        assert rows[key]["matches"][0]["course"] == course, key
        assert rows[key]["status"] == "matched"
    for key in EXPECTED["not_covered_on_purpose"]:
        assert rows[key]["status"] == "not-covered"
    # nothing of GEN100 (English) matches anything
    assert not any(m["course"] == "GEN100" for r in rows.values() for m in r["matches"])


def test_every_match_shows_its_evidence(mapped) -> None:  # type: ignore[no-untyped-def]
    row = next(r for r in mapped["requirements"] if r["key"] == f"{STD}/level/5/skill/1.1.1")
    m = row["matches"][0]
    assert m["outcome"] == "AI101.1" and m["outcome_text"] == "能使用数据采集工具完成原始业务数据采集"
    assert set(m["evidence"]) == {"工具", "原始", "业务", "数据", "采集"} and m["missing_words"] == ["设备"]
    assert row["head_word"] == "采集" and m["head_word_found"]
    synonym = next(r for r in mapped["requirements"] if r["key"] == f"{STD}/level/4/knowledge/2.1.1")
    assert "分类≈归类" in synonym["matches"][0]["evidence"]
    missed = next(r for r in mapped["requirements"] if r["key"] == f"{STD}/level/5/knowledge/1.2.1")
    best = missed["other_candidates"][0]
    assert best["missing_words"] == ["规范"] and not best["head_word_found"]


def test_coverage_per_level_includes_the_lower_levels(mapped, store: EmbeddedStore) -> None:  # type: ignore[no-untyped-def]
    levels = _levels(mapped)
    totals = _graph_totals(store)
    order = sorted(levels, key=lambda name: levels[name]["rank"])
    assert order == list(EXPECTED["levels"])  # 五级 ... 一级, lowest first
    running = 0
    for i, name in enumerate(order):
        lv, want = levels[name], EXPECTED["levels"][name]
        assert {k: lv["own"][k]["covered"] for k in ("skill", "knowledge")} == want["own"], name
        assert {k: lv["own"][k]["total"] for k in ("skill", "knowledge")} == totals[name], name
        assert lv["cumulative"]["all"]["covered"] == want["cumulative"], name
        running += sum(totals[name].values())
        assert lv["cumulative"]["all"]["total"] == running, name
        assert lv["includes"] == order[:i]
        assert lv["cumulative"]["all"]["percent"] == round(100 * want["cumulative"] / running, 1)


def test_a_requirement_scores_the_same_whatever_is_selected(store: EmbeddedStore, curriculum, mapped) -> None:  # type: ignore[no-untyped-def]
    everything = map_curriculum(store, curriculum, "510209")
    assert {s["id"] for s in everything["standards"]} >= {STD}
    same = {r["key"]: r["covered"] for r in everything["requirements"] if r["standard"] == STD}
    assert same == {r["key"]: r["covered"] for r in mapped["requirements"]}
    assert {o["code"] for o in everything["occupations"]} == {"4-04-05-05", "2-02-38-01"}


def test_school_corrects_matches_and_reruns(store: EmbeddedStore, curriculum, mapped) -> None:  # type: ignore[no-untyped-def]
    spec = EXPECTED["with_overrides"]
    again = map_curriculum(store, curriculum, "510209", overrides=parse_overrides(spec["overrides"]), standards=[STD])
    before = {r["key"] for r in mapped["requirements"] if r["covered"]}
    after = {r["key"] for r in again["requirements"] if r["covered"]}
    assert after - before == set(spec["added"]) and before - after == set(spec["removed"])
    rows = {r["key"]: r for r in again["requirements"]}
    forced = rows[spec["added"][0]]
    assert forced["status"] == "forced" and forced["matches"][0]["override"] == "forced"
    assert forced["matches"][0]["note"] == "AI103 records usage data too"
    rejected = rows[spec["removed"][0]]
    assert not rejected["covered"] and any(m["override"] == "rejected" for m in rejected["other_candidates"])
    assert len(again["overrides"]["ignored"]) == spec["ignored"]
    assert again["overrides"]["ignored"][0]["reason_code"] == "unknown-requirement"
    assert again["overrides"]["ignored"][0]["reason"] == "这个专业对应的标准里没有这条要求"
    levels = _levels(again)
    for name, want in spec["levels"].items():
        assert {k: levels[name]["own"][k]["covered"] for k in ("skill", "knowledge")} == want["own"]
        assert levels[name]["cumulative"]["all"]["covered"] == want["cumulative"]


def test_major_without_structured_requirements(store: EmbeddedStore, curriculum) -> None:  # type: ignore[no-untyped-def]
    result = map_curriculum(store, curriculum, "510102")  # 物联网应用技术
    # no standard with work requirements: only its ability requirements and its occupations' main tasks
    assert result["standards"] and all(s["id"].endswith(("#abilities", "#tasks")) for s in result["standards"])
    assert any("没有其职业标准的结构化工作要求" in n for n in result["notes"])


def test_unknown_or_ambiguous_major(store: EmbeddedStore, curriculum) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(MajorNotFound) as info:
        map_curriculum(store, curriculum, "510299")
    assert "510209" in [s["code"] for s in info.value.suggestions]


# ---------------------------------------------------------------- outputs


def test_csv_markdown_and_html_outputs(mapped) -> None:  # type: ignore[no-untyped-def]
    text, media = render(mapped, "csv")
    assert media.startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len({r["requirement_key"] for r in rows}) == mapped["summary"]["requirements"]
    assert sum(r["covered"] == "yes" for r in rows) == 21
    md, _ = render(mapped, "md")
    assert "| 四级/中级工 |" in md and "21/57" in md and "**未覆盖**" in md
    page, media = render(mapped, "html")
    assert media.startswith("text/html") and page.count("<svg") == 1
    assert "<script" not in page and not re.search(r"(src|href)=\"https?:", page)  # self-contained, no CDN


def test_html_escapes_what_the_school_wrote(store: EmbeddedStore) -> None:
    c = parse_curriculum('code,title,hours,learning_outcomes\nX1,"<script>alert(1)</script>",32,能开启智能系统\n')
    page, _ = render(map_curriculum(store, c, "510209", standards=[STD]), "html")
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# ---------------------------------------------------------------- CLI


def test_cli_map(built: BuildResult, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from graph.cli.main import main

    store = str(built.store_path)
    assert (
        main(
            [
                "curriculum",
                "map",
                str(CURRICULUM),
                "--major",
                "510209",
                "--standard",
                STD,
                "--format",
                "json",
                "--store",
                store,
            ]
        )
        == 0
    )
    result = json.loads(capsys.readouterr().out)
    assert result["summary"]["covered"] == 21
    fixes = tmp_path / "fixes.json"
    fixes.write_text(json.dumps(EXPECTED["with_overrides"]["overrides"]), encoding="utf-8")
    out = tmp_path / "report.html"
    assert (
        main(
            [
                "curriculum",
                "map",
                str(CURRICULUM),
                "--major",
                "510209",
                "--standard",
                STD,
                "--overrides",
                str(fixes),
                "--format",
                "html",
                "-o",
                str(out),
                "--store",
                store,
            ]
        )
        == 0
    )
    assert "<svg" in out.read_text(encoding="utf-8")
    assert "未采用的修正" in capsys.readouterr().err
    bad = DATA / "invalid" / "bad-rows-after-multiline-cell.csv"
    assert main(["curriculum", "map", str(bad), "--major", "510209", "--store", store]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:5: 学时应为数字" in err and f"{bad}:6: 课程名称是空的" in err
    assert "2 处问题，没有进行分析" in err
    assert main(["curriculum", "map", str(CURRICULUM), "--major", "510299", "--store", store]) == 1
    assert "510209 人工智能技术应用" in capsys.readouterr().err


# ---------------------------------------------------------------- API


@pytest.fixture()
def saving_client(store: EmbeddedStore, tmp_path: Path):  # type: ignore[no-untyped-def]
    from server import create_app

    app = create_app(
        {"TESTING": True, "STORE": store, "CURRICULA_DIR": str(tmp_path / "saved"), "CURRICULUM_MAX_BYTES": 20_000}
    )
    return app.test_client(), tmp_path / "saved"


def test_api_maps_without_storing(saving_client) -> None:  # type: ignore[no-untyped-def]
    client, saved = saving_client
    body = CURRICULUM.read_bytes()
    r = client.post(f"/api/curricula?major=510209&standard={STD}", data=body, content_type="text/csv")
    assert r.status_code == 200 and r.get_json()["summary"]["covered"] == 21 and r.get_json()["saved"] is None
    r = client.post(
        "/api/curricula",
        json={
            "major": "510209",
            "csv": body.decode(),
            "standards": [STD],
            "format": "md",
            "overrides": EXPECTED["with_overrides"]["overrides"],
        },
    )
    assert r.status_code == 200 and r.mimetype == "text/markdown" and "forced" in r.get_data(as_text=True)
    r = client.post(
        "/api/curricula",
        data={"file": (io.BytesIO(body), "plan.csv"), "major": "510209", "standard": STD, "format": "csv"},
        content_type="multipart/form-data",
    )
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert not saved.exists()


def test_api_saves_only_when_asked(saving_client) -> None:  # type: ignore[no-untyped-def]
    client, saved = saving_client
    r = client.post(
        "/api/curricula",
        data={
            "file": (io.BytesIO(CURRICULUM.read_bytes()), "plan.csv"),
            "major": "510209",
            "save": "true",
            "standard": STD,
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 201
    sid = r.get_json()["saved"]["id"]
    assert r.headers["Location"] == f"/api/curricula/{sid}"
    assert (saved / f"{sid}.json.gz").is_file()  # one compact file (graph/schools/saved.py)
    again = client.get(f"/api/curricula/{sid}")
    assert again.status_code == 200 and again.get_json()["summary"]["covered"] == 21
    assert client.get(f"/api/curricula/{sid}?format=html").mimetype == "text/html"
    assert client.get("/api/curricula/0123456789abcdef").status_code == 404
    assert client.get("/api/curricula/nope").status_code == 400


def test_api_malformed_csv_is_refused_and_nothing_written(saving_client) -> None:  # type: ignore[no-untyped-def]
    client, saved = saving_client
    bad = (DATA / "invalid" / "bad-rows-after-multiline-cell.csv").read_bytes()
    r = client.post("/api/curricula?major=510209&save=true", data=bad, content_type="text/csv")
    assert r.status_code == 400
    body = r.get_json()
    assert "没有进行分析，也没有保存" in body["error"]
    assert [(e["line"], e["code"], e["message"].split("，")[0]) for e in body["errors"]] == [
        (5, "not-a-number", "学时应为数字"),
        (6, "title-empty", "课程名称是空的"),
    ]
    assert not saved.exists()


def test_api_bad_requests(saving_client) -> None:  # type: ignore[no-untyped-def]
    client, saved = saving_client
    body = CURRICULUM.read_bytes()
    r = client.post("/api/curricula?major=510299", data=body, content_type="text/csv")
    assert r.status_code == 404 and "510209" in [s["code"] for s in r.get_json()["suggestions"]]
    r = client.post("/api/curricula?major=510209", data=b"x" * 30_000, content_type="text/csv")
    assert r.status_code == 413 and "20,000" in r.get_json()["error"]
    r = client.post("/api/curricula", data=body, content_type="text/csv")
    assert r.status_code == 400 and "major" in r.get_json()["error"] and "专业代码" in r.get_json()["error"]
    r = client.post("/api/curricula?major=510209&format=pdf", data=body, content_type="text/csv")
    assert r.status_code == 400
    r = client.post("/api/curricula?major=510209", json={"csv": 3})
    assert r.status_code == 400
    r = client.post("/api/curricula", json={"major": "510209", "csv": body.decode(), "overrides": {"maybe": []}})
    assert r.status_code == 400 and "overrides" in r.get_json()["error"]
    r = client.post("/api/curricula?major=510209", data=body, content_type="application/pdf")
    assert r.status_code == 415
    assert not saved.exists()


def test_upload_page_shows_line_errors(saving_client) -> None:  # type: ignore[no-untyped-def]
    client, _ = saving_client
    bad = (DATA / "invalid" / "dupe-course-codes.csv").read_bytes()
    r = client.post(
        "/curricula",
        data={"file": (io.BytesIO(bad), "plan.csv"), "major": "510209"},
        content_type="multipart/form-data",
    )
    page = r.get_data(as_text=True)
    assert r.status_code == 400 and "第 3 行" in page and "课程 AI101 在第 2 行已经出现过" in page
    # every message a school sees on the page is Chinese: none of the API's machine codes or English
    assert "already given" not in page and "code-twice" not in page
    r = client.post(
        "/curricula",
        data={"file": (io.BytesIO(CURRICULUM.read_bytes()), "plan.csv"), "major": "510209", "overrides": "{x"},
        content_type="multipart/form-data",
    )
    assert r.status_code == 400 and "修正内容（overrides）不是有效的 JSON（第 1 行第 2 列）" in r.get_data(as_text=True)
    r = client.post(
        "/curricula",
        data={"file": (io.BytesIO(CURRICULUM.read_bytes()), "plan.csv"), "major": "519999"},
        content_type="multipart/form-data",
    )
    assert r.status_code == 404 and "没有代码为 519999 的专业" in r.get_data(as_text=True)
    r = client.post(
        "/curricula",
        data={"file": (io.BytesIO(CURRICULUM.read_bytes()), "plan.csv"), "major": "510209", "standard": STD},
        content_type="multipart/form-data",
    )
    assert r.status_code == 200 and "<svg" in r.get_data(as_text=True)


# ---------------------------------------------------------------- any major (issue 14)

ECOMMERCE = DATA / "valid" / "ecommerce-530701.csv"


def test_tolerant_of_how_schools_phrase_outcomes(store: EmbeddedStore) -> None:
    from graph.schools.curriculum import MATCH_THRESHOLD, CurriculumIndex, score_pair

    index = CurriculumIndex.load(store)
    analyzer, word_idf, bigram_idf = index.analyzer, index.word_idf, index.bigram_idf
    req = analyzer.features("能根据软件/产品需求规格说明书编写测试用例")
    out = analyzer.features("能根据需求说明书编写测试用例")
    score, evidence, missing, head = score_pair(req, out, analyzer.lists.synonyms, word_idf, bigram_idf)
    # 软件/产品 are alternatives, and with 规格 they only qualify words the outcome has (需求, 说明书)
    assert score >= MATCH_THRESHOLD and head
    assert missing == ["软件/产品(修饰)", "规格(修饰)"]
    # a different task still does not match
    other = analyzer.features("能根据需求说明书设计数据库")
    assert score_pair(req, other, analyzer.lists.synonyms, word_idf, bigram_idf)[0] < MATCH_THRESHOLD


def test_ecommerce_530701_hand_written_curriculum(store: EmbeddedStore) -> None:
    """Ten courses written by hand for 电子商务 (530701) against its MOE ability requirements and the main
    tasks of its nine occupations (none has a standard with work requirements in the graph)."""
    c = parse_curriculum(ECOMMERCE.read_bytes(), ECOMMERCE.name)
    assert len(c.courses) == 10
    result = map_curriculum(store, c, "530701")
    rows = {(r["standard"], r["section"]): r for r in result["requirements"]}
    accepted = {k: r["matches"][0]["course"] for k, r in rows.items() if r["covered"]}
    # each match is one a reader accepts: the course's outcomes state the ability or task
    assert accepted == {
        ("530701#abilities", "2"): "EC104",  # 整合营销和销售方案制订与实施…构建销售漏斗 <- 网络营销
        ("530701#abilities", "3"): "EC106",  # 客服日常管理、客户投诉受理、风控、服务质量监控 <- 客户服务与管理
        ("530701#abilities", "5"): "EC108",  # 互联网产品规划和开发方案…电商产品设计与开发 <- 互联网产品开发
        ("530701#abilities", "6"): "EC101",  # 诚实守信…遵守电子商务法律法规 <- 电子商务基础
        ("4-01-02-01#tasks", "8"): "EC105",  # 营销员: 维护客户关系 <- 社群运营
    }
    # the ability split over two outcomes of one course is covered by the course as a whole
    assert rows[("530701#abilities", "3")]["matches"][0]["outcome"] == "EC106/全部"
    # near misses are shown with what is missing: 视觉设计 lacks 企业的市场定位
    near = rows[("530701#abilities", "4")]["other_candidates"][0]
    assert near["course"] == "EC107" and {"企业", "市场", "定位"} <= set(near["missing_words"])
    for fmt in ("md", "html"):
        text, _ = render(result, fmt)
        assert "专业能力要求" in text and "最接近（未达阈值）" in text and "缺少：企业" in text
    text, _ = render(result, "csv")
    near_rows = [r for r in csv.DictReader(io.StringIO(text)) if r["near_miss_course"] == "EC107"]
    assert near_rows and "市场" in near_rows[0]["near_miss_missing_words"]
    md, _ = render(result, "md")
    headings = [line for line in md.splitlines() if line.startswith("#")]
    assert headings and all(re.search(r"[\u4e00-\u9fff]", h) for h in headings)
    assert not any(re.search(r"\b(Coverage|Requirements|Courses|Notes)\b", h) for h in headings)

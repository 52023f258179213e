"""Skill standards, levels, rule sets and work requirements: facts from the real data, the SPARQL
shapes other areas rely on (docs/standards.md), the QC report, the API and the CLI."""

from __future__ import annotations

import json

import pytest

from graph.cli.main import main as cli_main

PREFIXES = """PREFIX og: <https://w3id.org/occugraph/ontology/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
ID = "https://w3id.org/occugraph/id/"


def one(store, query: str) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    return store.select(PREFIXES + query)


# ---------------------------------------------------------------- standards and their occupations


def test_all_702_national_standards_with_date_and_document_number(store):
    rows = one(
        store,
        """SELECT (COUNT(DISTINCT ?s) AS ?n) (COUNT(DISTINCT ?d) AS ?docs) WHERE {
      ?s a og:NationalSkillStandard ; og:issueDate ?date ; og:documentNumber ?d }""",
    )
    assert rows[0]["n"] == "702"
    assert int(rows[0]["docs"]) == 168


def test_resolution_counts(store):
    rows = one(store, """SELECT ?how (COUNT(?s) AS ?n) WHERE { ?s og:occupationResolution ?how } GROUP BY ?how""")
    assert {r["how"]: int(r["n"]) for r in rows} == {
        "code-and-name": 521,
        "name": 143,  # 142 + 道岔钳工修订 (the list's 修订 "revised" stripped: fixes.tsv)
        "code-and-similar-name": 14,
        "code-and-work-type": 1,  # 装饰镶贴工 at 6-29-04-01 装饰装修工, whose 工种 include 镶贴工
        "alias": 1,
        "work-type": 14,  # the name is a 工种 of one occupation (the 2022 dictionary text; issue 14)
        "unresolved": 8,
    }


@pytest.mark.parametrize(
    "sid, code, how",
    [
        ("2-02-10-09-2021", "2-02-38-01", "name"),  # 2015-edition code of 人工智能工程技术人员
        ("X4-07-99-05-2012", "4-12-04-04", "name"),  # X (supplement to 1999) code of 锁具修理工
        ("6-04-06-01-2012", "6-18-04-03", "name"),  # 6-04-06-01（1999年版） 磨料制造工
        ("6-30-05-01-014-2026", "6-30-05-01", "code-and-name"),  # a work-type code under 起重装卸机械操作工
        ("4-04-05-04-2021", "4-08-08-23", "name"),  # 建筑信息模型技术员: its old code is now 数据库运行管理员
        ("6-02-06-11-2019", "6-02-06-11", "code-and-similar-name"),  # 评茶员 -> 评茶师
        ("6-23-09-08-2007", "6-23-01-05", "name"),  # 道岔钳工修订 (2007): 道岔钳工, printed under a 2007 code
        ("6-29-04-01-2000", "6-29-04-01", "code-and-work-type"),  # 装饰镶贴工: the 工种 镶贴工 of 装饰装修工
    ],
)
def test_older_codes_resolve_to_the_current_occupation(store, sid, code, how):
    rows = one(
        store,
        f"""SELECT ?code ?how WHERE {{
      <{ID}standard/{sid}> og:forOccupation ?o ; og:occupationResolution ?how . ?o skos:notation ?code }}""",
    )
    assert rows == [{"code": code, "how": how}]


def test_the_shape_other_areas_query_for_has_a_standard(store):
    # the new-occupation helper asks exactly this
    def has_standard(code: str) -> bool:
        ask = f"ASK {{ ?std a og:NationalSkillStandard ; og:forOccupation <{ID}occupation/{code}> }}"
        return bool(store.query(PREFIXES + ask))

    assert has_standard("4-04-05-05")
    assert not has_standard("1-01-00-01")


def test_standards_issued_in_2024(store):
    rows = one(
        store,
        """SELECT (COUNT(?s) AS ?n) WHERE {
      ?s a og:NationalSkillStandard ; og:issueDate ?d . FILTER(YEAR(?d) = 2024) }""",
    )
    assert rows[0]["n"] == "55"


def test_levels_covered_are_parsed_and_unknown_ones_reported(store):
    rows = one(store, """SELECT ?p (COUNT(?s) AS ?n) WHERE { ?s og:levelCoverageProvenance ?p } GROUP BY ?p""")
    assert {r["p"]: int(r["n"]) for r in rows} == {"parsed": 601, "unknown": 101}
    rows = one(store, f"""SELECT ?l WHERE {{ <{ID}standard/2-02-10-09-2021> og:coversLevel ?l }}""")
    assert {r["l"] for r in rows} == {ID + "level/professional-" + x for x in ("junior", "intermediate", "senior")}


# ---------------------------------------------------------------- levels


def test_level_ladder_is_ordered_with_names(store):
    rows = one(
        store,
        """SELECT ?l ?rank ?zh WHERE { ?l a og:SkillLevel ; og:levelRank ?rank ; skos:prefLabel ?zh .
      FILTER(LANG(?zh) = "zh") } ORDER BY ?rank""",
    )
    assert [r["zh"] for r in rows] == [
        "学徒工",
        "五级/初级工",
        "四级/中级工",
        "三级/高级工",
        "二级/技师",
        "一级/高级技师",
        "特级技师",
        "首席技师",
    ]
    chain = one(store, f"""SELECT ?n WHERE {{ <{ID}level/5> og:nextHigherLevel+ ?h . ?h og:officialLevelNumber ?n }}""")
    assert sorted(int(r["n"]) for r in chain) == [1, 2, 3, 4]


def test_titles_count_toward_skill_levels_as_the_rules_state(store):
    rows = one(store, """SELECT ?t ?l WHERE { ?t og:titleCountsTowardLevel ?l }""")
    pairs = {(r["t"].rsplit("/", 1)[-1], r["l"].rsplit("/", 1)[-1]) for r in rows}
    assert pairs == {
        ("professional-junior", "3"),
        ("professional-junior", "2"),
        ("professional-intermediate", "2"),
        ("professional-intermediate", "1"),
        ("professional-senior", "1"),
    }


# ---------------------------------------------------------------- rule sets


@pytest.mark.parametrize(
    "sid, rule_set, basis",
    [
        ("6-31-01-03-2018", "electrician-welder-2018", "stated"),  # 电工 2018
        ("4-04-05-05-2021", "electrician-welder-2018", "applied-by-edition"),
        ("4-07-02-05-2024", "generic-post-2024", "applied-by-edition"),
        ("X4-07-99-05-2012", "fitter-pre-2018", "applied-by-edition"),
    ],
)
def test_rule_set_per_standard(store, sid, rule_set, basis):
    rows = one(
        store,
        f"""SELECT ?set ?basis WHERE {{
      <{ID}standard/{sid}> og:eligibilityRuleSet ?set ; og:ruleSetBasis ?basis }}""",
    )
    assert rows == [{"set": f"{ID}rule-set/{rule_set}", "basis": basis}]


def test_professional_standards_have_no_rule_set(store):
    rows = one(store, """SELECT ?s WHERE { ?s og:levelLadder "professional" ; og:eligibilityRuleSet ?x }""")
    assert rows == []


def test_every_rule_keeps_its_text_and_source(store):
    rows = one(
        store,
        """SELECT (COUNT(?r) AS ?n) WHERE {
      ?r og:ruleText ?t ; og:ruleSummary ?s ; og:inRuleSet ?set . ?set <http://purl.org/dc/terms/source> ?src }""",
    )
    assert rows[0]["n"] == "43"  # 41 of the three standard rule sets + 2 skill-to-title (贯通) rules


# ---------------------------------------------------------------- work requirements


def test_merged_level4_and_level3_tables_were_split(store):
    # 4-04-04-02 (数据安全管理员): the 三级 lines had been merged into 四级
    def texts(level: str) -> set[str]:
        sl = f"<{ID}standard/4-04-04-02-2024/level/{level}>"
        rows = one(store, f"""SELECT ?t WHERE {{ ?r og:partOfStandardLevel {sl} ; og:requirementText ?t }}""")
        return {r["t"] for r in rows}

    assert "能监测文件变化" in texts("4") and "能监测文件变化" not in texts("3")
    assert "能监测数据库的访问情况" in texts("3") and "能监测数据库的访问情况" not in texts("4")


def test_higher_levels_include_lower_ones_without_repeating_text(store):
    rows = one(
        store,
        f"""SELECT (COUNT(DISTINCT ?r) AS ?all) WHERE {{
      <{ID}standard/4-04-05-05-2021/level/3> og:includesRequirementsOf* ?sl . ?r og:partOfStandardLevel ?sl }}""",
    )
    own = one(
        store,
        f"""SELECT (COUNT(?r) AS ?n) WHERE {{
      ?r og:partOfStandardLevel <{ID}standard/4-04-05-05-2021/level/3> }}""",
    )
    assert int(rows[0]["all"]) > int(own[0]["n"]) > 0
    dupes = one(
        store,
        """SELECT ?t WHERE { ?a og:requirementText ?t ; og:ofStandard ?s ; a ?k .
      ?b og:requirementText ?t ; og:ofStandard ?s ; a ?k . FILTER(?a != ?b) } LIMIT 1""",
    )
    assert dupes == []


def test_requirement_text_artefacts_were_cleaned(store):
    rows = one(
        store,
        """SELECT ?t WHERE { ?r og:requirementText ?t .
      FILTER(STRENDS(?t, "续表") || CONTAINS(?t, "(%)") || CONTAINS(?t, "ồ")) }""",
    )
    assert rows == []
    rows = one(
        store,
        """SELECT ?n WHERE {
      ?f a og:OccupationalFunction ; <http://www.w3.org/2000/01/rdf-schema#label> ?n .
      FILTER(CONTAINS(?n, "权重表") || CONTAINS(?n, "ồ")) }""",
    )
    assert rows == []


def test_requirement_shape_for_course_matching(store):
    # the shape documented for the schools helper: each requirement with its IRI, text, level and occupation
    rows = one(
        store,
        f"""SELECT ?req ?text ?level ?code WHERE {{
      ?req a og:SkillRequirement ; og:requirementText ?text ; og:atLevel ?level ; og:ofStandard ?std .
      ?std og:forOccupation ?occ . ?occ skos:notation ?code .
      FILTER(?code = "4-04-05-05" && ?level = <{ID}level/5>) }}""",
    )
    assert len(rows) == 12
    assert any(r["text"] == "能利用设备、工具等完成原始业务数据采集" for r in rows)


# ---------------------------------------------------------------- QC report


def test_qc_report_has_the_standards_sections(built):
    report = (built.dist / "qc-report.md").read_text(encoding="utf-8")
    for heading in (
        "## WARN: standard-occupation-unresolved",
        "## WARN: standard-levels-unknown",
        "## ERROR: rule-reference-missing",
        "## INFO: occupation-without-standard",
        "## INFO: standard-cites-older-code",
        "## Notes: standards: occupation resolution",
        "## Notes: work requirements: fixes applied by the importer",
        "## Notes: eligibility rules",
    ):
        assert heading in report
    assert built.qc_counts["rule-reference-missing"] == 0
    # 24 before the 工种 of the dictionary text, 10 before 修订 and code-and-work-type
    assert built.qc_counts["standard-occupation-unresolved"] == 8


# ---------------------------------------------------------------- API


def test_list_standards_paginated_with_total(client):
    r = client.get("/api/standards?year=2024&per_page=10&page=2")
    assert r.status_code == 200
    body = r.get_json()
    assert (body["total"], body["page"], body["per_page"], body["pages"]) == (55, 2, 10, 6)
    assert len(body["results"]) == 10
    assert all(s["issued"].startswith("2024-") for s in body["results"])


def test_list_standards_by_occupation_and_level(client):
    body = client.get("/api/standards?occupation=4-04-04-02").get_json()
    assert [s["id"] for s in body["results"]] == ["4-04-04-02-2024", "4-04-04-02-2020"]
    body = client.get("/api/standards?level=高级&year=2021").get_json()
    assert body["total"] > 0 and all("3" in s["levels"] for s in body["results"])


def test_standard_detail(client):
    d = client.get("/api/standards/4-04-05-05-2021").get_json()
    assert d["doc_number"] == "人社厅发〔2021〕81号" and d["issued"] == "2021-10-21"
    assert d["occupation"] == {"code": "4-04-05-05", "name": "人工智能训练师"}
    assert d["levels"] == ["5", "4", "3", "2", "1"] and d["levels_provenance"]["provenance"] == "parsed"
    assert d["rule_set"]["basis"] == "applied-by-edition"
    by_level = {e["level"]["id"]: e for e in d["eligibility"]}
    assert [r["number"] for r in by_level["3"]["rules"]] == ["1", "2a", "2b", "3"]
    assert by_level["2"]["rules"] == []  # not in the 2018 rule set
    wr = {w["level"]["id"]: w for w in d["work_requirements"]}
    assert wr["3"]["includes_level"] == "4" and wr["5"]["includes_level"] is None
    first = wr["5"]["functions"][0]["work_contents"][0]["skills"][0]
    assert first["text"] == "能利用设备、工具等完成原始业务数据采集" and first["iri"].endswith("/level/5/skill/1.1.1")


def test_occupation_standards_and_levels(client):
    body = client.get("/api/occupations/4-04-04-02/standards").get_json()
    # 网络与信息安全管理员（数据安全管理员）of 2024 covers one 工种 only: the rules follow the 2020
    # standard for the whole occupation (issue 15)
    assert body["current"] == "4-04-04-02-2020" and body["count"] == 2
    levels = client.get("/api/occupations/4-07-02-05/levels").get_json()
    assert levels["rule_set"]["id"] == "generic-post-2024"
    three = next(lv for lv in levels["levels"] if lv["level"]["id"] == "3")
    assert len(three["routes"]) == 6 and three["routes"][2]["conditions"][0]["kind"] == "title"


def test_eligibility_routes_and_evaluation(client):
    r = client.get("/api/occupations/4-07-02-05/levels/三级/eligibility").get_json()
    assert r["level"]["id"] == "3" and len(r["routes"]) == 6
    profile = {
        "as_of": "2024-06-01",
        "titles": [{"level": "初级", "date": "2023-01-01", "corresponds": True}],
        "work": [{"occupation": "4-07-02-05", "start": "2020-01-01"}],
    }
    r = client.post("/api/occupations/4-07-02-05/levels/3/eligibility", json=profile)
    assert r.status_code == 200
    body = r.get_json()
    assert body["eligible"] is True and body["open_routes"] == ["3"]
    route1 = next(x for x in body["routes"] if x["rule"]["number"] == "1")
    assert route1["earliest_date"] == "2030-01-01" and route1["only_time_missing"] is True


@pytest.mark.parametrize(
    "method, url, kwargs, status, text",
    [
        ("get", "/api/occupations/4-04-05-99/standards", {}, 404, "no classification entry"),
        ("get", "/api/occupations/abc/levels", {}, 400, "not a classification code"),
        ("get", "/api/occupations/4-04-05-05/levels/九级/eligibility", {}, 404, "unknown level"),
        ("get", "/api/standards?year=20x4", {}, 400, "year must be an integer"),
        ("get", "/api/standards?tier=local", {}, 400, "tier must be one of"),
        ("get", "/api/standards?per_page=1000", {}, 400, "per_page must be between"),
        ("get", "/api/standards/9-99-99-99-2099", {}, 404, "no standard has id"),
        ("post", "/api/occupations/4-04-05-05/levels/3/eligibility", {"data": "x"}, 400, "JSON object"),
        (
            "post",
            "/api/occupations/4-04-05-05/levels/3/eligibility",
            {"json": {"certificates": [{"occupation": "4-04-05-05", "level": "4", "date": "2021-02-30"}]}},
            422,
            "certificates[0].date",
        ),
        (
            "post",
            "/api/occupations/4-04-05-05/levels/3/eligibility",
            {"json": {"work": [{"occupation": "9-99-99-99", "years": 3}]}},
            422,
            "not an occupation code",
        ),
    ],
)
def test_bad_input_gets_a_4xx_with_a_message(client, method, url, kwargs, status, text):
    r = getattr(client, method)(url, **kwargs)
    assert r.status_code == status
    body = r.get_json()
    assert text in body["error"] and body["status"] == status
    if "4-04-05-99" in url:
        assert body["nearest_codes"][0].startswith("4-04-05-")


def test_levels_endpoint(client):
    body = client.get("/api/levels").get_json()
    assert [lv["id"] for lv in body["levels"]][:6] == ["apprentice", "5", "4", "3", "2", "1"]
    junior = next(lv for lv in body["levels"] if lv["id"] == "professional-junior")
    assert junior["title_counts_toward"] == ["3", "2"] or sorted(junior["title_counts_toward"]) == ["2", "3"]
    assert len(body["diploma_kinds"]) == 7


# ---------------------------------------------------------------- CLI


def test_cli_eligibility_with_a_profile(built, tmp_path, capsys):
    profile = tmp_path / "me.json"
    profile.write_text(
        json.dumps(
            {
                "as_of": "2025-06-01",
                "certificates": [{"occupation": "4-04-05-05", "level": "4", "date": "2021-09-01"}],
                "work": [{"occupation": "4-04-05-05", "start": "2019-07-01"}],
            }
        ),
        encoding="utf-8",
    )
    code = cli_main(
        ["eligibility", "4-04-05-05", "三级", "--profile", str(profile), "--json", "--store", str(built.store_path)]
    )
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["closest_route"] == "1" and out["routes"][0]["earliest_date"] == "2026-09-01"


def test_cli_errors_exit_1(built, capsys):
    assert cli_main(["eligibility", "4-04-05-99", "3", "--store", str(built.store_path)]) == 1
    assert "nearest" in capsys.readouterr().err
    assert cli_main(["standards", "show", "nope", "--store", str(built.store_path)]) == 1
    assert cli_main(["standards", "list", "--year", "2026", "--store", str(built.store_path)]) == 0
    assert "(55 standards)" in capsys.readouterr().out

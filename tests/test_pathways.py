"""Career pathways (issue 4): hand-checked routes from the rule texts, time counting, no-route
answers, the API's 4xx answers, the RDF materialisation and the pictures.

Every expected figure below is worked out by hand from the rule text quoted next to it (rule sets
as in standards/eligibility/rules.tsv). The occupations used and the rule sets that apply to
them are checked first (test_rule_sets_of_the_occupations_used), so a change in the standards
data shows up there, not as a puzzling date.

Occupations:
- 供电服务员 4-11-01-01 and 电力交易员 4-11-01-02: same minor group 4-11-01, both under
  generic-post-2024 (本职业或相关职业 everywhere), applied by the standards' dates (2025, 2024);
- 家庭教育指导师 4-13-04-03: generic-post-2024, another major group (not related to 供电服务员);
- 电工 6-31-01-03: electrician-welder-2018 as stated by its 2018 standard (本职业 only; levels 5-3);
  its 2026 standard 电工（烟机电工）covers one 工种 and does not replace it (issue 15 item 1);
- 机电设备维修工 6-31-01-10: generic-post-2024, same minor group as 电工 (a move from 电工 counts);
- 行政办事员 3-01-01-01 (only a 工种 standard, 政务服务综合窗口办事员, 2020) and 劝募员 3-01-01-05:
  electrician-welder-2018;
- 宠物医师 2-03-06-03: fitter-pre-2018 (职业资格证书 only as printed, some routes need 连续 work);
- 邮政投递员 4-02-07-04: generic-post-2024, in a minor group of six occupations with the same rules;
- 2-02-38-01 人工智能工程技术人员: a professional-technical standard (no skill rules);
- 1-01-00-01: no national standard.

Policies as data (standards/eligibility/): certificate-equivalences.tsv (a 职业技能等级证书 counts
where a pre-2018 rule names 职业资格证书, applications from 2019-12-30) and the rule set
skill-to-title-2020 (高级工 + 2 years -> 助理工程师, 技师 + 3 years -> 工程师).
"""

from __future__ import annotations

import dataclasses
import json
import xml.etree.ElementTree as ET
from datetime import date

import pytest

from graph.cli.main import main
from graph.pathways.engine import PathwayEngine, PathwayError, PathwayResult, QueryParser
from graph.pathways.render import route_graph, to_dot, to_mermaid, to_svg
from graph.standards.eligibility import RelatedOccupations

AS_OF = "2026-01-01"
GEN, REL, UNREL = "4-11-01-01", "4-11-01-02", "4-13-04-03"
ELEC, MECH = "6-31-01-03", "6-31-01-10"
E2018, E2018_B = "3-01-01-01", "3-01-01-05"
FITTER, PROF, NOSTD = "2-03-06-03", "2-02-38-01", "1-01-00-01"
POST = "4-02-07-04"
G, E = "generic-post-2024", "electrician-welder-2018"


@pytest.fixture(scope="module")
def engine(store) -> PathwayEngine:  # type: ignore[no-untyped-def]
    return PathwayEngine.from_store(store)


def ask(engine: PathwayEngine, json_body: bool = False, **params: object) -> PathwayResult:
    params.setdefault("as_of", AS_OF)
    q = QueryParser(engine, today=date(2026, 1, 1)).parse(params, json_body=json_body)
    return engine.find_routes(
        q.profile, q.target or "", q.target_level or "", q.max_routes, origin=q.origin, moves=q.moves
    )


def steps(result: PathwayResult, i: int = 0) -> list[tuple[str, str, str, float]]:
    """(occupation, level, rule number, years) per step of route i."""
    return [(s.target.occupation or "", s.target.level or "", s.rule.number, s.years) for s in result.routes[i].steps]


def test_rule_sets_of_the_occupations_used(engine: PathwayEngine) -> None:
    occs = (GEN, REL, UNREL, ELEC, MECH, E2018, E2018_B, FITTER, POST)
    sets = {occ: engine.rule_set_of[occ].id for occ in occs}  # type: ignore[union-attr]
    assert sets == {
        GEN: G,
        REL: G,
        UNREL: G,
        ELEC: E,
        MECH: G,
        E2018: E,
        E2018_B: E,
        FITTER: "fitter-pre-2018",
        POST: G,
    }
    assert engine.related(GEN, REL) and not engine.related(GEN, UNREL) and engine.related(ELEC, MECH)
    assert PROF not in engine.rule_set_of and NOSTD not in engine.standards


# ---------------------------------------------------------------------------------------- promotions


def test_level_5_to_4_counts_years_from_the_certificate(engine: PathwayEngine) -> None:
    # G 4/2 取得五级证书后，累计从事本职业或相关职业工作满3年: 2023-05-01 + 3 y = 2026-05-01
    r = ask(
        engine,
        **{"from": GEN, "from_level": "5", "level_since": "2023-05-01", "years_worked": 3, "to": GEN, "to_level": "4"},
    )
    assert steps(r) == [(GEN, "4", "2", 0.33)]
    assert r.routes[0].reached_on == date(2026, 5, 1)
    # the alternative: G 4/1 累计从事…满5年, 3 served -> 2 more
    assert steps(r, 1) == [(GEN, "4", "1", 2.0)]


def test_level_4_to_3_already_qualifies(engine: PathwayEngine) -> None:
    # G 3/2: level 4 since 2021-05-01 + 4 y = 2025-05-01 <= as_of
    r = ask(
        engine,
        **{"from": GEN, "from_level": "4", "level_since": "2021-05-01", "years_worked": 6, "to": GEN, "to_level": "3"},
    )
    assert r.already_qualifies and r.routes[0].total_years == 0
    assert steps(r)[0][:3] == (GEN, "3", "2")


def test_level_3_to_2_with_part_of_the_time_served(engine: PathwayEngine) -> None:
    # G 2/1 取得三级证书后…满5年: 2022-03-01 + 5 y = 2027-03-01, i.e. 1 y 59 d after as_of
    r = ask(
        engine,
        **{"from": GEN, "from_level": "3", "level_since": "2022-03-01", "years_worked": 10, "to": GEN, "to_level": "2"},
    )
    assert r.routes[0].reached_on == date(2027, 3, 1)
    assert r.routes[0].total_years == round(1 + 59 / 365, 2)


def test_straight_promotions_4_to_1(engine: PathwayEngine) -> None:
    # 3 now (G 3/2), 2 five years after it (G 2/1), 1 five years after that (G 1/1)
    r = ask(
        engine,
        **{"from": GEN, "from_level": "4", "level_since": "2021-05-01", "years_worked": 6, "to": GEN, "to_level": "1"},
    )
    assert steps(r) == [(GEN, "3", "2", 0.0), (GEN, "2", "1", 5.0), (GEN, "1", "1", 5.0)]
    assert r.routes[0].total_years == 10.0 and [s.kind for s in r.routes[0].steps] == ["promotion"] * 3
    # the next best waits for 10 years in total (G 3/1: 6 served, 4 more) before level 3
    assert r.routes[1].total_years == 14.0


def test_years_before_the_certificate_do_not_count(engine: PathwayEngine) -> None:
    # G 1/1 counts only the years after the level-2 certificate: 20 years worked in total do not help
    r = ask(
        engine,
        **{"from": GEN, "from_level": "2", "level_since": "2024-01-01", "years_worked": 20, "to": GEN, "to_level": "1"},
    )
    assert steps(r) == [(GEN, "1", "1", 3.0)]


def test_total_years_route_beats_a_certificate_route(engine: PathwayEngine) -> None:
    # no certificate, 7 years worked: G 3/1 (10 in total) in 3 y; via level 4 (G 4/1 now) + 4 y (G 3/2) is slower
    r = ask(engine, **{"from": GEN, "years_worked": 7, "to": GEN, "to_level": "3"})
    assert steps(r) == [(GEN, "3", "1", 3.0)]
    assert r.routes[0].steps[0].kind == "work-entry"
    assert steps(r, 1) == [(GEN, "4", "1", 0.0), (GEN, "3", "2", 4.0)]


def test_29_february_certificate(engine: PathwayEngine) -> None:
    # 2020-02-29 + 5 years = 2025-02-28 (no 29 February in 2025)
    r = ask(
        engine,
        as_of="2025-01-01",
        **{"from": GEN, "from_level": "3", "level_since": "2020-02-29", "years_worked": 10, "to": GEN, "to_level": "2"},
    )
    assert r.routes[0].reached_on == date(2025, 2, 28)


def test_as_of_in_the_past(engine: PathwayEngine) -> None:
    # as of 2020-01-01: level 5 of 2019-01-01 + 3 y (G 4/2) = 2022-01-01
    r = ask(
        engine,
        as_of="2020-01-01",
        **{"from": GEN, "from_level": "5", "level_since": "2019-01-01", "years_worked": 1, "to": GEN, "to_level": "4"},
    )
    assert steps(r)[0] == (GEN, "4", "2", 2.0)


def test_level_since_missing_counts_from_as_of(engine: PathwayEngine) -> None:
    # without level_since nothing is served after the certificate: level 3 now by G 3/1 (10 years in
    # total), then G 2/1 five years after it
    r = ask(engine, **{"from": GEN, "from_level": "4", "years_worked": 10, "to": GEN, "to_level": "2"})
    assert r.routes[0].total_years == 5.0
    q = QueryParser(engine, today=date(2026, 1, 1)).parse({"from": GEN, "from_level": "4", "to": GEN, "to_level": "2"})
    assert any("未填取证日期" in a for a in q.assumptions)


def test_continuous_work_sees_the_gap(engine: PathwayEngine) -> None:
    # fitter-pre-2018 3/2 取得本职业中级职业资格证书后，连续从事本职业工作7年以上: the longest unbroken
    # spell after the certificate starts 2019-01-01, so 7 years are reached on 2026-01-01
    profile = {
        "as_of": "2025-01-01",
        "certificates": [
            {"occupation": FITTER, "level": "4", "date": "2015-01-01", "kind": "vocational-qualification"}
        ],
        "work": [
            {"occupation": FITTER, "start": "2015-01-01", "end": "2018-01-01"},
            {"occupation": FITTER, "start": "2019-01-01"},
        ],
    }
    r = ask(engine, json_body=True, to=FITTER, to_level="3", profile=profile, as_of=None)
    assert steps(r) == [(FITTER, "3", "2", 1.0)]


def test_same_occupation_rules_ignore_related_work(engine: PathwayEngine) -> None:
    # electrician-welder-2018 counts only 本职业: 8 years in 3-01-01-05 do not count for 3-01-01-01;
    # level 5 after 1 year there (5/1), level 4 four years after it (4/1)
    r = ask(engine, **{"from": E2018_B, "years_worked": 8, "to": E2018, "to_level": "4"})
    assert steps(r) == [(E2018, "5", "1", 1.0), (E2018, "4", "1", 4.0)]


def test_related_occupation_work_counts(engine: PathwayEngine) -> None:
    # G 4/1 累计从事本职业或相关职业工作满5年: 8 years in 仪器仪表维修工 count for 电工
    r = ask(engine, **{"from": REL, "years_worked": 8, "to": GEN, "to_level": "4"})
    assert r.already_qualifies and steps(r) == [(GEN, "4", "1", 0.0)]


def test_same_occupation_rule_set_already_qualifies(engine: PathwayEngine) -> None:
    # electrician-welder-2018 3/1: level 4 (2020-01-01) + 5 years of work in 本职业 -> 2025-01-01
    r = ask(
        engine,
        **{
            "from": E2018,
            "from_level": "4",
            "level_since": "2020-01-01",
            "years_worked": 8,
            "to": E2018,
            "to_level": "3",
        },
    )
    assert r.already_qualifies and steps(r)[0][:3] == (E2018, "3", "1")


# ---------------------------------------------------------------------------------------- diplomas


def test_diploma_entry_to_level_4(engine: PathwayEngine) -> None:
    # G 4/3 取得本专业或相关专业的技工院校…毕业证书: a technical-school diploma of 2025 opens level 4 at once
    r = ask(
        engine, **{"from": GEN, "diploma": "技工院校", "diploma_graduation": "2025-07-01", "to": GEN, "to_level": "4"}
    )
    assert steps(r)[0] == (GEN, "4", "3", 0.0) and r.routes[0].steps[0].kind == "diploma-entry"


def test_graduating_student_counts(engine: PathwayEngine) -> None:
    # （含在读应届毕业生）: graduation on 2026-06-30 is within a year of as_of
    r = ask(
        engine, **{"from": GEN, "diploma": "技工院校", "diploma_graduation": "2026-06-30", "to": GEN, "to_level": "4"}
    )
    assert r.already_qualifies and steps(r)[0][:3] == (GEN, "4", "3")


def test_higher_vocational_diploma_shortcuts_level_3(engine: PathwayEngine) -> None:
    # G 3/5 level 4 + 高等职业学校…毕业证书: now; without it G 3/2 needs 4 years after 2025-01-01
    r = ask(
        engine,
        **{
            "from": GEN,
            "from_level": "4",
            "level_since": "2025-01-01",
            "years_worked": 1,
            "diploma": "高职",
            "to": GEN,
            "to_level": "3",
        },
    )
    assert steps(r)[0] == (GEN, "3", "5", 0.0)
    assert steps(r, 1)[0] == (GEN, "3", "2", 3.0)


# ---------------------------------------------------------------------------------------- titles


def test_junior_title_crossover_to_level_3(engine: PathwayEngine) -> None:
    # G 3/3 取得符合专业对应关系的初级职称后，累计从事…工作满1年: title 2024-06-01 -> 2025-06-01 <= as_of
    r = ask(
        engine,
        **{"from": GEN, "years_worked": 2, "title": "初级", "title_since": "2024-06-01", "to": GEN, "to_level": "3"},
    )
    assert steps(r)[0] == (GEN, "3", "3", 0.0) and r.routes[0].steps[0].kind == "title-crossover"


def test_intermediate_title_crossover_to_level_2(engine: PathwayEngine) -> None:
    # G 2/3 取得…中级职称后，累计从事…工作满1年: 2025-06-01 + 1 y = 2026-06-01
    r = ask(
        engine,
        **{"from": GEN, "years_worked": 3, "title": "中级", "title_since": "2025-06-01", "to": GEN, "to_level": "2"},
    )
    assert steps(r)[0] == (GEN, "2", "3", round(151 / 365, 2))


def test_title_that_does_not_correspond_is_not_used(engine: PathwayEngine) -> None:
    # corresponds: false -> no title route; level 4 after 3 more years (G 4/1) and 4 years after it (G 3/2)
    profile = {
        "work": [{"occupation": GEN, "years": 2}],
        "titles": [{"level": "初级", "date": "2024-06-01", "corresponds": False}],
    }
    r = ask(engine, json_body=True, to=GEN, to_level="3", profile=profile)
    assert r.routes[0].total_years == 7.0
    assert all(s.kind != "title-crossover" for route in r.routes for s in route.steps)


# ---------------------------------------------------------------------------------------- related occupations


def test_move_to_a_related_occupation(engine: PathwayEngine) -> None:
    # G 2/1 of 仪器仪表维修工 accepts a level-3 certificate of 电工 (same minor group) + 5 years after it
    r = ask(
        engine,
        **{"from": GEN, "from_level": "3", "level_since": "2020-01-01", "years_worked": 8, "to": REL, "to_level": "2"},
    )
    step = r.routes[0].steps[0]
    assert step.kind == "move" and step.source.occupation == GEN and steps(r) == [(REL, "2", "1", 0.0)]


def test_move_after_a_promotion(engine: PathwayEngine) -> None:
    # G 3/2 then G 2/1, five years after 三级; 供电服务员 and 电力交易员 have the same rules, so a
    # route through both (promotion then move, or move then promotion) is one route with one move
    r = ask(
        engine,
        **{
            "from": GEN,
            "from_level": "4",
            "level_since": "2021-05-01",
            "years_worked": 6,
            "to": REL,
            "to_level": "2",
            "max_routes": 2,
        },
    )
    assert r.routes[0].total_years == 5.0 and r.routes[0].moves == 1
    assert steps(r) == [(REL, "3", "2", 0.0), (REL, "2", "1", 5.0)]
    assert all(route.moves <= 1 for route in r.routes)


def test_unrelated_occupation_starts_from_scratch(engine: PathwayEngine) -> None:
    # 供电服务员 work does not count for 家庭教育指导师. G 5/1 年满16周岁，拟从事本职业或相关职业工作: 五级 now
    # (an adult, as no age is given); G 4/2 五级 + 3 years there; G 3/2 四级 + 4 years: 7 years
    r = ask(
        engine,
        **{
            "from": GEN,
            "from_level": "4",
            "level_since": "2020-01-01",
            "years_worked": 8,
            "to": UNREL,
            "to_level": "3",
        },
    )
    assert steps(r) == [(UNREL, "5", "1", 0.0), (UNREL, "4", "2", 3.0), (UNREL, "3", "2", 4.0)]
    assert r.routes[0].total_years == 7.0


def test_editor_relation_opens_a_move(store) -> None:  # type: ignore[no-untyped-def]
    from graph.standards.queries import RuleBook

    book = RuleBook.load(store)
    pairs = [tuple(sorted(p)) for p in book.related.pairs] + [(GEN, UNREL)]
    edited = PathwayEngine.from_book(dataclasses.replace(book, related=RelatedOccupations(pairs)), store)
    r = ask(
        edited,
        **{
            "from": GEN,
            "from_level": "4",
            "level_since": "2020-01-01",
            "years_worked": 8,
            "to": UNREL,
            "to_level": "3",
        },
    )
    assert steps(r) == [(UNREL, "3", "2", 0.0)] and r.routes[0].steps[0].kind == "move"


# ---------------------------------------------------------------------------------------- no route


def test_no_route_to_a_professional_standard(engine: PathwayEngine) -> None:
    r = ask(
        engine,
        **{"from": GEN, "from_level": "3", "level_since": "2020-01-01", "years_worked": 8, "to": PROF, "to_level": "2"},
    )
    assert not r.routes and r.reason_code == "professional-standard" and "专业技术等级" in (r.reason or "")
    assert r.nearest is not None and r.nearest[0].occupation == GEN and r.nearest[0].level == "2"
    assert r.nearest[1].total_years == 0.0


def test_no_rules_for_the_level_gives_the_highest_level_below(engine: PathwayEngine) -> None:
    # electrician-welder-2018 has levels 5-3 only; level 3 is open now (3/1)
    r = ask(
        engine,
        **{
            "from": E2018,
            "from_level": "4",
            "level_since": "2020-01-01",
            "years_worked": 8,
            "to": E2018,
            "to_level": "技师",
        },
    )
    assert not r.routes and r.reason_code == "no-rules-for-level" and "二级/技师" in (r.reason or "")
    assert r.nearest is not None and (r.nearest[0].occupation, r.nearest[0].level) == (E2018, "3")
    assert r.nearest[1].total_years == 0.0


def test_principal_technician_by_name(engine: PathwayEngine) -> None:
    # no rules for 特级技师; the nearest is level 1, five years after the level-2 certificate (G 1/1)
    r = ask(
        engine,
        **{
            "from": GEN,
            "from_level": "2",
            "level_since": "2022-01-01",
            "years_worked": 10,
            "to": GEN,
            "to_level": "特级技师",
        },
    )
    assert r.target.level == "principal-technician" and not r.routes and "特级技师" in (r.reason or "")
    assert r.nearest is not None and r.nearest[0].level == "1" and r.nearest[1].total_years == 1.0


def test_no_standard(engine: PathwayEngine) -> None:
    r = ask(engine, **{"from": GEN, "to": NOSTD, "to_level": "3"})
    assert not r.routes and r.reason_code == "no-standard" and "没有国家职业技能标准" in (r.reason or "")


def test_already_holds(engine: PathwayEngine) -> None:
    r = ask(engine, **{"from": GEN, "from_level": "2", "level_since": "2020-01-01", "to": GEN, "to_level": "3"})
    assert r.already_holds and r.routes[0].steps == () and r.routes[0].total_years == 0


def test_levels_by_number_and_name(engine: PathwayEngine) -> None:
    p = QueryParser(engine)
    assert [p.level(x, "to_level") for x in ("5", 4, "高级工", "技师", "学徒工", "首席技师")] == [
        "5",
        "4",
        "3",
        "2",
        "apprentice",
        "chief-technician",
    ]
    for bad in ("0", "6", "六级", "初级职称"):
        with pytest.raises(PathwayError):
            p.level(bad, "from_level")
    # a target may be a professional title (skill-to-title crossover), by any of its names
    assert [p.level(x, "to_level", titles=True) for x in ("工程师", "助理工程师", "高级工程师", "中级职称")] == [
        "professional-intermediate",
        "professional-junior",
        "professional-senior",
        "professional-intermediate",
    ]


# ---------------------------------------------------------------------------------------- reach, next steps


def test_reachable_within_3_years(engine: PathwayEngine) -> None:
    q = QueryParser(engine, today=date(2026, 1, 1)).parse(
        {"from": GEN, "from_level": "4", "level_since": "2021-05-01", "years_worked": 6, "within": 3}, need_target=False
    )
    found = {
        (x.state.occupation, x.state.level): x.route.total_years
        for x in engine.reachable(q.profile, 3, origin=q.origin)
    }
    assert found[(GEN, "3")] == 0.0 and found[(REL, "3")] == 0.0  # G 3/2 here and in a related occupation
    assert (GEN, "2") not in found and all(y <= 3 for y in found.values())


def test_next_steps_from_an_occupation(engine: PathwayEngine) -> None:
    steps_ = {s.occupation: s for s in engine.next_steps(GEN, limit=30)}
    rel = steps_[REL]
    assert rel.counts_for_rules and rel.accepts_related
    assert {r["kind"] for r in rel.reasons} >= {"same-minor-group", "rules-accept-related"}
    similar = [s for s in steps_.values() if not s.counts_for_rules]
    assert similar and all(any(r["kind"] == "shared-tasks" and r["words"] for r in s.reasons) for s in similar)


# ---------------------------------------------------------------------------------------- HTTP


def test_api_get(client) -> None:  # type: ignore[no-untyped-def]
    resp = client.get(
        f"/api/pathways?from={GEN}&from_level=4&level_since=2021-05-01&years_worked=6"
        f"&to={REL}&to_level=技师&as_of={AS_OF}"
    )
    assert resp.status_code == 200
    d = resp.get_json()
    route = d["routes"][0]
    assert isinstance(route["total_years"], float | int) and route["total_years"] == 5.0
    step = route["steps"][-1]
    assert step["to"]["occupation"]["code"] == REL and step["to"]["level"]["number"] == 2
    assert step["years"] == 5.0 and step["rule"]["rule_set"] == G and "满5年" in step["rule"]["text"]
    assert step["from"]["level"]["id"] == "3" and d["reason"] is None


def test_api_post_full_profile_matches_get(client) -> None:  # type: ignore[no-untyped-def]
    body = {
        "to": REL,
        "to_level": 2,
        "profile": {
            "as_of": AS_OF,
            "certificates": [{"occupation": GEN, "level": "四级", "date": "2021-05-01"}],
            "work": [{"occupation": GEN, "years": 6}],
        },
    }
    post = client.post("/api/pathways", json=body).get_json()
    get = client.get(
        f"/api/pathways?from={GEN}&from_level=4&level_since=2021-05-01&years_worked=6&to={REL}&to_level=2&as_of={AS_OF}"
    ).get_json()
    assert [r["summary"] for r in post["routes"]] == [r["summary"] for r in get["routes"]]


def test_api_empty_routes_have_reason_and_nearest(client) -> None:  # type: ignore[no-untyped-def]
    d = client.get(
        f"/api/pathways?from={E2018}&from_level=4&level_since=2020-01-01&years_worked=8"
        f"&to={E2018}&to_level=2&as_of={AS_OF}"
    ).get_json()
    assert d["routes"] == [] and d["reason"] and d["nearest"]["target"]["level"]["id"] == "3"


# every parameter of GET /api/pathways with a bad value: 400, a Chinese message, a machine code and
# the parameter's name (issue 15 item 8)
BAD_INPUT = [
    ("from", f"from={GEN}x&to={REL}&to_level=2", "bad-code", "不是职业编码"),
    ("from", f"from=不存在的职业&to={REL}&to_level=2", "unknown-occupation", "没有找到职业"),
    ("to", f"from={GEN}&from_level=4&to=6-31-01-99&to_level=2", "unknown-code", "没有编码为 6-31-01-99 的职业"),
    ("to", f"from={GEN}&from_level=4&to=6-31-01-00&to_level=2", "group-not-occupation", "是类别"),
    ("from_level", f"from={GEN}&from_level=六级&to={REL}&to_level=2", "unknown-level", "没有“六级”这个等级"),
    ("from_level", f"from={GEN}&from_level=中级职称&to={REL}&to_level=2", "title-not-skill-level", "职称等级"),
    ("from_level", f"from_level=4&to={REL}&to_level=2", "needs-from", "from_level"),
    ("to_level", f"from={GEN}&from_level=4&to={REL}", "missing-target", "请填写目标"),
    ("to_level", f"from={GEN}&to={REL}&to_level=0", "unknown-level", "没有“0”这个等级"),
    ("level_since", f"from={GEN}&from_level=4&level_since=2023-02-30&to={REL}&to_level=2", "bad-date", "不是有效日期"),
    ("level_since", f"from={GEN}&from_level=4&level_since=2030-01-01&to={REL}&to_level=2", "after-as-of", "晚于"),
    ("level_since", f"from={GEN}&level_since=2020-01-01&to={REL}&to_level=2", "needs-from-level", "from_level"),
    (
        "certificate_kind",
        f"from={GEN}&from_level=4&certificate_kind=x&to={REL}&to_level=2",
        "unknown-certificate-kind",
        "证书",
    ),
    ("years_worked", f"from={GEN}&years_worked=-1&to={REL}&to_level=2", "out-of-range", "超出范围 0～60"),
    ("years_worked", f"from={GEN}&years_worked=abc&to={REL}&to_level=2", "not-a-number", "应为数字"),
    ("years_worked", f"from={GEN}&years_worked=nan&to={REL}&to_level=2", "out-of-range", "超出范围"),
    ("years_worked", f"years_worked=3&to={REL}&to_level=2", "needs-from", "from"),
    ("birth_date", f"from={GEN}&birth_date=2030-01-01&to={REL}&to_level=2", "after-as-of", "晚于"),
    ("birth_date", f"from={GEN}&birth_date=1990-13-01&to={REL}&to_level=2", "bad-date", "不是有效日期"),
    ("age", f"from={GEN}&age=-3&to={REL}&to_level=2", "out-of-range", "超出范围 0～120"),
    ("age", f"from={GEN}&age=十八&to={REL}&to_level=2", "not-a-number", "应为数字"),
    ("age", f"from={GEN}&age=20&birth_date=2000-01-01&to={REL}&to_level=2", "given-twice", "不要再填年龄"),
    ("diploma", f"from={GEN}&to={REL}&to_level=2&diploma=幼儿园", "unknown-diploma", "没有“幼儿园”这种学历"),
    ("diploma_graduation", f"from={GEN}&to={REL}&to_level=2&diploma=高职&diploma_graduation=x", "bad-date", "有效日期"),
    ("diploma_graduation", f"from={GEN}&to={REL}&to_level=2&diploma_graduation=2020-01-01", "needs-diploma", "学历"),
    ("diploma_assessed", f"from={GEN}&to={REL}&to_level=2&diploma=高职&diploma_assessed=maybe", "not-boolean", "是/否"),
    ("title", f"from={GEN}&to={REL}&to_level=2&title=教授级", "unknown-title", "没有“教授级”这种职称"),
    ("title_since", f"from={GEN}&to={REL}&to_level=2&title=中级&title_since=2099-01-01", "after-as-of", "晚于"),
    ("title_since", f"from={GEN}&to={REL}&to_level=2&title_since=2020-01-01", "needs-title", "职称"),
    ("as_of", f"from={GEN}&to={REL}&to_level=2&as_of=9999-12-31", "out-of-range", "1950～2100"),
    ("as_of", f"from={GEN}&to={REL}&to_level=2&as_of=yesterday", "bad-date", "有效日期"),
    ("max_routes", f"from={GEN}&to={REL}&to_level=2&max_routes=0", "out-of-range", "超出范围 1～10"),
    ("moves", f"from={GEN}&to={REL}&to_level=2&moves=sometimes", "bad-moves", "allow"),
    ("colour", f"from={GEN}&to={REL}&to_level=2&colour=red", "unknown-parameter", "不认识的参数"),
    ("to", f"from={GEN}&to={REL}&to={GEN}&to_level=2", "given-twice", "只能给一次"),
]


@pytest.mark.parametrize(("param", "query", "code", "words"), BAD_INPUT)
def test_api_bad_input_is_400(client, param: str, query: str, code: str, words: str) -> None:  # type: ignore[no-untyped-def]
    resp = client.get(f"/api/pathways?{query}&as_of={AS_OF}" if "as_of" not in query else f"/api/pathways?{query}")
    d = resp.get_json()
    assert resp.status_code == 400, d
    assert d["code"] == code and d["param"] == param and words in d["error"], d
    if "6-31-01-99" in query:
        assert d["nearest_codes"][0].startswith("6-31-01-")


@pytest.mark.parametrize(("param", "query", "code", "words"), BAD_INPUT)
def test_page_bad_input_is_400_in_chinese(client, param: str, query: str, code: str, words: str) -> None:  # type: ignore[no-untyped-def]
    resp = client.get(f"/pathways?{query}")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert 'id="message"' in html and words in html and "<form" in html


def test_reachable_and_next_steps_bad_input(client) -> None:  # type: ignore[no-untyped-def]
    for url, code in (
        (f"/api/pathways/reachable?from={GEN}&within=41", "out-of-range"),
        (f"/api/pathways/reachable?from={GEN}", "missing-within"),
        ("/api/pathways/reachable?within=3", "missing-start"),
        (f"/api/pathways/next-steps?from={GEN}&limit=0", "out-of-range"),
        ("/api/pathways/next-steps", "missing-from"),
    ):
        resp = client.get(url)
        assert resp.status_code == 400 and resp.get_json()["code"] == code, (url, resp.get_json())
    assert client.get(f"/pathways?from={GEN}&within=99").status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[1, 2]",
        json.dumps({"to": REL, "to_level": "2", "profile": {"certificates": [{"date": "x"}]}}),
        json.dumps({"to": REL, "to_level": "2", "profile": {"work": [{"occupation": GEN, "years": -2}]}}),
        json.dumps({"to": REL, "to_level": "2", "profile": {"as_of": "2026-13-01"}}),
        json.dumps({"to": REL, "to_level": "2", "profile": "me"}),
    ],
)
def test_api_post_bad_body_is_400(client, body: str) -> None:  # type: ignore[no-untyped-def]
    resp = client.post("/api/pathways", data=body, content_type="application/json")
    # 422 when the profile itself is invalid (as the eligibility API answers), 400 for the rest
    assert resp.status_code == (422 if "certificates" in body or "years" in body else 400), resp.get_json()
    assert resp.get_json()["error"]


def test_api_reachable_and_next_steps(client) -> None:  # type: ignore[no-untyped-def]
    d = client.get(
        f"/api/pathways/reachable?from={GEN}&from_level=4&level_since=2021-05-01&years_worked=6&within=3&as_of={AS_OF}"
    ).get_json()
    assert {(x["target"]["occupation"]["code"], x["target"]["level"]["id"]) for x in d["reachable"]} >= {
        (GEN, "3"),
        (REL, "3"),
    }
    assert client.get(f"/api/pathways/reachable?from={GEN}").status_code == 400  # no within
    n = client.get(f"/api/pathways/next-steps?from={GEN}&limit=5").get_json()
    assert n["count"] == 5 and all(s["counts_for_rules"] for s in n["next_steps"][:3])
    assert client.get("/api/pathways/next-steps").status_code == 400


def test_page_draws_the_routes(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get(
        f"/pathways?from={GEN}&from_level=4&level_since=2021-05-01&years_worked=6&to={REL}&to_level=2&as_of={AS_OF}"
    ).get_data(as_text=True)
    assert '<div class="svgbox" id="route-graph"><svg' in html and "电力交易员" in html
    # the drawing scales to its box (issue 15 item 8: it was 1,472 px wide in a 1,118 px box)
    assert 'width="100%"' in html.split('id="route-graph"')[1][:300]
    assert "路线 1" in html and "满5年" in html and "@media print" in html
    # the only script fills the name suggestions from the search API
    assert html.count("<script") == 1 and "/api/occupations?kind=occupation" in html


def test_page_takes_names_and_is_linked_from_occupation_pages(client) -> None:  # type: ignore[no-untyped-def]
    # names instead of codes, as typed (or as the suggestions fill them: "code name")
    html = client.get(
        f"/pathways?from=电工&from_level=4&level_since=2021-05-01&to=6-31-01-03 电工&to_level=3&as_of={AS_OF}"
    )
    assert html.status_code == 200
    text = html.get_data(as_text=True)
    assert "2026-05-01" in text and "申报电工三级/高级工" in text
    # the occupation page links here (its layout is issue 18's; the URL contract is /pathways?to=, ?from=)
    occ = client.get(f"/occupation/{ELEC}").get_data(as_text=True)
    assert f'href="/pathways?to={ELEC}"' in occ and "规划路径" in occ and f'href="/pathways?from={ELEC}"' in occ
    group = client.get("/occupation/6-31-01-00")
    assert "/pathways?to=" not in group.get_data(as_text=True)


# ---------------------------------------------------------------------------------------- RDF, pictures, CLI

PREFIXES = """PREFIX og: <https://w3id.org/occugraph/ontology/>
PREFIX id: <https://w3id.org/occugraph/id/>
"""


def test_sparql_property_path_walks_promotions_and_moves(store) -> None:  # type: ignore[no-untyped-def]
    ask_ = (
        PREFIXES
        + f"""ASK {{
      ?a og:stateOccupation <https://w3id.org/occugraph/id/occupation/{GEN}> ; og:stateLevel <{{L5}}> .
      ?a og:leadsTo+ ?b .
      ?b og:stateOccupation <https://w3id.org/occugraph/id/occupation/{REL}> ; og:stateLevel <{{L1}}> .
    }}""".replace("{L5}", "https://w3id.org/occugraph/id/level/5").replace(
            "{L1}", "https://w3id.org/occugraph/id/level/1"
        )
    )
    assert bool(store.query(ask_))
    rows = store.select(
        PREFIXES
        + f"""SELECT ?years ?rule WHERE {{
      ?p a og:PromotionStep ; og:stepFrom <https://w3id.org/occugraph/id/career-state/{GEN}/3> ;
         og:stepTo <https://w3id.org/occugraph/id/career-state/{GEN}/2> ; og:waitingYears ?years ;
         og:allowedByRule ?rule }}"""
    )
    assert {r["rule"].rsplit("/", 3)[-3] + "/" + r["rule"].rsplit("/", 1)[-1] for r in rows} >= {"2/1"}
    # the plain promotion G 2/1 (5 years after level 3); 2/2 (title), 2/4 and 2/5 (diplomas) are listed too
    assert {float(r["years"]) for r in rows} == {5.0}
    assert len(rows) == 4


def test_rdf_matches_the_engine(store, engine: PathwayEngine) -> None:  # type: ignore[no-untyped-def]
    edges = [e for e in engine.state_edges()]
    n = store.select(PREFIXES + "SELECT (COUNT(*) AS ?n) WHERE { ?a og:leadsTo ?b }")[0]["n"]
    p = store.select(PREFIXES + "SELECT (COUNT(*) AS ?n) WHERE { ?p a og:PromotionStep }")[0]["n"]
    assert int(n) == len(edges) and int(p) == sum(1 for e in edges if e[4] == "promotion")


def test_pictures(engine: PathwayEngine) -> None:
    r = ask(
        engine,
        **{
            "from": GEN,
            "from_level": "4",
            "level_since": "2021-05-01",
            "years_worked": 6,
            "to": REL,
            "to_level": "2",
            "max_routes": 2,
        },
    )
    g = route_graph(r, engine)
    states = {s.target.key() for route in r.routes for s in route.steps} | {r.origin.key()}
    assert set(g.nodes) == states and f"{GEN}@4" in g and f"{REL}@2" in g
    svg = to_svg(g, "test")
    root = ET.fromstring(svg)  # well-formed XML
    assert root.tag.endswith("svg") and "电力交易员" in svg and 'width="100%"' not in svg
    assert 'width="100%"' in to_svg(g, "test", fit=True)
    assert to_dot(g).startswith("digraph pathway {") and f'"{GEN}@4" -> "{REL}@3"' in to_dot(g)
    assert to_mermaid(g).splitlines()[0] == "flowchart LR"


def test_cli_route_json_svg_and_bad_code(built, capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    base = [
        "pathway",
        "route",
        "--store",
        str(built.store_path),
        "--from",
        GEN,
        "--from-level",
        "4",
        "--level-since",
        "2021-05-01",
        "--years-worked",
        "6",
        "--as-of",
        AS_OF,
        "--to-level",
        "2",
    ]
    assert main([*base, "--to", REL, "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["routes"][0]["total_years"] == 5.0
    assert main([*base, "--to", REL, "--format", "svg", "-o", str(tmp_path / "r.svg")]) == 0
    ET.parse(tmp_path / "r.svg")
    assert main([*base, "--to", "6-31-01-99"]) == 2
    assert "6-31-01-99" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------- issue 15
# item 1: a standard that covers one 工种 applies to that 工种, not to the whole occupation


@pytest.mark.parametrize(
    ("code", "standard", "work_type_standard"),
    [
        (ELEC, "6-31-01-03-2018", "6-31-01-03-2026"),  # 电工 2018 (stated E), not 电工（烟机电工）2026
        ("4-03-02-01", "4-03-02-01-2018", "4-03-02-01-2025"),  # 中式烹调师, not （药膳制作师）
        ("4-10-01-06", "4-10-01-06-2019", "4-10-01-06-2026"),  # 家政服务员, not （整理收纳师）
        ("4-14-01-03", "4-14-01-03-2022", "4-14-01-03-2024"),  # 健康照护师, not （长期照护师）
    ],
)
def test_single_work_type_standard_does_not_replace_the_occupation_standard(
    engine: PathwayEngine, code: str, standard: str, work_type_standard: str
) -> None:
    assert engine.standards[code].id == standard and not engine.standards[code].only_work_type
    assert work_type_standard in [s.id for s in engine.work_type_standards[code]]
    notes = engine.standard_notes(code)
    assert any("只覆盖工种" in n and "不适用于整个职业" in n for n in notes)


def test_electrician_follows_the_2018_rules(engine: PathwayEngine) -> None:
    # E 3/1 取得本职业四级/中级工职业资格证书（技能等级证书）后，累计从事本职业工作5年（含）以上:
    # 四级 of 2021-05-01, six years worked (the last six, all after... 2020-01-01..2026-01-01, so 4.67
    # after the certificate) -> 2026-05-01
    r = ask(
        engine,
        **{
            "from": ELEC,
            "from_level": "4",
            "level_since": "2021-05-01",
            "years_worked": 6,
            "to": ELEC,
            "to_level": "3",
        },
    )
    assert steps(r) == [(ELEC, "3", "1", 0.33)] and r.routes[0].reached_on == date(2026, 5, 1)
    assert r.routes[0].steps[0].rule.rule_set == E
    # E has no rules for 二级 (not transcribed): no route, the nearest is 三级
    r2 = ask(engine, **{"from": ELEC, "from_level": "4", "level_since": "2021-05-01", "to": ELEC, "to_level": "2"})
    assert r2.reason_code == "no-rules-for-level" and r2.nearest is not None and r2.nearest[0].level == "3"


def test_only_a_work_type_standard_is_used_for_its_work_type(engine: PathwayEngine) -> None:
    # 仪器仪表维修工 has only 仪器仪表维修工（化工仪表维修工）2024: its rules (G by date) are used, and
    # the answer says they are those of the 工种
    assert engine.standards["6-31-01-04"].only_work_type == "化工仪表维修工"
    r = ask(engine, **{"to": "6-31-01-04", "to_level": "5"})
    assert steps(r) == [("6-31-01-04", "5", "1", 0.0)]
    assert any("化工仪表维修工" in n and "只适用于该工种" in n for n in r.notes)


# item 2: 职业技能等级证书 accepted where a pre-2018 rule names 职业资格证书 (data, with its source)


def test_skill_level_certificate_counts_for_pre_2018_rules(engine: PathwayEngine) -> None:
    # P 3/2 取得本职业中级职业资格证书后，连续从事本职业工作7年以上: a 职业技能等级证书 四级 of 2015-01-01
    # counts (certificate-equivalences.tsv, applications from 2019-12-30), 12 years worked -> now
    r = ask(
        engine,
        **{
            "from": FITTER,
            "from_level": "4",
            "level_since": "2015-01-01",
            "years_worked": 12,
            "to": FITTER,
            "to_level": "3",
        },
    )
    assert steps(r) == [(FITTER, "3", "2", 0.0)]
    assert r.routes[0].steps[0].equivalences == ("skill-level-for-qualification-2019",)
    assert r.policies == ["skill-level-for-qualification-2019"]
    assert any("职业技能等级证书与职业资格证书同等" in n and "人社部发〔2019〕90号" in n for n in r.notes)


def test_the_equivalence_starts_on_its_date(engine: PathwayEngine) -> None:
    # as of 2019-06-01 the same certificate is not yet accepted: the application waits for 2019-12-30
    r = ask(
        engine,
        as_of="2019-06-01",
        **{
            "from": FITTER,
            "from_level": "4",
            "level_since": "2012-01-01",
            "years_worked": 7.5,
            "to": FITTER,
            "to_level": "3",
        },
    )
    assert r.routes[0].reached_on == date(2019, 12, 30)


def test_a_vocational_qualification_certificate_needs_no_equivalence(engine: PathwayEngine) -> None:
    r = ask(
        engine,
        **{
            "from": FITTER,
            "from_level": "4",
            "level_since": "2015-01-01",
            "years_worked": 12,
            "certificate_kind": "vocational-qualification",
            "to": FITTER,
            "to_level": "3",
        },
    )
    assert steps(r)[0][:3] == (FITTER, "3", "2") and r.policies == []


def test_every_pre_2018_occupation_has_a_route_with_todays_certificates(engine: PathwayEngine) -> None:
    # 115 occupations answered "no route within 40 years" before (issue 15 item 2): a 四级 职业技能等级证书
    # of 2018-01-01 and continuous work since (assumed from level_since) meet P 3/2 (7 years) in 2025
    fitters = sorted(o for o, rs in engine.rule_set_of.items() if rs.id == "fitter-pre-2018")  # type: ignore[union-attr]
    assert len(fitters) >= 115
    for code in fitters:
        r = ask(engine, **{"from": code, "from_level": "4", "level_since": "2018-01-01", "to": code, "to_level": "3"})
        assert steps(r) == [(code, "3", "2", 0.0)], code


# item 3: age


def test_from_nothing_an_adult_starts_at_level_5(engine: PathwayEngine) -> None:
    # G 5/1 年满16周岁，拟从事本职业或相关职业工作: now (no age given: an adult, said in assumptions);
    # G 4/2 五级 + 3 years -> 四级 in 3 years (G 4/1, five years of work, would take 5)
    r = ask(engine, **{"to": GEN, "to_level": "4"})
    assert steps(r) == [(GEN, "5", "1", 0.0), (GEN, "4", "2", 3.0)]
    q = QueryParser(engine, today=date(2026, 1, 1)).parse({"to": GEN, "to_level": "4"})
    assert any("按已成年" in a for a in q.assumptions)


def test_age_15_waits_for_the_16th_birthday(engine: PathwayEngine) -> None:
    # G 5/1 年满16周岁: aged 15 on 2026-01-01 -> 16 about 2027-01-01
    r = ask(engine, **{"to": GEN, "to_level": "5", "age": 15})
    assert r.routes[0].reached_on == date(2027, 1, 1)


def test_birth_date_gives_the_exact_day(engine: PathwayEngine) -> None:
    # born 2010-07-01: 16 on 2026-07-01 (181 days after as_of)
    r = ask(engine, **{"to": GEN, "to_level": "5", "birth_date": "2010-07-01"})
    assert r.routes[0].reached_on == date(2026, 7, 1) and r.routes[0].total_years == round(181 / 365, 2)


def test_age_in_a_json_profile(client) -> None:  # type: ignore[no-untyped-def]
    body = {"to": GEN, "to_level": "5", "profile": {"as_of": AS_OF, "birth_date": "2011-01-01"}}
    d = client.post("/api/pathways", json=body).get_json()
    assert d["routes"][0]["reached_on"] == "2027-01-01" and not any("成年" in a for a in d["assumptions"])


# item 4: level_since alone means work in the occupation since then


def test_level_since_alone_assumes_work_since_then(engine: PathwayEngine) -> None:
    # E 3/1: 四级 of 2021-05-01 + 5 years of work after it -> 2026-05-01 (was "has 0 of 5" before)
    r = ask(engine, **{"from": ELEC, "from_level": "4", "level_since": "2021-05-01", "to": ELEC, "to_level": "3"})
    assert r.routes[0].reached_on == date(2026, 5, 1)
    q = QueryParser(engine, today=date(2026, 1, 1)).parse(
        {"from": ELEC, "from_level": "4", "level_since": "2021-05-01", "to": ELEC, "to_level": "3"}
    )
    assert any("自 2021-05-01 取证起一直在电工工作" in a for a in q.assumptions)


def test_years_worked_overrides_the_assumption(engine: PathwayEngine) -> None:
    # only 2 years worked (2024-01-01..2026-01-01), all after the certificate: 3 more -> 2029-01-01
    r = ask(
        engine,
        **{
            "from": ELEC,
            "from_level": "4",
            "level_since": "2021-05-01",
            "years_worked": 2,
            "to": ELEC,
            "to_level": "3",
        },
    )
    assert r.routes[0].reached_on == date(2029, 1, 1)


def test_reach_rests_on_the_same_assumption(engine: PathwayEngine) -> None:
    # within 1 year: 电工 三级 (E 3/1, 2026-05-01); per occupation only the highest level is listed
    q = QueryParser(engine, today=date(2026, 1, 1)).parse(
        {"from": ELEC, "from_level": "4", "level_since": "2021-05-01", "within": 1, "as_of": AS_OF}, need_target=False
    )
    found = engine.reachable(q.profile, 1, origin=q.origin)
    by_occ = {(x.state.occupation, x.state.level): x.route for x in found}
    assert by_occ[(ELEC, "3")].reached_on == date(2026, 5, 1)
    assert len({x.state.occupation for x in found}) == len(found)  # one (the highest) level per occupation
    # 机电设备维修工 (G, related): G 3/2 accepts the 电工 四级 + 4 years of related work after it -> now
    assert by_occ[(MECH, "3")].total_years == 0.0


# item 5: routes stay in the occupation unless a move is faster; moves can be forbidden


def test_routes_do_not_wander_through_the_minor_group(engine: PathwayEngine) -> None:
    # 邮政投递员 一级 from nothing: G 5/1 now, 4/2 +3, 3/2 +4, 2/1 +5, 1/1 +5 = 17 years, all in 邮政投递员
    # (its five neighbours in 4-02-07 have the same rules: a detour through them is never faster)
    r = ask(engine, **{"to": POST, "to_level": "1"})
    assert steps(r) == [
        (POST, "5", "1", 0.0),
        (POST, "4", "2", 3.0),
        (POST, "3", "2", 4.0),
        (POST, "2", "1", 5.0),
        (POST, "1", "1", 5.0),
    ]
    assert all(s.target.occupation == POST and s.kind != "move" for route in r.routes for s in route.steps)


def test_a_move_is_used_when_faster_and_the_route_within_is_still_offered(engine: PathwayEngine) -> None:
    # 电工 四级 of 2020-01-01 with 8 years: G 3/2 of 机电设备维修工 (related) accepts it + 4 years after
    # it -> now, a move. Within 机电设备维修工: G 3/1 累计从事本职业或相关职业工作满10年, 8 served -> 2 years
    r = ask(
        engine,
        **{
            "from": ELEC,
            "from_level": "4",
            "level_since": "2020-01-01",
            "years_worked": 8,
            "to": MECH,
            "to_level": "3",
        },
    )
    assert steps(r)[0] == (MECH, "3", "2", 0.0) and r.routes[0].steps[0].kind == "move"
    within = [route for route in r.routes if all(s.kind != "move" for s in route.steps)]
    assert within and within[0].total_years == 2.0 and within[0].steps[-1].rule.number == "1"


def test_moves_can_be_forbidden(engine: PathwayEngine) -> None:
    r = ask(
        engine,
        **{
            "from": ELEC,
            "from_level": "4",
            "level_since": "2020-01-01",
            "years_worked": 8,
            "to": MECH,
            "to_level": "3",
            "moves": "none",
        },
    )
    assert steps(r) == [(MECH, "3", "1", 2.0)] and r.routes[0].steps[0].kind == "work-entry"


# item 6: title crossover (贯通), both directions


def test_intermediate_title_allows_level_2_after_one_year(engine: PathwayEngine) -> None:
    # G 2/3 取得符合专业对应关系的中级职称（专业技术人员职业资格）后，累计从事本职业或相关职业工作满1年:
    # 中级 since 2022-01-01, 5 years worked (2021..2026, 4 after the title) -> now
    r = ask(
        engine,
        **{"from": GEN, "years_worked": 5, "title": "中级", "title_since": "2022-01-01", "to": GEN, "to_level": "2"},
    )
    assert steps(r) == [(GEN, "2", "3", 0.0)] and r.routes[0].steps[0].kind == "title-crossover"


def test_engineer_is_a_title_name(engine: PathwayEngine) -> None:
    r = ask(
        engine,
        **{"from": GEN, "years_worked": 5, "title": "工程师", "title_since": "2022-01-01", "to": GEN, "to_level": "2"},
    )
    assert steps(r) == [(GEN, "2", "3", 0.0)]


def test_senior_worker_to_assistant_engineer(engine: PathwayEngine) -> None:
    # skill-to-title-2020 (人社部发〔2020〕96号, years per 鲁人社发〔2020〕16号): 取得高级工…后，从事相应技术技能
    # 工作满2年，可申报评审助理工程师. 三级 of 2023-01-01, work since then -> 2025-01-01, now
    r = ask(
        engine, **{"from": GEN, "from_level": "3", "level_since": "2023-01-01", "to": GEN, "to_level": "助理工程师"}
    )
    assert steps(r) == [(GEN, "professional-junior", "1", 0.0)]
    assert r.routes[0].steps[0].kind == "skill-to-title" and r.policies == ["skill-to-title-2020"]
    assert any("人社部发〔2020〕96号" in n for n in r.notes)


def test_technician_to_engineer_after_three_years(engine: PathwayEngine) -> None:
    # 取得技师…后，从事相应技术技能工作满3年，可申报评审相应专业工程师: 二级 of 2025-01-01 -> 2028-01-01
    r = ask(engine, **{"from": GEN, "from_level": "2", "level_since": "2025-01-01", "to": GEN, "to_level": "工程师"})
    assert (
        r.routes[0].reached_on == date(2028, 1, 1) and r.routes[0].steps[-1].target.level == "professional-intermediate"
    )


def test_senior_engineer_is_not_transcribed(engine: PathwayEngine) -> None:
    # 高级技师 -> 高级工程师: the years were not in the text found; the answer says so
    r = ask(
        engine, **{"from": GEN, "from_level": "1", "level_since": "2015-01-01", "to": GEN, "to_level": "高级工程师"}
    )
    assert not r.routes and r.reason_code == "title-rule-not-transcribed"


def test_crossover_both_directions_in_the_rdf(store) -> None:  # type: ignore[no-untyped-def]
    cs = "https://w3id.org/occugraph/id/career-state/"
    assert bool(store.query(PREFIXES + f"ASK {{ <{cs}{GEN}/3> og:leadsTo <{cs}{GEN}/professional-junior> }}"))
    assert bool(store.query(PREFIXES + f"ASK {{ <{cs}{GEN}/professional-intermediate> og:leadsTo <{cs}{GEN}/2> }}"))
    rows = store.select(
        PREFIXES
        + f"""SELECT ?years WHERE {{ ?c a og:CrossoverStep ; og:stepFrom <{cs}{GEN}/2> ;
           og:stepTo <{cs}{GEN}/professional-intermediate> ; og:waitingYears ?years }}"""
    )
    assert [float(r["years"]) for r in rows] == [3.0]


# item 7: several applications on one day


def test_zero_years_with_two_applications_says_so(client) -> None:  # type: ignore[no-untyped-def]
    # G 4/3 a 高职 diploma -> 四级 now; G 3/5 四级 + 高职 diploma -> 三级 now: 0 years, two applications
    d = client.get(
        f"/api/pathways?from={GEN}&diploma=高职&diploma_graduation=2025-07-01&to={GEN}&to_level=3&as_of={AS_OF}"
    ).get_json()
    route = d["routes"][0]
    assert route["total_years"] == 0 and route["applications"] == 2 and d["already_qualifies"] is False
    assert [s["rule"]["number"] for s in route["steps"]] == ["3", "5"]
    assert "需要先后 2 次申报" in route["applications_note"] and route["applications_note"].index("四级") < route[
        "applications_note"
    ].index("三级")


# item 8: plain Chinese for people, English only in machine fields


def test_answers_speak_chinese(client) -> None:  # type: ignore[no-untyped-def]
    d = client.get(
        f"/api/pathways?from={GEN}&from_level=4&level_since=2024-01-01&years_worked=3&to={GEN}&to_level=3&as_of={AS_OF}"
    ).get_json()
    step = d["routes"][0]["steps"][0]
    # G 3/2 取得…四级…证书后，累计从事本职业或相关职业工作满4年: 2 of 4 served after the certificate
    assert step["waited_for"] == ["还需取得四级/中级工证书后在本职业或相关职业累计工作 2 年（已满 2 年，需满 4 年）"]
    assert step["text"].startswith("再等 2 年（2028-01-01）申报供电服务员三级/高级工")
    assert step["kind"] == "promotion" and step["rule"]["rule_set"] == G  # machine fields stay as ids
    for text in [*d["notes"], *d["assumptions"], d["routes"][0]["summary"]]:
        assert not any(w in text for w in ("the ", " years", "rule ")), text

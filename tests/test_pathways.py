"""Career pathways (issue 4): hand-checked routes from the rule texts, time counting, no-route
answers, the API's 4xx answers, the RDF materialisation and the pictures.

Every expected figure below is worked out by hand from the rule text quoted next to it (rule sets
as in standards/eligibility/rules.tsv). The occupations used and the rule sets that apply to
them are checked first (test_rule_sets_of_the_occupations_used), so a change in the standards
data shows up there, not as a puzzling date.

Occupations:
- 电工 6-31-01-03 and 仪器仪表维修工 6-31-01-04: same minor group 6-31-01 (机械设备修理人员),
  both under generic-post-2024 (本职业或相关职业 everywhere);
- 家庭教育指导师 4-13-04-03: generic-post-2024, another major group (not related to 电工);
- 行政办事员 3-01-01-01 and 3-01-01-05: electrician-welder-2018 (本职业 only; levels 5-3);
- 2-03-06-03: fitter-pre-2018 (职业资格证书 only, some routes need 连续 work);
- 2-02-38-01 人工智能工程技术人员: a professional-technical standard (no skill rules);
- 1-01-00-01: no national standard.
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
GEN, REL, UNREL = "6-31-01-03", "6-31-01-04", "4-13-04-03"
E2018, E2018_B = "3-01-01-01", "3-01-01-05"
FITTER, PROF, NOSTD = "2-03-06-03", "2-02-38-01", "1-01-00-01"
G = "generic-post-2024"


@pytest.fixture(scope="module")
def engine(store) -> PathwayEngine:  # type: ignore[no-untyped-def]
    return PathwayEngine.from_store(store)


def ask(engine: PathwayEngine, json_body: bool = False, **params: object) -> PathwayResult:
    params.setdefault("as_of", AS_OF)
    q = QueryParser(engine, today=date(2026, 1, 1)).parse(params, json_body=json_body)
    return engine.find_routes(q.profile, q.target or "", q.target_level or "", q.max_routes, origin=q.origin)


def steps(result: PathwayResult, i: int = 0) -> list[tuple[str, str, str, float]]:
    """(occupation, level, rule number, years) per step of route i."""
    return [(s.target.occupation or "", s.target.level or "", s.rule.number, s.years) for s in result.routes[i].steps]


def test_rule_sets_of_the_occupations_used(engine: PathwayEngine) -> None:
    sets = {occ: engine.rule_set_of[occ].id for occ in (GEN, REL, UNREL, E2018, E2018_B, FITTER)}  # type: ignore[union-attr]
    assert sets == {
        GEN: G,
        REL: G,
        UNREL: G,
        E2018: "electrician-welder-2018",
        E2018_B: "electrician-welder-2018",
        FITTER: "fitter-pre-2018",
    }
    assert engine.related(GEN, REL) and not engine.related(GEN, UNREL)
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
    assert any("level_since not given" in a for a in q.assumptions)


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
    assert r.routes[0].total_years == 5.0 and r.routes[1].total_years == 5.0
    assert {tuple(s.kind for s in route.steps) for route in r.routes} == {("promotion", "move"), ("move", "promotion")}


def test_unrelated_occupation_starts_from_scratch(engine: PathwayEngine) -> None:
    # 电工 work does not count for 家庭教育指导师: level 4 after 5 years there (G 4/1), level 3 four years later
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
    assert steps(r) == [(UNREL, "4", "1", 5.0), (UNREL, "3", "2", 4.0)]
    assert steps(r, 1) == [(UNREL, "3", "1", 10.0)]


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
    assert not r.routes and "professional-technical" in (r.reason or "")
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
    assert not r.routes and "no rules for 二级/技师" in (r.reason or "")
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
    assert not r.routes and "no national skill standard" in (r.reason or "")


def test_vocational_qualification_only_rule_set(engine: PathwayEngine) -> None:
    # fitter-pre-2018 3/1, 3/2 and 3/4 want a 中级职业资格证书; a skill-level certificate is not one, and
    # the remaining routes need a diploma: no route, and the reason names what is missing
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
    assert not r.routes and "time alone does not bring" in (r.reason or "")
    assert any("vocational qualification" in n for n in r.notes)
    with_vq = ask(
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
    assert steps(with_vq)[0][:3] == (FITTER, "3", "2")


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
            p.level(bad, "to_level")


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


@pytest.mark.parametrize(
    ("query", "words"),
    [
        (f"from={GEN}&from_level=4&to=6-31-01-99&to_level=2", "no occupation has code 6-31-01-99"),
        (f"from={GEN}&from_level=4&to=6-31-01-00&to_level=2", "is a group"),
        (f"from=6-31-1-3&to={REL}&to_level=2", "not an occupation code"),
        (f"from={GEN}&from_level=六级&to={REL}&to_level=2", "unknown skill level"),
        (f"from={GEN}&from_level=4&to={REL}", "give the target"),
        (f"from={GEN}&from_level=4&level_since=2023-02-30&to={REL}&to_level=2", "not a date"),
        (f"from={GEN}&from_level=4&level_since=2030-01-01&to={REL}&to_level=2&as_of={AS_OF}", "after as_of"),
        (f"from={GEN}&years_worked=-1&to={REL}&to_level=2", "outside 0..60"),
        (f"from={GEN}&years_worked=abc&to={REL}&to_level=2", "expected a number"),
        (f"from={GEN}&to={REL}&to_level=2&as_of=9999-12-31", "outside 1950..2100"),
        (f"from={GEN}&to={REL}&to_level=2&colour=red", "unknown parameter"),
        (f"from={GEN}&to={REL}&to={GEN}&to_level=2", "give it once"),
        (f"from={GEN}&to={REL}&to_level=2&diploma=幼儿园", "unknown diploma kind"),
        (f"from={GEN}&to={REL}&to_level=2&title=教授级", "unknown professional title"),
        (f"from={GEN}&to={REL}&to_level=2&max_routes=0", "outside 1..10"),
    ],
)
def test_api_bad_input_is_400(client, query: str, words: str) -> None:  # type: ignore[no-untyped-def]
    resp = client.get(f"/api/pathways?{query}")
    assert resp.status_code == 400, resp.get_json()
    assert words in resp.get_json()["error"]
    if "6-31-01-99" in query:
        assert resp.get_json()["nearest_codes"][0].startswith("6-31-01-")


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
    assert '<div class="svgbox" id="route-graph"><svg' in html and "仪器仪表维修工" in html and "<script" not in html
    assert "路线 1" in html and "满5年" in html
    bad = client.get("/pathways?from=6-31-01-99&to=1&to_level=2")
    assert bad.status_code == 200 and 'id="message"' in bad.get_data(as_text=True)


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
    assert g.number_of_nodes() == 4 and g.number_of_edges() == 4
    svg = to_svg(g, "test")
    root = ET.fromstring(svg)  # well-formed XML
    assert root.tag.endswith("svg") and "仪器仪表维修工" in svg
    assert to_dot(g).startswith("digraph pathway {") and f'"{GEN}@4" -> "{GEN}@3"' in to_dot(g)
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

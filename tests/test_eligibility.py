"""Eligibility (申报条件) evaluated by code: cases worked out by hand from the rule texts.

The rules are the real ones, read from the built store. Each case names the rule it exercises
(G = generic post-2024 template, E = 2018 电工/焊工 conditions, P = pre-2018 钳工 conditions) and
the arithmetic behind the expected answer.
"""

from __future__ import annotations

from datetime import date

import pytest

from graph.standards.eligibility import (
    ApprenticeshipDone,
    CertificateHeld,
    DiplomaHeld,
    Profile,
    ProfileError,
    RelatedOccupations,
    TitleHeld,
    WorkSpell,
    add_years,
    evaluate,
    profile_from_json,
    promotion_steps,
    years_between,
)
from graph.standards.queries import RuleBook

T = "4-07-02-05"  # 商务数据分析师, the target occupation of the pure cases
SAME_GROUP = "4-07-02-03"  # 客户服务管理员: same minor group 4-07-02, so related by default
OTHER = "6-31-01-03"  # 电工: unrelated
BIG_DATA = "2-02-38-03"  # 大数据工程技术人员: unrelated unless an editor relates it
G, E, P = "generic-post-2024", "electrician-welder-2018", "fitter-pre-2018"


@pytest.fixture(scope="module")
def book(store) -> RuleBook:  # type: ignore[no-untyped-def]
    return RuleBook.load(store)


def run(book: RuleBook, profile: Profile, level: str, rule_set: str = G, target: str = T, related=None):  # type: ignore[no-untyped-def]
    rules = book.rule_sets[rule_set].rules_for(level)
    return evaluate(profile, target, level, rules, book.ladder, related or book.related, book.diploma_names())


def route(result, number: str):  # type: ignore[no-untyped-def]
    return next(r for r in result.routes if r.rule.number == number)


def cert(level: str, on: date, occ: str = T, kind: str = "skill-level") -> CertificateHeld:
    return CertificateHeld(occ, level, on, kind)  # type: ignore[arg-type]


# ---------------------------------------------------------------- the rule sets as loaded


def test_rule_sets_are_loaded_with_every_route(book):
    assert {rs: len(book.rule_sets[rs].rules) for rs in (G, E, P)} == {G: 19, E: 10, P: 12}
    assert [r.number for r in book.rule_sets[E].rules_for("4")] == ["1", "2", "3a", "3b"]
    g32 = book.rule_sets[G].rules_for("3")[1]
    assert g32.text == (
        "取得本职业或相关职业四级/中级工职业资格（职业技能等级）证书后，累计从事本职业或相关职业工作满4年。"
    )
    assert [(c.kind, c.level, c.years, c.counted_from, c.scope) for c in g32.conditions] == [
        ("certificate", "4", None, None, "related"),
        ("work", None, 4.0, 1, "related"),
    ]
    assert "application_conditions" in g32.source or "APPLICATION_CONDITIONS_BY_LEVEL" in g32.source


def test_promotion_steps_read_the_waiting_times(book):
    steps = {
        (s.from_level, s.to_level, s.years_after)
        for s in promotion_steps(book.rule_sets[G].rules)
        if not s.other_conditions
    }
    assert steps == {("5", "4", 3.0), ("4", "3", 4.0), ("3", "2", 5.0), ("2", "1", 5.0)}


# ---------------------------------------------------------------- level 5 (G)


def test_g5_sixteenth_birthday_opens_route_1_with_the_declaration_assumed(book):
    # G5(1): 年满16周岁，拟从事本职业或相关职业工作 — 16 on 2024-07-01 exactly
    r = run(book, Profile(as_of=date(2024, 7, 1), birth_date=date(2008, 7, 1)), "5")
    assert r.open and route(r, "1").open
    assert route(r, "1").conditions[1].assumed is True
    assert not route(r, "2").open  # (2) also needs to be working already
    assert route(r, "2").earliest_date is None


def test_g5_too_young_gives_the_birthday(book):
    r = run(book, Profile(as_of=date(2024, 7, 1), birth_date=date(2009, 1, 1)), "5")
    assert not r.open
    assert route(r, "1").earliest_date == date(2025, 1, 1)
    assert "reaches it on 2025-01-01" in route(r, "1").missing[0]


def test_g5_unknown_age_is_missing_information_not_a_date(book):
    r = run(book, Profile(as_of=date(2024, 7, 1)), "5")
    assert route(r, "1").earliest_date is None
    assert "no birth_date or age" in route(r, "1").missing[0]


# ---------------------------------------------------------------- level 4 (G)


def test_g4_five_years_in_a_related_occupation_exactly(book):
    # G4(1): 累计从事本职业或相关职业工作满5年 — 2019-06-01..2024-06-01 in the same minor group
    p = Profile(as_of=date(2024, 6, 1), work=(WorkSpell(SAME_GROUP, start=date(2019, 6, 1)),))
    assert route(run(book, p, "4"), "1").open


def test_g4_unrelated_work_does_not_count(book):
    p = Profile(as_of=date(2024, 6, 1), work=(WorkSpell(OTHER, years=6),))
    r = route(run(book, p, "4"), "1")
    assert not r.open
    assert r.missing == ["5 more years of work in this or a related occupation (has 0 of 5)"]
    assert r.earliest_date == date(2029, 6, 1)  # working in the target from as_of on


def test_g4_years_after_the_level5_certificate_and_the_closest_route(book):
    # G4(2): 五级证书后满3年. Since 2022-03-01: 2 years + 92/365 = 2.25 at 2024-06-01; 3 years on 2025-03-01.
    # G4(1): 5 years since 2020-01-01 on 2025-01-01 — earlier, so it is the closest route.
    p = Profile(
        as_of=date(2024, 6, 1),
        certificates=(cert("5", date(2022, 3, 1)),),
        work=(WorkSpell(T, start=date(2020, 1, 1)),),
    )
    r = run(book, p, "4")
    assert not r.open
    r2 = route(r, "2")
    assert r2.earliest_date == date(2025, 3, 1)
    assert r2.missing == [
        "0.7 more years of work in this or a related occupation after the level-5 certificate (has 2.3 of 3)"
    ]
    assert route(r, "1").earliest_date == date(2025, 1, 1)
    assert r.closest is not None and r.closest.rule.number == "1"


def test_g4_graduating_student_in_a_related_major(book):
    # G4(3): 毕业证书（含在读应届毕业生）
    p = Profile(
        as_of=date(2024, 3, 1), diplomas=(DiplomaHeld("higher-vocational", "graduating", "电子商务", "related"),)
    )
    assert route(run(book, p, "4"), "3").open


def test_g4_diploma_major_relation_must_be_given(book):
    p = Profile(as_of=date(2024, 3, 1), diplomas=(DiplomaHeld("higher-vocational", date(2023, 6, 30)),))
    r = route(run(book, p, "4"), "3")
    assert not r.open
    assert "major_relation" in r.missing[0]


def test_g4_enrolled_student_becomes_eligible_in_the_final_year(book):
    # graduation 2026-06-30: a graduating (应届) student from 2025-06-30
    p = Profile(
        as_of=date(2024, 9, 1),
        diplomas=(DiplomaHeld("secondary-vocational", date(2026, 6, 30), major_relation="same"),),
    )
    r = route(run(book, p, "4"), "3")
    assert not r.open and r.earliest_date == date(2025, 6, 30)


def test_g4_undated_years_are_the_most_recent_ones(book):
    # 6 undated years up to 2024-01-01 = 2018-01-01..2024-01-01; 3 of them after the 2021-01-01 certificate
    p = profile_from_json(
        {
            "as_of": "2024-01-01",
            "years_worked": {T: 6},
            "certificates": [{"occupation": T, "level": "五级", "date": "2021-01-01"}],
        },
        book.ladder,
    )
    r = run(book, p, "4")
    assert route(r, "1").open and route(r, "2").open


# ---------------------------------------------------------------- level 3 (G): titles and related occupations


def test_g3_junior_title_plus_one_year(book):
    # G3(3): 初级职称后累计满1年 — title 2023-01-01, working throughout
    p = Profile(
        as_of=date(2024, 6, 1),
        titles=(TitleHeld("professional-junior", date(2023, 1, 1), True),),
        work=(WorkSpell(T, start=date(2020, 1, 1)),),
    )
    assert route(run(book, p, "3"), "3").open


def test_g3_title_correspondence_must_be_stated(book):
    p = Profile(
        as_of=date(2024, 6, 1),
        titles=(TitleHeld("professional-junior", date(2023, 1, 1)),),
        work=(WorkSpell(T, start=date(2020, 1, 1)),),
    )
    r = route(run(book, p, "3"), "3")
    assert not r.open and "符合专业对应关系" in r.missing[0] and r.earliest_date is None


def test_g3_higher_title_satisfies_the_junior_title_route(book):
    p = Profile(
        as_of=date(2024, 6, 1),
        titles=(TitleHeld("professional-intermediate", date(2023, 1, 1), True),),
        work=(WorkSpell(T, start=date(2020, 1, 1)),),
    )
    assert route(run(book, p, "3"), "3").open
    assert route(run(book, p, "2"), "3").open  # G2(3): 中级职称 + 1 year


def test_g3_certificate_in_the_same_minor_group_counts_as_related(book):
    p = Profile(
        as_of=date(2024, 1, 1),
        certificates=(cert("4", date(2019, 1, 1), SAME_GROUP),),
        work=(WorkSpell(SAME_GROUP, start=date(2018, 1, 1)),),
    )
    assert route(run(book, p, "3"), "2").open


def test_g3_editor_relation_makes_another_group_related(book):
    p = Profile(
        as_of=date(2024, 1, 1),
        certificates=(cert("4", date(2019, 1, 1), BIG_DATA),),
        work=(WorkSpell(BIG_DATA, start=date(2018, 1, 1)),),
    )
    assert not route(run(book, p, "3"), "2").open
    related = RelatedOccupations([(BIG_DATA, T)])
    assert route(run(book, p, "3", related=related), "2").open


def test_g3_closest_route_is_the_one_that_only_needs_time(book):
    # certificate and work since 2023-01-01: G3(2) opens 2027-01-01, G3(1) (10 years) 2033-01-01
    p = Profile(
        as_of=date(2024, 1, 1),
        certificates=(cert("4", date(2023, 1, 1)),),
        work=(WorkSpell(T, start=date(2023, 1, 1)),),
    )
    r = run(book, p, "3")
    assert r.closest is not None and r.closest.rule.number == "2"
    assert r.closest.earliest_date == date(2027, 1, 1)
    assert route(r, "1").earliest_date == date(2033, 1, 1)
    assert [x.rule.number for x in r.routes][:2] == ["2", "1"]


# ---------------------------------------------------------------- levels 2 and 1 (G)


def test_g2_title_route_with_years_after_both_title_and_certificate(book):
    # G2(2): 初级职称后满5年 (2018-01-01 -> 6.4 years) and 三级证书后满1年 (2023-03-01 -> 1.25 years)
    p = Profile(
        as_of=date(2024, 6, 1),
        titles=(TitleHeld("professional-junior", date(2018, 1, 1), True),),
        certificates=(cert("3", date(2023, 3, 1)),),
        work=(WorkSpell(T, start=date(2017, 1, 1)),),
    )
    r = run(book, p, "2")
    assert route(r, "2").open
    assert route(r, "1").earliest_date == date(2028, 3, 1)  # G2(1): 5 years after the level-3 certificate


def test_g2_technician_class_student_with_a_certificate_held_two_years(book):
    # G2(5): 三级证书满2年的预备技师班学生 — held 2022-01-01..2024-01-01; graduating 2024-06-30
    p = Profile(
        as_of=date(2024, 1, 1),
        certificates=(cert("3", date(2022, 1, 1)),),
        diplomas=(DiplomaHeld("technician-class", date(2024, 6, 30)),),
    )
    assert route(run(book, p, "2"), "5").open


def test_g2_graduates_use_route_4_not_the_students_route(book):
    # G2(4): 三级证书 + 技师学院毕业生 + 2 years of work (2022-01-01..2024-01-01)
    p = Profile(
        as_of=date(2024, 1, 1),
        certificates=(cert("3", date(2022, 1, 1)),),
        diplomas=(DiplomaHeld("technician-class", date(2023, 6, 30)),),
        work=(WorkSpell(T, start=date(2022, 1, 1)),),
    )
    r = run(book, p, "2")
    assert not route(r, "5").open and route(r, "4").open


def test_leap_day_certificate_is_held_two_years_on_28_february(book):
    p = Profile(
        as_of=date(2022, 2, 27),
        certificates=(cert("3", date(2020, 2, 29)),),
        diplomas=(DiplomaHeld("technician-class", "graduating"),),
    )
    r = route(run(book, p, "2"), "5")
    assert not r.open and r.earliest_date == date(2022, 2, 28)
    p2 = Profile(as_of=date(2022, 2, 28), certificates=p.certificates, diplomas=p.diplomas)
    assert route(run(book, p2, "2"), "5").open


def test_g1_senior_title_and_one_year(book):
    p = Profile(
        as_of=date(2024, 6, 1),
        titles=(TitleHeld("professional-senior", date(2023, 6, 1), True),),
        work=(WorkSpell(T, start=date(2023, 6, 1)),),
    )
    assert route(run(book, p, "1"), "3").open


# ---------------------------------------------------------------- the 2018 rules (E): 本职业 only


def test_e4_certificate_in_a_related_occupation_does_not_count(book):
    p = Profile(
        as_of=date(2024, 1, 1),
        certificates=(cert("5", date(2018, 1, 1), SAME_GROUP),),
        work=(WorkSpell(SAME_GROUP, start=date(2017, 1, 1)),),
    )
    r = run(book, p, "4", rule_set=E)
    assert not r.open
    assert "in this occupation" in route(r, "1").missing[0]
    assert route(r, "2").missing == ["6 more years of work in this occupation (has 0 of 6)"]


def test_e3_college_diploma_plus_two_years_after_level4(book):
    # E3(3): 大专 + 四级证书后满2年 (2022-01-01..2024-01-01); E3(1) needs 5 years -> 2027-01-01
    p = Profile(
        as_of=date(2024, 1, 1),
        certificates=(cert("4", date(2022, 1, 1)),),
        diplomas=(DiplomaHeld("higher-vocational", date(2020, 6, 30), major_relation="related"),),
        work=(WorkSpell(T, start=date(2021, 1, 1)),),
    )
    r = run(book, p, "3", rule_set=E)
    assert route(r, "3").open
    assert route(r, "1").earliest_date == date(2027, 1, 1)


def test_e5_completed_apprenticeship(book):
    p = Profile(as_of=date(2024, 1, 1), apprenticeships=(ApprenticeshipDone(T, date(2023, 9, 1)),))
    assert route(run(book, p, "5", rule_set=E), "2").open


# ---------------------------------------------------------------- the pre-2018 rules (P): 连续, 职业资格证书


def test_p4_continuous_years_restart_after_a_gap(book):
    # P中级(2): 初级证书后连续从事本职业5年以上. Since the 2014 certificate: 2015-2017 (3 years), a gap,
    # then from 2018-06-01: 5 continuous years on 2023-06-01 (not 5.6 cumulative years now).
    p = Profile(
        as_of=date(2021, 1, 1),
        certificates=(cert("5", date(2014, 6, 1), kind="vocational-qualification"),),
        work=(WorkSpell(T, start=date(2015, 1, 1), end=date(2017, 12, 31)), WorkSpell(T, start=date(2018, 6, 1))),
    )
    r = run(book, p, "4", rule_set=P)
    assert not r.open
    assert route(r, "2").earliest_date == date(2023, 6, 1)
    assert route(r, "3").earliest_date == date(2025, 6, 1)  # P中级(3): 7 continuous years


def test_p4_skill_level_certificate_is_not_a_vocational_qualification(book):
    p = Profile(
        as_of=date(2021, 1, 1),
        certificates=(cert("5", date(2014, 6, 1)),),
        work=(WorkSpell(T, start=date(2014, 6, 1)),),
    )
    r = route(run(book, p, "4", rule_set=P), "2")
    assert not r.open and "not accepted" in r.missing[0]


# ---------------------------------------------------------------- real occupations through the rule book


def test_ai_trainer_level3_uses_the_2018_rules_applied_by_edition(book):
    p = profile_from_json(
        {
            "as_of": "2025-06-01",
            "birth_date": "1995-03-01",
            "certificates": [{"occupation": "4-04-05-05", "level": "4", "date": "2021-09-01"}],
            "work": [{"occupation": "4-04-05-05", "start": "2019-07-01"}],
        },
        book.ladder,
    )
    r = book.check(p, "4-04-05-05", "三级")
    assert r.standard is not None and r.standard["id"] == "4-04-05-05-2021"
    assert r.rule_set is not None and (r.rule_set["id"], r.rule_set["basis"]) == (E, "applied-by-edition")
    assert any("applied because of the standard's issue date" in n for n in r.notes)
    assert sorted(x.rule.number for x in r.routes) == ["1", "2a", "2b", "3"]
    assert r.closest is not None and r.closest.rule.number == "1"
    assert r.closest.earliest_date == date(2026, 9, 1)  # 5 years after 2021-09-01


def test_levels_outside_the_rule_set_say_so(book):
    r = book.check(Profile(as_of=date(2025, 1, 1)), "4-04-05-05", "2")
    assert r.routes == [] and any("no rules for level 2" in n for n in r.notes)


def test_professional_ladder_and_occupations_without_standard(book):
    r = book.check(Profile(as_of=date(2025, 1, 1)), "2-02-38-01", "高级")
    assert r.routes == [] and r.standard is not None and r.standard["ladder"] == "professional"
    assert any("professional-technical levels" in n for n in r.notes)
    r = book.check(Profile(as_of=date(2025, 1, 1)), "1-01-00-01", "3")
    assert r.standard is None and any("no national skill standard" in n for n in r.notes)


def test_business_data_analyst_gets_the_generic_rules(book):
    std, rs, level, rules, _notes = book.routes("4-07-02-05", "3")
    assert std is not None and std.id == "4-07-02-05-2024" and rs is not None and rs.id == G
    assert [r.number for r in rules] == ["1", "2", "3", "4", "5", "6"]


# ---------------------------------------------------------------- profiles from JSON


@pytest.mark.parametrize(
    "data, message",
    [
        ({"as_of": "2024-13-01"}, "as_of"),
        ({"as_of": "2024-01-01", "certificates": [{"occupation": T, "level": "4"}]}, "certificates[0].date"),
        (
            {"as_of": "2024-01-01", "certificates": [{"occupation": T, "level": "9", "date": "2020-01-01"}]},
            "unknown level",
        ),
        ({"as_of": "2024-01-01", "titles": [{"level": "四级", "date": "2020-01-01"}]}, "expected a professional level"),
        ({"as_of": "2024-01-01", "work": [{"occupation": T}]}, "either start"),
        ({"as_of": "2024-01-01", "work": [{"occupation": T, "years": -1}]}, "outside"),
        ({"as_of": "2024-01-01", "salary": 1}, "unknown field"),
        ({"as_of": "2024-01-01", "diplomas": [{"kind": "phd"}]}, "diplomas[0].kind"),
        ([1, 2], "JSON object"),
    ],
)
def test_malformed_profiles_say_what_is_wrong(book, data, message):
    with pytest.raises(ProfileError, match=message.replace("[", r"\[").replace("]", r"\]")):
        profile_from_json(data, book.ladder, diploma_kinds=book.diploma_kinds.keys())


def test_unknown_occupation_in_a_profile(book):
    with pytest.raises(ProfileError, match="not an occupation code"):
        profile_from_json(
            {"certificates": [{"occupation": "9-99-99-99", "level": "4", "date": "2020-01-01"}]},
            book.ladder,
            is_code=lambda c: c == T,
        )


def test_calendar_arithmetic():
    assert years_between(date(2019, 6, 1), date(2024, 6, 1)) == 5.0
    assert add_years(date(2020, 2, 29), 2) == date(2022, 2, 28)
    assert years_between(date(2024, 1, 1), date(2023, 1, 1)) == 0.0

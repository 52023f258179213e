"""The whole majors catalogue (issue 14): 中职, 高职专科, 职业本科 and the 普通本科 majors the 对应指引 names,
the major -> occupation links with their source, and the MOE 专业简介 as data.

Expectations are read off the upstream copies by hand (standards/upstream/flyboat/majors_catalogue_2021/):
e.g. 530701 电子商务 (moe_pdfs_md/5307电子商务类.md): 职业面向 "面向电子商务师、互联网营销师、营销员、
市场营销专业人员、商务策划专业人员、品牌专业人员、客户服务管理员、采购员等职业，运营主管、全渠道营销主管、
O2O 销售主管、智能客服主管、视觉营销设计师、互联网产品开发主管等岗位（群）", 9 abilities, 8 core courses,
certificates 网店运营推广 ... 农产品电商运营; the 对应指引 row for 530701 gives 4-01-06-01 电子商务师.
"""

from __future__ import annotations

import pytest

from graph.build.importers.majors import orientation_parts
from graph.store.embedded import EmbeddedStore

# code, tier, name, an occupation it leads to, the source of that link, the start of ability 1, core course 1
TWENTY = [
    (
        "710201",
        "secondary-vocational",
        "计算机应用",
        "4-04-05-01",
        "majors-pilot",
        "具备熟练操作计算机和应用",
        "图形图像处理",
    ),
    (
        "610101",
        "secondary-vocational",
        "种子生产技术",
        "5-01-01-01",
        "majors-links",
        "具有大田作物种子安全生产",
        "大田作物种子生产技术",
    ),
    (
        "730701",
        "secondary-vocational",
        "电子商务",
        "4-01-06-01",
        "majors-links",
        "掌握平台运营规则，具有根",
        "数字化零售运营",
    ),
    ("720201", "secondary-vocational", "护理", "4-10-01-05", "majors-links", "具有熟练运用基本护理技术", "基础护理"),
    (
        "660301",
        "secondary-vocational",
        "机电技术应用",
        "4-04-05-07",
        "majors-links",
        "具有正确识读和使用绘图软",
        "气动与液压传动",
    ),
    (
        "700101",
        "secondary-vocational",
        "铁道工程施工与维护",
        "6-29-02-01",
        "majors-links",
        "掌握工程测量的基本理论知",
        "路基施工",
    ),
    (
        "740201",
        "secondary-vocational",
        "中餐烹饪",
        "4-03-02-01",
        "majors-links",
        "具有常见中餐烹",
        "餐饮食品安全与操作规范",
    ),
    ("530701", "higher-vocational", "电子商务", "4-01-06-01", "majors-links", "具有搭建数据运营指标体系", "网店运营"),
    (
        "510201",
        "higher-vocational",
        "计算机应用技术",
        "2-02-30-09",
        "majors-links",
        "具备数据库应用、前端开发",
        "数据库技术及应用",
    ),
    (
        "510209",
        "higher-vocational",
        "人工智能技术应用",
        "2-02-38-01",
        "majors-links",
        "具备程序设计、数据库设计",
        "人工智能数据服务",
    ),
    (
        "560206",
        "higher-vocational",
        "影视动画",
        "2-09-06-03",
        "majors-links",
        "掌握动画角色造型的创作方",
        "动画角色设计",
    ),
    ("520201", "higher-vocational", "护理", "2-05-08-01", "majors-links", "具有熟练运用基本护理技术", "健康评估"),
    (
        "440301",
        "higher-vocational",
        "建筑工程技术",
        "2-02-18-01",
        "majors-links",
        "具有识读建筑工程施工图、",
        "建筑施工技术",
    ),
    (
        "410101",
        "higher-vocational",
        "种子生产与经营",
        "2-03-05-00",
        "majors-links",
        "具有农作物种子绿色、安全",
        "大田作物种子生产技术",
    ),
    (
        "210101",
        "vocational-undergraduate",
        "现代种业技术",
        "2-03-05-00",
        "majors-links",
        "具有农作物绿色高效种子生",
        "作物栽培技术",
    ),
    (
        "330701",
        "vocational-undergraduate",
        "电子商务",
        "2-06-07-04",
        "majors-links",
        "具有较强的整合和综合运用",
        "平台运营",
    ),
    (
        "310201",
        "vocational-undergraduate",
        "计算机应用工程",
        "2-02-10-03",
        "majors-links",
        "具备项目管理、软硬件需求",
        "软件工程",
    ),
    (
        "320201",
        "vocational-undergraduate",
        "护理",
        "2-05-08-01",
        "majors-links",
        "具有人类全生命周期常见疾",
        "健康评估",
    ),
    (
        "250101",
        "vocational-undergraduate",
        "水文与水资源工程技术",
        "2-02-18-12",
        "majors-links",
        "具有识读和绘制水利工程图",
        "水信息技术",
    ),
    (
        "260101",
        "vocational-undergraduate",
        "机械设计制造及自动化",
        "2-02-07-01",
        "majors-links",
        "具有产品及零部件设计、流",
        "机械系统设计",
    ),
]
P = "PREFIX og: <https://w3id.org/occugraph/ontology/>\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"


def test_catalogue_counts_per_tier(store: EmbeddedStore) -> None:
    # vocational_majors_catalogue.tsv: 中职 368, 高职专科 754, 职教本科 321 (= 1,443), plus the 30 高职专科
    # majors under national control (…K) that only the 对应指引 table lists; 普通本科: 376 majors in that table
    # and 3 more from the earlier pilot crosswalk
    rows = store.select(
        P
        + """SELECT ?tier (COUNT(?m) AS ?n) WHERE { ?m a og:SchoolMajor ; og:inTier ?t .
        BIND(STRAFTER(STR(?t), "/education-tier/") AS ?tier) } GROUP BY ?tier"""
    )
    assert {r["tier"]: int(r["n"]) for r in rows} == {
        "secondary-vocational": 368,
        "higher-vocational": 754 + 30,
        "vocational-undergraduate": 321,
        "general-undergraduate": 376 + 3,
    }


def test_links_of_the_guide_all_present_with_their_source(store: EmbeddedStore) -> None:
    # 6,464 rows in major_occupation_links.tsv; all become orientations with source majors-links
    rows = store.select(
        P
        + """PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT (COUNT(?o) AS ?n) WHERE { ?o a og:OccupationalOrientation ; og:orientationBasis "official" ;
        prov:wasDerivedFrom <https://w3id.org/occugraph/id/source/majors-links> }"""
    )
    assert int(rows[0]["n"]) == 6464


@pytest.mark.parametrize(("code", "tier", "name", "occ", "source", "ability", "course"), TWENTY)
def test_twenty_majors_with_occupations_requirements_and_courses(
    client, code: str, tier: str, name: str, occ: str, source: str, ability: str, course: str
) -> None:  # type: ignore[no-untyped-def]
    r = client.get(f"/api/majors/{code}")
    assert r.status_code == 200, r.get_json()
    m = r.get_json()
    assert (m["tier"], m["name"]) == (tier, name)
    links = {o["code"]: o for o in m["occupations"]}
    assert occ in links and source in links[occ]["source"].split()
    assert m["abilities"][0]["no"] == 1 and m["abilities"][0]["text"].startswith(ability)
    assert [a["no"] for a in m["abilities"]] == list(range(1, len(m["abilities"]) + 1))
    assert course in m["courses"]["core"]


def test_530701_profile_as_data(client) -> None:  # type: ignore[no-untyped-def]
    m = client.get("/api/majors/530701").get_json()
    assert m["profile"]["years"] == "三年"
    assert m["posts"] == sorted(
        ["运营主管", "全渠道营销主管", "O2O销售主管", "智能客服主管", "视觉营销设计师", "互联网产品开发主管"]
    )
    assert len(m["abilities"]) == 9
    # ability 8 is broken over two lines in the PDF conversion and joined again
    assert (
        m["abilities"][7]["text"] == "具有良好的学习能力、表达沟通能力和团队合作精神，具有批判性思维及创新和创业的能力"
    )
    assert len(m["courses"]["core"]) == 8 and "互联网产品开发" in m["courses"]["core"]
    assert m["profile_certificates"] == [
        {
            "kind": "职业技能等级证书",
            "names": ["网店运营推广", "电子商务数据分析", "跨境电商 B2B 数据运营", "直播电商", "农产品电商运营"],
        }
    ]
    continuing = {c["level"]: c["majors"] for c in m["continuing"]}
    assert {"name": "全媒体电商运营", "code": "330703"} in continuing["接续高职本科专业举例"]
    # the occupations the 职业面向 names, resolved to codes by exact name; 电子商务师 also from the 对应指引
    codes = {o["code"]: o["source"].split() for o in m["occupations"]}
    assert codes["4-01-06-01"] == ["majors-links", "moe-profiles"]
    assert codes["4-01-01-00"] == ["moe-profiles"]  # 采购员
    assert set(codes) >= {"2-06-07-02", "2-06-07-03", "2-06-07-04", "4-01-02-01", "4-01-06-02", "4-07-02-03"}


def test_posts_queryable_with_their_occupations(store: EmbeddedStore) -> None:
    rows = store.select(
        P
        + 'SELECT DISTINCT ?code WHERE { ?m og:jobPostName "智能客服主管"@zh ; og:preparesFor ?o . '
        + "?o skos:notation ?code }"
    )
    assert "4-01-06-01" in {r["code"] for r in rows}


def test_general_undergraduate_and_renumbered_codes(client) -> None:  # type: ignore[no-untyped-def]
    # 普通本科 100402 食品卫生与营养学 -> 2-05-02-12 中医营养医师 (对应指引 table, 普通本科 row 1)
    m = client.get("/api/majors/100402").get_json()
    assert m["tier"] == "general-undergraduate" and "2-05-02-12" in {o["code"] for o in m["occupations"]}
    # 520101K 临床医学 is missing from the catalogue file; the 对应指引 table names it
    k = client.get("/api/majors/520101K").get_json()
    assert k["name"] == "临床医学" and k["occupations"]


def test_unknown_major_is_404_with_suggestions(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/api/majors/530799")
    assert r.status_code == 404


def test_orientation_sentence_parsing() -> None:
    assert orientation_parts("面向幼儿园教师等职业。") == (["幼儿园教师"], [])
    assert orientation_parts("面向纺织鞋服行业相关的材料及产品的设计与开发等技术领域。") == ([], [])


def test_major_page_shows_the_profile(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/majors/530701")
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "互联网产品开发" in page and "全渠道营销主管" in page and "网店运营推广" in page
    assert "对应指引（2023年版）" in page and "教育部专业简介" in page  # the source of each link is shown

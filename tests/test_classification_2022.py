"""The classification as published (issue 14): the 2022 totals, the single-occupation groups' own names,
the catch-all groups, 工种 as resources, complete new-occupation batches, standards for one 工种.

Official totals of the 2022 edition: 8 大类 / 79 中类 / 449 小类 / 1,636 职业; 97 S, 134 L (DOMAIN.md §1,
standards/classification/official-totals.tsv). Group names and 工种 are read off the dictionary text by hand
(standards/upstream/flyboat/occupation_dictionary_split/), e.g. class_6 line 2513 "# 6-08-02（GBM60802）"
followed by "# 记录媒介复制人员", and line 2530 "# 6-08-02-00 音像制品和电子出版物复制员".
"""

from __future__ import annotations

import pytest

from graph.build.pipeline import BuildResult
from graph.store.embedded import EmbeddedStore

P = """PREFIX og: <https://w3id.org/occugraph/ontology/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""
E2022 = "<https://w3id.org/occugraph/id/edition/2022>"


def count_2022(store: EmbeddedStore, cls: str) -> int:
    q = P + f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ ?e a og:{cls} ; og:inEdition {E2022} }}"
    return int(store.select(q)[0]["n"])


def test_2022_totals_against_the_official_numbers(store: EmbeddedStore, built: BuildResult) -> None:
    assert count_2022(store, "MajorGroup") == 8
    assert count_2022(store, "MediumGroup") == 79
    assert count_2022(store, "Occupation") == 1636
    assert count_2022(store, "DigitalOccupation") == 97
    assert count_2022(store, "GreenOccupation") == 134
    # Explained difference: 450 minor groups, not 449. The final edition has 2-07-08 检察辅助人员, which the
    # public-comment draft lacks (the draft's 2-07-08 ... 2-07-10 are the final's 2-07-09 ... 2-07-11), so
    # one group more than the draft's 449; which group the final edition dropped is not in the sources.
    assert count_2022(store, "MinorGroup") == 449 + 1
    report = (built.dist / "qc-report.md").read_text(encoding="utf-8")
    assert "2022 minor: 450 in the data, 449 published" in report
    assert "difference: 2-07-08-00 检察辅助人员 [final-not-in-draft]" in report
    # the draft's own differences are listed item by item, e.g. 劳务外包管理员 vs 劳务派遣管理员
    assert "difference: 4-07-03-06 劳务派遣管理员 [draft-differs-from-final]" in report


def test_catch_all_groups_are_in_the_2022_edition(store: EmbeddedStore) -> None:
    for code, kind in [
        ("7-01-00-00", "MediumGroup"),
        ("7-04-00-00", "Occupation"),
        ("8-00-00-00", "Occupation"),
        ("8-00-00-00", "MediumGroup"),
        ("5-99-00-00", "MediumGroup"),
        ("3-01-99-00", "MinorGroup"),
        ("4-08-99-00", "MinorGroup"),
    ]:
        q = P + f'ASK {{ ?e skos:notation "{code}" ; a og:{kind} ; og:inEdition {E2022} }}'
        assert store.query(q), (code, kind)


def test_occupations_announced_in_2024_are_not_in_the_2022_edition(client) -> None:  # type: ignore[no-untyped-def]
    for code in ("2-02-32-02", "4-05-02-02"):
        o = client.get(f"/api/occupations/{code}").get_json()
        assert "中华人民共和国职业分类大典（2022年版）" not in o["editions"], o["editions"]
    # 制药工程技术人员 was printed 2-02-32-00 in 2022: the former code is kept
    o = client.get("/api/occupations/2-02-32-01").get_json()
    assert "2-02-32-00" in o["former_codes"]


GROUP_NAMES = [
    ("6-08-02-00", "记录媒介复制人员", "音像制品和电子出版物复制员"),
    ("6-24-04-00", "电池制造人员", "电池制造工"),
    ("2-10-05-00", "翻译人员", "翻译"),
    ("2-06-13-00", "社会保险专业人员", "医保经办专业人员"),
    ("4-01-01-00", "购销服务人员", "采购员"),
    ("6-31-06-00", "安全生产管理人员", "安全员"),
]


def test_the_45_single_occupation_groups_carry_their_own_name(store: EmbeddedStore) -> None:
    rows = store.select(
        P
        + """SELECT ?code ?group ?occ WHERE {
        ?g a og:MinorGroup ; skos:notation ?code ; skos:prefLabel ?group ; skos:narrower ?o .
        ?o a og:Occupation ; skos:notation ?code ; skos:prefLabel ?occ . FILTER(?g != ?o) }"""
    )
    pairs = {r["code"]: (r["group"], r["occ"]) for r in rows}
    assert len(pairs) == 45
    for code, group, occ in GROUP_NAMES:
        assert pairs[code] == (group, occ)


def test_api_lookup_of_a_shared_code_gives_the_occupation_with_its_group(client) -> None:  # type: ignore[no-untyped-def]
    o = client.get("/api/occupations/6-08-02-00").get_json()
    assert o["name"] == "音像制品和电子出版物复制员"
    assert {"code": "6-08-02-00", "name": "记录媒介复制人员"}.items() <= o["parents"][-1].items()


WORK_TYPES = [
    ("饲草产品加工工", "6-01-02-00"),
    ("饲料加工中控工", "6-01-02-00"),
    ("木雕工", "6-09-03-01"),
    ("烟机电工", "6-31-01-03"),
    ("接触网工", "6-29-02-13"),
    ("铁路通信工", "6-29-03-09"),
    ("电气电子产品环保检测员", "4-08-05-07"),
    ("民航碳排放管理员", "4-09-07-04"),
    ("输蔗破碎工", "6-01-03-00"),
    ("冰糖加工工", "6-01-03-00"),
    ("反应竖炉操作工", "6-17-01-08"),  # a 工种 of a 2024 occupation
    ("电化学储能电站运维员", "4-11-01-04"),
    ("低代码开发员", "4-04-05-01"),  # new in 2024 (batch 6)
    ("人工智能数字人训练师", "4-04-05-05"),
    ("造雪师", "4-14-05-02"),
    ("商用车维修工", "4-12-01-01"),
    ("特种救援员", "3-02-03-01"),  # new in 2025 (batch 7): parent 消防员 by name
    ("生成式人工智能系统测试员", "4-04-05-13"),
    ("智慧仓运维员", "4-02-06-03"),
    ("吊顶工", "6-29-04-01"),
]


def test_work_types_as_resources(store: EmbeddedStore) -> None:
    n = store.select(P + "SELECT (COUNT(DISTINCT ?wt) AS ?n) WHERE { ?wt a og:WorkType ; og:workTypeOf ?o }")
    assert 2900 < int(n[0]["n"]) < 3100
    rows = store.select(
        P + "SELECT ?name ?code WHERE { ?wt a og:WorkType ; skos:prefLabel ?name ; og:workTypeOf ?occ . "
        "?occ skos:notation ?code }"
    )
    pairs = {(r["name"], r["code"]) for r in rows}
    for name, code in WORK_TYPES:
        assert (name, code) in pairs, (name, code)


def test_new_work_types_carry_their_batch(store: EmbeddedStore) -> None:
    rows = store.select(
        P + "SELECT ?b (COUNT(DISTINCT ?wt) AS ?n) WHERE { ?wt a og:WorkType ; og:announcedIn ?batch . "
        "?batch og:batchNumber ?b } GROUP BY ?b"
    )
    assert {int(r["b"]): int(r["n"]) for r in rows} == {6: 28, 7: 42}


@pytest.mark.parametrize(
    ("batch", "count", "members"),
    [
        (4, 18, {"4-08-08-22", "4-09-07-04", "6-28-03-05", "6-02-06-12", "6-25-04-05", "6-31-07-02", "4-04-05-08"}),
        (7, 17, {"4-07-03-09", "4-09-07-07", "4-11-01-06", "4-11-01-07", "6-25-01-17", "2-07-11-04"}),
    ],
)
def test_batches_4_and_7_complete(client, batch: int, count: int, members: set[str]) -> None:  # type: ignore[no-untyped-def]
    body = client.get("/api/new-occupations?since=2019-01-01").get_json()
    items = [o for o in body["results"] if o["batch"] == batch]
    assert len(items) == count
    assert members <= {o["code"] for o in items}


def test_batch_6_dated_by_its_notice(store: EmbeddedStore) -> None:
    rows = store.select(
        P + "SELECT ?d WHERE { ?b a og:NewOccupationBatch ; og:batchNumber 6 ; og:announcementDate ?d }"
    )
    assert [r["d"] for r in rows] == ["2024-07-25"]


def test_every_occupation_added_since_2024_has_a_definition(store: EmbeddedStore) -> None:
    rows = store.select(
        P
        + """SELECT ?code WHERE { ?o a og:Occupation ; og:announcedIn ?b ; skos:notation ?code .
        ?b og:announcementDate ?d . FILTER(STR(?d) >= "2024-01-01")
        FILTER NOT EXISTS { ?o skos:definition ?def } }"""
    )
    assert rows == []
    # the 2024 ones also have their tasks (2025's are not published: 待官方发布)
    rows = store.select(
        P
        + """SELECT ?code WHERE { ?o a og:Occupation ; og:announcedIn ?b ; skos:notation ?code .
        ?b og:batchNumber 6 . FILTER NOT EXISTS { ?o og:hasMainTask ?t } }"""
    )
    assert rows == []


def test_standards_resolve_and_single_work_type_standards_are_marked(store: EmbeddedStore) -> None:
    rows = store.select(
        P
        + """SELECT ?title ?code ?wtname WHERE { ?s og:standardTitle ?title ; og:forOccupation ?o .
        ?o skos:notation ?code . OPTIONAL { ?s og:coversOnlyWorkType ?wt . ?wt skos:prefLabel ?wtname } }"""
    )
    by_title = {r["title"]: (r["code"], r.get("wtname")) for r in rows}
    assert by_title["电气电子产品环保检测员"] == ("4-08-05-07", "电气电子产品环保检测员")
    assert by_title["木雕工"] == ("6-09-03-01", "木雕工")
    assert by_title["电工（烟机电工）"] == ("6-31-01-03", "烟机电工")
    assert by_title["接触网工"][0] == "6-29-02-13" and by_title["铁路通信工"][0] == "6-29-03-09"
    assert by_title["广电和通信设备电子装接工"] == ("6-25-04-07", None)
    assert by_title["广电和通信设备调试工"] == ("6-25-04-08", None)
    # a whole-occupation standard is not marked
    assert by_title["人工智能训练师"][1] is None


def test_definitions_from_the_dictionary_text_carry_their_provenance(store: EmbeddedStore) -> None:
    rows = store.select(
        P
        + """SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o a og:Occupation ; skos:definition ?d ;
        prov:wasDerivedFrom <https://w3id.org/occugraph/id/source/csco22-text> }"""
    )
    assert int(rows[0]["n"]) > 0
    rows = store.select(
        P
        + """SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o skos:definition ?d ;
        prov:wasDerivedFrom <https://w3id.org/occugraph/id/source/csco22-text> }"""
    )
    assert int(rows[0]["n"]) > 400  # mostly group definitions, which csco22 lacks


def test_a_single_occupation_group_and_its_occupation_are_one_node_of_the_tree(store: EmbeddedStore) -> None:
    """2-10-05-00 is two entries, the minor group 翻译人员 and the occupation 翻译. The tree, addressed by
    code, holds one node with the group's name and parent and both kinds, whatever the backend's row
    order; the classifier names the code after the occupation and knows the group's name too."""
    from graph.classification.classifier import Classifier
    from graph.classification.hierarchy import Hierarchy

    tree = Hierarchy.load(store)
    node = tree.nodes["2-10-05-00"]
    assert (node.name, node.kinds, node.parent) == ("翻译人员", ["minor", "occupation"], "2-10-00-00")
    assert node.children == []  # not its own parent
    assert "2-10-05-00" in tree.nodes["2-10-00-00"].children
    # every minor group is a node, each occupation once: no occupation hides behind its group's code
    codes = {r["code"] for r in store.select(P + "SELECT ?code WHERE { ?e a og:Occupation ; skos:notation ?code }")}
    assert tree.totals()["minor"] == int(
        store.select(P + "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a og:MinorGroup }")[0]["n"]
    )
    assert tree.totals()["occupation"] == len(codes)
    record = next(r for r in Classifier.from_store(store).index.records if r.code == "2-10-05-00")
    assert (record.name, record.kinds, ("name", "翻译人员") in record.labels) == ("翻译", ["minor", "occupation"], True)

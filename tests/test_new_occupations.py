"""New-occupation batches, first appearances, the /api/new-occupations filters, standard coverage
and its page: facts from the real sources (standards/new-occupations/, the classification and the
national skill standards)."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import date
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from graph.build.context import BuildContext
from graph.build.sources import new_occupations as reader
from graph.build.tsv import SourceErrors
from graph.classification import new_occupations as nq

ROOT = Path(__file__).resolve().parents[1]
OG = "PREFIX og: <https://w3id.org/occugraph/ontology/>\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"


@pytest.fixture(scope="module")
def batches(store):  # type: ignore[no-untyped-def]
    return {b["batch"]: b for b in nq.batches(store)}


def test_seven_batches_with_dates_and_counts(batches) -> None:  # type: ignore[no-untyped-def]
    assert sorted(batches) == [1, 2, 3, 4, 5, 6, 7]
    six = batches[6]
    # dated by its notice, 人社厅发〔2024〕36号 of 2024-07-25 (news reports: 2024-07-31)
    assert (six["announced_on"], six["occupations_announced"], six["occupations_known"]) == ("2024-07-25", 19, 19)
    assert six["work_types_announced"] == 28 and six["work_types_known"] == 28
    four = batches[4]
    assert (four["announced_on"], four["occupations_announced"], four["occupations_known"]) == ("2021-03-09", 18, 18)
    assert four["complete"] is True
    seven = batches[7]
    # the source reports the month only; the day is the 人社部 press conference named in the batch note
    assert (seven["date_as_reported"], seven["announced_on"]) == ("2025-07", "2025-07-22")
    assert (seven["occupations_announced"], seven["occupations_known"]) == (17, 17)
    assert (seven["work_types_announced"], seven["work_types_known"]) == (42, 42)
    assert sum(b["occupations_known"] for b in batches.values()) == 110
    assert all(b["source"] for b in batches.values())


def test_generative_ai_occupation_first_appeared_in_batch_6(store) -> None:  # type: ignore[no-untyped-def]
    rows = store.select(
        OG
        + """
SELECT ?n ?on ?name WHERE {
  <https://w3id.org/occugraph/id/occupation/4-04-05-13> og:firstAppearedIn ?b ; og:firstAppearedOn ?on ;
      og:announcedIn ?b ; skos:prefLabel ?name .
  ?b og:batchNumber ?n }"""
    )
    assert rows == [{"n": "6", "on": "2024-07-25", "name": "生成式人工智能系统应用员"}]
    genai = "<https://w3id.org/occugraph/id/occupation/4-04-05-13>"
    editions = store.select(OG + f"SELECT ?e WHERE {{ {genai} og:inEdition ?e }}")
    assert [r["e"].rsplit("/", 1)[-1] for r in editions] == ["live"]


def test_every_occupation_has_one_first_appearance(store) -> None:  # type: ignore[no-untyped-def]
    missing = store.select(
        OG
        + """
SELECT ?o WHERE { ?o a og:Occupation FILTER NOT EXISTS { ?o og:firstAppearedIn ?x } }"""
    )
    assert missing == []
    # an occupation older than any batch: the 2022 edition, with no day (editions are known by year)
    old = store.select(
        OG
        + """
SELECT ?first ?on WHERE { <https://w3id.org/occugraph/id/occupation/2-02-10-03> og:firstAppearedIn ?first
  OPTIONAL { <https://w3id.org/occugraph/id/occupation/2-02-10-03> og:firstAppearedOn ?on } }"""
    )
    assert old == [{"first": "https://w3id.org/occugraph/id/edition/2022"}]


def test_code_of_unnumbered_member_comes_from_online_dictionary(store) -> None:  # type: ignore[no-untyped-def]
    found = nq.new_occupations(store, batch=("number", "6"))
    by_name = {o["name_as_announced"]: o for o in found}
    assert by_name["网络安全等级保护测评师"]["code"] == "4-04-04-07"


def test_renamed_occupation_keeps_announced_name(store) -> None:  # type: ignore[no-untyped-def]
    rows = store.select(
        OG
        + """
SELECT ?announced ?alt WHERE { <https://w3id.org/occugraph/id/occupation/4-13-04-04> og:nameAsAnnounced ?announced ;
  skos:altLabel ?alt ; og:nameEvidence "matched-by-meaning" }"""
    )
    assert {"announced": "研学旅行指导师", "alt": "研学旅行指导师"} in rows


def test_work_types_of_batch_7(store) -> None:  # type: ignore[no-untyped-def]
    types = {w["name"]: w for w in nq.work_types(store)}
    assert len(types) == 70  # 28 of 2024 + 42 of 2025
    assert types["生成式人工智能系统测试员"]["occupation"] == {"code": "4-04-05-13", "name": "生成式人工智能系统应用员"}
    assert types["生成式人工智能系统测试员"]["status"] == "announced"
    # once only in the 公示 list; the 2025 list of 42 names it with its occupation 鉴定估价师
    assert types["黄金鉴定估价师"]["status"] == "announced" and types["黄金鉴定估价师"]["occupation"]


def test_qc_report_no_longer_lists_incomplete_batches_or_conflicts(built) -> None:  # type: ignore[no-untyped-def]
    # batches 4 and 7 are complete (issue 14); 2-02-32-02 and 4-05-02-02 are no longer in the 2022 edition
    assert built.qc_counts["incomplete-batch"] == 0
    assert built.qc_counts["announced-after-edition"] == 0
    assert built.qc_counts["batch-over-announced"] == 0


# ---------------------------------------------------------------- API


def test_api_since_2024(client) -> None:  # type: ignore[no-untyped-def]
    data = client.get("/api/new-occupations?since=2024-01-01").get_json()
    assert data["count"] == 36  # 19 of batch 6 + 17 of batch 7
    assert {r["batch"] for r in data["results"]} == {6, 7}
    assert all(r["announced_on"] >= "2024-01-01" for r in data["results"])
    one = next(r for r in data["results"] if r["code"] == "4-04-05-13")
    assert one["editions"] == ["live"] and one["flags"]["digital"] is True
    assert one["first_appeared_in"] == "https://w3id.org/occugraph/id/new-occupation-batch/6"
    assert {"name": "生成式人工智能系统测试员", "status": "announced"} in one["new_work_types"]


def test_api_batch_by_month_and_flag(client) -> None:  # type: ignore[no-untyped-def]
    by_month = client.get("/api/new-occupations?batch=2024-07").get_json()
    by_number = client.get("/api/new-occupations?batch=6").get_json()
    assert by_month["count"] == by_number["count"] == 19
    digital = client.get("/api/new-occupations?batch=6&flag=digital").get_json()["results"]
    assert digital and all(r["flags"]["digital"] for r in digital)
    assert "4-04-05-13" in {r["code"] for r in digital} and "4-14-05-08" not in {r["code"] for r in digital}
    green = client.get("/api/new-occupations?flag=green").get_json()["results"]
    assert green and all(r["flags"]["green"] for r in green)
    assert "4-11-01-04" in {r["code"] for r in green}  # 储能电站运维管理员 L


@pytest.mark.parametrize(
    "query", ["since=2024-13-01", "since=yesterday", "batch=2024-7", "batch=zero", "flag=blue", "since=2024-02-30"]
)
def test_api_bad_filters_are_400(client, query: str) -> None:  # type: ignore[no-untyped-def]
    resp = client.get(f"/api/new-occupations?{query}")
    assert resp.status_code == 400
    assert resp.get_json()["status"] == 400 and resp.get_json()["error"]


def test_national_standard_link(client) -> None:  # type: ignore[no-untyped-def]
    rows = {r["code"]: r for r in client.get("/api/new-occupations?batch=2").get_json()["results"]}
    trainer = rows["4-04-05-05"]  # 人工智能训练师, batch 2
    assert trainer["has_national_standard"] is True
    assert {"document_number": "人社厅发〔2021〕81号", "issued": "2021-10-21"}.items() <= trainer["national_standards"][
        0
    ].items()
    genai = client.get("/api/new-occupations?batch=6").get_json()["results"]
    assert next(r for r in genai if r["code"] == "4-04-05-13")["has_national_standard"] is False


def test_coverage_waiting_days(store) -> None:  # type: ignore[no-untyped-def]
    cov = nq.coverage(store, as_of=date(2026, 1, 1))
    rows = {r["code"]: r for r in cov.rows}
    assert len(rows) == 110
    assert rows["4-04-05-13"]["days_waiting"] == (date(2026, 1, 1) - date(2024, 7, 25)).days == 525
    assert rows["4-04-05-05"]["days_waiting"] is None
    assert rows["4-04-05-05"]["days_to_first_standard"] == (date(2021, 10, 21) - date(2020, 3, 2)).days
    summary = {b["batch"]: b for b in cov.batches}
    assert summary[7]["with_national_standard"] == 0 and summary[7]["occupations_unknown"] == 0
    assert all(
        b["with_national_standard"] + b["without_national_standard"] == b["occupations_known"] for b in cov.batches
    )
    d = cov.as_dict()
    assert d["with_national_standard"] + d["without_national_standard"] == 110
    # waiting ones first, longest wait first
    waits = [r["days_waiting"] for r in cov.rows if r["days_waiting"] is not None]
    assert waits == sorted(waits, reverse=True)


def test_coverage_api_and_csv(client) -> None:  # type: ignore[no-untyped-def]
    data = client.get("/api/new-occupations/coverage?as_of=2026-01-01").get_json()
    assert data["as_of"] == "2026-01-01" and len(data["occupations"]) == 110
    resp = client.get("/api/new-occupations/coverage.csv?as_of=2026-01-01")
    assert resp.status_code == 200 and resp.headers["Content-Type"] == "text/csv; charset=utf-8"
    text = resp.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 110 and list(rows[0]) == nq.COVERAGE_CSV_COLUMNS
    genai = next(r for r in rows if r["code"] == "4-04-05-13")
    assert (genai["has_national_standard"], genai["days_waiting"], genai["batch"]) == ("no", "525", "6")
    same = client.get("/api/new-occupations/coverage?as_of=2026-01-01&format=csv")
    assert same.get_data() == resp.get_data()
    assert client.get("/api/new-occupations/coverage?as_of=01/01/2026").status_code == 400


def test_batches_api(client) -> None:  # type: ignore[no-untyped-def]
    data = client.get("/api/new-occupations/batches").get_json()
    assert [b["batch"] for b in data["batches"]] == [1, 2, 3, 4, 5, 6, 7]
    assert len(data["work_types"]) == 70


def test_sparql_endpoint_answers_batch_questions(client) -> None:  # type: ignore[no-untyped-def]
    query = (
        OG
        + """PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
SELECT (COUNT(?occ) AS ?n) WHERE { ?occ a og:Occupation ; og:announcedIn ?b . ?b og:announcementDate ?d .
  FILTER(?d >= "2022-01-01"^^xsd:date) }"""
    )
    resp = client.get("/sparql", query_string={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert resp.status_code == 200
    assert resp.get_json()["results"]["bindings"][0]["n"]["value"] == "54"  # 18 + 19 + 17


def test_page_with_chart(client) -> None:  # type: ignore[no-untyped-def]
    resp = client.get("/new-occupations?as_of=2026-01-01")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert '<svg class="chart" id="coverage-chart"' in html and "<rect" in html
    assert "第六批新职业" in html and "生成式人工智能系统应用员" in html
    assert "/api/new-occupations/coverage.csv?as_of=2026-01-01" in html
    assert 'src="http' not in html and "<script" not in html  # server-rendered, nothing fetched
    filtered = client.get("/new-occupations?batch=7").get_data(as_text=True)
    assert "跨境电商运营管理师" in filtered
    bad = client.get("/new-occupations?since=soon")
    assert bad.status_code == 400 and "2022-01-01" in bad.get_data(as_text=True)  # the page's own words
    # the editor's question: which new occupations of 2024 have no national standard yet
    waiting = client.get("/new-occupations?year=2024&standard=none").get_data(as_text=True)
    table = waiting.split('id="occupations"', 1)[1].split("</table>", 1)[0]
    assert "2024-07-" in table and "2025-07-22" not in table and "2020-03-02" not in table
    assert "尚无" in table and "人社厅发" not in table  # none of them lists a standard
    assert '<svg class="chart" id="year-chart"' in html and '<svg class="chart" id="group-chart"' in html


def test_chart_geometry_is_proportional() -> None:
    bars = [
        {
            "batch": 1,
            "announced_on": "2019-04-01",
            "occupations_announced": 20,
            "occupations_known": 15,
            "occupations_unknown": 5,
            "with_national_standard": 10,
            "without_national_standard": 5,
            "median_days_waiting": 100,
        }
    ]
    import re

    from server.blueprints.new_occupations import batch_chart

    svg = str(batch_chart(bars))
    widths = [float(w) for w in re.findall(r'<rect class="[a-z]+" x="[0-9.]+" y="\d+" width="([0-9.]+)"', svg)]
    assert widths[0] == pytest.approx(2 * widths[1], abs=0.2) and widths[1] == pytest.approx(widths[2], abs=0.2)


# ---------------------------------------------------------------- the reader's checks (invalid fixtures)


def _ctx() -> BuildContext:
    ctx = BuildContext()
    ctx.entries["4-04-05-13"] = (
        URIRef("https://w3id.org/occugraph/id/occupation/4-04-05-13"),
        frozenset({"occupation"}),
    )
    ctx.entries["4-04-05-00"] = (URIRef("https://w3id.org/occugraph/id/group/4-04-05-00"), frozenset({"minor"}))
    return ctx


def _copy(tmp_path: Path, members: str) -> Path:
    folder = tmp_path / "new-occupations"
    shutil.copytree(ROOT / "standards" / "new-occupations", folder)
    (folder / "members.tsv").write_text(
        "batch\tname_as_announced\tcode\tcode_source\tname_evidence\tnote\n" + members, encoding="utf-8"
    )
    (folder / "work-types.tsv").write_text(
        "name\tbatch\tstatus\tdate_as_reported\tparent_name\tparent_code\tsource\n", encoding="utf-8"
    )
    return folder


def test_reader_accepts_a_valid_member(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "6\t生成式人工智能系统应用员\t4-04-05-13\tx\tsource-text\t\n")
    g = Graph()
    reader.load(folder, g, _ctx())
    assert (
        URIRef("https://w3id.org/occugraph/id/occupation/4-04-05-13"),
        URIRef("https://w3id.org/occugraph/ontology/announcedIn"),
        nq.batch_iri(6),
    ) in g


@pytest.mark.parametrize(
    "members, message",
    [
        ("6\t某职业\t9-99-99-99\tx\tsource-text\t\n", "unknown code 9-99-99-99"),
        ("9\t某职业\t4-04-05-13\tx\tsource-text\t\n", "unknown batch 9"),
        ("6\t某小类\t4-04-05-00\tx\tsource-text\t\n", "not an occupation"),
        ("6\tA\t4-04-05-13\tx\tsource-text\t\n7\tB\t4-04-05-13\tx\tsource-text\t\n", "already announced in batch 6"),
        ("6\t某职业\t4-04-05-13\tx\tguessed\t\n", "does not match"),
    ],
)
def test_reader_rejects_bad_rows_with_file_and_line(tmp_path: Path, members: str, message: str) -> None:
    folder = _copy(tmp_path, members)
    with pytest.raises(SourceErrors) as exc:
        reader.load(folder, Graph(), _ctx())
    assert any(message in e.message for e in exc.value.errors)
    assert all(e.path.endswith("members.tsv") and e.line >= 2 for e in exc.value.errors)

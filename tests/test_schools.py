"""Schools: majors and their occupations, 1+X certificates, credit equivalences (issue 6).

Facts are checked against the real sources (standards/majors, standards/onex,
standards/credit-equivalences, built once per session); the readers' checks against invalid
fixtures named after their fault (tests/data/schools/invalid/).
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef

from graph.build.context import BuildContext
from graph.build.pipeline import BuildResult
from graph.build.sources import provenance
from graph.build.sources.schools import load_credit_equivalences, load_majors, load_onex
from graph.build.tsv import SourceErrors
from graph.core.errors import SourceError
from graph.core.namespaces import OG, entry_iri
from graph.store.embedded import EmbeddedStore

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "schools"
P = """PREFIX og: <https://w3id.org/occugraph/ontology/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""
CROSS_BORDER = "跨境电子商务多平台运营职业技能等级证书"


def count(store: EmbeddedStore, where: str) -> int:
    return int(store.select(P + f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")[0]["n"])


# ---------------------------------------------------------------- what the build holds


def test_pilot_links_kept_as_a_second_source(store: EmbeddedStore) -> None:
    upstream = list(csv.DictReader((ROOT / "standards/upstream/major_to_occupation_pilot_it_voced_kg.csv").open()))
    majors = {r["major_level_and_code"] for r in upstream}
    assert len(upstream) == 43 and len(majors) == 18
    pilot = "<https://w3id.org/occugraph/id/source/majors-pilot>"
    # every pilot row is still an orientation from the pilot; where the 对应指引 or the 专业简介 give the
    # same link it is official (and names both sources), otherwise it stays curated
    assert count(store, f"?m a og:SchoolMajor ; og:hasOrientation ?o . ?o prov:wasDerivedFrom {pilot}") == 43
    assert count(store, f"?m a og:SchoolMajor ; prov:wasDerivedFrom {pilot}") == 18
    assert count(store, "?m a og:SchoolMajor ; og:hasOrientation ?o . ?o og:orientationBasis 'curated'") > 0
    # a curated-only link still gives og:preparesFor
    assert count(
        store,
        "?m og:hasOrientation ?o . ?o og:orientationBasis 'curated' ; og:towardOccupation ?occ . "
        "?m og:preparesFor ?occ",
    ) == count(store, "?o og:orientationBasis 'curated' . ?m og:hasOrientation ?o . ?m a og:SchoolMajor")


def test_major_codes_stay_out_of_the_classification(store: EmbeddedStore) -> None:
    from graph.classification.queries import all_codes

    codes = all_codes(store)
    assert "510209" not in codes and "4-04-05-05" in codes


def test_qc_report_states_catalogue_coverage(built: BuildResult) -> None:
    report = (built.dist / "qc-report.md").read_text(encoding="utf-8")
    # the 2021 announcement counted 358 / 744 / 247; the catalogue file adds the majors of later years
    assert "中职 368 of 358; 高职专科 784 of 744; 职业本科 321 of 247" in report
    assert built.qc_counts["major-catalogue-incomplete"] == 0
    assert built.qc_counts["credit-equivalence-example"] == 6


def test_onex_certificates_levels_and_organisations(store: EmbeddedStore) -> None:
    assert count(store, "?c a og:OnexCertificate") == 24
    assert count(store, "?c a og:OnexCertificate ; og:onexPilotBatch 1") == 6
    assert count(store, "?c a og:OnexCertificate ; og:onexPilotBatch 2") == 10
    assert count(store, "?l a og:CertificateAtLevel") == 10
    # one organisation awards two certificates of batch 1 (北京中车行高新技术有限公司)
    assert count(store, "?o a og:TrainingEvaluationOrganisation") == 23
    ranks = store.select(
        P + "SELECT ?l ?r WHERE { ?x a og:OnexLevel ; skos:prefLabel ?l ; og:levelRank ?r . FILTER(LANG(?l) = 'zh') }"
    )
    assert sorted((int(r["r"]), r["l"]) for r in ranks) == [(1, "初级"), (2, "中级"), (3, "高级")]
    # 1+X certificates are not asserted to be skill-level-recognition certificates
    assert count(store, "?c a og:OnexCertificate , og:SkillLevelCertificate") == 0


def test_machine_suggestions_are_not_facts(store: EmbeddedStore) -> None:
    suggested = count(store, "?c a og:OnexCertificate ; og:hasOrientation ?o . ?o og:orientationBasis 'suggested'")
    assert suggested > 0
    assert count(store, "?c a og:OnexCertificate ; og:facesOccupation ?occ") == 0


def test_every_equivalence_is_a_marked_example(store: EmbeddedStore) -> None:
    assert count(store, "?e a og:CreditEquivalence") == 6
    assert (
        count(
            store,
            "?e a og:CreditEquivalence ; og:equivalenceStatus 'example' ; rdfs:comment ?c . "
            "FILTER(STRSTARTS(STR(?c), 'EXAMPLE:'))",
        )
        == 6
    )
    # examples only point at example frameworks, courses and outcomes
    assert count(store, "?f a og:CreditFramework ; rdfs:comment ?c . FILTER(STRSTARTS(STR(?c), 'EXAMPLE:'))") == 1
    assert count(store, "?e og:countsForCreditsIn <https://w3id.org/occugraph/id/credit-framework/ncb>") == 0


# ---------------------------------------------------------------- the readers refuse bad files


def _entries() -> dict[str, tuple[URIRef, frozenset[str]]]:
    out = {}
    with (ROOT / "standards/classification/entries.tsv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            kinds = frozenset(row["kinds"].split("|"))
            out[row["code"]] = (entry_iri(row["code"], kinds), kinds)
    return out


EXPECTED_INVALID = json.loads((DATA / "invalid-expected.json").read_text(encoding="utf-8"))
FOLDERS = {
    "majors": "majors",
    "major-occupations": "majors",
    "certificates": "onex",
    "equivalences": "credit-equivalences",
}


@pytest.mark.parametrize("fixture", sorted(k for k in EXPECTED_INVALID if k != "about"))
def test_reader_rejects_invalid_fixture(fixture: str, tmp_path: Path) -> None:
    target = fixture.split("--", 1)[0]
    folder_name = FOLDERS[target]
    copies = {}
    for name in ("provenance", "majors", "onex", "credit-equivalences"):
        copies[name] = tmp_path / name
        shutil.copytree(ROOT / "standards" / name, copies[name])
    shutil.copy(DATA / "invalid" / fixture, copies[folder_name] / f"{target}.tsv")
    g, ctx = Graph(), BuildContext(entries=_entries())
    provenance.load(copies["provenance"], g, ctx)
    readers = {"majors": load_majors, "onex": load_onex, "credit-equivalences": load_credit_equivalences}
    order = ["majors", "onex", "credit-equivalences"]
    with pytest.raises(SourceError) as info:
        for name in order[: order.index(folder_name) + 1]:
            readers[name](copies[name], g, ctx)
    errors = info.value.errors if isinstance(info.value, SourceErrors) else [info.value]
    got = [(e.line, e.message, e.path) for e in errors]
    for line, words in EXPECTED_INVALID[fixture]:
        assert any(gl == line and words in gm and gp.endswith(f"{target}.tsv") for gl, gm, gp in got), got


def test_shapes_catch_what_the_reader_would_never_write() -> None:
    """The SHACL shapes hold on their own: an equivalence with both targets, no justification and an
    unmarked example is rejected."""
    from graph.build.pipeline import shacl_results

    tbox, shapes = Graph(), Graph()
    for ttl in sorted((ROOT / "ontology").glob("*.ttl")):
        tbox.parse(ttl)
    shapes.parse(ROOT / "ontology/shapes/schools.ttl")
    ID = Namespace("https://w3id.org/occugraph/id/")
    g = Graph()
    eq, cert = ID["credit-equivalence/x"], ID["onex-certificate/x"]
    fw, course = ID["credit-framework/f"], ID["course/s/c"]
    g.add((cert, RDF.type, OG.OnexCertificate))
    g.add((fw, RDF.type, OG.CreditFramework))
    g.add((course, RDF.type, OG.Course))
    g.add((eq, RDF.type, OG.CreditEquivalence))
    g.add((eq, OG.equivalenceSubject, cert))
    g.add((eq, OG.countsForCreditsIn, fw))
    g.add((eq, OG.creditAmount, Literal("2", datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal"))))
    g.add((eq, OG.exemptsFrom, course))
    g.add((eq, OG.validFrom, Literal("2025-09-01", datatype=URIRef("http://www.w3.org/2001/XMLSchema#date"))))
    g.add((eq, OG.decidedBy, Literal("x")))
    g.add((eq, OG.mappingJustification, URIRef("https://w3id.org/semapv/vocab/ManualMappingCuration")))
    g.add((eq, OG.equivalenceStatus, Literal("example")))
    messages = " | ".join(r.message for r in shacl_results(g, shapes, tbox) if r.severity == "Violation")
    assert "not both" in messages
    assert "one justification" in messages
    assert "carries the rdfs:comment" in messages


# ---------------------------------------------------------------- API


def test_api_majors_lists_tiers_with_catalogue_coverage(client) -> None:  # type: ignore[no-untyped-def]
    body = client.get("/api/majors").get_json()
    assert body["count"] == 368 + 784 + 321 + 379
    tiers = {t["id"]: t for t in body["tiers"]}
    assert (tiers["higher-vocational"]["present"], tiers["higher-vocational"]["expected"]) == (784, 744)
    assert tiers["general-undergraduate"]["expected"] is None
    secondary = [m["code"] for m in client.get("/api/majors?tier=secondary-vocational").get_json()["majors"]]
    assert len(secondary) == 368 and secondary[:2] == ["610101", "610102"]
    found = client.get("/api/majors?q=电子商务").get_json()["majors"]
    assert {"530701", "730701", "330701"} <= {m["code"] for m in found}
    assert client.get("/api/majors?tier=college").status_code == 400


def test_api_major_shows_occupations_standards_and_basis(client) -> None:  # type: ignore[no-untyped-def]
    m = client.get("/api/majors/510209").get_json()
    assert (m["name"], m["tier_name"], m["catalogue"]) == ("人工智能技术应用", "高职专科", "voc2021")
    occ = {o["code"]: o for o in m["occupations"]}
    assert set(occ) == {"4-04-05-05", "2-02-38-01"}
    # the 对应指引 and the 专业简介 both give these links; the pilot had them too
    assert all(
        o["basis"] == "official" and o["source"] == "majors-links majors-pilot moe-profiles" for o in occ.values()
    )
    trainer = occ["4-04-05-05"]["standards"]
    assert any(s["work_requirements"] > 100 for s in trainer), trainer


def test_api_same_code_in_two_tiers_is_kept_apart(client) -> None:  # type: ignore[no-untyped-def]
    a = client.get("/api/majors/510202").get_json()
    b = client.get("/api/majors/710202").get_json()
    assert a["name"] == b["name"] == "计算机网络技术"
    assert (a["tier"], b["tier"]) == ("higher-vocational", "secondary-vocational")
    assert {o["code"] for o in a["occupations"]} != {o["code"] for o in b["occupations"]}
    assert "4-12-02-03" in {o["code"] for o in b["occupations"]} - {o["code"] for o in a["occupations"]}


def test_api_unknown_major_gets_404_with_suggestions(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/api/majors/510299")
    assert r.status_code == 404
    body = r.get_json()
    assert body["status"] == 404 and "510299" in body["error"]
    assert "510209" in [s["code"] for s in body["suggestions"]]
    r = client.get("/api/majors/人工智能")
    assert r.status_code == 400 and any(s["name"] == "人工智能技术应用" for s in r.get_json()["suggestions"])


def test_api_which_majors_lead_to_an_occupation(client) -> None:  # type: ignore[no-untyped-def]
    body = client.get("/api/occupations/4-04-05-05/majors").get_json()
    assert sorted(m["code"] for m in body["majors"]) == ["080717T", "310209", "330602", "510209", "710205"]
    assert client.get("/api/occupations/4-04-05-99/majors").status_code == 404
    assert client.get("/api/occupations/44-04/majors").status_code == 400
    assert client.get("/api/occupations/1-01-00-01/majors").get_json()["majors"] == []


def test_api_certificate_says_what_it_counts_for(client) -> None:  # type: ignore[no-untyped-def]
    c = client.get(f"/api/certificates/{CROSS_BORDER}").get_json()
    assert c["organisation"] == "厦门优优汇联信息科技股份有限公司"
    assert [lv["level"] for lv in c["levels"]] == ["初级", "高级"]
    by_id = {e["id"]: e for e in c["counts_for"]}
    assert set(by_id) == {"example-001", "example-002"}
    credits = by_id["example-001"]
    assert credits["example"] is True and credits["status"] == "example"
    assert credits["target"] == {
        "kind": "credits",
        "framework": "example-school",
        "framework_name": "示例职业技术学院学分（示例）",
        "credits": 2.0,
    }
    assert credits["conditions"] == ["在校期间取得", "证书在有效期内"]
    assert (credits["valid_from"], credits["valid_until"]) == ("2025-09-01", "2028-08-31")
    assert credits["decided_by"] and credits["justification"].startswith("示例")
    assert any(x.startswith("EXAMPLE:") for x in credits["comments"])
    assert by_id["example-002"]["target"]["kind"] == "course-exemption"
    assert "not official" in c["notice"]
    # the short name works too
    assert client.get("/api/certificates/跨境电子商务多平台运营").get_json()["name"] == CROSS_BORDER


def test_api_expired_equivalence_is_flagged(client) -> None:  # type: ignore[no-untyped-def]
    c = client.get("/api/certificates/Web前端开发职业技能等级证书").get_json()
    (e,) = c["counts_for"]
    assert (e["valid_until"], e["validity"]) == ("2024-08-31", "expired")


def test_api_which_certificates_count_toward_a_course(client) -> None:  # type: ignore[no-untyped-def]
    body = client.get("/api/courses/ROB101/certificates").get_json()
    (course,) = body["courses"]
    assert course["title"] == "服务机器人应用开发基础（示例课程）"
    subjects = {e["subject"]["label"] for e in course["counted_by"]}
    assert subjects == {"服务机器人应用开发职业技能等级证书（初级）"}  # via its learning outcome ROB101/1
    assert body["notice"]
    assert client.get("/api/courses/XYZ999/certificates").status_code == 404
    assert client.get("/api/courses/bad code/certificates").status_code == 400


def test_api_unknown_certificate_gets_404_with_suggestions(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/api/certificates/跨境电商")
    assert r.status_code == 404
    assert CROSS_BORDER in r.get_json()["suggestions"]


def test_api_equivalences_filter_and_notice(client) -> None:  # type: ignore[no-untyped-def]
    body = client.get("/api/credit-equivalences?status=example").get_json()
    assert body["count"] == 6 and all(e["example"] for e in body["equivalences"]) and body["notice"]
    assert client.get("/api/credit-equivalences?status=approved").get_json()["count"] == 0
    assert client.get("/api/credit-equivalences?status=maybe").status_code == 400


def test_pages(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/majors").get_data(as_text=True)
    assert "744" in page and page.count('<tr><td><a href="/majors/') == 100  # tier totals; the first page of 100
    page = client.get("/majors?q=人工智能").get_data(as_text=True)
    assert "人工智能技术应用" in page and "第 " not in page  # one page of hits
    last = client.get("/majors?page=999").get_data(as_text=True)  # past the end: the last page
    assert 'rel="prev"' in last and 'rel="next"' not in last
    assert client.get("/majors?page=0").status_code == 400
    page = client.get("/majors/510209").get_data(as_text=True)
    assert "人工智能训练师" in page and "/occupation/4-04-05-05" in page
    assert "官方对应指引" in page and "对应指引（2023年版）" in page  # links from the MOHRSS guide, source shown
    r = client.get("/majors/510299")
    assert r.status_code == 404 and "510209" in r.get_data(as_text=True)
    page = client.get(f"/certificates/{CROSS_BORDER}").get_data(as_text=True)
    assert "<strong>示例</strong>" in page and "厦门优优汇联" in page
    assert client.get("/certificates/nothing").status_code == 404
    assert "<form" in client.get("/curricula").get_data(as_text=True)


def test_cli_majors_and_certificates(built: BuildResult, capsys) -> None:  # type: ignore[no-untyped-def]
    from graph.cli.main import main

    assert main(["majors", "510209", "--store", str(built.store_path)]) == 0
    assert "4-04-05-05 人工智能训练师 [official]" in capsys.readouterr().out
    assert main(["certificates", "跨境电子商务多平台运营", "--store", str(built.store_path)]) == 0
    assert "[EXAMPLE — not official]" in capsys.readouterr().out
    assert main(["certificates", "跨境电商", "--store", str(built.store_path)]) == 1
    assert CROSS_BORDER in capsys.readouterr().err

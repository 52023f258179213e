"""/api/occupations and the HTML pages, against facts from the real data."""

from __future__ import annotations

import pytest


def test_lookup_ai_engineer(client):
    resp = client.get("/api/occupations/2-02-38-01")
    assert resp.status_code == 200
    assert resp.mimetype == "application/json"
    o = resp.get_json()
    assert o["code"] == "2-02-38-01"
    assert o["iri"] == "https://w3id.org/occugraph/id/occupation/2-02-38-01"
    assert o["name"] == "人工智能工程技术人员"
    assert o["kinds"] == ["occupation"]
    assert o["definition"].startswith("从事人工智能相关算法")
    assert o["flags"] == {"digital": True, "green": False, "marker": "S"}
    assert [t["number"] for t in o["tasks"]] == list(range(1, len(o["tasks"]) + 1))
    assert len(o["tasks"]) == 7
    assert o["tasks"][0]["text"] == "分析、研究人工智能算法、深度学习及神经网络等技术"
    assert [(p["code"], p["kinds"]) for p in o["parents"]] == [
        ("2-00-00-00", ["major"]),
        ("2-02-00-00", ["medium"]),
        ("2-02-38-00", ["minor"]),
    ]
    assert o["parents"][2]["name"] == "数字技术工程技术人员"
    assert o["children"] == []
    assert o["former_codes"] == ["2-02-10-09"]
    aliases = {(a["label"], a["type"]) for a in o["aliases"]}
    assert ("机器学习工程师", "job-title") in aliases
    assert ("AI产品经理", "job-title") in aliases
    assert "中华人民共和国职业分类大典（2022年版）" in o["editions"]


def test_lookup_ai_trainer_is_digital(client):
    o = client.get("/api/occupations/4-04-05-05").get_json()
    assert o["name"] == "人工智能训练师"
    assert o["flags"]["digital"] is True


def test_group_lists_children_and_parents(client):
    o = client.get("/api/occupations/2-02-38-00").get_json()
    assert o["kinds"] == ["minor"]
    codes = [c["code"] for c in o["children"]]
    assert codes == sorted(codes)
    assert "2-02-38-01" in codes and len(codes) >= 10
    assert all(c["kinds"] == ["occupation"] for c in o["children"])
    assert [p["code"] for p in o["parents"]] == ["2-00-00-00", "2-02-00-00"]
    major = client.get("/api/occupations/2-00-00-00").get_json()
    assert major["kinds"] == ["major"] and major["parents"] == []
    assert "2-02-00-00" in {c["code"] for c in major["children"]}


def test_unknown_code_is_404_with_nearest_codes(client):
    resp = client.get("/api/occupations/2-02-38-99")
    assert resp.status_code == 404
    body = resp.get_json()
    assert body["status"] == 404 and "2-02-38-99" in body["error"]
    assert body["nearest_codes"]
    assert all(c.startswith("2-02-38-") for c in body["nearest_codes"])


@pytest.mark.parametrize("code", ["2-2-38-01", "20238 01", "x", "2-02-38-011", "２-02-38-01"])
def test_malformed_code_is_400(client, code):
    resp = client.get(f"/api/occupations/{code}")
    assert resp.status_code == 400
    body = resp.get_json()
    assert body["status"] == 400 and "classification code" in body["error"]


def test_search_ranks_name_match_first(client):
    resp = client.get("/api/occupations", query_string={"q": "电子商务"})
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["query"] == "电子商务"
    assert body["count"] == len(body["results"]) >= 2
    first = body["results"][0]
    assert (first["code"], first["name"]) == ("4-01-06-01", "电子商务师")
    assert first["matched"]["field"] == "name"
    scores = [h["score"] for h in body["results"]]
    assert scores == sorted(scores, reverse=True)
    assert "4-01-06-00" in {h["code"] for h in body["results"]}


def test_search_matches_aliases(client):
    hits = client.get("/api/occupations", query_string={"q": "数据标注师"}).get_json()["results"]
    assert hits[0]["code"] == "4-04-05-05"
    assert hits[0]["matched"] == {"field": "job-title", "text": "数据标注师"}


def test_search_by_kind(client):
    hits = client.get("/api/occupations", query_string={"q": "电子商务", "kind": "minor"}).get_json()["results"]
    assert [h["code"] for h in hits] == ["4-01-06-00"]


@pytest.mark.parametrize(
    "params",
    [{}, {"q": ""}, {"q": "   "}, {"q": "电" * 101}, {"q": "电子", "kind": "nope"}],
    ids=["missing", "empty", "blank", "too-long", "bad-kind"],
)
def test_search_bad_input_is_400(client, params):
    resp = client.get("/api/occupations", query_string=params)
    assert resp.status_code == 400
    assert resp.get_json()["status"] == 400


@pytest.mark.parametrize("limit", ["0", "-1", "201", "abc", "1.5"])
def test_search_limit_validation(client, limit):
    resp = client.get("/api/occupations", query_string={"q": "工程", "limit": limit})
    assert resp.status_code == 400
    assert "limit" in resp.get_json()["error"]


def test_search_limit_is_applied(client):
    body = client.get("/api/occupations", query_string={"q": "工程", "limit": "3"}).get_json()
    assert body["count"] == 3


def test_home_page_renders_and_searches(client):
    resp = client.get("/")
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    resp = client.get("/", query_string={"q": "电子商务"})
    assert resp.status_code == 200
    assert "电子商务师" in resp.get_data(as_text=True)


def test_occupation_page_renders(client):
    resp = client.get("/occupation/2-02-38-01")
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    page = resp.get_data(as_text=True)
    for text in ("人工智能工程技术人员", "2-02-38-00", "2-02-10-09", "分析、研究人工智能算法"):
        assert text in page, text


def test_occupation_page_unknown_and_malformed(client):
    resp = client.get("/occupation/2-02-38-99")
    assert resp.status_code == 404 and resp.mimetype == "text/html"
    assert "2-02-38-13" in resp.get_data(as_text=True)  # a nearest code is offered
    assert client.get("/occupation/bad").status_code == 400


def test_errors_are_json_without_a_stack_trace(client):
    resp = client.get("/api/no-such-thing")
    assert resp.status_code == 404
    assert resp.get_json()["status"] == 404
    assert "Traceback" not in resp.get_data(as_text=True)

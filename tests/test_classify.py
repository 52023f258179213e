"""The job-title classifier (graph/classification/classifier.py): normalisation, noise stripping, real titles,
the new-occupation signal, bad input on every surface (library, API, page, CLI).

Accuracy numbers are measured in bench/eval_classify.py, not here; these tests assert outcomes the
evaluation shows to be robust (exact alias or work-type matches, Traditional/full-width input)."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from graph.build.tsv import read_dictionary, read_table
from graph.classification import classifier as C
from graph.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
POSTINGS = ROOT / "bench" / "data" / "job-postings" / "51job-2023-titles.tsv"


@pytest.fixture(scope="session")
def classifier(store) -> C.Classifier:  # type: ignore[no-untyped-def]
    return C.Classifier.from_store(store)


def top(classifier: C.Classifier, title: str) -> dict:  # type: ignore[type-arg]
    return classifier.classify(title)["candidates"][0]  # type: ignore[index]


# ---------------------------------------------------------------- normalisation and noise


def test_full_width_and_traditional(classifier: C.Classifier) -> None:
    assert C.normalise_width("ＪＡＶＡ开发（急）") == "java开发(急)"
    text, traditional = classifier.index.analyzer.simplify("資深軟體工程師")
    assert (text, traditional) == ("资深软件工程师", True)
    # Simplified text is not phrase-converted (tw2sp would turn 核心 into 内核)
    assert classifier.index.analyzer.simplify("核心网工程师") == ("核心网工程师", False)


def test_noise_is_stripped_and_reported(classifier: C.Classifier) -> None:
    res = classifier.classify("【急招】拼多多运营 8k-15k 底薪+提成 包吃住 13薪（北京）")
    assert res["matched_text"] == "拼多多运营"
    removed = {r["text"]: r["category"] for r in res["removed_noise"]}  # type: ignore[union-attr]
    assert removed["急招"] == "urgency" and removed["底薪+提成"] == "pay" and removed["包吃住"] == "benefit"
    assert removed["8k-15k"] == "pay" and removed["13薪"] == "pay" and removed["北京"] == "place"


def test_word_lists_validate_against_their_dictionary() -> None:
    folder = ROOT / "standards" / "job-titles"
    dictionary = read_dictionary(folder)
    assert read_table(folder, "noise-words.tsv", dictionary)
    assert read_table(folder, "synonyms.tsv", dictionary)


def test_no_noise_word_is_part_of_a_classification_label(classifier: C.Classifier) -> None:
    """Stripping a noise word must never cut into a real name or job title of the classification."""
    words = [w for w, _ in classifier.index.analyzer.lists.words]
    clashes = [(w, lab.text) for lab in classifier.index.labels for w in words if w in lab.normalised]
    assert clashes == []


# ---------------------------------------------------------------- real titles


def test_slam_engineer(classifier: C.Classifier) -> None:
    res = classifier.classify("SLAM算法工程师")
    best = res["candidates"][0]  # type: ignore[index]
    assert best["code"] == "2-02-02-08"  # 导航与位置服务工程技术人员, alias SLAM算法
    assert best["reasons"][0]["field"] == "alias" and best["reasons"][0]["text"] == "SLAM算法"
    assert "slam" in best["reasons"][0]["matched"]
    assert res["status"] == "match" and res["new_occupation_signal"]["flag"] is False  # type: ignore[index]
    assert "2-02-10-03" in [c["code"] for c in res["candidates"]]  # 算法工程师 is a software alias  # type: ignore[union-attr]


def test_pinduoduo_operations_with_recruiting_noise(classifier: C.Classifier) -> None:
    res = classifier.classify("急招拼多多运营 底薪+提成")
    best = res["candidates"][0]  # type: ignore[index]
    assert (best["code"], best["name"]) == ("4-01-06-01", "电子商务师")
    assert best["reasons"][0]["text"] == "拼多多运营"
    assert res["synonyms_added"] == ["电商", "电子商务"]
    assert {"code": "4-01-06-00", "name": "电子商务服务人员"} in best["groups"]


def test_pinduoduo_without_its_alias_still_lands_in_e_commerce(classifier: C.Classifier) -> None:
    """Held out: with 拼多多运营 removed from the index, the synonym list and the sibling aliases
    (淘宝运营, 京东运营 ...) still put the title in e-commerce."""
    records = [replace(r, labels=[(k, t) for k, t in r.labels if t != "拼多多运营"]) for r in classifier.index.records]
    held_out = C.Classifier(C.ClassifierIndex(records, classifier.index.analyzer))
    assert held_out.classify("急招拼多多运营 底薪+提成")["candidates"][0]["code"] == "4-01-06-01"  # type: ignore[index]


@pytest.mark.parametrize(
    "title, code",
    [
        ("資深軟體工程師", "2-02-10-03"),  # Taiwan: 軟體 = 软件
        ("ＪＡＶＡ开发工程师", "2-02-10-03"),  # full-width Latin letters
        ("物業管理員", "4-06-01-01"),
        ("餐飲服務員", "4-03-02-05"),
        ("生成式人工智能系统测试员", "4-04-05-13"),  # a 2025 new work type of a 2024 new occupation
        ("牛肉拉面制作师", "4-03-02-02"),  # a 2025 new work type under 中式面点师
    ],
)
def test_titles_land_on_the_occupation(classifier: C.Classifier, title: str, code: str) -> None:
    assert top(classifier, title)["code"] == code


def test_traditional_title_is_reported_as_converted(classifier: C.Classifier) -> None:
    res = classifier.classify("資深軟體工程師")
    assert res["converted_from_traditional"] is True and res["normalised"] == "资深软件工程师"
    assert res["candidates"][0]["reasons"][0]["text"] == "软件工程师"  # type: ignore[index]


def test_new_occupation_signal(classifier: C.Classifier) -> None:
    for title in ("陪诊师", "星际殖民规划员"):
        res = classifier.classify(title)
        assert res["new_occupation_signal"]["flag"] is True, title  # type: ignore[index]
        assert res["status"] in {"weak-match", "no-match"}
        assert "may be a new occupation" in res["new_occupation_signal"]["reason"]  # type: ignore[index]
    # the signal is about fit, not about novelty of the words: an exact alias never raises it
    assert classifier.classify("拼多多运营")["new_occupation_signal"]["flag"] is False  # type: ignore[index]


@pytest.mark.parametrize(
    "code, name", [("2-05-07-17", "口腔卫生技师"), ("4-14-05-08", "滑雪巡救员"), ("6-17-01-08", "氢基直接还原炼铁工")]
)
def test_removed_new_occupation_is_signalled(classifier: C.Classifier, code: str, name: str) -> None:
    """As if classifying before the 2024 batch: with the occupation removed from the index entirely
    (as the evaluation does), its name is signalled as a possible new occupation."""
    records = [replace(r, labels=list(r.labels)) for r in classifier.index.records if r.code != code]
    before = C.Classifier(C.ClassifierIndex(records, classifier.index.analyzer))
    res = before.classify(name)
    assert res["new_occupation_signal"]["flag"] is True  # type: ignore[index]
    assert code not in [c["code"] for c in res["candidates"]]  # type: ignore[union-attr]
    assert classifier.classify(name)["candidates"][0]["code"] == code  # type: ignore[index]


def test_deterministic(classifier: C.Classifier) -> None:
    assert classifier.classify("抖音直播运营") == classifier.classify("抖音直播运营")


def test_the_same_answers_in_every_process(cli_store) -> None:  # type: ignore[no-untyped-def]
    """Two processes with different string hashing give the same five candidates, scores and reasons
    for 2,950 real titles. Before, the order of a set of features changed float sums, and ties
    between labels (爬行类繁育工 and 棘皮类繁育工 for "IT类（华中）") were broken by it."""
    script = """
import json, sys
from pathlib import Path
from graph.classification import classifier as C
from graph.store.embedded import EmbeddedStore
clf = C.Classifier.from_store(EmbeddedStore(Path(sys.argv[1])))
titles = [line.split("\\t")[0] for line in Path(sys.argv[2]).read_text("utf-8").splitlines()[1:]]
def answer(title):
    try:
        return clf.classify(title, top_k=5)
    except C.TitleError as exc:
        return str(exc)
print(len(titles), json.dumps([answer(t) for t in titles], ensure_ascii=False, sort_keys=True))
"""
    runs = [  # side by side
        subprocess.Popen(
            [sys.executable, "-c", script, cli_store, str(POSTINGS)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            stdout=subprocess.PIPE,
            text=True,
        )
        for seed in ("1", "2")
    ]
    outs = [run.communicate(timeout=300)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0]
    assert int(outs[0].split(" ", 1)[0]) > 2900 and outs[0] == outs[1]


# ---------------------------------------------------------------- bad input: library


@pytest.mark.parametrize(
    "title, message",
    [
        ("", "empty"),
        ("   ", "empty"),
        ("运营" * 60, "the limit is 100"),
        ("运营\x00\x01", "control characters"),
        ("运营\ufffd", "not UTF-8"),
        (b"\xff\xfe", "must be text"),
        ("🔥🔥", "no letters, digits or Chinese"),
        ("!!!", "no letters, digits or Chinese"),
        ("%%%", "no letters, digits or Chinese"),
        ("运营\udcff", "not UTF-8"),  # a byte that was not UTF-8, as csv reading with surrogateescape keeps it
    ],
)
def test_bad_titles_raise_title_error(classifier: C.Classifier, title: object, message: str) -> None:
    with pytest.raises(C.TitleError, match=message):
        classifier.classify(title)  # type: ignore[arg-type]


@pytest.mark.parametrize("title", ["hello world", "12345", "高薪 包吃住", "🔥🔥 hot"])
def test_honest_no_match(classifier: C.Classifier, title: str) -> None:
    res = classifier.classify(title)
    assert res["status"] == "no-match" and res["candidates"] == []
    assert res["new_occupation_signal"]["flag"] is False  # type: ignore[index]


# ---------------------------------------------------------------- API and page


def test_api_classify(client) -> None:  # type: ignore[no-untyped-def]
    resp = client.get("/api/classify", query_string={"title": "急招拼多多运营 底薪+提成", "top": "3"})
    assert resp.status_code == 200
    data = resp.get_json()
    assert len(data["candidates"]) == 3 and data["candidates"][0]["code"] == "4-01-06-01"
    assert data["new_occupation_signal"]["flag"] is False


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?title=",
        "?title=%20%20",
        "?title=" + "%E8%BF%90" * 150,
        "?title=%00%01",
        "?title=%FF%FE%FD",
        "?title=abc&top=0",
        "?title=abc&top=x",
        "?title=abc&top=21",
    ],
)
def test_api_bad_input_is_400(client, query: str) -> None:  # type: ignore[no-untyped-def]
    resp = client.get("/api/classify" + query)
    assert resp.status_code == 400
    body = resp.get_json()
    assert body["status"] == 400 and body["error"]


def test_api_non_chinese_is_an_honest_no_match(client) -> None:  # type: ignore[no-untyped-def]
    data = client.get("/api/classify?title=hello%20world").get_json()
    assert data["status"] == "no-match" and data["candidates"] == []


def test_classify_page(client) -> None:  # type: ignore[no-untyped-def]
    empty = client.get("/classify")
    assert empty.status_code == 200 and 'name="title"' in empty.get_data(as_text=True)
    html = client.get("/classify", query_string={"title": "SLAM算法工程师"}).get_data(as_text=True)
    assert 'id="candidates"' in html and "导航与位置服务工程技术人员" in html and "SLAM算法" in html
    signal = client.get("/classify", query_string={"title": "陪诊师"}).get_data(as_text=True)
    assert 'id="signal"' in signal and "新职业" in signal
    assert client.get("/classify?title=%FF%FE").status_code == 400
    bad = client.get("/classify?title=%20")
    assert bad.status_code == 400 and 'id="error"' in bad.get_data(as_text=True)
    assert "<script" not in html
    for title in ("护士", "护士（夜班）"):  # the shared words are the title's own part, not the bracket
        nurse = client.get("/classify", query_string={"title": title}).get_data(as_text=True)
        answer = nurse.split('id="answer"', 1)[1].split("</p>", 1)[0]
        assert "2-05-08-00 护理人员" in answer and "内科护士" in answer
        assert '8 个职业的名称都含有“<span class="user-text">护士</span>”' in answer


# ---------------------------------------------------------------- CLI


@pytest.fixture()
def cli_store(built, classifier, monkeypatch):  # type: ignore[no-untyped-def]
    """The CLI opens the built store; building the classifier again would only repeat the fixture."""
    monkeypatch.setattr(C.Classifier, "from_store", classmethod(lambda cls, store, lists=None: classifier))
    return str(built.store_path)


def test_cli_single_title(cli_store, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["classify", "SLAM算法工程师", "--store", cli_store]) == 0
    out = capsys.readouterr().out
    assert "1. 2-02-02-08 导航与位置服务工程技术人员" in out and "alias SLAM算法" in out
    assert main(["classify", "資深軟體工程師", "--json", "--store", cli_store]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["candidates"][0]["code"] == "2-02-10-03"


def test_cli_batch_csv(cli_store, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "titles.csv"
    src.write_text(
        "id,title\n1,SLAM算法工程师\n2,急招拼多多运营 底薪+提成\n3,\n4," + "长" * 150 + "\n5,陪诊师\n",
        encoding="utf-8-sig",
    )
    out = tmp_path / "out.csv"
    assert main(["classify", "--csv", str(src), "--output", str(out), "--store", cli_store]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["code"] for r in rows[:2]] == ["2-02-02-08", "4-01-06-01"]
    assert rows[2]["status"] == "error" and "empty" in rows[2]["error"]
    assert rows[3]["status"] == "error" and "limit is 100" in rows[3]["error"]
    assert rows[4]["new_occupation_signal"] == "yes"
    assert list(rows[0]) == C.BATCH_COLUMNS


def test_cli_bad_usage(cli_store, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["classify", "--store", cli_store]) == 2
    assert main(["classify", "   ", "--store", cli_store]) == 1
    assert "empty" in capsys.readouterr().err
    binary = tmp_path / "bad.csv"  # a binary title is an error row, the other rows are classified
    binary.write_bytes(b"title\n" + b"\xff\xfe\x00\x01\n" + "焊工\n".encode())
    out = tmp_path / "bad-out.csv"
    assert main(["classify", "--csv", str(binary), "--output", str(out), "--store", cli_store]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows[0]["status"] == "error" and "not UTF-8" in rows[0]["error"]
    assert rows[1]["code"] == "6-18-02-04"
    capsys.readouterr()
    assert main(["classify", "--csv", str(tmp_path / "missing.csv"), "--store", cli_store]) == 1
    nocol = tmp_path / "nocol.csv"
    nocol.write_text("a,b\n1,2\n", encoding="utf-8")
    assert main(["classify", "--csv", str(nocol), "--column", "title", "--store", cli_store]) == 1

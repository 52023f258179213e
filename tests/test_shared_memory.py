"""What a server process shares instead of holding twice (issue 17, memory)."""

from __future__ import annotations

from graph.classification.queries import Kinds, SearchIndex
from graph.text import chinese
from graph.text.chinese import Segmenter, pinyin_keys, pinyin_keys_many


def test_segmenters_share_jiebas_dictionary_and_keep_their_own_words() -> None:
    plain, extended = Segmenter(), Segmenter(["数字孪生工程师"])
    assert plain.tokenizer.FREQ.base is extended.tokenizer.FREQ.base  # one copy per process
    assert "数字孪生工程师" in extended.cjk_words("招聘数字孪生工程师")
    assert "数字孪生工程师" not in plain.cjk_words("招聘数字孪生工程师")  # the other's word is not seen
    assert "数字孪生工程师" not in plain.tokenizer.FREQ.base  # nor written into the shared one
    # the same cut as a tokenizer of its own with jieba's dictionary
    import jieba

    own = jieba.Tokenizer()
    own.initialize()
    text = "资深Java开发工程师（上海浦东）电子商务运营专员"
    assert plain.tokenizer.lcut(text) == own.lcut(text)
    assert list(plain.tokenizer.cut_for_search(text)) == list(own.cut_for_search(text))


def test_pinyin_is_worked_out_outside_the_process(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    texts = ["银行柜员", "电子商务师", "重庆", "Java开发"]
    if chinese._pinyin.cache_info().currsize:  # pypinyin already loaded here: compare with a fresh cache
        expected = [pinyin_keys(t) for t in texts]
        chinese._pinyin.cache_clear()
    else:
        expected = None
    calls: list[object] = []
    real_run = chinese.subprocess.run
    monkeypatch.setattr(chinese.subprocess, "run", lambda *a, **k: calls.append(a) or real_run(*a, **k))
    keys = pinyin_keys_many(texts)
    assert calls, "the keys were worked out in this process"
    assert not chinese._pinyin.cache_info().currsize  # pypinyin was not loaded here
    assert keys == (expected or [pinyin_keys(t) for t in texts])


def test_the_search_index_keeps_the_initials_it_ranks_with() -> None:
    kinds = Kinds({"x:Occupation": "occupation"}, ("occupation",), {})
    rows = [
        {"code": "4-01-02-01", "name": "电子商务师", "types": "x:Occupation", "definition": "从事电子商务的人员"},
        {"code": "4-05-01-01", "name": "银行柜员", "types": "x:Occupation"},
    ]
    index = SearchIndex(rows, kinds)
    assert sorted(index.field_initials.values()) == ["dzsws", "yhgy"]
    hits = index.search("dzsw")
    assert hits and hits[0]["code"] == "4-01-02-01"

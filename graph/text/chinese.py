"""Chinese text handling shared by every area: the one place for width, Traditional-to-Simplified,
segmentation, character n-grams and pinyin.

Before, the classifier, the search box, the pages and curriculum matching each normalised text their
own way (two OpenCC configurations, three copies of the width rule); a title typed in Traditional then
matched in one place and not in another. Everything that compares Chinese text goes through here.

- ``normalise_width``: NFKC (full-width letters, digits, punctuation to half-width) and lower case.
- ``to_simplified``: OpenCC. Text that has Traditional characters is converted with Taiwan phrase
  conversion (``tw2sp``: 軟體 -> 软件, 資料 -> 数据); text that is already Simplified is left alone,
  because phrase conversion would change Simplified words such as 核心.
- ``normalise``: both, in that order (what every index and every query uses).
- ``Segmenter``: jieba words plus Latin words kept whole (c++, 3d, slam); jieba's dictionary ships in
  its wheel, nothing is downloaded.
- ``pinyin_keys``: toneless pinyin of a text, syllables joined, and its initials (电工 -> diangong, dg),
  from pypinyin's bundled dictionary.

>>> normalise_width("ＳＬＡＭ算法工程師（急）")
'slam算法工程師(急)'
>>> normalise("電子商務")
'电子商务'
>>> to_simplified("电子商务")
('电子商务', False)
>>> character_bigrams("拼多多运营")
['拼多', '多多', '多运', '运营']
>>> pinyin_keys("电工"), pinyin_keys("人工智能训练师")
(('diangong', 'dg'), ('rengongzhinengxunlianshi', 'rgznxls'))
>>> looks_like_pinyin("rengong zhineng"), looks_like_pinyin("电子"), looks_like_pinyin("AI")
(True, False, True)
"""

from __future__ import annotations

import functools
import json
import logging
import re
import subprocess
import sys
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
LATIN_WORD = re.compile(r"[a-z][a-z0-9]*(?:[+#]+|\.[a-z0-9]+)*|\d+[a-z][a-z0-9]*")
WORDLIKE = re.compile(r"[^\W_]")
SEPARATORS = re.compile(r"[\s/|,，、;；:：()\[\]{}<>《》【】（）〔〕\"'“”‘’·・•*_=~～\-—…。.?？]+")
PINYIN_QUERY = re.compile(r"[a-z' ]+")

TRADITIONAL_CHECK_CONFIG = "t2s"
TRADITIONAL_CONFIG = "tw2sp"


def normalise_width(text: str) -> str:
    """NFKC (full-width to half-width) and lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def character_bigrams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


@functools.cache
def _opencc() -> tuple[Any, Any]:
    import opencc

    return opencc.OpenCC(TRADITIONAL_CHECK_CONFIG), opencc.OpenCC(TRADITIONAL_CONFIG)


def to_simplified(text: str) -> tuple[str, bool]:
    """(Simplified text, whether it had Traditional characters)."""
    check, convert = _opencc()
    if check.convert(text) == text:
        return text, False
    return convert.convert(text), True


def normalise(text: str) -> str:
    """Width, case and Traditional-to-Simplified: the form every index and query compares."""
    return to_simplified(normalise_width(text))[0]


def simplified(text: str) -> str:
    """The text in Simplified characters (width and case untouched)."""
    return to_simplified(text)[0]


@functools.cache
def _pinyin() -> Any:
    import pypinyin

    return pypinyin


def pinyin_keys(text: str) -> tuple[str, str]:
    """Toneless pinyin with syllables joined, and the syllables' initials; Latin letters and digits
    are kept as they are. Polyphonic characters take pypinyin's phrase reading (银行 -> yinhang)."""
    pp = _pinyin()
    syllables = [s for s in pp.lazy_pinyin(text, style=pp.Style.NORMAL, errors="default") if s.strip()]
    full, initials = [], []
    for s in syllables:
        s = normalise_width(s)
        for part in re.findall(r"[a-z0-9]+", s):
            full.append(part)
            initials.append(part[0])
    return "".join(full), "".join(initials)


def pinyin_keys_many(texts: Sequence[str]) -> list[tuple[str, str]]:
    """``pinyin_keys`` of each text, worked out in a child process unless pypinyin is loaded here.

    pypinyin's dictionaries are about 47 MiB of Python objects, and a process that loaded them keeps
    them: a server process needs pinyin only to build its search indexes, once per store generation,
    so it asks a short-lived process instead (issue 17, memory). When the child cannot run, the keys
    are worked out here.

    >>> pinyin_keys_many(["电工", "银行柜员"]) == [pinyin_keys("电工"), pinyin_keys("银行柜员")]
    True
    """
    texts = list(texts)
    if not texts or _pinyin.cache_info().currsize:
        return [pinyin_keys(t) for t in texts]
    from graph.core.paths import PACKAGE_ROOT

    try:
        done = subprocess.run(
            [sys.executable, "-m", "graph.text.chinese", "pinyin"],
            input=json.dumps(texts, ensure_ascii=False).encode(),
            capture_output=True,
            check=True,
            cwd=str(PACKAGE_ROOT),
            timeout=120,
        )
        keys = [(str(full), str(initials)) for full, initials in json.loads(done.stdout)]
    except (OSError, ValueError, subprocess.SubprocessError) as exc:
        logging.getLogger(__name__).warning("pinyin in a child process failed (%s); working it out here", exc)
        return [pinyin_keys(t) for t in texts]
    if len(keys) != len(texts):
        return [pinyin_keys(t) for t in texts]
    return keys


def looks_like_pinyin(text: str) -> bool:
    """Latin letters only (with spaces or apostrophes between syllables), at least two letters."""
    t = normalise_width(text).strip()
    return len(t.replace(" ", "").replace("'", "")) >= 2 and bool(PINYIN_QUERY.fullmatch(t))


class _Words(dict):  # type: ignore[type-arg]
    """A tokenizer's word frequencies: its own words (extra words, their prefixes) over jieba's
    dictionary, which every Segmenter of the process shares and none changes.

    jieba's dictionary is about 70 MiB of Python objects; each Segmenter held a copy of it, and a
    server process has two (the classifier's and the pathway engine's), so sharing it saves one
    copy per app worker (issue 17, memory). jieba reads the frequencies only through ``in``,
    ``[]`` and ``get``, and writes them with ``[]=`` (``add_word``), which lands here.

    >>> w = _Words({"a": 1, "b": 2})
    >>> w["c"] = 3
    >>> "a" in w, "c" in w, "d" in w, w["b"], w.get("c"), w.get("d", 0), w.base["a"]
    (True, True, False, 2, 3, 0, 1)
    >>> "c" in w.base
    False
    """

    __slots__ = ("base",)

    def __init__(self, base: dict[str, int]) -> None:
        super().__init__()
        self.base = base

    def __missing__(self, word: str) -> int:
        return self.base[word]

    def __contains__(self, word: object) -> bool:
        return dict.__contains__(self, word) or word in self.base

    def get(self, word: str, default: Any = None) -> Any:  # type: ignore[override]
        if dict.__contains__(self, word):
            return dict.__getitem__(self, word)
        return self.base.get(word, default)


_DICTIONARY_LOCK = threading.Lock()
_dictionary: tuple[dict[str, int], int] | None = None


def _jieba_dictionary() -> tuple[dict[str, int], int]:
    """jieba's default dictionary (word frequencies, their total), loaded once per process."""
    global _dictionary
    with _DICTIONARY_LOCK:
        if _dictionary is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            loader = jieba.Tokenizer()
            loader.initialize()
            _dictionary = (loader.FREQ, loader.total)
        return _dictionary


class Segmenter:
    """jieba words plus Latin words kept whole; one tokenizer per Segmenter, with extra words.

    The tokenizers share jieba's dictionary (``_Words``): a Segmenter's extra words are its own.
    jieba's tokenizer is not safe to share between threads while it adds words, so cutting holds a
    lock (a cut takes microseconds).
    """

    def __init__(self, extra_words: Iterable[str] = ()) -> None:
        import jieba

        freq, total = _jieba_dictionary()
        self.tokenizer = jieba.Tokenizer()
        self.tokenizer.FREQ = _Words(freq)
        self.tokenizer.total = total
        self.tokenizer.initialized = True
        self._lock = threading.Lock()
        for word in extra_words:
            self.add_word(word)

    def add_word(self, word: str, freq: int = 2000) -> None:
        if CJK_RUN.fullmatch(word) and len(word) > 1:
            self.tokenizer.add_word(word, freq=freq)

    def cjk_words(self, text: str) -> list[str]:
        if not text:
            return []
        with self._lock:
            return [w for w in self.tokenizer.lcut(text) if WORDLIKE.search(w)]

    def cut_for_search(self, text: str) -> list[str]:
        with self._lock:
            return list(self.tokenizer.cut_for_search(text))

    def words(self, text: str) -> list[str]:
        """jieba words and Latin words, without separators."""
        out: list[str] = []
        for part in SEPARATORS.split(text):
            if not part:
                continue
            pos = 0
            for m in LATIN_WORD.finditer(part):
                out += self.cjk_words(part[pos : m.start()])
                out.append(m.group())
                pos = m.end()
            out += self.cjk_words(part[pos:])
        return out


def search_both(index: Any, text: str, limit: int = 50) -> tuple[list[dict[str, Any]], str | None]:
    """Hits for a search text, and the Simplified text when the input was Traditional.

    The search index normalises (width, Traditional, pinyin) itself; this only reports the
    conversion so a page can say "searched as …".
    """
    hits = index.search(text, limit=limit)
    simple, traditional = to_simplified(normalise_width(text).strip())
    return hits, simple if traditional else None


if __name__ == "__main__":  # python -m graph.text.chinese pinyin < JSON list of texts: their pinyin_keys
    if sys.argv[1:] == ["pinyin"]:
        json.dump([pinyin_keys(t) for t in json.load(sys.stdin)], sys.stdout, ensure_ascii=False)

"""Traditional-Chinese input for the web pages: search text is also tried in Simplified.

OpenCC (the ``opencc`` package, also used by the job-title classifier) converts; where it is not
installed the text is searched as typed.

>>> simplified("電子商務") in ("电子商务", "電子商務")
True
"""

from __future__ import annotations

import functools
from typing import Any


@functools.cache
def _converter() -> Any:
    try:
        import opencc
    except ImportError:  # pragma: no cover - opencc is a dependency; keep pages working without it
        return None
    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    conv = _converter()
    return conv.convert(text) if conv is not None else text


def search_both(index: Any, text: str, limit: int = 50) -> tuple[list[dict[str, Any]], str | None]:
    """Hits for the text as typed and, if it differs, in Simplified; the best score per entry wins.

    Returns (hits, the Simplified text when it was used).
    """
    hits = index.search(text, limit=limit)
    alt = simplified(text)
    if alt == text:
        return hits, None
    best = {h["code"]: h for h in hits}
    for h in index.search(alt, limit=limit):
        if h["code"] not in best or h["score"] > best[h["code"]]["score"]:
            best[h["code"]] = h
    ranked = sorted(best.values(), key=lambda h: (-h["score"], "occupation" not in h["kinds"], h["code"]))
    return ranked[:limit], alt


@functools.cache
def _pinyin() -> Any:
    try:
        import pypinyin
    except ImportError:  # pragma: no cover - pypinyin is a dependency; search by characters still works
        return None
    return pypinyin


def pinyin_keys(text: str) -> tuple[str, str]:
    """The toneless pinyin of Chinese text, run together, and its initials, for searching by pinyin.

    >>> pinyin_keys("人工智能训练师")
    ('rengongzhinengxunlianshi', 'rgznxls')
    """
    mod = _pinyin()
    if mod is None:
        return "", ""
    syllables = [s.lower() for s in mod.lazy_pinyin(text, errors="ignore") if s.isascii() and s.isalpha()]
    return "".join(syllables), "".join(s[0] for s in syllables)


def looks_like_pinyin(text: str) -> bool:
    """True for Latin letters (and spaces) only, which the search treats as pinyin.

    >>> looks_like_pinyin("rengong zhineng"), looks_like_pinyin("电子"), looks_like_pinyin("AI")
    (True, False, True)
    """
    t = text.replace(" ", "")
    return bool(t) and t.isascii() and t.isalpha()

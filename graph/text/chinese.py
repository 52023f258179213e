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

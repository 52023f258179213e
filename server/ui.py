"""What every HTML page shares: the language of the labels, the navigation, and names read from
the graph (kinds of classification entry, levels in ladder order) so that templates never carry a
hand-typed copy of what the ontology or the ladder already says.

Pages are Chinese. ``?lang=en`` asks for English labels where the graph has them (ontology class
labels, level names, the navigation); anything without an English label stays Chinese.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Hashable
from typing import Any

from flask import Flask, Response, request
from markupsafe import Markup

# the navigation of every page: (path, Chinese, English); an ASCII name (SPARQL) is a machine term
NAV = [
    ("/browse", "分类浏览", "Classification"),
    ("/new-occupations", "新职业", "New occupations"),
    ("/standards", "职业标准", "Standards"),
    ("/majors", "专业", "Majors"),
    ("/pathways", "发展路径", "Pathways"),
    ("/classify", "岗位归类", "Job titles"),
    ("/downloads", "数据下载", "Downloads"),
    ("/sparql", "SPARQL", "SPARQL"),
]


def lang() -> str:
    """'en' when the page was asked for in English (?lang=en), else 'zh'."""
    try:
        args = request.args
    except RuntimeError:  # outside a request (e.g. rendering in a test)
        return "zh"
    # asked for every label of a page (60-odd times): test membership first, because werkzeug's
    # MultiDict.get builds a BadRequestKeyError for a missing key (1 ms a page, issue 17)
    return "en" if "lang" in args and args["lang"] == "en" else "zh"


def t(zh: str, en: str | None = None) -> str:
    """The label in the page's language; Chinese when no English label exists."""
    return in_language(lang(), zh, en)


def in_language(page_lang: str, zh: str, en: str | None = None) -> str:
    """The label in ``page_lang``; Chinese when no English label exists."""
    return en if page_lang == "en" and en else zh


def per_store(name: str, make: Any) -> Any:
    """``make(store)``, built once per store generation (server/resources.py) and replaced with it."""
    from server.resources import generation

    return generation().derive(lambda gen: make(gen.store), key=("ui", name))


def kept_page(key: Hashable, render: Callable[[], str]) -> Response:
    """A page that is a function of the store generation, ``key`` and the page language: rendered
    on first request and kept for the generation (server/resources.py ``kept``). Rendering the
    template was most of an occupation page's time once the page stopped asking the store (issue 17)."""
    from server.resources import kept

    body = kept(("page", key, lang()), lambda: render().encode("utf-8"))
    return Response(body, content_type="text/html; charset=utf-8")


def kind_label(kind: str) -> str:
    """大类 / 中类 / 小类 / 职业（细类） for a kind id, from the ontology's class labels."""
    from server.resources import get_kinds

    labels = get_kinds().labels.get(kind, {})
    return t(labels.get("zh", kind), labels.get("en"))


def kinds_label(kinds: list[str]) -> str:
    return "、".join(kind_label(k) for k in kinds)


def ladder() -> Any:
    """The level ladder of the store (graph.standards.eligibility.Ladder), loaded once per store."""
    from server.resources import get_rulebook  # the one RuleBook of this store holds the ladder

    return get_rulebook().ladder


def level_rank(level_id: str) -> tuple[int, int]:
    """Sort key putting levels in ladder order (skill ladder from the lowest, then professional)."""
    lad = ladder()
    if level_id in lad:
        lv = lad[level_id]
        return (0 if lv.ladder == "skill" else 1, lv.rank)
    return (2, 0)


def level_name(level_id: str, other: str | None = None) -> str:
    """The ladder level's name (五级 …); for an id that is not a ladder level, ``other`` (or the id)."""
    lad = ladder()
    if level_id in lad:
        lv = lad[level_id]
        return t(lv.name_zh, lv.name_en)
    return level_id if other is None else other


# a Latin word in a Chinese definition is an identifier: a term (og:minimumAge), a value of a column
# (official, graduated, technical-school), a file (batches.tsv), a rule set (skill-to-title-2020)
LATIN_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:[:.\-/][A-Za-z0-9_]+)*")


def identifiers_as_code(text: str | None) -> Markup:
    """Chinese text with the identifiers it mentions set as code: they are names a query writer or an
    editor types, not words to translate, and a screen reader should not read them as Chinese."""
    text = text or ""
    out = Markup("")
    last = 0
    for m in LATIN_IDENTIFIER.finditer(text):
        out += text[last : m.start()]
        out += Markup('<code translate="no">%s</code>') % m.group(0)
        last = m.end()
    return out + text[last:]


def init_app(app: Flask) -> None:
    app.add_template_filter(identifiers_as_code, "identifiers_as_code")
    app.add_template_global(t, "t")
    app.add_template_global(kind_label, "kind_label")
    app.add_template_global(kinds_label, "kinds_label")
    app.add_template_global(level_name, "level_name")
    app.add_template_global(level_rank, "level_rank")

    @app.context_processor
    def page_context() -> dict[str, Any]:
        page_lang = lang()
        suffix = "?lang=en" if page_lang == "en" else ""  # the English view stays English from page to page
        return {
            "lang": page_lang,
            # the page's own ``t``, its language read once: a page asks for 60-odd labels, and each
            # global ``t`` looked the request up again (a tenth of an occupation page's time, issue 17);
            # macros imported without context use the global ``t``, which gives the same labels
            "t": functools.partial(in_language, page_lang),
            "nav": [(path, path + suffix, t(zh, en), zh.isascii()) for path, zh, en in NAV],
        }

"""Literals for the readers, made without rdflib's general constructor where the answer is known.

``rdflib.Literal(text, lang="zh")`` checks the language tag with a regular expression, looks the
text up in the lexical-to-value mapping, casts it back through the Python-to-XSD rules and checks
it is Unicode: for a ``str`` with no datatype all of that gives back the text itself. The readers
make 160k such literals, about a tenth of the read's CPU (issue 17); :func:`literal` makes them
directly, with the same slots rdflib sets, and hands everything else to ``rdflib.Literal``.

>>> from rdflib.namespace import XSD
>>> cases = [("电子商务师", "zh"), ("Engineer", "en"), ("x", None), ("", None), ("a\\nb", ""), ("7", None)]
>>> all(_same(literal(v, lang=lang), Literal(v, lang=lang)) for v, lang in cases)
True
>>> day = "2024-01-02"
>>> _same(literal(3), Literal(3)), _same(literal(day, datatype=XSD.date), Literal(day, datatype=XSD.date))
(True, True)
>>> fast, slow = literal("x", lang="zh"), Literal("x", lang="zh")
>>> fast == slow and hash(fast) == hash(slow) and fast.n3() == slow.n3()
True
"""

from __future__ import annotations

from typing import Any

from rdflib import Literal

# language tags the readers write; any other goes through rdflib's check
_CHECKED_TAGS = frozenset({"zh", "en"})


def literal(value: Any, lang: str | None = None, datatype: Any = None) -> Literal:
    """``rdflib.Literal(value, lang=lang, datatype=datatype)``, cheaper for a plain or zh/en text."""
    if type(value) is str and datatype is None and (lang is None or lang in _CHECKED_TAGS):
        term = str.__new__(Literal, value)
        term._language = lang
        term._datatype = None
        term._value = value  # what rdflib's lexical-to-value mapping gives a text with no datatype
        term._ill_typed = None
        return term
    return Literal(value, lang=lang, datatype=datatype)


def _same(a: Literal, b: Literal) -> bool:
    """The same text, type and slots (for the doctests)."""
    slots = ("_language", "_datatype", "_value", "_ill_typed")
    return type(a) is type(b) and str(a) == str(b) and all(getattr(a, s) == getattr(b, s) for s in slots) and a.eq(b)

"""Official classification codes: what their pattern says about level and parent.

>>> code_kind("2-02-38-01"), code_kind("2-02-38-00"), code_kind("2-02-00-00"), code_kind("2-00-00-00")
('occupation', 'minor', 'medium', 'major')
>>> ancestors("2-02-38-01")
['2-02-38-00', '2-02-00-00', '2-00-00-00']
>>> ancestors("1-01-00-01")
['1-01-00-00', '1-00-00-00']
"""

from __future__ import annotations

import re

CODE_RE = re.compile(r"\d-\d\d-\d\d-\d\d", re.ASCII)  # ASCII: "２" (fullwidth) is not a code digit


def _segments(code: str) -> tuple[str, str, str, str, str]:
    """The four segments of a code and what follows them: the tail of a copy of bench/synthetic.py
    (2-02-38-01-07 -> "-07"), "" for an official code. A copy's groups are the copies of its groups."""
    major, medium, minor, occ, *copy = code.split("-")
    return major, medium, minor, occ, "".join("-" + c for c in copy)


def code_kind(code: str) -> str:
    """Level implied by the code pattern alone.

    >>> code_kind("2-02-38-00-07")
    'minor'
    """
    _major, medium, minor, occ, _tail = _segments(code)
    if medium == "00":
        return "major"
    if minor == "00" and occ == "00":
        return "medium"
    if occ == "00":
        return "minor"
    return "occupation"


def ancestors(code: str) -> list[str]:
    """Codes above this one, nearest first. A minor segment of 00 means the occupation sits
    directly under its medium group (as in major group 1), so no minor-group code is implied.
    Segments after the fourth (the copies of bench/synthetic.py: 2-02-38-01-07) stay on every
    ancestor, so a copy's groups are the copies of its groups.

    >>> ancestors("2-02-38-01-07")
    ['2-02-38-00-07', '2-02-00-00-07', '2-00-00-00-07']
    """
    major, medium, minor, occ, tail = _segments(code)
    out = []
    if occ != "00" and minor != "00":
        out.append(f"{major}-{medium}-{minor}-00{tail}")
    if (occ != "00" or minor != "00") and medium != "00":
        out.append(f"{major}-{medium}-00-00{tail}")
    if medium != "00":
        out.append(f"{major}-00-00-00{tail}")
    return out


def level_code(code: str, level: str) -> str:
    """The code of the group at ``level`` (occupation, minor, medium, major) that the code's pattern
    puts it in, by zeroing segments (a minor segment of 00 stays 00, unlike ``ancestors``).

    >>> level_code("4-01-02-01", "minor"), level_code("4-01-02-01", "medium"), level_code("4-01-02-01", "major")
    ('4-01-02-00', '4-01-00-00', '4-00-00-00')
    >>> level_code("4-01-02-01-07", "minor")  # a copy of bench/synthetic.py
    '4-01-02-00-07'
    """
    major, medium, minor, _occ, tail = _segments(code)
    return {
        "occupation": code,
        "minor": f"{major}-{medium}-{minor}-00{tail}",
        "medium": f"{major}-{medium}-00-00{tail}",
        "major": f"{major}-00-00-00{tail}",
    }[level]

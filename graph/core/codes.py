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


def code_kind(code: str) -> str:
    """Level implied by the code pattern alone."""
    _major, medium, minor, occ = code.split("-")
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
    major, medium, minor, occ, *copy = code.split("-")
    tail = "".join("-" + c for c in copy)
    out = []
    if occ != "00" and minor != "00":
        out.append(f"{major}-{medium}-{minor}-00{tail}")
    if (occ != "00" or minor != "00") and medium != "00":
        out.append(f"{major}-{medium}-00-00{tail}")
    if medium != "00":
        out.append(f"{major}-00-00-00{tail}")
    return out

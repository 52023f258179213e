"""Read the text of the 2022 职业分类大典 (standards/upstream/flyboat/occupation_dictionary_split/class_1..6).

Used by the classification importer only (never by the build). The text is a PDF conversion of the
July-2022 public-comment draft (公示稿): every 大类/中类/小类 with its definition, every 细类 with
its definition, 主要工作任务 and 工种 names. Its layout varies (codes with or without a markdown
"#", names on the code line or the next one, ASCII punctuation with spaces), so the reader is
line-based and keeps the file and line of every entry for the importer's report.

>>> clean("在中国共产党机关, 国家机关, 民主党派和工商联;")
'在中国共产党机关，国家机关，民主党派和工商联；'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

CODE_LINE = re.compile(r"^#?\s*(\d(?:-\d{2}){0,3})\s*(?:（(GBM\d+)）)?\s*(.*)$")
MARK = re.compile(r"\s*(L/S|L|S)$")
LIST_START = re.compile(r"^本(?:大|中|小)类包括下列")
TASKS_START = re.compile(r"^#?\s*主要工作任务")
WORK_TYPES = re.compile(r"本职业包[含括]但不限于下列工种[:：]?")
CJK = r"\u3400-\u9fff"
NAME_ENDINGS = tuple("员工师手长机人")  # how 工种 names end
PUNCT = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）"}


@dataclass
class TextEntry:
    """One entry of the dictionary text, with where it was read."""

    code: str
    name: str
    marker: str
    path: Path
    line: int
    gbm: str = ""
    definition: str = ""
    tasks: list[str] = field(default_factory=list)
    work_types: list[str] = field(default_factory=list)
    work_type_lines: list[int] = field(default_factory=list)

    @property
    def level(self) -> int:
        """1 major group ... 4 occupation."""
        return self.code.count("-") + 1


def clean(text: str) -> str:
    """PDF text to plain Chinese text: full-width punctuation between Chinese words, no stray spaces."""
    text = text.replace("\u3000", " ").strip()
    for ascii_mark, full in PUNCT.items():
        text = text.replace(ascii_mark, full)
    text = re.sub(rf"\s+(?=[{CJK}（），；：、。])", "", text)
    text = re.sub(rf"(?<=[{CJK}（），；：、。])\s+", "", text)
    return re.sub(r"\s+", " ", text)


def padded(code: str) -> str:
    """The project's four-part form of a code: 6-08-02 -> 6-08-02-00, 7 -> 7-00-00-00."""
    parts = code.split("-")
    return "-".join(parts + ["00"] * (4 - len(parts)))


def read(folder: Path) -> dict[str, TextEntry]:
    """Every entry by its printed code; where a code is printed twice (once in its group's list of
    members, once with its definition) the later printing, which carries the text, wins."""
    entries: dict[str, TextEntry] = {}
    for path in sorted(folder.glob("class_[1-6]_*.md")):
        lines = path.read_text(encoding="utf-8").splitlines()
        current: TextEntry | None = None
        state = ""
        pending_name = False
        for n, raw in enumerate(lines, start=1):
            line = raw.strip()
            if not line:
                continue
            m = CODE_LINE.match(line)
            if m and (m.group(2) or m.group(1).count("-") == 3):
                code, gbm, rest = m.groups()
                rest = rest.lstrip("# ").strip()
                mark = MARK.search(rest) if code.count("-") == 3 else None
                name = clean(rest[: mark.start()] if mark else rest)
                current = TextEntry(code, name, mark.group(1) if mark else "", path, n, gbm or "")
                entries[code] = current
                state = "definition"
                pending_name = not name
                continue
            if current is None or line.startswith("# 第"):
                continue
            text = line.lstrip("#").strip()
            if pending_name:
                current.name = clean(text)
                pending_name = False
                continue
            if LIST_START.match(text):
                state = "list"
                continue
            if TASKS_START.match(text):
                state = "tasks"
                continue
            wt = WORK_TYPES.search(text)
            if wt:
                before = text[: wt.start()].strip()
                if before and state == "tasks":
                    _add_task(current, before)
                state = "work-types"
                text = text[wt.end() :].strip()
                if not text:
                    continue
            if state == "definition":
                current.definition = clean(current.definition + text)
            elif state == "tasks":
                _add_task(current, text)
            elif state == "work-types":
                if text.endswith("。"):
                    state = ""  # prose after the list: a group's text that lost its code line
                    continue
                tokens = text.split()
                if tokens and current.work_types and not current.work_types[-1].endswith(NAME_ENDINGS):
                    current.work_types[-1] += tokens.pop(0)  # a name broken over two lines
                current.work_types.extend(tokens)
                current.work_type_lines.append(n)
    return entries


def _add_task(entry: TextEntry, text: str) -> None:
    """A task ends with ；/。: a line that does not end so continues into the next line."""
    text = clean(text)
    if entry.tasks and not entry.tasks[-1].endswith(("；", "。")):
        entry.tasks[-1] = clean(entry.tasks[-1] + text)
    else:
        entry.tasks.append(text)


def task_text(task: str) -> str:
    """A task as stored: without its closing ；."""
    return task.rstrip("；").strip()

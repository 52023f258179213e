"""Curriculum mapping: which skill and knowledge requirements of a major's standards a school's
courses cover, with the evidence for every match, so a teacher can judge and correct it.

Input: a CSV of courses (code, title, hours and/or credits, learning outcomes as text) and a major
code. The major's occupations (og:preparesFor) lead to their standards (og:forOccupation) and to
the work requirements the graph holds for them (docs/standards.md); everything is read with
SPARQL through ``store.select``, so the mapping runs on the embedded store and on a remote
endpoint alike. Nothing is stored: the result is returned (JSON, CSV, Markdown or HTML).

How a learning outcome is matched to a requirement (docs/schools.md has the details):

1. Both texts are normalised like job titles in graph/classification/classifier.py (NFKC, lower case, Traditional
   to Simplified) and segmented with jieba; compound words are also split into the dictionary
   words they are made of (人工智能 -> 人工 智能), so differently segmented texts still meet.
2. Stop words (standards/curriculum-matching/stopwords.tsv: 能, 根据, 完成, 知识, 方法, ...)
   are dropped; what is left are the requirement's content words.
3. Synonyms (standards/curriculum-matching/synonyms.tsv, the job-title abbreviations, and the
   graph's occupation names with their alternative names) let a word of the outcome stand for a
   word of the requirement; the evidence shows such a match as ``outcome word≈requirement word``.
   Both lists are checked by the build and stored with the graph (graph/store/settings.py); the
   mapping reads them from the store it answers from, never from standards/.
4. Score = WORD_WEIGHT x (share of the requirement's content words found in the outcome, each
   weighted by its inverse document frequency over the requirements) + (1 - WORD_WEIGHT) x (the
   same share of its character bigrams). The share is of the *requirement*: an outcome may say
   more than the requirement, but must say what the requirement says.
5. A requirement is covered when its best outcome scores at least MATCH_THRESHOLD, shares at
   least min(2, n) content words with it (n = the requirement's content words) and contains its
   head word: the last content word, which in Chinese is what the phrase is about (业务数据采集
   *规范*, 对标注后数据进行*统计*). Overrides force or reject a (requirement, course) pair and win
   over the score. Word rarity is counted over every requirement text in the graph, so a
   requirement scores the same whichever major or standards a mapping selects.

Tolerance (issue 14): alternatives printed "A/B" count as one word; a missing word that only
qualifies the word printed right after it, when that one is found, weighs QUALIFIER_WEIGHT (规格 in
需求规格说明书); a long requirement (at least WHOLE_COURSE_MIN_WORDS content words, like the MOE
ability lists) may be covered by one course's outcomes read together (outcome id <course>/全部).
Besides the standards' work requirements, a mapping that names no standards also compares the
major's ability requirements (MOE 专业简介) and the main tasks of its occupations, each reported
like a standard with one level. The closest candidate of an uncovered requirement (near miss) is
shown in every output format.

Coverage per standard and level respects "higher levels include lower levels": the requirements
of a level are its own plus those of every level it includes (og:includesRequirementsOf), and the
report gives both the level's own figure and the cumulative one.

>>> split_outcomes("1. 能完成数据采集；2. 能完成数据清洗\\n（3）掌握标注工具")
['能完成数据采集', '能完成数据清洗', '掌握标注工具']
"""

from __future__ import annotations

import csv
import html
import io
import json
import math
import re
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graph.classification.queries import SelectStore
from graph.core.namespaces import ID
from graph.core.tabular import csv_writer
from graph.schools.majors import MAJOR_CODE_RE, majors, suggest_majors
from graph.store import settings
from graph.store.sparql import Iri, Queries, select
from graph.text.chinese import CJK_RUN, WORDLIKE, normalise_width

if TYPE_CHECKING:
    from graph.classification.classifier import WordLists as TitleLists

Q = Queries(__file__)  # graph/schools/sparql/*.rq
MAX_BYTES = 256_000
MAX_COURSES = 300
MAX_OUTCOMES = 2_000
MAX_CELL_CHARS = 4_000
MAX_OUTCOME_CHARS = 500
MATCH_THRESHOLD = 0.65
WORD_WEIGHT = 0.65
QUALIFIER_WEIGHT = 0.5  # a missing word that only qualifies a found one (score_pair)
WHOLE_COURSE = "全部"  # outcome id suffix of a course's outcomes read together
# only a requirement that lists this many content words (an MOE ability such as "客服日常管理、客户投诉
# 受理、客户风控管理及服务质量监控") may be covered by a course's outcomes read together
WHOLE_COURSE_MIN_WORDS = 6
CANDIDATES_SHOWN = 3

COLUMN_NAMES = {
    "code": ("code", "course_code", "课程代码", "课程编号", "课程编码"),
    "title": ("title", "course_title", "name", "课程名称", "课程名"),
    "hours": ("hours", "学时", "总学时"),
    "credits": ("credits", "学分"),
    "learning_outcomes": ("learning_outcomes", "outcomes", "learning outcomes", "学习成果", "课程目标", "学习目标"),
}
REQUIRED_COLUMNS = ("code", "title", "learning_outcomes")
COLUMN_ZH = {
    "code": "课程代码",
    "title": "课程名称",
    "hours": "学时",
    "credits": "学分",
    "learning_outcomes": "学习成果",
}
COURSE_CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}")
NUMBER_RE = re.compile(r"\d+(\.\d+)?")
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
OUTCOME_SPLIT = re.compile(r"[\n；;]+|(?<=[。])")
OUTCOME_NUMBER = re.compile(r"^\s*(?:\(?\d{1,2}[.、)）]|（\d{1,2}）|[①-⑳]|[一二三四五六七八九十]、)\s*")
KINDS = {"SkillRequirement": "skill", "KnowledgeRequirement": "knowledge"}
FORMATS = ("json", "csv", "md", "html")


# ---------------------------------------------------------------- the uploaded curriculum


@dataclass
class Outcome:
    id: str
    course: str
    text: str


@dataclass
class Course:
    code: str
    title: str
    hours: float | None
    credits: float | None
    outcomes: list[Outcome]
    line: int


@dataclass
class Curriculum:
    name: str
    courses: list[Course]
    warnings: list[str] = field(default_factory=list)

    @property
    def outcomes(self) -> list[Outcome]:
        return [o for c in self.courses for o in c.outcomes]


@dataclass
class LineError:
    """One problem of an uploaded file: its line, a message in Chinese for the school's staff (the
    page, the command line and the API's ``message``), and ``code``, a stable name for programs."""

    line: int
    message: str
    code: str = "invalid"

    def as_dict(self) -> dict[str, object]:
        return {"line": self.line, "code": self.code, "message": self.message}


class CurriculumError(ValueError):
    """A curriculum that cannot be mapped: every problem with its line (1 = the header)."""

    def __init__(self, name: str, errors: list[LineError]) -> None:
        self.name = name
        self.errors = errors
        first = errors[0]
        super().__init__(
            f"{name}:{first.line}: {first.message}" + (f"（另有 {len(errors) - 1} 处问题）" if len(errors) > 1 else "")
        )

    def lines(self) -> list[str]:
        return [f"{self.name}:{e.line}: {e.message}" for e in self.errors]


def split_outcomes(text: str) -> list[str]:
    """Learning outcomes from one cell: split at line breaks, semicolons and after 。; numbering
    such as "1." "（2）" "③" is dropped."""
    out = []
    for part in OUTCOME_SPLIT.split(text):
        part = OUTCOME_NUMBER.sub("", part).strip(" \t。.，,")
        # "1. 能完成A 2. 能完成B" in one line: split before a number that starts a new item
        for piece in re.split(r"\s+(?=\d{1,2}[.、)）]\s*)", part):
            piece = OUTCOME_NUMBER.sub("", piece).strip(" \t。.，,")
            if piece:
                out.append(piece)
    return out


def _decode(data: bytes, name: str) -> tuple[str, list[str]]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        line = data[: utf8_error.start].count(b"\n") + 1
        raise CurriculumError(
            name,
            [LineError(line, "文件不是 UTF-8（也不是 GB18030）编码的文本：请另存为“CSV UTF-8”后重新上传", "not-utf8")],
        ) from None
    return text, ["文件不是 UTF-8 编码，已按 GB18030（GBK）读取；建议另存为“CSV UTF-8”"]


def _number(value: str, column: str, line: int, errors: list[LineError], high: float) -> float | None:
    value = unicodedata.normalize("NFKC", value).strip()
    if not value:
        return None
    if not NUMBER_RE.fullmatch(value):
        errors.append(LineError(line, f"{COLUMN_ZH[column]}应为数字，例如 48 或 2.5，这里是“{value}”", "not-a-number"))
        return None
    number = float(value)
    if number > high:
        errors.append(LineError(line, f"{COLUMN_ZH[column]} {value} 超过 {high:g}，请检查这一列", "number-too-large"))
        return None
    return number


def parse_curriculum(data: bytes | str, name: str = "curriculum.csv", max_bytes: int = MAX_BYTES) -> Curriculum:
    """Read a curriculum CSV; raise CurriculumError with every problem (line numbers as in the file).

    Columns (header names in English or Chinese, any order, extra columns ignored): code/课程代码,
    title/课程名称, hours/学时 and/or credits/学分, learning_outcomes/学习成果 (several outcomes in one
    cell, one per line or separated by ；).
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > max_bytes:
        raise CurriculumError(
            name,
            [
                LineError(
                    0,
                    f"文件有 {len(raw):,} 字节，上限是 {max_bytes:,} 字节（约 {MAX_COURSES} 门课程）",
                    "file-too-large",
                )
            ],
        )
    text, warnings = _decode(raw, name)
    if not text.strip():
        raise CurriculumError(
            name,
            [
                LineError(
                    1,
                    "文件是空的：第一行应写列名（code,title,hours,credits,learning_outcomes，"
                    "或 课程代码,课程名称,学时,学分,学习成果）",
                    "empty-file",
                )
            ],
        )
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise CurriculumError(name, [LineError(line, "文件含有空字符（NUL），不是 CSV 文本文件", "not-text")])
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    errors: list[LineError] = []
    try:
        header = next(reader)
    except csv.Error:
        raise CurriculumError(name, [LineError(1, "第一行（列名）不是有效的 CSV", "bad-header")]) from None
    wanted = {alias.lower(): key for key, aliases in COLUMN_NAMES.items() for alias in aliases}
    index: dict[str, int] = {}
    ignored = []
    for i, cell in enumerate(header):
        key = wanted.get(cell.strip().lstrip("\ufeff").lower())
        if key is None:
            ignored.append(cell.strip())
        elif key in index:
            errors.append(LineError(1, f"列“{cell.strip()}”出现了两次", "column-twice"))
        else:
            index[key] = i
    missing = [f"{COLUMN_ZH[k]}（{k}）" for k in REQUIRED_COLUMNS if k not in index]
    if "hours" not in index and "credits" not in index:
        missing.append("学时（hours）或学分（credits）")
    if missing:
        errors.append(
            LineError(
                1,
                f"缺少列：{'、'.join(missing)}；第一行应有课程代码、课程名称、学时和/或学分、学习成果"
                f"（现有：{'、'.join(header)}）",
                "missing-columns",
            )
        )
        raise CurriculumError(name, errors)
    if ignored and any(ignored):
        warnings.append(f"以下列未使用：{'、'.join(c for c in ignored if c)}")

    courses: list[Course] = []
    first_seen: dict[str, int] = {}
    outcome_count = 0
    line = 1
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error:
            errors.append(
                LineError(
                    start,
                    f"从这一行到第 {reader.line_num} 行不是有效的 CSV（是否有引号没有闭合？）",
                    "bad-csv",
                )
            )
            break
        line = start
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            errors.append(
                LineError(
                    line,
                    f"应有 {len(header)} 格（与第一行相同），这里有 {len(cells)} 格（格内的逗号要用引号括起来）",
                    "cell-count",
                )
            )
            continue
        if any(CONTROL_RE.search(c) for c in cells):
            errors.append(LineError(line, "含有控制字符", "control-characters"))
            continue
        if any(len(c) > MAX_CELL_CHARS for c in cells):
            errors.append(LineError(line, f"有一格超过 {MAX_CELL_CHARS} 个字符", "cell-too-long"))
            continue

        def cell(key: str, cells: list[str] = cells) -> str:
            return cells[index[key]].strip() if key in index else ""

        code, title = unicodedata.normalize("NFKC", cell("code")), cell("title")
        bad = len(errors)
        if not code:
            errors.append(LineError(line, "课程代码是空的", "code-empty"))
        elif not COURSE_CODE_RE.fullmatch(code):
            errors.append(LineError(line, f"课程代码“{code}”只能由字母、数字和 . _ - 组成（最多 32 个）", "bad-code"))
        elif code in first_seen:
            errors.append(LineError(line, f"课程 {code} 在第 {first_seen[code]} 行已经出现过", "code-twice"))
        if not title:
            errors.append(LineError(line, "课程名称是空的", "title-empty"))
        hours = _number(cell("hours"), "hours", line, errors, 2_000)
        credits = _number(cell("credits"), "credits", line, errors, 60)
        if hours is None and credits is None and len(errors) == bad:
            errors.append(LineError(line, "请填写学时或学分（或两者）", "no-hours-or-credits"))
        texts = split_outcomes(cell("learning_outcomes"))
        texts = [t for t in texts if CJK_RUN.search(t) or WORDLIKE.search(t)]
        if not texts:
            errors.append(LineError(line, "学习成果是空的：请写出学生学完这门课能做什么", "outcomes-empty"))
        for t in texts:
            if len(t) > MAX_OUTCOME_CHARS:
                errors.append(
                    LineError(
                        line,
                        f"有一条学习成果超过 {MAX_OUTCOME_CHARS} 个字符：请拆成几条（每行一条或用“；”分隔）",
                        "outcome-too-long",
                    )
                )
                break
        if len(errors) > bad:
            continue
        first_seen[code] = line
        outcome_count += len(texts)
        outcomes = [Outcome(f"{code}.{i}", code, t) for i, t in enumerate(texts, start=1)]
        courses.append(Course(code, title, hours, credits, outcomes, line))
        if len(courses) > MAX_COURSES:
            errors.append(
                LineError(line, f"课程超过 {MAX_COURSES} 门：一次只分析一个专业的课程方案", "too-many-courses")
            )
            break
        if outcome_count > MAX_OUTCOMES:
            errors.append(LineError(line, f"学习成果合计超过 {MAX_OUTCOMES} 条", "too-many-outcomes"))
            break
    if errors:
        raise CurriculumError(name, errors)
    if not courses:
        raise CurriculumError(name, [LineError(2, "没有课程：文件只有第一行列名，没有课程行", "no-courses")])
    return Curriculum(name, courses, warnings)


# ---------------------------------------------------------------- overrides


@dataclass
class Override:
    action: str  # force | reject
    requirement: str  # IRI
    course: str
    outcome: str | None
    note: str


class OverrideError(ValueError):
    pass


def requirement_key(iri: str) -> str:
    """The short key of a requirement IRI (its path after id/standard/), accepted in overrides."""
    prefix = ID + "standard/"
    return iri[len(prefix) :] if iri.startswith(prefix) else iri


def parse_overrides(data: str | bytes | dict[str, Any] | list[Any] | None) -> list[Override]:
    """Overrides as JSON: {"force": [...], "reject": [...]} or a list of {"action": ...}; each item
    names a requirement (IRI or key), a course code, optionally an outcome id, and a note.

    >>> [o.action for o in parse_overrides('{"reject": [{"requirement": "x/level/5/skill/1.1.1", "course": "C1"}]}')]
    ['reject']
    """
    if data is None or data == "" or data == b"":
        return []
    if isinstance(data, (str, bytes)):
        try:
            data = json.loads(data)
        except ValueError as exc:  # JSONDecodeError, or UnicodeDecodeError for bytes that are not UTF-8
            at = f"（第 {exc.lineno} 行第 {exc.colno} 列）" if isinstance(exc, json.JSONDecodeError) else ""
            raise OverrideError(f"修正内容（overrides）不是有效的 JSON{at}") from None
    items: list[tuple[str, Any]] = []
    if isinstance(data, dict):
        unknown = set(data) - {"force", "reject"}
        if unknown:
            raise OverrideError(f"修正内容（overrides）有未知的键 {sorted(unknown)}：只能用 force 和 reject")
        for action in ("force", "reject"):
            value = data.get(action, [])
            if not isinstance(value, list):
                raise OverrideError(f"修正内容（overrides）的 {action} 应为列表")
            items += [(action, v) for v in value]
    elif isinstance(data, list):
        for v in data:
            items.append((v.get("action") if isinstance(v, dict) else None, v))  # type: ignore[arg-type]
    else:
        raise OverrideError("修正内容（overrides）应为含 force 和/或 reject 列表的 JSON 对象")
    out = []
    for n, (action, item) in enumerate(items, start=1):
        if action not in ("force", "reject"):
            raise OverrideError(f"第 {n} 条修正（overrides）：action 只能是 force 或 reject")
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("requirement"), str)
            or not isinstance(item.get("course"), str)
        ):
            raise OverrideError(
                f"第 {n} 条修正（overrides）：请给出 requirement（要求的 IRI 或键）和 course（课程代码）"
            )
        req = item["requirement"].strip()
        iri = req if req.startswith("http") else ID + "standard/" + req
        outcome = item.get("outcome")
        if outcome is not None and not isinstance(outcome, str):
            raise OverrideError(f"第 {n} 条修正（overrides）：outcome 应为学习成果编号，例如 C101.2")
        out.append(Override(action, iri, item["course"].strip(), outcome, str(item.get("note", ""))))
    return out


# ---------------------------------------------------------------- requirements from the graph


@dataclass
class Requirement:
    iri: str
    kind: str
    text: str
    section: str
    standard: str
    standard_level: str
    level: str
    level_name: str
    level_rank: int
    work_content: str
    function: str
    flags: list[str]

    @property
    def key(self) -> str:
        return requirement_key(self.iri)


@dataclass
class StandardInfo:
    iri: str
    title: str
    occupation_code: str
    occupation_name: str
    issued: str | None
    document_number: str | None
    levels: dict[str, tuple[str, str, int]] = field(default_factory=dict)  # standard level -> (level, name, rank)
    includes: dict[str, set[str]] = field(default_factory=dict)  # standard level -> directly included

    @property
    def id(self) -> str:
        return self.iri.rsplit("/", 1)[-1]


class MajorNotFound(LookupError):
    def __init__(self, message: str, suggestions: list[dict[str, str]]) -> None:
        super().__init__(message)
        self.suggestions = suggestions


def find_major(store: SelectStore, code: str, catalogue: str | None = None) -> dict[str, object]:
    """The one major with this code; MajorNotFound (with suggestions) otherwise."""
    code = code.strip()
    if not MAJOR_CODE_RE.fullmatch(code):
        raise MajorNotFound(f"“{code}”不是专业代码（六位数字，例如 510209，或 080717T）", suggest_majors(store, code))
    found = [m for m in majors(store) if m["code"] == code and (catalogue is None or m["catalogue"] == catalogue)]
    if not found:
        raise MajorNotFound(
            (f"目录 {catalogue} 中" if catalogue else "") + f"没有代码为 {code} 的专业",
            suggest_majors(store, code),
        )
    if len(found) > 1:
        raise MajorNotFound(
            f"代码 {code} 出现在几个目录中（{'、'.join(str(m['catalogue']) for m in found)}）：请指明目录（catalogue）",
            [{"code": code, "name": str(m["name"]), "tier": str(m["tier_name"])} for m in found],
        )
    return found[0]


def load_requirements(
    store: SelectStore,
    major_iri: str,
    standards: Iterable[str] | None = None,
) -> tuple[list[dict[str, str]], dict[str, StandardInfo], list[Requirement]]:
    """The major's occupations, their standards that have work requirements, and the requirements.

    ``standards`` narrows the standards to those whose id (e.g. 4-04-05-05-2021) or occupation
    code is listed.
    """
    occupations = select(store, Q.major_occupations, major=Iri(major_iri))
    occupations.sort(key=lambda r: r["code"])
    if not occupations:
        return [], {}, []
    values = [Iri(r["occ"]) for r in occupations]
    rows = select(store, Q.occupation_requirements, occupations=values)
    std_rows = select(store, Q.occupation_standard_levels, occupations=values)
    occ_by_iri = {r["occ"]: r for r in occupations}
    wanted = set(standards or [])
    infos: dict[str, StandardInfo] = {}
    for r in std_rows:
        occ = occ_by_iri[r["occ"]]
        std_id = r["std"].rsplit("/", 1)[-1]
        if wanted and std_id not in wanted and occ["code"] not in wanted:
            continue
        info = infos.setdefault(
            r["std"],
            StandardInfo(r["std"], r.get("title", std_id), occ["code"], occ["name"], r.get("issued"), r.get("doc")),
        )
        info.includes.setdefault(r["sl"], set())
        if "included" in r:
            info.includes[r["sl"]].add(r["included"])
    reqs: dict[str, Requirement] = {}
    for r in rows:
        info = infos.get(r["std"])
        if info is None:
            continue
        info.levels[r["sl"]] = (r["level"], r["levelName"], int(r["rank"]))
        req = reqs.get(r["req"])
        if req is None:
            reqs[r["req"]] = req = Requirement(
                r["req"],
                KINDS[r["kind"].rsplit("/", 1)[-1]],
                r["text"],
                r.get("section", ""),
                r["std"],
                r["sl"],
                r["level"],
                r["levelName"],
                int(r["rank"]),
                r.get("wc", ""),
                r.get("fn", ""),
                [],
            )
        if "flag" in r and r["flag"] not in req.flags:
            req.flags.append(r["flag"])
    infos = {k: v for k, v in infos.items() if v.levels}
    ordered = sorted(
        reqs.values(), key=lambda q: (q.standard, q.level_rank, q.kind != "skill", _section_key(q.section), q.iri)
    )
    return occupations, infos, ordered


def load_major_targets(
    store: SelectStore, major_iri: str, occupations: list[dict[str, str]]
) -> tuple[dict[str, StandardInfo], list[Requirement]]:
    """What a curriculum is compared with besides the standards: the major's numbered ability
    requirements (MOE 专业简介) and the main tasks of the occupations it leads to. Each list is
    reported like a standard with one level, so coverage and evidence read the same way."""
    infos: dict[str, StandardInfo] = {}
    reqs: list[Requirement] = []
    rows = select(store, Q.major_abilities, major=Iri(major_iri))
    if rows:
        key = f"{major_iri}#abilities"
        info = infos[key] = StandardInfo(key, "专业能力要求（教育部专业简介）", "", "", None, None)
        info.levels[key] = (key, "专业能力要求", 0)
        info.includes[key] = set()
        for r in sorted(rows, key=lambda r: int(r["no"])):
            reqs.append(
                Requirement(r["a"], "ability", r["text"], r["no"], key, key, key, "专业能力要求", 0, "", "", [])
            )
    if occupations:
        rows = select(store, Q.occupation_tasks, occupations=[Iri(o["occ"]) for o in occupations])
        by_occ = {o["occ"]: o for o in occupations}
        for r in sorted(rows, key=lambda r: (r["occ"], int(r["no"]))):
            occ = by_occ[r["occ"]]
            key = f"{r['occ']}#tasks"
            info = infos.get(key)
            if info is None:
                info = infos[key] = StandardInfo(
                    key, f"{occ['name']} 主要工作任务", occ["code"], occ["name"], None, None
                )
                info.levels[key] = (key, "主要工作任务", 0)
                info.includes[key] = set()
            reqs.append(Requirement(r["t"], "task", r["text"], r["no"], key, key, key, "主要工作任务", 0, "", "", []))
    return infos, reqs


def _section_key(section: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", section))


# ---------------------------------------------------------------- text features


@dataclass(frozen=True)
class WordLists:
    """Stop words and synonyms for matching outcomes to requirements, made from the settings the
    build checked and stored with the graph (graph/build/sources/curriculum_matching.py), never from
    standards/ at serve time."""

    stopwords: frozenset[str]  # removed anywhere
    end_stopwords: frozenset[str]  # removed only at the end of a text
    synonyms: dict[str, set[str]]  # symmetric, one hop

    @classmethod
    def from_store(cls, store: SelectStore, extra_synonyms: Iterable[tuple[str, str]] = ()) -> WordLists:
        """The lists stored with this store's graph (SettingsMissing when it holds none)."""
        return cls.from_settings(
            settings.read(store, "curriculum-matching"), settings.read(store, "job-titles"), extra_synonyms
        )

    @classmethod
    def from_settings(
        cls,
        doc: Mapping[str, Any],
        job_titles: Mapping[str, Any] | None = None,
        extra_synonyms: Iterable[tuple[str, str]] = (),
    ) -> WordLists:
        """From the curriculum-matching settings (stopwords, synonyms) and the job-title settings,
        whose abbreviations hold for curricula too."""
        stop_rows = doc.get("stopwords", [])
        stop = frozenset(normalise_width(r["term"]) for r in stop_rows if r["where"] == "anywhere")
        end_stop = frozenset(normalise_width(r["term"]) for r in stop_rows if r["where"] == "end")
        pairs: list[tuple[str, str]] = []
        for r in doc.get("synonyms", []):
            pairs += [(normalise_width(r["term"]), normalise_width(e)) for e in r["expansion"].split()]
        # the job-title lists' abbreviations (ai -> 人工智能, iot -> 物联网) hold for curricula too
        for r in (job_titles or {}).get("synonyms", []):
            if r["category"] == "abbreviation":
                pairs += [(normalise_width(r["term"]), normalise_width(e)) for e in r["expansion"].split()]
        pairs += [(normalise_width(a), normalise_width(b)) for a, b in extra_synonyms]
        synonyms: dict[str, set[str]] = defaultdict(set)
        for a, b in pairs:
            if a != b:
                synonyms[a].add(b)
                synonyms[b].add(a)
        return cls(stop, end_stop, dict(synonyms))


@dataclass
class Features:
    text: str
    units: dict[str, str]  # content units, in text order
    tokens: set[str]  # every granularity, for finding units of other texts
    bigrams: set[str]
    head: str | None = None  # the last content unit: the head of a Chinese noun or verb phrase
    plain: str = ""  # the normalised text, to see which units stand side by side or as "A/B"


class TextAnalyzer:
    """jieba words, split into dictionary sub-words, without stop words; character bigrams of the
    runs of content words as they stand in the text."""

    def __init__(self, lists: WordLists, title_lists: TitleLists) -> None:
        from graph.classification.classifier import Analyzer

        self.lists = lists
        self.analyzer = Analyzer(title_lists)
        for word in list(lists.synonyms) + list(lists.stopwords | lists.end_stopwords):
            if CJK_RUN.fullmatch(word) and len(word) > 1:
                self.analyzer.tokenizer.add_word(word, freq=2000)
        self._lock = threading.Lock()
        self._cache: dict[str, Features] = {}

    def _pieces(self, word: str) -> list[str]:
        """Dictionary sub-words that tile a compound exactly (人工智能 -> 人工 智能), else []."""
        if len(word) < 4 or not CJK_RUN.fullmatch(word):
            return []
        subs = [w for w in self.analyzer.tokenizer.cut_for_search(word) if 2 <= len(w) < len(word)]
        pos, tiles = 0, []
        while pos < len(word):
            nxt = next((s for s in sorted(subs, key=len, reverse=True) if word.startswith(s, pos)), None)
            if nxt is None:
                return []
            tiles.append(nxt)
            pos += len(nxt)
        return tiles

    def features(self, text: str) -> Features:
        with self._lock:  # jieba's tokenizer is not safe to share between threads
            simple, _ = self.analyzer.simplify(text)
            words = self.analyzer.words(simple)
            pieces = {w: self._pieces(w) for w in words}
        tokens = {w for w in words if not (CJK_RUN.fullmatch(w) and len(w) < 2)}
        for w in words:
            tokens.update(pieces[w])
        flat = [u for w in words for u in (pieces[w] or [w])]
        keep = [not (u in self.lists.stopwords or (CJK_RUN.fullmatch(u) and len(u) < 2)) for u in flat]
        for i in range(len(flat) - 1, -1, -1):  # end markers: 知识, 方法 at the end of the text
            if not keep[i]:
                continue
            if flat[i] in self.lists.end_stopwords:
                keep[i] = False
                continue
            break
        units: dict[str, str] = {}
        runs: list[str] = []
        run = ""
        head = None
        for u, k in zip(flat, keep, strict=True):
            if not k:
                runs.append(run)
                run = ""
                continue
            units.setdefault(u, u)
            head = u
            run = run + u if CJK_RUN.fullmatch(u) else ""
        runs.append(run)
        bigrams = {r[i : i + 2] for r in runs for i in range(len(r) - 1)}
        return Features(text, units, tokens, bigrams, head, simple.replace("／", "/"))

    def cached(self, text: str) -> Features:
        """features() of a text, remembered (requirement texts are analysed once per process)."""
        found = self._cache.get(text)
        if found is None:
            found = self._cache[text] = self.features(text)
        return found


def graph_synonyms(store: SelectStore) -> list[tuple[str, str]]:
    """Occupation names paired with their alternative and announced names (from the graph)."""
    rows = select(store, Q.graph_synonyms)
    return sorted({(r["name"], r["alt"]) for r in rows if r["name"] != r["alt"]})


@dataclass
class CurriculumIndex:
    """What mapping needs from one store, built once per store generation: the text analyzer
    (word lists + the graph's synonyms) and the inverse document frequencies of words and bigrams
    over every requirement text in the graph, so a requirement scores the same whichever major or
    standards a mapping selects."""

    analyzer: TextAnalyzer
    word_idf: dict[str, float]
    bigram_idf: dict[str, float]

    @classmethod
    def load(cls, store: SelectStore) -> CurriculumIndex:
        from graph.classification.classifier import WordLists as TitleLists

        analyzer = TextAnalyzer(WordLists.from_store(store, graph_synonyms(store)), TitleLists.from_store(store))
        rows = select(store, Q.requirement_texts)
        feats = [analyzer.cached(r["text"]) for r in sorted(rows, key=lambda r: r["text"])]
        return cls(analyzer, _idf([f.units for f in feats]), _idf([f.bigrams for f in feats]))


# ---------------------------------------------------------------- matching


@dataclass
class Match:
    outcome: Outcome
    score: float
    matched: list[str]  # evidence: unit, or outcome word≈unit
    missing: list[str]
    override: str | None = None
    note: str = ""
    precision: float = 0.0
    head_found: bool = False

    def as_dict(self, courses: dict[str, Course]) -> dict[str, object]:
        return {
            "course": self.outcome.course,
            "course_title": courses[self.outcome.course].title,
            "outcome": self.outcome.id,
            "outcome_text": self.outcome.text,
            "score": round(self.score, 3),
            "evidence": self.matched,
            "missing_words": self.missing,
            "head_word_found": self.head_found,
            "override": self.override,
            "note": self.note or None,
        }


def _idf(docs: list[Iterable[str]]) -> dict[str, float]:
    df: dict[str, int] = defaultdict(int)
    for d in docs:
        for t in set(d):
            df[t] += 1
    n = len(docs)
    return {t: math.log(1 + n / c) for t, c in df.items()}


def word_groups(req: Features) -> list[list[str]]:
    """The requirement's content units in text order, alternatives printed as "A/B" in one group.

    >>> word_groups(Features("", {"软件": "", "产品": "", "需求": ""}, set(), set(), "需求", "能根据软件/产品需求"))
    [['软件', '产品'], ['需求']]
    """
    units = list(req.units)
    groups: list[list[str]] = []
    for i, unit in enumerate(units):
        if i and groups and f"{units[i - 1]}/{unit}" in req.plain:
            groups[-1].append(unit)
        else:
            groups.append([unit])
    return groups


def score_pair(
    req: Features,
    out: Features,
    synonyms: dict[str, set[str]],
    word_idf: dict[str, float],
    bigram_idf: dict[str, float],
) -> tuple[float, list[str], list[str], bool]:
    """(score, evidence words, missing words, whether the head word is found) of an outcome for a requirement.

    Tolerant of how schools phrase outcomes: alternatives ("软件/产品") count as one word that either
    member satisfies, and a missing word that only qualifies the word printed right after it, when
    that word is found (规格 in 需求*规格*说明书, 软件/产品 before 需求), weighs QUALIFIER_WEIGHT of a
    word. The head word is never a qualifier. Missing qualifiers are listed as "word(修饰)".
    """
    total = matched_weight = 0.0
    evidence, missing = [], []
    head_found = False
    groups = word_groups(req)

    def found_as(unit: str) -> str:
        if unit in out.tokens:
            return unit
        via = sorted(s for s in synonyms.get(unit, ()) if s in out.tokens)
        return f"{via[0]}≈{unit}" if via else ""

    hits = [next((f for f in map(found_as, g) if f), "") for g in groups]
    for i, (group, found) in enumerate(zip(groups, hits, strict=True)):
        w = max(word_idf.get(u, 1.0) for u in group)
        if found:
            matched_weight += w
            total += w
            evidence.append(found)
            head_found = head_found or req.head in group
            continue
        qualifies = (
            i + 1 < len(groups)
            and bool(hits[i + 1])
            and req.head not in group
            and f"{group[-1]}{groups[i + 1][0]}" in req.plain
        )
        if qualifies:
            total += QUALIFIER_WEIGHT * w
            missing.append("/".join(group) + "(修饰)")
        else:
            total += w
            missing.append("/".join(group))
    if total == 0:
        return 0.0, [], [], False
    word_share = matched_weight / total
    b_total = sum(bigram_idf.get(b, 1.0) for b in req.bigrams)
    b_share = (sum(bigram_idf.get(b, 1.0) for b in req.bigrams & out.bigrams) / b_total) if b_total else word_share
    return WORD_WEIGHT * word_share + (1 - WORD_WEIGHT) * b_share, evidence, missing, head_found


def combine(parts: list[Features], text: str) -> Features:
    """The features of several outcomes read as one text (a whole course)."""
    units: dict[str, str] = {}
    for f in parts:
        units.update(f.units)
    return Features(
        text,
        units,
        set().union(*(f.tokens for f in parts)),
        set().union(*(f.bigrams for f in parts)),
        parts[-1].head if parts else None,
        "；".join(f.plain for f in parts),
    )


def _precision(req: Features, out: Features, synonyms: dict[str, set[str]]) -> float:
    """Share of the outcome's content units that the requirement also has (directly or by synonym)."""
    if not out.units:
        return 0.0
    mine = set(req.units) | {s for u in req.units for s in synonyms.get(u, ())}
    return sum(u in mine for u in out.units) / len(out.units)


def map_curriculum(
    store: SelectStore,
    curriculum: Curriculum,
    major_code: str,
    catalogue: str | None = None,
    overrides: list[Override] | None = None,
    standards: Iterable[str] | None = None,
    index: CurriculumIndex | None = None,
) -> dict[str, Any]:
    """The mapping as a JSON-ready dict (see docs/schools.md for the fields).

    ``index`` is the store's CurriculumIndex; a server passes the one of its store generation,
    a one-off caller lets it be built here.
    """
    major = find_major(store, major_code, catalogue)
    occupations, infos, reqs = load_requirements(store, str(major["iri"]), standards)
    std_infos, std_reqs = infos, reqs
    # a mapping narrowed to some standards compares with those only
    target_infos, targets = load_major_targets(store, str(major["iri"]), occupations) if not standards else ({}, [])
    infos = {**target_infos, **infos}
    reqs = targets + reqs
    index = index or CurriculumIndex.load(store)
    analyzer = index.analyzer
    synonyms = analyzer.lists.synonyms
    req_feats = {r.iri: analyzer.cached(r.text) for r in reqs}
    out_feats = {o.id: analyzer.features(o.text) for o in curriculum.outcomes}
    word_idf, bigram_idf = index.word_idf, index.bigram_idf
    courses = {c.code: c for c in curriculum.courses}
    outcomes = {o.id: o for o in curriculum.outcomes}
    # a course whose outcomes together say what a requirement says covers it too: schools split a
    # requirement such as "客服日常管理、客户投诉受理、客户风控管理" over several outcomes
    for c in curriculum.courses:
        if len(c.outcomes) > 1:
            whole = Outcome(f"{c.code}/{WHOLE_COURSE}", c.code, "；".join(o.text for o in c.outcomes))
            outcomes[whole.id] = whole
            out_feats[whole.id] = combine([out_feats[o.id] for o in c.outcomes], whole.text)

    # candidate outcomes per requirement through an inverted index of outcome tokens and bigrams
    postings: dict[str, set[str]] = defaultdict(set)
    for oid, f in out_feats.items():
        for t in f.tokens | f.bigrams:
            postings[t].add(oid)

    by_req: dict[str, list[Match]] = {}
    for r in reqs:
        f = req_feats[r.iri]
        keys = set(f.units) | {s for u in f.units for s in synonyms.get(u, ())} | f.bigrams
        candidates = sorted(set().union(*(postings.get(k, set()) for k in keys)) if keys else set())
        found = []
        listing = len(f.units) >= WHOLE_COURSE_MIN_WORDS
        for oid in candidates:
            if oid.endswith(f"/{WHOLE_COURSE}") and not listing:
                continue  # a short requirement must be said by one outcome
            score, evidence, missing, head = score_pair(f, out_feats[oid], synonyms, word_idf, bigram_idf)
            if score > 0 and evidence:
                found.append(
                    Match(
                        outcomes[oid],
                        score,
                        evidence,
                        missing,
                        head_found=head,
                        precision=_precision(f, out_feats[oid], synonyms),
                    )
                )
        # ties go to the outcome that says least besides the requirement (the more specific one)
        found.sort(key=lambda m: (-round(m.score, 6), -m.precision, m.outcome.id))
        by_req[r.iri] = found

    applied, ignored = _apply_overrides(
        overrides or [],
        by_req,
        {r.iri for r in reqs},
        courses,
        outcomes,
        out_feats,
        req_feats,
        synonyms,
        word_idf,
        bigram_idf,
    )

    requirement_rows = []
    covered: set[str] = set()
    for r in reqs:
        f = req_feats[r.iri]
        need = min(2, len(f.units))
        ranked = by_req[r.iri]
        forced = [m for m in ranked if m.override == "forced"]
        live = [m for m in ranked if m.override != "rejected"]
        accepted = (
            forced or [m for m in live if m.score >= MATCH_THRESHOLD and len(m.matched) >= need and m.head_found][:1]
        )
        if forced:
            status = "forced"
        elif accepted:
            status = "matched"
        elif any(m.override == "rejected" for m in ranked) and not live:
            status = "rejected"
        else:
            status = "not-covered"
        if accepted:
            covered.add(r.iri)
        others = [m for m in ranked if m not in accepted][:CANDIDATES_SHOWN]
        requirement_rows.append(
            {
                "iri": r.iri,
                "key": r.key,
                "standard": r.standard.rsplit("/", 1)[-1],
                "level": r.level_name,
                "level_rank": r.level_rank,
                "kind": r.kind,
                "section": r.section,
                "function": r.function or None,
                "work_content": r.work_content or None,
                "text": r.text,
                "quality_flags": r.flags,
                "content_words": list(f.units),
                "head_word": f.head,
                "covered": bool(accepted),
                "status": status,
                "matches": [m.as_dict(courses) for m in accepted],
                "other_candidates": [m.as_dict(courses) for m in others],
            }
        )

    standards_out = [_coverage(info, reqs, covered) for info in sorted(infos.values(), key=lambda i: i.iri)]
    course_rows = []
    for c in curriculum.courses:
        hits = sorted({row["key"] for row in requirement_rows for m in row["matches"] if m["course"] == c.code})
        course_rows.append(
            {
                "code": c.code,
                "title": c.title,
                "hours": c.hours,
                "credits": c.credits,
                "line": c.line,
                "outcomes": [{"id": o.id, "text": o.text} for o in c.outcomes],
                "requirements_covered": len(hits),
            }
        )
    notes = _notes(store, occupations, std_infos, std_reqs)
    return {
        "major": {k: major[k] for k in ("code", "name", "catalogue", "catalogue_name", "tier", "tier_name", "iri")},
        "occupations": [{"code": o["code"], "name": o["name"]} for o in occupations],
        "curriculum": {
            "name": curriculum.name,
            "courses": len(curriculum.courses),
            "outcomes": len(curriculum.outcomes),
            "warnings": curriculum.warnings,
        },
        "method": {
            "threshold": MATCH_THRESHOLD,
            "word_weight": WORD_WEIGHT,
            "summary": "share of the requirement's content words (and character bigrams) found in one "
            "learning outcome, weighted by rarity; synonyms count; overrides win",
        },
        "standards": standards_out,
        "summary": {"requirements": len(reqs), "covered": len(covered), "not_covered": len(reqs) - len(covered)},
        "requirements": requirement_rows,
        "courses": course_rows,
        "overrides": {"applied": applied, "ignored": ignored},
        "notes": notes,
    }


def _apply_overrides(
    overrides: list[Override],
    by_req: dict[str, list[Match]],
    known: set[str],
    courses: dict[str, Course],
    outcomes: dict[str, Outcome],
    out_feats: dict[str, Features],
    req_feats: dict[str, Features],
    synonyms: dict[str, set[str]],
    word_idf: dict[str, float],
    bigram_idf: dict[str, float],
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    applied: list[dict[str, object]] = []
    ignored: list[dict[str, object]] = []
    for o in overrides:
        item = {
            "action": o.action,
            "requirement": requirement_key(o.requirement),
            "course": o.course,
            "outcome": o.outcome,
            "note": o.note or None,
        }
        if o.requirement not in known:
            ignored.append({**item, "reason_code": "unknown-requirement", "reason": "这个专业对应的标准里没有这条要求"})
            continue
        if o.course not in courses:
            ignored.append({**item, "reason_code": "unknown-course", "reason": f"课程方案里没有课程 {o.course}"})
            continue
        if o.outcome is not None and (o.outcome not in outcomes or outcomes[o.outcome].course != o.course):
            ignored.append(
                {**item, "reason_code": "unknown-outcome", "reason": f"课程 {o.course} 没有学习成果 {o.outcome}"}
            )
            continue
        ranked = by_req[o.requirement]
        targets = [m for m in ranked if m.outcome.course == o.course and o.outcome in (None, m.outcome.id)]
        if o.action == "reject":
            for m in targets:
                m.override, m.note = "rejected", o.note
            applied.append({**item, "pairs": len(targets)})
            continue
        if not targets:
            oid = o.outcome or courses[o.course].outcomes[0].id
            score, evidence, missing, head = score_pair(
                req_feats[o.requirement], out_feats[oid], synonyms, word_idf, bigram_idf
            )
            m = Match(outcomes[oid], score, evidence, missing, head_found=head)
            ranked.append(m)
            targets = [m]
        best = targets[0]
        best.override, best.note = "forced", o.note
        applied.append({**item, "pairs": 1})
    for ranked in by_req.values():
        ranked.sort(key=lambda m: (m.override != "forced", -round(m.score, 6), -m.precision, m.outcome.id))
    return applied, ignored


def _coverage(info: StandardInfo, reqs: list[Requirement], covered: set[str]) -> dict[str, object]:
    own: dict[str, list[Requirement]] = defaultdict(list)
    for r in reqs:
        if r.standard == info.iri:
            own[r.standard_level].append(r)

    chained = any(info.includes.values())

    def closure(sl: str) -> set[str]:
        if not chained:  # no og:includesRequirementsOf in the graph: the rule itself, by rank
            return {s for s, v in info.levels.items() if v[2] <= info.levels[sl][2]}
        seen, todo = {sl}, [sl]
        while todo:
            for nxt in info.includes.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    def figures(items: list[Requirement]) -> dict[str, object]:
        out: dict[str, object] = {}
        for kind in ("skill", "knowledge", "ability", "task"):
            sel = [r for r in items if r.kind == kind]
            out[kind] = {"covered": sum(r.iri in covered for r in sel), "total": len(sel)}
        n = len(items)
        c = sum(r.iri in covered for r in items)
        out["all"] = {"covered": c, "total": n, "percent": round(100 * c / n, 1) if n else None}
        return out

    levels = []
    for sl, (level, name, rank) in sorted(info.levels.items(), key=lambda kv: kv[1][2]):
        included = closure(sl)
        cumulative = [r for s in included for r in own.get(s, [])]
        lower = [
            info.levels[s][1]
            for s in sorted((s for s in included if s != sl and s in info.levels), key=lambda s: info.levels[s][2])
        ]
        levels.append(
            {
                "level": name,
                "level_iri": level,
                "rank": rank,
                "standard_level": sl,
                "includes": lower,
                "own": figures(own.get(sl, [])),
                "cumulative": figures(cumulative),
            }
        )
    return {
        "iri": info.iri,
        "id": info.id,
        "title": info.title,
        "issued": info.issued,
        "document_number": info.document_number,
        "occupation": {"code": info.occupation_code, "name": info.occupation_name},
        "levels": levels,
    }


def _notes(
    store: SelectStore, occupations: list[dict[str, str]], infos: dict[str, StandardInfo], reqs: list[Requirement]
) -> list[str]:
    notes = []
    with_reqs = {i.occupation_code for i in infos.values()}
    for o in occupations:
        if o["code"] not in with_reqs:
            notes.append(f"{o['code']} {o['name']}：图谱中没有其职业标准的结构化工作要求，只比对了它的主要工作任务")
    if not occupations:
        notes.append("图谱中本专业没有面向的职业（没有官方或人工整理的对应关系），只比对了专业能力要求")
    if reqs:
        notes.append(
            "职业标准的工作要求来自对标准 PDF 的自动解析（docs/standards.md），带质量标记的条目可能被截断或错乱"
        )
    return notes


# ---------------------------------------------------------------- output formats

CSV_COLUMNS = [
    "standard",
    "occupation_code",
    "level",
    "level_rank",
    "kind",
    "section",
    "function",
    "work_content",
    "requirement",
    "requirement_key",
    "covered",
    "status",
    "course",
    "course_title",
    "outcome",
    "outcome_text",
    "score",
    "evidence",
    "missing_words",
    "override",
    "note",
    "near_miss_course",
    "near_miss_outcome",
    "near_miss_score",
    "near_miss_missing_words",
]
KIND_NAMES = {"skill": "技能", "knowledge": "知识", "ability": "专业能力", "task": "工作任务"}
METHOD_ZH = (
    "要求中的实词（及相邻两字）在某一条学习成果中出现的比例，按稀有程度加权；同义词计入；"
    "并列写法（甲/乙）算一个词；仅修饰已出现词语的缺失词按半计；人工更正优先"
)


def near_miss(r: dict[str, Any]) -> str:
    """The closest candidate of a requirement left uncovered, in words: course, score, what is missing."""
    if r["covered"] or not r["other_candidates"]:
        return ""
    m = r["other_candidates"][0]
    missing = "、".join(m["missing_words"])
    return f"{m['course']} {m['course_title']}（{m['outcome']}，{m['score']}）" + (
        f" 缺少：{missing}" if missing else ""
    )


def near_miss_cells(r: dict[str, Any]) -> list[str]:
    """The near miss as CSV cells (course, outcome, score, missing words), empty when there is none."""
    if r["covered"] or not r["other_candidates"]:
        return ["", "", "", ""]
    m = r["other_candidates"][0]
    return [m["course"], m["outcome"], str(m["score"]), " ".join(m["missing_words"])]


def render_csv(result: dict[str, Any]) -> str:
    """One row per requirement and accepted match (a requirement without a match has one row)."""
    occ = {s["id"]: s["occupation"]["code"] for s in result["standards"]}
    out = io.StringIO()
    w = csv_writer(out)
    w.writerow(CSV_COLUMNS)
    for r in result["requirements"]:
        base = [
            r["standard"],
            occ.get(r["standard"], ""),
            r["level"],
            r["level_rank"],
            r["kind"],
            r["section"],
            r["function"] or "",
            r["work_content"] or "",
            r["text"],
            r["key"],
            "yes" if r["covered"] else "no",
            r["status"],
        ]
        for m in r["matches"] or [None]:
            if m is None:
                w.writerow(base + [""] * 9 + near_miss_cells(r))
            else:
                w.writerow(
                    base
                    + [
                        m["course"],
                        m["course_title"],
                        m["outcome"],
                        m["outcome_text"],
                        m["score"],
                        " ".join(m["evidence"]),
                        " ".join(m["missing_words"]),
                        m["override"] or "",
                        m["note"] or "",
                    ]
                    + ["", "", "", ""]
                )
    return out.getvalue()


def _md(text: object) -> str:
    return str(text if text is not None else "").replace("|", "\\|").replace("\n", " ")


def _bar(percent: float | None, width: int = 20) -> str:
    if percent is None:
        return ""
    filled = round(percent / 100 * width)
    return "█" * filled + "░" * (width - filled)


def render_markdown(result: dict[str, Any]) -> str:
    m = result["major"]
    out = [
        f"# 课程覆盖分析：{m['name']}（{m['code']}，{m['tier_name']}）",
        "",
        f"课程方案：{result['curriculum']['name']}，{result['curriculum']['courses']} 门课程，"
        f"{result['curriculum']['outcomes']} 条学习成果。面向职业："
        + ("、".join(f"{o['name']}（{o['code']}）" for o in result["occupations"]) or "无")
        + "。",
        "",
    ]
    for w in result["curriculum"]["warnings"]:
        out.append(f"> 注意：{w}")
    out += [
        "",
        "## 覆盖情况",
        "",
        "高等级包含低等级的要求：*累计*为本等级及以下各等级的全部要求，*本级*只计本等级首次提出的要求。",
        "",
    ]
    for s in result["standards"]:
        out += [
            f"### {s['title']}（{s['id']}；职业 {s['occupation']['code']} {s['occupation']['name']}）",
            "",
            "| 等级 | 累计 | | 技能 | 知识 | 本级 |",
            "|---|---|---|---|---|---|",
        ]
        for lv in s["levels"]:
            c, o = lv["cumulative"], lv["own"]
            pct = c["all"]["percent"]
            out.append(
                f"| {lv['level']} | {_bar(pct)} | {c['all']['covered']}/{c['all']['total']} "
                f"({pct if pct is not None else '–'}%) | {c['skill']['covered']}/{c['skill']['total']} | "
                f"{c['knowledge']['covered']}/{c['knowledge']['total']} | "
                f"{o['all']['covered']}/{o['all']['total']} |"
            )
        out.append("")
    if not result["standards"]:
        out += ["本专业面向的职业在图谱中没有结构化的工作要求。", ""]
    out += ["## 逐条要求", ""]
    for s in result["standards"]:
        reqs = [r for r in result["requirements"] if r["standard"] == s["id"]]
        out += [
            f"### {s['title']}",
            "",
            "| 等级 | 类别 | 条目 | 要求 | 覆盖课程 | 依据 | 得分 | 最接近（未达阈值） |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for r in reqs:
            if r["matches"]:
                mm = r["matches"][0]
                by = f"{mm['course']} {mm['course_title']} ({mm['outcome']})"
                if mm["override"]:
                    by += f" [{mm['override']}]"
                ev, sc = "、".join(mm["evidence"]), mm["score"]
            else:
                by, ev, sc = "**未覆盖**" + ("（已否决）" if r["status"] == "rejected" else ""), "", ""
            flag = f" ⚠ {', '.join(r['quality_flags'])}" if r["quality_flags"] else ""
            out.append(
                f"| {_md(r['level'])} | {KIND_NAMES.get(r['kind'], r['kind'])} | {_md(r['section'])} | "
                f"{_md(r['text'])}{flag} | {_md(by)} | {_md(ev)} | {sc} | {_md(near_miss(r))} |"
            )
        out.append("")
    out += ["## 课程", "", "| 课程代码 | 课程名称 | 学时 | 学分 | 覆盖要求数 |", "|---|---|---|---|---|"]
    for c in result["courses"]:
        out.append(
            f"| {_md(c['code'])} | {_md(c['title'])} | {_fmt(c['hours'])} | {_fmt(c['credits'])} | "
            f"{c['requirements_covered']} |"
        )
    out.append("")
    ov = result["overrides"]
    if ov["applied"] or ov["ignored"]:
        out += ["## 人工更正", ""]
        out += [f"- {o['action']} {o['requirement']} ↔ {o['course']}：已采用" for o in ov["applied"]]
        out += [f"- {o['action']} {o['requirement']} ↔ {o['course']}：未采用，{o['reason']}" for o in ov["ignored"]]
        out.append("")
    out += ["## 说明", ""] + [f"- {n}" for n in result["notes"]]
    out += [
        "",
        f"方法：{METHOD_ZH}（阈值 {result['method']['threshold']}）。要更正某条匹配，"
        '把它写入更正文件（{"force": [...], "reject": [...]}）后重新运行。',
        "",
    ]
    return "\n".join(out)


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}"


def coverage_svg(standard: dict[str, Any]) -> str:
    """A horizontal bar chart of cumulative coverage per level (skill, knowledge), as inline SVG."""
    levels = standard["levels"]
    bar_w, row_h, label_w = 300, 34, 120
    height = row_h * len(levels) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{label_w + bar_w + 110}" '
        f'height="{height}" aria-label="coverage of {html.escape(standard["title"])} per level">'
    ]
    for i, lv in enumerate(levels):
        y = 10 + i * row_h
        parts.append(f'<text x="0" y="{y + 14}" font-size="12">{html.escape(lv["level"])}</text>')
        for j, kind in enumerate(("skill", "knowledge")):
            fig = lv["cumulative"][kind]
            share = fig["covered"] / fig["total"] if fig["total"] else 0
            color = "#2f6fb0" if kind == "skill" else "#6aa84f"
            yy = y + j * 13
            parts.append(f'<rect x="{label_w}" y="{yy}" width="{bar_w}" height="11" fill="#e6ebf2"/>')
            parts.append(
                f'<rect x="{label_w}" y="{yy}" width="{round(bar_w * share, 1)}" height="11" '
                f'fill="{color}"><title>{kind}: {fig["covered"]}/{fig["total"]}</title></rect>'
            )
            parts.append(
                f'<text x="{label_w + bar_w + 6}" y="{yy + 10}" font-size="11">{kind[0].upper()} '
                f"{fig['covered']}/{fig['total']}</text>"
            )
    parts.append(
        f'<text x="{label_w}" y="{height - 4}" font-size="11" fill="#556">累计覆盖率'
        "（高等级包含低等级）；S = 技能，K = 知识</text>"
    )
    parts.append("</svg>")
    return "".join(parts)


def render_html(result: dict[str, Any]) -> str:
    """A self-contained page (no scripts, no external resources), all text escaped."""
    e = html.escape
    m = result["major"]
    out = [
        '<!doctype html><html lang="zh"><head><meta charset="utf-8">',
        f"<title>课程覆盖分析 {e(m['name'])} {e(m['code'])}</title>",
        "<style>body{font-family:system-ui,'Noto Sans CJK SC',sans-serif;margin:1.5rem;color:#1d2330}"
        "table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #d0d7e2;padding:.25rem .45rem;"
        "text-align:left;vertical-align:top;font-size:.9rem}th{background:#eef2f8}.no{color:#a00}"
        ".ev{color:#2f6fb0}.muted{color:#667}.flag{color:#b36b00}</style></head><body>",
        f"<h1>课程覆盖分析：{e(m['name'])}（{e(m['code'])}，{e(m['tier_name'])}）</h1>",
        f"<p>{e(result['curriculum']['name'])}：{result['curriculum']['courses']} 门课程，"
        f"{result['curriculum']['outcomes']} 条学习成果。面向职业："
        + e("、".join(f"{o['name']}（{o['code']}）" for o in result["occupations"]) or "无")
        + "</p>",
    ]
    for w in result["curriculum"]["warnings"]:
        out.append(f'<p class="muted">注意：{e(w)}</p>')
    for s in result["standards"]:
        out.append(
            f"<h2>{e(s['title'])} <span class='muted'>{e(s['id'])}; {e(s['occupation']['code'])} "
            f"{e(s['occupation']['name'])}</span></h2>"
        )
        out.append(coverage_svg(s))
        out.append("<table><tr><th>等级</th><th>累计</th><th>技能</th><th>知识</th><th>本级</th></tr>")
        for lv in s["levels"]:
            c, o = lv["cumulative"], lv["own"]
            pct = c["all"]["percent"]
            out.append(
                f"<tr><td>{e(lv['level'])}</td><td>{c['all']['covered']}/{c['all']['total']} "
                f"({pct if pct is not None else '–'}%)</td><td>{c['skill']['covered']}/{c['skill']['total']}"
                f"</td><td>{c['knowledge']['covered']}/{c['knowledge']['total']}</td>"
                f"<td>{o['all']['covered']}/{o['all']['total']}</td></tr>"
            )
        out.append("</table>")
        out.append(
            "<table><tr><th>等级</th><th>类别</th><th>条目</th><th>要求</th><th>覆盖课程</th>"
            "<th>依据</th><th>得分</th><th>最接近（未达阈值）</th></tr>"
        )
        for r in (r for r in result["requirements"] if r["standard"] == s["id"]):
            flag = f" <span class='flag'>⚠ {e(', '.join(r['quality_flags']))}</span>" if r["quality_flags"] else ""
            if r["matches"]:
                mm = r["matches"][0]
                by = (
                    f"{e(mm['course'])} {e(mm['course_title'])}<br><span class='muted'>{e(mm['outcome'])}: "
                    f"{e(mm['outcome_text'])}</span>" + (f" [{e(mm['override'])}]" if mm["override"] else "")
                )
                ev = f"<span class='ev'>{e('、'.join(mm['evidence']))}</span>"
                if mm["missing_words"]:
                    ev += f"<br><span class='muted'>缺少：{e('、'.join(mm['missing_words']))}</span>"
                sc = str(mm["score"])
            else:
                by, ev, sc = "<span class='no'>未覆盖</span>", "", ""
            out.append(
                f"<tr><td>{e(r['level'])}</td><td>{KIND_NAMES.get(r['kind'], r['kind'])}</td><td>{e(r['section'])}</td>"
                f"<td>{e(r['text'])}{flag}</td><td>{by}</td><td>{ev}</td><td>{sc}</td><td>{e(near_miss(r))}</td></tr>"
            )
        out.append("</table>")
    if not result["standards"]:
        out.append("<p>本专业面向的职业在图谱中没有结构化的工作要求。</p>")
    out.append(
        "<h2>课程</h2><table><tr><th>课程代码</th><th>课程名称</th><th>学时</th><th>学分</th><th>覆盖要求数</th></tr>"
    )
    for c in result["courses"]:
        out.append(
            f"<tr><td>{e(c['code'])}</td><td>{e(c['title'])}</td><td>{_fmt(c['hours'])}</td>"
            f"<td>{_fmt(c['credits'])}</td><td>{c['requirements_covered']}</td></tr>"
        )
    out.append("</table>")
    ov = result["overrides"]
    if ov["applied"] or ov["ignored"]:
        out.append("<h2>人工更正</h2><ul>")
        out += [f"<li>{e(o['action'])} {e(o['requirement'])} ↔ {e(o['course'])}：已采用</li>" for o in ov["applied"]]
        out += [
            f"<li>{e(o['action'])} {e(o['requirement'])} ↔ {e(o['course'])}：未采用，{e(o['reason'])}</li>"
            for o in ov["ignored"]
        ]
        out.append("</ul>")
    out.append("<h2>Notes</h2><ul>" + "".join(f"<li>{e(n)}</li>" for n in result["notes"]) + "</ul>")
    out.append(
        f"<p class='muted'>Method: {e(result['method']['summary'])} (threshold "
        f"{result['method']['threshold']}).</p></body></html>"
    )
    return "\n".join(out)


def render(result: dict[str, Any], fmt: str) -> tuple[str, str]:
    """(text, media type) in one of FORMATS."""
    if fmt == "json":
        return json.dumps(result, ensure_ascii=False, indent=2) + "\n", "application/json"
    if fmt == "csv":
        return render_csv(result), "text/csv; charset=utf-8"
    if fmt == "md":
        return render_markdown(result), "text/markdown; charset=utf-8"
    if fmt == "html":
        return render_html(result), "text/html; charset=utf-8"
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")

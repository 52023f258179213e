"""New occupations and job-title classification: JSON under /api, pages for people.

- GET /api/new-occupations?since=YYYY-MM-DD&batch=N|YYYY-MM&flag=digital|green
- GET /api/new-occupations/batches
- GET /api/new-occupations/coverage[?as_of=YYYY-MM-DD]   (and /api/new-occupations/coverage.csv)
- GET /api/classify?title=...[&top=N]
- pages /new-occupations (filters, coverage chart, CSV link) and /classify (search box)

Bad input gets 400 with a message; the classifier answers "no match" honestly rather than failing.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import parse_qs

from flask import Blueprint, jsonify, render_template, request
from werkzeug.wrappers import Response

from graph.classification import new_occupations as nq
from graph.classification.classifier import MAX_TITLE_CHARS, TitleError
from graph.store.sparql import select
from server.api_errors import ApiError
from server.queries import Q
from server.resources import get_classifier, get_store

bp = Blueprint("new_occupations", __name__)


def _filters(args: Any) -> dict[str, Any]:
    """since/batch/flag from the query string; ValueError with a message for a bad value."""
    out: dict[str, Any] = {"since": None, "batch": None, "flag": None}
    if args.get("since"):
        out["since"] = nq.parse_date(args["since"], "since")
    if args.get("batch"):
        out["batch"] = nq.parse_batch_filter(args["batch"])
    if args.get("flag"):
        if args["flag"] not in nq.FLAGS:
            raise ValueError(f"flag must be one of {', '.join(sorted(nq.FLAGS))}; got {args['flag']!r}")
        out["flag"] = args["flag"]
    return out


def _as_of(args: Any) -> date | None:
    return nq.parse_date(args["as_of"], "as_of") if args.get("as_of") else None


@bp.get("/api/new-occupations")
def api_new_occupations() -> Response:
    try:
        f = _filters(request.args)
    except ValueError as exc:
        raise ApiError(400, str(exc)) from None
    found = nq.new_occupations(get_store(), **f)
    shown = {
        "since": f["since"].isoformat() if f["since"] else None,
        "batch": f["batch"][1] if f["batch"] else None,
        "flag": f["flag"],
    }
    return jsonify(filters=shown, count=len(found), results=found)


@bp.get("/api/new-occupations/batches")
def api_batches() -> Response:
    store = get_store()
    return jsonify(batches=nq.batches(store), work_types=nq.work_types(store))


@bp.get("/api/new-occupations/coverage")
def api_coverage() -> Response:
    try:
        as_of = _as_of(request.args)
    except ValueError as exc:
        raise ApiError(400, str(exc)) from None
    fmt = request.args.get("format") or "json"  # empty: not given (allowEmptyValue in the API document)
    if fmt == "csv":
        return _coverage_csv(as_of)
    if fmt != "json":
        raise ApiError(400, "format must be json or csv")
    return jsonify(nq.coverage(get_store(), as_of).as_dict())


@bp.get("/api/new-occupations/coverage.csv")
def api_coverage_csv() -> Response:
    try:
        as_of = _as_of(request.args)
    except ValueError as exc:
        raise ApiError(400, str(exc)) from None
    return _coverage_csv(as_of)


def _coverage_csv(as_of: date | None) -> Response:
    cov = nq.coverage(get_store(), as_of)
    body = "\ufeff" + nq.coverage_csv(cov)  # BOM: spreadsheet programs then read the Chinese as UTF-8
    resp = Response(body, mimetype="text/csv")
    resp.headers["Content-Type"] = "text/csv; charset=utf-8"
    resp.headers["Content-Disposition"] = f'attachment; filename="new-occupations-coverage-{cov.as_of}.csv"'
    return resp


def _top(args: Any) -> int:
    raw = args.get("top") or "5"  # empty: not given (allowEmptyValue in the API document)
    # ASCII digits (isdigit() takes "²", "٥"); "10.0" is an integer to JSON Schema (the API document)
    match = re.fullmatch(r"([0-9]{1,3})(?:\.0+)?", raw)
    if match is None or not 1 <= int(match.group(1)) <= 20:
        raise ValueError(f"top must be a whole number from 1 to 20; got {raw!r}")
    return int(match.group(1))


def _query_is_text() -> bool:
    """False when the query string carries bytes that are not UTF-8 (werkzeug would keep them as
    literal %FF escapes and the title would silently become other text)."""
    try:
        parse_qs(request.query_string.decode("utf-8"), encoding="utf-8", errors="strict")
    except (UnicodeDecodeError, ValueError):
        return False
    return True


NOT_TEXT = "the title is not UTF-8 text (the query string has percent-encoded bytes that are not UTF-8)"


@bp.get("/api/classify")
def api_classify() -> Response:
    if not _query_is_text():
        raise ApiError(400, NOT_TEXT)
    if "title" not in request.args:
        raise ApiError(400, "give the job title as ?title=, e.g. /api/classify?title=SLAM算法工程师")
    title = request.args["title"]
    if len(title) > MAX_TITLE_CHARS:  # as sent, spaces included (the API document's maxLength)
        raise ApiError(
            400, f"the title is {len(title)} characters; the limit is {MAX_TITLE_CHARS}", limit_chars=MAX_TITLE_CHARS
        )
    try:
        top = _top(request.args)
        return jsonify(get_classifier().classify(title, top_k=top))
    except TitleError as exc:
        raise ApiError(400, str(exc), limit_chars=MAX_TITLE_CHARS) from None
    except ValueError as exc:
        raise ApiError(400, str(exc)) from None


# ---------------------------------------------------------------- pages


def _page_filters(args: Any) -> dict[str, Any]:
    """The page's own filters beyond the API's: year of announcement and "without a standard"."""
    year = args.get("year") or None
    if year is not None and not (year.isdigit() and len(year) == 4):
        raise ValueError(f"年份应为四位数字，收到 {year!r}")
    standard = args.get("standard") or None
    if standard not in (None, "none", "has"):
        raise ValueError(f"standard 只能是 none（尚无标准）或 has（已有标准），收到 {standard!r}")
    return {"year": year, "standard": standard}


def _page_message(api_message: str) -> str:
    """The filter error in the page's words (the API's message names the parameter in English)."""
    for name, zh in (
        ("since", "“发布日期不早于”应写成年-月-日，如 2022-01-01"),
        ("as_of", "“截至日期”应写成年-月-日，如 2026-01-01"),
        ("batch", "批次应为 1 到 7 的数字"),
        ("flag", "标识只能选数字职业或绿色职业"),
    ):
        if api_message.startswith(name):
            return zh
    return api_message


def year_chart(rows: list[dict[str, Any]]) -> Any:
    """New occupations per year of announcement, each bar split into with / without a national standard."""
    from server.charts import Bar, Part, bar_chart

    years: dict[str, list[int]] = {}
    for r in rows:
        y = years.setdefault(str(r["announced_on"])[:4], [0, 0])
        y[0 if r["has_national_standard"] else 1] += 1
    bars = [
        Bar(
            f"{year}年",
            [Part(has, "has", "有国家职业技能标准"), Part(none, "waiting", "尚无国家标准")],
            note=f"{has + none} 个",
        )
        for year, (has, none) in sorted(years.items())
    ]
    return bar_chart(bars, "各年发布的新职业数，按是否已有国家职业技能标准分色", chart_id="year-chart")


def major_group_chart(rows: list[dict[str, Any]], names: dict[str, str]) -> Any:
    """New occupations per major group (大类) of the classification."""
    from server.charts import Bar, Part, bar_chart

    groups: dict[str, list[int]] = {}
    for r in rows:
        g = groups.setdefault(str(r["code"])[0] + "-00-00-00", [0, 0])
        g[0 if r["has_national_standard"] else 1] += 1
    bars = [
        Bar(
            names.get(code, code),
            [Part(has, "has", "有国家职业技能标准"), Part(none, "waiting", "尚无国家标准")],
            note=f"{has + none} 个",
        )
        for code, (has, none) in sorted(groups.items())
    ]
    return bar_chart(
        bars, "各大类的新职业数，按是否已有国家职业技能标准分色", label_width=250, width=720, chart_id="group-chart"
    )


def _major_group_names(store: Any) -> dict[str, str]:
    rows = select(store, Q.major_group_names)
    return {r["code"]: r["name"] for r in rows}


@bp.get("/new-occupations")
def page_new_occupations() -> tuple[str, int] | str:
    store = get_store()
    message = None
    try:
        f = _filters(request.args)
        extra = _page_filters(request.args)
        as_of = _as_of(request.args)
    except ValueError as exc:
        message, f, as_of = _page_message(str(exc)), {"since": None, "batch": None, "flag": None}, None
        extra = {"year": None, "standard": None}
    cov = nq.coverage(store, as_of)
    found = nq.new_occupations(store, **f)
    if extra["year"]:
        found = [o for o in found if str(o["announced_on"]).startswith(extra["year"] + "-")]
    if extra["standard"] == "none":
        found = [o for o in found if not o["has_national_standard"]]
    elif extra["standard"] == "has":
        found = [o for o in found if o["has_national_standard"]]
    waiting = {r["code"]: r["days_waiting"] for r in cov.rows}
    page = render_template(
        "new_occupations.html",
        message=message,
        args=request.args,
        batches=nq.batches(store),
        work_types=nq.work_types(store),
        coverage=cov,
        years=sorted({str(r["announced_on"])[:4] for r in cov.rows}),
        year_chart=year_chart(cov.rows),
        group_chart=major_group_chart(cov.rows, _major_group_names(store)),
        batch_chart=batch_chart(cov.batches),
        occupations=found,
        waiting=waiting,
    )
    return (page, 400) if message else page


def batch_chart(batches: list[dict[str, Any]]) -> Any:
    """One stacked bar per batch: with a standard, without one, announced but not named in the sources."""
    from server.charts import Bar, Part, bar_chart

    bars = []
    for b in batches:
        wait = b["median_days_waiting"]
        bars.append(
            Bar(
                f"第{b['batch']}批 {b['announced_on'][:7]}",
                [
                    Part(int(b["with_national_standard"]), "has", "有国家职业技能标准"),
                    Part(int(b["without_national_standard"]), "waiting", "尚无国家标准"),
                    Part(int(b["occupations_unknown"]), "unknown", "已发布但数据中缺名称"),
                ],
                note=f"等待中位 {wait} 天" if wait is not None else "",
            )
        )
    return bar_chart(bars, "各批次新职业的国家职业技能标准覆盖", note_width=130, chart_id="coverage-chart")


@bp.get("/classify")
def page_classify() -> tuple[str, int] | str:
    title = request.args.get("title", "")
    result, message = None, None
    if not _query_is_text():
        message = NOT_TEXT
    elif "title" in request.args:
        try:
            result = get_classifier().classify(title)
        except TitleError as exc:
            message = str(exc)
    page = render_template("classify.html", title=title, result=result, message=message, limit=MAX_TITLE_CHARS)
    return (page, 400) if message else page

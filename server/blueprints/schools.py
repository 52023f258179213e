"""Schools: majors, 1+X certificates, credit equivalences and curriculum mapping (docs/schools.md).

API (JSON; bad input gets 4xx with a message, an unknown major or certificate 404 with suggestions):

- GET  /api/majors?tier=&q=                     majors, and how much of each catalogue is present
- GET  /api/majors/<code>?catalogue=            one major: occupations (with basis), standards, certificates
- GET  /api/occupations/<code>/majors           which majors lead to an occupation
- GET  /api/certificates                        1+X certificates
- GET  /api/certificates/<name>                 levels, organisation, occupations, what it counts for
- GET  /api/courses/<code>/certificates?school= which certificates count toward a course
- GET  /api/credit-equivalences?status=         all equivalences (examples flagged)
- POST /api/curricula                           map a curriculum CSV; nothing is stored unless save=true
- GET  /api/curricula/<id>?format=              a saved mapping

Pages: /majors, /majors/<code>, /certificates, /certificates/<name>, /curricula (upload form).
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, jsonify, render_template, request
from werkzeug.wrappers import Response

from graph.core.paths import project_root
from graph.schools import majors as schools
from graph.schools.curriculum import (
    FORMATS,
    MAX_BYTES,
    CurriculumError,
    MajorNotFound,
    OverrideError,
    map_curriculum,
    parse_curriculum,
    parse_overrides,
    render,
)
from graph.schools.saved import SAVED_ID, ClientQuotaExceeded, QuotaError, SavedMappings
from server.api_errors import ApiError, error, int_arg
from server.limits import client_address
from server.openapi import CODE_SCHEMA, enum_schema, text_schema
from server.resources import get_curriculum_index, get_majors, get_store, get_tiers, occupation_majors

bp = Blueprint("schools", __name__)

TIERS = schools.TIER_ORDER
MAJORS_PER_PAGE = 100  # the catalogue has about 1,850 majors: one page of them is unreadable on a phone
MAX_MAJOR_QUERY = 50
MAX_CERTIFICATE_NAME = 100
COURSE_CODE = r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}"
EQUIVALENCE_STATUSES = ("example", "proposed", "approved", "withdrawn")
# graph/schools/majors.py:MAJOR_CODE_RE, with ASCII digits spelled out (JSON Schema's \d is read by Python as any digit)
MAJOR_CODE_SCHEMA = {"type": "string", "pattern": "^[0-9]{6,7}[A-Z]{0,2}$"}
_TRUE = {"1", "true", "yes", "on"}


# ---------------------------------------------------------------- majors


@bp.get("/api/majors")
def api_majors() -> Response:
    tier = request.args.get("tier") or None
    if tier is not None and tier not in TIERS:
        raise ApiError(400, f"tier must be one of {', '.join(TIERS)}; got {tier!r}")
    raw = request.args.get("q") or ""
    if len(raw) > MAX_MAJOR_QUERY:  # as sent, spaces included (the API document's maxLength)
        raise ApiError(400, f"q is longer than {MAX_MAJOR_QUERY} characters")
    q = raw.strip() or None
    found = schools.filter_majors(get_majors(), tier, q)
    return jsonify(count=len(found), tiers=get_tiers(), majors=found)


@bp.get("/api/majors/<code>")
def api_major(code: str) -> Response:
    catalogue = request.args.get("catalogue") or None
    store = get_store()
    try:
        found = schools.major(store, code, catalogue)
    except ValueError as exc:
        raise ApiError(400, str(exc), suggestions=schools.suggest_majors(store, code)) from None
    if not found:
        raise ApiError(
            404,
            f"no major has code {code}" + (f" in catalogue {catalogue}" if catalogue else ""),
            suggestions=schools.suggest_majors(store, code),
        )
    if len(found) == 1:
        return jsonify(found[0])
    return jsonify(code=code, matches=found)


@bp.get("/api/occupations/<code:code>/majors")
def api_occupation_majors(code: str) -> Response:
    found = occupation_majors(code)
    return jsonify(
        code=code,
        count=len(found),
        majors=found,
        note="basis official/curated: the major prepares for the occupation; suggested: not yet reviewed",
    )


# ---------------------------------------------------------------- certificates and equivalences


def _certificate_name(ident: str) -> str:
    store = get_store()
    if len(ident) > MAX_CERTIFICATE_NAME:
        raise ApiError(400, f"a certificate name is at most {MAX_CERTIFICATE_NAME} characters")
    name = schools.resolve_certificate(store, ident)
    if name is None:
        raise ApiError(
            404, f"no 1+X certificate is named {ident!r}", suggestions=schools.suggest_certificates(store, ident)
        )
    return name


@bp.get("/api/certificates")
def api_certificates() -> Response:
    found = schools.certificates(get_store())
    return jsonify(count=len(found), certificates=found)


@bp.get("/api/certificates/<name>")
def api_certificate(name: str) -> Response:
    return jsonify(schools.certificate(get_store(), _certificate_name(name)))


@bp.get("/api/courses/<code>/certificates")
def api_course_certificates(code: str) -> Response:
    if not re.fullmatch(COURSE_CODE, code):
        raise ApiError(400, f"{code!r} is not a course code (letters, digits, '.', '_', '-')")
    school = request.args.get("school") or None
    found = schools.course_certificates(get_store(), code, school)
    if not found["courses"]:
        raise ApiError(
            404,
            f"no course with code {code} is referred to by a credit equivalence" + (f" at {school}" if school else ""),
        )
    return jsonify(found)


@bp.get("/api/credit-equivalences")
def api_equivalences() -> Response:
    status = request.args.get("status") or None
    if status is not None and status not in EQUIVALENCE_STATUSES:
        raise ApiError(400, "status must be example, proposed, approved or withdrawn")
    found = schools.equivalences(get_store(), status)
    return jsonify(
        count=len(found),
        equivalences=found,
        notice=schools.EXAMPLE_NOTICE if any(e["example"] for e in found) else None,
    )


# ---------------------------------------------------------------- curricula


def _max_bytes() -> int:
    return int(current_app.config.get("CURRICULUM_MAX_BYTES") or MAX_BYTES)


def _curricula_dir() -> Path:
    configured = current_app.config.get("CURRICULA_DIR") or os.environ.get("OCCUGRAPH_CURRICULA_DIR")
    if configured:
        return Path(configured)
    if current_app.config.get("TESTING"):  # never write into the checkout from tests
        ext = current_app.extensions.setdefault("occugraph.schools", {})
        if "tmp" not in ext:
            ext["tmp"] = tempfile.mkdtemp(prefix="occugraph-curricula-")
        return Path(ext["tmp"])
    return project_root() / "var" / "curricula"


class Upload:
    """The parts of a curriculum upload, from multipart form, JSON or a text/csv body."""

    def __init__(self) -> None:
        limit = _max_bytes()
        if request.content_length is not None and request.content_length > limit + 64_000:
            raise ApiError(413, f"上传的内容有 {request.content_length:,} 字节；课程方案 CSV 最多 {limit:,} 字节")
        args = request.args
        self.csv: bytes | None = None
        self.name = "curriculum.csv"
        fields: dict[str, Any] = {}
        mimetype = request.mimetype or ""
        if mimetype == "multipart/form-data" or mimetype == "application/x-www-form-urlencoded":
            fields = {k: request.form.get(k) for k in request.form}
            fields["standard"] = request.form.getlist("standard")
            upload = request.files.get("file")
            if upload is not None:
                self.csv = upload.read(limit + 1)
                self.name = os.path.basename(upload.filename or "") or self.name
            elif request.form.get("csv"):
                self.csv = request.form["csv"].encode("utf-8")
            ov = request.files.get("overrides")
            if ov is not None:
                fields["overrides"] = ov.read(64_000).decode("utf-8", errors="replace")
        elif mimetype == "application/json":
            body = request.get_json(silent=True)
            if not isinstance(body, dict):
                raise ApiError(400, "JSON 请求内容应为对象，含 major（专业代码）和 csv（课程方案的 CSV 文本）")
            fields = body
            if body.get("csv") is not None:
                if not isinstance(body["csv"], str):
                    raise ApiError(400, "csv 应为课程方案 CSV 文件的文本")
                self.csv = body["csv"].encode("utf-8")
        elif mimetype in ("text/csv", "text/plain", "application/csv"):
            self.csv = request.get_data(cache=False)[: limit + 1]
        elif request.content_length:
            raise ApiError(
                415,
                f"请以 multipart/form-data（字段 file）、application/json（字段 csv）或 text/csv 发送课程方案，"
                f"不支持 {mimetype or '未注明的类型'}",
            )
        if self.csv is None:
            raise ApiError(400, "没有课程方案：请以表单字段 file、JSON 字段 csv 或 text/csv 请求内容上传 CSV")
        if len(self.csv) > limit:
            raise ApiError(413, f"课程方案 CSV 超过 {limit:,} 字节：请按专业分开上传")

        def field(name: str) -> Any:
            value = fields.get(name)
            return value if value not in (None, "", []) else args.get(name)

        self.major = field("major")
        if not isinstance(self.major, str) or not self.major.strip():
            raise ApiError(400, "请用 major 给出专业代码（例如 510209；GET /api/majors 列出全部专业）")
        self.major = self.major.strip()
        self.catalogue = field("catalogue")
        self.format = field("format") or "json"
        if self.format not in FORMATS:
            raise ApiError(400, f"format 只能是 {'、'.join(FORMATS)} 之一")
        save = field("save")
        self.save = save is True or (isinstance(save, str) and save.lower() in _TRUE)
        standards = fields.get("standards") or fields.get("standard") or args.getlist("standard")
        if isinstance(standards, str):
            standards = [standards]
        if not isinstance(standards, list) or not all(isinstance(s, str) for s in standards):
            raise ApiError(400, "standards 应为标准编号或职业编码的列表")
        self.standards = standards or None
        try:
            self.overrides = parse_overrides(field("overrides"))
        except OverrideError as exc:
            raise ApiError(400, str(exc)) from None


def _map(upload: Upload) -> dict[str, Any]:
    try:
        curriculum = parse_curriculum(upload.csv or b"", upload.name, max_bytes=_max_bytes())
    except CurriculumError as exc:
        status = 413 if exc.errors and exc.errors[0].line == 0 else 400
        raise ApiError(
            status,
            f"课程方案文件有 {len(exc.errors)} 处问题，没有进行分析，也没有保存",
            errors=[e.as_dict() for e in exc.errors],
        ) from None
    try:
        return map_curriculum(
            get_store(),
            curriculum,
            upload.major,
            upload.catalogue,
            upload.overrides,
            upload.standards,
            index=get_curriculum_index(),
        )
    except MajorNotFound as exc:
        raise ApiError(404, str(exc), suggestions=exc.suggestions) from None


def _saved() -> SavedMappings:
    """The saved-mappings folder with the operator's bounds (server/limits.py: CURRICULA_*)."""
    cfg = current_app.config
    return SavedMappings(
        _curricula_dir(),
        client_bytes=int(cfg["CURRICULA_CLIENT_BYTES"]),
        window=float(cfg["CURRICULA_CLIENT_WINDOW"]),
        total_bytes=int(cfg["CURRICULA_TOTAL_BYTES"]),
        ttl=float(cfg["CURRICULA_TTL_DAYS"]) * 86400,
        min_free_bytes=int(cfg["CURRICULA_MIN_FREE_BYTES"]),
    )


def _save(upload: Upload, result: dict[str, Any]) -> str:
    """Save the upload and its mapping, compactly and within the quotas (graph/schools/saved.py)."""
    request_key = {
        "major": upload.major,
        "catalogue": upload.catalogue,
        "standards": upload.standards,
        "overrides": [o.__dict__ for o in upload.overrides],
        "file": upload.name,
    }
    return _saved().save(request_key, upload.csv or b"", result, client=client_address())


def _respond(result: dict[str, Any], fmt: str, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    if fmt == "json":
        resp = jsonify(result)
    else:
        text, media = render(result, fmt)
        resp = Response(text, mimetype=media.split(";")[0])
        resp.headers["Content-Type"] = media
    resp.status_code = status
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


@bp.post("/api/curricula")
def api_curricula() -> Response:
    upload = Upload()
    result = _map(upload)
    if not upload.save:
        result["saved"] = None
        return _respond(result, upload.format)
    try:
        sid = _save(upload, result)
    except QuotaError as exc:
        resp = error(429 if isinstance(exc, ClientQuotaExceeded) else 507, str(exc))
        if exc.retry_after:
            resp.headers["Retry-After"] = str(exc.retry_after)
        return resp
    result["saved"] = {"id": sid, "url": f"/api/curricula/{sid}"}
    return _respond(result, upload.format, 201, {"Location": f"/api/curricula/{sid}", "X-Curriculum-Id": sid})


@bp.get("/api/curricula/<sid>")
def api_saved_curriculum(sid: str) -> Response:
    if not SAVED_ID.fullmatch(sid):
        raise ApiError(400, "a saved curriculum id is 16 hexadecimal characters")
    fmt = request.args.get("format") or "json"
    if fmt not in FORMATS:
        raise ApiError(400, f"format must be one of {', '.join(FORMATS)}")
    doc = _saved().load(sid)
    if doc is None:
        raise ApiError(404, f"no saved curriculum mapping has id {sid} (saved mappings expire after a while)")
    return _respond(doc["mapping"], fmt)


# ---------------------------------------------------------------- pages


@bp.get("/majors")
def majors_page() -> str:
    tier = request.args.get("tier") or None
    q = (request.args.get("q") or "").strip()[:50] or None
    found = schools.filter_majors(get_majors(), tier if tier in TIERS else None, q)
    pages = max(1, -(-len(found) // MAJORS_PER_PAGE))
    page = min(int_arg("page", 1, 1, 10_000) or 1, pages)
    shown = found[(page - 1) * MAJORS_PER_PAGE : page * MAJORS_PER_PAGE]
    return render_template(
        "majors.html", majors=shown, total=len(found), page=page, pages=pages, q=q or "", tiers=get_tiers()
    )


@bp.get("/majors/<code>")
def major_page(code: str) -> Any:
    store = get_store()
    try:
        found = schools.major(store, code, request.args.get("catalogue") or None)
    except ValueError:
        found = []
    if not found:
        return render_template("major_not_found.html", code=code, suggestions=schools.suggest_majors(store, code)), 404
    return render_template("major.html", majors=found)


@bp.get("/certificates")
def certificates_page() -> str:
    store = get_store()
    return render_template(
        "certificates.html",
        certificates=schools.certificates(store),
        equivalences=schools.equivalences(store),
        notice=schools.EXAMPLE_NOTICE,
    )


@bp.get("/certificates/<name>")
def certificate_page(name: str) -> Any:
    store = get_store()
    resolved = schools.resolve_certificate(store, name)
    if resolved is None:
        return render_template(
            "certificate_not_found.html", name=name, suggestions=schools.suggest_certificates(store, name)
        ), 404
    return render_template("certificate.html", c=schools.certificate(store, resolved))


@bp.route("/curricula", methods=["GET", "POST"])
def curricula_page() -> Any:
    if request.method == "GET":
        return render_template("curricula.html", majors=get_majors(), errors=None, message=None)
    try:
        upload = Upload()
        result = _map(upload)
    except ApiError as exc:
        return render_template(
            "curricula.html", majors=get_majors(), message=exc.message, errors=exc.extra.get("errors")
        ), exc.status
    return render_template("curriculum_report.html", r=result, standards=coverage_views(result))


def coverage_views(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Per standard of a curriculum mapping: its levels in ladder order with a coverage bar each
    (cumulative: a level includes the levels below it) and its requirements."""
    from server.charts import Bar, Part, bar_chart
    from server.ui import level_name, level_rank

    out = []
    for s in result["standards"]:
        levels = [{**lv, "level_id": lv["level_iri"].rsplit("/", 1)[-1]} for lv in s["levels"]]
        for lv in levels:  # a major's ability list or an occupation's tasks is one "level" with its own name
            lv["label"] = level_name(lv["level_id"], lv["level"])
        levels.sort(key=lambda lv: level_rank(lv["level_id"]))
        bars = []
        for lv in levels:
            c = lv["cumulative"]["all"]
            pct = f"{c['percent']:g}%" if c["percent"] is not None else "—"
            bars.append(
                Bar(
                    lv["level"],
                    [Part(c["covered"], "bar", "已覆盖的要求")],
                    note=f"{c['covered']}/{c['total']}（{pct}）",
                    total=c["total"],
                )
            )
        chart = bar_chart(
            [
                Bar(
                    b.label,
                    [Part(100 * b.parts[0].value / b.total if b.total else 0, "bar", "已覆盖（%）")],
                    b.note,
                    total=100,
                )
                for b in bars
            ],
            f"{s['title']}：课程方案对各等级要求的累计覆盖比例",
            note_width=120,
            scale_max=100,
        )
        requirements = sorted(
            (r for r in result["requirements"] if r["standard"] == s["id"]),
            key=lambda r: (r["level_rank"], r["kind"], r["section"]),
        )
        out.append({**s, "levels": levels, "chart": chart, "requirements": requirements})
    return out


OPENAPI_PATHS: dict[str, Any] = {}  # filled in below, after the helpers


def _openapi() -> dict[str, Any]:
    obj = {"type": "object"}

    def ok(description: str) -> dict[str, Any]:
        return {"description": description, "content": {"application/json": {"schema": obj}}}

    def err(description: str) -> dict[str, Any]:
        return {
            "description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }

    def q(
        name: str, description: str, example: str | None = None, schema: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        p: dict[str, Any] = {
            "name": name,
            "in": "query",
            "required": False,
            "schema": schema or {"type": "string"},
            "description": description,
        }
        if example is not None:
            p["example"] = example
        return p

    def path(name: str, description: str, example: str, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "name": name,
            "in": "path",
            "required": True,
            "schema": schema,
            "description": description,
            "example": example,
        }

    formats = enum_schema(FORMATS)

    tags = ["schools"]
    bad, missing, many = err("bad input"), err("not found; suggestions given"), err("too many requests")

    def get(summary: str, params: list[dict[str, Any]], codes: tuple[str, ...] = ("400", "404")) -> dict[str, Any]:
        responses: dict[str, Any] = {"200": ok(summary)}
        responses.update({c: {"400": bad, "404": missing}[c] for c in codes})
        responses["429"] = many
        return {"get": {"summary": summary, "tags": tags, "parameters": params, "responses": responses}}

    csv_body = {
        "type": "object",
        "properties": {
            "major": {"type": "string", "example": "510209"},
            "csv": {"type": "string", "description": "the curriculum CSV: code,title,hours,credits,learning_outcomes"},
            "format": {"type": "string", "enum": list(FORMATS)},
            "overrides": {"type": "object", "description": '{"force": [...], "reject": [...]}'},
            "standards": {"type": "array", "items": {"type": "string"}},
            "save": {"type": "boolean", "description": "store the upload and its mapping (default false)"},
        },
    }
    text_out = {
        "text/csv": {"schema": {"type": "string"}},
        "text/markdown": {"schema": {"type": "string"}},
        "text/html": {"schema": {"type": "string"}},
        "application/json": {"schema": obj},
    }
    return {
        "/api/majors": get(
            "Majors (中职, 高职专科, 职业本科), with how much of the catalogue is present",
            [
                q(
                    "tier",
                    "secondary-vocational, higher-vocational, vocational-undergraduate or general-undergraduate",
                    "higher-vocational",
                    enum_schema(TIERS),
                ),
                q(
                    "q",
                    f"part of a name or code (up to {MAX_MAJOR_QUERY} characters)",
                    "人工智能",
                    text_schema(MAX_MAJOR_QUERY),
                ),
            ],
            ("400",),
        ),
        "/api/majors/{code}": get(
            "A major with the occupations it prepares for, their standards and 1+X certificates",
            [
                path("code", "major code: six digits, maybe a letter or two (080717T)", "510209", MAJOR_CODE_SCHEMA),
                q("catalogue", "catalogue id (voc2021, ug)", "voc2021"),
            ],
        ),
        "/api/occupations/{code}/majors": get(
            "Which majors lead to an occupation",
            [path("code", "classification code", "4-04-05-05", CODE_SCHEMA)],
            ("400", "404"),
        ),
        "/api/certificates": get("1+X vocational skill level certificates", [], ()),
        "/api/certificates/{name}": get(
            "A 1+X certificate: levels, organisation, occupations and what it counts "
            "for (credit equivalences; examples flagged)",
            [
                path(
                    "name",
                    "certificate name, with or without 职业技能等级证书",
                    "跨境电子商务多平台运营",
                    text_schema(MAX_CERTIFICATE_NAME),
                )
            ],
        ),
        "/api/courses/{code}/certificates": get(
            "Which certificates count toward a course (exemptions)",
            [
                path("code", "course code", "ECM301", {"type": "string", "pattern": f"^{COURSE_CODE}$"}),
                q("school", "school name", None),
            ],
        ),
        "/api/credit-equivalences": get(
            "Credit-bank equivalences (status example = made up, never official)",
            [q("status", "example, proposed, approved or withdrawn", "example", enum_schema(EQUIVALENCE_STATUSES))],
            ("400",),
        ),
        "/api/curricula": {
            "post": {
                "summary": "Map a curriculum CSV to the work requirements of a major's standards (nothing stored "
                "unless save=true)",
                "tags": tags,
                "parameters": [
                    q("major", "major code (also as a body field)", "510209"),
                    q("format", "json (default), csv, md or html", "json", formats),
                    q("save", "true to store the upload and the mapping", "false"),
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": csv_body},
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "file": {"type": "string", "format": "binary"},
                                    "major": {"type": "string"},
                                    "format": {"type": "string"},
                                    "overrides": {"type": "string"},
                                    "save": {"type": "string"},
                                },
                            }
                        },
                        "text/csv": {"schema": {"type": "string"}},
                    },
                },
                "responses": {
                    "200": {"description": "the mapping", "content": text_out},
                    "201": {"description": "the mapping, saved (Location: /api/curricula/<id>)", "content": text_out},
                    "400": err("malformed CSV (errors with line numbers) or bad parameters"),
                    "404": err("unknown major; suggestions given"),
                    "413": err("the upload is too large"),
                    "415": err("unsupported content type"),
                    "429": err("this client saved too much in the last hour (CURRICULA_CLIENT_BYTES); see Retry-After"),
                    "507": err("saving would pass the total quota or the disk space kept free; nothing was saved"),
                },
            }
        },
        "/api/curricula/{sid}": {
            "get": {
                "summary": "A saved curriculum mapping",
                "tags": tags,
                "parameters": [
                    path(
                        "sid",
                        "id returned when the mapping was saved",
                        "0123456789abcdef",
                        {"type": "string", "pattern": f"^{SAVED_ID.pattern}$"},
                    ),
                    q("format", "json (default), csv, md or html", "json", formats),
                ],
                "responses": {
                    "200": {"description": "the saved mapping", "content": text_out},
                    "400": bad,
                    "404": missing,
                    "429": many,
                },
            }
        },
    }


OPENAPI_PATHS.update(_openapi())

"""Bulk downloads of the current build at stable URLs: /downloads/<name>.

The build writes Turtle, N-Triples, the QC report and SHA256SUMS into dist/; they are served as
they are. JSON-LD and the CSV of occupations are derived from dist/occugraph.nt on first request
and cached under var/cache/downloads/<hash of the N-Triples>/, so they always match the dump
they came from (a build that writes them into dist/ itself takes precedence).
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import tempfile
import threading
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, jsonify, render_template, send_file

from graph.core.namespaces import PREFIXES, SPARQL_PREFIXES
from graph.core.paths import project_root
from server.api_errors import ApiError

bp = Blueprint("downloads", __name__)

# name -> (media type, description, derived from occugraph.nt when dist/ lacks it, is RDF)
FILES: dict[str, tuple[str, str, bool, bool]] = {
    "occugraph.ttl": ("text/turtle", "整个图谱，便于阅读的文本格式", False, True),
    "occugraph.nt": ("application/n-triples", "整个图谱，每行一条陈述，已排序，可逐字节比较", False, True),
    "occugraph.jsonld": ("application/ld+json", "整个图谱，供网页程序读取的格式", True, True),
    "occupations.csv": ("text/csv", "职业（细类）一览表（CSV，UTF-8）", True, False),
    "qc-report.md": ("text/markdown", "质量检查报告（与官方数字的差异）", False, False),
    "SHA256SUMS": ("text/plain", "构建文件的 SHA-256 校验和", False, False),
}
_LOCK = threading.Lock()


def dist_dir() -> Path:
    return Path(current_app.config.get("DIST_DIR") or project_root() / "dist")


def cache_dir() -> Path:
    return Path(current_app.config.get("DOWNLOAD_CACHE_DIR") or project_root() / "var" / "cache" / "downloads")


def _nt_key(nt: Path) -> str:
    st = nt.stat()
    return hashlib.sha256(f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}".encode()).hexdigest()[:16]


def _path_for(name: str) -> Path | None:
    """The file to send for a download name, deriving it first if needed; None if unavailable."""
    dist = dist_dir()
    direct = dist / name
    if direct.is_file():
        return direct
    if not FILES[name][2]:
        return None
    nt = dist / "occugraph.nt"
    if not nt.is_file():
        return None
    target = cache_dir() / _nt_key(nt) / name
    if target.is_file():
        return target
    with _LOCK:
        if not target.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            data = derive_jsonld(nt) if name.endswith(".jsonld") else derive_occupations_csv(nt)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, target)
    return target


def derive_jsonld(nt: Path) -> bytes:
    triples = sorted((q.triple for q in ox.parse(path=str(nt), format=ox.RdfFormat.N_TRIPLES)), key=str)
    return ox.serialize(triples, format=ox.RdfFormat.JSON_LD, prefixes=PREFIXES) or b""


OCCUPATIONS_CSV_QUERY = (
    SPARQL_PREFIXES
    + """SELECT ?code ?name ?minor ?definition ?marker ?iri
  (EXISTS { ?iri a og:DigitalOccupation } AS ?digital) (EXISTS { ?iri a og:GreenOccupation } AS ?green)
  (COUNT(DISTINCT ?task) AS ?tasks)
WHERE {
  ?iri a og:Occupation ; skos:notation ?code ; skos:prefLabel ?name .
  OPTIONAL { ?iri skos:broader ?p . ?p skos:notation ?minor }
  OPTIONAL { ?iri skos:definition ?definition }
  OPTIONAL { ?iri og:markerAsPrinted ?marker }
  OPTIONAL { ?iri og:hasMainTask ?task }
} GROUP BY ?code ?name ?minor ?definition ?marker ?iri ORDER BY ?code"""
)

CSV_COLUMNS = [
    "code",
    "name",
    "major_group",
    "medium_group",
    "minor_group",
    "digital",
    "green",
    "marker",
    "task_count",
    "definition",
    "iri",
]


def derive_occupations_csv(nt: Path) -> bytes:
    """One row per occupation (细类), with its groups, flags and the number of main tasks."""
    scratch = ox.Store()
    scratch.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for s in scratch.query(OCCUPATIONS_CSV_QUERY):
        code = s["code"].value

        def val(name: str, s: Any = s) -> str:
            return "" if s[name] is None else s[name].value

        major, medium = code.split("-")[0] + "-00-00-00", "-".join(code.split("-")[:2]) + "-00-00"
        writer.writerow(
            [
                code,
                val("name"),
                major,
                medium,
                val("minor"),
                val("digital"),
                val("green"),
                val("marker"),
                val("tasks"),
                val("definition"),
                val("iri"),
            ]
        )
    return out.getvalue().encode("utf-8")


def available_downloads() -> list[dict[str, Any]]:
    """What /downloads offers now: names, media types, sizes (None until derived), checksums."""
    dist = dist_dir()
    sums: dict[str, str] = {}
    sums_file = dist / "SHA256SUMS"
    if sums_file.is_file():
        for line in sums_file.read_text(encoding="utf-8").splitlines():
            digest, _, fname = line.partition("  ")
            sums[fname.strip()] = digest
    have_nt = (dist / "occugraph.nt").is_file()
    out = []
    for name, (media, description, derived, rdf) in FILES.items():
        direct = dist / name
        if not (direct.is_file() or (derived and have_nt)):
            continue
        out.append(
            {
                "name": name,
                "url": f"/downloads/{name}",
                "media_type": media,
                "description": description,
                "size": direct.stat().st_size if direct.is_file() else None,
                "sha256": sums.get(name),
                "rdf": rdf,
            }
        )
    return out


@bp.get("/downloads")
@bp.get("/downloads/")
def index() -> str:
    return render_template("downloads.html", files=available_downloads())


@bp.get("/api/downloads")
def api_index() -> Response:
    files = available_downloads()
    return jsonify(count=len(files), files=files)


@bp.get("/downloads/<name>")
def download(name: str) -> Response:
    if name not in FILES:
        raise ApiError(404, f"no download named {name!r}; see /downloads")
    path = _path_for(name)
    if path is None:
        raise ApiError(404, f"{name} is not available: the server has no current build in dist/")
    media = FILES[name][0]
    resp = send_file(
        path, mimetype=media, conditional=True, etag=True, max_age=300, download_name=name, as_attachment=False
    )
    if media.startswith("text/"):
        resp.headers["Content-Type"] = f"{media}; charset=utf-8"
    return resp


OPENAPI_SCHEMAS = {
    "Downloads": {
        "type": "object",
        "required": ["count", "files"],
        "properties": {
            "count": {"type": "integer"},
            "files": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["name", "url", "media_type"],
                    "properties": {
                        "name": {"type": "string"},
                        "url": {"type": "string"},
                        "media_type": {"type": "string"},
                        "description": {"type": "string"},
                        "size": {"type": ["integer", "null"]},
                        "sha256": {"type": ["string", "null"]},
                        "rdf": {"type": "boolean"},
                    },
                },
            },
        },
    },
}
OPENAPI_PATHS = {
    "/api/downloads": {
        "get": {
            "summary": "The bulk downloads of the current build (Turtle, N-Triples, JSON-LD, CSV, QC report)",
            "description": "Each file is at a stable URL /downloads/<name>.",
            "tags": ["downloads"],
            "responses": {
                "200": {
                    "description": "the files",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Downloads"}}},
                },
                "429": {"$ref": "#/components/responses/TooMany"},
            },
        }
    },
}

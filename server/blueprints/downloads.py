"""Bulk downloads of the current build at stable URLs: /downloads/<name>.

The build writes every download (Turtle, N-Triples, JSON-LD, the occupations CSV, the QC report)
and SHA256SUMS beside the store it built (var/dists/<build-id>/, which dist/ points at;
graph/build/downloads.py); they are sent as they are. The files are those of the build that made
the store this request answers from (its store generation), so downloads and answers always come
from the same build; dist/ itself is not read. A store without such a folder (a remote endpoint)
offers the files of DIST_DIR when that is configured, else none. Nothing is derived here at
request time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template, send_file

from graph.core import media as mt
from graph.store.embedded import dumps_folder
from server.api_errors import ApiError
from server.resources import get_store

bp = Blueprint("downloads", __name__)

# name -> (media type, description, is RDF)
FILES: dict[str, tuple[str, str, bool]] = {
    "occugraph.ttl": (mt.SHORT_NAMES["ttl"], "整个图谱，便于阅读的文本格式", True),
    "occugraph.nt": (mt.SHORT_NAMES["nt"], "整个图谱，每行一条陈述，已排序，可逐字节比较", True),
    "occugraph.jsonld": (mt.SHORT_NAMES["jsonld"], "整个图谱，供网页程序读取的格式", True),
    "occupations.csv": (mt.CSV, "职业（细类）一览表（CSV，UTF-8）", False),
    "qc-report.md": (mt.MARKDOWN, "质量检查报告（与官方数字的差异）", False),
    "SHA256SUMS": (mt.PLAIN, "构建文件的 SHA-256 校验和", False),
}


def dist_dir() -> Path | None:
    """Where the downloads of the current store generation are (see the module docstring)."""
    folder = getattr(get_store(), "folder", None)
    if folder is not None:
        return dumps_folder(folder)
    configured = current_app.config.get("DIST_DIR")
    return Path(configured) if configured else None


def served_version() -> dict[str, Any] | None:
    """What the served build is (dist/version.json: a release's version, version IRI and notes,
    or a working-tree build's), None for a dist/ made before versions were written."""
    import json

    dist = dist_dir()
    if dist is None:
        return None
    try:
        data = json.loads((dist / "version.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def available_downloads() -> list[dict[str, Any]]:
    """What /downloads offers now: names, media types, sizes and checksums of the build's files."""
    dist = dist_dir()
    if dist is None:
        return []
    sums: dict[str, str] = {}
    sums_file = dist / "SHA256SUMS"
    if sums_file.is_file():
        for line in sums_file.read_text(encoding="utf-8").splitlines():
            digest, _, fname = line.partition("  ")
            sums[fname.strip()] = digest
    out = []
    for name, (media, description, rdf) in FILES.items():
        direct = dist / name
        if not direct.is_file():
            continue
        out.append(
            {
                "name": name,
                "url": f"/downloads/{name}",
                "media_type": media,
                "description": description,
                "size": direct.stat().st_size,
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
    dist = dist_dir()
    path = dist / name if dist is not None else None
    if path is None or not path.is_file():
        raise ApiError(404, f"{name} is not available: the store this server answers from has no build files")
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

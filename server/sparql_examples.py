"""Example queries for the SPARQL editor, and where the editor's browser code (YASGUI) lives.

YASGUI (@zazuko/yasgui, from the npm registry) is installed by ``make assets`` (part of
``make run`` and ``make test``) into server/static/vendor/node_modules and served from /static:
no CDN at run time. Without it the page still works: a plain form, results as a server-rendered
table.

The hierarchy examples use skos:broaderTransitive, the closure the build materialises
(graph/build/closure.py), not the property path skos:broader+: the same answer as an index join
(docs/server.md, "Hierarchy queries").
"""

from __future__ import annotations

from pathlib import Path

from graph.store.sparql import prefix_lines

STATIC = Path(__file__).resolve().parent / "static"
YASGUI_BUILD = "vendor/node_modules/@zazuko/yasgui/build"

EXAMPLES_DIR = Path(__file__).resolve().parent / "sparql" / "examples"


def load_examples(folder: Path = EXAMPLES_DIR) -> list[dict[str, str]]:
    """The editor's examples, one ``.rq`` file each in file-name order: a ``# title`` line, then the
    query without PREFIX lines; the page shows it with the declarations of the prefixes it uses,
    from the one prefix table, so a copied example runs anywhere."""
    out = []
    for path in sorted(folder.glob("*.rq")):
        title, _, body = path.read_text(encoding="utf-8").partition("\n")
        body = body.removesuffix("\n")
        out.append({"title": title.removeprefix("# "), "query": prefix_lines(body) + body})
    return out


EXAMPLES: list[dict[str, str]] = load_examples()


def yasgui_assets() -> dict[str, str] | None:
    """URLs of YASGUI's script and style sheet when installed, else None."""
    build = STATIC / YASGUI_BUILD
    if (build / "yasgui.min.js").is_file() and (build / "yasgui.min.css").is_file():
        return {"js": f"/static/{YASGUI_BUILD}/yasgui.min.js", "css": f"/static/{YASGUI_BUILD}/yasgui.min.css"}
    return None

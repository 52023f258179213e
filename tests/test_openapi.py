"""The OpenAPI document (issue 7): complete, well-formed, and the responses match it.

The property-based part runs schemathesis against /api/openapi.json in-process (WSGI), with a
bounded number of examples per operation so that it stays under a minute or two.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from server import create_app
from server.openapi import build_spec, undocumented_json_routes

EXAMPLES_PER_OPERATION = 40


def _refs(node: object) -> list[str]:
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == "$ref"] + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def test_every_json_route_is_documented(app) -> None:  # type: ignore[no-untyped-def]
    assert undocumented_json_routes(app) == [], "describe these routes (OPENAPI_PATHS in their blueprint module)"


def test_document_is_well_formed(client) -> None:  # type: ignore[no-untyped-def]
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert {"/api/occupations", "/api/occupations/{code}", "/api/hierarchy", "/api/downloads", "/sparql"} <= set(
        spec["paths"]
    )
    components = spec["components"]
    for ref in _refs(spec):
        section, name = ref.split("/")[-2:]
        assert name in components[section], f"dangling $ref {ref}"
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            assert op.get("summary"), f"{method.upper()} {path} has no summary"
            assert op.get("responses"), f"{method.upper()} {path} has no responses"
    page = client.get("/api/docs").get_data(as_text=True)
    assert "/api/openapi.json" in page and "GET /api/occupations/{code}" in page


def test_contributed_paths_are_merged(app) -> None:  # type: ignore[no-untyped-def]
    spec = build_spec(app)
    assert "HierarchyNode" in spec["components"]["schemas"]  # from server/blueprints/browse.py
    assert "Downloads" in spec["components"]["schemas"]  # from server/blueprints/downloads.py


@pytest.fixture(scope="module")
def fuzz_app(store, built, tmp_path_factory):  # type: ignore[no-untyped-def]
    scratch = tmp_path_factory.mktemp("fuzz")
    # proposals the fuzzer creates go to a scratch queue; no editor tokens, so nothing is approved
    app = create_app(
        {
            "TESTING": True,
            "STORE": store,
            "DIST_DIR": str(built.dist),
            "QUERY_TIMEOUT": 2.0,
            "QUERY_WORKERS": 2,
            "PROPOSALS_DIR": str(scratch / "proposals"),
            "RELEASES_DIR": str(scratch / "releases"),
            "EDITOR_TOKENS": "",
            "DOWNLOAD_CACHE_DIR": str(scratch / "cache"),
        }
    )
    yield app
    pool = app.extensions.get("occugraph-pool")
    if pool is not None:
        pool.close()


@pytest.fixture(scope="module")
def api_schema(fuzz_app):  # type: ignore[no-untyped-def]
    return schemathesis.openapi.from_wsgi("/api/openapi.json", fuzz_app)


# the checks that the responses match the document, and above all: no 5xx
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]
OPERATIONS = [
    (method, path)
    for path, ops in build_spec(None).items()
    if path == "paths"
    for path, ops in ops.items()
    for method in ops
]  # type: ignore[union-attr]


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m.upper()} {p}" for m, p in OPERATIONS])
def test_api_conforms_and_never_fails(api_schema, method: str, path: str) -> None:  # type: ignore[no-untyped-def]
    strategy = api_schema[path][method].as_strategy()

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case) -> None:  # type: ignore[no-untyped-def]
        case.call_and_validate(checks=CHECKS)

    run()


def test_405_answers_carry_allow_and_agree_with_the_routes(app) -> None:  # type: ignore[no-untyped-def]
    """Every route answers a method it lacks with 405 and an Allow header naming what it has."""
    client = app.test_client()
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.arguments or rule.rule.startswith("/static"):
            continue
        allowed = set(rule.methods or ())
        for method in ("GET", "POST", "PUT", "DELETE", "PATCH"):
            if method in allowed:
                continue
            r = client.open(rule.rule, method=method)
            if r.status_code != 405:
                continue  # another rule with the same path takes this method
            allow = {m.strip() for m in r.headers.get("Allow", "").split(",") if m.strip()}
            if not allow or method in allow:
                missing.append(f"{method} {rule.rule}: Allow={r.headers.get('Allow')!r}")
    assert missing == []


def test_options_sparql_and_the_document_agree(client) -> None:  # type: ignore[no-untyped-def]
    allow = {m.strip().lower() for m in client.options("/sparql").headers["Allow"].split(",")}
    documented = set(client.get("/api/openapi.json").get_json()["paths"]["/sparql"])
    assert {"get", "post"} <= allow
    assert allow - {"head", "options"} == documented

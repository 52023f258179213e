"""The OpenAPI document (issue 7): complete, well-formed, and the responses match it.

The property-based part runs schemathesis against /api/openapi.json in-process (WSGI), with a
bounded number of examples per operation so that it stays under a minute or two.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode, checks

from server import create_app
from server.openapi import build_spec, undocumented_json_routes

EXAMPLES_PER_OPERATION = 40  # data inside the document
EXAMPLES_OUTSIDE = 20  # data outside it (each example breaks one part of the request)
ROOT = Path(__file__).resolve().parents[1]
# the settings of the long run (bench/api_fuzz.py): which operations also answer schema-valid data
# 400/422 because the server checks what JSON Schema cannot say; and the text-body serializers
SETTINGS = ROOT / "bench" / "schemathesis.toml"
_hooks = importlib.util.spec_from_file_location("schemathesis_hooks", ROOT / "bench" / "schemathesis_hooks.py")
assert _hooks is not None and _hooks.loader is not None
_hooks.loader.exec_module(importlib.util.module_from_spec(_hooks))


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
            "CURRICULA_DIR": str(scratch / "curricula"),
        }
    )
    yield app
    pool = app.extensions.get("occugraph-pool")
    if pool is not None:
        pool.close()


@pytest.fixture(scope="module")
def api_schema(fuzz_app):  # type: ignore[no-untyped-def]
    config = schemathesis.Config.from_path(SETTINGS)
    return schemathesis.openapi.from_wsgi("/api/openapi.json", fuzz_app, config=config)


# the checks that the responses match the document, and above all: no 5xx; and that the document
# says what the server accepts: data inside it is accepted, data outside it refused
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.positive_data_acceptance,
    checks.negative_data_rejection,
]
_PATHS = build_spec(None)["paths"]
# every operation with data inside the document; with data outside it, those that take any
# (an operation without parameters or a body has nothing to get wrong)
CASES = [(method, path, GenerationMode.POSITIVE) for path, ops in _PATHS.items() for method in ops] + [
    (method, path, GenerationMode.NEGATIVE)
    for path, ops in _PATHS.items()
    for method, op in ops.items()
    if op.get("parameters") or op.get("requestBody")
]


@pytest.mark.parametrize(
    ("method", "path", "mode"),
    CASES,
    ids=[f"{m.upper()} {p} {'inside' if g is GenerationMode.POSITIVE else 'outside'}" for m, p, g in CASES],
)
def test_api_conforms_and_never_fails(api_schema, method: str, path: str, mode: GenerationMode) -> None:  # type: ignore[no-untyped-def]
    strategy = api_schema[path][method].as_strategy(generation_mode=mode)

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES_PER_OPERATION if mode is GenerationMode.POSITIVE else EXAMPLES_OUTSIDE,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case) -> None:  # type: ignore[no-untyped-def]
        case.call_and_validate(checks=CHECKS)

    try:
        run()
    except Unsatisfiable:
        if mode is GenerationMode.POSITIVE:
            raise
        pytest.skip("every request this operation can receive is inside the document (e.g. any text as an id)")


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


# ------------------------------------------------------------------------------------------------
# the document and the server agree (issue 20, item 10): each case below was a mismatch schemathesis
# found (bench/api_fuzz.py), asserted here with a real request


def _param(spec: dict, path: str, method: str, name: str) -> dict:  # type: ignore[type-arg]
    return next(p for p in spec["paths"][path][method]["parameters"] if p["name"] == name)


EMPTY_MEANS_ABSENT = [
    "/api/credit-equivalences?status=",
    "/api/new-occupations?since=&batch=&flag=",
    "/api/new-occupations/coverage?as_of=&format=",
    "/api/new-occupations/coverage.csv?as_of=",
    "/api/standards?occupation=&year=&tier=&page=&per_page=",
    "/api/classify?title=电商运营&top=",
    "/api/majors?tier=&q=",
    "/api/occupations?q=电子商务&limit=&kind=",
]


@pytest.mark.parametrize("url", EMPTY_MEANS_ABSENT)
def test_an_empty_optional_parameter_is_not_given(client, url: str) -> None:  # type: ignore[no-untyped-def]
    """The document marks every optional query parameter allowEmptyValue; the server reads it so
    (``format=`` on the coverage and ``top=`` on the classifier were 400 before)."""
    spec = client.get("/api/openapi.json").get_json()
    path = url.split("?")[0]
    for name in (pair.split("=")[0] for pair in url.split("?")[1].split("&")):
        param = _param(spec, path, "get", name)
        assert param.get("required") or param.get("allowEmptyValue") is True, (path, name)
    r = client.get(url)
    assert r.status_code == 200, (url, r.get_data(as_text=True)[:300])
    without = client.get(
        path + ("?q=电子商务" if path == "/api/occupations" else "?title=电商运营" if "classify" in path else "")
    )
    assert r.get_data() == without.get_data()


OUTSIDE_THE_DOCUMENT = [
    # integers: ASCII digits only (int() also read " 5", "+5", "5_0" and other scripts' digits)
    "/api/occupations?q=电子商务&limit=+5",
    "/api/occupations?q=电子商务&limit=5_0",
    "/api/occupations?q=电子商务&limit=٥",
    "/api/standards?per_page=" + "9" * 400,
    "/api/classify?title=电商运营&top=²",
    # lengths count the text as sent, spaces included
    "/api/occupations?q=" + "电" + " " * 100,
    "/api/classify?title=电商运营" + " " * 100,
    "/api/majors?q=人工智能" + " " * 50,
    # dates are YYYY-MM-DD (date.fromisoformat also reads 20210501 and 2021-W18-6)
    "/api/new-occupations?since=20220101",
    "/api/pathways/reachable?within=3&from=6-31-01-03&as_of=20260101",
    "/api/pathways/reachable?within=3&from=6-31-01-03&as_of=2026-W01-1",
    # enums
    "/api/credit-equivalences?status=official",
    "/api/occupations?q=电子商务&kind=group",
    "/api/standards?tier=provincial",
    "/api/changes?since=v1&format=html",
    # codes N-NN-NN-NN
    "/api/standards?occupation=4-04-05",
]


@pytest.mark.parametrize("url", OUTSIDE_THE_DOCUMENT)
def test_a_value_the_document_excludes_is_400(client, url: str) -> None:  # type: ignore[no-untyped-def]
    r = client.get(url)
    assert r.status_code == 400, (url, r.status_code, r.get_data(as_text=True)[:300])
    assert r.get_json()["error"]


def test_an_eligibility_profile_is_checked_as_documented(client) -> None:  # type: ignore[no-untyped-def]
    """A profile field of the wrong type was read as "not given" when it was falsy ({} or "" as a
    date, a number as a major's name); now it is 422 with the field named. null stays "not given",
    as the document says (type string or null)."""
    url = "/api/occupations/4-04-05-05/levels/3/eligibility"
    base = {"as_of": "2025-06-01", "certificates": [{"occupation": "4-04-05-05", "level": "4", "date": "2021-09-01"}]}
    schema = client.get("/api/openapi.json").get_json()["paths"]["/api/occupations/{code}/levels/{level}/eligibility"][
        "post"
    ]["requestBody"]["content"]["application/json"]["schema"]
    assert schema["additionalProperties"] is False
    assert schema["properties"]["birth_date"]["type"] == ["string", "null"]
    assert client.post(url, json={**base, "birth_date": None}).status_code == 200
    for field, value in [("birth_date", {}), ("birth_date", ""), ("as_of", ""), ("as_of", 0), ("age", 121)]:
        r = client.post(url, json={**base, field: value})
        assert r.status_code == 422, (field, value, r.get_data(as_text=True))
        assert field in r.get_json()["error"]
    r = client.post(url, json={**base, "work": [{"occupation": "4-04-05-05", "start": ""}]})
    assert r.status_code == 422 and "work[0].start" in r.get_json()["error"]
    r = client.post(url, json={**base, "diplomas": [{"kind": "technical-school", "major": 5}]})
    assert r.status_code == 422 and "diplomas[0].major" in r.get_json()["error"]


def test_every_pattern_is_one_a_json_schema_validator_keeps(client) -> None:  # type: ignore[no-untyped-def]
    """A pattern the validator cannot compile is dropped by schemathesis (the job title's once named
    lone surrogates), so the document would promise nothing about that value."""
    from schemathesis.specs.openapi.warnings import enforced_pattern

    spec = client.get("/api/openapi.json").get_json()

    def patterns(node: object) -> list[str]:
        if isinstance(node, dict):
            own = [node["pattern"]] if isinstance(node.get("pattern"), str) else []
            return own + [p for v in node.values() for p in patterns(v)]
        if isinstance(node, list):
            return [p for v in node for p in patterns(v)]
        return []

    found = patterns(spec)
    assert len(found) > 10
    assert [p for p in found if enforced_pattern(p) is None] == []


def test_every_operation_lists_the_answers_any_request_can_get(client) -> None:  # type: ignore[no-untyped-def]
    spec = client.get("/api/openapi.json").get_json()
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            assert "429" in op["responses"], f"{method.upper()} {path}"
            if "requestBody" in op:
                assert "413" in op["responses"], f"{method.upper()} {path}"
    approve = spec["paths"]["/api/proposals/{pid}/approve"]["post"]
    assert approve["security"] == [{"editorToken": []}]
    assert "editorToken" in spec["components"]["securitySchemes"]

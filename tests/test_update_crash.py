"""A SPARQL update killed at any step leaves the store and the audit log agreeing (issue 20, item 5).

Before: the "applied" line was written after the commit, so a crash in between left a change in
the store that the audit log did not mention. Now a "pending" line is written (and fsynced)
before the update runs, the update records its id in the store in its own transaction, the
"applied" line is on disk before the client is answered, and a restarted server resolves any
pending line against the store's mark. A real server (``occugraph serve``) is killed with
SIGKILL at each named checkpoint (graph/core/faults.py); then the store holds the change if and
only if the audit log's last word on that update is "applied".
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from graph.store.embedded import EmbeddedStore
from server import create_app

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "crash-test-token-1"
INSERT = (
    "INSERT DATA { GRAPH <https://w3id.org/occugraph/graph/data> { "
    "<https://w3id.org/occugraph/id/occupation/2-02-38-01> <http://www.w3.org/2004/02/skos/core#altLabel> "
    '"崩溃测试"@zh } }'
)
ASK = 'ASK { ?o <http://www.w3.org/2004/02/skos/core#altLabel> "崩溃测试"@zh }'


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(store: Path, log: Path, port: int, kill_at: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "OCCUGRAPH_UPDATE_ENABLED": "1",
        "OCCUGRAPH_UPDATE_TOKENS": f"crash:{TOKEN}",
        "OCCUGRAPH_UPDATE_AUDIT_LOG": str(log),
        "OCCUGRAPH_QUERY_WORKERS": "1",
        "OCCUGRAPH_KILL_AT": kill_at,
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "graph.cli.main", "serve", "--store", str(store), "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/occupations/2-02-38-01", timeout=5).read()
            return proc
        except (urllib.error.URLError, ConnectionError, OSError):
            if proc.poll() is not None:
                raise RuntimeError("the server did not start") from None
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("the server did not start in time")


def _post_update(port: int) -> int | None:
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/sparql/update",
        data=INSERT.encode(),
        headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"},
    )
    try:
        with urllib.request.urlopen(req, timeout=120) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, ConnectionError, OSError):
        return None  # the server died before answering


@pytest.mark.parametrize(
    ("kill_at", "answered", "applied"),
    [
        ("update:logged", None, False),  # pending line written, update not run
        ("update:store-committed", 200, True),  # the update process dies after its commit
        ("update:committed", None, True),  # committed, no "applied" line yet
        ("update:acknowledged", None, True),  # "applied" on disk, not yet answered
    ],
)
def test_kill_at_each_step(built, tmp_path: Path, kill_at: str, answered: int | None, applied: bool) -> None:
    store = tmp_path / "store"
    shutil.copytree(Path(built.store_path).resolve(), store)
    log = tmp_path / "audit.jsonl"
    port = _free_port()
    proc = _serve(store, log, port, kill_at)
    try:
        assert _post_update(port) == answered
        if answered is None:
            assert proc.wait(timeout=60) == -9  # SIGKILL at the checkpoint
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)

    # the restarted server resolves the pending line at its first request
    app = create_app(
        {
            "TESTING": True,
            "STORE": EmbeddedStore(store),
            "UPDATE_ENABLED": True,
            "UPDATE_TOKENS": f"crash:{TOKEN}",
            "UPDATE_AUDIT_LOG": str(log),
            "QUERY_WORKERS": 0,
        }
    )
    client = app.test_client()
    has_change = client.get("/sparql", query_string={"query": ASK}, headers={"Accept": "application/json"})
    assert has_change.get_json()["boolean"] is applied
    entries = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    (uid,) = {e["id"] for e in entries}
    final = [e["outcome"] for e in entries if e["outcome"] != "pending"]
    assert entries[0]["outcome"] == "pending"
    assert len(final) == 1, final  # exactly one last word per update
    assert final[0].startswith("applied") is applied, final
    assert final[0].startswith("not applied") is (not applied), final
    if kill_at in ("update:logged", "update:committed"):
        assert "recovered after a crash" in final[0]
    # a second restart changes nothing: recovery is done once
    create_app(
        {
            "TESTING": True,
            "STORE": EmbeddedStore(store),
            "UPDATE_ENABLED": True,
            "UPDATE_AUDIT_LOG": str(log),
            "QUERY_WORKERS": 0,
        }
    ).test_client().get("/api/occupations/2-02-38-01")
    assert len(log.read_text(encoding="utf-8").splitlines()) == len(entries)
    assert uid

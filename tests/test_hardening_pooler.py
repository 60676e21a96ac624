"""The audit through a real PgBouncer in transaction pooling mode, as behind Neon's pooler.

One server connection serves every client (``default_pool_size = 1``), so a session
``SET`` or a named prepared statement left by the audit would surface in the next
client's transaction or break the audit itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from pgbouncer import PgBouncer, find_pgbouncer
from test_hardening_support import AUDITOR, DBNAME, SECRET, HardeningServer, run_cli, start_hardening_server

pytestmark = [
    pytest.mark.catalog,
    pytest.mark.skipif(
        find_pgbouncer() is None,
        reason="pgbouncer is not installed (Debian: apt-get install -y pgbouncer; .ci/run does "
        "this when it runs as root)",
    ),
]


@pytest.fixture(scope="module")
def srv() -> Iterator[HardeningServer]:
    yield from start_hardening_server()


@pytest.fixture(scope="module")
def bouncer(srv: HardeningServer) -> Iterator[PgBouncer]:
    with PgBouncer(srv.server.port, {AUDITOR: SECRET}, pool_size=1) as pb:
        yield pb


def _findings(path: Path) -> set[tuple[str, str, str]]:
    doc = json.loads(path.read_text(encoding="utf-8"))
    return {(f["rule_id"], f["object"], f.get("role") or "") for f in doc["findings"]}


def test_audit_through_pgbouncer_transaction_pooling(srv: HardeningServer, bouncer: PgBouncer, tmp_path: Path) -> None:
    pooled_dsn = bouncer.dsn(DBNAME, AUDITOR, SECRET) + "?sslmode=disable"
    direct = run_cli(["audit", "--dsn", srv.dsn(), "--format", "json", "-o", str(tmp_path / "direct.json")], tmp_path)
    assert direct.returncode in (0, 1), direct.stderr
    for n in range(2):  # twice: the second run reuses the server connection the first one left
        pooled = run_cli(
            [
                "audit",
                "--dsn",
                pooled_dsn,
                "--format",
                "json",
                "-o",
                str(tmp_path / f"p{n}.json"),
                "--report-dir",
                str(tmp_path / "reports"),
            ],
            tmp_path,
        )
        assert pooled.returncode == direct.returncode, pooled.stderr + bouncer.log_tail()
        assert _findings(tmp_path / f"p{n}.json") == _findings(tmp_path / "direct.json")
    snap = run_cli(["snapshot", "--dsn", pooled_dsn, "-o", str(tmp_path / "snap.json")], tmp_path)
    assert snap.returncode == 0, snap.stderr
    settings = json.loads((tmp_path / "snap.json").read_text(encoding="utf-8"))["server"]["settings"]
    assert settings["transaction_read_only"] == "on"

    # Nothing leaked into the pooled server session: the next client sees the defaults.
    with psycopg.connect(pooled_dsn, autocommit=True, prepare_threshold=None) as conn:
        assert conn.execute("SHOW statement_timeout").fetchone() == ("0",)
        assert conn.execute("SHOW lock_timeout").fetchone() == ("0",)
        assert conn.execute("SHOW transaction_read_only").fetchone() == ("off",)
        assert conn.execute("SELECT count(*) FROM pg_prepared_statements").fetchone() == (0,)
    assert SECRET not in bouncer.log_text()


def test_wrong_password_through_pgbouncer_is_a_one_line_fault(bouncer: PgBouncer, tmp_path: Path) -> None:
    proc = run_cli(["audit", "--dsn", bouncer.dsn(DBNAME, AUDITOR, "Wr0ng-Pa55-abc") + "?sslmode=disable"], tmp_path)
    assert proc.returncode == 3, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "authentication failed" in lines[0], proc.stderr
    assert "Wr0ng-Pa55-abc" not in proc.stderr

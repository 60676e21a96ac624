"""Every fault ends with exit 3 and ONE line naming the cause; never a report, never a "clean".

Nothing here sends traffic off the machine: "refused" is a loopback port nobody
listens on, "unreachable" is a loopback listener that accepts and never speaks.
The slow query, the lock wait and the mid-audit termination all come from one
reliable lever: a second session holding ``ACCESS EXCLUSIVE`` on ``pg_catalog.pg_policy``
of the audited database, so the audit's read of the RLS policies (its 9th catalog
query) waits until a timeout fires or the backend is terminated.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from test_hardening_support import (
    AUDITOR,
    DBNAME,
    SECRET,
    HardeningServer,
    assert_fault,
    run_cli,
    start_hardening_server,
)

pytestmark = pytest.mark.catalog

WRONG = "Wr0ng-Pa55-abc"


@pytest.fixture(scope="module")
def srv() -> Iterator[HardeningServer]:
    yield from start_hardening_server()


def _report_args(tmp_path: Path) -> tuple[list[str], list[Path]]:
    """Options asking for every kind of report, and the paths a failed run must leave untouched."""
    rdir, json_out, sarif_out = tmp_path / "reports", tmp_path / "out.json", tmp_path / "out.sarif"
    args = [
        "--report-dir",
        str(rdir),
        "--format",
        "json",
        "-o",
        str(json_out),
        "--format",
        "sarif",
        "-o",
        str(sarif_out),
        "--fail-on",
        "critical",
    ]
    return args, [rdir, json_out, sarif_out]


def _audit_fault(
    tmp_path: Path,
    dsn: str,
    cause: str,
    *extra: str,
    secrets: tuple[str, ...] = (SECRET,),
    env: dict[str, str] | None = None,
) -> str:
    args, paths = _report_args(tmp_path)
    proc = run_cli(["audit", "--dsn", dsn, *extra, *args], tmp_path, env=env)
    line = assert_fault(proc, cause, secrets=secrets, report_paths=paths)
    snap = tmp_path / "snap.json"
    sproc = run_cli(["snapshot", "--dsn", dsn, *extra, "-o", str(snap)], tmp_path, env=env)
    assert_fault(sproc, cause, secrets=secrets, report_paths=[snap])
    return line


def _free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def _silent_listener() -> Iterator[int]:
    """A loopback TCP server that accepts connections and never sends a byte (a black hole)."""
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        srv.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
                held.append(conn)
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield int(srv.getsockname()[1])
    finally:
        stop.set()
        thread.join(5)
        for c in held:
            c.close()
        srv.close()


@contextlib.contextmanager
def _policy_catalog_locked(srv: HardeningServer, dbname: str = DBNAME) -> Iterator[psycopg.Connection[Any]]:
    """A session holding ACCESS EXCLUSIVE on pg_policy: the audit's policy query waits for it."""
    conn = psycopg.connect(srv.server.dsn(dbname), connect_timeout=10)
    try:
        conn.execute("LOCK TABLE pg_catalog.pg_policy IN ACCESS EXCLUSIVE MODE")
        yield conn
    finally:
        conn.rollback()
        conn.close()


def test_connection_refused(tmp_path: Path) -> None:
    port = _free_loopback_port()
    line = _audit_fault(
        tmp_path,
        f"postgresql://{AUDITOR}:{SECRET}@127.0.0.1:{port}/db",
        "connection refused",
        "--connect-timeout",
        "2",
    )
    assert f"port={port}" in line


def test_unreachable_host_honours_the_connect_timeout(tmp_path: Path) -> None:
    with _silent_listener() as port:
        began = time.monotonic()
        proc = run_cli(
            [
                "audit",
                "--dsn",
                f"postgresql://{AUDITOR}:{SECRET}@127.0.0.1:{port}/db",
                "--connect-timeout",
                "2",
                "--report-dir",
                str(tmp_path / "r"),
            ],
            tmp_path,
        )
        elapsed = time.monotonic() - began
    assert_fault(proc, "connect timeout expired", report_paths=[tmp_path / "r"])
    assert 1.5 <= elapsed < 10, f"connect timeout of 2s took {elapsed:.1f}s"


def test_wrong_password(srv: HardeningServer, tmp_path: Path) -> None:
    line = _audit_fault(tmp_path, srv.dsn(password=WRONG), "authentication failed", secrets=(WRONG, SECRET))
    assert f"user={AUDITOR}" in line


def test_wrong_password_from_pgpassword(srv: HardeningServer, tmp_path: Path) -> None:
    _audit_fault(tmp_path, srv.dsn(password=""), "authentication failed", secrets=(WRONG,), env={"PGPASSWORD": WRONG})


def test_tls_required_but_unavailable(srv: HardeningServer, tmp_path: Path) -> None:
    line = _audit_fault(tmp_path, srv.dsn() + "?sslmode=require", "TLS required but unavailable")
    assert "SSL" in line


def test_database_missing(srv: HardeningServer, tmp_path: Path) -> None:
    line = _audit_fault(tmp_path, srv.dsn("no such db"), "database does not exist")
    assert "no such db" in line


def test_statement_timeout_exceeded(srv: HardeningServer, tmp_path: Path) -> None:
    with _policy_catalog_locked(srv):
        began = time.monotonic()
        _audit_fault(
            tmp_path,
            srv.dsn(),
            "statement timeout exceeded",
            "--statement-timeout",
            "300ms",
            "--lock-timeout",
            "60s",
        )
        assert time.monotonic() - began < 30


def test_lock_timeout_exceeded(srv: HardeningServer, tmp_path: Path) -> None:
    with _policy_catalog_locked(srv):
        _audit_fault(tmp_path, srv.dsn(), "lock timeout exceeded", "--lock-timeout", "300ms")


def test_server_terminates_the_session_mid_audit(srv: HardeningServer, tmp_path: Path) -> None:
    """pg_terminate_backend from a second connection while the audit is between catalog queries."""
    killed: list[int] = []

    def terminate_the_waiting_audit() -> None:
        with psycopg.connect(srv.server.dsn(DBNAME), autocommit=True, connect_timeout=10) as conn:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not killed:
                rows = conn.execute(
                    "SELECT pid FROM pg_stat_activity WHERE application_name = 'ownaudit' AND wait_event_type = 'Lock'"
                ).fetchall()
                for (pid,) in rows:
                    conn.execute("SELECT pg_terminate_backend(%s)", (pid,))
                    killed.append(pid)
                time.sleep(0.05)

    with _policy_catalog_locked(srv):
        args, paths = _report_args(tmp_path)
        killer = threading.Thread(target=terminate_the_waiting_audit)
        killer.start()
        proc = run_cli(["audit", "--dsn", srv.dsn(), "--lock-timeout", "60s", *args], tmp_path)
        killer.join()
    assert killed, "the audit never waited on the locked catalog"
    assert_fault(proc, "the server terminated the session", report_paths=paths)


def test_catalog_query_denied(srv: HardeningServer, tmp_path: Path) -> None:
    srv.create_database("denied db")
    with srv.admin("denied db") as conn:
        conn.execute("REVOKE SELECT ON pg_catalog.pg_policy FROM PUBLIC")
    line = _audit_fault(tmp_path, srv.dsn("denied db"), "permission denied reading the catalog")
    assert "pg_policy" in line


def test_unknown_role_is_an_authentication_failure(srv: HardeningServer, tmp_path: Path) -> None:
    _audit_fault(tmp_path, srv.dsn(user="nobody_here", password=WRONG), "authentication failed", secrets=(WRONG,))


def test_malformed_dsn_is_a_usage_error_without_the_password(tmp_path: Path) -> None:
    proc = run_cli(["audit", "--dsn", f"host=127.0.0.1 password={SECRET} port=notaport ="], tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert SECRET not in proc.stdout + proc.stderr


def _nightly(srv: HardeningServer, tmp_path: Path, rdir: Path, password: str = SECRET) -> dict[str, Any]:
    """One nightly run into ``rdir``; the JSON document of the run directory it created."""
    before = {p.name for p in rdir.iterdir()} if rdir.exists() else set()
    run_cli(["audit", "--dsn", srv.dsn(password=password), "--report-dir", str(rdir), "-q"], tmp_path)
    (new,) = [p for p in rdir.iterdir() if p.is_dir() and not p.is_symlink() and p.name not in before]
    doc: dict[str, Any] = json.loads((new / "findings.json").read_text(encoding="utf-8"))
    return doc


def test_an_incomplete_nightly_run_claims_nothing_resolved(srv: HardeningServer, tmp_path: Path) -> None:
    rdir = tmp_path / "reports"
    complete = _nightly(srv, tmp_path, rdir)
    assert complete["complete"] is True and complete["findings"]
    failed = _nightly(srv, tmp_path, rdir, password=WRONG)
    assert failed["status"] == "incomplete"
    # an incomplete run is compared with nothing: it claims no finding resolved (or new)
    assert ((failed["comparison"] or {}).get("counts") or {}).get("resolved", 0) == 0, failed["comparison"]


def test_the_next_complete_run_compares_with_the_last_complete_one(srv: HardeningServer, tmp_path: Path) -> None:
    rdir = tmp_path / "reports"
    first = _nightly(srv, tmp_path, rdir)
    _nightly(srv, tmp_path, rdir, password=WRONG)
    again = _nightly(srv, tmp_path, rdir)
    assert again["comparison"]["counts"]["new"] == 0, again["comparison"]["counts"]
    assert again["comparison"]["counts"]["unchanged"] == len(first["findings"])

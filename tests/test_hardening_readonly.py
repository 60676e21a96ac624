"""The audit is read-only and needs no privilege: proved from the server's own statement log.

A private server logs every statement (``log_statement = all``) with the session's
application name; a full ``ownaudit audit`` runs as the grant-less audit role and the
test reads back every statement that session sent.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from test_hardening_support import (
    AUDITOR,
    LOG_SETTINGS,
    SECRET,
    HardeningServer,
    logged_statements,
    run_cli,
    start_hardening_server,
)

pytestmark = pytest.mark.catalog

# What a read-only, lock-gentle session may send: the read-only BEGIN, SET LOCAL, SELECT/SHOW, the end.
_ALLOWED = re.compile(
    r"^(?:BEGIN\b.*\bREAD ONLY\b.*|START TRANSACTION\b.*\bREAD ONLY\b.*|SET LOCAL\s+\w+\s*(?:=|TO)\s*.*|"
    r"SELECT\b.*|SHOW\b.*|COMMIT|ROLLBACK|END)$",
    re.IGNORECASE | re.DOTALL,
)
# Inside an allowed statement: nothing that locks rows or tables, writes, or changes the session.
_FORBIDDEN = re.compile(
    r"\bFOR\s+(?:NO\s+KEY\s+)?UPDATE\b|\bFOR\s+(?:KEY\s+)?SHARE\b|\bLOCK\b|\bINSERT\b|\bUPDATE\s+\w+\s+SET\b|"
    r"\bDELETE\s+FROM\b|\bMERGE\s+INTO\b|\bTRUNCATE\b|\bCREATE\b|\bALTER\b|\bDROP\b|\bGRANT\b|\bREVOKE\b|"
    r"\bSELECT\b[^;]*\bINTO\s+(?:TEMP|TEMPORARY|UNLOGGED|TABLE)\b|\bpg_advisory|\bnextval\s*\(|\bsetval\s*\(|"
    r"\bset_config\s*\(|\bpg_(?:terminate|cancel)_backend|\bpg_read_file|\blo_import|\bdblink",
    re.IGNORECASE,
)


def _strip_literals(text: str) -> str:
    """SQL without string literals and comments (a keyword inside a literal is not a statement)."""
    text = re.sub(r"'(?:[^']|'')*'", "''", text)
    text = re.sub(r"--[^\n]*", " ", text)
    return re.sub(r"/\*.*?\*/", " ", text, flags=re.DOTALL)


@pytest.fixture(scope="module")
def logsrv() -> Iterator[HardeningServer]:
    yield from start_hardening_server(LOG_SETTINGS)


def _audit_json(logsrv: HardeningServer, tmp_path: Path, dsn: str) -> tuple[int, set[tuple[str, str, str]]]:
    out = tmp_path / f"audit-{len(list(tmp_path.iterdir()))}.json"
    proc = run_cli(["audit", "--dsn", dsn, "--format", "json", "-o", str(out)], tmp_path)
    assert proc.returncode in (0, 1), proc.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    return proc.returncode, {(f["rule_id"], f["object"], f.get("role") or "") for f in doc["findings"]}


def test_a_full_audit_sends_only_read_only_statements(logsrv: HardeningServer, tmp_path: Path) -> None:
    pos = logsrv.server.log_position()
    proc = run_cli(["audit", "--dsn", logsrv.dsn(), "--format", "json", "-o", str(tmp_path / "a.json")], tmp_path)
    assert proc.returncode in (0, 1), proc.stderr
    log = logsrv.server.log_text(pos)
    stmts = logged_statements(log, app="ownaudit")
    assert stmts, "the audit's statements were not found in the server log"
    assert {s.user for s in stmts} == {AUDITOR}
    assert len({s.pid for s in stmts}) == 1, "the audit must read in one session"
    # One transaction, opened read-only, first thing.
    assert re.match(r"BEGIN\b.*\bREAD ONLY\b", stmts[0].sql, re.I), stmts[0].sql
    assert sum(1 for s in stmts if s.sql.upper().startswith(("BEGIN", "START TRANSACTION"))) == 1
    for s in stmts:
        assert _ALLOWED.match(s.sql), f"statement not allowed in a read-only audit: {s.sql[:200]!r}"
        assert not _FORBIDDEN.search(_strip_literals(s.sql)), f"write or lock in: {s.sql[:300]!r}"
        # No named prepared statements: behind a transaction-mode pooler they would hit another backend.
        assert s.prepared_name in ("", "<unnamed>"), s.prepared_name
    set_local = [s.sql for s in stmts if s.sql.upper().startswith("SET")]
    assert any("statement_timeout" in s for s in set_local) and any("lock_timeout" in s for s in set_local)
    # Catalog only: never information_schema (filters to the current role) nor pg_authid (superuser only).
    text = "\n".join(_strip_literals(s.sql) for s in stmts)
    assert not re.search(r"\binformation_schema\s*\.", text, re.I)
    assert "pg_authid" not in text
    assert SECRET not in log


def test_default_transaction_read_only_off_changes_nothing(logsrv: HardeningServer, tmp_path: Path) -> None:
    """A role (or database) default of read-write does not make the audit's transaction writable."""
    with logsrv.admin() as conn:
        conn.execute(f"ALTER ROLE {AUDITOR} SET default_transaction_read_only = off")
        conn.execute('ALTER DATABASE "Marketing DB" SET default_transaction_read_only = off')
    try:
        snap_file = tmp_path / "snap.json"
        pos = logsrv.server.log_position()
        proc = run_cli(["snapshot", "--dsn", logsrv.dsn(), "-o", str(snap_file)], tmp_path)
        assert proc.returncode == 0, proc.stderr
        settings = json.loads(snap_file.read_text(encoding="utf-8"))["server"]["settings"]
        # Read inside the audit's own transaction: the default is off, the transaction is read-only.
        assert settings["default_transaction_read_only"] == "off"
        assert settings["transaction_read_only"] == "on"
        stmts = logged_statements(logsrv.server.log_text(pos))
        assert re.match(r"BEGIN\b.*\bREAD ONLY\b", stmts[0].sql, re.I), stmts[0].sql
    finally:
        with logsrv.admin() as conn:
            conn.execute(f"ALTER ROLE {AUDITOR} RESET default_transaction_read_only")
            conn.execute('ALTER DATABASE "Marketing DB" RESET default_transaction_read_only')


def test_grantless_role_finds_exactly_what_a_superuser_finds(logsrv: HardeningServer, tmp_path: Path) -> None:
    """Least privilege: LOGIN and nothing else, on a database whose objects all belong to others."""
    with logsrv.admin() as conn:
        row = conn.execute(
            "SELECT r.rolsuper, r.rolcreaterole, r.rolcreatedb, r.rolbypassrls, r.rolreplication, "
            "(SELECT count(*) FROM pg_auth_members m WHERE m.member = r.oid), "
            "(SELECT count(*) FROM pg_class c WHERE c.relowner = r.oid), "
            "(SELECT count(*) FROM pg_class c, aclexplode(c.relacl) a WHERE a.grantee = r.oid), "
            "(SELECT count(*) FROM pg_namespace n, aclexplode(n.nspacl) a WHERE a.grantee = r.oid) "
            "FROM pg_roles r WHERE r.rolname = %s",
            (AUDITOR,),
        ).fetchone()
        # Schemas of the seed are closed to PUBLIC: the auditor cannot even look inside them.
        usage = conn.execute("SELECT has_schema_privilege(%s, 'cl', 'USAGE')", (AUDITOR,)).fetchone()
    assert row == (False, False, False, False, False, 0, 0, 0, 0)
    assert usage == (False,)
    code_a, as_auditor = _audit_json(logsrv, tmp_path, logsrv.dsn())
    code_s, as_super = _audit_json(logsrv, tmp_path, logsrv.server.dsn("Marketing DB"))
    assert as_auditor, "the seed as written has findings"
    assert as_auditor == as_super, (
        f"only as auditor: {sorted(as_auditor - as_super)}\nonly as superuser: {sorted(as_super - as_auditor)}"
    )
    assert code_a == code_s

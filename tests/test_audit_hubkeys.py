"""The audit under the keys real hubs need, on a real server: the seed's database, the shipped policy
plus one key, then a login as the role to show what the catalog really allows."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from ownaudit.findings import Severity
from ownaudit.policy.loader import load_policy_text
from test_audit_helpers import POLICY_PATH, World, build_world, by_rule, describe, one

pytestmark = pytest.mark.catalog

CONDITIONAL = """\
      lifecycle_state:
        purpose: Current lifecycle truth
        column_grants:
          - hub: barton-outreach-core
            operations: [UPDATE]
            columns: [outreach_uid]
            condition: outreach_uid IS NULL
            reason: write-once pointer the CL hub sanctions
"""

SCHEMA_WRITER = """\
  outreach:
    owner: barton-outreach-core
    status: active
    purpose: Outreach execution
    readers: all
    writers:
      - hubs: [company-lifecycle-cl]
        operations: [INSERT]
        create: true
        reason: CL appends outreach hand-off rows and creates its hand-off tables
"""


@pytest.fixture
def world(fresh_db: Any) -> World:
    return build_world(fresh_db.dsn)


def _policy(world: World, old: str, new: str) -> None:
    text = world.subst(POLICY_PATH.read_text(encoding="utf-8"))
    assert old in text, old
    world.policy = load_policy_text(text.replace(old, world.subst(new), 1), str(POLICY_PATH))


def _as(world: World, role: str, sql: str) -> None:
    with psycopg.connect(world.dsn, autocommit=True) as conn:
        conn.execute(f'SET ROLE "{world.r(role)}"')
        conn.execute(world.subst(sql).encode())


def test_conditional_column_exception_is_reported_as_only_enforceable_by_a_trigger(world: World) -> None:
    _policy(world, "      lifecycle_state:\n        purpose: Current lifecycle truth\n", CONDITIONAL)
    world.as_owner("""
        GRANT UPDATE (outreach_uid) ON cl.lifecycle_state TO outreach_writer;
        INSERT INTO cl.company_identity (company_unique_id, legal_name, created_by) VALUES ('c1', 'Acme', 'cl');
        INSERT INTO cl.lifecycle_state (company_unique_id, cl_stage, outreach_uid) VALUES ('c1', 'OUTREACH', 'o-1');
    """)
    result = world.audit()
    f = one(result, "AUD160", obj="cl.lifecycle_state(outreach_uid)")
    assert f.severity == Severity.MEDIUM and "only enforceable by a trigger" in f.message
    assert any("UPDATE (outreach_uid) on cl.lifecycle_state" in e for e in f.evidence), f.evidence
    assert f.location is not None and f.location.line > 1
    assert not by_rule(result, "AUD001", obj="cl.lifecycle_state"), describe(result)  # the grant is allowed
    # the grant cannot hold the condition: the Outreach writer really clears the pointer
    _as(world, "outreach_writer", "UPDATE cl.lifecycle_state SET outreach_uid = NULL WHERE company_unique_id = 'c1'")
    world.as_owner("UPDATE cl.lifecycle_state SET outreach_uid = 'o-1'")
    # the suggested trigger does hold it
    assert f.fix_sql
    world.as_owner(f.fix_sql)
    with pytest.raises(psycopg.errors.RaiseException):
        _as(world, "outreach_writer",
            "UPDATE cl.lifecycle_state SET outreach_uid = NULL WHERE company_unique_id = 'c1'")
    world.as_owner("""
        INSERT INTO cl.company_identity (company_unique_id, legal_name, created_by) VALUES ('c2', 'Beta', 'cl');
        INSERT INTO cl.lifecycle_state (company_unique_id, cl_stage) VALUES ('c2', 'OUTREACH');
    """)
    _as(world, "outreach_writer",  # setting it once, where it is still NULL, stays possible
        "UPDATE cl.lifecycle_state SET outreach_uid = 'o-2' WHERE company_unique_id = 'c2' AND outreach_uid IS NULL")
    assert world.query("SELECT outreach_uid FROM cl.lifecycle_state WHERE company_unique_id = 'c2'") == [("o-2",)]
    again = one(world.audit(), "AUD160", obj="cl.lifecycle_state(outreach_uid)")
    assert again.severity == Severity.LOW and "verify" in again.message


def test_frozen_legacy_table_has_no_writer_and_the_legacy_grant_is_a_cross_hub_write(world: World) -> None:
    """The shipped policy freezes marketing.company_master; the grant its legacy location had is a drift."""
    assert world.policy.frozen(world.policy.tables()[0].ref) is None
    world.as_owner("GRANT INSERT, UPDATE, DELETE ON marketing.company_master TO outreach_writer")
    result = world.audit()
    f = one(result, "AUD001", obj="marketing.company_master", role=world.r("outreach_writer"))
    assert f.severity == Severity.CRITICAL and "frozen until its migration" in f.message
    assert not by_rule(result, "AUD010", obj="marketing.company_master"), describe(result)
    assert f.fix_sql and "REVOKE" in f.fix_sql
    _as(world, "outreach_writer", "DELETE FROM marketing.company_master")  # the write really is possible
    world.as_owner(f.fix_sql)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        _as(world, "outreach_writer", "DELETE FROM marketing.company_master")
    assert not by_rule(world.audit(), "AUD001", obj="marketing.company_master")


def test_schema_level_writer_with_create(world: World) -> None:
    _policy(world, """  outreach:
    owner: barton-outreach-core
    status: active
    purpose: Outreach execution
    readers: all
""", SCHEMA_WRITER)
    world.as_owner("GRANT CREATE ON SCHEMA outreach TO cl_writer, ui_reader")
    result = world.audit()
    assert not by_rule(result, "AUD060", role=world.r("cl_writer")), describe(result)
    one(result, "AUD060", obj="outreach", role=world.r("ui_reader"))
    # every outreach table, listed or not, expects the CL writer's INSERT (and only INSERT)
    missing = by_rule(result, "AUD010", role=world.r("cl_writer"))
    assert {f.object for f in missing} >= {"outreach.people", "outreach.send_log", "outreach.campaigns"}
    assert all("INSERT" in f.message and "UPDATE" not in f.message for f in missing), describe(result)
    world.as_owner("GRANT INSERT, UPDATE ON outreach.people TO cl_writer")
    after = world.audit()
    assert not by_rule(after, "AUD010", obj="outreach.people", role=world.r("cl_writer"))
    upd = one(after, "AUD002", obj="outreach.people", role=world.r("cl_writer"))
    assert "UPDATE" in upd.message and "INSERT" not in upd.message
    _as(world, "cl_writer", "CREATE TABLE outreach.cl_handoff (id int)")  # the CREATE the policy allows


def test_auditing_a_hubs_own_database_is_reported(fresh_db_factory: Any) -> None:
    """A DSN pointed at the UI's own Neon database (neondb) audits the wrong database."""
    from ownaudit.audit.engine import run_audit
    from ownaudit.catalog.reader import read_catalog
    from ownaudit.policy.loader import load_policy

    db = fresh_db_factory("neondb")
    result = run_audit(load_policy(POLICY_PATH), read_catalog(db.dsn))
    f = one(result, "AUD161", obj="neondb")
    assert f.severity == Severity.HIGH and "site-scout-pro's own database 'ui-neon'" in f.message
    assert f.location is not None and f.location.line > 1
    other = fresh_db_factory("scratch_copy")
    assert not by_rule(run_audit(load_policy(POLICY_PATH), read_catalog(other.dsn)), "AUD161")

"""Each access rule on a real server: start from the correctly granted seed, drift once, audit.

Write paths (AUD001/002), missing access (AUD010-013), structural privileges and
options (AUD020-022), ownership (AUD030), role attributes (AUD050/051) and CREATE
(AUD060-062).
"""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from ownaudit.findings import Severity
from ownaudit.policy.model import quote_ident
from test_audit_helpers import World, build_world, by_rule, describe, one

pytestmark = pytest.mark.catalog


@pytest.fixture
def world(fresh_db: Any) -> World:
    return build_world(fresh_db.dsn)


def test_clean_world_has_no_access_findings(world: World) -> None:
    result = world.audit()
    assert not [f for f in result.findings if f.severity.at_least(Severity.MEDIUM)], describe(result)


def test_cross_hub_write_by_direct_grant(world: World) -> None:
    world.sql("GRANT INSERT, DELETE ON outreach.people TO ui_reader")
    f = one(world.audit(), "AUD001", obj="outreach.people", role=world.r("ui_reader"))
    assert f.severity == Severity.CRITICAL and f.hub == "barton-outreach-core"
    assert f"{world.r('ui_reader')} -[grant]-> INSERT on outreach.people" in f.evidence
    assert f"{world.r('ui_reader')} -[grant]-> DELETE on outreach.people" in f.evidence
    assert f.fix_sql and f"REVOKE INSERT ON outreach.people FROM {world.r('ui_reader')};" in f.fix_sql
    assert f.location is not None and f.location.path.endswith("ownership.yaml") and f.location.line > 1


def test_cross_hub_write_through_set_role_membership(world: World) -> None:
    """NOINHERIT member: the write is usable only after SET ROLE, and still reported."""
    world.sql("ALTER ROLE ui_reader NOINHERIT; GRANT outreach_writer TO ui_reader")
    f = one(world.audit(), "AUD001", obj="outreach.people", role=world.r("ui_reader"))
    path = f"{world.r('ui_reader')} -[member, SET]-> {world.r('outreach_writer')} -[grant]-> INSERT on outreach.people"
    assert path in f.evidence, f.evidence
    assert f"REVOKE {world.r('outreach_writer')} FROM {world.r('ui_reader')};" in (f.fix_sql or "")
    # the path is real: ui_reader cannot insert as itself, but can after SET ROLE
    with psycopg.connect(world.dsn, autocommit=True) as conn:
        conn.execute(f"SET ROLE {world.r('ui_reader')}")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO outreach.campaigns (campaign_id, company_unique_id) VALUES ('c1', 'x')")
        conn.execute(f"SET ROLE {world.r('outreach_writer')}")
        conn.execute("INSERT INTO outreach.campaigns (campaign_id, company_unique_id) VALUES ('c1', 'x')")


def test_cross_hub_write_through_public_column_grant_owner_and_predefined_roles(world: World) -> None:
    world.sql("""
        GRANT UPDATE ON cl.lifecycle_state TO PUBLIC;
        GRANT UPDATE (legal_name) ON cl.company_identity TO outreach_writer;
        GRANT "Marketing DB_owner" TO cl_writer;
        GRANT pg_write_all_data TO ui_reader;
    """)
    result = world.audit()
    pub = one(result, "AUD001", obj="cl.lifecycle_state", role="PUBLIC")
    assert "PUBLIC -[grant]-> UPDATE on cl.lifecycle_state" in pub.evidence
    assert "REVOKE UPDATE ON cl.lifecycle_state FROM PUBLIC;" in (pub.fix_sql or "")
    via_public = one(result, "AUD001", obj="cl.lifecycle_state", role=world.r("outreach_writer"))
    assert any("-[public]->" in e for e in via_public.evidence)
    col = one(result, "AUD001", obj="cl.company_identity", role=world.r("outreach_writer"))
    assert any("UPDATE (legal_name) on cl.company_identity" in e for e in col.evidence)
    owner = one(result, "AUD001", obj="outreach.people", role=world.r("cl_writer"))
    assert any("-[owner]-> INSERT on outreach.people" in e and world.owner in e for e in owner.evidence)
    assert f'REVOKE "{world.owner}" FROM {world.r("cl_writer")};' in (owner.fix_sql or "")
    pre = one(result, "AUD001", obj="outreach.people", role=world.r("ui_reader"))
    assert any("pg_write_all_data -[predefined]-> INSERT on outreach.people" in e for e in pre.evidence)


def test_cross_hub_write_by_superuser_and_by_role_outside_the_policy(world: World) -> None:
    stranger = f"stranger_{world.suffix}"
    world.sql(
        f"ALTER ROLE ui_reader SUPERUSER; CREATE ROLE {stranger};"
        f"GRANT USAGE ON SCHEMA cl TO {stranger}; GRANT DELETE ON cl.merge_records TO {stranger}"
    )
    result = world.audit()
    su = one(result, "AUD001", obj="cl.merge_records", role=world.r("ui_reader"))
    assert any("-[superuser]->" in e for e in su.evidence)
    f = one(result, "AUD001", obj="cl.merge_records", role=stranger)
    assert f.hub == "company-lifecycle-cl" and "not in the policy" in f.message
    attr = one(result, "AUD050", obj=world.r("ui_reader"), role=world.r("ui_reader"))
    assert attr.severity == Severity.CRITICAL
    assert attr.fix_sql == f"ALTER ROLE {world.r('ui_reader')} NOSUPERUSER;"


def test_excess_privilege_inside_own_hub(world: World) -> None:
    world.sql("GRANT TRUNCATE ON cl.lifecycle_history TO cl_writer")
    result = world.audit()
    f = one(result, "AUD002", obj="cl.lifecycle_history", role=world.r("cl_writer"))
    assert f.severity == Severity.MEDIUM and "TRUNCATE" in f.message
    assert not by_rule(result, "AUD001")


def test_writer_missing_write_privilege(world: World) -> None:
    world.sql("REVOKE DELETE ON cl.merge_records FROM cl_writer")
    f = one(world.audit(), "AUD010", obj="cl.merge_records", role=world.r("cl_writer"))
    assert f.severity == Severity.HIGH and "DELETE" in f.message
    assert f.fix_sql == f"GRANT DELETE ON cl.merge_records TO {world.r('cl_writer')};"


def test_reader_missing_select(world: World) -> None:
    world.sql("REVOKE SELECT ON outreach.people FROM ui_reader")
    f = one(world.audit(), "AUD011", obj="outreach.people", role=world.r("ui_reader"))
    assert f.fix_sql == f"GRANT SELECT ON outreach.people TO {world.r('ui_reader')};"


def test_missing_schema_usage(world: World) -> None:
    world.sql("REVOKE USAGE ON SCHEMA outreach FROM cl_writer")
    f = one(world.audit(), "AUD012", obj="outreach", role=world.r("cl_writer"))
    assert f.fix_sql == f"GRANT USAGE ON SCHEMA outreach TO {world.r('cl_writer')};"
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        world.query("SELECT 1 FROM outreach.people", role="cl_writer")


def test_missing_sequence_usage_for_serial_column(world: World) -> None:
    world.as_owner("CREATE TABLE cl.audit_events (id serial PRIMARY KEY, note text)")
    world.sql("REVOKE USAGE ON SEQUENCE cl.audit_events_id_seq FROM cl_writer")
    f = one(world.audit(), "AUD013", obj="cl.audit_events_id_seq", role=world.r("cl_writer"))
    assert f.fix_sql == f"GRANT USAGE ON SEQUENCE cl.audit_events_id_seq TO {world.r('cl_writer')};"
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        world.query("INSERT INTO cl.audit_events (note) VALUES ('x') RETURNING id", role="cl_writer")


def test_structural_privileges_outside_owning_hub(world: World) -> None:
    world.sql("GRANT REFERENCES, TRIGGER ON cl.company_identity TO outreach_writer;"
              "GRANT REFERENCES ON cl.lifecycle_state TO outreach_writer")
    result = world.audit()
    f = one(result, "AUD020", obj="cl.company_identity", role=world.r("outreach_writer"))
    # rated by end effect: TRIGGER runs the holder's code in every writer's statements
    assert "REFERENCES" in f.message and "TRIGGER" in f.message and f.severity == Severity.CRITICAL
    r = one(result, "AUD020", obj="cl.lifecycle_state", role=world.r("outreach_writer"))
    assert r.severity == Severity.HIGH and "blocks the owner's deletes" in r.message


def test_grant_option_held_by_non_owner(world: World) -> None:
    world.sql("GRANT SELECT ON cl.company_identity TO ui_reader WITH GRANT OPTION")
    f = one(world.audit(), "AUD021", obj="cl.company_identity", role=world.r("ui_reader"))
    assert f.fix_sql == f"REVOKE GRANT OPTION FOR SELECT ON cl.company_identity FROM {world.r('ui_reader')};"


def test_admin_option_on_application_role(world: World) -> None:
    world.sql("GRANT cl_writer TO outreach_writer WITH ADMIN OPTION")
    result = world.audit()
    f = one(result, "AUD022", obj=world.r("cl_writer"), role=world.r("outreach_writer"))
    assert f.fix_sql == f"REVOKE ADMIN OPTION FOR {world.r('cl_writer')} FROM {world.r('outreach_writer')};"
    assert by_rule(result, "AUD001", obj="cl.company_identity", role=world.r("outreach_writer"))


def test_wrong_owner_of_table_schema_and_function(world: World) -> None:
    world.sql("""
        ALTER TABLE outreach.campaigns OWNER TO outreach_writer;
        ALTER SCHEMA marketing OWNER TO cl_writer;
        CREATE FUNCTION cl.score(text) RETURNS int LANGUAGE sql AS 'SELECT 1';
    """)
    result = world.audit()
    t = one(result, "AUD030", obj="outreach.campaigns")
    assert t.role == world.r("outreach_writer")
    assert t.fix_sql == f'ALTER TABLE outreach.campaigns OWNER TO "{world.owner}";'
    s = one(result, "AUD030", obj="marketing")
    assert s.fix_sql == f'ALTER SCHEMA marketing OWNER TO "{world.owner}";'
    fn = one(result, "AUD030", obj="cl.score(text)")
    assert fn.fix_sql == f'ALTER FUNCTION cl.score(text) OWNER TO "{world.owner}";'


def test_dangerous_attribute_directly_and_through_set_role(world: World) -> None:
    boss = f"boss_{world.suffix}"
    world.sql(f"ALTER ROLE outreach_writer BYPASSRLS; CREATE ROLE {boss} CREATEROLE;GRANT {boss} TO cl_writer")
    result = world.audit()
    direct = one(result, "AUD050", obj=world.r("outreach_writer"), role=world.r("outreach_writer"))
    assert direct.severity == Severity.HIGH and "BYPASSRLS" in direct.message
    via = one(result, "AUD050", obj=boss, role=world.r("cl_writer"))
    chain = f"{world.r('cl_writer')} -[member, INHERIT, SET]-> {boss} -[attribute]-> CREATEROLE"
    assert chain in via.evidence


def test_membership_in_neon_superuser(world: World) -> None:
    world.sql(
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'neon_superuser') THEN "
        "CREATE ROLE neon_superuser NOLOGIN; END IF; END $$; GRANT neon_superuser TO ui_reader"
    )
    f = one(world.audit(), "AUD051", obj=world.r("ui_reader"))
    assert f.severity == Severity.CRITICAL
    assert f.fix_sql == f"REVOKE neon_superuser FROM {world.r('ui_reader')};"


def test_create_on_foreign_schema_public_and_database(world: World) -> None:
    world.sql("GRANT CREATE ON SCHEMA cl TO outreach_writer; GRANT CREATE ON SCHEMA public TO PUBLIC")
    db = world.query("SELECT current_database()")[0][0]
    world.sql(f'GRANT CREATE ON DATABASE "{db}" TO ui_reader')
    result = world.audit()
    f = one(result, "AUD060", obj="cl", role=world.r("outreach_writer"))
    assert f.fix_sql == f"REVOKE CREATE ON SCHEMA cl FROM {world.r('outreach_writer')};"
    pub = one(result, "AUD061", obj="public", role="PUBLIC")
    assert pub.fix_sql == "REVOKE CREATE ON SCHEMA public FROM PUBLIC;"
    d = one(result, "AUD062", obj=db, role=world.r("ui_reader"))
    assert d.fix_sql == f"REVOKE CREATE ON DATABASE {quote_ident(db)} FROM {world.r('ui_reader')};"


def test_maintain_outside_owning_hub(world: World, skip_below: Any) -> None:
    """PostgreSQL 17 added MAINTAIN; the audit reads the privilege list from the server."""
    skip_below(17, "MAINTAIN exists from PostgreSQL 17")
    world.sql("GRANT MAINTAIN ON outreach.people TO cl_writer")
    f = one(world.audit(), "AUD020", obj="outreach.people", role=world.r("cl_writer"))
    assert "MAINTAIN" in f.message
    assert f.fix_sql == f"REVOKE MAINTAIN ON outreach.people FROM {world.r('cl_writer')};"

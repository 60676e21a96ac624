"""Each object rule on a real server: RLS (AUD040-045), default privileges (AUD070/071),
inventory (AUD080-082), foreign keys (AUD090-092), indirect paths (AUD100-105) and
policy exceptions (AUD110, suppression)."""

from __future__ import annotations

import datetime as _dt
from typing import Any

import pytest

from ownaudit.findings import Severity
from test_audit_helpers import World, build_world, by_rule, describe, one

pytestmark = pytest.mark.catalog


@pytest.fixture
def world(fresh_db: Any) -> World:
    return build_world(fresh_db.dsn)


# -- row-level security ----------------------------------------------------------


def test_rls_required_but_disabled(world: World) -> None:
    world.sql("ALTER TABLE cl.company_identity DISABLE ROW LEVEL SECURITY")
    f = one(world.audit(), "AUD040", obj="cl.company_identity")
    assert f.fix_sql == "ALTER TABLE cl.company_identity ENABLE ROW LEVEL SECURITY;"
    assert f.location is not None and f.location.line > 1  # the rls.enabled line of the policy


def test_rls_forced_differs_from_policy(world: World) -> None:
    world.sql("ALTER TABLE outreach.company_target FORCE ROW LEVEL SECURITY")
    f = one(world.audit(), "AUD041", obj="outreach.company_target")
    assert f.fix_sql == "ALTER TABLE outreach.company_target NO FORCE ROW LEVEL SECURITY;"


def test_rls_hides_every_row_from_a_role_holding_select(world: World) -> None:
    world.sql(
        "INSERT INTO cl.company_identity VALUES ('C1', 'Acme', now(), 'test');"
        "DROP POLICY cl_read_policy ON cl.company_identity"
    )
    result = world.audit()
    for role in ("ui_reader", "outreach_writer"):
        f = one(result, "AUD042", obj="cl.company_identity", role=world.r(role))
        assert f.severity == Severity.HIGH and "silently sees zero rows" in f.message
        assert any("policy cl_write_policy" in e for e in f.evidence)
        assert f.fix_sql and f.fix_sql.startswith("CREATE POLICY")
    assert world.query("SELECT count(*) FROM cl.company_identity", role="ui_reader") == [(0,)]
    assert world.query("SELECT count(*) FROM cl.company_identity") == [(1,)]
    assert one(result, "AUD045", obj="cl.company_identity/cl_read_policy")  # and the matrix says so


def test_rls_write_policy_to_public(world: World) -> None:
    world.sql("CREATE POLICY open_write ON outreach.company_target FOR ALL USING (true)")
    result = world.audit()
    f = one(result, "AUD043", obj="outreach.company_target/open_write", role="PUBLIC")
    assert f.fix_sql == "DROP POLICY open_write ON outreach.company_target;"
    assert one(result, "AUD045", obj="outreach.company_target/open_write")


def test_rls_restrictive_policy_blocks_the_writer(world: World) -> None:
    world.sql('CREATE POLICY "freeze" ON cl.company_identity AS RESTRICTIVE FOR UPDATE TO cl_writer USING (false)')
    f = one(world.audit(), "AUD044", obj="cl.company_identity/freeze", role=world.r("cl_writer"))
    assert "UPDATE" in f.message
    assert f.fix_sql == 'DROP POLICY "freeze" ON cl.company_identity;'  # FREEZE is a keyword: quoted


def test_rls_policy_set_differs_from_matrix(world: World) -> None:
    world.sql("ALTER POLICY cl_read_policy ON cl.company_identity TO ui_reader")
    result = world.audit()
    f = one(result, "AUD045", obj="cl.company_identity/cl_read_policy")
    assert "roles" in f.message and f.location is not None
    assert one(result, "AUD042", obj="cl.company_identity", role=world.r("outreach_writer"))


# -- default privileges ---------------------------------------------------------------


def test_default_privileges_missing_for_the_creator(world: World) -> None:
    world.sql(
        'ALTER DEFAULT PRIVILEGES FOR ROLE "Marketing DB_owner" IN SCHEMA outreach '
        "REVOKE SELECT ON TABLES FROM ui_reader"
    )
    f = one(world.audit(), "AUD070", obj=f"{world.owner}/outreach/table")
    assert world.r("ui_reader") in f.message
    assert f.fix_sql == (
        f'ALTER DEFAULT PRIVILEGES FOR ROLE "{world.owner}" IN SCHEMA outreach '
        f"GRANT SELECT ON TABLES TO {world.r('ui_reader')};"
    )
    world.as_owner("CREATE TABLE outreach.new_table (id int)")  # the finding is true: no grant arrives
    assert world.query(f"SELECT has_table_privilege('{world.r('ui_reader')}', 'outreach.new_table', 'SELECT')") == [
        (False,)
    ]


def test_default_privileges_too_broad(world: World) -> None:
    world.sql('ALTER DEFAULT PRIVILEGES FOR ROLE "Marketing DB_owner" IN SCHEMA cl GRANT INSERT ON TABLES TO ui_reader')
    f = one(world.audit(), "AUD071", obj=f"{world.owner}/cl/table", role=world.r("ui_reader"))
    assert f.severity == Severity.HIGH
    assert f.fix_sql == (
        f'ALTER DEFAULT PRIVILEGES FOR ROLE "{world.owner}" IN SCHEMA cl '
        f"REVOKE INSERT ON TABLES FROM {world.r('ui_reader')};"
    )


# -- inventory -----------------------------------------------------------------------------


def test_table_unknown_to_the_matrix(world: World) -> None:
    world.as_owner("CREATE TABLE cl.tmp_import (id int)")
    f = one(world.audit(), "AUD080", obj="cl.tmp_import")
    assert f.hub == "company-lifecycle-cl"


def test_matrix_table_missing_from_database(world: World) -> None:
    world.sql("DROP TABLE outreach.engagement_events")
    f = one(world.audit(), "AUD081", obj="outreach.engagement_events")
    assert f.location is not None and f.location.line > 1


def test_policy_role_missing_from_server(world: World) -> None:
    world.sql("DROP OWNED BY ui_reader; DROP ROLE ui_reader")
    f = one(world.audit(), "AUD082", obj=world.r("ui_reader"))
    assert f.hub == "site-scout-pro"


# -- foreign keys ------------------------------------------------------------------------------


def test_undeclared_cross_hub_foreign_key(world: World) -> None:
    world.sql(
        "ALTER TABLE outreach.people ADD CONSTRAINT people_cl_fk FOREIGN KEY (company_unique_id) "
        "REFERENCES cl.company_identity (company_unique_id)"
    )
    result = world.audit()
    f = one(result, "AUD090", obj="outreach.people/people_cl_fk")
    assert "not declared" in f.message
    assert not by_rule(result, "AUD092")  # NO ACTION: blocks, does not cascade


def test_foreign_key_action_differs_from_declaration(world: World) -> None:
    world.sql(
        "ALTER TABLE outreach.people DROP CONSTRAINT people_target_id_fkey, ADD CONSTRAINT "
        "people_target_id_fkey FOREIGN KEY (target_id) REFERENCES outreach.company_target (target_id) "
        "ON DELETE RESTRICT"
    )
    f = one(world.audit(), "AUD091", obj="outreach.people/people_target_id_fkey")
    assert "ON DELETE RESTRICT (declared CASCADE)" in f.message
    assert f.fix_sql is not None and "ON DELETE CASCADE" in f.fix_sql


def test_cross_hub_foreign_key_cascade(world: World) -> None:
    world.sql(
        "ALTER TABLE outreach.company_target DROP CONSTRAINT fk_company_lifecycle, ADD CONSTRAINT "
        "fk_company_lifecycle FOREIGN KEY (company_unique_id) REFERENCES cl.company_identity "
        "(company_unique_id) ON DELETE CASCADE"
    )
    result = world.audit()
    f = one(result, "AUD092", obj="outreach.company_target/fk_company_lifecycle")
    assert f.severity == Severity.CRITICAL and "removes rows of outreach.company_target" in f.message
    assert f.fix_sql is not None and "ON DELETE RESTRICT" in f.fix_sql
    assert one(result, "AUD091", obj="outreach.company_target/fk_company_lifecycle")
    # the finding is true: CL deleting its row deletes Outreach's row (as the child's owner, RLS ignored)
    world.sql(
        "INSERT INTO cl.company_identity VALUES ('C1', 'Acme', now(), 't');"
        "INSERT INTO outreach.company_target (target_id, company_unique_id) VALUES ('T1', 'C1')"
    )
    world.query("DELETE FROM cl.company_identity WHERE company_unique_id = 'C1' RETURNING 1", role="cl_writer")
    assert world.query("SELECT count(*) FROM outreach.company_target") == [(0,)]


# -- indirect paths ------------------------------------------------------------------------------


def test_security_definer_function_writing_governed_table(world: World) -> None:
    world.as_owner("""
        CREATE FUNCTION public.touch_company(id text) RETURNS void SECURITY DEFINER LANGUAGE sql
            AS $$ UPDATE cl.company_identity SET legal_name = legal_name WHERE company_unique_id = id $$;
        CREATE FUNCTION public.safe_touch(id text) RETURNS void SECURITY DEFINER
            SET search_path = pg_catalog, cl LANGUAGE plpgsql
            AS $$ BEGIN DELETE FROM company_identity WHERE company_unique_id = id; END $$;
        REVOKE EXECUTE ON FUNCTION public.safe_touch(text) FROM PUBLIC;
        GRANT EXECUTE ON FUNCTION public.safe_touch(text) TO cl_writer;
    """)
    result = world.audit()
    f = one(result, "AUD100", obj="public.touch_company(id text)", role="PUBLIC")
    assert f.severity == Severity.CRITICAL and "cl.company_identity" in f.message
    assert f.fix_sql == "REVOKE EXECUTE ON FUNCTION public.touch_company(id text) FROM PUBLIC;"
    assert one(result, "AUD101", obj="public.touch_company(id text)")
    assert not by_rule(result, "AUD100", obj="public.safe_touch(id text)")  # only CL may call it
    assert not by_rule(result, "AUD101", obj="public.safe_touch(id text)")  # search_path pinned
    # the finding is true: ui_reader cannot UPDATE the table, but the function does it for it
    assert world.query("SELECT public.touch_company('C1')", role="ui_reader") == [(None,)]


def test_security_definer_function_with_dynamic_sql_may_write_anything(world: World) -> None:
    world.as_owner("""
        CREATE FUNCTION public.purge(tbl text) RETURNS void SECURITY DEFINER SET search_path = pg_catalog
            LANGUAGE plpgsql AS $$ BEGIN EXECUTE format('DELETE FROM %s', tbl); END $$;
    """)
    f = one(world.audit(), "AUD100", obj="public.purge(tbl text)", role="PUBLIC")
    assert "dynamic SQL" in f.message and f.severity == Severity.CRITICAL


def test_auto_updatable_view_gives_a_write_path(world: World) -> None:
    world.as_owner(
        "CREATE VIEW public.people_v AS SELECT * FROM outreach.people;"
        "GRANT SELECT, UPDATE ON public.people_v TO ui_reader"
    )
    result = world.audit()
    f = one(result, "AUD102", obj="public.people_v", role=world.r("ui_reader"))
    assert f.severity == Severity.CRITICAL
    assert f.fix_sql == f"REVOKE UPDATE ON public.people_v FROM {world.r('ui_reader')};"
    world.sql(
        "INSERT INTO cl.company_identity VALUES ('C', 'Acme', now(), 't');"
        "INSERT INTO outreach.company_target (target_id, company_unique_id) VALUES ('T', 'C');"
        "INSERT INTO outreach.people (person_id, target_id, company_unique_id) VALUES ('P', 'T', 'C')"
    )
    updated = world.query("UPDATE public.people_v SET email = 'x' RETURNING person_id", role="ui_reader")
    assert updated == [("P",)]


def test_view_without_security_invoker_bypasses_rls(world: World) -> None:
    world.as_owner(
        "CREATE VIEW public.ids AS SELECT company_unique_id FROM cl.company_identity;"
        "GRANT SELECT ON public.ids TO PUBLIC"
    )
    f = one(world.audit(), "AUD103", obj="public.ids", role="PUBLIC")
    assert f.severity == Severity.HIGH and "bypasses RLS of cl.company_identity" in f.message
    assert f.fix_sql == "ALTER VIEW public.ids SET (security_invoker = true);"


def test_sequence_usable_outside_owning_hub(world: World) -> None:
    world.as_owner(
        "CREATE TABLE cl.events (id serial PRIMARY KEY);GRANT USAGE, UPDATE ON SEQUENCE cl.events_id_seq TO ui_reader"
    )
    result = world.audit()
    f = one(result, "AUD104", obj="cl.events_id_seq", role=world.r("ui_reader"))
    assert "USAGE, UPDATE" in f.message, describe(result)
    assert f.fix_sql == f"REVOKE USAGE, UPDATE ON SEQUENCE cl.events_id_seq FROM {world.r('ui_reader')};"
    assert not by_rule(result, "AUD104", role=world.r("cl_writer"))


def test_user_trigger_and_rule_on_governed_tables(world: World) -> None:
    world.as_owner("""
        CREATE FUNCTION public.noop_trg() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
        CREATE TRIGGER stamp BEFORE INSERT ON cl.company_identity
            FOR EACH ROW EXECUTE FUNCTION public.noop_trg();
        CREATE RULE keep AS ON DELETE TO outreach.campaigns DO INSTEAD NOTHING;
    """)
    result = world.audit()
    t = one(result, "AUD105", obj="cl.company_identity/stamp")
    assert t.fix_sql == "DROP TRIGGER stamp ON cl.company_identity;  -- if not intended"
    assert one(result, "AUD105", obj="outreach.campaigns/keep")
    assert not by_rule(result, "AUD105", obj="cl.company_identity/RI_ConstraintTrigger")


# -- exceptions ------------------------------------------------------------------------------------


def test_valid_exception_suppresses_and_expired_exception_is_a_finding(world: World) -> None:
    ui = world.r("ui_reader")
    world.load_policy(f"""
exceptions:
  - rule: AUD001
    object: outreach.people
    role: {ui}
    reason: Temporary backfill by the UI team
    expires: 2030-12-31
    ticket: SEC-1
  - rule: AUD020
    object: cl.company_identity
    reason: FK experiment
    expires: 2020-01-31
""")
    world.sql("GRANT INSERT ON outreach.people TO ui_reader;GRANT REFERENCES ON cl.company_identity TO ui_reader")
    result = world.audit(today=_dt.date(2026, 6, 1))
    kept = one(result, "AUD001", obj="outreach.people", role=ui)
    assert kept.suppressed and kept.suppression and "Temporary backfill" in kept.suppression
    assert kept not in result.failing(Severity.HIGH)
    live = one(result, "AUD020", obj="cl.company_identity", role=ui)
    assert not live.suppressed and live.properties["expired_exception"]["expires"] == "2020-01-31"
    expired = one(result, "AUD110", obj="AUD020:cl.company_identity")
    assert "expired on 2020-01-31" in expired.message and expired.location is not None
    # a run after the first exception expires reports the write again
    later = world.audit(today=_dt.date(2031, 1, 1))
    assert not one(later, "AUD001", obj="outreach.people", role=ui).suppressed
    assert len(by_rule(later, "AUD110")) == 2


def test_audit_never_writes(world: World, fresh_db: Any) -> None:
    """Every statement the audit sends is read-only, inside one READ ONLY transaction."""
    pos = fresh_db.log_all_statements()
    world.audit()
    log = fresh_db.server.log_text(pos)
    mine = [line for line in log.splitlines() if f"{world.auditor}@" in line and "statement:" in line]
    assert mine, log[-2000:]
    statements = " ".join(line.split("statement:", 1)[1].strip() for line in mine).upper()
    assert "READ ONLY" in statements
    for word in ("INSERT ", "UPDATE ", "DELETE ", "CREATE ", "ALTER ", "DROP ", "GRANT ", "TRUNCATE ", "LOCK "):
        assert word not in statements.replace("FOR UPDATE", ""), word

"""The acts-as graph on a real server: each edge kind is built, audited (finding, severity, chain) and
then proven by logging in as the role and doing the write the finding claims."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from ownaudit.findings import Severity
from test_audit_helpers import World, build_world, by_rule, one

pytestmark = pytest.mark.catalog

COMPANY = "INSERT INTO cl.company_identity VALUES ('C1', 'Acme', now(), 't')"


@pytest.fixture
def world(fresh_db: Any) -> World:
    return build_world(fresh_db.dsn)


def login(world: World, role: str) -> psycopg.Connection[Any]:
    """A real session as ``role`` (a seed name or a literal role), with a password set for it."""
    name = world.r(role) if role in ("cl_writer", "outreach_writer", "ui_reader") else role
    with psycopg.connect(world.dsn, autocommit=True) as admin:
        admin.execute(f"ALTER ROLE \"{name}\" LOGIN PASSWORD 'pw-{world.suffix}'")
    return psycopg.connect(world.dsn, user=name, password=f"pw-{world.suffix}", autocommit=True)


def graph_targets(world: World, role: str, kind: str) -> set[str]:
    """The roles ``role`` acts as through edges of ``kind``."""
    from ownaudit.audit.checks.acts_as import graph
    from ownaudit.audit.context import AuditContext

    return {e.target for e in graph(AuditContext(world.policy, world.snapshot())).edges_from(role)
            if e.kind == kind}


def count(world: World, sql: str) -> int:
    (n,) = world.query(sql)[0]
    return int(n)


# -- triggers ----------------------------------------------------------------------------------


def test_definer_trigger_function_writes_another_hubs_table(world: World) -> None:
    world.as_owner("""
        CREATE FUNCTION cl.sync_fn() RETURNS trigger SECURITY DEFINER SET search_path = pg_catalog
        LANGUAGE plpgsql AS $$ BEGIN
            INSERT INTO cl.lifecycle_history (history_id, company_unique_id, event_type, to_state, actor)
            VALUES (NEW.target_id, NEW.company_unique_id, 'sync', 'x', 'trigger'); RETURN NEW; END $$;
        CREATE TRIGGER t_sync AFTER INSERT ON outreach.company_target FOR EACH ROW EXECUTE FUNCTION cl.sync_fn();
    """)
    ow = world.r("outreach_writer")
    f = one(world.audit(), "AUD120", obj="outreach.company_target/t_sync", role=ow)
    assert f.severity == Severity.CRITICAL and "INSERT cl.lifecycle_history" in f.message
    assert f.evidence == [f"{ow} -[INSERT]-> outreach.company_target -[trigger t_sync]-> cl.sync_fn() "
                          f"SECURITY DEFINER, owner {world.owner} -[INSERT]-> cl.lifecycle_history"]
    assert f.fix_sql is not None and f.fix_sql.startswith("ALTER FUNCTION cl.sync_fn() SECURITY INVOKER")
    world.sql(COMPANY)
    with login(world, "outreach_writer") as conn:  # no grant on cl.lifecycle_history ...
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO cl.lifecycle_history VALUES ('h', 'C1', 'e', null, 's', null, 'a')")
        conn.execute("INSERT INTO outreach.company_target (target_id, company_unique_id) VALUES ('T1', 'C1')")
    assert count(world, "SELECT count(*) FROM cl.lifecycle_history WHERE history_id = 'T1'") == 1


def test_trigger_function_owned_by_an_app_role_acts_as_every_writer(world: World) -> None:
    world.sql("""
        CREATE SCHEMA tools AUTHORIZATION outreach_writer;
        GRANT USAGE ON SCHEMA tools TO PUBLIC;
        CREATE FUNCTION tools.stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
        ALTER FUNCTION tools.stamp() OWNER TO outreach_writer;
        CREATE TRIGGER stamp BEFORE INSERT ON cl.company_identity FOR EACH ROW EXECUTE FUNCTION tools.stamp();
    """)
    ow, cw = world.r("outreach_writer"), world.r("cl_writer")
    result = world.audit()
    f = one(result, "AUD120", obj="cl.company_identity/stamp", role=ow)
    # the shortest chain to each table wins: the migrations owner also inserts into the table
    assert f.severity == Severity.CRITICAL and f"as {world.owner}" in f.message
    assert f.evidence[0].startswith(f"{ow} -[owns trigger function tools.stamp() of trigger stamp on "
                                    f"cl.company_identity, run by {world.owner}'s INSERT]-> {world.owner}")
    assert graph_targets(world, ow, "trigger-owner") >= {cw, world.owner}
    assert f.fix_sql == f'ALTER FUNCTION tools.stamp() OWNER TO "{world.owner}";'
    # proof: outreach_writer rewrites the body; cl_writer's next insert writes CL's history as cl_writer
    with login(world, "outreach_writer") as conn:
        conn.execute("""CREATE OR REPLACE FUNCTION tools.stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
            NEW.legal_name := 'written as ' || current_user; RETURN NEW; END $$""")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(COMPANY)
    with login(world, "cl_writer") as conn:
        conn.execute(COMPANY)
    assert world.query("SELECT legal_name FROM cl.company_identity") == [(f"written as {cw}",)]


def test_trigger_privilege_on_another_hubs_table(world: World) -> None:
    world.sql("""CREATE SCHEMA ui_tools AUTHORIZATION ui_reader;
                 GRANT TRIGGER ON outreach.people TO ui_reader""")
    ui, ow = world.r("ui_reader"), world.r("outreach_writer")
    f = one(world.audit(), "AUD120", obj="outreach.people", role=ui)
    assert f.severity == Severity.CRITICAL and f"as {world.owner}" in f.message
    assert f.evidence[0].startswith(f"{ui} -[holds TRIGGER on outreach.people: a trigger it creates runs in "
                                    f"{world.owner}'s ")
    assert ow in graph_targets(world, ui, "trigger-privilege")
    assert f.fix_sql == f"REVOKE TRIGGER ON outreach.people FROM {ui};"
    # proof: ui_reader plants a trigger; outreach_writer's insert writes outreach.campaigns for it
    with login(world, "ui_reader") as conn:
        conn.execute("""CREATE FUNCTION ui_tools.t() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
            INSERT INTO outreach.campaigns (campaign_id, company_unique_id) VALUES ('planted', 'C1');
            RETURN NEW; END $$;
            GRANT USAGE ON SCHEMA ui_tools TO PUBLIC;
            CREATE TRIGGER planted AFTER INSERT ON outreach.people FOR EACH ROW EXECUTE FUNCTION ui_tools.t()""")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO outreach.campaigns (campaign_id, company_unique_id) VALUES ('d', 'C1')")
    world.sql(COMPANY + "; INSERT INTO outreach.company_target (target_id, company_unique_id) VALUES ('T', 'C1')")
    with login(world, "outreach_writer") as conn:
        conn.execute("INSERT INTO outreach.people (person_id, target_id, company_unique_id) VALUES ('P', 'T', 'C1')")
    assert count(world, "SELECT count(*) FROM outreach.campaigns WHERE campaign_id = 'planted'") == 1


# -- rules -------------------------------------------------------------------------------------------


def test_rule_writes_another_table_with_the_owners_rights(world: World) -> None:
    world.as_owner("""CREATE RULE mirror AS ON INSERT TO outreach.campaigns DO ALSO
                      DELETE FROM cl.merge_records""")
    ow = world.r("outreach_writer")
    f = one(world.audit(), "AUD121", obj="outreach.campaigns/mirror", role=ow)
    assert f.severity == Severity.CRITICAL and "DELETE cl.merge_records" in f.message
    assert f.evidence == [f"{ow} -[INSERT]-> outreach.campaigns -[rule mirror, as owner {world.owner}]-> "
                          "DELETE on cl.merge_records"]
    world.sql(COMPANY + "; INSERT INTO cl.merge_records (merge_id, surviving_company_unique_id, "
              "merged_company_unique_id, merged_by) VALUES ('M', 'C1', 'C1', 'x')")
    with login(world, "outreach_writer") as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM cl.merge_records")
        conn.execute("INSERT INTO outreach.campaigns (campaign_id, company_unique_id) VALUES ('c', 'C1')")
    assert count(world, "SELECT count(*) FROM cl.merge_records") == 0


# -- implicit code ------------------------------------------------------------------------------------


def test_default_function_owner_acts_as_every_writer(world: World) -> None:
    world.sql("""
        CREATE SCHEMA ids AUTHORIZATION outreach_writer;
        GRANT USAGE ON SCHEMA ids TO PUBLIC;
        CREATE FUNCTION ids.next_name() RETURNS text LANGUAGE sql AS $$ SELECT 'n' $$;
        ALTER FUNCTION ids.next_name() OWNER TO outreach_writer;
        ALTER TABLE cl.company_identity ALTER COLUMN legal_name SET DEFAULT ids.next_name();
    """)
    ow, cw = world.r("outreach_writer"), world.r("cl_writer")
    f = one(world.audit(), "AUD122", obj="ids.next_name()", role=ow)
    assert f.severity == Severity.CRITICAL
    assert f.evidence[0].startswith(f"{ow} -[owns ids.next_name(), called by the default of column legal_name "
                                    f"of cl.company_identity, run by ")
    assert cw in graph_targets(world, ow, "code-owner")
    assert f.fix_sql == f'ALTER FUNCTION ids.next_name() OWNER TO "{world.owner}";'
    with login(world, "outreach_writer") as conn:  # the owner rewrites what every CL insert runs
        conn.execute("""CREATE OR REPLACE FUNCTION ids.next_name() RETURNS text LANGUAGE sql
                        AS $$ SELECT 'as ' || current_user $$""")
    with login(world, "cl_writer") as conn:
        conn.execute("INSERT INTO cl.company_identity (company_unique_id, created_by) VALUES ('C9', 's')")
    assert world.query("SELECT legal_name FROM cl.company_identity") == [(f"as {cw}",)]


# -- SECURITY DEFINER search_path -------------------------------------------------------------------------


def test_definer_search_path_hijack_by_create_and_by_pg_temp(world: World) -> None:
    world.as_owner("""
        CREATE FUNCTION cl.helper() RETURNS int LANGUAGE sql AS 'SELECT 1';
        CREATE FUNCTION public.score() RETURNS int SECURITY DEFINER LANGUAGE plpgsql
            AS $$ BEGIN RETURN helper(); END $$;
        CREATE FUNCTION public.log_hit() RETURNS void SECURITY DEFINER SET search_path = cl LANGUAGE plpgsql
            AS $$ BEGIN INSERT INTO merge_records (merge_id, surviving_company_unique_id,
                  merged_company_unique_id, merged_by) VALUES ('hit', 'C1', 'C1', 'f'); END $$;
    """)
    world.sql("CREATE SCHEMA ui_own AUTHORIZATION ui_reader; GRANT USAGE ON SCHEMA ui_own TO PUBLIC;" + COMPANY)
    ui = world.r("ui_reader")
    result = world.audit()
    f = one(result, "AUD123", obj="public.score()", role=ui)
    assert f.severity == Severity.CRITICAL and f"as {world.owner}" in f.message
    assert f.evidence[0].startswith(f"{ui} -[executes SECURITY DEFINER public.score(), whose search_path is not "
                                    f"pinned: it sets its own and puts schema ui_own (CREATE) first]-> {world.owner}")
    assert f.fix_sql == "ALTER FUNCTION public.score() SET search_path = pg_catalog, public, pg_temp;"
    assert not by_rule(result, "AUD123", obj="public.score()", role="PUBLIC")  # PUBLIC creates nowhere
    p = one(result, "AUD123", obj="public.log_hit()", role="PUBLIC")
    assert "pg_temp not listed (searched first)" in p.evidence[0] and p.severity == Severity.CRITICAL
    # proof 1: ui_reader's own helper() runs as the owner and deletes CL's companies' merge records
    with login(world, "ui_reader") as conn:
        conn.execute("""CREATE FUNCTION ui_own.helper() RETURNS int LANGUAGE plpgsql AS $$ BEGIN
                        UPDATE cl.company_identity SET legal_name = 'hijacked'; RETURN 2; END $$""")
        conn.execute("SET search_path = ui_own, public")
        assert conn.execute("SELECT public.score()").fetchone() == (2,)
    assert world.query("SELECT legal_name FROM cl.company_identity") == [("hijacked",)]
    # proof 2: any role's temporary table (with a trigger) captures the owner's INSERT
    with login(world, "outreach_writer") as conn:
        conn.execute("""CREATE TEMP TABLE merge_records (LIKE cl.merge_records); GRANT ALL ON merge_records TO PUBLIC;
            CREATE FUNCTION pg_temp.grab() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
                DELETE FROM cl.company_identity; RETURN NEW; END $$;
            CREATE TRIGGER grab BEFORE INSERT ON pg_temp.merge_records FOR EACH ROW EXECUTE FUNCTION pg_temp.grab()""")
        conn.execute("SELECT public.log_hit()")
    assert count(world, "SELECT count(*) FROM cl.company_identity") == 0


# -- containers and types ---------------------------------------------------------------------------------


def test_schema_owner_drops_and_type_owner_drops_a_column(world: World) -> None:
    world.sql("""
        ALTER SCHEMA marketing OWNER TO cl_writer;
        CREATE SCHEMA ui_types AUTHORIZATION ui_reader;
        CREATE DOMAIN ui_types.score AS int; ALTER DOMAIN ui_types.score OWNER TO ui_reader;
        GRANT USAGE ON SCHEMA ui_types TO PUBLIC;
        ALTER TABLE outreach.people ADD COLUMN score ui_types.score;
    """)
    cw, ui = world.r("cl_writer"), world.r("ui_reader")
    result = world.audit()
    d = one(result, "AUD124", obj="marketing", role=cw)
    assert d.severity == Severity.CRITICAL and "DROP marketing.company_master" in d.message
    assert f"{cw} -[owner of schema marketing]-> DROP marketing.company_master" in d.evidence
    t = one(result, "AUD124", obj="ui_types.score", role=ui)
    assert t.severity == Severity.CRITICAL and "ALTER outreach.people" in t.message
    assert (f"{ui} -[owner of domain ui_types.score]-> DROP DOMAIN ui_types.score CASCADE drops column score "
            "of outreach.people") in t.evidence
    with login(world, "cl_writer") as conn:
        conn.execute("DROP TABLE marketing.company_master CASCADE")
    with login(world, "ui_reader") as conn:
        conn.execute("DROP DOMAIN ui_types.score CASCADE")
    assert world.query("SELECT to_regclass('marketing.company_master'), count(*) FROM pg_attribute "
                       "WHERE attrelid = 'outreach.people'::regclass AND attname = 'score'") == [(None, 0)]


def test_write_on_a_parent_reaches_another_hubs_child(world: World) -> None:
    world.as_owner("CREATE TABLE outreach.history_copy () INHERITS (cl.lifecycle_history)")
    world.sql(COMPANY + "; INSERT INTO outreach.history_copy VALUES ('h', 'C1', 'e', null, 's', null, 'a')")
    cw = world.r("cl_writer")
    f = one(world.audit(), "AUD125", obj="cl.lifecycle_history>outreach.history_copy", role=cw)
    assert f.severity == Severity.CRITICAL and "DELETE" in f.message
    assert (f"{cw} -[DELETE]-> cl.lifecycle_history -[child (INHERITS)]-> DELETE on outreach.history_copy"
            in f.evidence)
    assert f.fix_sql == "ALTER TABLE outreach.history_copy NO INHERIT cl.lifecycle_history;"
    with login(world, "cl_writer") as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM ONLY outreach.history_copy")
        assert conn.execute("DELETE FROM cl.lifecycle_history RETURNING 1").fetchall() == [(1,)]
    assert count(world, "SELECT count(*) FROM outreach.history_copy") == 0


# -- roles, settings, integrity ------------------------------------------------------------------------


def test_predefined_roles_member_of_settings_and_disabled_integrity(world: World) -> None:
    world.sql("""
        GRANT pg_execute_server_program TO outreach_writer;
        GRANT outreach_writer TO cl_writer;
        ALTER ROLE ui_reader SET session_replication_role = replica;
        ALTER TABLE outreach.people DISABLE TRIGGER ALL;
    """)
    ow, cw, ui = world.r("outreach_writer"), world.r("cl_writer"), world.r("ui_reader")
    result = world.audit()
    p = one(result, "AUD126", obj=ow, role=ow)
    assert p.severity == Severity.CRITICAL and "superuser-equivalent" in p.message
    assert p.fix_sql == f"REVOKE pg_execute_server_program FROM {ow};"
    m = one(result, "AUD127", obj=f"{cw}/{ow}", role=cw)
    assert m.severity == Severity.CRITICAL and "member_of does not allow" in m.message
    assert m.evidence[0].startswith(f"{cw} -[member, INHERIT, SET]-> {ow}")
    s = one(result, "AUD128", obj=f"{ui}/session_replication_role", role=ui)
    assert s.severity == Severity.CRITICAL and "stop firing" in s.message
    assert s.fix_sql == f"ALTER ROLE {ui} RESET session_replication_role;"
    i = one(result, "AUD129", obj="outreach.people/foreign-keys")
    assert "people_target_id_fkey" in i.message and i.severity == Severity.HIGH
    assert i.fix_sql == "ALTER TABLE outreach.people ENABLE TRIGGER ALL;"
    # proofs, each as the role itself
    with login(world, "outreach_writer") as conn:
        conn.execute("COPY (SELECT 1) TO PROGRAM 'cat > /dev/null'")  # a shell command as the server's OS user
        conn.execute("INSERT INTO outreach.people (person_id, target_id, company_unique_id) "
                     "VALUES ('orphan', 'no-such-target', 'x')")  # FK switched off: accepted
    with login(world, "cl_writer") as conn:
        conn.execute("INSERT INTO outreach.campaigns (campaign_id, company_unique_id) VALUES ('c', 'x')")
    with login(world, "ui_reader") as conn:
        assert conn.execute("SHOW session_replication_role").fetchone() == ("replica",)
    # a version-1 snapshot holds none of these records: said, never passed
    from ownaudit.audit.engine import run_audit
    from ownaudit.catalog.model import CatalogSnapshot

    data = world.snapshot().to_dict()
    data["version"] = 1
    old = run_audit(world.policy, CatalogSnapshot.from_dict(data))
    assert one(old, "AUD134", obj="snapshot").severity == Severity.HIGH
    assert not [f for f in old.findings if f.rule_id in ("AUD120", "AUD128", "AUD129")]
    assert one(old, "AUD127", obj=f"{cw}/{ow}", role=cw)  # memberships are in every version


def test_connect_lost_and_event_trigger_function_owned_by_an_app_role(world: World, fresh_db: Any) -> None:
    db = fresh_db.name
    world.sql(f'REVOKE CONNECT ON DATABASE "{db}" FROM PUBLIC;'
              f'GRANT CONNECT ON DATABASE "{db}" TO cl_writer, outreach_writer, "{world.auditor}";'
              """CREATE SCHEMA ddl AUTHORIZATION outreach_writer;
                 CREATE FUNCTION ddl.log() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$;
                 ALTER FUNCTION ddl.log() OWNER TO outreach_writer;
                 CREATE EVENT TRIGGER log_ddl ON ddl_command_end EXECUTE FUNCTION ddl.log();""")
    ui, ow = world.r("ui_reader"), world.r("outreach_writer")
    result = world.audit()
    c = one(result, "AUD130", obj=ui, role=ui)
    assert c.fix_sql == f"GRANT CONNECT ON DATABASE {db} TO {ui};" and c.severity == Severity.HIGH
    assert not by_rule(result, "AUD130", role=world.r("cl_writer"))
    e = one(result, "AUD132", obj="log_ddl", role=ow)
    assert e.severity == Severity.CRITICAL
    assert e.fix_sql is not None and e.fix_sql.startswith("ALTER FUNCTION ddl.log() OWNER TO ")
    with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
        login(world, "ui_reader").close()
    with login(world, "outreach_writer") as conn:  # the app role rewrites what every DDL runs
        conn.execute("""CREATE OR REPLACE FUNCTION ddl.log() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN
                        IF current_setting('is_superuser') = 'on' THEN
                            INSERT INTO public.ran_as VALUES (current_user); END IF; END $$""")
    world.sql("CREATE TABLE public.ran_as (who text)")  # a superuser's migration runs the app role's code
    assert world.query("SELECT r.rolsuper FROM public.ran_as JOIN pg_roles r ON r.rolname = who") == [(True,)]


# -- read exposures and sensitivity ------------------------------------------------------------------------


def test_read_exposures_are_rated_by_policy_sensitivity(world: World, fresh_db: Any) -> None:
    text = world.policy_text.replace("purpose: Sovereign company records",
                                     "purpose: Sovereign company records\n        sensitivity: confidential", 1)
    from ownaudit.policy.loader import load_policy_text

    world.policy = load_policy_text(text, "ownership.yaml")
    world.as_owner("""
        CREATE FUNCTION public.lookup() RETURNS SETOF cl.company_identity SECURITY DEFINER
            SET search_path = pg_catalog LANGUAGE sql AS $$ SELECT * FROM cl.company_identity $$;
        CREATE FUNCTION public.stages() RETURNS SETOF text SECURITY DEFINER SET search_path = pg_catalog
            LANGUAGE sql AS $$ SELECT cl_stage FROM cl.lifecycle_state $$;
        CREATE VIEW public.names AS SELECT legal_name FROM cl.company_identity;
        GRANT SELECT ON public.names TO PUBLIC;
    """)
    world.sql(COMPANY)
    result = world.audit()
    f = one(result, "AUD133", obj="public.lookup()", role="PUBLIC")
    assert f.severity == Severity.CRITICAL and "cl.company_identity" in f.message
    assert f.evidence[0].endswith(f"-[security definer, as {world.owner}]-> SELECT on cl.company_identity "
                                  "(returns SETOF cl.company_identity)")
    assert f.fix_sql == "REVOKE EXECUTE ON FUNCTION public.lookup() FROM PUBLIC;"
    assert one(result, "AUD133", obj="public.stages()", role="PUBLIC").severity == Severity.MEDIUM  # default
    assert one(result, "AUD103", obj="public.names", role="PUBLIC").severity == Severity.CRITICAL
    nobody = fresh_db.create_role(f"nobody_{world.suffix}")
    with psycopg.connect(fresh_db.role_dsn(nobody), autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT * FROM cl.company_identity")
        assert conn.execute("SELECT legal_name FROM public.lookup()").fetchall() == [("Acme",)]
        assert conn.execute("SELECT legal_name FROM public.names").fetchall() == [("Acme",)]


# -- foreign data wrappers -----------------------------------------------------------------------------


def test_loopback_user_mapping_acts_as_its_remote_user(world: World, fresh_db: Any) -> None:
    if not world.query("SELECT 1 FROM pg_available_extensions WHERE name = 'postgres_fdw'"):
        pytest.skip("postgres_fdw is not installed on this server")
    from ownaudit.audit.engine import run_audit
    from ownaudit.catalog.reader import read_catalog

    info = fresh_db.conn.info
    owner_pw = fresh_db.set_password(world.owner)
    world.sql(f"""CREATE EXTENSION postgres_fdw;
        CREATE SERVER loop FOREIGN DATA WRAPPER postgres_fdw
            OPTIONS (host '{info.host}', port '{info.port}', dbname '{fresh_db.name}');
        CREATE USER MAPPING FOR ui_reader SERVER loop OPTIONS (user 'Marketing DB_owner', password '{owner_pw}');
        GRANT USAGE ON FOREIGN SERVER loop TO ui_reader;
        CREATE SCHEMA ui_own AUTHORIZATION ui_reader;""")
    ui = world.r("ui_reader")
    # the grant-less auditor cannot see the mapping's options: reported, never passed
    hidden = one(world.audit(), "AUD131", obj=f"loop/{ui}", role=ui)
    assert hidden.severity == Severity.HIGH and "not verified" in hidden.message
    # a reader allowed to see them (here the superuser) gets the whole path; the password is never read
    snap = read_catalog(fresh_db.dsn)
    (um,) = [m for m in snap.user_mappings if m.user == ui]
    assert um.remote_user == world.owner and um.option_names == ["password", "user"]
    assert owner_pw not in repr(snap.to_dict())
    f = one(run_audit(world.policy, snap), "AUD131", obj=f"loop/{ui}", role=ui)
    assert f.severity == Severity.CRITICAL and f"as {world.owner}" in f.message
    assert f.evidence[0].startswith(f"{ui} -[user mapping on postgres_fdw server loop (this database) logs in "
                                    f"as {world.owner}]-> {world.owner}")
    assert f.fix_sql == f"DROP USER MAPPING FOR {ui} SERVER loop;"
    with login(world, "ui_reader") as conn:  # the reader writes CL's table as the owner
        conn.execute("IMPORT FOREIGN SCHEMA cl LIMIT TO (company_identity) FROM SERVER loop INTO ui_own")
        conn.execute("INSERT INTO ui_own.company_identity VALUES ('FDW', 'via loop', now(), 'x')")
    assert world.query("SELECT count(*) FROM cl.company_identity WHERE company_unique_id = 'FDW'") == [(1,)]

"""Property: from a clean database, any drift SQL can fix is fixed by one plan, and the result is the policy.

A random drift (grants and revokes on tables, columns and sequences; memberships with INHERIT/SET/ADMIN;
ownership; RLS switches and policies; default privileges; FK actions; SECURITY DEFINER functions; views;
role attributes; schema CREATE) is applied to the seed converged by a plan; then audit, plan, apply, audit.
The last audit must be clean, and what every policy role can do to every governed table, asked of the
server with ``has_table_privilege`` and tried by logging in as the role, must be what the policy says.
A failure prints the (shrunk) drift as SQL.

The normal run tries a few examples; ``bench/stress_model.py`` runs many (``OWNAUDIT_DRIFT_EXAMPLES``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg import sql

from ownaudit.audit.engine import run_audit
from ownaudit.catalog.reader import read_catalog
from ownaudit.demo_data import apply_seed
from ownaudit.plan.build import build_plan
from ownaudit.plan.render import PlanHeader, render_sql
from ownaudit.policy.loader import load_policy
from ownaudit.policy.model import Policy, TableRef
from ownaudit.privileges import Privilege

pytestmark = pytest.mark.catalog

POLICY = Path(__file__).resolve().parents[1] / "policy" / "ownership.yaml"
DB = "Marketing DB"
TEMPLATE = "ownaudit_drift_base"
EXAMPLES = int(os.environ.get("OWNAUDIT_DRIFT_EXAMPLES", "4"))

ROLES = ("cl_writer", "outreach_writer", "ui_reader")
GRANTEES = (*ROLES, "PUBLIC")
TABLES = ("cl.company_identity", "cl.lifecycle_state", "cl.lifecycle_history", "outreach.people",
          "outreach.campaigns", "outreach.company_target", "marketing.company_master", "public.shq_error_log")
SCHEMAS = ("cl", "outreach", "marketing")
PRIVS = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")
OWNER = '"Marketing DB_owner"'
PREDEFINED = ("pg_write_all_data", "pg_read_all_data")
CHECKED = (Privilege.SELECT, Privilege.INSERT, Privilege.UPDATE, Privilege.DELETE, Privilege.TRUNCATE)


def _q(role: str) -> str:
    return role if role == "PUBLIC" else f'"{role}"'


def _membership(pg16: bool) -> st.SearchStrategy[str]:
    def make(pair: tuple[str, str], inherit: bool, set_: bool, admin: bool) -> str:
        role, member = pair
        if pg16:
            return (f"GRANT {role} TO {member} WITH INHERIT {str(inherit).upper()}, SET {str(set_).upper()}, "
                    f"ADMIN {str(admin).upper()};")
        return f"GRANT {role} TO {member}{' WITH ADMIN OPTION' if admin else ''};"

    pairs = st.tuples(st.sampled_from(ROLES), st.sampled_from(ROLES)).filter(lambda p: p[0] != p[1])
    return st.builds(make, pairs, st.booleans(), st.booleans(), st.booleans())


def _definer(table: str, grantee: str, pin: bool) -> str:
    name = f"public.drift_{table.replace('.', '_')}_{grantee.lower()}_{int(pin)}"
    grant = f" GRANT EXECUTE ON FUNCTION {name}() TO {_q(grantee)};" if grantee != "PUBLIC" else ""
    path = " SET search_path = pg_catalog" if pin else ""
    return (f"SET ROLE {OWNER}; CREATE FUNCTION {name}() RETURNS void LANGUAGE sql SECURITY DEFINER{path} "
            f"AS $$ DELETE FROM {table} WHERE false $$; RESET ROLE;{grant}")


def drift_ops(pg16: bool) -> st.SearchStrategy[str]:
    t, r, g, p, s = (st.sampled_from(x) for x in (TABLES, ROLES, GRANTEES, PRIVS, SCHEMAS))
    fmt = st.builds
    return st.one_of(
        fmt(lambda p, t, g, opt: f"GRANT {p} ON {t} TO {_q(g)}{' WITH GRANT OPTION' if opt and g != 'PUBLIC' else ''};",
            p, t, g, st.booleans()),
        fmt(lambda p, t, g: f"REVOKE {p} ON {t} FROM {_q(g)};", p, t, g),
        fmt(lambda t, g: f"GRANT UPDATE (created_at) ON {t} TO {_q(g)};",
            st.sampled_from(("cl.company_identity", "outreach.people", "outreach.campaigns")), g),
        fmt(lambda p, g: f"GRANT {p} ON SEQUENCE public.shq_error_log_error_id_seq TO {_q(g)};",
            st.sampled_from(("USAGE", "UPDATE", "SELECT")), g),
        fmt(lambda g: f"REVOKE USAGE ON SEQUENCE public.shq_error_log_error_id_seq FROM {_q(g)};", g),
        _membership(pg16),
        fmt(lambda t, r: f"ALTER TABLE {t} OWNER TO {_q(r)};", t, r),
        fmt(lambda t, how: f"ALTER TABLE {t} {how} ROW LEVEL SECURITY;",
            st.sampled_from(("cl.company_identity", "outreach.company_target")),
            st.sampled_from(("DISABLE", "FORCE", "NO FORCE"))),
        st.sampled_from(("DROP POLICY cl_read_policy ON cl.company_identity;",
                         "CREATE POLICY wide ON outreach.company_target FOR ALL TO PUBLIC USING (true);",
                         "CREATE POLICY narrow ON cl.company_identity AS RESTRICTIVE FOR ALL TO cl_writer "
                         "USING (false);")),
        fmt(lambda s, p, g: f"ALTER DEFAULT PRIVILEGES FOR ROLE {OWNER} IN SCHEMA {s} GRANT {p} ON TABLES "
                            f"TO {_q(g)};", s, p, g),
        fmt(lambda s, g: f"ALTER DEFAULT PRIVILEGES FOR ROLE {OWNER} IN SCHEMA {s} REVOKE SELECT ON TABLES "
                         f"FROM {_q(g)};", s, g),
        fmt(lambda a: "ALTER TABLE outreach.company_target DROP CONSTRAINT fk_company_lifecycle, ADD CONSTRAINT "
                      "fk_company_lifecycle FOREIGN KEY (company_unique_id) REFERENCES cl.company_identity "
                      f"(company_unique_id) ON DELETE {a};",
            st.sampled_from(("CASCADE", "SET NULL", "NO ACTION"))),
        fmt(_definer, st.sampled_from(("cl.lifecycle_state", "outreach.campaigns")), g, st.booleans()),
        fmt(lambda g: f"SET ROLE {OWNER}; CREATE VIEW public.drift_view_{g.lower()} AS SELECT company_unique_id, "
                      f"cl_stage FROM cl.lifecycle_state; RESET ROLE; GRANT SELECT, INSERT, UPDATE ON "
                      f"public.drift_view_{g.lower()} TO {_q(g)};", g),
        fmt(lambda r, a: f"ALTER ROLE {r} {a};", r, st.sampled_from(("CREATEDB", "BYPASSRLS", "CREATEROLE"))),
        fmt(lambda s, g: f"GRANT CREATE ON SCHEMA {s} TO {_q(g)};", s, g),
        fmt(lambda s, r: f"REVOKE USAGE ON SCHEMA {s} FROM {r};", s, r),
        fmt(lambda p, r: f"GRANT {p} TO {r};", st.sampled_from(PREDEFINED), r),
        fmt(lambda s, r: f"ALTER SCHEMA {s} OWNER TO {r};", s, r),
        fmt(lambda s, g: f"GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA {s} TO {_q(g)};", s, g),
    )


def _dsn(server: Any, db: str) -> str:
    return str(server.dsn(db))


@contextmanager
def _database(server: Any) -> Iterator[str]:
    with server.connect() as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DB)))
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {} OWNER {}").format(
            sql.Identifier(DB), sql.Identifier(TEMPLATE), sql.Identifier("Marketing DB_owner")))
    try:
        yield _dsn(server, DB)
    finally:
        with server.connect() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DB)))
            for role in ROLES:  # roles are cluster-wide: undo what a drift did to them
                conn.execute(f"ALTER ROLE {role} NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS")
            for member, role in conn.execute(
                    "SELECT m.rolname, r.rolname FROM pg_auth_members a JOIN pg_roles m ON m.oid = a.member "
                    "JOIN pg_roles r ON r.oid = a.roleid WHERE m.rolname = ANY(%s) AND r.rolname = ANY(%s)",
                    (list(ROLES), [*ROLES, *PREDEFINED])).fetchall():
                conn.execute(f"REVOKE {role} FROM {member} CASCADE")


def _apply(dsn: str, text: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(text.encode())


def _plan_sql(policy: Policy, dsn: str) -> tuple[str, Any]:
    plan = build_plan(policy, read_catalog(dsn))
    return render_sql(plan, PlanHeader("test", policy.path, policy.digest)), plan


@pytest.fixture
def baseline(fresh_db_factory: Any, pg_server: Any) -> Iterator[Any]:
    """A template database: the seed as written, converged by one plan (the audit is clean there).

    ``fresh_db_factory`` is requested for its teardown: it drops the roles and databases made here.
    """
    policy = load_policy(POLICY)
    with pg_server.connect() as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DB)))
    try:
        dsn = _dsn(pg_server, DB)
        with psycopg.connect(dsn, autocommit=True) as conn:
            apply_seed(conn)
        text, _ = _plan_sql(policy, dsn)
        _apply(dsn, text)
        assert not [f for f in run_audit(policy, read_catalog(dsn)).findings if not f.suppressed]
        with pg_server.connect() as conn:
            conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(TEMPLATE),
                                                                          sql.Identifier(DB)))
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(DB)))
        yield pg_server
    finally:
        with pg_server.connect() as conn:
            for name in (DB, TEMPLATE):
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _probe(conn: psycopg.Connection[Any], table: TableRef, priv: Privilege, column: str) -> bool:
    """Whether the connected role may use ``priv`` on ``table``: EXPLAIN checks permissions, writes nothing."""
    stmt = {
        Privilege.SELECT: f"EXPLAIN SELECT 1 FROM {table.sql}",
        Privilege.INSERT: f"EXPLAIN INSERT INTO {table.sql} DEFAULT VALUES",
        Privilege.UPDATE: f'EXPLAIN UPDATE {table.sql} SET "{column}" = NULL',
        Privilege.DELETE: f"EXPLAIN DELETE FROM {table.sql}",
        Privilege.TRUNCATE: f"TRUNCATE {table.sql}",
    }[priv]
    try:
        with conn.transaction(force_rollback=True):
            conn.execute(stmt.encode())
    except psycopg.errors.InsufficientPrivilege:
        return False
    except psycopg.Error:
        return True  # past the privilege check (a constraint or FK stopped it; rolled back anyway)
    return True


def _effective_matches_policy(policy: Policy, snap: Any, dsn: str, server: Any, drift: str) -> None:
    tables = [TableRef(r.schema, r.name) for r in snap.relations
              if r.relkind in "rp" and policy.table(TableRef(r.schema, r.name))]
    last_column = {f"{r.schema}.{r.name}": r.columns[-1].name for r in snap.relations if r.columns}
    cases = [(role, ref, priv) for role in ROLES for ref in tables for priv in CHECKED]
    with psycopg.connect(dsn, autocommit=True) as admin:
        rows = admin.execute(
            "SELECT has_table_privilege(r, t::regclass, p) FROM unnest(%s::text[], %s::text[], %s::text[]) "
            "WITH ORDINALITY AS x(r, t, p, n) ORDER BY n",
            ([c[0] for c in cases], [c[1].sql for c in cases], [c[2].value for c in cases])).fetchall()
        for (role, ref, priv), (has,) in zip(cases, rows, strict=True):
            want = priv in policy.allowed_privileges(role, ref)
            assert has == want, f"has_table_privilege({role}, {ref}, {priv.value}) = {has}, policy says {want}; " \
                                f"drift:\n{drift}"
        for role in ROLES:
            password = f"pw-{role}"
            admin.execute(f"ALTER ROLE {role} LOGIN PASSWORD '{password}'".encode())
            with psycopg.connect(str(server.dsn(DB, role, password)), autocommit=True) as conn:
                for ref in tables:
                    allowed = policy.allowed_privileges(role, ref)
                    for priv in CHECKED:
                        want = priv in allowed
                        assert _probe(conn, ref, priv, last_column[str(ref)]) == want, (
                            f"{role} {'cannot' if want else 'can'} {priv.value} {ref} logged in; drift:\n{drift}")


@pytest.mark.slow
def test_random_drift_is_converged_by_one_plan(baseline: Any, pg_major: int) -> None:
    policy = load_policy(POLICY)
    server = baseline

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=EXAMPLES <= 10,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(st.lists(drift_ops(pg_major >= 16), min_size=1, max_size=6))
    def run(ops: list[str]) -> None:
        drift = "\n".join(ops)
        with _database(server) as dsn:
            for op in ops:
                with suppress(psycopg.Error):  # e.g. a duplicate name or a membership loop: no drift
                    _apply(dsn, op)
            text, _ = _plan_sql(policy, dsn)
            _apply(dsn, text)
            snap = read_catalog(dsn)
            left = [f for f in run_audit(policy, snap).findings if not f.suppressed]
            assert not left, ("after the plan the audit still reports:\n"
                              + "\n".join(f"  {f.rule_id} {f.object} {f.role}: {f.message}" for f in left)
                              + f"\ndrift:\n{drift}\nplan:\n{text}")
            _effective_matches_policy(policy, snap, dsn, server, drift)

    run()

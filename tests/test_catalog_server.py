"""The catalog reader and the effective-privilege engine against a real PostgreSQL.

The central promise: what ``effective_matrix`` computes from the snapshot (inherited
paths, no SET ROLE, no owner re-grant) equals the server's own
``has_table_privilege`` for every role x table x privilege, on random grants.
"""

from __future__ import annotations

import contextlib
import random
import re
from typing import Any

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from ownaudit.catalog.effective import (
    effective_matrix,
    function_execute,
    role_graph,
    schema_access,
    sequence_access,
)
from ownaudit.catalog.reader import read_catalog
from ownaudit.connect import open_readonly
from ownaudit.errors import IncompleteError
from ownaudit.privileges import Privilege

pytestmark = pytest.mark.catalog


def _build_random(db: Any, seed: int, major: int) -> tuple[list[str], list[str], list[str]]:
    rnd = random.Random(seed)
    roles = [f"rz{seed}_r{i}" for i in range(7)]
    for r in roles:
        db.create_role(r, attrs="NOLOGIN NOINHERIT" if rnd.random() < 0.25 else "NOLOGIN")
    for _ in range(10):
        a, b = rnd.sample(roles, 2)
        opts = (
            f" WITH INHERIT {rnd.choice(['TRUE', 'FALSE'])}, SET {rnd.choice(['TRUE', 'FALSE'])}" if major >= 16 else ""
        )
        with contextlib.suppress(psycopg.errors.InvalidGrantOperation):  # would close a membership cycle
            db.execute(f"GRANT {a} TO {b}{opts}")
    for pre in ("pg_read_all_data", "pg_write_all_data", "pg_maintain"):
        if db.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (pre,)):
            db.execute(f"GRANT {pre} TO {rnd.choice(roles)}")
    privs = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"]
    privs += ["MAINTAIN"] if major >= 17 else []
    db.execute(f"CREATE SCHEMA s{seed}")
    tables = []
    for i in range(8):
        t = f"s{seed}.t{i}"
        kind = "VIEW" if i % 4 == 3 else "TABLE"
        db.execute(
            f"CREATE VIEW {t} AS SELECT 1 AS a, 'x'::text AS b"
            if kind == "VIEW"
            else f"CREATE TABLE {t} (a int, b text)"
        )
        owner = rnd.choice(roles)
        db.execute(f"ALTER {kind} {t} OWNER TO {owner}")
        tables.append(t)
        for _ in range(rnd.randint(0, 4)):
            grantee = rnd.choice([*roles, "PUBLIC"])
            option = " WITH GRANT OPTION" if grantee != "PUBLIC" and rnd.random() < 0.3 else ""
            db.execute(f"GRANT {', '.join(rnd.sample(privs, rnd.randint(1, 3)))} ON {t} TO {grantee}{option}")
        if rnd.random() < 0.4:
            db.execute(f"GRANT UPDATE (b) ON {t} TO {rnd.choice(roles)}")
        if rnd.random() < 0.3:
            db.execute(f"REVOKE {rnd.choice(privs)} ON {t} FROM {owner}")
    return roles, tables, privs


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_table_privileges_agree_with_has_table_privilege(fresh_db: Any, pg_major: int, seed: int) -> None:
    roles, tables, privs = _build_random(fresh_db, seed, pg_major)
    auditor = fresh_db.create_role(f"rz{seed}_auditor")
    snap = read_catalog(fresh_db.role_dsn(auditor))
    matrix = effective_matrix(snap, roles=roles, tables=tables)
    rows = fresh_db.execute(
        """SELECT r.rolname, n.nspname || '.' || c.relname, p, has_table_privilege(r.oid, c.oid, p)
           FROM pg_roles r, pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, unnest(%s::text[]) p
           WHERE r.rolname = ANY(%s) AND n.nspname || '.' || c.relname = ANY(%s)""",
        (privs, roles, tables),
    )
    assert len(rows) == len(roles) * len(tables) * len(privs)
    mismatches = []
    for role, table, priv, server in rows:
        paths = matrix.cell(role, table).paths.get(Privilege(priv), [])
        ours = any(not p.requires_set_role and p.via != "owner" and not p.columns for p in paths)
        if ours != server:
            mismatches.append((role, table, priv, server, [str(p) for p in paths]))
    assert mismatches == []
    assert any(r[3] for r in rows) and not all(r[3] for r in rows)


def test_memberships_agree_with_pg_has_role(fresh_db: Any, pg_major: int) -> None:
    roles, _, _ = _build_random(fresh_db, 7, pg_major)
    graph = role_graph(read_catalog(fresh_db.dsn))
    set_mode = "SET" if pg_major >= 16 else "MEMBER"
    for member, role, usage, can_set in fresh_db.execute(
        f"""SELECT m.rolname, r.rolname, pg_has_role(m.oid, r.oid, 'USAGE'),
                       pg_has_role(m.oid, r.oid, '{set_mode}')
                FROM pg_roles m, pg_roles r WHERE m.rolname = ANY(%s) AND r.rolname = ANY(%s)
                AND m.oid <> r.oid""",
        (roles, roles),
    ):
        reach = graph[member].get(role)
        assert (reach is not None and not reach.requires_set_role) == usage, (member, role)
        assert (reach is not None and reach.can_set_role) == can_set, (member, role)


def test_schema_sequence_function_privileges_agree_with_the_server(fresh_db: Any) -> None:
    owner = fresh_db.create_role("own1", attrs="NOLOGIN")
    app = fresh_db.create_role("app1", attrs="NOLOGIN")
    fresh_db.create_role("grp1", attrs="NOLOGIN")
    fresh_db.execute("GRANT grp1 TO app1")
    fresh_db.execute(f"CREATE SCHEMA k AUTHORIZATION {owner}")
    fresh_db.execute("CREATE TABLE k.t (id serial PRIMARY KEY); ALTER TABLE k.t OWNER TO own1")
    fresh_db.execute("CREATE FUNCTION k.f() RETURNS int LANGUAGE sql AS 'select 1'; ALTER FUNCTION k.f() OWNER TO own1")
    fresh_db.execute("CREATE FUNCTION k.g() RETURNS int LANGUAGE sql AS 'select 2'; ALTER FUNCTION k.g() OWNER TO own1")
    fresh_db.execute("REVOKE EXECUTE ON FUNCTION k.g() FROM PUBLIC")
    fresh_db.execute("GRANT USAGE ON SCHEMA k TO grp1; GRANT USAGE ON SEQUENCE k.t_id_seq TO grp1")
    snap = read_catalog(fresh_db.dsn)
    schemas, seqs, funcs = (
        schema_access(snap, [app]),
        sequence_access(snap, [app]),
        function_execute(snap, [app]),
    )

    def ours(m: Any, obj: str, priv: str) -> bool:
        return any(not p.requires_set_role and p.via != "owner" for p in m.cell(app, obj).paths.get(priv, []))

    for priv in ("USAGE", "CREATE"):
        (want,) = fresh_db.execute(f"SELECT has_schema_privilege('app1', 'k', '{priv}')")[0]
        assert ours(schemas, "k", priv) == want
    for priv in ("USAGE", "SELECT", "UPDATE"):
        (want,) = fresh_db.execute(f"SELECT has_sequence_privilege('app1', 'k.t_id_seq', '{priv}')")[0]
        assert ours(seqs, "k.t_id_seq", priv) == want
    assert ours(funcs, "k.f()", "EXECUTE") and not ours(funcs, "k.g()", "EXECUTE")
    seq = snap.relation("k.t_id_seq")
    assert seq is not None and seq.owned_by == "k.t.id"


def test_grantless_role_reads_the_same_catalog_as_a_superuser(fresh_db: Any) -> None:
    fresh_db.create_role("gl_owner", attrs="NOLOGIN")
    fresh_db.execute("CREATE SCHEMA hidden AUTHORIZATION gl_owner")
    fresh_db.execute("""SET ROLE gl_owner;
        CREATE TABLE hidden.t (id int PRIMARY KEY, note text);
        CREATE TABLE hidden.c (id int REFERENCES hidden.t ON DELETE CASCADE);
        CREATE VIEW hidden.v AS SELECT id FROM hidden.t;
        ALTER TABLE hidden.t ENABLE ROW LEVEL SECURITY;
        CREATE POLICY p ON hidden.t FOR SELECT USING (id > 0);
        CREATE FUNCTION hidden.f() RETURNS int LANGUAGE sql SECURITY DEFINER AS 'select 1';
        RESET ROLE""")
    nobody = fresh_db.create_role("gl_nobody")
    as_nobody = read_catalog(fresh_db.role_dsn(nobody))
    as_super = read_catalog(fresh_db.dsn)
    a, b = as_nobody.to_dict(), as_super.to_dict()
    for key in ("taken_at", "server"):
        a.pop(key), b.pop(key)
    assert a == b
    assert as_nobody.relation("hidden.v") is not None and as_nobody.relation("hidden.v").view_sources == ["hidden.t"]
    assert [p.name for p in as_nobody.policies] == ["p"] and as_nobody.policies[0].using == "(id > 0)"
    assert as_nobody.foreign_keys[0].on_delete == "cascade"
    assert not as_nobody.server.current_user_is_superuser


def test_null_acl_public_and_column_grants(fresh_db: Any) -> None:
    fresh_db.create_role("acl_w", attrs="NOLOGIN")
    fresh_db.execute("CREATE TABLE public.plain (a int, b text); CREATE TABLE public.granted (a int, b text)")
    fresh_db.execute("GRANT INSERT ON public.granted TO PUBLIC; GRANT UPDATE (b) ON public.granted TO acl_w")
    snap = read_catalog(fresh_db.dsn)
    plain, granted = snap.relation("public.plain"), snap.relation("public.granted")
    assert plain is not None and granted is not None
    # NULL relacl = the owner's defaults, not "no access".
    assert {i.privilege for i in plain.acl if i.grantee == snap.server.current_user} >= {"SELECT", "INSERT"}
    assert any(i.grantee == "PUBLIC" and i.privilege == "INSERT" for i in granted.acl)
    (col,) = [c for c in granted.columns if c.acl]
    assert col.name == "b" and [(i.grantee, i.privilege) for i in col.acl] == [("acl_w", "UPDATE")]
    m = effective_matrix(snap, roles=["acl_w", "PUBLIC"])
    assert m.cell("acl_w", "public.granted").columns(Privilege.UPDATE) == {"b"}
    assert Privilege.INSERT in m.privileges("PUBLIC", "public.granted")


@pytest.mark.min_pg(16)
def test_pg16_membership_options_are_read(fresh_db: Any) -> None:
    fresh_db.create_role("m16_writer", attrs="NOLOGIN")
    fresh_db.create_role("m16_ui", attrs="NOLOGIN")
    fresh_db.execute("GRANT m16_writer TO m16_ui WITH INHERIT FALSE, SET TRUE, ADMIN TRUE")
    (m,) = [x for x in read_catalog(fresh_db.dsn).memberships if x.member == "m16_ui"]
    assert (m.role, m.inherit, m.set_option, m.admin) == ("m16_writer", False, True, True)


@pytest.mark.min_pg(17)
def test_maintain_comes_from_the_server(fresh_db: Any) -> None:
    fresh_db.create_role("mt_role", attrs="NOLOGIN")
    fresh_db.execute("CREATE TABLE public.mt (a int); GRANT MAINTAIN ON public.mt TO mt_role")
    snap = read_catalog(fresh_db.dsn)
    assert "MAINTAIN" in snap.server.privileges["table"]
    assert effective_matrix(snap, roles=["mt_role"]).privileges("mt_role", "public.mt") == {Privilege.MAINTAIN}


def test_reader_transaction_is_read_only_and_sends_only_reads(fresh_db: Any) -> None:
    conn = open_readonly(fresh_db.dsn)
    try:
        assert conn.execute("SHOW transaction_read_only").fetchone() == ("on",)
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            conn.execute("CREATE TABLE public.nope (a int)")
    finally:
        conn.close()
    fresh_db.execute("CREATE TABLE public.t (a int)")
    pos = fresh_db.log_all_statements()
    read_catalog(fresh_db.dsn)
    logged = re.findall(r"statement:\s*(\S[^\n]*)", fresh_db.server.log_text(pos))
    assert logged, "log_statement=all captured nothing"
    for stmt in logged:
        assert re.match(
            r"\s*(BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY|SET LOCAL \w+ = (\d+|off)|SELECT|ROLLBACK)", stmt
        ), stmt


def test_query_count_is_constant_when_tables_double(fresh_db: Any) -> None:
    fresh_db.execute(
        "CREATE SCHEMA q; "
        + "; ".join(
            f"CREATE TABLE q.t{i} (id serial PRIMARY KEY, p int REFERENCES q.t0)"
            if i
            else "CREATE TABLE q.t0 (id serial PRIMARY KEY)"
            for i in range(20)
        )
    )
    small = read_catalog(fresh_db.dsn)
    fresh_db.execute(
        "; ".join(f"CREATE TABLE q.u{i} (id serial PRIMARY KEY, p int REFERENCES q.t0)" for i in range(20))
    )
    big = read_catalog(fresh_db.dsn)
    assert len(big.relations) == 2 * len(small.relations)
    assert big.query_count == small.query_count > 0


def test_schema_filter_limits_relations(fresh_db: Any) -> None:
    fresh_db.execute("CREATE SCHEMA f1; CREATE SCHEMA f2; CREATE TABLE f1.a (x int); CREATE TABLE f2.b (x int)")
    snap = read_catalog(fresh_db.dsn, schemas=["f1"])
    assert [r.qualified for r in snap.relations] == ["f1.a"]
    assert {s.name for s in snap.schemas} == {"f1", "public"}


def test_connection_failures_are_one_line_and_never_show_the_password(fresh_db: Any) -> None:
    role = fresh_db.create_role("pw_role", password="Sup3r-Secret-pw")
    good = fresh_db.role_dsn(role, "Sup3r-Secret-pw")
    bad = good.replace("Sup3r-Secret-pw", "Wr0ng-Secret-pw")
    with pytest.raises(IncompleteError) as auth:
        read_catalog(bad)
    assert "authentication failed" in str(auth.value) and "Wr0ng" not in str(auth.value)
    missing = make_conninfo(good, dbname="no_such_db")
    with pytest.raises(IncompleteError) as nodb:
        read_catalog(missing)
    assert "does not exist" in str(nodb.value) and "Sup3r" not in str(nodb.value)
    assert "\n" not in str(auth.value) + str(nodb.value)

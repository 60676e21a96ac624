"""Table-driven: each statement class yields the right written / read / DDL / grant / FK objects.

Summary notation: ``W:table:PRIVS`` write, ``R:table`` read, ``D:[kind:]object`` DDL,
``G:[kind:]object`` privilege statement, ``ROLE:name`` role management, ``FK:child->parent:action``,
``SP:a,b`` search_path, ``?`` unanalysable.
"""

from __future__ import annotations

import pytest

from ownaudit.lint.analyze import analyze_statement
from ownaudit.lint.operations import (
    DDL,
    FK,
    GRANT,
    READ,
    ROLE,
    SEARCH_PATH,
    TEMP_TABLE,
    TRANSACTION_END,
    UNANALYSABLE,
    WRITE,
    Name,
    Operation,
)


def _n(nm: Name | None) -> str:
    if nm is None:
        return "-"
    return f"{nm.schema}.{nm.name}" if nm.schema and nm.name else (nm.schema or nm.name)


def summary(op: Operation) -> str:
    kind = "" if op.object_kind == "table" else f"{op.object_kind}:"
    if op.action == WRITE:
        return f"W:{_n(op.target)}:{','.join(p.value for p in op.privileges)}"
    if op.action == READ:
        return f"R:{_n(op.target)}"
    if op.action == DDL:
        return f"D:{kind}{_n(op.target)}"
    if op.action == GRANT:
        return f"G:{kind}{_n(op.target)}"
    if op.action == ROLE:
        return f"ROLE:{'membership' if op.grant_kind == 'membership' else ','.join(op.grantees)}"
    if op.action == FK:
        return f"FK:{_n(op.target)}->{_n(op.parent)}:{op.on_delete}"
    if op.action == SEARCH_PATH:
        return f"SP:{','.join(op.values)}"
    if op.action == TRANSACTION_END:
        return "END"
    if op.action == TEMP_TABLE:
        return f"TEMP:{_n(op.target)}"
    assert op.action == UNANALYSABLE
    return "?"


CASES: list[tuple[str, set[str]]] = [
    # -- INSERT --------------------------------------------------------------------
    ("INSERT INTO cl.company_identity (a, b) VALUES (1, 2)", {"W:cl.company_identity:INSERT"}),
    ("insert into CL.Company_Identity values (1)", {"W:cl.company_identity:INSERT"}),
    ('INSERT INTO "Cl"."T" VALUES (1)', {"W:Cl.T:INSERT"}),
    ("INSERT INTO people (a) VALUES ($1)", {"W:people:INSERT"}),
    ("INSERT INTO t VALUES (%s, %(x)s)", {"W:t:INSERT"}),
    (
        "INSERT INTO cl.t (a) VALUES (1) ON CONFLICT (a) DO UPDATE SET a = excluded.a",
        {"W:cl.t:INSERT,UPDATE"},
    ),
    ("INSERT INTO cl.t (a) VALUES (1) ON CONFLICT DO NOTHING", {"W:cl.t:INSERT"}),
    (
        "INSERT INTO cl.t SELECT * FROM outreach.p JOIN outreach.q ON true",
        {"W:cl.t:INSERT", "R:outreach.p", "R:outreach.q"},
    ),
    (
        "INSERT INTO cl.t (a) SELECT a FROM outreach.p WHERE EXISTS (SELECT 1 FROM marketing.m)",
        {"W:cl.t:INSERT", "R:outreach.p", "R:marketing.m"},
    ),
    ("INSERT INTO cl.t DEFAULT VALUES RETURNING id", {"W:cl.t:INSERT"}),
    # -- UPDATE --------------------------------------------------------------------
    ("UPDATE cl.t SET a = 1", {"W:cl.t:UPDATE"}),
    (
        "UPDATE outreach.people p SET x = 1 FROM cl.company_identity c WHERE c.id = p.id",
        {"W:outreach.people:UPDATE", "R:cl.company_identity"},
    ),
    ("UPDATE ONLY cl.t SET a = (SELECT max(b) FROM outreach.s)", {"W:cl.t:UPDATE", "R:outreach.s"}),
    ("UPDATE cl.t AS x SET a = 2 WHERE x.id IN (SELECT id FROM cl.u)", {"W:cl.t:UPDATE", "R:cl.u"}),
    # -- DELETE --------------------------------------------------------------------
    ("DELETE FROM cl.x", {"W:cl.x:DELETE"}),
    ("DELETE FROM cl.x USING outreach.y WHERE cl.x.id = y.id", {"W:cl.x:DELETE", "R:outreach.y"}),
    ("DELETE FROM ONLY cl.x WHERE id = $1 RETURNING *", {"W:cl.x:DELETE"}),
    # -- MERGE ---------------------------------------------------------------------
    (
        "MERGE INTO cl.t USING outreach.s ON t.id = s.id WHEN MATCHED THEN UPDATE SET a = s.a",
        {"W:cl.t:UPDATE", "R:outreach.s"},
    ),
    (
        "MERGE INTO cl.t t USING outreach.s s ON t.id = s.id WHEN MATCHED THEN DELETE "
        "WHEN NOT MATCHED THEN INSERT (id) VALUES (s.id)",
        {"W:cl.t:DELETE,INSERT", "R:outreach.s"},
    ),
    # -- TRUNCATE / COPY / SELECT INTO -------------------------------------------------
    ("TRUNCATE cl.a, cl.b", {"W:cl.a:TRUNCATE", "W:cl.b:TRUNCATE"}),
    ("TRUNCATE TABLE ONLY cl.a RESTART IDENTITY CASCADE", {"W:cl.a:TRUNCATE"}),
    ("COPY cl.t (a, b) FROM stdin", {"W:cl.t:INSERT"}),
    ("COPY cl.t FROM '/tmp/x.csv' WITH (FORMAT csv)", {"W:cl.t:INSERT"}),
    ("COPY cl.t TO stdout", {"R:cl.t"}),
    ("COPY (SELECT * FROM cl.t) TO stdout", {"R:cl.t"}),
    ("SELECT * INTO cl.newt FROM outreach.people", {"W:cl.newt:INSERT", "R:outreach.people"}),
    # -- data-modifying CTEs -------------------------------------------------------------
    (
        "WITH d AS (DELETE FROM cl.t RETURNING *) INSERT INTO outreach.arch SELECT * FROM d",
        {"W:cl.t:DELETE", "W:outreach.arch:INSERT"},
    ),
    ("WITH u AS (UPDATE cl.t SET a = 1 RETURNING id) SELECT * FROM u", {"W:cl.t:UPDATE"}),
    ('WITH x AS (SELECT 1) SELECT * FROM x JOIN "Cl"."T" ON true', {"R:Cl.T"}),
    (
        "WITH ins AS (INSERT INTO cl.t VALUES (1) RETURNING id) UPDATE outreach.p SET t = (SELECT id FROM ins)",
        {"W:cl.t:INSERT", "W:outreach.p:UPDATE"},
    ),
    # -- reads ---------------------------------------------------------------------------
    ("SELECT * FROM cl.t", {"R:cl.t"}),
    (
        "SELECT a FROM cl.t t JOIN outreach.p p ON p.id = t.id LEFT JOIN marketing.m USING (id)",
        {"R:cl.t", "R:outreach.p", "R:marketing.m"},
    ),
    ("SELECT * FROM cl.t UNION ALL SELECT * FROM outreach.p", {"R:cl.t", "R:outreach.p"}),
    ("SELECT * FROM generate_series(1, 3)", set()),
    ("SELECT * FROM t WHERE a = ?", {"R:t"}),
    ("SELECT count(*) FROM pg_catalog.pg_class", {"R:pg_catalog.pg_class"}),
    # -- DDL: tables, views, indexes, sequences, types, schemas -------------------------
    ("CREATE TABLE cl.t (id int PRIMARY KEY)", {"D:cl.t"}),
    ("CREATE TABLE IF NOT EXISTS cl.t (LIKE outreach.p INCLUDING ALL)", {"D:cl.t", "R:outreach.p"}),
    ("CREATE UNLOGGED TABLE cl.t2 AS SELECT * FROM outreach.p", {"D:cl.t2", "R:outreach.p"}),
    ("CREATE VIEW cl.v AS SELECT * FROM outreach.p", {"D:cl.v", "R:outreach.p"}),
    ("CREATE OR REPLACE VIEW cl.v AS SELECT 1", {"D:cl.v"}),
    ("CREATE TEMP TABLE tmp AS SELECT * FROM cl.t", {"R:cl.t", "TEMP:tmp"}),
    ("ALTER FUNCTION cl.f(int) OWNER TO x", {"D:function:cl.f"}),
    ('ALTER DATABASE "Marketing DB" OWNER TO x', {"D:database:-"}),
    ("DROP OWNED BY x CASCADE", {"ROLE:x"}),
    ("CREATE STATISTICS s ON a, b FROM cl.t", {"D:statistics:s"}),
    ("CREATE MATERIALIZED VIEW cl.mv AS SELECT * FROM cl.t", {"D:cl.mv", "R:cl.t"}),
    ("ALTER TABLE cl.t ADD COLUMN x int", {"D:cl.t"}),
    ("ALTER TABLE ONLY cl.t ALTER COLUMN a SET DEFAULT 1", {"D:cl.t"}),
    ("ALTER TABLE IF EXISTS cl.t RENAME TO u", {"D:cl.t"}),
    ("ALTER TABLE cl.t SET SCHEMA outreach", {"D:cl.t"}),
    ("ALTER VIEW cl.v RENAME TO w", {"D:cl.v"}),
    ("DROP TABLE cl.t", {"D:cl.t"}),
    ("DROP TABLE IF EXISTS cl.t, outreach.u CASCADE", {"D:cl.t", "D:outreach.u"}),
    ("DROP VIEW cl.v", {"D:cl.v"}),
    ("CREATE INDEX i ON cl.t (a)", {"D:cl.t"}),
    ("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON ONLY cl.t USING btree (a)", {"D:cl.t"}),
    ("DROP INDEX cl.i", {"D:index:cl.i"}),
    ("CREATE SEQUENCE cl.s", {"D:sequence:cl.s"}),
    ("ALTER SEQUENCE cl.s RESTART", {"D:sequence:cl.s"}),
    ("CREATE TYPE cl.e AS ENUM ('a')", {"D:type:cl.e"}),
    ("CREATE SCHEMA cl", {"D:schema:cl"}),
    ("CREATE SCHEMA IF NOT EXISTS outreach AUTHORIZATION outreach_writer", {"D:schema:outreach"}),
    ("DROP SCHEMA cl CASCADE", {"D:schema:cl"}),
    ("ALTER SCHEMA cl OWNER TO bob", {"D:schema:cl"}),
    ("COMMENT ON TABLE cl.t IS 'x'", {"D:cl.t"}),
    ("COMMENT ON COLUMN cl.t.a IS 'x'", {"D:cl.t"}),
    ("REFRESH MATERIALIZED VIEW CONCURRENTLY cl.mv", {"D:cl.mv"}),
    ("LOCK TABLE cl.t IN ACCESS EXCLUSIVE MODE", {"D:cl.t"}),
    # -- exp.Command forms: policies, RLS, owner, triggers -----------------------------
    ("CREATE POLICY p ON cl.t FOR SELECT TO ui_reader USING (true)", {"D:cl.t"}),
    ("ALTER POLICY p ON cl.t USING (false)", {"D:cl.t"}),
    ("DROP POLICY IF EXISTS p ON cl.t", {"D:cl.t"}),
    ("ALTER TABLE cl.t ENABLE ROW LEVEL SECURITY", {"D:cl.t"}),
    ("ALTER TABLE cl.t DISABLE ROW LEVEL SECURITY", {"D:cl.t"}),
    ("ALTER TABLE cl.t FORCE ROW LEVEL SECURITY", {"D:cl.t"}),
    ("ALTER TABLE cl.t NO FORCE ROW LEVEL SECURITY", {"D:cl.t"}),
    ("ALTER TABLE cl.t OWNER TO bob", {"D:cl.t"}),
    ("ALTER TABLE cl.t DISABLE TRIGGER ALL", {"D:cl.t"}),
    ("ALTER TABLE cl.t ENABLE TRIGGER audit_trg", {"D:cl.t"}),
    ("CREATE TRIGGER t BEFORE INSERT ON cl.t FOR EACH ROW EXECUTE FUNCTION f()", {"D:cl.t"}),
    ("CREATE OR REPLACE TRIGGER t AFTER UPDATE OF a ON outreach.p EXECUTE PROCEDURE f()", {"D:outreach.p"}),
    ("DROP TRIGGER IF EXISTS t ON cl.t", {"D:cl.t"}),
    ("CREATE RULE r AS ON INSERT TO cl.t DO INSTEAD NOTHING", {"D:cl.t"}),
    # -- exp.Command forms: GRANT / REVOKE / default privileges / roles -------------------
    ("GRANT SELECT ON ALL TABLES IN SCHEMA cl TO ui_reader", {"G:schema:cl"}),
    ("GRANT INSERT, UPDATE ON cl.t TO outreach_writer", {"G:cl.t"}),
    ("GRANT UPDATE (col), SELECT ON TABLE cl.t, cl.u TO outreach_writer, PUBLIC", {"G:cl.t", "G:cl.u"}),
    ("GRANT USAGE ON SCHEMA cl, outreach TO ui_reader", {"G:schema:cl", "G:schema:outreach"}),
    ("GRANT USAGE, SELECT ON SEQUENCE cl.s TO outreach_writer", {"G:sequence:cl.s"}),
    ("GRANT EXECUTE ON FUNCTION cl.f(int) TO PUBLIC", {"G:function:cl.f"}),
    ("REVOKE ALL ON cl.t FROM PUBLIC", {"G:cl.t"}),
    ("REVOKE GRANT OPTION FOR SELECT ON ALL SEQUENCES IN SCHEMA cl FROM bob", {"G:schema:cl"}),
    ("GRANT cl_writer TO outreach_writer", {"ROLE:membership"}),
    ("REVOKE cl_writer FROM outreach_writer", {"ROLE:membership"}),
    ("ALTER DEFAULT PRIVILEGES IN SCHEMA cl GRANT SELECT ON TABLES TO ui_reader", {"G:schema:cl"}),
    (
        "ALTER DEFAULT PRIVILEGES FOR ROLE x IN SCHEMA cl, outreach GRANT INSERT ON TABLES TO ui_reader",
        {"G:schema:cl", "G:schema:outreach"},
    ),
    ("ALTER DEFAULT PRIVILEGES GRANT ALL ON TABLES TO ui_reader", {"G:schema:-"}),
    ("CREATE ROLE r WITH LOGIN SUPERUSER", {"ROLE:r"}),
    ("ALTER ROLE ui_reader BYPASSRLS", {"ROLE:ui_reader"}),
    ("CREATE USER app PASSWORD 'x'", {"ROLE:app"}),
    ("DROP ROLE IF EXISTS old_role", {"ROLE:old_role"}),
    # -- foreign keys ------------------------------------------------------------------
    (
        "CREATE TABLE outreach.x (id int REFERENCES cl.ci (cid) ON DELETE CASCADE)",
        {"D:outreach.x", "FK:outreach.x->cl.ci:cascade"},
    ),
    (
        "CREATE TABLE outreach.x (id int, CONSTRAINT f FOREIGN KEY (id) REFERENCES cl.c (id) ON DELETE SET NULL)",
        {"D:outreach.x", "FK:outreach.x->cl.c:set null"},
    ),
    ("CREATE TABLE outreach.x (id int REFERENCES cl.c)", {"D:outreach.x", "FK:outreach.x->cl.c:no action"}),
    (
        "ALTER TABLE outreach.x ADD CONSTRAINT f FOREIGN KEY (id) REFERENCES cl.c (id) ON DELETE CASCADE",
        {"D:outreach.x", "FK:outreach.x->cl.c:cascade"},
    ),
    (
        "ALTER TABLE ONLY outreach.x ADD CONSTRAINT f FOREIGN KEY (a, b) REFERENCES cl.c (x, y) "
        "ON DELETE SET NULL, "
        "ENABLE ROW LEVEL SECURITY",
        {"D:outreach.x", "FK:outreach.x->cl.c:set null"},
    ),
    (
        "ALTER TABLE outreach.x ADD COLUMN c uuid REFERENCES cl.c ON DELETE RESTRICT",
        {"D:outreach.x", "FK:outreach.x->cl.c:restrict"},
    ),
    # -- function bodies and DO blocks --------------------------------------------------
    ("DO $$ BEGIN INSERT INTO cl.t VALUES (1); END $$", {"W:cl.t:INSERT"}),
    (
        "DO LANGUAGE plpgsql $do$ BEGIN UPDATE cl.t SET a = 1; DELETE FROM outreach.p; END $do$",
        {"W:cl.t:UPDATE", "W:outreach.p:DELETE"},
    ),
    (
        "CREATE FUNCTION cl.f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN UPDATE outreach.t SET a = 1; END $$",
        {"D:function:cl.f", "W:outreach.t:UPDATE"},
    ),
    (
        "CREATE OR REPLACE FUNCTION f() RETURNS trigger AS $fn$ BEGIN DELETE FROM cl.t; RETURN "
        "NEW; END; $fn$ "
        "LANGUAGE plpgsql SECURITY DEFINER",
        {"D:function:f", "W:cl.t:DELETE"},
    ),
    (
        "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC INSERT INTO cl.t VALUES (1); SELECT 1; END",
        {"D:function:f", "W:cl.t:INSERT"},
    ),
    (
        "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'INSERT INTO cl.t VALUES (''a''); SELECT 1'",
        {"D:function:f", "W:cl.t:INSERT"},
    ),
    (
        "CREATE PROCEDURE outreach.p() LANGUAGE sql AS $$ TRUNCATE cl.t $$",
        {"D:function:outreach.p", "W:cl.t:TRUNCATE"},
    ),
    ("CREATE FUNCTION f() RETURNS int LANGUAGE c AS 'lib', 'sym'", {"D:function:f"}),
    (
        "DO $$ DECLARE v int; BEGIN IF NOT EXISTS (SELECT 1 FROM cl.t) THEN INSERT INTO cl.t VALUES (1) "
        "RETURNING id INTO v; END IF; SELECT a INTO v FROM outreach.p; END $$",
        {"W:cl.t:INSERT", "R:outreach.p"},
    ),
    ("DO $$ BEGIN EXECUTE 'DELETE FROM cl.x'; END $$", {"W:cl.x:DELETE"}),
    # format() with a non-literal argument: the statement is known, its table a placeholder (unresolved)
    ("DO $$ BEGIN EXECUTE format('TRUNCATE %I', t); END $$", {"W:__ownaudit_pht__:TRUNCATE"}),
    ("DO $$ BEGIN EXECUTE format(v_template, t); END $$", {"?"}),
    (
        "DO $$ DECLARE r record; BEGIN FOR r IN SELECT * FROM cl.t LOOP UPDATE outreach.q SET a "
        "= 1; END LOOP; "
        "EXCEPTION WHEN others THEN INSERT INTO public.log VALUES (1); END $$",
        {"W:outreach.q:UPDATE", "W:public.log:INSERT"},
    ),
    # -- session, no-ops, search_path, unanalysable ----------------------------------
    ("SET search_path TO cl, public", {"SP:cl,public"}),
    ("SET search_path = outreach", {"SP:outreach"}),
    ("SET LOCAL search_path TO 'outreach', \"Public\"", {"SP:outreach,Public"}),
    ("SET statement_timeout = 0", set()),
    ("BEGIN", set()),
    ("COMMIT", {"END"}),  # ends a SET LOCAL search_path
    ("VACUUM ANALYZE cl.t", set()),
    ("Insert the rows into the table", {"?"}),
    ("SELECT FROM WHERE", {"?"}),
    ("FROBNICATE cl.t", {"?"}),
]


def test_there_are_at_least_80_cases() -> None:
    assert len(CASES) >= 80


@pytest.mark.parametrize(("sql", "expected"), CASES, ids=[c[0][:60] for c in CASES])
def test_statement_objects(sql: str, expected: set[str]) -> None:
    assert {summary(op) for op in analyze_statement(sql)} == expected


def test_positions_point_at_the_object_name() -> None:
    sql = 'UPDATE  outreach."People" p SET x = 1 FROM cl.company_identity c'
    ops = {summary(o): o for o in analyze_statement(sql)}
    assert sql[ops["W:outreach.People:UPDATE"].offset :].startswith('outreach."People"')
    assert sql[ops["R:cl.company_identity"].offset :].startswith("cl.company_identity")


def test_positions_inside_function_bodies_map_to_the_statement_text() -> None:
    sql = "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$\nBEGIN\n  DELETE FROM cl.t;\nEND $$"
    (w,) = [o for o in analyze_statement(sql) if o.action == WRITE]
    assert sql[w.offset :].startswith("cl.t;")


def test_update_columns_and_grant_details_are_kept() -> None:
    (upd,) = analyze_statement('UPDATE cl.t SET a = 1, "B" = 2')
    assert upd.columns == ("a", "B")
    (g,) = analyze_statement("GRANT UPDATE (pointer) ON cl.t TO outreach_writer")
    assert g.columns == ("pointer",) and g.grantees == ("outreach_writer",)
    (r,) = analyze_statement("ALTER ROLE app WITH SUPERUSER CREATEROLE")
    assert r.detail == "SUPERUSER CREATEROLE"

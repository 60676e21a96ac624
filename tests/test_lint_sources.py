"""Each place SQL lives in hub code is found, with the exact path:line:column of the offending name."""

from __future__ import annotations

from pathlib import Path

import pytest

from ownaudit.findings import Finding
from ownaudit.lint.sqlsplit import split_statements
from ownaudit.policy.model import Policy
from test_lint_support import lint_source, make_policy, rules_of, where


@pytest.fixture(scope="module")
def policy(tmp_path_factory: pytest.TempPathFactory) -> Policy:
    return make_policy(tmp_path_factory.mktemp("policy"))


def col(text: str, line: int, needle: str, nth: int = 1) -> tuple[int, int]:
    """(line, 1-based column) of the nth ``needle`` on a 1-based line of ``text``."""
    src = text.split("\n")[line - 1]
    at = -1
    for _ in range(nth):
        at = src.index(needle, at + 1)
    return line, at + 1


def only(findings: list[Finding], rule: str) -> Finding:
    hits = [f for f in findings if f.rule_id == rule and not f.suppressed]
    assert len(hits) == 1, [(f.rule_id, f.message) for f in findings]
    return hits[0]


# -- .sql files -----------------------------------------------------------------------

SQL_FILE = """\
-- migration
\\set ON_ERROR_STOP on
\\i common.sql
SELECT 'it''s; fine', $$ ; $$, $t$ ;$t$ FROM outreach.people; /* a /* nested ; */ comment */
COPY outreach.people (a) FROM stdin;
x;y	'unbalanced
\\.
CREATE FUNCTION outreach.f() RETURNS int LANGUAGE sql
BEGIN ATOMIC
  SELECT 1;
  UPDATE  cl.lifecycle_state SET x = 1;
END;
  DELETE FROM cl.company_identity WHERE e = E'\\';';
"""


def test_sql_file_positions_skip_quotes_comments_meta_copy_and_atomic_bodies(policy: Policy) -> None:
    fs = [f for f in lint_source(policy, SQL_FILE) if f.rule_id == "LNT001"]
    by_obj = {f.object: f for f in fs}
    assert set(by_obj) == {"cl.lifecycle_state", "cl.company_identity"}
    assert where(by_obj["cl.lifecycle_state"]) == (11, 11)
    assert where(by_obj["cl.company_identity"]) == (13, 15)
    assert by_obj["cl.company_identity"].location is not None
    assert by_obj["cl.company_identity"].location.path == "f.sql"
    assert by_obj["cl.company_identity"].kind == "DELETE"


def test_splitter_keeps_statements_apart() -> None:
    text = SQL_FILE
    stmts = [text[s:e] for s, e in split_statements(text)]
    assert stmts[0].startswith("SELECT 'it''s; fine'") and stmts[0].endswith("FROM outreach.people")
    assert stmts[1] == "COPY outreach.people (a) FROM stdin"
    assert stmts[2].startswith("CREATE FUNCTION") and stmts[2].endswith("END")
    assert stmts[3].startswith("DELETE FROM cl.company_identity")
    assert len(stmts) == 4


def test_atomic_bodies_and_rule_actions_split_in_linear_time() -> None:
    """Many ``;`` inside a BEGIN ATOMIC body (or a rule's actions) stay one statement, and
    splitting them does not rescan each piece (which doubled the work with every ``;``)."""
    from ownaudit.lint.sqlsplit import scan

    body = "SELECT 1; UPDATE cl.x SET a = ';'; -- ; END\n" * 400
    text = f"CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC {body} END;\nSELECT 2;"
    sc = scan(text)
    assert [text[s:e].split()[0] for s, e in sc.statements] == ["CREATE", "SELECT"]
    rule = "CREATE RULE r AS ON INSERT TO cl.x DO ALSO (" + "INSERT INTO cl.y VALUES (')'); " * 400 + ");"
    sc = scan(rule + "\nSELECT 3;")
    assert [s for s, _ in sc.statements] == [0, len(rule) + 1]


def test_plpgsql_body_write_is_located_in_the_file(policy: Policy) -> None:
    text = (
        "CREATE OR REPLACE FUNCTION outreach.sync() RETURNS trigger\nLANGUAGE plpgsql AS $fn$\nBEGIN\n"
        "  IF NEW.x THEN\n    INSERT INTO cl.company_identity (a) VALUES (NEW.a);\n  END IF;\n"
        "  RETURN NEW;\nEND;\n$fn$;\n"
    )
    f = only(lint_source(policy, text), "LNT001")
    assert where(f) == (5, 17)


def test_do_block_write_is_located_in_the_file(policy: Policy) -> None:
    text = "DO $$\nBEGIN\n    DELETE FROM cl.company_identity;\nEND\n$$;\n"
    assert where(only(lint_source(policy, text), "LNT001")) == (3, 17)


# -- Python -----------------------------------------------------------------------------

PY = '''\
"""Insert the rows into the table."""
import logging

DELETE_SQL = """
    DELETE FROM cl.company_identity
    WHERE id = %(id)s
"""


class Repo:
    TRUNC = "TRUNCATE " "cl.lifecycle_state"

    def run(self, cur, table):
        logging.info("Update finished for %s", table)
        cur.execute("UPDATE cl.company_identity SET name = %s WHERE id = $1", (1,))
        cur.execute(f"INSERT INTO {table} (a) VALUES (?)")
        cur.executemany("INSERT INTO outreach.people (a) VALUES (%s)", [(1,)])
        cur.execute("SELECT 1; DELETE FROM cl.merge_records")
        cur.execute("INSERT INTO cl.company_identity (a) VALUES (\\'x\\')")
        cur.copy_expert("COPY cl.company_identity FROM STDIN", f)
        cur.execute("SELECT * FROM WHERE")
        execute_values(cur, "INSERT INTO cl.company_identity (a) VALUES %s", rows)
'''


def test_python_literals_with_exact_positions(policy: Policy) -> None:
    fs = lint_source(policy, PY, "python", path="app/repo.py")
    got = sorted((f.rule_id, f.object, where(f)) for f in fs if not f.suppressed)
    assert ("LNT001", "cl.company_identity", col(PY, 5, "cl.")) in got  # triple-quoted module constant
    assert ("LNT001", "cl.lifecycle_state", col(PY, 11, "cl.")) in got  # implicit concatenation
    assert ("LNT001", "cl.company_identity", col(PY, 15, "cl.")) in got  # execute(...) with $1 and %s
    assert ("LNT019", "{table}", col(PY, 16, "{table}")) in got  # f-string placeholder as the write target
    assert ("LNT001", "cl.merge_records", col(PY, 18, "cl.")) in got  # multi-statement string
    assert ("LNT001", "cl.company_identity", col(PY, 19, "cl.")) in got  # escapes before the name
    assert ("LNT001", "cl.company_identity", col(PY, 20, "cl.")) in got  # copy_expert
    assert ("LNT001", "cl.company_identity", col(PY, 22, "cl.")) in got  # execute_values
    (bad,) = [f for f in fs if f.rule_id == "LNT011"]
    assert where(bad) == col(PY, 21, "SELECT")
    # prose (docstring, log message) and the hub's own table produce nothing
    assert not [f for f in fs if "people" in f.object]
    assert len([f for f in fs if f.rule_id == "LNT001"]) == 7


def test_python_fstring_placeholder_is_reported_not_dropped(policy: Policy) -> None:
    src = 'def f(cur, schema):\n    cur.execute(f"DELETE FROM {schema}.people WHERE id = %s", (1,))\n'
    f = only(lint_source(policy, src, "python", path="a.py"), "LNT019")  # a templated schema: may be any hub's
    assert f.object == "{schema}.people" and where(f) == col(src, 2, "{schema}")


def test_psycopg_sql_composition_and_format_templates(policy: Policy) -> None:
    src = (
        'cur.execute(sql.SQL("DROP TABLE {}.people").format(sql.Identifier(s)))\n'
        'cur.execute("DELETE FROM {t} WHERE id = 1".format(t=name))\n'
        'cur.execute(sql.SQL("UPDATE cl.company_identity SET {} = 1").format(col))\n'
    )
    got = sorted((f.rule_id, f.object, where(f)) for f in lint_source(policy, src, "python", path="a.py"))
    assert got == [
        ("LNT001", "cl.company_identity", col(src, 3, "cl.")),
        ("LNT019", "{t}", col(src, 2, "{t}")),
        ("LNT019", "{}.people", col(src, 1, "{}")),
    ]


def test_python_plus_concatenation_and_non_sql_strings(policy: Policy) -> None:
    src = (
        'Q = ("UPDATE cl.company_identity " +\n     "SET a = 1")\nMSG = "update the cache"\n'
        'HELP = "Delete rows. Select a file."\n'
    )
    fs = lint_source(policy, src, "python", path="a.py")
    assert rules_of(fs) == ["LNT001"] and where(fs[0]) == col(src, 1, "cl.")


# -- JavaScript / TypeScript ------------------------------------------------------------

TS = """\
import { sql } from "./db";
// DELETE FROM cl.company_identity  (a comment, not code)
const re = /insert into cl.company_identity/g;
export async function f(db: Db, id: string, table: string) {
  await db.query('UPDATE cl.company_identity SET a = $1 WHERE id = $2', [1, id]);
  await sql`
    DELETE FROM cl.lifecycle_state WHERE id = ${id}
  `;
  await db.query(`INSERT INTO ${table} VALUES (1)`);
  const q = "TRUNCATE " + "cl.merge_records";
  await supabase.schema('cl').from('company_identity').update({ a: 1 }).eq('id', id);
  await supabase.from('people').insert({ a: 1 });
  await supabase.schema(tenant).from('people').delete();
  return db.query("SELECT * FROM outreach.people");
}
"""


def test_typescript_literals_templates_and_supabase(policy: Policy) -> None:
    fs = lint_source(policy, TS, "js", path="web/a.ts")
    got = sorted((f.rule_id, f.object, where(f)) for f in fs)
    assert ("LNT001", "cl.company_identity", col(TS, 5, "cl.")) in got
    assert ("LNT001", "cl.lifecycle_state", col(TS, 7, "cl.")) in got
    assert ("LNT019", "${table}", col(TS, 9, "${table}")) in got
    assert ("LNT001", "cl.merge_records", col(TS, 10, "cl.")) in got
    assert (
        "LNT001",
        "cl.company_identity",
        col(TS, 11, "company_identity"),
    ) in got  # supabase update, schema next to the call
    assert ("LNT019", "<expr>.people", col(TS, 13, "people")) in got  # schema from a variable: unresolved
    assert len(fs) == 6, got  # comment and regex literal are not SQL; own-table insert is fine


def test_pandas_to_sql(policy: Policy) -> None:
    src = (
        "df.to_sql('company_identity', engine, schema='cl', if_exists='append')\n"
        "df.to_sql(name='people', con=engine, schema='outreach')\n"
        "df.to_sql(table_name, engine)\n"
    )
    fs = lint_source(policy, src, "python", path="etl.py")
    got = sorted((f.rule_id, f.object, where(f)) for f in fs)
    assert got == [
        ("LNT001", "cl.company_identity", col(src, 1, "company_identity")),
        ("LNT019", "<expr>", col(src, 3, "to_sql")),
    ]


# -- credentials --------------------------------------------------------------------------


def test_literal_password_is_critical_and_masked(policy: Policy) -> None:
    src = (
        'URL = "postgresql://outreach_writer:hunter2@db.example/Marketing%20DB?sslmode=require"\n'
        'OK = "postgres://outreach_writer:${PGPASSWORD}@db/x"\n'
        'conn = psycopg.connect("host=db dbname=x user=outreach_writer password=s3cret")\n'
    )
    fs = lint_source(policy, src, "python", path="cfg.py")
    pw = [f for f in fs if f.rule_id == "LNT012"]
    assert [where(f) for f in pw] == [col(src, 1, "hunter2"), col(src, 3, "s3cret")]
    assert all(f.severity.value == "critical" for f in pw)
    text = repr([f.to_dict() for f in fs])
    assert "hunter2" not in text and "s3cret" not in text and "****" in text


def test_evidence_never_carries_a_password(policy: Policy) -> None:
    src = (
        "cur.execute(\"ALTER ROLE app PASSWORD 'hunter2'\")\n"
        'cur.execute("UPDATE cl.company_identity SET a = 1"); DSN = "postgresql://u:hunter2@h/d"\n'
    )
    fs = lint_source(policy, src, "python", path="a.py")
    assert {f.rule_id for f in fs} >= {"LNT001", "LNT004", "LNT012"}
    assert "hunter2" not in repr([f.to_dict() for f in fs])


def test_connecting_as_a_role_outside_the_hub_is_high(policy: Policy) -> None:
    src = (
        'A = "postgresql://db_owner:${PW}@db/Test%20DB"\n'
        'B = "postgresql://cl_writer@db/Test%20DB"\n'
        'C = "postgresql://outreach_writer@db/Test%20DB"\n'
        'conn = psycopg.connect(host="db", user="ui_reader", password=os.environ["PW"], dbname="Test DB")\n'
        'other = "postgresql://db_owner:${PW}@db/analytics"\n'  # another database: not the policy's to judge
    )
    fs = [f for f in lint_source(policy, src, "python", path="cfg.py") if f.rule_id == "LNT013"]
    assert sorted((f.role, where(f)) for f in fs) == [
        ("cl_writer", col(src, 2, "cl_writer")),
        ("db_owner", col(src, 1, "db_owner")),
        ("ui_reader", col(src, 4, "ui_reader")),
    ]
    assert all(f.severity.value == "high" for f in fs)
    assert "database owner role" in next(f.message for f in fs if f.role == "db_owner")


def test_sql_file_tmp_path_fixture_is_unused(tmp_path: Path) -> None:
    # The linter reads files from disk too: the same .sql text through the engine gives the same finding.
    from ownaudit.lint.engine import FileJob, lint_file

    (tmp_path / "m.sql").write_text("UPDATE cl.company_identity SET a = 1;\n")
    res = lint_file(FileJob(str(tmp_path / "m.sql"), "m.sql"), make_policy(tmp_path), "hub-out")
    assert [(f.rule_id, where(f)) for f in res.findings] == [("LNT001", (1, 8))]
    assert res.statements == 1

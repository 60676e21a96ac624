"""Statements that look harmless or hide their write must never pass in silence.

EXPLAIN ANALYZE runs its statement, PREPARE ... AS is the hub's write, a rule's actions
write, CALL runs a body the linter cannot see, psql's \\copy writes, SET LOCAL ends with
its transaction, a temp table shadows a governed name, and PostgreSQL's own parser types
what sqlglot does not (view options, WITH NO DATA, policy expressions, syntax errors).
The linting hub is hub-out (owns ``outreach``); ``cl`` belongs to hub-cl.
"""

from __future__ import annotations

import pytest

from ownaudit.findings import Finding
from ownaudit.policy.model import Policy
from test_lint_support import lint_source, make_policy


@pytest.fixture(scope="module")
def policy(tmp_path_factory: pytest.TempPathFactory) -> Policy:
    return make_policy(tmp_path_factory.mktemp("policy"))


def got(findings: list[Finding]) -> set[tuple[str, str, int]]:
    return {(f.rule_id, f.object, f.location.line if f.location else 0) for f in findings if not f.suppressed}


SQL = """\
EXPLAIN ANALYZE UPDATE cl.company_identity SET a = 1;
EXPLAIN UPDATE cl.company_identity SET a = 1;
EXPLAIN (ANALYZE, BUFFERS) DELETE FROM cl.merge_records;
EXPLAIN (ANALYZE false) DELETE FROM cl.merge_records;
PREPARE bump(int) AS UPDATE cl.lifecycle_state SET a = $1;
CREATE RULE mirror AS ON INSERT TO outreach.people DO ALSO (INSERT INTO cl.merge_records VALUES (NEW.id); SELECT 1);
CALL cl.promote(1);
\\copy cl.company_identity (id, name) from 'companies.csv' with csv
\\copy outreach.people to 'people.csv'
"""


def test_wrapped_writes_are_reported(policy: Policy) -> None:
    fs = lint_source(policy, SQL, path="m.sql")
    assert got(fs) == {
        ("LNT001", "cl.company_identity", 1),  # EXPLAIN ANALYZE runs the UPDATE
        ("LNT001", "cl.merge_records", 3),
        ("LNT001", "cl.lifecycle_state", 5),  # PREPARE ... AS
        ("LNT001", "cl.merge_records", 6),  # the rule's action
        ("LNT019", "m.sql:7", 7),  # CALL: the body is not in the statement
        ("LNT001", "cl.company_identity", 8),  # psql \copy ... from
    }
    call = next(f for f in fs if f.rule_id == "LNT019")
    assert "cl.promote" in call.message


def test_set_local_search_path_ends_with_its_transaction(policy: Policy) -> None:
    src = (
        "BEGIN;\nSET LOCAL search_path = cl;\nUPDATE company_identity SET a = 1;\nCOMMIT;\n"
        "UPDATE company_identity SET a = 1;\n"
    )
    fs = lint_source(policy, src, path="m.sql")
    # inside the transaction the name is cl's; after COMMIT the hub's path (outreach, public) applies again
    assert got(fs) == {
        ("LNT001", "cl.company_identity", 3),
        ("LNT009", "outreach.company_identity", 5),
    }


def test_temp_table_is_not_a_governed_table_and_shadows_the_name(policy: Policy) -> None:
    src = (
        "SET search_path = cl;\n"
        "CREATE TEMP TABLE company_identity AS SELECT * FROM cl.company_identity;\n"
        "INSERT INTO company_identity SELECT 1;\n"
        "CREATE LOCAL TEMPORARY TABLE staging (LIKE cl.merge_records);\n"
        "DELETE FROM staging;\n"
        "UPDATE cl.company_identity SET a = 1;\n"
    )
    fs = lint_source(policy, src, path="m.sql")
    assert got(fs) == {("LNT001", "cl.company_identity", 6)}


def test_postgres_parser_types_views_policies_and_rejects_bad_syntax(policy: Policy) -> None:
    src = (
        "CREATE MATERIALIZED VIEW outreach.totals AS SELECT company_id, sum(total) AS total "
        "FROM outreach.people GROUP BY 1 WITH NO DATA;\n"
        "CREATE VIEW outreach.v WITH (security_barrier) AS SELECT * FROM marketing.people_master;\n"
        "CREATE POLICY p ON outreach.people USING (id IN (SELECT id FROM marketing.people_master));\n"
        "CREATE TABLE outreach.t (id int,, name text);\n"
        "CREATE TABLE cl.snapshot AS SELECT * FROM outreach.people;\n"
    )
    fs = lint_source(policy, src, path="m.sql")
    assert got(fs) == {
        ("LNT009", "outreach.totals", 1),  # the hub's own schema, a table the matrix does not list
        ("LNT009", "outreach.v", 2),
        ("LNT008", "marketing.people_master", 2),  # read through the view; hub-out may not read marketing
        ("LNT008", "marketing.people_master", 3),  # read inside the policy expression
        ("LNT011", "m.sql:4", 4),  # the double comma is a syntax error
        ("LNT002", "cl.snapshot", 5),
    }
    assert not [f for f in fs if "sum" in f.object]  # no object named after the aggregate
    bad = next(f for f in fs if f.rule_id == "LNT011")
    assert "syntax error" in bad.message


def test_percent_formatting_with_an_unknown_table_is_unresolved(policy: Policy) -> None:
    src = (
        'def wipe(cur, t):\n    cur.execute("TRUNCATE %s" % t)\n    cur.execute("TRUNCATE outreach.%s" % ("people",))\n'
    )
    fs = lint_source(policy, src, "python", path="a.py")
    assert got(fs) == {("LNT019", "{t}", 2)}  # a run-time target may be any hub's table


def test_dbt_jinja_template_is_rendered_and_its_hooks_read(policy: Policy) -> None:
    from pathlib import Path

    text = (Path(__file__).parent / "data" / "frameworks" / "dbt_model.sql").read_text(encoding="utf-8")
    fs = lint_source(policy, text, path="models/people.sql")
    assert got(fs) == {
        ("LNT001", "cl.company_identity", 1),  # post_hook string
        ("LNT001", "cl.merge_records", 2),  # run_query string
        ("LNT009", "outreach.stg_people", 4),  # {{ ref('stg_people') }} rendered to its name
        ("LNT010", "{{ this }}", 7),  # a whole name from the template: it may be a schema hub-out cannot read
        ("LNT019", "{{ target.schema }}.audit", 10),  # a write into a schema known only at run time
    }
    # {{ source('cl', 'company_identity') }} is a read of a readable table: nothing to report


def test_run_time_names_are_judged_by_what_they_can_denote(policy: Policy) -> None:
    src = (
        "def f(cur, t, s):\n"
        '    cur.execute(f"INSERT INTO outreach.{t} VALUES (1)")\n'  # own schema: every target allowed
        '    cur.execute(f"INSERT INTO cl.{t} VALUES (1)")\n'  # another hub's schema
        '    cur.execute(f"SELECT * FROM {s}.people")\n'  # a read: marketing is not readable by hub-out
        '    cur.execute(f"SELECT * FROM cl.{t}")\n'  # every cl table is readable
    )
    fs = lint_source(policy, src, "python", path="a.py")
    assert got(fs) == {
        ("LNT030", "outreach.{t}", 2),
        ("LNT019", "cl.{t}", 3),  # fails the gate: it can write another hub's table
        ("LNT010", "{s}.people", 4),
        ("LNT030", "cl.{t}", 5),
    }


def test_common_statements_do_not_load_the_postgres_parser() -> None:
    """The hook pays for pglast and tree-sitter only when a statement or file needs them."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from ownaudit.lint.engine import operations_of\n"
        "operations_of('CREATE TABLE outreach.t (id int REFERENCES cl.x ON DELETE CASCADE);'\n"
        "              'CREATE POLICY p ON outreach.t USING (true); UPDATE cl.x SET a = 1;'\n"
        "              'CREATE VIEW outreach.v AS SELECT 1;')\n"
        "print(sorted(m for m in ('pglast', 'tree_sitter') if m in sys.modules))\n"
        "operations_of('CREATE MATERIALIZED VIEW outreach.m AS SELECT 1 WITH NO DATA;')\n"
        "print('pglast' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["[]", "True"]


def test_execute_format_with_literal_arguments_is_resolved(policy: Policy) -> None:
    src = (
        "DO $$ BEGIN\n"
        "  EXECUTE format('DELETE FROM %I.%I WHERE stale', 'cl', 'merge_records');\n"
        "  EXECUTE format('UPDATE %I.people SET a = %L', 'outreach', 'x');\n"
        "  EXECUTE format('TRUNCATE %I.%I', 'cl', t);\n"
        "END $$;\n"
    )
    fs = lint_source(policy, src, path="m.sql")
    rules = {(f.rule_id, f.location.line if f.location else 0) for f in fs}
    assert rules == {("LNT001", 2), ("LNT019", 4)}
    assert next(f for f in fs if f.rule_id == "LNT001").object == "cl.merge_records"

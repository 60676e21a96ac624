"""The linter's fast paths find exactly what the plain paths find.

The analysis of a statement is kept per distinct text, sqlglot's tokenizer and
parser are kept per process, a cheap test gates the slow password scan, and a
call's extent is scanned only as far as the statement in question: each must
be invisible in the findings.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlglot

from hubkeys_support import hubs_policy, lint_at
from ownaudit.lint.analyze import parse_postgres
from ownaudit.lint.credentials import scan_credentials
from ownaudit.lint.engine import lint_text
from ownaudit.policy.model import Policy
from test_lint_support import lint_source, make_policy, rules_of, run_repo, where


@pytest.fixture
def policy(tmp_path: Path) -> Policy:
    return make_policy(tmp_path)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE cl.company_identity SET a = 1 WHERE id = $1",
        "SELECT 1; SELECT 2",  # two statements: a Block, as parse_one gives
        "WITH x AS (DELETE FROM cl.lifecycle_state RETURNING *) SELECT * FROM x",
        "INSERT INTO t (a) VALUES (1) ON CONFLICT (a) DO UPDATE SET a = EXCLUDED.a",
    ],
)
def test_the_kept_parser_builds_the_trees_parse_one_builds(sql: str) -> None:
    assert parse_postgres(sql) == sqlglot.parse_one(sql, read="postgres")
    assert parse_postgres(sql) == parse_postgres(sql)  # nothing carried over from the previous call


@pytest.mark.parametrize("sql", ["SELECT FROM WHERE (", "", ";"])
def test_the_kept_parser_fails_where_parse_one_fails(sql: str) -> None:
    with pytest.raises(sqlglot.errors.ParseError):
        sqlglot.parse_one(sql, read="postgres")
    with pytest.raises(sqlglot.errors.ParseError):
        parse_postgres(sql)


def test_a_repeated_statement_is_reported_at_every_place_it_appears(policy: Policy, tmp_path: Path) -> None:
    stmt = "UPDATE cl.company_identity SET a = 1"
    (tmp_path / "a.sql").write_text(f"{stmt};\n{stmt};\n")
    (tmp_path / "b.py").write_text(f'cur.execute("{stmt}")\n')
    res = run_repo(policy, tmp_path)
    got = sorted((f.location.path, *where(f)) for f in res.findings if f.rule_id == "LNT001" and f.location)
    assert got == [("a.sql", 1, 8), ("a.sql", 2, 8), ("b.py", 1, 21)]
    # each use has its own operation: the statement text recorded for one is not another's
    assert all(f.evidence for f in res.findings if f.rule_id == "LNT001")


def test_a_repeated_statement_under_a_different_search_path_is_judged_by_its_own(policy: Policy) -> None:
    text = (
        "UPDATE company_identity SET a = 1;\n"
        "SET search_path TO cl;\n"
        "UPDATE company_identity SET a = 1;\n"
    )
    found = [f for f in lint_source(policy, text) if f.rule_id == "LNT001"]
    assert [where(f)[0] for f in found] == [3]  # the first names public.company_identity, not cl's
    assert lint_source(policy, text) == lint_source(policy, text)


@pytest.mark.parametrize(
    "src",
    [
        'connect(host="db", password="s3cr3t-value")',
        "DB = {'host': 'db', 'pg_password': 's3cr3t-value'}",
        'my $cfg = { db_pass => "s3cr3t-value", host => "db" };',
        'const c = { "password" : `s3cr3t-value`, host: "db" }',
        "PGPASSWORD = 's3cr3t-value'  # psycopg2.connect(dbname=x)",
    ],
)
def test_password_forms_are_still_found_behind_the_quick_test(src: str) -> None:
    assert [h.kind for h in scan_credentials(src)] == ["password"]


def test_files_that_only_say_pass_have_no_password(policy: Policy) -> None:
    text = "def f():\n    pass\n\nclass Passthrough:\n    passes = 3\n    pwd = os.getcwd()\n"
    assert scan_credentials(text) == []
    assert rules_of(lint_text(text, "m.py", "python", policy, "hub-out").findings) == []


def test_a_long_client_call_still_decides_the_database_of_its_statement() -> None:
    padding = "\n".join(f"    // note {i}" for i in range(15))
    text = (
        "export async function run(env: any, id: string) {\n"
        f"  await env.D1.prepare(\n{padding}\n    'UPDATE cl.company_identity SET a = 1 WHERE id = ?'\n"
        "  ).bind(id).run();\n"
        "  const sql = neon(env.DATABASE_URL);\n"
        "  await sql`UPDATE cl.company_identity SET a = 2 WHERE company_unique_id = ${id}`;\n"
        "}\n"
    )
    out = lint_at(hubs_policy(), "hubs/lcs-send/src/worker.ts", text)
    # the D1 call's statement (16 lines into the call) is out of scope; the PostgreSQL one is checked
    assert [(f.rule_id, f.location.line) for f in out if f.location] == [("LNT001", 21)]


@pytest.mark.parametrize(
    ("src", "braces", "value", "origin"),
    [
        ('"UPDATE cl.x"', False, "UPDATE cl.x", list(range(11, 22))),
        ("r'a\\nb'", False, "a\\nb", [12, 13, 14, 15]),
        ('"a\\tb\\x41"', False, "a\tbA", [11, 12, 14, 15]),
        ('f"{s}.t{{x}}"', False, "__ownaudit_ph1__.t{x}", [12] * 16 + [15, 16, 17, 19, 20]),
        ('"{}.t"', True, "__ownaudit_ph1__.t", [11] * 16 + [13, 14]),
        ('"""a\\\nb"""', False, "ab", [13, 16]),
    ],
)
def test_python_literals_keep_one_file_offset_per_character(
    src: str, braces: bool, value: str, origin: list[int]
) -> None:
    from ownaudit.lint.pyliterals import decode_literal

    placeholders: dict[str, str] = {}
    got = decode_literal(src, 10, placeholders, [0], braces)
    assert got == (value, origin)


@pytest.mark.parametrize(
    ("seg", "tokens"),
    [
        ('"a" "b"', [(0, 3), (4, 7)]),
        ("'it\\'s' f'{x[\"k\"]}' # note\n  \"c\"", [(0, 7), (8, 19), (29, 32)]),
        ('"""x " y""" \'z', [(0, 11), (12, 14)]),
    ],
)
def test_implicitly_concatenated_literals_split_where_python_splits_them(
    seg: str, tokens: list[tuple[int, int]]
) -> None:
    from ownaudit.lint.extract_python import _literal_tokens

    assert list(_literal_tokens(seg)) == tokens

"""What the hub may not do: each lint rule against a small policy, plus suppressions and exceptions."""

from __future__ import annotations

from pathlib import Path

import pytest

from ownaudit.findings import Severity
from ownaudit.policy.model import Policy
from test_lint_support import lint_source, make_policy, rules_of, run_repo, where


@pytest.fixture(scope="module")
def policy(tmp_path_factory: pytest.TempPathFactory) -> Policy:
    return make_policy(tmp_path_factory.mktemp("policy"))


def rules(policy: Policy, sql: str, hub: str = "hub-out") -> list[str]:
    return sorted(rules_of(lint_source(policy, sql, hub=hub)))


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        # writes
        ("UPDATE cl.company_identity SET name = 'x'", ["LNT001"]),
        ("UPDATE cl.company_identity SET outreach_pointer = 'x'", []),  # column exception
        ("UPDATE cl.company_identity SET outreach_pointer = 'x', name = 'y'", ["LNT001"]),
        ("INSERT INTO public.shq_error_log (m) VALUES ('x')", []),  # extra writer: INSERT only
        ("DELETE FROM public.shq_error_log", ["LNT001"]),
        ("INSERT INTO outreach.people (a) VALUES (1) ON CONFLICT (a) DO UPDATE SET a = 2", []),
        ("INSERT INTO marketing.people_master VALUES (1)", ["LNT001"]),
        ("WITH d AS (DELETE FROM cl.company_identity RETURNING *) SELECT * FROM d", ["LNT001"]),
        ("INSERT INTO outreach.people SELECT * FROM cl.company_identity", []),  # reads are reads
        (
            "MERGE INTO cl.company_identity t USING outreach.people s ON t.id = s.id WHEN MATCHED THEN DELETE",
            ["LNT001"],
        ),
        ("TRUNCATE outreach.people, cl.company_identity", ["LNT001"]),
        ("COPY cl.company_identity FROM stdin", ["LNT001"]),
        # DDL
        ("ALTER TABLE cl.company_identity ADD COLUMN x int", ["LNT002"]),
        ("ALTER TABLE outreach.people ADD COLUMN x int", []),
        ("ALTER TABLE cl.company_identity DISABLE TRIGGER ALL", ["LNT002"]),
        ("ALTER TABLE cl.company_identity OWNER TO outreach_writer", ["LNT002"]),
        ("CREATE POLICY p ON cl.company_identity FOR SELECT USING (true)", ["LNT002"]),
        ("CREATE INDEX i ON cl.company_identity (a)", ["LNT002"]),
        ("CREATE FUNCTION cl.f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$", ["LNT002"]),
        ("CREATE FUNCTION outreach.f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$", []),
        ("CREATE SCHEMA cl", ["LNT002"]),
        ("DROP TABLE marketing.people_master", ["LNT002"]),
        ("ALTER TABLE outreach.company_target DISABLE ROW LEVEL SECURITY", ["LNT018"]),
        ("ALTER TABLE outreach.company_target NO FORCE ROW LEVEL SECURITY", ["LNT018"]),
        ("ALTER TABLE outreach.company_target ENABLE ROW LEVEL SECURITY", []),
        # privileges and roles
        ("GRANT SELECT ON cl.company_identity TO outreach_writer", ["LNT003"]),
        ("GRANT SELECT ON ALL TABLES IN SCHEMA cl TO outreach_writer", ["LNT003"]),
        ("REVOKE ALL ON cl.company_identity FROM PUBLIC", ["LNT003"]),
        ("GRANT SELECT ON outreach.people TO ui_reader", []),
        ("GRANT INSERT ON outreach.people TO ui_reader", ["LNT003"]),
        ("GRANT UPDATE ON outreach.people TO PUBLIC", ["LNT003"]),
        ("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA outreach TO outreach_writer", []),
        ("ALTER DEFAULT PRIVILEGES IN SCHEMA outreach GRANT SELECT ON TABLES TO ui_reader", []),
        ("ALTER DEFAULT PRIVILEGES IN SCHEMA outreach GRANT INSERT ON TABLES TO ui_reader", ["LNT003"]),
        ("ALTER DEFAULT PRIVILEGES IN SCHEMA cl GRANT SELECT ON TABLES TO ui_reader", ["LNT003"]),
        ("CREATE ROLE helper LOGIN SUPERUSER", ["LNT004"]),
        ("GRANT cl_writer TO outreach_writer", ["LNT004"]),
        # foreign keys
        ("CREATE TABLE outreach.notes (cid uuid REFERENCES cl.company_identity)", ["LNT005", "LNT009"]),
        (
            "CREATE TABLE outreach.notes (cid uuid REFERENCES cl.company_identity ON DELETE CASCADE)",
            ["LNT005", "LNT006", "LNT009"],
        ),
        (
            "ALTER TABLE outreach.company_target ADD CONSTRAINT f FOREIGN KEY (company_unique_id) "
            "REFERENCES cl.company_identity (company_unique_id) ON DELETE RESTRICT",
            [],
        ),
        (
            "ALTER TABLE outreach.company_target ADD CONSTRAINT f FOREIGN KEY (company_unique_id) "
            "REFERENCES cl.company_identity (company_unique_id) ON DELETE CASCADE",
            ["LNT006"],
        ),
        (
            "ALTER TABLE outreach.company_target ADD CONSTRAINT f FOREIGN KEY (company_unique_id) "
            "REFERENCES cl.company_identity (company_unique_id)",
            ["LNT007"],
        ),
        (
            "ALTER TABLE outreach.people ADD FOREIGN KEY (target_id) REFERENCES outreach.company_target "
            "ON DELETE SET NULL",
            [],
        ),  # same hub
        # reads, unknown and unanalysable
        ("SELECT * FROM marketing.people_master", ["LNT008"]),
        ("SELECT * FROM outreach.brand_new", ["LNT009"]),
        ("SELECT * FROM staging.x", ["LNT009"]),
        ("SELECT * FROM public.anything JOIN pg_catalog.pg_class ON true", []),
        ("SELECT * FROM WHERE", ["LNT011"]),
        ("DO $$ BEGIN EXECUTE format('DELETE FROM %I', t); END $$", ["LNT019"]),  # the table is run-time
        ("DO $$ BEGIN EXECUTE v_sql; END $$", ["LNT019"]),
    ],
)
def test_rule(policy: Policy, sql: str, expected: list[str]) -> None:
    assert rules(policy, sql) == expected


def test_reader_allowed_for_listed_hub(policy: Policy) -> None:
    assert rules(policy, "SELECT * FROM marketing.people_master", hub="hub-cl") == []


def test_finding_names_hub_object_kind_severity_and_policy_line(policy: Policy) -> None:
    (f,) = lint_source(policy, "\n\n  UPDATE cl.company_identity SET name = 1;", path="m/x.sql")
    assert f.rule_id == "LNT001" and f.severity == Severity.CRITICAL
    assert (f.object, f.hub, f.kind) == ("cl.company_identity", "hub-out", "UPDATE")
    assert f.location is not None and (f.location.path, f.location.line, f.location.column) == (
        "m/x.sql",
        3,
        10,
    )
    assert "schemas.cl.owner" in f.message and "ownership.yaml:" in f.message
    line = int(f.properties["policy_location"].rsplit(":", 2)[1])
    text = Path(policy.path).read_text().splitlines()
    assert text[line - 1].strip() == "owner: hub-cl"
    d = f.to_dict()
    for key in ("rule_id", "severity", "title", "message", "object", "hub", "location", "suppressed"):
        assert key in d


def test_search_path_resolution(policy: Policy) -> None:
    # hub-out's lint.search_path is [outreach, public]
    assert rules(policy, "INSERT INTO people VALUES (1)") == []
    assert rules(policy, "INSERT INTO shq_error_log VALUES (1)") == []
    assert rules(policy, "INSERT INTO company_identity VALUES (1)") == ["LNT009"]
    assert rules(policy, "SET search_path TO cl, public;\nINSERT INTO company_identity VALUES (1)") == ["LNT001"]
    assert rules(policy, "INSERT INTO company_identity VALUES (1)", hub="hub-cl") == []


def test_unresolved_table_from_placeholder(policy: Policy) -> None:
    src = 'cur.execute(f"UPDATE {tbl} SET a = 1")\n'
    (f,) = lint_source(policy, src, "python", path="a.py")
    assert f.rule_id == "LNT019" and f.object == "{tbl}" and "run time" in f.message
    assert f.severity == Severity.HIGH  # a templated write target may be another hub's table


def test_templated_name_in_the_hubs_own_schema_or_a_read_stays_below_the_gate(policy: Policy) -> None:
    src = 'cur.execute(f"DELETE FROM outreach.{t}")\ncur.execute(f"SELECT * FROM {t}")\n'
    got = sorted((f.rule_id, f.severity) for f in lint_source(policy, src, "python", path="a.py"))
    # the write stays below the gate (the hub owns the schema); a read anywhere is only informational
    assert got == [("LNT010", Severity.MEDIUM), ("LNT030", Severity.INFO)]


def test_prose_is_not_sql(policy: Policy) -> None:
    src = (
        '"""Insert the rows into the table."""\n'
        'log.info("Update the cache")\n'
        'MSG = "delete from the list when done"\n'
        'raise ValueError("Select a file first")\n'
    )
    assert lint_source(policy, src, "python", path="a.py") == []


def test_sql_looking_literal_that_fails_in_a_sql_context_is_unanalysable(policy: Policy) -> None:
    src = 'cur.execute("UPDATE cl.company_identity SET WHERE")\n'
    (f,) = lint_source(policy, src, "python", path="a.py")
    # it names another hub's governed schema: it could be the very write the gate exists to stop
    assert f.rule_id == "LNT019" and f.severity == Severity.HIGH and f.location is not None
    src = 'cur.execute("UPDATE public.shq_error_log SET WHERE")\n'  # an ungoverned schema
    (f,) = lint_source(policy, src, "python", path="a.py")
    assert f.rule_id == "LNT011" and f.severity == Severity.LOW


# -- suppressions ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def permissive(tmp_path_factory: pytest.TempPathFactory) -> Policy:
    """A policy that lets inline comments silence anything (the default stops at medium)."""
    return make_policy(tmp_path_factory.mktemp("permissive"), "gate: {inline_suppression_max: critical}\n")


def test_inline_suppressions(permissive: Policy) -> None:
    policy = permissive
    sql = (
        "-- ownaudit: ignore[LNT001] approved by CL in SEC-9\n"
        "UPDATE cl.company_identity SET name = 1;\n"
        "DELETE FROM cl.company_identity; -- ownaudit: ignore[LNT001,LNT002] cleanup job\n"
        "-- ownaudit: ignore[LNT001]\n"
        "TRUNCATE cl.company_identity;\n"
        "-- ownaudit: ignore[LNT003] nothing here\n"
        "SELECT 1;\n"
        "-- ownaudit: ignore[LNT002] wrong rule\n"
        "INSERT INTO cl.company_identity VALUES (1);\n"
    )
    fs = lint_source(policy, sql)
    sup = sorted((f.rule_id, where(f)[0], f.suppression) for f in fs if f.suppressed)
    assert sup == [
        ("LNT001", 2, "inline at f.sql:1: approved by CL in SEC-9"),
        ("LNT001", 3, "inline at f.sql:3: cleanup job"),
    ]
    active = sorted((f.rule_id, where(f)[0]) for f in fs if not f.suppressed)
    assert active == [("LNT001", 5), ("LNT001", 9), ("LNT014", 4), ("LNT015", 6), ("LNT015", 8)]


def test_suppression_above_a_multi_line_statement(permissive: Policy) -> None:
    policy = permissive
    sql = "-- ownaudit: ignore[LNT001] approved, SEC-4\nUPDATE\n    cl.company_identity\nSET name = 1;\n"
    (f,) = lint_source(policy, sql)
    assert f.suppressed and where(f) == (3, 5)


def test_suppression_comment_styles_for_python_and_js(permissive: Policy) -> None:
    policy = permissive
    py = 'cur.execute("DELETE FROM cl.company_identity")  # ownaudit: ignore[LNT001] one-off fix\n'
    assert [f.suppressed for f in lint_source(policy, py, "python", path="a.py")] == [True]
    js = '// ownaudit: ignore[lnt001] migration helper, SEC-3\nawait db.query("DELETE FROM cl.company_identity");\n'
    assert [f.suppressed for f in lint_source(policy, js, "js", path="a.ts")] == [True]


# -- policy exceptions ------------------------------------------------------------------


def test_policy_exceptions_valid_and_expired(policy: Policy, tmp_path: Path) -> None:
    (tmp_path / "a.sql").write_text("UPDATE cl.lifecycle_state SET a = 1;\nDROP TABLE cl.merge_records;\n")
    res = run_repo(policy, tmp_path)
    by_rule = {f.rule_id: f for f in res.findings}
    assert by_rule["LNT001"].suppressed and "backfill approved by CL" in (by_rule["LNT001"].suppression or "")
    assert "SEC-1" in (by_rule["LNT001"].suppression or "")
    assert not by_rule["LNT002"].suppressed  # expired: reported again
    exp = by_rule["LNT016"]
    assert "expired on 2020-01-01" in exp.message and exp.location is not None
    assert exp.location.path == policy.path and exp.location.line > 1
    assert res.counts() == {"critical": 0, "high": 1, "medium": 1, "low": 0, "info": 0}


def test_parallel_run_gives_the_same_findings(policy: Policy, tmp_path: Path) -> None:
    from ownaudit.lint.engine import lint

    for i in range(12):
        (tmp_path / f"m{i}.sql").write_text(
            f"UPDATE cl.company_identity SET a = {i};\nSELECT * FROM marketing.people_master;\n"
        )
        (tmp_path / f"q{i}.py").write_text(f'cur.execute("DELETE FROM cl.lifecycle_state WHERE id = {i}")\n')
    one = lint(policy, "hub-out", tmp_path, n_jobs=1)
    two = lint(policy, "hub-out", tmp_path, n_jobs=2)
    assert [f.to_dict() for f in one.findings] == [f.to_dict() for f in two.findings]
    assert one.target["statements"] == two.target["statements"] == 36
    assert len(one.findings) == 36

"""``ownaudit plan`` converges a drifted database: apply it (the TEST does, as superuser), audit again.

The round trip: every finding of a kind the plan claims to fix is gone, the
second plan is empty, the script is idempotent, and what needs a human is left
as comments (and still reported by the audit).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ownaudit.audit.engine import run_audit
from ownaudit.catalog.reader import read_catalog
from ownaudit.cli import main
from ownaudit.plan.build import build_plan
from ownaudit.plan.render import PlanHeader, render_sql
from ownaudit.policy.loader import load_policy

pytestmark = pytest.mark.catalog

POLICY = Path(__file__).resolve().parents[1] / "policy" / "ownership.yaml"

DRIFT = """
CREATE ROLE intern LOGIN;
GRANT INSERT ON outreach.people TO ui_reader;
GRANT outreach_writer TO ui_reader;
GRANT cl_writer TO outreach_writer WITH ADMIN OPTION;
GRANT cl_writer TO intern;
GRANT pg_write_all_data TO ui_reader;
GRANT SELECT ON cl.company_identity TO ui_reader WITH GRANT OPTION;
GRANT UPDATE (legal_name) ON cl.company_identity TO outreach_writer;
GRANT REFERENCES ON cl.company_identity TO outreach_writer;
GRANT TRUNCATE ON marketing.company_master TO PUBLIC;
ALTER ROLE ui_reader BYPASSRLS CREATEDB;
ALTER TABLE cl.lifecycle_state OWNER TO cl_writer;
GRANT CREATE ON SCHEMA cl TO outreach_writer;
GRANT CREATE ON SCHEMA public TO PUBLIC;
GRANT CREATE ON DATABASE "Marketing DB" TO ui_reader;
ALTER DEFAULT PRIVILEGES FOR ROLE "Marketing DB_owner" IN SCHEMA outreach GRANT ALL ON TABLES TO PUBLIC;
ALTER TABLE cl.company_identity FORCE ROW LEVEL SECURITY;
CREATE POLICY extra ON outreach.company_target FOR ALL USING (true);
SET ROLE "Marketing DB_owner";
CREATE TABLE cl.import_batches (id bigserial PRIMARY KEY, note text);
ALTER TABLE outreach.people ADD CONSTRAINT people_company_fk FOREIGN KEY (company_unique_id)
    REFERENCES cl.company_identity (company_unique_id) ON DELETE CASCADE;
CREATE FUNCTION cl.touch(id text) RETURNS void LANGUAGE sql SECURITY DEFINER
    AS $$ UPDATE cl.company_identity SET legal_name = legal_name WHERE company_unique_id = id $$;
RESET ROLE;
GRANT USAGE, UPDATE ON SEQUENCE cl.import_batches_id_seq TO ui_reader;
"""

# What SQL cannot decide: the plan leaves these as comments and the audit keeps reporting them.
# (A SECURITY DEFINER function is not one of them: the plan revokes EXECUTE outside the owning hub.)
NEEDS_A_HUMAN = {"AUD080", "AUD090", "AUD092"}


def unsuppressed(result: Any) -> list[Any]:
    return [f for f in result.findings if not f.suppressed]


@pytest.fixture
def drifted(fresh_db_factory: Any) -> Any:
    db = fresh_db_factory("Marketing DB", seed=True)
    db.execute(DRIFT)
    return db


def test_plan_converges_and_a_second_plan_is_empty(drifted: Any) -> None:
    policy = load_policy(POLICY)
    before = run_audit(policy, read_catalog(drifted.dsn))
    plan = build_plan(policy, read_catalog(drifted.dsn))
    claims = plan.fixes()
    assert {
        "AUD001",
        "AUD021",
        "AUD022",
        "AUD030",
        "AUD041",
        "AUD045",
        "AUD050",
        "AUD060",
        "AUD061",
        "AUD062",
        "AUD070",
        "AUD071",
        "AUD104",
        "AUD010",
        "AUD012",
    } <= claims
    before_rules = {f.rule_id for f in unsuppressed(before)}
    assert claims & before_rules  # the drift is real

    script = render_sql(plan, PlanHeader("test", policy.path, policy.digest))
    drifted.execute(script)  # the test applies it as superuser; ownaudit never executes SQL
    after = run_audit(policy, read_catalog(drifted.dsn))
    left = [f for f in unsuppressed(after) if f.key in plan.fixed]
    assert not left, "\n".join(f"{f.rule_id} {f.object} {f.role}: {f.message}" for f in left)
    # Needs-a-human items are still reported, and were listed in the plan as comments.
    remaining = {f.rule_id for f in unsuppressed(after)}
    assert {"AUD080", "AUD090"} <= remaining
    assert "AUD100" not in remaining and "AUD101" not in remaining  # the definer path is closed
    assert {f.key for f in unsuppressed(after)} <= plan.noted
    notes = "\n".join(plan.manual)
    assert "cl.import_batches" in notes and "people_company_fk" in notes
    assert remaining <= NEEDS_A_HUMAN

    again = build_plan(policy, read_catalog(drifted.dsn))
    assert again.empty, render_sql(again, PlanHeader("test", policy.path, policy.digest))
    drifted.execute(script)  # idempotent: the same script runs again without error
    assert build_plan(policy, read_catalog(drifted.dsn)).empty


def test_plan_script_shape_quoting_and_header(drifted: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    password = "s3cret-Pa55-word"
    drifted.create_role("plan_reader", password=password)  # grant-less: plan reads pg_catalog only
    out = tmp_path / "plan.sql"
    with pytest.raises(SystemExit) as exc:
        main(
            [
                "plan",
                "--dsn",
                drifted.role_dsn("plan_reader", password),
                "--policy",
                str(POLICY),
                "-o",
                str(out),
                "--exit-code",
            ]
        )
    assert exc.value.code == 1  # the database has drifted
    text = out.read_text(encoding="utf-8")
    capsys.readouterr()
    assert password not in text
    lines = text.splitlines()
    assert lines[0].startswith("-- ownaudit plan") and "Marketing DB" in lines[1]
    assert f"-- policy:   {POLICY}" in text and "digest sha256:" in text
    assert "never executes" in text
    body = [ln for ln in lines if ln and not ln.startswith("--")]
    assert body[0] == "BEGIN;" and body[-1] == "COMMIT;"
    assert 'ALTER TABLE cl.lifecycle_state OWNER TO "Marketing DB_owner";' in text
    assert 'REVOKE CREATE ON DATABASE "Marketing DB" FROM ui_reader CASCADE;' in text
    assert "REVOKE CREATE ON SCHEMA public FROM PUBLIC CASCADE;" in text
    assert "ALTER ROLE ui_reader NOBYPASSRLS NOCREATEDB;" in text
    assert "DROP POLICY IF EXISTS cl_read_policy ON cl.company_identity; CREATE POLICY cl_read_policy" in text
    assert "DROP POLICY IF EXISTS extra ON outreach.company_target;" in text
    # Order: owners, memberships, revokes, grants, defaults, RLS, role attributes.
    order = [
        text.index(s)
        for s in (
            "OWNER TO",
            "REVOKE outreach_writer FROM ui_reader",
            "REVOKE INSERT ON",
            "GRANT USAGE ON SCHEMA cl",
            "ALTER DEFAULT PRIVILEGES",
            "CREATE POLICY",
            "ALTER ROLE ui_reader",
        )
    ]
    assert order == sorted(order)
    assert "-- == Needs a human" in text and "AUD090" in text


def test_plan_from_a_snapshot_and_a_clean_database(
    fresh_db_factory: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = fresh_db_factory("Marketing DB", seed=True)
    policy = load_policy(POLICY)
    first = build_plan(policy, read_catalog(db.dsn))
    db.execute(render_sql(first, PlanHeader("test", policy.path, policy.digest)))
    snap = tmp_path / "snap.json"
    with pytest.raises(SystemExit):
        main(["snapshot", "--dsn", db.dsn, "-o", str(snap)])
    with pytest.raises(SystemExit) as exc:
        main(["plan", "--snapshot", str(snap), "--policy", str(POLICY), "--exit-code"])
    out = capsys.readouterr().out
    assert exc.value.code == 0
    assert "Nothing to change" in out and "BEGIN;" not in out
    assert f"snapshot {snap}" in out


ODD_POLICY = """
version: 1
database:
  name: odd
  owner_role: "Odd Owner"
hubs:
  "odd-hub": {roles: ["Writer Role"]}
  "read-hub": {roles: ["reader.role"]}
roles:
  "Writer Role": {hub: "odd-hub", kind: writer}
  "reader.role": {hub: "read-hub", kind: reader}
schemas:
  "Odd Schema":
    owner: "odd-hub"
    readers: all
    tables:
      'We"ird Table':
        rls:
          enabled: true
          forced: true
          policies:
            - {name: "Write Policy", command: ALL, roles: ["Writer Role"]}
            - {name: "read", command: SELECT, roles: ["reader.role"]}
"""


def test_plan_quotes_every_identifier(fresh_db: Any, tmp_path: Path) -> None:
    for role in ("Odd Owner", "Writer Role", "reader.role"):
        fresh_db.create_role(role)
    fresh_db.execute('CREATE SCHEMA "Odd Schema" AUTHORIZATION "Writer Role"')
    fresh_db.execute('CREATE TABLE "Odd Schema"."We""ird Table" (id serial PRIMARY KEY, "Note" text)')
    fresh_db.execute('GRANT ALL ON "Odd Schema"."We""ird Table" TO "reader.role"')
    path = tmp_path / "odd.yaml"
    path.write_text(ODD_POLICY, encoding="utf-8")
    policy = load_policy(path)
    plan = build_plan(policy, read_catalog(fresh_db.dsn))
    script = render_sql(plan, PlanHeader("test", policy.path, policy.digest))
    assert 'ALTER TABLE "Odd Schema"."We""ird Table" OWNER TO "Odd Owner";' in script
    assert 'ALTER SCHEMA "Odd Schema" OWNER TO "Odd Owner";' in script
    assert "REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER" in script
    fresh_db.execute(script)
    assert build_plan(policy, read_catalog(fresh_db.dsn)).empty
    leftover = [
        f
        for f in run_audit(policy, read_catalog(fresh_db.dsn)).findings
        if not f.suppressed and f.rule_id in plan.fixes()
    ]
    assert not leftover, [(f.rule_id, f.object, f.message) for f in leftover]

"""Audit, plan and diff are views of one model: properties that must hold on a real PostgreSQL.

1. The audit is clean exactly when the plan has nothing to say (no SQL, no note).
2. After the plan is applied (the TEST applies it, as superuser), the audit reports none of the findings
   the plan claimed to fix, and a second plan has no SQL.
3. ``diff POLICY LIVE`` reports the audit's access differences (who may write / lacks what).

And the remedies that close paths instead of moving them, each proved by logging in as the role.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import psycopg
import pytest

from ownaudit.access import AccessState
from ownaudit.audit.engine import run_audit
from ownaudit.catalog.effective import effective_state
from ownaudit.catalog.reader import read_catalog
from ownaudit.diff.compare import compare
from ownaudit.findings import Finding
from ownaudit.plan.build import build_plan
from ownaudit.plan.model import Plan
from ownaudit.plan.render import PlanHeader, render_sql
from ownaudit.policy.expected import expected_state
from ownaudit.policy.loader import load_policy
from ownaudit.policy.model import Policy, TableRef
from ownaudit.privileges import WRITE, Privilege

pytestmark = pytest.mark.catalog

POLICY = Path(__file__).resolve().parents[1] / "policy" / "ownership.yaml"


def demo_drifts() -> str:
    return resources.files("ownaudit.demo_data").joinpath("demo_drifts.sql").read_text(encoding="utf-8")


def open_findings(policy: Policy, dsn: str) -> list[Finding]:
    return [f for f in run_audit(policy, read_catalog(dsn)).findings if not f.suppressed]


def apply(db: Any, policy: Policy, plan: Plan) -> None:
    db.execute(render_sql(plan, PlanHeader("test", policy.path, policy.digest)))


def check_round(db: Any, policy: Policy) -> tuple[list[Finding], Plan]:
    """Properties 1 and 2 on ``db`` as it is now; returns what the audit still reports afterwards."""
    before = open_findings(policy, db.dsn)
    plan = build_plan(policy, read_catalog(db.dsn))
    assert (not before) == plan.nothing_to_do
    assert plan.fixed | plan.noted == {f.key for f in before}
    apply(db, policy, plan)
    after = open_findings(policy, db.dsn)
    reopened = [f for f in after if f.key in plan.fixed]
    assert not reopened, [(f.rule_id, f.object, f.role, f.message) for f in reopened]
    again = build_plan(policy, read_catalog(db.dsn))
    assert again.empty, render_sql(again, PlanHeader("test", policy.path, policy.digest))
    return after, plan


@pytest.fixture
def seeded(fresh_db_factory: Any) -> Any:
    """The seed's roles, schema and enforcement SQL exactly as written."""
    return fresh_db_factory("Marketing DB", seed=True)


@pytest.fixture
def clean(seeded: Any) -> Any:
    """The seed converged by one plan: the baseline every drift starts from."""
    policy = load_policy(POLICY)
    after, _ = check_round(seeded, policy)
    assert not after
    return seeded


def test_seed_as_written_and_the_demo_drifts_converge(seeded: Any) -> None:
    policy = load_policy(POLICY)
    seeded.execute(demo_drifts())
    after, plan = check_round(seeded, policy)
    # Only what needs a human remains: the undeclared cross-hub FK (declare it or drop it).
    assert {f.rule_id for f in after} == {"AUD090", "AUD092"}
    assert {f.key for f in after} <= plan.noted
    assert any("campaigns_company_fk" in n for n in plan.manual)


def test_a_clean_database_has_an_empty_plan_and_identity_sequences_need_no_grant(clean: Any) -> None:
    policy = load_policy(POLICY)
    clean.execute("ALTER TABLE outreach.people ADD COLUMN row_no bigint GENERATED ALWAYS AS IDENTITY")
    assert open_findings(policy, clean.dsn) == []
    plan = build_plan(policy, read_catalog(clean.dsn))
    assert plan.nothing_to_do, render_sql(plan, PlanHeader("test", policy.path, policy.digest))
    clean.execute("INSERT INTO cl.company_identity (company_unique_id, legal_name, created_by) "
                  "VALUES ('c1', 'C', 'x')")
    with clean.connect("outreach_writer") as conn:  # the writer inserts without any sequence grant
        conn.execute("INSERT INTO outreach.company_target (target_id, company_unique_id) VALUES ('t1', 'c1')")
        conn.execute("INSERT INTO outreach.people (person_id, target_id, company_unique_id) VALUES ('p1', 't1', 'c1')")


def test_fk_with_another_action_is_recreated_with_the_declared_one(clean: Any) -> None:
    policy = load_policy(POLICY)
    clean.execute("ALTER TABLE outreach.company_target DROP CONSTRAINT fk_company_lifecycle, "
                  "ADD CONSTRAINT fk_company_lifecycle FOREIGN KEY (company_unique_id) "
                  "REFERENCES cl.company_identity (company_unique_id) ON DELETE CASCADE")
    assert {"AUD091", "AUD092"} <= {f.rule_id for f in open_findings(policy, clean.dsn)}
    plan = build_plan(policy, read_catalog(clean.dsn))
    script = render_sql(plan, PlanHeader("test", policy.path, policy.digest))
    assert "ON DELETE RESTRICT ON UPDATE NO ACTION NOT VALID;" in script
    assert script.index("NOT VALID;") < script.index("VALIDATE CONSTRAINT fk_company_lifecycle;")
    after, _ = check_round(clean, policy)
    assert not after
    row = clean.execute("SELECT confdeltype, convalidated FROM pg_constraint WHERE conname = 'fk_company_lifecycle'")
    assert row == [("r", True)]


DEFINER = """
SET ROLE "Marketing DB_owner";
CREATE FUNCTION public.promote_company(p_id text, p_stage text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
    UPDATE cl.lifecycle_state SET cl_stage = p_stage WHERE company_unique_id = p_id;
END
$$;
RESET ROLE;
GRANT EXECUTE ON FUNCTION public.promote_company(text, text) TO outreach_writer, cl_writer;
"""


def test_definer_function_loses_execute_outside_the_owning_hub_and_stays(clean: Any) -> None:
    policy = load_policy(POLICY)
    clean.execute(DEFINER)
    rules = {(f.rule_id, f.role) for f in open_findings(policy, clean.dsn)}
    assert {("AUD100", "PUBLIC"), ("AUD100", "outreach_writer")} <= rules
    plan = build_plan(policy, read_catalog(clean.dsn))
    script = render_sql(plan, PlanHeader("test", policy.path, policy.digest))
    assert "DROP FUNCTION" not in script and "OWNER TO" not in script
    after, _ = check_round(clean, policy)
    assert not after
    sig = "public.promote_company(text, text)"
    for role, may in (("ui_reader", False), ("outreach_writer", False), ("cl_writer", True)):
        assert clean.execute(f"SELECT has_function_privilege('{role}', '{sig}', 'EXECUTE')") == [(may,)]
    with clean.connect("ui_reader") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SELECT public.promote_company('x', 'y')")


VIEW = """
SET ROLE "Marketing DB_owner";
CREATE VIEW outreach.cl_states AS SELECT company_unique_id, cl_stage FROM cl.lifecycle_state;
RESET ROLE;
"""


def test_owner_rights_view_over_another_hubs_table_stops_writing_it(clean: Any, pg_major: int) -> None:
    policy = load_policy(POLICY)
    clean.execute(VIEW)
    # The outreach writer's default privileges give it INSERT on the new view in its own schema.
    assert "INSERT" in {r[0] for r in clean.execute(
        "SELECT privilege_type FROM information_schema.role_table_grants "
        "WHERE grantee = 'outreach_writer' AND table_name = 'cl_states'")}
    assert ("AUD102", "outreach_writer") in {(f.rule_id, f.role) for f in open_findings(policy, clean.dsn)}
    plan = build_plan(policy, read_catalog(clean.dsn))
    check_round(clean, policy)
    assert not [f for f in open_findings(policy, clean.dsn) if f.rule_id in ("AUD102", "AUD103")]
    clean.execute("INSERT INTO cl.company_identity (company_unique_id, legal_name, created_by) VALUES ('c1', 'C', 'x')")
    with clean.connect("outreach_writer") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("INSERT INTO outreach.cl_states (company_unique_id, cl_stage) VALUES ('c1', 'x')")
    assert any(k in s.sql for s in plan.steps for k in ("security_invoker = true", "REVOKE"))


def _write_pairs_from_diff(policy_state: AccessState, live: AccessState, policy: Policy) -> set[tuple[str, str]]:
    return {(c.role or "", c.object) for c in compare(policy_state, live, policy)
            if c.kind == "write-gained" and c.role in policy.roles}


def test_diff_policy_live_reports_the_audits_write_differences(seeded: Any) -> None:
    policy = load_policy(POLICY)
    seeded.execute(demo_drifts())
    snap = read_catalog(seeded.dsn)
    findings = [f for f in run_audit(policy, snap).findings if not f.suppressed]
    audit_writes = {(f.role or "", f.object) for f in findings
                    if f.rule_id in ("AUD001", "AUD002") and f.role in policy.roles
                    and any(p.value in f.message for p in WRITE)}
    extra = [TableRef(r.schema, r.name) for r in snap.relations if r.relkind in "rpf"]
    state = expected_state(policy, extra)
    diff_writes = _write_pairs_from_diff(state, effective_state(snap, policy), policy)
    assert audit_writes and audit_writes == diff_writes
    audit_missing = {(f.role or "", f.object) for f in findings if f.rule_id in ("AUD010", "AUD011")}
    diff_missing = {(c.role or "", c.object) for c in compare(state, effective_state(snap, policy), policy)
                    if c.kind in ("write-lost", "read-lost") and c.role in policy.roles}
    assert audit_missing <= diff_missing
    assert Privilege.SELECT  # the vocabulary both sides share


def test_sequence_privileges_key_is_what_audit_and_plan_both_expect(clean: Any, tmp_path: Path) -> None:
    shipped = load_policy(POLICY)
    text = POLICY.read_text(encoding="utf-8")
    anchor = "  outreach:\n    owner: barton-outreach-core\n"
    assert anchor in text
    path = tmp_path / "seq.yaml"
    path.write_text(text.replace(anchor, anchor + "    sequence_privileges: [USAGE, SELECT]\n"), encoding="utf-8")
    policy = load_policy(path)
    found = {(f.rule_id, f.object) for f in open_findings(policy, clean.dsn)}
    assert ("AUD070", "Marketing DB_owner/outreach/sequence") in found
    plan = build_plan(policy, read_catalog(clean.dsn))
    script = render_sql(plan, PlanHeader("test", policy.path, policy.digest))
    assert 'IN SCHEMA outreach GRANT SELECT ON SEQUENCES TO outreach_writer;' in script
    after, _ = check_round(clean, policy)
    assert not after
    # The shipped policy (USAGE) accepts the extra SELECT: neither the audit nor the plan touches it.
    assert open_findings(shipped, clean.dsn) == []
    assert build_plan(shipped, read_catalog(clean.dsn)).nothing_to_do


def test_diff_of_two_database_states_shows_schemas_defaults_sequences_and_definer_functions(clean: Any) -> None:
    policy = load_policy(POLICY)
    before = effective_state(read_catalog(clean.dsn), policy)
    clean.execute(DEFINER)
    clean.execute("GRANT CREATE ON SCHEMA cl TO ui_reader;"
                  "ALTER DEFAULT PRIVILEGES FOR ROLE \"Marketing DB_owner\" IN SCHEMA cl GRANT INSERT ON TABLES "
                  "TO ui_reader;"
                  "GRANT UPDATE ON SEQUENCE public.shq_error_log_error_id_seq TO ui_reader;")
    after = effective_state(read_catalog(clean.dsn), policy)
    changes = compare(before, after, policy)
    kinds = {(c.kind, c.role) for c in changes}
    assert {("definer-execute-gained", "PUBLIC"), ("definer-execute-gained", "outreach_writer"),
            ("schema-privilege-gained", "ui_reader"), ("default-privilege-gained", "ui_reader"),
            ("sequence-privilege-gained", "ui_reader")} <= kinds
    assert changes[0].kind == "definer-execute-gained" and changes[0].severity.value == "critical"
    assert any(c.grants_write for c in changes)
    assert not compare(after, after, policy)


def test_public_read_hidden_by_rls_is_revoked_not_left_to_a_human(clean: Any) -> None:
    """Found by the drift property: PUBLIC granted SELECT on an RLS table is AUD042 only (not AUD002)."""
    policy = load_policy(POLICY)
    clean.execute("GRANT SELECT ON cl.company_identity TO PUBLIC")
    assert ("AUD042", "PUBLIC") in {(f.rule_id, f.role) for f in open_findings(policy, clean.dsn)}
    after, plan = check_round(clean, policy)
    assert not after and not plan.manual
    assert clean.execute("SELECT has_table_privilege('public', 'cl.company_identity', 'SELECT')") == [(False,)]


def test_revoking_a_membership_keeps_the_default_privileges_the_policy_gives(clean: Any) -> None:
    """Found by the drift property: a role that got its future-table SELECT only through an undeclared
    membership gets it directly when the plan revokes the membership."""
    policy = load_policy(POLICY)
    clean.execute('GRANT cl_writer TO outreach_writer; ALTER DEFAULT PRIVILEGES FOR ROLE "Marketing DB_owner" '
                  "IN SCHEMA marketing REVOKE SELECT ON TABLES FROM outreach_writer;")
    after, _ = check_round(clean, policy)
    assert not after

"""Every change kind of ``ownaudit diff`` appears between two states that differ by it (real server).

One database walks through a list of mutations; before and after each one the
catalog is read and compared, so each step checks one kind in both directions.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from ownaudit.catalog.effective import effective_state
from ownaudit.catalog.reader import read_catalog
from ownaudit.diff.compare import Change, compare, grants_new_write
from ownaudit.findings import Severity
from ownaudit.policy.loader import load_policy

pytestmark = pytest.mark.catalog

POLICY = Path(__file__).resolve().parents[1] / "policy" / "ownership.yaml"


def correct_grants_sql() -> str:
    return resources.files("ownaudit.demo_data").joinpath("seed_correct_grants.sql").read_text(encoding="utf-8")


def _kinds(changes: list[Change]) -> set[str]:
    return {c.kind for c in changes}


# (label, SQL applied to go from A to B, kinds expected A->B, kinds expected B->A)
STEPS: list[tuple[str, str, set[str], set[str]]] = [
    ("write grant", "GRANT INSERT ON cl.company_identity TO ui_reader", {"write-gained"}, {"write-lost"}),
    ("read grant", "GRANT SELECT ON cl.lifecycle_state TO diff_auditor", {"read-gained"}, {"read-lost"}),
    (
        "structural grant",
        "GRANT REFERENCES ON cl.company_identity TO outreach_writer",
        {"structural-gained"},
        {"structural-lost"},
    ),
    (
        "grant option",
        "GRANT SELECT ON cl.lifecycle_state TO ui_reader WITH GRANT OPTION",
        {"grant-option-gained"},
        {"grant-option-lost"},
    ),
    ("attribute", "ALTER ROLE ui_reader BYPASSRLS", {"attribute-gained"}, {"attribute-lost"}),
    (
        "membership",
        "GRANT outreach_writer TO ui_reader",
        {"membership-added", "write-gained"},
        {"membership-removed", "write-lost"},
    ),
    (
        "rls off",
        "ALTER TABLE cl.company_identity DISABLE ROW LEVEL SECURITY",
        {"rls-disabled"},
        {"rls-enabled"},
    ),
    (
        "rls forced",
        "ALTER TABLE outreach.company_target FORCE ROW LEVEL SECURITY",
        {"rls-forced"},
        {"rls-unforced"},
    ),
    (
        "policy added",
        "CREATE POLICY extra_read ON outreach.company_target FOR SELECT TO outreach_writer USING (true)",
        {"rls-policy-added"},
        {"rls-policy-removed"},
    ),
    (
        "policy changed",
        "ALTER POLICY extra_read ON outreach.company_target TO ui_reader",
        {"rls-policy-changed"},
        {"rls-policy-changed"},
    ),
    (
        "fk added",
        "ALTER TABLE outreach.people ADD CONSTRAINT people_company_fk FOREIGN KEY (company_unique_id) "
        "REFERENCES cl.company_identity (company_unique_id) ON DELETE CASCADE",
        {"fk-added"},
        {"fk-removed"},
    ),
    (
        "fk action",
        "ALTER TABLE outreach.people DROP CONSTRAINT people_company_fk, ADD CONSTRAINT people_company_fk "
        "FOREIGN KEY (company_unique_id) REFERENCES cl.company_identity (company_unique_id) "
        "ON DELETE RESTRICT",
        {"fk-action-changed"},
        {"fk-action-changed"},
    ),
    ("owner", "ALTER TABLE cl.merge_records OWNER TO cl_writer", {"owner-changed"}, {"owner-changed"}),
    ("table", "CREATE TABLE cl.tmp_import (x int)", {"table-added"}, {"table-removed"}),
    (
        "lost write the policy needs",
        "REVOKE DELETE ON outreach.campaigns FROM outreach_writer",
        {"write-lost"},
        {"write-gained"},
    ),
]


@pytest.fixture
def seeded(fresh_db: Any) -> Any:
    fresh_db.apply_seed(enforcement=True)
    fresh_db.execute('SET ROLE "Marketing DB_owner"')
    fresh_db.execute(correct_grants_sql())
    fresh_db.execute("RESET ROLE")
    fresh_db.create_role("diff_auditor")
    return fresh_db


def test_each_change_kind_appears_in_both_directions(seeded: Any) -> None:
    policy = load_policy(POLICY)
    before = effective_state(read_catalog(seeded.dsn), policy)
    for label, sql, forward, backward in STEPS:
        seeded.execute(sql)
        after = effective_state(read_catalog(seeded.dsn), policy)
        there = compare(before, after, policy)
        back = compare(after, before, policy)
        assert forward <= _kinds(there), f"{label}: {sorted(_kinds(there))}"
        assert backward <= _kinds(back), f"{label} (reversed): {sorted(_kinds(back))}"
        for change in there:  # every change names its object and, for access, role, hub and path
            assert change.object and change.path, change
            if change.kind.startswith(("write", "read")):
                assert change.role, change
        before = after


def test_changes_name_role_hub_object_and_path_most_dangerous_first(seeded: Any) -> None:
    policy = load_policy(POLICY)
    a = effective_state(read_catalog(seeded.dsn), policy)
    seeded.execute("GRANT outreach_writer TO ui_reader")
    seeded.execute("CREATE TABLE cl.tmp_import (x int)")
    b = effective_state(read_catalog(seeded.dsn), policy)
    changes = compare(a, b, policy)
    assert changes[0].severity == Severity.CRITICAL
    ranks = [c.severity.rank for c in changes]
    assert ranks == sorted(ranks, reverse=True)
    write = next(
        c for c in changes if c.kind == "write-gained" and c.object == "outreach.people" and c.after == "INSERT"
    )
    assert write.role == "ui_reader" and write.hub == "site-scout-pro"
    assert "ui_reader -[member" in write.path and "outreach_writer" in write.path
    assert grants_new_write(changes)
    assert not grants_new_write(compare(b, a, policy))


def test_lost_access_is_high_only_when_the_policy_needs_it(seeded: Any) -> None:
    policy = load_policy(POLICY)
    seeded.execute("GRANT INSERT ON cl.company_identity TO ui_reader")
    a = effective_state(read_catalog(seeded.dsn), policy)
    seeded.execute("REVOKE INSERT ON cl.company_identity FROM ui_reader, cl_writer")
    b = effective_state(read_catalog(seeded.dsn), policy)
    lost = {c.role: c for c in compare(a, b, policy) if c.kind == "write-lost"}
    assert lost["cl_writer"].severity == Severity.HIGH  # the owning hub needs it
    assert lost["ui_reader"].severity == Severity.LOW  # nobody should have had it

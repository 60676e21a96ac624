"""A small, fixed ``RunResult`` that exercises every part of every format.

Used by the report tests and handy for previewing a format without a database:
``python -c "from ownaudit.report.sample import sample_result; ..."``.
"""

from __future__ import annotations

from ownaudit.access import AccessMatrix, AccessPath
from ownaudit.findings import Finding, Location, RunResult, Severity
from ownaudit.privileges import Privilege
from ownaudit.report.matrix import build_matrix

POLICY = "policy/ownership.yaml"


def sample_findings() -> list[Finding]:
    return [
        Finding(
            "AUD001", Severity.CRITICAL, "Role can write a table its hub does not own",
            "outreach_writer can INSERT into cl.company_identity, owned by hub cl",
            object="cl.company_identity", hub="outreach", role="outreach_writer",
            evidence=["outreach_writer -[grant]-> INSERT on cl.company_identity"],
            location=Location(POLICY, 12, 5),
            fix="Revoke the grant.",
            fix_sql="REVOKE INSERT ON cl.company_identity FROM outreach_writer;",
        ),
        Finding(
            "AUD010", Severity.HIGH, "Owning hub's writer lacks a privilege it needs",
            "cl_writer lacks UPDATE on cl.lifecycle_state",
            object="cl.lifecycle_state", hub="cl", role="cl_writer",
            location=Location(POLICY, 20, 5),
            fix_sql="GRANT UPDATE ON cl.lifecycle_state TO cl_writer;",
        ),
        Finding(
            "AUD002", Severity.MEDIUM, "Role holds a privilege the policy does not give it",
            "cl_writer holds TRUNCATE on the append-only cl.lifecycle_history",
            object="cl.lifecycle_history", hub="cl", role="cl_writer",
            evidence=["cl_writer -[grant]-> TRUNCATE on cl.lifecycle_history"],
            location=Location(POLICY, 24, 7),
            fix_sql="REVOKE TRUNCATE ON cl.lifecycle_history FROM cl_writer;",
        ),
        Finding(
            "AUD011", Severity.HIGH, "Reader lacks SELECT on a table it may read",
            "ui_reader lacks SELECT on outreach.people",
            object="outreach.people", hub="ui", role="ui_reader",
            location=Location(POLICY, 40, 5),
            suppressed=True, suppression="exception EX-7: people data hidden from the UI until 2030-01-01",
        ),
    ]


def sample_matrices() -> tuple[AccessMatrix, AccessMatrix]:
    """(policy, database) matrices matching ``sample_findings``."""
    expected, actual = AccessMatrix(), AccessMatrix()
    policy = AccessPath(("policy",), via="policy")
    for p in (Privilege.SELECT, Privilege.INSERT, Privilege.UPDATE, Privilege.DELETE):
        for t in ("cl.company_identity", "cl.lifecycle_state", "cl.lifecycle_history"):
            expected.add("cl_writer", t, p, policy)
        expected.add("outreach_writer", "outreach.people", p, policy)
    for t in ("cl.company_identity", "cl.lifecycle_state", "cl.lifecycle_history", "outreach.people"):
        expected.add("ui_reader", t, Privilege.SELECT, policy)
        if t != "outreach.people":
            expected.add("outreach_writer", t, Privilege.SELECT, policy)
    for (role, table), cell in expected.cells.items():
        for p in cell.paths:
            if (role, table, p) in {("cl_writer", "cl.lifecycle_state", Privilege.UPDATE),
                                    ("ui_reader", "outreach.people", Privilege.SELECT)}:
                continue
            actual.add(role, table, p, AccessPath((role, f"-[grant]-> {p.value} on {table}")))
    actual.add("outreach_writer", "cl.company_identity", Privilege.INSERT,
               AccessPath(("outreach_writer", "-[grant]-> INSERT on cl.company_identity")))
    actual.add("cl_writer", "cl.lifecycle_history", Privilege.TRUNCATE,
               AccessPath(("cl_writer", "-[grant]-> TRUNCATE on cl.lifecycle_history")))
    return expected, actual


def sample_result(complete: bool = True) -> RunResult:
    findings = sample_findings()
    expected, actual = sample_matrices()
    matrix = build_matrix(
        expected, actual,
        roles=["cl_writer", "outreach_writer", "ui_reader"],
        tables=["cl.company_identity", "cl.lifecycle_history", "cl.lifecycle_state", "outreach.people"],
        violations=findings,
        role_hubs={"cl_writer": "cl", "outreach_writer": "outreach", "ui_reader": "ui"},
        table_hubs={"cl.company_identity": "cl", "cl.lifecycle_history": "cl", "cl.lifecycle_state": "cl",
                    "outreach.people": "outreach"},
    )
    return RunResult(
        command="audit",
        findings=findings,
        policy_path=POLICY,
        policy_digest="0f" * 32,
        target={"host": "db.example.test", "port": 5432, "database": "shared"},
        started_at="2025-01-02T03:04:05Z",
        duration_seconds=1.25,
        complete=complete,
        notices=[] if complete else ["could not read pg_policy: permission denied"],
        checked_objects={
            "AUD001": ["cl.company_identity", "cl.lifecycle_history", "cl.lifecycle_state",
                       "outreach.people"],
            "AUD010": ["cl.company_identity", "cl.lifecycle_history", "cl.lifecycle_state"],
        },
        matrix=matrix,
    )

"""The seed's database, audited: as the seed writes it, and as a DBA should grant it."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from ownaudit.audit.engine import run_audit
from ownaudit.catalog.reader import read_catalog
from ownaudit.demo_data import OWNER_ROLE, SEED_ROLES, apply_seed
from ownaudit.findings import Severity
from ownaudit.policy.loader import load_policy
from test_audit_helpers import build_world, by_rule, describe, make_auditor

pytestmark = pytest.mark.catalog

CL_TABLES = [
    "cl.company_identity",
    "cl.lifecycle_state",
    "cl.lifecycle_history",
    "cl.external_id_mapping",
    "cl.merge_records",
    "cl.retirement_records",
]
OUTREACH_TABLES = [
    "outreach.company_target",
    "outreach.people",
    "outreach.dol_filings",
    "outreach.blog_signals",
    "outreach.campaigns",
    "outreach.sequences",
    "outreach.send_log",
    "outreach.engagement_events",
]
MARKETING_TABLES = [
    "marketing.company_master",
    "marketing.people_master",
    "marketing.company_slot",
    "marketing.data_enrichment_log",
]


def test_seed_as_written_reports_what_its_sql_really_does(fresh_db: Any) -> None:
    """The seed's schema + enforcement SQL verbatim, objects owned by the migrations role."""
    with psycopg.connect(fresh_db.dsn) as conn:
        apply_seed(conn, enforcement=True)
        conn.commit()
    auditor, auditor_dsn = make_auditor(fresh_db.dsn)
    snapshot = read_catalog(auditor_dsn)
    assert snapshot.server.current_user == auditor and not snapshot.server.current_user_is_superuser
    result = run_audit(load_policy(None), snapshot)
    report = describe(result)

    # No schema USAGE for anyone: every hub role is locked out of cl, outreach and marketing.
    for role in SEED_ROLES:
        for schema in ("cl", "outreach", "marketing"):
            assert by_rule(result, "AUD012", obj=schema, role=role), f"{role} {schema}\n{report}"
    # A policy is not a grant: the writers hold no DML on their own tables.
    for table in CL_TABLES:
        f = by_rule(result, "AUD010", obj=table, role="cl_writer")
        assert f and "INSERT, UPDATE, DELETE" in f[0].message, report
    for table in OUTREACH_TABLES:
        assert by_rule(result, "AUD010", obj=table, role="outreach_writer"), report
    # ui_reader holds SELECT on the RLS tables but no policy applies to it: zero rows, silently.
    for table in ("cl.company_identity", "outreach.company_target"):
        f = by_rule(result, "AUD042", obj=table, role="ui_reader")
        assert f and f[0].severity == Severity.HIGH and "silently sees zero rows" in f[0].message, report
    # Nothing granted on marketing: every hub that reads it lacks SELECT.
    for table in MARKETING_TABLES:
        for role in SEED_ROLES:
            assert by_rule(result, "AUD011", obj=table, role=role) or by_rule(result, "AUD010", obj=table, role=role), (
                f"{role} {table}\n{report}"
            )
    assert result.matrix is not None
    granted = [
        (role, table)
        for role, row in result.matrix["cells"].items()
        for table, cell in row.items()
        if table in MARKETING_TABLES and cell.get("actual_privileges")
    ]
    assert not granted, granted
    # No default privileges for the migrations role in any governed schema.
    for schema in ("cl", "outreach", "marketing"):
        assert by_rule(result, "AUD070", obj=f"{OWNER_ROLE}/{schema}/table"), report
    # The seed's SQL writes nothing across hubs.
    assert not by_rule(result, "AUD001"), report
    # The read policies the matrix adds are missing.
    assert by_rule(result, "AUD045", obj="cl.company_identity/cl_read_policy")

    # ... and the RLS finding is true: once USAGE exists, ui_reader reads zero rows without an error.
    with psycopg.connect(fresh_db.dsn, autocommit=True) as conn:
        conn.execute("INSERT INTO cl.company_identity VALUES ('C1', 'Acme', now(), 'test')")
        conn.execute("GRANT USAGE ON SCHEMA cl TO ui_reader")
        conn.execute("SET ROLE ui_reader")
        assert conn.execute("SELECT count(*) FROM cl.company_identity").fetchone() == (0,)
        conn.execute("RESET ROLE")
        assert conn.execute("SELECT count(*) FROM cl.company_identity").fetchone() == (1,)


def test_correctly_granted_seed_has_no_critical_or_high_finding(fresh_db: Any) -> None:
    """seed_correct_grants.sql is the SQL a DBA should run for the shipped policy."""
    world = build_world(fresh_db.dsn)
    result = world.audit()
    bad = [f for f in result.findings if f.severity.at_least(Severity.HIGH)]
    assert not bad, describe(result)
    assert result.complete and result.command == "audit"
    assert "password" not in str(result.target).lower() and result.target["database"]
    # The grants really work: the writer writes its tables (identity columns need no sequence grant),
    # the reader reads everything the RLS policies let it.
    world.sql("INSERT INTO cl.company_identity VALUES ('C1', 'Acme', now(), 'test')")
    assert world.query(
        "INSERT INTO public.shq_error_log (source_repo, message) VALUES ('cl', 'x') RETURNING error_id",
        role="cl_writer",
    )
    assert world.query("SELECT count(*) FROM cl.company_identity", role="ui_reader") == [(1,)]
    assert world.query("SELECT count(*) FROM cl.company_identity", role="outreach_writer") == [(1,)]
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        world.query(
            "INSERT INTO outreach.people (person_id, target_id, company_unique_id) VALUES ('p', 't', 'C1') RETURNING 1",
            role="ui_reader",
        )


def test_audit_reads_every_schema_as_a_grantless_role(fresh_db: Any) -> None:
    """The auditor has no grant at all, yet sees every relation, policy, FK and default ACL."""
    world = build_world(fresh_db.dsn)
    snapshot = world.snapshot()
    assert snapshot.server.current_user == world.auditor
    names = {r.qualified for r in snapshot.relations}
    assert set(CL_TABLES + OUTREACH_TABLES + MARKETING_TABLES) <= names
    assert {p.name for p in snapshot.policies} >= {"cl_write_policy", "cl_read_policy"}
    assert snapshot.default_acls and snapshot.foreign_keys
    assert world.query(
        f"SELECT count(*) FROM pg_class c WHERE has_table_privilege('{world.auditor}', c.oid, "
        "'SELECT') AND c.relnamespace::regnamespace::text IN ('cl', 'outreach')"
    ) == [(0,)]

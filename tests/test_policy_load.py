"""The shipped policy encodes the seed document completely, cell by cell."""

from __future__ import annotations

import pytest

from ownaudit.policy.loader import load_policy
from ownaudit.policy.matrix_view import hub_schema_access, role_operation_access
from ownaudit.policy.model import Policy, TableRef
from ownaudit.privileges import Privilege

CL = "company-lifecycle-cl"
OUT = "barton-outreach-core"
UI = "site-scout-pro"


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy()


def test_shipped_policy_is_the_default_and_valid(policy: Policy) -> None:
    assert policy.path.endswith("ownership.yaml")
    assert policy.database.name == "Marketing DB"
    assert policy.database.provider == "neon"
    assert policy.digest.startswith("sha256:")


def test_hubs_repositories_and_roles(policy: Policy) -> None:
    assert policy.hubs[CL].code == "HUB-CL-001"
    assert policy.hubs[CL].repository == "https://github.com/djb258/company-lifecycle-cl.git"
    assert policy.hubs[OUT].code == "HUB-OUTREACH"
    assert policy.hubs[OUT].repository == "https://github.com/djb258/barton-outreach-core.git"
    assert policy.hubs[UI].repository == "https://github.com/djb258/site-scout-pro.git"
    assert policy.hub_of_role("cl_writer") == CL
    assert policy.hub_of_role("outreach_writer") == OUT
    assert policy.hub_of_role("ui_reader") == UI
    assert policy.roles["ui_reader"].kind == "reader"
    assert {"superuser", "bypassrls", "createrole"} <= policy.roles["cl_writer"].forbidden_attributes


SEED_TABLES = {
    "cl": {
        "company_identity": "Sovereign company records",
        "lifecycle_state": "Current lifecycle truth",
        "lifecycle_history": "Append-only audit trail",
        "external_id_mapping": "External system aliases",
        "merge_records": "Identity consolidation audit",
        "retirement_records": "Identity retirement audit",
    },
    "outreach": {
        "company_target": "Internal anchor (FK to CL)",
        "people": "Contact records",
        "dol_filings": "DOL filing data",
        "blog_signals": "News/content signals",
        "campaigns": "Campaign definitions",
        "sequences": "Sequence definitions",
        "send_log": "Email send history",
        "engagement_events": "Opens, clicks, replies",
    },
}


def test_all_fourteen_owned_tables_with_purposes(policy: Policy) -> None:
    for schema, tables in SEED_TABLES.items():
        owner = CL if schema == "cl" else OUT
        assert set(policy.schemas[schema].tables) == set(tables)
        for name, purpose in tables.items():
            spec = policy.table(TableRef(schema, name))
            assert spec is not None and spec.declared
            assert spec.owner == owner
            assert spec.purpose == purpose


def test_marketing_tables_current_and_target_owners(policy: Policy) -> None:
    assert policy.schemas["marketing"].status == "migrating"
    cm = policy.table(TableRef("marketing", "company_master"))
    assert cm is not None and cm.migration is not None
    assert cm.migration.target_owner == CL
    assert cm.migration.replaced_by == TableRef("cl", "company_identity")
    assert policy.owner_hub(TableRef("marketing", "people_master")) == "people-hub"
    assert policy.owner_hub(TableRef("marketing", "company_slot")) == "people-hub"
    assert policy.owner_hub(TableRef("marketing", "data_enrichment_log")) == "enrichment-hub"


def test_public_error_log_is_written_by_the_service_hubs(policy: Policy) -> None:
    ref = TableRef("public", "shq_error_log")
    assert policy.hub_may(CL, Privilege.INSERT, ref)
    assert policy.hub_may(OUT, Privilege.INSERT, ref)
    assert not policy.hub_may(UI, Privilege.INSERT, ref)  # the UI reads only
    assert not policy.hub_may(CL, Privilege.DELETE, ref)  # append-only
    assert policy.reader_hubs(ref) >= {CL, OUT, UI}


# The seed's "Access Control Summary - By Repository", row by row.
BY_REPOSITORY = [
    (CL, "cl", "full", "full"),
    (CL, "outreach", "none", "full"),
    (OUT, "cl", "none", "full"),
    (OUT, "outreach", "full", "full"),
    (UI, "cl", "none", "full"),
    (UI, "outreach", "none", "full"),
    (UI, "marketing", "none", "full"),
]


@pytest.mark.parametrize(("hub", "schema", "write", "read"), BY_REPOSITORY)
def test_access_by_repository(policy: Policy, hub: str, schema: str, write: str, read: str) -> None:
    acc = hub_schema_access(policy, hub, schema)
    assert (acc.write, acc.read) == (write, read)


# The seed's "By Operation" table: (operation, schema) -> CL, Outreach, UI.
BY_OPERATION = [
    ("INSERT", "cl", (True, False, False)),
    ("UPDATE", "cl", (True, False, False)),
    ("DELETE", "cl", (True, False, False)),
    ("INSERT", "outreach", (False, True, False)),
    ("UPDATE", "outreach", (False, True, False)),
    ("DELETE", "outreach", (False, True, False)),
    ("SELECT", "cl", (True, True, True)),
    ("SELECT", "outreach", (True, True, True)),
    ("SELECT", "marketing", (True, True, True)),
    ("SELECT", "public", (True, True, True)),
]


@pytest.mark.parametrize(("op", "schema", "expected"), BY_OPERATION)
def test_access_by_operation(policy: Policy, op: str, schema: str, expected: tuple[bool, bool, bool]) -> None:
    got = tuple(
        role_operation_access(policy, r, schema, Privilege(op)) for r in ("cl_writer", "outreach_writer", "ui_reader")
    )
    assert got == expected


def test_unlisted_table_in_owned_schema_belongs_to_the_owner(policy: Policy) -> None:
    ref = TableRef("cl", "brand_new_table")
    spec = policy.table(ref)
    assert spec is not None and not spec.declared and spec.owner == CL
    assert Privilege.INSERT in policy.allowed_privileges("cl_writer", ref)
    assert policy.allowed_privileges("outreach_writer", ref) == {Privilege.SELECT}
    # public is not governed beyond its listed tables
    assert policy.table(TableRef("public", "some_extension_table")) is None


def test_fk_chain(policy: Policy) -> None:
    edges = {(str(f.child), str(f.parent), f.on_delete) for f in policy.foreign_keys}
    assert ("outreach.company_target", "cl.company_identity", "restrict") in edges
    for child in ("lifecycle_state", "lifecycle_history", "external_id_mapping"):
        assert (f"cl.{child}", "cl.company_identity", "no action") in edges
    for child in ("people", "dol_filings", "blog_signals"):
        assert (f"outreach.{child}", "outreach.company_target", "cascade") in edges
    assert policy.crosses_hubs(TableRef("outreach", "company_target"), TableRef("cl", "company_identity"))
    fk = policy.declared_fk(TableRef("outreach", "company_target"), TableRef("cl", "company_identity"))
    assert fk is not None and fk.name == "fk_company_lifecycle"


def test_rls_intent_of_the_enforcement_section(policy: Policy) -> None:
    ci = policy.table(TableRef("cl", "company_identity"))
    assert ci is not None and ci.rls is not None and ci.rls.enabled
    names = {p.name: p for p in ci.rls.policies}
    assert names["cl_write_policy"].roles == ["cl_writer"] and names["cl_write_policy"].command == "ALL"
    ct = policy.table(TableRef("outreach", "company_target"))
    assert ct is not None and ct.rls is not None
    assert "outreach_write_policy" in {p.name for p in ct.rls.policies}


def test_key_paths_have_positions(policy: Policy) -> None:
    loc = policy.location("schemas.cl.tables.company_identity")
    assert loc.line > 1 and loc.path == policy.path
    assert policy.location("schemas.cl.tables.company_identity.no_such_key").line == loc.line


def test_repository_url_matching(policy: Policy) -> None:
    assert policy.hub_for_repository("git@github.com:djb258/barton-outreach-core.git") == OUT
    assert policy.hub_for_repository("https://github.com/DJB258/company-lifecycle-cl") == CL
    assert policy.hub_for_repository("https://github.com/someone/else.git") is None

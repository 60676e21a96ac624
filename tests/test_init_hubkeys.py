"""``ownaudit init`` drafts schema-level writers (with create), frozen tables and condition hints."""

from __future__ import annotations

from importlib import resources
from typing import Any

import pytest

from ownaudit.audit.engine import run_audit
from ownaudit.catalog.reader import read_catalog
from ownaudit.draft.build import draft_policy
from ownaudit.policy.loader import load_policy_text
from ownaudit.policy.model import TableRef
from ownaudit.privileges import Privilege

pytestmark = pytest.mark.catalog


def test_init_drafts_the_keys_the_catalog_shows(fresh_db_factory: Any) -> None:
    db = fresh_db_factory("Marketing DB", seed=True)
    db.execute('SET ROLE "Marketing DB_owner"')
    db.execute(resources.files("ownaudit.demo_data").joinpath("seed_correct_grants.sql").read_text("utf-8"))
    db.execute("""
        CREATE SCHEMA shq;
        CREATE TABLE shq.error_master (id bigint PRIMARY KEY, message text);
        CREATE TABLE shq.audit_log (id bigint PRIMARY KEY, event text);
        GRANT USAGE ON SCHEMA shq TO cl_writer, outreach_writer, ui_reader;
        GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA shq TO cl_writer;
        GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA shq TO outreach_writer;
        GRANT SELECT ON ALL TABLES IN SCHEMA shq TO ui_reader;
        GRANT CREATE ON SCHEMA shq TO outreach_writer;
        GRANT UPDATE (outreach_uid) ON cl.lifecycle_state TO outreach_writer;
        CREATE FUNCTION cl.outreach_uid_guard() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN IF OLD.outreach_uid IS NOT NULL THEN RAISE EXCEPTION 'write-once'; END IF; RETURN NEW; END $$;
        CREATE TRIGGER outreach_uid_guard BEFORE UPDATE OF outreach_uid ON cl.lifecycle_state
          FOR EACH ROW EXECUTE FUNCTION cl.outreach_uid_guard();
    """)
    db.execute("RESET ROLE")
    snap = read_catalog(db.dsn)
    draft = draft_policy(snap, source="test")
    policy = load_policy_text(draft.text, "draft.yaml")
    shq = policy.schemas["shq"]
    assert shq.owner == "cl-hub"
    assert [(w.hubs, sorted(p.value for p in w.operations), w.create) for w in shq.writers] == [
        (["outreach-hub"], ["INSERT"], True)]
    assert all(not t.writers for t in shq.tables.values())  # folded into the schema entry
    assert policy.writers_of(TableRef("shq", "a_new_table"), Privilege.INSERT) == {"outreach-hub", "cl-hub"}
    assert policy.hub_may_create("outreach-hub", "shq")
    assert policy.frozen(TableRef("marketing", "company_master")) is not None
    assert "trigger(s) outreach_uid_guard may hold a condition" in draft.text
    # the draft expresses the database: no drift left, and nothing baselined for the schema writer
    result = run_audit(policy, snap)
    drift = [f for f in result.findings if not f.suppressed and f.rule_id != "AUD105"]
    assert not drift, "\n".join(f"{f.rule_id} {f.object} {f.role}: {f.message}" for f in drift)
    assert not [b for b in draft.baselined if b.rule in ("AUD060", "AUD001", "AUD002")], draft.baselined

"""A policy written the way the three real hub repositories' owners would write it (no tests here).

It uses every key that real repositories need: other databases (the UI's own Neon
and Supabase projects, the Outreach Worker's D1 databases), per-path overrides
(archive/ and tests/ at low, a per-file search path), a sub-hub by path, a
schema-level writer, a conditional (write-once) column exception and a frozen
legacy table.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ownaudit.findings import Finding
from ownaudit.lint.engine import lint_text
from ownaudit.policy.loader import load_policy_text, validate_policy_text
from ownaudit.policy.model import Policy

HUBS_POLICY = """\
version: 1
database:
  name: Marketing DB
  provider: neon
  host: ep-ancient-waterfall-a42vy0du-pooler.us-east-1.aws.neon.tech
  owner_role: Marketing DB_owner
hubs:
  company-lifecycle-cl:
    roles: [cl_writer]
    env: [DATABASE_URL]
    lint:
      search_path: [cl, public]
      overrides:
        - paths: ["src/data/integrations/supabase/lcs-client.ts"]
          search_path: [lcs]
          reason: the lcs client is created with db.schema lcs
  barton-outreach-core:
    roles: [outreach_writer]
    env: [DATABASE_URL, NEON_DATABASE_URL]
    databases:
      d1-spine:
        provider: d1
        bindings: [D1, D1_SPINE]
        purpose: Worker workspace (SQLite at the edge)
      d1-outreach:
        provider: d1
        bindings: [D1_OUTREACH]
    lint:
      search_path: [outreach, public]
      overrides:
        - {paths: ["archive/**"], severity: low, reason: archived scripts still connect and can be run}
        - {paths: ["tests/**"], severity: low, reason: test fixtures}
  site-scout-pro:
    roles: [ui_reader]
    databases:
      ui-neon:
        provider: neon
        host: ep-rapid-dream-aelbcqxw
        database: neondb
        env: [NEON_CONNECTION_STRING]
      ui-supabase:
        provider: supabase
        project: vxjidpggoemouqrjtkpt
        env: [VITE_SUPABASE_URL]
        paths: ["supabase/**"]
    lint:
      search_path: [public]
  people-hub:
    name: People Hub
    part_of: barton-outreach-core
    paths: ["hubs/people-intelligence/**"]
    lint:
      search_path: [people, marketing, public]
  system:
    name: System (shared)
roles:
  cl_writer: {hub: company-lifecycle-cl, kind: writer}
  outreach_writer: {hub: barton-outreach-core, kind: writer}
  ui_reader: {hub: site-scout-pro, kind: reader}
schemas:
  cl:
    owner: company-lifecycle-cl
    tables:
      company_identity:
        purpose: Sovereign company records
        column_grants:
          - hub: barton-outreach-core
            operations: [UPDATE]
            columns: [outreach_id]
            condition: outreach_id IS NULL
            reason: write-once pointer the CL hub sanctions
      lifecycle_state: {purpose: Current lifecycle truth}
  outreach:
    owner: barton-outreach-core
    tables:
      outreach: {purpose: Operational spine}
      company_target: {purpose: Internal anchor}
  people:
    owner: people-hub
    tables:
      people_master: {purpose: People records}
      company_slot: {purpose: Slot assignments}
  marketing:
    owner: null
    status: migrating
    tables:
      company_master:
        purpose: Legacy company records
        frozen:
          reason: migrating to cl.company_identity
          migration_paths: ["migrations/legacy/**"]
        migration:
          current_owner: legacy
          target_owner: company-lifecycle-cl
          replaced_by: cl.company_identity
      people_master: {owner: people-hub, purpose: Legacy people records}
  shq:
    owner: system
    status: shared
    purpose: Shared error log
    writers:
      - hubs: all
        except: [site-scout-pro]
        operations: [INSERT]
        reason: every hub appends its errors
      - hubs: [barton-outreach-core]
        operations: [INSERT]
        create: true
        reason: the Outreach hub creates new error tables for its sub-hubs
    tables:
      error_master: {purpose: Canonical error table}
      audit_log: {purpose: Audit events}
  lcs:
    owner: company-lifecycle-cl
    tables:
      event: {purpose: LCS events}
  public:
    owner: system
    governed: false
    tables: {}
exceptions: []
"""


def hubs_policy(text: str = HUBS_POLICY) -> Policy:
    return load_policy_text(text, "ownership.yaml")


def problems(text: str) -> list[str]:
    return validate_policy_text(text, "ownership.yaml", today=dt.date(2026, 1, 1))[1]


def lint_at(policy: Policy, path: str, text: str, hub: str = "barton-outreach-core") -> list[Finding]:
    kind = {"sql": "sql", "py": "python"}.get(path.rsplit(".", 1)[-1], "js")
    return lint_text(text, path, kind, policy, hub).findings


def write_tree(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")

"""Shared helpers for the linter tests (no tests here): a small policy and lint runners."""

from __future__ import annotations

from pathlib import Path

from ownaudit.findings import Finding, RunResult
from ownaudit.lint.engine import lint, lint_text
from ownaudit.policy.loader import load_policy
from ownaudit.policy.model import Policy

POLICY_YAML = """\
version: 1
database:
  name: Test DB
  owner_role: db_owner
hubs:
  hub-cl:
    code: HUB-CL
    repository: https://github.com/example/hub-cl.git
    roles: [cl_writer]
    lint:
      exclude: ["archive/**", "vendor/**"]
      search_path: [cl, public]
  hub-out:
    code: HUB-OUT
    repository: git@github.com:example/hub-out.git
    roles: [outreach_writer]
    lint:
      exclude: ["vendor/**"]
      search_path: [outreach, public]
  hub-ui:
    roles: [ui_reader]
  people-hub:
    code: HUB-PEOPLE
  system:
    code: HUB-SYS
roles:
  cl_writer: {hub: hub-cl, kind: writer}
  outreach_writer: {hub: hub-out, kind: writer}
  ui_reader: {hub: hub-ui, kind: reader}
schemas:
  cl:
    owner: hub-cl
    readers: all
    tables:
      company_identity:
        purpose: Sovereign company records
        column_grants:
          - {hub: hub-out, operations: [UPDATE], columns: [outreach_pointer]}
      lifecycle_state: {purpose: Current lifecycle}
      merge_records: {purpose: Merges}
  outreach:
    owner: hub-out
    readers: all
    tables:
      company_target:
        purpose: Anchor
        rls:
          enabled: true
          forced: true
          policies:
            - {name: outreach_write_policy, command: ALL, roles: [outreach_writer]}
      people: {purpose: Contacts}
  marketing:
    owner: null
    status: migrating
    readers: [hub-cl]
    tables:
      people_master: {owner: people-hub, purpose: People}
  public:
    owner: system
    status: shared
    governed: false
    tables:
      shq_error_log:
        purpose: Errors
        writers:
          - {hub: hub-cl, operations: [INSERT]}
          - {hub: hub-out, operations: [INSERT]}
foreign_keys:
  - {child: outreach.company_target, columns: [company_unique_id], parent: cl.company_identity,
     parent_columns: [company_unique_id], on_delete: restrict}
  - {child: outreach.people, columns: [target_id], parent: outreach.company_target,
     parent_columns: [target_id], on_delete: cascade}
exceptions:
  - {rule: LNT001, object: cl.lifecycle_state, hub: hub-out, reason: backfill approved by CL,
     expires: 2099-12-31, ticket: SEC-1}
  - {rule: LNT002, object: cl.merge_records, reason: old migration, expires: 2020-01-01}
"""


def write_policy(tmp_path: Path, extra: str = "") -> Path:
    """The test policy, with ``extra`` top-level YAML appended (e.g. a ``gate:`` section)."""
    p = tmp_path / "ownership.yaml"
    p.write_text(POLICY_YAML + extra, encoding="utf-8")
    return p


def make_policy(tmp_path: Path, extra: str = "") -> Policy:
    return load_policy(write_policy(tmp_path, extra), check_schema=False)


def lint_source(
    policy: Policy, text: str, kind: str = "sql", hub: str = "hub-out", path: str = "f.sql"
) -> list[Finding]:
    return lint_text(text, path, kind, policy, hub).findings


def rules_of(findings: list[Finding], include_suppressed: bool = False) -> list[str]:
    return [f.rule_id for f in findings if include_suppressed or not f.suppressed]


def where(f: Finding) -> tuple[int, int]:
    assert f.location is not None
    return f.location.line, f.location.column


def run_repo(policy: Policy, root: Path, hub: str = "hub-out", paths: tuple[str, ...] = ()) -> RunResult:
    return lint(policy, hub, root, paths, n_jobs=1)


class FrameworkSamples:
    """The sample files of one language under tests/data/frameworks, linted as hub-out."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.root = Path(__file__).parent / "data" / "frameworks" / kind

    def lint(self, policy: Policy, rel: str) -> list[Finding]:
        path = self.root / rel
        return lint_text(path.read_text(encoding="utf-8"), rel, self.kind, policy, "hub-out", str(path)).findings

    def line_of(self, rel: str, needle: str) -> int:
        for i, line in enumerate((self.root / rel).read_text(encoding="utf-8").split("\n"), 1):
            if needle in line:
                return i
        raise AssertionError(needle)


def found(findings: list[Finding]) -> set[tuple[str, str, int]]:
    """(rule, object, line) of each unsuppressed finding."""
    return {(f.rule_id, f.object, f.location.line if f.location else 0) for f in findings if not f.suppressed}

"""Shared set-up for the audit tests: the seed's database with per-test role names.

Roles are cluster-wide, so every test gets its own copy of the seed's roles
(``cl_writer_<sfx>``, ``"Marketing DB_owner_<sfx>"`` ...) and a matching copy of
the shipped policy; a test may then change memberships and attributes freely.
The audit always reads the catalog as a fresh LOGIN role with no grants at all.
"""

from __future__ import annotations

import datetime as _dt
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg.conninfo import make_conninfo

from ownaudit.audit.engine import run_audit
from ownaudit.catalog.model import CatalogSnapshot
from ownaudit.catalog.reader import read_catalog
from ownaudit.demo_data import enforcement_sql, schema_sql, seed_file
from ownaudit.findings import Finding, RunResult
from ownaudit.policy.loader import load_policy_text
from ownaudit.policy.model import Policy

ROOT = Path(__file__).resolve().parents[1]
POLICY_PATH = ROOT / "policy" / "ownership.yaml"
CORRECT_GRANTS = ROOT / "src" / "ownaudit" / "demo_data" / "seed_correct_grants.sql"
SEED_ROLES = ("cl_writer", "outreach_writer", "ui_reader")
OWNER = "Marketing DB_owner"
_ROLE_RE = re.compile(r"\b(cl_writer|outreach_writer|ui_reader)\b")


def make_auditor(admin_dsn: str, name: str | None = None) -> tuple[str, str]:
    """A LOGIN role with no grants at all and a DSN that connects as it."""
    name = name or f"ownaudit_auditor_{uuid.uuid4().hex[:8]}"
    password = uuid.uuid4().hex
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE \"{name}\" LOGIN PASSWORD '{password}'")
    return name, make_conninfo(admin_dsn, user=name, password=password)


@dataclass
class World:
    """One fresh database built like the seed, with unique role names and the matching policy."""

    dsn: str
    suffix: str
    auditor: str
    auditor_dsn: str
    policy_text: str = ""
    policy: Policy = field(init=False)

    def __post_init__(self) -> None:
        self.load_policy()

    # -- names -------------------------------------------------------------
    def r(self, seed_name: str) -> str:
        """This world's name of a seed role (``cl_writer`` -> ``cl_writer_ab12cd``)."""
        if seed_name == OWNER:
            return self.owner
        return f"{seed_name}_{self.suffix}"

    @property
    def owner(self) -> str:
        return f"{OWNER}_{self.suffix}"

    def subst(self, text: str) -> str:
        """Rename the seed's roles in SQL or YAML text to this world's roles."""
        text = _ROLE_RE.sub(lambda m: self.r(m.group(1)), text)
        return text.replace(OWNER, self.owner)

    # -- changing the database ---------------------------------------------------
    def sql(self, text: str) -> None:
        """Run SQL (with seed role names) as the superuser."""
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            conn.execute(self.subst(text).encode())

    def as_owner(self, text: str) -> None:
        """Run SQL (with seed role names) as the migrations owner, like a migration would."""
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            conn.execute(f'SET ROLE "{self.owner}"')
            conn.execute(self.subst(text).encode())

    def query(self, text: str, role: str | None = None) -> list[tuple[Any, ...]]:
        """Run a query as the superuser, or as ``role`` (a seed name) through SET ROLE."""
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            if role:
                conn.execute(f'SET ROLE "{self.r(role)}"')
            return conn.execute(self.subst(text).encode()).fetchall()

    def load_policy(self, extra_yaml: str = "") -> Policy:
        text = self.subst(POLICY_PATH.read_text(encoding="utf-8"))
        if extra_yaml:
            text = text.replace("\nexceptions: []", "\n" + extra_yaml.strip("\n"), 1)
        self.policy_text = text
        self.policy = load_policy_text(text, str(POLICY_PATH))
        return self.policy

    # -- auditing ------------------------------------------------------------------
    def snapshot(self) -> CatalogSnapshot:
        return read_catalog(self.auditor_dsn)

    def audit(self, today: _dt.date | None = None) -> RunResult:
        return run_audit(self.policy, self.snapshot(), today=today)


def build_world(admin_dsn: str, *, enforcement: bool = True, correct: bool = True) -> World:
    """The seed's database in the (fresh) database of ``admin_dsn``, owned by a migrations role."""
    sfx = uuid.uuid4().hex[:6]
    auditor, auditor_dsn = make_auditor(admin_dsn, f"ownaudit_auditor_{sfx}")
    world = World(admin_dsn, sfx, auditor, auditor_dsn)
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        for role in (*SEED_ROLES, OWNER):
            conn.execute(f'CREATE ROLE "{world.r(role)}" LOGIN')
        db = conn.execute("SELECT current_database()").fetchone()
        assert db is not None
        conn.execute(f'ALTER DATABASE "{db[0]}" OWNER TO "{world.owner}"')
    parts = [schema_sql(), seed_file("seed_extra.sql")]
    if enforcement:
        parts.append(enforcement_sql())
    if correct:
        parts.append(CORRECT_GRANTS.read_text(encoding="utf-8"))
    for part in parts:
        world.as_owner(part)
    return world


def by_rule(
    result: RunResult, rule_id: str, *, obj: str | None = None, role: str | None = None, include_suppressed: bool = True
) -> list[Finding]:
    """Findings of one rule, optionally for one object and role."""
    return [
        f
        for f in result.findings
        if f.rule_id == rule_id
        and (obj is None or f.object == obj)
        and (role is None or f.role == role)
        and (include_suppressed or not f.suppressed)
    ]


def one(result: RunResult, rule_id: str, *, obj: str | None = None, role: str | None = None) -> Finding:
    """The single finding of a rule for an object/role; fails with the run's findings listed."""
    got = by_rule(result, rule_id, obj=obj, role=role)
    assert len(got) == 1, f"expected one {rule_id} on {obj} for {role}, got {len(got)}:\n" + describe(result)
    return got[0]


def describe(result: RunResult) -> str:
    return "\n".join(f"  {f.severity.value} {f.rule_id} {f.object} {f.role}: {f.message}" for f in result.findings)

"""What every audit check reads: the policy, the snapshot, the access matrix, and a finding factory.

Checks stay small by asking the context the shared questions (which relations
are governed, which hub owns them, which roles the policy trusts) and by
building findings through ``finding`` so title, severity and the policy
location always come from one place.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from ownaudit.access import AccessMatrix
from ownaudit.audit import rules as _rules  # noqa: F401  (registers the AUD rules)
from ownaudit.audit.rolegraph import RoleGraph
from ownaudit.catalog.effective import ObjectMatrix
from ownaudit.catalog.model import PUBLIC, CatalogSnapshot, RelationInfo
from ownaudit.findings import Finding, Location, Severity
from ownaudit.policy.expected import ExpectedState, compile_expected
from ownaudit.policy.model import Policy, TableRef, TableSpec, quote_ident
from ownaudit.privileges import Privilege
from ownaudit.rules import get_rule

TABLE_KINDS = frozenset("rpf")  # relations that hold rows a hub owns
CLUSTER_VIA = frozenset({"predefined", "superuser"})  # cluster-wide power, not granted in this database
VIEW_KINDS = frozenset("vm")


_QUOTED: dict[str, str] = {}  # fix SQL names the same roles and relations thousands of times
_QUOTED_REFS: dict[str, str] = {}


def q(name: str) -> str:
    """An identifier or PUBLIC, quoted for SQL."""
    got = _QUOTED.get(name)
    if got is None:
        got = "PUBLIC" if name == PUBLIC else quote_ident(name)
        if len(_QUOTED) < 200_000:
            _QUOTED[name] = got
    return got


def qref(qualified: str) -> str:
    """``schema.table`` (as stored) quoted for SQL."""
    got = _QUOTED_REFS.get(qualified)
    if got is None:
        schema, _, name = qualified.partition(".")
        got = TableRef(schema, name).sql
        if len(_QUOTED_REFS) < 200_000:
            _QUOTED_REFS[qualified] = got
    return got


@dataclass(frozen=True)
class Governed:
    """A relation the policy governs, with the spec that governs it."""

    rel: RelationInfo
    ref: TableRef
    spec: TableSpec
    keypath: str
    name: str = field(default="", compare=False)  # ``rel.qualified``, computed once (rules read it often)

    def __post_init__(self) -> None:
        if not self.name:
            object.__setattr__(self, "name", self.rel.qualified)

    @property
    def hub(self) -> str | None:
        return self.spec.owner


@dataclass
class AuditContext:
    """One audit run's inputs and bookkeeping."""

    policy: Policy
    snapshot: CatalogSnapshot
    today: _dt.date = field(default_factory=_dt.date.today)
    checked: dict[str, list[str]] = field(default_factory=dict)
    _matrix: AccessMatrix | None = None
    _objects: dict[str, ObjectMatrix] = field(default_factory=dict)
    _class_keys: dict[str, tuple[object, ...]] = field(default_factory=dict)  # see audit/classes.py
    _signatures: dict[tuple[object, ...], int] = field(default_factory=dict)
    _by_kinds: dict[frozenset[str], list[Governed]] = field(default_factory=dict)

    # -- inputs -------------------------------------------------------------
    @cached_property
    def expected(self) -> ExpectedState:
        """The policy's meaning, compiled once: every check asks it, never the raw keys."""
        return compile_expected(self.policy)

    @cached_property
    def graph(self) -> RoleGraph:
        return RoleGraph.build(self.snapshot)

    @property
    def matrix(self) -> AccessMatrix:
        """Effective access of every role on every relation, with paths (catalog engineer's model)."""
        if self._matrix is None:
            from ownaudit.catalog.effective import effective_matrix

            # Only governed relations: every rule asks about them, and ungoverned schemas can be
            # most of a large catalog (10,000 tables: 0.9 s -> a fraction).
            # Views anywhere stay in: they can open a path onto governed tables (AUD102/AUD103).
            wanted = {g.name for g in self._governed}
            wanted.update(r.qualified for r in self.snapshot.relations if r.relkind in "vm" and r.view_sources)
            self._matrix = effective_matrix(self.snapshot, roles=[*self.subject_roles(), PUBLIC], tables=wanted)
        return self._matrix

    # -- roles --------------------------------------------------------------
    @cached_property
    def owner_roles(self) -> frozenset[str]:
        """Roles the policy expects to own objects (migrations owner, schema/table owner_role)."""
        out = {self.policy.database.owner_role} if self.policy.database.owner_role else set()
        for s in self.policy.schemas.values():
            if s.owner_role:
                out.add(s.owner_role)
            out.update(t.owner_role for t in s.tables.values() if t.owner_role)
        return frozenset(out)

    @cached_property
    def platform_roles(self) -> frozenset[str]:
        return frozenset(self.policy.database.platform_roles)

    def role_exists(self, role: str) -> bool:
        return self.snapshot.role(role) is not None

    def app_roles(self) -> list[str]:
        """Policy roles that exist on the server."""
        return [r for r in self.policy.app_roles() if self.role_exists(r)]

    def is_trusted(self, role: str) -> bool:
        """Roles whose power the policy grants by design: owners, platform, predefined, other superusers."""
        if role in self.policy.roles:
            return False
        if role in self.owner_roles or role in self.platform_roles:
            return True
        info = self.snapshot.role(role)
        return info is None or info.predefined or info.superuser or role.startswith("pg_")

    def allowed(self, role: str, ref: TableRef) -> frozenset[Privilege]:
        """Table-level privileges the expected state gives ``role`` on ``ref`` (constant time)."""
        return self.expected.table(role, ref)

    def allowed_columns(self, role: str, ref: TableRef) -> dict[Privilege, frozenset[str]]:
        """Column exceptions the expected state gives ``role`` on ``ref``."""
        return self.expected.columns(role, ref)

    def hub_of(self, role: str) -> str | None:
        return self.policy.hub_of_role(role)

    def role_kind(self, role: str) -> str | None:
        spec = self.policy.roles.get(role)
        return spec.kind if spec else None

    # -- relations ----------------------------------------------------------
    def governing_spec(self, rel: RelationInfo) -> tuple[TableRef, TableSpec, str] | None:
        """The policy entry that governs ``rel``; a partition is governed by its parent."""
        if rel.is_partition and rel.parent:
            schema, _, name = rel.parent.partition(".")
            ref = TableRef(schema, name)
        else:
            ref = TableRef(rel.schema, rel.name)
        spec = self.policy.table(ref)
        if spec is None:
            return None
        return ref, spec, self.policy.table_keypath(ref)

    @cached_property
    def _subjects(self) -> list[str]:
        out = self.app_roles()
        out += sorted(r.name for r in self.snapshot.roles
                      if r.name not in self.policy.roles and not self.is_trusted(r.name))
        return out

    @cached_property
    def _governed(self) -> list[Governed]:
        out: list[Governed] = []
        for rel in self.snapshot.relations:
            got = self.governing_spec(rel)
            if got is not None:
                out.append(Governed(rel, got[0], got[1], got[2]))
        return out

    def governed(self, kinds: Iterable[str] = TABLE_KINDS) -> list[Governed]:
        """Governed relations of the given relkinds, in catalog order."""
        ks = frozenset(kinds)
        got = self._by_kinds.get(ks)
        if got is None:
            got = self._by_kinds[ks] = [g for g in self._governed if g.rel.relkind in ks]
        return list(got)

    @cached_property
    def _governed_index(self) -> dict[str, Governed]:
        return {g.name: g for g in self._governed}

    def governed_by_name(self, qualified: str) -> Governed | None:
        return self._governed_index.get(qualified)

    # -- output -------------------------------------------------------------
    def mark_checked(self, rule_id: str, obj: str) -> None:
        """Record that ``rule_id`` examined ``obj`` (JUnit shows passing objects too)."""
        lst = self.checked.setdefault(rule_id, [])
        if not lst or lst[-1] != obj:
            lst.append(obj)

    def finding(
        self,
        rule_id: str,
        message: str,
        *,
        object: str,
        hub: str | None = None,
        role: str | None = None,
        evidence: Iterable[str] = (),
        keypath: str | None = None,
        location: Location | None = None,
        fix_sql: str | None = None,
        severity: Severity | None = None,
        kind: str | None = None,
    ) -> Finding:
        """A finding whose title, default severity and fix text come from the rule catalogue."""
        rule = get_rule(rule_id)
        if rule is None:  # pragma: no cover - a programming error
            raise KeyError(f"unknown rule {rule_id}")
        if location is None:
            location = self.policy.location(keypath) if keypath else Location(self.policy.path, 1, 1)
        return Finding(
            rule_id=rule.id,
            severity=severity or rule.severity,
            title=rule.title,
            message=message,
            object=object,
            hub=hub,
            role=role,
            evidence=list(dict.fromkeys(evidence)),
            location=location,
            fix_sql=fix_sql,
            fix=rule.fix,
            kind=kind,
        )

    # -- who holds what (schemas, sequences, functions, databases) ---------------
    def subject_roles(self) -> list[str]:
        """Roles whose access the audit judges: policy roles plus untrusted roles outside the policy."""
        return self._subjects

    def object_access(self, kind: str) -> ObjectMatrix:
        """Subjects (and PUBLIC) x objects of ``kind`` (schema, sequence, function, database), with paths."""
        got = self._objects.get(kind)
        if got is None:
            from ownaudit.catalog import effective as eff

            roles = [*self.subject_roles(), PUBLIC]
            fn = {"schema": eff.schema_access, "sequence": eff.sequence_access,
                  "function": eff.function_execute, "database": eff.database_access}[kind]
            got = self._objects[kind] = fn(self.snapshot, roles)
        return got

    def holders(self, kind: str, obj: str, privilege: str, set_role: bool = True) -> dict[str, list[str]]:
        """Subjects (``PUBLIC`` first) holding ``privilege`` on an object, with their paths.

        What a role gets through PUBLIC is reported once, as PUBLIC; roles
        outside the policy are judged on database-local paths only.
        """
        m = self.object_access(kind)
        out: dict[str, list[str]] = {}
        for subject in [PUBLIC, *self.subject_roles()]:
            paths = [p for p in m.cell(subject, obj).paths.get(privilege, [])
                     if (p.via != "public" or subject == PUBLIC) and (set_role or not p.requires_set_role)
                     and (subject in self.policy.roles or p.via not in CLUSTER_VIA)]
            if paths:
                out[subject] = [str(p) for p in paths]
        return out

    def table_holders(self, table: str, privilege: str, set_role: bool = True) -> dict[str, list[str]]:
        """Like ``holders`` for a relation (table or view), from the effective matrix."""
        priv = Privilege(privilege)
        out: dict[str, list[str]] = {}
        for subject in [PUBLIC, *self.subject_roles()]:
            paths = [p for p in self.matrix.cell(subject, table).paths.get(priv, [])
                     if (p.via != "public" or subject == PUBLIC) and (set_role or not p.requires_set_role)
                     and (subject in self.policy.roles or p.via not in CLUSTER_VIA)]
            if paths:
                out[subject] = [str(p) for p in paths]
        return out

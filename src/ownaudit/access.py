"""The central model of "who can do what on which table", and why.

Both sides of every comparison are an ``AccessState``: the policy's expected
state (``ownaudit.policy.expected``) and the database's effective state
(``ownaudit.catalog.effective``). Audit, diff, plan and the HTML matrix all
read these same objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ownaudit.privileges import Privilege, sort_privileges


@dataclass(frozen=True)
class AccessPath:
    """How a role obtains a privilege, as human-readable hops.

    ``via`` is the kind of the last decisive hop: grant, column-grant, public,
    membership, owner, predefined, superuser or policy. ``requires_set_role`` is
    True when the privilege is usable only after ``SET ROLE``.
    """

    hops: tuple[str, ...]
    via: str = "grant"
    requires_set_role: bool = False
    columns: tuple[str, ...] = ()

    def __str__(self) -> str:
        return " ".join(self.hops)

    def to_dict(self) -> dict[str, Any]:
        return {"hops": list(self.hops), "via": self.via, "requires_set_role": self.requires_set_role,
                "columns": list(self.columns)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> AccessPath:
        return cls(tuple(d["hops"]), d.get("via", "grant"), bool(d.get("requires_set_role")),
                   tuple(d.get("columns") or ()))


@dataclass
class Cell:
    """What one role can do on one table: privileges with their paths."""

    paths: dict[Privilege, list[AccessPath]] = field(default_factory=dict)
    grantable: set[Privilege] = field(default_factory=set)

    @property
    def privileges(self) -> frozenset[Privilege]:
        """Privileges held on the whole table or on at least one column."""
        return frozenset(self.paths)

    def table_level(self) -> frozenset[Privilege]:
        """Privileges held on the whole table (some path without a column list)."""
        return frozenset(p for p, paths in self.paths.items() if any(not x.columns for x in paths))

    def columns(self, privilege: Privilege) -> frozenset[str]:
        return frozenset(c for x in self.paths.get(privilege, []) for c in x.columns)

    def add(self, privilege: Privilege, path: AccessPath, grantable: bool = False) -> None:
        lst = self.paths.setdefault(privilege, [])
        if path not in lst:
            lst.append(path)
        if grantable:
            self.grantable.add(privilege)


@dataclass
class AccessMatrix:
    """Role x table -> Cell. Tables are ``schema.table`` strings."""

    cells: dict[tuple[str, str], Cell] = field(default_factory=dict)

    def cell(self, role: str, table: str) -> Cell:
        return self.cells.get((role, table)) or Cell()

    def add(self, role: str, table: str, privilege: Privilege, path: AccessPath, grantable: bool = False) -> None:
        self.cells.setdefault((role, table), Cell()).add(privilege, path, grantable)

    def privileges(self, role: str, table: str) -> frozenset[Privilege]:
        c = self.cells.get((role, table))
        return c.privileges if c else frozenset()

    def roles(self) -> list[str]:
        return sorted({r for r, _ in self.cells})

    def tables(self) -> list[str]:
        return sorted({t for _, t in self.cells})

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for (role, table), cell in sorted(self.cells.items()):
            out.setdefault(role, {})[table] = {
                p.value: [x.to_dict() for x in cell.paths[p]] for p in sort_privileges(set(cell.paths))
            } | ({"_grantable": sorted(g.value for g in cell.grantable)} if cell.grantable else {})
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> AccessMatrix:
        m = cls()
        for role, tables in d.items():
            for table, privs in tables.items():
                grantable = set(privs.get("_grantable", []))
                for p, paths in privs.items():
                    if p == "_grantable":
                        continue
                    for x in paths:
                        m.add(role, table, Privilege(p), AccessPath.from_dict(x), p in grantable)
        return m


@dataclass(frozen=True)
class RlsPolicyState:
    name: str
    command: str  # ALL | SELECT | INSERT | UPDATE | DELETE
    roles: tuple[str, ...]  # "public" for PUBLIC
    permissive: bool = True


@dataclass
class RlsState:
    enabled: bool = False
    forced: bool = False
    policies: list[RlsPolicyState] = field(default_factory=list)


@dataclass(frozen=True)
class FkEdge:
    child: str
    child_columns: tuple[str, ...]
    parent: str
    parent_columns: tuple[str, ...]
    on_delete: str = "no action"
    on_update: str = "no action"
    name: str | None = None

    def edge(self) -> tuple[str, tuple[str, ...], str, tuple[str, ...]]:
        """Identity of the edge, ignoring name and actions."""
        return (self.child, self.child_columns, self.parent, self.parent_columns)


@dataclass(frozen=True)
class Membership:
    member: str
    role: str
    inherit: bool = True
    set_option: bool = True
    admin: bool = False


@dataclass
class AccessState:
    """One side of a comparison: a policy, a snapshot or a live database."""

    source: str  # human description, e.g. "policy policy/ownership.yaml" or "database Marketing DB"
    kind: str  # "policy" | "catalog"
    matrix: AccessMatrix = field(default_factory=AccessMatrix)
    tables: set[str] = field(default_factory=set)
    table_owners: dict[str, str] = field(default_factory=dict)  # table -> owner role
    table_hubs: dict[str, str | None] = field(default_factory=dict)  # table -> owning hub
    role_hubs: dict[str, str | None] = field(default_factory=dict)
    rls: dict[str, RlsState] = field(default_factory=dict)
    foreign_keys: set[FkEdge] = field(default_factory=set)
    memberships: set[Membership] = field(default_factory=set)
    role_attributes: dict[str, frozenset[str]] = field(default_factory=dict)
    # What code of a hub may do to a table (policy side only): (hub, table) -> privileges.
    hub_access: dict[tuple[str, str], frozenset[Privilege]] = field(default_factory=dict)
    # (role, schema) -> USAGE / CREATE the role holds (catalog) or needs and may hold (policy).
    schema_privileges: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    # (creator, schema or "*", "table" | "sequence", grantee) -> privileges future objects give.
    default_privileges: dict[tuple[str, str, str, str], frozenset[str]] = field(default_factory=dict)
    # (role, sequence) -> USAGE / SELECT / UPDATE (catalog side; the policy states them per schema).
    sequence_privileges: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    # (role, function signature) -> "EXECUTE" on SECURITY DEFINER functions (catalog side).
    definer_execute: dict[tuple[str, str], str] = field(default_factory=dict)

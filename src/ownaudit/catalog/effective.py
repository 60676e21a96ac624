"""Effective privileges, computed in Python from a ``CatalogSnapshot``, with the path of each.

This is the truth the audit stands on, so it follows PostgreSQL's own rules
(``aclchk.c`` / ``acl.c``) rather than reading ``relacl`` alone:

* A privilege granted to role G is usable by member M **without SET ROLE** when
  every membership hop M -> ... -> G inherits (PG16+: the grant's INHERIT
  option; before 16: the member's ``rolinherit``), and **after SET ROLE X** when
  every hop M -> ... -> X has the SET option (always true before 16) and X
  inherits G. Such paths carry ``requires_set_role=True``.
* PUBLIC (grantee OID 0) reaches every role. A NULL ACL was already resolved to
  the owner's ``acldefault`` by the reader.
* The owner (and whoever has the owner's privileges) can always re-grant itself
  anything it revoked, so it is given every privilege with ``via="owner"``, in
  addition to the ``grant`` paths its ACL really holds. ``has_table_privilege``
  does NOT count these; compare with ``via != "owner"`` when that matters.
* Predefined roles: ``pg_read_all_data`` (SELECT, schema USAGE),
  ``pg_write_all_data`` (INSERT/UPDATE/DELETE, schema USAGE), ``pg_maintain``
  (MAINTAIN, PG17+); the database owner is implicitly a member of
  ``pg_database_owner``.
* SUPERUSER bypasses every check (``via="superuser"``); it is not inherited,
  only reachable by SET ROLE to the superuser role.

Hops read like ``ui_reader -[member, SET]-> outreach_writer -[grant]-> INSERT on outreach.people``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ownaudit.access import (
    AccessMatrix,
    AccessPath,
    AccessState,
    FkEdge,
    Membership,
    RlsPolicyState,
    RlsState,
)
from ownaudit.catalog.model import PUBLIC, AclItem, CatalogSnapshot, MembershipInfo, RelationInfo
from ownaudit.privileges import Privilege

if TYPE_CHECKING:  # pragma: no cover
    from ownaudit.policy.model import Policy

TABLE_RELKINDS = frozenset("rpvmf")
SEQUENCE_RELKIND = "S"
PG_DATABASE_OWNER = "pg_database_owner"

# Fallback vocabularies for snapshots that do not carry the server's (hand-made ones).
_DEFAULT_PRIVILEGES = {
    "table": ["INSERT", "SELECT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"],
    "sequence": ["SELECT", "UPDATE", "USAGE"],
    "function": ["EXECUTE"],
    "schema": ["USAGE", "CREATE"],
    "database": ["CREATE", "TEMPORARY", "CONNECT"],
}

# What each predefined role grants on every object of a kind (aclchk.c).
_PREDEFINED: dict[str, dict[str, tuple[str, ...]]] = {
    "table": {"pg_read_all_data": ("SELECT",), "pg_write_all_data": ("INSERT", "UPDATE", "DELETE"),
              "pg_maintain": ("MAINTAIN",)},
    "sequence": {"pg_read_all_data": ("SELECT",), "pg_write_all_data": ("UPDATE",)},
    "schema": {"pg_read_all_data": ("USAGE",), "pg_write_all_data": ("USAGE",)},
    "function": {},
    "database": {},
}


# --------------------------------------------------------------------------- role graph


@dataclass(frozen=True)
class RoleReach:
    """``member`` reaches ``target`` through memberships.

    ``hops`` are the membership segments (``"a -[member]->"``, ...);
    ``requires_set_role`` is True when the target's privileges are usable only
    after SET ROLE; ``can_set_role`` is True when ``member`` may SET ROLE to the
    target itself (every hop has the SET option).
    """

    member: str
    target: str
    hops: tuple[str, ...]
    requires_set_role: bool
    can_set_role: bool


_Chain = tuple[tuple[str, ...], bool]  # (hop segments, requires_set_role)


class _Graph:
    """Membership reachability for every role, computed once per snapshot."""

    def __init__(self, snapshot: CatalogSnapshot) -> None:
        self.roles = {r.name: r for r in snapshot.roles}
        edges: dict[str, list[MembershipInfo]] = {}
        for m in snapshot.memberships:
            edges.setdefault(m.member, []).append(m)
        owner = snapshot.server.database_owner
        if owner and PG_DATABASE_OWNER in self.roles:
            # roles_is_member_of(): the database owner is implicitly a member of pg_database_owner.
            edges.setdefault(owner, []).append(
                MembershipInfo(role=PG_DATABASE_OWNER, member=owner, grantor="database owner"))
        self.edges = edges
        self._inherit: dict[str, dict[str, tuple[str, ...]]] = {}
        self._set: dict[str, dict[str, tuple[str, ...]]] = {}
        self._privs: dict[str, dict[str, _Chain]] = {}

    def _bfs(self, start: str, use: Callable[[MembershipInfo], bool], label: str) -> dict[str, tuple[str, ...]]:
        """Shortest hop chains from ``start`` over edges accepted by ``use`` (cycle-safe)."""
        seen: dict[str, tuple[str, ...]] = {start: ()}
        queue = deque([start])
        while queue:
            cur = queue.popleft()
            for m in self.edges.get(cur, ()):
                if m.role in seen or not use(m):
                    continue
                edge = "database owner" if m.grantor == "database owner" and m.role == PG_DATABASE_OWNER else label
                seen[m.role] = (*seen[cur], f"{cur} -[{edge}]->")
                queue.append(m.role)
        del seen[start]
        return seen

    def inherit_reach(self, role: str) -> dict[str, tuple[str, ...]]:
        got = self._inherit.get(role)
        if got is None:
            got = self._inherit[role] = self._bfs(role, lambda m: m.inherit, "member")
        return got

    def set_reach(self, role: str) -> dict[str, tuple[str, ...]]:
        """Roles ``role`` may SET ROLE to (every hop has the SET option)."""
        got = self._set.get(role)
        if got is None:
            got = self._set[role] = self._bfs(role, lambda m: m.set_option, "member, SET")
        return got

    def privilege_reach(self, role: str) -> dict[str, _Chain]:
        """Every role whose privileges ``role`` can use, with the best chain (no SET ROLE preferred)."""
        got = self._privs.get(role)
        if got is not None:
            return got
        out: dict[str, _Chain] = {t: (hops, False) for t, hops in self.inherit_reach(role).items()}
        for x, set_hops in sorted(self.set_reach(role).items(), key=lambda kv: len(kv[1])):
            candidates = [(x, set_hops)] + [(t, set_hops + h) for t, h in self.inherit_reach(x).items()]
            for target, hops in candidates:
                if target == role:
                    continue
                best = out.get(target)
                if best is None or (best[1] and len(hops) < len(best[0])):
                    out[target] = (hops, True)
        self._privs[role] = out
        return out

    def superuser_chains(self, role: str) -> list[tuple[str, tuple[str, ...], bool]]:
        """How ``role`` acts as a superuser: itself, or SET ROLE to a superuser role (which, hops, SET?)."""
        out: list[tuple[str, tuple[str, ...], bool]] = []
        info = self.roles.get(role)
        if info is not None and info.superuser:
            out.append((role, (), False))
        for target, hops in self.set_reach(role).items():
            t = self.roles.get(target)
            if t is not None and t.superuser:
                out.append((target, hops, True))
        return out


def role_graph(snapshot: CatalogSnapshot) -> dict[str, dict[str, RoleReach]]:
    """For each role, every role it reaches through memberships, and how."""
    g = _engine(snapshot).graph
    out: dict[str, dict[str, RoleReach]] = {}
    for role in g.roles:
        sets = g.set_reach(role)
        reach: dict[str, RoleReach] = {}
        for target, (hops, needs_set) in g.privilege_reach(role).items():
            reach[target] = RoleReach(role, target, hops, needs_set, target in sets)
        for target, hops in sets.items():
            if target not in reach:
                reach[target] = RoleReach(role, target, hops, True, True)
        out[role] = reach
    return out


# --------------------------------------------------------------------------- object matrices


@dataclass
class ObjectCell:
    """What one role can do on one non-table object (schema, sequence, function, database)."""

    paths: dict[str, list[AccessPath]] = field(default_factory=dict)
    grantable: set[str] = field(default_factory=set)

    @property
    def privileges(self) -> frozenset[str]:
        return frozenset(self.paths)

    def without_set_role(self) -> frozenset[str]:
        """Privileges usable right away (some path needs no SET ROLE)."""
        return frozenset(p for p, xs in self.paths.items() if any(not x.requires_set_role for x in xs))

    def add(self, privilege: str, path: AccessPath, grantable: bool = False) -> None:
        lst = self.paths.setdefault(privilege, [])
        if path not in lst:
            lst.append(path)
        if grantable:
            self.grantable.add(privilege)


@dataclass
class ObjectMatrix:
    """Role x object -> ObjectCell, for objects whose privileges are not table privileges."""

    kind: str
    cells: dict[tuple[str, str], ObjectCell] = field(default_factory=dict)

    def cell(self, role: str, obj: str) -> ObjectCell:
        return self.cells.get((role, obj)) or ObjectCell()

    def privileges(self, role: str, obj: str) -> frozenset[str]:
        c = self.cells.get((role, obj))
        return c.privileges if c else frozenset()

    def add(self, role: str, obj: str, privilege: str, path: AccessPath, grantable: bool = False) -> None:
        self.cells.setdefault((role, obj), ObjectCell()).add(privilege, path, grantable)

    def roles(self) -> list[str]:
        return sorted({r for r, _ in self.cells})

    def objects(self) -> list[str]:
        return sorted({o for _, o in self.cells})


_Sink = Callable[[str, str, str, AccessPath, bool], None]


@dataclass(frozen=True)
class _Object:
    name: str
    owner: str
    acl: list[AclItem]
    column_acls: tuple[tuple[str, list[AclItem]], ...] = ()


class _Engine:
    """Per-snapshot caches: the role graph and the non-table matrices."""

    def __init__(self, snapshot: CatalogSnapshot) -> None:
        self.snapshot = snapshot
        self.graph = _Graph(snapshot)
        self._schemas: ObjectMatrix | None = None
        self._segments: dict[tuple[str, str], str] = {}

    def vocabulary(self, kind: str) -> list[str]:
        got = self.snapshot.server.privileges.get(kind)
        if got:
            return list(got)
        vocab = list(_DEFAULT_PRIVILEGES[kind])
        if kind == "table" and self.snapshot.server.major >= 17:
            vocab.append("MAINTAIN")
        return vocab

    def scope(self, roles: Iterable[str] | None) -> list[str]:
        if roles is None:
            return [r.name for r in self.snapshot.roles if not r.predefined] + [PUBLIC]
        wanted = list(dict.fromkeys(roles))
        return [r for r in wanted if r in self.graph.roles or r == PUBLIC]

    def _seg(self, role: str, edge: str) -> str:
        key = (role, edge)
        got = self._segments.get(key)
        if got is None:
            got = self._segments[key] = f"{role} -[{edge}]->"
        return got

    def compute(self, kind: str, objects: Iterable[_Object], roles: Iterable[str] | None, sink: _Sink) -> None:
        """Feed every (role, object, privilege, path) of ``objects`` to ``sink``."""
        scope = self.scope(roles)
        g = self.graph
        # holders[G] = roles in scope that can use G's privileges, with the chain prefix.
        holders: dict[str, list[tuple[str, tuple[str, ...], bool]]] = {}
        for m in scope:
            if m == PUBLIC:
                continue
            holders.setdefault(m, []).append((m, (), False))
            for target, (hops, needs_set) in g.privilege_reach(m).items():
                holders.setdefault(target, []).append((m, hops, needs_set))
        public_rows: list[tuple[str, tuple[str, ...], bool]] = [
            (m, (self._seg(m, "public"),) if m != PUBLIC else (), False) for m in scope]
        vocab = self.vocabulary(kind)
        predefined = [(name, privs) for name, privs in _PREDEFINED[kind].items()
                      if name in g.roles and holders.get(name)]
        supers = [(m, chain) for m in scope if m != PUBLIC for chain in g.superuser_chains(m)]
        for obj in objects:
            for item in obj.acl:
                self._grant(obj.name, item, (), holders, public_rows, sink)
            for item, columns in _column_groups(obj.column_acls):
                self._grant(obj.name, item, columns, holders, public_rows, sink)
            if obj.owner in holders:
                seg = self._seg(obj.owner, "owner")
                for priv in vocab:
                    tail = (seg, f"{priv} on {obj.name}")
                    for m, hops, needs_set in holders[obj.owner]:
                        sink(m, obj.name, priv, AccessPath((*hops, *tail), "owner", needs_set), True)
            for name, privs in predefined:
                seg = self._seg(name, "predefined")
                for priv in privs:
                    if priv not in vocab:
                        continue
                    tail = (seg, f"{priv} on {obj.name}")
                    for m, hops, needs_set in holders[name]:
                        sink(m, obj.name, priv, AccessPath((*hops, *tail), "predefined", needs_set), False)
            for m, (who, hops, needs_set) in supers:
                seg = self._seg(who, "superuser")
                for priv in vocab:
                    sink(m, obj.name, priv, AccessPath((*hops, seg, f"{priv} on {obj.name}"), "superuser",
                                                        needs_set), True)

    def _grant(self, obj: str, item: AclItem, columns: tuple[str, ...],
               holders: dict[str, list[tuple[str, tuple[str, ...], bool]]],
               public_rows: list[tuple[str, tuple[str, ...], bool]], sink: _Sink) -> None:
        priv = item.privilege
        target = f"{priv} ({', '.join(columns)}) on {obj}" if columns else f"{priv} on {obj}"
        seg = self._seg(item.grantee, "column grant" if columns else "grant")
        if item.grantee == PUBLIC:
            via = "column-grant" if columns else "public"
            for m, hops, needs_set in public_rows:
                sink(m, obj, priv, AccessPath((*hops, seg, target), via, needs_set, columns), item.grantable)
            return
        for m, hops, needs_set in holders.get(item.grantee, ()):
            via = "column-grant" if columns else ("grant" if not hops else "membership")
            sink(m, obj, priv, AccessPath((*hops, seg, target), via, needs_set, columns), item.grantable)

    def schema_matrix(self) -> ObjectMatrix:
        if self._schemas is None:
            self._schemas = object_matrix(self, "schema", (_Object(s.name, s.owner, s.acl)
                                                          for s in self.snapshot.schemas), None)
        return self._schemas


def _column_groups(column_acls: Iterable[tuple[str, list[AclItem]]]) -> list[tuple[AclItem, tuple[str, ...]]]:
    """Column grants grouped by (grantee, privilege, grantable), with their columns in table order."""
    groups: dict[AclItem, list[str]] = {}
    for column, acl in column_acls:
        for item in acl:
            groups.setdefault(item, []).append(column)
    return [(item, tuple(cols)) for item, cols in groups.items()]


def object_matrix(engine: _Engine, kind: str, objects: Iterable[_Object], roles: Iterable[str] | None
                  ) -> ObjectMatrix:
    matrix = ObjectMatrix(kind)
    engine.compute(kind, objects, roles, matrix.add)
    return matrix


def _engine(snapshot: CatalogSnapshot) -> _Engine:
    """The cached engine of a snapshot (rebuilt if its roles or memberships changed)."""
    key = (id(snapshot.roles), len(snapshot.roles), id(snapshot.memberships), len(snapshot.memberships),
           snapshot.server.database_owner)
    cached: tuple[Any, _Engine] | None = snapshot.__dict__.get("_effective_engine")
    if cached is not None and cached[0] == key:
        return cached[1]
    engine = _Engine(snapshot)
    snapshot.__dict__["_effective_engine"] = (key, engine)
    return engine


# --------------------------------------------------------------------------- public API


def effective_matrix(snapshot: CatalogSnapshot, roles: Iterable[str] | None = None,
                     tables: Iterable[str] | None = None) -> AccessMatrix:
    """Role x relation (relkinds r p v m f) -> every privilege with every path.

    ``roles`` None = every non-predefined role (a ``PUBLIC`` row appears where
    PUBLIC holds something). ``tables`` None = every relation of the snapshot.
    Schema USAGE is NOT folded in: ask ``has_schema_usage`` (a table privilege
    without USAGE on its schema is latent, not usable).
    """
    engine = _engine(snapshot)
    wanted = set(tables) if tables is not None else None
    rels = [r for r in snapshot.relations
            if r.relkind in TABLE_RELKINDS and (wanted is None or r.qualified in wanted)]
    matrix = AccessMatrix()
    known = {p.value: p for p in Privilege}
    cells = matrix.cells

    def sink(role: str, table: str, priv: str, path: AccessPath, grantable: bool) -> None:
        p = known.get(priv)
        if p is None:  # a privilege newer than this ownaudit: cannot be represented as a table privilege
            return
        cell = cells.get((role, table))
        if cell is None:
            matrix.add(role, table, p, path, grantable)
        else:
            cell.add(p, path, grantable)

    engine.compute("table", (_relation_object(r) for r in rels), roles, sink)
    return matrix


def _relation_object(rel: RelationInfo) -> _Object:
    cols = tuple((c.name, c.acl) for c in rel.columns if c.acl)
    return _Object(rel.qualified, rel.owner, rel.acl, cols)


def sequence_access(snapshot: CatalogSnapshot, roles: Iterable[str] | None = None,
                    sequences: Iterable[str] | None = None) -> ObjectMatrix:
    """Role x sequence (``schema.name``) -> USAGE / SELECT / UPDATE with paths."""
    wanted = set(sequences) if sequences is not None else None
    objs = (_Object(r.qualified, r.owner, r.acl) for r in snapshot.relations
            if r.relkind == SEQUENCE_RELKIND and (wanted is None or r.qualified in wanted))
    return object_matrix(_engine(snapshot), "sequence", objs, roles)


def function_execute(snapshot: CatalogSnapshot, roles: Iterable[str] | None = None,
                     functions: Iterable[str] | None = None) -> ObjectMatrix:
    """Role x function (``schema.name(args)`` signature) -> EXECUTE with paths (PUBLIC by default)."""
    wanted = set(functions) if functions is not None else None
    objs = (_Object(f.signature, f.owner, f.acl) for f in snapshot.functions
            if wanted is None or f.signature in wanted)
    return object_matrix(_engine(snapshot), "function", objs, roles)


def schema_access(snapshot: CatalogSnapshot, roles: Iterable[str] | None = None) -> ObjectMatrix:
    """Role x schema -> USAGE / CREATE with paths."""
    engine = _engine(snapshot)
    if roles is None:
        return engine.schema_matrix()
    return object_matrix(engine, "schema", (_Object(s.name, s.owner, s.acl) for s in snapshot.schemas), roles)


def database_access(snapshot: CatalogSnapshot, roles: Iterable[str] | None = None) -> ObjectMatrix:
    """Role x the database -> CREATE / CONNECT / TEMPORARY with paths."""
    s = snapshot.server
    return object_matrix(_engine(snapshot), "database", [_Object(s.database, s.database_owner, s.database_acl)],
                         roles)


def schema_usage(snapshot: CatalogSnapshot, role: str) -> dict[str, list[AccessPath]]:
    """Schema -> the paths by which ``role`` has USAGE on it (schemas without USAGE are absent)."""
    m = _engine(snapshot).schema_matrix() if role in _engine(snapshot).graph.roles else schema_access(
        snapshot, [role])
    out: dict[str, list[AccessPath]] = {}
    for (r, schema), cell in m.cells.items():
        if r == role and "USAGE" in cell.paths:
            out[schema] = list(cell.paths["USAGE"])
    return out


def has_schema_usage(snapshot: CatalogSnapshot, role: str, schema: str, *, without_set_role: bool = False) -> bool:
    """Whether ``role`` can use objects in ``schema`` (table privileges are latent without it)."""
    paths = schema_usage(snapshot, role).get(schema, [])
    if without_set_role:
        return any(not p.requires_set_role for p in paths)
    return bool(paths)


def effective_state(snapshot: CatalogSnapshot, policy: Policy) -> AccessState:
    """The database's side of every comparison (``diff``, ``plan``): the same shape as the policy's.

    The matrix covers the policy's application roles and every other
    non-predefined role with any access, except superusers that the policy does
    not list (they can do everything; their attribute is in ``role_attributes``).
    """
    from ownaudit.policy.model import TableRef

    app_roles = set(policy.app_roles())
    scope = [r.name for r in snapshot.roles
             if not r.predefined and (not r.superuser or r.name in app_roles)]
    scope.append(PUBLIC)
    state = AccessState(source=f"database {snapshot.server.database}", kind="catalog")
    state.matrix = effective_matrix(snapshot, roles=scope)
    pols: dict[str, list[RlsPolicyState]] = {}
    for p in snapshot.policies:
        roles = tuple(sorted("public" if r == PUBLIC else r for r in p.roles))
        pols.setdefault(p.table, []).append(RlsPolicyState(p.name, p.command, roles, p.permissive))
    for rel in snapshot.relations:
        if rel.relkind not in TABLE_RELKINDS:
            continue
        name = rel.qualified
        state.tables.add(name)
        state.table_owners[name] = rel.owner
        state.table_hubs[name] = policy.owner_hub(TableRef(rel.schema, rel.name))
        state.rls[name] = RlsState(rel.rls_enabled, rel.rls_forced, pols.get(name, []))
    for role in {r for r, _ in state.matrix.cells} | app_roles:
        state.role_hubs[role] = policy.hub_of_role(role)
    for fk in snapshot.foreign_keys:
        state.foreign_keys.add(FkEdge(fk.child, tuple(fk.child_columns), fk.parent, tuple(fk.parent_columns),
                                      fk.on_delete, fk.on_update, fk.name))
    for m in snapshot.memberships:
        state.memberships.add(Membership(member=m.member, role=m.role, inherit=m.inherit,
                                         set_option=m.set_option, admin=m.admin))
    for r in snapshot.roles:
        if not r.predefined:
            state.role_attributes[r.name] = r.attributes()
    return state

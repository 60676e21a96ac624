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

import gc
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ownaudit.access import (
    AccessMatrix,
    AccessPath,
    AccessState,
    Cell,
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
    "table": {
        "pg_read_all_data": ("SELECT",),
        "pg_write_all_data": ("INSERT", "UPDATE", "DELETE"),
        "pg_maintain": ("MAINTAIN",),
    },
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
                MembershipInfo(role=PG_DATABASE_OWNER, member=owner, grantor="database owner")
            )
        self.edges = edges
        self._inherit: dict[str, dict[str, tuple[str, ...]]] = {}
        self._set: dict[str, dict[str, tuple[str, ...]]] = {}
        self._privs: dict[str, dict[str, _Chain]] = {}

    def _bfs(
        self, start: str, use: Callable[[MembershipInfo], bool], label: str
    ) -> dict[str, tuple[str, ...]]:
        """Shortest hop chains from ``start`` over edges accepted by ``use`` (cycle-safe)."""
        seen: dict[str, tuple[str, ...]] = {start: ()}
        queue = deque([start])
        while queue:
            cur = queue.popleft()
            for m in self.edges.get(cur, ()):
                if m.role in seen or not use(m):
                    continue
                edge = (
                    "database owner"
                    if m.grantor == "database owner" and m.role == PG_DATABASE_OWNER
                    else label
                )
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


def _fast_path(
    hops: tuple[str, ...], via: str, requires_set_role: bool, columns: tuple[str, ...] = ()
) -> AccessPath:
    """AccessPath without the frozen-dataclass __init__ (a third of the matrix time on 10k tables)."""
    p = object.__new__(AccessPath)
    d = p.__dict__
    d["hops"] = hops
    d["via"] = via
    d["requires_set_role"] = requires_set_role
    d["columns"] = columns
    return p


def _slow_path(
    hops: tuple[str, ...], via: str, requires_set_role: bool, columns: tuple[str, ...] = ()
) -> AccessPath:
    return AccessPath(hops, via, requires_set_role, columns)


# Fall back to the constructor if AccessPath ever gets __slots__ (no instance __dict__).
_path = _slow_path if hasattr(AccessPath, "__slots__") else _fast_path


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
        self._keys: dict[str, Any] = {}

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

    def compute(
        self,
        kind: str,
        objects: Iterable[_Object],
        roles: Iterable[str] | None,
        cells: dict[tuple[str, str], Any],
        factory: Callable[[], Any],
        keys: dict[str, Any],
    ) -> None:
        """Fill ``cells[(role, object)]`` (made by ``factory``) with every privilege and path.

        ``keys`` maps server privilege names to the cell's keys (``Privilege`` for
        tables, the name itself otherwise); a name it lacks is skipped.
        Hot loop of the audit: paths are built directly and each cell fetched once.
        """
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
            (m, (self._seg(m, "public"),) if m != PUBLIC else (), False) for m in scope
        ]
        self._keys = keys
        vocab = [(p, keys[p]) for p in self.vocabulary(kind) if p in keys]
        known = {p for p, _ in vocab}
        predefined = [
            (self._seg(name, "predefined"), holders[name], [(p, keys[p]) for p in privs if p in known])
            for name, privs in _PREDEFINED[kind].items()
            if name in g.roles and holders.get(name)
        ]
        supers = [
            (m, self._seg(who, "superuser"), hops, needs_set)
            for m in scope
            if m != PUBLIC
            for who, hops, needs_set in g.superuser_chains(m)
        ]

        def cell_of(m: str, name: str) -> Any:
            c = cells.get((m, name))
            if c is None:
                c = cells[(m, name)] = factory()
            return c

        def bulk(c: Any, key: Any, path: AccessPath, grantable: bool) -> None:
            lst = c.paths.get(key)
            if lst is None:
                c.paths[key] = [path]
            elif path not in lst:
                lst.append(path)
            if grantable:
                c.grantable.add(key)

        # Hundreds of thousands of acyclic objects: the cyclic GC would rescan them all repeatedly.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            self._fill(objects, holders, public_rows, vocab, predefined, supers, cell_of, bulk)
        finally:
            if gc_was_enabled:
                gc.enable()

    def _fill(
        self,
        objects: Iterable[_Object],
        holders: dict[str, list[tuple[str, tuple[str, ...], bool]]],
        public_rows: list[tuple[str, tuple[str, ...], bool]],
        vocab: list[tuple[str, Any]],
        predefined: list[tuple[str, list[tuple[str, tuple[str, ...], bool]], list[tuple[str, Any]]]],
        supers: list[tuple[str, str, tuple[str, ...], bool]],
        cell_of: Callable[[str, str], Any],
        bulk: Callable[[Any, Any, AccessPath, bool], None],
    ) -> None:
        keys = self._keys
        for obj in objects:
            name = obj.name
            grants: list[tuple[AclItem, tuple[str, ...]]] = [(item, ()) for item in obj.acl]
            if obj.column_acls:
                grants += _column_groups(obj.column_acls)
            for item, columns in grants:
                key = keys.get(item.privilege)
                if key is None:
                    continue
                priv = item.privilege
                target = f"{priv} ({', '.join(columns)}) on {name}" if columns else f"{priv} on {name}"
                seg = self._seg(item.grantee, "column grant" if columns else "grant")
                if item.grantee == PUBLIC:
                    rows = public_rows
                    via = "column-grant" if columns else "public"
                else:
                    rows = holders.get(item.grantee, [])
                    via = "column-grant" if columns else ""
                for m, hops, needs_set in rows:
                    bulk(
                        cell_of(m, name),
                        key,
                        _path(
                            (*hops, seg, target),
                            via or ("membership" if hops else "grant"),
                            needs_set,
                            columns,
                        ),
                        item.grantable,
                    )
            if obj.owner in holders:
                seg = self._seg(obj.owner, "owner")
                tails = [(key, (seg, f"{p} on {name}")) for p, key in vocab]
                for m, hops, needs_set in holders[obj.owner]:
                    c = cell_of(m, name)
                    for key, tail in tails:
                        bulk(c, key, _path((*hops, *tail), "owner", needs_set), True)
            for seg, members, privs in predefined:
                for m, hops, needs_set in members:
                    c = cell_of(m, name)
                    for p, key in privs:
                        bulk(c, key, _path((*hops, seg, f"{p} on {name}"), "predefined", needs_set), False)
            for m, seg, hops, needs_set in supers:
                c = cell_of(m, name)
                for p, key in vocab:
                    bulk(c, key, _path((*hops, seg, f"{p} on {name}"), "superuser", needs_set), True)

    def schema_matrix(self) -> ObjectMatrix:
        if self._schemas is None:
            self._schemas = object_matrix(
                self, "schema", (_Object(s.name, s.owner, s.acl) for s in self.snapshot.schemas), None
            )
        return self._schemas


def _column_groups(column_acls: Iterable[tuple[str, list[AclItem]]]) -> list[tuple[AclItem, tuple[str, ...]]]:
    """Column grants grouped by (grantee, privilege, grantable), with their columns in table order."""
    groups: dict[AclItem, list[str]] = {}
    for column, acl in column_acls:
        for item in acl:
            groups.setdefault(item, []).append(column)
    return [(item, tuple(cols)) for item, cols in groups.items()]


def object_matrix(
    engine: _Engine, kind: str, objects: Iterable[_Object], roles: Iterable[str] | None
) -> ObjectMatrix:
    matrix = ObjectMatrix(kind)
    engine.compute(kind, objects, roles, matrix.cells, ObjectCell, _IdentityKeys())
    return matrix


class _IdentityKeys(dict[str, str]):
    """Every privilege name is its own key (non-table objects)."""

    def __missing__(self, key: str) -> str:
        return key

    def get(self, key: str, default: Any = None) -> Any:
        return key

    def __contains__(self, key: object) -> bool:
        return True


def _engine(snapshot: CatalogSnapshot) -> _Engine:
    """The cached engine of a snapshot (rebuilt if its roles or memberships changed)."""
    key = (
        id(snapshot.roles),
        len(snapshot.roles),
        id(snapshot.memberships),
        len(snapshot.memberships),
        snapshot.server.database_owner,
    )
    cached: tuple[Any, _Engine] | None = snapshot.__dict__.get("_effective_engine")
    if cached is not None and cached[0] == key:
        return cached[1]
    engine = _Engine(snapshot)
    snapshot.__dict__["_effective_engine"] = (key, engine)
    return engine


# --------------------------------------------------------------------------- public API


def effective_matrix(
    snapshot: CatalogSnapshot, roles: Iterable[str] | None = None, tables: Iterable[str] | None = None
) -> AccessMatrix:
    """Role x relation (relkinds r p v m f) -> every privilege with every path.

    ``roles`` None = every non-predefined role (a ``PUBLIC`` row appears where
    PUBLIC holds something). ``tables`` None = every relation of the snapshot.
    Schema USAGE is NOT folded in: ask ``has_schema_usage`` (a table privilege
    without USAGE on its schema is latent, not usable).
    """
    engine = _engine(snapshot)
    wanted = set(tables) if tables is not None else None
    rels = [
        r
        for r in snapshot.relations
        if r.relkind in TABLE_RELKINDS and (wanted is None or r.qualified in wanted)
    ]
    matrix = AccessMatrix()
    keys = {
        p.value: p for p in Privilege
    }  # a privilege newer than this ownaudit cannot be represented: skipped
    engine.compute("table", (_relation_object(r) for r in rels), roles, matrix.cells, Cell, keys)
    return matrix


def _relation_object(rel: RelationInfo) -> _Object:
    cols = tuple((c.name, c.acl) for c in rel.columns if c.acl)
    return _Object(rel.qualified, rel.owner, rel.acl, cols)


def sequence_access(
    snapshot: CatalogSnapshot, roles: Iterable[str] | None = None, sequences: Iterable[str] | None = None
) -> ObjectMatrix:
    """Role x sequence (``schema.name``) -> USAGE / SELECT / UPDATE with paths."""
    wanted = set(sequences) if sequences is not None else None
    objs = (
        _Object(r.qualified, r.owner, r.acl)
        for r in snapshot.relations
        if r.relkind == SEQUENCE_RELKIND and (wanted is None or r.qualified in wanted)
    )
    return object_matrix(_engine(snapshot), "sequence", objs, roles)


def function_execute(
    snapshot: CatalogSnapshot, roles: Iterable[str] | None = None, functions: Iterable[str] | None = None
) -> ObjectMatrix:
    """Role x function (``schema.name(args)`` signature) -> EXECUTE with paths (PUBLIC by default)."""
    wanted = set(functions) if functions is not None else None
    objs = (
        _Object(f.signature, f.owner, f.acl)
        for f in snapshot.functions
        if wanted is None or f.signature in wanted
    )
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
    return object_matrix(
        _engine(snapshot), "database", [_Object(s.database, s.database_owner, s.database_acl)], roles
    )


def schema_usage(snapshot: CatalogSnapshot, role: str) -> dict[str, list[AccessPath]]:
    """Schema -> the paths by which ``role`` has USAGE on it (schemas without USAGE are absent)."""
    m = (
        _engine(snapshot).schema_matrix()
        if role in _engine(snapshot).graph.roles
        else schema_access(snapshot, [role])
    )
    out: dict[str, list[AccessPath]] = {}
    for (r, schema), cell in m.cells.items():
        if r == role and "USAGE" in cell.paths:
            out[schema] = list(cell.paths["USAGE"])
    return out


def has_schema_usage(
    snapshot: CatalogSnapshot, role: str, schema: str, *, without_set_role: bool = False
) -> bool:
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
    scope = [r.name for r in snapshot.roles if not r.predefined and (not r.superuser or r.name in app_roles)]
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
        state.foreign_keys.add(
            FkEdge(
                fk.child,
                tuple(fk.child_columns),
                fk.parent,
                tuple(fk.parent_columns),
                fk.on_delete,
                fk.on_update,
                fk.name,
            )
        )
    for m in snapshot.memberships:
        state.memberships.add(
            Membership(
                member=m.member, role=m.role, inherit=m.inherit, set_option=m.set_option, admin=m.admin
            )
        )
    for r in snapshot.roles:
        if not r.predefined:
            state.role_attributes[r.name] = r.attributes()
    _object_state(snapshot, [*sorted(app_roles), PUBLIC], state)
    return state


_DEFAULT_KIND = {"r": "table", "table": "table", "tables": "table", "S": "sequence", "sequence": "sequence",
                 "sequences": "sequence"}


def _usable(cell: ObjectCell) -> frozenset[str]:
    """Privileges a role uses as it connects, not counting what ownership would let it re-grant itself."""
    return frozenset(p for p, xs in cell.paths.items()
                     if any(not x.requires_set_role and x.via != "owner" for x in xs))


def _object_state(snapshot: CatalogSnapshot, roles: list[str], state: AccessState) -> None:
    """Schemas, default privileges, sequences and SECURITY DEFINER EXECUTE for ``roles`` (the policy's and
    PUBLIC). Acts-as paths (triggers, rules, definer functions reached from other objects) belong here too,
    as extra ``AccessPath`` entries of the same maps."""
    present = set(roles) & ({r.name for r in snapshot.roles} | {PUBLIC})
    scope = [r for r in roles if r in present]
    schemas = schema_access(snapshot, scope)
    for (role, schema), cell in schemas.cells.items():
        got = _usable(cell)
        if got:
            state.schema_privileges[(role, schema)] = got
    seqs = sequence_access(snapshot, scope)
    for (role, seq), cell in seqs.cells.items():
        got = _usable(cell)
        if got:
            state.sequence_privileges[(role, seq)] = got
    definers = [f.signature for f in snapshot.functions if f.security_definer]
    if definers:
        fns = function_execute(snapshot, scope, definers)
        for (role, sig), cell in fns.cells.items():
            if "EXECUTE" in _usable(cell):
                state.definer_execute[(role, sig)] = "EXECUTE"
    for d in snapshot.default_acls:
        kind = _DEFAULT_KIND.get(d.objtype)
        if kind is None:
            continue
        for item in d.acl:
            if item.grantee == d.creator:
                continue
            key = (d.creator, d.schema or "*", kind, item.grantee)
            state.default_privileges[key] = state.default_privileges.get(key, frozenset()) | {item.privilege}

"""Infer an ownership matrix from a catalog: the database's access state, written as a policy.

A team adopting ownaudit starts from what its database does today. Roles that
own objects become owner roles; every other role with access becomes an
application role in a hub of its own (or of the role it is a member of); the
hub that writes most tables of a schema owns it. These assignments are guesses
and the YAML marks them ``# TODO confirm``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ownaudit.catalog.model import PUBLIC, CatalogSnapshot, RelationInfo
from ownaudit.policy.model import DEFAULT_FORBIDDEN_ATTRIBUTES
from ownaudit.privileges import WRITE, Privilege, sort_privileges

SYSTEM_SCHEMAS = frozenset({"pg_catalog", "information_schema", "pg_toast"})
KNOWN_PLATFORM_ROLES = (
    "cloud_admin",
    "neon_superuser",
    "neon_service",
    "neon_migrator",
    "authenticator",
    "zenith_admin",
    "rds_superuser",
    "rdsadmin",
    "azure_pg_admin",
    "cloudsqlsuperuser",
    "supabase_admin",
)
RELATION_KINDS = {
    "r": "table",
    "p": "partitioned_table",
    "v": "view",
    "m": "materialized_view",
    "f": "foreign_table",
}
WRITE_OPS = frozenset(WRITE)


@dataclass
class TableDraft:
    rel: RelationInfo
    owner: str | None = None  # hub
    owner_role: str | None = None
    readers: list[str] | None = None  # None = the schema's readers
    writers: dict[str, list[str]] = field(default_factory=dict)  # hub -> operations
    column_grants: list[tuple[str, str, list[str]]] = field(default_factory=list)  # hub, op, columns
    guessed_owner: bool = False
    frozen: bool = False  # no role writes it, some read it, in a schema no hub writes most of
    guards: list[str] = field(default_factory=list)  # BEFORE UPDATE row triggers (a condition may live there)


@dataclass
class SchemaDraft:
    name: str
    owner: str | None
    owner_role: str | None = None
    readers: list[str] | str = "all"
    writer_privileges: list[str] = field(default_factory=list)
    tables: list[TableDraft] = field(default_factory=list)
    governed: bool = True
    writers: list[tuple[list[str], list[str], bool]] = field(default_factory=list)  # hubs, operations, create


@dataclass
class RoleDraft:
    name: str
    hub: str
    kind: str
    login: bool
    forbidden: list[str] | None = None  # None = the default list
    member_of: list[str] = field(default_factory=list)


@dataclass
class Inferred:
    """Everything the YAML writer needs, decided."""

    database: str
    owner_role: str | None
    platform_roles: list[str]
    provider: str
    hubs: dict[str, list[str]]  # hub id -> roles
    roles: dict[str, RoleDraft]
    schemas: list[SchemaDraft]
    notes: list[str] = field(default_factory=list)


def hub_id(text: str) -> str:
    """A hub id from a role or schema name: lower-case words joined by dashes."""
    out = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return out or "hub"


def _unique(base: str, taken: set[str]) -> str:
    name, i = base, 2
    while name in taken:
        name, i = f"{base}-{i}", i + 1
    taken.add(name)
    return name


def _user_schemas(snapshot: CatalogSnapshot) -> list[str]:
    with_relations = {r.schema for r in snapshot.relations if r.relkind in RELATION_KINDS}
    out = []
    for s in snapshot.schemas:
        if s.name in SYSTEM_SCHEMAS or s.name.startswith(("pg_temp", "pg_toast")):
            continue
        if s.name == "public" and s.name not in with_relations:
            continue
        out.append(s.name)
    return out


def infer(snapshot: CatalogSnapshot) -> Inferred:
    """Decide hubs, roles, owners and access of every user schema and relation."""
    from ownaudit.catalog.effective import effective_matrix

    schemas = _user_schemas(snapshot)
    in_scope = set(schemas)
    rels = [
        r
        for r in snapshot.relations
        if r.schema in in_scope and r.relkind in RELATION_KINDS and not r.is_partition
    ]
    notes: list[str] = []

    # -- owner roles -------------------------------------------------------
    owners = Counter(r.owner for r in rels)
    owner_role = owners.most_common(1)[0][0] if owners else snapshot.server.database_owner
    platform = [r for r in KNOWN_PLATFORM_ROLES if snapshot.role(r) is not None]

    # -- application roles: anyone with access in these schemas but their owners --
    candidates: set[str] = set()
    for rel in rels:
        candidates.update(i.grantee for i in rel.acl if i.grantee != rel.owner)
        for c in rel.columns:
            candidates.update(i.grantee for i in c.acl)
    for sch in snapshot.schemas:
        if sch.name in in_scope:
            candidates.update(i.grantee for i in sch.acl)
    for pol in snapshot.policies:
        if pol.table.partition(".")[0] in in_scope:
            candidates.update(pol.roles)
    for d in snapshot.default_acls:
        if d.schema is None or d.schema in in_scope:
            candidates.update(i.grantee for i in d.acl)
    # Owners are trusted (owner roles), unless they also receive grants: then they are
    # application roles that happen to own a table (the audit reports that ownership).
    owner_roles = (
        (
            {owner_role, snapshot.server.database_owner}
            | {s.owner for s in snapshot.schemas if s.name in in_scope}
            | {f.owner for f in snapshot.functions if f.schema in in_scope}
            | set(owners)
        )
        - (candidates - {owner_role})
        - {"pg_database_owner"}
    )

    def trusted(name: str) -> bool:
        info = snapshot.role(name)
        return (
            name in owner_roles
            or name in platform
            or info is None
            or info.predefined
            or info.superuser
            or name.startswith("pg_")
        )

    apps = {c for c in candidates if c != PUBLIC and not trusted(c)}
    for m in snapshot.memberships:  # members of application roles act through them
        if m.role in apps and not trusted(m.member):
            apps.add(m.member)

    matrix = effective_matrix(snapshot, roles=sorted(apps), tables=[r.qualified for r in rels])

    def held(role: str, table: str) -> tuple[set[str], dict[str, set[str]]]:
        """Table-level privileges usable without SET ROLE, and column-only ones."""
        cell = matrix.cell(role, table)
        table_level: set[str] = set()
        cols: dict[str, set[str]] = {}
        for priv, paths in cell.paths.items():
            usable = [p for p in paths if not p.requires_set_role]
            if any(not p.columns for p in usable):
                table_level.add(priv.value)
            elif usable:
                cols[priv.value] = {c for p in usable for c in p.columns}
        return table_level, cols

    writes = {
        r: any(
            held(r, t.qualified)[0] & {p.value for p in WRITE_OPS}
            or set(held(r, t.qualified)[1]) & {p.value for p in WRITE_OPS}
            for t in rels
        )
        for r in apps
    }

    # -- hubs: a member that holds nothing itself shares its parent's hub ----
    taken: set[str] = set()
    role_hub: dict[str, str] = {}
    direct = {
        r
        for r in apps
        if any(i.grantee == r for x in rels for i in x.acl)
        or any(i.grantee == r for x in rels for c in x.columns for i in c.acl)
    }
    top_schema: dict[str, str] = {}  # a writer's hub is named after the schema it writes most
    for r in sorted(direct):
        count = Counter(t.schema for t in rels if held(r, t.qualified)[0] & {p.value for p in WRITE_OPS})
        if count:
            top_schema[r] = sorted(count.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    for r in sorted(apps):
        parents = [m.role for m in snapshot.memberships if m.member == r and m.role in apps]
        if r not in direct and len(parents) == 1 and parents[0] in direct:
            continue
        role_hub[r] = _unique(hub_id(top_schema[r]) + "-hub" if r in top_schema else hub_id(r), taken)
    for r in sorted(apps):
        if r not in role_hub:
            parent = next(m.role for m in snapshot.memberships if m.member == r and m.role in apps)
            role_hub[r] = role_hub.get(parent) or _unique(hub_id(r), taken)
    hubs: dict[str, list[str]] = {}
    for r, h in sorted(role_hub.items()):
        hubs.setdefault(h, []).append(r)

    # -- roles -----------------------------------------------------------------
    roles: dict[str, RoleDraft] = {}
    for r in sorted(apps):
        info = snapshot.role(r)
        assert info is not None
        attrs = info.attributes()
        forbidden = (
            sorted(DEFAULT_FORBIDDEN_ATTRIBUTES - attrs) if attrs & DEFAULT_FORBIDDEN_ATTRIBUTES else None
        )
        if forbidden is not None:
            notes.append(f"role {r} has {', '.join(sorted(attrs))}: left out of its forbidden_attributes")
        member_of = sorted(
            {
                m.role
                for m in snapshot.memberships
                if m.member == r and (m.role in apps or m.role in platform or m.role == owner_role)
            }
        )
        roles[r] = RoleDraft(
            r, role_hub[r], "writer" if writes[r] else "reader", info.login, forbidden, member_of
        )

    # -- schemas and tables ------------------------------------------------------
    def hub_privs(hub: str, table: str) -> tuple[set[str], dict[str, set[str]]]:
        t_all: set[str] = set()
        c_all: dict[str, set[str]] = {}
        for role in hubs[hub]:
            t, c = held(role, table)
            t_all |= t
            for k, v in c.items():
                c_all.setdefault(k, set()).update(v)
        return t_all, c_all

    all_hubs = set(hubs)
    nobody: str | None = None
    drafts: list[SchemaDraft] = []
    write_names = {p.value for p in WRITE_OPS}
    for sname in schemas:
        srels = [r for r in rels if r.schema == sname]
        sinfo = snapshot.schema(sname)
        counts = Counter(h for h in hubs for t in srels if hub_privs(h, t.qualified)[0] & write_names)
        top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0] if counts else None
        # A hub owns the schema when it writes at least half its tables; otherwise the few
        # tables it writes are its own and the rest (and future tables) belong to nobody.
        owner = top[0] if top and top[1] * 2 >= len(srels) else None
        if owner is None:
            if nobody is None:
                nobody = _unique("nobody-writes", taken)
                hubs[nobody] = []
            owner = nobody
            notes.append(f"schema {sname}: no hub writes most of it; hub {owner} (no roles) owns it")
        sd = SchemaDraft(sname, owner, governed=sname != "public")
        if (
            sinfo is not None
            and sinfo.owner != owner_role
            and not (sinfo.owner == "pg_database_owner" and snapshot.server.database_owner == owner_role)
        ):
            sd.owner_role = sinfo.owner
        expected_owner = sd.owner_role or owner_role
        owner_ops = Counter()  # type: Counter[tuple[str, ...]]
        privs_by_table: dict[str, dict[str, tuple[set[str], dict[str, set[str]]]]] = {}
        reader_sets = Counter()  # type: Counter[frozenset[str]]
        for rel in srels:
            td = TableDraft(rel)
            name = rel.qualified
            privs = {h: hub_privs(h, name) for h in hubs if hubs[h]}
            privs_by_table[name] = privs
            writers = {h: hp[0] & write_names for h, hp in privs.items() if hp[0] & write_names}
            if not writers and hubs[owner]:
                if nobody is None:
                    nobody = _unique("nobody-writes", taken)
                    hubs[nobody] = []
                td.owner = nobody  # no role writes it today: a hub without roles owns it
            elif owner in writers or not writers:
                td.owner = owner
            else:
                td.owner = sorted(writers, key=lambda h: (-len(writers[h]), h))[0]
                td.guessed_owner = True
            if td.owner == owner and owner in writers:
                owner_ops[tuple(sorted(writers[owner]))] += 1
            for h, ops in sorted(writers.items()):
                if h != td.owner:
                    td.writers[h] = [p.value for p in sort_privileges({Privilege(o) for o in ops})]
            readers = (
                frozenset(h for h, p in privs.items() if "SELECT" in p[0]) - {td.owner} - set(td.writers)
            )
            td.readers = sorted(readers)  # resolved against the schema default below
            reader_sets[readers] += 1
            for h, p in sorted(privs.items()):
                for op, cols in sorted(p[1].items()):
                    if op in p[0] or h == td.owner or roles[hubs[h][0]].kind != "writer":
                        continue
                    td.column_grants.append((h, op, sorted(cols)))
            if rel.owner != expected_owner:
                td.owner_role = rel.owner
            sd.tables.append(td)
        _schema_writers(sd, owner, hubs, roles, snapshot)
        _frozen_and_guards(sd, nobody, privs_by_table, snapshot)
        common = owner_ops.most_common(1)[0][0] if owner_ops else ("DELETE", "INSERT", "UPDATE")
        sd.writer_privileges = ["SELECT", *[p.value for p in sort_privileges({Privilege(o) for o in common})]]
        default_readers = reader_sets.most_common(1)[0][0] if reader_sets else frozenset()
        staffed = {h for h in all_hubs if hubs[h]}  # hubs without roles read nothing either way
        everyone = staffed - {owner}
        sd.readers = "all" if default_readers >= everyone and everyone else sorted(default_readers)
        for td in sd.tables:
            mine = frozenset(td.readers or [])
            base = staffed if sd.readers == "all" else set(sd.readers)
            schema_default = base - {td.owner} - set(td.writers)
            td.readers = None if mine == schema_default else sorted(mine)
        drafts.append(sd)

    provider = "neon" if any(r.startswith("neon") for r in platform) else "postgres"
    return Inferred(snapshot.server.database, owner_role, platform, provider, hubs, roles, drafts, notes)


def _schema_writers(sd: SchemaDraft, owner: str, hubs: dict[str, list[str]], roles: dict[str, RoleDraft],
                    snapshot: CatalogSnapshot) -> None:
    """A non-owner hub writing every table of a schema (two or more) with the same operations is a schema
    writer; hubs writing it that way together become one entry (``all`` when every staffed hub does), and
    ``create`` when their writer roles hold CREATE on the schema."""
    if len(sd.tables) < 2:
        return
    common: dict[str, frozenset[str]] = {}
    for hub in sorted(hubs):
        if hub == owner or not hubs[hub]:
            continue
        per_table = [frozenset(td.writers.get(hub, [])) for td in sd.tables if td.owner != hub]
        if len(per_table) == len(sd.tables) and per_table[0] and all(o == per_table[0] for o in per_table):
            common[hub] = per_table[0]
    by_ops: dict[frozenset[str], list[str]] = {}
    for hub, ops in common.items():
        by_ops.setdefault(ops, []).append(hub)
    info = snapshot.schema(sd.name)
    creators = {i.grantee for i in info.acl if i.privilege == "CREATE"} if info is not None else set()
    staffed = {h for h in hubs if hubs[h]} - {owner}
    for ops, group in sorted(by_ops.items(), key=lambda kv: sorted(kv[1])):
        create = all(any(r in creators and roles[r].kind == "writer" for r in hubs[h]) for h in group)
        sd.writers.append((["all"] if set(group) == staffed and len(group) > 1 else sorted(group),
                           [p.value for p in sort_privileges({Privilege(o) for o in ops})], create))
        for td in sd.tables:
            for h in group:
                td.writers.pop(h, None)


def _frozen_and_guards(sd: SchemaDraft, nobody: str | None,
                       privs: dict[str, dict[str, tuple[set[str], dict[str, set[str]]]]],
                       snapshot: CatalogSnapshot) -> None:
    """Tables nobody writes but someone reads, in a schema no hub writes most of, look frozen (a legacy
    table being migrated); a BEFORE UPDATE row trigger beside a column grant may hold its condition."""
    for td in sd.tables:
        name = td.rel.qualified
        read = any("SELECT" in p[0] for p in privs.get(name, {}).values())
        if nobody is not None and sd.owner == nobody and td.owner == nobody and read and not td.writers \
                and not td.column_grants and td.rel.relkind in ("r", "p"):
            td.frozen = True
        td.guards = sorted(t.name for t in snapshot.triggers
                           if t.table == name and t.enabled != "D" and t.timing == "BEFORE"
                           and t.level == "ROW" and "UPDATE" in [e.upper() for e in t.events])

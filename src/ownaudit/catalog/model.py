"""What the audit reads from a PostgreSQL catalog, as plain typed records.

A ``CatalogSnapshot`` is filled by ``ownaudit.catalog.reader`` from a live
server (set-based queries over pg_catalog) or loaded from a snapshot JSON file;
the audit, ``diff``, ``plan`` and ``init`` work from it and never from the
connection, so a saved snapshot audits offline exactly like the live database.
Names are stored as in the catalog (unquoted); grantee ``PUBLIC`` is the string
"PUBLIC" (grantee OID 0). ACLs are already exploded with NULL resolved to the
owner's ``acldefault``.

The record types have ``__slots__`` (a 100,000-table snapshot holds about a million of
them); ``CatalogSnapshot`` itself keeps a ``__dict__`` for its lazily built indexes.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, TypeVar

SNAPSHOT_FORMAT = "ownaudit.snapshot"
SNAPSHOT_VERSION = 2
# Versions this reader accepts. Version 1 files lack the records of implicit code (code_uses, types,
# event_triggers, role_settings, foreign servers and user mappings, inherits): ``CatalogSnapshot.version``
# keeps the file's version so the audit can say what it could not check instead of passing it.
READABLE_VERSIONS = (1, 2)
PUBLIC = "PUBLIC"

# pg_class.relkind values the audit treats explicitly.
RELKINDS = {
    "r": "table",
    "p": "partitioned_table",
    "v": "view",
    "m": "materialized_view",
    "f": "foreign_table",
    "S": "sequence",
}


@dataclass(frozen=True, slots=True)
class AclItem:
    """One exploded ACL entry: grantee got privilege from grantor (maybe WITH GRANT OPTION)."""

    grantee: str  # role name or "PUBLIC"
    grantor: str
    privilege: str  # SELECT, INSERT, ..., USAGE, CREATE, CONNECT, TEMPORARY, EXECUTE, MAINTAIN
    grantable: bool = False


@dataclass
class ServerInfo:
    version_num: int  # server_version_num, e.g. 180001
    version: str
    database: str
    database_owner: str
    current_user: str
    current_user_is_superuser: bool
    database_acl: list[AclItem] = field(default_factory=list)
    settings: dict[str, str] = field(default_factory=dict)  # a few relevant GUCs (no secrets)
    # The server's privilege vocabulary per object kind (table, sequence, function, schema, database),
    # from aclexplode(acldefault(...)): PG17+ lists MAINTAIN for tables. Empty in hand-made snapshots.
    privileges: dict[str, list[str]] = field(default_factory=dict)

    @property
    def major(self) -> int:
        return self.version_num // 10000


@dataclass(slots=True)
class RoleInfo:
    name: str
    oid: int
    superuser: bool = False
    inherit: bool = True
    createrole: bool = False
    createdb: bool = False
    login: bool = False
    replication: bool = False
    bypassrls: bool = False
    predefined: bool = False  # pg_* predefined role
    config: list[str] = field(default_factory=list)  # rolconfig (e.g. search_path); never a password

    def attributes(self) -> frozenset[str]:
        """The dangerous attributes this role has, lower-case names."""
        names = ("superuser", "createrole", "createdb", "replication", "bypassrls")
        return frozenset(n for n in names if getattr(self, n))


@dataclass(frozen=True, slots=True)
class MembershipInfo:
    """``member`` is a member of ``role``. Options are per grant on PG16+.

    Before PG16, ``inherit`` follows the member's rolinherit and ``set_option`` is True.
    """

    role: str
    member: str
    grantor: str | None = None
    admin: bool = False
    inherit: bool = True
    set_option: bool = True


@dataclass(slots=True)
class SchemaInfo:
    name: str
    oid: int
    owner: str
    acl: list[AclItem] = field(default_factory=list)


@dataclass(slots=True)
class ColumnInfo:
    name: str
    attnum: int
    type: str
    not_null: bool = False
    identity: str = ""  # '', 'a' (always), 'd' (by default)
    default: str | None = None
    generated: str = ""  # '' or 's' (stored) / 'v' (virtual): ``default`` is then the generation expression
    acl: list[AclItem] = field(default_factory=list)  # column grants (attacl), empty when none


@dataclass(slots=True)
class RelationInfo:
    schema: str
    name: str
    oid: int
    relkind: str  # r p v m f S
    owner: str
    acl: list[AclItem] = field(default_factory=list)
    rls_enabled: bool = False
    rls_forced: bool = False
    is_partition: bool = False
    parent: str | None = None  # "schema.table" of the partitioned parent
    options: list[str] = field(default_factory=list)  # reloptions, e.g. security_invoker=true
    columns: list[ColumnInfo] = field(default_factory=list)
    view_updatable: bool = False  # auto-updatable view (pg_relation_is_updatable)
    view_sources: list[str] = field(default_factory=list)  # "schema.table" the view reads
    owned_by: str | None = None  # sequences: "schema.table.column" that owns it
    inherits: list[str] = field(default_factory=list)  # every pg_inherits parent (partitions and INHERITS)
    foreign_server: str | None = None  # foreign tables: the pg_foreign_server name

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def kind(self) -> str:
        return RELKINDS.get(self.relkind, self.relkind)


@dataclass(slots=True)
class PolicyInfo:
    """A row-level-security policy (pg_policy)."""

    table: str  # "schema.table"
    name: str
    command: str  # ALL SELECT INSERT UPDATE DELETE
    permissive: bool
    roles: list[str]  # role names, "PUBLIC" for public
    using: str | None = None
    with_check: str | None = None


@dataclass(slots=True)
class ForeignKeyInfo:
    name: str
    child: str  # "schema.table"
    child_columns: list[str]
    parent: str
    parent_columns: list[str]
    on_delete: str  # no action | restrict | cascade | set null | set default
    on_update: str
    validated: bool = True


@dataclass(slots=True)
class FunctionInfo:
    schema: str
    name: str
    oid: int
    identity_args: str
    owner: str
    security_definer: bool
    language: str
    kind: str  # f function, p procedure, a aggregate, w window
    acl: list[AclItem] = field(default_factory=list)
    config: list[str] = field(default_factory=list)  # proconfig, e.g. ["search_path=pg_catalog, cl"]
    body: str | None = None  # prosrc (or pg_get_function_sqlbody for BEGIN ATOMIC)
    table_deps: list[str] = field(default_factory=list)  # tables recorded in pg_depend (BEGIN ATOMIC bodies)
    returns: str = ""  # pg_get_function_result, e.g. "SETOF cl.company_identity", "void", "trigger"

    @property
    def signature(self) -> str:
        return f"{self.schema}.{self.name}({self.identity_args})"


@dataclass(slots=True)
class TriggerInfo:
    table: str
    name: str
    function: str  # "schema.name(args)"
    enabled: str  # O origin, D disabled, R replica, A always
    events: list[str] = field(default_factory=list)
    timing: str = ""  # BEFORE | AFTER | INSTEAD OF
    level: str = ""  # ROW | STATEMENT
    internal: bool = False  # a constraint's own trigger (foreign keys); read only when not enabled
    constraint: str | None = None  # the constraint an internal trigger enforces


@dataclass(slots=True)
class RuleInfo:
    table: str
    name: str
    event: str  # SELECT INSERT UPDATE DELETE
    instead: bool
    definition: str = ""


@dataclass(slots=True)
class CodeUseInfo:
    """A function that runs implicitly when a relation is touched (pg_depend).

    ``kind``: default (column default), generated (generation expression), check
    (CHECK constraint), index (index expression or predicate), policy (RLS
    expression), domain (domain constraint; ``table`` is empty, ``name`` is the
    domain). ``function`` is ``schema.name(args)``; operators appear as their function.
    """

    kind: str
    table: str  # "schema.table", "" for domains
    name: str  # column, constraint, index, policy or domain name
    function: str
    expression: str = ""


@dataclass(slots=True)
class TypeInfo:
    """A user type (domain, enum, composite, range, base) used by relation columns."""

    schema: str
    name: str
    kind: str  # d domain, e enum, c composite, r range, m multirange, b base
    owner: str
    columns: list[str] = field(default_factory=list)  # "schema.table.column" using it (arrays included)

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass(slots=True)
class EventTriggerInfo:
    name: str
    event: str
    function: str  # "schema.name(args)"
    owner: str
    enabled: str  # O origin, D disabled, R replica, A always


@dataclass(slots=True)
class RoleSettingInfo:
    """``ALTER ROLE ... [IN DATABASE ...] SET`` / ``ALTER DATABASE ... SET`` (pg_db_role_setting).

    ``role`` None = every role (ALTER DATABASE SET); ``database`` None = every database.
    Only rows for this database or for all databases are read.
    """

    role: str | None
    database: str | None
    settings: list[str] = field(default_factory=list)  # "name=value"


@dataclass(slots=True)
class ForeignServerInfo:
    """A foreign server; ``options`` holds only host, port and dbname (never credentials)."""

    name: str
    wrapper: str
    owner: str
    options: dict[str, str] = field(default_factory=dict)
    acl: list[AclItem] = field(default_factory=list)


@dataclass(slots=True)
class UserMappingInfo:
    """A user mapping. Option values are never read; ``remote_user`` only when visible to the reader."""

    server: str
    user: str  # role name or "PUBLIC"
    option_names: list[str] = field(default_factory=list)
    remote_user: str | None = None
    options_visible: bool = False


@dataclass(slots=True)
class DefaultAclInfo:
    """ALTER DEFAULT PRIVILEGES entry: objects ``creator`` makes in ``schema`` (None = all)."""

    creator: str
    schema: str | None
    objtype: str  # table sequence function type schema
    acl: list[AclItem] = field(default_factory=list)


@dataclass
class CatalogSnapshot:
    """Everything the audit read, in one versioned, secret-free document."""

    server: ServerInfo
    roles: list[RoleInfo] = field(default_factory=list)
    memberships: list[MembershipInfo] = field(default_factory=list)
    schemas: list[SchemaInfo] = field(default_factory=list)
    relations: list[RelationInfo] = field(default_factory=list)
    policies: list[PolicyInfo] = field(default_factory=list)
    foreign_keys: list[ForeignKeyInfo] = field(default_factory=list)
    functions: list[FunctionInfo] = field(default_factory=list)
    triggers: list[TriggerInfo] = field(default_factory=list)
    rules: list[RuleInfo] = field(default_factory=list)
    default_acls: list[DefaultAclInfo] = field(default_factory=list)
    code_uses: list[CodeUseInfo] = field(default_factory=list)
    types: list[TypeInfo] = field(default_factory=list)
    event_triggers: list[EventTriggerInfo] = field(default_factory=list)
    role_settings: list[RoleSettingInfo] = field(default_factory=list)
    foreign_servers: list[ForeignServerInfo] = field(default_factory=list)
    user_mappings: list[UserMappingInfo] = field(default_factory=list)
    taken_at: str = ""
    query_count: int = 0
    format: str = SNAPSHOT_FORMAT
    version: int = SNAPSHOT_VERSION

    # -- indexes (built lazily, not serialized) ---------------------------
    def role(self, name: str) -> RoleInfo | None:
        return self._index("_roles", self.roles, lambda r: r.name).get(name)

    def relation(self, qualified: str) -> RelationInfo | None:
        return self._index("_rels", self.relations, lambda r: r.qualified).get(qualified)

    def schema(self, name: str) -> SchemaInfo | None:
        return self._index("_schemas", self.schemas, lambda s: s.name).get(name)

    def _index(self, attr: str, items: list[Any], key: Any) -> dict[str, Any]:
        cache: dict[str, Any] | None = self.__dict__.get(attr)
        if cache is None or len(cache) != len(items):
            cache = {key(i): i for i in items}
            self.__dict__[attr] = cache
        return cache

    # -- serialization ----------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"format": self.format, "version": self.version}
        for f in dataclasses.fields(self):
            if f.name in ("format", "version"):
                continue
            out[f.name] = _plain(getattr(self, f.name))
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CatalogSnapshot:
        if data.get("format") != SNAPSHOT_FORMAT:
            raise ValueError(f"not an ownaudit snapshot (format {data.get('format')!r})")
        if data.get("version") not in READABLE_VERSIONS:
            raise ValueError(f"unsupported snapshot version {data.get('version')!r} (expected {SNAPSHOT_VERSION})")
        server = data["server"]
        return cls(
            server=_build(ServerInfo, server, {"database_acl": AclItem}),
            roles=[_build(RoleInfo, r) for r in data.get("roles", [])],
            memberships=[_build(MembershipInfo, m) for m in data.get("memberships", [])],
            schemas=[_build(SchemaInfo, s, {"acl": AclItem}) for s in data.get("schemas", [])],
            relations=[
                _build(RelationInfo, r, {"acl": AclItem, "columns": ColumnInfo}) for r in data.get("relations", [])
            ],
            policies=[_build(PolicyInfo, p) for p in data.get("policies", [])],
            foreign_keys=[_build(ForeignKeyInfo, f) for f in data.get("foreign_keys", [])],
            functions=[_build(FunctionInfo, f, {"acl": AclItem}) for f in data.get("functions", [])],
            triggers=[_build(TriggerInfo, t) for t in data.get("triggers", [])],
            rules=[_build(RuleInfo, r) for r in data.get("rules", [])],
            default_acls=[_build(DefaultAclInfo, d, {"acl": AclItem}) for d in data.get("default_acls", [])],
            code_uses=[_build(CodeUseInfo, c) for c in data.get("code_uses", [])],
            types=[_build(TypeInfo, t) for t in data.get("types", [])],
            event_triggers=[_build(EventTriggerInfo, e) for e in data.get("event_triggers", [])],
            role_settings=[_build(RoleSettingInfo, r) for r in data.get("role_settings", [])],
            foreign_servers=[_build(ForeignServerInfo, f, {"acl": AclItem})
                             for f in data.get("foreign_servers", [])],
            user_mappings=[_build(UserMappingInfo, u) for u in data.get("user_mappings", [])],
            taken_at=data.get("taken_at", ""),
            query_count=int(data.get("query_count", 0)),
            version=int(data["version"]),
        )


T = TypeVar("T")


def _build(cls: type[T], data: dict[str, Any], nested: dict[str, type] | None = None) -> T:
    nested = nested or {}
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    kwargs: dict[str, Any] = {}
    for k, v in data.items():
        if k not in names:
            continue
        if k in nested and isinstance(v, list):
            sub = nested[k]
            v = [_build(sub, x, {"acl": AclItem} if sub is ColumnInfo else None) for x in v]
        kwargs[k] = v
    return cls(**kwargs)


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value

"""The ownership policy as typed objects: the centre every capability reads.

The loader builds a ``Policy`` from ``policy/ownership.yaml``; the audit, the
linter, ``diff`` and ``plan`` ask it one question in different forms:
"may this role (or hub) do this to that table?".
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Literal

from ownaudit.findings import Location, Severity
from ownaudit.privileges import DML_WRITE, Privilege

SchemaStatus = Literal["active", "legacy", "migrating", "shared"]
RoleKind = Literal["writer", "reader", "owner", "audit", "admin"]

DEFAULT_FORBIDDEN_ATTRIBUTES = frozenset({"superuser", "bypassrls", "createrole", "createdb", "replication"})
ROLE_ATTRIBUTES = ("superuser", "bypassrls", "createrole", "createdb", "replication", "login", "inherit")
DEFAULT_WRITER_PRIVILEGES = frozenset({Privilege.SELECT} | DML_WRITE)
DEFAULT_SEQUENCE_PRIVILEGES = frozenset({"USAGE"})


def quote_ident(name: str) -> str:
    """Quote an identifier the way PostgreSQL's quote_ident does (only when needed)."""
    if name and ((name[0].isalpha() and name[0].islower()) or name[0] == "_") and all(
        c.islower() or c.isdigit() or c == "_" for c in name
    ) and name.upper() not in _RESERVED:
        return name
    return '"' + name.replace('"', '""') + '"'


_RESERVED = frozenset(
    """ALL ANALYSE ANALYZE AND ANY ARRAY AS ASC ASYMMETRIC BOTH CASE CAST CHECK COLLATE COLUMN CONSTRAINT
    CREATE CURRENT_CATALOG CURRENT_DATE CURRENT_ROLE CURRENT_TIME CURRENT_TIMESTAMP CURRENT_USER DEFAULT
    DEFERRABLE DESC DISTINCT DO ELSE END EXCEPT FALSE FETCH FOR FOREIGN FROM GRANT GROUP HAVING IN INITIALLY
    INTERSECT INTO LATERAL LEADING LIMIT LOCALTIME LOCALTIMESTAMP NOT NULL OFFSET ON ONLY OR ORDER PLACING
    PRIMARY REFERENCES RETURNING SELECT SESSION_USER SOME SYMMETRIC SYSTEM_USER TABLE THEN TO TRAILING TRUE
    UNION UNIQUE USER USING VARIADIC WHEN WHERE WINDOW WITH""".split()
    # type_func_name keywords: not valid as bare table, column or policy names either
    + """AUTHORIZATION BINARY COLLATION CONCURRENTLY CROSS CURRENT_SCHEMA FREEZE FULL ILIKE INNER IS ISNULL
    JOIN LEFT LIKE NATURAL NOTNULL OUTER OVERLAPS RIGHT SIMILAR TABLESAMPLE VERBOSE""".split()
)


@dataclass(frozen=True, order=True)
class TableRef:
    """A schema-qualified relation name, exactly as stored in the catalog."""

    schema: str
    name: str

    @classmethod
    def parse(cls, text: str, default_schema: str = "public") -> TableRef:
        """Parse ``schema.table`` (or ``table``); quoted parts keep their case."""
        parts = _split_qualified(text)
        if len(parts) == 1:
            return cls(default_schema, parts[0])
        if len(parts) == 2:
            return cls(parts[0], parts[1])
        raise ValueError(f"not a table name: {text!r}")

    def __str__(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def sql(self) -> str:
        return f"{quote_ident(self.schema)}.{quote_ident(self.name)}"


def _split_qualified(text: str) -> list[str]:
    parts: list[str] = []
    buf = ""
    quoted = False
    was_quoted = False
    i = 0
    while i < len(text):
        c = text[i]
        if quoted:
            if c == '"':
                if i + 1 < len(text) and text[i + 1] == '"':
                    buf += '"'
                    i += 1
                else:
                    quoted = False
            else:
                buf += c
        elif c == '"':
            quoted = True
            was_quoted = True
        elif c == ".":
            parts.append(buf if was_quoted else buf.strip().lower())
            buf, was_quoted = "", False
        else:
            buf += c
        i += 1
    parts.append(buf if was_quoted else buf.strip().lower())
    if any(p == "" for p in parts):
        raise ValueError(f"not a table name: {text!r}")
    return parts


@dataclass
class PathOverride:
    """Lint settings for some paths of a hub repository (first matching entry wins per setting).

    ``severity`` caps what is reported there (``archive/**`` at low: archived
    scripts still connect and can still be run, so they are reported, not hidden);
    ``search_path`` is the path unqualified names resolve through in those files;
    ``database`` names the database (one of the hub's ``databases``, or ``shared``)
    their SQL goes to.
    """

    paths: list[str]
    severity: str | None = None  # a Severity value
    search_path: list[str] | None = None
    database: str | None = None
    reason: str | None = None
    location: Location | None = None


@dataclass
class LintScope:
    """Which paths of a hub repository hold SQL for this database."""

    include: list[str] = field(
        default_factory=lambda: [
            "**/*.sql",
            "**/*.psql",
            "**/*.pgsql",
            "**/*.py",
            "**/*.js",
            "**/*.ts",
            "**/*.mjs",
            "**/*.cjs",
            "**/*.mts",
            "**/*.cts",
            "**/*.jsx",
            "**/*.tsx",
            "**/*.prisma",
        ]
    )
    exclude: list[str] = field(default_factory=list)
    search_path: list[str] = field(default_factory=lambda: ["public"])
    overrides: list[PathOverride] = field(default_factory=list)


SHARED_DATABASE = "shared"  # the name a path override or target uses for the audited database
DATABASE_PROVIDERS = ("neon", "postgres", "supabase", "d1", "sqlite", "mysql", "other")


@dataclass
class OtherDatabase:
    """A database a hub talks to that is not the shared one: its SQL is out of scope.

    The linter recognises it by ``host`` (and ``database``) in a DSN, by the
    environment variables (``env``) that hold its DSN, by a Supabase ``project``
    ref in a client URL, by a Cloudflare D1 ``bindings`` name (``env.D1.prepare``),
    by ``migrations_dirs`` and by ``paths``. Credentials for it are still leaks.
    """

    name: str
    provider: str = "postgres"
    host: str | None = None
    database: str | None = None
    project: str | None = None  # Supabase project ref (<ref>.supabase.co)
    bindings: list[str] = field(default_factory=list)
    env: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    migrations_dirs: list[str] = field(default_factory=list)
    purpose: str | None = None
    location: Location | None = None

    @property
    def is_postgres(self) -> bool:
        return self.provider in ("neon", "postgres", "supabase")


@dataclass
class Hub:
    """An application repository that owns schemas and tables and connects as roles."""

    id: str
    code: str | None = None
    name: str | None = None
    repository: str | None = None
    roles: list[str] = field(default_factory=list)
    lint: LintScope = field(default_factory=LintScope)
    description: str | None = None
    part_of: str | None = None  # a sub-hub: the hub whose repository holds it
    paths: list[str] = field(default_factory=list)  # a sub-hub's folders in that repository
    databases: dict[str, OtherDatabase] = field(default_factory=dict)  # databases other than the shared one
    env: list[str] = field(default_factory=list)  # environment variables holding the shared database's DSN
    location: Location | None = None


@dataclass
class RoleSpec:
    """A database role an application connects as."""

    name: str
    hub: str
    kind: RoleKind = "writer"
    login: bool = True
    forbidden_attributes: frozenset[str] = DEFAULT_FORBIDDEN_ATTRIBUTES
    member_of: list[str] = field(default_factory=list)  # memberships the policy allows
    location: Location | None = None


@dataclass
class Database:
    """The shared database. ``host`` is informational only; credentials never live here."""

    name: str
    provider: str = "postgres"
    host: str | None = None
    owner_role: str | None = None  # role that owns the objects (migrations owner)
    platform_roles: list[str] = field(default_factory=list)  # allow-listed provider roles
    audit_roles: list[str] = field(default_factory=list)  # roles ownaudit itself connects as
    location: Location | None = None


@dataclass
class RlsPolicySpec:
    """An expected row-level-security policy on a table."""

    name: str
    command: str = "ALL"  # ALL | SELECT | INSERT | UPDATE | DELETE
    roles: list[str] = field(default_factory=lambda: ["public"])
    permissive: bool = True
    location: Location | None = None


@dataclass
class RlsSpec:
    """Row-level security expectations for one table."""

    enabled: bool = False
    forced: bool = False
    policies: list[RlsPolicySpec] = field(default_factory=list)
    exhaustive: bool = True  # the database may hold no policy the matrix does not list
    location: Location | None = None


@dataclass
class WriterSpec:
    """A hub other than the owner allowed to write a table, with its operations."""

    hub: str
    operations: frozenset[Privilege]
    reason: str | None = None
    location: Location | None = None


@dataclass
class ColumnGrant:
    """A non-owner hub may use ``operations`` (usually UPDATE) on named columns only."""

    hub: str
    operations: frozenset[Privilege]
    columns: list[str]
    reason: str | None = None
    condition: str | None = None  # SQL the statement's WHERE must require, e.g. "outreach_id IS NULL"
    location: Location | None = None

    @property
    def write_once(self) -> str | None:
        """The column a ``<column> IS NULL`` condition makes write-once (setting it NULL clears it)."""
        if not self.condition:
            return None
        import re

        m = re.fullmatch(r'\s*"?([A-Za-z_][\w$]*)"?\s+IS\s+NULL\s*', self.condition, re.IGNORECASE)
        if m and m.group(1).lower() in {c.lower() for c in self.columns}:
            return m.group(1).lower()
        return None


@dataclass
class SchemaWriter:
    """Hubs that may write every table of a schema (e.g. INSERT into the shared error log)."""

    hubs: list[str] | Literal["all"]
    operations: frozenset[Privilege]
    except_hubs: list[str] = field(default_factory=list)
    create: bool = False  # may also CREATE tables in the schema
    reason: str | None = None
    location: Location | None = None

    def covers(self, hub: str, all_hubs: Collection[str]) -> bool:
        if hub in self.except_hubs:
            return False
        return hub in all_hubs if self.hubs == "all" else hub in self.hubs


LEGACY_OWNER = "legacy"  # migration.current_owner for a table no hub writes (the legacy system)


@dataclass
class Frozen:
    """A table nobody writes until its migration is done, except the migration itself.

    ``migration_hub`` (default: the migration's target owner) may write it, in
    its repository's ``migration_paths`` only; no application role may hold a
    write privilege on it (the migration runs as the object owner).
    """

    reason: str
    migration_hub: str | None = None
    migration_paths: list[str] = field(default_factory=list)
    location: Location | None = None


@dataclass
class Migration:
    """A legacy table moving from one owner to another."""

    current_owner: str
    target_owner: str
    replaced_by: TableRef | None = None
    state: str = "pending"  # pending | in-progress | done
    notes: str | None = None
    location: Location | None = None


@dataclass
class TableSpec:
    """One governed relation. ``declared`` is False for tables implied by their schema."""

    ref: TableRef
    owner: str | None  # owning hub id; None = no hub may write (unowned legacy)
    purpose: str | None = None
    readers: list[str] | Literal["all"] | None = None  # hub ids or "all"; None = the schema's readers
    writers: list[WriterSpec] = field(default_factory=list)
    column_grants: list[ColumnGrant] = field(default_factory=list)
    rls: RlsSpec | None = None
    migration: Migration | None = None
    frozen: Frozen | None = None
    owner_role: str | None = None  # role expected to own the object; None = schema/database default
    kind: str = "table"  # table | view | materialized_view | foreign_table | partitioned_table
    declared: bool = True
    location: Location | None = None
    sensitivity: str | None = None  # public | internal | confidential; None = the schema's (default internal)
    column_sensitivity: dict[str, str] = field(default_factory=dict)


@dataclass
class SchemaSpec:
    """A schema with its owning hub, default readers and tables."""

    name: str
    owner: str | None
    status: SchemaStatus = "active"
    readers: list[str] | Literal["all"] = "all"
    purpose: str | None = None
    writer_privileges: frozenset[Privilege] = DEFAULT_WRITER_PRIVILEGES
    sequence_privileges: frozenset[str] = DEFAULT_SEQUENCE_PRIVILEGES  # what an inserting role holds on sequences
    owner_role: str | None = None
    governed: bool = True  # audit/lint tables in it that the matrix does not list
    writers: list[SchemaWriter] = field(default_factory=list)  # hubs writing every table of the schema
    tables: dict[str, TableSpec] = field(default_factory=dict)
    location: Location | None = None
    sensitivity: str | None = None


@dataclass
class ForeignKeySpec:
    """A declared foreign-key edge: child (columns) -> parent (columns)."""

    child: TableRef
    child_columns: list[str]
    parent: TableRef
    parent_columns: list[str]
    name: str | None = None
    on_delete: str = "no action"  # no action | restrict | cascade | set null | set default
    on_update: str = "no action"
    location: Location | None = None


@dataclass
class ExceptionSpec:
    """A time-boxed waiver of one rule on one object."""

    rule: str
    object: str
    reason: str
    expires: _dt.date
    ticket: str | None = None
    hub: str | None = None
    role: str | None = None
    location: Location | None = None

    def expired(self, today: _dt.date | None = None) -> bool:
        return (today or _dt.date.today()) > self.expires

    def matches(self, rule_id: str, obj: str, hub: str | None = None, role: str | None = None) -> bool:
        if self.rule.upper() not in (rule_id.upper(), "*"):
            return False
        if not _object_matches(self.object, obj):
            return False
        if self.hub and hub and self.hub != hub:
            return False
        return not (self.role and role and self.role != role)


def _object_matches(pattern: str, obj: str) -> bool:
    from fnmatch import fnmatchcase

    return pattern == obj or fnmatchcase(obj, pattern)


@dataclass
class _Memo:
    """Memoised policy answers (see ``Policy._memo``)."""

    tables: dict[tuple[str, str], TableSpec] = field(default_factory=dict)
    readers: dict[tuple[str, ...], frozenset[str]] = field(default_factory=dict)
    writers: dict[tuple[str, ...], dict[str, frozenset[Privilege]]] = field(default_factory=dict)
    allowed: dict[tuple[str, ...], frozenset[Privilege]] = field(default_factory=dict)


@dataclass
class GateSpec:
    """What the lint gate lets a hub decide: the central policy sets it, the hub cannot widen it.

    ``inline_suppression_max`` is the highest severity an inline ignore comment
    may silence (None: none at all); ``unanalysable_governed`` is the severity of
    unanalysable SQL that could write a governed object.
    """

    inline_suppression_max: Severity | None = Severity.MEDIUM
    unanalysable_governed: Severity = Severity.HIGH
    location: Location | None = None


@dataclass
class Policy:
    """The whole ownership matrix, validated.

    Query methods answer for any table, listed or not: a table in an owned,
    governed schema belongs to the schema's owner even when it is not listed.
    """

    path: str
    digest: str
    version: int
    database: Database
    hubs: dict[str, Hub]
    roles: dict[str, RoleSpec]
    schemas: dict[str, SchemaSpec]
    foreign_keys: list[ForeignKeySpec] = field(default_factory=list)
    exceptions: list[ExceptionSpec] = field(default_factory=list)
    locations: dict[str, Location] = field(default_factory=dict)
    gate: GateSpec = field(default_factory=lambda: GateSpec())
    source_text: str = ""
    # Answers for tables the matrix does not list are the same for every table of a schema:
    # memoised per schema / (role, schema), so a 100,000-table audit asks each question once
    # per schema. A policy is read-only once loaded; ``dataclasses.replace`` starts a new memo.
    _memo: _Memo = field(default_factory=lambda: _Memo(), init=False, repr=False, compare=False)

    def __getstate__(self) -> dict[str, object]:
        """Pickles (the linter's policy cache) carry the policy, never the memo."""
        state = dict(self.__dict__)
        state.pop("_memo", None)
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._memo = _Memo()

    # -- lookups -----------------------------------------------------------
    def location(self, keypath: str) -> Location:
        """The file position of a key path such as ``schemas.cl.tables.x.owner``.

        Falls back to the nearest ancestor that has a position, then the file.
        """
        path = keypath
        while path:
            loc = self.locations.get(path)
            if loc is not None:
                return loc
            path = path.rpartition(".")[0]
        return Location(self.path, 1, 1)

    def hub_of_role(self, role: str) -> str | None:
        spec = self.roles.get(role)
        return spec.hub if spec else None

    def roles_of_hub(self, hub: str) -> list[str]:
        return [r.name for r in self.roles.values() if r.hub == hub]

    def app_roles(self) -> list[str]:
        return sorted(self.roles)

    def schema(self, name: str) -> SchemaSpec | None:
        return self.schemas.get(name)

    def _implied_schema(self, ref: TableRef) -> SchemaSpec | None:
        """The governed schema that implies ``ref``'s spec, when the matrix does not list ``ref``."""
        schema = self.schemas.get(ref.schema)
        if schema is None or ref.name in schema.tables or not schema.governed:
            return None
        return schema

    def table(self, ref: TableRef) -> TableSpec | None:
        """The table's spec, listed or implied by an owned governed schema; None if ungoverned."""
        schema = self.schemas.get(ref.schema)
        if schema is None:
            return None
        spec = schema.tables.get(ref.name)
        if spec is not None:
            return spec
        if not schema.governed:
            return None
        key = (ref.schema, ref.name)
        got = self._memo.tables.get(key)
        if got is None:
            got = self._memo.tables[key] = TableSpec(ref=ref, owner=schema.owner, declared=False,
                                                     location=schema.location)
        return got

    def tables(self) -> list[TableSpec]:
        """Every listed table, in file order."""
        return [t for s in self.schemas.values() for t in s.tables.values()]

    def table_keypath(self, ref: TableRef) -> str:
        schema = self.schemas.get(ref.schema)
        if schema is not None and ref.name in schema.tables:
            return f"schemas.{ref.schema}.tables.{ref.name}"
        return f"schemas.{ref.schema}"

    def owner_hub(self, ref: TableRef) -> str | None:
        implied = self._implied_schema(ref)
        if implied is not None:
            return implied.owner
        spec = self.table(ref)
        return spec.owner if spec else None

    def expected_owner_role(self, ref: TableRef) -> str | None:
        """The role expected to own the relation (table, schema, database default)."""
        spec = self.table(ref)
        schema = self.schemas.get(ref.schema)
        if spec is not None and spec.owner_role:
            return spec.owner_role
        if schema is not None and schema.owner_role:
            return schema.owner_role
        return self.database.owner_role

    def _memo_key(self, ref: TableRef, role: str = "") -> tuple[str, ...]:
        """Per schema for an implied table (one answer for all of them), else per table."""
        if self._implied_schema(ref) is not None:
            return (role, ref.schema)
        return (role, ref.schema, ref.name)

    def reader_hubs(self, ref: TableRef) -> set[str]:
        """Hubs that may read the table (the owner, extra writers and schema writers always may)."""
        key = self._memo_key(ref)
        got = self._memo.readers.get(key)
        if got is None:
            got = self._memo.readers[key] = frozenset(self._reader_hubs(ref))
        return set(got)  # a copy: callers may add to it

    def _reader_hubs(self, ref: TableRef) -> set[str]:
        spec = self.table(ref)
        if spec is None:
            return set()
        schema = self.schemas[ref.schema]
        readers: list[str] | str = spec.readers if spec.readers is not None else schema.readers
        hubs = set(self.hubs) if readers == "all" else set(readers)
        if spec.owner:
            hubs.add(spec.owner)
        hubs.update(w.hub for w in spec.writers)
        for sw in schema.writers:
            hubs.update(h for h in self.hubs if sw.covers(h, self.hubs))
        return hubs

    def sensitivity(self, ref: TableRef) -> str:
        """How sensitive a table's rows are: the table's or a column's marking, else the schema's,
        else ``internal``."""
        order = ("public", "internal", "confidential")
        spec = self.table(ref)
        schema = self.schemas.get(ref.schema)
        level = (spec.sensitivity if spec else None) or (schema.sensitivity if schema else None) or "internal"
        rank = {name: i for i, name in enumerate(order)}
        for col in (spec.column_sensitivity.values() if spec else ()):
            if rank.get(col, 1) > rank.get(level, 1):
                level = col
        return level if level in rank else "internal"

    def frozen(self, ref: TableRef) -> Frozen | None:
        """The freeze on a table (nobody writes it but its migration), or None."""
        spec = self.table(ref)
        return spec.frozen if spec is not None else None

    def schema_writer_entries(self, ref: TableRef, hub: str) -> list[SchemaWriter]:
        """Schema-level ``writers`` entries of ``ref``'s schema that cover ``hub``."""
        schema = self.schemas.get(ref.schema)
        if schema is None:
            return []
        return [w for w in schema.writers if w.covers(hub, self.hubs)]

    def writer_hubs(self, ref: TableRef) -> dict[str, frozenset[Privilege]]:
        """Hubs that may write the whole table, with their write privileges.

        The owner, the table's extra ``writers`` and the schema's ``writers``;
        nobody for a frozen table.
        """
        key = self._memo_key(ref)
        got = self._memo.writers.get(key)
        if got is None:
            got = self._memo.writers[key] = self._writer_hubs(ref)
        return dict(got)

    def _writer_hubs(self, ref: TableRef) -> dict[str, frozenset[Privilege]]:
        spec = self.table(ref)
        if spec is None or spec.frozen is not None:
            return {}
        schema = self.schemas[ref.schema]
        out: dict[str, frozenset[Privilege]] = {}
        if spec.owner:
            out[spec.owner] = frozenset(schema.writer_privileges - {Privilege.SELECT})
        for w in spec.writers:
            out[w.hub] = out.get(w.hub, frozenset()) | w.operations
        for sw in schema.writers:
            for hub in self.hubs:
                if sw.covers(hub, self.hubs):
                    out[hub] = out.get(hub, frozenset()) | (sw.operations - {Privilege.SELECT})
        return out

    def allowed_privileges(self, role: str, ref: TableRef) -> frozenset[Privilege]:
        """Table-level privileges the policy lets ``role`` hold on ``ref``.

        Reader roles read only, whatever their hub owns; writer roles get their
        hub's write privileges (schema-level writers included, none on a frozen
        table). Column grants are answered by ``allowed_column_privileges``.
        """
        key = self._memo_key(ref, role)
        got = self._memo.allowed.get(key)
        if got is None:
            got = self._memo.allowed[key] = self._allowed_privileges(role, ref)
        return got

    def _allowed_privileges(self, role: str, ref: TableRef) -> frozenset[Privilege]:
        spec = self.roles.get(role)
        if spec is None or self.table(ref) is None:
            return frozenset()
        privs: set[Privilege] = set()
        if spec.hub in self.reader_hubs(ref) or spec.kind in ("audit",):
            privs.add(Privilege.SELECT)
        if spec.kind == "writer":
            privs.update(self.writer_hubs(ref).get(spec.hub, frozenset()))
        return frozenset(privs)

    def allowed_column_privileges(self, role: str, ref: TableRef) -> dict[Privilege, frozenset[str]]:
        """Column privileges ``role`` may hold (conditional exceptions included: the grant is needed,
        the condition is enforced elsewhere, see ``conditional_column_grants``)."""
        if self._implied_schema(ref) is not None:
            return {}  # column grants live on listed tables only
        spec = self.roles.get(role)
        table = self.table(ref)
        if spec is None or table is None or spec.kind != "writer" or table.frozen is not None:
            return {}
        out: dict[Privilege, set[str]] = {}
        for cg in table.column_grants:
            if cg.hub == spec.hub:
                for op in cg.operations:
                    out.setdefault(op, set()).update(cg.columns)
        return {k: frozenset(v) for k, v in out.items()}

    def column_grant(self, hub: str, privilege: Privilege, ref: TableRef, column: str) -> ColumnGrant | None:
        """The column exception letting ``hub`` use ``privilege`` on ``ref.column``, if any."""
        spec = self.table(ref)
        if spec is None or spec.frozen is not None:
            return None
        col = column.lower()
        for cg in spec.column_grants:
            if cg.hub == hub and privilege in cg.operations and col in {c.lower() for c in cg.columns}:
                return cg
        return None

    def conditional_column_grants(self, ref: TableRef) -> list[ColumnGrant]:
        """Column exceptions of ``ref`` with a ``condition`` (only a trigger can enforce those)."""
        spec = self.table(ref)
        return [cg for cg in spec.column_grants if cg.condition] if spec is not None else []

    def hub_may(self, hub: str, privilege: Privilege, ref: TableRef, column: str | None = None) -> bool:
        """Whether hub code may use ``privilege`` on ``ref`` (the linter's question).

        A conditional column exception counts as allowed here; the linter checks
        its condition against the statement (``column_grant``).
        """
        if self.table(ref) is None:
            return True
        if privilege == Privilege.SELECT:
            return hub in self.reader_hubs(ref)
        if privilege in self.writer_hubs(ref).get(hub, frozenset()):
            return True
        if column is not None:
            return self.column_grant(hub, privilege, ref, column) is not None
        return False

    def writers_of(self, ref: TableRef, privilege: Privilege, column: str | None = None) -> set[str]:
        """Every hub that may use ``privilege`` on ``ref`` (on ``column``, when given)."""
        return {h for h in self.hubs if self.hub_may(h, privilege, ref, column)} if self.table(ref) else set()

    def hub_may_create(self, hub: str, schema: str) -> bool:
        """Whether ``hub`` may CREATE tables in ``schema``: it owns it, or a schema writer says ``create``."""
        spec = self.schemas.get(schema)
        if spec is None or not spec.governed:
            return True
        if spec.owner is not None and spec.owner == hub:
            return True
        return any(w.create and w.covers(hub, self.hubs) for w in spec.writers)

    def migration_may_write(self, hub: str, ref: TableRef, path: str | None) -> bool:
        """Whether a statement of ``hub`` at repository path ``path`` is the migration of a frozen table."""
        fz = self.frozen(ref)
        if fz is None:
            return False
        spec = self.table(ref)
        assert spec is not None
        mhub = fz.migration_hub or (spec.migration.target_owner if spec.migration else None)
        if mhub != hub or path is None or not fz.migration_paths:
            return False
        from ownaudit.policy.globs import glob_match

        return any(glob_match(path, g) for g in fz.migration_paths)

    # -- hubs inside repositories ------------------------------------------------
    def subhubs_of(self, hub: str) -> list[Hub]:
        """Sub-hubs whose folders live in ``hub``'s repository."""
        return [h for h in self.hubs.values() if h.part_of == hub]

    def hub_for_path(self, hub: str, path: str) -> str:
        """The hub a repository file belongs to: a sub-hub of ``hub`` whose ``paths`` match, else ``hub``."""
        from ownaudit.policy.globs import glob_match

        for sub in self.subhubs_of(hub):
            if any(glob_match(path, g) for g in sub.paths):
                return self.hub_for_path(sub.id, path)
        return hub

    def path_override(self, hub: str, path: str) -> PathOverride:
        """The lint settings of ``path`` in ``hub``'s repository: each setting from the first
        matching ``lint.overrides`` entry that sets it (unset: the hub's defaults)."""
        from ownaudit.policy.globs import glob_match

        spec = self.hubs.get(hub)
        merged = PathOverride(paths=[path])
        if spec is None:
            return merged
        for ov in spec.lint.overrides:
            if not any(glob_match(path, g) for g in ov.paths):
                continue
            if merged.severity is None and ov.severity is not None:
                merged.severity, merged.reason = ov.severity, ov.reason
            if merged.search_path is None and ov.search_path is not None:
                merged.search_path = ov.search_path
            if merged.database is None and ov.database is not None:
                merged.database = ov.database
        return merged

    def search_path_for(self, hub: str, path: str) -> list[str]:
        """Schemas unqualified names resolve through in ``path``: a path override, else the hub's."""
        ov = self.path_override(hub, path)
        if ov.search_path:
            return list(ov.search_path)
        spec = self.hubs.get(hub)
        return list(spec.lint.search_path) if spec else ["public"]

    def declared_fk(self, child: TableRef, parent: TableRef, child_columns: list[str] | None = None
                    ) -> ForeignKeySpec | None:
        for fk in self.foreign_keys:
            if fk.child == child and fk.parent == parent and (
                child_columns is None or list(fk.child_columns) == list(child_columns)
            ):
                return fk
        return None

    def crosses_hubs(self, child: TableRef, parent: TableRef) -> bool:
        a, b = self.owner_hub(child), self.owner_hub(parent)
        return a != b

    def find_exception(self, rule_id: str, obj: str, hub: str | None = None, role: str | None = None
                       ) -> ExceptionSpec | None:
        """The first exception (expired or not) matching a finding."""
        for exc in self.exceptions:
            if exc.matches(rule_id, obj, hub, role):
                return exc
        return None

    def hub_for_repository(self, url: str) -> str | None:
        """Match a git remote URL (https or ssh form) to a hub's repository."""
        want = _normalize_repo(url)
        for hub in self.hubs.values():
            if hub.repository and _normalize_repo(hub.repository) == want:
                return hub.id
        return None


def _normalize_repo(url: str) -> str:
    u = url.strip().lower()
    for prefix in ("git+ssh://", "ssh://", "https://", "http://", "git://"):
        if u.startswith(prefix):
            u = u[len(prefix):]
    if u.startswith("git@"):
        u = u[4:].replace(":", "/", 1)
    u = u.split("@", 1)[-1] if "@" in u.split("/", 1)[0] else u
    if u.endswith(".git"):
        u = u[:-4]
    return u.rstrip("/")

"""Compute the SQL that converges a database (a snapshot) to the policy.

The plan compares what the policy wants with what the catalog holds, object by
object (desired vs actual), never by reading findings: owners, memberships,
direct and column grants, sequence and schema privileges, default privileges,
row-level security and role attributes. Anything SQL cannot decide (an
unexpected table, an undeclared foreign key, a SECURITY DEFINER function)
becomes a note for a human. Trusted roles (the expected owners, platform roles,
predefined roles and superusers outside the policy) are never touched, the
same way the audit trusts them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ownaudit.catalog.model import PUBLIC, AclItem, CatalogSnapshot, RelationInfo
from ownaudit.plan.model import Plan
from ownaudit.policy.model import Policy, TableRef, TableSpec, quote_ident
from ownaudit.privileges import WRITE, Privilege

TABLE_KINDS = frozenset("rpf")
VIEW_KINDS = frozenset("vm")
ALTER_KIND = {
    "r": "TABLE",
    "p": "TABLE",
    "f": "FOREIGN TABLE",
    "v": "VIEW",
    "m": "MATERIALIZED VIEW",
    "S": "SEQUENCE",
}
TABLE_PRIVILEGES = tuple(p.value for p in Privilege)
SEQUENCE_PRIVILEGES = ("SELECT", "UPDATE", "USAGE")
_DEFAULT_OBJTYPES = {
    "r": "table",
    "table": "table",
    "tables": "table",
    "S": "sequence",
    "sequence": "sequence",
    "sequences": "sequence",
}
_FUTURE = "\x00future table"  # a name no real table has: asks the policy about unlisted tables


def q(name: str) -> str:
    """A role name or PUBLIC, quoted for SQL."""
    return "PUBLIC" if name == PUBLIC else quote_ident(name)


def _privs(names: Iterable[str]) -> str:
    order = {p: i for i, p in enumerate((*TABLE_PRIVILEGES, "USAGE", "CREATE"))}
    return ", ".join(sorted(set(names), key=lambda p: order.get(p, 99)))


@dataclass(frozen=True)
class _Governed:
    rel: RelationInfo
    ref: TableRef  # the policy entry (a partition's parent)
    spec: TableSpec

    @property
    def name(self) -> str:
        return self.rel.qualified

    @property
    def sql(self) -> str:
        return TableRef(self.rel.schema, self.rel.name).sql


class _Scope:
    """Which roles the plan manages, and who owns what after the plan's owner changes."""

    def __init__(self, policy: Policy, snapshot: CatalogSnapshot) -> None:
        self.policy, self.snapshot = policy, snapshot
        owners = {policy.database.owner_role} if policy.database.owner_role else set()
        for s in policy.schemas.values():
            if s.owner_role:
                owners.add(s.owner_role)
            owners.update(t.owner_role for t in s.tables.values() if t.owner_role)
        self.owner_roles = frozenset(owners)
        self.platform_roles = frozenset(policy.database.platform_roles)
        self.governed = self._governed()

    def exists(self, role: str) -> bool:
        return role == PUBLIC or self.snapshot.role(role) is not None

    def is_app(self, role: str) -> bool:
        return role in self.policy.roles

    def trusted(self, role: str) -> bool:
        """Roles whose power the policy grants by design (mirrors the audit)."""
        if role == PUBLIC or role in self.policy.roles:
            return False
        if role in self.owner_roles or role in self.platform_roles:
            return True
        info = self.snapshot.role(role)
        return info is None or info.predefined or info.superuser or role.startswith("pg_")

    def app_roles(self) -> list[str]:
        return [r for r in self.policy.app_roles() if self.exists(r)]

    def _governed(self) -> list[_Governed]:
        out: list[_Governed] = []
        for rel in self.snapshot.relations:
            if rel.is_partition and rel.parent:
                schema, _, name = rel.parent.partition(".")
                ref = TableRef(schema, name)
            else:
                ref = TableRef(rel.schema, rel.name)
            spec = self.policy.table(ref)
            if spec is not None:
                out.append(_Governed(rel, ref, spec))
        return out

    def new_owner(self, rel: RelationInfo, ref: TableRef) -> str:
        """The owner the relation will have once the plan ran."""
        expected = self.policy.expected_owner_role(ref)
        if rel.relkind == "S" and rel.owned_by:
            table = self.snapshot.relation(rel.owned_by.rsplit(".", 1)[0])
            if table is not None:
                return self._relation_owner_after(table)
            return rel.owner
        if expected and self.exists(expected):
            return expected
        return rel.owner

    def _relation_owner_after(self, rel: RelationInfo) -> str:
        for g in self.governed:
            if g.rel is rel:
                return self.new_owner(rel, g.ref)
        return rel.owner

    def schema_owner_expected(self, name: str) -> str | None:
        spec = self.policy.schemas[name]
        return spec.owner_role or self.policy.database.owner_role


def build_plan(policy: Policy, snapshot: CatalogSnapshot) -> Plan:
    """The convergence plan for ``snapshot`` under ``policy``."""
    scope = _Scope(policy, snapshot)
    plan = Plan()
    _owners(plan, scope)
    _memberships(plan, scope)
    for g in scope.governed:
        if g.rel.relkind == "S":
            continue
        _relation_acl(plan, scope, g)
        _column_acl(plan, scope, g)
    _sequences(plan, scope)
    _schemas(plan, scope)
    _database(plan, scope)
    _default_privileges(plan, scope)
    _rls(plan, scope)
    _role_attributes(plan, scope)
    _manual(plan, scope)
    return plan


# -- owners ------------------------------------------------------------------


def _owners(plan: Plan, scope: _Scope) -> None:
    for g in scope.governed:
        if g.rel.relkind not in ALTER_KIND or (g.rel.relkind == "S" and g.rel.owned_by):
            continue  # a sequence owned by a column follows its table's owner
        expected = scope.policy.expected_owner_role(g.ref)
        if not expected or g.rel.owner == expected:
            continue
        if not scope.exists(expected):
            plan.note(f"{g.name} should be owned by {expected}, which does not exist: create the role first")
            continue
        plan.add(
            "owner",
            f"ALTER {ALTER_KIND[g.rel.relkind]} {g.sql} OWNER TO {q(expected)};",
            f"owned by {g.rel.owner}, the policy expects {expected}",
            g.name,
            ("AUD030",),
        )
    for name in scope.policy.schemas:
        info = scope.snapshot.schema(name)
        expected = scope.schema_owner_expected(name)
        if info is None or not expected or info.owner == expected:
            continue
        if info.owner == "pg_database_owner" and scope.snapshot.server.database_owner == expected:
            continue
        if not scope.exists(expected):
            plan.note(f"schema {name} should be owned by {expected}, which does not exist")
            continue
        plan.add(
            "owner",
            f"ALTER SCHEMA {q(name)} OWNER TO {q(expected)};",
            f"schema owned by {info.owner}, the policy expects {expected}",
            name,
            ("AUD030",),
        )
    for fn in scope.snapshot.functions:
        spec = scope.policy.schemas.get(fn.schema)
        if spec is None or not spec.governed:
            continue
        expected = scope.schema_owner_expected(fn.schema)
        if not expected or fn.owner == expected or not scope.exists(expected):
            continue
        kind = "PROCEDURE" if fn.kind == "p" else "AGGREGATE" if fn.kind == "a" else "FUNCTION"
        plan.add(
            "owner",
            f"ALTER {kind} {q(fn.schema)}.{q(fn.name)}({fn.identity_args}) OWNER TO {q(expected)};",
            f"owned by {fn.owner}, the policy expects {expected}",
            fn.signature,
            ("AUD030",),
        )


# -- memberships ---------------------------------------------------------------


def _memberships(plan: Plan, scope: _Scope) -> None:
    pg16 = scope.snapshot.server.major >= 16
    for m in scope.snapshot.memberships:
        if scope.is_app(m.member):
            declared = m.role in scope.policy.roles[m.member].member_of
        elif scope.is_app(m.role) and not scope.trusted(m.member):
            declared = False
        else:
            continue
        by = f" GRANTED BY {q(m.grantor)}" if pg16 and m.grantor and scope.exists(m.grantor) else ""
        if not declared:
            plan.add(
                "membership",
                f"REVOKE {q(m.role)} FROM {q(m.member)}{by} CASCADE;",
                f"{m.member} is a member of {m.role}, which the policy does not declare",
                m.role,
                ("AUD001", "AUD022", "AUD050", "AUD051"),
            )
        elif m.admin:
            plan.add(
                "membership",
                f"REVOKE ADMIN OPTION FOR {q(m.role)} FROM {q(m.member)}{by} CASCADE;",
                f"{m.member} holds ADMIN OPTION on {m.role}",
                m.role,
                ("AUD022",),
            )


# -- relation and column privileges ---------------------------------------------


def _after_owner_change(acl: list[AclItem], old: str, new: str) -> list[AclItem]:
    """The ACL as ALTER ... OWNER TO leaves it (old owner replaced by the new one)."""
    if old == new:
        return list(acl)
    return [
        AclItem(
            new if i.grantee == old else i.grantee,
            new if i.grantor == old else i.grantor,
            i.privilege,
            i.grantable,
        )
        for i in acl
    ]


def _desired_table(scope: _Scope, role: str, ref: TableRef) -> set[str]:
    if role == PUBLIC or not scope.is_app(role):
        return set()
    return {p.value for p in scope.policy.allowed_privileges(role, ref)}


class _AclPlanner:
    """Revokes and grants for one object's ACL, given the desired privileges per role."""

    def __init__(
        self,
        plan: Plan,
        scope: _Scope,
        on: str,
        obj: str,
        owner: str,
        acl: list[AclItem],
        fixes: tuple[str, ...],
        grant_fixes: tuple[str, ...],
    ) -> None:
        self.plan, self.scope, self.on, self.obj, self.owner = plan, scope, on, obj, owner
        self.acl = acl
        self.fixes, self.grant_fixes = fixes, grant_fixes
        self.cascaded: set[str] = set()  # roles whose grant options (and dependent grants) are revoked

    def managed(self, role: str) -> bool:
        return role != self.owner and not self.scope.trusted(role)

    def run(
        self,
        desired: dict[str, set[str]],
        tolerated: dict[str, set[str]] | None = None,
        grantable_ok: Iterable[str] = (),
    ) -> dict[str, set[str]]:
        """Emit revokes; return what each managed role still holds afterwards."""
        tolerated = tolerated or {}
        by_owner: dict[str, dict[str, bool]] = {}
        for item in self.acl:
            if item.grantor == self.owner and self.managed(item.grantee):
                cur = by_owner.setdefault(item.grantee, {})
                cur[item.privilege] = cur.get(item.privilege, False) or item.grantable
        held: dict[str, set[str]] = {}
        for role, privs in sorted(by_owner.items()):
            keep = desired.get(role, set()) | tolerated.get(role, set())
            excess = set(privs) - keep
            options = {p for p, gr in privs.items() if gr and p not in excess and role not in grantable_ok}
            if excess:
                self.plan.add(
                    "revoke",
                    f"REVOKE {_privs(excess)} ON {self.on} FROM {q(role)} CASCADE;",
                    f"{role} holds {_privs(excess)} on {self.obj}, the policy does not give it",
                    self.obj,
                    self.fixes,
                )
            if options:
                self.plan.add(
                    "revoke",
                    f"REVOKE GRANT OPTION FOR {_privs(options)} ON {self.on} FROM {q(role)} CASCADE;",
                    f"{role} may grant {_privs(options)} on {self.obj}",
                    self.obj,
                    ("AUD021",),
                )
            if any(privs.values()) and role not in grantable_ok:
                self.cascaded.add(role)
            held[role] = set(privs) - excess
        for item in self.acl:
            if item.grantor == self.owner or not self.managed(item.grantee) or item.grantor in self.cascaded:
                continue
            keep = desired.get(item.grantee, set()) | tolerated.get(item.grantee, set())
            if item.privilege in keep:
                held.setdefault(item.grantee, set()).add(item.privilege)
                continue
            self.plan.add(
                "revoke",
                f"SET ROLE {q(item.grantor)}; REVOKE {item.privilege} ON {self.on} FROM "
                f"{q(item.grantee)} CASCADE; RESET ROLE;",
                f"{item.grantor} granted {item.privilege} on {self.obj} to {item.grantee}",
                self.obj,
                self.fixes,
            )
        return held

    def grant(self, desired: dict[str, set[str]], held: dict[str, set[str]]) -> None:
        for role, privs in sorted(desired.items()):
            if not self.scope.exists(role):
                continue
            missing = privs - held.get(role, set())
            if missing:
                self.plan.add(
                    "grant",
                    f"GRANT {_privs(missing)} ON {self.on} TO {q(role)};",
                    f"the policy gives {role} {_privs(missing)} on {self.obj}",
                    self.obj,
                    self.grant_fixes,
                )


def _relation_acl(plan: Plan, scope: _Scope, g: _Governed) -> None:
    owner = scope.new_owner(g.rel, g.ref)
    acl = _after_owner_change(g.rel.acl, g.rel.owner, owner)
    desired = {r: _desired_table(scope, r, g.ref) for r in scope.app_roles()}
    planner = _AclPlanner(
        plan,
        scope,
        f"TABLE {g.sql}",
        g.name,
        owner,
        acl,
        ("AUD001", "AUD002", "AUD020"),
        ("AUD010", "AUD011"),
    )
    held = planner.run(desired)
    if g.rel.relkind in VIEW_KINDS:  # views: grant reads only; writes through views are a review item
        desired = {r: p & {"SELECT"} for r, p in desired.items()}
    planner.grant(desired, held)


def _column_acl(plan: Plan, scope: _Scope, g: _Governed) -> None:
    owner = scope.new_owner(g.rel, g.ref)
    table_acl = _after_owner_change(g.rel.acl, g.rel.owner, owner)
    table_desired = {r: _desired_table(scope, r, g.ref) for r in scope.app_roles()}
    # REVOKE at table level also removes the same privilege from every column.
    wiped = {
        (i.grantee, i.privilege)
        for i in table_acl
        if i.grantor == owner
        and i.grantee != owner
        and not scope.trusted(i.grantee)
        and i.privilege not in table_desired.get(i.grantee, set())
    }
    wanted: dict[tuple[str, str], set[str]] = {}  # (role, privilege) -> columns
    for role in scope.app_roles():
        for cpriv, cols in scope.policy.allowed_column_privileges(role, g.ref).items():
            if cpriv.value not in table_desired[role]:
                wanted[(role, cpriv.value)] = set(cols)
    have: dict[tuple[str, str], set[str]] = {}
    for col in g.rel.columns:
        for item in _after_owner_change(col.acl, g.rel.owner, owner):
            role, priv = item.grantee, item.privilege
            if role == owner or scope.trusted(role):
                continue
            ok = priv in table_desired.get(role, set()) or col.name in wanted.get((role, priv), set())
            target = f"TABLE {g.sql}"
            if not ok:
                plan.add(
                    "revoke",
                    f"REVOKE {priv} ({quote_ident(col.name)}) ON {target} FROM {q(role)} CASCADE;",
                    f"{role} holds {priv} on column {col.name} of {g.name}, the policy does not give it",
                    g.name,
                    ("AUD001", "AUD002", "AUD020"),
                )
                continue
            if item.grantable:
                plan.add(
                    "revoke",
                    f"REVOKE GRANT OPTION FOR {priv} ({quote_ident(col.name)}) ON {target} "
                    f"FROM {q(role)} CASCADE;",
                    f"{role} may grant {priv} on column {col.name} of {g.name}",
                    g.name,
                    ("AUD021",),
                )
            if item.grantor == owner and (role, priv) not in wiped:
                have.setdefault((role, priv), set()).add(col.name)
    for (role, wpriv), wcols in sorted(wanted.items()):
        missing = wcols - have.get((role, wpriv), set())
        if missing and scope.exists(role):
            collist = ", ".join(quote_ident(c) for c in sorted(missing))
            plan.add(
                "grant",
                f"GRANT {wpriv} ({collist}) ON TABLE {g.sql} TO {q(role)};",
                f"the policy gives {role} {wpriv} on columns {', '.join(sorted(missing))} of {g.name}",
                g.name,
                ("AUD010",),
            )


def _sequences(plan: Plan, scope: _Scope) -> None:
    governed_by_name = {g.name: g for g in scope.governed}
    for rel in scope.snapshot.relations:
        if rel.relkind != "S":
            continue
        table_name = rel.owned_by.rsplit(".", 1)[0] if rel.owned_by else None
        g = governed_by_name.get(table_name) if table_name else governed_by_name.get(rel.qualified)
        if g is None:
            continue
        ref, owner_hub = g.ref, g.spec.owner
        owner = scope.new_owner(rel, TableRef(rel.schema, rel.name))
        desired: dict[str, set[str]] = {}
        tolerated: dict[str, set[str]] = {}
        for role in scope.app_roles():
            spec = scope.policy.roles[role]
            if table_name and Privilege.INSERT in scope.policy.allowed_privileges(role, ref):
                desired[role] = {"USAGE"}
            if spec.kind == "writer" and owner_hub is not None and spec.hub == owner_hub:
                tolerated[role] = set(SEQUENCE_PRIVILEGES)
        seq_sql = TableRef(rel.schema, rel.name).sql
        planner = _AclPlanner(
            plan,
            scope,
            f"SEQUENCE {seq_sql}",
            rel.qualified,
            owner,
            _after_owner_change(rel.acl, rel.owner, owner),
            ("AUD104",),
            ("AUD013",),
        )
        held = planner.run(desired, tolerated)
        planner.grant(desired, held)


# -- schemas and database ------------------------------------------------------------


def _schemas(plan: Plan, scope: _Scope) -> None:
    for name, spec in scope.policy.schemas.items():
        info = scope.snapshot.schema(name)
        if info is None:
            continue
        expected = scope.schema_owner_expected(name)
        owner = (
            expected
            if expected and scope.exists(expected) and info.owner != "pg_database_owner"
            else info.owner
        )
        acl = _after_owner_change(info.acl, info.owner, owner)
        usage: set[str] = set()
        for g in scope.governed:
            if g.rel.schema != name:
                continue
            for role in scope.app_roles():
                if scope.policy.allowed_privileges(role, g.ref) or scope.policy.allowed_column_privileges(
                    role, g.ref
                ):
                    usage.add(role)
        desired: dict[str, set[str]] = {r: ({"USAGE"} if r in usage else set()) for r in scope.app_roles()}
        tolerated: dict[str, set[str]] = {PUBLIC: {"USAGE"}}
        for role in scope.app_roles():
            hub = scope.policy.roles[role].hub
            tolerated[role] = {"USAGE"} | (
                {"CREATE"} if spec.owner and hub == spec.owner and name != "public" else set()
            )
        for item in acl:
            if item.grantee not in tolerated and not scope.trusted(item.grantee):
                tolerated[item.grantee] = {"USAGE"}
        planner = _AclPlanner(
            plan, scope, f"SCHEMA {q(name)}", f"schema {name}", owner, acl, ("AUD060", "AUD061"), ("AUD012",)
        )
        held = planner.run(desired, tolerated)
        if any(i.grantee == PUBLIC and i.privilege == "USAGE" for i in acl):
            for role in usage:
                held.setdefault(role, set()).add("USAGE")  # PUBLIC's USAGE already covers them
        planner.grant(desired, held)


def _database(plan: Plan, scope: _Scope) -> None:
    server = scope.snapshot.server
    for item in server.database_acl:
        if item.privilege != "CREATE" or item.grantee == server.database_owner or scope.trusted(item.grantee):
            continue
        plan.add(
            "revoke",
            f"REVOKE CREATE ON DATABASE {quote_ident(server.database)} FROM {q(item.grantee)} CASCADE;",
            f"{item.grantee} may create schemas in the database",
            f"database {server.database}",
            ("AUD062",),
        )


# -- default privileges ----------------------------------------------------------------


def _default_privileges(plan: Plan, scope: _Scope) -> None:
    entries: dict[tuple[str, str | None, str], list[AclItem]] = {}
    for d in scope.snapshot.default_acls:
        objtype = _DEFAULT_OBJTYPES.get(d.objtype)
        if objtype is not None:
            entries.setdefault((d.creator, d.schema, objtype), []).extend(d.acl)
    creators: dict[str, str] = {}
    desired_by_schema: dict[str, dict[str, dict[str, set[str]]]] = {}
    for name, spec in scope.policy.schemas.items():
        if not spec.governed or scope.snapshot.schema(name) is None:
            continue
        future = TableRef(name, _FUTURE)
        tables = {r: _desired_table(scope, r, future) for r in scope.app_roles()}
        seqs = {r: ({"USAGE"} if "INSERT" in p else set()) for r, p in tables.items()}
        desired_by_schema[name] = {"table": tables, "sequence": seqs}
        creator = scope.policy.expected_owner_role(future)
        if creator and scope.exists(creator) and not scope.is_app(creator):
            creators[name] = creator
    for (creator, schema, objtype), acl in sorted(
        entries.items(), key=lambda e: (e[0][0], e[0][1] or "", e[0][2])
    ):
        if schema is not None and schema not in desired_by_schema:
            continue
        desired = desired_by_schema[schema][objtype] if schema is not None else {}
        for role, privs in _grouped(acl, creator, scope).items():
            if schema is None:  # global defaults reach every schema: reads only
                excess = {
                    p
                    for p, _ in privs
                    if objtype == "sequence"
                    or p in {w.value for w in WRITE}
                    or p in ("REFERENCES", "TRIGGER", "MAINTAIN")
                }
                options = {p for p, gr in privs if gr}
            else:
                excess = {p for p, _ in privs} - desired.get(role, set())
                options = {p for p, gr in privs if gr and p not in excess}
            where = f"FOR ROLE {q(creator)}" + (f" IN SCHEMA {q(schema)}" if schema else "")
            obj = f"default privileges of {creator}" + (f" in schema {schema}" if schema else "")
            on = "TABLES" if objtype == "table" else "SEQUENCES"
            if excess:
                plan.add(
                    "default-privileges",
                    f"ALTER DEFAULT PRIVILEGES {where} REVOKE {_privs(excess)} ON {on} FROM {q(role)};",
                    f"future {on.lower()} would give {role} {_privs(excess)}",
                    obj,
                    ("AUD071",),
                )
            if options:
                plan.add(
                    "default-privileges",
                    f"ALTER DEFAULT PRIVILEGES {where} REVOKE GRANT OPTION FOR {_privs(options)} ON {on} "
                    f"FROM {q(role)};",
                    f"future {on.lower()} would let {role} grant {_privs(options)}",
                    obj,
                    ("AUD071",),
                )
    for schema, creator in sorted(creators.items()):
        for objtype, desired in desired_by_schema[schema].items():
            have = {
                r: {p for p, _ in privs}
                for r, privs in _grouped(entries.get((creator, schema, objtype), []), creator, scope).items()
            }
            on = "TABLES" if objtype == "table" else "SEQUENCES"
            for role, want in sorted(desired.items()):
                missing = want - have.get(role, set())
                if missing:
                    plan.add(
                        "default-privileges",
                        f"ALTER DEFAULT PRIVILEGES FOR ROLE {q(creator)} IN SCHEMA {q(schema)} GRANT "
                        f"{_privs(missing)} ON {on} TO {q(role)};",
                        f"{on.lower()} {creator} creates in {schema} must give {role} {_privs(missing)}",
                        f"default privileges of {creator} in schema {schema}",
                        ("AUD070",),
                    )


def _grouped(acl: list[AclItem], creator: str, scope: _Scope) -> dict[str, set[tuple[str, bool]]]:
    out: dict[str, set[tuple[str, bool]]] = {}
    for item in acl:
        if item.grantee == creator or scope.trusted(item.grantee):
            continue
        out.setdefault(item.grantee, set()).add((item.privilege, item.grantable))
    return out


# -- row-level security -------------------------------------------------------------


def _policy_roles(roles: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(PUBLIC if r.lower() == "public" else r for r in roles))


def _roles_sql(roles: Iterable[str]) -> str:
    return ", ".join(q(r) for r in roles)


def _create_policy(table_sql: str, name: str, command: str, permissive: bool, roles: tuple[str, ...]) -> str:
    mode = "" if permissive else " AS RESTRICTIVE"
    clause = {"SELECT": " USING (true)", "DELETE": " USING (true)", "INSERT": " WITH CHECK (true)"}.get(
        command, " USING (true) WITH CHECK (true)"
    )
    return (
        f"DROP POLICY IF EXISTS {quote_ident(name)} ON {table_sql}; "
        f"CREATE POLICY {quote_ident(name)} ON {table_sql}{mode} FOR {command} "
        f"TO {_roles_sql(roles)}{clause};"
    )


def _rls(plan: Plan, scope: _Scope) -> None:
    by_table: dict[str, list] = {}  # type: ignore[type-arg]
    for p in scope.snapshot.policies:
        by_table.setdefault(p.table, []).append(p)
    for g in scope.governed:
        rls = g.spec.rls
        if rls is None or g.rel.relkind not in ("r", "p") or g.rel.is_partition:
            continue  # a partition's RLS applies through its parent
        fixes = ("AUD040", "AUD041")
        if rls.enabled != g.rel.rls_enabled:
            verb = "ENABLE" if rls.enabled else "DISABLE"
            plan.add(
                "rls",
                f"ALTER TABLE {g.sql} {verb} ROW LEVEL SECURITY;",
                f"the policy wants row-level security {'on' if rls.enabled else 'off'}",
                g.name,
                fixes,
            )
        if rls.forced != g.rel.rls_forced:
            verb = "FORCE" if rls.forced else "NO FORCE"
            plan.add(
                "rls",
                f"ALTER TABLE {g.sql} {verb} ROW LEVEL SECURITY;",
                f"the policy wants row-level security {'forced' if rls.forced else 'not forced'}",
                g.name,
                fixes,
            )
        actual = {p.name: p for p in by_table.get(g.name, [])}
        fix_policy = ("AUD042", "AUD043", "AUD044", "AUD045")
        for want in rls.policies:
            roles = _policy_roles(want.roles)
            unknown = [r for r in roles if not scope.exists(r)]
            if unknown:
                plan.note(f"RLS policy {want.name} on {g.name} names missing role(s) {', '.join(unknown)}")
                continue
            command = want.command.upper()
            have = actual.get(want.name)
            if have is not None and have.command.upper() == command and have.permissive == want.permissive:
                if _policy_roles(have.roles) != roles:
                    plan.add(
                        "rls-policy",
                        f"ALTER POLICY {quote_ident(want.name)} ON {g.sql} TO {_roles_sql(roles)};",
                        f"policy {want.name} applies to {', '.join(have.roles)}, the policy says "
                        f"{', '.join(roles)}",
                        g.name,
                        fix_policy,
                    )
                continue
            why = "missing" if have is None else "has another command or mode"
            plan.add(
                "rls-policy",
                _create_policy(g.sql, want.name, command, want.permissive, roles),
                f"RLS policy {want.name} {why}",
                g.name,
                fix_policy,
            )
        if rls.exhaustive:
            wanted = {p.name for p in rls.policies}
            for name in sorted(set(actual) - wanted):
                plan.add(
                    "rls-policy",
                    f"DROP POLICY IF EXISTS {quote_ident(name)} ON {g.sql};",
                    f"RLS policy {name} is not in the matrix",
                    g.name,
                    fix_policy,
                )


# -- role attributes ----------------------------------------------------------------


def _role_attributes(plan: Plan, scope: _Scope) -> None:
    for name, spec in scope.policy.roles.items():
        info = scope.snapshot.role(name)
        if info is None:
            continue
        bad = sorted(info.attributes() & spec.forbidden_attributes)
        if bad:
            plan.add(
                "role-attribute",
                f"ALTER ROLE {q(name)} {' '.join('NO' + a.upper() for a in bad)};",
                f"{name} has {', '.join(a.upper() for a in bad)}, which the policy forbids",
                name,
                ("AUD050",),
            )


# -- needs a human ------------------------------------------------------------------------


def _manual(plan: Plan, scope: _Scope) -> None:
    policy, snap = scope.policy, scope.snapshot
    for g in scope.governed:
        if not g.spec.declared and not g.rel.is_partition and g.rel.relkind in TABLE_KINDS | VIEW_KINDS:
            plan.note(
                f"{g.name}: {g.rel.kind} in governed schema {g.rel.schema} is not in the policy "
                f"(AUD080): list it in the policy or drop it"
            )
    for spec in policy.tables():
        if snap.relation(str(spec.ref)) is None:
            plan.note(
                f"{spec.ref}: listed in the policy, missing from the database (AUD081): run its migration "
                f"or remove it from the policy"
            )
    for role in policy.app_roles():
        if snap.role(role) is None:
            plan.note(f"role {role}: in the policy, missing from the database (AUD082): CREATE ROLE it")
    for fk in snap.foreign_keys:
        try:
            child, parent = TableRef.parse(_quoted(fk.child)), TableRef.parse(_quoted(fk.parent))
        except ValueError:
            continue
        if policy.table(child) is None and policy.table(parent) is None:
            continue
        declared = policy.declared_fk(child, parent, list(fk.child_columns))
        crosses = policy.crosses_hubs(child, parent)
        if declared is None and crosses:
            cascade = (
                f"; its ON DELETE {fk.on_delete.upper()} changes another hub's rows (AUD092)"
                if fk.on_delete in ("cascade", "set null", "set default")
                else ""
            )
            plan.note(
                f"foreign key {fk.name} {fk.child} -> {fk.parent} crosses hubs and is not declared "
                f"(AUD090){cascade}: declare it after review, or drop the constraint"
            )
        elif declared is not None and (declared.on_delete, declared.on_update) != (
            fk.on_delete,
            fk.on_update,
        ):
            plan.note(
                f"foreign key {fk.name} on {fk.child}: ON DELETE {fk.on_delete.upper()}, the policy declares "
                f"{declared.on_delete.upper()} (AUD091): recreate the constraint"
            )
        elif crosses and fk.on_delete in ("cascade", "set null", "set default"):
            plan.note(
                f"foreign key {fk.name} on {fk.child} cascades ({fk.on_delete}) into another hub's rows "
                f"(AUD092): recreate it with ON DELETE RESTRICT"
            )
    for fn in snap.functions:
        if not fn.security_definer:
            continue
        if fn.schema not in policy.schemas and not any(
            policy.table(TableRef.parse(_quoted(t))) for t in fn.table_deps
        ):
            continue
        plan.note(
            f"SECURITY DEFINER function {fn.signature} (owner {fn.owner}): check what it writes and who "
            f"may EXECUTE it (AUD100/AUD101); e.g. REVOKE EXECUTE ON FUNCTION ... FROM PUBLIC"
        )
    with_policies = {p.table for p in snap.policies}
    for g in scope.governed:
        if (
            g.spec.rls is None
            and g.rel.relkind in ("r", "p")
            and not g.rel.is_partition
            and (g.rel.rls_enabled or g.name in with_policies)
        ):
            plan.note(
                f"{g.name}: row-level security or RLS policies exist but the policy does not describe "
                f"them (rls: in its entry); review them (AUD042/AUD043)"
            )
    governed_names = {g.name for g in scope.governed}
    for trig in snap.triggers:
        if trig.table in governed_names:
            plan.note(f"trigger {trig.name} on {trig.table} runs {trig.function} (AUD105): review it")
    for rule in snap.rules:
        if rule.table in governed_names:
            plan.note(f"rule {rule.name} on {rule.table} (AUD105): review it")


def _quoted(qualified: str) -> str:
    schema, _, name = qualified.partition(".")
    return TableRef(schema, name).sql

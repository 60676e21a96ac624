"""The policy side of the linter: ``Operation`` -> findings for one hub.

The analyser says what a statement does; this module asks the policy whether
the hub may do it, and explains each finding with the policy entry it
contradicts (key path and line).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ownaudit.findings import Finding, Location
from ownaudit.lint import rules as R
from ownaudit.lint.names import resolve, resolve_schema
from ownaudit.lint.operations import DDL, FK, GRANT, READ, ROLE, UNANALYSABLE, WRITE, Name, Operation
from ownaudit.policy.model import Policy, TableRef
from ownaudit.privileges import WRITE as WRITE_PRIVS
from ownaudit.privileges import Privilege
from ownaudit.rules import Rule

SYSTEM_SCHEMAS = frozenset({"pg_catalog", "information_schema", "pg_temp", "pg_toast"})
DESTRUCTIVE = frozenset({"cascade", "set null", "set default"})

Locate = Callable[[int], Location]


@dataclass
class Checker:
    """Turns operations into findings for ``hub`` under ``policy``."""

    policy: Policy
    hub: str

    def __post_init__(self) -> None:
        from ownaudit.lint.pathscope import connecting_roles

        self.hub_roles = connecting_roles(self.policy, self.hub)

    # -- helpers ----------------------------------------------------------------
    def _finding(
        self,
        rule: Rule,
        message: str,
        obj: str,
        loc: Location,
        kind: str,
        excerpt: str,
        policy_key: str | None = None,
        role: str | None = None,
    ) -> Finding:
        props: dict[str, object] = {"identity": f"{loc.path}"}
        if policy_key:
            ploc = self.policy.location(policy_key)
            props["policy_entry"] = policy_key
            props["policy_location"] = str(ploc)
            message = f"{message} (policy: {policy_key} at {ploc})"
        evidence = [excerpt] if excerpt else []
        return Finding(
            rule.id,
            rule.severity,
            rule.title,
            message,
            obj,
            self.hub,
            role,
            evidence,
            loc,
            kind=kind,
            properties=props,
        )

    def _owner_key(self, ref: TableRef) -> str:
        """Key path of the entry that makes ``ref``'s owner: the table's owner, else its schema's."""
        key = f"schemas.{ref.schema}.tables.{ref.name}.owner"
        return key if key in self.policy.locations else f"schemas.{ref.schema}.owner"

    def _unknown(self, ref: TableRef, op: Operation, loc: Location, excerpt: str) -> Finding | None:
        if ref.schema in SYSTEM_SCHEMAS or ref.schema.startswith("pg_"):
            return None
        schema = self.policy.schemas.get(ref.schema)
        if schema is None:
            where = f"schema {ref.schema} is not in the policy"
        elif ref.name not in schema.tables and schema.governed:
            where = f"schemas.{ref.schema}.tables does not list {ref.name}"
        else:
            return None
        what = {READ: "reads", WRITE: "writes", DDL: "changes"}.get(op.action, "uses")
        return self._finding(
            R.UNKNOWN_TABLE,
            f"{op.statement} {what} {ref}, which the ownership matrix does not know ({where})",
            str(ref),
            loc,
            op.statement,
            excerpt,
        )

    def _placeholder_text(self, nm: Name, placeholders: dict[str, str]) -> str:
        raw = nm.raw
        for marker, orig in placeholders.items():
            raw = raw.replace(marker, orig)
        return raw

    # -- the check ----------------------------------------------------------------
    def check(
        self,
        op: Operation,
        search_path: list[str],
        locate: Locate,
        excerpt: str,
        placeholders: dict[str, str],
    ) -> list[Finding]:
        loc = locate(op.offset)
        if op.action == UNANALYSABLE:
            return [
                self._finding(
                    R.UNANALYSABLE,
                    f"{op.statement} statement could not be analysed: {op.detail}",
                    f"{loc.path}:{loc.line}",
                    loc,
                    op.statement,
                    excerpt,
                )
            ]
        if op.target is not None and op.target.placeholder and op.action in (WRITE, READ, DDL, GRANT, FK):
            shown = self._placeholder_text(op.target, placeholders)
            verb = {WRITE: "writes", READ: "reads", DDL: "changes", GRANT: "grants on", FK: "references from"}
            from ownaudit.lint.possible import every_target_allowed

            if every_target_allowed(op, search_path, self.policy, self.hub):
                return [
                    self._finding(
                        R.UNRESOLVED_ALLOWED,
                        f"{op.statement} {verb[op.action]} a table whose name is built at run time "
                        f"({shown}); every table it can name is one {self.hub} may use this way",
                        shown,
                        loc,
                        op.statement,
                        excerpt,
                    )
                ]
            return [
                self._finding(
                    R.UNRESOLVED_TABLE,
                    f"{op.statement} {verb[op.action]} a table whose name is built at run time "
                    f"({shown}); the target cannot be checked",
                    shown,
                    loc,
                    op.statement,
                    excerpt,
                )
            ]
        if op.action == WRITE:
            return self._write(op, search_path, loc, excerpt)
        if op.action == READ:
            return self._read(op, search_path, loc, excerpt)
        if op.action == DDL:
            return self._ddl(op, search_path, loc, excerpt)
        if op.action == GRANT:
            return self._grant(op, search_path, loc, excerpt)
        if op.action == ROLE:
            return self._role(op, loc, excerpt)
        if op.action == FK:
            return self._fk(op, search_path, loc, excerpt, placeholders)
        return []

    def _write(self, op: Operation, sp: list[str], loc: Location, excerpt: str) -> list[Finding]:
        assert op.target is not None
        ref = resolve(op.target, sp, self.policy)
        spec = self.policy.table(ref)
        if spec is None:
            unknown = self._unknown(ref, op, loc, excerpt)
            return [unknown] if unknown else []
        if spec.frozen is not None:
            return self._frozen(op, ref, loc, excerpt)
        denied: list[Privilege] = []
        out: list[Finding] = []
        # The owning hub may do anything to its own tables (the policy's writer_privileges govern
        # the grants the audit checks, not what the owner's migrations may run).
        for p in op.privileges if spec.owner != self.hub else ():
            if self.policy.hub_may(self.hub, p, ref):
                continue
            if op.columns and all(self.policy.hub_may(self.hub, p, ref, column=c) for c in op.columns):
                out.extend(self._conditions(op, p, ref, loc, excerpt))
                continue
            denied.append(p)
        if denied:
            owner = spec.owner or "no hub (unowned)"
            privs = "/".join(p.value for p in denied)
            cols = f" (columns {', '.join(op.columns)})" if op.columns and Privilege.UPDATE in denied else ""
            out.append(
                self._finding(
                    R.CROSS_HUB_WRITE,
                    f"{op.statement} writes {ref}{cols}: {self.hub} may not {privs} it; owner is {owner}",
                    str(ref),
                    loc,
                    op.statement,
                    excerpt,
                    self._owner_key(ref),
                )
            )
        if not spec.declared:
            unknown = self._unknown(ref, op, loc, excerpt)
            if unknown:
                out.append(unknown)
        return out

    def _frozen(self, op: Operation, ref: TableRef, loc: Location, excerpt: str) -> list[Finding]:
        """Writes and DDL on a frozen table: only its migration, in its migration paths."""
        if self.policy.migration_may_write(self.hub, ref, loc.path):
            return []
        spec = self.policy.table(ref)
        assert spec is not None and spec.frozen is not None
        target = f"; it is being replaced by {spec.migration.replaced_by}" if (
            spec.migration and spec.migration.replaced_by) else ""
        return [
            self._finding(
                R.FROZEN_TABLE_WRITE,
                f"{op.statement} {ref}: the table is frozen ({spec.frozen.reason}); nobody writes it but its "
                f"migration{target}",
                str(ref),
                loc,
                op.statement,
                excerpt,
                self.policy.table_keypath(ref) + ".frozen",
            )
        ]

    def _conditions(self, op: Operation, priv: Privilege, ref: TableRef, loc: Location,
                    excerpt: str) -> list[Finding]:
        """A write allowed only by column exceptions: each exception's condition must hold."""
        from ownaudit.lint.conditions import check_condition

        out: list[Finding] = []
        seen: set[int] = set()
        for col in op.columns:
            cg = self.policy.column_grant(self.hub, priv, ref, col)
            if cg is None or not cg.condition or id(cg) in seen:
                continue
            seen.add(id(cg))
            verdict = check_condition(cg.condition, op.extra.get("sql"), cg.write_once)
            if verdict.ok:
                continue
            spec = self.policy.table(ref)
            assert spec is not None
            idx = spec.column_grants.index(cg)
            out.append(
                self._finding(
                    R.COLUMN_CONDITION_NOT_MET,
                    f"{op.statement} {ref} ({', '.join(op.columns)}): {self.hub} may {priv.value} "
                    f"{', '.join(cg.columns)} only where {cg.condition}; the statement {verdict.why}",
                    str(ref),
                    loc,
                    op.statement,
                    excerpt,
                    f"{self.policy.table_keypath(ref)}.column_grants[{idx}].condition",
                )
            )
        return out

    def _read(self, op: Operation, sp: list[str], loc: Location, excerpt: str) -> list[Finding]:
        assert op.target is not None
        ref = resolve(op.target, sp, self.policy)
        spec = self.policy.table(ref)
        if spec is None:
            unknown = self._unknown(ref, op, loc, excerpt)
            return [unknown] if unknown else []
        out: list[Finding] = []
        if not self.policy.hub_may(self.hub, Privilege.SELECT, ref):
            key = self.policy.table_keypath(ref)
            out.append(
                self._finding(
                    R.READ_NOT_ALLOWED,
                    f"{op.statement} reads {ref}, which {self.hub} may not read",
                    str(ref),
                    loc,
                    op.statement,
                    excerpt,
                    f"{key}.readers",
                )
            )
        if not spec.declared:
            unknown = self._unknown(ref, op, loc, excerpt)
            if unknown:
                out.append(unknown)
        return out

    def _schema_owner(self, schema: str) -> tuple[bool, str | None]:
        """(governed, owner) of a schema; ungoverned schemas are free for everyone."""
        spec = self.policy.schemas.get(schema)
        if spec is None or not spec.governed:
            return False, None
        return True, spec.owner

    def _ddl(self, op: Operation, sp: list[str], loc: Location, excerpt: str) -> list[Finding]:
        if op.target is None:
            return []
        if op.object_kind == "schema":
            schema = op.target.schema or op.target.name
            governed, owner = self._schema_owner(schema)
            if governed and owner != self.hub:
                return [
                    self._finding(
                        R.CROSS_HUB_DDL,
                        f"{op.statement} {schema}: the schema belongs to {owner or 'no hub'}, not {self.hub}",
                        schema,
                        loc,
                        op.statement,
                        excerpt,
                        f"schemas.{schema}.owner",
                    )
                ]
            return []
        if op.object_kind != "table":
            schema = resolve_schema(op.target.schema, sp)
            governed, owner = self._schema_owner(schema)
            if governed and owner != self.hub:
                obj = f"{schema}.{op.target.name}"
                return [
                    self._finding(
                        R.CROSS_HUB_DDL,
                        f"{op.statement} {obj} in schema {schema}, which belongs "
                        f"to {owner or 'no hub'}, not {self.hub}",
                        obj,
                        loc,
                        op.statement,
                        excerpt,
                        f"schemas.{schema}.owner",
                    )
                ]
            return []
        ref = resolve(op.target, sp, self.policy)
        spec = self.policy.table(ref)
        if spec is None:
            unknown = self._unknown(ref, op, loc, excerpt)
            return [unknown] if unknown else []
        if spec.frozen is not None:
            return self._frozen(op, ref, loc, excerpt)
        out: list[Finding] = []
        creates = op.statement == "CREATE TABLE" and self.policy.hub_may_create(self.hub, ref.schema)
        if spec.owner != self.hub and not creates:
            out.append(
                self._finding(
                    R.CROSS_HUB_DDL,
                    f"{op.statement} on {ref}: the table belongs to {spec.owner or 'no hub'}, not {self.hub}",
                    str(ref),
                    loc,
                    op.statement,
                    excerpt,
                    self._owner_key(ref),
                )
            )
        rls = spec.rls
        if rls is not None and (
            ("DISABLE ROW LEVEL SECURITY" in op.statement and rls.enabled)
            or ("NO FORCE ROW LEVEL SECURITY" in op.statement and rls.forced)
        ):
            key = self.policy.table_keypath(ref) + ".rls"
            out.append(
                self._finding(
                    R.RLS_WEAKENED,
                    f"{op.statement} on {ref}, but the policy requires RLS {'forced' if rls.forced else 'enabled'}",
                    str(ref),
                    loc,
                    op.statement,
                    excerpt,
                    key,
                )
            )
        if not spec.declared and (spec.owner == self.hub or creates):  # DDL on a table the matrix does not list
            unknown = self._unknown(ref, op, loc, excerpt)
            if unknown:
                out.append(unknown)
        return out

    def _grant(self, op: Operation, sp: list[str], loc: Location, excerpt: str) -> list[Finding]:
        verb = "revokes" if op.grant_kind == "revoke" else "grants"
        if op.object_kind == "schema" or op.target is None:
            schema = (op.target.schema or op.target.name) if op.target is not None else None
            if schema is not None:
                governed, owner = self._schema_owner(schema)
                if governed and owner != self.hub:
                    return [
                        self._finding(
                            R.PRIVILEGE_STATEMENT,
                            f"{op.statement} {schema}: {self.hub} {verb} "
                            f"privileges in a schema owned by {owner or 'no hub'}",
                            schema,
                            loc,
                            op.statement,
                            excerpt,
                            f"schemas.{schema}.owner",
                        )
                    ]
            return self._excess(op, None, schema, loc, excerpt)
        if op.object_kind != "table":
            schema = resolve_schema(op.target.schema, sp)
            governed, owner = self._schema_owner(schema)
            if governed and owner != self.hub:
                obj = f"{schema}.{op.target.name}"
                return [
                    self._finding(
                        R.PRIVILEGE_STATEMENT,
                        f"{op.statement} {obj}: {self.hub} {verb} privileges "
                        f"on an object in schema {schema}, owned by {owner or 'no hub'}",
                        obj,
                        loc,
                        op.statement,
                        excerpt,
                        f"schemas.{schema}.owner",
                    )
                ]
            return []
        ref = resolve(op.target, sp, self.policy)
        spec = self.policy.table(ref)
        if spec is None:
            return []
        if spec.owner != self.hub:
            return [
                self._finding(
                    R.PRIVILEGE_STATEMENT,
                    f"{op.statement} {ref}: {self.hub} {verb} privileges on a table owned by {spec.owner or 'no hub'}",
                    str(ref),
                    loc,
                    op.statement,
                    excerpt,
                    self._owner_key(ref),
                )
            ]
        return self._excess(op, ref, ref.schema, loc, excerpt)

    def _excess(
        self, op: Operation, ref: TableRef | None, schema: str | None, loc: Location, excerpt: str
    ) -> list[Finding]:
        """A grant on the hub's own objects that gives a role more than the policy allows."""
        if op.grant_kind == "revoke" or not op.privileges:
            return []
        out: list[Finding] = []
        for grantee in op.grantees:
            if ref is not None:
                if grantee in self.policy.roles:
                    allowed = self.policy.allowed_privileges(grantee, ref)
                    cols = self.policy.allowed_column_privileges(grantee, ref)
                    extra = [
                        p
                        for p in op.privileges
                        if p not in allowed and not (op.columns and set(op.columns) <= set(cols.get(p, frozenset())))
                    ]
                else:  # PUBLIC or a role the policy does not know: no write
                    extra = [p for p in op.privileges if p in WRITE_PRIVS]
            else:
                spec = self.policy.roles.get(grantee)
                writer_ok = (
                    spec is not None
                    and spec.kind == "writer"
                    and schema is not None
                    and self._schema_owner(schema)[1] == spec.hub
                )
                extra = [p for p in op.privileges if p in WRITE_PRIVS and not writer_ok]
            if extra:
                obj = str(ref) if ref is not None else (schema or "*")
                out.append(
                    self._finding(
                        R.PRIVILEGE_STATEMENT,
                        f"{op.statement} {obj} gives {grantee} "
                        f"{'/'.join(p.value for p in extra)}, more than the "
                        "policy allows",
                        obj,
                        loc,
                        op.statement,
                        excerpt,
                        f"roles.{grantee}" if grantee in self.policy.roles else None,
                        role=grantee,
                    )
                )
        return out

    def _role(self, op: Operation, loc: Location, excerpt: str) -> list[Finding]:
        if op.grant_kind == "membership":
            granted = [r.strip() for r in op.detail.split(",") if r.strip()]
            outside = [r for r in granted + list(op.grantees) if r not in self.hub_roles]
            if not outside:
                return []
            return [
                self._finding(
                    R.ROLE_MANAGEMENT,
                    f"{op.statement}: {', '.join(granted)} to "
                    f"{', '.join(op.grantees)} involves roles outside {self.hub} "
                    f"({', '.join(outside)})",
                    ", ".join(granted),
                    loc,
                    op.statement,
                    excerpt,
                    "roles",
                )
            ]
        name = op.grantees[0] if op.grantees else "?"
        attrs = f" with {op.detail}" if op.detail else ""
        return [
            self._finding(
                R.ROLE_MANAGEMENT,
                f"{op.statement} {name}{attrs}: hub code must not manage roles",
                name,
                loc,
                op.statement,
                excerpt,
                f"roles.{name}" if name in self.policy.roles else "roles",
                role=name,
            )
        ]

    def _fk(
        self, op: Operation, sp: list[str], loc: Location, excerpt: str, placeholders: dict[str, str]
    ) -> list[Finding]:
        assert op.target is not None and op.parent is not None
        if op.parent.placeholder:
            shown = self._placeholder_text(op.parent, placeholders)
            return [
                self._finding(
                    R.UNRESOLVED_TABLE,
                    f"foreign key references a table built at run time ({shown})",
                    shown,
                    loc,
                    op.statement,
                    excerpt,
                )
            ]
        child = resolve(op.target, sp, self.policy)
        parent = resolve(op.parent, sp, self.policy)
        if self.policy.table(child) is None or self.policy.table(parent) is None:
            return []
        if not self.policy.crosses_hubs(child, parent):
            return []
        obj = f"{child} -> {parent}"
        declared = self.policy.declared_fk(child, parent, list(op.columns) or None) or self.policy.declared_fk(
            child, parent
        )
        action = op.on_delete
        if declared is None:
            out = [
                self._finding(
                    R.UNDECLARED_FK,
                    f"foreign key {child}({', '.join(op.columns)}) -> {parent} "
                    f"crosses hubs ({self.policy.owner_hub(child)} -> {self.policy.owner_hub(parent)}) "
                    "and is not declared",
                    obj,
                    loc,
                    op.statement,
                    excerpt,
                    "foreign_keys",
                )
            ]
            if action in DESTRUCTIVE:
                out.append(
                    self._finding(
                        R.CROSS_HUB_CASCADE,
                        f"foreign key {child} -> {parent} ON DELETE "
                        f"{action.upper()} lets {self.policy.owner_hub(parent)} deletes change "
                        f"{self.policy.owner_hub(child)} rows",
                        obj,
                        loc,
                        op.statement,
                        excerpt,
                        "foreign_keys",
                    )
                )
            return out
        if declared.on_delete == action:
            return []
        idx = self.policy.foreign_keys.index(declared)
        key = f"foreign_keys[{idx}].on_delete"
        if action in DESTRUCTIVE:
            return [
                self._finding(
                    R.CROSS_HUB_CASCADE,
                    f"foreign key {child} -> {parent} ON DELETE "
                    f"{action.upper()} crosses hubs; the policy declares {declared.on_delete}",
                    obj,
                    loc,
                    op.statement,
                    excerpt,
                    key,
                )
            ]
        return [
            self._finding(
                R.FK_ACTION_MISMATCH,
                f"foreign key {child} -> {parent} ON DELETE {action.upper()}; the policy declares {declared.on_delete}",
                obj,
                loc,
                op.statement,
                excerpt,
                key,
            )
        ]

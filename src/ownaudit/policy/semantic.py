"""Checks of meaning that a JSON Schema cannot express.

Each problem names the key path of the offending entry: unknown hubs, roles or
tables, a role mapped to two hubs, a table owned twice, FKs whose ends are
outside the matrix, column exceptions on unknown columns' tables, and so on.
"""

from __future__ import annotations

from typing import Any

from ownaudit.policy.model import Policy, TableRef

RLS_COMMANDS = {"ALL", "SELECT", "INSERT", "UPDATE", "DELETE"}


def check_semantics(policy: Policy, data: dict[str, Any]) -> list[str]:
    problems: list[str] = []

    def bad(keypath: str, message: str) -> None:
        problems.append(f"{policy.location(keypath)}: {keypath}: {message}")

    hubs = set(policy.hubs)
    known_roles = set(policy.roles) | {"public", "PUBLIC"}

    # Hubs and roles -------------------------------------------------------
    role_to_hub: dict[str, str] = {}
    for hub in policy.hubs.values():
        for i, role_name in enumerate(hub.roles):
            if role_name in role_to_hub and role_to_hub[role_name] != hub.id:
                bad(f"hubs.{hub.id}.roles[{i}]",
                    f"role {role_name!r} is mapped to two hubs ({role_to_hub[role_name]} and {hub.id})")
            role_to_hub.setdefault(role_name, hub.id)
    for role in policy.roles.values():
        kp = f"roles.{role.name}"
        if role.hub not in hubs:
            bad(f"{kp}.hub", f"unknown hub {role.hub!r}")
        elif role.name in role_to_hub and role_to_hub[role.name] != role.hub:
            bad(f"{kp}.hub", f"role {role.name!r} is listed under hub {role_to_hub[role.name]!r} "
                              f"but declared for hub {role.hub!r}")
        for i, parent in enumerate(role.member_of):
            if parent not in known_roles and parent not in policy.database.platform_roles \
                    and parent != policy.database.owner_role:
                bad(f"{kp}.member_of[{i}]", f"unknown role {parent!r}")
    app_roles = set(policy.roles)
    for i, r in enumerate(policy.database.platform_roles):
        if r in app_roles:
            bad(f"database.platform_roles[{i}]", f"role {r!r} is both a platform role and an application role")
    if policy.database.owner_role and policy.database.owner_role in app_roles:
        bad("database.owner_role", f"the object owner {policy.database.owner_role!r} is also an application "
                                   "role; an owner bypasses every grant, so ownership would hide drift")

    # Schemas and tables ---------------------------------------------------
    for schema in policy.schemas.values():
        kp = f"schemas.{schema.name}"
        if schema.owner is not None and schema.owner not in hubs:
            bad(f"{kp}.owner", f"unknown hub {schema.owner!r}")
        if isinstance(schema.readers, list):
            for i, h in enumerate(schema.readers):
                if h not in hubs:
                    bad(f"{kp}.readers[{i}]", f"unknown hub {h!r}")
        for table in schema.tables.values():
            tkp = f"{kp}.tables.{table.ref.name}"
            if table.owner is not None and table.owner != schema.owner and table.owner not in hubs:
                bad(f"{tkp}.owner", f"unknown hub {table.owner!r}")
            if isinstance(table.readers, list):
                for i, h in enumerate(table.readers):
                    if h not in hubs:
                        bad(f"{tkp}.readers[{i}]", f"unknown hub {h!r}")
            seen_writers: set[str] = set()
            for i, w in enumerate(table.writers):
                if w.hub not in hubs:
                    bad(f"{tkp}.writers[{i}].hub", f"unknown hub {w.hub!r}")
                elif w.hub == table.owner:
                    bad(f"{tkp}.writers[{i}].hub", f"hub {w.hub!r} owns the table; it needs no writer entry")
                if w.hub in seen_writers:
                    bad(f"{tkp}.writers[{i}].hub", f"hub {w.hub!r} is listed twice as a writer")
                seen_writers.add(w.hub)
            for i, cg in enumerate(table.column_grants):
                if cg.hub not in hubs:
                    bad(f"{tkp}.column_grants[{i}].hub", f"unknown hub {cg.hub!r}")
                elif cg.hub == table.owner:
                    bad(f"{tkp}.column_grants[{i}].hub",
                        f"hub {cg.hub!r} owns the table; a column exception is for other hubs")
            if table.owner is None and schema.owner is None and table.migration is None:
                bad(f"{tkp}.owner", "table has no owning hub (its schema has none either); "
                                    "every table needs exactly one owner")
            if table.migration is not None:
                m = table.migration
                for field_name in ("current_owner", "target_owner"):
                    hub_id = getattr(m, field_name)
                    if hub_id not in hubs:
                        bad(f"{tkp}.migration.{field_name}", f"unknown hub {hub_id!r}")
                if table.owner is not None and m.current_owner != table.owner:
                    bad(f"{tkp}.migration.current_owner",
                        f"current owner {m.current_owner!r} differs from the table's owner {table.owner!r}")
                if m.replaced_by is not None and policy.table(m.replaced_by) is None:
                    bad(f"{tkp}.migration.replaced_by", f"unknown table {m.replaced_by}")
            if table.rls is not None:
                names: set[str] = set()
                for i, p in enumerate(table.rls.policies):
                    pkp = f"{tkp}.rls.policies[{i}]"
                    if p.name in names:
                        bad(f"{pkp}.name", f"policy {p.name!r} is listed twice")
                    names.add(p.name)
                    if p.command not in RLS_COMMANDS:
                        bad(f"{pkp}.command", f"unknown command {p.command!r}")
                    for j, r in enumerate(p.roles):
                        if r not in known_roles:
                            bad(f"{pkp}.roles[{j}]", f"unknown role {r!r}")
                if table.rls.forced and not table.rls.enabled:
                    bad(f"{tkp}.rls.forced", "forced RLS needs enabled: true")
                if table.rls.policies and not table.rls.enabled:
                    bad(f"{tkp}.rls.policies", "policies are listed but RLS is not enabled")

    # The same table listed twice (e.g. "cl.x" and a quoted duplicate) -----
    seen_tables: dict[str, str] = {}
    for schema in policy.schemas.values():
        for table in schema.tables.values():
            norm = f"{schema.name.lower()}.{table.ref.name.lower()}"
            if norm in seen_tables:
                bad(f"schemas.{schema.name}.tables.{table.ref.name}",
                    f"table {table.ref} is listed twice (also as {seen_tables[norm]}); a table has one owner")
            seen_tables[norm] = str(table.ref)

    # Foreign keys ---------------------------------------------------------
    edges: set[tuple[str, tuple[str, ...], str]] = set()
    for i, fk in enumerate(policy.foreign_keys):
        kp = f"foreign_keys[{i}]"
        for end, ref in (("child", fk.child), ("parent", fk.parent)):
            if _listed(policy, ref) is False:
                bad(f"{kp}.{end}", f"table {ref} is not in the matrix")
        if len(fk.child_columns) != len(fk.parent_columns):
            bad(f"{kp}.parent_columns", f"{len(fk.child_columns)} column(s) reference "
                                        f"{len(fk.parent_columns)} parent column(s)")
        edge = (str(fk.child), tuple(fk.child_columns), str(fk.parent))
        if edge in edges:
            bad(kp, f"foreign key {fk.child}({', '.join(fk.child_columns)}) -> {fk.parent} is declared twice")
        edges.add(edge)

    # Exceptions ----------------------------------------------------------
    for i, exc in enumerate(policy.exceptions):
        kp = f"exceptions[{i}]"
        if exc.hub and exc.hub not in hubs:
            bad(f"{kp}.hub", f"unknown hub {exc.hub!r}")
        if exc.role and exc.role not in known_roles:
            bad(f"{kp}.role", f"unknown role {exc.role!r}")
        if exc.rule != "*" and not _known_rule(exc.rule):
            bad(f"{kp}.rule", f"unknown rule id {exc.rule!r}")
    return problems


def _listed(policy: Policy, ref: TableRef) -> bool:
    schema = policy.schemas.get(ref.schema)
    return schema is not None and ref.name in schema.tables


def _known_rule(rule_id: str) -> bool:
    from ownaudit.rules import get_rule

    return get_rule(rule_id) is not None


def semantic_warnings(policy: Policy) -> list[str]:
    """Entries the model cannot give full effect to: valid, but not doing what they seem to say.

    A ``writers`` or ``column_grants`` entry for a hub without a writer role lets the hub's code write
    (the linter accepts it, ``diff`` shows the new write path) but no database role of the hub may hold
    the privilege: the audit still reports any grant of it (as an excess privilege, not a cross-hub write).
    """
    out: list[str] = []
    writer_hubs = {r.hub for r in policy.roles.values() if r.kind == "writer"}
    for schema in policy.schemas.values():
        for table in schema.tables.values():
            kp = f"schemas.{schema.name}.tables.{table.ref.name}"
            hubs: list[tuple[str, int, str]] = [("writers", i, w.hub) for i, w in enumerate(table.writers)]
            hubs += [("column_grants", i, c.hub) for i, c in enumerate(table.column_grants)]
            for key, i, hub in hubs:
                if hub in policy.hubs and hub not in writer_hubs:
                    roles = ", ".join(policy.roles_of_hub(hub)) or "none"
                    rule = "POL003" if key == "writers" else "POL004"
                    out.append(f"{policy.location(f'{kp}.{key}[{i}]')}: {kp}.{key}[{i}]: {rule}: hub "
                               f"{hub} has no writer role (its roles: {roles}): its code may write "
                               f"{table.ref}, but no database role of it may hold the privilege")
    return out

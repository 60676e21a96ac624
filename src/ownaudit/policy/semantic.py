"""Checks of meaning that a JSON Schema cannot express.

Each problem names the key path of the offending entry: unknown hubs, roles or
tables, a role mapped to two hubs, a table owned twice, FKs whose ends are
outside the matrix, column exceptions on unknown columns' tables, and so on.
"""

from __future__ import annotations

from typing import Any

from ownaudit.policy.model import LEGACY_OWNER, SHARED_DATABASE, Policy, TableRef

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
            if table.owner is None and schema.owner is None and table.migration is None and table.frozen is None:
                bad(f"{tkp}.owner", "table has no owning hub (its schema has none either); "
                                    "every table needs exactly one owner")
            if table.migration is not None:
                m = table.migration
                for field_name in ("current_owner", "target_owner"):
                    hub_id = getattr(m, field_name)
                    if hub_id not in hubs and not (field_name == "current_owner" and hub_id == LEGACY_OWNER):
                        bad(f"{tkp}.migration.{field_name}", f"unknown hub {hub_id!r}")
                if m.current_owner == LEGACY_OWNER and LEGACY_OWNER not in hubs and table.frozen is None \
                        and table.owner is None:
                    bad(f"{tkp}.migration.current_owner", "a table whose current owner is 'legacy' (no hub) "
                                                          "must be frozen: add frozen: <reason>")
                if table.owner is not None and m.current_owner != table.owner and table.frozen is None:
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

            problems.extend(_table_extras(policy, schema.name, table.ref.name))
        problems.extend(_schema_writer_problems(policy, schema.name))

    problems.extend(_hub_problems(policy))

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


def _bad(policy: Policy, out: list[str], keypath: str, message: str) -> None:
    out.append(f"{policy.location(keypath)}: {keypath}: {message}")


def _table_extras(policy: Policy, schema: str, name: str) -> list[str]:
    """Frozen tables and conditional column exceptions."""
    out: list[str] = []
    table = policy.schemas[schema].tables[name]
    tkp = f"schemas.{schema}.tables.{name}"
    fz = table.frozen
    if fz is not None:
        if "owner" in _raw_keys(policy, tkp) and table.owner is not None:
            _bad(policy, out, f"{tkp}.owner", f"a frozen table has no owning hub (nobody writes it but its "
                                              f"migration); remove owner {table.owner!r} or the freeze")
        if table.writers:
            _bad(policy, out, f"{tkp}.writers", "a frozen table can have no writers")
        if table.column_grants:
            _bad(policy, out, f"{tkp}.column_grants", "a frozen table can have no column exceptions")
        mhub = fz.migration_hub or (table.migration.target_owner if table.migration else None)
        if fz.migration_hub is not None and fz.migration_hub not in policy.hubs:
            _bad(policy, out, f"{tkp}.frozen.migration_hub", f"unknown hub {fz.migration_hub!r}")
        if fz.migration_paths and mhub is None:
            _bad(policy, out, f"{tkp}.frozen.migration_paths", "migration_paths need a migration_hub "
                                                               "(or a migration with a target_owner)")
    for i, cg in enumerate(table.column_grants):
        if not cg.condition:
            continue
        ckp = f"{tkp}.column_grants[{i}].condition"
        from ownaudit.privileges import Privilege

        if cg.operations - {Privilege.UPDATE, Privilege.DELETE}:
            _bad(policy, out, ckp, "a condition applies to UPDATE or DELETE only (an INSERT has no WHERE)")
        from ownaudit.lint.conditions import parse_condition

        err = parse_condition(cg.condition)[1]
        if err:
            _bad(policy, out, ckp, f"not a SQL condition: {err}")
    return out


def _raw_keys(policy: Policy, keypath: str) -> set[str]:
    """Keys written under ``keypath`` in the file (from the position index)."""
    prefix = keypath + "."
    return {k[len(prefix):].split(".", 1)[0].split("[", 1)[0] for k in policy.locations if k.startswith(prefix)}


def _schema_writer_problems(policy: Policy, schema: str) -> list[str]:
    out: list[str] = []
    spec = policy.schemas[schema]
    for i, w in enumerate(spec.writers):
        wkp = f"schemas.{schema}.writers[{i}]"
        if isinstance(w.hubs, list):
            for j, h in enumerate(w.hubs):
                if h not in policy.hubs:
                    _bad(policy, out, f"{wkp}.hubs[{j}]", f"unknown hub {h!r}")
                elif h == spec.owner:
                    _bad(policy, out, f"{wkp}.hubs[{j}]", f"hub {h!r} owns the schema; it needs no writer entry")
        for j, h in enumerate(w.except_hubs):
            if h not in policy.hubs:
                _bad(policy, out, f"{wkp}.except[{j}]", f"unknown hub {h!r}")
        if w.except_hubs and w.hubs != "all":
            _bad(policy, out, f"{wkp}.except", "except applies to hubs: all only")
        if not spec.governed and w.create:
            _bad(policy, out, f"{wkp}.create", f"schema {schema} is not governed (governed: false): anyone may "
                                               "create there already")
    return out


def _hub_problems(policy: Policy) -> list[str]:
    """Sub-hubs, per-path overrides and other databases."""
    out: list[str] = []
    for hub in policy.hubs.values():
        kp = f"hubs.{hub.id}"
        if hub.part_of is not None:
            if hub.part_of not in policy.hubs:
                _bad(policy, out, f"{kp}.part_of", f"unknown hub {hub.part_of!r}")
            elif hub.part_of == hub.id:
                _bad(policy, out, f"{kp}.part_of", "a hub cannot be part of itself")
            else:
                seen = {hub.id}
                parent: str | None = hub.part_of
                while parent is not None and parent in policy.hubs:
                    if parent in seen:
                        _bad(policy, out, f"{kp}.part_of", f"sub-hubs form a cycle through {parent!r}")
                        break
                    seen.add(parent)
                    parent = policy.hubs[parent].part_of
            if not hub.paths:
                _bad(policy, out, f"{kp}.paths", "a sub-hub (part_of) needs the paths of its folders")
        elif hub.paths:
            _bad(policy, out, f"{kp}.paths", "paths locate a sub-hub inside its parent's repository; "
                                             "add part_of: <parent hub>")
        names = set(hub.databases)
        for i, ov in enumerate(hub.lint.overrides):
            okp = f"{kp}.lint.overrides[{i}]"
            if ov.database is not None and ov.database != SHARED_DATABASE and ov.database not in names:
                known = ", ".join(sorted(names | {SHARED_DATABASE}))
                _bad(policy, out, f"{okp}.database", f"unknown database {ov.database!r} (known: {known})")
        bindings: dict[str, str] = {}
        for name, db in hub.databases.items():
            dkp = f"{kp}.databases.{name}"
            if not (db.host or db.project or db.bindings or db.env or db.paths or db.migrations_dirs):
                _bad(policy, out, dkp, "a database needs something to recognise it by: host, project, "
                                       "bindings, env, paths or migrations_dirs")
            if db.bindings and db.provider != "d1":
                _bad(policy, out, f"{dkp}.bindings", "bindings are Cloudflare D1 bindings: provider must be d1")
            if db.project and db.provider != "supabase":
                _bad(policy, out, f"{dkp}.project", "project is a Supabase project ref: provider must be supabase")
            shared_host = (policy.database.host or "").lower()
            if db.host and shared_host and (db.host.lower() == shared_host
                                            or shared_host.startswith(db.host.lower() + "-")
                                            or shared_host.startswith(db.host.lower() + ".")) and (
                    db.database is None or db.database == policy.database.name):
                _bad(policy, out, f"{dkp}.host", f"host {db.host!r} is the shared database's host; name a "
                                                 "database too if this is another database on the same server")
            for j, b in enumerate(db.bindings):
                if b in bindings:
                    _bad(policy, out, f"{dkp}.bindings[{j}]", f"binding {b!r} is also database {bindings[b]!r}")
                bindings[b] = name
            for j, e in enumerate(db.env):
                if e in hub.env:
                    _bad(policy, out, f"{dkp}.env[{j}]", f"{e} is listed as the shared database's env too")
    return out


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

"""Write an inferred matrix as ``ownership.yaml`` text, with its guesses marked.

The YAML is written by hand (not ``yaml.dump``) so that every guessed hub
assignment carries a ``# TODO confirm`` comment a reviewer cannot miss. Every
scalar is emitted as a JSON string, which is also valid YAML, so names with
spaces or quotes survive.
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass

from ownaudit.catalog.model import PUBLIC, CatalogSnapshot
from ownaudit.draft.infer import RELATION_KINDS, Inferred

TODO = "# TODO confirm"


@dataclass(frozen=True)
class Baseline:
    """A finding the draft cannot express, recorded as a time-boxed exception."""

    rule: str
    object: str
    role: str | None
    title: str


def s(value: str) -> str:
    """A YAML scalar (a JSON string is valid YAML and quotes everything that needs it)."""
    return json.dumps(value, ensure_ascii=False)


def flow(values: list[str]) -> str:
    return "[" + ", ".join(s(v) for v in values) + "]"


def render_yaml(
    inf: Inferred,
    snapshot: CatalogSnapshot,
    *,
    source: str,
    host: str | None,
    baseline: list[Baseline] | None = None,
    today: _dt.date | None = None,
    expiry_days: int = 30,
) -> str:
    today = today or _dt.date.today()
    out: list[str] = [
        "# Schema: ownership.schema.json shipped with ownaudit (policy/ in its repository);",
        "# check this file with `ownaudit validate`.",
        f"# Drafted by `ownaudit init` from {source} on {today.isoformat()}.",
        "# It describes what the database grants TODAY. Hub names and assignments are guesses:",
        f"# review every line marked '{TODO}', give hubs their repositories, then commit.",
        "",
        "version: 1",
        "",
        "database:",
        f"  name: {s(inf.database)}",
        f"  provider: {inf.provider}",
    ]
    if host:
        out.append(f"  host: {s(host)}   # information only")
    if inf.owner_role:
        out.append(f"  owner_role: {s(inf.owner_role)}   # owns most objects (migrations role) {TODO}")
    out.append(f"  platform_roles: {flow(inf.platform_roles)}")
    out += ["", "hubs:"]
    for hub, roles in sorted(inf.hubs.items()):
        out.append(f"  {s(hub)}:   {TODO}: hub name, code and repository")
        out.append(f"    code: {s('HUB-' + hub.upper())}")
        out.append(f"    roles: {flow(roles)}")
        out.append("    # repository: https://github.com/ORG/REPO.git")
    out += ["", "roles:"]
    for role in inf.roles.values():
        out.append(f"  {s(role.name)}:")
        out.append(f"    hub: {s(role.hub)}   {TODO}")
        out.append(f"    kind: {role.kind}")
        if not role.login:
            out.append("    login: false")
        if role.forbidden is not None:
            out.append(f"    forbidden_attributes: {flow(role.forbidden)}   # it has the others today {TODO}")
        if role.member_of:
            out.append(f"    member_of: {flow(role.member_of)}")
    out += ["", "schemas:"]
    policies_by_table: dict[str, list] = {}  # type: ignore[type-arg]
    for p in snapshot.policies:
        policies_by_table.setdefault(p.table, []).append(p)
    for sd in inf.schemas:
        out.append(f"  {s(sd.name)}:")
        out.append(f"    owner: {s(sd.owner) if sd.owner else 'null'}   {TODO}: the hub that writes it")
        if sd.owner_role:
            out.append(f"    owner_role: {s(sd.owner_role)}")
        out.append("    status: active")
        if not sd.governed:
            out.append("    governed: false   # only the tables listed here are governed in public")
        readers = sd.readers if isinstance(sd.readers, str) else flow(sd.readers)
        out.append(f"    readers: {readers}")
        out.append(f"    writer_privileges: {flow(sd.writer_privileges)}")
        if sd.writers:
            out.append(f"    writers:   {TODO}: these hubs write every table of the schema today")
            for hubs_, ops, create in sd.writers:
                who = "all" if hubs_ == ["all"] else flow(hubs_)
                out.append(f"      - {{hubs: {who}, operations: {flow(ops)}{', create: true' if create else ''}}}")
        if not sd.tables:
            out.append("    tables: {}")
            continue
        out.append("    tables:")
        for td in sd.tables:
            rel = td.rel
            out.append(f"      {s(rel.name)}:")
            if td.frozen:
                out.append(f"        frozen: {s('no role writes it today')}   {TODO}: frozen until migrated, "
                           "or name its owning hub instead")
            elif td.owner != sd.owner:
                why = "writes it today" if td.owner and inf.hubs.get(td.owner) else "no role writes it today"
                out.append(f"        owner: {s(td.owner) if td.owner else 'null'}   {TODO}: {why}")
            if RELATION_KINDS[rel.relkind] != "table":
                out.append(f"        kind: {RELATION_KINDS[rel.relkind]}")
            if td.owner_role:
                out.append(f"        owner_role: {s(td.owner_role)}")
            if td.readers is not None:
                out.append(f"        readers: {flow(td.readers)}")
            if td.writers:
                out.append("        writers:")
                for hub, ops in td.writers.items():
                    out.append(f"          - {{hub: {s(hub)}, operations: {flow(ops)}}}   {TODO}")
            if td.column_grants:
                out.append("        column_grants:")
                for hub, op, cols in td.column_grants:
                    out.append(f"          - {{hub: {s(hub)}, operations: [{s(op)}], columns: {flow(cols)}}}")
                    if td.guards and op == "UPDATE":
                        out.append(f"            # trigger(s) {', '.join(td.guards)} may hold a condition on these "
                                   f"columns: add condition: <SQL> (e.g. \"{cols[0]} IS NULL\") {TODO}")
            out += _rls_lines(
                rel.rls_enabled, rel.rls_forced, policies_by_table.get(rel.qualified, []), set(inf.roles)
            )
    out += ["", "foreign_keys:"]
    listed = {td.rel.qualified for sd in inf.schemas for td in sd.tables}
    fks = [fk for fk in snapshot.foreign_keys if fk.child in listed and fk.parent in listed]
    if not fks:
        out[-1] = "foreign_keys: []"
    for fk in sorted(fks, key=lambda f: (f.child, f.name)):
        line = (
            f"  - {{name: {s(fk.name)}, child: {s(_qualified(fk.child))}, columns: {flow(fk.child_columns)}, "
            f"parent: {s(_qualified(fk.parent))}, parent_columns: {flow(fk.parent_columns)}, "
            f"on_delete: {s(fk.on_delete)}"
        )
        if fk.on_update != "no action":
            line += f", on_update: {s(fk.on_update)}"
        out.append(line + "}")
    out.append("")
    if baseline:
        expires = (today + _dt.timedelta(days=expiry_days)).isoformat()
        out.append("# Findings the draft cannot express as ownership (hazards in the database today).")
        out.append(f"# Each is waived until {expires}: fix it, or renew it with a real reason. {TODO}")
        out.append("exceptions:")
        for b in baseline:
            out.append(f"  - rule: {b.rule}")
            out.append(f"    object: {s(b.object)}")
            if b.role:
                out.append(f"    role: {s(b.role)}")
            out.append(f"    reason: {s('TODO confirm: baselined by ownaudit init: ' + b.title)}")
            out.append(f"    expires: {expires}")
    else:
        out.append("exceptions: []")
    return "\n".join(out) + "\n"


def _qualified(name: str) -> str:
    """``schema.table`` as the policy parses it (quoted parts where case or dots demand)."""
    from ownaudit.policy.model import TableRef

    schema, _, table = name.partition(".")
    ref = TableRef(schema, table)
    return ref.sql if (ref.sql != f"{schema}.{table}") else name


def _rls_lines(enabled: bool, forced: bool, policies: list, app_roles: set[str]) -> list[str]:  # type: ignore[type-arg]
    if not enabled and not policies:
        return []
    out = ["        rls:", f"          enabled: {'true' if enabled else 'false'}"]
    if forced and enabled:
        out.append("          forced: true")
    expressible = [p for p in policies if all(r == PUBLIC or r in app_roles for r in p.roles)]
    if not enabled or len(expressible) != len(policies):
        out.append("          exhaustive: false   # the database holds policies this draft cannot list")
    if enabled and expressible:
        out.append("          policies:")
        for p in sorted(expressible, key=lambda p: p.name):
            roles = ["public" if r == PUBLIC else r for r in p.roles]
            extra = "" if p.permissive else ", permissive: false"
            item = f"{{name: {s(p.name)}, command: {p.command.upper()}, roles: {flow(roles)}{extra}}}"
            out.append(f"            - {item}")
    return out

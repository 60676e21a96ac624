"""AUD126-AUD132, AUD134: who a session is and what it enforces.

Predefined roles as the server lists them (superuser-equivalent ones), the
policy's ``member_of``, role and database settings (``role``,
``session_authorization``, ``session_replication_role``), integrity switched
off (disabled foreign-key or user triggers), CONNECT on the database, event
trigger functions, foreign-server mappings the auditor cannot verify, and
snapshots too old to hold the records these checks need.
"""

from __future__ import annotations

from collections.abc import Iterator

from ownaudit.audit.classes import TableClass, table_classes
from ownaudit.audit.context import AuditContext, Governed, q, qref
from ownaudit.catalog.model import PUBLIC
from ownaudit.findings import Finding, Severity
from ownaudit.privileges import WRITE, sort_privileges

SUPERUSER_EQUIVALENT = {
    "pg_execute_server_program": "runs any program as the server's operating-system user (COPY ... PROGRAM)",
    "pg_write_server_files": "writes any file the server's operating-system user can (COPY ... TO file)",
    "pg_read_server_files": "reads any file the server can, table data files included (COPY ... FROM file)",
}
_SETTINGS = {
    "role": "every session starts as role {value} (SET ROLE at login)",
    "session_authorization": "every session runs as {value} (SET SESSION AUTHORIZATION at login)",
    "session_replication_role": "user triggers and foreign-key enforcement {state} in these sessions",
}


def check(ctx: AuditContext) -> Iterator[Finding]:
    if ctx.snapshot.version < 2:
        yield ctx.finding(
            "AUD134", f"the snapshot is format version {ctx.snapshot.version}: triggers' code, implicit code, "
                      "types, role settings, event triggers and foreign servers were not recorded, so the "
                      "acts-as paths through them were not checked",
            object="snapshot", keypath="database")
    yield from _predefined(ctx)
    yield from _member_of(ctx)
    yield from _connect(ctx)
    if ctx.snapshot.version < 2:
        return
    yield from _settings(ctx)
    yield from _integrity(ctx)
    yield from _event_triggers(ctx)
    yield from _mappings(ctx)


def _predefined(ctx: AuditContext) -> Iterator[Finding]:
    present = {r.name for r in ctx.snapshot.roles if r.predefined}
    for role in ctx.subject_roles():
        ctx.mark_checked("AUD126", role)
        reach = ctx.graph.privileges_of(role)
        for pre, what in SUPERUSER_EQUIVALENT.items():
            if pre not in present or pre not in reach:
                continue
            direct = any(m.role == pre for m in ctx.graph.edges.get(role, []))
            read_only = pre == "pg_read_server_files"
            yield ctx.finding(
                "AUD126", f"{role} has the privileges of {pre}: it {what}"
                          + ("; it can read every table's data" if read_only else "; superuser-equivalent"),
                object=role, hub=ctx.hub_of(role), role=role, evidence=[f"{reach[pre]} -[predefined]-> {what}"],
                keypath=f"roles.{role}" if role in ctx.policy.roles else "database",
                fix_sql=f"REVOKE {q(pre)} FROM {q(role)};" if direct else None,
                severity=Severity.HIGH if read_only and ctx.hub_of(role) is None else Severity.CRITICAL,
            )


def _member_of(ctx: AuditContext) -> Iterator[Finding]:
    classes = table_classes(ctx, ctx.governed("rpf"))
    for role, spec in ctx.policy.roles.items():
        if not ctx.role_exists(role):
            continue
        ctx.mark_checked("AUD127", role)
        allowed = set(spec.member_of)
        for m in ctx.graph.edges.get(role, []):
            if m.role in allowed:
                continue
            granted = ctx.snapshot.role(m.role)
            worst = _membership_effect(ctx, role, m.role, classes)
            sev = Severity.CRITICAL if worst or (granted and (granted.superuser or m.role in SUPERUSER_EQUIVALENT)) \
                else None
            opts = ", ".join(o for o, on in (("INHERIT", m.inherit), ("SET", m.set_option), ("ADMIN", m.admin))
                             if on)
            yield ctx.finding(
                "AUD127", f"{role} is a member of {m.role}, which roles.{role}.member_of does not allow"
                          + (f"; through it {role} can {worst}" if worst else ""),
                object=f"{role}/{m.role}", hub=spec.hub, role=role,
                evidence=[f"{role} -[member{', ' + opts if opts else ''}]-> {m.role}"
                          + (f" (granted by {m.grantor})" if m.grantor else "")],
                keypath=f"roles.{role}.member_of" if spec.member_of else f"roles.{role}",
                fix_sql=f"REVOKE {q(m.role)} FROM {q(role)};", severity=sev,
            )


def _membership_effect(ctx: AuditContext, role: str, granted: str, classes: list[TableClass]) -> str:
    """The worst write ``granted`` lets ``role`` do on another hub's table, as text ('' when none).

    The first such table in catalog order. Members of a class answer alike, so a class is asked
    through its first member, except when a member's name contains ``granted`` (the test reads
    each path's text, which ends in the relation's name): then member by member.
    """
    hub = ctx.hub_of(role)
    best: tuple[int, str] | None = None
    for c in classes:  # in the order of their first members
        if best is not None and c.positions[0] > best[0]:
            break
        each = any(granted in m.name for m in c.members)
        for pos, g in zip(c.positions, c.members if each else c.members[:1], strict=False):
            if g.hub == hub and hub is not None:
                continue
            got = _write_through(ctx, role, granted, g)
            if got:
                if best is None or pos < best[0]:
                    best = (pos, got)
                break
    return best[1] if best else ""


def _write_through(ctx: AuditContext, role: str, granted: str, g: Governed) -> str:
    cell = ctx.matrix.cell(role, g.name)
    for priv in sort_privileges(WRITE):
        if priv in ctx.allowed(role, g.ref):
            continue
        if any(granted in str(p) for p in cell.paths.get(priv, [])):
            return f"{priv.value} {g.name} (owned by {g.hub or 'no hub'})"
    return ""


def _settings(ctx: AuditContext) -> Iterator[Finding]:
    for s in ctx.snapshot.role_settings:
        for item in s.settings:
            name, _, value = item.partition("=")
            key = name.strip().lower()
            if key not in _SETTINGS:
                continue
            if key == "session_replication_role" and value.strip().lower() not in ("replica", "local"):
                continue
            who = s.role or "every role"
            where = f" in database {s.database}" if s.database else " in every database"
            state = "stop firing" if value.strip().lower() == "replica" else "change (local)"
            text = _SETTINGS[key].format(value=value, state=state)
            sev = Severity.CRITICAL if key == "session_replication_role" and (s.role is None or (
                s.role in ctx.policy.roles)) else None
            target = "ALTER DATABASE " + q(s.database) if s.role is None and s.database else (
                f"ALTER ROLE {q(s.role)}" + (f" IN DATABASE {q(s.database)}" if s.database else "")
                if s.role else "ALTER ROLE ALL")
            ctx.mark_checked("AUD128", who)
            yield ctx.finding(
                "AUD128", f"{who}{where}: {item}: {text}",
                object=f"{who}/{key}", hub=ctx.hub_of(s.role) if s.role else None, role=s.role,
                evidence=[f"pg_db_role_setting: role {who},{where.strip()}: {item}"],
                keypath=f"roles.{s.role}" if s.role in ctx.policy.roles else "database",
                fix_sql=f"{target} RESET {key};", severity=sev,
            )


def _integrity(ctx: AuditContext) -> Iterator[Finding]:
    fks: dict[str, list[str]] = {}
    for t in ctx.snapshot.triggers:
        g = ctx.governed_by_name(t.table)
        if g is None:
            continue
        ctx.mark_checked("AUD129", t.table)
        if t.internal and t.constraint:
            fks.setdefault(t.table, [])
            if t.constraint not in fks[t.table]:
                fks[t.table].append(t.constraint)
            continue
        if t.enabled in ("D", "R"):
            state = "disabled" if t.enabled == "D" else "enabled only for replica sessions (ENABLE REPLICA)"
            yield ctx.finding(
                "AUD129", f"trigger {t.name} on {t.table} ({t.function}) is {state}: its checks or writes do "
                          "not run in ordinary sessions",
                object=f"{t.table}/{t.name}", hub=g.hub, evidence=[f"{t.table} -[trigger {t.name}, tgenabled = "
                                                                    f"{t.enabled}]-> {t.function}"],
                keypath=g.keypath, fix_sql=f"ALTER TABLE {qref(t.table)} ENABLE TRIGGER {q(t.name)};",
                severity=Severity.MEDIUM,
            )
    for table, constraints in fks.items():
        g = ctx.governed_by_name(table)
        assert g is not None
        yield ctx.finding(
            "AUD129", f"foreign-key enforcement on {table} is switched off (constraints "
                      f"{', '.join(constraints)}): rows breaking them are accepted",
            object=f"{table}/foreign-keys", hub=g.hub,
            evidence=[f"{table} -[constraint {c}: internal triggers disabled]-> no referential check"
                      for c in constraints],
            keypath=g.keypath, fix_sql=f"ALTER TABLE {qref(table)} ENABLE TRIGGER ALL;",
        )


def _connect(ctx: AuditContext) -> Iterator[Finding]:
    db = ctx.snapshot.server.database
    m = ctx.object_access("database")
    for role in ctx.app_roles():
        ctx.mark_checked("AUD130", role)
        info = ctx.snapshot.role(role)
        if info is None or info.superuser:
            continue
        paths = m.cell(role, db).paths.get("CONNECT", [])
        if any(not p.requires_set_role for p in paths):
            continue
        holders = ", ".join(sorted({i.grantee for i in ctx.snapshot.server.database_acl
                                    if i.privilege == "CONNECT"}))
        yield ctx.finding(
            "AUD130", f"{role} cannot connect to database {db}: every read and write of its hub fails",
            object=role, hub=ctx.hub_of(role), role=role,
            evidence=[f"{role} -[no CONNECT]-> database {db} (CONNECT held by: {holders or 'nobody'})"],
            keypath=f"roles.{role}", fix_sql=f"GRANT CONNECT ON DATABASE {q(db)} TO {q(role)};",
        )


def _event_triggers(ctx: AuditContext) -> Iterator[Finding]:
    funcs = {f.signature: f for f in ctx.snapshot.functions}
    for e in ctx.snapshot.event_triggers:
        ctx.mark_checked("AUD132", e.name)
        fn = funcs.get(e.function)
        if fn is None:
            continue
        owner = ctx.snapshot.role(fn.owner)
        if owner is None or owner.superuser:
            continue
        yield ctx.finding(
            "AUD132", f"event trigger {e.name} ({e.event}) runs {e.function}, owned by {fn.owner}: {fn.owner} "
                      "can replace it and run code as every role that runs DDL, superusers included",
            object=e.name, hub=ctx.hub_of(fn.owner), role=fn.owner,
            evidence=[f"{fn.owner} -[owns {e.function}, run by event trigger {e.name} on {e.event}]-> "
                      "every role running DDL"],
            keypath=f"roles.{fn.owner}" if fn.owner in ctx.policy.roles else "database",
            fix_sql=f"ALTER FUNCTION {q(fn.schema)}.{q(fn.name)}({fn.identity_args}) OWNER TO "
                    f"{q(e.owner)};",
        )


def _mappings(ctx: AuditContext) -> Iterator[Finding]:
    servers = {s.name: s for s in ctx.snapshot.foreign_servers}
    db = ctx.snapshot.server.database
    for um in ctx.snapshot.user_mappings:
        srv = servers.get(um.server)
        if srv is None or srv.wrapper != "postgres_fdw" or um.options_visible:
            continue
        if srv.options.get("dbname", db) != db:
            continue
        ctx.mark_checked("AUD131", f"{um.server}/{um.user}")
        yield ctx.finding(
            "AUD131", f"user mapping for {um.user} on postgres_fdw server {um.server} may log back into "
                      f"{db}: its options (the remote user) are not visible to {ctx.snapshot.server.current_user}, "
                      "so who it logs in as is not verified",
            object=f"{um.server}/{um.user}", role=None if um.user == PUBLIC else um.user,
            evidence=[f"{um.user} -[user mapping, options hidden]-> server {um.server} "
                      f"({', '.join(f'{k}={v}' for k, v in sorted(srv.options.items())) or 'no host/dbname'})"],
            keypath="database", severity=Severity.HIGH,
            fix_sql=None,
        )

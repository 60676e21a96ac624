"""A reference catalog reader: the plainest mapping of ``reference_queries`` onto the model.

Tests compare ``ownaudit.catalog.reader`` with it field by field.

Everything is read inside ONE ``REPEATABLE READ READ ONLY`` transaction, so the
snapshot is consistent and the reader cannot write even by mistake. The SQL lives
in ``ownaudit.catalog.queries``; this module only runs it and maps OIDs to names.
"""

from __future__ import annotations

import datetime as _dt
import gc
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import reference_queries as Q
from ownaudit.catalog.model import (
    PUBLIC,
    AclItem,
    CatalogSnapshot,
    CodeUseInfo,
    ColumnInfo,
    DefaultAclInfo,
    EventTriggerInfo,
    ForeignKeyInfo,
    ForeignServerInfo,
    FunctionInfo,
    MembershipInfo,
    PolicyInfo,
    RelationInfo,
    RoleInfo,
    RoleSettingInfo,
    RuleInfo,
    SchemaInfo,
    ServerInfo,
    TriggerInfo,
    TypeInfo,
    UserMappingInfo,
)
from ownaudit.connect import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_LOCK_TIMEOUT_MS,
    DEFAULT_STATEMENT_TIMEOUT_MS,
    connection_error,
    open_readonly,
)

if TYPE_CHECKING:  # pragma: no cover
    import psycopg

_FK_ACTIONS = {"a": "no action", "r": "restrict", "c": "cascade", "n": "set null", "d": "set default"}
_POLICY_COMMANDS = {"*": "ALL", "r": "SELECT", "a": "INSERT", "w": "UPDATE", "d": "DELETE"}
_RULE_EVENTS = {"1": "SELECT", "2": "UPDATE", "3": "INSERT", "4": "DELETE"}
_DEFACL_TYPES = {
    "r": "table",
    "S": "sequence",
    "f": "function",
    "T": "type",
    "n": "schema",
    "L": "large_object",
}
# pg_trigger.tgtype bits (src/include/catalog/pg_trigger.h)
_TG_ROW, _TG_BEFORE, _TG_INSERT, _TG_DELETE, _TG_UPDATE, _TG_TRUNCATE, _TG_INSTEAD = 1, 2, 4, 8, 16, 32, 64


def read_catalog(
    source: str | psycopg.Connection[Any],
    *,
    schemas: Sequence[str] | None = None,
    connect_timeout: int = DEFAULT_CONNECT_TIMEOUT,
    statement_timeout_ms: int = DEFAULT_STATEMENT_TIMEOUT_MS,
    lock_timeout_ms: int = DEFAULT_LOCK_TIMEOUT_MS,
) -> CatalogSnapshot:
    """Read the catalog of a DSN (opened read-only here) or of an open connection.

    ``schemas`` limits relations, functions, policies, triggers, rules and default
    privileges to those schemas (``public``'s own ACL is always read). Roles and
    memberships are cluster-wide and always read in full. Any database error is an
    ``IncompleteError`` whose one-line cause never contains the password.
    """
    if isinstance(source, str):
        conn = open_readonly(
            source,
            connect_timeout=connect_timeout,
            statement_timeout_ms=statement_timeout_ms,
            lock_timeout_ms=lock_timeout_ms,
        )
        try:
            return _read(conn, schemas, source)
        finally:
            conn.close()
    return _read_on(source, schemas)


def _read_on(conn: psycopg.Connection[Any], schemas: Sequence[str] | None) -> CatalogSnapshot:
    """Read on a caller's connection: in its open transaction, or in a READ ONLY one of our own."""
    from psycopg import IsolationLevel
    from psycopg.pq import TransactionStatus

    if conn.info.transaction_status != TransactionStatus.IDLE:
        return _read(conn, schemas, "")
    saved = (conn.autocommit, conn.read_only, conn.isolation_level)
    try:
        conn.autocommit = False
        conn.read_only = True
        conn.isolation_level = IsolationLevel.REPEATABLE_READ
        try:
            return _read(conn, schemas, "")
        finally:
            if not conn.closed:
                conn.rollback()
    finally:
        if not conn.closed:
            conn.autocommit, conn.read_only, conn.isolation_level = saved


class _Runner:
    """Runs catalog queries and counts them (the count is part of the snapshot)."""

    def __init__(self, conn: psycopg.Connection[Any], params: dict[str, Any]) -> None:
        self.conn = conn
        self.params = params
        self.count = 0

    def rows(self, query: str) -> list[tuple[Any, ...]]:
        self.count += 1
        with self.conn.cursor() as cur:
            cur.execute(query, self.params if "%(" in query else None)
            return cur.fetchall()


def _read(conn: psycopg.Connection[Any], schemas: Sequence[str] | None, dsn: str) -> CatalogSnapshot:
    import psycopg

    params = {"schemas": list(schemas) if schemas is not None else None}
    run = _Runner(conn, params)
    gc_was_enabled = gc.isenabled()
    gc.disable()  # ~100k acyclic records: the cyclic GC would rescan them over and over
    try:
        return _build(run)
    except psycopg.Error as exc:
        raise connection_error(exc, dsn, _where(conn)) from None
    finally:
        if gc_was_enabled:
            gc.enable()


def _where(conn: psycopg.Connection[Any]) -> str:
    try:
        from ownaudit.connect import display_dsn

        info = conn.info
        # same quoting as connection errors: dbname='Marketing DB' stays one value on the line
        conninfo = f"host={info.host} port={info.port} dbname='{_kv(info.dbname)}' user='{_kv(info.user)}'"
        return display_dsn(conninfo, env={})
    except Exception:
        return "<connection>"


def _build(run: _Runner) -> CatalogSnapshot:
    ((version_num, version, database, db_owner, current_user, is_super, db_acl, settings, privs),) = run.rows(
        Q.SERVER_AND_DATABASE
    )
    roles: list[RoleInfo] = []
    names: dict[int, str] = {0: PUBLIC}
    for oid, name, sup, inh, crole, cdb, login, repl, bypass, config in run.rows(Q.ROLES):
        names[oid] = name
        roles.append(
            RoleInfo(
                name=name,
                oid=oid,
                superuser=sup,
                inherit=inh,
                createrole=crole,
                createdb=cdb,
                login=login,
                replication=repl,
                bypassrls=bypass,
                predefined=name.startswith("pg_") and oid < 16384,
                config=list(config),
            )
        )

    def role(oid: int | None) -> str:
        if oid is None:
            return ""
        return names.get(oid) or str(oid)

    # Most relations share a handful of distinct ACLs: parse each distinct text once, share the
    # (frozen) AclItems, and give every object its own list.
    acl_cache: dict[str, list[AclItem]] = {}

    def acl(text: str | None) -> list[AclItem]:
        if not text:
            return []
        got = acl_cache.get(text)
        if got is None:
            got = acl_cache[text] = [
                AclItem(role(g), role(gr), p, bool(ok)) for g, gr, p, ok in json.loads(text)
            ]
        return list(got)

    server = ServerInfo(
        version_num=version_num,
        version=version,
        database=database,
        database_owner=db_owner,
        current_user=current_user,
        current_user_is_superuser=bool(is_super),
        database_acl=acl(db_acl),
        settings=dict(settings or {}),
        privileges={k: list(v or []) for k, v in (privs or {}).items()},
    )

    memberships = [
        MembershipInfo(
            role=role(r),
            member=role(m),
            grantor=role(g) if g else None,
            admin=bool(adm),
            inherit=bool(inh),
            set_option=bool(st),
        )
        for r, m, g, adm, inh, st in run.rows(
            Q.MEMBERSHIPS_PG16 if version_num >= 160000 else Q.MEMBERSHIPS_LEGACY
        )
    ]

    schemas = [SchemaInfo(name=n, oid=oid, owner=role(o), acl=acl(a)) for oid, n, o, a in run.rows(Q.SCHEMAS)]

    relations: list[RelationInfo] = []
    by_oid: dict[int, RelationInfo] = {}
    for oid, nsp, name, kind, owner, racl, rls, forced, part, parent, options, events, inh, srv in run.rows(
        Q.RELATIONS
    ):
        rel = RelationInfo(
            schema=nsp,
            name=name,
            oid=oid,
            relkind=kind,
            owner=role(owner),
            acl=acl(racl),
            rls_enabled=rls,
            rls_forced=forced,
            is_partition=part,
            parent=parent,
            options=list(options),
            view_updatable=bool(events),
            inherits=list(inh or []),
            foreign_server=srv,
        )
        relations.append(rel)
        by_oid[oid] = rel

    for relid, name, num, typ, notnull, ident, default, generated, cacl in run.rows(Q.COLUMNS):
        target = by_oid.get(relid)
        if target is not None:
            target.columns.append(
                ColumnInfo(
                    name=name,
                    attnum=num,
                    type=typ,
                    not_null=notnull,
                    identity=ident or "",
                    default=default,
                    generated=generated or "",
                    acl=acl(cacl),
                )
            )

    for view_oid, nsp, name in run.rows(Q.VIEW_SOURCES):
        target = by_oid.get(view_oid)
        if target is not None:
            target.view_sources.append(f"{nsp}.{name}")
    for rel in relations:
        rel.view_sources.sort()

    for seq_oid, nsp, table, column, _deptype in run.rows(Q.SEQUENCE_OWNERS):
        target = by_oid.get(seq_oid)
        if target is not None:
            target.owned_by = f"{nsp}.{table}.{column}"

    policies = [
        PolicyInfo(
            table=f"{nsp}.{table}",
            name=name,
            command=_POLICY_COMMANDS.get(cmd, cmd),
            permissive=bool(permissive),
            roles=sorted(role(r) for r in proles),
            using=using,
            with_check=check,
        )
        for nsp, table, name, cmd, permissive, proles, using, check in run.rows(Q.POLICIES)
    ]

    foreign_keys = [
        ForeignKeyInfo(
            name=name,
            child=f"{cn}.{ct}",
            child_columns=list(ccols),
            parent=f"{pn}.{pt}",
            parent_columns=list(pcols),
            on_delete=_FK_ACTIONS.get(dele, dele),
            on_update=_FK_ACTIONS.get(upd, upd),
            validated=bool(valid),
        )
        for name, cn, ct, ccols, pn, pt, pcols, dele, upd, valid in run.rows(Q.FOREIGN_KEYS)
    ]

    functions = [
        FunctionInfo(
            schema=nsp,
            name=name,
            oid=oid,
            identity_args=args,
            owner=role(owner),
            security_definer=bool(secdef),
            language=lang,
            kind=kind,
            acl=acl(facl),
            config=list(config),
            body=body,
            table_deps=sorted(deps),
            returns=returns or "",
        )
        for oid, nsp, name, args, owner, secdef, lang, kind, facl, config, body, deps, returns in run.rows(
            Q.FUNCTIONS_PG14 if version_num >= 140000 else Q.FUNCTIONS_LEGACY
        )
    ]

    triggers = [
        TriggerInfo(
            table=f"{nsp}.{table}",
            name=name,
            function=func,
            enabled=enabled,
            events=_trigger_events(tgtype),
            timing=_trigger_timing(tgtype),
            level="ROW" if tgtype & _TG_ROW else "STATEMENT",
        )
        for nsp, table, name, func, enabled, tgtype in run.rows(Q.TRIGGERS)
    ]
    triggers += [
        TriggerInfo(
            table=f"{nsp}.{table}",
            name=name,
            function=func,
            enabled=enabled,
            events=_trigger_events(tgtype),
            timing=_trigger_timing(tgtype),
            level="ROW" if tgtype & _TG_ROW else "STATEMENT",
            internal=True,
            constraint=con,
        )
        for nsp, table, name, func, enabled, tgtype, con in run.rows(Q.DISABLED_INTERNAL_TRIGGERS)
    ]

    rules = [
        RuleInfo(
            table=f"{nsp}.{table}",
            name=name,
            event=_RULE_EVENTS.get(ev, ev),
            instead=bool(instead),
            definition=definition or "",
        )
        for nsp, table, name, ev, instead, definition in run.rows(Q.RULES)
    ]

    default_acls = [
        DefaultAclInfo(
            creator=role(creator), schema=nsp, objtype=_DEFACL_TYPES.get(objtype, objtype), acl=acl(dacl)
        )
        for creator, nsp, objtype, dacl in run.rows(Q.DEFAULT_ACLS)
    ]

    code_uses = [
        CodeUseInfo(kind=kind, table=f"{nsp}.{table}" if nsp else "", name=domain if kind == "domain" else obj,
                    function=func, expression=expr or "")
        for kind, nsp, table, obj, domain, func, expr in run.rows(Q.CODE_USES)
    ]
    types = [
        TypeInfo(schema=nsp, name=name, kind=kind, owner=role(owner), columns=sorted(cols or []))
        for nsp, name, kind, owner, cols in run.rows(Q.TYPES)
    ]
    event_triggers = [
        EventTriggerInfo(name=name, event=event, function=func, owner=role(owner), enabled=enabled)
        for name, event, func, owner, enabled in run.rows(Q.EVENT_TRIGGERS)
    ]
    role_settings = [
        RoleSettingInfo(role=role(r) if r else None, database=dbname, settings=list(config or []))
        for r, dbname, config in run.rows(Q.ROLE_SETTINGS)
    ]
    foreign_servers = [
        ForeignServerInfo(name=name, wrapper=fdw, owner=role(owner),
                          options=dict(o.split("=", 1) for o in (opts or []) if "=" in o), acl=acl(sacl))
        for name, fdw, owner, opts, sacl in run.rows(Q.FOREIGN_SERVERS)
    ]
    user_mappings = [
        UserMappingInfo(server=srv, user=role(user) if user else PUBLIC, option_names=sorted(names or []),
                        remote_user=remote, options_visible=bool(visible))
        for srv, user, visible, names, remote in run.rows(Q.USER_MAPPINGS)
    ]

    return CatalogSnapshot(
        server=server,
        roles=roles,
        memberships=memberships,
        schemas=schemas,
        relations=relations,
        policies=policies,
        foreign_keys=foreign_keys,
        functions=functions,
        triggers=triggers,
        rules=rules,
        default_acls=default_acls,
        code_uses=code_uses,
        types=types,
        event_triggers=event_triggers,
        role_settings=role_settings,
        foreign_servers=foreign_servers,
        user_mappings=user_mappings,
        taken_at=_dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        query_count=run.count,
    )


def _trigger_events(tgtype: int) -> list[str]:
    bits = (
        (_TG_INSERT, "INSERT"),
        (_TG_UPDATE, "UPDATE"),
        (_TG_DELETE, "DELETE"),
        (_TG_TRUNCATE, "TRUNCATE"),
    )
    return [name for bit, name in bits if tgtype & bit]


def _trigger_timing(tgtype: int) -> str:
    if tgtype & _TG_INSTEAD:
        return "INSTEAD OF"
    return "BEFORE" if tgtype & _TG_BEFORE else "AFTER"


def _kv(value: str) -> str:
    """A value quoted for a key=value conninfo string."""
    return value.replace("\\", "\\\\").replace("'", "\\'")

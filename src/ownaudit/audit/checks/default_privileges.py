"""AUD070/AUD071: ALTER DEFAULT PRIVILEGES per (creator role, schema, object type).

``GRANT ... ON ALL TABLES`` is one-shot; only default privileges reach the
tables the next migration creates. They must give the matrix's access, and
no more.
"""

from __future__ import annotations

from collections.abc import Iterator

from ownaudit.audit.context import AuditContext, q
from ownaudit.catalog.model import PUBLIC, AclItem
from ownaudit.findings import Finding
from ownaudit.policy.model import TableRef
from ownaudit.privileges import STRUCTURAL, WRITE

FUTURE = "<future table>"
OBJ_SQL = {"table": "TABLES", "sequence": "SEQUENCES"}
TABLE_RISKY = frozenset(p.value for p in WRITE | STRUCTURAL)  # "too broad" = write power, not reads
SEQUENCE_RISKY = frozenset({"USAGE", "UPDATE"})


def _future(schema: str) -> TableRef:
    return TableRef(schema, FUTURE)


def _expected(ctx: AuditContext, role: str, schema: str, objtype: str) -> set[str]:
    if objtype == "table":
        return {p.value for p in ctx.expected.schema_table(role, schema)}
    return set(ctx.expected.schema_sequence(role, schema))


def _effective(ctx: AuditContext, creator: str, schema: str, objtype: str) -> list[AclItem]:
    items: list[AclItem] = []
    for d in ctx.snapshot.default_acls:
        if d.creator == creator and d.objtype == objtype and d.schema in (schema, None):
            items += d.acl
    return items


def _creators(ctx: AuditContext, schema: str) -> list[str]:
    out: list[str] = []
    expected = ctx.policy.schemas[schema].owner_role or ctx.policy.database.owner_role
    if expected and ctx.role_exists(expected):
        out.append(expected)
    for g in ctx.governed("rp"):
        if g.ref.schema == schema and not g.rel.is_partition and g.rel.owner not in out:
            out.append(g.rel.owner)
    return out


def check(ctx: AuditContext) -> Iterator[Finding]:
    yield from _missing(ctx)
    yield from _broad(ctx)


def _missing(ctx: AuditContext) -> Iterator[Finding]:
    for schema, spec in ctx.policy.schemas.items():
        if not spec.governed or ctx.snapshot.schema(schema) is None:
            continue
        for creator in _creators(ctx, schema):
            for objtype in ("table", "sequence"):
                obj = f"{creator}/{schema}/{objtype}"
                ctx.mark_checked("AUD070", obj)
                items = _effective(ctx, creator, schema, objtype)
                missing: dict[str, list[str]] = {}
                for role in ctx.app_roles():
                    want = _expected(ctx, role, schema, objtype)
                    if not want or role == creator:
                        continue
                    via = set(ctx.graph.privileges_of(role)) | {PUBLIC}
                    got = {i.privilege for i in items if i.grantee in via}
                    lack = sorted(want - got)
                    if lack:
                        missing[role] = lack
                if not missing:
                    continue
                what = OBJ_SQL[objtype]
                yield ctx.finding(
                    "AUD070",
                    f"{objtype}s {creator} creates in schema {schema} get no grants for "
                    + ", ".join(f"{r} ({', '.join(p)})" for r, p in missing.items()),
                    object=obj, hub=spec.owner, role=creator,
                    evidence=[f"default privileges FOR ROLE {creator} IN SCHEMA {schema} ON {what}: "
                              + (", ".join(f"{i.grantee}={i.privilege}" for i in items) or "none")]
                    + [f"{r} needs {', '.join(p)} on every new {objtype}" for r, p in missing.items()],
                    keypath=f"schemas.{schema}",
                    fix_sql="\n".join(
                        f"ALTER DEFAULT PRIVILEGES FOR ROLE {q(creator)} IN SCHEMA {q(schema)} "
                        f"GRANT {', '.join(p)} ON {what} TO {q(r)};" for r, p in missing.items()),
                )


def _broad(ctx: AuditContext) -> Iterator[Finding]:
    governed = [s for s, spec in ctx.policy.schemas.items() if spec.governed]
    for d in ctx.snapshot.default_acls:
        if d.objtype not in OBJ_SQL:
            continue
        scope = [d.schema] if d.schema else governed
        scope = [s for s in scope if s in ctx.policy.schemas and ctx.policy.schemas[s].governed]
        if not scope:
            continue
        obj = f"{d.creator}/{d.schema or '*'}/{d.objtype}"
        ctx.mark_checked("AUD071", obj)
        bad: dict[str, set[str]] = {}
        for item in d.acl:
            if item.grantee == d.creator or (item.grantee != PUBLIC and ctx.is_trusted(item.grantee)):
                continue
            for schema in scope:
                allowed = _expected(ctx, item.grantee, schema, d.objtype) if item.grantee != PUBLIC else set()
                risky = TABLE_RISKY if d.objtype == "table" else SEQUENCE_RISKY
                too_much = item.privilege in risky and item.privilege not in allowed
                if too_much or item.grantable:
                    label = item.privilege + (" WITH GRANT OPTION" if item.grantable else "")
                    bad.setdefault(item.grantee, set()).add(label)
        for grantee, privs in sorted(bad.items()):
            plain = sorted({p.split(" ")[0] for p in privs})
            scope_sql = f" IN SCHEMA {q(d.schema)}" if d.schema else ""
            yield ctx.finding(
                "AUD071",
                f"new {d.objtype}s {d.creator} creates in "
                f"{('schema ' + d.schema) if d.schema else 'any schema'} "
                f"give {grantee} {', '.join(sorted(privs))}",
                object=obj, hub=ctx.policy.schemas[scope[0]].owner if d.schema else None, role=grantee,
                evidence=[f"default privileges FOR ROLE {d.creator}{scope_sql} ON {OBJ_SQL[d.objtype]}: "
                          f"{grantee} -[default]-> {p}" for p in sorted(privs)],
                keypath=f"schemas.{d.schema}" if d.schema else "schemas",
                fix_sql=f"ALTER DEFAULT PRIVILEGES FOR ROLE {q(d.creator)}{scope_sql} "
                        f"REVOKE {', '.join(plain)} ON {OBJ_SQL[d.objtype]} FROM {q(grantee)};",
            )

"""AUD030: tables, views, sequences, schemas and functions owned by the wrong role.

The owner holds every privilege and can grant them away, so ownership is the
first thing that must match the matrix.
"""

from __future__ import annotations

from collections.abc import Iterator

from ownaudit.audit.context import AuditContext, q, qref
from ownaudit.findings import Finding, Severity

ALTER_KIND = {"r": "TABLE", "p": "TABLE", "f": "FOREIGN TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW",
              "S": "SEQUENCE"}
RULE = "AUD030"


def _owner_keypath(ctx: AuditContext, schema: str, table_keypath: str | None) -> str:
    if table_keypath and table_keypath.count(".") >= 3:
        spec_schema = ctx.policy.schemas[schema]
        name = table_keypath.rsplit(".", 1)[1]
        if spec_schema.tables[name].owner_role:
            return f"{table_keypath}.owner_role"
    s = ctx.policy.schemas.get(schema)
    if s is not None and s.owner_role:
        return f"schemas.{schema}.owner_role"
    return "database.owner_role"


def check(ctx: AuditContext) -> Iterator[Finding]:
    for g in ctx.governed(ALTER_KIND):
        expected = ctx.policy.expected_owner_role(g.ref)
        if not expected:
            continue
        ctx.mark_checked(RULE, g.name)
        if g.rel.owner == expected:
            continue
        kind = ALTER_KIND[g.rel.relkind]
        yield ctx.finding(
            RULE,
            f"{kind.lower()} {g.name} is owned by {g.rel.owner}, the policy expects {expected}",
            object=g.name, hub=g.hub, role=g.rel.owner,
            evidence=[f"{g.rel.owner} -[owner]-> ALL on {g.name}"],
            keypath=_owner_keypath(ctx, g.ref.schema, g.keypath),
            fix_sql=f"ALTER {kind} {qref(g.name)} OWNER TO {q(expected)};",
        )
    yield from _schemas(ctx)
    yield from _functions(ctx)


def _expected_schema_owner(ctx: AuditContext, name: str) -> str | None:
    spec = ctx.policy.schemas[name]
    return spec.owner_role or ctx.policy.database.owner_role


def _schemas(ctx: AuditContext) -> Iterator[Finding]:
    for name in ctx.policy.schemas:
        info = ctx.snapshot.schema(name)
        expected = _expected_schema_owner(ctx, name)
        if info is None or not expected:
            continue
        ctx.mark_checked(RULE, name)
        actual = info.owner
        if actual == expected:
            continue
        # PG15+: public belongs to pg_database_owner, i.e. whoever owns the database.
        if actual == "pg_database_owner" and ctx.snapshot.server.database_owner == expected:
            continue
        destroys = not ctx.is_trusted(actual)
        yield ctx.finding(
            RULE, f"schema {name} is owned by {actual}, the policy expects {expected}"
            + (f": {actual} can DROP every table in it, whoever owns them" if destroys else ""),
            severity=Severity.CRITICAL if destroys else None,
            object=name, hub=ctx.policy.schemas[name].owner, role=actual,
            evidence=[f"{actual} -[owner]-> schema {name}"],
            keypath=_owner_keypath(ctx, name, None),
            fix_sql=f"ALTER SCHEMA {q(name)} OWNER TO {q(expected)};",
        )


def _functions(ctx: AuditContext) -> Iterator[Finding]:
    for fn in ctx.snapshot.functions:
        spec = ctx.policy.schemas.get(fn.schema)
        if spec is None or not spec.governed:
            continue
        expected = _expected_schema_owner(ctx, fn.schema)
        if not expected:
            continue
        sig = fn.signature
        ctx.mark_checked(RULE, sig)
        if fn.owner == expected:
            continue
        kind = "PROCEDURE" if fn.kind == "p" else "AGGREGATE" if fn.kind == "a" else "FUNCTION"
        yield ctx.finding(
            RULE, f"{kind.lower()} {sig} is owned by {fn.owner}, the policy expects {expected}",
            object=sig, hub=spec.owner, role=fn.owner,
            evidence=[f"{fn.owner} -[owner]-> {sig}"],
            keypath=_owner_keypath(ctx, fn.schema, None),
            fix_sql=f"ALTER {kind} {q(fn.schema)}.{q(fn.name)}({fn.identity_args}) OWNER TO {q(expected)};",
        )

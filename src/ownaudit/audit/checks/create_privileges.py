"""AUD060-AUD062: CREATE on another hub's schema, on public, or on the database.

CREATE is how a hub plants objects (functions, views, triggers) where other
hubs' code will resolve names, so it is checked by every path, SET ROLE included.
"""

from __future__ import annotations

from collections.abc import Iterator

from ownaudit.audit.context import AuditContext, q
from ownaudit.catalog.model import PUBLIC
from ownaudit.findings import Finding


def _fix(obj_sql: str, holder: str, paths: list[str]) -> str:
    starts = (f"{holder} -[grant]->", "PUBLIC -[grant]->", f"{holder} -[owner]->")
    direct = any(p.startswith(starts) for p in paths)
    sql = f"REVOKE CREATE ON {obj_sql} FROM {q(holder)};"
    return sql if direct else f"{sql}  -- and revoke the membership shown in the evidence"


def check(ctx: AuditContext) -> Iterator[Finding]:
    for info in ctx.snapshot.schemas:
        spec = ctx.policy.schemas.get(info.name)
        if info.name == "public":
            ctx.mark_checked("AUD061", "public")
            for holder, paths in ctx.holders("schema", info.name, "CREATE").items():
                yield ctx.finding(
                    "AUD061", f"{holder} can CREATE objects in schema public",
                    object="public", hub=spec.owner if spec else None, role=holder,
                    evidence=[f"{p} on schema public" for p in paths],
                    keypath="schemas.public" if spec else None,
                    fix_sql=_fix("SCHEMA public", holder, paths),
                )
            continue
        if spec is None or not spec.governed:
            continue
        ctx.mark_checked("AUD060", info.name)
        for holder, paths in ctx.holders("schema", info.name, "CREATE").items():
            hub = ctx.hub_of(holder)
            if holder != PUBLIC and spec.owner is not None and hub == spec.owner:
                continue
            if holder != PUBLIC and hub is not None and ctx.role_kind(holder) == "writer" \
                    and ctx.policy.hub_may_create(hub, info.name):  # a schema writer with create: true
                continue
            yield ctx.finding(
                "AUD060",
                f"{holder} can CREATE objects in schema {info.name}, owned by {spec.owner or 'no hub'}",
                object=info.name, hub=spec.owner, role=holder,
                evidence=[f"{p} on schema {info.name}" for p in paths],
                keypath=f"schemas.{info.name}.owner", fix_sql=_fix(f"SCHEMA {q(info.name)}", holder, paths),
            )
    srv = ctx.snapshot.server
    ctx.mark_checked("AUD062", srv.database)
    for holder, paths in ctx.holders("database", srv.database, "CREATE").items():
        yield ctx.finding(
            "AUD062", f"{holder} can CREATE schemas in database {srv.database}",
            object=srv.database, hub=ctx.hub_of(holder), role=holder,
            evidence=[f"{p} on database {srv.database}" for p in paths], keypath="database",
            fix_sql=_fix(f"DATABASE {q(srv.database)}", holder, paths),
        )

"""AUD080-AUD082: the database and the matrix must list the same tables and roles."""

from __future__ import annotations

from collections.abc import Iterator

from ownaudit.audit.context import AuditContext
from ownaudit.findings import Finding, Severity

KIND_WORD = {"r": "table", "p": "partitioned table", "f": "foreign table", "v": "view",
             "m": "materialized view"}


def check(ctx: AuditContext) -> Iterator[Finding]:
    for g in ctx.governed("rpfvm"):
        if g.rel.is_partition:
            continue  # governed by its listed parent
        ctx.mark_checked("AUD080", g.name)
        if g.spec.declared:
            continue
        yield ctx.finding(
            "AUD080", f"{KIND_WORD[g.rel.relkind]} {g.name} is in governed schema {g.ref.schema} but not in "
                      f"the matrix (it belongs to {g.hub or 'no hub'} by default)",
            object=g.name, hub=g.hub, role=g.rel.owner,
            evidence=[f"{g.name}: relkind {g.rel.relkind}, owner {g.rel.owner}"],
            keypath=f"schemas.{g.ref.schema}.tables",
        )
    present = {r.qualified for r in ctx.snapshot.relations}
    for spec in ctx.policy.tables():
        name = str(spec.ref)
        ctx.mark_checked("AUD081", name)
        if name in present:
            continue
        writers = [r for r in ctx.policy.roles_of_hub(spec.owner) if ctx.role_kind(r) == "writer"] \
            if spec.owner else []
        yield ctx.finding(
            "AUD081", f"{name} is in the matrix but not in the database"
            + (f": every write of {spec.owner} ({', '.join(writers)}) to it fails" if writers else ""),
            object=name, hub=spec.owner, keypath=ctx.policy.table_keypath(spec.ref), location=spec.location,
            severity=Severity.HIGH if writers else None,
        )
    for role in ctx.policy.app_roles():
        ctx.mark_checked("AUD082", role)
        if ctx.role_exists(role):
            continue
        yield ctx.finding(
            "AUD082", f"role {role} of hub {ctx.hub_of(role)} does not exist in the database",
            object=role, hub=ctx.hub_of(role), role=role, keypath=f"roles.{role}",
            location=ctx.policy.roles[role].location,
        )

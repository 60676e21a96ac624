"""AUD050/AUD051: dangerous attributes on application roles or roles they can become.

Attributes are not inherited, but SET ROLE hands them over, so every role an
application role can SET ROLE to counts as its own.
"""

from __future__ import annotations

from collections.abc import Iterator

from ownaudit.audit.context import AuditContext, q
from ownaudit.findings import Finding, Severity

NEON_SUPERUSER = "neon_superuser"
ATTR_SQL = {"superuser": "NOSUPERUSER", "bypassrls": "NOBYPASSRLS", "createrole": "NOCREATEROLE",
            "createdb": "NOCREATEDB", "replication": "NOREPLICATION"}


def check(ctx: AuditContext) -> Iterator[Finding]:
    for role in ctx.app_roles():
        spec = ctx.policy.roles[role]
        kp = f"roles.{role}"
        ctx.mark_checked("AUD050", role)
        info = ctx.snapshot.role(role)
        assert info is not None
        targets = {role: role} if info.superuser else ctx.graph.settable(role)
        for target, chain in sorted(targets.items()):
            tinfo = ctx.snapshot.role(target)
            if tinfo is None or target == NEON_SUPERUSER:
                continue
            bad = sorted(tinfo.attributes() & spec.forbidden_attributes)
            if not bad:
                continue
            names = ", ".join(a.upper() for a in bad)
            via = "" if target == role else f" through SET ROLE {target}"
            fix = f"ALTER ROLE {q(target)} {' '.join(ATTR_SQL.get(a, 'NO' + a.upper()) for a in bad)};"
            if target != role:
                fix = f"REVOKE {q(target)} FROM {q(role)};  -- or: {fix}"
            yield ctx.finding(
                "AUD050", f"{role} has {names}{via}",
                object=role if target == role else target, hub=spec.hub, role=role,
                evidence=[f"{chain} -[attribute]-> {a.upper()}" for a in bad],
                keypath=f"{kp}.forbidden_attributes",
                fix_sql=fix,
                severity=Severity.CRITICAL if "superuser" in bad else None,
            )
        ctx.mark_checked("AUD051", role)
        member = ctx.graph.member_of_any(role)
        if NEON_SUPERUSER in member and role != NEON_SUPERUSER:
            direct = any(m.role == NEON_SUPERUSER for m in ctx.graph.edges.get(role, []))
            yield ctx.finding(
                "AUD051", f"{role} is a member of {NEON_SUPERUSER}",
                object=role, hub=spec.hub, role=role, evidence=[member[NEON_SUPERUSER]], keypath=kp,
                fix_sql=f"REVOKE {NEON_SUPERUSER} FROM {q(role)};" if direct else None,
            )

"""AUD110 and suppression: policy exceptions never hide a finding, they mark it.

A finding covered by a valid exception is kept with ``suppressed=True`` and the
exception's reason; an expired exception suppresses nothing and is a finding.
"""

from __future__ import annotations

from collections.abc import Iterator

from ownaudit.audit.context import AuditContext
from ownaudit.findings import Finding


def expired(ctx: AuditContext) -> Iterator[Finding]:
    for i, exc in enumerate(ctx.policy.exceptions):
        obj = f"{exc.rule}:{exc.object}"
        ctx.mark_checked("AUD110", obj)
        if not exc.expired(ctx.today):
            continue
        yield ctx.finding(
            "AUD110", f"exception for {exc.rule} on {exc.object} expired on {exc.expires.isoformat()}"
                      f"{' (' + exc.ticket + ')' if exc.ticket else ''}: {exc.reason}",
            object=obj, hub=exc.hub, role=exc.role, keypath=f"exceptions[{i}].expires",
            location=exc.location,
            evidence=[f"expires: {exc.expires.isoformat()}, today: {ctx.today.isoformat()}"],
        )


def apply(ctx: AuditContext, findings: list[Finding]) -> None:
    """Mark findings covered by a valid exception; note expired ones on the finding."""
    for f in findings:
        if f.rule_id == "AUD110":
            continue
        valid = None
        stale = None
        for exc in ctx.policy.exceptions:
            if not exc.matches(f.rule_id, f.object, f.hub, f.role):
                continue
            if exc.expired(ctx.today):
                stale = stale or exc
            else:
                valid = exc
                break
        if valid is not None:
            f.suppressed = True
            f.suppression = (f"policy exception until {valid.expires.isoformat()}"
                             f"{' (' + valid.ticket + ')' if valid.ticket else ''}: {valid.reason}")
            f.properties["exception"] = {"reason": valid.reason, "expires": valid.expires.isoformat(),
                                         "ticket": valid.ticket}
        elif stale is not None:
            f.properties["expired_exception"] = {"reason": stale.reason, "expires": stale.expires.isoformat(),
                                                 "ticket": stale.ticket}

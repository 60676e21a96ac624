"""AUD161: the catalog read is of a hub's own database, not the shared one.

Hubs declare their other databases (``hubs.<id>.databases``); a DSN that points at
one of them audits tables the policy does not govern, and the shared database
goes unaudited. A database whose name is neither the policy's nor a declared
one is left alone (names differ between branches and test copies).
"""

from __future__ import annotations

from collections.abc import Iterator

from ownaudit.audit.context import AuditContext
from ownaudit.findings import Finding


def check(ctx: AuditContext) -> Iterator[Finding]:
    audited = ctx.snapshot.server.database
    ctx.mark_checked("AUD161", audited)
    if audited == ctx.policy.database.name:
        return
    for hub in ctx.policy.hubs.values():
        for name, db in hub.databases.items():
            if db.database is not None and db.database == audited:
                yield ctx.finding(
                    "AUD161",
                    f"the audited database {audited} is {hub.id}'s own database {name!r} ({db.provider}"
                    f"{', host ' + db.host if db.host else ''}), not the shared database "
                    f"{ctx.policy.database.name}: this run says nothing about the shared database",
                    object=audited, hub=hub.id,
                    evidence=[f"connected to database {audited} as {ctx.snapshot.server.current_user}",
                              f"policy database.name: {ctx.policy.database.name}"],
                    keypath=f"hubs.{hub.id}.databases.{name}",
                )

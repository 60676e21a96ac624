"""AUD020-AUD022: REFERENCES/TRIGGER/MAINTAIN outside the owning hub; grant and ADMIN options.

These are not writes, but each lets another hub act on a table or hand out
access: a foreign key that blocks the owner, a trigger inside its writes, a
privilege granted onward without review.
"""

from __future__ import annotations

from collections.abc import Iterator

from ownaudit.audit.checks.writes import relevant_paths
from ownaudit.audit.classes import table_classes
from ownaudit.audit.context import AuditContext, Governed, q, qref
from ownaudit.audit.paths import revoke_sql
from ownaudit.catalog.model import PUBLIC
from ownaudit.findings import Finding, Severity
from ownaudit.privileges import STRUCTURAL, Privilege, sort_privileges

# End effects differ: TRIGGER runs the holder's code inside every writer's statement (it acts as each
# of them: AUD120 has the chain), REFERENCES lets it add a foreign key that blocks the owner's DELETE
# and UPDATE of keys, MAINTAIN (VACUUM, ANALYZE, REINDEX, CLUSTER, REFRESH, LOCK) can only block or slow.
_SEVERITY = {Privilege.TRIGGER: Severity.CRITICAL, Privilege.REFERENCES: Severity.HIGH,
             Privilege.MAINTAIN: Severity.MEDIUM}
_EFFECT = {Privilege.TRIGGER: "TRIGGER runs its code in every writer's statements, as that writer",
           Privilege.REFERENCES: "REFERENCES lets it add a foreign key that blocks the owner's deletes",
           Privilege.MAINTAIN: "MAINTAIN lets it lock, reindex or cluster the table"}


def check(ctx: AuditContext) -> Iterator[Finding]:
    subjects = ctx.subject_roles()
    governed = ctx.governed("rpf")
    for g in governed:
        ctx.mark_checked("AUD020", g.name)
    for c in table_classes(ctx, governed):  # the first member's verdict is every member's
        for role in subjects:
            got = _structural(ctx, c.first, role)
            if got is None:
                continue
            yield got
            for g in c.members[1:]:
                more = _structural(ctx, g, role)
                if more is not None:
                    yield more
    yield from _table_grant_options(ctx)
    yield from _schema_grant_options(ctx)
    yield from _admin_options(ctx)


def _structural(ctx: AuditContext, g: Governed, role: str) -> Finding | None:
    """AUD020 for ``role`` on ``g``, or None."""
    cell = ctx.matrix.cell(role, g.name)
    if not cell.paths:
        return None
    hub = ctx.hub_of(role)
    if hub is not None and hub == g.hub:
        return None
    held = {p: [x for x in relevant_paths(ctx, role, cell.paths.get(p, [])) if x.via != "owner"]
            for p in sort_privileges(STRUCTURAL)}
    held = {p: x for p, x in held.items() if x}
    if not held:
        return None
    return ctx.finding(
        "AUD020", f"{role} ({hub or 'not in the policy'}) holds "
                  f"{', '.join(p.value for p in held)} on {g.name}, "
                  f"owned by {g.hub or 'no hub'}: "
                  + "; ".join(_EFFECT[p] for p in held),
        severity=max((_SEVERITY[p] for p in held), key=lambda s: s.rank),
        object=g.name, hub=g.hub, role=role,
        evidence=[str(x) for paths in held.values() for x in paths], keypath=g.keypath,
        fix_sql="\n".join(dict.fromkeys(revoke_sql(x, p.value, g.name)
                                        for p, paths in held.items() for x in paths)),
    )


def _table_grant_options(ctx: AuditContext) -> Iterator[Finding]:
    """Grant options come from ACL entries, not from the owner's implicit rights."""
    for g in ctx.governed("rpfvm"):
        ctx.mark_checked("AUD021", g.name)
        held: dict[str, dict[str, str]] = {}
        items = [(i, "") for i in g.rel.acl] + [(i, f" ({c.name})") for c in g.rel.columns for i in c.acl]
        for item, col in items:
            if not item.grantable or item.grantee == g.rel.owner:
                continue
            if item.grantee != PUBLIC and ctx.is_trusted(item.grantee):
                continue
            held.setdefault(item.grantee, {})[item.privilege + col] = item.grantor
        for grantee, privs in sorted(held.items()):
            plain = sorted({p.split(" ")[0] for p in privs})
            yield ctx.finding(
                "AUD021", f"{grantee} can grant {', '.join(sorted(privs))} on {g.name} to others",
                object=g.name, hub=g.hub, role=grantee,
                evidence=[f"{grantee} -[grant by {grantor}, WITH GRANT OPTION]-> {p} on {g.name}"
                          for p, grantor in sorted(privs.items())],
                keypath=g.keypath,
                fix_sql=f"REVOKE GRANT OPTION FOR {', '.join(plain)} ON {qref(g.name)} FROM {q(grantee)};",
            )


def _schema_grant_options(ctx: AuditContext) -> Iterator[Finding]:
    for info in ctx.snapshot.schemas:
        spec = ctx.policy.schemas.get(info.name)
        if spec is None:
            continue
        ctx.mark_checked("AUD021", info.name)
        for item in info.acl:
            if not item.grantable or item.grantee == info.owner or (
                    item.grantee != PUBLIC and ctx.is_trusted(item.grantee)):
                continue
            yield ctx.finding(
                "AUD021", f"{item.grantee} can grant {item.privilege} on schema {info.name} to others",
                object=info.name, hub=spec.owner, role=item.grantee,
                evidence=[f"{item.grantee} -[grant by {item.grantor}]-> {item.privilege} on schema "
                          f"{info.name} WITH GRANT OPTION"],
                keypath=f"schemas.{info.name}",
                fix_sql=f"REVOKE GRANT OPTION FOR {item.privilege} ON SCHEMA {q(info.name)} "
                        f"FROM {q(item.grantee)};",
            )


def _admin_options(ctx: AuditContext) -> Iterator[Finding]:
    app = set(ctx.policy.roles)
    for m in ctx.snapshot.memberships:
        if not m.admin or (m.role not in app and m.member not in app):
            continue
        ctx.mark_checked("AUD022", f"{m.member}->{m.role}")
        if m.member not in app and ctx.is_trusted(m.member):
            continue
        yield ctx.finding(
            "AUD022", f"{m.member} holds ADMIN OPTION on {m.role}: it can make any role a member of {m.role}",
            object=m.role, hub=ctx.hub_of(m.role) or ctx.hub_of(m.member), role=m.member,
            evidence=[f"{m.member} -[member, ADMIN{', granted by ' + m.grantor if m.grantor else ''}]-> "
                      f"{m.role}"],
            keypath=f"roles.{m.role}" if m.role in app else f"roles.{m.member}",
            fix_sql=f"REVOKE ADMIN OPTION FOR {q(m.role)} FROM {q(m.member)};",
        )

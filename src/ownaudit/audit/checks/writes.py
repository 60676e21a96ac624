"""AUD001/AUD002: every write path to a governed table, judged against the matrix.

Uses the effective matrix (all paths: grants, column grants, PUBLIC,
memberships, ownership, predefined roles, superuser). Roles outside the
policy are judged on paths inside this database only: their cluster-wide
power (superuser, predefined roles) is an administrator's, not a hub's.
"""

from __future__ import annotations

from collections.abc import Iterator

from ownaudit.access import AccessPath
from ownaudit.audit.classes import table_classes
from ownaudit.audit.context import CLUSTER_VIA, AuditContext, Governed
from ownaudit.audit.paths import revoke_sql
from ownaudit.catalog.model import PUBLIC
from ownaudit.findings import Finding
from ownaudit.privileges import WRITE, Privilege, sort_privileges


def relevant_paths(ctx: AuditContext, role: str, paths: list[AccessPath]) -> list[AccessPath]:
    """Paths that count against ``role``: all of them for policy roles; for others, database-local
    paths except PUBLIC's (reported once, as PUBLIC)."""
    if role in ctx.policy.roles or role == PUBLIC:
        return paths
    return [p for p in paths if p.via not in CLUSTER_VIA and p.via != "public"]


def _allowed(ctx: AuditContext, role: str, g: Governed, priv: Privilege, path: AccessPath) -> bool:
    if priv in ctx.allowed(role, g.ref):
        return True
    if path.columns:
        cols = ctx.allowed_columns(role, g.ref).get(priv, frozenset())
        return set(path.columns) <= cols
    return False


_JUDGED = sort_privileges(WRITE | {Privilege.SELECT})


def check(ctx: AuditContext) -> Iterator[Finding]:
    subjects = [*ctx.subject_roles(), PUBLIC]
    hubs = {role: ctx.hub_of(role) for role in subjects}
    governed = ctx.governed("rpf")
    for g in governed:
        ctx.mark_checked("AUD001", g.name)
        ctx.mark_checked("AUD002", g.name)
    # A class's members share the verdict of its first member: the others are judged only when it has one.
    for c in table_classes(ctx, governed):
        for role in subjects:
            bad = _bad(ctx, role, c.first)
            if not bad:
                continue
            hub = hubs[role]
            yield from _judge(ctx, role, c.first, hub, bad)
            # The other members' cells hold the same paths in the same order (their name aside):
            # the same positions are the bad ones.
            where = {priv: [i for i, p in enumerate(ctx.matrix.cell(role, c.first.name).paths[priv])
                            if p in paths] for priv, paths in bad.items()}
            for g in c.members[1:]:
                cell = ctx.matrix.cell(role, g.name).paths
                yield from _judge(ctx, role, g, hub, {priv: [cell[priv][i] for i in idx]
                                                      for priv, idx in where.items()})


def _bad(ctx: AuditContext, role: str, g: Governed) -> dict[Privilege, list[AccessPath]]:
    """The paths of ``role`` on ``g`` the policy does not give it, per privilege."""
    cell = ctx.matrix.cell(role, g.name)
    bad: dict[Privilege, list[AccessPath]] = {}
    if not cell.paths:
        return bad
    for priv in _JUDGED:
        if priv == Privilege.SELECT and role not in ctx.policy.roles:
            continue
        paths = [p for p in relevant_paths(ctx, role, cell.paths.get(priv, []))
                 if not _allowed(ctx, role, g, priv, p)]
        if paths:
            bad[priv] = paths
    return bad


def _judge(ctx: AuditContext, role: str, g: Governed, hub: str | None,
           bad: dict[Privilege, list[AccessPath]]) -> list[Finding]:
    """AUD001/AUD002 findings of ``role`` on ``g`` from its bad paths (none, one or both)."""
    expected_owner = ctx.policy.expected_owner_role(g.ref)
    writes = {p: x for p, x in bad.items() if p in WRITE}
    cross = bool(writes) and not ctx.expected.hub_writes(hub, g.ref)
    groups = [("AUD001", writes), ("AUD002", {p: x for p, x in bad.items() if p not in WRITE})] \
        if cross else [("AUD002", bad)]
    return [_finding(ctx, rule, g, role, hub, shown, expected_owner) for rule, shown in groups if shown]


def _finding(ctx: AuditContext, rule: str, g: Governed, role: str, hub: str | None,
             shown: dict[Privilege, list[AccessPath]], expected_owner: str | None) -> Finding:
    privs = ", ".join(p.value for p in shown)
    evidence = [str(p) for paths in shown.values() for p in paths]
    fixes = dict.fromkeys(revoke_sql(p, priv.value, g.name, expected_owner)
                          for priv, paths in shown.items() for p in paths)
    who = (f"{role} ({hub})" if hub else "PUBLIC (every role)" if role == PUBLIC
           else f"{role} (not in the policy)")
    if rule == "AUD001" and g.spec.frozen is not None:
        msg = f"{who} can {privs} {g.name}, frozen until its migration ({g.spec.frozen.reason}): nobody may write it"
    elif rule == "AUD001":
        msg = f"{who} can {privs} {g.name}, owned by {g.hub or 'no hub'}"
    else:
        msg = f"{who} holds {privs} on {g.name}, which the policy does not give it"
    return ctx.finding(rule, msg, object=g.name, hub=g.hub, role=role, evidence=evidence,
                       keypath=f"{g.keypath}.owner" if g.spec.declared else g.keypath,
                       fix_sql="\n".join(fixes))

"""AUD040-AUD045: row-level security against the matrix, and what RLS silently does to each role.

The dangerous case is the quiet one: RLS enabled, a role granted SELECT, and no
permissive policy for it. PostgreSQL then returns zero rows without an error.
"""

from __future__ import annotations

from collections.abc import Iterator

from ownaudit.access import AccessPath
from ownaudit.audit.checks.writes import relevant_paths
from ownaudit.audit.classes import table_classes
from ownaudit.audit.context import AuditContext, Governed, q, qref
from ownaudit.catalog.model import PUBLIC, PolicyInfo
from ownaudit.findings import Finding
from ownaudit.policy.model import RlsPolicySpec
from ownaudit.privileges import Privilege

ROW_PRIVS = (Privilege.SELECT, Privilege.UPDATE, Privilege.DELETE)
WRITE_CMDS = ("ALL", "INSERT", "UPDATE", "DELETE")
CMD_PRIV = {"INSERT": Privilege.INSERT, "UPDATE": Privilege.UPDATE, "DELETE": Privilege.DELETE,
            "SELECT": Privilege.SELECT}


def _norm_roles(roles: list[str] | tuple[str, ...]) -> frozenset[str]:
    return frozenset(PUBLIC if r.lower() == "public" else r for r in roles)


def _describe(p: PolicyInfo) -> str:
    mode = "permissive" if p.permissive else "restrictive"
    return f"policy {p.name}: {mode} FOR {p.command} TO {', '.join(p.roles)}"


def _create_sql(table: str, name: str, command: str, roles: list[str] | tuple[str, ...] | frozenset[str],
                permissive: bool = True) -> str:
    clause = "WITH CHECK (true)" if command == "INSERT" else "USING (true)"
    mode = "" if permissive else " AS RESTRICTIVE"
    to = ", ".join(q(r) for r in sorted(_norm_roles(list(roles))))
    return f"CREATE POLICY {q(name)} ON {qref(table)}{mode} FOR {command} TO {to} {clause};"


def check(ctx: AuditContext) -> Iterator[Finding]:
    by_table: dict[str, list[PolicyInfo]] = {}
    for p in ctx.snapshot.policies:
        by_table.setdefault(p.table, []).append(p)
    tables = [g for g in ctx.governed("rp") if not g.rel.is_partition]  # a partition's RLS is its parent's
    silent: list[Finding] = []
    for g in tables:
        policies = by_table.get(g.name, [])
        yield from _expected(ctx, g, policies)
        if g.rel.rls_enabled:
            ctx.mark_checked("AUD042", g.name)
        yield from _broad_write(ctx, g, policies)
        if g.rel.rls_enabled:
            yield from _restrictive(ctx, g, policies)
    # AUD042 per class: the verdict reads the cell, the owner, the RLS flags and the policies' contents.
    enabled = [g for g in tables if g.rel.rls_enabled]
    for c in table_classes(ctx, enabled, lambda g: (g.rel.rls_forced, tuple(
            (p.name, p.command, tuple(p.roles), p.permissive) for p in by_table.get(g.name, [])))):
        for role in [PUBLIC, *ctx.subject_roles()]:
            got = _silent_empty(ctx, c.first, by_table.get(c.first.name, []), role)
            if got is None:
                continue
            silent.append(got)
            for g in c.members[1:]:
                more = _silent_empty(ctx, g, by_table.get(g.name, []), role)
                if more is not None:
                    silent.append(more)
    yield from silent


def _expected(ctx: AuditContext, g: Governed, actual: list[PolicyInfo]) -> Iterator[Finding]:
    spec = g.spec.rls
    if spec is None:
        return
    kp = f"{g.keypath}.rls"
    ctx.mark_checked("AUD040", g.name)
    if spec.enabled and not g.rel.rls_enabled:
        yield ctx.finding("AUD040", f"row-level security is required on {g.name} but disabled",
                          object=g.name, hub=g.hub, keypath=f"{kp}.enabled",
                          evidence=[f"{g.name}: relrowsecurity = false"],
                          fix_sql=f"ALTER TABLE {qref(g.name)} ENABLE ROW LEVEL SECURITY;")
    ctx.mark_checked("AUD041", g.name)
    if spec.enabled and spec.forced != g.rel.rls_forced:
        wanted = "forced" if spec.forced else "not forced"
        yield ctx.finding("AUD041", f"row-level security on {g.name} should be {wanted}",
                          object=g.name, hub=g.hub, keypath=f"{kp}.forced",
                          evidence=[f"{g.name}: relforcerowsecurity = {str(g.rel.rls_forced).lower()}"],
                          fix_sql=f"ALTER TABLE {qref(g.name)} {'' if spec.forced else 'NO '}"
                                  "FORCE ROW LEVEL SECURITY;")
    ctx.mark_checked("AUD045", g.name)
    by_name = {p.name: p for p in actual}
    for i, want in enumerate(spec.policies):
        got = by_name.get(want.name)
        wkp = f"{kp}.policies[{i}]"
        obj = f"{g.name}/{want.name}"
        if got is None:
            yield ctx.finding("AUD045", f"RLS policy {want.name} on {g.name} is missing",
                              object=obj, hub=g.hub, keypath=wkp, location=want.location,
                              evidence=[f"expected: {_describe_spec(want)}"],
                              fix_sql=_create_sql(g.name, want.name, want.command.upper(), want.roles,
                                                  want.permissive))
            continue
        diffs = []
        if got.command.upper() != want.command.upper():
            diffs.append(f"command {got.command} (expected {want.command.upper()})")
        if _norm_roles(got.roles) != _norm_roles(want.roles):
            diffs.append(f"roles {', '.join(sorted(got.roles))} (expected {', '.join(sorted(want.roles))})")
        if got.permissive != want.permissive:
            diffs.append("restrictive" if not got.permissive else "permissive")
        if diffs:
            yield ctx.finding("AUD045", f"RLS policy {want.name} on {g.name} differs: {'; '.join(diffs)}",
                              object=obj, hub=g.hub, keypath=wkp, location=want.location,
                              evidence=[_describe(got), f"expected: {_describe_spec(want)}"],
                              fix_sql=f"DROP POLICY {q(want.name)} ON {qref(g.name)};\n"
                                      + _create_sql(g.name, want.name, want.command.upper(), want.roles,
                                                    want.permissive))
    if spec.exhaustive:
        known = {p.name for p in spec.policies}
        for p in actual:
            if p.name not in known:
                yield ctx.finding("AUD045", f"RLS policy {p.name} on {g.name} is not in the matrix",
                                  object=f"{g.name}/{p.name}", hub=g.hub, keypath=f"{kp}.policies",
                                  evidence=[_describe(p)],
                                  fix_sql=f"DROP POLICY {q(p.name)} ON {qref(g.name)};")


def _describe_spec(p: RlsPolicySpec) -> str:
    mode = "permissive" if p.permissive else "restrictive"
    return f"policy {p.name}: {mode} FOR {p.command.upper()} TO {', '.join(p.roles)}"


def _applies(ctx: AuditContext, p: PolicyInfo, role: str, command: str) -> bool:
    if p.command.upper() not in ("ALL", command):
        return False
    roles = _norm_roles(p.roles)
    return PUBLIC in roles or bool(roles & set(ctx.graph.privileges_of(role)))


def _bypasses(ctx: AuditContext, g: Governed, role: str) -> bool:
    info = ctx.snapshot.role(role)
    if info is None or info.superuser or info.bypassrls:
        return True
    return not g.rel.rls_forced and g.rel.owner in ctx.graph.privileges_of(role)


def _direct(paths: list[AccessPath]) -> list[AccessPath]:
    return [p for p in paths if not p.requires_set_role]


def _silent_empty(ctx: AuditContext, g: Governed, policies: list[PolicyInfo], role: str) -> Finding | None:
    """AUD042 for ``role`` on ``g`` (RLS enabled), or None."""
    if role != PUBLIC and _bypasses(ctx, g, role):
        return None
    cell = ctx.matrix.cell(role, g.name)
    blind: list[str] = []
    evidence: list[str] = []
    for priv in ROW_PRIVS:
        paths = _direct(relevant_paths(ctx, role, cell.paths.get(priv, [])))
        if not paths:
            continue
        if any(p.permissive and _applies(ctx, p, role, priv.value) for p in policies):
            continue
        blind.append(priv.value)
        evidence += [str(p) for p in paths]
    if not blind:
        return None
    evidence += [_describe(p) for p in policies] or [f"{g.name} has no RLS policy at all"]
    reads = "sees zero rows" if "SELECT" in blind else "touches zero rows"
    name = f"{g.rel.name}_{role}_{'read' if 'SELECT' in blind else 'write'}"[:63]
    fix = "\n".join(_create_sql(g.name, name if len(blind) == 1 else f"{name}_{c.lower()}"[:63], c,
                                 [role]) for c in blind)
    return ctx.finding(
        "AUD042",
        f"{role} holds {', '.join(blind)} on {g.name} but no permissive RLS policy applies to it: "
        f"it silently {reads}",
        object=g.name, hub=g.hub, role=role, evidence=evidence,
        keypath=f"{g.keypath}.rls" if g.spec.rls else g.keypath, fix_sql=fix,
    )


def _broad_write(ctx: AuditContext, g: Governed, policies: list[PolicyInfo]) -> Iterator[Finding]:
    ctx.mark_checked("AUD043", g.name)
    for p in policies:
        cmd = p.command.upper()
        if cmd not in WRITE_CMDS or not p.permissive:
            continue
        privs = [CMD_PRIV[cmd]] if cmd in CMD_PRIV else [Privilege.INSERT, Privilege.UPDATE, Privilege.DELETE]
        bad: list[str] = []
        for r in sorted(_norm_roles(p.roles)):
            if r == PUBLIC:
                bad.append(r)
                continue
            if ctx.is_trusted(r):
                continue
            allowed = ctx.allowed(r, g.ref)
            if not any(x in allowed for x in privs):
                bad.append(r)
        if not bad:
            continue
        keep = [r for r in _norm_roles(p.roles) if r not in bad]
        fix = (f"ALTER POLICY {q(p.name)} ON {qref(g.name)} TO {', '.join(q(r) for r in sorted(keep))};"
               if keep else f"DROP POLICY {q(p.name)} ON {qref(g.name)};")
        for r in bad:
            yield ctx.finding(
                "AUD043", f"RLS policy {p.name} on {g.name} lets {r} {cmd if cmd != 'ALL' else 'write'} rows "
                          f"although {r} may not write it",
                object=f"{g.name}/{p.name}", hub=g.hub, role=r, evidence=[_describe(p)],
                keypath=f"{g.keypath}.rls" if g.spec.rls else g.keypath, fix_sql=fix,
            )


def _restrictive(ctx: AuditContext, g: Governed, policies: list[PolicyInfo]) -> Iterator[Finding]:
    ctx.mark_checked("AUD044", g.name)
    declared = {p.name for p in (g.spec.rls.policies if g.spec.rls else []) if not p.permissive}
    writers = [r for r in ctx.app_roles() if ctx.role_kind(r) == "writer"
               and set(ctx.allowed(r, g.ref)) & {Privilege.INSERT, Privilege.UPDATE,
                                                                   Privilege.DELETE}]
    for p in policies:
        if p.permissive or p.name in declared:
            continue
        for w in writers:
            if _bypasses(ctx, g, w):
                continue
            cmds = [c for c in ("INSERT", "UPDATE", "DELETE", "SELECT") if _applies(ctx, p, w, c)]
            if not cmds:
                continue
            yield ctx.finding(
                "AUD044", f"restrictive RLS policy {p.name} on {g.name} constrains the owning writer {w} "
                          f"({', '.join(cmds)})",
                object=f"{g.name}/{p.name}", hub=g.hub, role=w,
                evidence=[_describe(p)] + ([f"USING ({p.using})"] if p.using else []),
                keypath=f"{g.keypath}.rls" if g.spec.rls else g.keypath,
                fix_sql=f"DROP POLICY {q(p.name)} ON {qref(g.name)};",
            )

"""AUD100-AUD105: write and read paths no table grant shows.

SECURITY DEFINER functions, views owned by privileged roles, sequences and
triggers/rules all act with someone else's rights; each is checked for who can
reach it from outside the owning hub.
"""

from __future__ import annotations

from collections.abc import Iterator

from ownaudit.audit.classes import access_signature, base_key
from ownaudit.audit.context import AuditContext, Governed, q, qref
from ownaudit.audit.funcwrites import dynamic_sql, written_tables
from ownaudit.catalog.model import PUBLIC, FunctionInfo, RelationInfo
from ownaudit.findings import Finding, Severity
from ownaudit.privileges import Privilege

VIEW_WRITES = ("INSERT", "UPDATE", "DELETE")


def check(ctx: AuditContext) -> Iterator[Finding]:
    yield from _definers(ctx)
    yield from _views(ctx)
    yield from _sequences(ctx)
    yield from _triggers_rules(ctx)


def _may_write(ctx: AuditContext, role: str, g: Governed) -> bool:
    if role == PUBLIC:
        return False
    allowed = ctx.allowed(role, g.ref)
    return bool(allowed & {Privilege.INSERT, Privilege.UPDATE, Privilege.DELETE, Privilege.TRUNCATE})


def _fn_sql(fn: FunctionInfo) -> str:
    kind = "PROCEDURE" if fn.kind == "p" else "FUNCTION"
    return f"{kind} {q(fn.schema)}.{q(fn.name)}({fn.identity_args})"


def _definers(ctx: AuditContext) -> Iterator[Finding]:
    tables = ctx.governed("rpf")
    for fn in ctx.snapshot.functions:
        if not fn.security_definer:
            continue
        sig = fn.signature
        dynamic = dynamic_sql(fn)
        names = [g.name for g in tables if not g.rel.is_partition] if dynamic else written_tables(fn, tables)
        written = [g for g in (ctx.governed_by_name(t) for t in names) if g is not None]
        in_governed = fn.schema in ctx.policy.schemas and ctx.policy.schemas[fn.schema].governed
        pinned = any(c.lower().startswith("search_path=") for c in fn.config)
        if written or in_governed:
            ctx.mark_checked("AUD101", sig)
            if not pinned:
                yield ctx.finding(
                    "AUD101", f"SECURITY DEFINER {sig} (owner {fn.owner}) does not pin search_path",
                    object=sig, hub=written[0].hub if written else ctx.policy.schemas[fn.schema].owner,
                    role=fn.owner, evidence=[f"{sig}: prosecdef = true, proconfig = {fn.config or 'none'}"],
                    keypath=written[0].keypath if written else f"schemas.{fn.schema}",
                    fix_sql=f"ALTER {_fn_sql(fn)} SET search_path = pg_catalog, {q(fn.schema)}, pg_temp;",
                )
        if not written:
            continue
        ctx.mark_checked("AUD100", sig)
        holders = ctx.holders("function", sig, "EXECUTE")
        for holder, paths in holders.items():
            outside = [g for g in written if g.hub is None or not _may_write(ctx, holder, g)]
            if not outside or (holder != PUBLIC and ctx.is_trusted(holder)):
                continue
            default = holder == PUBLIC and not any(i.grantee == PUBLIC and i.grantor != fn.owner
                                                   for i in fn.acl)
            what = ("runs dynamic SQL (EXECUTE of a computed string), so it may write any governed table"
                    if dynamic else f"writes {', '.join(g.name for g in outside)}")
            shown = outside[:10]
            yield ctx.finding(
                "AUD100",
                f"{holder} can execute SECURITY DEFINER {sig}, which {what} as {fn.owner}"
                + (" (PUBLIC's default EXECUTE)" if default and holder == PUBLIC else ""),
                object=sig, hub=outside[0].hub, role=holder,
                evidence=[f"{p}{'' if str(p).endswith(sig) else ' on ' + sig} -[security definer, as {fn.owner}]-> "
                          f"{'may write' if dynamic else 'writes'} {g.name}" for p in paths for g in shown],
                keypath=outside[0].keypath,
                fix_sql=f"REVOKE EXECUTE ON {_fn_sql(fn)} FROM {q(holder)};",
            )


def _sources(ctx: AuditContext, rel: RelationInfo) -> list[Governed]:
    out = []
    for s in rel.view_sources:
        g = ctx.governed_by_name(s)
        if g is not None and g.rel.relkind in "rpf":
            out.append(g)
    return out


def _views(ctx: AuditContext) -> Iterator[Finding]:
    for rel in ctx.snapshot.relations:
        if rel.relkind not in "vm":
            continue
        bases = _sources(ctx, rel)
        if not bases:
            continue
        invoker = rel.relkind == "v" and any(o.lower().replace(" ", "") in ("security_invoker=true",
                                                                             "security_invoker=on",
                                                                             "security_invoker=1")
                                             for o in rel.options)
        name = rel.qualified
        if rel.relkind == "v" and rel.view_updatable and not invoker:
            ctx.mark_checked("AUD102", name)
            held: dict[str, dict[str, list[str]]] = {}
            for priv in VIEW_WRITES:
                for holder, paths in ctx.table_holders(name, priv).items():
                    if holder == PUBLIC or not ctx.is_trusted(holder):
                        held.setdefault(holder, {})[priv] = paths
            for holder, privs in held.items():
                outside = [g for g in bases if not _may_write(ctx, holder, g)]
                if not outside:
                    continue
                yield ctx.finding(
                    "AUD102", f"{holder} can {', '.join(privs)} {', '.join(g.name for g in outside)} through "
                              f"auto-updatable view {name} (owner {rel.owner})",
                    object=name, hub=outside[0].hub, role=holder,
                    evidence=[f"{p} on view {name} -[view owner {rel.owner}]-> {priv} on {g.name}"
                              for priv, paths in privs.items() for p in paths for g in outside],
                    keypath=outside[0].keypath,
                    fix_sql=f"REVOKE {', '.join(privs)} ON {qref(name)} FROM {q(holder)};",
                )
        if invoker:
            continue
        ctx.mark_checked("AUD103", name)
        rls_bypass = [g for g in bases if g.rel.rls_enabled and _owner_bypasses(ctx, rel.owner, g)]
        for holder, paths in ctx.table_holders(name, "SELECT").items():
            if holder != PUBLIC and (ctx.is_trusted(holder) or holder == rel.owner):
                continue
            reads_more = [g for g in bases if holder == PUBLIC
                          or Privilege.SELECT not in ctx.allowed(holder, g.ref)]
            if not rls_bypass and not reads_more:
                continue
            why = []
            if rls_bypass:
                why.append(f"bypasses RLS of {', '.join(g.name for g in rls_bypass)}")
            if reads_more:
                why.append(f"reads {', '.join(g.name for g in reads_more)} the policy does not let it read")
            kind = "materialized view" if rel.relkind == "m" else "view"
            fix = (f"ALTER VIEW {qref(name)} SET (security_invoker = true);" if rel.relkind == "v"
                   else f"REVOKE SELECT ON {qref(name)} FROM {q(holder)};")
            yield ctx.finding(
                "AUD103",
                f"{holder} reads through {kind} {name} with the rights of {rel.owner}: {'; '.join(why)}",
                object=name, hub=bases[0].hub, role=holder,
                evidence=[f"{p} on {kind} {name} -[owner rights, {rel.owner}]-> SELECT on {g.name}"
                          for p in paths for g in (rls_bypass or reads_more)],
                keypath=bases[0].keypath, fix_sql=fix,
                severity=_read_severity(ctx, holder, [*rls_bypass, *reads_more], bool(rls_bypass)),
            )


def _read_severity(ctx: AuditContext, holder: str, tables: list[Governed], rls_bypass: bool) -> Severity | None:
    """Medium by default, high when RLS is bypassed or a table is confidential, critical when PUBLIC reads
    a confidential table (the policy's ``sensitivity``)."""
    levels = {ctx.policy.sensitivity(g.ref) for g in tables}
    if "confidential" in levels:
        return Severity.CRITICAL if holder == PUBLIC else Severity.HIGH
    return Severity.HIGH if rls_bypass else None


def _owner_bypasses(ctx: AuditContext, owner: str, g: Governed) -> bool:
    info = ctx.snapshot.role(owner)
    if info is not None and (info.superuser or info.bypassrls):
        return True
    return not g.rel.rls_forced and g.rel.owner in ctx.graph.privileges_of(owner)


def _sequences(ctx: AuditContext) -> Iterator[Finding]:
    owned: list[tuple[RelationInfo, Governed]] = []
    for rel in ctx.snapshot.relations:
        if rel.relkind != "S":
            continue
        g: Governed | None = None
        if rel.owned_by:
            table = rel.owned_by.rsplit(".", 1)[0]
            g = ctx.governed_by_name(table)
        if g is None:
            g = ctx.governed_by_name(rel.qualified)
        if g is None:
            continue
        ctx.mark_checked("AUD104", rel.qualified)
        owned.append((rel, g))
    # Sequences with the same owner and ACL, of relations the policy answers alike, have the same
    # holders: the first one decides whether the others are looked at.
    classes: dict[tuple[object, ...], list[tuple[RelationInfo, Governed]]] = {}
    for rel, g in owned:
        key = (access_signature(rel), g.hub, g.ref.schema, base_key(ctx, g)[4])
        classes.setdefault(key, []).append((rel, g))
    for members in classes.values():
        first = list(_sequence_findings(ctx, *members[0]))
        if not first:
            continue
        yield from first
        for rel, g in members[1:]:
            yield from _sequence_findings(ctx, rel, g)


def _sequence_findings(ctx: AuditContext, rel: RelationInfo, g: Governed) -> Iterator[Finding]:
    name = rel.qualified
    held: dict[str, dict[str, list[str]]] = {}
    for priv in ("USAGE", "UPDATE"):
        for holder, paths in ctx.holders("sequence", name, priv).items():
            if holder != PUBLIC and (ctx.is_trusted(holder) or (
                    ctx.hub_of(holder) == g.hub and g.hub is not None)
                    or Privilege.INSERT in ctx.allowed(holder, g.ref)):
                continue
            held.setdefault(holder, {})[priv] = paths
    for holder, privs in held.items():
        yield ctx.finding(
            "AUD104",
            f"{holder} holds {', '.join(privs)} on sequence {name} of {g.name}, "
            f"owned by {g.hub or 'no hub'}",
            object=name, hub=g.hub, role=holder,
            evidence=[f"{p} on sequence {name}" for paths in privs.values() for p in paths],
            keypath=g.keypath,
            fix_sql=f"REVOKE {', '.join(privs)} ON SEQUENCE {qref(name)} FROM {q(holder)};",
        )


def _triggers_rules(ctx: AuditContext) -> Iterator[Finding]:
    for t in ctx.snapshot.triggers:
        g = ctx.governed_by_name(t.table)
        if g is None:
            continue
        ctx.mark_checked("AUD105", t.table)
        state = {"D": "disabled", "R": "replica", "A": "always"}.get(t.enabled, "enabled")
        yield ctx.finding(
            "AUD105", f"trigger {t.name} on {t.table} runs {t.function} ({state}; {', '.join(t.events)})",
            object=f"{t.table}/{t.name}", hub=g.hub,
            evidence=[f"{t.table} -[trigger {t.name}]-> {t.function}"],
            keypath=g.keypath, fix_sql=f"DROP TRIGGER {q(t.name)} ON {qref(t.table)};  -- if not intended",
        )
    for r in ctx.snapshot.rules:
        g = ctx.governed_by_name(r.table)
        if g is None or r.name == "_RETURN":
            continue
        ctx.mark_checked("AUD105", r.table)
        yield ctx.finding(
            "AUD105", f"rule {r.name} on {r.table} rewrites {r.event}{' (INSTEAD)' if r.instead else ''}",
            object=f"{r.table}/{r.name}", hub=g.hub, evidence=[r.definition or f"rule {r.name} ON {r.event}"],
            keypath=g.keypath, fix_sql=f"DROP RULE {q(r.name)} ON {qref(r.table)};  -- if not intended",
        )

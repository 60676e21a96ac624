"""AUD120-AUD125, AUD131, AUD133: every write or read a role reaches by making code run as someone else.

The acts-as graph (``ownaudit.catalog.actsas``) yields, per subject role and
PUBLIC, each (table, privilege) it reaches through at least one code hop, with
the whole chain. Each is judged against the policy like a direct grant; one
finding per (role, first code hop), rated by its worst end effect.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from ownaudit.audit.context import AuditContext, Governed, q
from ownaudit.catalog.actsas import WRITES, ActsAsGraph, ActsAsPath, build_actsas, fn_sql
from ownaudit.catalog.model import PUBLIC
from ownaudit.findings import Finding, Severity
from ownaudit.privileges import Privilege

RULE_OF_EDGE = {
    "trigger-owner": "AUD120", "trigger-privilege": "AUD120", "definer-trigger": "AUD120",
    "rule": "AUD121", "code-owner": "AUD122", "definer-hijack": "AUD123", "definer-dynamic": "AUD123",
    "schema-owner": "AUD124", "type-owner": "AUD124", "inheritance": "AUD125", "user-mapping": "AUD131",
    "server-program": "AUD126",
}
_READ_SEVERITY = {"public": Severity.LOW, "internal": Severity.MEDIUM, "confidential": Severity.HIGH}
MAX_EVIDENCE = 12


def graph(ctx: AuditContext) -> ActsAsGraph:
    """The run's acts-as graph (built once, shared by the acts-as checks)."""
    got = ctx.__dict__.get("_actsas")
    if got is None:
        got = ctx.__dict__["_actsas"] = build_actsas(
            ctx.snapshot, [g.name for g in ctx.governed("rpf")], matrix=ctx.matrix,
            matrix_roles=[*ctx.subject_roles(), PUBLIC])
    return got


def judge(ctx: AuditContext, role: str, g: Governed, privilege: str) -> Severity | None:
    """The severity of ``role`` doing ``privilege`` on ``g``, or None when the policy allows it."""
    if privilege == "SELECT":
        if role != PUBLIC and Privilege.SELECT in ctx.allowed(role, g.ref):
            return None
        level = ctx.policy.sensitivity(g.ref)
        if level == "confidential" and role == PUBLIC:
            return Severity.CRITICAL
        return _READ_SEVERITY.get(level, Severity.MEDIUM)
    if privilege in WRITES and role != PUBLIC and Privilege(privilege) in ctx.allowed(role, g.ref):
        return None
    hub = ctx.hub_of(role)
    cross = role == PUBLIC or hub is None or g.hub is None or (
        hub != g.hub and hub not in ctx.policy.writer_hubs(g.ref))
    if cross:
        return Severity.CRITICAL
    return Severity.HIGH if privilege in ("DROP", "ALTER", "TRUNCATE") else Severity.MEDIUM


@dataclass
class _Group:
    rule: str
    role: str
    obj: str
    as_roles: list[str]
    remedy: str
    writes: dict[str, list[str]] = field(default_factory=dict)  # table -> privileges
    reads: dict[str, list[str]] = field(default_factory=dict)
    paths: list[ActsAsPath] = field(default_factory=list)
    severity: Severity = Severity.INFO
    read_severity: Severity = Severity.INFO
    first: Governed | None = None
    dynamic: bool = False


def check(ctx: AuditContext) -> Iterator[Finding]:
    if ctx.snapshot.version < 2:
        return
    g = graph(ctx)
    for role in [*ctx.subject_roles(), PUBLIC]:
        groups: dict[tuple[str, str], _Group] = {}
        for path in g.paths(role):
            gov = ctx.governed_by_name(path.table)
            if gov is None or gov.rel.relkind not in "rpf":
                continue
            sev = judge(ctx, role, gov, path.privilege)
            if sev is None:
                continue
            if path.edge.kind == "definer-dynamic" and "/" not in path.edge.obj and len(path.hops) == 2:
                continue  # a definer function with dynamic SQL, called directly: AUD100 reports it
            rule = RULE_OF_EDGE.get(path.edge.kind, "AUD120")
            key = (rule, path.edge.obj)
            grp = groups.get(key)
            if grp is None:
                grp = groups[key] = _Group(rule, role, path.edge.obj, [], path.edge.remedy)
            if path.as_role not in grp.as_roles:
                grp.as_roles.append(path.as_role)
            bucket = grp.reads if path.privilege == "SELECT" else grp.writes
            bucket.setdefault(path.table, []).append(path.privilege)
            grp.paths.append(path)
            grp.dynamic = grp.dynamic or path.dynamic
            if path.privilege == "SELECT":
                grp.read_severity = max(grp.read_severity, sev, key=lambda s: s.rank)
            elif sev.rank > grp.severity.rank or grp.first is None:
                grp.severity, grp.first = sev, gov
        for grp in groups.values():
            yield from _findings(ctx, grp)
    for gov in ctx.governed("rpf"):
        for rule in ("AUD120", "AUD121", "AUD122", "AUD123", "AUD124", "AUD125", "AUD133"):
            ctx.mark_checked(rule, gov.name)
    yield from _definer_reads(ctx)


_NO_ROWS = ("void", "trigger", "event_trigger")


def _definer_reads(ctx: AuditContext) -> Iterator[Finding]:
    """SECURITY DEFINER functions that return rows of a governed table to callers the policy does not let
    read it."""
    g = graph(ctx)
    for fn in ctx.snapshot.functions:
        if not fn.security_definer or fn.returns.lower() in _NO_ROWS or fn.kind == "p":
            continue
        from ownaudit.audit.funcwrites import body_effects

        names = body_effects(fn).reads | {(t.split(".", 1)[0], t.split(".", 1)[1]) for t in fn.table_deps}
        read = [x for x in (ctx.governed_by_name(t) for t in g._resolve({n: frozenset({"SELECT"})
                                                                          for n in names}))
                if x is not None and x.rel.relkind in "rpf" and g.holds(fn.owner, x.name, "SELECT")]
        if not read:
            continue
        sig = fn.signature
        ctx.mark_checked("AUD133", sig)
        for holder, paths in ctx.holders("function", sig, "EXECUTE").items():
            if holder != PUBLIC and (ctx.is_trusted(holder) or holder == fn.owner):
                continue
            exposed = [(x, sev) for x in read if (sev := judge(ctx, holder, x, "SELECT")) is not None]
            if not exposed:
                continue
            worst = max((sev for _, sev in exposed), key=lambda s: s.rank)
            yield ctx.finding(
                "AUD133",
                f"{_who(ctx, holder)} can read {', '.join(x.name for x, _ in exposed)} as {fn.owner} through "
                f"SECURITY DEFINER {sig}, which returns {fn.returns}",
                object=sig, hub=exposed[0][0].hub, role=holder,
                evidence=[f"{p}{'' if str(p).endswith(sig) else ' on ' + sig} -[security definer, as "
                          f"{fn.owner}]-> SELECT on {x.name} (returns {fn.returns})"
                          for p in paths for x, _ in exposed][:MAX_EVIDENCE],
                keypath=exposed[0][0].keypath, severity=worst,
                fix_sql=f"REVOKE EXECUTE ON {fn_sql(fn)} FROM {q(holder)};",
            )


def _who(ctx: AuditContext, role: str) -> str:
    hub = ctx.hub_of(role)
    return f"{role} ({hub})" if hub else "PUBLIC (every role)" if role == PUBLIC else f"{role} (not in the policy)"


def _list(tables: dict[str, list[str]]) -> str:
    shown = [f"{', '.join(dict.fromkeys(p))} {t}" for t, p in list(tables.items())[:6]]
    more = len(tables) - len(shown)
    return "; ".join(shown) + (f" and {more} more tables" if more > 0 else "")


def _findings(ctx: AuditContext, grp: _Group) -> Iterator[Finding]:
    who = _who(ctx, grp.role)
    edge = grp.paths[0].edge
    how = edge.label if edge.kind in ("rule", "definer-trigger", "inheritance", "schema-owner", "type-owner") \
        else edge.label.split(":", 1)[0].split(", run by ", 1)[0]
    if edge.kind in ("rule", "definer-trigger"):
        how += f" on {grp.obj.split('/', 1)[0]}"
    elif edge.kind == "inheritance":
        how = f"{grp.obj.split('>', 1)[0]}, which {how}"
    dyn = " (dynamic SQL: may do whatever it can)" if grp.dynamic else ""
    if grp.writes:
        first = grp.first or ctx.governed_by_name(next(iter(grp.writes)))
        assert first is not None
        yield ctx.finding(
            grp.rule,
            f"{who} can {_list(grp.writes)} as {', '.join(grp.as_roles)}{dyn}, through {how}",
            object=grp.obj, hub=first.hub, role=grp.role,
            evidence=[str(p) for p in grp.paths if p.privilege != "SELECT"][:MAX_EVIDENCE],
            keypath=first.keypath, fix_sql=grp.remedy or None, severity=grp.severity,
        )
    if grp.reads:
        first = ctx.governed_by_name(next(iter(grp.reads)))
        assert first is not None
        yield ctx.finding(
            "AUD133",
            f"{who} can read {', '.join(list(grp.reads)[:6])}"
            f"{' and more' if len(grp.reads) > 6 else ''} as {', '.join(grp.as_roles)}, through {how}",
            object=grp.obj, hub=first.hub, role=grp.role,
            evidence=[str(p) for p in grp.paths if p.privilege == "SELECT"][:MAX_EVIDENCE],
            keypath=first.keypath, fix_sql=grp.remedy or None, severity=grp.read_severity,
        )

"""The convergence plan: the ordered, idempotent union of the remedies of the audit's findings.

The plan does not compare the policy with the catalog itself: it runs the
audit (one compiled expected state, one effective state) and collects the
remedy of every unsuppressed finding (``ownaudit.plan.remedies``). So the
plan is empty exactly when the audit is clean, and it never touches what the
audit accepts (trusted roles, waived findings, harmless extras). A finding SQL
cannot settle becomes a note that says what to decide and why.
"""

from __future__ import annotations

import datetime as _dt
import re

from ownaudit.audit.context import AuditContext
from ownaudit.catalog.model import CatalogSnapshot
from ownaudit.findings import RunResult
from ownaudit.plan.model import Plan, Step
from ownaudit.plan.remedies import Note, Remedies
from ownaudit.plan.remedies import ordered_privileges as _ordered
from ownaudit.policy.model import Policy


def build_plan(policy: Policy, snapshot: CatalogSnapshot, *, today: _dt.date | None = None,
               result: RunResult | None = None, context: AuditContext | None = None) -> Plan:
    """The convergence plan for ``snapshot`` under ``policy`` (runs the audit unless given its result)."""
    from ownaudit.audit.engine import run_audit

    ctx = context or AuditContext(policy=policy, snapshot=snapshot, today=today or _dt.date.today())
    if result is None:
        result = run_audit(policy, snapshot, today=ctx.today, context=ctx)
    return plan_from_findings(ctx, result)


def plan_from_findings(ctx: AuditContext, result: RunResult) -> Plan:
    """The union of the remedies of ``result``'s unsuppressed findings, in script order."""
    remedies = Remedies(ctx)
    plan = Plan()
    for f in result.findings:
        if f.suppressed:
            continue
        items = remedies.of(f)
        if any(isinstance(i, Step) for i in items):
            plan.fixed.add(f.key)
        else:
            plan.noted.add(f.key)
        for item in items:
            if isinstance(item, Note):
                plan.note(item.text)
            else:
                plan.add_step(item)
    _drop_moot(plan)
    _merge_revokes(plan)
    return plan


_REVOKE = re.compile(r"^(SET ROLE [^;]+; )?REVOKE ((?:[A-Z]+, )*[A-Z]+) ON (.+) FROM (.+) CASCADE;( RESET ROLE;)?$")


def _merge_revokes(plan: Plan) -> None:
    """One REVOKE per (grantor, object, grantee): ``REVOKE INSERT, UPDATE ON ...`` rather than one per privilege."""
    groups: dict[tuple[str, str, str, str], int] = {}
    out: list[Step] = []
    for s in plan.steps:
        m = _REVOKE.match(s.sql) if s.kind == "revoke" else None
        if m is None:
            out.append(s)
            continue
        key = (m.group(1) or "", m.group(3), m.group(4), m.group(5) or "")
        i = groups.get(key)
        if i is None:
            groups[key] = len(out)
            out.append(s)
            continue
        prev = out[i]
        pm = _REVOKE.match(prev.sql)
        assert pm is not None
        privs = _ordered([*pm.group(2).split(", "), *m.group(2).split(", ")])
        sql = f"{key[0]}REVOKE {privs} ON {key[1]} FROM {key[2]} CASCADE;{key[3]}"
        out[i] = Step(prev.kind, sql, prev.why, prev.object, tuple(dict.fromkeys(prev.fixes + s.fixes)),
                      prev.after + s.after, prev.cascades + s.cascades)
    plan.steps = out
    plan._by_sql = {s.sql: i for i, s in enumerate(out)}


def _drop_moot(plan: Plan) -> None:
    """A revoke run as a grantor whose grant option another step revokes with CASCADE is already done
    by that step (and would fail: the grantor no longer holds anything to revoke)."""
    cascaded = {k for s in plan.steps for k in s.cascades}
    keep = [s for s in plan.steps if not (s.after and all(k in cascaded for k in s.after))]
    if len(keep) != len(plan.steps):
        plan.steps = keep
        plan._by_sql = {s.sql: i for i, s in enumerate(keep)}

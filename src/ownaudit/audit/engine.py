"""Run every audit check over a policy and a catalog snapshot and collect one ``RunResult``.

The engine never touches a database: ``commands/audit.py`` reads the catalog
(live or from a snapshot file) and hands the snapshot here, so a saved snapshot
audits exactly like the live database.
"""

from __future__ import annotations

import datetime as _dt
import gc
import importlib
import time
from collections.abc import Callable, Iterable
from typing import Any

from ownaudit.access import AccessMatrix
from ownaudit.audit import exceptions
from ownaudit.audit.aggregate import aggregate
from ownaudit.audit.checks import CHECKS
from ownaudit.audit.context import AuditContext
from ownaudit.catalog.model import CatalogSnapshot
from ownaudit.findings import Finding, RunResult, sort_findings
from ownaudit.policy.model import Policy


def _checks() -> list[tuple[str, Callable[[AuditContext], Iterable[Finding]]]]:
    out = []
    for name in CHECKS:
        module = importlib.import_module(f"ownaudit.audit.checks.{name}")
        out.append((name, module.check))
    return out


def run_audit(policy: Policy, snapshot: CatalogSnapshot, *, today: _dt.date | None = None,
              matrix: AccessMatrix | None = None, target: dict[str, Any] | None = None,
              context: AuditContext | None = None) -> RunResult:
    """Audit ``snapshot`` against ``policy``: every finding, suppressed ones included.

    ``context`` lets a caller (the plan) keep the run's context to read the same matrices afterwards.
    """
    # The checks build hundreds of thousands of acyclic objects (paths, findings, cells) next to a
    # snapshot of millions: the cyclic GC would rescan them all again and again (half the run time
    # at 10,000 tables). Nothing here makes reference cycles that must be freed before the run ends.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _run(policy, snapshot, today=today, matrix=matrix, target=target, context=context)
    finally:
        if gc_was_enabled:
            gc.enable()


def _run(policy: Policy, snapshot: CatalogSnapshot, *, today: _dt.date | None,
         matrix: AccessMatrix | None, target: dict[str, Any] | None,
         context: AuditContext | None) -> RunResult:
    started = _dt.datetime.now(_dt.timezone.utc)
    t0 = time.perf_counter()
    ctx = context or AuditContext(policy=policy, snapshot=snapshot, today=today or _dt.date.today(),
                                  _matrix=matrix)
    findings: list[Finding] = []
    for _name, check in _checks():
        findings.extend(check(ctx))
    findings.extend(exceptions.expired(ctx))
    findings = _dedupe(findings)
    exceptions.apply(ctx, findings)
    result = RunResult(
        command="audit",
        findings=sort_findings(findings),
        policy_path=policy.path,
        policy_digest=policy.digest,
        target=target if target is not None else default_target(policy, snapshot),
        started_at=started.isoformat(timespec="seconds"),
        complete=True,
        checked_objects=ctx.checked,
    )
    result.matrix = _matrix_view(ctx, result)  # per object: the matrix marks every cell a finding names
    result.findings = sort_findings(aggregate(result.findings))
    result.duration_seconds = round(time.perf_counter() - t0, 3)
    return result


def default_target(policy: Policy, snapshot: CatalogSnapshot) -> dict[str, Any]:
    """What was audited: database name, server version, host from the policy. Never credentials."""
    srv = snapshot.server
    return {"kind": "database", "database": srv.database, "host": policy.database.host,
            "server_version": srv.version_num, "snapshot_taken_at": snapshot.taken_at,
            "catalog_queries": snapshot.query_count, "audited_as": srv.current_user}


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per identity key (a check reaching the same conclusion twice merges evidence)."""
    out: dict[str, Finding] = {}
    for f in findings:
        prev = out.get(f.key)
        if prev is None:
            out[f.key] = f
            continue
        prev.evidence = list(dict.fromkeys(prev.evidence + f.evidence))
        if f.severity.rank > prev.severity.rank:
            prev.severity = f.severity
    return list(out.values())


def _matrix_view(ctx: AuditContext, result: RunResult) -> dict[str, Any] | None:
    """The role x table picture for the HTML report, one cell per (role, class of identical access)."""
    from ownaudit.audit.matrix_view import matrix_view

    return matrix_view(ctx, result.findings)

"""The words every format shares: status, headline, target and comparison lines.

One place decides what "clean" means so no format can call an incomplete run clean.
"""

from __future__ import annotations

from typing import Any

from ownaudit.findings import Finding, RunResult, Severity

CLEAN = "clean"
DIRTY = "dirty"
INCOMPLETE = "incomplete"


def status(result: RunResult, threshold: Severity) -> str:
    """``incomplete`` beats everything; ``dirty`` when an unsuppressed finding is at/above the threshold."""
    if not result.complete:
        return INCOMPLETE
    return DIRTY if result.failing(threshold) else CLEAN


def exit_code(result: RunResult, threshold: Severity) -> int:
    """0 clean, 1 failing findings, 3 incomplete (an incomplete run is never clean)."""
    from ownaudit.errors import EXIT_CLEAN, EXIT_FINDINGS, EXIT_INCOMPLETE

    st = status(result, threshold)
    return {CLEAN: EXIT_CLEAN, DIRTY: EXIT_FINDINGS}.get(st, EXIT_INCOMPLETE)


def counts_text(result: RunResult) -> str:
    counts = result.counts()
    return ", ".join(f"{n} {sev}" for sev, n in counts.items())


def suppressed(result: RunResult) -> list[Finding]:
    return [f for f in result.findings if f.suppressed]


def active(result: RunResult) -> list[Finding]:
    return [f for f in result.findings if not f.suppressed]


def headline(result: RunResult, threshold: Severity) -> str:
    """One line: status, failing count against the threshold, counts by severity."""
    st = status(result, threshold)
    n_active = len(active(result))
    n_failing = len(result.failing(threshold))
    n_supp = len(suppressed(result))
    supp = f"; {n_supp} suppressed" if n_supp else ""
    plural = "s" if n_active != 1 else ""
    if st == INCOMPLETE:
        lead = (f"INCOMPLETE: the {result.command} could not check everything; "
                f"{n_active} finding{plural} so far")
    elif st == DIRTY:
        lead = f"DIRTY: {n_failing} of {n_active} finding{plural} at or above {threshold.value}"
    elif n_active:
        # Below the threshold is a pass, not "clean": the reader must not miss the findings.
        lead = f"PASSED: no finding at or above {threshold.value}, {n_active} below it"
    else:
        lead = "CLEAN: no finding"
    objects = result.object_count()
    covers = f"; covering {objects} objects" if objects != n_active else ""
    return f"ownaudit {result.command}: {lead} ({counts_text(result)}{supp}{covers})"


def target_text(target: dict[str, Any]) -> str:
    """Human description of what was checked: database host/name or repository."""
    if not target:
        return ""
    if target.get("repository") or target.get("path"):
        return f"repository {target.get('repository') or target.get('path')}"
    db = target.get("database") or target.get("dbname") or target.get("name")
    host = target.get("host")
    port = target.get("port")
    if db or host:
        where = f"{host}:{port}" if host and port else (host or "")
        return f"database {db or '?'}" + (f" on {where}" if where else "")
    if target.get("snapshot"):
        return f"snapshot {target['snapshot']}"
    return ", ".join(f"{k}={v}" for k, v in sorted(target.items()))


def policy_text(result: RunResult) -> str:
    if not result.policy_path:
        return ""
    raw = result.policy_digest.removeprefix("sha256:")
    digest = f" (sha256 {raw[:12]})" if raw else ""
    return f"policy {result.policy_path}{digest}"


def context_line(result: RunResult) -> str:
    """'database x on h · policy p (sha256 …) · 2.1 s': what, against what, how long."""
    parts = [target_text(result.target), policy_text(result)]
    if result.started_at:
        parts.append(f"started {result.started_at}")
    if result.duration_seconds:
        parts.append(f"{result.duration_seconds:.3g} s")
    return " · ".join(p for p in parts if p)


def comparison_line(result: RunResult) -> str | None:
    """'Since run X: 1 new, 1 resolved, 3 unchanged', or None when there is no comparison."""
    cmp_ = result.comparison
    if not cmp_:
        return None
    prev = cmp_.get("previous_run")
    if not prev:
        return "First run in this report directory: nothing to compare with."
    c = cmp_.get("counts", {})
    return (f"Since previous run {prev}: {c.get('new', 0)} new, {c.get('resolved', 0)} resolved, "
            f"{c.get('unchanged', 0)} unchanged")


def resolved_lines(result: RunResult, limit: int = 20) -> list[str]:
    """'AUD001 cl.t (hub h, role r)' for each finding resolved since the previous run, capped."""
    cmp_ = result.comparison or {}
    if not cmp_.get("previous_run"):
        return []
    items = cmp_.get("resolved") or []
    out = []
    for r in items[:limit]:
        who = ", ".join(x for x in (f"hub {r['hub']}" if r.get("hub") else "",
                                    f"role {r['role']}" if r.get("role") else "") if x)
        out.append(f"{r['rule_id']} {r.get('object', '')}".rstrip() + (f" ({who})" if who else ""))
    if len(items) > limit:
        out.append(f"... and {len(items) - limit} more")
    return out


def new_keys(result: RunResult) -> set[str]:
    """Keys of findings that are new since the previous run (empty without a previous run)."""
    cmp_ = result.comparison or {}
    if not cmp_.get("previous_run"):
        return set()
    return {str(x["key"]) for x in cmp_.get("new", [])}


def new_count(f: Finding, new: set[str]) -> int:
    """How many of the objects ``f`` covers are new since the previous run."""
    if not new:
        return 0
    return sum(1 for k in f.member_keys() if k in new)


def object_label(f: Finding) -> str:
    """``f.object``, with the number of objects when the finding is aggregated."""
    return f"{f.object} ({f.count} objects)" if f.aggregated else f.object


def object_preview(f: Finding, limit: int = 5) -> str:
    """The first objects of an aggregated finding and how many more there are."""
    shown = ", ".join(f.objects[:limit])
    more = len(f.objects) - limit
    return shown + (f" ... and {more} more" if more > 0 else "")


def group_label(f: Finding, group_by: str) -> str:
    if group_by == "rule":
        return f"rule {f.rule_id}"
    return f"hub {f.hub}" if f.hub else "no hub"

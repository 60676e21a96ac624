"""Per-path lint settings: which hub a file belongs to (sub-hubs) and the severity it is reported at.

A sub-hub (``part_of`` + ``paths``) lives in its parent hub's repository; its
files are checked as the sub-hub. ``lint.overrides[].severity`` caps findings in
matching paths (``archive/**`` at low): they are still reported, never hidden.
The sub-hub's overrides are consulted first, then its parents'.
"""

from __future__ import annotations

from ownaudit.findings import Finding, Severity
from ownaudit.policy.model import Policy


def hub_chain(policy: Policy, hub: str) -> list[str]:
    """``hub`` and the hubs it is part of, innermost first."""
    out: list[str] = []
    cur: str | None = hub
    while cur is not None and cur in policy.hubs and cur not in out:
        out.append(cur)
        cur = policy.hubs[cur].part_of
    return out


def severity_cap(policy: Policy, hub: str, path: str) -> tuple[Severity, str | None] | None:
    """(cap, reason) for ``path``, from the first hub in the chain whose overrides set a severity."""
    for h in hub_chain(policy, hub):
        ov = policy.path_override(h, path)
        if ov.severity:
            return Severity.parse(ov.severity), ov.reason
    return None


def cap_findings(findings: list[Finding], policy: Policy, hub: str, path: str) -> list[Finding]:
    """Lower findings above the path's cap to the cap; record the original severity and the reason."""
    cap = severity_cap(policy, hub, path)
    if cap is None:
        return findings
    level, reason = cap
    for f in findings:
        if f.severity.rank > level.rank:
            f.properties["original_severity"] = f.severity.value
            f.properties["severity_reason"] = reason or f"lint.overrides caps {path} at {level.value}"
            f.severity = level
    return findings


def connecting_roles(policy: Policy, hub: str) -> set[str]:
    """Roles code of ``hub`` may connect as: its own, else (a sub-hub without roles) its parent's."""
    for h in hub_chain(policy, hub):
        roles = set(policy.roles_of_hub(h))
        if roles:
            return roles
    return set()

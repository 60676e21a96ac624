"""The findings model shared by audit, lint, validate and every report format.

A finding's identity (``key``) is rule + object + hub + role, never its message,
so run-to-run comparison and SARIF fingerprints stay stable when wording changes.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any


class Severity(str, Enum):
    """Finding severities, ordered from most to least serious."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is more serious (critical=4 ... info=0)."""
        return _RANK[self]

    def at_least(self, threshold: Severity) -> bool:
        return self.rank >= threshold.rank

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls(text.strip().lower())
        except ValueError:
            names = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown severity {text!r} (expected one of: {names})") from None


_RANK = {
    Severity.CRITICAL: 4,
    Severity.HIGH: 3,
    Severity.MEDIUM: 2,
    Severity.LOW: 1,
    Severity.INFO: 0,
}


@dataclass(frozen=True)
class Location:
    """A place in a file: 1-based line and column. ``line`` 0 means 'the file as a whole'."""

    path: str
    line: int = 0
    column: int = 0
    end_line: int | None = None
    end_column: int | None = None

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}:{self.column or 1}"
        return self.path


@dataclass
class Finding:
    """One drift from the policy, found by the audit, the linter or the validator."""

    rule_id: str
    severity: Severity
    title: str
    message: str
    object: str = ""
    hub: str | None = None
    role: str | None = None
    evidence: list[str] = field(default_factory=list)
    location: Location | None = None
    fix_sql: str | None = None
    fix: str | None = None
    suppressed: bool = False
    suppression: str | None = None
    kind: str | None = None
    properties: dict[str, Any] = field(default_factory=dict)
    cause: str | None = None  # what one fix removes; None: derived from the evidence path

    @property
    def root_cause(self) -> str:
        """Stable key of the decisive edge: findings sharing it are fixed by one change.

        ``cause`` when a check set it, else the first hop of every evidence path (the
        hop a revoke cuts, e.g. ``cl_writer -[member]-> outreach_writer``), else ``key``.
        """
        from ownaudit.rootcause import derive

        return self.cause or derive(self.evidence) or self.key

    @property
    def key(self) -> str:
        """Stable identity across runs: rule + object + hub + role (+ lint path)."""
        parts = [self.rule_id, self.object, self.hub or "", self.role or ""]
        extra = self.properties.get("identity")
        if extra:
            parts.append(str(extra))
        return "|".join(parts)

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.key.encode("utf-8")).hexdigest()[:32]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = self.severity.value
        data["location"] = asdict(self.location) if self.location else None
        data["fingerprint"] = self.fingerprint
        data["root_cause"] = self.root_cause
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        loc = data.get("location")
        return cls(
            rule_id=data["rule_id"],
            severity=Severity(data["severity"]),
            title=data.get("title", ""),
            message=data.get("message", ""),
            object=data.get("object", ""),
            hub=data.get("hub"),
            role=data.get("role"),
            evidence=list(data.get("evidence") or []),
            location=Location(**loc) if loc else None,
            fix_sql=data.get("fix_sql"),
            fix=data.get("fix"),
            suppressed=bool(data.get("suppressed", False)),
            suppression=data.get("suppression"),
            kind=data.get("kind"),
            properties=dict(data.get("properties") or {}),
            cause=data.get("cause"),
        )


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Most serious first, then by rule and object, for stable output."""
    return sorted(
        findings,
        key=lambda f: (
            f.suppressed,
            -f.severity.rank,
            f.rule_id,
            f.object,
            f.hub or "",
            f.role or "",
            str(f.location or ""),
        ),
    )


@dataclass
class RunResult:
    """Everything one run produced: what every report format renders.

    ``complete`` is False when the run could not read everything it needed; a
    report of an incomplete run must never say "clean".
    """

    command: str  # "audit" | "lint" | "validate"
    findings: list[Finding]
    policy_path: str = ""
    policy_digest: str = ""
    target: dict[str, Any] = field(default_factory=dict)  # database host/name or repository
    started_at: str = ""
    duration_seconds: float = 0.0
    complete: bool = True
    notices: list[str] = field(default_factory=list)
    checked_objects: dict[str, list[str]] = field(default_factory=dict)  # rule id -> objects checked
    matrix: dict[str, Any] | None = None  # role x table access matrix (audit)
    comparison: dict[str, Any] | None = None  # new/resolved/unchanged vs previous run

    def counts(self, include_suppressed: bool = False) -> dict[str, int]:
        out = {s.value: 0 for s in Severity}
        for f in self.findings:
            if f.suppressed and not include_suppressed:
                continue
            out[f.severity.value] += 1
        return out

    def failing(self, threshold: Severity) -> list[Finding]:
        return [f for f in self.findings if not f.suppressed and f.severity.at_least(threshold)]

"""The findings model shared by audit, lint, validate and every report format.

A finding's identity (``key``) is rule + object + hub + role, never its message,
so run-to-run comparison and SARIF fingerprints stay stable when wording changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum
from typing import Any


def _fingerprint(key: str) -> str:
    """SARIF/JSON fingerprint of a finding's identity (hashlib loads OpenSSL: imported when first needed)."""
    import hashlib

    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


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

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "column": self.column, "end_line": self.end_line,
                "end_column": self.end_column}


@dataclass(frozen=True, slots=True)
class ObjectDetail:
    """What one object of an aggregated finding says on its own (see ``Finding.objects``).

    ``location`` is None when it is the aggregated finding's own.
    """

    object: str
    message: str
    evidence: tuple[str, ...] = ()
    fix_sql: str | None = None
    location: Location | None = None


OBJECT_SLOT = "{object}"  # where an object's name goes in an aggregated finding's ``detail_template``


def render_template(text: str, obj: str) -> str:
    return text.replace(OBJECT_SLOT, obj)


def detail_template(details: list[ObjectDetail]) -> dict[str, Any] | None:
    """What most objects of an aggregate say, with ``{object}`` where their name goes (JSON only).

    Taken from one of the first objects; a detail record then carries only the fields this does not
    reproduce exactly for its object, so a schema's 10,000 objects cost their names and keys.
    """
    if len(details) < 2:
        return None
    # Preferably an object whose name appears as such in its fix (not quoted): it templates fully.
    first = next((d for d in details[:8] if d.object in d.message and (d.fix_sql is None or d.object in d.fix_sql)),
                 details[0])
    if OBJECT_SLOT in first.message or any(OBJECT_SLOT in e for e in first.evidence) or (
            first.fix_sql and OBJECT_SLOT in first.fix_sql):
        return None  # the text itself holds the placeholder: keep every detail whole
    name = first.object
    return {"message": first.message.replace(name, OBJECT_SLOT),
            "evidence": [e.replace(name, OBJECT_SLOT) for e in first.evidence],
            "fix_sql": first.fix_sql.replace(name, OBJECT_SLOT) if first.fix_sql is not None else None}


@dataclass(slots=True)
class Finding:
    """One drift from the policy, found by the audit, the linter or the validator.

    Slotted: a 100,000-table audit holds hundreds of thousands before aggregation.
    """

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

    # An aggregated finding stands for one finding per object (same rule, role, hub and cause
    # across the relations of a schema): every object, in order, and what each says on its own.
    objects: list[str] = field(default_factory=list)
    details: list[ObjectDetail] = field(default_factory=list)

    @property
    def count(self) -> int:
        """How many objects this finding covers (1 unless aggregated)."""
        return len(self.objects) or 1

    @property
    def aggregated(self) -> bool:
        return bool(self.objects)

    def members(self) -> Iterator[Finding]:
        """The per-object findings an aggregated finding stands for; a plain finding is its own."""
        if not self.details:
            yield self
            return
        for d in self.details:
            yield Finding(rule_id=self.rule_id, severity=self.severity, title=self.title, message=d.message,
                          object=d.object, hub=self.hub, role=self.role, evidence=list(d.evidence),
                          location=d.location or self.location, fix_sql=d.fix_sql, fix=self.fix,
                          suppressed=self.suppressed, suppression=self.suppression, kind=self.kind,
                          cause=self.cause)

    def member_keys(self) -> list[str]:
        """Identity keys of every object covered: what run-to-run comparison counts."""
        if not self.details:
            return [self.key]
        tail = f"|{self.hub or ''}|{self.role or ''}"
        return [f"{self.rule_id}|{d.object}{tail}" for d in self.details]

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
        return _fingerprint(self.key)

    def to_dict(self) -> dict[str, Any]:
        """The JSON record, built field by field (no deep copies); aggregated ones add their objects."""
        data: dict[str, Any] = {
            "rule_id": self.rule_id, "severity": self.severity.value, "title": self.title,
            "message": self.message, "object": self.object, "hub": self.hub, "role": self.role,
            "evidence": list(self.evidence), "location": self.location.to_dict() if self.location else None,
            "fix_sql": self.fix_sql, "fix": self.fix, "suppressed": self.suppressed,
            "suppression": self.suppression, "kind": self.kind, "properties": dict(self.properties),
            "fingerprint": self.fingerprint, "cause": self.cause, "root_cause": self.root_cause,
        }
        if self.objects:
            data["count"] = len(self.objects)
            data["objects"] = list(self.objects)
            keys = self.member_keys() if self.details else []
            template = detail_template(self.details)
            if template is not None:
                data["detail_template"] = template
            data["details"] = [self.detail_dict(d, k, template) for d, k in zip(self.details, keys, strict=True)]
        return data

    @staticmethod
    def detail_dict(d: ObjectDetail, key: str, template: dict[str, Any] | None = None) -> dict[str, Any]:
        """One object's record; with ``template``, only the fields its rendering does not reproduce."""
        out: dict[str, Any] = {"object": d.object, "key": key,
                               "fingerprint": _fingerprint(key)}
        if template is None or render_template(template["message"], d.object) != d.message:
            out["message"] = d.message
        if template is None or [render_template(e, d.object) for e in template["evidence"]] != list(d.evidence):
            out["evidence"] = list(d.evidence)
        if template is None or (render_template(template["fix_sql"], d.object)
                                if template["fix_sql"] is not None else None) != d.fix_sql:
            out["fix_sql"] = d.fix_sql
        if template is None or d.location is not None:
            out["location"] = d.location.to_dict() if d.location else None
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        loc = data.get("location")
        details = []
        template = data.get("detail_template")
        for d in data.get("details") or []:
            dloc = d.get("location")
            obj = d["object"]
            if template is not None:  # a field left out is the template's, rendered for this object
                message = d["message"] if "message" in d else render_template(template["message"], obj)
                evidence = d["evidence"] if "evidence" in d else [render_template(e, obj)
                                                                  for e in template["evidence"]]
                fix_sql = d["fix_sql"] if "fix_sql" in d else (
                    render_template(template["fix_sql"], obj) if template.get("fix_sql") is not None else None)
            else:
                message, evidence, fix_sql = d.get("message", ""), d.get("evidence") or (), d.get("fix_sql")
            details.append(ObjectDetail(object=obj, message=message, evidence=tuple(evidence), fix_sql=fix_sql,
                                        location=Location(**dloc) if dloc else None))
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
            objects=list(data.get("objects") or []),
            details=details,
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

    def object_count(self, include_suppressed: bool = False) -> int:
        """Objects the findings cover (an aggregated finding counts each of its objects)."""
        return sum(f.count for f in self.findings if include_suppressed or not f.suppressed)

    def counts(self, include_suppressed: bool = False) -> dict[str, int]:
        out = {s.value: 0 for s in Severity}
        for f in self.findings:
            if f.suppressed and not include_suppressed:
                continue
            out[f.severity.value] += 1
        return out

    def failing(self, threshold: Severity) -> list[Finding]:
        return [f for f in self.findings if not f.suppressed and f.severity.at_least(threshold)]

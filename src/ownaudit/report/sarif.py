"""SARIF 2.1.0 log for GitHub code scanning and other SARIF viewers.

Lint findings point at file:line:column of the SQL; audit findings point at the
policy YAML line they contradict, so a code-scanning alert opens the line to
fix or the rule to revisit. ``partialFingerprints`` come from ``Finding.key``
(rule + object + hub + role), which keeps an alert's identity across runs.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from typing import Any

from ownaudit import TOOL_NAME, __version__
from ownaudit.findings import Finding, Location, RunResult, Severity, sort_findings
from ownaudit.report import summary
from ownaudit.report.scrub import scrub_target
from ownaudit.report.settings import ReportSettings
from ownaudit.rules import Rule, get_rule

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "ownaudit/v1"
INFORMATION_URI = "https://github.com/ownaudit/ownaudit"

# GitHub maps security-severity > 9.0 critical, >= 7.0 high, >= 4.0 medium, > 0.1 low.
SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "0.0",
}
LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "note": "recommendation"}
DEFAULT_POLICY = "policy/ownership.yaml"


def _rule_descriptor(rule_id: str, rule: Rule | None, example: Finding) -> dict[str, Any]:
    if rule is None:  # a finding from a rule that is not in the catalogue: describe it from the finding
        sev, name, short, full = example.severity, rule_id.lower(), example.title or rule_id, example.title
        help_text, help_md, source = example.fix or example.title or rule_id, None, "unknown"
    else:
        sev, name, short, full = rule.severity, rule.name, rule.title, rule.detects
        source = rule.source
        help_text = (f"{rule.title}\n\nDetects: {rule.detects}\n\nWhy it matters: {rule.why}\n\n"
                     f"Example: {rule.example}\n\nFix: {rule.fix}\n\nMore: ownaudit explain {rule.id}")
        help_md = (f"**{rule.title}**\n\n{rule.detects}\n\n**Why it matters.** {rule.why}\n\n"
                   f"**Example**\n\n```\n{rule.example}\n```\n\n**Fix.** {rule.fix}\n\n"
                   f"Run `ownaudit explain {rule.id}` for more.")
    descriptor: dict[str, Any] = {
        "id": rule_id,
        "name": name,
        "shortDescription": {"text": short},
        "fullDescription": {"text": full or short},
        "help": {"text": help_text},
        "defaultConfiguration": {"level": LEVEL[sev]},
        "properties": {
            "security-severity": SECURITY_SEVERITY[sev],
            "severity": sev.value,
            "precision": "very-high",
            "problem.severity": PROBLEM_SEVERITY[LEVEL[sev]],
            "tags": ["security", "access-control", source],
        },
    }
    if help_md:
        descriptor["help"]["markdown"] = help_md
    return descriptor


def _uri(path: str) -> tuple[str, bool]:
    """A SARIF artifact URI: relative POSIX path against %SRCROOT% when possible, else file:// URI."""
    p = Path(path)
    if p.is_absolute():
        try:
            return PurePosixPath(p.resolve().relative_to(Path.cwd().resolve())).as_posix(), True
        except ValueError:
            return p.as_uri(), False
    return PurePosixPath(*p.parts).as_posix() if p.parts else path, True


def _region(loc: Location) -> dict[str, Any]:
    start = max(loc.line, 1)
    region: dict[str, Any] = {"startLine": start}
    if loc.column >= 1:
        region["startColumn"] = loc.column
    if loc.end_line is not None and loc.end_line >= start:
        region["endLine"] = loc.end_line
        if loc.end_column is not None and loc.end_column >= 1 and (
            loc.end_line > start or loc.end_column > max(loc.column, 0)
        ):
            region["endColumn"] = loc.end_column
    return region


def _location(f: Finding, policy_path: str) -> dict[str, Any]:
    loc = f.location or Location(policy_path or DEFAULT_POLICY, 1)
    uri, relative = _uri(loc.path)
    artifact: dict[str, Any] = {"uri": uri}
    if relative:
        artifact["uriBaseId"] = "%SRCROOT%"
    physical: dict[str, Any] = {"artifactLocation": artifact, "region": _region(loc)}
    out: dict[str, Any] = {"physicalLocation": physical}
    if f.object:
        out["logicalLocations"] = [{"fullyQualifiedName": f.object, "kind": "object"}]
    return out


def _message(f: Finding) -> str:
    text = f.message or f.title or f.rule_id
    extra = [f"Evidence: {e}" for e in f.evidence]
    if f.fix:
        extra.append(f"Fix: {f.fix}")
    return "\n".join([text, *extra])


def _result(f: Finding, rule_index: int, policy_path: str, new: set[str]) -> dict[str, Any]:
    props: dict[str, Any] = {"severity": f.severity.value, "key": f.key}
    for name in ("object", "hub", "role", "kind", "fix_sql", "fix"):
        value = getattr(f, name)
        if value:
            props[name] = value
    if f.evidence:
        props["evidence"] = list(f.evidence)
    if f.key in new:
        props["new"] = True
    res: dict[str, Any] = {
        "ruleId": f.rule_id,
        "ruleIndex": rule_index,
        "level": LEVEL[f.severity],
        "message": {"text": _message(f)},
        "locations": [_location(f, policy_path)],
        "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
        "properties": props,
    }
    if f.suppressed:
        in_source = "suppression_location" in f.properties  # an inline comment, else a policy exception
        supp: dict[str, Any] = {"kind": "inSource" if in_source else "external", "status": "accepted"}
        if f.suppression:
            supp["justification"] = f.suppression
        res["suppressions"] = [supp]
    return res


def document(result: RunResult, settings: ReportSettings) -> dict[str, Any]:
    findings = sort_findings(result.findings)
    rule_ids = sorted({f.rule_id for f in findings})
    first = {rid: next(f for f in findings if f.rule_id == rid) for rid in rule_ids}
    rules = [_rule_descriptor(rid, get_rule(rid), first[rid]) for rid in rule_ids]
    index = {rid: i for i, rid in enumerate(rule_ids)}
    new = summary.new_keys(result)
    invocation: dict[str, Any] = {"executionSuccessful": result.complete}
    if result.started_at:
        invocation["startTimeUtc"] = result.started_at
    notes = list(result.notices)
    if not result.complete:
        notes.insert(0, summary.headline(result, settings.fail_on))
    if notes:
        invocation["toolExecutionNotifications"] = [
            {"level": "error" if not result.complete and i == 0 else "warning", "message": {"text": n}}
            for i, n in enumerate(notes)
        ]
    run: dict[str, Any] = {
        "tool": {"driver": {"name": TOOL_NAME, "version": __version__, "semanticVersion": __version__,
                            "informationUri": INFORMATION_URI, "rules": rules}},
        "automationDetails": {"id": f"{TOOL_NAME}/{result.command}/"},
        "invocations": [invocation],
        "results": [_result(f, index[f.rule_id], result.policy_path, new) for f in findings],
        "properties": {
            "status": summary.status(result, settings.fail_on),
            "complete": result.complete,
            "failOn": settings.fail_on.value,
            "headline": summary.headline(result, settings.fail_on),
            "policy": {"path": result.policy_path, "digest": result.policy_digest},
            "target": scrub_target(result.target),
            "comparison": result.comparison,
        },
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(result: RunResult, settings: ReportSettings) -> str:
    return json.dumps(document(result, settings), indent=2) + "\n"

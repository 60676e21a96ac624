"""SARIF 2.1.0 log for GitHub code scanning and other SARIF viewers.

Lint findings point at file:line:column of the SQL; audit findings point at the
policy YAML line they contradict, so a code-scanning alert opens the line to
fix or the rule to revisit. ``partialFingerprints`` come from ``Finding.key``
(rule + object + hub + role), which keeps an alert's identity across runs.
"""

from __future__ import annotations

import json
import os
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
INLINE_PREFIX = "inline:"  # how the linter marks a suppression written in the source file


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


def source_root() -> Path:
    """The repository the SARIF is uploaded for: $GITHUB_WORKSPACE, else the git work tree of cwd, else cwd."""
    ws = os.environ.get("GITHUB_WORKSPACE")
    if ws and Path(ws).is_dir():
        return Path(ws).resolve()
    cwd = Path.cwd().resolve()
    return _work_tree(cwd) or cwd


def _work_tree(path: Path) -> Path | None:
    for d in (path, *path.parents):
        if (d / ".git").exists():
            return d
    return None


def is_shipped_policy(path: str) -> bool:
    """The policy copy inside the installed package (not a file of any repository)."""
    from ownaudit.policy.locate import shipped_policy_path

    p = Path(path)
    if not p.is_absolute():
        return False
    try:
        return p.resolve() == shipped_policy_path().resolve() and "_policy" in p.resolve().parts
    except OSError:
        return False


def _uri(path: str, root: Path | None = None) -> tuple[str, bool]:
    """A SARIF artifact URI relative to the repository (%SRCROOT%) wherever the file lives.

    Relative paths are already relative to the repository. An absolute path is made
    relative to the source root, else to its own git work tree; the policy shipped in
    the package maps to ``policy/ownership.yaml``, where the policy belongs. Only a
    file outside every repository stays a ``file://`` URI.
    """
    p = Path(path)
    if not p.is_absolute():
        return (PurePosixPath(*p.parts).as_posix() if p.parts else path), True
    if is_shipped_policy(path):
        return DEFAULT_POLICY, True
    resolved = p.resolve()
    for base in (root or source_root(), _work_tree(resolved.parent)):
        if base is None:
            continue
        try:
            return PurePosixPath(resolved.relative_to(base)).as_posix(), True
        except ValueError:
            continue
    return p.as_uri(), False


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


def _location(f: Finding, policy_path: str, root: Path | None = None) -> dict[str, Any]:
    loc = f.location or Location(policy_path or DEFAULT_POLICY, 1)
    uri, relative = _uri(loc.path, root)
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
    extra = [f"Objects ({f.count}): {summary.object_preview(f, 10)}"] if f.aggregated else []
    extra += [f"Evidence: {e}" for e in f.evidence]
    if f.fix:
        extra.append(f"Fix: {f.fix}")
    return "\n".join([text, *extra])


def _result(f: Finding, rule_index: int, policy_path: str, new: set[str], root: Path | None = None
            ) -> dict[str, Any]:
    props: dict[str, Any] = {"severity": f.severity.value, "key": f.key}
    for name in ("object", "hub", "role", "kind", "fix_sql", "fix"):
        value = getattr(f, name)
        if value:
            props[name] = value
    if f.evidence:
        props["evidence"] = list(f.evidence)
    if f.aggregated:
        props["count"] = f.count
        props["objects"] = list(f.objects)
        if "keys" in f.properties:  # an overflow result: the identity of every finding it stands for
            props["keys"] = list(f.properties["keys"])
    fresh = summary.new_count(f, new)
    if fresh:
        props["new"] = True
        if f.aggregated:
            props["newObjects"] = fresh
    res: dict[str, Any] = {
        "ruleId": f.rule_id,
        "ruleIndex": rule_index,
        "level": LEVEL[f.severity],
        "message": {"text": _message(f)},
        "locations": [_location(f, policy_path, root)],
        "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
        "properties": props,
    }
    if f.suppressed:
        # an inline "-- ownaudit: ignore[...] why" lives in the source; a policy exception outside it
        inline = "suppression_location" in f.properties or (f.suppression or "").startswith(INLINE_PREFIX)
        supp: dict[str, Any] = {"kind": "inSource" if inline else "external", "status": "accepted"}
        if f.suppression:
            supp["justification"] = f.suppression.removeprefix(INLINE_PREFIX).strip() if inline else f.suppression
        res["suppressions"] = [supp]
    return res


MAX_RESULTS = 25_000  # GitHub code scanning rejects a run with more results


def _within_limit(findings: list[Finding]) -> list[Finding]:
    """At most ``MAX_RESULTS`` results, none dropped: past the limit, the least serious (the tail of
    the sorted list) become one overflow finding per rule naming every object and key."""
    if len(findings) <= MAX_RESULTS:
        return findings
    tail_rules = 0
    cut = MAX_RESULTS
    while True:  # room for one overflow result per rule in the tail
        tail_rules = len({f.rule_id for f in findings[cut:]})
        if cut + tail_rules <= MAX_RESULTS:
            break
        cut = MAX_RESULTS - tail_rules
    by_rule: dict[str, list[Finding]] = {}
    for f in findings[cut:]:
        by_rule.setdefault(f.rule_id, []).append(f)
    overflow = []
    for rid, items in by_rule.items():
        worst = max(items, key=lambda f: f.severity.rank)
        objects = [o for f in items for o in (f.objects or [f.object])]
        overflow.append(Finding(
            rule_id=rid, severity=worst.severity, title=worst.title,
            message=f"{len(items)} more {rid} findings over {len(objects)} objects, past code scanning's "
                    f"limit of {MAX_RESULTS} results: every one is in the JSON report",
            object=f"{rid} overflow", location=worst.location, fix=worst.fix,
            suppressed=all(f.suppressed for f in items),
            properties={"identity": "overflow", "keys": [k for f in items for k in f.member_keys()]},
            objects=objects))
    return findings[:cut] + overflow


def _overflow_count(shown: list[Finding]) -> int:
    return sum(1 for f in shown if f.properties.get("identity") == "overflow")


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
    shown = _within_limit(findings)
    notes = list(result.notices)
    if result.policy_path and is_shipped_policy(result.policy_path):
        notes.append(f"the policy is the copy shipped in the ownaudit package ({result.policy_path}): alerts "
                     f"point at {DEFAULT_POLICY}; keep the policy in the repository that runs the job and pass "
                     f"--policy {DEFAULT_POLICY}")
    if len(shown) < len(findings):
        notes.append(f"{len(findings)} results exceed code scanning's limit of {MAX_RESULTS} a run: the "
                     f"{len(findings) - len(shown) + _overflow_count(shown)} least serious are folded into one "
                     "result per rule (ruleId, objects and keys in its properties); the JSON report lists each")
    if not result.complete:
        notes.insert(0, summary.headline(result, settings.fail_on))
    if notes:
        invocation["toolExecutionNotifications"] = [
            {"level": "error" if not result.complete and i == 0 else "warning", "message": {"text": n}}
            for i, n in enumerate(notes)
        ]
    root = source_root()
    run: dict[str, Any] = {
        "originalUriBaseIds": {"%SRCROOT%": {"uri": root.as_uri() + "/"}},
        "tool": {"driver": {"name": TOOL_NAME, "version": __version__, "semanticVersion": __version__,
                            "informationUri": INFORMATION_URI, "rules": rules}},
        "automationDetails": {"id": f"{TOOL_NAME}/{result.command}/"},
        "invocations": [invocation],
        "results": [_result(f, index[f.rule_id], result.policy_path, new, root) for f in shown],
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

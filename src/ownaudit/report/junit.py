"""JUnit XML so CI dashboards show the audit like a test run.

One test suite per rule; one test case per object the rule checked, named for the
object alone (no line, role or message), so the same check keeps its name in a
failing and a passing run and dashboards can track it. A case fails when a
finding on it is at or above the threshold (all its findings in the failure),
is skipped when every finding on it is suppressed, and passes otherwise (with a
note for findings below the threshold). An incomplete run adds an erroring case,
so no dashboard shows it green.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ownaudit import TOOL_NAME
from ownaudit.findings import Finding, RunResult, sort_findings
from ownaudit.report import summary
from ownaudit.report.settings import ReportSettings
from ownaudit.rules import get_rule

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _x(text: str) -> str:
    """Drop characters XML 1.0 cannot carry (ElementTree escapes the rest)."""
    return _XML_INVALID.sub("", text)


def _case_name(f: Finding) -> str:
    """The checked object: what a passing run names the same case (never a line number)."""
    if f.object:
        return summary.object_label(f)
    return f.location.path if f.location else f.rule_id


def _details(f: Finding) -> str:
    who = ", ".join(x for x in (f"hub {f.hub}" if f.hub else "", f"role {f.role}" if f.role else "") if x)
    lines = [f.message or f.title] + ([who] if who else [])
    if f.aggregated:
        lines.append(f"objects ({f.count}): {', '.join(f.objects)}")
    lines += [f"evidence: {e}" for e in f.evidence]
    if f.location:
        lines.append(f"at: {f.location}")
    if f.fix:
        lines.append(f"fix: {f.fix}")
    if f.fix_sql:
        lines.append(f"sql: {f.fix_sql}")
    return "\n".join(lines)


def document(result: RunResult, settings: ReportSettings) -> ET.Element:
    findings = sort_findings(result.findings)
    rule_ids = sorted({f.rule_id for f in findings} | set(result.checked_objects))
    root = ET.Element("testsuites", name=f"{TOOL_NAME} {result.command}")
    total = failures = errors = skipped = 0
    if not result.complete:
        suite = ET.SubElement(root, "testsuite", name=f"{TOOL_NAME}.run", tests="1", failures="0",
                              errors="1", skipped="0")
        case = ET.SubElement(suite, "testcase", name="run completed", classname=f"{TOOL_NAME}.run")
        err = ET.SubElement(case, "error", message=_x(summary.headline(result, settings.fail_on)),
                            type="incomplete")
        err.text = _x("\n".join(result.notices))
        total, errors = 1, 1
    for rid in rule_ids:
        rule = get_rule(rid)
        mine = [f for f in findings if f.rule_id == rid]
        with_findings = {o for f in mine for o in (f.objects or [f.object])}
        clean_objects = [o for o in result.checked_objects.get(rid, []) if o not in with_findings]
        suite = ET.SubElement(root, "testsuite", name=rid)
        if rule is not None:
            props = ET.SubElement(suite, "properties")
            ET.SubElement(props, "property", name="title", value=_x(rule.title))
            ET.SubElement(props, "property", name="severity", value=rule.severity.value)
        s_fail = s_skip = 0
        by_case: dict[str, list[Finding]] = {}
        for f in mine:
            by_case.setdefault(_case_name(f), []).append(f)
        for name, fs in by_case.items():
            case = ET.SubElement(suite, "testcase", name=_x(name), classname=f"{TOOL_NAME}.{rid}")
            failing = [f for f in fs if not f.suppressed and f.severity.at_least(settings.fail_on)]
            if failing:
                worst = failing[0]
                fail = ET.SubElement(case, "failure", message=_x(worst.title or worst.message),
                                     type=worst.severity.value)
                fail.text = _x("\n\n".join(_details(f) for f in failing))
                s_fail += 1
            elif all(f.suppressed for f in fs):
                reasons = "; ".join(sorted({f.suppression or "policy exception" for f in fs}))
                ET.SubElement(case, "skipped", message=_x(f"suppressed: {reasons}"))
                s_skip += 1
            notes = [f for f in fs if not f.suppressed and f not in failing]
            if notes:
                out = ET.SubElement(case, "system-out")
                out.text = _x("\n\n".join(f"{f.severity.value} (below --fail-on {settings.fail_on.value}): "
                                          f"{_details(f)}" for f in notes))
        clean_objects = [o for o in clean_objects if o not in by_case]
        for obj in sorted(clean_objects):
            ET.SubElement(suite, "testcase", name=_x(obj), classname=f"{TOOL_NAME}.{rid}")
        n = len(by_case) + len(clean_objects)
        suite.set("tests", str(n))
        suite.set("failures", str(s_fail))
        suite.set("errors", "0")
        suite.set("skipped", str(s_skip))
        total, failures, skipped = total + n, failures + s_fail, skipped + s_skip
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", str(errors))
    root.set("skipped", str(skipped))
    if result.duration_seconds:
        root.set("time", f"{result.duration_seconds:.3f}")
    return root


def render(result: RunResult, settings: ReportSettings) -> str:
    root = document(result, settings)
    ET.indent(root)
    head = [summary.headline(result, settings.fail_on)]
    cmp_line = summary.comparison_line(result)
    if cmp_line:
        head.append(cmp_line)
        head += [f"resolved: {x}" for x in summary.resolved_lines(result)]
    comment = _x("\n     ".join(head)).replace("--", "- -")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + f"<!-- {comment} -->\n"
            + ET.tostring(root, encoding="unicode") + "\n")

"""JUnit XML: one suite per rule, one case per checked object or finding."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ownaudit.findings import Finding, Severity
from ownaudit.report.junit import render
from ownaudit.report.sample import sample_result
from ownaudit.report.settings import ReportSettings


def parse(text: str) -> ET.Element:
    return ET.fromstring(text.encode("utf-8"))


def suites(root: ET.Element) -> dict[str, ET.Element]:
    return {s.get("name", ""): s for s in root.iter("testsuite")}


def test_one_suite_per_rule_and_cases_for_checked_objects_and_findings() -> None:
    root = parse(render(sample_result(), ReportSettings()))
    by_name = suites(root)
    assert sorted(by_name) == ["AUD001", "AUD002", "AUD010", "AUD011"]
    aud001 = by_name["AUD001"]
    cases = aud001.findall("testcase")
    names = [c.get("name") for c in cases]
    # the finding's object plus the three objects AUD001 checked and found nothing on
    assert len(cases) == 4 and aud001.get("tests") == "4"
    assert names[0] == ("cl.company_identity at policy/ownership.yaml:12:5 [hub outreach, role outreach_writer]")
    assert sorted(names[1:]) == ["cl.lifecycle_history", "cl.lifecycle_state", "outreach.people"]
    assert cases[0].find("failure") is not None
    assert all(c.find("failure") is None for c in cases[1:])
    failure = cases[0].find("failure")
    assert failure is not None and failure.get("type") == "critical"
    assert "REVOKE INSERT ON cl.company_identity FROM outreach_writer;" in (failure.text or "")


def test_failures_follow_the_threshold_and_suppressed_findings_are_skipped() -> None:
    for threshold, expected_failures in [
        (Severity.CRITICAL, 1),
        (Severity.HIGH, 2),
        (Severity.MEDIUM, 3),
        (Severity.INFO, 3),
    ]:
        root = parse(render(sample_result(), ReportSettings(fail_on=threshold)))
        assert root.get("failures") == str(expected_failures), threshold
        assert len(list(root.iter("failure"))) == expected_failures
    root = parse(render(sample_result(), ReportSettings()))
    skipped = suites(root)["AUD011"].find("testcase/skipped")
    assert skipped is not None and "EX-7" in (skipped.get("message") or "")
    assert root.get("skipped") == "1"
    assert root.get("tests") == str(sum(int(s.get("tests", "0")) for s in root.iter("testsuite")))


def test_incomplete_run_shows_as_an_error() -> None:
    root = parse(render(sample_result(complete=False), ReportSettings()))
    assert root.get("errors") == "1"
    err = next(root.iter("error"))
    assert "INCOMPLETE" in (err.get("message") or "")
    assert "permission denied" in (err.text or "")


def test_text_that_xml_cannot_carry_is_dropped_not_fatal() -> None:
    result = sample_result()
    result.findings = [Finding("AUD001", Severity.HIGH, 'bad \x00\x07 <&> "chars"', "m", object="a&b")]
    root = parse(render(result, ReportSettings()))
    failure = next(root.iter("failure"))
    assert failure.get("message") == 'bad  <&> "chars"'

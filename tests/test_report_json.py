"""JSON findings document: published schema, no credentials, round trip."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema

from ownaudit.findings import Finding, Location, ObjectDetail, Severity
from ownaudit.report.jsondoc import FORMAT_VERSION, load_findings, render
from ownaudit.report.jsondoc import schema as shipped_schema
from ownaudit.report.sample import sample_result
from ownaudit.report.settings import ReportSettings

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = ROOT / "schemas" / "findings.schema.json"
SHIPPED = ROOT / "src" / "ownaudit" / "report" / "findings.schema.json"


def schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(PUBLISHED.read_text(encoding="utf-8"))
    return data


def test_published_and_shipped_schema_are_identical() -> None:
    assert PUBLISHED.read_bytes() == SHIPPED.read_bytes()
    assert shipped_schema() == schema()
    jsonschema.Draft202012Validator.check_schema(schema())


def test_document_validates_against_the_published_schema() -> None:
    for complete in (True, False):
        doc = json.loads(render(sample_result(complete), ReportSettings()))
        jsonschema.Draft202012Validator(schema()).validate(doc)


def test_document_carries_version_policy_target_timing_and_summary() -> None:
    doc = json.loads(render(sample_result(), ReportSettings()))
    assert doc["format_version"] == FORMAT_VERSION
    assert doc["tool"]["name"] == "ownaudit"
    assert doc["policy"] == {"path": "policy/ownership.yaml", "digest": "0f" * 32}
    assert doc["target"] == {"host": "db.example.test", "port": 5432, "database": "shared"}
    assert doc["timing"] == {"started_at": "2025-01-02T03:04:05Z", "duration_seconds": 1.25}
    assert doc["summary"] == {"total": 3, "failing": 2, "suppressed": 1, "objects": 3,
                              "by_severity": {"critical": 1, "high": 1, "medium": 1, "low": 0, "info": 0}}
    assert doc["status"] == "dirty" and doc["complete"] is True
    assert doc["findings"][0]["rule_id"] == "AUD001"  # most serious first
    assert doc["matrix"]["roles"] == ["cl_writer", "outreach_writer", "ui_reader"]


def test_incomplete_document_is_never_clean() -> None:
    doc = json.loads(render(sample_result(complete=False), ReportSettings(fail_on=Severity.CRITICAL)))
    assert doc["status"] == "incomplete" and doc["complete"] is False
    assert doc["notices"] == ["could not read pg_policy: permission denied"]


def test_target_never_carries_credentials() -> None:
    result = sample_result()
    result.target = {"host": "h", "database": "d", "password": "hunter2", "user": "auditor",
                     "dsn": "postgresql://auditor:hunter2@h/d?sslmode=require"}
    text = render(result, ReportSettings())
    assert "hunter2" not in text
    doc = json.loads(text)
    assert "password" not in doc["target"]
    jsonschema.Draft202012Validator(schema()).validate(doc)


def test_findings_round_trip_through_the_document() -> None:
    result = sample_result()
    back = load_findings(render(result, ReportSettings()))
    assert sorted(f.key for f in back) == sorted(f.key for f in result.findings)
    assert {f.key: f.location for f in back} == {f.key: f.location for f in result.findings}


def test_compact_details_read_back_exactly_even_when_names_overlap() -> None:
    names = ["s.t1", "s.t10", "s.T2", "s.t1x"]
    details = [ObjectDetail(object=n, message=f"r can INSERT {n}, not s.t1 itself" if n != "s.t1" else
                            "r can INSERT s.t1, not s.t1 itself",
                            evidence=(f"r -[grant]-> INSERT on {n}",),
                            fix_sql='REVOKE INSERT ON s."T2" FROM r;' if n == "s.T2"
                            else f"REVOKE INSERT ON {n} FROM r;")
               for n in names]
    details.append(ObjectDetail(object="s.t3", message="literally {object} s.t3", evidence=(), fix_sql=None,
                                location=Location("p.yaml", 3, 1)))
    f = Finding(rule_id="AUD001", severity=Severity.HIGH, title="t", message="m", object="s.*", role="r",
                objects=[d.object for d in details], details=details)
    rec = f.to_dict()
    assert "{object}" in rec["detail_template"]["message"]
    back = Finding.from_dict(json.loads(json.dumps(rec)))
    assert back.details == details
    assert [m.key for m in back.members()] == [m.key for m in f.members()]

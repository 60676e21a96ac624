"""SARIF 2.1.0: valid against the official schema, usable by GitHub code scanning."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from ownaudit.findings import Finding, Location, RunResult, Severity
from ownaudit.report.sample import sample_result
from ownaudit.report.sarif import FINGERPRINT_KEY, render
from ownaudit.report.settings import ReportSettings
from ownaudit.rules import get_rule

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def sarif(result: RunResult, **kw: Any) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(render(result, ReportSettings(**kw)))
    jsonschema.Draft7Validator(SCHEMA).validate(doc)
    return doc


def lint_result() -> RunResult:
    return RunResult(
        "lint",
        [
            Finding(
                "LNT001",
                Severity.CRITICAL,
                "Write to a table another hub owns",
                "INSERT into cl.company_identity from hub outreach",
                object="cl.company_identity",
                hub="outreach",
                location=Location("migrations/003_seed.sql", 7, 3, 7, 40),
                properties={"identity": "migrations/003_seed.sql"},
            ),
            Finding(
                "LNT002", Severity.LOW, "Whole-file problem", "m", object="x", location=Location("sql/whole.sql", 0, 0)
            ),
        ],
        target={"repository": "barton-outreach-core"},
    )


def test_sample_audit_log_is_valid_sarif() -> None:
    doc = sarif(sample_result())
    assert doc["version"] == "2.1.0"
    assert doc["runs"][0]["tool"]["driver"]["name"] == "ownaudit"


def test_one_rule_per_rule_id_with_descriptions_help_and_security_severity() -> None:
    run = sarif(sample_result())["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["AUD001", "AUD002", "AUD010", "AUD011"]
    for r in rules:
        assert r["shortDescription"]["text"] and r["fullDescription"]["text"] and r["help"]["text"]
        assert isinstance(r["properties"]["security-severity"], str)
        float(r["properties"]["security-severity"])
        meta = get_rule(r["id"])
        if meta is not None:  # catalogue text is the single source
            assert r["shortDescription"]["text"] == meta.title
            assert meta.fix in r["help"]["text"]
    by_id = {r["id"]: r for r in rules}
    if get_rule("AUD001") is not None and get_rule("AUD001").severity is Severity.CRITICAL:  # type: ignore[union-attr]
        assert by_id["AUD001"]["properties"]["security-severity"] == "9.5"
        assert by_id["AUD001"]["defaultConfiguration"]["level"] == "error"
    for res in run["results"]:
        assert run["tool"]["driver"]["rules"][res["ruleIndex"]]["id"] == res["ruleId"]


def test_audit_findings_point_at_the_policy_line_they_contradict() -> None:
    run = sarif(sample_result())["runs"][0]
    res = next(r for r in run["results"] if r["ruleId"] == "AUD001")
    loc = res["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "policy/ownership.yaml"
    assert loc["region"] == {"startLine": 12, "startColumn": 5}
    assert res["level"] == "error"
    assert res["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "cl.company_identity"


def test_audit_finding_without_a_location_falls_back_to_the_policy_file() -> None:
    result = sample_result()
    result.findings = [Finding("AUD082", Severity.MEDIUM, "Missing role", "role x missing", object="x")]
    res = sarif(result)["runs"][0]["results"][0]
    loc = res["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "policy/ownership.yaml"
    assert loc["region"]["startLine"] == 1


def test_lint_findings_are_located_at_file_line_column() -> None:
    run = sarif(lint_result())["runs"][0]
    first, whole = run["results"]
    region = first["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 7, "startColumn": 3, "endLine": 7, "endColumn": 40}
    assert whole["locations"][0]["physicalLocation"]["region"]["startLine"] == 1  # never 0
    assert first["level"] == "error" and whole["level"] == "note"
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["LNT001", "LNT002"]


def test_fingerprints_are_stable_across_runs_and_wording() -> None:
    a = sarif(sample_result())["runs"][0]["results"]
    changed = sample_result()
    for f in changed.findings:
        f.message = "reworded: " + f.message
        f.title = "new title"
    b = sarif(changed)["runs"][0]["results"]
    fa = {r["ruleId"]: r["partialFingerprints"][FINGERPRINT_KEY] for r in a}
    fb = {r["ruleId"]: r["partialFingerprints"][FINGERPRINT_KEY] for r in b}
    assert fa == fb
    assert len(set(fa.values())) == len(fa)


def test_suppressed_findings_carry_sarif_suppressions() -> None:
    results = sarif(sample_result())["runs"][0]["results"]
    supp = [r for r in results if "suppressions" in r]
    assert [r["ruleId"] for r in supp] == ["AUD011"]
    assert supp[0]["suppressions"][0]["kind"] == "external"
    assert "EX-7" in supp[0]["suppressions"][0]["justification"]


def test_incomplete_run_is_marked_unsuccessful() -> None:
    run = sarif(sample_result(complete=False))["runs"][0]
    inv = run["invocations"][0]
    assert inv["executionSuccessful"] is False
    texts = [n["message"]["text"] for n in inv["toolExecutionNotifications"]]
    assert any("permission denied" in t for t in texts)
    assert run["properties"]["status"] == "incomplete"


@pytest.mark.parametrize("path", ["/abs/elsewhere/file.sql"])
def test_absolute_paths_outside_the_checkout_become_file_uris(path: str) -> None:
    result = RunResult("lint", [Finding("LNT001", Severity.HIGH, "t", "m", location=Location(path, 2, 1))])
    res = sarif(result)["runs"][0]["results"][0]
    assert res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("file:///")


def test_inline_suppressions_are_in_source_and_policy_exceptions_external() -> None:
    result = RunResult("lint", [
        Finding("LNT009", Severity.HIGH, "t", "m", location=Location("migrations/002.sql", 3, 1),
                suppressed=True, suppression="inline: staging table, SEC-42"),
        Finding("LNT001", Severity.HIGH, "t", "m", location=Location("a.sql", 1, 1),
                suppressed=True, suppression="policy exception until 2030-01-01: migration"),
    ])
    kinds = {r["ruleId"]: r["suppressions"][0] for r in sarif(result)["runs"][0]["results"]}
    assert kinds["LNT009"] == {"kind": "inSource", "status": "accepted", "justification": "staging table, SEC-42"}
    assert kinds["LNT001"]["kind"] == "external"


def test_policy_locations_are_relative_to_the_repository_wherever_the_policy_lives(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ownaudit.policy.locate import shipped_policy_path

    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "policy").mkdir()
    policy = repo / "policy" / "ownership.yaml"
    policy.write_text("x: 1\n")
    (repo / "sub").mkdir()
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    monkeypatch.chdir(repo / "sub")  # the job runs from a subdirectory: still relative to the repository
    f = Finding("AUD001", Severity.HIGH, "t", "m", location=Location(str(policy), 7, 3))
    run = sarif(RunResult("audit", [f], policy_path=str(policy)))["runs"][0]
    art = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert art == {"uri": "policy/ownership.yaml", "uriBaseId": "%SRCROOT%"}
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.resolve().as_uri() + "/"
    monkeypatch.setenv("GITHUB_WORKSPACE", str(repo))
    monkeypatch.chdir(tmp_path)
    art = sarif(RunResult("audit", [f]))["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert art["artifactLocation"]["uri"] == "policy/ownership.yaml"
    # the policy shipped inside the installed package: where it belongs, with a notice saying so
    shipped = str(shipped_policy_path())
    g = Finding("AUD001", Severity.HIGH, "t", "m", location=Location(shipped, 7, 3))
    run = sarif(RunResult("audit", [g], policy_path=shipped))["runs"][0]
    uri = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert not uri.startswith("file:")
    if "_policy" in Path(shipped).parts:  # an installed wheel, not a source checkout
        assert uri == "policy/ownership.yaml"
        notes = [n["message"]["text"] for n in run["invocations"][0]["toolExecutionNotifications"]]
        assert any("repository that runs the job" in n for n in notes)

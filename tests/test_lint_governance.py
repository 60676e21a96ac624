"""The central policy decides what a hub may waive: inline suppressions, policy precedence, --strict."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ownaudit.findings import Severity
from ownaudit.lint.engine import lint
from ownaudit.policy.loader import load_policy
from ownaudit.policy.locate import POLICY_ENV, policy_source, shipped_policy_path
from ownaudit.report.emit import render
from ownaudit.report.settings import ReportSettings
from test_lint_support import lint_source, make_policy, write_policy

OWNAUDIT = [sys.executable, "-m", "ownaudit.cli"]
CRITICAL = "-- ownaudit: ignore[LNT001] we need this, trust us\nUPDATE cl.company_identity SET a = 1;\n"
INFO = "-- ownaudit: ignore[LNT009] staging table, SEC-42\nCREATE TABLE outreach.import_staging (a int);\n"


def active(findings: list) -> list[tuple[str, int]]:  # type: ignore[type-arg]
    return sorted((f.rule_id, f.location.line) for f in findings if not f.suppressed and f.location)


def test_inline_suppression_is_honoured_up_to_the_policy_limit_and_beyond_it_is_a_finding(tmp_path: Path) -> None:
    policy = make_policy(tmp_path)  # default: up to medium
    fs = lint_source(policy, INFO)
    (sup,) = [f for f in fs if f.suppressed]
    assert sup.rule_id == "LNT009" and sup.suppression == "inline at f.sql:1: staging table, SEC-42"
    assert active(fs) == []
    fs = lint_source(policy, CRITICAL)
    assert active(fs) == [("LNT001", 2), ("LNT020", 1)]  # the write stays; the comment is itself a finding
    (beyond,) = [f for f in fs if f.rule_id == "LNT020"]
    assert beyond.severity == Severity.HIGH
    assert "critical LNT001" in beyond.message and "up to medium" in beyond.message
    assert "policy exception" in beyond.message


def test_the_policy_can_forbid_inline_suppressions_entirely(tmp_path: Path) -> None:
    policy = make_policy(tmp_path, "gate: {inline_suppression_max: none}\n")
    fs = lint_source(policy, INFO)
    assert active(fs) == [("LNT009", 2), ("LNT020", 1)]
    (beyond,) = [f for f in fs if f.rule_id == "LNT020"]
    assert "up to none" in beyond.message and "ownership.yaml:" in beyond.message  # names the policy line


def test_critical_findings_need_a_central_expiring_exception(tmp_path: Path) -> None:
    extra = (
        "  - {rule: LNT001, object: cl.company_identity, hub: hub-out, reason: backfill agreed with CL,\n"
        "     expires: 2099-01-01, ticket: SEC-77}\n"
    )
    root = tmp_path / "hub"
    root.mkdir()
    write_policy(root)
    text = (root / "ownership.yaml").read_text() + extra  # exceptions: is the last section
    (root / "ownership.yaml").write_text(text)
    (root / "a.sql").write_text("UPDATE cl.company_identity SET a = 1;\n")
    result = lint(load_policy(root / "ownership.yaml", check_schema=False), "hub-out", root, n_jobs=1)
    (f,) = result.findings
    assert f.suppressed and f.suppression == "policy exception until 2099-01-01: backfill agreed with CL (SEC-77)"


def test_unused_and_reasonless_suppressions_are_reported(tmp_path: Path) -> None:
    policy = make_policy(tmp_path)
    src = "-- ownaudit: ignore[LNT009] nothing here\nSELECT 1;\n-- ownaudit: ignore[LNT009]\nSELECT 2;\n"
    assert active(lint_source(policy, src)) == [("LNT014", 3), ("LNT015", 1)]


@pytest.mark.parametrize("fmt", ["console", "json", "sarif", "junit", "markdown", "html"])
def test_every_report_shows_each_honoured_suppression_with_reason_and_location(tmp_path: Path, fmt: str) -> None:
    root = tmp_path / "hub"
    (root / "db").mkdir(parents=True)
    write_policy(root)
    (root / "db" / "stage.sql").write_text(INFO)
    result = lint(load_policy(root / "ownership.yaml", check_schema=False), "hub-out", root, n_jobs=1)
    assert [f.suppressed for f in result.findings] == [True]
    text = render(fmt, result, ReportSettings(color=False) if fmt == "console" else ReportSettings())
    assert "staging table, SEC-42" in text, text
    assert "db/stage.sql:1" in text, text  # where the suppression comment is
    if fmt == "sarif":
        (res,) = json.loads(text)["runs"][0]["results"]
        assert res["suppressions"][0]["kind"] == "inSource"


# -- which policy, which hub: the command line and environment win ----------------------------


def test_policy_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.ownaudit]\npolicy = "hub-policy.yaml"\n')
    monkeypatch.delenv(POLICY_ENV, raising=False)
    assert policy_source(None, tmp_path) == ((tmp_path / "hub-policy.yaml").resolve(), "pyproject.toml")
    monkeypatch.setenv(POLICY_ENV, "/central/ownership.yaml")
    assert policy_source(None, tmp_path) == (Path("/central/ownership.yaml"), POLICY_ENV)
    assert policy_source("cli.yaml", tmp_path) == (Path("cli.yaml"), "--policy")
    (tmp_path / "pyproject.toml").write_text("[tool.ownaudit]\n")
    monkeypatch.delenv(POLICY_ENV)
    assert policy_source(None, tmp_path) == (shipped_policy_path(), "shipped")


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in (POLICY_ENV, "NO_COLOR")}
    env["OWNAUDIT_CACHE_DIR"] = str(cwd.parent / ".ownaudit-cache")
    return subprocess.run([*OWNAUDIT, "lint", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture()
def overriding_repo(tmp_path: Path) -> Path:
    """hub-out's repository whose own pyproject.toml claims to be CL, brings its own policy and hides db/."""
    r = tmp_path / "hub"
    (r / "db").mkdir(parents=True)
    (r / "db" / "bad.sql").write_text("UPDATE cl.company_identity SET a = 1;\n")
    write_policy(r)
    (r / "my-policy.yaml").write_text((r / "ownership.yaml").read_text())
    (r / "pyproject.toml").write_text(
        '[tool.ownaudit]\nhub = "hub-cl"\npolicy = "my-policy.yaml"\nexclude = ["db/**"]\n'
    )
    subprocess.run(["git", "init", "-q"], cwd=r, check=True)
    subprocess.run(["git", "remote", "add", "origin", "git@github.com:example/hub-out.git"], cwd=r, check=True)
    return r


def test_without_strict_the_repository_configuration_applies(overriding_repo: Path) -> None:
    (overriding_repo / "db" / "ok.sql").write_text("SELECT 1;\n")
    p = _run(["--format", "json", "-o", "-", "--allow-empty"], overriding_repo)
    assert p.returncode == 0, p.stderr  # fast local feedback trusts the repository: that is why it is no gate
    doc = json.loads(p.stdout)
    assert doc["findings"] == [] and doc["target"]["policy_source"] == "pyproject.toml"


def test_strict_ignores_and_reports_every_hub_side_override(overriding_repo: Path) -> None:
    p = _run(["--strict", "--policy", "ownership.yaml", "--format", "json", "-o", "-"], overriding_repo)
    assert p.returncode == 1, p.stderr
    doc = json.loads(p.stdout)
    got = sorted((f["rule_id"], f["object"], f["location"]["path"], f["location"]["line"]) for f in doc["findings"])
    assert got == [
        ("LNT001", "cl.company_identity", "db/bad.sql", 1),  # hub from the git remote, db/ not hidden
        ("LNT021", "[tool.ownaudit] exclude", "pyproject.toml", 4),
        ("LNT021", "[tool.ownaudit] hub", "pyproject.toml", 2),
        ("LNT021", "[tool.ownaudit] policy", "pyproject.toml", 3),
    ]
    assert doc["target"]["hub"] == "hub-out" and doc["target"]["policy_source"] == "--policy"
    assert all(f["severity"] == "high" for f in doc["findings"] if f["rule_id"] == "LNT021")


def test_strict_needs_a_hub_it_does_not_take_from_the_repository(overriding_repo: Path) -> None:
    subprocess.run(["git", "remote", "remove", "origin"], cwd=overriding_repo, check=True)
    p = _run(["--strict", "--policy", "ownership.yaml"], overriding_repo)
    assert p.returncode == 2 and p.stderr.count("\n") == 1 and "--strict" in p.stderr, p.stderr
    p = _run(["--strict", "--policy", "ownership.yaml", "--hub", "hub-out", "-q"], overriding_repo)
    assert p.returncode == 1, p.stderr

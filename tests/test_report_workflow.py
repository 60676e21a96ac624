"""The nightly GitHub Actions workflow parses and does what the README promises."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

WORKFLOW = Path(__file__).resolve().parent.parent / ".github" / "workflows" / "nightly-audit.yml"


def load() -> dict[Any, Any]:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_workflow_is_scheduled_daily_with_the_dsn_from_a_secret() -> None:
    wf = load()
    triggers = wf[True] if True in wf else wf["on"]  # YAML 1.1 reads the bare key `on` as True
    cron = triggers["schedule"][0]["cron"].split()
    assert len(cron) == 5 and cron[2:] == ["*", "*", "*"]  # every day
    assert wf["permissions"]["security-events"] == "write"
    steps = wf["jobs"]["audit"]["steps"]
    audit = next(s for s in steps if "ownaudit audit" in s.get("run", ""))
    assert "--report-dir reports/" in audit["run"] and "--format" in audit["run"]
    assert audit["env"]["OWNAUDIT_DSN"].replace(" ", "") == "${{secrets.OWNAUDIT_DSN}}"


def test_workflow_uploads_sarif_and_the_report_directory() -> None:
    steps = load()["jobs"]["audit"]["steps"]
    uses = {s.get("uses", "").split("@")[0]: s for s in steps}
    sarif = uses["github/codeql-action/upload-sarif"]
    assert sarif["with"]["sarif_file"] == "reports/latest/findings.sarif"
    assert uses["actions/upload-artifact"]["with"]["path"] == "reports/"
    assert "always()" in uses["actions/upload-artifact"]["if"]  # reports even when the audit fails
    last = steps[-1]
    assert "exit" in last["run"] and "always()" in last["if"]  # the job still fails on findings

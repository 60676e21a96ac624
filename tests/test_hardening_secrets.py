"""No secret leaks: the DSN's password is in no output, report, snapshot, error or log line.

Every artefact a run can leave is scanned: stdout and stderr of each command, every
file of every report format (one-off outputs and the nightly ``--report-dir`` tree),
snapshots, the server's statement log; then failing runs. The linter masks the
passwords it finds in hub code.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from ownaudit.report.options import FORMATS
from test_hardening_support import (
    AUDITOR,
    LOG_SETTINGS,
    SECRET,
    HardeningServer,
    run_cli,
    start_hardening_server,
)

WRONG = "Wr0ng-Pa55-abc"
HUB_SECRET = "hunter2secret"


@pytest.fixture(scope="module")
def logsrv() -> Iterator[HardeningServer]:
    yield from start_hardening_server(LOG_SETTINGS)


def _scan_tree(root: Path, secret: str) -> list[Path]:
    """Files under ``root`` (following the ``latest`` pointer too) that contain ``secret``."""
    return [p for p in root.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]


def _kv_dsn(srv: HardeningServer, password: str) -> str:
    return (
        f"host=127.0.0.1 port={srv.server.port} dbname='Marketing DB' user={AUDITOR} "
        f"password={password} connect_timeout=5"
    )


@pytest.mark.catalog
def test_no_output_report_snapshot_or_log_line_holds_the_password(logsrv: HardeningServer, tmp_path: Path) -> None:
    log_from = logsrv.server.log_position()
    outputs: list[str] = []
    for n, dsn in enumerate((logsrv.dsn(), _kv_dsn(logsrv, SECRET))):
        out = tmp_path / f"run{n}"
        args = ["audit", "--dsn", dsn, "--report-dir", str(out / "reports"), "--fail-on", "critical"]
        for fmt in FORMATS:
            args += ["--format", fmt, "-o", str(out / f"report.{fmt}")]
        proc = run_cli(args, tmp_path)
        assert proc.returncode in (0, 1), proc.stderr
        outputs += [proc.stdout, proc.stderr]
        # every format once more on stdout
        for fmt in FORMATS:
            p = run_cli(["audit", "--dsn", dsn, "--format", fmt, "--fail-on", "critical"], tmp_path)
            assert p.returncode in (0, 1) and p.stdout.strip(), p.stderr
            outputs += [p.stdout, p.stderr]
        snap = run_cli(["snapshot", "--dsn", dsn, "-o", str(out / "snap.json")], tmp_path)
        assert snap.returncode == 0, snap.stderr
        snap_stdout = run_cli(["snapshot", "--dsn", dsn], tmp_path)
        assert snap_stdout.returncode == 0 and json.loads(snap_stdout.stdout)
        offline = run_cli(["audit", "--snapshot", str(out / "snap.json"), "--format", "json"], tmp_path)
        assert offline.returncode in (0, 1), offline.stderr
        outputs += [snap.stdout, snap.stderr, snap_stdout.stdout, snap_stdout.stderr, offline.stdout]
        written = sorted(p.name for p in out.iterdir())
        assert written == sorted([*(f"report.{f}" for f in FORMATS), "reports", "snap.json"]), written
        assert len([p for p in (out / "reports").rglob("*") if p.is_file()]) >= len(FORMATS)
        assert not _scan_tree(out, SECRET)
    # The reports do say where they looked (host, database, user) - just never the password.
    doc = json.loads((tmp_path / "run0" / "report.json").read_text(encoding="utf-8"))
    assert "Marketing DB" in json.dumps(doc)
    for text in outputs:
        assert SECRET not in text
    # Failing runs: the error names the server and user, never the password.
    for dsn in (logsrv.dsn(password=WRONG), logsrv.dsn("missing db"), _kv_dsn(logsrv, WRONG)):
        for cmd in (["audit", "--format", "json"], ["snapshot"]):
            p = run_cli([*cmd, "--dsn", dsn], tmp_path)
            assert p.returncode == 3 and WRONG not in p.stderr + p.stdout and SECRET not in p.stderr + p.stdout
    # The server saw the audit's statements (log_statement = all) but no password in any of them.
    log = logsrv.server.log_text(log_from)
    assert "application_name" in log or "<ownaudit|" in log
    assert SECRET not in log and WRONG not in log


def test_lint_masks_passwords_found_in_hub_code(tmp_path: Path) -> None:
    repo = tmp_path / "hub"
    repo.mkdir()
    (repo / "db.py").write_text(
        "import psycopg\n"
        f'DSN = "postgresql://u:{HUB_SECRET}@h/db"\n'
        f"conn = psycopg.connect(\"host=h dbname=db user=cl_writer password='{HUB_SECRET}2'\")\n",
        encoding="utf-8",
    )
    (repo / "deploy.sql").write_text(
        f"-- psql postgres://admin:{HUB_SECRET}3@db.example/app\nSELECT 1;\n", encoding="utf-8"
    )
    (repo / "client.ts").write_text(
        f"const url = `postgresql://cl_writer:{HUB_SECRET}4@h:5432/db`;\n", encoding="utf-8"
    )
    args = [
        "lint",
        "db.py",
        "deploy.sql",
        "client.ts",
        "--hub",
        "company-lifecycle-cl",
        "--report-dir",
        str(tmp_path / "reports"),
    ]
    for fmt in FORMATS:
        args += ["--format", fmt, "-o", str(tmp_path / f"lint.{fmt}")]
    proc = run_cli(args, repo)
    assert proc.returncode == 1, proc.stderr
    doc = json.loads((tmp_path / "lint.json").read_text(encoding="utf-8"))
    hits = [f for f in doc["findings"] if f["rule_id"] == "LNT012"]
    assert {f["location"]["path"] for f in hits} >= {"db.py", "client.ts"}, doc["findings"]
    for f in hits:
        assert "****" in f["message"] or "***" in f["message"], f
    assert HUB_SECRET not in proc.stdout + proc.stderr
    assert not _scan_tree(tmp_path, HUB_SECRET) or _only_sources(tmp_path)
    # stdout in every format, too
    for fmt in FORMATS:
        p = run_cli(
            ["lint", "db.py", "deploy.sql", "client.ts", "--hub", "company-lifecycle-cl", "--format", fmt],
            repo,
        )
        assert p.returncode == 1 and HUB_SECRET not in p.stdout + p.stderr, fmt


def _only_sources(tmp_path: Path) -> bool:
    """The secret is only in the hub's own source files, never in a report."""
    leaked = [p for p in _scan_tree(tmp_path, HUB_SECRET) if p.parent != tmp_path / "hub"]
    assert not leaked, leaked
    return True

"""What a first run prints: which settings were looked at for a DSN, a superuser warning,
and the same catalog-read timeouts on plan, init and diff as on audit."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import psycopg
import pytest

from ownaudit.cli import main

NAMES = ("--dsn", "OWNAUDIT_DSN", "DATABASE_URL", "PGHOST", "PGDATABASE", "PGSERVICE")


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    out, err = capsys.readouterr()
    code = exc.value.code
    return (code if isinstance(code, int) else 1), out, err


@pytest.mark.parametrize("command", [["audit"], ["plan"], ["init"], ["snapshot", "-o", "s.json"]])
def test_no_dsn_names_every_option_and_variable_looked_at(
        command: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith("PG") or name in ("OWNAUDIT_DSN", "DATABASE_URL"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    code, out, err = run(command, capsys)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ownaudit: error: no database to connect to"), err
    for name in NAMES:
        assert name in lines[0]


@pytest.mark.catalog
def test_auditing_as_a_superuser_works_and_says_production_uses_a_grant_less_role(
        fresh_db: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    import ownaudit.connect

    ownaudit.connect._warned.clear()
    fresh_db.apply_seed()
    out = tmp_path / "a.json"
    code, _, err = run(["audit", "--dsn", fresh_db.dsn, "--format", "json", "--output", str(out)], capsys)
    assert code in (0, 1) and out.is_file()  # the audit ran
    warning = [line for line in err.splitlines() if "superuser" in line]
    assert len(warning) == 1 and warning[0].startswith("ownaudit: warning: connected as ")
    assert "LOGIN and no grants" in warning[0]
    auditor = fresh_db.create_role("aud_" + fresh_db.name[-6:])
    code, _, err = run(["audit", "--dsn", fresh_db.role_dsn(auditor), "--format", "json", "--output",
                        str(out)], capsys)
    assert code in (0, 1) and "superuser" not in err


@pytest.mark.catalog
@pytest.mark.parametrize("command", ["plan", "init", "diff"])
def test_plan_init_and_diff_honour_the_lock_timeout_like_audit(
        fresh_db: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str) -> None:
    fresh_db.apply_seed()
    auditor = fresh_db.create_role("aud_" + fresh_db.name[-6:])
    dsn = fresh_db.role_dsn(auditor)
    argv = {"plan": ["plan", "--dsn", dsn], "init": ["init", "--dsn", dsn, "-o", str(tmp_path / "p.yaml")],
            "diff": ["diff", str(Path(__file__).resolve().parents[1] / "policy" / "ownership.yaml"), dsn]}[command]
    holder = psycopg.connect(fresh_db.dsn, connect_timeout=10)
    try:
        holder.execute("LOCK TABLE pg_catalog.pg_policy IN ACCESS EXCLUSIVE MODE")
        code, _, err = run([*argv, "--lock-timeout", "300ms", "--statement-timeout", "60s"], capsys)
    finally:
        holder.rollback()
        holder.close()
    assert code == 3, err
    assert "lock timeout" in err.lower() and "Traceback" not in err
    code, _, err = run([*argv, "--lock-timeout", "soon"], capsys)
    assert code == 2 and "--lock-timeout" in err

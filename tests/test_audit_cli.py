"""``ownaudit audit`` as a user runs it: live DSN or snapshot, JSON report, exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ownaudit.catalog.snapshotfile import write_snapshot
from ownaudit.cli import main
from ownaudit.commands.audit import parse_duration_ms
from ownaudit.errors import UsageError
from test_audit_helpers import World, build_world


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    out, err = capsys.readouterr()
    code = exc.value.code
    return (code if isinstance(code, int) else 1), out, err


@pytest.fixture
def drifted(fresh_db: Any, tmp_path: Path) -> tuple[World, Path]:
    world = build_world(fresh_db.dsn)
    world.sql("GRANT INSERT ON outreach.people TO ui_reader")
    policy = tmp_path / "ownership.yaml"
    policy.write_text(world.policy_text, encoding="utf-8")
    return world, policy


@pytest.mark.catalog
def test_audit_live_json_report_and_exit_code(
    drifted: tuple[World, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    world, policy = drifted
    out = tmp_path / "audit.json"
    code, _, err = run(
        [
            "audit",
            "--dsn",
            world.auditor_dsn,
            "--policy",
            str(policy),
            "--format",
            "json",
            "--output",
            str(out),
            "--statement-timeout",
            "30s",
        ],
        capsys,
    )
    assert code == 1, err
    doc = json.loads(out.read_text(encoding="utf-8"))
    finding = next(f for f in doc["findings"] if f["rule_id"] == "AUD001")
    assert finding["object"] == "outreach.people" and finding["role"] == world.r("ui_reader")
    assert finding["hub"] == "barton-outreach-core" and finding["severity"] == "critical"
    assert finding["evidence"] == [f"{world.r('ui_reader')} -[grant]-> INSERT on outreach.people"]
    assert finding["location"]["path"] == str(policy) and finding["location"]["line"] > 1
    assert finding["fix_sql"] == f"REVOKE INSERT ON outreach.people FROM {world.r('ui_reader')};"
    assert finding["suppressed"] is False
    text = out.read_text(encoding="utf-8")
    password = world.auditor_dsn.split("password=", 1)[1].split()[0]
    assert password not in text


@pytest.mark.catalog
def test_audit_snapshot_offline_matches_live(
    drifted: tuple[World, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    world, policy = drifted
    snap = tmp_path / "snap.json"
    write_snapshot(world.snapshot(), snap)
    live = {f.key for f in world.audit().findings}
    out = tmp_path / "offline.json"
    code, _, err = run(
        ["audit", "--snapshot", str(snap), "--policy", str(policy), "--format", "json", "--output", str(out)], capsys
    )
    assert code == 1, err
    offline = json.loads(out.read_text(encoding="utf-8"))["findings"]
    assert {"|".join([f["rule_id"], f["object"], f["hub"] or "", f["role"] or ""]) for f in offline} == live


@pytest.mark.catalog
def test_clean_database_exits_zero(fresh_db: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    world = build_world(fresh_db.dsn)
    policy = tmp_path / "ownership.yaml"
    policy.write_text(world.policy_text, encoding="utf-8")
    code, out, err = run(["audit", "--dsn", world.auditor_dsn, "--policy", str(policy), "--no-color"], capsys)
    assert code == 0, out + err


def test_unreachable_database_exits_3_with_an_incomplete_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "audit.json"
    code, stdout, err = run(
        [
            "audit",
            "--dsn",
            "postgresql://nobody:s3cret@127.0.0.1:1/db",
            "--connect-timeout",
            "2",
            "--format",
            "json",
            "--output",
            str(out),
        ],
        capsys,
    )
    assert code == 3
    doc = json.loads(out.read_text())  # the nightly report says INCOMPLETE, never clean, never stale
    assert doc["complete"] is False and doc["findings"] == []
    assert any("could not complete" in n for n in doc["notices"])
    assert "s3cret" not in out.read_text()
    assert "clean" not in stdout.lower() and "clean" not in out.read_text().lower()
    assert err.startswith("ownaudit: error:") and len(err.strip().splitlines()) == 1 and "s3cret" not in err


@pytest.mark.parametrize(
    "argv",
    [
        ["audit", "--dsn", "postgresql://x@127.0.0.1:1/db", "--snapshot", "s.json"],
        ["audit", "--dsn", "postgresql://x@127.0.0.1:1/db", "--statement-timeout", "soon"],
        ["audit", "--snapshot", "does-not-exist.json"],
    ],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(argv, capsys)
    assert code == 2 and err.startswith("ownaudit: error:") and len(err.strip().splitlines()) == 1


def test_parse_duration() -> None:
    assert parse_duration_ms("30s") == 30_000
    assert parse_duration_ms("500ms") == 500
    assert parse_duration_ms("2min") == 120_000
    assert parse_duration_ms("5") == 5_000
    with pytest.raises(UsageError):
        parse_duration_ms("0ms")

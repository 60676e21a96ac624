"""Nightly report directories: one folder per run, latest pointer, run-to-run comparison."""

from __future__ import annotations

import io
import json
import os
from datetime import datetime, timezone
from pathlib import Path

from ownaudit.findings import Finding, Severity
from ownaudit.report.emit import emit
from ownaudit.report.history import FILE_NAMES, compare
from ownaudit.report.sample import sample_result

T1 = datetime(2025, 1, 1, 2, 0, 0, tzinfo=timezone.utc)
T2 = datetime(2025, 1, 2, 2, 0, 0, tzinfo=timezone.utc)


def second_run() -> list[Finding]:
    """AUD010 fixed, a new AUD090, AUD001 reworded (same identity), AUD002 unchanged."""
    findings = [f for f in sample_result().findings if f.rule_id != "AUD010"]
    for f in findings:
        if f.rule_id == "AUD001":
            f.message = "outreach_writer still writes cl.company_identity (reworded)"
    findings.append(
        Finding(
            "AUD090",
            Severity.HIGH,
            "Cross-hub foreign key not declared",
            "outreach.people references cl.company_identity",
            object="outreach.people",
            hub="outreach",
        )
    )
    return findings


def test_two_runs_write_dated_folders_latest_pointer_and_comparison(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    first = io.StringIO()
    assert emit(sample_result(), report_dir=str(reports), now=T1, stdout=first) == 1
    assert "First run in this report directory" in first.getvalue()

    result = sample_result()
    result.findings = second_run()
    out = io.StringIO()
    assert emit(result, report_dir=str(reports), now=T2, stdout=out) == 1

    runs = sorted(p.name for p in reports.iterdir() if p.is_dir() and not p.is_symlink())
    assert runs == ["20250101T020000Z", "20250102T020000Z"]  # earlier run kept
    for run in runs:
        assert sorted(p.name for p in (reports / run).iterdir()) == sorted(FILE_NAMES.values())
    assert (reports / "LATEST").read_text(encoding="utf-8").strip() == "20250102T020000Z"
    if (reports / "latest").is_symlink():
        assert os.readlink(reports / "latest") == "20250102T020000Z"
        assert (reports / "latest" / "findings.json").is_file()

    index = (reports / "index.html").read_text(encoding="utf-8")
    assert index.index("20250102T020000Z/report.html") < index.index("20250101T020000Z/report.html")
    assert "+1 / -1" in index

    doc = json.loads((reports / "20250102T020000Z" / "findings.json").read_text(encoding="utf-8"))
    cmp_ = doc["comparison"]
    assert cmp_["previous_run"] == "20250101T020000Z"
    assert [x["rule_id"] for x in cmp_["new"]] == ["AUD090"]
    assert [x["rule_id"] for x in cmp_["resolved"]] == ["AUD010"]
    assert cmp_["counts"] == {"new": 1, "resolved": 1, "unchanged": 2}

    line = "Since previous run 20250101T020000Z: 1 new, 1 resolved, 2 unchanged"
    assert out.getvalue().splitlines()[2] == line  # at the top, right under the summary
    for name in FILE_NAMES.values():
        text = (reports / "20250102T020000Z" / name).read_text(encoding="utf-8")
        assert "1 new, 1 resolved, 2 unchanged" in text or '"new": 1' in text, name
    console = (reports / "20250102T020000Z" / "report.txt").read_text(encoding="utf-8")
    assert "AUD090 outreach.people [new]" in console
    assert "resolved: AUD010 cl.lifecycle_state (hub cl, role cl_writer)" in console


def test_quiet_shortens_the_terminal_output_not_the_archived_reports(tmp_path: Path) -> None:
    out = io.StringIO()
    emit(sample_result(), report_dir=str(tmp_path), quiet=True, now=T1, stdout=out)
    assert len(out.getvalue().splitlines()) == 1
    archived = (tmp_path / "20250101T020000Z" / "report.txt").read_text(encoding="utf-8")
    assert "REVOKE INSERT ON cl.company_identity FROM outreach_writer;" in archived


def test_same_second_runs_do_not_overwrite_each_other(tmp_path: Path) -> None:
    for _ in range(2):
        emit(sample_result(), report_dir=str(tmp_path), now=T1, stdout=io.StringIO())
    assert (tmp_path / "20250101T020000Z").is_dir() and (tmp_path / "20250101T020000Z-2").is_dir()


def test_comparison_ignores_suppressed_findings_and_wording() -> None:
    prev = sample_result().findings
    cur = sample_result().findings
    for f in cur:
        f.message, f.title = "other words", "other title"
    cmp_ = compare(prev, cur, "x")
    assert cmp_["counts"] == {"new": 0, "resolved": 0, "unchanged": 3}
    assert compare(None, cur)["previous_run"] is None


def test_a_night_the_database_is_down_never_moves_latest_or_leaves_a_sarif_saying_nothing_found(
        tmp_path: Path, capsys: object) -> None:
    from ownaudit.findings import RunResult

    reports = tmp_path / "reports"
    T3 = datetime(2025, 1, 3, 2, 0, 0, tzinfo=timezone.utc)
    assert emit(sample_result(), report_dir=str(reports), now=T1, stdout=io.StringIO()) == 1
    down = RunResult("audit", [], complete=False, notices=["could not connect: connection refused"])
    assert emit(down, report_dir=str(reports), now=T2, stdout=io.StringIO()) == 3
    assert (reports / "LATEST").read_text(encoding="utf-8").strip() == "20250101T020000Z"
    if (reports / "latest").is_symlink():
        assert os.readlink(reports / "latest") == "20250101T020000Z"
    night = reports / "20250102T020000Z"
    assert (night / "INCOMPLETE").is_file() and not (night / "findings.sarif").exists()
    kept = json.loads((night / "findings.incomplete.sarif").read_text(encoding="utf-8"))
    assert kept["runs"][0]["invocations"][0]["executionSuccessful"] is False
    assert [p.parent.name for p in reports.glob("2*/findings.sarif")] == ["20250101T020000Z"]  # complete only
    assert "INCOMPLETE" in (reports / "index.html").read_text(encoding="utf-8")
    # the next night compares with the last complete run, not with the night that saw nothing
    out = io.StringIO()
    emit(sample_result(), report_dir=str(reports), now=T3, stdout=out)
    assert "Since previous run 20250101T020000Z: 0 new, 0 resolved" in out.getvalue()
    assert (reports / "LATEST").read_text(encoding="utf-8").strip() == "20250103T020000Z"

"""emit(): exit codes for every threshold, incomplete runs, output pairing, click options."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from ownaudit.errors import UsageError
from ownaudit.findings import RunResult, Severity
from ownaudit.report.emit import WRITERS, emit
from ownaudit.report.options import report_options
from ownaudit.report.sample import sample_result

# sample: unsuppressed critical, high, medium; a suppressed high.
EXPECTED_EXIT = {"critical": 1, "high": 1, "medium": 1, "low": 1, "info": 1}


@pytest.mark.parametrize("threshold", [s.value for s in Severity])
def test_exit_code_for_every_threshold(threshold: str) -> None:
    assert emit(sample_result(), fail_on=threshold, stdout=io.StringIO()) == EXPECTED_EXIT[threshold]


@pytest.mark.parametrize(
    ("severity", "threshold", "code"),
    [(sev, thr, 1 if sev.rank >= thr.rank else 0) for sev in Severity for thr in Severity],
)
def test_single_finding_fails_exactly_at_or_above_the_threshold(
    severity: Severity, threshold: Severity, code: int
) -> None:
    result = sample_result()
    result.findings = [f for f in result.findings if f.rule_id == "AUD001"]
    result.findings[0].severity = severity
    assert emit(result, fail_on=threshold, stdout=io.StringIO()) == code


def test_suppressed_findings_never_fail() -> None:
    result = sample_result()
    result.findings = [f for f in result.findings if f.suppressed]
    assert emit(result, fail_on="info", stdout=io.StringIO()) == 0


def test_no_findings_is_exit_0_and_says_clean() -> None:
    out = io.StringIO()
    assert emit(RunResult("audit", []), stdout=out) == 0
    assert "CLEAN" in out.getvalue()


@pytest.mark.parametrize("threshold", [s.value for s in Severity])
def test_incomplete_run_exits_3_whatever_the_findings(threshold: str) -> None:
    empty = RunResult("audit", [], complete=False, notices=["connection lost"])
    assert emit(empty, fail_on=threshold, stdout=io.StringIO()) == 3
    assert emit(sample_result(complete=False), fail_on=threshold, stdout=io.StringIO()) == 3


def test_incomplete_run_never_says_clean_in_any_format(tmp_path: Path) -> None:
    result = RunResult("audit", [], complete=False, notices=["could not read pg_class: timeout"])
    out = io.StringIO()
    formats = tuple(WRITERS)
    outputs = tuple(str(tmp_path / f"r.{fmt}") for fmt in formats)
    code = emit(result, formats=formats, outputs=outputs, report_dir=str(tmp_path / "reports"), stdout=out)
    assert code == 3
    out2 = io.StringIO()
    emit(result, quiet=True, stdout=out2)
    texts = [out.getvalue(), out2.getvalue()]
    texts += [Path(p).read_text(encoding="utf-8") for p in outputs]
    texts += [p.read_text(encoding="utf-8") for p in (tmp_path / "reports").rglob("*") if p.is_file()]
    assert len(texts) == 2 + 6 + 6 + 2  # stdout twice, six outputs, six report files, INCOMPLETE, index
    assert not (tmp_path / "reports" / "LATEST").exists()  # latest never names an incomplete run
    for text in texts:
        assert "clean" not in text.lower()
    assert "INCOMPLETE" in out2.getvalue()


def test_formats_pair_with_outputs_in_order_and_dash_is_stdout(tmp_path: Path) -> None:
    out = io.StringIO()
    sarif = tmp_path / "sub" / "a.sarif"
    emit(sample_result(), formats=("sarif", "json"), outputs=(str(sarif), "-"), stdout=out)
    assert json.loads(sarif.read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert json.loads(out.getvalue())["format_version"]


def test_extra_formats_go_to_stdout_and_extra_outputs_guess_the_format(tmp_path: Path) -> None:
    out = io.StringIO()
    outputs = ("-", str(tmp_path / "j.xml"), str(tmp_path / "r.html"))
    emit(sample_result(), formats=("markdown",), outputs=outputs, stdout=out)
    assert out.getvalue().startswith("### ")
    assert (tmp_path / "j.xml").read_text(encoding="utf-8").startswith("<?xml")
    assert "<!DOCTYPE html>" in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_unguessable_output_and_unwritable_path_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"--output out\.bin"):
        emit(sample_result(), outputs=("out.bin",), stdout=io.StringIO())
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(UsageError, match="cannot write"):
        emit(sample_result(), formats=("json",), outputs=(str(blocker / "x.json"),), stdout=io.StringIO())
    with pytest.raises(UsageError, match="--fail-on"):
        emit(sample_result(), fail_on="severe", stdout=io.StringIO())


def test_unknown_keyword_is_a_programming_error() -> None:
    with pytest.raises(TypeError, match="fail_level"):
        emit(sample_result(), fail_level="high")


def _command() -> click.Command:
    @click.command()
    @click.option("--name", default="x")
    @report_options
    @click.option("--other", default="y")
    def fake(name: str, other: str, **opts: Any) -> None:
        assert (name, other) == ("x", "y")
        if opts["outputs"] == ("x.bin",):
            raise AssertionError("pairing must be checked before the command body runs")
        result = sample_result(complete=True)
        raise SystemExit(emit(result, **opts))

    return fake


def test_report_options_feed_emit_through_click(tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "f.sarif"
    res = runner.invoke(
        _command(),
        [
            "--format",
            "sarif",
            "-o",
            str(target),
            "--format",
            "console",
            "--fail-on",
            "critical",
            "-q",
            "--no-color",
            "--group-by",
            "rule",
        ],
    )
    assert res.exit_code == 1, res.output
    assert res.output.startswith("ownaudit audit: DIRTY: 1 of 3 findings at or above critical")
    assert json.loads(target.read_text(encoding="utf-8"))["runs"]
    res = runner.invoke(_command(), ["--format", "yaml"])
    assert res.exit_code == 2
    res = runner.invoke(_command(), ["-o", "x.bin"], standalone_mode=False)
    assert isinstance(res.exception, UsageError) and "--output x.bin" in str(res.exception)
    help_text = runner.invoke(_command(), ["--help"]).output
    for flag in ("--format", "--output", "--report-dir", "--fail-on", "--no-color", "--quiet", "--group-by"):
        assert flag in help_text

# ruff: noqa: E501  (snapshot lines are as long as the report makes them)
"""Console report: stable plain text when piped, colour only on a terminal, -q one line."""

from __future__ import annotations

import io

import pytest

from ownaudit.report.emit import emit
from ownaudit.report.sample import sample_result

EXPECTED_BY_HUB = """\
ownaudit audit: DIRTY: 2 of 3 findings at or above high (1 critical, 1 high, 1 medium, 0 low, 0 info; 1 suppressed)
database shared on db.example.test:5432 · policy policy/ownership.yaml (sha256 0f0f0f0f0f0f) · started 2025-01-02T03:04:05Z · 1.25 s

hub outreach (1)
  CRITICAL FAIL AUD001 cl.company_identity
      Role can write a table its hub does not own
      outreach_writer can INSERT into cl.company_identity, owned by hub cl
      hub outreach, role outreach_writer
      at policy/ownership.yaml:12:5
      evidence: outreach_writer -[grant]-> INSERT on cl.company_identity
      fix: Revoke the grant.
      sql: REVOKE INSERT ON cl.company_identity FROM outreach_writer;

hub cl (2)
  HIGH     FAIL AUD010 cl.lifecycle_state
      Owning hub's writer lacks a privilege it needs
      cl_writer lacks UPDATE on cl.lifecycle_state
      hub cl, role cl_writer
      at policy/ownership.yaml:20:5
      sql: GRANT UPDATE ON cl.lifecycle_state TO cl_writer;
  MEDIUM   note AUD002 cl.lifecycle_history
      Role holds a privilege the policy does not give it
      cl_writer holds TRUNCATE on the append-only cl.lifecycle_history
      hub cl, role cl_writer
      at policy/ownership.yaml:24:7
      evidence: cl_writer -[grant]-> TRUNCATE on cl.lifecycle_history
      sql: REVOKE TRUNCATE ON cl.lifecycle_history FROM cl_writer;

suppressed (1)
  HIGH     AUD011 outreach.people (exception EX-7: people data hidden from the UI until 2030-01-01)

ownaudit audit: DIRTY: 2 of 3 findings at or above high (1 critical, 1 high, 1 medium, 0 low, 0 info; 1 suppressed)
"""


class FakeTty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_piped_console_is_the_exact_plain_report(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    out = io.StringIO()
    assert emit(sample_result(), stdout=out) == 1
    assert out.getvalue() == EXPECTED_BY_HUB
    assert "\x1b[" not in out.getvalue()


def test_group_by_rule_puts_each_rule_under_its_own_heading() -> None:
    out = io.StringIO()
    emit(sample_result(), group_by="rule", stdout=out)
    headings = [line for line in out.getvalue().splitlines() if line.startswith(("rule ", "hub "))]
    assert headings == ["rule AUD001 (1)", "rule AUD010 (1)", "rule AUD002 (1)"]


def test_terminal_gets_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    out = FakeTty()
    emit(sample_result(), stdout=out)
    assert "\x1b[" in out.getvalue()
    assert "AUD001" in out.getvalue()


@pytest.mark.parametrize("how", ["flag", "env"])
def test_no_color_flag_and_env_give_plain_text_on_a_terminal(monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    if how == "env":
        monkeypatch.setenv("NO_COLOR", "1")
    out = FakeTty()
    emit(sample_result(), no_color=(how == "flag"), stdout=out)
    assert out.getvalue() == EXPECTED_BY_HUB


def test_quiet_prints_one_summary_line() -> None:
    out = io.StringIO()
    emit(sample_result(), quiet=True, stdout=out)
    assert out.getvalue() == EXPECTED_BY_HUB.splitlines(keepends=True)[0]


def test_quiet_summary_of_a_passing_run_says_clean_and_counts_what_is_below() -> None:
    out = io.StringIO()
    assert emit(sample_result(), quiet=True, fail_on="critical", stdout=out) == 1
    result = sample_result()
    result.findings = [f for f in result.findings if f.rule_id == "AUD002"]
    out = io.StringIO()
    assert emit(result, quiet=True, stdout=out) == 0
    assert out.getvalue() == (
        "ownaudit audit: PASSED: no finding at or above high, 1 below it (0 critical, 0 high, 1 medium, 0 low, 0 info)\n"
    )


def test_findings_of_one_membership_are_one_cause_with_one_fix_and_the_listing_ends_with_the_verdict() -> None:
    from ownaudit.findings import Finding, Severity

    result = sample_result()
    tables = ("outreach.people", "outreach.campaigns", "outreach.sequences")
    result.findings += [
        Finding("AUD001", Severity.CRITICAL, "Role can write a table its hub does not own", f"cl_writer can write {t}",
                object=t, hub="cl", role="cl_writer",
                evidence=[f"cl_writer -[member]-> outreach_writer -[grant]-> {p} on {t}" for p in ("INSERT", "DELETE")],
                fix_sql="REVOKE outreach_writer FROM cl_writer;")
        for t in tables
    ]
    out = io.StringIO()
    emit(result, stdout=out)
    text = out.getvalue()
    assert "  CAUSE cl_writer is a member of outreach_writer: 3 findings (critical at worst), one fix\n" in text
    assert text.count("REVOKE outreach_writer FROM cl_writer;") == 1
    for t in tables:
        assert f"    CRITICAL FAIL AUD001 {t}\n" in text
    lines = text.splitlines()
    assert lines[-1] == lines[0] and lines[-1].startswith("ownaudit audit: DIRTY: 5 of 6 findings")


def test_root_cause_is_the_first_hop_of_every_path_else_the_finding_itself() -> None:
    from ownaudit.findings import Finding, Severity

    def f(*evidence: str) -> Finding:
        return Finding("AUD001", Severity.HIGH, "t", "m", object="s.t", role="r", evidence=list(evidence))

    assert f("a -[member, SET]-> b -[grant]-> INSERT on s.t").root_cause == "a -[member]-> b"
    assert f("r -[grant]-> INSERT on s.t", "r -[grant]-> UPDATE on s.t").root_cause == "r -[grant]-> s.t"
    assert f("r -[grant]-> INSERT on s.t", "r -[member]-> b -[grant]-> UPDATE on s.t").root_cause == (
        "r -[grant]-> s.t + r -[member]-> b")
    lone = f("r holds on s.t: nothing")
    assert lone.root_cause == lone.key  # not a path: its own cause
    assert Finding.from_dict(f("x").to_dict() | {"cause": "c"}).root_cause == "c"

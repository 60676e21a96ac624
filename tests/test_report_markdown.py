# ruff: noqa: E501  (snapshot lines are as long as the report makes them)
"""Markdown summary for PR comments and $GITHUB_STEP_SUMMARY."""

from __future__ import annotations

from ownaudit.findings import Finding, Severity
from ownaudit.report.markdown import MAX_ROWS, render
from ownaudit.report.sample import sample_result
from ownaudit.report.settings import ReportSettings

EXPECTED = """\
### ❌ ownaudit audit: DIRTY

ownaudit audit: DIRTY: 2 of 3 findings at or above high (1 critical, 1 high, 1 medium, 0 low, 0 info; 1 suppressed)

database shared on db.example.test:5432 · policy policy/ownership.yaml (sha256 0f0f0f0f0f0f) · started 2025-01-02T03:04:05Z · 1.25 s

| | Severity | Rule | Object | Hub | Role | Finding | Location |
|---|---|---|---|---|---|---|---|
| FAIL | critical | AUD001 | `cl.company_identity` | outreach | outreach\\_writer | Role can write a table its hub does not own | `policy/ownership.yaml:12:5` |
| FAIL | high | AUD010 | `cl.lifecycle_state` | cl | cl\\_writer | Owning hub's writer lacks a privilege it needs | `policy/ownership.yaml:20:5` |
| note | medium | AUD002 | `cl.lifecycle_history` | cl | cl\\_writer | Role holds a privilege the policy does not give it | `policy/ownership.yaml:24:7` |

<details><summary>Fixes (3)</summary>

- **AUD001** `cl.company_identity`: Revoke the grant.

  ```sql
  REVOKE INSERT ON cl.company_identity FROM outreach_writer;
  ```
- **AUD010** `cl.lifecycle_state`:

  ```sql
  GRANT UPDATE ON cl.lifecycle_state TO cl_writer;
  ```
- **AUD002** `cl.lifecycle_history`:

  ```sql
  REVOKE TRUNCATE ON cl.lifecycle_history FROM cl_writer;
  ```

</details>

<details><summary>1 suppressed finding</summary>

| Severity | Rule | Object | Location | Suppressed by |
|---|---|---|---|---|
| high | AUD011 | `outreach.people` | `policy/ownership.yaml:40:5` | exception EX-7: people data hidden from the UI until 2030-01-01 |

</details>
"""


def test_markdown_snapshot() -> None:
    assert render(sample_result(), ReportSettings()) == EXPECTED


def test_table_cells_cannot_break_the_table() -> None:
    result = sample_result()
    result.findings = [Finding("AUD001", Severity.HIGH, "a | b\nc <script>", "m", object="x`y|z")]
    text = render(result, ReportSettings())
    row = next(line for line in text.splitlines() if line.startswith("| FAIL"))
    assert row.count(" | ") == 7  # eight columns, none added by the finding's text
    assert "<script>" not in text


def test_long_runs_are_capped_to_keep_the_comment_small() -> None:
    result = sample_result()
    result.findings = [Finding("AUD001", Severity.HIGH, "t", "m", object=f"s.t{i}") for i in range(MAX_ROWS + 7)]
    text = render(result, ReportSettings())
    assert sum(1 for line in text.splitlines() if line.startswith("| FAIL")) == MAX_ROWS
    assert "... and 7 more" in text

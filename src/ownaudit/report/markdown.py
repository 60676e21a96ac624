"""Markdown summary for a pull-request comment or ``$GITHUB_STEP_SUMMARY``.

Compact on purpose: headline, comparison, one table row per finding (capped so
a comment stays under GitHub's size limit) and the fixes folded away.
"""

from __future__ import annotations

from ownaudit.findings import Finding, RunResult, sort_findings
from ownaudit.report import summary
from ownaudit.report.settings import ReportSettings

MAX_ROWS = 50
FIX_SQL_LINES = 5  # per aggregated finding: a comment stays readable and under GitHub's size limit
MARK = {summary.CLEAN: "✅", summary.DIRTY: "❌", summary.INCOMPLETE: "⚠️"}


def cell(text: str | None) -> str:
    """Text safe inside a table cell: one line, pipes and markup characters escaped."""
    if not text:
        return ""
    out = " ".join(text.split())
    for ch in "\\|*_[]<>#`":
        out = out.replace(ch, "\\" + ch)
    return out


def code(text: str | None) -> str:
    if not text:
        return ""
    flat = " ".join(text.split()).replace("|", "\\|")
    return f"`{flat}`" if "`" not in flat else cell(flat)


def _row(f: Finding, settings: ReportSettings, new: set[str]) -> str:
    mark = "FAIL" if f.severity.at_least(settings.fail_on) else "note"
    fresh = summary.new_count(f, new)
    title = cell(f.title or f.message) + (
        "" if not fresh else " **(new)**" if not f.aggregated else f" **({fresh} new)**")
    where = code(str(f.location)) if f.location else ""
    obj = code(f.object) + (f" ({f.count} objects: {cell(summary.object_preview(f, 3))})" if f.aggregated else "")
    cols = [mark, f.severity.value, f.rule_id, obj, cell(f.hub), cell(f.role), title, where]
    return "| " + " | ".join(cols) + " |"


def render(result: RunResult, settings: ReportSettings) -> str:
    st = summary.status(result, settings.fail_on)
    lines = [f"### {MARK[st]} ownaudit {result.command}: {st.upper()}", "",
             cell(summary.headline(result, settings.fail_on))]
    ctx = summary.context_line(result)
    if ctx:
        lines += ["", cell(ctx)]
    cmp_line = summary.comparison_line(result)
    if cmp_line:
        lines += ["", f"**{cell(cmp_line)}**"]
        lines += [f"- resolved: {cell(x)}" for x in summary.resolved_lines(result)]
    for notice in result.notices:
        lines += ["", f"> **Notice:** {cell(notice)}"]
    active = sort_findings(summary.active(result))  # most serious first: a PR comment is read top-down
    if active:
        new = summary.new_keys(result)
        lines += ["", "| | Severity | Rule | Object | Hub | Role | Finding | Location |",
                  "|---|---|---|---|---|---|---|---|"]
        lines += [_row(f, settings, new) for f in active[:MAX_ROWS]]
        if len(active) > MAX_ROWS:
            lines += ["", f"... and {len(active) - MAX_ROWS} more (see the full report)."]
        fixes = [f for f in active[:MAX_ROWS] if f.fix or f.fix_sql]
        if fixes:
            lines += ["", f"<details><summary>Fixes ({len(fixes)})</summary>", ""]
            for f in fixes:
                lines.append(f"- **{f.rule_id}** {code(f.object)}: {cell(f.fix)}".rstrip())
                if f.fix_sql:
                    sql = f.fix_sql.strip().splitlines()
                    shown = sql[:FIX_SQL_LINES] if f.aggregated else sql
                    if len(shown) < len(sql):
                        shown = [*shown, f"-- ... {len(sql) - len(shown)} more statements in the JSON report"]
                    lines += ["", "  ```sql", *("  " + x for x in shown), "  ```"]
            lines += ["", "</details>"]
    supp = sort_findings(summary.suppressed(result))
    if supp:  # every suppression stays visible, with who decided it and why
        lines += ["", f"<details><summary>{len(supp)} suppressed finding{'s' if len(supp) != 1 else ''}"
                  "</summary>", "", "| Severity | Rule | Object | Location | Suppressed by |", "|---|---|---|---|---|"]
        lines += [
            f"| {f.severity.value} | {f.rule_id} | {code(f.object)} | "
            f"{code(str(f.location)) if f.location else ''} | {cell(f.suppression or 'policy exception')} |"
            for f in supp[:MAX_ROWS]
        ]
        if len(supp) > MAX_ROWS:
            lines += ["", f"... and {len(supp) - MAX_ROWS} more (see the full report)."]
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"

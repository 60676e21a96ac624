"""Console report: coloured on a terminal, plain and stable when piped.

The same lines are produced either way; colour is only a style laid over them,
so snapshots of the piped text also describe what a terminal user sees.
"""

from __future__ import annotations

from itertools import groupby
from typing import TextIO

from ownaudit import rootcause
from ownaudit.findings import Finding, RunResult, Severity, sort_findings
from ownaudit.report import summary
from ownaudit.report.settings import ReportSettings

Segment = tuple[str, str]  # (text, rich style; "" = none)
Line = list[Segment]

SEVERITY_STYLE = {
    Severity.CRITICAL: "bold white on red",
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}
STATUS_STYLE = {summary.CLEAN: "bold green", summary.DIRTY: "bold red", summary.INCOMPLETE: "bold magenta"}


def lines(result: RunResult, settings: ReportSettings) -> list[Line]:
    """The report as styled lines (quiet: the headline only)."""
    st = summary.status(result, settings.fail_on)
    out: list[Line] = [[(summary.headline(result, settings.fail_on), STATUS_STYLE[st])]]
    if settings.quiet:
        return out
    ctx = summary.context_line(result)
    if ctx:
        out.append([(ctx, "dim")])
    cmp_line = summary.comparison_line(result)
    if cmp_line:
        out.append([(cmp_line, "bold")])
        for line in summary.resolved_lines(result):
            out.append([("  resolved: ", "green"), (line, "")])
    for notice in result.notices:
        out.append([("notice: ", "bold magenta"), (notice, "")])
    new = summary.new_keys(result)
    active = sort_findings(summary.active(result))

    def key(f: Finding) -> str:
        return summary.group_label(f, settings.group_by)

    groups = [(label, sort_findings(list(g))) for label, g in groupby(sorted(active, key=key), key=key)]
    groups.sort(key=lambda lg: (-lg[1][0].severity.rank, lg[0]))  # the group with the worst finding first
    for label, items in groups:
        out.append([])
        out.append([(f"{label} ({len(items)})", "bold underline")])
        for cause in rootcause.group(items):
            if not cause.shared:
                out.extend(_finding_lines(cause.findings[0], summary.new_count(cause.findings[0], new), settings))
                continue
            out.extend(_cause_lines(cause))
            for f in cause.findings:
                out.extend([("  ", ""), *line] for line in _consequence_lines(f, summary.new_count(f, new), settings))
    supp = sort_findings(summary.suppressed(result))
    if supp:
        out.append([])
        out.append([(f"suppressed ({len(supp)})", "bold underline")])
        for f in supp:
            reason = f" ({f.suppression})" if f.suppression else ""
            out.append([("  ", ""), (f"{f.severity.value.upper():<8}", "dim"),
                        (f" {f.rule_id} {summary.object_label(f)}{reason}", "dim")])
    if len(out) > 1:  # a long listing ends where the reader's eye lands: the verdict and its counts
        out.append([])
        out.append(out[0])
    return out


def _cause_lines(cause: rootcause.CauseGroup) -> list[Line]:
    """The cause once, with the fix its consequences share (SQL and advice)."""
    n = len(cause.findings)
    fix = "one fix" if len(cause.fixes) == 1 else f"{len(cause.fixes)} fixes"
    out: list[Line] = [[("  ", ""), ("CAUSE ", "bold"), (cause.label, "bold"),
                        (f": {n} findings ({cause.severity.value} at worst), {fix}", "")]]
    advice = {f.fix for f in cause.findings if f.fix}
    if len(advice) == 1:
        out.append([("      fix: ", "green"), (advice.pop(), "")])
    for sql in cause.fixes:
        for i, sql_line in enumerate(sql.splitlines()):
            out.append([("      sql: " if i == 0 else "           ", "green"), (sql_line, "")])
    return out


def _consequence_lines(f: Finding, is_new: int, settings: ReportSettings) -> list[Line]:
    """A finding under its cause: what it reaches and the first path (the fix is the cause's)."""
    mark = "FAIL" if f.severity.at_least(settings.fail_on) else "note"
    head: Line = [("  ", ""), (f"{f.severity.value.upper():<8}", SEVERITY_STYLE[f.severity]), (f" {mark} ", ""),
                  (f.rule_id, "bold"), (f" {summary.object_label(f)}", "")]
    if is_new:
        head.append((" [new]" if not f.aggregated else f" [{is_new} new]", "bold yellow"))
    out: list[Line] = [head, [("      ", ""), (f.message or f.title, "")]]
    if f.location:
        out.append([("      at ", "dim"), (str(f.location), "")])
    if f.evidence:
        more = f" (+{len(f.evidence) - 1} more)" if len(f.evidence) > 1 else ""
        out.append([("      evidence: ", "dim"), (f.evidence[0] + more, "")])
    return out


FIX_SQL_LINES = 5  # an aggregated finding's script is in the JSON report; the console shows its start


def _finding_lines(f: Finding, is_new: int, settings: ReportSettings) -> list[Line]:
    sev_style = SEVERITY_STYLE[f.severity]
    mark = "FAIL" if f.severity.at_least(settings.fail_on) else "note"
    head: Line = [("  ", ""), (f"{f.severity.value.upper():<8}", sev_style), (f" {mark} ", ""),
                  (f.rule_id, "bold"), (f" {summary.object_label(f)}", "")]
    if is_new:
        head.append((" [new]" if not f.aggregated else f" [{is_new} new]", "bold yellow"))
    out: list[Line] = [head, [("      ", ""), (f.title or f.message, "")]]
    if f.message and f.message != f.title:
        out.append([("      ", ""), (f.message, "")])
    who = ", ".join(x for x in (f"hub {f.hub}" if f.hub else "", f"role {f.role}" if f.role else "") if x)
    if who:
        out.append([("      ", ""), (who, "dim")])
    if f.location:
        out.append([("      at ", "dim"), (str(f.location), "")])
    if f.aggregated:
        out.append([("      objects: ", "dim"), (summary.object_preview(f), "")])
    for ev in f.evidence:
        out.append([("      evidence: ", "dim"), (ev, "")])
    if f.fix:
        out.append([("      fix: ", "green"), (f.fix, "")])
    if f.fix_sql:
        sql_lines = f.fix_sql.strip().splitlines()
        shown = sql_lines[:FIX_SQL_LINES] if f.aggregated else sql_lines
        for i, sql_line in enumerate(shown):
            out.append([("      sql: " if i == 0 else "           ", "green"), (sql_line, "")])
        if len(shown) < len(sql_lines):
            out.append([("           ", ""), (f"... {len(sql_lines) - len(shown)} more statements "
                                              "(every one in the JSON report)", "dim")])
    return out


def render(result: RunResult, settings: ReportSettings) -> str:
    """Plain text: the stable form for pipes, files, --no-color and NO_COLOR."""
    return "".join("".join(text for text, _ in line).rstrip() + "\n" for line in lines(result, settings))


def write(result: RunResult, settings: ReportSettings, stream: TextIO) -> None:
    """Write to ``stream``: rich colour when ``settings.color``, plain text otherwise."""
    if not settings.color:
        stream.write(render(result, settings))
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(file=stream, force_terminal=True, highlight=False, soft_wrap=True)
    for line in lines(result, settings):
        text = Text()
        for chunk, style in line:
            text.append(chunk, style=style or None)
        console.print(text)

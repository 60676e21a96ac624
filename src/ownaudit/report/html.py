"""One self-contained HTML report: the access matrix first, then the findings by root cause.

No external CSS, script, font or image: the file opens the same from an artifact
store, an e-mail attachment or an air-gapped laptop. Every value is escaped; the
inline script (``html_assets``) only filters the rows already in the page.

The matrix is the picture the report exists for: roles x tables, the tables grouped
by owning hub and schema, each cell coloured by what it means (a forbidden write,
a forbidden read, a missing required access, allowed, not applicable) and linked
to its findings. Findings that one change fixes are shown under their root cause.
"""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import quote

from ownaudit import rootcause
from ownaudit.findings import Finding, RunResult
from ownaudit.privileges import READ, WRITE, Privilege, summarize
from ownaudit.report import summary
from ownaudit.report.html_assets import CSS, JS
from ownaudit.report.settings import ReportSettings

STATUS_CLASS = {summary.CLEAN: "st-ok", summary.DIRTY: "st-bad", summary.INCOMPLETE: "st-partial"}

# cell class -> (legend swatch text, legend meaning), in the legend's order
LEGEND = {
    "c-fw": ("✗w", "forbidden write", "the database lets the role write what the policy does not"),
    "c-fr": ("✗r", "forbidden read", "the role can read what the policy does not let it read"),
    "c-miss": ("+r", "missing required access", "the policy requires access the database does not grant"),
    "c-ok": ("r", "allowed", "the database grants what the policy says (r read, rw read and write)"),
    "c-na": ("", "not applicable", "no access, none required"),
    "c-flag": ("r!", "other finding", "another finding names this role and table (e.g. RLS hides every row)"),
}


def e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def _privs(names: list[str] | None) -> set[Privilege]:
    out = set()
    for n in names or []:
        try:
            out.add(Privilege(n))
        except ValueError:
            continue
    return out


def classify(cell: dict[str, Any] | None) -> tuple[str, str]:
    """(css class, cell text) of one matrix cell, by meaning: the worst thing it shows wins."""
    if not cell:
        return "c-na", ""
    exp, act = _privs(cell.get("expected_privileges")), _privs(cell.get("actual_privileges"))
    if not exp and not act and cell.get("expected") in ("r", "w", "rw"):  # a dict without privilege lists
        exp = {Privilege.SELECT} if "r" in cell["expected"] else set()
        exp |= {Privilege.INSERT} if "w" in cell["expected"] else set()
    if not act and cell.get("actual") in ("r", "w", "rw"):
        act = {Privilege.SELECT} if "r" in cell["actual"] else set()
        act |= {Privilege.INSERT} if "w" in cell["actual"] else set()
    flagged = bool(cell.get("violation"))
    if (act & WRITE) - exp:
        return "c-fw", "✗w"
    if (act & READ) - exp:
        return "c-fr", "✗r"
    missing = (exp - act) & (READ | WRITE)
    if missing:
        return "c-miss", "+" + summarize(missing)
    if act & (READ | WRITE):
        text = summarize(act)
        return ("c-ok c-flag", text + "!") if flagged else ("c-ok", text)
    return ("c-na c-flag", "!") if flagged else ("c-na", "")


def cell_anchor(role: str, table: str) -> str:
    return "#cell=" + quote(f"{role}|{table}", safe="")


def _ordered_tables(tables: list[str], table_hubs: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(hub, schema, table), grouped by owning hub then schema, keeping the given order inside."""
    first_hub: dict[str, int] = {}
    rows = []
    for i, t in enumerate(tables):
        hub = str(table_hubs.get(t) or "no hub")
        first_hub.setdefault(hub, i)
        schema = t.split(".", 1)[0] if "." in t else ""
        rows.append((first_hub[hub], hub, schema, i, t))
    rows.sort(key=lambda r: (r[0], r[2], r[3]))
    return [(hub, schema, t) for _, hub, schema, _, t in rows]


def _spans(values: list[str]) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    for v in values:
        if out and out[-1][0] == v:
            out[-1] = (v, out[-1][1] + 1)
        else:
            out.append((v, 1))
    return out


def _matrix(matrix: dict[str, Any], findings: list[Finding]) -> str:
    roles: list[str] = list(matrix.get("roles") or [])
    cells: dict[str, dict[str, Any]] = matrix.get("cells") or {}
    role_hubs: dict[str, Any] = matrix.get("role_hubs") or {}
    cols = _ordered_tables(list(matrix.get("tables") or []), matrix.get("table_hubs") or {})
    linked: dict[tuple[str, str], int] = {}
    for f in findings:
        if f.role and f.object:
            linked[(f.role, f.object)] = linked.get((f.role, f.object), 0) + 1
    hub_row = "".join(f'<th class="grp" colspan="{n}" scope="colgroup">{e(h)}</th>'
                      for h, n in _spans([c[0] for c in cols]))
    schema_row = "".join(f'<th class="grp" colspan="{n}" scope="colgroup">{e(s.split(chr(0))[1])}</th>'
                         for s, n in _spans([f"{c[0]}\0{c[1]}" for c in cols]))
    name_row = "".join(f'<th class="col" scope="col" title="{e(t)}">{e(t.split(".", 1)[-1])}</th>'
                       for _, _, t in cols)
    rows = []
    for role in roles:
        hub = role_hubs.get(role)
        label = e(role) + (f' <span class="muted rhub">({e(hub)})</span>' if hub else "")
        tds = []
        for _, _, table in cols:
            c = cells.get(role, {}).get(table)
            cls, text = classify(c)
            attrs = f'class="{cls}" data-role="{e(role)}" data-table="{e(table)}"'
            if c:
                exp, act = c.get("expected"), c.get("actual")
                tip = [f"{role} on {table}",
                       f"policy: {', '.join(c.get('expected_privileges') or []) or exp or 'nothing'}",
                       f"database: {', '.join(c.get('actual_privileges') or []) or act or 'nothing'}",
                       *(c.get("paths") or [])]
                if c.get("rules"):
                    tip.append("findings: " + ", ".join(c["rules"]))
                attrs += (f' data-expected="{e(exp or "")}" data-actual="{e(act or "")}" '
                          f'data-violation="{"true" if c.get("violation") else "false"}" '
                          f'title="{e(chr(10).join(tip))}"')
            n = linked.get((role, table), 0)
            if n:
                attrs += f' data-findings="{n}"'
                body = (f'<a href="{e(cell_anchor(role, table))}" aria-label="{e(role)} on {e(table)}: '
                        f'{n} finding{"s" if n != 1 else ""}">{e(text) or "!"}</a>')
            else:
                body = e(text)
            tds.append(f"<td {attrs}>{body}</td>")
        rows.append(f'<tr><th class="rowh" scope="row">{label}</th>{"".join(tds)}</tr>')
    legend = "".join(f'<li title="{e(why)}" data-class="{e(cls)}"><span class="sw {cls}">{e(sw)}</span>{e(name)}'
                     f'<span class="why">: {e(why)}</span></li>' for cls, (sw, name, why) in LEGEND.items())
    return (
        '<section id="matrix-section"><h2>Access matrix: roles × tables</h2>'
        f'<ul class="legend" id="legend">{legend}</ul>'
        '<p class="muted small">Columns: tables grouped by owning hub and schema. Click a cell for its '
        "findings; hover it for the policy's and the database's privileges and the paths that grant them.</p>"
        '<div class="matrix-box"><table id="matrix"><thead>'
        f'<tr class="hubs"><th class="rowh" rowspan="3">role (hub) \\ table</th>{hub_row}</tr>'
        f'<tr class="schemas">{schema_row}</tr><tr class="names">{name_row}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div></section>"
    )


def _finding_row(f: Finding, settings: ReportSettings, new: set[str], n: int, in_cause: str | None) -> str:
    flags = []
    fresh = summary.new_count(f, new)
    if fresh:
        flags.append('<span class="new">new</span>' if not f.aggregated else f'<span class="new">{fresh} new</span>')
    if f.suppressed:
        flags.append("suppressed")
    elif f.severity.at_least(settings.fail_on):
        flags.append("FAIL")
    else:
        flags.append("note")
    details = []
    if f.evidence:
        ev = "".join(f"<pre>{e(x)}</pre>" for x in f.evidence)
        details.append(f"<details><summary>Evidence ({len(f.evidence)})</summary>{ev}</details>")
    fix_sql = (f.fix_sql or "").strip()
    if (f.fix or fix_sql) and fix_sql != (in_cause or ""):
        body = (f"<p>{e(f.fix)}</p>" if f.fix else "") + (f"<pre>{e(fix_sql)}</pre>" if fix_sql else "")
        details.append(f"<details><summary>Fix</summary>{body}</details>")
    where = f'<div class="muted small">at {e(f.location)}</div>' if f.location else ""
    if f.suppressed:  # the reason is read in the wide column, not squeezed into Status
        where += f'<div class="small">suppressed: {e(f.suppression or "policy exception")}</div>'

    who = " · ".join(x for x in (f"role {e(f.role)}" if f.role else "", f"hub {e(f.hub)}" if f.hub else "") if x)
    classes = ["finding"] + (["suppressed"] if f.suppressed else []) + (["in-cause"] if in_cause is not None else [])
    return (
        f'<tr id="f-{n}" class="{" ".join(classes)}" data-rank="{f.severity.rank}" data-key="{e(f.key)}" '
        f'data-role="{e(f.role or "")}" data-object="{e(f.object)}" data-cause="{e(f.root_cause)}">'
        f'<td><span class="sev sev-{e(f.severity.value)}">{e(f.severity.value)}</span></td>'
        f"<td>{e(f.rule_id)}</td>"
        f'<td>{_object_cell(f)}<div class="muted small">{who}</div></td>'
        f'<td><strong>{e(f.title)}</strong><div class="msg">{e(f.message)}</div>{"".join(details)}{where}</td>'
        f"<td>{' '.join(flags)}</td></tr>"
    )


def _object_cell(f: Finding) -> str:
    if not f.aggregated:
        return f"<code>{e(f.object)}</code>"
    items = "".join(f"<li>{e(o)}</li>" for o in f.objects)
    return f"<code>{e(f.object)}</code><details><summary>{f.count} objects</summary><ul>{items}</ul></details>"


def _findings(result: RunResult, settings: ReportSettings) -> str:
    new = summary.new_keys(result)
    groups = rootcause.group(result.findings)
    bodies, n = [], 0
    for g in groups:
        rows = []
        one_fix = g.fixes[0] if g.shared and len(g.fixes) == 1 else None
        if g.shared:
            fix = "one fix" if len(g.fixes) == 1 else f"{len(g.fixes)} fixes"
            sql = "".join(f"<pre>{e(s)}</pre>" for s in g.fixes)
            advice = {f.fix for f in g.findings if f.fix}
            tip = f"<p>{e(advice.pop())}</p>" if len(advice) == 1 else ""
            rows.append(
                f'<tr class="cause-head"><td colspan="5"><span class="sev sev-{e(g.severity.value)}">'
                f"{e(g.severity.value)}</span> <strong>Root cause:</strong> {e(g.label)}"
                f' <span class="muted">({len(g.findings)} findings, {fix})</span>{tip}{sql}</td></tr>'
            )
        for f in g.findings:
            n += 1
            rows.append(_finding_row(f, settings, new, n, (one_fix or "") if g.shared else None))
        bodies.append(f'<tbody data-cause="{e(g.cause)}">{"".join(rows)}</tbody>')
    shared = sum(1 for g in groups if g.shared)
    return (
        f'<section id="findings-section"><h2>Findings ({len(result.findings)}) from {len(groups)} root '
        f'cause{"s" if len(groups) != 1 else ""}</h2>'
        + (f'<p class="muted small">{shared} cause{"s produce" if shared != 1 else " produces"} more than one finding: '
           "each is shown once, its findings under it, with the one fix.</p>" if shared else "")
        + '<div class="controls"><input id="filter" type="search" placeholder="Filter findings..." '
        'aria-label="Filter findings"> <select id="sevfilter" aria-label="Minimum severity">'
        '<option value="0">all severities</option><option value="1">low+</option>'
        '<option value="2">medium+</option><option value="3">high+</option><option value="4">critical</option>'
        f'</select> <span class="muted small"><span id="shown">{len(result.findings)}</span> shown</span>'
        ' <span id="cellfilter" hidden>only <span id="celltext"></span> · '
        '<a href="#findings-section" id="cellclear">show all</a></span></div>'
        '<table id="findings"><colgroup><col class="c-sev"><col class="c-rule"><col class="c-obj"><col>'
        '<col class="c-st"></colgroup><thead><tr><th>Severity</th><th>Rule</th><th>Object</th>'
        f"<th>Finding</th><th>Status</th></tr></thead>{''.join(bodies)}</table></section>"
    )


def render(result: RunResult, settings: ReportSettings) -> str:
    st = summary.status(result, settings.fail_on)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>ownaudit {e(result.command)} report</title><style>{CSS}</style></head><body>",
        f'<header><h1>ownaudit {e(result.command)} <span class="badge {STATUS_CLASS[st]}" id="status">'
        f"{e(st.upper())}</span></h1>",
        f'<p id="headline">{e(summary.headline(result, settings.fail_on))}</p>',
    ]
    ctx = summary.context_line(result)
    if ctx:
        parts.append(f'<p class="muted small">{e(ctx)}</p>')
    cmp_line = summary.comparison_line(result)
    if cmp_line:
        parts.append(f'<p id="comparison-line"><strong>{e(cmp_line)}</strong> '
                     '<a href="#comparison">details</a></p>')
    notices = list(result.notices)
    parts += [f'<div class="notice">{e(n)}</div>' for n in notices[:2]]
    if len(notices) > 2:
        more = "".join(f'<div class="notice">{e(n)}</div>' for n in notices[2:])
        parts.append(f"<details><summary>{len(notices) - 2} more notices</summary>{more}</details>")
    nav = ['<a href="#matrix-section">Access matrix</a>'] if result.matrix else []
    nav.append('<a href="#findings-section">Findings</a>')
    if cmp_line:
        nav.append('<a href="#comparison">Changes since the previous run</a>')
    parts.append(f"<nav>{''.join(nav)}</nav></header>")
    if result.matrix:
        parts.append(_matrix(result.matrix, result.findings))
    parts.append(_findings(result, settings))
    if cmp_line:
        parts.append(_comparison(result, cmp_line))
    parts.append(f"<script>{JS}</script></body></html>")
    return "\n".join(parts) + "\n"


def _comparison(result: RunResult, cmp_line: str) -> str:
    out = [f'<section id="comparison"><h2>Changes since the previous run</h2><p>{e(cmp_line)}</p>']
    cmp_ = result.comparison or {}
    for label in ("new", "resolved"):
        items = cmp_.get(label) or []
        if items and cmp_.get("previous_run"):
            lis = "".join(f"<li>{e(x['severity'])} {e(x['rule_id'])} {e(x.get('object'))} "
                          f"{e(x.get('role') or '')}</li>" for x in items)
            out.append(f'<p>{label.capitalize()}:</p><ul class="{label}">{lis}</ul>')
    out.append("</section>")
    return "".join(out)

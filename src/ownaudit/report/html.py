"""One self-contained HTML report: summary, findings table and the access matrix.

No external CSS, script, font or image: the file opens the same from an artifact
store, an e-mail attachment or an air-gapped laptop. Every value is escaped;
the inline script only sorts and filters the rows already in the page.
"""

from __future__ import annotations

from html import escape
from typing import Any

from ownaudit.findings import Finding, RunResult, sort_findings
from ownaudit.report import summary
from ownaudit.report.settings import ReportSettings

STATUS_CLASS = {summary.CLEAN: "st-ok", summary.DIRTY: "st-bad", summary.INCOMPLETE: "st-partial"}

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:1.5rem;color:#1f2328}
h1{font-size:1.4rem;margin:0 0 .5rem}h2{font-size:1.15rem;margin-top:1.8rem}
.badge{display:inline-block;padding:.15rem .6rem;border-radius:1rem;color:#fff;font-weight:600}
.st-ok{background:#1a7f37}.st-bad{background:#cf222e}.st-partial{background:#8250df}
.muted{color:#656d76}
.notice{background:#fff8c5;border-left:4px solid #d4a72c;padding:.4rem .8rem;margin:.4rem 0}
table{border-collapse:collapse;font-size:.85rem;margin-top:.5rem}
th,td{border:1px solid #d0d7de;padding:.25rem .45rem;vertical-align:top;text-align:left}
th{background:#f6f8fa;position:sticky;top:0}
#findings th{cursor:pointer;user-select:none}
.sev-critical{background:#ffebe9;font-weight:700}.sev-high{color:#cf222e;font-weight:600}
.sev-medium{color:#9a6700}.sev-low{color:#0969da}.sev-info{color:#656d76}
tr.suppressed td{color:#8c959f;text-decoration:line-through}
.new{background:#fff8c5;border-radius:.3rem;padding:0 .3rem;font-size:.75rem}
pre{margin:0;white-space:pre-wrap;font-size:.8rem}
#matrix td{text-align:center;min-width:3.2rem;font-family:ui-monospace,monospace}
#matrix th.col{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap}
#matrix td.viol{background:#ffcecb;outline:2px solid #cf222e;font-weight:700}
#matrix td.differs{background:#fff1c2}
.cell-exp{color:#656d76}.controls{margin:.5rem 0}.controls input{padding:.2rem .4rem;min-width:18rem}
"""

JS = """
(function(){
  var table=document.getElementById('findings'); if(!table){return;}
  var body=table.tBodies[0], filter=document.getElementById('filter');
  var sev=document.getElementById('sevfilter');
  function apply(){
    var q=(filter.value||'').toLowerCase(), min=parseInt(sev.value,10);
    Array.prototype.forEach.call(body.rows,function(r){
      var ok=r.textContent.toLowerCase().indexOf(q)>=0 && parseInt(r.getAttribute('data-rank'),10)>=min;
      r.style.display=ok?'':'none';
    });
  }
  filter.addEventListener('input',apply); sev.addEventListener('change',apply);
  Array.prototype.forEach.call(table.tHead.rows[0].cells,function(th,i){
    th.addEventListener('click',function(){
      var asc=th.getAttribute('data-dir')!=='asc'; th.setAttribute('data-dir',asc?'asc':'desc');
      var rows=Array.prototype.slice.call(body.rows);
      rows.sort(function(a,b){
        var x=a.cells[i].getAttribute('data-sort')||a.cells[i].textContent;
        var y=b.cells[i].getAttribute('data-sort')||b.cells[i].textContent;
        var c=x.localeCompare(y,undefined,{numeric:true}); return asc?c:-c;
      });
      rows.forEach(function(r){body.appendChild(r);});
    });
  });
})();
"""


def e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def _finding_row(f: Finding, settings: ReportSettings, new: set[str]) -> str:
    flags = []
    fresh = summary.new_count(f, new)
    if fresh:
        flags.append('<span class="new">new</span>' if not f.aggregated else f'<span class="new">{fresh} new</span>')
    if f.suppressed:
        flags.append(e(f"suppressed: {f.suppression or 'policy exception'}"))
    elif f.severity.at_least(settings.fail_on):
        flags.append("FAIL")
    evidence = "".join(f"<pre>{e(x)}</pre>" for x in f.evidence)
    fix = e(f.fix or "") + (f"<pre>{e(f.fix_sql)}</pre>" if f.fix_sql else "")
    cls = ' class="suppressed"' if f.suppressed else ""
    return (
        f'<tr{cls} data-rank="{f.severity.rank}" data-key="{e(f.key)}">'
        f'<td class="sev-{e(f.severity.value)}" data-sort="{4 - f.severity.rank}">{e(f.severity.value)}</td>'
        f"<td>{e(f.rule_id)}</td><td>{_object_cell(f)}</td><td>{e(f.hub)}</td><td>{e(f.role)}</td>"
        f"<td><strong>{e(f.title)}</strong><br>{e(f.message)}</td><td>{evidence}</td><td>{fix}</td>"
        f"<td>{e(f.location or '')}</td><td>{' '.join(flags)}</td></tr>"
    )


def _object_cell(f: Finding) -> str:
    if not f.aggregated:
        return e(f.object)
    items = "".join(f"<li>{e(o)}</li>" for o in f.objects)
    return f"{e(f.object)}<details><summary>{f.count} objects</summary><ul>{items}</ul></details>"


def _matrix(matrix: dict[str, Any]) -> str:
    roles: list[str] = list(matrix.get("roles") or [])
    tables: list[str] = list(matrix.get("tables") or [])
    cells: dict[str, dict[str, Any]] = matrix.get("cells") or {}
    role_hubs: dict[str, Any] = matrix.get("role_hubs") or {}
    table_hubs: dict[str, Any] = matrix.get("table_hubs") or {}
    head = "".join(
        f'<th class="col" scope="col" title="{e(table_hubs.get(t) or "")}">{e(t)}</th>' for t in tables
    )
    rows = []
    for role in roles:
        hub = role_hubs.get(role)
        label = e(role) + (f' <span class="muted">({e(hub)})</span>' if hub else "")
        tds = []
        for table in tables:
            c = cells.get(role, {}).get(table)
            if not c:
                tds.append(f'<td data-role="{e(role)}" data-table="{e(table)}"></td>')
                continue
            classes = "viol" if c.get("violation") else ("differs" if c.get("differs") else "")
            tip = [f"{role} on {table}",
                   f"policy: {', '.join(c.get('expected_privileges') or []) or 'nothing'}",
                   f"database: {', '.join(c.get('actual_privileges') or []) or 'nothing'}",
                   *(c.get("paths") or [])]
            if c.get("rules"):
                tip.append("findings: " + ", ".join(c["rules"]))
            exp = c.get("expected")
            act = c.get("actual")
            show = []
            if exp is not None:
                show.append(f'<span class="cell-exp">{e(exp)}</span>')
            if act is not None:
                star = "*" if c.get("differs") and act == exp else ""
                show.append(f'<span class="cell-act">{e(act)}{star}</span>')
            tds.append(
                f'<td class="{classes}" data-role="{e(role)}" data-table="{e(table)}" '
                f'data-expected="{e(exp or "")}" data-actual="{e(act or "")}" '
                f'data-violation="{"true" if c.get("violation") else "false"}" '
                f'title="{e(chr(10).join(tip))}">{" / ".join(show)}</td>'
            )
        rows.append(f'<tr><th scope="row">{label}</th>{"".join(tds)}</tr>')
    return (
        '<h2>Access matrix</h2><p class="muted">Each cell: <span class="cell-exp">policy</span> / database '
        "(r = read, w = write, - = none). Red: a finding names this role and table; yellow: policy and "
        "database disagree (* = same r/w, different privileges). Hover a cell for the privileges and "
        "the paths that grant them.</p>"
        f'<div style="overflow:auto"><table id="matrix"><thead><tr><th>role \\ table</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def render(result: RunResult, settings: ReportSettings) -> str:
    st = summary.status(result, settings.fail_on)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>ownaudit {e(result.command)} report</title><style>{CSS}</style></head><body>",
        f'<h1>ownaudit {e(result.command)} <span class="badge {STATUS_CLASS[st]}" id="status">'
        f"{e(st.upper())}</span></h1>",
        f'<p id="headline">{e(summary.headline(result, settings.fail_on))}</p>',
    ]
    ctx = summary.context_line(result)
    if ctx:
        parts.append(f'<p class="muted">{e(ctx)}</p>')
    cmp_line = summary.comparison_line(result)
    if cmp_line:
        parts.append(f'<section id="comparison"><p><strong>{e(cmp_line)}</strong></p>')
        cmp_ = result.comparison or {}
        for label in ("new", "resolved"):
            items = cmp_.get(label) or []
            if items and cmp_.get("previous_run"):
                lis = "".join(f"<li>{e(x['severity'])} {e(x['rule_id'])} {e(x.get('object'))} "
                              f"{e(x.get('role') or '')}</li>" for x in items)
                parts.append(f"<p>{label.capitalize()}:</p><ul class=\"{label}\">{lis}</ul>")
        parts.append("</section>")
    parts += [f'<div class="notice">{e(n)}</div>' for n in result.notices]
    counts = result.counts()
    parts.append('<table id="counts"><tr>' + "".join(f"<th>{e(k)}</th>" for k in counts) + "</tr><tr>"
                 + "".join(f'<td class="sev-{e(k)}">{v}</td>' for k, v in counts.items()) + "</tr></table>")
    new = summary.new_keys(result)
    rows = "".join(_finding_row(f, settings, new) for f in sort_findings(result.findings))
    parts.append(
        f"<h2>Findings ({len(result.findings)})</h2>"
        '<div class="controls"><input id="filter" type="search" placeholder="Filter findings...">'
        ' <select id="sevfilter"><option value="0">all severities</option><option value="1">low+</option>'
        '<option value="2">medium+</option><option value="3">high+</option>'
        '<option value="4">critical</option>'
        "</select></div>"
        '<table id="findings"><thead><tr><th>Severity</th><th>Rule</th><th>Object</th><th>Hub</th>'
        "<th>Role</th><th>Finding</th><th>Evidence</th><th>Fix</th><th>Location</th><th>Status</th>"
        f"</tr></thead><tbody>{rows}</tbody></table>"
    )
    if result.matrix:
        parts.append(_matrix(result.matrix))
    parts.append(f"<script>{JS}</script></body></html>")
    return "\n".join(parts) + "\n"

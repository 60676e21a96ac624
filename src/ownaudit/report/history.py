"""Report directories for the nightly job: one folder per run, a latest pointer, comparison.

``DIR/<UTC date-time>/`` holds every format of one run; ``DIR/latest`` is a
symlink to the newest and ``DIR/LATEST`` a one-line index file naming it (for
filesystems or artifact stores without symlinks); ``DIR/index.html`` lists every
kept run. Earlier runs are kept (pruning is left to the job's retention policy).

``latest`` only ever moves to a complete run: a night the database is down writes
its run directory (marked ``INCOMPLETE``, its SARIF named ``findings.incomplete.sarif``)
and the index, but what CI uploads from ``latest`` stays the last complete audit,
which also stays the baseline the next run is compared with.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ownaudit.findings import Finding, sort_findings
from ownaudit.safewrite import write_text

RUN_NAME = re.compile(r"^\d{8}T\d{6}Z(?:-\d+)?$")
FINDINGS_FILE = "findings.json"
LATEST_LINK = "latest"
LATEST_FILE = "LATEST"

# format -> file name inside a run directory
FILE_NAMES = {
    "console": "report.txt",
    "json": FINDINGS_FILE,
    "sarif": "findings.sarif",
    "junit": "junit.xml",
    "markdown": "report.md",
    "html": "report.html",
}


INCOMPLETE_SARIF = "findings.incomplete.sarif"


def run_file_names(complete: bool) -> dict[str, str]:
    """The files of one run. An incomplete run's SARIF gets another name, so a job that uploads
    ``findings.sarif`` never sends code scanning a log that saw nothing (it would close every alert)."""
    if complete:
        return dict(FILE_NAMES)
    return FILE_NAMES | {"sarif": INCOMPLETE_SARIF}


def latest_complete(report_dir: Path) -> str | None:
    """The run ``latest`` names, or None when there is none yet."""
    try:
        name = (report_dir / LATEST_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return name or None


def run_name(now: datetime | None = None) -> str:
    """Sortable, filesystem-safe UTC timestamp, e.g. ``20250102T030405Z``."""
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return now.strftime("%Y%m%dT%H%M%SZ")


def runs(report_dir: Path) -> list[Path]:
    """Completed run directories (those holding a findings document), oldest first."""
    if not report_dir.is_dir():
        return []
    return sorted(p for p in report_dir.iterdir()
                  if p.is_dir() and not p.is_symlink() and RUN_NAME.match(p.name)
                  and (p / FINDINGS_FILE).is_file())


INCOMPLETE_MARKER = "INCOMPLETE"


def previous_run(report_dir: Path) -> Path | None:
    """The newest earlier run that completed: an incomplete night is no baseline for the next."""
    found = [p for p in runs(report_dir) if not (p / INCOMPLETE_MARKER).exists()]
    return found[-1] if found else None


def mark_incomplete(run_dir: Path) -> None:
    write_text(run_dir / INCOMPLETE_MARKER, "incomplete run: later runs are not compared with it\n")


def new_run_dir(report_dir: Path, now: datetime | None = None) -> Path:
    """Create and return a fresh run directory; never reuses one (a suffix breaks same-second ties)."""
    report_dir.mkdir(parents=True, exist_ok=True)
    base = run_name(now)
    candidate, n = report_dir / base, 1
    while candidate.exists():
        n += 1
        candidate = report_dir / f"{base}-{n}"
    candidate.mkdir()
    return candidate


def point_latest(report_dir: Path, run_dir: Path) -> None:
    """Update ``latest`` (symlink when possible) and the ``LATEST`` index file."""
    write_text(report_dir / LATEST_FILE, run_dir.name + "\n")
    link = report_dir / LATEST_LINK
    if link.exists() and not link.is_symlink():
        return  # something else lives there: 'latest' is a convenience, never worth replacing it
    tmp = report_dir / f".{LATEST_LINK}.tmp"
    with contextlib.suppress(OSError):
        if tmp.is_symlink() or tmp.exists():
            tmp.unlink()
        os.symlink(run_dir.name, tmp, target_is_directory=True)
        os.replace(tmp, link)  # atomic swap: readers never see a missing 'latest'


def _brief(f: Finding) -> dict[str, Any]:
    return {"key": f.key, "rule_id": f.rule_id, "severity": f.severity.value, "object": f.object,
            "hub": f.hub, "role": f.role, "title": f.title}


def _by_key(findings: list[Finding]) -> dict[str, Finding]:
    """Unsuppressed findings by identity key, one per object (an aggregated finding counts each)."""
    out: dict[str, Finding] = {}
    for f in sort_findings(findings):
        if f.suppressed:
            continue
        if f.aggregated:
            out.update((m.key, m) for m in f.members())
        else:
            out[f.key] = f
    return out


def compare(previous: list[Finding] | None, current: list[Finding], previous_run: str | None = None,
            previous_started_at: str | None = None) -> dict[str, Any]:
    """New / resolved / unchanged by ``Finding.key`` (suppressed findings count as absent).

    Objects of an aggregated finding count one by one, with their own keys, so a
    run that aggregates compares exactly with one that does not. ``previous`` None
    means there was no earlier run: nothing is called new.
    """
    cur = _by_key(current)
    if previous is None:
        return {"previous_run": None, "previous_started_at": None, "new": [], "resolved": [],
                "unchanged": [], "counts": {"new": 0, "resolved": 0, "unchanged": 0}}
    prev = _by_key(previous)
    new = [_brief(f) for k, f in cur.items() if k not in prev]
    resolved = [_brief(f) for k, f in prev.items() if k not in cur]
    unchanged = [k for k in cur if k in prev]
    return {
        "previous_run": previous_run,
        "previous_started_at": previous_started_at,
        "new": new,
        "resolved": resolved,
        "unchanged": unchanged,
        "counts": {"new": len(new), "resolved": len(resolved), "unchanged": len(unchanged)},
    }


def compare_with_previous(report_dir: Path, current: list[Finding]) -> dict[str, Any]:
    """Comparison of ``current`` with the newest earlier run in ``report_dir``."""
    prev = previous_run(report_dir)
    if prev is None:
        return compare(None, current)
    from ownaudit.report.jsondoc import load_findings

    text = (prev / FINDINGS_FILE).read_text(encoding="utf-8")
    try:
        started = json.loads(text).get("timing", {}).get("started_at")
        findings = load_findings(text)
    except (ValueError, KeyError, TypeError) as exc:
        from ownaudit.errors import UsageError

        raise UsageError(f"{prev / FINDINGS_FILE}: not a readable findings document ({exc})") from None
    return compare(findings, current, prev.name, started)


def write_index(report_dir: Path) -> Path:
    """``DIR/index.html``: every kept run, newest first, with its status, counts and comparison.

    The morning reader opens one page and sees the trend; each row links to that run's report.
    """
    from html import escape

    rows = []
    for run in reversed(runs(report_dir)):
        try:
            doc = json.loads((run / FINDINGS_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        counts = (doc.get("summary") or {}).get("by_severity") or {}
        cmp_counts = (doc.get("comparison") or {}).get("counts") or {}
        change = (f"+{cmp_counts.get('new', 0)} / -{cmp_counts.get('resolved', 0)}"
                  if (doc.get("comparison") or {}).get("previous_run") else "")
        cells = [
            f'<a href="{escape(run.name)}/{FILE_NAMES["html"]}">{escape(run.name)}</a>',
            escape(str(doc.get("status", "?")).upper()),
            *(escape(str(counts.get(s, 0))) for s in ("critical", "high", "medium", "low", "info")),
            escape(change),
        ]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>ownaudit runs</title>'
        "<style>body{font-family:system-ui,sans-serif;margin:1.5rem}table{border-collapse:collapse}"
        "td,th{border:1px solid #d0d7de;padding:.25rem .5rem}</style></head><body><h1>ownaudit runs</h1>"
        "<table><thead><tr><th>run (UTC)</th><th>status</th><th>critical</th><th>high</th><th>medium</th>"
        "<th>low</th><th>info</th><th>new / resolved</th></tr></thead><tbody>"
        + "".join(rows) + "</tbody></table></body></html>\n"
    )
    path = report_dir / "index.html"
    write_text(path, page)
    return path

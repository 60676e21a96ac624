"""Write a list of changes for a reviewer: console, Markdown (PR comment) or JSON.

Each writer gets the same ``DiffResult``; the console writer uses rich only on a
terminal so piped output stays plain and stable.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from typing import IO, Any

from ownaudit import __version__
from ownaudit.diff.compare import Change, grants_new_write
from ownaudit.findings import Severity

FORMATS = ("console", "markdown", "json")
DIFF_FORMAT = "ownaudit.diff"
DIFF_VERSION = 1


@dataclass
class DiffResult:
    """What ``ownaudit diff`` found between two labelled states."""

    a: str
    b: str
    changes: list[Change] = field(default_factory=list)
    policy: str | None = None

    def counts(self) -> dict[str, int]:
        c = Counter(ch.severity.value for ch in self.changes)
        return {s.value: c.get(s.value, 0) for s in Severity}

    @property
    def new_write(self) -> bool:
        return grants_new_write(self.changes)

    def summary_line(self) -> str:
        if not self.changes:
            return f"no access changes from {self.a} to {self.b}"
        counts = ", ".join(f"{n} {s}" for s, n in self.counts().items() if n)
        extra = "; B grants new write access" if self.new_write else ""
        return f"{len(self.changes)} change(s) from {self.a} to {self.b}: {counts}{extra}"


def render(result: DiffResult, fmt: str, *, color: bool | None = None) -> str:
    """The whole document in one format (console text without colour)."""
    if fmt == "json":
        return render_json(result)
    if fmt == "markdown":
        return render_markdown(result)
    if fmt == "console":
        return render_plain(result)
    raise ValueError(f"unknown diff format {fmt!r}")


def render_json(result: DiffResult) -> str:
    doc: dict[str, Any] = {
        "format": DIFF_FORMAT,
        "version": DIFF_VERSION,
        "tool": "ownaudit",
        "tool_version": __version__,
        "a": result.a,
        "b": result.b,
        "policy": result.policy,
        "changes": [c.to_dict() for c in result.changes],
        "summary": {
            "total": len(result.changes),
            "by_severity": result.counts(),
            "grants_new_write": result.new_write,
        },
    }
    return json.dumps(doc, indent=2) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ") if text else ""


def render_markdown(result: DiffResult) -> str:
    lines = [f"### ownaudit diff: `{result.a}` → `{result.b}`", ""]
    if not result.changes:
        lines.append("No access changes.")
        return "\n".join(lines) + "\n"
    counts = " · ".join(f"**{n}** {s}" for s, n in result.counts().items() if n)
    lines.append(f"{len(result.changes)} change(s): {counts}")
    if result.new_write:
        lines += [
            "",
            "> [!WARNING]",
            "> B grants write access that A did not: this change needs a security review.",
        ]
    lines += [
        "",
        "| Severity | Change | Object | Role | Hub | Before | After | Path |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for c in result.changes:
        lines.append(
            f"| {c.severity.value} | {_md(c.title)} | `{_md(c.object)}` | {_md(c.role or '')} | "
            f"{_md(c.hub or '')} | {_md(c.before)} | {_md(c.after)} | {_md(c.path)} |"
        )
    return "\n".join(lines) + "\n"


def _line(c: Change) -> list[str]:
    who = []
    if c.role:
        who.append(f"role {c.role}")
    if c.hub:
        who.append(f"hub {c.hub}")
    head = f"[{c.severity.value.upper()}] {c.title}: {c.object}" + (f" ({', '.join(who)})" if who else "")
    out = [head, f"    {c.before or '-'} -> {c.after or '-'}"]
    if c.path:
        out.append(f"    path: {c.path}")
    return out


def render_plain(result: DiffResult) -> str:
    lines = [f"ownaudit diff: {result.a} -> {result.b}"]
    for c in result.changes:
        lines += _line(c)
    lines.append(result.summary_line())
    return "\n".join(lines) + "\n"


_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan", "info": "dim"}


def print_console(result: DiffResult, stream: IO[str], *, no_color: bool = False) -> None:
    """Rich table on a terminal; the plain text otherwise (piped, --no-color, NO_COLOR)."""
    isatty = getattr(stream, "isatty", lambda: False)()
    if no_color or os.environ.get("NO_COLOR") or not isatty:
        stream.write(render_plain(result))
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(file=stream)
    console.print(f"[bold]ownaudit diff[/bold]: {escape(result.a)} → {escape(result.b)}", highlight=False)
    if result.changes:
        table = Table(show_lines=False)
        for col in ("Severity", "Change", "Object", "Role / hub", "Before → after", "Path"):
            table.add_column(col, overflow="fold")
        for c in result.changes:
            sev = c.severity.value
            table.add_row(
                f"[{_STYLE[sev]}]{sev}[/]",
                escape(c.title),
                escape(c.object),
                escape(" / ".join(x for x in (c.role, c.hub) if x)),
                escape(f"{c.before or '-'} → {c.after or '-'}"),
                escape(c.path),
            )
        console.print(table)
    style = "bold red" if result.new_write else ("green" if not result.changes else "yellow")
    console.print(f"[{style}]{escape(result.summary_line())}[/]", highlight=False)

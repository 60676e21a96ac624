"""What the demo prints: progress while it works, then a short summary of each run.

Progress goes to stderr (a rich spinner on a terminal, plain ``ownaudit demo: ...``
lines otherwise) so stdout holds only the summaries a user reads afterwards.
"""

from __future__ import annotations

import sys
from collections import Counter
from types import TracebackType
from typing import Any

from ownaudit.findings import RunResult, Severity


class Progress:
    """Call with a line per step; a context manager so the spinner always stops."""

    def __init__(self, interactive: bool | None = None) -> None:
        from ownaudit.report.progress import interactive as is_tty

        self.interactive = is_tty() if interactive is None else interactive
        self._console: Any = None
        self._status: Any = None

    def __call__(self, line: str) -> None:
        if not self.interactive:
            print(f"ownaudit demo: {line}", file=sys.stderr, flush=True)
            return
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=True, highlight=False)
            self._status = self._console.status(line)
            self._status.start()
        self._status.update(line)
        self._console.print(f"[dim]ownaudit demo:[/dim] {line}", markup=True, soft_wrap=True)

    def stop(self) -> None:
        """Remove the spinner (before printing anything else, or waiting for Ctrl-C)."""
        if self._status is not None:
            self._status.stop()
            self._status = None
            self._console = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def top_findings(result: RunResult, limit: int = 8) -> list[str]:
    """Critical findings by root cause (a cause shared by several findings once, with its one fix;
    up to ``limit`` lines), then the other findings counted by rule: the full list is in the files."""
    from ownaudit.rootcause import group

    out: list[str] = []
    active = [f for f in result.findings if not f.suppressed]
    label = "path" if result.command == "audit" else "code"
    hidden = 0
    for g in group([f for f in active if f.severity is Severity.CRITICAL]):
        if len(out) >= limit:
            hidden += len(g.findings)
            continue
        if g.shared:
            objects = ", ".join(f.object for f in g.findings[:3]) + (", ..." if len(g.findings) > 3 else "")
            rules = "/".join(sorted({f.rule_id for f in g.findings}))
            fix = f"\n             fix: {g.fixes[0]}" if len(g.fixes) == 1 else ""
            out.append(f"  CRITICAL {rules} x{len(g.findings)}, one cause: {g.label} ({objects}){fix}")
            continue
        f = g.findings[0]
        where = f" at {f.location}" if f.location and result.command == "lint" else ""
        evidence = f"\n             {label}: {f.evidence[0]}" if f.evidence else ""
        out.append(f"  CRITICAL {f.rule_id} {f.object}{where}: {f.message}{evidence}")
    if hidden:
        out.append(f"  CRITICAL x{hidden} more (see the report files)")
    rest = Counter((f.severity, f.rule_id, f.title) for f in active if f.severity is not Severity.CRITICAL)
    for (sev, rule_id, title), n in sorted(rest.items(), key=lambda kv: (-kv[0][0].rank, kv[0][1])):
        only = [f for f in active if f.rule_id == rule_id] if n == 1 else []
        if only and only[0].location and result.command == "lint":
            f = only[0]
            obj = "" if f.location and f.object.startswith(f.location.path) else f"{f.object} "
            out.append(f"  {sev.value.upper():<8} {rule_id} {obj}at {f.location}: {title}")
        else:
            out.append(f"  {sev.value.upper():<8} {rule_id} x{n}: {title}")
    for f in result.findings:
        if f.suppressed:
            where = f" at {f.location}" if f.location else ""
            out.append(f"  suppressed {f.rule_id} {f.object}{where}: {f.suppression or ''}".rstrip(": "))
    return out


def summary_lines(result: RunResult, limit: int) -> list[str]:
    """The headline every format shares, then :func:`top_findings`."""
    from ownaudit.report.summary import headline

    return [headline(result, Severity.HIGH), *top_findings(result, limit)]

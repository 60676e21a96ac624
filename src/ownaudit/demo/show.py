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
    """Critical findings (up to ``limit``, two per rule and role) with their first evidence line,
    then the other findings counted by rule: the full list is in the report files."""
    out = []
    active = [f for f in result.findings if not f.suppressed]
    shown: Counter[tuple[str, str]] = Counter()
    hidden: Counter[tuple[str, str]] = Counter()
    for f in active:
        if f.severity is not Severity.CRITICAL:
            continue
        group = (f.rule_id, f.role or "")
        if shown[group] >= 2 or sum(shown.values()) >= limit:
            hidden[group] += 1
            continue
        shown[group] += 1
        where = f" at {f.location}" if f.location and result.command == "lint" else ""
        label = "path" if result.command == "audit" else "code"
        evidence = f"\n             {label}: {f.evidence[0]}" if f.evidence else ""
        out.append(f"  CRITICAL {f.rule_id} {f.object}{where}: {f.message}{evidence}")
    for (rule_id, role), n in sorted(hidden.items()):
        out.append(f"  CRITICAL {rule_id} x{n} more" + (f" for {role}" if role else ""))
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

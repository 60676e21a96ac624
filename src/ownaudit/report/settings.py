"""Rendering settings every format receives, resolved once from the command-line options."""

from __future__ import annotations

from dataclasses import dataclass

from ownaudit.findings import Severity


@dataclass(frozen=True)
class ReportSettings:
    """What a writer needs besides the ``RunResult``: the threshold and presentation choices."""

    fail_on: Severity = Severity.HIGH
    group_by: str = "hub"  # "hub" | "rule"
    quiet: bool = False
    color: bool = False

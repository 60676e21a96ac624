"""Placeholder replaced below."""

from __future__ import annotations

from collections.abc import Iterator

from ownaudit.audit.context import AuditContext
from ownaudit.findings import Finding


def check(ctx: AuditContext) -> Iterator[Finding]:
    return iter(())

"""Which governed tables a function body writes, for the SECURITY DEFINER check.

Uses the linter's analyzer when it is installed; otherwise a conservative
regex over the body: an unqualified name matches every governed table of that
name, so a definer function is never cleared by a guess.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from ownaudit.catalog.model import FunctionInfo

_IDENT = r'(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)'
_WRITE = re.compile(
    r"\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?|MERGE\s+INTO|COPY)\s+(?:ONLY\s+)?"
    rf"({_IDENT}(?:\s*\.\s*{_IDENT})?)",
    re.IGNORECASE,
)


class _Named(Protocol):
    @property
    def name(self) -> str: ...


def _unquote(part: str) -> str:
    part = part.strip()
    if part.startswith('"'):
        return part[1:-1].replace('""', '"')
    return part.lower()


def written_names(body: str) -> set[tuple[str | None, str]]:
    """(schema or None, table) for every write statement the regex finds."""
    out: set[tuple[str | None, str]] = set()
    for m in _WRITE.finditer(body):
        parts = [_unquote(p) for p in re.split(r"\s*\.\s*(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", m.group(1))]
        if len(parts) == 2:
            out.add((parts[0], parts[1]))
        elif parts and parts[0] not in ("set", "only"):
            out.add((None, parts[0]))
    return out


def written_tables(fn: FunctionInfo, governed: Sequence[_Named]) -> list[str]:
    """Qualified names of governed relations ``fn`` may write."""
    body = fn.body or ""
    if fn.language.lower() not in ("sql", "plpgsql") and body:
        # Other languages (plpython, plv8): any mention of a governed table counts.
        return [g.name for g in governed if g.name.split(".", 1)[1].lower() in body.lower()]
    names = written_names(body)
    out: list[str] = []
    for g in governed:
        schema, _, table = g.name.partition(".")
        if (schema, table) in names or (None, table) in names:
            out.append(g.name)
    return out

"""Which governed tables a function body writes, for the SECURITY DEFINER check.

Uses the linter's analyzer (``ownaudit.lint.analyze``) on the body; where it
cannot see everything (dynamic SQL, a statement it cannot parse) or is not
installed, a conservative regex over the body is added. An unqualified name
matches every governed table of that name: a definer function is never
cleared by a guess.
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


_PROBE_TAG = "$ownaudit_body$"
# EXECUTE of anything but one string literal ending the statement: SQL built at run time.
_DYNAMIC = re.compile(r"\bEXECUTE\s+(?!'(?:[^']|'')*'\s*(?:;|USING\b|INTO\b|$))", re.IGNORECASE)


def dynamic_sql(fn: FunctionInfo) -> bool:
    """Whether a PL/pgSQL body runs SQL computed at run time (its targets cannot be known)."""
    return fn.language.lower() == "plpgsql" and bool(_DYNAMIC.search(fn.body or ""))


def analyzed_names(body: str, language: str) -> set[tuple[str | None, str]] | None:
    """Tables the linter's analyzer sees written; None when it cannot vouch for the whole body."""
    try:
        from ownaudit.lint.analyze import analyze_statement
        from ownaudit.lint.operations import UNANALYSABLE, WRITE
    except ImportError:  # pragma: no cover - the linter is part of the package
        return None
    if _PROBE_TAG in body:
        return None
    text = (f"CREATE FUNCTION ownaudit_probe() RETURNS void LANGUAGE {language} "
            f"AS {_PROBE_TAG}{body}{_PROBE_TAG}")
    try:
        ops = analyze_statement(text)
    except Exception:  # the analyzer promises not to raise; never let it break an audit
        return None
    out: set[tuple[str | None, str]] = set()
    for op in ops:
        if op.action == UNANALYSABLE:
            return None
        if op.action == WRITE and op.target is not None:
            if op.target.placeholder:
                return None
            out.add((op.target.schema, op.target.name))
    return out


def written_tables(fn: FunctionInfo, governed: Sequence[_Named]) -> list[str]:
    """Qualified names of governed relations ``fn`` may write."""
    body = fn.body or ""
    lang = fn.language.lower()
    if lang not in ("sql", "plpgsql") and body:
        # Other languages (plpython, plv8): any mention of a governed table counts.
        return [g.name for g in governed if g.name.split(".", 1)[1].lower() in body.lower()]
    names = analyzed_names(body, lang)
    if names is None:
        names = written_names(body)
    out: list[str] = []
    for g in governed:
        schema, _, table = g.name.partition(".")
        if (schema, table) in names or (None, table) in names:
            out.append(g.name)
    return out

"""Which tables a function body (or a rule action) writes and reads, for the audit's code paths.

Uses the linter's analyzer (``ownaudit.lint.analyze``), the same one ``ownaudit lint``
runs, on the body: plpgsql and SQL bodies and ``BEGIN ATOMIC`` bodies. Where it
cannot see everything (dynamic SQL, a statement it cannot parse) a conservative
regex over the body is added and the result says it is incomplete; dynamic
``EXECUTE`` means "may write whatever its effective role can". An unqualified
name matches every governed table of that name: code is never cleared by a guess.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
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


Names = frozenset[tuple[str | None, str]]


@dataclass(frozen=True)
class BodyEffects:
    """What a body does to tables: ``writes`` maps (schema or None, table) to privilege names."""

    writes: dict[tuple[str | None, str], frozenset[str]]
    reads: Names
    dynamic: bool  # runs SQL built at run time: may do whatever its effective role can
    complete: bool  # the analyser vouched for every statement

    def unqualified(self) -> bool:
        """Whether some table is named without its schema (search_path decides which one)."""
        return not self.complete or any(s is None for s, _ in [*self.writes, *self.reads])


_ANY_WRITE = frozenset({"INSERT", "UPDATE", "DELETE", "TRUNCATE"})


def _analyse(text: str) -> tuple[dict[tuple[str | None, str], set[str]], set[tuple[str | None, str]], bool, bool]:
    from ownaudit.lint.analyze import analyze_statement
    from ownaudit.lint.operations import READ, UNANALYSABLE, WRITE

    writes: dict[tuple[str | None, str], set[str]] = {}
    reads: set[tuple[str | None, str]] = set()
    dynamic = complete = False
    try:
        ops = analyze_statement(text)
        complete = True
    except Exception:  # the analyser promises not to raise; never let it break an audit
        ops = []
    for op in ops:
        if op.action == UNANALYSABLE:
            complete = False
            dynamic = dynamic or "dynamic" in op.detail.lower() or op.statement.upper() == "EXECUTE"
        elif op.target is not None and op.target.placeholder:
            complete = False
        elif op.action == WRITE and op.target is not None:
            privs = {p.value for p in op.privileges} or set(_ANY_WRITE)
            writes.setdefault((op.target.schema, op.target.name), set()).update(privs)
        elif op.action == READ and op.target is not None:
            reads.add((op.target.schema, op.target.name))
    return writes, reads, dynamic, complete


@lru_cache(maxsize=4096)
def _effects(body: str, language: str) -> BodyEffects:
    lang = language.lower()
    if lang not in ("sql", "plpgsql"):
        return BodyEffects({}, frozenset(), True, False)  # plpython, plv8 ...: anything is possible
    if body.lstrip()[:12].upper().startswith("BEGIN ATOMIC"):
        text = f"CREATE FUNCTION ownaudit_probe() RETURNS void LANGUAGE sql {body}"
    elif _PROBE_TAG in body:
        text = ""
    else:
        text = (f"CREATE FUNCTION ownaudit_probe() RETURNS void LANGUAGE {lang} "
                f"AS {_PROBE_TAG}{body}{_PROBE_TAG}")
    writes, reads, dynamic, complete = _analyse(text) if text else ({}, set(), False, False)
    if not complete:  # add what a regex sees; never fewer targets than the text names
        for name in written_names(body):
            writes.setdefault(name, set()).update(_ANY_WRITE)
    dynamic = dynamic or (lang == "plpgsql" and bool(_DYNAMIC.search(body)))
    return BodyEffects({k: frozenset(v) for k, v in writes.items()}, frozenset(reads), dynamic, complete)


def body_effects(fn: FunctionInfo) -> BodyEffects:
    """What ``fn``'s body writes and reads (memoized per body text)."""
    return _effects(fn.body or "", fn.language)


def statement_effects(sql: str) -> BodyEffects:
    """What one or more SQL statements (a rule's actions) write and read."""
    writes: dict[tuple[str | None, str], set[str]] = {}
    reads: set[tuple[str | None, str]] = set()
    complete = True
    for stmt in (x.strip() for x in sql.split(";")):
        if not stmt or stmt.upper() == "NOTHING":
            continue
        w, r, _dyn, ok = _analyse(stmt)
        complete = complete and ok
        for k, v in w.items():
            writes.setdefault(k, set()).update(v)
        reads |= r
    if not complete:
        for name in written_names(sql):
            writes.setdefault(name, set()).update(_ANY_WRITE)
    return BodyEffects({k: frozenset(v) for k, v in writes.items()}, frozenset(reads), False, complete)

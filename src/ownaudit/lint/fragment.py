"""A piece of SQL text found in a source file, with the way back to file offsets.

A ``.sql`` statement is a contiguous slice of the file; a Python or JS/TS
literal is not (escapes, implicit concatenation, f-string placeholders), so a
fragment can carry one file offset per character (``origin``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SQL_START = re.compile(
    r"\s*(?:(?:--[^\n]*\n|/\*.*?\*/)\s*)*\(?\s*(SELECT|INSERT|UPDATE|DELETE|WITH|CREATE|ALTER|DROP|GRANT|REVOKE|"
    r"TRUNCATE|MERGE|COPY|DO|SET|COMMENT|REFRESH|LOCK|CALL|EXPLAIN|PREPARE)\b",
    re.IGNORECASE | re.DOTALL,
)
_SECOND = re.compile(r"\b(FROM|INTO|SET|TABLE|VALUES|WHERE|ON|SCHEMA|TO|AS|USING|RETURNING)\b")


@dataclass
class Fragment:
    """SQL-looking text from a source file.

    ``sql_context`` says the surrounding code treats the text as SQL (a ``.sql``
    file, an ``execute(...)`` argument, a ``sql`` tagged template, a constant named
    like a query): if it then fails to parse, it is unanalysable SQL, not prose.
    """

    text: str
    base: int = 0
    origin: list[int] | None = None
    sql_context: bool = False
    placeholders: dict[str, str] = field(default_factory=dict)
    context: str = ""  # e.g. "execute()", "sql`...`", ".sql file"

    def file_offset(self, i: int) -> int:
        if self.origin is None:
            return self.base + i
        if not self.origin:
            return self.base
        return self.origin[max(0, min(i, len(self.origin) - 1))]


def looks_like_sql(text: str) -> bool:
    """Starts like a SQL statement (after comments and an opening parenthesis)."""
    return SQL_START.match(text) is not None


def strongly_sql(text: str) -> bool:
    """Upper-case leading keyword plus a second upper-case SQL keyword: SQL by convention."""
    m = SQL_START.match(text)
    if m is None or not m.group(1).isupper():
        return False
    return _SECOND.search(text, m.end()) is not None


class PyToken:
    """A simplified token for client-call detection: kind name|op|string, file offset."""

    __slots__ = ("end", "kind", "start", "value")

    def __init__(self, kind: str, value: str, start: int, end: int) -> None:
        self.kind, self.value, self.start, self.end = kind, value, start, end

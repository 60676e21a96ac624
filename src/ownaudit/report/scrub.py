"""Defensive removal of passwords from any text before it reaches a report.

Findings and targets should never carry a secret in the first place; this is the
second line of defence for a DSN pasted into evidence or an error message.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from ownaudit.findings import Finding, RunResult

MASK = "***"

# scheme://user:secret@host  ->  scheme://user:***@host
_URL_PASSWORD = re.compile(r"(?P<pre>\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s/:@\"'<>]*:)(?P<pw>[^\s@/\"'<>]+)(?=@)")
# password=secret / pwd = secret / passwd='secret' (libpq keyword DSNs, query strings)
_KEY_PASSWORD = re.compile(
    r"(?P<pre>\b(?:password|passwd|pwd|sslpassword|secret|token)\s*=\s*)"
    # quoted, JSON-escaped quoted (\"...\"), or bare up to a delimiter; never eat a backslash,
    # which would break the JSON escape that follows (regression: lint --format json)
    r"(?P<pw>'(?:[^'\\]|\\.)*'|\\\"(?:[^\"\\]|\\[^\"])*\\\"|\"(?:[^\"\\]|\\.)*\"|[^\s&;\"'<>,)\\]+)",
    re.IGNORECASE,
)
# SQL: PASSWORD 'secret' (CREATE/ALTER ROLE)
_SQL_PASSWORD = re.compile(r"(?P<pre>\bPASSWORD\s+)(?P<pw>'(?:[^']|'')*')", re.IGNORECASE)

_SECRET_KEYS = re.compile(r"pass|pwd|secret|token|credential", re.IGNORECASE)


def scrub_text(text: str) -> str:
    """Mask every password-looking value in ``text``; everything else is left untouched."""
    text = _URL_PASSWORD.sub(lambda m: m.group("pre") + MASK, text)
    text = _KEY_PASSWORD.sub(lambda m: m.group("pre") + MASK, text)
    return _SQL_PASSWORD.sub(lambda m: m.group("pre") + "'" + MASK + "'", text)


def scrub_value(value: Any) -> Any:
    """Scrub strings inside any JSON-like value; keys that name a secret lose their value entirely."""
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {k: (MASK if isinstance(k, str) and _SECRET_KEYS.search(k) and v not in (None, "")
                    else scrub_value(v))
                for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [scrub_value(v) for v in value]
    return value


def scrub_target(target: dict[str, Any]) -> dict[str, Any]:
    """The run target without credentials: secret-named keys dropped, DSNs masked."""
    return {k: scrub_value(v) for k, v in target.items() if not _SECRET_KEYS.search(k)}


def scrub_finding(f: Finding) -> Finding:
    return replace(
        f,
        title=scrub_text(f.title),
        message=scrub_text(f.message),
        object=scrub_text(f.object),
        evidence=[scrub_text(e) for e in f.evidence],
        fix_sql=scrub_text(f.fix_sql) if f.fix_sql else f.fix_sql,
        fix=scrub_text(f.fix) if f.fix else f.fix,
        suppression=scrub_text(f.suppression) if f.suppression else f.suppression,
        properties=scrub_value(f.properties),
    )


def scrub_result(result: RunResult) -> RunResult:
    """A copy of ``result`` safe to publish: every finding, notice and the target scrubbed."""
    return replace(
        result,
        findings=[scrub_finding(f) for f in result.findings],
        target=scrub_target(result.target),
        notices=[scrub_text(n) for n in result.notices],
        comparison=scrub_value(result.comparison) if result.comparison is not None else None,
        matrix=scrub_value(result.matrix) if result.matrix is not None else None,
    )

"""Defensive removal of passwords from any text before it reaches a report.

Findings and targets should never carry a secret in the first place; this is the
second line of defence for a DSN pasted into evidence or an error message.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from ownaudit.findings import Finding, ObjectDetail, RunResult

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
# Every pattern above needs one of these: '@' (URL), '=' (keyword), PASSWORD (SQL). A string
# without any cannot hold a secret they mask, and most report strings (names, rule ids) have none.
_MAY_HOLD_SECRET = re.compile(r"[=@]|password", re.IGNORECASE)


def scrub_text(text: str) -> str:
    """Mask every password-looking value in ``text``; everything else is left untouched."""
    if not _MAY_HOLD_SECRET.search(text):
        return text
    text = _URL_PASSWORD.sub(lambda m: m.group("pre") + MASK, text)
    text = _KEY_PASSWORD.sub(lambda m: m.group("pre") + MASK, text)
    return _SQL_PASSWORD.sub(lambda m: m.group("pre") + "'" + MASK + "'", text)


def _clean(texts: list[str]) -> bool:
    """True when no string of ``texts`` can hold a secret: one search over all of them."""
    return not _MAY_HOLD_SECRET.search("\n".join(texts))


def scrub_texts(texts: list[str]) -> list[str]:
    """``scrub_text`` over a list; the list itself back when nothing in it can hold a secret."""
    return texts if _clean(texts) else [scrub_text(t) for t in texts]


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


def scrub_document(value: Any) -> Any:
    """``scrub_value`` for a large JSON-like structure (the access matrix), skipped when its JSON text
    shows no string could hold a secret: one C-speed encode and search instead of a walk."""
    import json

    if value is None or not _MAY_HOLD_SECRET.search(json.dumps(value, default=str)):
        return value
    return scrub_value(value)


def scrub_target(target: dict[str, Any]) -> dict[str, Any]:
    """The run target without credentials: secret-named keys dropped, DSNs masked."""
    return {k: scrub_value(v) for k, v in target.items() if not _SECRET_KEYS.search(k)}


def _scrub_detail(d: ObjectDetail) -> ObjectDetail:
    obj, msg = scrub_text(d.object), scrub_text(d.message)
    evidence = tuple(scrub_text(e) for e in d.evidence)
    fix_sql = scrub_text(d.fix_sql) if d.fix_sql else d.fix_sql
    loc = replace(d.location, path=scrub_text(d.location.path)) if d.location else None
    if (obj, msg, evidence, fix_sql, loc) == (d.object, d.message, d.evidence, d.fix_sql, d.location):
        return d  # the common case: nothing to mask, no copy
    return replace(d, object=obj, message=msg, evidence=evidence, fix_sql=fix_sql, location=loc)


def _detail_texts(details: list[ObjectDetail]) -> list[str]:
    out: list[str] = []
    for d in details:
        out += [d.object, d.message, *d.evidence, d.fix_sql or "", d.location.path if d.location else ""]
    return out


def scrub_finding(f: Finding) -> Finding:
    # Thousands of objects' details: searched at once, walked only when something may be masked.
    details = f.details if _clean(_detail_texts(f.details)) else [_scrub_detail(d) for d in f.details]
    return replace(
        f,
        hub=scrub_text(f.hub) if f.hub else f.hub,
        role=scrub_text(f.role) if f.role else f.role,
        location=replace(f.location, path=scrub_text(f.location.path)) if f.location else None,
        objects=list(scrub_texts(f.objects)),
        details=list(details),
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
        matrix=scrub_document(result.matrix),
        checked_objects={k: list(scrub_texts(v)) for k, v in result.checked_objects.items()},
        policy_path=scrub_text(result.policy_path),
    )

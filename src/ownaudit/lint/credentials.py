"""Credentials and roles written in hub code.

A PostgreSQL connection string with a literal password is a critical finding
(the password is never echoed: it is masked in every message); a connection
that names a role which is not one of the hub's roles (for example the
database owner role) is a high finding. Placeholders (``${PGPASSWORD}``,
``{password}``, ``%s``, ``<password>``) are not literals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_URI = re.compile(
    r"\b(postgres(?:ql)?(?:\+[a-z0-9_]+)?)://(?P<user>[^:/@\s'\"`?#]*)(?::(?P<pw>[^@\s'\"`/]*))?@(?P<host>[^\s'\"`/?#]*)",
    re.IGNORECASE,
)
_KW_PASSWORD = re.compile(r"\bpassword\s*=\s*(?P<q>['\"]?)(?P<pw>[^\s'\",)]+)(?P=q)", re.IGNORECASE)
_KW_USER = re.compile(
    r"\buser(?:name)?\s*=\s*(?P<q>['\"]?)(?P<user>[A-Za-z_][\w$.\- ]*?)(?P=q)(?=[\s,)'\"]|$)", re.IGNORECASE
)
_DSN_HINT = re.compile(r"\b(dbname|host|sslmode|connect|psycopg|asyncpg|pg8000|libpq)\b", re.IGNORECASE)


@dataclass(frozen=True)
class CredentialHit:
    kind: str  # "password" | "role"
    offset: int
    masked: str  # what to show: never the password
    user: str = ""


def is_placeholder(value: str) -> bool:
    v = value.strip()
    if not v:
        return True
    if v[0] in "${%<[*" or v.startswith(("os.", "env", "process.env", "getenv")):
        return True
    return v.lower() in ("password", "pass", "secret", "xxx", "changeme", "your_password", "none", "null")


def _mask_uri(m: re.Match[str]) -> str:
    user = m.group("user") or ""
    host = m.group("host") or ""
    return f"{m.group(1)}://{user}:****@{host}"


def scan_credentials(text: str) -> list[CredentialHit]:
    hits: list[CredentialHit] = []
    for m in _URI.finditer(text):
        user = m.group("user") or ""
        pw = m.group("pw")
        if pw is not None and not is_placeholder(pw):
            hits.append(CredentialHit("password", m.start("pw"), _mask_uri(m), user))
        if user and not is_placeholder(user):
            hits.append(CredentialHit("role", m.start("user"), _mask_uri(m) if pw else m.group(0), user))
    for m in _KW_PASSWORD.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        line_end = text.find("\n", m.end())
        line = text[line_start : len(text) if line_end < 0 else line_end]
        if _URI.search(line) or not _DSN_HINT.search(line):
            continue
        pw = m.group("pw")
        if m.group("q") == "" and not _looks_literal_unquoted(line, m):
            continue
        if not is_placeholder(pw):
            hits.append(CredentialHit("password", m.start("pw"), "password=****"))
    for m in _KW_USER.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        line_end = text.find("\n", m.end())
        line = text[line_start : len(text) if line_end < 0 else line_end]
        if _URI.search(line) or not _DSN_HINT.search(line):
            continue
        user = m.group("user").strip()
        if m.group("q") == "" and not _looks_literal_unquoted(line, m):
            continue
        if user and not is_placeholder(user):
            hits.append(CredentialHit("role", m.start("user"), f"user={user}", user))
    return hits


def _looks_literal_unquoted(line: str, m: re.Match[str]) -> bool:
    """``password=x`` unquoted is a literal only inside a keyword DSN string (``host=... password=x``)."""
    return bool(re.search(r"\b(host|dbname)\s*=", line))


_SECRET_KW = re.compile(r"(\bpassword\s*=\s*['\"]?)([^\s'\",)]+)", re.IGNORECASE)
_SECRET_SQL = re.compile(r"(\bPASSWORD\s+)('(?:[^']|'')*')", re.IGNORECASE)


def mask_secrets(text: str) -> str:
    """``text`` with URI passwords, ``password=`` values and ``PASSWORD '...'`` literals replaced by ****."""
    text = _URI.sub(lambda m: _mask_uri(m) if m.group("pw") else m.group(0), text)
    text = _SECRET_KW.sub(lambda m: m.group(1) + "****", text)
    return _SECRET_SQL.sub(lambda m: m.group(1) + "'****'", text)

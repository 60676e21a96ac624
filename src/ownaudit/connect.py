"""Connecting to the audited database: DSN resolution, a gentle read-only session, safe errors.

The audit must run behind Neon's PgBouncer pooler in transaction mode, so all
session state lives inside ONE transaction: ``BEGIN ... READ ONLY`` followed by
``SET LOCAL`` timeouts (a session ``SET`` or ``options=-c`` would leak across
pooled clients or be rejected), and ``prepare_threshold=None`` so psycopg never
creates named prepared statements that another backend would not know.

psycopg is imported inside the functions: ``ownaudit lint`` imports nothing from
here, but linting configuration code must never pay for (or need) psycopg.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ownaudit.errors import IncompleteError, UsageError

if TYPE_CHECKING:  # pragma: no cover
    import psycopg

DSN_ENV_VARS = ("OWNAUDIT_DSN", "DATABASE_URL")
APPLICATION_NAME = "ownaudit"
DEFAULT_CONNECT_TIMEOUT = 10
DEFAULT_STATEMENT_TIMEOUT_MS = 120_000
DEFAULT_LOCK_TIMEOUT_MS = 5_000

_DISPLAY_KEYS = ("host", "port", "dbname", "user")
_LIBPQ_ENV = {"host": "PGHOST", "port": "PGPORT", "dbname": "PGDATABASE", "user": "PGUSER"}


LIBPQ_TARGET_ENV = ("PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGSERVICE", "PGSERVICEFILE")
"""libpq variables that say which server or database to reach (PGPASSWORD alone says neither)."""


def resolve_dsn(dsn: str | None = None, env: Mapping[str, str] | None = None) -> str:
    """The DSN to use: ``--dsn``, then OWNAUDIT_DSN, then DATABASE_URL, else "" (libpq's PG* env).

    With none of them set, a usage error names everything that was looked at, rather
    than a connection error about libpq's default socket that nobody asked for.
    """
    if dsn:
        return dsn
    env = os.environ if env is None else env
    for name in DSN_ENV_VARS:
        value = env.get(name, "").strip()
        if value:
            return value
    if not any(env.get(name, "").strip() for name in LIBPQ_TARGET_ENV):
        raise UsageError(
            "no database to connect to: looked at --dsn, then OWNAUDIT_DSN and DATABASE_URL, then libpq's "
            f"{', '.join(LIBPQ_TARGET_ENV)} (none set); pass --dsn 'postgresql://ROLE@HOST/DB' or export "
            "OWNAUDIT_DSN"
        )
    return ""


def dsn_parts(dsn: str, env: Mapping[str, str] | None = None) -> dict[str, str]:
    """host/port/dbname/user of a DSN (URI or key=value), never the password.

    Parsed by libpq itself (``conninfo_to_dict``) so ``Marketing%20DB`` decodes
    exactly as the connection will; missing parts fall back to the PG* env.
    """
    from psycopg.conninfo import conninfo_to_dict

    env = os.environ if env is None else env
    try:
        params = conninfo_to_dict(dsn)
    except Exception as exc:
        raise UsageError(f"invalid DSN: {_scrub(_first_line(exc), dsn)}") from None
    out: dict[str, str] = {}
    for key in _DISPLAY_KEYS:
        value = params.get(key) or env.get(_LIBPQ_ENV[key])
        if value not in (None, ""):
            out[key] = str(value)
    return out


def display_dsn(dsn: str, env: Mapping[str, str] | None = None) -> str:
    """A printable form of the DSN (``host=... port=... dbname=... user=...``); no password ever."""
    try:
        parts = dsn_parts(dsn, env)
    except UsageError:
        return "<invalid DSN>"
    if not parts:
        return "<libpq defaults>"
    return " ".join(f"{k}={_quote(v)}" for k, v in parts.items())


def _quote(value: str) -> str:
    if value and not re.search(r"[\s'\\]", value):
        return value
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def open_readonly(
    dsn: str,
    *,
    connect_timeout: int = DEFAULT_CONNECT_TIMEOUT,
    statement_timeout_ms: int = DEFAULT_STATEMENT_TIMEOUT_MS,
    lock_timeout_ms: int = DEFAULT_LOCK_TIMEOUT_MS,
) -> psycopg.Connection[Any]:
    """A connection inside an open ``REPEATABLE READ READ ONLY`` transaction with local timeouts.

    The caller reads the catalog, then closes the connection (the transaction
    is rolled back: nothing was ever written). Any failure is an ``IncompleteError``
    with a one-line, password-free cause.
    """
    import psycopg
    from psycopg import IsolationLevel, sql

    where = " ".join(f"{k}={_quote(v)}" for k, v in dsn_parts(dsn).items()) or "<libpq defaults>"
    try:
        conn = psycopg.connect(
            dsn,
            autocommit=False,
            prepare_threshold=None,
            connect_timeout=max(1, int(connect_timeout)),
            application_name=APPLICATION_NAME,
        )
    except Exception as exc:
        raise connection_error(exc, dsn, where) from None
    try:
        conn.isolation_level = IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        # The first statement opens the transaction: BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY.
        conn.execute(
            sql.SQL("SET LOCAL statement_timeout = {}").format(sql.Literal(int(statement_timeout_ms)))
        )
        conn.execute(sql.SQL("SET LOCAL lock_timeout = {}").format(sql.Literal(int(lock_timeout_ms))))
        # The catalog queries of a large database cost past jit_above_cost; compiling them with LLVM
        # takes longer than running them.
        conn.execute("SET LOCAL jit = off")
        row = conn.execute(
            "SELECT current_user, r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user"
        ).fetchone()
    except Exception as exc:
        conn.close()
        raise connection_error(exc, dsn, where) from None
    if row is not None and row[1]:
        warn_superuser(str(row[0]))
    return conn


_warned: set[str] = set()


def warn_superuser(role: str) -> None:
    """One line on stderr: a superuser audit works, but it proves nothing about a grant-less role."""
    if role in _warned:
        return
    _warned.add(role)
    print(f"ownaudit: warning: connected as {role}, a superuser: the audit works, but production should "
          "audit as a role with LOGIN and no grants at all (see 'Auditing a Neon database' in the README)",
          file=sys.stderr, flush=True)


def connection_error(exc: BaseException, dsn: str = "", where: str | None = None) -> IncompleteError:
    """Turn any psycopg (or OS) error into a one-line ``IncompleteError`` without the password."""
    where = where if where is not None else display_dsn(dsn)
    cause = classify_error(exc)
    detail = _scrub(_first_line(exc), dsn)
    text = f"{cause} ({detail})" if detail and detail.lower() != cause.lower() else cause
    return IncompleteError(f"database {where}: {text}")


# SQLSTATE -> short cause; the message detail is appended by connection_error.
_SQLSTATE_CAUSES = {
    "28P01": "authentication failed",
    "28000": "authentication failed",
    "3D000": "database does not exist",
    "57014": "statement timeout exceeded (query canceled)",
    "55P03": "lock timeout exceeded",
    "57P01": "the server terminated the session",
    "57P02": "the server terminated the session",
    "57P03": "the server is not accepting connections",
    "42501": "permission denied reading the catalog",
    "53300": "too many connections",
    "08P01": "protocol violation",
    "25006": "write attempted in a read-only transaction",
}

_MESSAGE_CAUSES = (
    (re.compile(r"timeout expired|timed out", re.I), "host unreachable (connect timeout expired)"),
    (re.compile(r"connection refused", re.I), "connection refused"),
    (
        re.compile(r"could not translate host name|name or service not known|nodename nor servname", re.I),
        "unknown host",
    ),
    (re.compile(r"no route to host|network is unreachable", re.I), "host unreachable"),
    (re.compile(r"ssl|tls|channel binding", re.I), "TLS required but unavailable or failed"),
    (
        re.compile(
            r"password authentication failed|authentication failed|no password supplied|"
            r"no pg_hba.conf entry",
            re.I,
        ),
        "authentication failed",
    ),
    (re.compile(r"role \".*\" does not exist", re.I), "authentication failed"),
    (re.compile(r"database \".*\" does not exist", re.I), "database does not exist"),
    (
        re.compile(
            r"terminating connection|server closed the connection|consuming input failed|"
            r"connection (is|was) (lost|closed)|the connection is closed",
            re.I,
        ),
        "the server terminated the session",
    ),
    (re.compile(r"permission denied", re.I), "permission denied reading the catalog"),
    (
        re.compile(r"canceling statement due to statement timeout", re.I),
        "statement timeout exceeded (query canceled)",
    ),
)


def classify_error(exc: BaseException) -> str:
    """A short cause for an error: by SQLSTATE when the server sent one, else by libpq's message."""
    sqlstate = getattr(exc, "sqlstate", None)
    if sqlstate in _SQLSTATE_CAUSES:
        return _SQLSTATE_CAUSES[sqlstate]
    msg = str(exc)
    for pattern, cause in _MESSAGE_CAUSES:
        if pattern.search(msg):
            return cause
    if sqlstate:
        return f"database error {sqlstate}"
    return "could not connect or read the catalog"


def _first_line(exc: BaseException) -> str:
    """The most telling line of a (possibly multi-line, multi-host) libpq message."""
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    if not lines:
        return type(exc).__name__
    line = next((ln for ln in lines if "FATAL" in ln or "ERROR" in ln), lines[0])
    # libpq prefixes 'connection to server at "h", port 5432 failed: '; the caller already names the server.
    line = _LIBPQ_PREFIX.sub("", line)
    return " ".join(line.split())[:300]


_LIBPQ_PREFIX = re.compile(r"^.*?connection to server (at|on) .*? failed:\s*(FATAL:\s*)?")


_URI_PASSWORD = re.compile(r"(://[^:/@\s]*:)([^@\s]*)(@)")
_KV_PASSWORD = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.I)


def _scrub(text: str, dsn: str) -> str:
    """Remove anything that could be the password from a message."""
    secrets: set[str] = set()
    try:
        from psycopg.conninfo import conninfo_to_dict

        pw = conninfo_to_dict(dsn).get("password") if dsn else None
        if pw:
            secrets.add(str(pw))
    except Exception:
        # An unparsable DSN: hide every word of it that is not a plain keyword.
        secrets.update(w for w in re.split(r"[\s=:/@?&]+", dsn) if len(w) >= 4)
        secrets.update(m.group(2) for m in _URI_PASSWORD.finditer(dsn))
    env_pw = os.environ.get("PGPASSWORD")
    if env_pw:
        secrets.add(env_pw)
    text = _URI_PASSWORD.sub(r"\1***\3", text)
    text = _KV_PASSWORD.sub(r"\1***", text)
    for secret in sorted(secrets, key=len, reverse=True):
        if secret:
            text = text.replace(secret, "***")
    return text

"""Shared helpers of the hardening tests (issue 8); this module holds no tests.

* ``run_cli``: the real ``ownaudit`` command line in a subprocess, with a clean
  environment (no DSN or PG* variables leak in from the developer's shell) and the
  shipped policy.
* ``HardeningServer``: a private embedded server per test module, started with the
  settings a promise needs (``log_statement = all`` with the application name in
  every log line), holding the seed's database and a grant-less audit role whose
  password is :data:`SECRET`.
* ``logged_statements``: the statements one session sent, parsed from the server log.
* ``assert_fault``: the contract of every fault (exit 3, one line naming the cause,
  no password, no report).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

from ownaudit.demo_data import apply_seed
from ownaudit.embedded import EmbeddedServer, select_installation
from ownaudit.errors import IncompleteError

SECRET = "S3cr3t-Pa55-xyz"
"""The audit role's password: no output, report, snapshot or log line may ever contain it."""

AUDITOR = "ownaudit_auditor"
"""The grant-less audit role (the shipped policy lists it under ``database.audit_roles``)."""

DBNAME = "Marketing DB"
LOG_PREFIX = "%m [%p] <%a|%u> "
LOG_SETTINGS = {
    "log_statement": "all",
    "log_line_prefix": LOG_PREFIX,
    "log_min_messages": "warning",
    "log_min_error_statement": "error",
}

_CLEAN_ENV_DROP = ("OWNAUDIT_DSN", "DATABASE_URL", "OWNAUDIT_POLICY", "OWNAUDIT_DEBUG")


def cli_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of a CLI run: no DSN, policy or PG* variable from outside, plain output."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG") and k not in _CLEAN_ENV_DROP}
    env.update(NO_COLOR="1", COLUMNS="200", PYTHONDONTWRITEBYTECODE="1")
    env.update(extra or {})
    return env


def run_cli(
    args: Sequence[str], cwd: Path, *, env: Mapping[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``ownaudit ARGS`` in a subprocess (cwd without a pyproject: the shipped policy applies)."""
    return subprocess.run(
        [sys.executable, "-m", "ownaudit.cli", *args],
        cwd=cwd,
        env=cli_env(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def selected_installation_or_skip() -> Any:
    try:
        return select_installation(os.environ.get("OWNAUDIT_TEST_PG") or None)
    except IncompleteError as exc:
        pytest.skip(f"no PostgreSQL server for the hardening tests: {exc}")


@dataclass
class HardeningServer:
    """A module's private server with the seed's database and the audit role."""

    server: EmbeddedServer

    @property
    def major(self) -> int:
        return self.server.major

    def admin(self, dbname: str = DBNAME) -> psycopg.Connection[Any]:
        return psycopg.connect(self.server.dsn(dbname), autocommit=True, connect_timeout=10)

    def dsn(self, dbname: str = DBNAME, user: str = AUDITOR, password: str | None = SECRET) -> str:
        return self.server.dsn(dbname, user=user, password=password)

    def create_database(self, name: str, *, seed: bool = True) -> None:
        with self.admin("postgres") as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        if seed:
            with psycopg.connect(self.server.dsn(name), connect_timeout=10) as conn:
                apply_seed(conn, enforcement=True)
                conn.commit()

    def create_login_role(self, name: str, password: str) -> None:
        """A LOGIN role and nothing else; the password never reaches the statement log."""
        with self.admin("postgres") as conn:
            conn.execute("SET log_statement = 'none'")
            conn.execute(
                sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(name), sql.Literal(password))
            )


def start_hardening_server(settings: Mapping[str, str] | None = None) -> Iterator[HardeningServer]:
    """Generator body of a module-scoped fixture: start, seed, yield, always stop."""
    server = EmbeddedServer(selected_installation_or_skip(), settings=settings)
    server.start()
    try:
        hs = HardeningServer(server)
        hs.create_database(DBNAME)
        hs.create_login_role(AUDITOR, SECRET)
        yield hs
    finally:
        server.stop()


# -- the server log -------------------------------------------------------------------------

_ENTRY = re.compile(
    r"^\S+ \S+ \S+ \[(?P<pid>\d+)\] <(?P<app>[^|>]*)\|(?P<user>[^>]*)> (?P<level>[A-Z]+):  "
    r"(?P<msg>.*)$"
)
_STATEMENT = re.compile(r"^(?:statement|execute (?P<name>[^:]*)):\s?(?P<sql>.*)$", re.DOTALL)


@dataclass(frozen=True)
class LoggedStatement:
    pid: int
    app: str
    user: str
    prepared_name: str  # "" for the simple protocol, "<unnamed>" for unnamed extended-protocol statements
    sql: str


def logged_statements(log: str, *, app: str = "ownaudit", user: str | None = None) -> list[LoggedStatement]:
    """Every statement (``log_statement = all``) logged for sessions of ``app`` (and ``user``)."""
    entries: list[tuple[re.Match[str], list[str]]] = []
    for line in log.splitlines():
        m = _ENTRY.match(line)
        if m:
            entries.append((m, [m.group("msg")]))
        elif entries and line.startswith("\t"):
            entries[-1][1].append(line[1:])
    out: list[LoggedStatement] = []
    for m, lines in entries:
        if m.group("level") != "LOG" or m.group("app") != app or (user is not None and m.group("user") != user):
            continue
        s = _STATEMENT.match("\n".join(lines))
        if s:
            out.append(
                LoggedStatement(
                    int(m.group("pid")),
                    m.group("app"),
                    m.group("user"),
                    s.group("name") or "",
                    s.group("sql").strip(),
                )
            )
    return out


# -- the fault contract ---------------------------------------------------------------------


def assert_fault(
    proc: subprocess.CompletedProcess[str],
    cause: str,
    *,
    secrets: Sequence[str] = (SECRET,),
    report_paths: Sequence[Path] = (),
) -> str:
    """Exit 3, exactly one stderr line that names ``cause``, no secret anywhere, no report written."""
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert proc.returncode == 3, f"exit {proc.returncode}, stderr: {proc.stderr!r}"
    assert len(lines) == 1, f"expected one line on stderr, got: {proc.stderr!r}"
    line = lines[0]
    assert line.startswith("ownaudit: error: "), line
    assert cause.lower() in line.lower(), f"{cause!r} not in {line!r}"
    assert "Traceback" not in proc.stderr
    for secret in secrets:
        assert secret not in proc.stdout + proc.stderr
    assert not _CLEAN.search(proc.stdout), proc.stdout
    for path in report_paths:
        files = [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else [path] if path.exists() else []
        for report in files:
            assert_incomplete_report(report, secrets)
    return line


_CLEAN = re.compile(r"\bclean\b", re.IGNORECASE)


def assert_incomplete_report(path: Path, secrets: Sequence[str] = (SECRET,)) -> None:
    """A report written by a failed run says INCOMPLETE, never "clean", and holds no secret."""
    text = path.read_text(encoding="utf-8", errors="replace")
    for secret in secrets:
        assert secret not in text, f"{secret!r} in {path}"
    if path.name == "LATEST" or path.is_symlink():
        return  # the report directory's pointer to its newest run
    assert "incomplete" in text.lower(), f"{path} does not say the run was incomplete"
    assert not _CLEAN.search(text), f"{path} says clean after a failed run"
    if path.suffix == ".json" and not path.name.startswith("."):
        doc = json.loads(text)
        assert doc.get("complete") is False and doc.get("status") == "incomplete", path
    if path.suffix == ".sarif":
        runs = json.loads(text)["runs"]
        assert all(inv.get("executionSuccessful") is False for run in runs for inv in run["invocations"]), path

"""Real-PostgreSQL fixtures shared by every test that needs a server.

Fixtures (examples in tests/test_harness.py):

* ``pg_server`` (session): the server. ``OWNAUDIT_TEST_DSN`` (a superuser DSN) uses an
  existing server; otherwise a private :class:`ownaudit.embedded.EmbeddedServer` is
  started, from the installation ``OWNAUDIT_TEST_PG`` names (``18``, ``16``, ``15`` or a
  bin directory; default the newest wheel). Under pytest-xdist every worker gets its own.
* ``pg_major`` (session): the server's major version (int).
* ``skip_below``: ``skip_below(16, "why")`` skips the test on older servers; or mark a
  test ``@pytest.mark.min_pg(16)``.
* ``fresh_db_factory``: ``fresh_db_factory(name=None, *, seed=False)`` -> :class:`FreshDb`,
  a brand-new database (any name, e.g. ``"Marketing DB"``), dropped after the test.
* ``fresh_db``: ``fresh_db_factory()``.
* ``pg_server_factory``: ``pg_server_factory(major=None, settings=None)`` -> an extra
  started ``EmbeddedServer`` (skips when that major is not installed), stopped after the test.

Roles are cluster-wide. After each test that used ``fresh_db_factory`` every database
and role that did not exist when the session's server started is dropped (``DROP OWNED
BY`` in every database, then ``DROP ROLE``), so tests may create fixed names such as the
seed's ``cl_writer``. With ``OWNAUDIT_TEST_DSN`` only what appeared during the test is
dropped (run such a server with ``-n 1`` when tests use fixed role names).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import secrets
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from ownaudit.demo_data import apply_seed
from ownaudit.embedded import EmbeddedServer, select_installation
from ownaudit.errors import IncompleteError, UsageError

pytest_plugins = ["pytester"]  # test_harness.py checks the fixtures' teardown in a nested run

ENV_DSN = "OWNAUDIT_TEST_DSN"
ENV_PG = "OWNAUDIT_TEST_PG"
_counter = itertools.count(1)


def _connect(dsn: str) -> psycopg.Connection[Any]:
    return psycopg.connect(dsn, autocommit=True, connect_timeout=10)


def with_params(dsn: str, **params: str | None) -> str:
    """``dsn`` with some connection parameters replaced (None removes one)."""
    parts: dict[str, Any] = conninfo_to_dict(dsn)
    for key, value in params.items():
        if value is None:
            parts.pop(key, None)
        else:
            parts[key] = value
    return make_conninfo("", **parts)


@dataclass
class PgServer:
    """The session's server: its superuser DSN, version, and (embedded only) its log."""

    admin_dsn: str
    major: int
    version: str
    embedded: EmbeddedServer | None
    baseline_roles: frozenset[str] = frozenset()
    baseline_databases: frozenset[str] = frozenset()

    def dsn(self, dbname: str = "postgres", user: str | None = None, password: str | None = None) -> str:
        """A DSN to ``dbname``: as the superuser, or as ``user`` with ``password`` (None: no password)."""
        if user is None:
            return with_params(self.admin_dsn, dbname=dbname)
        return with_params(self.admin_dsn, dbname=dbname, user=user, password=password)

    def connect(self, dbname: str = "postgres") -> psycopg.Connection[Any]:
        """A new autocommit superuser connection (close it yourself)."""
        return _connect(self.dsn(dbname))

    @property
    def log_path(self) -> Path:
        """The server log; skips the test when the server is not embedded."""
        if self.embedded is None:
            pytest.skip(f"the server log is only available with an embedded server (unset {ENV_DSN})")
        return self.embedded.log_path

    def log_position(self) -> int:
        self.log_path  # noqa: B018 - skips when not embedded
        assert self.embedded is not None
        return self.embedded.log_position()

    def log_text(self, since: int = 0) -> str:
        self.log_path  # noqa: B018 - skips when not embedded
        assert self.embedded is not None
        return self.embedded.log_text(since)

    def current_roles(self) -> set[str]:
        with self.connect() as conn:
            return {r[0] for r in conn.execute("SELECT rolname FROM pg_catalog.pg_roles")}

    def current_databases(self) -> set[str]:
        with self.connect() as conn:
            return {r[0] for r in conn.execute("SELECT datname FROM pg_catalog.pg_database")}


def _start_pg_server() -> tuple[PgServer, EmbeddedServer | None]:
    external = os.environ.get(ENV_DSN, "").strip()
    embedded: EmbeddedServer | None = None
    if external:
        admin = external
    else:
        try:
            inst = select_installation(os.environ.get(ENV_PG) or None)
        except IncompleteError as exc:
            pytest.skip(f"no PostgreSQL server for the tests: {exc}")
        except UsageError as exc:
            pytest.fail(f"{ENV_PG}: {exc}", pytrace=False)
        embedded = EmbeddedServer(inst)
        try:
            embedded.start()
        except IncompleteError as exc:
            pytest.fail(str(exc), pytrace=False)
        admin = embedded.admin_dsn
    with _connect(admin) as conn:
        row = conn.execute("SELECT current_setting('server_version_num')::int, version()").fetchone()
        assert row is not None
        roles = frozenset(r[0] for r in conn.execute("SELECT rolname FROM pg_catalog.pg_roles"))
        dbs = frozenset(r[0] for r in conn.execute("SELECT datname FROM pg_catalog.pg_database"))
    major = int(row[0]) // 10000
    version = embedded.version if embedded is not None else str(row[1]).split()[1]
    server = PgServer(admin, major, version, embedded, roles, dbs)
    return server, embedded


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """The session's PostgreSQL server (one per xdist worker when embedded)."""
    server, embedded = _start_pg_server()
    try:
        yield server
    finally:
        if embedded is not None:
            embedded.stop()


@pytest.fixture(scope="session")
def pg_major(pg_server: PgServer) -> int:
    """Major version of the session's server, e.g. 18."""
    return pg_server.major


@pytest.fixture
def skip_below(pg_major: int) -> Callable[[int, str], None]:
    """``skip_below(16, "why")``: skip this test on servers older than that major."""

    def skip(major: int, reason: str = "") -> None:
        if pg_major < major:
            pytest.skip(f"needs PostgreSQL {major}+ (server is {pg_major})" + (f": {reason}" if reason else ""))

    return skip


@pytest.fixture(autouse=True)
def _min_pg_marker(request: pytest.FixtureRequest) -> None:
    marker = request.node.get_closest_marker("min_pg")
    if marker is not None:
        major = int(marker.args[0])
        actual = int(request.getfixturevalue("pg_major"))
        if actual < major:
            pytest.skip(f"needs PostgreSQL {major}+ (server is {actual})")


@dataclass
class FreshDb:
    """A brand-new database for one test, with a superuser connection and role helpers."""

    server: PgServer
    name: str
    conn: psycopg.Connection[Any]
    passwords: dict[str, str] = field(default_factory=dict)
    _extra_conns: list[psycopg.Connection[Any]] = field(default_factory=list)

    @property
    def dsn(self) -> str:
        """Superuser DSN to this database."""
        return self.server.dsn(self.name)

    def execute(self, query: str | sql.Composable, params: Any = None) -> list[tuple[Any, ...]]:
        """Run SQL as the superuser (autocommit); the rows it returned, if any."""
        cur = self.conn.execute(query if not isinstance(query, str) else query.encode(), params)
        return list(cur.fetchall()) if cur.description is not None else []

    def create_role(self, name: str, password: str | None = None, attrs: str = "LOGIN") -> str:
        """CREATE ROLE name WITH attrs; a LOGIN role gets ``password`` or a generated one (see role_dsn)."""
        self.conn.execute(sql.SQL("CREATE ROLE {} WITH " + attrs).format(sql.Identifier(name)))
        if password is not None or "NOLOGIN" not in attrs.upper():
            self.set_password(name, password)
        return name

    def set_password(self, role: str, password: str | None = None) -> str:
        """Give ``role`` a password (generated when None) and remember it for role_dsn."""
        password = password if password is not None else secrets.token_urlsafe(16)
        self.conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(role), sql.Literal(password)))
        self.passwords[role] = password
        return password

    def role_dsn(self, role: str, password: str | None = None) -> str:
        """DSN to this database as ``role`` over TCP (scram); a password is set first if none is known."""
        if password is None:
            password = self.passwords.get(role) or self.set_password(role)
        return self.server.dsn(self.name, user=role, password=password)

    def connect(self, role: str | None = None, password: str | None = None) -> psycopg.Connection[Any]:
        """A new autocommit connection as the superuser or ``role``, closed after the test."""
        conn = _connect(self.dsn if role is None else self.role_dsn(role, password))
        self._extra_conns.append(conn)
        return conn

    def apply_seed(self, *, enforcement: bool = True) -> None:
        """Build the seed document's schemas, tables, roles and enforcement in this database."""
        apply_seed(self.conn, enforcement=enforcement)

    def log_all_statements(self) -> int:
        """Log every statement run in this database (new sessions); the log position to read from."""
        pos = self.server.log_position()
        self.execute(sql.SQL("ALTER DATABASE {} SET log_statement = 'all'").format(sql.Identifier(self.name)))
        return pos

    def close(self) -> None:
        for conn in [*self._extra_conns, self.conn]:
            with contextlib.suppress(Exception):
                conn.close()


def _cleanup(server: PgServer, created: list[str], roles_before: set[str]) -> None:
    """Drop the test's databases and every role that is new (see the module docstring)."""
    keep_roles = server.baseline_roles if server.embedded is not None else frozenset(roles_before)
    with server.connect() as admin:
        dbs = {r[0] for r in admin.execute("SELECT datname FROM pg_catalog.pg_database")}
        doomed = set(created) & dbs
        if server.embedded is not None:
            doomed |= dbs - server.baseline_databases
        for name in sorted(doomed):
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        roles = {r[0] for r in admin.execute("SELECT rolname FROM pg_catalog.pg_roles")}
        leftover = sorted(roles - keep_roles)
        if not leftover:
            return
        ids = sql.SQL(", ").join(sql.Identifier(r) for r in leftover)
        remaining = [
            r[0]
            for r in admin.execute(
                "SELECT datname FROM pg_catalog.pg_database WHERE datallowconn AND NOT datistemplate"
            )
        ]
    for dbname in remaining:
        with server.connect(dbname) as conn:
            conn.execute(sql.SQL("DROP OWNED BY {} CASCADE").format(ids))
    with server.connect() as admin:
        admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(ids))


@pytest.fixture
def fresh_db_factory(pg_server: PgServer) -> Iterator[Callable[..., FreshDb]]:
    """``fresh_db_factory(name=None, *, seed=False)``: a new database, dropped after the test."""
    made: list[FreshDb] = []
    roles_before = pg_server.current_roles() if pg_server.embedded is None else set()
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")

    def make(name: str | None = None, *, seed: bool = False) -> FreshDb:
        dbname = name or f"t_{worker}_{os.getpid()}_{next(_counter)}_{secrets.token_hex(3)}"
        with pg_server.connect() as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
        db = FreshDb(pg_server, dbname, _connect(pg_server.dsn(dbname)))
        made.append(db)
        if seed:
            db.apply_seed()
        return db

    try:
        yield make
    finally:
        for db in made:
            db.close()
        _cleanup(pg_server, [db.name for db in made], roles_before)


@pytest.fixture
def fresh_db(fresh_db_factory: Callable[..., FreshDb]) -> FreshDb:
    """A brand-new, empty database (unique name) with a superuser connection."""
    return fresh_db_factory()


@pytest.fixture
def pg_server_factory() -> Iterator[Callable[..., EmbeddedServer]]:
    """``pg_server_factory(major=None, settings=None)``: an extra started server, stopped after the test.

    Skips the test when the requested major is not installed (e.g. Debian's PG15 on a fresh machine).
    """
    started: list[EmbeddedServer] = []

    def make(major: int | str | None = None, settings: Mapping[str, str] | None = None) -> EmbeddedServer:
        try:
            inst = select_installation(major)
        except IncompleteError as exc:
            pytest.skip(str(exc))
        server = EmbeddedServer(inst, settings=settings)
        started.append(server)
        return server.start()

    try:
        yield make
    finally:
        for server in started:
            server.stop()

"""A private PgBouncer in transaction pooling mode, in front of a test server (like Neon's pooler).

Debian's ``pgbouncer`` package provides the binary (``apt-get install -y pgbouncer``);
:func:`find_pgbouncer` returns None when it is missing so tests can skip with a reason.
The configuration mimics Neon's strict pooling: ``pool_mode = transaction``, one
server connection per pool (so any session state the audit left behind would be
seen by the next client), clients authenticated with SCRAM on 127.0.0.1, the
server reached over TCP with the password from the generated userlist, and
``max_prepared_statements = 0`` (PgBouncer >= 1.21: no prepared statement tracking;
older versions never track them at all). PgBouncer refuses to run as root: as root it
runs as the embedded server's unprivileged user.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

CANDIDATES = ("/usr/sbin/pgbouncer", "/usr/bin/pgbouncer", "/usr/local/bin/pgbouncer")


def find_pgbouncer() -> str | None:
    """Path of the pgbouncer binary, or None."""
    found = shutil.which("pgbouncer")
    if found:
        return found
    return next((c for c in CANDIDATES if os.access(c, os.X_OK)), None)


def pgbouncer_version(binary: str) -> tuple[int, int]:
    out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10, check=False).stdout
    m = re.search(r"PgBouncer (\d+)\.(\d+)", out)
    return (int(m.group(1)), int(m.group(2))) if m else (0, 0)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _quote_ini(value: str) -> str:
    return value.replace("'", "\\'")


class PgBouncer:
    """``with PgBouncer(server_port, {"user": "password"}) as bouncer: bouncer.dsn(dbname, user, pw)``."""

    def __init__(
        self,
        server_port: int,
        users: Mapping[str, str],
        *,
        server_host: str = "127.0.0.1",
        pool_size: int = 1,
        binary: str | None = None,
        settings: Mapping[str, str] | None = None,
    ) -> None:
        self.binary = binary or find_pgbouncer() or ""
        if not self.binary:
            raise FileNotFoundError("pgbouncer is not installed (apt-get install -y pgbouncer)")
        self.server_host = server_host
        self.server_port = server_port
        self.users = dict(users)
        self.pool_size = pool_size
        self.settings = dict(settings or {})
        self.port = 0
        self.dir: Path | None = None
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def log_path(self) -> Path:
        assert self.dir is not None
        return self.dir / "pgbouncer.log"

    def dsn(self, dbname: str, user: str, password: str) -> str:
        from urllib.parse import quote

        return (
            f"postgresql://{quote(user, safe='')}:{quote(password, safe='')}@127.0.0.1:{self.port}/"
            f"{quote(dbname, safe='')}"
        )

    def _config(self) -> str:
        # A fallback entry forwards any database name as the client sent it, as Neon's pooler does
        # (PgBouncer 1.18 cannot quote a name such as "Marketing DB" in [databases]).
        dbs = f"* = host={self.server_host} port={self.server_port}"
        settings = {
            "listen_addr": "127.0.0.1",
            "listen_port": str(self.port),
            "unix_socket_dir": "",
            "auth_type": "scram-sha-256",
            "auth_file": str(self.dir / "userlist.txt") if self.dir else "",
            "pool_mode": "transaction",
            "default_pool_size": str(self.pool_size),
            "min_pool_size": "0",
            "reserve_pool_size": "0",
            "max_client_conn": "50",
            "server_reset_query": "DISCARD ALL",
            "ignore_startup_parameters": "extra_float_digits",
            "logfile": str(self.log_path),
            "pidfile": str(self.dir / "pgbouncer.pid") if self.dir else "",
            "admin_users": "",
            "server_tls_sslmode": "disable",
        }
        if pgbouncer_version(self.binary) >= (1, 21):
            settings["max_prepared_statements"] = "0"
        settings.update(self.settings)
        body = "\n".join(f"{k} = {v}" for k, v in settings.items())
        return f"[databases]\n{dbs}\n\n[pgbouncer]\n{body}\n"

    def start(self) -> PgBouncer:
        self.dir = Path(tempfile.mkdtemp(prefix="ownaudit-pgbouncer-", dir="/tmp"))
        self.port = _free_port()
        users = "\n".join(f'"{u}" "{p}"' for u, p in self.users.items())
        (self.dir / "userlist.txt").write_text(users + "\n", encoding="utf-8")
        (self.dir / "pgbouncer.ini").write_text(self._config(), encoding="utf-8")
        ids: tuple[int, int] | None = None
        if os.geteuid() == 0:
            from ownaudit.embedded import _ensure_pg_user  # the server's unprivileged user

            ids = _ensure_pg_user()
            os.chmod(self.dir, 0o700)
            for p in (self.dir, *self.dir.iterdir()):
                os.chown(p, *ids)
        with open(self.dir / "stderr.log", "wb") as out:
            self._proc = subprocess.Popen(
                [self.binary, str(self.dir / "pgbouncer.ini")],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                user=ids[0] if ids else None,
                group=ids[1] if ids else None,
                extra_groups=[] if ids else None,
            )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                detail = f"pgbouncer exited {self._proc.returncode}: {self.log_tail()}"
                self.stop()
                raise RuntimeError(detail)
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5),
            ):
                return self
            time.sleep(0.05)
        detail = f"pgbouncer did not listen on port {self.port}: {self.log_tail()}"
        self.stop()
        raise RuntimeError(detail)

    def log_tail(self, lines: int = 5) -> str:
        if self.dir is None:
            return ""
        text = ""
        for name in ("stderr.log", "pgbouncer.log"):
            with contextlib.suppress(OSError):
                text += (self.dir / name).read_text(encoding="utf-8", errors="replace")
        return " | ".join(text.strip().splitlines()[-lines:])

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGINT)  # immediate shutdown
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def __enter__(self) -> PgBouncer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

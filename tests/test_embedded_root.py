"""Running the embedded server as root changes nothing on the host.

PostgreSQL refuses root, so the server runs as an existing unprivileged user; when
that user cannot read the installation (a venv under a mode-700 home) it runs from a
private copy that is removed afterwards. No user is created, no mode is changed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
from pathlib import Path

import psycopg
import pytest

from conftest import PgServer
from ownaudit import embedded

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="what root does to the host: run as root")


def _modes(root: Path) -> dict[str, int]:
    out = {str(root): root.stat().st_mode}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in (*dirnames, *filenames):
            p = Path(dirpath, name)
            out[str(p)] = p.lstat().st_mode
    return out


def test_server_as_root_from_an_unreadable_installation_leaves_the_host_unchanged(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = embedded.select_installation(os.environ.get("OWNAUDIT_TEST_PG"))
    home = tmp_path / "home"  # like /root: mode 700, the venv below it
    home.mkdir(mode=0o700)
    os.chmod(home, 0o700)
    src = source.bin_dir.resolve().parent  # <site>/<package>/pginstall, libraries in <site>/<package>.libs
    pginstall = home / "venv" / "site" / src.parent.name / src.name
    link = embedded._link_or_copy  # hard links where possible: a quick stand-in for a venv under /root
    shutil.copytree(src, pginstall, symlinks=True, ignore=shutil.ignore_patterns("include"), copy_function=link)
    libs = src.parent.parent / f"{src.parent.name}.libs"
    if libs.is_dir():
        shutil.copytree(libs, home / "venv" / "site" / libs.name, symlinks=True, copy_function=link)
    inst = embedded.Installation(source.major, pginstall / "bin", "path", source.version)
    monkeypatch.setattr(embedded, "RUN_AS_USERS", ("nobody",))  # the user every system has
    before_passwd = hashlib.sha256(Path("/etc/passwd").read_bytes()).hexdigest()
    before_modes = _modes(home)

    note = embedded.root_note(inst)
    assert note and "nobody" in note and "private copy" in note and "no user is created" in note
    with embedded.EmbeddedServer(inst) as server:
        with psycopg.connect(server.admin_dsn) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
        copy = embedded._copies[pginstall.resolve()]
        assert copy.is_dir() and str(copy).startswith("/tmp/")
        assert Path(server.data_dir).owner() == "nobody"
    assert _modes(home) == before_modes  # not one permission bit changed on the original
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert hashlib.sha256(Path("/etc/passwd").read_bytes()).hexdigest() == before_passwd
    # only this installation's copy: the session's server may be running from a copy of its own
    embedded._remove_copy(pginstall.resolve())
    assert not copy.exists()


def test_removing_one_private_copy_leaves_other_servers_running(tmp_path: Path, pg_server: PgServer) -> None:
    """Regression: the cleanup of one copy used to remove every copy in the process, so the session's
    server (itself run from a copy when the venv is unreadable, as in CI) lost plpgsql mid-run."""
    source = embedded.select_installation(os.environ.get("OWNAUDIT_TEST_PG"))
    src = source.bin_dir.resolve().parent
    fake = tmp_path / "other" / src.name
    embedded._copies[fake] = tmp_path / "base" / "site" / "pkg" / src.name
    (tmp_path / "base" / "site" / "pkg" / src.name).mkdir(parents=True)
    before = dict(embedded._copies)
    embedded._remove_copy(fake)
    assert not (tmp_path / "base").exists()
    assert {k: v for k, v in before.items() if k != fake} == embedded._copies  # the others are untouched
    with psycopg.connect(pg_server.admin_dsn) as conn:
        conn.execute("DO $$ BEGIN PERFORM 1; END $$")  # plpgsql still loads from the session's installation


def test_no_usable_user_is_one_clear_error_not_a_new_user(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedded, "RUN_AS_USERS", ("ownaudit-no-such-user",))
    with pytest.raises(embedded.IncompleteError, match="creates no user"):
        embedded._ensure_pg_user()

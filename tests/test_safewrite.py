"""Output files: a device, FIFO or symlink is never replaced by a regular file.

Regression: ``ownaudit snapshot -o /dev/null`` run as root renamed a temporary
file onto ``/dev/null``. The tests use a FIFO (any user can make one) with a
reader on the other end, and check that the node is still a FIFO afterwards and
that the reader received the whole document.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ownaudit.catalog.snapshotfile import write_snapshot
from ownaudit.cli import main
from ownaudit.safewrite import write_text
from test_audit_helpers import build_world


class FifoReader:
    """A FIFO at ``path`` with a thread reading everything written to it."""

    def __init__(self, path: Path) -> None:
        os.mkfifo(path)
        self.path = path
        self.data = ""
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        with open(self.path, encoding="utf-8") as fh:  # blocks until a writer opens the FIFO
            self.data = fh.read()

    def received(self) -> str:
        self._thread.join(timeout=60)
        assert not self._thread.is_alive(), "nothing was written to the FIFO"
        assert stat.S_ISFIFO(os.lstat(self.path).st_mode), "the FIFO was replaced"
        return self.data


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    out, err = capsys.readouterr()
    code = exc.value.code
    return (code if isinstance(code, int) else 1), out, err


@pytest.fixture
def world_snapshot(fresh_db: Any, tmp_path: Path) -> Iterator[tuple[Path, Path, str]]:
    """(policy file, snapshot file, auditor DSN) of a small drifted world."""
    world = build_world(fresh_db.dsn)
    world.sql("GRANT INSERT ON outreach.people TO ui_reader")
    policy = tmp_path / "ownership.yaml"
    policy.write_text(world.policy_text, encoding="utf-8")
    snap = tmp_path / "snap.json"
    from ownaudit.catalog.reader import read_catalog

    write_snapshot(read_catalog(world.auditor_dsn), snap)
    yield policy, snap, world.auditor_dsn


@pytest.mark.catalog
def test_snapshot_to_a_fifo_writes_through_it(world_snapshot: tuple[Path, Path, str], tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    _, _, dsn = world_snapshot
    fifo = FifoReader(tmp_path / "snap.fifo")
    code, _, err = run(["snapshot", "--dsn", dsn, "-o", str(fifo.path), "-q"], capsys)
    assert code == 0, err
    doc = json.loads(fifo.received())
    assert doc["format"] == "ownaudit.snapshot" and doc["relations"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".snap.fifo")]  # no temporary left


@pytest.mark.catalog
def test_audit_report_and_init_draft_to_a_fifo(world_snapshot: tuple[Path, Path, str], tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    policy, snap, _ = world_snapshot
    fifo = FifoReader(tmp_path / "report.fifo")
    code, _, err = run(["audit", "--snapshot", str(snap), "--policy", str(policy), "--format", "json",
                        "-o", str(fifo.path)], capsys)
    assert code == 1, err
    assert any(f["rule_id"] == "AUD001" for f in json.loads(fifo.received())["findings"])

    draft = FifoReader(tmp_path / "draft.fifo")  # an existing FIFO needs no --force: it is a stream
    code, _, err = run(["init", "--snapshot", str(snap), "-o", str(draft.path)], capsys)
    assert code == 0, err
    assert "schemas:" in draft.received()


@pytest.mark.catalog
def test_report_dir_writes_through_a_symlink_to_a_fifo(world_snapshot: tuple[Path, Path, str],
                                                       tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy, snap, _ = world_snapshot
    reports = tmp_path / "reports"
    reports.mkdir()
    fifo = FifoReader(tmp_path / "index.fifo")
    (reports / "index.html").symlink_to(fifo.path)
    code, _, err = run(["audit", "--snapshot", str(snap), "--policy", str(policy), "--report-dir",
                        str(reports), "-q"], capsys)
    assert code == 1, err
    assert "ownaudit runs" in fifo.received()
    assert (reports / "index.html").is_symlink()


@pytest.mark.catalog
def test_a_socket_is_refused_in_one_line(world_snapshot: tuple[Path, Path, str], tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    policy, snap, _ = world_snapshot
    path = tmp_path / "s.sock"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
        code, _, err = run(["audit", "--snapshot", str(snap), "--policy", str(policy), "--format", "json",
                            "-o", str(path)], capsys)
    assert code == 2
    assert err.strip().count("\n") == 0 and "not a regular file, device or FIFO" in err
    assert stat.S_ISSOCK(os.lstat(path).st_mode)


def test_regular_file_is_replaced_atomically_and_a_symlink_kept(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old", encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "link.json"
    link.symlink_to(real)
    write_text(link, iter(["new ", "text"]))
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new text"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640

    def broken() -> Iterator[str]:
        yield "half"
        raise RuntimeError("renderer failed")

    with pytest.raises(RuntimeError):
        write_text(real, broken())
    assert real.read_text(encoding="utf-8") == "new text"  # the previous report survives
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "real.json"]
    with pytest.raises(IsADirectoryError):
        write_text(tmp_path, "x")

"""``ownaudit lint`` on a repository full of hostile files: one-line notices, and the run goes on.

A binary file, a non-UTF-8 file, an empty file, a 10 MB file, a symlink loop (file and
directory), a dangling symlink, an unreadable file and a named pipe sit next to one
file with a real cross-hub write, which must still be reported.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from test_hardening_support import run_cli

HUB = "company-lifecycle-cl"
GOOD = "INSERT INTO outreach.people (a) VALUES (1);\n"


def _repo(root: Path) -> Path:
    repo = root / "hub"
    (repo / "sub").mkdir(parents=True)
    (repo / "good.sql").write_text(GOOD, encoding="utf-8")
    (repo / "binary.sql").write_bytes(b"SELECT 1;\x00\x01\x02\xff" * 100)
    (repo / "latin1.sql").write_bytes("UPDATE outreach.people SET note = 'café';\n".encode("latin-1"))
    (repo / "empty.sql").write_bytes(b"")
    (repo / "blank.py").write_bytes(b"\n\n   \n")
    with (repo / "big.sql").open("w", encoding="utf-8") as fh:
        fh.write("SELECT 1;\n" * 1_050_000)  # ~10 MB
    os.symlink("loop_b.sql", repo / "loop_a.sql")
    os.symlink("loop_a.sql", repo / "loop_b.sql")
    os.symlink("../sub", repo / "sub" / "dirloop")
    os.symlink("missing.sql", repo / "dangling.sql")
    return repo


def _lint(repo: Path, *args: str, timeout: float = 60) -> tuple[subprocess.CompletedProcess[str], dict[str, object]]:
    out = repo.parent / "lint.json"
    proc = run_cli(
        [
            "lint",
            "--hub",
            HUB,
            *args,
            "--format",
            "json",
            "-o",
            str(out),
            "--format",
            "console",
            "--no-color",
        ],
        repo,
        timeout=timeout,
    )
    doc = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    return proc, doc


def test_hostile_files_give_one_line_notices_and_the_run_goes_on(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    proc, doc = _lint(repo, ".")
    assert proc.returncode == 1, proc.stderr  # the cross-hub write in good.sql fails the run
    assert "Traceback" not in proc.stderr + proc.stdout
    findings = doc["findings"]
    assert isinstance(findings, list)
    assert any(f["rule_id"] == "LNT001" and f["location"]["path"] == "good.sql" for f in findings), findings
    notices = doc.get("notices") or []
    assert isinstance(notices, list)
    expected = {
        "binary.sql": "binary",
        "latin1.sql": "not UTF-8",
        "empty.sql": "empty",
        "big.sql": "over the",
        "loop_a.sql": "symbolic links",
        "loop_b.sql": "symbolic links",
        "dangling.sql": "No such file",
    }
    for name, words in expected.items():
        hit = [n for n in notices if n.startswith(f"{name}:")]
        assert hit and words.lower() in hit[0].lower(), (name, notices)
    for n in notices:
        assert "\n" not in n and len(n) < 300, n
    # A file that could have held SQL but was not read is a finding, never a silent pass ...
    unread = {f["location"]["path"] for f in findings if f["rule_id"] == "LNT017"}
    assert {"binary.sql", "big.sql", "loop_a.sql", "dangling.sql"} <= unread, unread
    # ... and a Latin-1 file is decoded (with a notice) and analysed: its cross-hub write is found.
    assert any(f["rule_id"] == "LNT001" and f["location"]["path"] == "latin1.sql" for f in findings), findings
    # ... and in the console output each notice is one line.
    for name in expected:
        assert sum(1 for ln in proc.stdout.splitlines() if f"{name}:" in ln and "notice" in ln) >= 1, name


def test_explicit_hostile_paths_like_pre_commit_passes_them(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    proc, doc = _lint(
        repo,
        "binary.sql",
        "latin1.sql",
        "empty.sql",
        "big.sql",
        "loop_a.sql",
        "dangling.sql",
        "sub/dirloop/dirloop",
        "good.sql",
    )
    assert proc.returncode == 1, proc.stderr
    notices = doc.get("notices") or []
    assert isinstance(notices, list) and any(n.startswith("loop_a.sql:") for n in notices), notices
    assert any(f["rule_id"] == "LNT001" for f in doc["findings"])  # type: ignore[union-attr]


def test_a_10mb_file_is_linted_when_the_limit_allows(tmp_path: Path) -> None:
    repo = tmp_path / "hub"
    repo.mkdir()
    body = "x" * (10 * 1024 * 1024)
    (repo / "blob.py").write_text(f'DOC = """{body}"""\nQ = "DELETE FROM outreach.people"\n', encoding="utf-8")
    proc, doc = _lint(repo, "blob.py", "--max-file-size", "16", timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert any(f["rule_id"] == "LNT001" and f["location"]["line"] == 2 for f in doc["findings"])  # type: ignore


@pytest.mark.skipif(
    os.geteuid() == 0,
    reason="root reads a chmod 000 file anyway; the dangling symlink covers the open() failure path as root",
)
def test_unreadable_file(tmp_path: Path) -> None:
    repo = tmp_path / "hub"
    repo.mkdir()
    (repo / "good.sql").write_text(GOOD, encoding="utf-8")
    secret = repo / "secret.sql"
    secret.write_text("SELECT 1;\n", encoding="utf-8")
    secret.chmod(0)
    try:
        proc, doc = _lint(repo, ".")
    finally:
        secret.chmod(0o644)
    assert proc.returncode == 1
    notices = doc.get("notices") or []
    assert isinstance(notices, list) and any(n.startswith("secret.sql:") for n in notices), notices


def test_named_pipe_does_not_hang_the_run(tmp_path: Path) -> None:
    """A FIFO named *.sql would block a naive open(); it is skipped with a notice."""
    repo = tmp_path / "hub"
    repo.mkdir()
    (repo / "good.sql").write_text(GOOD, encoding="utf-8")
    os.mkfifo(repo / "pipe.sql")
    try:
        proc, doc = _lint(repo, ".", timeout=8)
    except subprocess.TimeoutExpired:
        pytest.fail("ownaudit lint hung on a named pipe")
    assert proc.returncode == 1
    notices = doc.get("notices") or []
    assert isinstance(notices, list) and any(n.startswith("pipe.sql:") for n in notices), notices

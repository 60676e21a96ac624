"""`ownaudit demo` runs the whole product end to end and leaves nothing running."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

pytestmark = pytest.mark.catalog


def _demo(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("OWNAUDIT_POLICY", "NO_COLOR")}
    return subprocess.run([sys.executable, "-m", "ownaudit.cli", "demo", "--report-dir", str(tmp_path / "out"),
                           *args], capture_output=True, text=True, timeout=300, cwd=tmp_path, env=env)


def _postgres_processes_for(marker: str) -> list[str]:
    out = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if "postgres" in line and marker in line]


def test_demo_end_to_end(tmp_path: Path) -> None:
    before = set(_postgres_processes_for("ownaudit-pg"))
    r = _demo(tmp_path)
    assert r.returncode == 0, r.stderr
    out = tmp_path / "out"
    for stem in ("lint", "audit"):
        for ext in ("txt", "json", "sarif", "xml", "md", "html"):
            assert (out / f"{stem}.{ext}").is_file(), f"{stem}.{ext} missing"
    audit = json.loads((out / "audit.json").read_text())
    lint = json.loads((out / "lint.json").read_text())
    json.loads((out / "audit.sarif").read_text())
    found = {(f["rule_id"], f["object"], f.get("role")) for f in audit["findings"]}
    # the drifts the demo applies, each found by the audit
    assert ("AUD001", "outreach.people", "ui_reader") in found          # a reader granted a write
    assert ("AUD001", "outreach.people", "cl_writer") in found          # member of another hub's writer
    assert any(f["rule_id"] == "AUD001" and f["role"] == "cl_writer"
               and any("-[member]-> outreach_writer" in e for e in f["evidence"]) for f in audit["findings"])
    assert any(r_ == "AUD092" and "campaigns_company_fk" in o for r_, o, _ in found)  # cross-hub CASCADE
    assert any(r_ == "AUD100" and "promote_company" in o for r_, o, _ in found)        # definer writes cl.*
    assert ("AUD060", "cl", "outreach_writer") in {(a, b, c) for a, b, c in found}      # CREATE in cl
    # and what the seed's enforcement SQL itself does
    assert any(f["rule_id"] == "AUD042" and f["role"] == "ui_reader" for f in audit["findings"])
    # the sample hub repository: one cross-hub write, one suppressed finding, one unanalysable statement
    rules = [(f["rule_id"], f["suppressed"]) for f in lint["findings"]]
    assert ("LNT001", False) in rules
    assert any(s for _, s in rules)
    assert ("LNT011", False) in rules
    assert "audit.html" in r.stdout and "the server is stopped" in r.stdout
    time.sleep(0.2)
    assert set(_postgres_processes_for("ownaudit-pg")) <= before, "the demo left a server running"


def test_demo_keep_serves_until_interrupted(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "OWNAUDIT_POLICY"}
    proc = subprocess.Popen([sys.executable, "-m", "ownaudit.cli", "demo", "--keep", "--report-dir",
                             str(tmp_path / "out")], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True, cwd=tmp_path, env=env)
    try:
        dsn = None
        assert proc.stdout is not None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            m = re.search(r"audit role \(no grants\): (\S+)", line)
            if m:
                dsn = m.group(1)
            if "press Ctrl-C" in line:
                break
        assert dsn, "no DSN printed"
        with psycopg.connect(dsn, connect_timeout=10) as conn:
            assert conn.execute("select current_database()").fetchone() == ("Marketing DB",)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 0
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(dsn, connect_timeout=3).close()
    finally:
        if proc.poll() is None:
            proc.kill()

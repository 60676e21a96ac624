"""The lint gate fails closed: what it cannot read, decode or analyse never passes as clean.

Each case is what a hub developer in a hurry could commit: a cross-hub write in a Latin-1 or UTF-16
file, dynamic SQL in a DO block, a padded file, a mistyped path or configuration key. The last test
commits each one through a real ``pre-commit`` hook in a scratch git repository and sees it blocked.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from ownaudit.errors import UsageError
from ownaudit.findings import Severity
from ownaudit.lint.decode import decode_source
from ownaudit.lint.engine import lint
from ownaudit.policy.loader import load_policy, validate_policy_text
from test_lint_support import POLICY_YAML, lint_source, make_policy, write_policy

BIN = Path(sys.executable).parent
OWNAUDIT = [sys.executable, "-m", "ownaudit.cli"]
WRITE = "UPDATE cl.company_identity SET company_name = 'café' WHERE id = 1;\n"


def run(args: list[str], cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("OWNAUDIT_POLICY", "NO_COLOR", "OWNAUDIT_DSN")}
    env["OWNAUDIT_CACHE_DIR"] = str(cwd.parent / ".ownaudit-cache")
    return subprocess.run([*OWNAUDIT, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    r = tmp_path / "hub"
    (r / "db").mkdir(parents=True)
    (r / "db" / "ok.sql").write_text("INSERT INTO outreach.people VALUES (1);\n")
    write_policy(r)
    return r


# -- decoding the way the languages do ---------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        (WRITE.encode("utf-8-sig"), "utf-8"),
        (b"\xff\xfe" + WRITE.encode("utf-16-le"), "utf-16-le"),
        (b"\xfe\xff" + WRITE.encode("utf-16-be"), "utf-16-be"),
        (WRITE.encode("utf-16-le"), "utf-16-le"),  # no byte order mark
        (WRITE.encode("utf-16-be"), "utf-16-be"),
        (WRITE.encode("utf-32"), "utf-32-le"),  # Python writes a LE BOM
        (b"\x00\x00\xfe\xff" + WRITE.encode("utf-32-be"), "utf-32-be"),
        (WRITE.encode("utf-32-le"), "utf-32-le"),
        (WRITE.encode("latin-1"), "cp1252"),  # fallback, with a notice
        (("\\encoding LATIN1\n" + WRITE).encode("latin-1"), "iso8859-1"),
        (("SET client_encoding = 'WIN1252';\n" + WRITE).encode("cp1252"), "cp1252"),
    ],
)
def test_sql_files_decode_like_their_tools(raw: bytes, encoding: str) -> None:
    d = decode_source(raw, "sql", "f.sql")
    assert d.text is not None and d.encoding == encoding
    assert "UPDATE cl.company_identity SET company_name = 'café'" in d.text
    assert (d.notice is None) == (encoding == "utf-8")


def test_python_coding_cookie_is_honoured_and_a_contradiction_is_not_readable() -> None:
    src = '# -*- coding: latin-1 -*-\nQ = "UPDATE cl.company_identity SET n = \'é\'"\n'
    d = decode_source(src.encode("latin-1"), "python", "a.py")
    assert d.text == src and d.encoding == "iso8859-1" and d.notice and "coding cookie" in d.notice
    bad = decode_source(b"# coding: utf-8\nQ = '\xe9'\n", "python", "a.py")
    assert bad.text is None and bad.notice and "declared by its coding cookie" in bad.notice
    assert decode_source(b"# coding: klingon\n", "python", "a.py").text is None


def test_binary_is_binary() -> None:
    d = decode_source(b"SELECT 1;\x00\x01\x02\xff" * 10, "sql", "b.sql")
    assert d.text is None and d.binary


@pytest.mark.parametrize(
    "raw",
    [
        WRITE.encode("latin-1"),
        b"\xff\xfe" + WRITE.encode("utf-16-le"),
        WRITE.encode("utf-16-le"),
        WRITE.encode("utf-32"),
    ],
    ids=["latin-1", "utf-16-bom", "utf-16-no-bom", "utf-32"],
)
def test_a_cross_hub_write_in_any_encoding_fails_the_gate(repo: Path, raw: bytes) -> None:
    (repo / "db" / "legacy.sql").write_bytes(raw)
    result = lint(load_policy(repo / "ownership.yaml", check_schema=False), "hub-out", repo, n_jobs=1)
    hits = [f for f in result.findings if f.location and f.location.path == "db/legacy.sql"]
    assert [(f.rule_id, f.severity, f.location.line, f.location.column) for f in hits if f.location] == [
        ("LNT001", Severity.CRITICAL, 1, 8)
    ]


def test_undecodable_and_unreadable_files_are_findings_that_fail_the_gate(repo: Path) -> None:
    d = repo / "db"
    (d / "dump.sql").write_bytes(b"\x1f\x8b\x08\x00" + b"\x00\x13binary" * 50)  # a gzip named .sql
    (d / "blob.py").write_bytes(b"\x00\x01\x02 no words here")  # binary Python without SQL: a notice only
    (d / "gone.sql").symlink_to(d / "missing-target.sql")
    (d / "padded.sql").write_text("-- " + "x" * (1024 * 1024 + 10) + "\n" + WRITE)
    result = lint(load_policy(repo / "ownership.yaml", check_schema=False), "hub-out", repo, n_jobs=1,
                  max_bytes=1024 * 1024)
    got = sorted((f.rule_id, f.severity, f.location.path) for f in result.findings if f.location)
    assert got == [(R, Severity.HIGH, f"db/{n}") for R, n in
                   [("LNT017", "dump.sql"), ("LNT017", "gone.sql"), ("LNT017", "padded.sql")]]
    assert any(n.startswith("db/blob.py: skipped: binary") for n in result.notices)
    (padded,) = [f for f in result.findings if f.object == "db/padded.sql"]
    assert "over the 1 MiB limit (--max-file-size)" in padded.message


# -- unanalysable SQL: governed or not ---------------------------------------------------------


def test_format_with_a_literal_schema_resolves_to_maintenance_in_the_hubs_own_schema(tmp_path: Path) -> None:
    """format('ANALYZE %I.%I', 'outreach', t) is known to be ANALYZE of an Outreach table: no finding at all."""
    policy = make_policy(tmp_path)
    assert lint_source(policy, "DO $$ BEGIN EXECUTE format('ANALYZE %I.%I', 'outreach', t); END $$;") == []


@pytest.mark.parametrize(
    ("sql", "rule", "severity"),
    [
        # dynamic EXECUTE of a cross-hub UPDATE: the case the gate exists for
        ("DO $$ BEGIN EXECUTE 'UPDATE cl.company_identity SET stage = ' || quote_literal(s); END $$;",
         "LNT019", Severity.HIGH),
        ("CREATE FUNCTION outreach.f(t text) RETURNS void LANGUAGE plpgsql AS $$ BEGIN EXECUTE v_sql; END $$;",
         "LNT019", Severity.HIGH),
        ("DO $$ BEGIN EXECUTE format('DELETE FROM %I.%I', s, t); END $$;", "LNT019", Severity.HIGH),
        # dynamic but visibly maintenance or a read: low
        ("DO $$ BEGIN EXECUTE 'VACUUM ' || t; END $$;", "LNT011", Severity.LOW),
        ("DO $$ BEGIN EXECUTE 'SELECT count(*) FROM ' || t INTO n; END $$;", "LNT011", Severity.LOW),
        # does not parse, names another hub's governed schema / nothing governed
        ("UPDATE cl.company_identity SET WHERE;", "LNT019", Severity.HIGH),
        ("FROBNICATE marketing.people_master WITH FEELING;", "LNT019", Severity.HIGH),
        ("FROBNICATE CL.Company_Identity WITH FEELING;", "LNT019", Severity.HIGH),  # unquoted: folds to cl
        ("FROBNICATE outreach.people WITH FEELING;", "LNT011", Severity.LOW),  # the hub's own schema
        ("FROBNICATE public.shq_error_log WITH FEELING;", "LNT011", Severity.LOW),  # ungoverned
        ("SELECT * FROM WHERE;", "LNT011", Severity.LOW),
    ],
)
def test_unanalysable_sql_fails_the_gate_only_when_it_could_write_a_governed_object(
    sql: str, rule: str, severity: Severity, tmp_path: Path
) -> None:
    policy = make_policy(tmp_path)
    found = [(f.rule_id, f.severity) for f in lint_source(policy, sql)]
    assert found == [(rule, severity)], found


def test_the_policy_can_relax_unanalysable_governed_sql_below_the_gate(tmp_path: Path) -> None:
    policy = make_policy(tmp_path, "gate:\n  unanalysable_governed: medium\n")
    sql = "DO $$ BEGIN EXECUTE 'UPDATE cl.company_identity SET stage = ' || quote_literal(s); END $$;"
    (f,) = lint_source(policy, sql)
    assert (f.rule_id, f.severity) == ("LNT019", Severity.MEDIUM)


# -- paths, scopes and configuration keys ------------------------------------------------------


@pytest.mark.parametrize("arg", ["no-such-dir/", "nope.sql"])
def test_a_path_that_does_not_exist_is_a_usage_error(repo: Path, arg: str) -> None:
    p = run(["lint", "--hub", "hub-out", "--policy", "ownership.yaml", arg], repo)
    assert p.returncode == 2 and p.stdout == ""
    assert p.stderr.count("\n") == 1 and arg in p.stderr and "no such file" in p.stderr


def test_a_scope_that_matches_no_file_is_a_usage_error_unless_allowed(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / "db" / "ok.sql").unlink()
    (repo / "docs").mkdir()
    p = run(["lint", "--hub", "hub-out", "--policy", "ownership.yaml"], repo)
    assert p.returncode == 2 and p.stderr.count("\n") == 1 and "no SQL, Python" in p.stderr, p.stderr
    policy = load_policy(repo / "ownership.yaml", check_schema=False)
    monkeypatch.chdir(repo)
    with pytest.raises(UsageError, match="docs: no SQL, Python"):
        lint(policy, "hub-out", repo, ["docs"], n_jobs=1)
    assert lint(policy, "hub-out", repo, n_jobs=1, allow_empty=True).findings == []
    # files named one by one (as pre-commit passes them) that the scope excludes are not an error
    (repo / "vendor").mkdir()
    (repo / "vendor" / "x.sql").write_text(WRITE)
    result = lint(policy, "hub-out", repo, ["vendor/x.sql"], n_jobs=1)
    assert result.findings == [] and "vendor/x.sql: not linted: excluded by the hub's lint scope" in result.notices


def test_unknown_tool_ownaudit_key_is_a_usage_error_with_file_and_line(repo: Path) -> None:
    toml = '[project]\nname = "x"\n\n[tool.ownaudit]\nhub = "hub-out"\npolcy = "p.yaml"\n'
    (repo / "pyproject.toml").write_text(toml)
    p = run(["lint", "--policy", "ownership.yaml"], repo)
    assert p.returncode == 2 and p.stderr.count("\n") == 1
    assert "pyproject.toml:6: [tool.ownaudit] unknown key 'polcy'; did you mean 'policy'?" in p.stderr
    (repo / "pyproject.toml").write_text('[tool.ownaudit]\nhub = ["hub-out"]\n')
    p = run(["lint", "--policy", "ownership.yaml"], repo)
    assert p.returncode == 2 and "pyproject.toml:2: [tool.ownaudit] hub must be a non-empty string" in p.stderr


def test_unknown_policy_key_is_an_error_in_the_linter_too(repo: Path) -> None:
    text = POLICY_YAML.replace("    code: HUB-OUT\n", "    code: HUB-OUT\n    repositroy: x\n")
    (repo / "ownership.yaml").write_text(text)
    p = run(["lint", "--hub", "hub-out", "--policy", "ownership.yaml"], repo)
    assert p.returncode == 2, p.stdout + p.stderr
    assert "ownership.yaml:15:5: hubs.hub-out.repositroy: unknown key 'repositroy'; did you mean 'repository'?" in (
        p.stderr
    )
    _, problems, _ = validate_policy_text(text, "p.yaml")  # the full validator says the same
    assert any("did you mean 'repository'" in x for x in problems), problems


def test_an_unclosed_bracket_names_where_it_was_opened(tmp_path: Path) -> None:
    text = POLICY_YAML.replace("    roles: [cl_writer]\n", "    roles: [cl_writer\n", 1)
    (tmp_path / "p.yaml").write_text(text)
    p = run(["validate", "p.yaml"], tmp_path)
    assert p.returncode == 2
    opened = next(i for i, ln in enumerate(text.splitlines(), 1) if "roles: [cl_writer" in ln)
    assert f"the '[' opened at line {opened}, column 12 is not closed" in p.stderr, p.stderr
    assert f"p.yaml:{opened + 1}:" in p.stderr  # where the parser noticed


# -- Ctrl-C ---------------------------------------------------------------------------------


def test_ctrl_c_while_connecting_is_interrupted_not_a_timeout(tmp_path: Path) -> None:
    """A server that accepts the TCP connection and never answers: Ctrl-C must say "interrupted", exit 130."""
    with socket.socket() as sink:
        sink.bind(("127.0.0.1", 0))
        sink.listen(8)
        port = sink.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG") and k != "OWNAUDIT_DSN"}
        proc = subprocess.Popen(
            [*OWNAUDIT, "audit", "--dsn", f"host=127.0.0.1 port={port} dbname=x user=u connect_timeout=30"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 20
        conn = None
        while conn is None and time.monotonic() < deadline:  # wait until the client is really connecting
            sink.settimeout(0.5)
            try:
                conn, _ = sink.accept()
            except TimeoutError:
                continue
        assert conn is not None, "the audit never connected"
        time.sleep(0.3)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        conn.close()
    assert proc.returncode == 130, (proc.returncode, err)
    assert err.strip().splitlines()[-1] == "ownaudit: interrupted" and "timeout" not in err, err


# -- the real pre-commit hook blocks every case ------------------------------------------------

CASES: dict[str, bytes] = {
    "latin1.sql": WRITE.encode("latin-1"),
    "utf16.sql": b"\xff\xfe" + WRITE.encode("utf-16-le"),
    "utf16-nobom.sql": WRITE.encode("utf-16-le"),
    "dynamic.sql": b"DO $$ BEGIN EXECUTE 'UPDATE cl.company_identity SET a = ' || quote_literal(v); END $$;\n",
    "padded.sql": b"-- " + b"x" * (1024 * 1024 + 1) + b"\n" + WRITE.encode(),
    "gzip.sql": b"\x1f\x8b\x08\x00\x00\x00binary\x00",
    "unparseable.sql": b"UPDATE cl.company_identity SET WHERE;\n",
    "suppressed.sql": b"-- ownaudit: ignore[LNT001] we need this, trust us\n" + WRITE.encode(),
    "helper.py": b'# -*- coding: latin-1 -*-\ncur.execute("UPDATE cl.company_identity SET n = \'\xe9\'")\n',
    ".env": b"PGHOST=db.example\nPGPASSWORD=Zq8-synthetic-PW-41\n",  # a committed credential
}
EXPECT = {
    "latin1.sql": "LNT001",
    "utf16.sql": "LNT001",
    "utf16-nobom.sql": "LNT001",
    "dynamic.sql": "LNT019",
    "padded.sql": "LNT017",
    "gzip.sql": "LNT017",
    "unparseable.sql": "LNT019",
    "suppressed.sql": "LNT020",
    "helper.py": "LNT001",
    ".env": "LNT012",
}


def _git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "NO_COLOR": "1",
    }
    env.pop("OWNAUDIT_POLICY", None)
    env["OWNAUDIT_CACHE_DIR"] = str(cwd.parent / ".ownaudit-cache")
    env["PRE_COMMIT_HOME"] = str(cwd.parent / "pc-home")
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=check, timeout=300)


@pytest.mark.skipif(shutil.which("pre-commit", path=str(BIN)) is None, reason="pre-commit is not installed")
def test_pre_commit_blocks_every_fail_closed_case(repo: Path) -> None:
    """``git commit`` through the installed hook: each case alone is refused, a clean file goes through."""
    (hook,) = yaml.safe_load((Path(__file__).resolve().parents[1] / ".pre-commit-hooks.yaml").read_text())
    entry = str(BIN / "ownaudit") + " " + str(hook["entry"]).split(" ", 1)[1] + " --max-file-size 1"
    config = {"repos": [{"repo": "local", "hooks": [{
        "id": hook["id"], "name": hook["name"], "entry": entry, "language": "system",
        "types_or": hook["types_or"], "files": hook["files"], "require_serial": True,
    }]}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    (repo / "pyproject.toml").write_text('[tool.ownaudit]\nhub = "hub-out"\npolicy = "ownership.yaml"\n')
    _git(repo, "init", "-q")
    subprocess.run([str(BIN / "pre-commit"), "install"], cwd=repo, check=True, capture_output=True,
                   env={**os.environ, "PRE_COMMIT_HOME": str(repo.parent / "pc-home")})
    _git(repo, "add", ".")
    first = _git(repo, "commit", "-q", "-m", "clean start", check=False)
    assert first.returncode == 0, first.stdout + first.stderr
    for name, raw in CASES.items():
        (repo / "db" / name).write_bytes(raw)
        _git(repo, "add", f"db/{name}")
        p = _git(repo, "commit", "-q", "-m", f"add {name}", check=False)
        assert p.returncode != 0, (name, p.stdout + p.stderr)
        assert EXPECT[name] in p.stdout + p.stderr and f"db/{name}" in p.stdout + p.stderr, (name, p.stdout)
        assert "Zq8-synthetic" not in p.stdout + p.stderr  # a password is never echoed
        _git(repo, "rm", "-q", "--cached", f"db/{name}")
        (repo / "db" / name).unlink()
    # a mistyped key in the hub's own configuration blocks too (exit 2, one line)
    (repo / "pyproject.toml").write_text('[tool.ownaudit]\nhubb = "hub-out"\npolicy = "ownership.yaml"\n')
    (repo / "db" / "more.sql").write_text("INSERT INTO outreach.people VALUES (2);\n")
    _git(repo, "add", "pyproject.toml", "db/more.sql")
    p = _git(repo, "commit", "-q", "-m", "typo", check=False)
    assert p.returncode != 0 and "unknown key 'hubb'; did you mean 'hub'?" in p.stdout + p.stderr, p.stdout

"""``ownaudit diff`` operands (policy, git revision, snapshot, DSN), formats and ``--exit-code``."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from ownaudit.cli import main
from ownaudit.diff.sources import is_dsn, load_states

POLICY = Path(__file__).resolve().parents[1] / "policy" / "ownership.yaml"
ADD_WRITER = (
    "      lifecycle_history:\n        purpose: Append-only audit trail\n",
    "      lifecycle_history:\n        purpose: Append-only audit trail\n"
    "        writers:\n          - {hub: barton-outreach-core, operations: [INSERT]}\n",
)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    out, err = capsys.readouterr()
    return int(exc.value.code or 0), out, err


def edited(tmp_path: Path, name: str, *replacements: tuple[str, str]) -> Path:
    text = POLICY.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def test_policy_change_adding_a_writer_fails_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    b = edited(tmp_path, "b.yaml", ADD_WRITER)
    code, out, _ = run(["diff", str(POLICY), str(b), "--exit-code", "--format", "json"], capsys)
    assert code == 1
    doc = json.loads(out)
    assert doc["summary"]["grants_new_write"] is True
    first = doc["changes"][0]
    assert (first["kind"], first["severity"], first["role"], first["hub"], first["object"]) == (
        "write-gained",
        "critical",
        "outreach_writer",
        "barton-outreach-core",
        "cl.lifecycle_history",
    )
    assert "barton-outreach-core is an extra writer" in first["path"]
    # The reverse change only takes access away: no review needed.
    code, out, _ = run(["diff", str(b), str(POLICY), "--exit-code"], capsys)
    assert code == 0 and "Write access lost" in out
    # Without --exit-code the diff never fails.
    assert run(["diff", str(POLICY), str(b)], capsys)[0] == 0


def test_policy_edits_show_hub_role_rls_and_fk_changes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    b = edited(
        tmp_path,
        "b.yaml",
        (
            "purpose: People records (stays in People Hub)\n        owner: people-hub",
            "purpose: People records (stays in People Hub)\n        owner: enrichment-hub",
        ),
        (
            "parent: cl.company_identity, parent_columns: [company_unique_id], on_delete: restrict}",
            "parent: cl.company_identity, parent_columns: [company_unique_id], on_delete: cascade}",
        ),
        ("            - {name: cl_read_policy, command: SELECT, roles: [outreach_writer, ui_reader]}\n", ""),
        (
            "          enabled: true\n          forced: false\n          policies:\n"
            "            - {name: outreach_write_policy",
            "          enabled: true\n          forced: true\n          policies:\n"
            "            - {name: outreach_write_policy",
        ),
    )
    code, out, _ = run(["diff", str(POLICY), str(b), "--format", "json"], capsys)
    kinds = {c["kind"]: c for c in json.loads(out)["changes"]}
    assert code == 0
    assert kinds["hub-changed"]["before"] == "people-hub" and kinds["hub-changed"]["after"] == "enrichment-hub"
    assert kinds["fk-action-changed"]["severity"] == "high"  # a cross-hub CASCADE
    assert kinds["rls-policy-removed"]["object"] == "cl.company_identity policy cl_read_policy"
    assert kinds["rls-forced"]["object"] == "outreach.company_target"
    assert "read-lost" not in kinds  # an RLS policy is not a grant: the hubs still read the table


def test_moving_a_role_to_another_hub(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    b = edited(
        tmp_path,
        "b.yaml",
        ("    roles: [ui_reader]\n", "    roles: []\n"),
        ("  ui_reader:\n    hub: site-scout-pro", "  ui_reader:\n    hub: people-hub"),
    )
    code, out, _ = run(["diff", str(POLICY), str(b), "--format", "json"], capsys)
    changes = json.loads(out)["changes"]
    moved = [c for c in changes if c["kind"] == "role-hub-changed"]
    assert code == 0 and moved and moved[0]["before"] == "site-scout-pro" and moved[0]["after"] == "people-hub"


def test_git_revision_source_in_a_scratch_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    (repo / "policy").mkdir(parents=True)
    shutil.copy(POLICY, repo / "policy" / "ownership.yaml")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "policy")
    edited(repo / "policy", "ownership.yaml", ADD_WRITER)
    monkeypatch.chdir(repo)
    code, out, _ = run(
        [
            "diff",
            "git:HEAD:policy/ownership.yaml",
            "policy/ownership.yaml",
            "--exit-code",
            "--format",
            "markdown",
        ],
        capsys,
    )
    assert code == 1
    assert "policy policy/ownership.yaml at HEAD" in out
    assert "| critical | New write access | `cl.lifecycle_history` | outreach_writer | barton-outreach-core |" in out
    # The working file is untouched by the comparison (no checkout).
    assert "writers:\n          - {hub: barton-outreach-core" in (repo / "policy" / "ownership.yaml").read_text()
    code, _, err = run(["diff", "git:no-such-rev:policy/ownership.yaml", "policy/ownership.yaml"], capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "git:no-such-rev:policy/ownership.yaml" in err
    code, _, err = run(["diff", "git:HEAD:missing.yaml", "policy/ownership.yaml"], capsys)
    assert code == 2 and "missing.yaml" in err and len(err.strip().splitlines()) == 1


def test_bad_operands_are_one_line_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["diff", str(tmp_path / "nope.yaml"), str(POLICY)], capsys)
    assert code == 2 and "nope.yaml" in err and len(err.strip().splitlines()) == 1
    other = tmp_path / "other.json"
    other.write_text('{"format": "something-else"}', encoding="utf-8")
    code, _, err = run(["diff", str(other), str(POLICY)], capsys)
    assert code == 2 and "not an ownaudit snapshot" in err
    code, _, err = run(["diff", "git:HEAD", str(POLICY)], capsys)
    assert code == 2 and "git:REV:PATH" in err


def test_operand_kinds_are_recognised() -> None:
    assert is_dsn("postgresql://u@h/db") and is_dsn("postgres://h/db") and is_dsn("dsn:host=h dbname=x")
    assert is_dsn("host=localhost dbname=x")
    assert not is_dsn("policy/ownership.yaml") and not is_dsn("snap.json")


@pytest.mark.catalog
def test_snapshot_vs_live_and_policy_vs_live(fresh_db: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fresh_db.apply_seed(enforcement=True)
    snap = tmp_path / "yesterday.json"
    assert run(["snapshot", "--dsn", fresh_db.dsn, "-o", str(snap)], capsys)[0] == 0
    fresh_db.execute("GRANT UPDATE ON outreach.people TO ui_reader")
    code, out, _ = run(
        ["diff", str(snap), fresh_db.dsn, "--policy", str(POLICY), "--exit-code", "--format", "json"], capsys
    )
    doc = json.loads(out)
    assert code == 1
    assert [(c["kind"], c["role"], c["object"], c["after"]) for c in doc["changes"]] == [
        ("write-gained", "ui_reader", "outreach.people", "UPDATE")
    ]
    # Policy vs live: the drift view as a delta. The seed grants no DML, so the writers lose what they need.
    _, sb, policy = load_states(str(POLICY), fresh_db.dsn)
    assert policy is not None and sb.kind == "catalog"
    assert all(t.split(".")[0] in ("cl", "outreach", "marketing", "public") for t in sb.tables)
    code, out, _ = run(["diff", str(POLICY), "dsn:" + fresh_db.dsn, "--format", "json"], capsys)
    changes = json.loads(out)["changes"]
    assert any(c["kind"] == "write-lost" and c["role"] == "cl_writer" and c["severity"] == "high" for c in changes)
    assert any(
        c["kind"] == "write-gained" and c["role"] == "ui_reader" and c["object"] == "outreach.people" for c in changes
    )


READER_HUB_WRITES = (
    "      people:\n        purpose: Contact records\n",
    "      people:\n        purpose: Contact records\n"
    "        writers: [{hub: site-scout-pro, operations: [INSERT, UPDATE]}]\n",
)


def test_writers_entry_for_a_reader_only_hub_is_a_new_write_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = edited(tmp_path, "new.yaml", READER_HUB_WRITES)
    code, out, _ = run(["diff", str(POLICY), str(new), "--exit-code", "--format", "json"], capsys)
    assert code == 1
    first = json.loads(out)["changes"][0]
    assert (first["kind"], first["severity"], first["hub"], first["object"]) == (
        "write-gained", "critical", "site-scout-pro", "outreach.people")
    assert "INSERT, UPDATE" in first["path"] and "no role of site-scout-pro may hold it" in first["path"]
    code, _, err = run(["validate", str(new)], capsys)
    assert code == 0 and "POL003" in err and "writers[0]" in err and "ui_reader" in err
    code, _, err = run(["validate", str(POLICY)], capsys)
    assert code == 0 and "POL003" not in err


PER_SCHEMA = """
version: 1
database: {name: db, owner_role: owner}
hubs:
  app: {roles: [app_writer, app_reader]}
  ui: {roles: [ui_reader]}
roles:
  app_writer: {hub: app, kind: writer}
  app_reader: {hub: app, kind: reader}
  ui_reader: {hub: ui, kind: reader}
schemas:
  app: {owner: app, readers: all}
"""


def test_policy_show_counts_tables_owned_through_their_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "per-schema.yaml"
    path.write_text(PER_SCHEMA, encoding="utf-8")
    code, out, _ = run(["policy", "show", "--policy", str(path)], capsys)
    assert code == 0
    rows = [" ".join(ln.replace("│", " ").split()) for ln in out.splitlines()]
    assert any(r.startswith("app") and r.endswith("app yes (full) yes (full)") for r in rows), out
    assert any(r.startswith("ui") and r.endswith("app no yes (full)") for r in rows), out
    insert = next(r for r in rows if r.startswith("INSERT app.*"))
    assert insert.split()[2:] == ["yes", "no", "no"], insert

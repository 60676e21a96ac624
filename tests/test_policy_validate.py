"""`ownaudit validate` names file, line, column and key path for every kind of broken policy."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ownaudit.policy.loader import validate_policy_text

BASE = """\
version: 1
database:
  name: Marketing DB
  owner_role: db_owner
hubs:
  hub-a:
    roles: [a_writer]
  hub-b:
    roles: [b_writer]
roles:
  a_writer: {hub: hub-a, kind: writer}
  b_writer: {hub: hub-b, kind: writer}
schemas:
  a:
    owner: hub-a
    tables:
      t1: {purpose: first}
      t2: {purpose: second}
  b:
    owner: hub-b
    tables:
      u1: {}
foreign_keys:
  - {child: b.u1, columns: [t1_id], parent: a.t1, parent_columns: [id], on_delete: restrict}
exceptions: []
"""

PROBLEM = re.compile(r"^(?P<file>[^:]+\.yaml):(?P<line>\d+):(?P<col>\d+): (?P<key>\S+): (?P<msg>.+)$")


def problems_of(text: str) -> list[str]:
    _, problems, _ = validate_policy_text(text, "policy.yaml", today=dt.date(2026, 1, 1))
    return problems


def one(text: str) -> re.Match[str]:
    problems = problems_of(text)
    assert len(problems) >= 1, "expected a problem"
    m = PROBLEM.match(problems[0])
    assert m, problems[0]
    return m


def test_base_policy_is_valid() -> None:
    assert problems_of(BASE) == []


@pytest.mark.parametrize(
    ("old", "new", "line", "key", "msg"),
    [
        # unknown hub as a schema owner
        ("  a:\n    owner: hub-a", "  a:\n    owner: hub-x", 15, "schemas.a.owner", "unknown hub 'hub-x'"),
        # unknown hub for a role
        ("a_writer: {hub: hub-a", "a_writer: {hub: hub-z", 11, "roles.a_writer.hub", "unknown hub 'hub-z'"),
        # a role mapped to two hubs
        ("    roles: [b_writer]", "    roles: [b_writer, a_writer]", 9, "hubs.hub-b.roles[1]", "two hubs"),
        # FK whose parent is not in the matrix
        ("parent: a.t1,", "parent: a.nope,", 24, "foreign_keys[0].parent", "not in the matrix"),
        # column exception on an unknown hub
        (
            "      t2: {purpose: second}",
            "      t2:\n        column_grants: [{hub: hub-q, operations: [UPDATE], columns: [x]}]",
            19,
            "schemas.a.tables.t2.column_grants[0].hub",
            "unknown hub 'hub-q'",
        ),
        # duplicate key (PyYAML would silently keep the last one)
        (
            "      t2: {purpose: second}",
            "      t2: {purpose: second}\n      t1: {purpose: again}",
            19,
            "schemas.a.tables.t1",
            "duplicate key 't1' (first defined at line 17)",
        ),
        # schema shape: unknown key
        (
            "      t1: {purpose: first}",
            "      t1: {purpose: first, ownr: hub-a}",
            17,
            "schemas.a.tables.t1.ownr",
            "unknown key 'ownr'",
        ),
        # schema shape: wrong type
        ("version: 1\n", "version: 1\nforeign_keys_x: 3\n", 2, "foreign_keys_x", "unknown key 'foreign_keys_x'"),
        # schema shape: wrong type
        ("  owner_role: db_owner", "  owner_role: [db_owner]", 4, "database.owner_role", "is not of type"),
        # RLS policy for an unknown role
        (
            "      t2: {purpose: second}",
            "      t2:\n        rls: {enabled: true, policies: [{name: p, roles: [ghost]}]}",
            19,
            "schemas.a.tables.t2.rls.policies[0].roles[0]",
            "unknown role 'ghost'",
        ),
        # exception with a bad rule id
        (
            "exceptions: []",
            "exceptions:\n  - {rule: NOPE999, object: a.t1, reason: because, expires: 2030-01-01}",
            26,
            "exceptions[0].rule",
            "unknown rule id 'NOPE999'",
        ),
        # the same table owned twice (case-folded duplicate)
        (
            "      t2: {purpose: second}",
            "      t2: {purpose: second}\n      T1: {purpose: twice}",
            19,
            "schemas.a.tables.T1",
            "listed twice",
        ),
    ],
)
def test_each_kind_of_error_has_position_and_key(old: str, new: str, line: int, key: str, msg: str) -> None:
    assert old in BASE
    m = one(BASE.replace(old, new, 1))
    assert m["file"] == "policy.yaml"
    assert int(m["line"]) == line
    assert int(m["col"]) >= 1
    assert m["key"] == key
    assert msg in m["msg"]


def test_all_errors_are_reported_at_once() -> None:
    text = BASE.replace("owner: hub-a", "owner: hub-x").replace("parent: a.t1,", "parent: a.nope,")
    problems = problems_of(text)
    keys = {PROBLEM.match(p)["key"] for p in problems}  # type: ignore[index]
    assert {"schemas.a.owner", "foreign_keys[0].parent"} <= keys


def test_yaml_syntax_error_has_position() -> None:
    problems = problems_of("version: 1\nhubs: [a, b\n")
    assert len(problems) == 1
    assert re.match(r"policy\.yaml:\d+:\d+: invalid YAML", problems[0])


def test_expired_exception_is_a_warning_not_an_error() -> None:
    text = BASE.replace(
        "exceptions: []", "exceptions:\n  - {rule: POL001, object: a.t1, reason: backfill, expires: 2025-06-30}"
    )
    policy, problems, warnings = validate_policy_text(text, "policy.yaml", today=dt.date(2026, 1, 1))
    assert problems == [] and policy is not None
    assert len(warnings) == 1 and "expired on 2025-06-30" in warnings[0] and warnings[0].startswith("policy.yaml:26:")


def test_unsafe_yaml_tags_are_rejected() -> None:
    problems = problems_of("!!python/object/apply:os.system ['echo pwned']\n")
    assert (problems and "unsupported YAML tag" in problems[0]) or "constructor" in problems[0]


def test_alias_bomb_is_bounded() -> None:
    lines = ["a: &a [x,x,x,x,x,x,x,x,x,x]"]
    for i in range(1, 9):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 10) + "]")
    problems = problems_of("\n".join(lines) + "\n")
    assert problems and "alias bomb" in problems[0]


def _run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ownaudit.cli", *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=60
    )


def test_cli_valid_policy_exits_0() -> None:
    r = _run("validate")
    assert r.returncode == 0, r.stderr
    assert "valid" in r.stdout


def test_cli_invalid_policy_exits_2_with_one_line_per_problem(tmp_path: Path) -> None:
    bad = tmp_path / "ownership.yaml"
    bad.write_text(BASE.replace("owner: hub-a", "owner: hub-x").replace("parent: a.t1,", "parent: a.nope,"))
    r = _run("validate", str(bad))
    assert r.returncode == 2
    errors = [ln for ln in r.stderr.splitlines() if ln.startswith("ownaudit: error: ")]
    assert len(errors) == 2
    assert all(f"{bad}:" in ln for ln in errors)
    assert "Traceback" not in r.stderr


def test_cli_missing_policy_is_a_one_line_error(tmp_path: Path) -> None:
    r = _run("validate", str(tmp_path / "nope.yaml"))
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and "not found" in r.stderr


def test_policy_resolution_from_pyproject_and_env(tmp_path: Path) -> None:
    import os

    (tmp_path / "custom.yaml").write_text(BASE)
    (tmp_path / "pyproject.toml").write_text('[tool.ownaudit]\npolicy = "custom.yaml"\n')
    env = {k: v for k, v in os.environ.items() if k != "OWNAUDIT_POLICY"}
    r = _run("validate", cwd=tmp_path, env=env)
    assert r.returncode == 0 and "custom.yaml" in r.stdout
    (tmp_path / "env.yaml").write_text(BASE.replace("owner: hub-a", "owner: hub-x"))
    r = _run("validate", cwd=tmp_path, env={**env, "OWNAUDIT_POLICY": str(tmp_path / "env.yaml")})
    assert r.returncode == 2 and "env.yaml" in r.stderr

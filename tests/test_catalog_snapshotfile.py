"""Snapshot files and DSN handling: round trips, one-line errors, no password anywhere."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ownaudit.catalog.model import AclItem, CatalogSnapshot, ColumnInfo, RelationInfo, RoleInfo, ServerInfo
from ownaudit.catalog.snapshotfile import loads_snapshot, read_snapshot, write_snapshot
from ownaudit.connect import display_dsn, resolve_dsn
from ownaudit.errors import UsageError


def _snapshot() -> CatalogSnapshot:
    return CatalogSnapshot(
        server=ServerInfo(
            180001,
            "PostgreSQL 18.1",
            "Marketing DB",
            "migrator",
            "auditor",
            False,
            privileges={"table": ["SELECT", "MAINTAIN"]},
        ),
        roles=[RoleInfo("migrator", 16384)],
        relations=[
            RelationInfo(
                "cl",
                "company_identity",
                16400,
                "r",
                "migrator",
                acl=[AclItem("migrator", "migrator", "SELECT")],
                columns=[ColumnInfo("id", 1, "uuid", acl=[AclItem("x", "migrator", "UPDATE")])],
            )
        ],
        query_count=14,
    )


def test_snapshot_file_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "snap.json"
    write_snapshot(_snapshot(), path)
    data = json.loads(path.read_text())
    assert (data["format"], data["version"]) == ("ownaudit.snapshot", 2)
    assert read_snapshot(path).to_dict() == _snapshot().to_dict()


def test_version_1_snapshot_is_still_read_and_keeps_its_version(tmp_path: Path) -> None:
    data = _snapshot().to_dict()
    data["version"] = 1
    for key in ("code_uses", "types", "event_triggers", "role_settings", "foreign_servers", "user_mappings"):
        del data[key]
    snap = loads_snapshot(json.dumps(data), "old.json")
    assert snap.version == 1 and snap.relations[0].qualified == _snapshot().relations[0].qualified
    assert snap.code_uses == [] and snap.types == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{not json", "invalid JSON"),
        ("[]", "expected a JSON object"),
        ('{"format": "other"}', "not an ownaudit snapshot"),
        ('{"format": "ownaudit.snapshot", "version": 99}', "unsupported snapshot version 99"),
        ('{"format": "ownaudit.snapshot", "version": 1}', "malformed snapshot"),
        (
            '{"format": "ownaudit.snapshot", "version": 1, "server": {"version_num": "x"}}',
            "malformed snapshot",
        ),
        (
            '{"format": "ownaudit.snapshot", "version": 1, "server": {}, "relations": [1]}',
            "malformed snapshot",
        ),
    ],
)
def test_bad_snapshot_is_a_one_line_usage_error(text: str, expected: str) -> None:
    with pytest.raises(UsageError) as err:
        loads_snapshot(text, "bad.json")
    assert expected in str(err.value) and str(err.value).startswith("bad.json")
    assert "\n" not in str(err.value)


def test_missing_snapshot_file(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="snapshot file not found"):
        read_snapshot(tmp_path / "nope.json")


def test_dsn_resolution_order() -> None:
    env = {"OWNAUDIT_DSN": "host=a", "DATABASE_URL": "host=b"}
    assert resolve_dsn("host=c", env) == "host=c"
    assert resolve_dsn(None, env) == "host=a"
    assert resolve_dsn(None, {"DATABASE_URL": "host=b"}) == "host=b"
    assert resolve_dsn(None, {"PGHOST": "db.example"}) == ""  # libpq's PG* environment


def test_display_dsn_decodes_names_and_hides_the_password() -> None:
    uri = (
        "postgresql://auditor:s3cr%40t@ep-x.eu-central-1.aws.neon.tech/Marketing%20DB"
        "?sslmode=require&channel_binding=require"
    )
    shown = display_dsn(uri, env={})
    assert shown == "host=ep-x.eu-central-1.aws.neon.tech dbname='Marketing DB' user=auditor"
    assert "s3cr" not in display_dsn("host=h password=s3cret dbname=d", env={})
    assert display_dsn("host=h s3cret", env={}) == "<invalid DSN>"

"""What differs between PostgreSQL majors, audited end to end on whichever major the session runs.

* PG16 per-grant membership options: ``SET FALSE, INHERIT FALSE`` gives nothing, either
  option alone gives a write path (and the path names the option).
* PG17 ``MAINTAIN``: the server's own privilege list carries it, and a non-owner holding it
  is a finding; before 17 the privilege does not exist and nothing invents it.
* A database upgraded from PG14 (``pg_upgrade`` keeps the old ACL): ``public`` still
  owned by the bootstrap superuser and granting CREATE to PUBLIC is reported.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from test_audit_helpers import World, build_world, by_rule, describe

pytestmark = pytest.mark.catalog


@pytest.fixture
def world(fresh_db: Any) -> World:
    return build_world(fresh_db.dsn)


def _writes(world: World, role: str, table: str = "outreach.people") -> list[str]:
    """Evidence lines of the cross-hub write finding of a role on a table (empty: no finding)."""
    got = by_rule(world.audit(), "AUD001", obj=table, role=world.r(role))
    return [line for f in got for line in f.evidence]


@pytest.mark.min_pg(16)
def test_pg16_membership_options_decide_the_write_path(world: World) -> None:
    reader, writer = world.r("ui_reader"), world.r("outreach_writer")
    world.sql("GRANT outreach_writer TO ui_reader WITH INHERIT FALSE, SET FALSE")
    assert not _writes(world, "ui_reader"), "a membership with neither INHERIT nor SET grants nothing"

    world.sql("REVOKE outreach_writer FROM ui_reader; GRANT outreach_writer TO ui_reader WITH INHERIT FALSE, SET TRUE")
    evidence = _writes(world, "ui_reader")
    assert f"{reader} -[member, SET]-> {writer} -[grant]-> INSERT on outreach.people" in evidence, evidence

    world.sql("REVOKE outreach_writer FROM ui_reader; GRANT outreach_writer TO ui_reader WITH INHERIT TRUE, SET FALSE")
    evidence = _writes(world, "ui_reader")
    # inherited (usable without SET ROLE): the membership edge does not claim SET
    assert any(
        re.match(rf"{reader} -\[member(, INHERIT)?\]-> {writer} -\[grant\]-> INSERT", line) for line in evidence
    ), evidence


def test_plain_membership_is_a_write_path_on_every_major(world: World) -> None:
    world.sql("GRANT outreach_writer TO ui_reader")
    assert _writes(world, "ui_reader")


def test_maintain_privilege_follows_the_server(world: World, pg_major: int) -> None:
    snapshot = world.snapshot()
    assert ("MAINTAIN" in snapshot.server.privileges["table"]) == (pg_major >= 17)
    if pg_major < 17:
        pytest.skip(f"MAINTAIN exists from PostgreSQL 17 (server is {pg_major}); checked it is not invented")
    world.sql("GRANT MAINTAIN ON outreach.people TO cl_writer")
    result = world.audit()
    found = by_rule(result, "AUD020", obj="outreach.people", role=world.r("cl_writer"))
    assert found and "MAINTAIN" in found[0].message + " ".join(found[0].evidence), describe(result)


def test_database_upgraded_from_pg14_with_public_create_is_reported(world: World, pg_major: int) -> None:
    # pg_upgrade from 14 keeps public owned by the bootstrap superuser with CREATE for PUBLIC.
    world.sql("ALTER SCHEMA public OWNER TO postgres; GRANT CREATE, USAGE ON SCHEMA public TO PUBLIC")
    result = world.audit()
    found = by_rule(result, "AUD061", obj="public", role="PUBLIC")
    assert found, describe(result)
    assert found[0].fix_sql and "REVOKE CREATE ON SCHEMA public FROM PUBLIC" in found[0].fix_sql

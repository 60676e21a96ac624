"""SQLite-only syntax sends a statement to the hub's SQLite database, but only when it is really SQLite.

A statement that names a schema the policy governs (``CREATE VIEW IF NOT EXISTS cl.v``) is meant for
the shared database whatever its syntax, and a hint inside a string, a comment or a function body is
no hint: those statements are checked, never routed out of scope. barton-outreach-core declares D1
(SQLite) databases, so a statement routed to SQLite there is not checked at all.
"""

from __future__ import annotations

import pytest

from hubkeys_support import hubs_policy, lint_at
from ownaudit.policy.model import Policy


@pytest.fixture(scope="module")
def policy() -> Policy:
    return hubs_policy()


def found(policy: Policy, sql: str) -> set[tuple[str, str, int]]:
    out = lint_at(policy, "migrations/010_views.sql", sql)
    return {(f.rule_id, f.object, f.location.line if f.location else 0) for f in out if not f.suppressed}


def test_if_not_exists_on_a_governed_schema_is_checked_not_sent_to_sqlite(policy: Policy) -> None:
    sql = (
        "CREATE VIEW IF NOT EXISTS cl.v AS SELECT 1;\n"
        "CREATE VIEW IF NOT EXISTS \"cl\".v2 AS SELECT 1;\n"
        "CREATE VIEW IF NOT EXISTS sp_blog AS SELECT * FROM outreach_blog;\n"  # SQLite: the hub's D1
        "INSERT OR IGNORE INTO cl.company_identity (company_unique_id) VALUES ('x');\n"
    )
    assert found(policy, sql) == {
        ("LNT002", "cl.v", 1),
        ("LNT002", "cl.v2", 2),
        ("LNT001", "cl.company_identity", 4),
    }


def test_a_hint_in_a_string_or_comment_does_not_route_a_write_out_of_scope(policy: Policy) -> None:
    sql = (
        "COMMENT ON TABLE cl.company_identity IS 'INSERT OR REPLACE semantics; ids were AUTOINCREMENT';\n"
        "UPDATE cl.company_identity SET legal_name = 'PRAGMA x' /* was INSERT OR IGNORE */;\n"
    )
    got = found(policy, sql)
    assert ("LNT002", "cl.company_identity", 1) in got and ("LNT001", "cl.company_identity", 2) in got

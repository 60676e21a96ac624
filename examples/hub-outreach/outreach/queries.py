"""Queries of the Outreach hub. Insert the rows into the table in batches."""

from __future__ import annotations

import os

DATABASE_URL = os.environ.get("DATABASE_URL", "postgresql://outreach_writer:${PGPASSWORD}@localhost/Marketing%20DB")

SELECT_TARGETS_SQL = """
    SELECT ct.target_id, ci.company_name
    FROM outreach.company_target AS ct
    JOIN cl.company_identity AS ci USING (company_unique_id)
    WHERE ct.status = %(status)s
"""

INSERT_PEOPLE = (
    "INSERT INTO outreach.people (target_id, full_name, email) "
    "VALUES (%s, %s, %s) "
    "ON CONFLICT (email) DO UPDATE SET full_name = EXCLUDED.full_name"
)


def record_send(cur, campaign_id: str, target_id: str) -> None:
    """Insert the send and log it."""
    cur.execute(
        "INSERT INTO outreach.send_log (campaign_id, target_id) VALUES ($1, $2)",
        (campaign_id, target_id),
    )
    print("Insert the rows into the table")  # prose, not SQL


def add_people(cur, rows: list[tuple[str, str, str]]) -> None:
    cur.executemany(INSERT_PEOPLE, rows)

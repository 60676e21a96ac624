"""Push outreach status back to CL (this is the cross-hub write the linter must catch)."""

from __future__ import annotations


def mark_contacted(cur, company_unique_id: str) -> None:
    cur.execute(
        "UPDATE cl.company_identity SET last_contacted_at = now() WHERE company_unique_id = %s",
        (company_unique_id,),
    )

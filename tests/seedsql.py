"""The seed document's SQL for tests, exactly as written (shipped as package data).

CI runs from a fresh clone, so tests never read ``../shared``; the seed's SQL is copied
verbatim into ``src/ownaudit/demo_data/`` (``test_harness.py`` checks the copy against
the seed whenever ``shared/`` is beside the checkout).
"""

from __future__ import annotations

from ownaudit.demo_data import OWNER_ROLE, SEED_ROLES, apply_seed, enforcement_sql, schema_sql, seed_file

__all__ = [
    "OWNER_ROLE",
    "SEED_ROLES",
    "apply_seed",
    "enforcement_sql",
    "extra_sql",
    "roles_sql",
    "schema_sql",
]


def extra_sql() -> str:
    """Tables the seed names but does not define (marketing.*, public.shq_error_log, two cl, one outreach)."""
    return seed_file("seed_extra.sql")


def roles_sql() -> str:
    """The seed's three service roles and the migrations owner role."""
    return seed_file("seed_roles.sql")

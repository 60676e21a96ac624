"""The seed document's database as SQL, for ``ownaudit demo`` and the tests.

Files (package data, applied in this order by :func:`apply_seed`):

* ``seed_roles.sql``: ``cl_writer``, ``outreach_writer``, ``ui_reader`` and the migrations
  owner ``"Marketing DB_owner"`` (created only when missing: roles are cluster-wide).
* ``seed_schema.sql``: the seed's schema SQL, verbatim (cl and outreach).
* ``seed_extra.sql``: tables the seed names but never defines (cl.merge_records,
  cl.retirement_records, outreach.sequences, marketing.*, public.shq_error_log).
* ``seed_enforcement.sql``: the seed's enforcement SQL (RLS + grants), verbatim.

Ownership, as on Neon: the owner role becomes the database's owner and the DDL runs
under ``SET ROLE`` to it, so every schema, table and policy is owned by it and no
hub role owns anything (an owner bypasses grants). Becoming the database owner also
gives it CREATE on the database and (PostgreSQL 15+, via ``pg_database_owner``) on
schema public.
"""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING, Any

from ownaudit.errors import IncompleteError

if TYPE_CHECKING:  # pragma: no cover
    import psycopg

OWNER_ROLE = "Marketing DB_owner"
SEED_ROLES = ("cl_writer", "outreach_writer", "ui_reader")
SEED_FILES = ("seed_roles.sql", "seed_schema.sql", "seed_extra.sql", "seed_enforcement.sql")


def seed_file(name: str, *, header: bool = True) -> str:
    """The text of one seed SQL file; ``header=False`` drops its leading comment block.

    Without the header, ``seed_schema.sql`` and ``seed_enforcement.sql`` are exactly
    the SQL as written in the seed document.
    """
    if name not in SEED_FILES:
        raise ValueError(f"unknown seed file {name!r}")
    text = resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
    if header:
        return text
    lines = text.splitlines(keepends=True)
    i = 0
    while i < len(lines) and lines[i].startswith("--"):
        i += 1
    while i < len(lines) and not lines[i].strip():
        i += 1
    return "".join(lines[i:])


def schema_sql() -> str:
    """The seed's schema SQL (cl then outreach), exactly as written in the seed."""
    return seed_file("seed_schema.sql", header=False)


def enforcement_sql() -> str:
    """The seed's enforcement SQL (RLS policies, grants), exactly as written in the seed."""
    return seed_file("seed_enforcement.sql", header=False)


def apply_seed(conn: psycopg.Connection[Any], *, enforcement: bool = True, owner: str = OWNER_ROLE) -> None:
    """Build the seed's database in the database ``conn`` is connected to, in one transaction.

    ``conn`` must be a superuser connection to a fresh database. With
    ``enforcement=False`` the RLS policies and grants of the seed are left out
    (a database as the schema SQL alone leaves it).
    """
    import psycopg
    from psycopg import sql

    steps = [f for f in SEED_FILES if enforcement or f != "seed_enforcement.sql"]
    step = "seed_roles.sql"
    try:
        with conn.transaction():
            conn.execute(seed_file("seed_roles.sql").encode())
            if owner != OWNER_ROLE:
                conn.execute(
                    sql.SQL(
                        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = {n}) THEN "
                        "EXECUTE format('CREATE ROLE %I LOGIN', {n}); END IF; END $$"
                    ).format(n=sql.Literal(owner))
                )
            step = "ownership"
            db = conn.execute("SELECT current_database()").fetchone()
            assert db is not None
            conn.execute(
                sql.SQL("ALTER DATABASE {} OWNER TO {}").format(
                    sql.Identifier(str(db[0])), sql.Identifier(owner)
                )
            )
            conn.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(owner)))
            for step in steps[1:]:
                conn.execute(seed_file(step).encode())
    except psycopg.Error as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise IncompleteError(f"applying the seed failed at {step}: {first}") from None

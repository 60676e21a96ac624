"""Where a command's catalog comes from: ``--dsn`` (live, read-only) or ``--snapshot FILE``.

``audit``, ``plan`` and ``init`` all take one of the two; this is the one place
that enforces "not both", resolves the DSN (``--dsn``, ``OWNAUDIT_DSN``,
``DATABASE_URL``, libpq's ``PG*``), validates it before connecting (exit 2 when
malformed) and reads the catalog or the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ownaudit.catalog.model import CatalogSnapshot
from ownaudit.errors import UsageError


@dataclass(frozen=True)
class LiveTarget:
    """A resolved live database: the DSN (holds secrets: never print it) and its safe parts."""

    dsn: str
    parts: dict[str, Any]


def resolve_live(dsn: str | None) -> LiveTarget:
    """Resolve and validate the DSN without connecting."""
    from ownaudit.connect import dsn_parts, resolve_dsn

    resolved = resolve_dsn(dsn)
    return LiveTarget(resolved, dsn_parts(resolved))


def check_exclusive(dsn: str | None, snapshot_path: str | None) -> None:
    if dsn and snapshot_path:
        raise UsageError("give --dsn or --snapshot, not both")


def load_catalog(dsn: str | None, snapshot_path: str | None, **read_options: Any
                 ) -> tuple[CatalogSnapshot, LiveTarget | None]:
    """The snapshot to work from, and the live target when it was read from a database.

    ``read_options`` (timeouts) go to ``read_catalog``; an unreadable catalog
    raises ``IncompleteError`` (exit 3), a bad file or DSN ``UsageError`` (exit 2).
    """
    check_exclusive(dsn, snapshot_path)
    if snapshot_path:
        from ownaudit.catalog.snapshotfile import read_snapshot

        return read_snapshot(snapshot_path), None
    from ownaudit.catalog.reader import read_catalog

    live = resolve_live(dsn)
    return read_catalog(live.dsn, **read_options), live

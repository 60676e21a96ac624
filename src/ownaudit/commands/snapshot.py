"""``ownaudit snapshot``: save everything the audit reads, so it can be audited (or diffed) offline.

Exit codes: 0 written, 2 usage error (bad DSN, unwritable file), 3 the catalog
could not be read (no file is written then).
"""

from __future__ import annotations

import click

from ownaudit.cli import run_exit
from ownaudit.errors import EXIT_CLEAN


@click.command("snapshot")
@click.option(
    "--dsn",
    default=None,
    metavar="DSN",
    help="Database to read (else OWNAUDIT_DSN, DATABASE_URL, then libpq's PG* variables).",
)
@click.option(
    "-o",
    "--output",
    default="-",
    show_default=True,
    metavar="FILE",
    help="Snapshot file to write ('-' = stdout).",
)
@click.option(
    "--schema",
    "schemas",
    multiple=True,
    metavar="NAME",
    help="Read only these schemas (repeatable; default: every user schema).",
)
@click.option(
    "--statement-timeout",
    default="120s",
    show_default=True,
    metavar="DURATION",
    help="Per-statement timeout (SET LOCAL inside the read-only transaction).",
)
@click.option(
    "--lock-timeout",
    default="5s",
    show_default=True,
    metavar="DURATION",
    help="Lock wait limit of the catalog read.",
)
@click.option(
    "--connect-timeout",
    default=10,
    show_default=True,
    type=click.IntRange(1, 3600),
    metavar="SECONDS",
    help="Connection timeout.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print no summary line.")
def snapshot(
    dsn: str | None,
    output: str,
    schemas: tuple[str, ...],
    statement_timeout: str,
    lock_timeout: str,
    connect_timeout: int,
    quiet: bool,
) -> None:
    """Read the catalog in one read-only transaction and write it as versioned JSON (no secrets)."""
    from ownaudit.catalog.reader import read_catalog
    from ownaudit.catalog.snapshotfile import write_snapshot
    from ownaudit.commands.audit import parse_duration_ms
    from ownaudit.connect import display_dsn, dsn_parts, resolve_dsn

    stmt_ms = parse_duration_ms(statement_timeout)
    lock_ms = parse_duration_ms(lock_timeout, "--lock-timeout")
    resolved = resolve_dsn(dsn)
    dsn_parts(resolved)  # a malformed DSN is a usage error (exit 2), before any connection attempt
    snap = read_catalog(
        resolved,
        schemas=list(schemas) or None,
        connect_timeout=connect_timeout,
        statement_timeout_ms=stmt_ms,
        lock_timeout_ms=lock_ms,
    )
    write_snapshot(snap, output)
    if not quiet:
        where = "stdout" if output == "-" else output
        click.echo(
            f"ownaudit: snapshot of {display_dsn(resolved)} (PostgreSQL {snap.server.major}) written to "
            f"{where}: {len(snap.relations)} relations, {len(snap.roles)} roles, "
            f"{len(snap.policies)} policies, {len(snap.functions)} functions "
            f"({snap.query_count} catalog queries)",
            err=True,
        )
    run_exit(EXIT_CLEAN)

"""``ownaudit init``: draft ``ownership.yaml`` from what a database grants today."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ownaudit.commands.timeouts import read_options, timeout_options
from ownaudit.errors import EXIT_CLEAN, UsageError


@click.command("init")
@click.option(
    "--dsn",
    default=None,
    metavar="DSN",
    help="Database to read (default: OWNAUDIT_DSN, DATABASE_URL, then libpq's PG* environment).",
)
@click.option(
    "--snapshot",
    "snapshot_path",
    default=None,
    metavar="FILE",
    help="Draft from a snapshot JSON instead of a live database.",
)
@click.option(
    "--output",
    "-o",
    "output",
    default=None,
    metavar="FILE",
    help="Write the policy to FILE (default: stdout).",
)
@click.option("--force", is_flag=True, default=False, help="Overwrite FILE if it exists.")
@click.option(
    "--no-baseline",
    "no_baseline",
    is_flag=True,
    default=False,
    help="Do not record remaining audit findings as time-boxed exceptions.",
)
@timeout_options
def init(
    dsn: str | None, snapshot_path: str | None, output: str | None, force: bool, no_baseline: bool,
    statement_timeout: str, lock_timeout: str, connect_timeout: int,
) -> None:
    """Draft a policy from a live database; hub assignments are marked '# TODO confirm'."""
    from ownaudit.draft.build import draft_policy

    # A device or FIFO (-o /dev/stdout, a pipe) is a stream, not a file a draft could overwrite.
    if output and output != "-" and Path(output).is_file() and not force:
        raise UsageError(f"{output}: already exists; use --force to overwrite it")
    from ownaudit.catalog.source import load_catalog

    snapshot, live = load_catalog(dsn, snapshot_path,
                                  **read_options(statement_timeout, lock_timeout, connect_timeout))
    host: str | None = None
    if live is None:
        source = f"snapshot {Path(str(snapshot_path)).name}"
    else:
        host = live.parts.get("host")
        if host and host.startswith("/"):
            host = None  # a Unix socket directory says nothing to a reader
        source = f"database {snapshot.server.database!r}"
    draft = draft_policy(snapshot, source=source, host=host, baseline=not no_baseline)
    if output and output != "-":
        from ownaudit.safewrite import write_text

        try:
            write_text(output, draft.text)
        except OSError as exc:
            raise UsageError(f"{output}: cannot write: {exc.strerror or exc}") from None
        click.echo(f"ownaudit: wrote {output}; review every '# TODO confirm' line", err=True)
    else:
        sys.stdout.write(draft.text)
    for note in draft.notes:
        click.echo(f"ownaudit: note: {note}", err=True)
    if draft.baselined:
        click.echo(
            f"ownaudit: {len(draft.baselined)} finding(s) the draft cannot express were recorded as "
            "exceptions marked TODO confirm",
            err=True,
        )
    sys.exit(EXIT_CLEAN)

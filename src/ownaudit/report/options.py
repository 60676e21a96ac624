"""The report options shared by every command that produces findings.

``audit`` and ``lint`` decorate themselves with ``report_options`` and hand the
collected keywords straight to ``ownaudit.report.emit.emit`` so every command
speaks the same flags and exit codes::

    @click.command()
    @report_options
    def audit(..., **report_opts: Any) -> None:
        result = ...
        run_exit(emit(result, **report_opts))

Keyword names passed on (stable, see ``emit``): ``formats``, ``outputs``,
``report_dir``, ``fail_on``, ``no_color``, ``quiet``, ``group_by``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ownaudit.errors import UsageError

FORMATS = ("console", "json", "sarif", "junit", "markdown", "html")
SEVERITIES = ("critical", "high", "medium", "low", "info")
GROUP_BY = ("hub", "rule")

F = TypeVar("F", bound=Callable[..., Any])

EXTENSIONS = {
    ".json": "json", ".sarif": "sarif", ".xml": "junit", ".md": "markdown", ".markdown": "markdown",
    ".html": "html", ".htm": "html", ".txt": "console", ".log": "console",
}


def pair_outputs(formats: tuple[str, ...], outputs: tuple[str, ...]) -> list[tuple[str, str]]:
    """Pair formats with outputs in order; extra formats go to stdout, extra outputs guess their format."""
    pairs: list[tuple[str, str]] = []
    for i, fmt in enumerate(formats):
        fmt = fmt.lower()
        if fmt not in FORMATS:
            raise UsageError(f"--format: unknown format {fmt!r} (expected one of: {', '.join(FORMATS)})")
        pairs.append((fmt, outputs[i] if i < len(outputs) else "-"))
    for dest in outputs[len(formats):]:
        guessed = EXTENSIONS.get(Path(dest).suffix.lower()) if dest != "-" else None
        if guessed is None:
            raise UsageError(f"--output {dest}: no --format given for it and its extension names no format")
        pairs.append((guessed, dest))
    return pairs


def report_options(func: F) -> F:
    """Add --format/--output/--report-dir/--fail-on/--no-color/-q/--group-by to a click command."""
    decorators = [
        click.option(
            "--format", "formats", multiple=True, type=click.Choice(FORMATS, case_sensitive=False),
            help="Report format; repeat for several (each paired in order with an --output).",
        ),
        click.option(
            "--output", "-o", "outputs", multiple=True, metavar="PATH",
            help="Where the matching --format goes ('-' = stdout; format guessed from the extension "
                 "when --format is missing).",
        ),
        click.option(
            "--report-dir", "report_dir", default=None, metavar="DIR",
            help="Write every format into DIR/<UTC date-time>/, update DIR/latest and compare with "
                 "the previous run there.",
        ),
        click.option(
            "--fail-on", "fail_on", default="high", show_default=True,
            type=click.Choice(SEVERITIES, case_sensitive=False),
            help="Exit 1 when an unsuppressed finding at or above this severity exists.",
        ),
        click.option("--no-color", "no_color", is_flag=True, default=False,
                     help="Plain text console output (also when NO_COLOR is set or output is piped)."),
        click.option("--quiet", "-q", "quiet", is_flag=True, default=False,
                     help="Console: print only a one-line summary."),
        click.option(
            "--group-by", "group_by", default="hub", show_default=True,
            type=click.Choice(GROUP_BY, case_sensitive=False),
            help="Console: group findings by owning hub or by rule.",
        ),
    ]

    @functools.wraps(func)
    def checked(*args: Any, **kwargs: Any) -> Any:
        # Pairing errors surface before the command spends minutes reading a catalog.
        pair_outputs(tuple(kwargs.get("formats") or ()), tuple(kwargs.get("outputs") or ()))
        return func(*args, **kwargs)

    wrapped: Any = checked
    for deco in reversed(decorators):
        wrapped = deco(wrapped)
    return wrapped  # type: ignore[no-any-return]

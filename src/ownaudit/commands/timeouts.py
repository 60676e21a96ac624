"""The catalog-read timeout options every command that reads a live database takes.

``audit`` defined them first; ``plan``, ``init`` and ``diff`` read the same catalog
the same way and take the same three options with the same defaults.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def timeout_options(func: F) -> F:
    """``--statement-timeout``, ``--lock-timeout`` and ``--connect-timeout``, as ``audit`` has them."""
    func = click.option("--connect-timeout", default=10, show_default=True, type=click.IntRange(1, 3600),
                        metavar="SECONDS", help="Connection timeout.")(func)
    func = click.option("--lock-timeout", default="5s", show_default=True, metavar="DURATION",
                        help="Lock wait limit of the catalog read.")(func)
    func = click.option("--statement-timeout", default="120s", show_default=True, metavar="DURATION",
                        help="Per-statement timeout of the catalog read (SET LOCAL inside the read-only "
                             "transaction).")(func)
    return func


def read_options(statement_timeout: str, lock_timeout: str, connect_timeout: int) -> dict[str, int]:
    """The options as ``read_catalog`` keywords (bad durations are usage errors, exit 2)."""
    from ownaudit.commands.audit import parse_duration_ms

    return {
        "connect_timeout": connect_timeout,
        "statement_timeout_ms": parse_duration_ms(statement_timeout),
        "lock_timeout_ms": parse_duration_ms(lock_timeout, "--lock-timeout"),
    }


@contextlib.contextmanager
def catalog_reads_with(options: dict[str, int]) -> Iterator[None]:
    """Every ``read_catalog`` call inside the block gets ``options`` unless it passes its own.

    For commands whose operand loaders call ``read_catalog`` themselves (``diff``).
    """
    from ownaudit.catalog import reader

    original = reader.read_catalog

    def with_options(source: Any, **kwargs: Any) -> Any:
        return original(source, **{**options, **kwargs})

    reader.read_catalog = with_options
    try:
        yield
    finally:
        reader.read_catalog = original

"""A spinner on stderr while a long step runs, only when a person is watching.

Piped, redirected, in CI or with NO_COLOR, nothing is printed, so logs and
machine-read output stay clean::

    with progress("reading the catalog"):
        snapshot = read_catalog(conn)
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import TextIO


def interactive(stream: TextIO | None = None) -> bool:
    """True when ``stream`` (default stderr) is a terminal and colour/animation is not disabled."""
    stream = stream or sys.stderr
    if os.environ.get("NO_COLOR") or os.environ.get("CI"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


@contextlib.contextmanager
def progress(message: str, enabled: bool | None = None) -> Iterator[None]:
    """Show ``message`` with a spinner on stderr for the duration of the block (TTY only)."""
    if not (interactive() if enabled is None else enabled):
        yield
        return
    from rich.console import Console

    with Console(stderr=True).status(message):
        yield

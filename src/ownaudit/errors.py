"""Errors that end a command, each carrying the documented exit code.

The CLI turns every one of these into a single line on stderr and its exit code;
nothing else should ever reach the user as a traceback.
"""

from __future__ import annotations

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INCOMPLETE = 3


class OwnauditError(Exception):
    """Base class: a one-line, user-facing message and an exit code."""

    exit_code: int = EXIT_USAGE

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(str(message).split()))

    @property
    def message(self) -> str:
        return str(self)


class UsageError(OwnauditError):
    """Bad arguments or unreadable input given by the user (exit 2)."""

    exit_code = EXIT_USAGE


class PolicyError(OwnauditError):
    """The policy file is invalid; carries every problem found (exit 2)."""

    exit_code = EXIT_USAGE

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        first = self.problems[0] if self.problems else "invalid policy"
        extra = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(first + extra)


class IncompleteError(OwnauditError):
    """The audit could not complete: connection, timeout, permission (exit 3)."""

    exit_code = EXIT_INCOMPLETE

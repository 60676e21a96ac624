"""The spinner never writes into piped or CI output."""

from __future__ import annotations

import io

import pytest

from ownaudit.report.progress import interactive, progress


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_spinner_only_for_a_terminal_without_ci_or_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("CI", raising=False)
    assert interactive(Tty()) is True
    assert interactive(io.StringIO()) is False
    monkeypatch.setenv("CI", "true")
    assert interactive(Tty()) is False


def test_progress_is_silent_when_not_interactive(capsys: pytest.CaptureFixture[str]) -> None:
    with progress("reading the catalog", enabled=False):
        pass
    assert capsys.readouterr() == ("", "")

"""One reader of `[tool.ownaudit]` serves the policy resolution and the linter's hub."""

from __future__ import annotations

from pathlib import Path

import pytest

from ownaudit.errors import UsageError
from ownaudit.lint.hub import pyproject_setting
from ownaudit.policy.locate import tool_config


def test_hub_and_policy_come_from_the_nearest_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.ownaudit]\nhub = "barton-outreach-core"\npolicy = "p.yaml"\n')
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    assert pyproject_setting(sub, "hub") == "barton-outreach-core"
    table, path = tool_config(sub)
    assert table["policy"] == "p.yaml" and path == tmp_path / "pyproject.toml"


def test_a_broken_pyproject_is_a_one_line_usage_error_not_silently_ignored(tmp_path: Path) -> None:
    """Regression: the linter used to ignore a broken pyproject.toml and guess the hub elsewhere."""
    (tmp_path / "pyproject.toml").write_text('[tool.ownaudit]\nhub = "unterminated\n')
    with pytest.raises(UsageError) as err:
        pyproject_setting(tmp_path, "hub")
    assert "pyproject.toml" in str(err.value) and "\n" not in str(err.value)

"""Where the policy comes from: --policy, OWNAUDIT_POLICY, pyproject.toml, or the shipped default.

The default ships inside the package so a pre-commit hook pinned to a release
also pins its policy.
"""

from __future__ import annotations

import os
import sys
from importlib import resources
from pathlib import Path

from ownaudit.errors import UsageError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

POLICY_ENV = "OWNAUDIT_POLICY"


def find_pyproject(start: Path | None = None) -> Path | None:
    """The nearest pyproject.toml at or above ``start`` (default: the current directory)."""
    here = (start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        candidate = d / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def tool_config(start: Path | None = None) -> tuple[dict[str, object], Path | None]:
    """The ``[tool.ownaudit]`` table of the nearest pyproject.toml and that file's path."""
    pyproject = find_pyproject(start)
    if pyproject is None:
        return {}, None
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"{pyproject}: cannot read [tool.ownaudit]: {exc}") from None
    table = data.get("tool", {}).get("ownaudit", {})
    return (table if isinstance(table, dict) else {}), pyproject


def shipped_policy_path() -> Path:
    """The policy shipped with the package (or the source checkout's policy/ in development)."""
    try:
        res = resources.files("ownaudit") / "_policy" / "ownership.yaml"
        if res.is_file():
            return Path(str(res))
    except (ModuleNotFoundError, FileNotFoundError):  # pragma: no cover
        pass
    return Path(__file__).resolve().parents[3] / "policy" / "ownership.yaml"


def shipped_schema_path() -> Path:
    try:
        res = resources.files("ownaudit") / "_policy" / "ownership.schema.json"
        if res.is_file():
            return Path(str(res))
    except (ModuleNotFoundError, FileNotFoundError):  # pragma: no cover
        pass
    return Path(__file__).resolve().parents[3] / "policy" / "ownership.schema.json"


def resolve_policy_path(explicit: str | os.PathLike[str] | None = None, start: Path | None = None) -> Path:
    """Apply the documented order: explicit, $OWNAUDIT_POLICY, [tool.ownaudit] policy, shipped."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(POLICY_ENV)
    if env:
        return Path(env)
    table, pyproject = tool_config(start)
    configured = table.get("policy")
    if isinstance(configured, str) and configured and pyproject is not None:
        return (pyproject.parent / configured).resolve()
    return shipped_policy_path()

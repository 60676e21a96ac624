"""Where the policy comes from: --policy, OWNAUDIT_POLICY, pyproject.toml, or the shipped default.

The default ships inside the package so a pre-commit hook pinned to a release
also pins its policy.
"""

from __future__ import annotations

import os
import sys
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


# [tool.ownaudit] keys and the type each must have: anything else is a usage error, never ignored.
TOOL_KEYS: dict[str, type] = {"hub": str, "policy": str, "exclude": list}


def tool_key_line(text: str, key: str) -> int:
    """Line of ``key = ...`` inside the ``[tool.ownaudit]`` table (1 when it cannot be told)."""
    import re

    in_table = False
    for lineno, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("["):
            in_table = re.match(r"\[\s*tool\s*\.\s*ownaudit\s*\]", stripped) is not None
            continue
        if in_table and re.match(rf"[\"']?{re.escape(key)}[\"']?\s*=", stripped):
            return lineno
    for lineno, line in enumerate(text.splitlines(), start=1):  # dotted form: tool.ownaudit.key = ...
        if re.match(rf"\s*tool\s*\.\s*ownaudit\s*\.\s*{re.escape(key)}\s*=", line):
            return lineno
    return 1


def _check_tool_table(table: dict[str, object], text: str, pyproject: Path) -> None:
    for key, value in table.items():
        if key not in TOOL_KEYS:
            import difflib

            close = difflib.get_close_matches(key, list(TOOL_KEYS), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f" (known: {', '.join(TOOL_KEYS)})"
            raise UsageError(f"{pyproject}:{tool_key_line(text, key)}: [tool.ownaudit] unknown key {key!r}{hint}")
        want = TOOL_KEYS[key]
        ok = isinstance(value, want) and (want is not list or all(isinstance(v, str) for v in value))  # type: ignore[attr-defined]
        if not ok or (want is str and not value):
            what = "a non-empty string" if want is str else "a list of strings"
            raise UsageError(f"{pyproject}:{tool_key_line(text, key)}: [tool.ownaudit] {key} must be {what}")


# pyproject.toml path -> (its text, its checked [tool.ownaudit] table): one command reads the table for
# the policy, the hub and the excludes; the file is read each time and parsed again only if it changed.
_TOOL_TABLES: dict[Path, tuple[str, dict[str, object]]] = {}


def tool_config(start: Path | None = None) -> tuple[dict[str, object], Path | None]:
    """The ``[tool.ownaudit]`` table of the nearest pyproject.toml and that file's path.

    Unknown or mistyped keys are a usage error naming file and line (with the
    closest known key): a typo such as ``hubb`` must not silently fall back to
    another hub or the shipped policy.
    """
    pyproject = find_pyproject(start)
    if pyproject is None:
        return {}, None
    try:
        text = pyproject.read_text(encoding="utf-8")
        cached = _TOOL_TABLES.get(pyproject)
        if cached is not None and cached[0] == text:
            return dict(cached[1]), pyproject
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"{pyproject}: cannot read [tool.ownaudit]: {exc}") from None
    tool = data.get("tool", {})
    table = tool.get("ownaudit", {}) if isinstance(tool, dict) else {}
    if not isinstance(table, dict):
        raise UsageError(f"{pyproject}:{tool_key_line(text, 'ownaudit')}: [tool.ownaudit] must be a table")
    _check_tool_table(table, text, pyproject)
    _TOOL_TABLES[pyproject] = (text, dict(table))
    return table, pyproject


def _shipped(name: str) -> Path:
    """``name`` as shipped inside the installed package, else in the source checkout's ``policy/``.

    A plain path next to this module (what ``importlib.resources`` answers for a
    package on disk), so the hook's common path does not load the resources machinery.
    """
    here = Path(__file__).resolve()
    installed = here.parents[1] / "_policy" / name
    if installed.is_file():
        return installed
    return here.parents[3] / "policy" / name


def shipped_policy_path() -> Path:
    """The policy shipped with the package (or the source checkout's policy/ in development)."""
    return _shipped("ownership.yaml")


def shipped_schema_path() -> Path:
    return _shipped("ownership.schema.json")


def policy_source(explicit: str | os.PathLike[str] | None = None, start: Path | None = None) -> tuple[Path, str]:
    """The policy to use and where that choice came from: ``--policy``, ``OWNAUDIT_POLICY``,
    ``pyproject.toml`` (the hub repository's own setting) or ``shipped``.

    The command line and the environment belong to whoever runs the check (a
    central CI job), so they win over the repository's own configuration.
    """
    if explicit:
        return Path(explicit), "--policy"
    env = os.environ.get(POLICY_ENV)
    if env:
        return Path(env), POLICY_ENV
    table, pyproject = tool_config(start)
    configured = table.get("policy")
    if isinstance(configured, str) and configured and pyproject is not None:
        return (pyproject.parent / configured).resolve(), "pyproject.toml"
    return shipped_policy_path(), "shipped"


def resolve_policy_path(explicit: str | os.PathLike[str] | None = None, start: Path | None = None) -> Path:
    """Apply the documented order: explicit, $OWNAUDIT_POLICY, [tool.ownaudit] policy, shipped."""
    return policy_source(explicit, start)[0]

"""Which hub a repository belongs to, and where the repository starts.

``--hub`` wins; then ``[tool.ownaudit] hub = ...`` in the nearest
``pyproject.toml``; then the repository's git remote URL matched against the
hubs' ``repository`` in the policy. The git config is read directly (no git
subprocess): a hook must start fast and work where git is not on PATH.
"""

from __future__ import annotations

import re
from pathlib import Path

from ownaudit.errors import UsageError
from ownaudit.findings import Finding, Location
from ownaudit.policy.model import Policy


def repository_root(start: Path) -> Path:
    """The hub repository's root: the nearest directory with ``.git`` or a pyproject.toml that has a
    ``[tool.ownaudit]`` table (a hub folder inside a monorepo), else ``start``."""
    start = start.resolve()
    for d in (start, *start.parents):
        if (d / ".git").exists():
            return d
        pp = d / "pyproject.toml"
        try:
            if pp.is_file() and "[tool.ownaudit]" in pp.read_text(encoding="utf-8", errors="replace"):
                return d
        except OSError:
            pass
    return start


def _git_dir(root: Path) -> Path | None:
    dot = root / ".git"
    if dot.is_dir():
        return dot
    if dot.is_file():
        m = re.match(r"gitdir:\s*(.+)", dot.read_text(encoding="utf-8", errors="replace").strip())
        if m:
            gd = Path(m.group(1).strip())
            gd = gd if gd.is_absolute() else (root / gd)
            common = gd / "commondir"
            if common.is_file():
                gd = (gd / common.read_text(encoding="utf-8").strip()).resolve()
            return gd
    return None


def remote_urls(root: Path) -> list[str]:
    """Remote URLs from the repository's git config, ``origin`` first."""
    gd = _git_dir(root)
    if gd is None or not (gd / "config").is_file():
        return []
    import configparser

    cp = configparser.ConfigParser(strict=False, interpolation=None)
    try:
        cp.read(gd / "config", encoding="utf-8")
    except (configparser.Error, OSError, UnicodeDecodeError):
        return []
    urls: list[tuple[int, str]] = []
    for section in cp.sections():
        m = re.fullmatch(r'remote\s+"(.+)"', section)
        if m and cp.has_option(section, "url"):
            urls.append((0 if m.group(1) == "origin" else 1, cp.get(section, "url")))
    return [u for _, u in sorted(urls)]


def pyproject_setting(start: Path, key: str) -> str | None:
    """``[tool.ownaudit] key`` from the nearest pyproject.toml above ``start`` (one reader: ``policy.locate``)."""
    from ownaudit.policy.locate import tool_config

    value = tool_config(start)[0].get(key)
    return value if isinstance(value, str) else None


def resolve_hub(policy: Policy, explicit: str | None, root: Path, strict: bool = False) -> str:
    """The hub id to lint for; a one-line UsageError when it cannot be determined.

    ``strict`` (the central check) never takes the repository's word for which
    hub it is: ``--hub`` or the git remote decide, and ``[tool.ownaudit] hub``
    is only compared with them (see ``hub_overrides``).
    """
    known = ", ".join(sorted(policy.hubs))
    if explicit:
        if explicit in policy.hubs:
            return explicit
        by_code = [h.id for h in policy.hubs.values() if h.code == explicit]
        if by_code:
            return by_code[0]
        raise UsageError(f"--hub {explicit}: unknown hub (policy {policy.path} knows: {known})")
    if strict:
        for url in remote_urls(root):
            hub = policy.hub_for_repository(url)
            if hub:
                return hub
        raise UsageError(
            f"--strict: cannot tell which hub {root} is without trusting its own configuration: pass --hub "
            f"or use a git remote listed in the policy (hubs: {known})"
        )
    configured = pyproject_setting(root, "hub")
    if configured:
        if configured in policy.hubs:
            return configured
        raise UsageError(f"[tool.ownaudit] hub = {configured!r}: unknown hub (policy knows: {known})")
    for url in remote_urls(root):
        hub = policy.hub_for_repository(url)
        if hub:
            return hub
    raise UsageError(
        f"cannot tell which hub {root} is: pass --hub, set [tool.ownaudit] hub in pyproject.toml, "
        f"or use a git remote listed in the policy (hubs: {known})"
    )


def hub_overrides(policy: Policy, hub: str, root: Path, strict: bool) -> tuple[list[Finding], list[str]]:
    """What the repository's ``[tool.ownaudit]`` tries to override, as findings (strict) and notices.

    Under ``--strict`` a policy path, a different hub or extra excludes in the
    hub's own pyproject.toml are each a finding (LNT021) and are not applied.
    Otherwise extra excludes apply (fast local feedback) and nothing is reported.
    """
    from ownaudit.lint import rules as R
    from ownaudit.policy.locate import tool_config, tool_key_line

    if not strict:
        return [], []
    table, pyproject = tool_config(root)
    if pyproject is None or not table:
        return [], []
    try:
        text = pyproject.read_text(encoding="utf-8")
    except OSError:
        text = ""
    try:
        shown = pyproject.relative_to(root).as_posix()
    except ValueError:
        shown = str(pyproject)
    findings: list[Finding] = []
    notices: list[str] = []

    def override(key: str, message: str) -> None:
        line = tool_key_line(text, key)
        rule = R.HUB_OVERRIDE
        findings.append(
            Finding(
                rule.id,
                rule.severity,
                rule.title,
                message,
                f"[tool.ownaudit] {key}",
                hub,
                location=Location(shown, line, 1),
                kind="configuration",
                properties={"identity": f"{shown}:{key}"},
            )
        )

    if "policy" in table:
        override("policy", f"[tool.ownaudit] policy = {table['policy']!r} would replace the central policy; "
                           f"ignored, the check uses {policy.path}")
    if "hub" in table and table["hub"] != hub:
        override("hub", f"[tool.ownaudit] hub = {table['hub']!r} claims another hub than {hub} (from --hub or "
                        "the git remote); ignored")
    if "exclude" in table:
        override("exclude", f"[tool.ownaudit] exclude = {table['exclude']!r} would hide files from the central "
                            "check; ignored, the policy's lint scope applies")
        notices.append(f"{shown}: [tool.ownaudit] exclude ignored (--strict)")
    return findings, notices


def local_excludes(root: Path) -> list[str]:
    """``[tool.ownaudit] exclude`` globs (repository-local narrowing, not applied under --strict)."""
    from ownaudit.policy.locate import tool_config

    value = tool_config(root)[0].get("exclude")
    return [str(v) for v in value] if isinstance(value, list) else []

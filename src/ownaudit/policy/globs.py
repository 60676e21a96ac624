"""Repository path globs (``**`` at any depth): the policy's path keys and the linter's scopes."""

from __future__ import annotations

import re

_GLOB_CACHE: dict[str, re.Pattern[str]] = {}


def glob_match(path: str, pattern: str) -> bool:
    """Match a '/'-separated relative path against a glob with ``**`` (any depth, including none)."""
    rx = _GLOB_CACHE.get(pattern)
    if rx is None:
        out = ""
        i = 0
        p = pattern.lstrip("/")
        while i < len(p):
            if p.startswith("**/", i):
                out += "(?:.*/)?"
                i += 3
            elif p.startswith("**", i):
                out += ".*"
                i += 2
            elif p[i] == "*":
                out += "[^/]*"
                i += 1
            elif p[i] == "?":
                out += "[^/]"
                i += 1
            else:
                out += re.escape(p[i])
                i += 1
        if pattern.endswith("/"):
            out += ".*"
        rx = re.compile(out + r"\Z")
        _GLOB_CACHE[pattern] = rx
    return rx.match(path) is not None

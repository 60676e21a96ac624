"""Where an imported Python module lives in the repository, and its parsed form, once per process.

``from app.settings import SCHEMA`` or ``from .models import Company`` is
followed to the file that defines the name, so constants and model
declarations of other modules resolve. Only files inside the repository are
read (the nearest ancestor holding ``.git`` or ``pyproject.toml`` bounds the
search), each at most once per process.
"""

from __future__ import annotations

import os
import stat
from typing import Any

MAX_MODULE_BYTES = 2 * 1024 * 1024
_ROOTS: dict[str, str] = {}
_MODULES: dict[str, Any] = {}


def repo_root(path: str) -> str:
    """The repository a file belongs to: nearest ancestor with ``.git`` or ``pyproject.toml``, else its folder."""
    d = os.path.dirname(os.path.abspath(path))
    if d in _ROOTS:
        return _ROOTS[d]
    cur = d
    found = d
    while True:
        if os.path.exists(os.path.join(cur, ".git")) or os.path.exists(os.path.join(cur, "pyproject.toml")):
            found = cur
            break
        parent = os.path.dirname(cur)
        if parent == cur:
            break
        cur = parent
    _ROOTS[d] = found
    return found


def _candidates(base: str, parts: list[str]) -> list[str]:
    p = os.path.join(base, *parts)
    return [p + ".py", os.path.join(p, "__init__.py")]


def find_module(from_file: str, module: str | None, level: int) -> str | None:
    """The file of ``module`` imported from ``from_file`` (``level`` dots of a relative import)."""
    parts = [p for p in (module or "").split(".") if p]
    if level > 0:
        base = os.path.dirname(os.path.abspath(from_file))
        for _ in range(level - 1):
            base = os.path.dirname(base)
        if not parts:
            return None
        for c in _candidates(base, parts):
            if os.path.isfile(c):
                return c
        return None
    if not parts:
        return None
    root = repo_root(from_file)
    d = os.path.dirname(os.path.abspath(from_file))
    # the file's own folder and each ancestor up to the repository root, then src/ layouts
    while True:
        for c in _candidates(d, parts):
            if os.path.isfile(c):
                return c
        if d == root or os.path.dirname(d) == d:
            break
        d = os.path.dirname(d)
    for c in _candidates(os.path.join(root, "src"), parts):
        if os.path.isfile(c):
            return c
    return None


def cached(path: str) -> Any | None:
    return _MODULES.get(path)


def store(path: str, module: Any) -> None:
    _MODULES[path] = module


def read_module(path: str) -> str | None:
    """The text of a module to follow, or None (too large, unreadable, not UTF-8)."""
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_MODULE_BYTES:  # a FIFO would block
            return None
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except (OSError, UnicodeDecodeError):
        return None

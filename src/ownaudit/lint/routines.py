"""Procedures and functions the repository defines, for ``CALL p()`` and supabase ``.rpc('p')``.

A call runs a body that is not in the calling statement. When a ``.sql`` file of
the same repository defines the routine (``CREATE [OR REPLACE] PROCEDURE|FUNCTION
name``), its statement is analysed and what its body does is reported at the
call; otherwise the call stays unanalysable. The index is built once per
repository and process, only when a call appears.
"""

from __future__ import annotations

import os
import re
import stat

from ownaudit.lint.sqlsplit import scan

_DEF = re.compile(
    r"\s*(?:(?:--[^\n]*\n|/\*.*?\*/)\s*)*CREATE\s+(?:OR\s+REPLACE\s+)?(?:PROCEDURE|FUNCTION)\s+"
    r'((?:"[^"]+"|[\w$]+)(?:\s*\.\s*(?:"[^"]+"|[\w$]+))?)',
    re.IGNORECASE | re.DOTALL,
)
_SQL_ENDINGS = (".sql", ".psql", ".pgsql")
_SKIP_DIRS = frozenset({".git", "node_modules", ".venv", "venv", "__pycache__"})
_INDEX: dict[str, dict[tuple[str | None, str], str]] = {}
MAX_FILES = 5000


def _fold(part: str) -> str:
    part = part.strip()
    return part[1:-1] if part.startswith('"') and part.endswith('"') else part.lower()


def _index(root: str) -> dict[tuple[str | None, str], str]:
    got = _INDEX.get(root)
    if got is not None:
        return got
    idx: dict[tuple[str | None, str], str] = {}
    seen = 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in _SKIP_DIRS]
        for name in filenames:
            if not name.lower().endswith(_SQL_ENDINGS):
                continue
            seen += 1
            if seen > MAX_FILES:
                break
            full = os.path.join(dirpath, name)
            try:
                if not stat.S_ISREG(os.stat(full).st_mode):  # a FIFO or device would block
                    continue
                with open(full, encoding="utf-8") as fh:
                    text = fh.read(4 * 1024 * 1024)
            except (OSError, UnicodeDecodeError):
                continue
            if "CREATE" not in text.upper():
                continue
            for s, e in scan(text).statements:
                m = _DEF.match(text, s, e)
                if m is None:
                    continue
                parts = [_fold(p) for p in re.split(r"\s*\.\s*", m.group(1))]
                schema, nm = (parts[0], parts[1]) if len(parts) == 2 else (None, parts[0])
                stmt = text[s:e]
                idx[(schema, nm)] = stmt
                idx.setdefault((None, nm), stmt)
    _INDEX[root] = idx
    return idx


def find_routine(path: str, schema: str | None, name: str) -> str | None:
    """The CREATE statement of routine ``schema.name`` in the repository of ``path``, if any."""
    from ownaudit.lint.resolve import repo_root

    idx = _index(repo_root(path))
    return idx.get((schema, name)) or (idx.get((None, name)) if schema is None else None)

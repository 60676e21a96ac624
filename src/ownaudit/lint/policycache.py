"""A per-user cache of the loaded policy, so a pre-commit hook does not re-parse YAML on every commit.

An entry is named after the policy file's path and a stamp of the code (the
ownaudit and Python versions, the modification times of the policy model and
loader) and holds the file's exact bytes next to the loaded policy: it is used
only when path, stamp and every byte match, so an edited policy or an upgraded
ownaudit never reads a stale entry (and no hash library is loaded for it). The cache lives in
``$OWNAUDIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/ownaudit``, else
``~/.cache/ownaudit``; ``OWNAUDIT_NO_CACHE=1`` turns it off. Entries are read only
from a directory and file owned by the current user and not writable by others
(they are pickles). Any problem with the cache falls back to a normal load.
"""

from __future__ import annotations

import os
import pickle
import stat
import sys
import zlib
from pathlib import Path

from ownaudit import __version__
from ownaudit.policy.model import Policy


def cache_dir() -> Path:
    explicit = os.environ.get("OWNAUDIT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ownaudit"


def _safe(path: Path) -> bool:
    """Owned by us and not writable by group or others (POSIX); always true elsewhere."""
    if not hasattr(os, "getuid"):
        return True
    try:
        st = path.stat()
    except OSError:
        return False
    return st.st_uid == os.getuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _code_stamp() -> str:
    here = Path(__file__).resolve().parents[1] / "policy"
    parts = [__version__, sys.version.split()[0]]
    for name in ("model.py", "loader.py", "semantic.py"):
        try:
            parts.append(str((here / name).stat().st_mtime_ns))
        except OSError:
            parts.append("-")
    return "|".join(parts)


def load_policy_cached(path: str | None) -> Policy:
    """Like ``load_policy(path, check_schema=False)``, served from the cache when the file is unchanged."""
    from ownaudit.policy.locate import resolve_policy_path

    if os.environ.get("OWNAUDIT_NO_CACHE"):
        return _load(path)
    try:
        p = resolve_policy_path(path)
        raw = p.read_bytes()
    except OSError:
        return _load(path)  # the loader reports the problem in its own words
    ident = f"{p.resolve()}\0{_code_stamp()}"
    d = cache_dir()
    entry = d / f"policy-{zlib.crc32(ident.encode('utf-8', 'surrogateescape')):08x}.pickle"
    if entry.is_file() and _safe(d) and _safe(entry):
        try:
            with entry.open("rb") as fh:
                stored = pickle.load(fh)
            if (isinstance(stored, tuple) and len(stored) == 3 and stored[0] == ident and stored[1] == raw
                    and isinstance(stored[2], Policy)):
                return stored[2]
        except Exception:  # a corrupt or incompatible entry: load normally and overwrite it
            pass
    policy = _load(path)
    _store(d, entry, (ident, raw, policy))
    return policy


def _load(path: str | None) -> Policy:
    from ownaudit.policy.loader import load_policy

    return load_policy(path, check_schema=False)


def _store(d: Path, entry: Path, stored: tuple[str, bytes, Policy]) -> None:
    try:
        d.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not _safe(d):
            return
        import tempfile

        fd, tmp = tempfile.mkstemp(dir=d, prefix=".policy-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(stored, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, entry)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        pass

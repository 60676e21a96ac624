"""Snapshot files: what ``ownaudit snapshot`` writes and ``ownaudit audit --snapshot`` reads.

The format (``docs/snapshot.md``) is ``CatalogSnapshot.to_dict()`` as JSON with
``format`` and ``version`` keys first. It holds no secret: the reader never
selects a password, and the connection string is not stored. Every problem with
a file is a one-line ``UsageError`` naming the file.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ownaudit.catalog.model import READABLE_VERSIONS, SNAPSHOT_FORMAT, SNAPSHOT_VERSION, CatalogSnapshot
from ownaudit.errors import UsageError
from ownaudit.safewrite import write_text

STDIO = "-"


def iter_snapshot_json(snapshot: CatalogSnapshot) -> Iterator[str]:
    """The snapshot as JSON text in chunks, one record per line (readable diffs).

    Streams record by record so a 100,000-table catalog never exists as one
    giant dict plus one giant string in memory at once.
    """
    import dataclasses

    from ownaudit.catalog.model import _plain

    yield "{\n"
    yield f' "format": {json.dumps(snapshot.format)},\n "version": {json.dumps(snapshot.version)}'
    for f in dataclasses.fields(snapshot):
        if f.name in ("format", "version"):
            continue
        value = getattr(snapshot, f.name)
        yield f",\n {json.dumps(f.name)}: "
        if isinstance(value, list):
            if not value:
                yield "[]"
                continue
            yield "[\n"
            for i, item in enumerate(value):
                yield ("  " if i == 0 else ",\n  ") + json.dumps(_plain(item), ensure_ascii=False)
            yield "\n ]"
        else:
            yield json.dumps(_plain(value), ensure_ascii=False)
    yield "\n}\n"


def dumps_snapshot(snapshot: CatalogSnapshot) -> str:
    """The snapshot as JSON text (stable key order, one record per line for readable diffs)."""
    return "".join(iter_snapshot_json(snapshot))


def write_snapshot(snapshot: CatalogSnapshot, path: str | Path) -> None:
    """Stream to ``path`` (atomically for a regular file, in place for a device or FIFO) or stdout for ``-``."""
    if str(path) == STDIO:
        for chunk in iter_snapshot_json(snapshot):
            sys.stdout.write(chunk)
        sys.stdout.flush()
        return
    try:
        write_text(path, iter_snapshot_json(snapshot), mkdir=True)
    except OSError as exc:
        raise UsageError(f"{path}: cannot write snapshot: {exc.strerror or exc}") from None


def read_snapshot(path: str | Path) -> CatalogSnapshot:
    """Load a snapshot file (``-`` = stdin); a bad file is a one-line ``UsageError``."""
    name = str(path)
    try:
        text = sys.stdin.read() if name == STDIO else Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{name}: snapshot file not found") from None
    except IsADirectoryError:
        raise UsageError(f"{name}: is a directory, not a snapshot file") from None
    except UnicodeDecodeError:
        raise UsageError(f"{name}: not a snapshot (not UTF-8 text)") from None
    except OSError as exc:
        raise UsageError(f"{name}: cannot read snapshot: {exc.strerror or exc}") from None
    return loads_snapshot(text, name)


def loads_snapshot(text: str, name: str = "<snapshot>") -> CatalogSnapshot:
    """Parse snapshot JSON text; ``name`` is used in error messages."""
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{name}:{exc.lineno}:{exc.colno}: not a snapshot (invalid JSON: {exc.msg})"
        ) from None
    except RecursionError:
        raise UsageError(f"{name}: not a snapshot (JSON nested too deeply)") from None
    if not isinstance(data, dict):
        raise UsageError(f"{name}: not a snapshot (expected a JSON object, got {type(data).__name__})")
    if data.get("format") != SNAPSHOT_FORMAT:
        raise UsageError(
            f"{name}: not an ownaudit snapshot (format is {data.get('format')!r}, "
            f"expected {SNAPSHOT_FORMAT!r})"
        )
    if data.get("version") not in READABLE_VERSIONS:
        raise UsageError(
            f"{name}: unsupported snapshot version {data.get('version')!r} "
            f"(this ownaudit reads versions {', '.join(map(str, READABLE_VERSIONS))}; writes {SNAPSHOT_VERSION})"
        )
    try:
        snapshot = CatalogSnapshot.from_dict(data)
        _check(snapshot)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        detail = f"missing key {exc}" if isinstance(exc, KeyError) else " ".join(str(exc).split())
        raise UsageError(f"{name}: malformed snapshot ({detail})") from None
    return snapshot


def _check(snapshot: CatalogSnapshot) -> None:
    """Catch wrong types early, where a later check would crash far from the file."""
    if not isinstance(snapshot.server.version_num, int):
        raise ValueError("server.version_num must be an integer")
    for rel in snapshot.relations:
        if (
            not isinstance(rel.schema, str)
            or not isinstance(rel.name, str)
            or not isinstance(rel.relkind, str)
        ):
            raise ValueError(
                f"relation {rel.schema!r}.{rel.name!r}: schema, name and relkind must be strings"
            )
        for item in rel.acl:
            if not isinstance(item.privilege, str) or not isinstance(item.grantee, str):
                raise ValueError(f"relation {rel.qualified}: ACL entries need string grantee and privilege")
    for role in snapshot.roles:
        if not isinstance(role.name, str):
            raise ValueError("roles[].name must be a string")

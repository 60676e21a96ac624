"""Turn an access path into the SQL that removes it.

A path reads ``role -[member, SET]-> other -[grant]-> INSERT on schema.table``;
the first hop is the one to cut: a membership is revoked, a grant is revoked
from its grantee, PUBLIC's grant from PUBLIC, ownership is handed back.
"""

from __future__ import annotations

import re

from ownaudit.access import AccessPath
from ownaudit.audit.context import q, qref

_HOP = re.compile(r" -\[([^\]]*)\]-> ")


def chain(path: AccessPath | str) -> list[tuple[str, str, str]]:
    """(source, label, target) hops of a path, however its hops are split."""
    text = str(path)
    parts = _HOP.split(text.strip() + " ")
    return [(parts[i - 1].strip(), parts[i].strip(), parts[i + 1].strip())
            for i in range(1, len(parts) - 1, 2)]


def revoke_sql(path: AccessPath, privilege: str, table: str, expected_owner: str | None = None) -> str:
    """SQL that cuts ``path`` at its first removable hop."""
    cols = f" ({', '.join(q(c) for c in path.columns)})" if path.columns else ""
    last = path.hops[-1] if path.hops else ""
    # The cut depends on the hops, not on the relation at the end of the path: memoised per hops with
    # the relation's name taken out (10,000 tables share a handful of paths).
    key = (path.hops[:-1], last[: -len(table)], privilege) if table and last.endswith(table) else None
    cut = _CUTS.get(key) if key is not None else None
    if cut is None:
        cut = _cut(path)
        if key is not None and not any(table in part for part in cut[1:]):
            if len(_CUTS) > 100_000:
                _CUTS.clear()
            _CUTS[key] = cut
    kind, arg1, arg2 = cut
    if kind == "member":
        return f"REVOKE {q(arg1)} FROM {q(arg2)};"
    if kind == "public":
        return f"REVOKE {privilege}{cols} ON {qref(table)} FROM PUBLIC;"
    if kind == "owner":
        target = expected_owner or "<expected owner>"
        return f"ALTER TABLE {qref(table)} OWNER TO {q(target)};"
    if kind == "superuser":
        return f"ALTER ROLE {q(arg1)} NOSUPERUSER;"
    if kind == "predefined":
        return f"REVOKE {q(arg1)} FROM {q(arg2)};"
    return f"REVOKE {privilege}{cols} ON {qref(table)} FROM {q(arg1)};"


_CUTS: dict[tuple[object, ...], tuple[str, str, str]] = {}


def _cut(path: AccessPath) -> tuple[str, str, str]:
    """(kind, argument, argument) of the first removable hop of ``path``."""
    hops = chain(path)
    for src, label, dst in hops:
        kind = label.split(",")[0].strip().lower()
        if kind.startswith("member") and dst != src:
            return ("member", dst, src)
        if kind == "public" or src == "PUBLIC":
            return ("public", "", "")
        if kind == "owner":
            return ("owner", "", "")
        if kind == "superuser":
            return ("superuser", src, "")
        if kind in ("predefined",):
            return ("predefined", dst.split()[0], src)
        if kind in ("grant", "column-grant", "column grant"):
            return ("grant", src, "")
    return ("grant", hops[0][0] if hops else "<role>", "")

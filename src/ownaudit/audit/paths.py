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
    hops = chain(path)
    cols = f" ({', '.join(q(c) for c in path.columns)})" if path.columns else ""
    for src, label, dst in hops:
        kind = label.split(",")[0].strip().lower()
        if kind.startswith("member") and dst != src:
            return f"REVOKE {q(dst)} FROM {q(src)};"
        if kind == "public" or src == "PUBLIC":
            return f"REVOKE {privilege}{cols} ON {qref(table)} FROM PUBLIC;"
        if kind == "owner":
            target = expected_owner or "<expected owner>"
            return f"ALTER TABLE {qref(table)} OWNER TO {q(target)};"
        if kind == "superuser":
            return f"ALTER ROLE {q(src)} NOSUPERUSER;"
        if kind in ("predefined",):
            return f"REVOKE {q(dst.split()[0])} FROM {q(src)};"
        if kind in ("grant", "column-grant", "column grant"):
            return f"REVOKE {privilege}{cols} ON {qref(table)} FROM {q(src)};"
    grantee = hops[0][0] if hops else "<role>"
    return f"REVOKE {privilege}{cols} ON {qref(table)} FROM {q(grantee)};"

"""Identifier folding and search-path resolution.

PostgreSQL folds unquoted identifiers to lower case and keeps quoted ones; an
unqualified name resolves through ``search_path`` (``SET search_path`` earlier in
the file, else the hub's ``lint.search_path`` from the policy, else ``public``).
Without a catalog the linter picks the first schema on the path whose policy
lists the table, else the first real schema on the path (where CREATE would put it).
"""

from __future__ import annotations

from ownaudit.lint.operations import Name
from ownaudit.policy.model import Policy, TableRef

PLACEHOLDER_PREFIX = "__ownaudit_ph"


def fold(text: str, quoted: bool) -> str:
    return text if quoted else text.lower()


def is_placeholder(text: str) -> bool:
    return PLACEHOLDER_PREFIX in text


def parse_search_path(values: list[str]) -> list[str]:
    """Clean a ``SET search_path`` value list: strip quotes, fold, keep ``$user`` out."""
    out: list[str] = []
    for v in values:
        v = v.strip()
        if not v:
            continue
        if v.startswith("'") and v.endswith("'") and len(v) >= 2:
            out.extend(parse_search_path(v[1:-1].split(",")))
            continue
        if v.startswith('"') and v.endswith('"') and len(v) >= 2:
            out.append(v[1:-1])
        else:
            out.append(v.lower())
    return out


def _real_schemas(search_path: list[str]) -> list[str]:
    return [s for s in search_path if s not in ("$user", "pg_temp", "pg_catalog")] or ["public"]


def resolve(name: Name, search_path: list[str], policy: Policy) -> TableRef:
    """The table a name refers to under ``search_path``."""
    if name.schema is not None:
        return TableRef(name.schema, name.name)
    path = _real_schemas(search_path)
    for schema in path:
        spec = policy.schemas.get(schema)
        if spec is not None and name.name in spec.tables:
            return TableRef(schema, name.name)
    return TableRef(path[0], name.name)


def resolve_schema(schema: str | None, search_path: list[str]) -> str:
    """The schema a schema-level object (function, sequence) lands in."""
    return schema if schema is not None else _real_schemas(search_path)[0]

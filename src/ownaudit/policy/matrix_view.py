"""The expected state as the seed's "Access Control Summary" tables: hubs x schemas, roles x operations.

A view of ``ExpectedState``: a schema's answer covers its listed tables and,
when the schema is governed, the tables it owns without listing them, so a
policy that declares ownership per schema shows the owner writing it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ownaudit.policy.expected import UNLISTED, compile_expected
from ownaudit.policy.model import Policy, TableRef
from ownaudit.privileges import DML_WRITE, Privilege


@dataclass(frozen=True)
class SchemaAccess:
    """What a hub may do across a schema's tables: 'full', 'partial' or 'none'."""

    read: str
    write: str


def _level(flags: list[bool]) -> str:
    if flags and all(flags):
        return "full"
    return "partial" if any(flags) else "none"


def _refs(policy: Policy, schema: str) -> list[TableRef]:
    spec = policy.schemas[schema]
    refs = [t.ref for t in spec.tables.values()]
    return [*refs, TableRef(schema, UNLISTED)] if spec.governed else refs


def hub_schema_access(policy: Policy, hub: str, schema: str) -> SchemaAccess:
    """Read/write level of ``hub`` over ``schema``: what its roles may hold, or (no roles) its code may do."""
    exp = compile_expected(policy)
    refs = _refs(policy, schema)
    roles = policy.roles_of_hub(hub)
    if roles:
        held = [frozenset().union(*(exp.table(r, ref) for r in roles)) for ref in refs]
    else:
        held = [exp.hub_table(hub, ref) for ref in refs]
    write = _level([h >= DML_WRITE for h in held])
    if write == "none" and any(h & DML_WRITE for h in held):
        write = "partial"
    return SchemaAccess(read=_level([Privilege.SELECT in h for h in held]), write=write)


def role_operation_access(policy: Policy, role: str, schema: str, privilege: Privilege) -> bool:
    """True when ``role`` may use ``privilege`` on every table of ``schema`` (listed or owned by it)."""
    exp = compile_expected(policy)
    refs = _refs(policy, schema)
    return bool(refs) and all(privilege in exp.table(role, ref) for ref in refs)

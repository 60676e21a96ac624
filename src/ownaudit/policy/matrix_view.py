"""The policy as the seed's "Access Control Summary" tables: hubs x schemas, and roles x operations."""

from __future__ import annotations

from dataclasses import dataclass

from ownaudit.policy.model import Policy
from ownaudit.privileges import DML_WRITE, Privilege


@dataclass(frozen=True)
class SchemaAccess:
    """What a hub may do across a schema's tables: 'full', 'partial' or 'none'."""

    read: str
    write: str


def _level(flags: list[bool]) -> str:
    if flags and all(flags):
        return "full"
    if any(flags):
        return "partial"
    return "none"


def hub_schema_access(policy: Policy, hub: str, schema: str) -> SchemaAccess:
    """Read/write level of ``hub`` over the listed tables of ``schema`` (by its roles' kinds)."""
    spec = policy.schemas[schema]
    refs = [t.ref for t in spec.tables.values()]
    roles = policy.roles_of_hub(hub)
    reads = [any(Privilege.SELECT in policy.allowed_privileges(r, ref) for r in roles) or
             (not roles and hub in policy.reader_hubs(ref)) for ref in refs]
    writes = [any(policy.allowed_privileges(r, ref) & DML_WRITE == DML_WRITE for r in roles) or
              (not roles and policy.writer_hubs(ref).get(hub, frozenset()) >= DML_WRITE) for ref in refs]
    some_write = [any(policy.allowed_privileges(r, ref) & DML_WRITE for r in roles) for ref in refs]
    write = _level(writes)
    if write == "none" and any(some_write):
        write = "partial"
    return SchemaAccess(read=_level(reads), write=write)


def role_operation_access(policy: Policy, role: str, schema: str, privilege: Privilege) -> bool:
    """True when ``role`` may use ``privilege`` on every listed table of ``schema``."""
    refs = [t.ref for t in policy.schemas[schema].tables.values()]
    return bool(refs) and all(privilege in policy.allowed_privileges(role, ref) for ref in refs)

"""What a table name built at run time can denote, and whether every possibility is allowed.

A placeholder in a name (``f"{schema}.people"``, ``outreach.{t}``, a knex table
from a variable) leaves a set of possible tables: the tables of the literal
schema, or of every schema the policy knows (a name with an unknown schema, or a
whole name from a placeholder, which may carry its own schema), plus a table
the matrix does not list. When the hub may do the operation on every one of them (a read where
every schema is readable, a write into a schema the hub owns), the statement
is not a cross-hub risk; when one possibility belongs to another hub, it is.
"""

from __future__ import annotations

from ownaudit.lint.names import is_placeholder
from ownaudit.lint.operations import DDL, READ, WRITE, Operation
from ownaudit.policy.model import Policy, TableRef
from ownaudit.privileges import Privilege


def every_target_allowed(op: Operation, search_path: list[str], policy: Policy, hub: str) -> bool:
    """True when each table ``op``'s unresolved name could denote is one ``hub`` may do ``op`` on."""
    nm = op.target
    if nm is None or op.action not in (READ, WRITE, DDL):
        return False
    raw = nm.raw or str(nm)
    schema_known = nm.schema is not None and not is_placeholder(nm.schema) and "<expr>" not in nm.schema
    name_known = not is_placeholder(nm.name) and nm.name != "<expr>" and "|" not in nm.name
    if schema_known:
        assert nm.schema is not None
        schemas = [nm.schema]
    elif name_known and nm.schema is None and "." not in raw:
        schemas = [s for s in search_path if s not in ("$user", "pg_temp", "pg_catalog")] or ["public"]
    else:
        # an unknown schema, or a whole name from a placeholder (which may carry its own schema)
        schemas = list(policy.schemas)
        if op.action != READ:
            return False  # it may be any hub's schema, or one the policy does not know
    for s in schemas:
        spec = policy.schemas.get(s)
        if spec is None:
            return False
        names = [nm.name] if name_known else [*spec.tables, "\0unlisted"]
        for t in names:
            if not _allowed(op, TableRef(s, t), policy, hub):
                return False
    return True


def _allowed(op: Operation, ref: TableRef, policy: Policy, hub: str) -> bool:
    spec = policy.table(ref)
    if spec is None:
        return policy.schemas.get(ref.schema) is not None  # an ungoverned schema: free for everyone
    if op.action == DDL:
        return spec.owner == hub
    if spec.owner == hub:
        return True
    privs = op.privileges or ((Privilege.SELECT,) if op.action == READ else ())
    return bool(privs) and all(policy.hub_may(hub, p, ref) for p in privs)

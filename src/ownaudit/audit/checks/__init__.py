"""One module per rule family; each exposes ``check(ctx) -> Iterable[Finding]``.

``CHECKS`` lists them in the order the engine runs them.
"""

from __future__ import annotations

CHECKS = (
    "writes",
    "missing_access",
    "structural_privileges",
    "ownership",
    "rls",
    "role_attributes",
    "create_privileges",
    "default_privileges",
    "inventory",
    "foreign_keys",
    "indirect_paths",
    "conditional_columns",
    "target_database",
    "acts_as",
    "acts_as_roles",
)

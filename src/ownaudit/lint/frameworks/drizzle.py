"""Drizzle: ``pgSchema('cl').table('x', ...)`` / ``pgTable('x', ...)`` objects used in ``db.insert/update/delete``."""

from ownaudit.lint.frameworks.base import DELETE, INSERT, UPDATE, Framework, IdentityWrites, TableCall, W

FRAMEWORK = Framework(
    "drizzle",
    "js",
    ("drizzle", "pgTable", "pgSchema"),
    tables=(
        TableCall(frozenset({"pgTable"}), name_arg=0),
        TableCall(frozenset({"table"}), name_arg=0, schema_receivers=frozenset({"pgSchema"})),
    ),
    identity=IdentityWrites(
        funcs={
            "insert": W("drizzle insert()", INSERT),
            "update": W("drizzle update()", UPDATE),
            "delete": W("drizzle delete()", DELETE),
        },
    ),
)

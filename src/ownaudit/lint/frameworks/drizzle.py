"""Drizzle: ``pgSchema('cl').table('x', ...)`` / ``pgTable('x', ...)`` objects used in ``db.insert/update/delete``."""

from ownaudit.lint.frameworks.base import (
    DELETE,
    INSERT,
    UPDATE,
    ForeignKeys,
    Framework,
    IdentityWrites,
    TableCall,
    W,
)

FRAMEWORK = Framework(
    "drizzle",
    "js",
    ("drizzle", "pgTable", "pgSchema"),
    # integer('x').references(() => other.id, { onDelete: 'cascade' }); foreignKey({ columns, foreignColumns })
    foreign_keys=ForeignKeys(
        frozenset({"references", "foreignKey"}), on_delete_methods=frozenset({"onDelete"}), ref_key="foreignColumns"
    ),
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

"""Kysely: ``db.insertInto('cl.x')``, ``updateTable``, ``deleteFrom``, ``mergeInto``, ``.withSchema('cl')``."""

from ownaudit.lint.frameworks.base import DELETE, INSERT, UPDATE, Builder, D, ForeignKeys, Framework, W

_ROOTS = frozenset({"*"})

FRAMEWORK = Framework(
    "kysely",
    "js",
    ("insertInto", "updateTable", "deleteFrom", "mergeInto", "replaceInto", "kysely", "Kysely"),
    # .addColumn('x', 'integer', (col) => col.references('cl.t.id').onDelete('cascade'))
    foreign_keys=ForeignKeys(
        frozenset({"references"}),
        on_delete_methods=frozenset({"onDelete"}),
        column_methods=frozenset({"addColumn"}),
        constraint_methods={"addForeignKeyConstraint": (1, 2)},
    ),
    builders=(
        Builder(
            roots=_ROOTS,
            table_methods=frozenset({"insertInto", "updateTable", "deleteFrom", "mergeInto", "replaceInto"}),
            schema_methods=frozenset({"withSchema"}),
            writes={
                "insertInto": W("Kysely insertInto()", INSERT),
                "replaceInto": W("Kysely replaceInto()", INSERT),
                "updateTable": W("Kysely updateTable()", UPDATE),
                "deleteFrom": W("Kysely deleteFrom()", DELETE),
                "mergeInto": W("Kysely mergeInto()", (INSERT[0], UPDATE[0], DELETE[0])),
            },
            forbids="schema",
        ),
        Builder(
            roots=_ROOTS,
            table_methods=frozenset({"createTable", "alterTable", "dropTable"}),
            schema_methods=frozenset({"withSchema"}),
            needs="schema",
            writes={
                "createTable": D("CREATE TABLE (schema builder)"),
                "alterTable": D("ALTER TABLE (schema builder)"),
                "dropTable": D("DROP TABLE (schema builder)"),
            },
        ),
    ),
)

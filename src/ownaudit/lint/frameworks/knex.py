"""knex: ``knex('cl.x')``, ``.withSchema('cl')``, ``.into()/.table()/.from()``, and ``knex.schema`` DDL."""

from ownaudit.lint.frameworks.base import (
    DELETE,
    INSERT,
    TRUNCATE,
    UPDATE,
    UPSERT,
    Builder,
    D,
    ForeignKeys,
    Framework,
    W,
)

ROOTS = frozenset({"knex", "db", "trx", "tx", "k", "pg", "database", "connection", "conn", "client", "qb"})

FRAMEWORK = Framework(
    "knex",
    "js",
    ("knex", "withSchema", ".del(", ".into("),
    # t.integer('x').references('id').inTable('cl.t').onDelete('CASCADE') inside createTable/alterTable
    foreign_keys=ForeignKeys(
        frozenset({"references"}), table_methods=frozenset({"inTable"}), on_delete_methods=frozenset({"onDelete"})
    ),
    builders=(
        Builder(
            roots=ROOTS,
            root_call=True,
            table_methods=frozenset({"table", "into", "from", "queryBuilder"}),
            schema_methods=frozenset({"withSchema"}),
            forbids="schema",
            writes={
                "insert": W("knex insert()", INSERT),
                "update": W("knex update()", UPDATE),
                "increment": W("knex increment()", UPDATE),
                "decrement": W("knex decrement()", UPDATE),
                "del": W("knex del()", DELETE),
                "delete": W("knex delete()", DELETE),
                "truncate": W("knex truncate()", TRUNCATE),
                "upsert": W("knex upsert()", UPSERT),
                "merge": W("knex onConflict().merge()", UPSERT),
            },
        ),
        Builder(
            roots=ROOTS,
            table_methods=frozenset(
                {
                    "createTable",
                    "createTableIfNotExists",
                    "alterTable",
                    "table",
                    "dropTable",
                    "dropTableIfExists",
                    "renameTable",
                    "createTableLike",
                }
            ),
            schema_methods=frozenset({"withSchema"}),
            needs="schema",
            writes={
                "createTable": D("CREATE TABLE (schema builder)"),
                "createTableIfNotExists": D("CREATE TABLE (schema builder)"),
                "createTableLike": D("CREATE TABLE (schema builder)"),
                "alterTable": D("ALTER TABLE (schema builder)"),
                "table": D("ALTER TABLE (schema builder)"),
                "dropTable": D("DROP TABLE (schema builder)"),
                "dropTableIfExists": D("DROP TABLE (schema builder)"),
                "renameTable": D("ALTER TABLE ... RENAME (schema builder)"),
            },
        ),
    ),
)

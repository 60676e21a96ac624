"""Sequelize: ``sequelize.define('x', attrs, { tableName, schema })``, ``Model.init(attrs, { tableName, schema })``
and sequelize-typescript ``@Table({ tableName, schema })`` models and their static writes; ``queryInterface``
migrations; ``references: { model, key }`` column attributes as foreign keys."""

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
    IdentityWrites,
    ModelClass,
    TableCall,
    W,
)

_QI_DDL = {
    "createTable": "CREATE TABLE",
    "dropTable": "DROP TABLE",
    "renameTable": "ALTER TABLE ... RENAME",
    "addColumn": "ALTER TABLE ... ADD COLUMN",
    "removeColumn": "ALTER TABLE ... DROP COLUMN",
    "changeColumn": "ALTER TABLE ... ALTER COLUMN",
    "renameColumn": "ALTER TABLE ... RENAME COLUMN",
    "addIndex": "CREATE INDEX",
    "removeIndex": "DROP INDEX",
    "addConstraint": "ALTER TABLE ... ADD CONSTRAINT",
    "removeConstraint": "ALTER TABLE ... DROP CONSTRAINT",
}

FRAMEWORK = Framework(
    "sequelize",
    "js",
    ("sequelize", "Sequelize"),
    tables=(
        TableCall(frozenset({"define"}), name_arg=0, schema_kw="", options_arg=2, attrs_arg=1),
        TableCall(frozenset({"init"}), name_arg=-1, schema_kw="", options_arg=1, static=True, attrs_arg=0),
    ),
    models=(ModelClass(decorators=frozenset({"Table"}), name_keys=("tableName",)),),
    builders=(
        # queryInterface.createTable('t', attrs, { schema }), addColumn({ tableName, schema }, 'c', ...)
        Builder(
            roots=frozenset({"queryInterface", "qi", "queryInterfaces"}),
            table_methods=frozenset({*_QI_DDL, "bulkInsert", "bulkUpdate", "bulkDelete"}),
            schema_kw="schema",
            dotted=True,
            writes={
                **{m: D(f"{st} (queryInterface)") for m, st in _QI_DDL.items()},
                "bulkInsert": W("queryInterface.bulkInsert()", INSERT),
                "bulkUpdate": W("queryInterface.bulkUpdate()", UPDATE),
                "bulkDelete": W("queryInterface.bulkDelete()", DELETE),
            },
        ),
    ),
    foreign_keys=ForeignKeys(
        frozenset(),
        attr_key="references",
        attr_calls={
            "define": (1, -1),
            "init": (0, -1),
            "createTable": (1, -1),
            "addColumn": (2, 1),
            "changeColumn": (2, 1),
            "addConstraint": (1, -2),
        },
    ),
    identity=IdentityWrites(
        methods={
            "create": W("Model.create()", INSERT),
            "bulkCreate": W("Model.bulkCreate()", INSERT),
            "findOrCreate": W("Model.findOrCreate()", INSERT),
            "upsert": W("Model.upsert()", UPSERT),
            "update": W("Model.update()", UPDATE),
            "increment": W("Model.increment()", UPDATE),
            "decrement": W("Model.decrement()", UPDATE),
            "destroy": W("Model.destroy()", DELETE),
            "truncate": W("Model.truncate()", TRUNCATE),
        },
    ),
)

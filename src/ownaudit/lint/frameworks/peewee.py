"""Peewee models (``Meta.table_name`` / ``Meta.schema``; default: the class name in lower case)."""

from ownaudit.lint.frameworks.base import (
    DELETE,
    INSERT,
    SAVE,
    TRUNCATE,
    UPDATE,
    ForeignKeys,
    Framework,
    IdentityWrites,
    ModelClass,
    W,
)

FRAMEWORK = Framework(
    "peewee",
    "python",
    ("peewee", "playhouse"),
    models=(
        ModelClass(
            bases=frozenset({"Model"}),
            meta="Meta",
            meta_table=("table_name", "db_table"),
            meta_schema=("schema",),
            default_name="lower",
        ),
    ),
    identity=IdentityWrites(
        methods={
            "create": W("Model.create()", INSERT),
            "insert": W("Model.insert()", INSERT),
            "insert_many": W("Model.insert_many()", INSERT),
            "insert_from": W("Model.insert_from()", INSERT),
            "replace": W("Model.replace()", SAVE),
            "replace_many": W("Model.replace_many()", SAVE),
            "bulk_create": W("Model.bulk_create()", INSERT),
            "bulk_update": W("Model.bulk_update()", UPDATE),
            "update": W("Model.update()", UPDATE),
            "delete": W("Model.delete()", DELETE),
            "delete_by_id": W("Model.delete_by_id()", DELETE),
            "truncate_table": W("Model.truncate_table()", TRUNCATE),
        },
        instance_methods={"save": W("Model.save()", SAVE), "delete_instance": W("Model.delete_instance()", DELETE)},
    ),
    # ForeignKeyField(Company, on_delete="CASCADE", column_name=...): the database's own ON DELETE
    foreign_keys=ForeignKeys(
        frozenset({"ForeignKeyField", "DeferredForeignKey"}),
        ref_kw="model",
        ref="model",
        on_delete_kw="on_delete",
        column_kw="column_name",
        column_suffix="_id",
    ),
)

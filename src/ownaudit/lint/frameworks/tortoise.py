"""Tortoise ORM models (``Meta.table`` / ``Meta.schema``; default: the class name in lower case)."""

from ownaudit.lint.frameworks.base import (
    DELETE,
    INSERT,
    SAVE,
    UPDATE,
    ForeignKeys,
    Framework,
    IdentityWrites,
    ModelClass,
    W,
)

FRAMEWORK = Framework(
    "tortoise",
    "python",
    ("tortoise",),
    models=(
        ModelClass(
            bases=frozenset({"Model"}),
            meta="Meta",
            meta_table=("table",),
            meta_schema=("schema",),
            default_name="lower",
        ),
    ),
    identity=IdentityWrites(
        methods={
            "create": W("Model.create()", INSERT),
            "bulk_create": W("Model.bulk_create()", INSERT),
            "bulk_update": W("Model.bulk_update()", UPDATE),
            "get_or_create": W("Model.get_or_create()", INSERT),
            "update_or_create": W("Model.update_or_create()", SAVE),
            "update": W("QuerySet.update()", UPDATE),
            "delete": W("QuerySet.delete()", DELETE),
        },
        instance_methods={"save": W("Model.save()", SAVE), "delete": W("Model.delete()", DELETE)},
    ),
    # fields.ForeignKeyField("models.Company", on_delete=fields.CASCADE): the constraint's own ON DELETE
    foreign_keys=ForeignKeys(
        frozenset({"ForeignKeyField", "OneToOneField"}),
        ref_kw="model_name",
        ref="model",
        on_delete_kw="on_delete",
        actions={
            "CASCADE": "cascade",
            "RESTRICT": "restrict",
            "SET_NULL": "set null",
            "SET_DEFAULT": "set default",
            "NO_ACTION": "no action",
        },
        column_kw="source_field",
        column_suffix="_id",
    ),
)

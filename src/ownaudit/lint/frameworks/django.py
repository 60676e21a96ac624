"""Django models (``Meta.db_table``; default ``<app>_<model>``) and their managers and instances."""

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

# Django emulates CASCADE, SET_NULL, PROTECT, ... in the ORM: the constraint it creates is NO ACTION.
# The DB_* options (Django 6) are the database's own ON DELETE.
_EMULATED = ("CASCADE", "PROTECT", "RESTRICT", "SET_NULL", "SET_DEFAULT", "SET", "DO_NOTHING")
FOREIGN_KEYS = ForeignKeys(
    frozenset({"ForeignKey", "OneToOneField"}),
    ref_kw="to",
    ref="model",
    on_delete_kw="on_delete",
    on_delete_arg=1,
    actions={
        **dict.fromkeys(_EMULATED, "no action"),
        "DB_CASCADE": "cascade",
        "DB_SET_NULL": "set null",
        "DB_SET_DEFAULT": "set default",
    },
    column_kw="db_column",
    column_suffix="_id",
)

FRAMEWORK = Framework(
    "django",
    "python",
    ("django",),
    models=(ModelClass(bases=frozenset({"Model"}), meta="Meta", meta_table=("db_table",), default_name="django"),),
    foreign_keys=FOREIGN_KEYS,
    identity=IdentityWrites(
        via=frozenset({"objects", "_default_manager", "_base_manager"}),
        methods={
            "create": W("Model.objects.create()", INSERT),
            "bulk_create": W("Model.objects.bulk_create()", INSERT),
            "get_or_create": W("Model.objects.get_or_create()", INSERT),
            "update_or_create": W("Model.objects.update_or_create()", SAVE),
            "bulk_update": W("Model.objects.bulk_update()", UPDATE),
            "update": W("QuerySet.update()", UPDATE),
            "delete": W("QuerySet.delete()", DELETE),
        },
        instance_methods={"save": W("Model.save()", SAVE), "delete": W("Model.delete()", DELETE)},
    ),
)

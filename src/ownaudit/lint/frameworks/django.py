"""Django models (``Meta.db_table``; default ``<app>_<model>``) and their managers and instances."""

from ownaudit.lint.frameworks.base import (
    DELETE,
    INSERT,
    SAVE,
    UPDATE,
    D,
    ForeignKeys,
    Framework,
    IdentityWrites,
    ModelClass,
    ModelOps,
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
    model_ops=ModelOps(
        frozenset({"migrations"}),
        {
            "CreateModel": D("CREATE TABLE"),
            "DeleteModel": D("DROP TABLE"),
            "RenameModel": D("ALTER TABLE ... RENAME"),
            "AlterModelTable": D("ALTER TABLE ... RENAME"),
            "AddField": D("ALTER TABLE ... ADD COLUMN"),
            "RemoveField": D("ALTER TABLE ... DROP COLUMN"),
            "AlterField": D("ALTER TABLE ... ALTER COLUMN"),
            "RenameField": D("ALTER TABLE ... RENAME COLUMN"),
            "AddIndex": D("CREATE INDEX"),
            "RemoveIndex": D("DROP INDEX"),
            "AddConstraint": D("ALTER TABLE ... ADD CONSTRAINT"),
            "RemoveConstraint": D("ALTER TABLE ... DROP CONSTRAINT"),
            "AlterUniqueTogether": D("ALTER TABLE ... ADD CONSTRAINT"),
            "AlterIndexTogether": D("CREATE INDEX"),
        },
        model_pos={
            "CreateModel": (0, "name"),
            "DeleteModel": (0, "name"),
            "RenameModel": (0, "old_name"),
            "AlterModelTable": (0, "name"),
            "AlterUniqueTogether": (0, "name"),
            "AlterIndexTogether": (0, "name"),
        },
        field_pos={"CreateModel": (1, "fields"), "AddField": (2, "field"), "AlterField": (2, "field")},
        name_pos={"AddField": (1, "name"), "AlterField": (1, "name")},
        lookups=frozenset({"get_model"}),
    ),
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

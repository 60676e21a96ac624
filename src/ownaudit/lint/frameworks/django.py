"""Django models (``Meta.db_table``; default ``<app>_<model>``) and their managers and instances."""

from ownaudit.lint.frameworks.base import DELETE, INSERT, SAVE, UPDATE, Framework, IdentityWrites, ModelClass, W

FRAMEWORK = Framework(
    "django",
    "python",
    ("django",),
    models=(ModelClass(bases=frozenset({"Model"}), meta="Meta", meta_table=("db_table",), default_name="django"),),
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

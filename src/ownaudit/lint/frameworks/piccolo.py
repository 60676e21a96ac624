"""Piccolo tables (``class X(Table, tablename="x", schema="cl")``; default: the class name in snake case)."""

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
    "piccolo",
    "python",
    ("piccolo",),
    models=(
        ModelClass(
            bases=frozenset({"Table"}),
            class_kw_table=("tablename",),
            class_kw_schema=("schema",),
            default_name="snake",
        ),
    ),
    identity=IdentityWrites(
        methods={
            "insert": W("Table.insert()", INSERT),
            "update": W("Table.update()", UPDATE),
            "delete": W("Table.delete()", DELETE),
            "create": W("Table.objects().create()", INSERT),
            "get_or_create": W("Table.objects().get_or_create()", INSERT),
            "add_m2m": W("Table.add_m2m()", INSERT),
        },
        instance_methods={"save": W("Table.save()", SAVE), "remove": W("Table.remove()", DELETE)},
    ),
    # ForeignKey(references=Company, on_delete=OnDelete.set_null); Piccolo's default is CASCADE
    foreign_keys=ForeignKeys(
        frozenset({"ForeignKey"}),
        ref_kw="references",
        ref="model",
        on_delete_kw="on_delete",
        default_on_delete="cascade",
    ),
)

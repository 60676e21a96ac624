"""Pony ORM entities (``_table_ = ("cl", "x")`` or ``"x"``; default: the class name): creating one inserts."""

from ownaudit.lint.frameworks.base import DELETE, INSERT, UPDATE, Framework, IdentityWrites, ModelClass, W

FRAMEWORK = Framework(
    "pony",
    "python",
    ("pony",),
    models=(ModelClass(bases=frozenset({"Entity"}), table_attrs=("_table_",), default_name="lower"),),
    identity=IdentityWrites(
        constructor=W("Entity(...) (insert on commit)", INSERT),
        methods={"delete": W("Entity.select().delete()", DELETE)},
        instance_methods={"delete": W("entity.delete()", DELETE), "set": W("entity.set()", UPDATE)},
    ),
)

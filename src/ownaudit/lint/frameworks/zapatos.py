"""Zapatos shortcuts: ``db.insert('cl.x', ...)``, ``db.update``, ``db.upsert``, ``db.deletes``, ``db.truncate``."""

from ownaudit.lint.frameworks.base import DELETE, INSERT, TRUNCATE, UPDATE, UPSERT, Builder, Framework, W

FRAMEWORK = Framework(
    "zapatos",
    "js",
    ("zapatos",),
    builders=(
        Builder(
            roots=frozenset({"db"}),
            table_methods=frozenset({"insert", "update", "upsert", "deletes", "truncate"}),
            writes={
                "insert": W("zapatos insert()", INSERT),
                "update": W("zapatos update()", UPDATE),
                "upsert": W("zapatos upsert()", UPSERT),
                "deletes": W("zapatos deletes()", DELETE),
                "truncate": W("zapatos truncate()", TRUNCATE),
            },
        ),
    ),
)

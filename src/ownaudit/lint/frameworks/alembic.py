"""Alembic migration operations (``op.*`` and ``batch_op.*``) with ``schema=`` and foreign keys."""

from ownaudit.lint.frameworks.base import INSERT, D, DslOp, Framework, W

_T0 = (0, "table_name")
_T1 = (1, "table_name")

FRAMEWORK = Framework(
    "alembic",
    "python",
    ("alembic",),
    dsl=(
        DslOp(
            frozenset({"op"}),
            {
                "create_table": D("CREATE TABLE"),
                "drop_table": D("DROP TABLE"),
                "rename_table": D("ALTER TABLE ... RENAME"),
                "add_column": D("ALTER TABLE ... ADD COLUMN"),
                "drop_column": D("ALTER TABLE ... DROP COLUMN"),
                "alter_column": D("ALTER TABLE ... ALTER COLUMN"),
                "create_index": D("CREATE INDEX"),
                "drop_index": D("DROP INDEX"),
                "create_unique_constraint": D("ALTER TABLE ... ADD CONSTRAINT"),
                "create_check_constraint": D("ALTER TABLE ... ADD CONSTRAINT"),
                "create_primary_key": D("ALTER TABLE ... ADD CONSTRAINT"),
                "drop_constraint": D("ALTER TABLE ... DROP CONSTRAINT"),
                "create_table_comment": D("COMMENT ON TABLE"),
                "batch_alter_table": D("ALTER TABLE"),
                "bulk_insert": W("op.bulk_insert()", INSERT),
            },
            table_pos={
                "create_table": (0, "table_name"),
                "drop_table": _T0,
                "rename_table": (0, "old_table_name"),
                "add_column": _T0,
                "drop_column": _T0,
                "alter_column": _T0,
                "create_index": _T1,
                "drop_index": _T1,
                "create_unique_constraint": (1, "table_name"),
                "create_check_constraint": (1, "table_name"),
                "create_primary_key": (1, "table_name"),
                "drop_constraint": (1, "table_name"),
                "create_table_comment": _T0,
                "batch_alter_table": _T0,
                "bulk_insert": (0, "table"),
            },
            fk_funcs=frozenset({"ForeignKey"}),
            fk_constraint_funcs=frozenset({"ForeignKeyConstraint"}),
            fk_op="create_foreign_key",
        ),
        DslOp(
            frozenset({"batch_op"}),
            {},
        ),
    ),
)

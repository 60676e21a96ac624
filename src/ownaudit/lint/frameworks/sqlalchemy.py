"""SQLAlchemy Core and ORM (and SQLModel, Flask-SQLAlchemy, which use the same calls)."""

from ownaudit.lint.frameworks.base import (
    DELETE,
    INSERT,
    SAVE,
    UPDATE,
    ForeignKeys,
    Framework,
    IdentityWrites,
    ModelClass,
    TableCall,
    W,
)

# ForeignKey('cl.x.id', ondelete=...) in a Column / mapped_column, ForeignKeyConstraint in __table_args__
FOREIGN_KEYS = ForeignKeys(
    frozenset({"ForeignKey"}),
    constraint_funcs=frozenset({"ForeignKeyConstraint"}),
    column_funcs=frozenset({"Column", "mapped_column"}),
    kw_funcs={"Field": "foreign_key"},
)

FRAMEWORK = Framework(
    "sqlalchemy",
    "python",
    ("sqlalchemy", "sqlmodel", "flask_sqlalchemy"),
    models=(
        # declarative: any class with __tablename__ (and __table_args__ = {'schema': ...})
        ModelClass(table_attrs=("__tablename__",), schema_attrs=("__table_args__",)),
        # SQLModel: ``class X(SQLModel, table=True)``, table name defaults to the class name in lower case
        ModelClass(
            bases=frozenset({"SQLModel"}),
            table_attrs=("__tablename__",),
            schema_attrs=("__table_args__",),
            default_name="lower",
            requires_kw="table",
        ),
    ),
    tables=(TableCall(frozenset({"Table", "table"}), name_arg=0, name_kw="name", schema_kw="schema"),),
    foreign_keys=FOREIGN_KEYS,
    identity=IdentityWrites(
        methods={
            "insert": W("INSERT", INSERT),
            "update": W("UPDATE", UPDATE),
            "delete": W("DELETE", DELETE),
            "bulk_insert_mappings": W("INSERT", INSERT),
            "bulk_update_mappings": W("UPDATE", UPDATE),
        },
        funcs={
            "insert": W("INSERT", INSERT),
            "update": W("UPDATE", UPDATE),
            "delete": W("DELETE", DELETE),
            "add": W("session.add()", SAVE),
            "add_all": W("session.add_all()", SAVE),
            "merge": W("session.merge()", SAVE),
            "bulk_save_objects": W("session.bulk_save_objects()", SAVE),
            "bulk_insert_mappings": W("session.bulk_insert_mappings()", INSERT),
            "bulk_update_mappings": W("session.bulk_update_mappings()", UPDATE),
        },
    ),
)

"""TypeORM and MikroORM: ``@Entity({ name | tableName, schema })`` classes, written through repositories."""

from ownaudit.lint.frameworks.base import (
    DELETE,
    INSERT,
    SAVE,
    TRUNCATE,
    UPDATE,
    UPSERT,
    ForeignKeys,
    Framework,
    IdentityWrites,
    ModelClass,
    W,
)

FRAMEWORK = Framework(
    "typeorm",
    "js",
    ("typeorm", "@mikro-orm", "@Entity"),
    # @ManyToOne(() => Company, { onDelete }) [@JoinColumn({ name })]; @OneToOne owns the key with @JoinColumn
    foreign_keys=ForeignKeys(
        frozenset(),
        decorators=frozenset({"ManyToOne"}),
        owning_decorators=frozenset({"OneToOne"}),
        join_decorators=frozenset({"JoinColumn"}),
        on_delete_keys=("onDelete", "deleteRule"),
        column_suffix="Id",
    ),
    models=(ModelClass(decorators=frozenset({"Entity"}), name_keys=("name", "tableName"), default_name="snake"),),
    identity=IdentityWrites(
        methods={
            "insert": W("repository insert()", INSERT),
            "save": W("repository save()", SAVE),
            "update": W("repository update()", UPDATE),
            "upsert": W("repository upsert()", UPSERT),
            "delete": W("repository delete()", DELETE),
            "remove": W("repository remove()", DELETE),
            "softDelete": W("repository softDelete()", UPDATE),
            "clear": W("repository clear()", TRUNCATE),
            "nativeInsert": W("MikroORM nativeInsert()", INSERT),
            "nativeUpdate": W("MikroORM nativeUpdate()", UPDATE),
            "nativeDelete": W("MikroORM nativeDelete()", DELETE),
        },
        funcs={
            "insert": W("EntityManager insert()", INSERT),
            "update": W("EntityManager update()", UPDATE),
            "delete": W("EntityManager delete()", DELETE),
            "upsert": W("EntityManager upsert()", UPSERT),
            "nativeInsert": W("MikroORM nativeInsert()", INSERT),
            "nativeUpdate": W("MikroORM nativeUpdate()", UPDATE),
            "nativeDelete": W("MikroORM nativeDelete()", DELETE),
        },
    ),
)

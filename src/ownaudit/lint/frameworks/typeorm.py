"""TypeORM and MikroORM: ``@Entity({ name | tableName, schema })`` classes, written through repositories."""

from ownaudit.lint.frameworks.base import (
    DELETE,
    INSERT,
    SAVE,
    TRUNCATE,
    UPDATE,
    UPSERT,
    Builder,
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
    # createQueryBuilder().insert().into(Company), .delete().from(Company), .update(Company) (an entity argument)
    builders=(
        Builder(
            roots=frozenset({"*"}),
            table_methods=frozenset({"into", "from", "update"}),
            needs="createQueryBuilder",
            writes={
                "insert": W("QueryBuilder insert()", INSERT),
                "delete": W("QueryBuilder delete()", DELETE),
                "softDelete": W("QueryBuilder softDelete()", UPDATE),
                "update": W("QueryBuilder update()", UPDATE),
            },
        ),
    ),
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
            "increment": W("repository increment()", UPDATE),
            "decrement": W("repository decrement()", UPDATE),
            "softRemove": W("repository softRemove()", UPDATE),
            "restore": W("repository restore()", UPDATE),
            "nativeInsert": W("MikroORM nativeInsert()", INSERT),
            "nativeUpdate": W("MikroORM nativeUpdate()", UPDATE),
            "nativeDelete": W("MikroORM nativeDelete()", DELETE),
        },
        returns_instance=frozenset(
            {"findOne", "findOneOrFail", "findOneBy", "findOneByOrFail", "create", "merge", "preload", "getReference"}
        ),
        funcs={
            "save": W("EntityManager save()", SAVE),
            "remove": W("EntityManager remove()", DELETE),
            "softRemove": W("EntityManager softRemove()", UPDATE),
            "softDelete": W("EntityManager softDelete()", UPDATE),
            "persist": W("MikroORM persist()", SAVE),
            "persistAndFlush": W("MikroORM persistAndFlush()", SAVE),
            "removeAndFlush": W("MikroORM removeAndFlush()", DELETE),
            "insertMany": W("MikroORM insertMany()", INSERT),
            "upsertMany": W("MikroORM upsertMany()", UPSERT),
            "increment": W("EntityManager increment()", UPDATE),
            "decrement": W("EntityManager decrement()", UPDATE),
            "clear": W("EntityManager clear()", TRUNCATE),
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

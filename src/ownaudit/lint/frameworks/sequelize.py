"""Sequelize: ``sequelize.define('x', attrs, { tableName, schema })`` models and their static writes."""

from ownaudit.lint.frameworks.base import (
    DELETE,
    INSERT,
    TRUNCATE,
    UPDATE,
    UPSERT,
    Framework,
    IdentityWrites,
    TableCall,
    W,
)

FRAMEWORK = Framework(
    "sequelize",
    "js",
    ("sequelize", "Sequelize"),
    tables=(TableCall(frozenset({"define"}), name_arg=0, schema_kw="", options_arg=2),),
    identity=IdentityWrites(
        methods={
            "create": W("Model.create()", INSERT),
            "bulkCreate": W("Model.bulkCreate()", INSERT),
            "findOrCreate": W("Model.findOrCreate()", INSERT),
            "upsert": W("Model.upsert()", UPSERT),
            "update": W("Model.update()", UPDATE),
            "increment": W("Model.increment()", UPDATE),
            "decrement": W("Model.decrement()", UPDATE),
            "destroy": W("Model.destroy()", DELETE),
            "truncate": W("Model.truncate()", TRUNCATE),
        },
    ),
)

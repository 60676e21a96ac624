"""Objection.js models (``static tableName = 'cl.x'`` / ``static get tableName()``) written through ``query()``."""

from ownaudit.lint.frameworks.base import (
    DELETE,
    INSERT,
    UPDATE,
    UPSERT,
    Framework,
    IdentityWrites,
    ModelClass,
    W,
)

FRAMEWORK = Framework(
    "objection",
    "js",
    ("objection", "tableName"),
    models=(ModelClass(bases=frozenset({"Model"}), static_attrs=("tableName",)),),
    identity=IdentityWrites(
        returns_instance=frozenset({"findById", "findOne", "first", "insertAndFetch"}),
        methods={
            "insert": W("Model.query().insert()", INSERT),
            "insertAndFetch": W("Model.query().insertAndFetch()", INSERT),
            "insertGraph": W("Model.query().insertGraph()", INSERT),
            "insertGraphAndFetch": W("Model.query().insertGraphAndFetch()", INSERT),
            "upsertGraph": W("Model.query().upsertGraph()", UPSERT),
            "upsertGraphAndFetch": W("Model.query().upsertGraphAndFetch()", UPSERT),
            "patch": W("Model.query().patch()", UPDATE),
            "patchAndFetch": W("Model.query().patchAndFetch()", UPDATE),
            "patchAndFetchById": W("Model.query().patchAndFetchById()", UPDATE),
            "update": W("Model.query().update()", UPDATE),
            "updateAndFetch": W("Model.query().updateAndFetch()", UPDATE),
            "updateAndFetchById": W("Model.query().updateAndFetchById()", UPDATE),
            "increment": W("Model.query().increment()", UPDATE),
            "decrement": W("Model.query().decrement()", UPDATE),
            "delete": W("Model.query().delete()", DELETE),
            "deleteById": W("Model.query().deleteById()", DELETE),
        },
    ),
)

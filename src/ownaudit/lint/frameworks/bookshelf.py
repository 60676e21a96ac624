"""Bookshelf models (``bookshelf.model('X', { tableName })``, ``Model.extend({ tableName })``) and their writes."""

from ownaudit.lint.frameworks.base import DELETE, SAVE, Framework, IdentityWrites, TableCall, W

FRAMEWORK = Framework(
    "bookshelf",
    "js",
    ("bookshelf",),
    tables=(
        TableCall(frozenset({"extend"}), name_arg=-1, schema_kw="", options_arg=0, requires_name=True),
        TableCall(frozenset({"model"}), name_arg=-1, schema_kw="", options_arg=1, requires_name=True),
    ),
    identity=IdentityWrites(
        methods={"save": W("Model.save()", SAVE), "destroy": W("Model.destroy()", DELETE)},
    ),
)

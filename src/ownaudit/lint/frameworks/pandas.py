"""pandas ``DataFrame.to_sql('t', con, schema='x')`` (and polars ``write_database``)."""

from ownaudit.lint.frameworks.base import INSERT, Builder, Framework, W

FRAMEWORK = Framework(
    "pandas",
    "python",
    ("to_sql", "write_database"),
    builders=(
        Builder(
            roots=frozenset({"*"}),
            table_methods=frozenset({"to_sql"}),
            table_kw="name",
            schema_kw="schema",
            dotted=False,
            writes={"to_sql": W("pandas to_sql()", INSERT)},
        ),
        Builder(
            roots=frozenset({"*"}),
            table_methods=frozenset({"write_database"}),
            table_kw="table_name",
            writes={"write_database": W("polars write_database()", INSERT)},
        ),
    ),
)

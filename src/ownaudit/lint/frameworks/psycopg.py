"""Driver calls that write without SQL text: psycopg2 ``copy_from``, asyncpg ``copy_*_to_table``."""

from ownaudit.lint.frameworks.base import INSERT, Builder, Framework, W

FRAMEWORK = Framework(
    "psycopg",
    "python",
    ("copy_from", "copy_records_to_table", "copy_to_table"),
    builders=(
        # cur.copy_from(f, 'cl.x', ...)
        Builder(
            roots=frozenset({"*"}),
            table_methods=frozenset({"copy_from"}),
            table_arg=1,
            table_kw="table",
            writes={"copy_from": W("COPY FROM (copy_from)", INSERT)},
        ),
        # await conn.copy_records_to_table('x', records=..., schema_name='cl')
        Builder(
            roots=frozenset({"*"}),
            table_methods=frozenset({"copy_records_to_table", "copy_to_table"}),
            table_kw="table_name",
            schema_kw="schema_name",
            dotted=False,
            writes={
                "copy_records_to_table": W("COPY FROM (copy_records_to_table)", INSERT),
                "copy_to_table": W("COPY FROM (copy_to_table)", INSERT),
            },
        ),
    ),
)

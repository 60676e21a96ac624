"""supabase-py / supabase-js / postgrest: ``client.schema('cl').from_('t').insert(...)``."""

from ownaudit.lint.frameworks.base import DELETE, INSERT, UPDATE, UPSERT, Builder, Framework, W

_WRITES = {
    "insert": W("supabase insert()", INSERT),
    "upsert": W("supabase upsert()", UPSERT),
    "update": W("supabase update()", UPDATE),
    "delete": W("supabase delete()", DELETE),
}

PYTHON = Framework(
    "supabase",
    "python",
    ("supabase", "postgrest", ".table(", ".from_("),
    builders=(
        Builder(
            roots=frozenset({"*"}),
            table_methods=frozenset({"table", "from_", "from"}),
            schema_methods=frozenset({"schema"}),
            writes=_WRITES,
            dotted=False,
        ),
    ),
    routine_calls=frozenset({"rpc"}),
)

JS = Framework(
    "supabase-js",
    "js",
    ("supabase", "postgrest", ".from("),
    builders=(
        Builder(
            roots=frozenset({"*"}),
            table_methods=frozenset({"from"}),
            schema_methods=frozenset({"schema"}),
            writes=_WRITES,
            dotted=False,
            forbids="createQueryBuilder",  # TypeORM's .delete().from(Entity)
        ),
    ),
    routine_calls=frozenset({"rpc"}),
)

"""Framework descriptions: one module per ORM, query builder, migration DSL or driver.

Each module holds one ``Framework`` value (see ``base``). The registry below
names each module with the trigger words that show a file may use it, so a
file that mentions none of them imports none of the descriptions (the
pre-commit hook pays only for what a commit uses). ``tests`` check that the
registry's words are the modules' own.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ownaudit.lint.frameworks.base import Framework

# (module, attribute, trigger words): a file whose text holds none of the words does not use the framework
PYTHON: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("sqlalchemy", "FRAMEWORK", ("sqlalchemy", "sqlmodel", "flask_sqlalchemy")),
    ("alembic", "FRAMEWORK", ("alembic",)),
    ("django", "FRAMEWORK", ("django",)),
    ("peewee", "FRAMEWORK", ("peewee", "playhouse")),
    ("tortoise", "FRAMEWORK", ("tortoise",)),
    ("pony", "FRAMEWORK", ("pony",)),
    ("piccolo", "FRAMEWORK", ("piccolo",)),
    ("psycopg", "FRAMEWORK", ("copy_from", "copy_records_to_table", "copy_to_table")),
    ("pandas", "FRAMEWORK", ("to_sql", "write_database")),
    ("supabase", "PYTHON", ("supabase", "postgrest", ".table(", ".from_(")),
)
JS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("knex", "FRAMEWORK", ("knex", "withSchema", ".del(", ".into(")),
    (
        "kysely",
        "FRAMEWORK",
        ("insertInto", "updateTable", "deleteFrom", "mergeInto", "replaceInto", "kysely", "Kysely"),
    ),
    ("drizzle", "FRAMEWORK", ("drizzle", "pgTable", "pgSchema")),
    ("prisma", "FRAMEWORK", ("prisma", "Prisma")),
    ("typeorm", "FRAMEWORK", ("typeorm", "@mikro-orm", "@Entity")),
    ("sequelize", "FRAMEWORK", ("sequelize", "Sequelize")),
    ("supabase", "JS", ("supabase", "postgrest", ".from(")),
    ("objection", "FRAMEWORK", ("objection", "tableName")),
    ("bookshelf", "FRAMEWORK", ("bookshelf",)),
    ("zapatos", "FRAMEWORK", ("zapatos",)),
)
_LOADED: dict[tuple[str, str], Framework] = {}


def _load(module: str, attr: str) -> Framework:
    key = (module, attr)
    got = _LOADED.get(key)
    if got is None:
        got = getattr(importlib.import_module(f"ownaudit.lint.frameworks.{module}"), attr)
        _LOADED[key] = got
    return got


def python_frameworks() -> tuple[Framework, ...]:
    """Every Python framework description (imports them all)."""
    return tuple(_load(m, a) for m, a, _t in PYTHON)


def js_frameworks() -> tuple[Framework, ...]:
    """Every JS/TS framework description (imports them all)."""
    return tuple(_load(m, a) for m, a, _t in JS)


def for_text(registry: tuple[tuple[str, str, tuple[str, ...]], ...], text: str) -> tuple[Framework, ...]:
    """The frameworks a file may use (any trigger word in its text), importing only those."""
    return tuple(_load(m, a) for m, a, triggers in registry if any(t in text for t in triggers))


def active(frameworks: tuple[Framework, ...], text: str) -> tuple[Framework, ...]:
    """The frameworks of ``frameworks`` whose trigger words occur in ``text``."""
    return tuple(f for f in frameworks if any(t in text for t in f.triggers))

"""Framework descriptions: one module per ORM, query builder, migration DSL or driver.

Each module holds one ``Framework`` value (see ``base``). ``for_language``
returns the descriptions whose trigger words occur in a file's text, so a file
that uses none of them pays nothing.
"""

from __future__ import annotations

from ownaudit.lint.frameworks.base import Framework

_PYTHON: tuple[Framework, ...] | None = None
_JS: tuple[Framework, ...] | None = None


def python_frameworks() -> tuple[Framework, ...]:
    global _PYTHON
    if _PYTHON is None:
        from ownaudit.lint.frameworks import alembic, django, pandas, peewee, psycopg, sqlalchemy, supabase

        _PYTHON = (
            sqlalchemy.FRAMEWORK,
            alembic.FRAMEWORK,
            django.FRAMEWORK,
            peewee.FRAMEWORK,
            psycopg.FRAMEWORK,
            pandas.FRAMEWORK,
            supabase.PYTHON,
        )
    return _PYTHON


def js_frameworks() -> tuple[Framework, ...]:
    global _JS
    if _JS is None:
        from ownaudit.lint.frameworks import drizzle, knex, kysely, prisma, sequelize, supabase, typeorm

        _JS = (
            knex.FRAMEWORK,
            kysely.FRAMEWORK,
            drizzle.FRAMEWORK,
            prisma.FRAMEWORK,
            typeorm.FRAMEWORK,
            sequelize.FRAMEWORK,
            supabase.JS,
        )
    return _JS


def active(frameworks: tuple[Framework, ...], text: str) -> tuple[Framework, ...]:
    """The frameworks a file may use: any trigger word in its text."""
    return tuple(f for f in frameworks if any(t in text for t in f.triggers))

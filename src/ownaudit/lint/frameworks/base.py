"""The declarative shapes a framework description is made of.

A framework is data, not code: which declarations give a table identity
(a model class, a table-constructor call, a schema object), and which calls
write through such an identity or through a builder that names its table.
The language extractors (``extract_python``, ``extract_js``) hold the one
matcher that applies every description, so adding a framework is a new module
with one ``Framework(...)`` value and a test.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ownaudit.lint.operations import DDL, FK, WRITE
from ownaudit.privileges import Privilege

INSERT = (Privilege.INSERT,)
UPDATE = (Privilege.UPDATE,)
DELETE = (Privilege.DELETE,)
UPSERT = (Privilege.INSERT, Privilege.UPDATE)
TRUNCATE = (Privilege.TRUNCATE,)
SAVE = (Privilege.INSERT, Privilege.UPDATE)


@dataclass(frozen=True)
class Act:
    """What one call does: an action (write/ddl/fk), the statement shown, and the privileges a write needs."""

    statement: str
    privileges: tuple[Privilege, ...] = ()
    action: str = WRITE


def W(statement: str, privileges: tuple[Privilege, ...]) -> Act:
    return Act(statement, privileges, WRITE)


def D(statement: str) -> Act:
    return Act(statement, (), DDL)


@dataclass(frozen=True)
class ModelClass:
    """A class that declares a table: ``class X(Base): __tablename__ = 't'`` or a ``Meta`` inner class.

    ``bases`` are last parts of base-class names (``Model`` matches ``models.Model``);
    ``decorators`` (JS/TS) name class decorators whose first argument is the
    table name or an options object. The name comes from the first of
    ``table_attrs`` (class attributes), ``meta_table`` (attributes of the
    ``meta`` inner class) or the decorator options ``name_keys``; else
    ``default_name`` derives it from the class name ("lower", "snake",
    "django" = ``<app>_<lower>``; "" = the class names no table).
    """

    bases: frozenset[str] = frozenset()
    decorators: frozenset[str] = frozenset()
    table_attrs: tuple[str, ...] = ()
    schema_attrs: tuple[str, ...] = ()  # a dict (or a tuple ending in one) with a "schema" key, or a string
    meta: str = ""
    meta_table: tuple[str, ...] = ()
    meta_schema: tuple[str, ...] = ()
    name_keys: tuple[str, ...] = ("name", "tableName")
    schema_keys: tuple[str, ...] = ("schema",)
    default_name: str = ""
    requires_kw: str = ""  # SQLModel: only ``class X(SQLModel, table=True)`` is a table
    class_kw_table: tuple[str, ...] = ()  # Piccolo ``class X(Table, tablename="x", schema="cl")``
    class_kw_schema: tuple[str, ...] = ()
    static_attrs: tuple[str, ...] = ()  # JS: ``static tableName = 'cl.x'`` / ``static get tableName()`` (Objection)


@dataclass(frozen=True)
class TableCall:
    """A call that returns a table object: ``Table('t', md, schema='cl')``, ``pgTable('t', {...})``.

    ``schema_receivers``: receiver calls whose first argument is the schema
    (Drizzle ``pgSchema('cl').table('t')``); ``options_arg``: position of an
    options object holding ``schema``/``tableName`` (Sequelize ``define``).
    """

    funcs: frozenset[str]
    name_arg: int = 0
    name_kw: str = ""
    schema_kw: str = "schema"
    schema_receivers: frozenset[str] = frozenset()
    options_arg: int = -1
    name_keys: tuple[str, ...] = ("tableName",)
    schema_keys: tuple[str, ...] = ("schema",)
    static: bool = False  # a static call on a class gives the class its table (Sequelize ``Model.init``)
    attrs_arg: int = -1  # position of the column attributes object (Sequelize ``references`` in it)
    requires_name: bool = False  # without a table name the call is not a table (Bookshelf ``.extend({...})``)


@dataclass(frozen=True)
class IdentityWrites:
    """Writes through a table identity.

    ``methods``: a call ``<chain>.m(...)`` whose chain starts at an identity or
    passes one to an earlier call (``users.insert()``, ``session.query(User).update()``,
    ``User.objects.filter(...).delete()``). ``funcs``: a call ``f(x, ...)`` (or
    ``recv.f(x)``) whose argument ``arg`` is an identity or an instance of one
    (``insert(users)``, ``session.add(User(...))``, ``db.insert(users)``).
    ``instance_methods``: a call on an instance of a model (``obj.save()``).
    """

    methods: dict[str, Act] = field(default_factory=dict)
    funcs: dict[str, Act] = field(default_factory=dict)
    arg: int = 0
    instance_methods: dict[str, Act] = field(default_factory=dict)
    via: frozenset[str] = frozenset()  # attributes between a model and its write (Django ``objects``)
    returns_instance: frozenset[str] = frozenset()  # calls returning an instance (``em.findOne(Company)``)
    constructor: Act | None = None  # calling the model class writes (Pony ``Company(name=...)`` inserts)


@dataclass(frozen=True)
class Builder:
    """A chain that names its table by string: knex, Kysely, supabase, ``df.to_sql``, ``copy_from``.

    A chain is read whole: ``root_call`` (``knex('cl.x')``) or any of ``table_methods``
    (``.from('x')``, ``.into('x')``) names the table (argument ``table_arg``, or keyword
    ``table_kw``), ``schema_methods`` (``.withSchema('cl')``) or keyword ``schema_kw``
    its schema, and each of ``writes`` is a write on it. A write method that is also
    a table method (``insertInto('x')``) names and writes at once.
    """

    roots: frozenset[str] = frozenset()  # chain roots that are a builder ("*" any)
    root_call: bool = False
    table_methods: frozenset[str] = frozenset()
    schema_methods: frozenset[str] = frozenset()
    writes: dict[str, Act] = field(default_factory=dict)
    table_arg: int = 0
    table_kw: str = ""
    schema_kw: str = ""
    dotted: bool = True  # "cl.x" in a table argument is schema.table
    needs: str = ""  # a link the chain must contain (knex ``schema`` for DDL builders)
    forbids: str = ""  # a link the chain must not contain
    factories: dict[str, tuple[int, tuple[str, ...]]] = field(default_factory=dict)
    # client factories whose options give the default schema: createClient(url, key, {db: {schema}})


@dataclass(frozen=True)
class DslOp:
    """A migration DSL call: ``op.add_column('t', ..., schema='cl')``.

    ``ops`` maps the call name to what it does; ``table_args`` says where the
    table is (position, keyword) for each; foreign keys declared with
    ``fk_funcs`` (``ForeignKey('cl.x.id', ondelete=...)``) inside the call are
    FK operations from that table.
    """

    receivers: frozenset[str]
    ops: dict[str, Act]
    table_pos: dict[str, tuple[int, str]] = field(default_factory=dict)  # name -> (position, keyword)
    schema_kw: str = "schema"
    fk_funcs: frozenset[str] = frozenset()
    fk_constraint_funcs: frozenset[str] = frozenset()
    fk_op: str = ""  # create_foreign_key(name, source, referent, local, remote, source_schema=, referent_schema=)


@dataclass(frozen=True)
class ModelOps:
    """Migration operations that name a model, not a table: Django ``migrations.AddField(model_name=...)``.

    The model's table is resolved as the framework would: ``db_table`` of a ``CreateModel``
    or ``AlterModelTable`` in the same migration, else the ``Meta`` of the app's models
    module (``<app>/models.py``), else the framework's default name (``<app>_<model>``);
    the app is the folder holding ``migrations/``. ``model_pos`` gives where each op
    names its model; ``field_pos`` where it holds fields (a list of ``(name, field)``
    or one ``field=`` with ``name=``), whose foreign keys are checked; ``lookups`` are
    calls that return a model by app and name (``apps.get_model('crm', 'Company')``).
    """

    receivers: frozenset[str]
    ops: dict[str, Act]
    model_pos: dict[str, tuple[int, str]] = field(default_factory=dict)
    field_pos: dict[str, tuple[int, str]] = field(default_factory=dict)
    name_pos: dict[str, tuple[int, str]] = field(default_factory=dict)  # AddField(name=): the field's name
    lookups: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ForeignKeys:
    """Foreign keys declared in a model or table declaration, checked like SQL ``REFERENCES``.

    ``funcs`` declare one (``ForeignKey('cl.x.id', ondelete=...)``, Django
    ``models.ForeignKey(Company, on_delete=...)``); the parent is argument ``ref_arg``
    (or keyword ``ref_kw``), written ``"dotted"`` (``schema.table.column``) or as a
    ``"model"`` (a model class, its name, ``'app.Model'``, ``'self'``). ON DELETE is
    keyword ``on_delete_kw`` (or argument ``on_delete_arg``); ``actions`` map a written
    value to what the database does (Django's ``CASCADE`` is emulated by the ORM: the
    constraint itself is NO ACTION). The child column is the first string argument of an
    enclosing ``column_funcs`` call, else keyword ``column_kw``, else the attribute name
    plus ``column_suffix``. ``constraint_funcs`` take (local columns, remote columns).
    """

    funcs: frozenset[str]
    ref_arg: int = 0
    ref_kw: str = ""
    ref: str = "dotted"
    on_delete_kw: str = "ondelete"
    on_delete_arg: int = -1
    default_on_delete: str = "no action"  # what an FK without an on-delete argument does (Piccolo: cascade)
    actions: dict[str, str] = field(default_factory=dict)
    constraint_funcs: frozenset[str] = frozenset()
    column_funcs: frozenset[str] = frozenset()
    column_kw: str = ""
    column_suffix: str = ""
    kw_funcs: dict[str, str] = field(default_factory=dict)  # SQLModel Field(foreign_key="cl.x.id"): the keyword
    # JS/TS: a column chain ``t.integer('x').references('id').inTable('cl.t').onDelete('CASCADE')`` or
    # ``integer('x').references(() => t.id, { onDelete })``; the child is the enclosing table declaration
    table_methods: frozenset[str] = frozenset()  # knex ``inTable('cl.t')``
    on_delete_methods: frozenset[str] = frozenset()  # ``.onDelete('cascade')``
    on_delete_keys: tuple[str, ...] = ("onDelete",)  # an options object's keys (``{ onDelete: 'cascade' }``)
    column_methods: frozenset[str] = frozenset()  # Kysely ``addColumn('x', type, (col) => col.references(...))``
    ref_key: str = ""  # Drizzle ``foreignKey({ columns, foreignColumns: [t.id] })``
    decorators: frozenset[str] = frozenset()  # TypeORM ``@ManyToOne(() => Company, { onDelete })``
    owning_decorators: frozenset[str] = frozenset()  # decorators that own the key only with a join column
    join_decorators: frozenset[str] = frozenset()  # ``@JoinColumn({ name })``
    # Sequelize: a column attribute ``{ references: { model, key }, onDelete }``; ``model`` a table name
    # or ``{ tableName, schema }``
    attr_key: str = ""
    attr_model_keys: tuple[str, ...] = ("model", "table")
    # call name -> (position of the attributes object, position of the column name; -1: the object's keys
    # name the columns, -2: the object is one constraint ``{ fields, references, onDelete }``)
    attr_calls: dict[str, tuple[int, int]] = field(default_factory=dict)
    # JS: a constraint call (position of its local columns, of the referenced table): Kysely
    # ``addForeignKeyConstraint('fk', ['x'], 'cl.t', ['id'], (cb) => cb.onDelete('cascade'))``
    constraint_methods: dict[str, tuple[int, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class ClientModels:
    """Models declared in a schema file and used through a generated client: ``prisma.company.update()``.

    ``schema_files`` are repository paths searched for the declarations; ``methods``
    the writes of a model client (``<root>.<accessor>.<method>()``).
    """

    schema_files: tuple[str, ...]
    methods: dict[str, Act]


@dataclass(frozen=True)
class Framework:
    """One framework: a name, the words that show a file uses it, and its declarations and writes."""

    name: str
    language: str  # python | js
    triggers: tuple[str, ...]  # any of these in the file text: the framework may be in use
    models: tuple[ModelClass, ...] = ()
    tables: tuple[TableCall, ...] = ()
    identity: IdentityWrites | None = None
    builders: tuple[Builder, ...] = ()
    dsl: tuple[DslOp, ...] = ()
    client_models: ClientModels | None = None
    routine_calls: frozenset[str] = frozenset()  # calls of a database function by name (supabase ``.rpc('f')``)
    foreign_keys: ForeignKeys | None = None  # FKs declared in its models and table declarations
    model_ops: ModelOps | None = None  # migration operations naming a model (Django)


__all__ = [
    "DDL",
    "DELETE",
    "FK",
    "INSERT",
    "SAVE",
    "TRUNCATE",
    "UPDATE",
    "UPSERT",
    "WRITE",
    "Act",
    "Builder",
    "ClientModels",
    "D",
    "DslOp",
    "ForeignKeys",
    "Framework",
    "IdentityWrites",
    "ModelClass",
    "ModelOps",
    "TableCall",
    "W",
]

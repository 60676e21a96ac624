"""Database writes made through JS/TS query builders, ORMs and clients, with the table resolved.

The samples under tests/data/frameworks/js are parsed with tree-sitter; each mixes cross-hub
writes with the hub's own writes and reads that must not be flagged. The linting hub is
hub-out (owns ``outreach``); ``cl`` belongs to hub-cl.
"""

from __future__ import annotations

import pytest

from ownaudit.lint.engine import lint_text
from ownaudit.policy.model import Policy
from test_lint_support import FrameworkSamples, found, make_policy

SAMPLES = FrameworkSamples("js")
DATA = SAMPLES.root
lint, line_of, got = SAMPLES.lint, SAMPLES.line_of, found


@pytest.fixture(scope="module")
def policy(tmp_path_factory: pytest.TempPathFactory) -> Policy:
    return make_policy(tmp_path_factory.mktemp("policy"))


def test_knex_tables_schemas_raw_and_schema_builder(policy: Policy) -> None:
    rel = "src/knex_jobs.ts"
    L = lambda s: line_of(rel, s)  # noqa: E731
    assert got(lint(policy, rel)) == {
        ("LNT001", "cl.company_identity", L('knex("cl.company_identity").where')),
        ("LNT001", "cl.merge_records", L(".withSchema(CL).del()")),  # schema from a constant
        ("LNT001", "cl.lifecycle_state", L('.into("cl.lifecycle_state")')),  # write before the table
        ("LNT002", "cl.company_identity", L("alterTable(")),
        ("LNT001", "cl.merge_records", L("knex.raw(")),
        ("LNT019", "<expr>", L("knex(table).del()")),
        ("LNT001", "cl.company_identity", L("TRUNCATE ${CL}.${t}")),  # loop over a literal array
        ("LNT001", "cl.lifecycle_state", L("TRUNCATE ${CL}.${t}")),
    }


def test_kysely(policy: Policy) -> None:
    rel = "src/kysely_jobs.ts"
    L = lambda s: line_of(rel, s)  # noqa: E731
    assert got(lint(policy, rel)) == {
        ("LNT001", "cl.company_identity", L("insertInto(")),
        ("LNT001", "cl.lifecycle_state", L("updateTable(")),
        ("LNT002", "cl.merge_records", L("alterTable(")),
    }


def test_drizzle_tables_declared_in_another_file(policy: Policy) -> None:
    rel = "src/drizzle_jobs.ts"
    L = lambda s: line_of(rel, s)  # noqa: E731
    fs = lint(policy, rel)
    assert got(fs) == {
        ("LNT001", "cl.company_identity", L("db.insert(companies)")),
        ("LNT001", "cl.company_identity", L("db.update(schema.companies)")),
        ("LNT001", "cl.company_identity", L("DELETE FROM ${companies}")),  # table object in sql``
    }
    ins = next(f for f in fs if "insert" in f.message)
    assert ins.location is not None and ins.location.column == 19  # the table object


def test_prisma_models_from_schema_prisma_and_raw(policy: Policy) -> None:
    rel = "src/prisma_jobs.ts"
    L = lambda s: line_of(rel, s)  # noqa: E731
    assert got(lint(policy, rel)) == {
        ("LNT001", "cl.company_identity", L("prisma.company.update")),  # @@map + @@schema
        ("LNT001", "cl.company_identity", L("tx.company.deleteMany")),
        ("LNT001", "cl.lifecycle_state", L("$executeRaw`")),
        ("LNT001", "cl.merge_records", L("$executeRawUnsafe(")),
        ("LNT001", "cl.company_identity", L("Prisma.sql`")),
    }


def test_postgres_js_slonik_and_node_postgres_config(policy: Policy) -> None:
    rel = "src/sql_clients.js"
    L = lambda s: line_of(rel, s)  # noqa: E731
    assert got(lint(policy, rel)) == {
        ("LNT001", "cl.company_identity", L('sql("cl.company_identity")')),
        ("LNT001", "cl.lifecycle_state", L("sql(TABLE)")),
        ("LNT001", "cl.merge_records", L("slonik.identifier(")),
        ("LNT001", "cl.company_identity", L('{ text: "UPDATE')),
    }


def test_supabase_clients_with_a_default_schema_and_schema_clients(policy: Policy) -> None:
    rel = "src/supabase_jobs.ts"
    L = lambda s: line_of(rel, s)  # noqa: E731
    assert got(lint(policy, rel)) == {
        ("LNT001", "cl.company_identity", L('clDb.from("company_identity")')),  # createClient {db: {schema}}
        ("LNT001", "cl.lifecycle_state", L('cl.from("lifecycle_state")')),  # a schema client in a variable
    }


def test_typeorm_entities_and_sequelize_models(policy: Policy) -> None:
    rel = "src/typeorm_jobs.ts"
    L = lambda s: line_of(rel, s)  # noqa: E731
    assert got(lint(policy, rel)) == {
        ("LNT001", "cl.company_identity", L("getRepository(Company).update")),
        ("LNT001", "cl.company_identity", L("manager.insert(Company")),
    }
    rel = "src/sequelize_jobs.js"
    assert got(lint(policy, rel)) == {
        ("LNT001", "cl.lifecycle_state", L2)
        for L2 in (line_of(rel, "Lifecycle.update("), line_of(rel, "Lifecycle.destroy("))
    }


def test_js_without_sql_does_not_load_the_parser() -> None:
    import subprocess
    import sys

    code = (
        "import sys\nfrom ownaudit.lint import extract_js\n"
        "assert extract_js.extract('export const add = (a, b) => a + b;\\n', 'a.ts') == ([], [])\n"
        "print('tree_sitter' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_rpc_and_call_resolve_to_the_routine_the_repository_defines(policy: Policy) -> None:
    rel = "src/rpc_jobs.ts"
    L = lambda s: line_of(rel, s)  # noqa: E731
    fs = lint(policy, rel)
    assert got(fs) == {
        ("LNT001", "cl.lifecycle_state", L('rpc("promote"')),  # the body in supabase/migrations writes cl
        ("LNT001", "cl.lifecycle_state", L("CALL outreach.promote")),
        ("LNT011", f"{rel}:{L('unknown_fn')}", L("unknown_fn")),  # not defined here: never a silent pass
    }
    # bump_score is defined too, and writes the hub's own table: nothing to report


def test_foreign_keys_declared_in_drizzle_tables(policy: Policy) -> None:
    """``.references(() => t.id, { onDelete })`` and ``foreignKey({...}).onDelete()``: checked like REFERENCES."""
    rel = "src/db/targets.ts"
    L = lambda s: line_of(rel, s)  # noqa: E731
    fs = lint(policy, rel)
    assert got(fs) == {
        ("LNT005", "outreach.company_target -> cl.lifecycle_state", L("lifecycle.id")),
        ("LNT006", "outreach.company_target -> cl.lifecycle_state", L("lifecycle.id")),
        ("LNT005", "outreach.people -> cl.company_identity", L("foreignColumns")),
        ("LNT006", "outreach.people -> cl.company_identity", L("foreignColumns")),
    }  # the declared RESTRICT key (companies from ./schema) and the key inside the hub are clean
    assert any("(lifecycleId)" in f.message for f in fs)  # the property names the column
    from ownaudit.lint import extract_js

    text = (DATA / rel).read_text(encoding="utf-8")
    fks = {
        (text.count("\n", 0, op.offset) + 1, str(op.target), str(op.parent))
        for op in extract_js.extract(text, str(DATA / rel))[1]
        if op.parent
    }
    assert (L("[table.id]"), "outreach.people", "outreach.people") in fks  # the callback's table: itself


def test_foreign_keys_in_knex_and_kysely_migrations(policy: Policy) -> None:
    rel = "migrations/20240101_targets.js"  # knex migration: exports.up
    L = lambda s: line_of(rel, s)  # noqa: E731
    assert got(lint(policy, rel)) == {
        ("LNT005", "outreach.company_target -> cl.lifecycle_state", L('"cl.lifecycle_state.id"')),
        ("LNT006", "outreach.company_target -> cl.lifecycle_state", L('"cl.lifecycle_state.id"')),
        ("LNT005", "outreach.people -> cl.company_identity", L('t.foreign("company_id")')),  # search path: outreach
    }
    rel = "migrations/kysely_002.ts"
    fs = lint(policy, rel)
    assert got(fs) == {
        ("LNT005", "outreach.people -> cl.company_identity", line_of(rel, "cl.company_identity.id")),
        ("LNT006", "outreach.people -> cl.company_identity", line_of(rel, "cl.company_identity.id")),
        # addForeignKeyConstraint(name, cols, table, refcols, (cb) => cb.onDelete(...))
        ("LNT005", "outreach.company_target -> cl.lifecycle_state", line_of(rel, '"cl.lifecycle_state"')),
        ("LNT006", "outreach.company_target -> cl.lifecycle_state", line_of(rel, '"cl.lifecycle_state"')),
    }
    assert any("(company_id)" in f.message for f in fs)  # the addColumn that holds the reference


def test_foreign_keys_of_typeorm_relations(policy: Policy) -> None:
    rel = "src/typeorm_fks.ts"
    L = lambda s: line_of(rel, s)  # noqa: E731
    fs = lint(policy, rel)
    assert got(fs) == {
        ("LNT005", "outreach.company_target -> cl.lifecycle_state", L("@OneToOne(() => Lifecycle")),
        ("LNT006", "outreach.company_target -> cl.lifecycle_state", L("@OneToOne(() => Lifecycle")),
        ("LNT005", "outreach.people -> cl.company_identity", L('@ManyToOne("Company"')),  # imported entity
        ("LNT006", "outreach.people -> cl.company_identity", L('@ManyToOne("Company"')),
    }  # the declared key, the inverse OneToOne (no join column) and the key inside the hub are clean
    assert any("(lifecycleId)" in f.message for f in fs) and any("(companyId)" in f.message for f in fs)


def test_sequelize_query_interface_migrations_and_model_init(policy: Policy) -> None:
    rel = "migrations/20240102-sequelize.js"
    L = lambda s: line_of(rel, s)  # noqa: E731
    assert got(lint(policy, rel)) == {
        ("LNT009", "outreach.campaigns", L('"campaigns",')),  # own schema ({ schema } option), not in the matrix
        ("LNT005", "outreach.campaigns -> cl.company_identity", L('model: { tableName: "company_identity"')),
        ("LNT006", "outreach.campaigns -> cl.company_identity", L('model: { tableName: "company_identity"')),
        ("LNT002", "cl.company_identity", L("queryInterface.addColumn(")),  # { tableName, schema }
        ("LNT005", "outreach.people -> cl.company_identity", L('table: "cl.company_identity"')),  # addConstraint
        ("LNT006", "outreach.people -> cl.company_identity", L('table: "cl.company_identity"')),
        ("LNT001", "cl.lifecycle_state", L('bulkInsert("cl.lifecycle_state"')),
    }
    rel = "src/sequelize_models.ts"
    L = lambda s: line_of(rel, s)  # noqa: E731
    assert got(lint(policy, rel)) == {
        ("LNT005", "outreach.company_target -> cl.lifecycle_state", L('"cl.lifecycle_state"')),
        ("LNT006", "outreach.company_target -> cl.lifecycle_state", L('"cl.lifecycle_state"')),
        ("LNT001", "cl.company_identity", L("Company.update(")),  # the class's table from Company.init(...)
        ("LNT001", "cl.company_identity", L("Company.destroy(")),
    }  # the declared RESTRICT reference (a model class) and the hub's own bulkCreate are clean


def test_typeorm_query_builder_and_entity_manager_writes(policy: Policy) -> None:
    """QueryBuilder ``.insert().into(Entity)``, MikroORM ``em.persist/remove`` of instances, ``manager.save``."""
    rel = "src/typeorm_manager.ts"
    L = lambda s: line_of(rel, s)  # noqa: E731
    assert got(lint(policy, rel)) == {
        ("LNT001", "cl.company_identity", L(".insert().into(Company)")),
        ("LNT001", "cl.company_identity", L(".update(Company)")),
        ("LNT001", "cl.company_identity", L(".delete().from(Company)")),
        ("LNT001", "cl.company_identity", L('createQueryBuilder("c").update()')),
        ("LNT001", "cl.company_identity", L("em.persist(new Company())")),
        ("LNT001", "cl.company_identity", L("em.persistAndFlush(em.create(")),
        ("LNT001", "cl.company_identity", L("em.remove(c)")),  # c = em.findOneOrFail(Company, id)
        ("LNT001", "cl.company_identity", L("ds.manager.save(Company")),
    }  # the hub's own entity, the select ... from(Company) read and flush() are clean


def test_objection_bookshelf_and_zapatos(policy: Policy) -> None:
    """Three more, each a few lines of description: static tableName, tableName options, a shortcut module."""
    rel = "src/objection_jobs.js"
    L = lambda s: line_of(rel, s)  # noqa: E731
    assert got(lint(policy, rel)) == {
        ("LNT001", "cl.company_identity", L("Company.query().patch(")),  # static get tableName(), via BaseModel
        ("LNT001", "cl.company_identity", L("c.$query().delete()")),  # c = Company.query().findById(id)
        ("LNT001", "cl.company_identity", L("upsertGraph(")),
    }
    rel = "src/bookshelf_jobs.js"
    L = lambda s: line_of(rel, s)  # noqa: E731
    assert got(lint(policy, rel)) == {
        ("LNT001", "cl.lifecycle_state", L("Lifecycle.forge(")),
        ("LNT001", "cl.lifecycle_state", L("new Lifecycle({ id }).destroy()")),
        ("LNT001", "cl.lifecycle_state", L("Lifecycle.where({ id }).destroy()")),
    }
    rel = "src/zapatos_jobs.ts"
    L = lambda s: line_of(rel, s)  # noqa: E731
    assert got(lint(policy, rel)) == {
        ("LNT001", "cl.company_identity", L('db.insert("cl.company_identity"')),
        ("LNT001", "cl.lifecycle_state", L('db.update("cl.lifecycle_state"')),
        ("LNT001", "cl.merge_records", L('db.deletes("cl.merge_records"')),
    }


def test_tables_imported_through_tsconfig_paths_base_url_and_package_imports(policy: Policy) -> None:
    """``@db/*`` (tsconfig paths, from an extended tsconfig with comments), ``@schema`` (an exact path),
    ``#db/*`` (package.json imports with conditions) and a baseUrl import all reach src/db/schema.ts."""
    from ownaudit.lint import extract_js

    rel = "src/alias_jobs.ts"
    L = lambda s: line_of(rel, s)  # noqa: E731
    assert got(lint(policy, rel)) == {
        ("LNT001", "cl.company_identity", L("db.insert(companies)")),
        ("LNT001", "cl.company_identity", L("db.update(schema.companies)")),
        ("LNT009", "outreach.scratch", L("db.insert(local)")),
    }
    text = (DATA / rel).read_text(encoding="utf-8")
    _frags, ops = extract_js.extract(text, str(DATA / rel))
    targets = {(text.count("\n", 0, op.offset) + 1, str(op.target)) for op in ops}
    assert (L("db.delete(people)"), "outreach.people") in targets  # resolved, and the hub's own: clean


def test_prisma_relations_are_foreign_keys_with_prisma_defaults(policy: Policy) -> None:
    """schema.prisma is linted: a relation with fields: is an FK; without onDelete Prisma's default applies
    (Restrict when required, SetNull when optional)."""
    from ownaudit.lint.engine import file_kind

    assert file_kind("prisma/schema.prisma") == "prisma"
    rel = "prisma/schema.prisma"
    path = DATA / rel
    fs = lint_text(path.read_text(encoding="utf-8"), rel, "prisma", policy, "hub-out", str(path)).findings
    L = lambda s: line_of(rel, s)  # noqa: E731
    assert got(fs) == {
        ("LNT005", "outreach.company_target -> cl.lifecycle_state", L("lifecycle       Lifecycle?")),
        ("LNT006", "outreach.company_target -> cl.lifecycle_state", L("lifecycle       Lifecycle?")),  # SetNull
        ("LNT005", "outreach.people -> cl.company_identity", L('@relation("contactCompany"')),
        ("LNT006", "outreach.people -> cl.company_identity", L('@relation("contactCompany"')),
    }  # the declared Restrict key, its @map column, and the relation inside the hub are clean
    assert any("(lifecycle_id)" in f.message for f in fs)  # the @map of the relation's field

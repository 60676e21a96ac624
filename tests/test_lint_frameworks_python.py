"""Database writes made through Python ORMs, migration DSLs and drivers, with the table resolved.

Each sample under tests/data/frameworks/python is written as a hub team writes code and mixes
cross-hub writes with clean lines (the hub's own tables, reads) that must not be flagged.
The linting hub is hub-out (owns ``outreach``); ``cl`` belongs to hub-cl.
"""

from __future__ import annotations

import pytest

from ownaudit.policy.model import Policy
from test_lint_support import FrameworkSamples, found, make_policy

SAMPLES = FrameworkSamples("python")
DATA = SAMPLES.root
lint, line_of, got = SAMPLES.lint, SAMPLES.line_of, found


@pytest.fixture(scope="module")
def policy(tmp_path_factory: pytest.TempPathFactory) -> Policy:
    return make_policy(tmp_path_factory.mktemp("policy"))


def test_sqlalchemy_orm_and_core_with_models_and_constants_from_other_modules(policy: Policy) -> None:
    rel = "app/jobs.py"
    fs = lint(policy, rel)
    L = lambda s: line_of(rel, s)  # noqa: E731
    assert got(fs) == {
        ("LNT001", "cl.company_identity", L('session.add(Company(name="x"))')),
        ("LNT001", "cl.company_identity", L("update(Company)")),
        ("LNT001", "cl.company_identity", L("session.query(Company)")),
        ("LNT001", "cl.lifecycle_state", L("lifecycle.insert()")),
        ("LNT001", "cl.company_identity", L("session.delete(c)")),
        ("LNT001", "cl.merge_records", L("{CL_SCHEMA}.merge_records")),
        ("LNT001", "cl.lifecycle_state", L(".format(s=settings.CL_SCHEMA)")),
        ("LNT001", "cl.company_identity", L("TRUNCATE {CL_SCHEMA}.{t}")),
        ("LNT001", "cl.lifecycle_state", L("TRUNCATE {CL_SCHEMA}.{t}")),
        ("LNT019", "{rows}", L('"TRUNCATE %s" % rows')),
        ("LNT001", "cl.merge_records", L('" ".join(')),
        ("LNT001", "cl.merge_records", L("session.add(MergeRecord())")),  # schema from a base's __table_args__
    }
    add = next(f for f in fs if "session.add" in f.message)
    assert add.location is not None and add.location.column == 17  # the model class, where the table comes from
    # the ORM model and the Table object came from app/models.py, their schema from app/settings.py


def test_alembic_operations_schema_and_foreign_keys(policy: Policy) -> None:
    rel = "migrations/versions/0001_init.py"
    fs = lint(policy, rel)
    L = lambda s: line_of(rel, s)  # noqa: E731
    assert got(fs) == {
        ("LNT009", "outreach.campaigns", L('"campaigns",')),  # own schema, but not in the matrix
        ("LNT005", "outreach.campaigns -> cl.company_identity", L("sa.ForeignKey(")),
        ("LNT006", "outreach.campaigns -> cl.company_identity", L("sa.ForeignKey(")),
        ("LNT002", "cl.company_identity", L('op.add_column("company_identity"')),
        ("LNT002", "cl.lifecycle_state", L("op.drop_constraint")),
        ("LNT005", "outreach.people -> cl.company_identity", L('"people", "company_identity"')),
        ("LNT006", "outreach.people -> cl.company_identity", L('"people", "company_identity"')),
        ("LNT002", "cl.merge_records", L("op.batch_alter_table")),
        ("LNT001", "cl.company_identity", L("op.bulk_insert")),
        ("LNT001", "cl.lifecycle_state", L("op.execute")),
        ("LNT001", "cl.merge_records", L("op.get_bind()")),
    }
    cascade = next(f for f in fs if f.rule_id == "LNT006" and "CASCADE" in f.message)
    assert cascade.location is not None and cascade.location.line == L("sa.ForeignKey(")


def test_psycopg_composition_copy_and_asyncpg(policy: Policy) -> None:
    rel = "shop/db.py"
    fs = lint(policy, rel)
    L = lambda s: line_of(rel, s)  # noqa: E731
    assert got(fs) == {
        ("LNT001", "cl.company_identity", L(".format(TABLE)")),  # sql.Identifier held in a module constant
        ("LNT001", "cl.merge_records", L('sql.Identifier("merge_records")')),
        ("LNT001", "cl.lifecycle_state", L("cur.copy(")),
        ("LNT001", "cl.merge_records", L("copy_from(")),
        ("LNT001", "cl.company_identity", L("execute_values(")),
        ("LNT001", "cl.company_identity", L('copy_records_to_table("company_identity"')),
        ("LNT001", "cl.lifecycle_state", L("executemany(")),
    }


def test_django_models_followed_from_another_module(policy: Policy) -> None:
    rel = "crm/views.py"
    fs = lint(policy, rel)
    L = lambda s: line_of(rel, s)  # noqa: E731
    assert got(fs) == {
        ("LNT001", "cl.company_identity", L("filter(id=1).update")),
        ("LNT001", "cl.company_identity", L("c.save()")),
        ("LNT001", "cl.company_identity", L(".get(id=2).delete()")),
        ("LNT009", "outreach.crm_note", L("Note.objects.bulk_create")),  # default <app>_<model> name
    }


def test_peewee_meta_schema(policy: Policy) -> None:
    rel = "crm/pw.py"
    fs = lint(policy, rel)
    L = lambda s: line_of(rel, s)  # noqa: E731
    assert got(fs) == {
        ("LNT001", "cl.lifecycle_state", L("Lifecycle.update(")),
        ("LNT001", "cl.lifecycle_state", L("Lifecycle.create(")),
        ("LNT005", "outreach.company_target -> cl.lifecycle_state", L("ForeignKeyField(Lifecycle")),
        ("LNT006", "outreach.company_target -> cl.lifecycle_state", L("ForeignKeyField(Lifecycle")),
    }


def test_file_without_sql_or_framework_is_not_parsed() -> None:
    from ownaudit.lint import extract_python

    assert extract_python.extract("def f(x):\n    return {'a': x}\n") == ([], [])
    frags, ops = extract_python.extract("X = 1\nQ = 'DELETE FROM cl.x'\n")
    assert [f.text for f in frags] == ["DELETE FROM cl.x"] and ops == []


def test_framework_registry_words_are_the_modules_own() -> None:
    """The registry lets a file skip importing descriptions; its trigger words must be the modules' own."""
    from ownaudit.lint import frameworks

    for registry, lang in ((frameworks.PYTHON, "python"), (frameworks.JS, "js")):
        for module, attr, words in registry:
            fw = frameworks._load(module, attr)
            assert fw.triggers == words and fw.language == lang, (module, attr)


def test_sqlmodel_and_flask_sqlalchemy(policy: Policy) -> None:
    rel = "app/sqlmodel_jobs.py"
    L = lambda s: line_of(rel, s)  # noqa: E731
    assert got(lint(policy, rel)) == {
        ("LNT001", "cl.lifecycle_state", L("session.add(Lifecycle_State")),  # table=True, name from the class
        ("LNT001", "cl.merge_records", L("MergeRecord.query")),
        ("LNT001", "cl.merge_records", L("db.session.merge")),
    }  # PeopleView has no table=True: not a table


def test_foreign_keys_declared_in_sqlalchemy_models_tables_and_sqlmodel_fields(policy: Policy) -> None:
    """An FK in a model or Table(...) is the policy's business exactly like SQL REFERENCES."""
    rel = "app/fk_models.py"
    L = lambda s: line_of(rel, s)  # noqa: E731
    fs = lint(policy, rel)
    assert got(fs) == {
        ("LNT005", "outreach.company_target -> cl.lifecycle_state", L("lifecycle_state.id")),  # f-string schema
        ("LNT006", "outreach.company_target -> cl.lifecycle_state", L("lifecycle_state.id")),
        ("LNT005", "outreach.people -> cl.company_identity", L("ForeignKeyConstraint([")),  # __table_args__
        ("LNT006", "outreach.people -> cl.company_identity", L("ForeignKeyConstraint([")),
        ("LNT007", "outreach.company_target -> cl.company_identity", L("sa.ForeignKey(Company.id")),  # Core
        ("LNT006", "outreach.company_target -> cl.company_identity", L('Field(foreign_key="cl.')),  # SQLModel
    }  # the declared RESTRICT key, the FK inside the hub and the one inside CL are not flagged
    undeclared = next(f for f in fs if f.rule_id == "LNT005" and "lifecycle" in f.object)
    assert "(lifecycle_ref)" in undeclared.message  # the column named in Column("lifecycle_ref", ...)


def test_foreign_keys_declared_in_django_models(policy: Policy) -> None:
    rel = "crm/fk_models.py"
    L = lambda s: line_of(rel, s)  # noqa: E731
    fs = lint(policy, rel)
    assert got(fs) == {
        # PROTECT is emulated by the ORM: the constraint is NO ACTION, the policy says RESTRICT
        ("LNT007", "outreach.company_target -> cl.company_identity", L("models.PROTECT")),
        ("LNT005", "outreach.company_target -> cl.lifecycle_state", L('"crm.Lifecycle"')),  # declared below
        ("LNT006", "outreach.company_target -> cl.lifecycle_state", L('"crm.Lifecycle"')),  # DB_CASCADE
        ("LNT005", "outreach.people -> cl.company_identity", L('to="Company"')),
    }
    assert any("(state_id)" in f.message for f in fs)  # attribute name + _id
    from ownaudit.lint import extract_python

    text = (DATA / rel).read_text(encoding="utf-8")
    parents = {str(op.parent) for op in extract_python.extract(text, str(DATA / rel))[1] if op.parent}
    assert "auth_user" in parents  # settings.AUTH_USER_MODEL unset in the repository: Django's auth.User


def test_tortoise_pony_and_piccolo(policy: Policy) -> None:
    """Three more ORMs, each a few lines of description: Meta.table/schema, _table_, class keywords."""
    rel = "orms/tortoise_jobs.py"
    L = lambda s: line_of(rel, s)  # noqa: E731
    assert got(lint(policy, rel)) == {
        ("LNT006", "outreach.company_target -> cl.company_identity", L('"models.Company"')),  # declared RESTRICT
        ("LNT001", "cl.company_identity", L("Company.filter(id=cid).update")),
        ("LNT001", "cl.company_identity", L("c.delete()")),  # c = await Company.get(...)
        ("LNT001", "cl.company_identity", L("Company.bulk_create")),
    }
    rel = "orms/pony_jobs.py"
    L = lambda s: line_of(rel, s)  # noqa: E731
    assert got(lint(policy, rel)) == {
        ("LNT001", "cl.lifecycle_state", L('Lifecycle(id=pid, state="new")')),  # creating an entity inserts
        ("LNT001", "cl.lifecycle_state", L("row.set(")),
        ("LNT001", "cl.lifecycle_state", L(".delete(bulk=True)")),
    }
    rel = "orms/piccolo_jobs.py"
    L = lambda s: line_of(rel, s)  # noqa: E731
    assert got(lint(policy, rel)) == {
        ("LNT005", "outreach.people -> cl.merge_records", L("CASCADE by default")),
        ("LNT006", "outreach.people -> cl.merge_records", L("CASCADE by default")),
        ("LNT005", "outreach.company_target -> cl.merge_records", L("OnDelete.no_action")),
        ("LNT001", "cl.merge_records", L("MergeRecord.update(")),
        ("LNT001", "cl.merge_records", L("MergeRecord.objects().create(")),
        ("LNT001", "cl.merge_records", L("MergeRecord.delete()")),
    }


def test_django_migration_operations_resolve_models_to_their_tables(policy: Policy) -> None:
    """CreateModel/AddField/RemoveField/AddIndex/DeleteModel name a model: its table comes from the migration's
    own options, the app's models.py Meta, or Django's default; RunPython writes through apps.get_model()."""
    rel = "crm/migrations/0002_targets.py"
    L = lambda s: line_of(rel, s)  # noqa: E731
    assert got(lint(policy, rel)) == {
        ("LNT001", "cl.company_identity", L("Company.objects.filter(outreach_pointer")),  # RunPython
        ("LNT006", "outreach.company_target -> cl.company_identity", L("models.DB_CASCADE")),  # CreateModel field
        ("LNT002", "cl.company_identity", L('model_name="company",')),  # AddField on crm/models.py's db_table
        ("LNT007", "outreach.company_target -> cl.company_identity", L("models.PROTECT")),  # AlterField
        ("LNT002", "cl.company_identity", L("migrations.RemoveField")),
        ("LNT002", "cl.company_identity", L("migrations.AddIndex")),
        ("LNT009", "outreach.crm_note", L("migrations.DeleteModel")),  # default <app>_<model>, search path
    }  # CreateModel of the hub's own table and AddField on it are clean


def test_databases_and_records_pass_sql_text_or_core_tables(policy: Policy) -> None:
    """encode/databases and records need no description: their SQL text is read, and a SQLAlchemy Core
    table object imported from the models module is followed (the file itself never names SQLAlchemy)."""
    rel = "shop/encode_jobs.py"
    L = lambda s: line_of(rel, s)  # noqa: E731
    assert got(lint(policy, rel)) == {
        ("LNT001", "cl.company_identity", L('query="UPDATE cl.company_identity')),
        ("LNT001", "cl.lifecycle_state", L("lifecycle.delete()")),
        ("LNT001", "cl.merge_records", L('db.query("DELETE FROM cl.merge_records')),
    }

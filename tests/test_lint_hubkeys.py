"""The linter on files shaped like the real hub repositories, under the keys they need."""

from __future__ import annotations

from pathlib import Path

import pytest

from hubkeys_support import hubs_policy, lint_at, write_tree
from ownaudit.findings import Finding, Severity
from ownaudit.lint.engine import lint
from ownaudit.lint.targets import FileTargets, search_path_for, search_path_for_connection
from ownaudit.policy.model import Policy


@pytest.fixture(scope="module")
def policy() -> Policy:
    return hubs_policy()


def rules(findings: list[Finding]) -> list[str]:
    return sorted(f.rule_id for f in findings if not f.suppressed)


# -- 4. a frozen legacy table ------------------------------------------------------

def test_writes_to_the_frozen_legacy_table_are_reported_for_every_hub(policy: Policy) -> None:
    sql = "UPDATE marketing.company_master SET phone = $1 WHERE company_unique_id = $2;\n"
    out = lint_at(policy, "migrations/2025_fix_phone.sql", sql)
    assert rules(out) == ["LNT050"]
    f = out[0]
    assert f.severity == Severity.CRITICAL and "frozen (migrating to cl.company_identity)" in f.message
    assert "replaced by cl.company_identity" in f.message
    assert f.properties["policy_entry"] == "schemas.marketing.tables.company_master.frozen"
    # the target owner too, outside its migration folder
    assert rules(lint_at(policy, "src/sync.py", 'cur.execute("DELETE FROM marketing.company_master")\n',
                         hub="company-lifecycle-cl")) == ["LNT050"]
    assert rules(lint_at(policy, "migrations/x.sql", "ALTER TABLE marketing.company_master ADD c int;",
                         hub="company-lifecycle-cl")) == ["LNT050"]


def test_the_migration_may_write_the_frozen_table_and_reading_it_stays_free(policy: Policy) -> None:
    sql = ("INSERT INTO cl.company_identity (company_unique_id) SELECT company_unique_id "
           "FROM marketing.company_master;\nDELETE FROM marketing.company_master;\n")
    assert rules(lint_at(policy, "migrations/legacy/004_move.sql", sql, hub="company-lifecycle-cl")) == []
    assert rules(lint_at(policy, "src/read.sql", "SELECT * FROM marketing.company_master;")) == []


# -- 6. schema-level writers -------------------------------------------------------

def test_schema_level_insert_is_allowed_for_every_hub_but_update_is_not(policy: Policy) -> None:
    ins = "INSERT INTO shq.error_master (process_id, message) VALUES ($1, $2);"
    assert rules(lint_at(policy, "src/err.sql", ins)) == []
    assert rules(lint_at(policy, "src/err.sql", ins, hub="company-lifecycle-cl")) == []
    assert rules(lint_at(policy, "src/err.sql", "INSERT INTO shq.audit_log (e) VALUES (1);")) == []
    assert rules(lint_at(policy, "src/err.sql", "UPDATE shq.error_master SET resolved = true;")) == ["LNT001"]
    assert rules(lint_at(policy, "src/err.sql", ins, hub="site-scout-pro")) == ["LNT001"]  # excepted hub


def test_a_writer_hub_with_create_may_create_a_shared_table_others_may_not(policy: Policy) -> None:
    ddl = "CREATE TABLE shq.error_people (id bigserial primary key, message text);"
    out = lint_at(policy, "migrations/010_errors.sql", ddl)
    assert "LNT002" not in rules(out)
    assert rules(out) == ["LNT009"]  # the new table is not in the matrix yet: listed, not hidden
    assert "LNT002" in rules(lint_at(policy, "migrations/010_errors.sql", ddl, hub="company-lifecycle-cl"))
    # create is CREATE TABLE only: altering a shared table stays the owner's
    assert "LNT002" in rules(lint_at(policy, "m.sql", "ALTER TABLE shq.error_master DROP COLUMN message;"))


# -- 7. severity per path -------------------------------------------------------------

def test_archive_and_tests_are_reported_at_low_not_excluded(policy: Policy, tmp_path: Path) -> None:
    bad = 'cur.execute("UPDATE cl.company_identity SET legal_name = %s WHERE id = %s", (n, i))\n'
    write_tree(tmp_path, {"archive/scripts-oneoff/fix_names.py": bad, "tests/test_sync.py": bad,
                          "src/sync.py": bad})
    result = lint(policy, "barton-outreach-core", tmp_path, n_jobs=1)
    by_path = {f.location.path: f for f in result.findings if f.location and f.rule_id == "LNT001"}
    assert set(by_path) == {"archive/scripts-oneoff/fix_names.py", "tests/test_sync.py", "src/sync.py"}
    assert by_path["src/sync.py"].severity == Severity.CRITICAL
    low = by_path["archive/scripts-oneoff/fix_names.py"]
    assert low.severity == Severity.LOW and low.properties["original_severity"] == "critical"
    assert "still connect" in str(low.properties["severity_reason"])
    assert by_path["tests/test_sync.py"].severity == Severity.LOW


# -- 5. a sub-hub inside the Outreach repository ----------------------------------------------

def test_files_of_the_people_sub_hub_are_checked_as_the_people_hub(policy: Policy, tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "hubs/people-intelligence/imo/middle/slot_assigner.py":
            'cur.execute("UPDATE people.company_slot SET person_id = %s WHERE slot_id = %s", (p, s))\n'
            'cur.execute("INSERT INTO outreach.company_target (outreach_id) VALUES (%s)", (o,))\n'
            'cur.execute("UPDATE company_slot SET filled = true")\n',
        "hubs/company-target/imo/middle/phases.py":
            'cur.execute("UPDATE people.company_slot SET person_id = NULL")\n',
    })
    result = lint(policy, "barton-outreach-core", tmp_path, n_jobs=1)
    got = sorted((f.location.path.split("/")[1], f.location.line, f.rule_id, f.hub) for f in result.findings
                 if f.location)
    assert got == [
        ("company-target", 1, "LNT001", "barton-outreach-core"),
        ("people-intelligence", 2, "LNT001", "people-hub"),
    ]


def test_a_sub_hub_without_roles_connects_as_its_parent(policy: Policy) -> None:
    dsn = 'DSN = "postgresql://outreach_writer@ep-ancient-waterfall-a42vy0du-pooler.us-east-1.aws.neon.tech/Marketing%20DB"\n'
    assert rules(lint_at(policy, "hubs/people-intelligence/db.py", dsn)) == []
    assert rules(lint_at(policy, "hubs/people-intelligence/db.py", dsn.replace("outreach_writer", "cl_writer"))) \
        == ["LNT013"]


# -- 1. which database a statement goes to -----------------------------------------------------

WORKER = """\
import { Env } from './types';

export async function compile(env: Env, id: string) {
  const signal = await env.D1.prepare(
    'SELECT * FROM lcs_signal_queue WHERE id = ?'
  ).bind(id).first<any>();
  await env.D1.prepare(
    "UPDATE lcs_signal_queue SET status = 'failed', processed_at = datetime('now') WHERE id = ?"
  ).bind(id).run();
  await env.D1_OUTREACH.prepare('INSERT OR IGNORE INTO outreach_company_target (outreach_id) VALUES (?)')
    .bind(id).run();
  const sql = neon(env.DATABASE_URL);
  await sql`UPDATE cl.company_identity SET legal_name = ${name} WHERE company_unique_id = ${id}`;
}

async function logErr0(db: D1Database, row: any) {
  await db.prepare('INSERT INTO lcs_err0 (message) VALUES (?)').bind(row.message).run();
}
"""


def test_d1_calls_are_out_of_scope_and_the_postgresql_call_in_the_same_file_is_checked(policy: Policy) -> None:
    out = lint_at(policy, "hubs/lcs-send/src/compiler-v2.ts", WORKER)
    assert [(f.rule_id, f.location.line) for f in out if f.location] == [("LNT001", 13)]


def test_wrangler_migrations_dir_is_d1_and_sqlite_syntax_elsewhere_is_a_finding(policy: Policy,
                                                                                  tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "hubs/lcs-send/wrangler.toml": '[[d1_databases]]\nbinding = "D1"\ndatabase_name = "svg-d1-spine"\n'
                                       'database_id = "641a"\nmigrations_dir = "src/migrations"\n',
        "hubs/lcs-send/src/migrations/004_sub_hub_views.sql":
            "CREATE VIEW IF NOT EXISTS sp_blog AS SELECT * FROM outreach_blog;\n"
            "CREATE TABLE company_target (outreach_id TEXT PRIMARY KEY);\n",
        "tools/seed.sql": "INSERT OR IGNORE INTO lcs_event (id) VALUES ('x');\n",
    })
    result = lint(policy, "barton-outreach-core", tmp_path, n_jobs=1)
    assert [f for f in result.findings if f.location] == []
    # counted and said, never silent: the migrations by wrangler.toml, the seed by its SQLite syntax
    assert result.target["other_database_statements"] == {"d1-spine": 2, "sqlite (d1-spine, d1-outreach)": 1}
    assert "2 statement(s) for database d1-spine (not the shared database): not checked" in result.notices
    # a hub that declares no SQLite database: not PostgreSQL, and nothing says where it goes
    cl = lint(policy, "company-lifecycle-cl", tmp_path, [str(tmp_path / "tools" / "seed.sql")], n_jobs=1)
    assert [(f.rule_id, f.location.path) for f in cl.findings if f.location] == [("LNT052", "tools/seed.sql")]
    ft = FileTargets.build(policy, "barton-outreach-core", "hubs/lcs-send/src/migrations/004_sub_hub_views.sql",
                           "", str(tmp_path))
    assert ft.file_target is not None and ft.file_target.database == "d1-spine"


UI_BACKEND = """\
import os
import psycopg2

NEON_CONNECTION_STRING = os.environ.get("NEON_CONNECTION_STRING", os.environ.get("DATABASE_URL", ""))
DATABASE_URL = "postgresql://neondb_owner:npg_ToBJraVD83YX@ep-rapid-dream-aelbcqxw-pooler.c-2.us-east-2.aws.neon.tech/neondb?sslmode=require"


def save_zone(zone):
    conn = psycopg2.connect(NEON_CONNECTION_STRING)
    cur = conn.cursor()
    cur.execute("INSERT INTO zones (zone_id, name) VALUES (%s, %s)", (zone.id, zone.name))


def rescore():
    conn = psycopg2.connect(DATABASE_URL)
    conn.cursor().execute("UPDATE site_scores SET score = score + 1")
"""


def test_the_ui_hubs_own_neon_is_out_of_scope_but_its_password_is_still_a_leak(policy: Policy) -> None:
    out = lint_at(policy, "backend/services/zone_service.py", UI_BACKEND, hub="site-scout-pro")
    assert rules(out) == ["LNT012"]  # the literal password; no LNT013 for neondb_owner, no LNT001/LNT009
    assert "npg_ToBJraVD83YX" not in out[0].message


def test_the_ui_hubs_read_only_promise_is_checked_on_the_shared_database(policy: Policy) -> None:
    code = ('conn = psycopg2.connect(os.environ["MARKETING_DB_URL"])\n'
            'conn.cursor().execute("UPDATE outreach.company_target SET status = %s", (s,))\n')
    assert rules(lint_at(policy, "backend/pipeline/push.py", code, hub="site-scout-pro")) == ["LNT001"]
    # the UI's Supabase project, by path and by client URL
    sql = "INSERT INTO public.zips (zip) VALUES ('15001');"
    assert rules(lint_at(policy, "supabase/migrations/001_zips.sql", sql, hub="site-scout-pro")) == []
    js = ("const supabase = createClient('https://vxjidpggoemouqrjtkpt.supabase.co', key);\n"
          "await supabase.schema('outreach').from('company_target').insert({ id });\n")
    assert rules(lint_at(policy, "src/hooks/useZones.ts", js, hub="site-scout-pro")) == []
    js_shared = js.replace("https://vxjidpggoemouqrjtkpt.supabase.co", "https://abcdefgh.supabase.co")
    assert rules(lint_at(policy, "src/hooks/useZones.ts", js_shared, hub="site-scout-pro")) == ["LNT001"]


# -- 2. a search path per connection, file or folder --------------------------------------------

def test_search_path_from_dsn_options_and_sqlalchemy_connect_args(policy: Policy) -> None:
    assert search_path_for_connection("postgresql://u@h/db?options=-csearch_path%3Dlcs,public") == ["lcs", "public"]
    assert search_path_for_connection('connect_args={"options": "-c search_path=lcs"}') == ["lcs"]
    assert search_path_for_connection("createClient(url, key, { db: { schema: 'lcs' } })") == ["lcs"]
    assert search_path_for(policy, "company-lifecycle-cl", "src/x.ts") == ["cl", "public"]
    code = ('engine = create_engine(os.environ["DATABASE_URL"], connect_args={"options": "-csearch_path=lcs"})\n'
            'with engine.connect() as conn:\n'
            '    conn.execute(text("INSERT INTO event (id) VALUES (:id)"), {"id": 1})\n'
            '    conn.execute(text("INSERT INTO lifecycle_state (id) VALUES (1)"))\n')
    out = lint_at(policy, "pipeline/lcs_events.py", code, hub="barton-outreach-core")
    assert {f.object for f in out if f.rule_id in ("LNT001", "LNT009")} == {"lcs.event", "lcs.lifecycle_state"}
    assert rules(lint_at(policy, "pipeline/lcs_events.py", code, hub="company-lifecycle-cl")) == ["LNT009"]


def test_search_path_per_file_from_a_path_override(policy: Policy) -> None:
    js = "export const w = () => supabase.from('event').insert({ id: 1 });\n"
    assert rules(lint_at(policy, "src/data/integrations/supabase/lcs-client.ts", js,
                         hub="company-lifecycle-cl")) == []
    out = lint_at(policy, "src/data/other.ts", js, hub="company-lifecycle-cl")
    assert [f.object for f in out] == ["cl.event"]  # unknown under the hub's search path: reported


# -- 3. a conditional (write-once) column exception -----------------------------------------------

@pytest.mark.parametrize("sql,expected", [
    ("UPDATE cl.company_identity SET outreach_id = $1 WHERE sovereign_company_id = $2 AND outreach_id IS NULL;",
     []),
    ("UPDATE cl.company_identity ci SET outreach_id = o.outreach_id FROM outreach.outreach o "
     "WHERE ci.sovereign_company_id = o.sovereign_company_id AND ci.outreach_id IS NULL;", []),
    ("UPDATE cl.company_identity SET outreach_id = $1 WHERE sovereign_company_id = $2;", ["LNT051"]),
    ("UPDATE cl.company_identity SET outreach_id = NULL, updated_at = NOW() WHERE outreach_id IS NULL;",
     ["LNT001"]),
    ("UPDATE cl.company_identity SET outreach_id = NULL WHERE outreach_id IS NULL AND id = $1;", ["LNT051"]),
    ("UPDATE cl.company_identity SET outreach_id = $1 WHERE id = $2 OR outreach_id IS NULL;", ["LNT051"]),
])
def test_write_once_pointer(policy: Policy, sql: str, expected: list[str]) -> None:
    assert rules(lint_at(policy, "hubs/company-target/imo/output/register.sql", sql)) == expected


def test_a_condition_that_cannot_be_checked_is_a_violation(policy: Policy) -> None:
    """A client call names no columns and no WHERE: the exception cannot cover it (fail closed)."""
    js = "await supabase.schema('cl').from('company_identity').update({ outreach_id: id }).is('outreach_id', null);\n"
    assert rules(lint_at(policy, "src/register.ts", js)) == ["LNT001"]
    assert rules(lint_at(policy, "src/register.ts", js, hub="company-lifecycle-cl")) == []
    from ownaudit.lint.conditions import check_condition

    verdict = check_condition("outreach_id IS NULL", None, "outreach_id")
    assert not verdict.ok and "cannot be checked" in verdict.why


# -- the shipped policy, on files shaped like the real repositories ------------------------------

def test_shipped_policy_reports_archived_writes_low_and_legacy_writes_as_frozen(tmp_path: Path) -> None:
    from ownaudit.policy.loader import load_policy

    shipped = load_policy(Path(__file__).resolve().parents[1] / "policy" / "ownership.yaml")
    write_tree(tmp_path, {
        "archive/backfill-superseded/backfill_company_linkedin.py":
            'cur.execute("""\n    UPDATE cl.company_identity\n    SET linkedin_url = %s\n'
            '    WHERE company_unique_id = %s\n""", (url, cid))\n',
        "hubs/company-target/imo/output/neon_writer.py":
            'cur.execute("INSERT INTO marketing.company_master (company_unique_id) VALUES (%s)", (cid,))\n',
        "hubs/people-intelligence/imo/middle/slot_assigner.py":
            'cur.execute("UPDATE company_slot SET person_unique_id = %s WHERE slot_id = %s", (p, s))\n',
        "hubs/lcs-send/src/compiler.ts":
            "await env.D1.prepare('INSERT OR IGNORE INTO lcs_signal_queue (id) VALUES (?)').bind(id).run();\n",
    })
    result = lint(shipped, "barton-outreach-core", tmp_path, n_jobs=1)
    got = sorted((f.location.path, f.rule_id, f.severity.value, f.hub) for f in result.findings if f.location)
    assert got == [
        ("archive/backfill-superseded/backfill_company_linkedin.py", "LNT001", "low", "barton-outreach-core"),
        ("hubs/company-target/imo/output/neon_writer.py", "LNT050", "critical", "barton-outreach-core"),
    ]
    assert shipped.hub_for_path("barton-outreach-core", "hubs/people-intelligence/x.py") == "people-hub"


def test_a_file_whose_only_connection_goes_to_another_database_is_out_of_scope(policy: Policy) -> None:
    """site-scout-pro's scripts connect through a helper: ``return psycopg2.connect(CONNECTION_STRING)``."""
    code = ('CONNECTION_STRING = os.environ.get(\n    "NEON_CONNECTION_STRING",\n    "",\n)\n\n'
            "def get_connection():\n    return psycopg2.connect(CONNECTION_STRING)\n\n"
            "def build(cur):\n    cur.execute(f\"CREATE TABLE {table_name} (id int)\")\n"
            "    cur.execute(\"UPDATE outreach.company_target SET status = 'x'\")\n")
    assert rules(lint_at(policy, "build_county_deep_dive.py", code, hub="site-scout-pro")) == []
    shared = code.replace('"NEON_CONNECTION_STRING"', '"MARKETING_DB_URL"')  # unknown: checked
    assert rules(lint_at(policy, "build_county_deep_dive.py", shared, hub="site-scout-pro")) == ["LNT001", "LNT019"]


def test_search_path_per_client_from_supabase_db_schema(policy: Policy) -> None:
    """CL's lcs-client.ts: createClient(url, key, { db: { schema: 'lcs' } }) makes .from('event') lcs.event."""
    js = ("export const lcsClient = createClient(SUPABASE_URL, SUPABASE_PUBLISHABLE_KEY, {\n"
          "  db: { schema: 'lcs' },\n  auth: { persistSession: true },\n});\n"
          "const other = createClient(SUPABASE_URL, SUPABASE_PUBLISHABLE_KEY);\n"
          "await lcsClient.from('event').insert({ id });\n"
          "await other.from('lifecycle_state').update({ cl_stage: 'SALES' }).eq('id', id);\n")
    assert rules(lint_at(policy, "src/data/write.ts", js, hub="company-lifecycle-cl")) == []
    out = lint_at(policy, "src/data/write.ts", js, hub="barton-outreach-core")
    # the other client resolves through the hub's own search path (an unlisted table of its own schema)
    assert sorted((f.rule_id, f.object) for f in out) == [("LNT001", "lcs.event"),
                                                          ("LNT009", "outreach.lifecycle_state")]


def test_a_connection_name_reused_for_the_shared_database_is_checked_again(policy: Policy) -> None:
    """Bindings are positional: the same name bound to the UI's Neon, then to something unknown."""
    code = ('def zones():\n    conn = psycopg2.connect(os.environ["NEON_CONNECTION_STRING"])\n'
            '    conn.cursor().execute("UPDATE outreach.company_target SET status = 1")\n\n'
            'def push():\n    conn = shared_pool.getconn()\n'
            '    conn.cursor().execute("UPDATE outreach.company_target SET status = 2")\n')
    out = lint_at(policy, "backend/pipeline/push.py", code, hub="site-scout-pro")
    assert [(f.rule_id, f.location.line) for f in out if f.location] == [("LNT001", 7)]

"""Rules reported by the linter (LNT###), registered in the shared catalogue."""

from __future__ import annotations

from ownaudit.findings import Severity
from ownaudit.rules import Rule, register


def _r(id: str, name: str, sev: Severity, title: str, detects: str, why: str, example: str, fix: str) -> Rule:
    return register(Rule(id, name, sev, title, detects, why, example, fix, "lint"))


CROSS_HUB_WRITE = _r(
    "LNT001",
    "cross-hub-write",
    Severity.CRITICAL,
    "Hub code writes a table its hub does not own",
    "INSERT (incl. ON CONFLICT DO UPDATE), UPDATE, DELETE, MERGE, TRUNCATE, COPY FROM, SELECT INTO, "
    "data-modifying CTEs, SQL inside PL/pgSQL bodies and DO blocks, supabase .insert/.update/.upsert/.delete "
    "and pandas to_sql() whose target table belongs to another hub in the ownership matrix.",
    "Each table has exactly one owning hub. A write from another hub's code bypasses the owner's invariants "
    "and becomes a second source of truth; it works today only if the database grants too much.",
    "-- in barton-outreach-core\nUPDATE cl.company_identity SET company_name = $1 WHERE company_unique_id = $2;",
    "Ask the owning hub for an API or a declared column exception in the policy, or move the write to the "
    "owning hub's repository.",
)
CROSS_HUB_DDL = _r(
    "LNT002",
    "cross-hub-ddl",
    Severity.HIGH,
    "Hub code changes the structure of an object another hub owns",
    "CREATE/ALTER/DROP/COMMENT of tables, views, indexes, triggers, policies, functions, sequences or "
    "schemas in another hub's schema; ALTER TABLE ... DISABLE TRIGGER, ENABLE/DISABLE/FORCE ROW LEVEL "
    "SECURITY, OWNER TO on another hub's table.",
    "Structure and security settings of a table are its owner's decisions; a migration in another repository "
    "can silently drop RLS, triggers or columns the owner relies on.",
    "ALTER TABLE cl.company_identity DISABLE ROW LEVEL SECURITY;",
    "Move the migration to the owning hub's repository.",
)
PRIVILEGE_STATEMENT = _r(
    "LNT003",
    "privilege-statement",
    Severity.HIGH,
    "Hub code grants or revokes privileges it may not manage",
    "GRANT/REVOKE (table, column, ON ALL TABLES IN SCHEMA, schema, sequence, function) and ALTER DEFAULT "
    "PRIVILEGES on objects the hub does not own, and grants on the hub's own objects that give a role more "
    "than the policy allows (for example write access to a reader).",
    "Privileges are the enforcement of the ownership matrix; a grant in hub code quietly rewrites the matrix.",
    "GRANT INSERT ON outreach.people TO ui_reader;",
    "Change policy/ownership.yaml and let `ownaudit plan` produce the grants.",
)
ROLE_MANAGEMENT = _r(
    "LNT004",
    "role-management",
    Severity.HIGH,
    "Hub code creates, alters or grants roles",
    "CREATE/ALTER/DROP ROLE|USER (especially with SUPERUSER, BYPASSRLS, CREATEROLE, CREATEDB, REPLICATION) "
    "and role membership grants involving roles outside the hub.",
    "Role attributes and memberships bypass every table grant; hub code must never manage them.",
    "GRANT cl_writer TO outreach_writer;",
    "Manage roles centrally (policy roles + `ownaudit plan`), never from a hub repository.",
)
UNDECLARED_FK = _r(
    "LNT005",
    "undeclared-cross-hub-fk",
    Severity.HIGH,
    "Foreign key across hubs that the policy does not declare",
    "A foreign key (inline, table-level, or ALTER TABLE ADD CONSTRAINT) whose child and parent tables belong "
    "to different hubs and which is not listed under foreign_keys in the policy.",
    "A cross-hub foreign key couples two hubs' data lifecycles: the parent hub can no longer delete or "
    "restructure its rows freely.",
    "CREATE TABLE outreach.notes (company_unique_id uuid REFERENCES cl.company_identity);",
    "Declare the edge under foreign_keys (after agreeing with the parent hub) or remove it.",
)
CROSS_HUB_CASCADE = _r(
    "LNT006",
    "cross-hub-cascade",
    Severity.HIGH,
    "ON DELETE CASCADE / SET NULL across hubs",
    "A foreign key crossing hubs with ON DELETE CASCADE, SET NULL or SET DEFAULT that the policy does not "
    "declare with that action.",
    "Referential actions run as the table owner and ignore RLS: one hub's DELETE silently removes or "
    "changes another hub's rows.",
    "ALTER TABLE outreach.company_target ADD FOREIGN KEY (company_unique_id)\n"
    "  REFERENCES cl.company_identity ON DELETE CASCADE;",
    "Use ON DELETE RESTRICT / NO ACTION across hubs, or declare the action in the policy.",
)
FK_ACTION_MISMATCH = _r(
    "LNT007",
    "fk-action-mismatch",
    Severity.MEDIUM,
    "Cross-hub foreign key with another ON DELETE action than declared",
    "A declared cross-hub foreign key created with a different (non-destructive) ON DELETE action.",
    "The declared action is what the owning hubs agreed on; drift makes deletes behave differently than documented.",
    "-- declared on_delete: restrict\nALTER TABLE outreach.company_target ADD FOREIGN KEY "
    "(company_unique_id)\n"
    "  REFERENCES cl.company_identity;",
    "Use the declared action or update the declaration.",
)
READ_NOT_ALLOWED = _r(
    "LNT008",
    "read-not-allowed",
    Severity.MEDIUM,
    "Hub code reads a table its hub may not read",
    "SELECT (or any read inside a statement) of a governed table whose readers do not include the hub.",
    "Readers are part of the matrix; a read the policy does not allow either fails at runtime or means "
    "the database grants more than the policy.",
    "SELECT * FROM marketing.people_master;",
    "Add the hub to the table's readers in the policy, or stop reading the table.",
)
UNKNOWN_TABLE = _r(
    "LNT009",
    "unknown-table",
    Severity.INFO,
    "Statement on a table the ownership matrix does not know",
    "A table in a governed schema that the policy does not list, or in a schema the policy does not know.",
    "Tables missing from the matrix have no declared purpose, readers or RLS; they drift unnoticed.",
    "INSERT INTO outreach.new_table VALUES (1);",
    "Add the table to policy/ownership.yaml.",
)
UNRESOLVED_TABLE = _r(
    "LNT010",
    "unresolved-table",
    Severity.MEDIUM,
    "Table name built at run time cannot be checked",
    "A table name that comes from an f-string/template placeholder, a non-literal supabase .schema()/.from() "
    "or to_sql() argument.",
    "The linter cannot know which table such a statement touches; it may write anywhere.",
    'cur.execute(f"DELETE FROM {schema}.people WHERE id = %s", (pid,))',
    "Use a literal, qualified table name (or an allow-list of literal names) so the target is reviewable.",
)
UNRESOLVED_ALLOWED = _r(
    "LNT030",
    "unresolved-table-allowed",
    Severity.INFO,
    "Table name built at run time, every possible target allowed",
    "A table name with a run-time part (placeholder, variable) whose every possible value is a table the hub "
    "may use that way: a read where every schema it can name is readable, a write into a schema the hub owns.",
    "Nothing the statement can reach belongs to another hub, so it is not a risk; it is listed so a reviewer "
    "still sees that the name is dynamic.",
    'cur.execute(f"INSERT INTO outreach.{table} VALUES (%s)", (v,))  # outreach owned by this hub',
    "Nothing to fix; use a literal name to make the target exact.",
)
UNANALYSABLE = _r(
    "LNT011",
    "unanalysable-sql",
    Severity.LOW,
    "SQL the linter could not analyse",
    "A statement in a .sql file or in a SQL context (execute() argument, sql tagged template, query-named "
    "constant) that does not parse, a statement form the analyser does not know, or dynamic SQL "
    "(EXECUTE of a computed string) inside a function body, when it cannot write a governed object: it names "
    "no governed schema of another hub, or its dynamic command is visibly a read or maintenance statement "
    "(otherwise it is LNT019).",
    "'Could not understand' must never read as 'clean'; it is reported, at low, so a reviewer sees it.",
    "EXECUTE format('DELETE FROM %I.%I', s, t);",
    "Rewrite the statement so it parses, or review it and suppress with a reason.",
)
LITERAL_PASSWORD = _r(
    "LNT012",
    "literal-password",
    Severity.CRITICAL,
    "PostgreSQL password or provider token written in the code",
    "A literal password in a libpq URI (postgres://, postgresql://, postgresql+driver://, percent-encoded, or a "
    "password= query parameter), a key=value conninfo string, a password=/password: argument or key of a "
    "connect(), create_engine() or new Pool({...}) call or a config dict/object (on any line of it), a PGPASSWORD "
    "or *_password key, the literal default of an environment lookup (os.getenv('PGPASSWORD', '...')), an "
    "assignment in a committed .env, .envrc, compose or doppler file or shell script (PGPASSWORD=, "
    "*_PASSWORD=, DATABASE_URL=postgres://user:pw@...), or a Neon token (npg_...). Placeholders "
    "(${VAR}, $VAR, {name}, %s, <password>, ****, os.environ[...], your_password) are not literals. The value is "
    "masked in every message, excerpt and report.",
    "A committed password is a leaked password: anyone with read access to the repository can connect.",
    'DATABASE_URL = "postgresql://outreach_writer:hunter2@host/db"',
    "Rotate the password now, and read it from the environment or a secret store.",
)
WRONG_ROLE = _r(
    "LNT013",
    "wrong-role",
    Severity.HIGH,
    "Code connects to the policy's database as a role that is not one of the hub's roles",
    "A connection string, conninfo or connect()/dict with user= that points at the policy's database (its "
    "database name, or when it names none, the policy's host) and connects as a role other than the hub's "
    "roles (for example the database owner role or another hub's writer). Connections to other databases are "
    "not judged.",
    "Connecting as another role bypasses the hub's grants: the owner role can write every table.",
    'psycopg.connect("host=db dbname=\'Marketing DB\' user=Marketing_DB_owner")',
    "Connect as the hub's own role (see roles in the policy).",
)
SUPPRESSION_WITHOUT_REASON = _r(
    "LNT014",
    "suppression-without-reason",
    Severity.LOW,
    "Inline suppression without a rule id or reason",
    "An `ownaudit: ignore[...]` comment that names no rule or gives no reason. It does not suppress anything.",
    "A suppression is a reviewed decision; without a reason the next reader cannot judge it.",
    "-- ownaudit: ignore[LNT001]",
    "Add the rule id and a reason: `-- ownaudit: ignore[LNT001] backfill approved by CL, SEC-12`.",
)
UNUSED_SUPPRESSION = _r(
    "LNT015",
    "unused-suppression",
    Severity.LOW,
    "Inline suppression that suppresses nothing",
    "An `ownaudit: ignore[...]` comment with no matching finding on its line or the next line.",
    "Stale suppressions hide the next real finding that lands on that line.",
    "-- ownaudit: ignore[LNT001] legacy\nSELECT 1;",
    "Delete the comment.",
)
EXPIRED_EXCEPTION = _r(
    "LNT016",
    "expired-exception",
    Severity.MEDIUM,
    "A policy exception covering a lint finding has expired",
    "A finding matched an exception in the policy whose expiry date has passed; the finding is reported again.",
    "Exceptions are time-boxed; once expired the waiver no longer applies.",
    "exceptions:\n  - {rule: LNT001, object: cl.company_identity, reason: backfill, expires: 2025-01-31}",
    "Fix the finding and remove the exception, or renew it with a new reason.",
)
FILE_NOT_ANALYSED = _r(
    "LNT017",
    "file-not-analysed",
    Severity.HIGH,
    "A file in the lint scope could not be analysed",
    "A file in scope that may hold SQL but cannot be read (permissions, a symbolic-link loop, a dangling link), "
    "cannot be decoded (an encoding its own declaration contradicts, binary content in a .sql file or with SQL "
    "words in it), is larger than --max-file-size (8 MiB by default), or made the analyser fail.",
    "A file the linter did not read may write anything; it fails the gate instead of passing silently.",
    "migrations/dump.sql (12 MiB)",
    "Exclude the file in the hub's lint scope if it holds no SQL for this database, or fix its encoding.",
)
RLS_WEAKENED = _r(
    "LNT018",
    "rls-weakened",
    Severity.HIGH,
    "Migration disables row-level security the policy requires",
    "ALTER TABLE ... DISABLE ROW LEVEL SECURITY or NO FORCE ROW LEVEL SECURITY on a table whose policy "
    "entry requires RLS enabled or forced.",
    "Turning RLS off exposes every row to every role holding a grant.",
    "ALTER TABLE outreach.company_target DISABLE ROW LEVEL SECURITY;",
    "Keep RLS on; change the policy first if the requirement really changed.",
)
UNANALYSABLE_GOVERNED = _r(
    "LNT019",
    "unanalysable-governed-sql",
    Severity.HIGH,
    "SQL the linter could not analyse could write a governed object",
    "Dynamic SQL (EXECUTE of a computed string) whose command is not visibly a read or maintenance statement; "
    "a write, DDL, grant or foreign key whose target is built at run time in a schema the hub does not wholly "
    "own; a statement that does not parse and names a governed schema of another hub. The severity is the "
    "policy's gate.unanalysable_governed (default high; medium lets it pass the default gate).",
    "A statement that cannot be checked and can reach another hub's table is exactly the write the gate "
    "exists to stop; passing it would let any cross-hub write through by hiding it behind format().",
    "DO $$ BEGIN EXECUTE 'UPDATE cl.company_identity SET stage = ' || quote_literal(s); END $$;",
    "Write the statement with literal, qualified names so it can be checked (an allow-list of literal "
    "statements instead of format()), or get a reviewed, expiring policy exception.",
)
SUPPRESSION_BEYOND_POLICY = _r(
    "LNT020",
    "suppression-beyond-policy",
    Severity.HIGH,
    "Inline suppression of a finding more severe than the policy allows",
    "An `ownaudit: ignore[...]` comment on a finding whose severity is above the policy's "
    "gate.inline_suppression_max (default medium). The finding is not suppressed.",
    "A hub must not grade its own homework: silencing a critical cross-hub write in the hub's own file "
    "would make the gate optional. Above the limit only a central, reviewed, expiring policy exception counts.",
    "-- ownaudit: ignore[LNT001] we need this\nUPDATE cl.company_identity SET stage = 'x';",
    "Fix the finding, or add an exceptions: entry (rule, object, reason, expires, ticket) to the central policy.",
)
HUB_OVERRIDE = _r(
    "LNT021",
    "hub-side-override",
    Severity.HIGH,
    "The hub repository's configuration tries to override the central check",
    "In --strict mode: a [tool.ownaudit] policy in the hub's pyproject.toml (ignored), a [tool.ownaudit] hub "
    "that differs from the hub the central check determined, or [tool.ownaudit] exclude globs that narrow "
    "the policy's lint scope (ignored).",
    "The central required check is the gate; settings in the repository it guards must not be able to "
    "replace the policy, change whose rules apply, or hide files from it.",
    '[tool.ownaudit]\npolicy = "my-own-ownership.yaml"',
    "Remove the override; change the central policy through its review instead.",
)
FROZEN_TABLE_WRITE = _r(
    "LNT050",
    "frozen-table-write",
    Severity.CRITICAL,
    "Hub code writes a table frozen until its migration",
    "INSERT, UPDATE, DELETE, TRUNCATE, COPY or DDL on a table whose policy entry is `frozen`, anywhere but "
    "the migration hub's `frozen.migration_paths`.",
    "A legacy table being migrated has one sanctioned writer: the migration. Any other write lands in a copy "
    "the migration may already have read, and is silently lost when the table is retired.",
    "-- in barton-outreach-core\nUPDATE marketing.company_master SET phone = $1 WHERE id = $2;",
    "Write the replacement table (`migration.replaced_by`) through its owning hub, or move the statement "
    "into the migration.",
)
COLUMN_CONDITION_NOT_MET = _r(
    "LNT051",
    "column-condition-not-met",
    Severity.CRITICAL,
    "Write under a conditional column exception does not meet its condition",
    "An UPDATE (or DELETE) that another hub may run only under a column exception with a `condition`, "
    "whose WHERE does not require that condition, or that sets a write-once column back to NULL, or whose "
    "condition cannot be checked (a client call, SQL that does not parse).",
    "A write-once pointer (e.g. cl.company_identity.outreach_id, set only WHERE outreach_id IS NULL) is "
    "sanctioned by its owner on that condition only; overwriting or clearing it breaks the owner's identity "
    "links. No grant can express the condition, so the linter is the first line of defence.",
    "UPDATE cl.company_identity SET outreach_id = NULL WHERE sovereign_company_id = $1;",
    "Add the condition to the WHERE clause (and check the affected row count), or ask the owning hub.",
)
NOT_POSTGRESQL = _r(
    "LNT052",
    "not-postgresql",
    Severity.MEDIUM,
    "SQL that is not PostgreSQL, for a database the policy does not declare",
    "A statement with syntax PostgreSQL does not have (INSERT OR IGNORE/REPLACE, REPLACE INTO, CREATE "
    "VIEW/TRIGGER IF NOT EXISTS, AUTOINCREMENT, PRAGMA) in a hub that declares no SQLite database and that "
    "no D1 binding, wrangler.toml migrations_dir or path override accounts for.",
    "It cannot run on the shared PostgreSQL database, so it is not judged as PostgreSQL; but the database "
    "it does go to is undeclared, so the linter cannot prove it is out of scope.",
    "await env.DB.prepare('INSERT OR IGNORE INTO lcs_event (id) VALUES (?)').run();",
    "Declare the database under the hub's `databases` (provider d1 with its binding) or a `lint.overrides` "
    "entry with its `database`.",
)

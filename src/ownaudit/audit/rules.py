"""The audit rule catalogue (AUD###): one entry per kind of drift the audit reports.

Importing this module registers every audit rule with ``ownaudit.rules`` so
``ownaudit rules``/``explain``, SARIF metadata and docs read the same text.
Severity guide: critical = a role can write or destroy data outside its hub
now; high = silent data loss or denial, privilege-management power, or a write
path one step away; medium = latent or structural drift; low/info = hygiene.
"""

from __future__ import annotations

from ownaudit.findings import Severity
from ownaudit.rules import Rule, register

C, H, M, L = Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW


def _rule(id: str, name: str, severity: Severity, title: str, detects: str, why: str, example: str,
          fix: str) -> Rule:
    return register(Rule(id=id, name=name, severity=severity, title=title, detects=detects, why=why,
                         example=example, fix=fix, source="audit"))


# -- 1. writes -------------------------------------------------------------
CROSS_HUB_WRITE = _rule(
    "AUD001", "cross-hub-write", C, "Role can write a table its hub does not own",
    "A role can INSERT, UPDATE, DELETE or TRUNCATE a governed table that its hub does not own, by any "
    "path: a direct or column grant, PUBLIC, membership in another role (inherited or through SET ROLE), "
    "membership in the table's owner, a predefined role (pg_write_all_data) or superuser power. "
    "Roles outside the policy that can write are reported too.",
    "Table ownership is write authority. Any write path from another hub lets that hub's code change "
    "or destroy data it does not own, whether or not anyone uses the path today.",
    "ui_reader -[member, SET]-> outreach_writer -[grant]-> INSERT on outreach.people",
    "REVOKE the privilege (or the membership that carries it) named in the evidence; every path must go.",
)
EXCESS_PRIVILEGE = _rule(
    "AUD002", "excess-privilege", M, "Role holds a privilege the policy does not give it",
    "A role holds a write privilege on a table of its own hub that the policy does not allow it "
    "(a reader role that can write, a writer with TRUNCATE when only INSERT/UPDATE/DELETE are listed), "
    "or reads a table its hub may not read.",
    "Least privilege inside a hub: a read-only service account with write access turns a UI bug into "
    "data loss.",
    "GRANT TRUNCATE ON cl.lifecycle_history TO cl_writer; -- the history is append-only",
    "REVOKE the privilege named in the evidence.",
)
# -- 2. missing access -------------------------------------------------------
MISSING_WRITE = _rule(
    "AUD010", "missing-write-privilege", H, "Owning hub's writer lacks a privilege it needs",
    "The writer role of the hub that owns a table lacks SELECT, INSERT, UPDATE or DELETE on it (a "
    "privilege usable only after SET ROLE does not count).",
    "The owning hub's writes fail in production. A policy or an RLS policy is not a grant: without "
    "GRANT the role gets 'permission denied'.",
    "CREATE POLICY cl_write_policy ON cl.company_identity FOR ALL TO cl_writer USING (true); -- no GRANT",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON <table> TO <writer>;",
)
MISSING_READ = _rule(
    "AUD011", "missing-read-privilege", H, "Reader lacks SELECT on a table it may read",
    "A role whose hub may read a table (policy readers) lacks SELECT on it.",
    "The reading hub's queries fail with 'permission denied'.",
    "Nothing is granted on marketing.*, yet site-scout-pro reads it.",
    "GRANT SELECT ON <table> TO <reader>;",
)
MISSING_SCHEMA_USAGE = _rule(
    "AUD012", "missing-schema-usage", H, "Role lacks USAGE on a schema it must use",
    "An application role that may read or write a table lacks USAGE on the table's schema.",
    "Without schema USAGE every table grant inside it is useless: every query fails with "
    "'permission denied for schema'. GRANT ... ON ALL TABLES does not grant USAGE.",
    "GRANT SELECT ON ALL TABLES IN SCHEMA cl TO ui_reader; -- but no GRANT USAGE ON SCHEMA cl",
    "GRANT USAGE ON SCHEMA <schema> TO <role>;",
)
MISSING_SEQUENCE_USAGE = _rule(
    "AUD013", "missing-sequence-usage", H, "Writer lacks USAGE on the sequence of a serial column",
    "The owning hub's writer may INSERT a table whose serial column (DEFAULT nextval(...)) draws from a "
    "sequence the writer cannot use. Identity columns need no sequence privilege and are not reported.",
    "INSERTs that rely on the column default fail with 'permission denied for sequence'.",
    "CREATE TABLE cl.merge_records (id bigserial PRIMARY KEY, ...); "
    "GRANT INSERT ON cl.merge_records TO cl_writer;",
    "GRANT USAGE ON SEQUENCE <sequence> TO <writer>; (or use an identity column)",
)
# -- 3. structural privileges ---------------------------------------------
STRUCTURAL_PRIVILEGE = _rule(
    "AUD020", "structural-privilege", H, "Non-owner holds REFERENCES, TRIGGER or MAINTAIN",
    "A role outside the owning hub holds REFERENCES, TRIGGER or MAINTAIN (PostgreSQL 17+) on a table.",
    "REFERENCES lets another hub add a foreign key that blocks the owner's deletes; TRIGGER lets it run "
    "its code inside the owner's writes; MAINTAIN lets it lock, cluster and refresh the table.",
    "GRANT REFERENCES ON cl.company_identity TO outreach_writer;",
    "REVOKE REFERENCES, TRIGGER, MAINTAIN ON <table> FROM <role>; declare needed FKs in the policy instead.",
)
GRANT_OPTION = _rule(
    "AUD021", "grant-option", H, "Grant option held by a role other than the owner",
    "A role other than the object owner holds a table privilege WITH GRANT OPTION.",
    "A grant option is privilege-management power: the holder can hand the privilege to any role, "
    "outside review.",
    "GRANT SELECT ON cl.company_identity TO ui_reader WITH GRANT OPTION;",
    "REVOKE GRANT OPTION FOR <privilege> ON <table> FROM <role>;",
)
ADMIN_OPTION = _rule(
    "AUD022", "admin-option", H, "ADMIN option on an application role held by someone else",
    "A role holds ADMIN OPTION on a membership in an application role, or an application role holds "
    "ADMIN OPTION on any role (the database owner and platform roles are allowed).",
    "ADMIN OPTION lets its holder make any role a member, i.e. give away the hub's write access.",
    "GRANT cl_writer TO outreach_writer WITH ADMIN OPTION;",
    "REVOKE ADMIN OPTION FOR <role> FROM <member>;",
)
# -- 4. ownership ------------------------------------------------------------
WRONG_OWNER = _rule(
    "AUD030", "wrong-owner", H, "Object owned by the wrong role",
    "A governed table, view, sequence, schema or function is owned by a role other than the one the "
    "policy expects (table/schema owner_role, then database.owner_role).",
    "The owner holds every privilege, bypasses RLS unless forced, can ALTER or DROP the object and "
    "grant it to anyone: ownership by a hub role is write authority outside the matrix.",
    "ALTER TABLE cl.company_identity OWNER TO outreach_writer;",
    "ALTER <kind> <object> OWNER TO <expected owner>;",
)
# -- 5. row-level security ------------------------------------------------------
RLS_DISABLED = _rule(
    "AUD040", "rls-disabled", H, "Row-level security required but disabled",
    "The policy requires row-level security on a table and the table does not enable it.",
    "Every row is visible to every role with SELECT; the policies defined on the table do nothing.",
    "ALTER TABLE cl.company_identity DISABLE ROW LEVEL SECURITY;",
    "ALTER TABLE <table> ENABLE ROW LEVEL SECURITY;",
)
RLS_NOT_FORCED = _rule(
    "AUD041", "rls-not-forced", M, "Row-level security not forced",
    "The policy requires FORCE ROW LEVEL SECURITY and the table does not force it (or forces it "
    "when the policy says not forced).",
    "Without FORCE the table owner (the migrations role, and every role that can SET ROLE to it) "
    "bypasses every policy.",
    "ALTER TABLE cl.company_identity NO FORCE ROW LEVEL SECURITY;",
    "ALTER TABLE <table> FORCE ROW LEVEL SECURITY;",
)
RLS_SILENT_EMPTY = _rule(
    "AUD042", "rls-silent-empty", H, "RLS hides every row from a role that holds the privilege",
    "RLS is enabled, a role holds SELECT, UPDATE or DELETE on the table (and is not its owner, a "
    "superuser or BYPASSRLS), but no permissive policy applies to it for that command.",
    "Queries succeed and return zero rows, UPDATE/DELETE touch nothing: silent data loss for readers, "
    "silent no-ops for writers, and no error anywhere.",
    "ALTER TABLE cl.company_identity ENABLE ROW LEVEL SECURITY; CREATE POLICY p ON cl.company_identity "
    "FOR ALL TO cl_writer USING (true); GRANT SELECT ON cl.company_identity TO ui_reader;",
    "CREATE POLICY <name> ON <table> FOR SELECT TO <role> USING (true); (or revoke the privilege)",
)
RLS_BROAD_WRITE = _rule(
    "AUD043", "rls-broad-write-policy", H, "RLS policy allows writes by PUBLIC or a non-writer",
    "A permissive policy for ALL, INSERT, UPDATE or DELETE applies to PUBLIC or to a role whose hub "
    "may not write the table.",
    "RLS policies are the second lock on writes; one grant away (or already) another hub writes rows.",
    "CREATE POLICY p ON outreach.people FOR ALL USING (true); -- TO PUBLIC by default",
    "ALTER POLICY <policy> ON <table> TO <writer>; or split it into FOR SELECT and a writer-only policy.",
)
RLS_RESTRICTIVE_BLOCKS = _rule(
    "AUD044", "rls-restrictive-blocks-writer", H, "Restrictive RLS policy blocks the owning writer",
    "A RESTRICTIVE policy the matrix does not list applies to the owning hub's writer for a command it "
    "needs.",
    "A restrictive policy ANDs into every query: the owner hub's writes silently touch fewer rows.",
    "CREATE POLICY freeze ON cl.company_identity AS RESTRICTIVE FOR UPDATE USING (false);",
    "DROP POLICY <policy> ON <table>; or declare it in the policy.",
)
RLS_POLICY_DRIFT = _rule(
    "AUD045", "rls-policy-drift", M, "RLS policies differ from the matrix",
    "A policy the matrix lists is missing or has another command, roles or mode; or the table holds a "
    "policy the matrix does not list.",
    "RLS is only as good as its policy set; undocumented policies are unreviewed access rules.",
    "CREATE POLICY cl_read_policy ... expected, not found.",
    "CREATE/ALTER/DROP POLICY to match the matrix, or update the matrix.",
)
# -- 6. role attributes -------------------------------------------------------
ROLE_ATTRIBUTE = _rule(
    "AUD050", "dangerous-role-attribute", H, "Application role has a dangerous attribute",
    "An application role, or a role it can SET ROLE to, has SUPERUSER, BYPASSRLS, CREATEROLE, CREATEDB "
    "or REPLICATION (any attribute listed in the role's forbidden_attributes). SUPERUSER is critical.",
    "SUPERUSER writes everything; BYPASSRLS ignores every policy; CREATEROLE manages roles and "
    "memberships; REPLICATION streams every row; CREATEDB creates databases.",
    "ALTER ROLE ui_reader BYPASSRLS;",
    "ALTER ROLE <role> NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB NOREPLICATION;",
)
NEON_SUPERUSER = _rule(
    "AUD051", "neon-superuser-member", C, "Application role is a member of neon_superuser",
    "An application role is (directly or indirectly) a member of neon_superuser, the role Neon gives "
    "console-created roles.",
    "neon_superuser can create roles, bypass RLS and write every table: a hub role inside it writes "
    "everything.",
    "A role created in the Neon console instead of with CREATE ROLE.",
    "Create application roles with SQL (CREATE ROLE ... LOGIN) and REVOKE neon_superuser FROM <role>;",
)
# -- 7. CREATE privileges ---------------------------------------------------------
CREATE_FOREIGN_SCHEMA = _rule(
    "AUD060", "create-on-foreign-schema", H, "CREATE on a schema the role's hub does not own",
    "A role holds CREATE on a governed schema owned by another hub.",
    "CREATE lets a hub add tables, views, functions and triggers inside another hub's schema, "
    "shadowing its names on search_path.",
    "GRANT CREATE ON SCHEMA cl TO outreach_writer;",
    "REVOKE CREATE ON SCHEMA <schema> FROM <role>;",
)
CREATE_PUBLIC = _rule(
    "AUD061", "create-on-public-schema", H, "CREATE on the public schema",
    "PUBLIC or an application role holds CREATE on schema public (the default before PostgreSQL 15, kept "
    "by upgraded databases).",
    "Every role can plant functions and tables on everybody's search_path (CVE-2018-1058).",
    "A database upgraded from PostgreSQL 14 still grants CREATE on public to PUBLIC.",
    "REVOKE CREATE ON SCHEMA public FROM PUBLIC;",
)
CREATE_DATABASE = _rule(
    "AUD062", "create-on-database", M, "CREATE on the database",
    "PUBLIC or an application role holds CREATE on the database.",
    "CREATE on the database lets the role create new schemas outside the matrix.",
    "GRANT CREATE ON DATABASE \"Marketing DB\" TO cl_writer;",
    "REVOKE CREATE ON DATABASE <db> FROM <role>;",
)
# -- 8. default privileges ----------------------------------------------------------
DEFAULTS_MISSING = _rule(
    "AUD070", "default-privileges-missing", M, "No default privileges for tables the owner creates",
    "For the role that creates tables in a governed schema, ALTER DEFAULT PRIVILEGES does not give "
    "the writers and readers their privileges (per creator role, schema and object type).",
    "GRANT ... ON ALL TABLES IN SCHEMA is one-shot: the next migration's table is invisible to every "
    "hub until someone remembers to grant it.",
    "GRANT SELECT ON ALL TABLES IN SCHEMA cl TO ui_reader; -- and no ALTER DEFAULT PRIVILEGES",
    "ALTER DEFAULT PRIVILEGES FOR ROLE <creator> IN SCHEMA <schema> GRANT SELECT ON TABLES TO <reader>;",
)
DEFAULTS_BROAD = _rule(
    "AUD071", "default-privileges-too-broad", H, "Default privileges give future tables too much",
    "ALTER DEFAULT PRIVILEGES gives write privileges or grant options on future tables (or sequences) to "
    "a role or PUBLIC that the policy does not let write them.",
    "Every future table opens a write path outside the owning hub the moment it is created.",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA cl GRANT ALL ON TABLES TO PUBLIC;",
    "ALTER DEFAULT PRIVILEGES FOR ROLE <creator> IN SCHEMA <schema> REVOKE ... ON TABLES FROM <role>;",
)
# -- 9. inventory -------------------------------------------------------------------
UNKNOWN_TABLE = _rule(
    "AUD080", "unlisted-table", M, "Table in a governed schema is not in the matrix",
    "A table, view or sequence-less relation exists in a governed schema but is not listed in the policy.",
    "Unlisted tables belong to the schema's owner by default, but nobody reviewed their purpose, "
    "readers or RLS.",
    "CREATE TABLE cl.tmp_import (...);",
    "List the table in the policy (with its purpose) or drop it.",
)
MISSING_TABLE = _rule(
    "AUD081", "missing-table", M, "Table in the matrix is missing from the database",
    "A table the policy lists does not exist in the database.",
    "The matrix describes a database that is not there: a migration did not run, or the policy is stale.",
    "outreach.engagement_events listed, not created.",
    "Run the missing migration, or remove the table from the policy.",
)
MISSING_ROLE = _rule(
    "AUD082", "missing-role", M, "Application role is missing from the database",
    "A role the policy lists does not exist on the server.",
    "The hub cannot connect, or connects as something else.",
    "roles: {cl_writer: ...} with no cl_writer on the server.",
    "CREATE ROLE <role> LOGIN; or remove it from the policy.",
)
# -- 10. foreign keys ---------------------------------------------------------------
FK_UNDECLARED = _rule(
    "AUD090", "undeclared-cross-hub-fk", H, "Cross-hub foreign key not declared",
    "A foreign key joins tables owned by different hubs and is not declared in the policy.",
    "A foreign key makes the parent hub's deletes fail (or cascade) because of another hub's rows: a "
    "coupling the owners never agreed to.",
    "ALTER TABLE outreach.people ADD FOREIGN KEY (company_unique_id) REFERENCES cl.company_identity;",
    "Declare the edge in foreign_keys after review, or drop the constraint.",
)
FK_ACTION = _rule(
    "AUD091", "fk-action-mismatch", M, "Foreign key's ON DELETE/ON UPDATE differs from the policy",
    "A declared foreign key exists with another ON DELETE or ON UPDATE action than the policy's.",
    "The action decides whose rows a delete removes; a silent change from RESTRICT to CASCADE is data loss.",
    "fk_company_lifecycle declared ON DELETE RESTRICT, created ON DELETE CASCADE.",
    "ALTER TABLE <child> DROP CONSTRAINT <fk>, ADD CONSTRAINT <fk> ... ON DELETE <declared action>;",
)
FK_CASCADE = _rule(
    "AUD092", "cross-hub-fk-cascade", C, "Cross-hub foreign key cascades into another hub's rows",
    "A foreign key whose parent and child belong to different hubs has ON DELETE/UPDATE CASCADE, SET "
    "NULL or SET DEFAULT.",
    "Referential actions run as the child table's owner and ignore RLS: the parent hub's DELETE "
    "removes or changes the child hub's rows.",
    "outreach.company_target REFERENCES cl.company_identity ON DELETE CASCADE",
    "Recreate the constraint with ON DELETE RESTRICT (or NO ACTION).",
)
# -- 11. indirect paths ---------------------------------------------------------------
DEFINER_WRITE = _rule(
    "AUD100", "security-definer-write", C, "SECURITY DEFINER function writes a table for other hubs",
    "A SECURITY DEFINER function (or procedure) whose body writes a governed table is executable by a "
    "role outside the table's owning hub, including through PUBLIC's default EXECUTE.",
    "The function runs as its owner: any role that can call it writes the table with the owner's rights.",
    "CREATE FUNCTION cl.touch(id text) ... SECURITY DEFINER AS $$ UPDATE cl.company_identity ... $$;",
    "REVOKE EXECUTE ON FUNCTION <fn> FROM PUBLIC; GRANT EXECUTE only to the owning hub's roles.",
)
DEFINER_SEARCH_PATH = _rule(
    "AUD101", "security-definer-search-path", H, "SECURITY DEFINER function without a pinned search_path",
    "A SECURITY DEFINER function in a governed schema has no SET search_path.",
    "A caller can put its own schema first on search_path and make the function run the caller's "
    "objects with the owner's rights.",
    "CREATE FUNCTION cl.f() ... SECURITY DEFINER AS $$ ... $$; -- no SET search_path",
    "ALTER FUNCTION <fn> SET search_path = pg_catalog, <schema>;",
)
VIEW_WRITE = _rule(
    "AUD102", "view-write-path", C, "Auto-updatable view lets another hub write a governed table",
    "An auto-updatable view over a governed table grants INSERT, UPDATE or DELETE to a role outside the "
    "table's owning hub.",
    "Writes through a view are checked against the view owner's privileges, not the caller's.",
    "CREATE VIEW public.people_v AS SELECT * FROM outreach.people; "
    "GRANT UPDATE ON public.people_v TO ui_reader;",
    "REVOKE the write privileges on the view, or make it security_invoker / not updatable.",
)
VIEW_DEFINER = _rule(
    "AUD103", "view-owner-rights", M, "View over a governed table runs with its owner's rights",
    "A view reading a governed table is owned by a role that can read the table but lacks "
    "security_invoker=true, and some other role can select from it (high when the table has RLS: "
    "the owner's rights bypass it).",
    "Without security_invoker the view's readers read the base table as the view owner: grants and "
    "(for the table owner) RLS policies are skipped.",
    "CREATE VIEW public.ids AS SELECT * FROM cl.company_identity; GRANT SELECT ON public.ids TO PUBLIC;",
    "ALTER VIEW <view> SET (security_invoker = true);",
)
SEQUENCE_ACCESS = _rule(
    "AUD104", "sequence-outside-hub", H, "Sequence of a governed table usable outside its hub",
    "A role outside the owning hub holds UPDATE or USAGE on a sequence owned by a governed table's column.",
    "setval() or nextval() from another hub breaks or exhausts the owner's key generation.",
    "GRANT USAGE, UPDATE ON SEQUENCE cl.merge_records_id_seq TO ui_reader;",
    "REVOKE USAGE, UPDATE ON SEQUENCE <sequence> FROM <role>;",
)
TRIGGER_OR_RULE = _rule(
    "AUD105", "trigger-or-rule", M, "User trigger or rule on a governed table",
    "A user-defined trigger or rewrite rule exists on a governed table.",
    "Triggers and rules run hidden writes with someone else's rights; they are code paths the matrix "
    "does not show.",
    "CREATE TRIGGER audit AFTER INSERT ON cl.company_identity EXECUTE FUNCTION public.log();",
    "Review it; add a policy exception with a reason if it is intended.",
)
# -- 11b. conditions a grant cannot express ------------------------------------------------
CONDITIONAL_COLUMN_EXCEPTION = _rule(
    "AUD160", "conditional-column-exception", M, "Conditional column exception only a trigger can enforce",
    "A column exception with a `condition` (e.g. UPDATE of cl.company_identity.outreach_id only WHERE it is "
    "still NULL): the column grant the hub needs lets it write the column under any condition. Reported at "
    "medium when the table has no enabled BEFORE UPDATE row trigger, at low (verify it) when it has one.",
    "A grant is all-or-nothing per column: with UPDATE (outreach_id) the Outreach writer can also overwrite "
    "or clear a pointer the CL hub sanctioned as write-once. Only the linter (on the code) and a trigger "
    "(in the database) can hold the condition.",
    "column_grants: [{hub: barton-outreach-core, columns: [outreach_id], condition: outreach_id IS NULL}]",
    "Add a BEFORE UPDATE trigger that raises when OLD.outreach_id IS NOT NULL AND NEW.outreach_id IS "
    "DISTINCT FROM OLD.outreach_id, owned by the table owner; keep the lint hook on the writing hub.",
)
AUDITED_OTHER_DATABASE = _rule(
    "AUD161", "audited-other-database", H, "The audited database is a hub's own database, not the shared one",
    "The catalog read is of a database whose name is not the policy's `database.name` but is one a hub "
    "declares under `databases` (e.g. the UI's own Neon project `neondb`).",
    "A DSN pointing at a hub's own project audits the wrong database: every finding (or their absence) is "
    "about tables the policy does not govern, and the shared database went unaudited.",
    "OWNAUDIT_DSN=postgresql://ownaudit_auditor@ep-rapid-dream-aelbcqxw-pooler.../neondb",
    "Point the DSN at the shared database (policy `database.name` and `host`).",
)
# -- 12. exceptions -------------------------------------------------------------------
EXPIRED_EXCEPTION = _rule(
    "AUD110", "expired-exception", L, "Policy exception has expired",
    "A policy exception's expiry date has passed; the findings it covered are reported again.",
    "Exceptions are time-boxed on purpose; an expired one is a decision nobody renewed.",
    "exceptions: [{rule: AUD001, object: outreach.people, expires: 2025-01-31, ...}]",
    "Fix the underlying finding and delete the exception, or renew it with a new date and reason.",
)

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
    "A role outside the owning hub holds REFERENCES, TRIGGER or MAINTAIN (PostgreSQL 17+) on a table. "
    "Rated by end effect: TRIGGER critical (its code runs inside every writer's statements, as that "
    "writer; AUD120 shows the chain), REFERENCES high, MAINTAIN medium.",
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
    "policy expects (table/schema owner_role, then database.owner_role). A schema owned by an "
    "application role or a role outside the policy is critical: the owner of a schema can DROP every "
    "object in it (AUD124 lists them).",
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
    "A table the policy lists does not exist in the database (high when its owning hub has a writer "
    "role: every write of that hub to the table fails).",
    "The matrix describes a database that is not there: a migration did not run, or the policy is stale; "
    "the owning hub's writes break.",
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
# -- 13. code is access: the acts-as graph (severity of each finding = its worst end effect) ---------
_END = ("Severity comes from the end effect, not from the object on the way: critical when the role can "
        "write, drop or alter another hub's table (or a role outside the policy, or PUBLIC, can); high "
        "for a destructive reach inside its own hub; medium otherwise. ")
TRIGGER_ACTS_AS = _rule(
    "AUD120", "trigger-acts-as", C, "A trigger lets a role write as someone else",
    "A path through a trigger: a SECURITY DEFINER trigger function writes tables as its owner for "
    "everyone who fires it; a trigger function owned by a role other than the writers lets that role "
    "change code every writer of the table runs (it acts as each of them); TRIGGER on (or ownership of) "
    "a table others write is the same power. " + _END,
    "Trigger functions run as the role whose statement fired them (or as their owner when SECURITY "
    "DEFINER): whoever controls the code or the trigger acts with those rights.",
    "outreach_writer -[INSERT]-> outreach.company_target -[trigger t_sync]-> cl.sync_fn() SECURITY "
    "DEFINER, owner \"Marketing DB_owner\" -[INSERT]-> cl.lifecycle_history",
    "Give trigger functions to the table owner (ALTER FUNCTION ... OWNER TO), make them SECURITY "
    "INVOKER, REVOKE TRIGGER; the evidence names the hop.",
)
RULE_ACTS_AS = _rule(
    "AUD121", "rule-acts-as", C, "A rewrite rule writes another table with its owner's rights",
    "A rule on a table a role can write performs actions on another governed table; rule actions are "
    "checked against the rule's table owner, not the caller. " + _END,
    "Any role with INSERT/UPDATE/DELETE on the rule's table writes the action's tables without a grant.",
    "CREATE RULE mirror AS ON INSERT TO outreach.company_target DO ALSO INSERT INTO cl.lifecycle_history ...",
    "DROP RULE (or replace it by a trigger of the owning hub); the evidence names the rule.",
)
IMPLICIT_CODE_ACTS_AS = _rule(
    "AUD122", "implicit-code-acts-as", C, "Owner of implicitly run code acts as the table's writers",
    "A function called by a column default, generation expression, CHECK constraint, index expression, "
    "RLS policy expression or domain constraint of a governed table is owned by a role other than the "
    "roles that run it: the owner can replace its body and act as every role that writes (or reads) "
    "the table. " + _END,
    "Implicit code runs with the rights of whoever touches the table; its owner chooses what it does.",
    "CREATE TABLE cl.t (id text DEFAULT outreach.new_id()); -- outreach_writer owns outreach.new_id()",
    "ALTER FUNCTION <fn> OWNER TO <table owner>;",
)
DEFINER_HIJACK = _rule(
    "AUD123", "definer-search-path-hijack", C, "SECURITY DEFINER function's search_path is hijackable",
    "A role that may execute a SECURITY DEFINER function controls its name resolution: the search_path "
    "is not pinned and the role can CREATE in some schema (or use pg_temp for the tables the body "
    "names), or the pinned path lists a schema the role can CREATE in before another, or pg_temp is not "
    "last while the body names tables without a schema. The role runs its own code as the owner. " + _END,
    "The function resolves the caller's objects first and runs them with the owner's rights.",
    "CREATE FUNCTION cl.f() SECURITY DEFINER AS $$ ... helper() ... $$; -- caller: SET search_path = mine",
    "ALTER FUNCTION <fn> SET search_path = pg_catalog, <schema>, pg_temp;",
)
CONTAINER_OWNER = _rule(
    "AUD124", "container-owner-destroys", C, "Owner of a schema or type can drop another hub's data",
    "A role owns the schema of a governed table it does not own (the owner of a schema can DROP every "
    "object in it), or owns a domain, enum or composite type a governed column uses (DROP TYPE ... "
    "CASCADE drops the column). " + _END,
    "DROP checks the object's owner or its schema's owner; CASCADE drops dependent columns of tables "
    "owned by anyone.",
    "ALTER SCHEMA outreach OWNER TO cl_writer; -- cl_writer can now DROP TABLE outreach.people",
    "ALTER SCHEMA / ALTER TYPE ... OWNER TO the expected owner role.",
)
INHERITANCE_WRITE = _rule(
    "AUD125", "inheritance-write", C, "Writes on a parent table reach another hub's child table",
    "A child table (INHERITS) or a partition is reached through its parent: UPDATE, DELETE, TRUNCATE "
    "and SELECT on the parent (and INSERT routed to a partition) act on the child with only the "
    "parent's privileges checked. " + _END,
    "A hub writing its own parent table changes rows of a child another hub owns.",
    "CREATE TABLE outreach.hist () INHERITS (cl.history);",
    "ALTER TABLE <child> NO INHERIT <parent> (or DETACH PARTITION).",
)
SERVER_PROGRAM = _rule(
    "AUD126", "superuser-equivalent-predefined-role", C, "Member of a superuser-equivalent predefined role",
    "A role holds the privileges of pg_execute_server_program or pg_write_server_files (superuser-"
    "equivalent: they run programs and write files as the server's OS user) or pg_read_server_files "
    "(reads every file, so every table's data). The predefined roles are listed from the server.",
    "COPY ... TO PROGRAM / FROM PROGRAM runs any command as the postgres OS user.",
    "GRANT pg_execute_server_program TO outreach_writer;",
    "REVOKE <predefined role> FROM <role>;",
)
MEMBER_OF = _rule(
    "AUD127", "membership-not-allowed", H, "Membership the policy's member_of does not allow",
    "A policy role is a member (directly) of a role its member_of list does not name (critical when "
    "that role can write another hub's tables or is superuser-equivalent; the write itself is AUD001).",
    "Memberships carry every privilege of the granted role; the policy lists the ones that are reviewed.",
    "GRANT outreach_writer TO cl_writer; -- member_of of cl_writer is []",
    "REVOKE <role> FROM <member>; or add it to member_of with a reason.",
)
ROLE_SETTING = _rule(
    "AUD128", "role-setting", H, "Role or database setting changes who a session is or what it enforces",
    "ALTER ROLE/DATABASE ... SET role, session_authorization or session_replication_role = replica "
    "(user triggers and foreign-key enforcement stop firing in those sessions), per role and database.",
    "A setting applied at login silently changes the identity of every session or switches integrity "
    "checks off for it.",
    "ALTER ROLE outreach_writer SET session_replication_role = replica;",
    "ALTER ROLE <role> [IN DATABASE <db>] RESET <setting>;",
)
INTEGRITY_OFF = _rule(
    "AUD129", "integrity-disabled", H, "Foreign-key enforcement or a user trigger is disabled",
    "A foreign key's own triggers on a governed table are disabled (ALTER TABLE ... DISABLE TRIGGER "
    "ALL), or a user trigger on a governed table is disabled or fires only in replica sessions.",
    "Rows that violate the declared chain are accepted silently; enforcement the owning hub relies on "
    "does not run.",
    "ALTER TABLE outreach.company_target DISABLE TRIGGER ALL;",
    "ALTER TABLE <table> ENABLE TRIGGER ALL; then validate the data.",
)
CONNECT_MISSING = _rule(
    "AUD130", "connect-missing", H, "Role that must read or write cannot connect to the database",
    "A policy role lacks CONNECT on the database (REVOKE CONNECT ... FROM PUBLIC without a grant).",
    "Every grant is useless without CONNECT: the hub silently loses all of its reads and writes.",
    "REVOKE CONNECT ON DATABASE \"Marketing DB\" FROM PUBLIC;",
    "GRANT CONNECT ON DATABASE <db> TO <role>;",
)
FDW_MAPPING = _rule(
    "AUD131", "fdw-user-mapping", C, "Foreign server logs back into this database as another role",
    "A postgres_fdw user mapping on a server that points at this database logs in as another role: "
    "its users act as that role (critical when that reaches another hub's tables). A mapping whose "
    "options the auditor cannot see is reported as not verifiable.",
    "A foreign table over a loopback server is an ordinary table with someone else's rights.",
    "CREATE USER MAPPING FOR ui_reader SERVER loop OPTIONS (user 'Marketing DB_owner', password '...');",
    "DROP USER MAPPING FOR <role> SERVER <server>;",
)
EVENT_TRIGGER_CODE = _rule(
    "AUD132", "event-trigger-function-owner", C, "Event trigger runs a function a non-superuser owns",
    "An event trigger (which fires in every DDL statement, including a superuser's) calls a function "
    "owned by a role that is not a superuser: that role can replace the body and run code as whoever "
    "runs DDL.",
    "Event trigger functions run as the role executing the DDL: the function owner acts as each of them.",
    "CREATE EVENT TRIGGER log ON ddl_command_end EXECUTE FUNCTION public.log_ddl(); -- owned by an app role",
    "ALTER FUNCTION <fn> OWNER TO <superuser>;",
)
READ_EXPOSURE = _rule(
    "AUD133", "read-exposure", M, "Role reads a table the policy does not let it read, through code",
    "A role reaches SELECT on a governed table it may not read through the acts-as graph (a role it "
    "acts as, a definer function, rule or trigger) or through a SECURITY DEFINER function that "
    "returns rows of it. Severity follows the table's policy sensitivity: public low, internal "
    "(default) medium, confidential high, confidential read by PUBLIC critical.",
    "A read path the grants do not show exposes rows the owning hub did not share.",
    "CREATE FUNCTION public.lookup() RETURNS SETOF cl.company_identity SECURITY DEFINER ...",
    "REVOKE EXECUTE (or the hop named in the evidence); mark confidential tables in the policy.",
)
SNAPSHOT_OLD = _rule(
    "AUD134", "code-paths-not-checked", H, "Code paths could not be checked (old snapshot)",
    "The snapshot was written by an older ownaudit (format version 1) without the records of implicit "
    "code, types, role settings, event triggers and foreign servers: the acts-as paths through them "
    "were not checked.",
    "Fail closed: what could not be read is reported, never passed.",
    "ownaudit audit --snapshot last-year.json",
    "Take a new snapshot with this version (ownaudit snapshot).",
)

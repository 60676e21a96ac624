-- The grants a DBA runs so the seed's database matches the shipped policy/ownership.yaml.
-- Run as the owner of the objects ("Marketing DB_owner", the migrations role), after the seed's
-- schema and enforcement SQL. Every statement is idempotent. What the seed's own SQL lacks:
--   * schema USAGE (GRANT ... ON ALL TABLES is useless without it);
--   * DML grants for the writers (an RLS policy is not a grant);
--   * read policies next to the seed's write policies (RLS otherwise hides every row from readers);
--   * grants on marketing and public.shq_error_log;
--   * default privileges, so tables created by the next migration get the same grants.
-- ui_reader is a reader role: it never gets a write privilege, not even on the shared error log.

BEGIN;

-- Nobody but the owner creates objects in the shared schema (PostgreSQL < 15 default).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

GRANT USAGE ON SCHEMA cl, outreach, marketing TO cl_writer, outreach_writer, ui_reader;

-- cl: company-lifecycle-cl writes, everyone reads.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA cl TO cl_writer;
GRANT SELECT ON ALL TABLES IN SCHEMA cl TO outreach_writer, ui_reader;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA cl TO cl_writer;

-- outreach: barton-outreach-core writes, everyone reads.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA outreach TO outreach_writer;
GRANT SELECT ON ALL TABLES IN SCHEMA outreach TO cl_writer, ui_reader;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA outreach TO outreach_writer;

-- marketing: legacy; everyone reads. company_master is frozen until it is migrated to CL (only the
-- migration writes it, as the object owner); the other owning hubs have no role yet, so nobody writes.
GRANT SELECT ON ALL TABLES IN SCHEMA marketing TO cl_writer, outreach_writer, ui_reader;

-- public.shq_error_log: every hub appends (INSERT), nobody updates or deletes.
GRANT SELECT ON public.shq_error_log TO cl_writer, outreach_writer, ui_reader;
GRANT INSERT ON public.shq_error_log TO cl_writer, outreach_writer;

-- RLS: the seed's write policies stay; readers get their SELECT policies.
DROP POLICY IF EXISTS cl_read_policy ON cl.company_identity;
CREATE POLICY cl_read_policy ON cl.company_identity FOR SELECT TO outreach_writer, ui_reader USING (true);
DROP POLICY IF EXISTS outreach_read_policy ON outreach.company_target;
CREATE POLICY outreach_read_policy ON outreach.company_target FOR SELECT TO cl_writer, ui_reader USING (true);

-- Future objects the migrations role creates get the same grants.
ALTER DEFAULT PRIVILEGES FOR ROLE "Marketing DB_owner" IN SCHEMA cl
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO cl_writer;
ALTER DEFAULT PRIVILEGES FOR ROLE "Marketing DB_owner" IN SCHEMA cl
    GRANT SELECT ON TABLES TO outreach_writer, ui_reader;
ALTER DEFAULT PRIVILEGES FOR ROLE "Marketing DB_owner" IN SCHEMA cl
    GRANT USAGE ON SEQUENCES TO cl_writer;
ALTER DEFAULT PRIVILEGES FOR ROLE "Marketing DB_owner" IN SCHEMA outreach
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO outreach_writer;
ALTER DEFAULT PRIVILEGES FOR ROLE "Marketing DB_owner" IN SCHEMA outreach
    GRANT SELECT ON TABLES TO cl_writer, ui_reader;
ALTER DEFAULT PRIVILEGES FOR ROLE "Marketing DB_owner" IN SCHEMA outreach
    GRANT USAGE ON SEQUENCES TO outreach_writer;
ALTER DEFAULT PRIVILEGES FOR ROLE "Marketing DB_owner" IN SCHEMA marketing
    GRANT SELECT ON TABLES TO cl_writer, outreach_writer, ui_reader;

COMMIT;

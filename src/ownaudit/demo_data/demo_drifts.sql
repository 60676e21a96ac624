-- Realistic drifts that `ownaudit demo` applies after the seed (roles, schema and
-- enforcement SQL exactly as the seed document writes them). Each is a kind of
-- mistake the audit must catch; run as a superuser.

-- 1. The UI's reader was granted a write "to fix a bug quickly" (and the USAGE it needs).
GRANT USAGE ON SCHEMA outreach TO ui_reader;
GRANT INSERT, UPDATE ON outreach.people TO ui_reader;

-- 2. A DBA gave the Outreach writer its grants (correctly) ...
GRANT USAGE ON SCHEMA outreach TO outreach_writer;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA outreach TO outreach_writer;
--    ... then made the CL service a member of it ("shared connection pool"):
--    cl_writer now inherits every Outreach write.
GRANT outreach_writer TO cl_writer;

-- 3. A cross-hub foreign key with CASCADE: deleting a CL company silently deletes
--    Outreach's campaigns (the action runs as the table owner and ignores RLS).
ALTER TABLE outreach.campaigns
    ADD CONSTRAINT campaigns_company_fk FOREIGN KEY (company_unique_id)
    REFERENCES cl.company_identity (company_unique_id) ON DELETE CASCADE;

-- 4. A SECURITY DEFINER helper that writes CL's tables, owned by the migrations
--    owner and executable by PUBLIC (the default for new functions), with no
--    pinned search_path.
SET ROLE "Marketing DB_owner";
CREATE FUNCTION public.promote_company(p_id text, p_stage text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
    UPDATE cl.lifecycle_state SET cl_stage = p_stage, promoted_at = now()
     WHERE company_unique_id = p_id;
END
$$;
RESET ROLE;

-- 5. Outreach may create objects inside CL's schema.
GRANT CREATE ON SCHEMA cl TO outreach_writer;

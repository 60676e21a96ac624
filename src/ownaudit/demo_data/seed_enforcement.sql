-- Verbatim copy of the enforcement SQL of the seed document "Neon PostgreSQL Table Ownership"
-- (shared/seed/000_c06f78f992ff6a41.txt, "Enforcement", "### Row-Level Security (RLS)").
-- Do not edit below this header: tests compare it with the seed; additions belong in seed_extra.sql.

-- CL tables: Only CL service account can write
ALTER TABLE cl.company_identity ENABLE ROW LEVEL SECURITY;
CREATE POLICY cl_write_policy ON cl.company_identity
    FOR ALL TO cl_writer USING (true);

-- Outreach tables: Only Outreach service account can write
ALTER TABLE outreach.company_target ENABLE ROW LEVEL SECURITY;
CREATE POLICY outreach_write_policy ON outreach.company_target
    FOR ALL TO outreach_writer USING (true);

-- UI: Read-only
GRANT SELECT ON ALL TABLES IN SCHEMA cl TO ui_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA outreach TO ui_reader;
REVOKE INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA cl FROM ui_reader;
REVOKE INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA outreach FROM ui_reader;

-- Re-analyse every outreach table after the bulk load.
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'outreach' LOOP
        EXECUTE 'ANALYZE outreach.' || quote_ident(t.tablename);
    END LOOP;
END
$$;

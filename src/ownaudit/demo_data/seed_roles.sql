-- Roles of the seed document "Neon PostgreSQL Table Ownership" (shared/seed/000_c06f78f992ff6a41.txt):
-- the three service accounts of its "Neon Connection Strings" section, and the migrations owner
-- role that a Neon console database gets ("<database>_owner", policy database.owner_role).
-- Roles are cluster-wide, so each is created only when missing (the seed may be applied to
-- several databases of one cluster). LOGIN without password: give one with ALTER ROLE when a
-- test or the demo needs to connect as the role.
DO $roles$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['cl_writer', 'outreach_writer', 'ui_reader', 'Marketing DB_owner'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I LOGIN', r);
        END IF;
    END LOOP;
END
$roles$;

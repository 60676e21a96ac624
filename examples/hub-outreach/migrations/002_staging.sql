-- Import staging for the nightly DOL load.
-- ownaudit: ignore[LNT009] staging table for the nightly import; listed in the policy with SEC-42
CREATE TABLE outreach.import_staging (LIKE outreach.dol_filings INCLUDING ALL);

INSERT INTO outreach.dol_filings SELECT * FROM outreach.import_staging ON CONFLICT DO NOTHING;

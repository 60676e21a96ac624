-- Tables the seed document "Neon PostgreSQL Table Ownership" (shared/seed/000_c06f78f992ff6a41.txt)
-- names in its ownership tables but never defines in SQL. Columns are plausible inventions (the
-- seed gives only names and purposes); structure only: no grants, no RLS, so that every access
-- path in a seeded database comes from the seed's own enforcement SQL.
-- Run after seed_schema.sql (needs cl.company_identity, outreach.campaigns), before
-- seed_enforcement.sql (its GRANT ... ON ALL TABLES must cover these tables too).

-- cl: "Identity consolidation audit" and "Identity retirement audit" (CL only).
CREATE TABLE cl.merge_records (
    merge_id TEXT PRIMARY KEY,
    surviving_company_unique_id TEXT NOT NULL REFERENCES cl.company_identity(company_unique_id),
    merged_company_unique_id TEXT NOT NULL REFERENCES cl.company_identity(company_unique_id),
    reason TEXT,
    merged_at TIMESTAMP DEFAULT NOW(),
    merged_by TEXT NOT NULL
);

CREATE TABLE cl.retirement_records (
    retirement_id TEXT PRIMARY KEY,
    company_unique_id TEXT NOT NULL REFERENCES cl.company_identity(company_unique_id),
    reason TEXT NOT NULL,
    retired_at TIMESTAMP DEFAULT NOW(),
    retired_by TEXT NOT NULL
);

-- outreach: "Sequence definitions" (listed in the outreach table, missing from its SQL).
CREATE TABLE outreach.sequences (
    sequence_id TEXT PRIMARY KEY,
    campaign_id TEXT REFERENCES outreach.campaigns(campaign_id),
    company_unique_id TEXT NOT NULL,
    sequence_name TEXT,
    step_count INTEGER DEFAULT 0,
    status TEXT DEFAULT 'draft',
    created_at TIMESTAMP DEFAULT NOW()
);

-- marketing: the legacy/shared schema "being migrated".
CREATE SCHEMA IF NOT EXISTS marketing;

-- Legacy company records; target owner CL (migrate to cl.company_identity).
CREATE TABLE marketing.company_master (
    company_unique_id TEXT PRIMARY KEY,
    company_name TEXT NOT NULL,
    website_url TEXT,
    industry TEXT,
    employee_count INTEGER,
    address_state TEXT,
    source_system TEXT,
    created_at TIMESTAMP DEFAULT NOW(),
    updated_at TIMESTAMP DEFAULT NOW()
);

-- People Hub.
CREATE TABLE marketing.people_master (
    unique_id TEXT PRIMARY KEY,
    company_unique_id TEXT NOT NULL,
    company_slot_unique_id TEXT,
    first_name TEXT,
    last_name TEXT,
    title TEXT,
    email TEXT,
    linkedin_url TEXT,
    created_at TIMESTAMP DEFAULT NOW(),
    updated_at TIMESTAMP DEFAULT NOW()
);

-- People Hub.
CREATE TABLE marketing.company_slot (
    company_slot_unique_id TEXT PRIMARY KEY,
    company_unique_id TEXT NOT NULL,
    person_unique_id TEXT REFERENCES marketing.people_master(unique_id),
    slot_type TEXT NOT NULL CHECK (slot_type IN ('CEO', 'CFO', 'HR', 'OTHER')),
    is_filled BOOLEAN DEFAULT FALSE,
    filled_at TIMESTAMP,
    created_at TIMESTAMP DEFAULT NOW()
);

-- Enrichment.
CREATE TABLE marketing.data_enrichment_log (
    enrichment_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    provider TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    fields_updated TEXT[],
    error_message TEXT,
    enriched_at TIMESTAMP DEFAULT NOW()
);

-- public: "System-wide error tracking", written by all repos.
CREATE TABLE public.shq_error_log (
    error_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_repo TEXT NOT NULL,
    process_id TEXT,
    severity TEXT NOT NULL DEFAULT 'error' CHECK (severity IN ('info', 'warning', 'error', 'critical')),
    error_code TEXT,
    message TEXT NOT NULL,
    context JSONB,
    created_at TIMESTAMP DEFAULT NOW()
);

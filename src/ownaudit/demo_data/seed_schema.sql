-- Verbatim copy of the schema SQL of the seed document "Neon PostgreSQL Table Ownership"
-- (shared/seed/000_c06f78f992ff6a41.txt, "Schema: cl" and "Schema: outreach", each "### Schema Definition").
-- Do not edit below this header: tests compare it with the seed; additions belong in seed_extra.sql.

CREATE SCHEMA IF NOT EXISTS cl;

-- Company Identity (sovereign record)
CREATE TABLE cl.company_identity (
    company_unique_id TEXT PRIMARY KEY,
    legal_name TEXT NOT NULL,
    created_at TIMESTAMP DEFAULT NOW(),
    created_by TEXT NOT NULL
);

-- Lifecycle State (current truth)
CREATE TABLE cl.lifecycle_state (
    company_unique_id TEXT PRIMARY KEY REFERENCES cl.company_identity(company_unique_id),
    cl_stage TEXT NOT NULL CHECK (cl_stage IN ('OUTREACH', 'SALES', 'CLIENT', 'RETIRED')),
    outreach_uid TEXT,
    sales_uid TEXT,
    client_uid TEXT,
    promoted_at TIMESTAMP,
    promoted_by TEXT,
    retired_at TIMESTAMP,
    retired_by TEXT
);

-- Lifecycle History (append-only)
CREATE TABLE cl.lifecycle_history (
    history_id TEXT PRIMARY KEY,
    company_unique_id TEXT NOT NULL REFERENCES cl.company_identity(company_unique_id),
    event_type TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    triggered_by_event TEXT,
    actor TEXT NOT NULL,
    timestamp TIMESTAMP DEFAULT NOW(),
    evidence TEXT
);

-- External ID Mapping
CREATE TABLE cl.external_id_mapping (
    mapping_id TEXT PRIMARY KEY,
    company_unique_id TEXT NOT NULL REFERENCES cl.company_identity(company_unique_id),
    source_system TEXT NOT NULL,
    external_id TEXT NOT NULL,
    confidence TEXT CHECK (confidence IN ('HIGH', 'MEDIUM', 'LOW')),
    linked_at TIMESTAMP DEFAULT NOW(),
    linked_by TEXT,
    status TEXT DEFAULT 'active'
);

CREATE SCHEMA IF NOT EXISTS outreach;

-- Company Target (internal anchor)
CREATE TABLE outreach.company_target (
    target_id TEXT PRIMARY KEY,
    company_unique_id TEXT NOT NULL,
    outreach_status TEXT NOT NULL DEFAULT 'queued',
    bit_score_snapshot NUMERIC,
    first_targeted_at TIMESTAMP,
    last_targeted_at TIMESTAMP,
    sequence_count INTEGER DEFAULT 0,
    created_at TIMESTAMP DEFAULT NOW(),
    updated_at TIMESTAMP DEFAULT NOW(),

    CONSTRAINT fk_company_lifecycle
        FOREIGN KEY (company_unique_id)
        REFERENCES cl.company_identity(company_unique_id)
        ON DELETE RESTRICT
);

CREATE UNIQUE INDEX idx_target_company ON outreach.company_target(company_unique_id);

-- People (attaches to Company Target)
CREATE TABLE outreach.people (
    person_id TEXT PRIMARY KEY,
    target_id TEXT NOT NULL REFERENCES outreach.company_target(target_id) ON DELETE CASCADE,
    company_unique_id TEXT NOT NULL,
    slot_type TEXT,
    email TEXT,
    email_verified BOOLEAN DEFAULT FALSE,
    contact_status TEXT DEFAULT 'active',
    created_at TIMESTAMP DEFAULT NOW()
);

-- DOL Filings (attaches to Company Target)
CREATE TABLE outreach.dol_filings (
    filing_id TEXT PRIMARY KEY,
    target_id TEXT NOT NULL REFERENCES outreach.company_target(target_id) ON DELETE CASCADE,
    company_unique_id TEXT NOT NULL,
    form_type TEXT,
    plan_year_end DATE,
    renewal_approaching BOOLEAN DEFAULT FALSE,
    created_at TIMESTAMP DEFAULT NOW()
);

-- Blog Signals (attaches to Company Target)
CREATE TABLE outreach.blog_signals (
    signal_id TEXT PRIMARY KEY,
    target_id TEXT NOT NULL REFERENCES outreach.company_target(target_id) ON DELETE CASCADE,
    company_unique_id TEXT NOT NULL,
    signal_type TEXT NOT NULL,
    source_url TEXT,
    detected_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP DEFAULT NOW()
);

-- Campaigns
CREATE TABLE outreach.campaigns (
    campaign_id TEXT PRIMARY KEY,
    company_unique_id TEXT NOT NULL,
    campaign_name TEXT,
    status TEXT DEFAULT 'draft',
    created_at TIMESTAMP DEFAULT NOW()
);

-- Send Log
CREATE TABLE outreach.send_log (
    send_id TEXT PRIMARY KEY,
    campaign_id TEXT REFERENCES outreach.campaigns(campaign_id),
    company_unique_id TEXT NOT NULL,
    person_id TEXT,
    sent_at TIMESTAMP,
    status TEXT
);

-- Engagement Events
CREATE TABLE outreach.engagement_events (
    event_id TEXT PRIMARY KEY,
    send_id TEXT REFERENCES outreach.send_log(send_id),
    company_unique_id TEXT NOT NULL,
    event_type TEXT NOT NULL,  -- open, click, reply
    event_at TIMESTAMP DEFAULT NOW()
);

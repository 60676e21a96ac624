-- Outreach execution tables (owned by barton-outreach-core).
\set ON_ERROR_STOP on
SET search_path TO outreach, public;

CREATE TABLE IF NOT EXISTS outreach.campaigns (
    campaign_id  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name         text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS outreach.send_log (
    send_id      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    campaign_id  uuid NOT NULL REFERENCES outreach.campaigns (campaign_id),
    sent_at      timestamptz NOT NULL DEFAULT now(),
    note         text  -- 'not a statement; DELETE FROM cl.company_identity'
);

-- The declared cross-hub edge: outreach.company_target -> cl.company_identity, ON DELETE RESTRICT.
ALTER TABLE outreach.company_target
    ADD CONSTRAINT fk_company_lifecycle FOREIGN KEY (company_unique_id)
    REFERENCES cl.company_identity (company_unique_id) ON DELETE RESTRICT;

ALTER TABLE outreach.company_target ENABLE ROW LEVEL SECURITY;
CREATE POLICY outreach_write_policy ON outreach.company_target FOR ALL TO outreach_writer USING (true);
CREATE POLICY outreach_read_policy ON outreach.company_target FOR SELECT TO cl_writer, ui_reader USING (true);

GRANT USAGE ON SCHEMA outreach TO outreach_writer, cl_writer, ui_reader;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA outreach TO outreach_writer;
GRANT SELECT ON outreach.campaigns, outreach.send_log TO ui_reader;

CREATE OR REPLACE FUNCTION outreach.log_send() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    INSERT INTO outreach.engagement_events (send_id, kind) VALUES (NEW.send_id, 'sent');
    RETURN NEW;
END;
$fn$;

CREATE TRIGGER send_log_events AFTER INSERT ON send_log
    FOR EACH ROW EXECUTE FUNCTION outreach.log_send();

COPY outreach.campaigns (name) FROM stdin;
Spring launch; "quoted" 'text'
Autumn follow-up
\.

INSERT INTO public.shq_error_log (hub, message) VALUES ('outreach', 'migration 001 applied');

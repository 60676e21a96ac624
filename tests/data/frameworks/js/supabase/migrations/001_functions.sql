CREATE OR REPLACE FUNCTION outreach.bump_score(p_id uuid) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  UPDATE outreach.people SET score = score + 1 WHERE id = p_id;
END $$;

CREATE OR REPLACE PROCEDURE outreach.promote(p_id text) LANGUAGE sql AS $$
  UPDATE cl.lifecycle_state SET stage = 'customer' WHERE company_id = p_id;
$$;

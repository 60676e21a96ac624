// Outreach dashboard data access (Supabase client + raw SQL through the pooler).
import { createClient } from "@supabase/supabase-js";
import { sql } from "./db";

const supabase = createClient(process.env.SUPABASE_URL!, process.env.SUPABASE_KEY!);

export async function logEngagement(sendId: string, kind: string) {
  // A write to the hub's own table, through the Supabase client.
  return supabase.schema("outreach").from("engagement_events").insert({ send_id: sendId, kind });
}

export async function companyNames(status: string) {
  const rx = /from cl\.company_identity/i; // a regex literal, not SQL
  return sql`
    SELECT ci.company_name
    FROM cl.company_identity ci
    JOIN outreach.company_target ct USING (company_unique_id)
    WHERE ct.status = ${status}
  `;
}

import { createClient } from "@supabase/supabase-js";

const supabase = createClient(URL, KEY);

export async function go(id: string) {
  await supabase.rpc("bump_score", { p_id: id });          // defined in supabase/migrations: own table
  await supabase.schema("outreach").rpc("promote", { p_id: id });  // its body writes cl.lifecycle_state
  await supabase.rpc("unknown_fn");                         // not defined in the repository
  await db.query("CALL outreach.promote($1)", [id]);
}

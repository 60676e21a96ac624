import { createClient } from "@supabase/supabase-js";

const clDb = createClient(URL, KEY, { db: { schema: "cl" } });
const outreach = createClient(URL, KEY, { db: { schema: "outreach" } });
const supabase = createClient(URL, KEY);
const cl = supabase.schema("cl");

export async function go(id: string) {
  await clDb.from("company_identity").update({ a: 1 }).eq("id", id);
  await outreach.from("people").insert({ id });                          // own table
  await cl.from("lifecycle_state").delete().eq("id", id);
  await supabase.schema("outreach").from("people").upsert({ id });       // own table
  await cl.from("merge_records").select("*");                            // a read
}

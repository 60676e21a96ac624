import { knex } from "./db/knex";

const CL = "cl";
const TABLES = ["company_identity", "lifecycle_state"] as const;

export async function sync(id: string, table: string) {
  await knex("cl.company_identity").where({ id }).update({ name: "x" });
  await knex("people").insert({ id });                                   // own table
  await knex("merge_records").withSchema(CL).del();
  await knex.insert({ id }).into("cl.lifecycle_state");
  await knex.withSchema("outreach").table("people").update({ a: 1 });  // own table
  await knex.schema.withSchema("cl").alterTable("company_identity", (t) => t.string("x"));
  await knex.raw("DELETE FROM cl.merge_records WHERE id = ?", [id]);
  await knex(table).del();
  const rows = await knex("cl.company_identity").select("*");           // a read
  for (const t of TABLES) {
    await knex.raw(`TRUNCATE ${CL}.${t}`);
  }
  return rows;
}

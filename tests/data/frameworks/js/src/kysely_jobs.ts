import { Kysely } from "kysely";

export async function run(db: Kysely<any>) {
  await db.insertInto("cl.company_identity").values({ id: 1 }).execute();
  await db.withSchema("cl").updateTable("lifecycle_state").set({ a: 1 }).execute();
  await db.deleteFrom("outreach.people").where("id", "=", 1).execute();   // own table
  await db.selectFrom("cl.merge_records").selectAll().execute();          // a read
  await db.schema.withSchema("cl").alterTable("merge_records").addColumn("x", "text").execute();
}

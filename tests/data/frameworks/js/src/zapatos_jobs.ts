import * as db from "zapatos/db";
import pool from "./pg";

export async function go(id: string): Promise<void> {
  await db.insert("cl.company_identity", { id }).run(pool);
  await db.update("cl.lifecycle_state", { state: "x" }, { id }).run(pool);
  await db.insert("outreach.people", { id }).run(pool); // own table
  await db.select("cl.company_identity", { id }).run(pool); // a read
  await db.deletes("cl.merge_records", { id }).run(pool);
}

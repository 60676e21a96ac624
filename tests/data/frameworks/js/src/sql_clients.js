import postgres from "postgres";
import { sql as slonik } from "slonik";
import pg from "pg";

const sql = postgres();
const TABLE = "cl.lifecycle_state";

export async function go(pool, id) {
  await sql`UPDATE ${sql("cl.company_identity")} SET a = 1 WHERE id = ${id}`;
  await sql`DELETE FROM ${sql(TABLE)} WHERE id = ${id}`;
  await sql`INSERT INTO outreach.people (id) VALUES (${id})`;             // own table
  await pool.query(slonik.unsafe`DELETE FROM ${slonik.identifier(["cl", "merge_records"])}`);
  await pool.query({ text: "UPDATE cl.company_identity SET a = $1", values: [1] });
  const cfg = { name: "x", text: "SELECT * FROM cl.company_identity" };  // a read
  await pool.query(cfg);
}

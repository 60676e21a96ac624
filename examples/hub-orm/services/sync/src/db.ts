import { Kysely, PostgresDialect } from "kysely";
import knexFactory from "knex";

const CL = "cl";
export const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
export const knex = knexFactory({ client: "pg" });

export async function recordMerge(winner: string, loser: string) {
  await db.insertInto("cl.merge_records").values({ winner, loser }).execute();
  await db.withSchema(CL).updateTable("company_identity").set({ merged_into: winner }).where("id", "=", loser).execute();
  // tell Outreach directly instead of through its API: a write into another hub's table
  await knex("outreach.send_log").insert({ company_id: loser, kind: "merged" });
  return db.selectFrom("outreach.company_target").selectAll().where("company_id", "=", winner).execute();
}

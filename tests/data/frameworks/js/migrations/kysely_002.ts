import { Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .withSchema("outreach")
    .createTable("people")
    .addColumn("id", "serial", (col) => col.primaryKey())
    .addColumn("company_id", "text", (col) => col.references("cl.company_identity.id").onDelete("cascade"))
    .addColumn("target_id", "integer", (col) => col.references("outreach.company_target.target_id").onDelete("cascade"))
    .execute();
}

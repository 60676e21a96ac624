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

export async function up2(db: Kysely<any>): Promise<void> {
  await db.schema
    .withSchema("outreach")
    .alterTable("company_target")
    .addForeignKeyConstraint("target_lifecycle_fk", ["lifecycle_id"], "cl.lifecycle_state", ["id"], (cb) =>
      cb.onDelete("set null"),
    )
    .execute();
}

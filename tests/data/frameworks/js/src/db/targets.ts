import { foreignKey, integer, pgSchema, text } from "drizzle-orm/pg-core";
import { companies } from "./schema";

const outreach = pgSchema("outreach");
const lifecycle = pgSchema("cl").table("lifecycle_state", { id: integer("id").primaryKey() });

export const targets = outreach.table("company_target", {
  id: integer("id").primaryKey(),
  companyUniqueId: text("company_unique_id").references(() => companies.id, { onDelete: "restrict" }), // declared
  lifecycleId: integer().references(() => lifecycle.id, { onDelete: "cascade" }),
  note: text("note"),
});

export const people = outreach.table(
  "people",
  {
    id: integer("id").primaryKey(),
    targetId: integer("target_id").references(() => targets.id, { onDelete: "cascade" }), // inside the hub
    companyId: text("company_id"),
  },
  (t) => [foreignKey({ columns: [t.companyId], foreignColumns: [companies.id] }).onDelete("set null")],
);

export const teams = outreach.table(
  "people",
  { id: integer("id").primaryKey(), leadId: integer("lead_id") },
  (table) => [foreignKey({ columns: [table.leadId], foreignColumns: [table.id] }).onDelete("cascade")], // itself
);

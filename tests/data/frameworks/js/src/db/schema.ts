import { pgSchema, pgTable, text } from "drizzle-orm/pg-core";

export const cl = pgSchema("cl");
export const companies = cl.table("company_identity", { id: text("id") });
export const people = pgSchema("outreach").table("people", { id: text("id") });
export const local = pgTable("scratch", { id: text("id") });
